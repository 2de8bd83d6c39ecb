//! Text matchers: IAM action wildcards, condition key placeholders and ARN formats.
//!
//! All three work on bytes without allocating. The catalogue's names are ASCII (checked when the
//! data is decoded), so a byte is a character wherever a catalogue name is the text being matched.

use std::cmp::Ordering;

/// Matches an IAM action pattern against an action name, ASCII case-insensitively.
///
/// `*` matches any run of characters (including none) and `?` exactly one, as in the `Action`
/// element of a policy ("IAM JSON policy elements: Action": action names are case-insensitive and
/// may use wildcards).
pub(crate) fn wildcard_matches(pattern: &str, text: &str) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    let (mut p, mut t) = (0usize, 0usize);
    // The position after the last `*` seen, and the text position it was tried at.
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let Some(&tc) = text.get(t) else {
            // The text is used up: what is left of the pattern must be all `*`.
            return pattern
                .get(p..)
                .is_some_and(|rest| rest.iter().all(|&c| c == b'*'));
        };
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                backtrack = Some((p, t));
            }
            Some(&pc) if pc == b'?' || pc.eq_ignore_ascii_case(&tc) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                // Let the last `*` swallow one more character and try again from there.
                Some((bp, bt)) => {
                    p = bp;
                    t = bt + 1;
                    backtrack = Some((bp, bt + 1));
                }
                None => return false,
            },
        }
    }
}

/// Whether a pattern has IAM action wildcards.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.bytes().any(|c| c == b'*' || c == b'?')
}

/// Compares two names ASCII case-insensitively: the order the catalogue is sorted and searched in.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Names that are compared share long prefixes (`ec2:DescribeInstance…`): skip the identical
    // part eight bytes at a time before comparing byte by byte.
    let mut start = 0;
    while let (Some(x), Some(y)) = (a.get(start..start + 8), b.get(start..start + 8)) {
        if x != y {
            break;
        }
        start += 8;
    }
    let (a, b) = (
        a.get(start..).unwrap_or_default(),
        b.get(start..).unwrap_or_default(),
    );
    for (x, y) in a.iter().zip(b) {
        match x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// What kind of catalogue template is being matched; it decides what a placeholder can span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Template {
    /// A condition key such as `aws:RequestTag/${TagKey}` or `s3:ExistingObjectTag/<key>`.
    /// Placeholders (`${…}`, `<…>`) match one or more characters of any kind; the rest is
    /// compared ASCII case-insensitively, as IAM compares condition key names.
    ConditionKey,
    /// An ARN format such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. Placeholders
    /// (`${…}`) match one or more characters and `*` matches any run, both within an ARN
    /// segment: never across `:`, nor across the character that follows them in the format. The
    /// last one may hold anything, so `${ObjectName}` takes `a/b/c` and `${RoleNameWithPath}`
    /// takes `path/role`. The rest is compared exactly (ARNs are case-sensitive).
    ArnFormat,
}

enum Token {
    Literal(u8),
    Hole { min: usize },
}

fn next_token(template: &[u8], kind: Template) -> Option<(Token, &[u8])> {
    let (&first, rest) = template.split_first()?;
    let closing = match (first, kind) {
        (b'$', _) if rest.first() == Some(&b'{') => Some(b'}'),
        (b'<', Template::ConditionKey) => Some(b'>'),
        (b'*', Template::ArnFormat) => return Some((Token::Hole { min: 0 }, rest)),
        _ => None,
    };
    if let Some(closing) = closing
        && let Some(end) = rest.iter().position(|&c| c == closing)
    {
        return Some((
            Token::Hole { min: 1 },
            rest.get(end + 1..).unwrap_or_default(),
        ));
    }
    Some((Token::Literal(first), rest))
}

/// Whether a catalogue template has placeholders, i.e. stands for many names.
pub(crate) fn has_placeholder(template: &str, kind: Template) -> bool {
    let mut rest = template.as_bytes();
    while let Some((token, next)) = next_token(rest, kind) {
        if matches!(token, Token::Hole { .. }) {
            return true;
        }
        rest = next;
    }
    false
}

/// The number of literal characters of a template: the more, the more specific it is.
pub(crate) fn literal_len(template: &str, kind: Template) -> usize {
    let mut rest = template.as_bytes();
    let mut n = 0;
    while let Some((token, next)) = next_token(rest, kind) {
        if matches!(token, Token::Literal(_)) {
            n += 1;
        }
        rest = next;
    }
    n
}

/// Matches a concrete name against a catalogue template (see [`Template`]).
pub(crate) fn template_matches(template: &str, text: &str, kind: Template) -> bool {
    matches_bytes(template.as_bytes(), text.as_bytes(), kind)
}

fn matches_bytes(mut template: &[u8], mut text: &[u8], kind: Template) -> bool {
    loop {
        match next_token(template, kind) {
            None => return text.is_empty(),
            Some((Token::Literal(c), rest)) => match text.split_first() {
                Some((&t, text_rest)) if literal_eq(c, t, kind) => {
                    template = rest;
                    text = text_rest;
                }
                _ => return false,
            },
            Some((Token::Hole { min }, rest)) => {
                if rest.is_empty() {
                    return text.len() >= min;
                }
                let stop = hole_stop(rest, kind);
                let mut end = 0;
                loop {
                    if end >= min
                        && let Some(tail) = text.get(end..)
                        && matches_bytes(rest, tail, kind)
                    {
                        return true;
                    }
                    match text.get(end) {
                        Some(&c) if !stop.contains(&Some(c)) => end += 1,
                        _ => return false,
                    }
                }
            }
        }
    }
}

fn literal_eq(template: u8, text: u8, kind: Template) -> bool {
    match kind {
        Template::ConditionKey => template.eq_ignore_ascii_case(&text),
        Template::ArnFormat => template == text,
    }
}

/// The characters a hole that is not last may not span.
fn hole_stop(rest: &[u8], kind: Template) -> [Option<u8>; 2] {
    match kind {
        Template::ConditionKey => [None, None],
        Template::ArnFormat => match next_token(rest, kind) {
            // `${BucketName}/…` stops at `/`, `log-group:${LogGroupName}:…` at `:` only, so a
            // log group name may hold `/`.
            Some((Token::Literal(c), _)) => [Some(b':'), Some(c)],
            // Two holes in a row (`${DomainName}${EncodedPackageGroupPattern}`): keep the first
            // within one path element.
            _ => [Some(b':'), Some(b'/')],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_order() {
        use Ordering::*;
        assert_eq!(cmp_ignore_case("GetObject", "getobject"), Equal);
        assert_eq!(
            cmp_ignore_case("ec2:DescribeInstances", "EC2:describeinstanceStatus"),
            Less
        );
        assert_eq!(
            cmp_ignore_case("ec2:DescribeInstancesX", "ec2:DescribeInstances"),
            Greater
        );
        assert_eq!(cmp_ignore_case("abcdefghij", "ABCDEFGHIJK"), Less);
        assert_eq!(cmp_ignore_case("Zeta", "alpha"), Greater);
        assert_eq!(cmp_ignore_case("", ""), Equal);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_matches("Get*", "GetObject"));
        assert!(wildcard_matches("get*", "GetObject"));
        assert!(wildcard_matches("?etObject", "GetObject"));
        assert!(wildcard_matches("*", ""));
        assert!(wildcard_matches("*Object*", "GetObjectAcl"));
        assert!(wildcard_matches("s3:*Object", "s3:GetObject"));
        assert!(wildcard_matches("a*b*c", "aXbYbZc"));
        assert!(!wildcard_matches("Get*", "PutObject"));
        assert!(!wildcard_matches("?", ""));
        assert!(!wildcard_matches("GetObject", "GetObjectAcl"));
        assert!(!wildcard_matches("a*b*c", "aXbYbZ"));
    }

    #[test]
    fn condition_key_templates() {
        let k = Template::ConditionKey;
        assert!(template_matches(
            "aws:RequestTag/${TagKey}",
            "aws:requesttag/Team",
            k
        ));
        assert!(template_matches(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/a/b",
            k
        ));
        assert!(!template_matches(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/",
            k
        ));
        assert!(template_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/x",
            k
        ));
        let build = "codebuild:secondarySources/${sourceIdentifier}.auth.type";
        assert!(template_matches(
            build,
            "codebuild:secondarySources/src1.auth.type",
            k
        ));
        assert!(!template_matches(
            build,
            "codebuild:secondarySources/src1.auth",
            k
        ));
        assert!(has_placeholder("aws:RequestTag/${TagKey}", k));
        assert!(!has_placeholder("aws:TagKeys", k));
    }

    #[test]
    fn arn_templates() {
        let a = Template::ArnFormat;
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(template_matches(object, "arn:aws:s3:::b/k/e/y", a));
        assert!(template_matches(object, "arn:aws:s3:::b/*", a));
        assert!(!template_matches(object, "arn:aws:s3:::b", a));
        assert!(template_matches(bucket, "arn:aws:s3:::b", a));
        assert!(!template_matches(bucket, "arn:aws:s3:us-east-1::b", a));
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(template_matches(
            role,
            "arn:aws:iam::123456789012:role/a/b",
            a
        ));
        assert!(!template_matches(
            role,
            "arn:aws:iam::123456789012:user/a",
            a
        ));
        assert!(!template_matches(role, "arn:aws:iam:::role/a", a));
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        assert!(template_matches(
            stream,
            "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/f:log-stream:2024/x",
            a
        ));
        let dms = "arn:${Partition}:dms:${Region}:${Account}:cert:*";
        assert!(template_matches(dms, "arn:aws:dms:r:1:cert:", a));
        assert!(template_matches(dms, "arn:aws:dms:r:1:cert:ABC", a));
        assert!(!template_matches(
            "arn:${Partition}:S3:::x",
            "arn:aws:s3:::x",
            a
        ));
        assert!(literal_len(object, a) > literal_len(bucket, a));
    }
}
