//! Errors of the configuration: the TOML file and the rule parameters.

use miette::{NamedSource, SourceSpan};

/// A configuration that cannot be used: bad TOML, an unknown key, a value of the wrong type or
/// out of range. Says where (key, line and column) and how to fix it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error(transparent)]
#[diagnostic(transparent)]
pub struct ConfigError(Box<ConfigErrorInner>);

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{origin}:{line}:{column}: {message}")]
struct ConfigErrorInner {
    message: String,
    key: Option<String>,
    origin: String,
    line: usize,
    column: usize,
    #[help]
    help: Option<String>,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
}

impl ConfigError {
    pub(crate) fn new(
        text: &str,
        origin: &str,
        span: std::ops::Range<usize>,
        key: Option<&str>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        let start = span.start.min(text.len());
        let (line, column) = line_and_column(text, start);
        let length = span.end.saturating_sub(span.start);
        Self(Box::new(ConfigErrorInner {
            message: message.into(),
            key: key.map(str::to_owned),
            origin: origin.to_owned(),
            line,
            column,
            help,
            source_code: NamedSource::new(origin, text.to_owned()),
            span: SourceSpan::new(start.into(), length),
        }))
    }

    /// What is wrong (without the location).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The dotted key the error is about (`rules.iam-role-unused.max_days_for_last_used`), when
    /// it is about one.
    pub fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }

    /// 1-based line.
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// 1-based column, in characters.
    pub fn column(&self) -> usize {
        self.0.column
    }

    /// How to fix it, when known.
    pub fn help(&self) -> Option<&str> {
        self.0.help.as_deref()
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |rest| rest.chars().count())
        + 1;
    (line, column)
}

/// Parameters of `iam-role-unused` that the rule refuses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum UnusedRoleParamsError {
    #[error("role allowlist `{value}` contains `{character}`, which is not allowed")]
    #[diagnostic(help(
        "patterns may use letters, digits and `-+=,.@_/*`; separate patterns with `|`, e.g. `/breakglass-role|/security-*`"
    ))]
    InvalidCharacter { value: String, character: char },
    #[error("role allowlist `{value}` has an empty pattern")]
    #[diagnostic(help("remove the doubled, leading or trailing `|`"))]
    EmptyPattern { value: String },
    #[error("max_days_for_last_used is {value}, outside 1 to 365")]
    #[diagnostic(help(
        "use a number of days from 1 to 365 (IAM tracks role last use for the trailing 400 days)"
    ))]
    MaxDaysOutOfRange { value: i64 },
}

/// Demo data that did not build (a bug in the demo: its tests build every value).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DemoError {
    #[error("demo value: {0}")]
    Value(#[from] iamwatch_model::ValueError),
    #[error("demo parameters: {0}")]
    Params(#[from] UnusedRoleParamsError),
    #[error("demo date: {0}")]
    Date(#[from] jiff::Error),
    #[error("demo configuration: {0}")]
    Config(#[from] ConfigError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(line_and_column("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_and_column("abc", 0), (1, 1));
        let error = ConfigError::new(
            "x = 1\ny = 2\n",
            "iamwatch.toml",
            6..7,
            Some("y"),
            "unknown key `y`",
            Some("remove it".into()),
        );
        assert_eq!(error.line(), 2);
        assert_eq!(error.column(), 1);
        assert_eq!(error.to_string(), "iamwatch.toml:2:1: unknown key `y`");
    }
}
