//! The error of [`crate::parse::parse_policy`] and the JSON path it points at.

use std::fmt::{self, Write as _};

use miette::{Diagnostic, LabeledSpan, SourceSpan};

use crate::document::Span;

/// Why a policy document was refused.
///
/// Every error points at one place: [`line`](ParseError::line) and
/// [`column`](ParseError::column) (1-based; the column counts characters), the byte
/// [`span`](ParseError::span), and the JSON [`path`](ParseError::path) of the value, such as
/// `Statement[2].Condition.StringLike`. Positions are in the text returned by
/// [`crate::parse::decoded_text`], which is the input itself unless it was URL-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    message: String,
    expected: Option<String>,
    help: Option<String>,
    path: String,
    span: Span,
}

/// What kind of mistake a [`ParseError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text is empty or only whitespace.
    Empty,
    /// A URL-encoded document does not decode to UTF-8 text.
    InvalidUrlEncoding,
    /// The text is too large to address with 32-bit offsets.
    TooLarge,
    /// The text is not JSON: a syntax error, a comment, a trailing comma, a bad escape or number.
    InvalidJson,
    /// Containers nest deeper than any policy document can.
    TooDeep,
    /// An object repeats a key.
    DuplicateKey,
    /// An element that IAM does not know, at the top level or in a statement.
    UnknownElement,
    /// A required element is absent (`Statement`, `Effect`, `Action`/`NotAction`).
    MissingElement,
    /// An element and its negated form are both present (`Action` and `NotAction`, ...).
    ConflictingElements,
    /// A value has the wrong JSON type.
    WrongType,
    /// A list or map that must hold at least one value is empty.
    EmptyValue,
    /// `Version` is neither `2012-10-17` nor `2008-10-17`.
    InvalidVersion,
    /// `Effect` is neither `Allow` nor `Deny`.
    InvalidEffect,
    /// A principal string other than `*`.
    InvalidPrincipal,
    /// A principal map key other than `AWS`, `Service`, `Federated` or `CanonicalUser`.
    UnknownPrincipalKind,
    /// A condition operator that IAM does not know.
    UnknownOperator,
}

impl ParseErrorKind {
    /// A stable, kebab-case name, used as the diagnostic code.
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::Empty => "empty",
            ParseErrorKind::InvalidUrlEncoding => "invalid-url-encoding",
            ParseErrorKind::TooLarge => "too-large",
            ParseErrorKind::InvalidJson => "invalid-json",
            ParseErrorKind::TooDeep => "too-deep",
            ParseErrorKind::DuplicateKey => "duplicate-key",
            ParseErrorKind::UnknownElement => "unknown-element",
            ParseErrorKind::MissingElement => "missing-element",
            ParseErrorKind::ConflictingElements => "conflicting-elements",
            ParseErrorKind::WrongType => "wrong-type",
            ParseErrorKind::EmptyValue => "empty-value",
            ParseErrorKind::InvalidVersion => "invalid-version",
            ParseErrorKind::InvalidEffect => "invalid-effect",
            ParseErrorKind::InvalidPrincipal => "invalid-principal",
            ParseErrorKind::UnknownPrincipalKind => "unknown-principal-kind",
            ParseErrorKind::UnknownOperator => "unknown-operator",
        }
    }
}

impl ParseError {
    pub(crate) fn new(
        kind: ParseErrorKind,
        message: impl Into<String>,
        span: Span,
        path: &Path<'_>,
    ) -> Self {
        Self {
            kind,
            message: one_line(message.into()),
            expected: None,
            help: None,
            path: path.to_string(),
            span,
        }
    }

    pub(crate) fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(one_line(help.into()));
        self
    }

    pub(crate) fn with_help_if(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help.map(one_line);
        }
        self
    }

    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The description alone, without position (the `Display` form adds line and column).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the offending value.
    pub fn line(&self) -> u32 {
        self.span.line
    }

    /// 1-based column of the offending value, counted in characters.
    pub fn column(&self) -> u32 {
        self.span.column
    }

    /// The JSON path of the offending value, e.g. `Statement[0].Action[3]`; empty for the
    /// document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the parser expected at this place, e.g. ``"`Allow` or `Deny`"``.
    pub fn expected(&self) -> Option<&str> {
        self.expected.as_deref()
    }

    /// How to fix the document, when a fix is known (also the diagnostic's `help`).
    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Byte offsets and position of the offending value.
    pub fn span(&self) -> Span {
        self.span
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, " (line {}, column {})", self.span.line, self.span.column)
    }
}

impl std::error::Error for ParseError {}

impl Diagnostic for ParseError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("iamwatch::parse::{}", self.kind.code())))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let start = usize::try_from(self.span.start).unwrap_or(usize::MAX);
        let end = usize::try_from(self.span.end).unwrap_or(usize::MAX);
        let label = match &self.expected {
            Some(expected) => format!("expected {expected}"),
            None => "here".to_owned(),
        };
        let span = SourceSpan::new(start.into(), end.saturating_sub(start));
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(label), span),
        )))
    }
}

/// Messages quote user input, which may hold line breaks and other control characters (as
/// JSON escapes); they are shown escaped so that a message stays on one line.
fn one_line(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A JSON path built on the stack while the parser descends, rendered only for errors.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    pub(crate) fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    pub(crate) fn index(&'p self, index: usize) -> Path<'p> {
        Path::Index(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                parent.fmt(f)?;
                if is_plain_key(key) {
                    if !matches!(parent, Path::Root) {
                        f.write_char('.')?;
                    }
                    f.write_str(key)
                } else {
                    // Keys that would make the path ambiguous are quoted, JSON-style.
                    write!(f, "[{key:?}]")
                }
            }
            Path::Index(parent, index) => {
                parent.fmt(f)?;
                write!(f, "[{index}]")
            }
        }
    }
}

/// Whether a key can be written bare in a path. Condition keys such as `aws:PrincipalTag/Team`
/// and `s3:x-amz-acl` are plain; keys with dots, brackets, quotes or spaces are not.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| {
            !matches!(c, '.' | '[' | ']' | '"' | '\\') && !c.is_whitespace() && !c.is_control()
        })
}

/// The candidate closest to `written`, if it is close enough to be a likely typo: equal ignoring
/// case, or within two edits.
pub(crate) fn suggest<'c>(written: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(exact) = candidates
        .iter()
        .find(|candidate| candidate.eq_ignore_ascii_case(written))
    {
        return Some(exact);
    }
    let lower = written.to_ascii_lowercase();
    candidates
        .iter()
        .map(|candidate| {
            (
                edit_distance(&lower, &candidate.to_ascii_lowercase()),
                *candidate,
            )
        })
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters, bounded in cost by the short strings it is used on.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    if a.chars().count() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous
                .get(j)
                .map_or(usize::MAX, |d| d + usize::from(ca != *cb));
            let delete = previous.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insert = current.get(j).map_or(usize::MAX, |d| d + 1);
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = substitute.min(delete).min(insert);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_the_documentation() {
        let root = Path::Root;
        let statement = root.key("Statement");
        let second = statement.index(2);
        let condition = second.key("Condition");
        let operator = condition.key("StringLike");
        assert_eq!(operator.to_string(), "Statement[2].Condition.StringLike");
        let key = operator.key("aws:PrincipalTag/Team");
        assert_eq!(
            key.to_string(),
            "Statement[2].Condition.StringLike.aws:PrincipalTag/Team"
        );
        let odd = operator.key("a.b");
        assert_eq!(
            odd.to_string(),
            "Statement[2].Condition.StringLike[\"a.b\"]"
        );
        assert_eq!(Path::Root.to_string(), "");
    }

    #[test]
    fn suggestions() {
        let elements = ["Sid", "Effect", "Action", "NotAction"];
        assert_eq!(suggest("effect", &elements), Some("Effect"));
        assert_eq!(suggest("Actions", &elements), Some("Action"));
        assert_eq!(suggest("Condition", &elements), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
