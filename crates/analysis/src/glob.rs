//! Unix filename patterns, as Python's `fnmatch.fnmatchcase` reads them: `*` matches any run
//! of characters (slashes and colons included), `?` exactly one, everything else itself,
//! case-sensitively.
//!
//! Used for the role allowlist of `iam-role-unused` (the published rule calls
//! `fnmatch.fnmatch`, which is case-sensitive on Linux, where Lambda runs) and for the
//! resource patterns of suppressions. Character classes (`[seq]`) are not supported: neither
//! use allows `[` (the allowlist's character set excludes it, and ARNs never contain it).

/// Whether `text` matches `pattern` in full.
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    // Where to resume after the last `*`: the pattern position after it, and the text
    // position it currently stands for.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some('*'), _) => {
                star = Some((p + 1, t));
                p += 1;
            }
            (Some('?'), Some(_)) => {
                p += 1;
                t += 1;
            }
            (Some(expected), Some(actual)) if expected == actual => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((resume, consumed)) => {
                    p = resume;
                    t = consumed + 1;
                    star = Some((resume, consumed + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn fnmatch_semantics() {
        assert!(matches("/breakglass-role", "/breakglass-role"));
        assert!(!matches("/breakglass-role", "/breakglass-role2"));
        assert!(matches("/security-*", "/security-audit"));
        assert!(matches("/security-*", "/security-"));
        assert!(matches(
            "/service-role/*",
            "/service-role/aws-codestar-service-role"
        ));
        // `*` crosses `/`, as in fnmatch.
        assert!(matches("/*", "/a/b/c"));
        assert!(matches("*", ""));
        assert!(!matches("?", ""));
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "ac"));
        assert!(matches("*a*b*", "xxaxxbxx"));
        assert!(!matches("*a*b*", "xxbxxaxx"));
        // Case-sensitive.
        assert!(!matches("/Admin", "/admin"));
        assert!(matches(
            "arn:aws:iam::*:role/legacy-*",
            "arn:aws:iam::123456789012:role/legacy-etl"
        ));
    }
}
