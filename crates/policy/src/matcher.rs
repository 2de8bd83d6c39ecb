//! Wildcard matching of actions and resources (ARNs), compiled once.
//!
//! Sources (IAM User Guide):
//! - `reference_policies_elements_action.html`: "The prefix and the action name are case
//!   insensitive"; `*` and `?` may appear anywhere in the action name.
//! - `reference_policies_elements_resource.html` §"Using wildcards in resource ARNs": wildcards
//!   work "within the individual segments of an ARN (the parts separated by colons)"; "If the `*`
//!   wildcard is the last character of a resource ARN segment, it can expand to match beyond the
//!   colon boundaries"; "You can't use a wildcard in the service segment"; a `*` replaces
//!   "everything within a segment, including characters like a forward slash (`/`)".
//!
//! Case: action patterns are matched case-insensitively. In ARNs the partition, service, region
//! and account segments are matched case-insensitively (AWS writes them in lower case and digits,
//! so this only forgives odd spellings) and the resource segment case-sensitively ("In the
//! `Resource` element, the IAM user name is case sensitive", current page; see
//! `docs/known-differences.md` for the older "case-insensitive" wording).

use crate::variable::{Template, TemplatePart};

/// One element of a compiled wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// Literal text (including `${*}`, `${?}`, `${$}` escapes).
    Text(Box<str>),
    /// `*`: any run of characters, possibly empty.
    AnyRun,
    /// `?`: exactly one character.
    AnyChar,
    /// `${key}` or `${key, 'default'}`, resolved per request.
    Variable(VariableRef),
}

/// A policy variable inside a compiled pattern or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VariableRef {
    /// The context key, lower-cased (keys compare case-insensitively).
    pub(crate) key: Box<str>,
    /// The key as written, for explanations.
    pub(crate) key_as_written: Box<str>,
    pub(crate) default: Option<Box<str>>,
}

/// Resolves policy variables against a request. Implemented by the evaluator's environment.
pub(crate) trait VariableSource {
    /// The single value of a context key (`key` is lower-cased), or `None` when the key is absent
    /// or multivalued ("Multivalued keys can't be policy variables",
    /// `reference_policies_variables.html`). `key_as_written` is for reporting missing keys.
    fn variable(&self, key: &str, key_as_written: &str) -> Option<&str>;
}

/// Compiles text into tokens. `wildcards` says whether bare `*`/`?` are wildcards (Like
/// operators, Resource, Action) or literal text (Equals operators); `variables` whether `${...}`
/// is a policy variable (Version 2012-10-17) or literal text.
pub(crate) fn compile_tokens(text: &str, wildcards: bool, variables: bool) -> Vec<Token> {
    let mut tokens = Vec::new();
    if variables {
        for part in Template::parse(text).parts {
            match part {
                TemplatePart::Literal(literal) => push_literal(&mut tokens, &literal, wildcards),
                TemplatePart::Escaped(c) => push_text(&mut tokens, c.encode_utf8(&mut [0; 4])),
                TemplatePart::Variable(variable) => tokens.push(Token::Variable(VariableRef {
                    key: variable.key.to_ascii_lowercase().into(),
                    key_as_written: variable.key.into(),
                    default: variable.default.map(Into::into),
                })),
            }
        }
    } else {
        push_literal(&mut tokens, text, wildcards);
    }
    tokens
}

fn push_literal(tokens: &mut Vec<Token>, text: &str, wildcards: bool) {
    if !wildcards {
        push_text(tokens, text);
        return;
    }
    let mut run_start = 0;
    for (index, c) in text.char_indices() {
        if c == '*' || c == '?' {
            push_text(tokens, text.get(run_start..index).unwrap_or_default());
            if c == '*' {
                // Consecutive stars are one star.
                if tokens.last() != Some(&Token::AnyRun) {
                    tokens.push(Token::AnyRun);
                }
            } else {
                tokens.push(Token::AnyChar);
            }
            run_start = index + 1;
        }
    }
    push_text(tokens, text.get(run_start..).unwrap_or_default());
}

fn push_text(tokens: &mut Vec<Token>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Token::Text(previous)) = tokens.last_mut() {
        let mut joined = String::with_capacity(previous.len() + text.len());
        joined.push_str(previous);
        joined.push_str(text);
        *previous = joined.into();
    } else {
        tokens.push(Token::Text(text.into()));
    }
}

/// Whether the tokens hold a policy variable.
pub(crate) fn has_variables(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .any(|token| matches!(token, Token::Variable(_)))
}

/// Replaces variables by their request values (as literal text). `None` when a variable has no
/// value and no default: the pattern then matches nothing (`reference_policies_variables.html`).
pub(crate) fn resolve(tokens: &[Token], source: &dyn VariableSource) -> Option<Vec<Token>> {
    let mut resolved = Vec::with_capacity(tokens.len());
    for token in tokens {
        match token {
            Token::Variable(variable) => {
                let value = source
                    .variable(&variable.key, &variable.key_as_written)
                    .or(variable.default.as_deref())?;
                push_text(&mut resolved, value);
            }
            Token::Text(text) => push_text(&mut resolved, text),
            other => resolved.push(other.clone()),
        }
    }
    Some(resolved)
}

/// The literal text of variable-free, wildcard-free tokens (an Equals operand).
pub(crate) fn literal_text(tokens: &[Token]) -> Option<String> {
    let mut text = String::new();
    for token in tokens {
        match token {
            Token::Text(part) => text.push_str(part),
            Token::AnyRun => text.push('*'),
            Token::AnyChar => text.push('?'),
            Token::Variable(_) => return None,
        }
    }
    Some(text)
}

/// Wildcard match of `text` against `tokens`. `fold_case` compares ASCII letters without case.
/// Unresolved variables match nothing.
///
/// The classic greedy algorithm with one backtrack point (the last `*`): on a mismatch, the last
/// star absorbs one more character and matching restarts after it. Linear in practice, never
/// exponential, and allocation-free.
pub(crate) fn glob(tokens: &[Token], text: &str, fold_case: bool) -> bool {
    // The shapes most patterns have, without the general loop.
    match tokens {
        [] => return text.is_empty(),
        [Token::AnyRun] => return true,
        [Token::Text(literal)] => {
            return bytes_equal(text.as_bytes(), literal.as_bytes(), fold_case);
        }
        [Token::Text(literal), Token::AnyRun] => {
            return text
                .as_bytes()
                .get(..literal.len())
                .is_some_and(|head| bytes_equal(head, literal.as_bytes(), fold_case));
        }
        _ => {}
    }
    let bytes = text.as_bytes();
    let mut token_index = 0;
    let mut position = 0;
    // (token index after the star, text position the star currently ends at)
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let advanced = match tokens.get(token_index) {
            Some(Token::AnyRun) => {
                backtrack = Some((token_index + 1, position));
                token_index += 1;
                continue;
            }
            Some(Token::AnyChar) => match next_char_len(text, position) {
                Some(len) => {
                    position += len;
                    true
                }
                None => false,
            },
            Some(Token::Text(literal)) => {
                let end = position + literal.len();
                match bytes.get(position..end) {
                    Some(slice) if bytes_equal(slice, literal.as_bytes(), fold_case) => {
                        position = end;
                        true
                    }
                    _ => false,
                }
            }
            Some(Token::Variable(_)) => return false,
            None => {
                if position == bytes.len() {
                    return true;
                }
                false
            }
        };
        if advanced {
            token_index += 1;
            continue;
        }
        match backtrack {
            Some((after_star, star_end)) => match next_char_len(text, star_end) {
                Some(len) => {
                    backtrack = Some((after_star, star_end + len));
                    token_index = after_star;
                    position = star_end + len;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

fn next_char_len(text: &str, position: usize) -> Option<usize> {
    text.get(position..)?.chars().next().map(char::len_utf8)
}

fn bytes_equal(a: &[u8], b: &[u8], fold_case: bool) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if fold_case {
        a.eq_ignore_ascii_case(b)
    } else {
        // Most mismatches differ in the first byte; skip the library call for them.
        a.first() == b.first() && a == b
    }
}

// ------------------------------------------------------------------------------------------------
// Actions
// ------------------------------------------------------------------------------------------------

/// A compiled `Action`/`NotAction` value, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionMatcher {
    kind: ActionKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ActionKind {
    /// `*`.
    Any,
    /// `service:Name` with no wildcard: compared as one lower-cased string.
    Exact(Box<str>),
    /// `service:Pat*tern`: the service compared exactly, the name by wildcard.
    ServicePattern { service: Box<str>, name: Vec<Token> },
    /// Anything else (not a well-formed action): a wildcard over the whole lower-cased text,
    /// which can only match if the text happens to look like an action.
    Other(Vec<Token>),
}

impl ActionMatcher {
    /// Compiles an action pattern as written in a policy.
    pub fn new(pattern: &str) -> ActionMatcher {
        let lower = pattern.to_ascii_lowercase();
        let kind = if lower == "*" {
            ActionKind::Any
        } else {
            match lower.split_once(':') {
                Some((service, name))
                    if !service.is_empty()
                        && !service.contains(['*', '?'])
                        && !name.is_empty()
                        && !name.contains(':') =>
                {
                    if name.contains(['*', '?']) {
                        ActionKind::ServicePattern {
                            service: service.into(),
                            name: compile_tokens(name, true, false),
                        }
                    } else {
                        ActionKind::Exact(lower.as_str().into())
                    }
                }
                _ => ActionKind::Other(compile_tokens(&lower, true, false)),
            }
        };
        ActionMatcher { kind }
    }

    pub(crate) fn kind(&self) -> &ActionKind {
        &self.kind
    }

    /// Like [`ActionMatcher::matches`], with the action already split into its service prefix
    /// and name (all lower-cased).
    pub(crate) fn matches_parts(&self, action: &str, service: &str, name: &str) -> bool {
        match &self.kind {
            ActionKind::Any => true,
            ActionKind::Exact(exact) => **exact == *action,
            ActionKind::ServicePattern {
                service: pattern_service,
                name: pattern_name,
            } => **pattern_service == *service && glob(pattern_name, name, false),
            ActionKind::Other(tokens) => glob(tokens, action, false),
        }
    }

    /// Whether the pattern matches `action`, which must already be lower-cased
    /// ([`crate::context::RequestContext`] keeps it so).
    pub fn matches(&self, action: &str) -> bool {
        match &self.kind {
            ActionKind::Any => true,
            ActionKind::Exact(exact) => **exact == *action,
            ActionKind::ServicePattern { service, name } => match action.split_once(':') {
                Some((action_service, action_name)) => {
                    **service == *action_service && glob(name, action_name, false)
                }
                None => false,
            },
            ActionKind::Other(tokens) => glob(tokens, action, false),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Resources (ARN patterns)
// ------------------------------------------------------------------------------------------------

/// A compiled `Resource`/`NotResource` value or an `Arn*` condition value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnPattern {
    kind: ArnPatternKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ArnPatternKind {
    /// `*`: every resource.
    Any,
    /// An ARN pattern split into up to six segments. Segments 0–4 are lower-cased.
    Arn {
        segments: Vec<Vec<Token>>,
        has_variables: bool,
    },
    /// Text that is not an ARN pattern: a wildcard over the whole resource text.
    Other {
        tokens: Vec<Token>,
        has_variables: bool,
    },
}

impl ArnPattern {
    /// Compiles a resource pattern. `variables` is whether `${...}` is a policy variable
    /// (the policy's `Version` is 2012-10-17).
    pub fn new(pattern: &str, variables: bool) -> ArnPattern {
        Self::compile(pattern, variables, false)
    }

    /// Compiles the value of an `Arn*` condition. Unlike `Resource`, every segment may hold
    /// wildcards, the service segment included: "Each of the six colon-delimited components of
    /// the ARN is checked separately and each can include multi-character match wildcards (*)
    /// or single-character match wildcards (?)" (`reference_policies_elements_condition_operators.html`
    /// §"Amazon Resource Name (ARN) condition operators").
    pub fn condition(pattern: &str, variables: bool) -> ArnPattern {
        Self::compile(pattern, variables, true)
    }

    fn compile(pattern: &str, variables: bool, service_wildcards: bool) -> ArnPattern {
        if pattern == "*" {
            return ArnPattern {
                kind: ArnPatternKind::Any,
            };
        }
        let tokens = compile_tokens(pattern, true, variables);
        let has_variables = has_variables(&tokens);
        match split_segments(tokens.clone(), service_wildcards) {
            Some(segments) => ArnPattern {
                kind: ArnPatternKind::Arn {
                    segments,
                    has_variables,
                },
            },
            None => ArnPattern {
                kind: ArnPatternKind::Other {
                    tokens,
                    has_variables,
                },
            },
        }
    }

    /// Whether this is `*`.
    pub fn is_any(&self) -> bool {
        matches!(self.kind, ArnPatternKind::Any)
    }

    /// Whether `resource` (an ARN or `*`) matches; variables resolve against `source`.
    pub(crate) fn matches(&self, resource: &str, source: &dyn VariableSource) -> bool {
        match &self.kind {
            ArnPatternKind::Any => true,
            _ => self.matches_split(SplitArn::new(resource), source),
        }
    }

    /// [`ArnPattern::matches`] on a resource already split into its parts.
    pub(crate) fn matches_split(&self, split: SplitArn<'_>, source: &dyn VariableSource) -> bool {
        let resource = split.text();
        match &self.kind {
            ArnPatternKind::Any => true,
            ArnPatternKind::Other {
                tokens,
                has_variables,
            } => {
                if *has_variables {
                    match resolve(tokens, source) {
                        Some(resolved) => glob(&resolved, resource, false),
                        None => false,
                    }
                } else {
                    glob(tokens, resource, false)
                }
            }
            ArnPatternKind::Arn {
                segments,
                has_variables,
            } => match_segments(segments, split, has_variables.then_some(source)),
        }
    }
}

/// Splits pattern tokens on the first five literal colons. Colons inside variable names are not
/// separators (they sit inside `${...}`). `None` when the text does not start with `arn:`.
fn split_segments(tokens: Vec<Token>, service_wildcards: bool) -> Option<Vec<Vec<Token>>> {
    match tokens.first() {
        Some(Token::Text(text)) if text.starts_with("arn:") => {}
        _ => return None,
    }
    let mut segments: Vec<Vec<Token>> = vec![Vec::new()];
    for token in tokens {
        match token {
            Token::Text(text) => {
                let mut rest: &str = &text;
                while segments.len() < 6 {
                    match rest.split_once(':') {
                        Some((before, after)) => {
                            if let Some(current) = segments.last_mut() {
                                push_text(current, before);
                            }
                            segments.push(Vec::new());
                            rest = after;
                        }
                        None => break,
                    }
                }
                if let Some(current) = segments.last_mut() {
                    push_text(current, rest);
                }
            }
            other => {
                if let Some(current) = segments.last_mut() {
                    current.push(other);
                }
            }
        }
    }
    for (index, segment) in segments.iter_mut().enumerate() {
        if index < 5 {
            for token in segment.iter_mut() {
                if let Token::Text(text) = token {
                    *text = text.to_ascii_lowercase().into();
                }
            }
        }
        // "You can't use a wildcard in the service segment" (of a `Resource`): a `*` or `?`
        // written there is literal text, which matches no real service.
        if index == 2
            && !service_wildcards
            && segment
                .iter()
                .any(|t| matches!(t, Token::AnyRun | Token::AnyChar))
        {
            let text: String = segment
                .iter()
                .map(|token| match token {
                    Token::Text(text) => text.to_string(),
                    Token::AnyRun => "*".to_owned(),
                    Token::AnyChar => "?".to_owned(),
                    Token::Variable(variable) => format!("${{{}}}", variable.key_as_written),
                })
                .collect();
            *segment = vec![Token::Text(text.into())];
        }
    }
    Some(segments)
}

/// A resource text split on its first five colons (an ARN has six parts; anything else has
/// fewer). Cheap to copy; the request context keeps the split of its resource.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SplitArn<'a> {
    text: &'a str,
    /// Where each part starts; part `i` ends one byte before part `i + 1` starts.
    starts: [usize; 6],
    count: usize,
}

impl<'a> SplitArn<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let (starts, count) = split_bounds(text);
        Self {
            text,
            starts,
            count,
        }
    }

    /// A view over a text whose bounds were computed by [`split_bounds`].
    pub(crate) fn from_bounds(text: &'a str, starts: [usize; 6], count: usize) -> Self {
        Self {
            text,
            starts,
            count,
        }
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    fn part(&self, index: usize) -> Option<&'a str> {
        if index >= self.count {
            return None;
        }
        let start = *self.starts.get(index)?;
        let end = if index + 1 < self.count {
            self.starts.get(index + 1)? - 1
        } else {
            self.text.len()
        };
        self.text.get(start..end)
    }

    fn rest(&self, index: usize) -> Option<&'a str> {
        if index >= self.count {
            return None;
        }
        self.text.get(*self.starts.get(index)?..)
    }
}

/// The start of each colon-separated part (at most six) and how many there are.
pub(crate) fn split_bounds(text: &str) -> ([usize; 6], usize) {
    let mut starts = [0usize; 6];
    let mut count = 1;
    for (index, byte) in text.bytes().enumerate() {
        if byte == b':' {
            match starts.get_mut(count) {
                Some(slot) => *slot = index + 1,
                None => break,
            }
            count += 1;
            if count == 6 {
                break;
            }
        }
    }
    (starts, count)
}

/// Matches ARN pattern segments against a request ARN.
///
/// With six pattern segments each is matched on its own (the sixth, the resource, may contain
/// colons and slashes that `*` crosses). With fewer, the last pattern segment must end in `*`
/// and then "can expand to match beyond the colon boundaries": it is matched against the rest of
/// the ARN from its segment on.
///
/// With a `source`, segments holding variables are resolved first (only those allocate).
fn match_segments(
    segments: &[Vec<Token>],
    resource: SplitArn<'_>,
    source: Option<&dyn VariableSource>,
) -> bool {
    let count = segments.len();
    for (index, segment) in segments.iter().enumerate() {
        let resolved;
        let segment: &[Token] = match source {
            Some(source) if has_variables(segment) => match resolve(segment, source) {
                Some(tokens) => {
                    resolved = tokens;
                    &resolved
                }
                None => return false,
            },
            _ => segment,
        };
        let last = index + 1 == count;
        if last && count < 6 {
            if !matches!(segment.last(), Some(Token::AnyRun)) {
                return false;
            }
            return resource
                .rest(index)
                .is_some_and(|rest| glob(segment, rest, true));
        }
        let Some(part) = resource.part(index) else {
            return false;
        };
        let fold_case = index < 5;
        if !glob(segment, part, fold_case) {
            return false;
        }
    }
    // Six pattern segments matched six request parts; a request with fewer parts fails above.
    count == 6
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoVariables;
    impl VariableSource for NoVariables {
        fn variable(&self, _key: &str, _written: &str) -> Option<&str> {
            None
        }
    }

    struct User(&'static str);
    impl VariableSource for User {
        fn variable(&self, key: &str, _written: &str) -> Option<&str> {
            (key == "aws:username").then_some(self.0)
        }
    }

    fn g(pattern: &str, text: &str) -> bool {
        glob(&compile_tokens(pattern, true, false), text, false)
    }

    #[test]
    fn glob_basics() {
        assert!(g("*", ""));
        assert!(g("*", "anything"));
        assert!(g("a*c", "abc"));
        assert!(g("a*c", "ac"));
        assert!(!g("a*c", "ab"));
        assert!(g("a?c", "abc"));
        assert!(!g("a?c", "ac"));
        assert!(g("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!g("*a*b*c*", "xxaxxcxxbxx"));
        assert!(g("é?", "éü"));
        assert!(g("ab*ab*", "abababab"));
        assert!(!g("abc", "abcd"));
        assert!(g("a**b", "ab"));
    }

    #[test]
    fn actions_are_case_insensitive() {
        let matcher = ActionMatcher::new("IAM:listaccesskeys");
        assert!(matcher.matches("iam:listaccesskeys"));
        let matcher = ActionMatcher::new("iam:*AccessKey*");
        assert!(matcher.matches("iam:createaccesskey"));
        assert!(!matcher.matches("iam:createuser"));
        assert!(!matcher.matches("s3:createaccesskey"));
        assert!(ActionMatcher::new("s3:Get?bject").matches("s3:getobject"));
        assert!(ActionMatcher::new("*").matches("s3:getobject"));
    }

    #[test]
    fn arn_segments() {
        let p = |text: &str| ArnPattern::new(text, true);
        let m = |pattern: &str, arn: &str| p(pattern).matches(arn, &NoVariables);
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c"));
        assert!(m(
            "arn:aws:s3:::bucket/*/test/*",
            "arn:aws:s3:::bucket/1///test///object.jpg"
        ));
        assert!(!m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/a"));
        // a star inside a segment does not cross a colon
        assert!(!m(
            "arn:aws:ec2:us-*:1:instance/i",
            "arn:aws:ec2:us-east-1:1:x:instance/i"
        ));
        // a trailing star on the last written segment crosses colons
        assert!(m("arn:aws:ec2:*", "arn:aws:ec2:us-east-1:1:instance/i-1"));
        assert!(!m("arn:aws:ec2:us", "arn:aws:ec2:us-east-1:1:instance/i-1"));
        // the resource segment may contain colons
        assert!(m(
            "arn:aws:logs:*:*:log-group:/a/*",
            "arn:aws:logs:us-east-1:1:log-group:/a/b:*"
        ));
        // prefix segments are case-insensitive, the resource is not
        assert!(m("arn:AWS:iam::1:user/Bob", "arn:aws:iam::1:user/Bob"));
        assert!(!m("arn:aws:iam::1:user/bob", "arn:aws:iam::1:user/Bob"));
        // no wildcard in the service segment
        assert!(!m("arn:aws:s*:::bucket", "arn:aws:s3:::bucket"));
        assert!(m("*", "*"));
        assert!(!m("arn:aws:s3:::*", "*"));
    }

    #[test]
    fn arn_variables() {
        let pattern = ArnPattern::new("arn:aws:s3:::bucket/home/${aws:username}/*", true);
        assert!(pattern.matches("arn:aws:s3:::bucket/home/bob/x", &User("bob")));
        assert!(!pattern.matches("arn:aws:s3:::bucket/home/alice/x", &User("bob")));
        assert!(!pattern.matches("arn:aws:s3:::bucket/home/bob/x", &NoVariables));
        // 2008-10-17: literal text
        let literal = ArnPattern::new("arn:aws:s3:::bucket/${aws:username}", false);
        assert!(literal.matches("arn:aws:s3:::bucket/${aws:username}", &NoVariables));
        assert!(!literal.matches("arn:aws:s3:::bucket/bob", &User("bob")));
        // escapes are literal
        let escaped = ArnPattern::new("arn:aws:s3:::b/${*}", true);
        assert!(escaped.matches("arn:aws:s3:::b/*", &NoVariables));
        assert!(!escaped.matches("arn:aws:s3:::b/x", &NoVariables));
    }
}
