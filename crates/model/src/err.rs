//! Errors of the model types themselves (the importers and the join have their own).

/// A value that does not have the shape its type needs (an account ID that is not 12 digits,
/// a text that is not an ARN, a date that is not ISO 8601).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("`{value}` is not {article} {kind}")]
pub struct ValueError {
    kind: &'static str,
    article: &'static str,
    value: String,
}

impl ValueError {
    pub(crate) fn new(kind: &'static str, value: &str) -> Self {
        let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        Self {
            kind,
            article,
            value: value.chars().take(200).collect(),
        }
    }

    /// What the value should have been (`account ID`, `ARN`, `timestamp`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The refused text (at most 200 characters of it).
    pub fn value(&self) -> &str {
        &self.value
    }
}
