//! The error of every importer.

use std::path::PathBuf;

/// Why a file could not be imported. Every variant names the file; nothing is produced from a
/// file that fails.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ImportError {
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("`{}` is empty", path.display())]
    #[diagnostic(code(import::empty))]
    Empty { path: PathBuf },

    #[error("`{}` is not valid JSON at line {line}, column {column}: {message}", path.display())]
    #[diagnostic(
        code(import::invalid_json),
        help("the file may be cut short or edited by hand; export it again")
    )]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("`{}` is not a valid credential report at line {line}: {message}", path.display())]
    #[diagnostic(
        code(import::invalid_csv),
        help(
            "a credential report has the 22 columns of `aws iam get-credential-report`; export it again"
        )
    )]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },

    /// A value of the wrong shape inside a recognized format.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidValue>),

    /// A file of a known kind that `import` does not read.
    #[error("`{}` looks like {looks_like}, which `import` does not read", path.display())]
    #[diagnostic(code(import::unsupported_format))]
    Unsupported {
        path: PathBuf,
        looks_like: String,
        #[help]
        help: Option<String>,
    },

    /// A file in no format iamwatch knows.
    #[error("`{}` is not in a format `import` reads (found {found})", path.display())]
    #[diagnostic(
        code(import::unknown_format),
        help(
            "import reads GAAD JSON, credential reports, AWS Config items and the bundles of scripts/export-org.sh; see docs/import-formats.md"
        )
    )]
    Unknown { path: PathBuf, found: String },

    /// The file does not say which account it describes.
    #[error("`{}` does not say which account it describes", path.display())]
    #[diagnostic(
        code(import::missing_account),
        help("pass the account with `--account 123456789012`")
    )]
    MissingAccount { path: PathBuf },

    /// The file describes another account than the one given, or several.
    #[error("`{}` describes account `{found}`, not `{expected}`", path.display())]
    #[diagnostic(
        code(import::account_mismatch),
        help(
            "a GAAD or credential report file holds one account; drop `--account` or split the file"
        )
    )]
    AccountMismatch {
        path: PathBuf,
        expected: String,
        found: String,
    },
}

fn position(line: Option<usize>, column: Option<usize>, at: &str) -> String {
    let mut text = String::new();
    if let Some(line) = line {
        text.push_str(&format!(" line {line}"));
        if let Some(column) = column {
            text.push_str(&format!(", column {column}"));
        }
    }
    if !at.is_empty() {
        if !text.is_empty() {
            text.push(',');
        }
        text.push_str(&format!(" at `{at}`"));
    }
    text
}

impl ImportError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            ImportError::Io { path, .. }
            | ImportError::Empty { path }
            | ImportError::Json { path, .. }
            | ImportError::Csv { path, .. }
            | ImportError::Unsupported { path, .. }
            | ImportError::Unknown { path, .. }
            | ImportError::MissingAccount { path }
            | ImportError::AccountMismatch { path, .. } => path,
            ImportError::Invalid(invalid) => &invalid.path,
        }
    }

    pub(crate) fn invalid(
        path: &std::path::Path,
        at: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InvalidValue::new(path, at, message).into()
    }

    pub(crate) fn unsupported(
        path: &std::path::Path,
        looks_like: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ImportError::Unsupported {
            path: path.to_owned(),
            looks_like: looks_like.into(),
            help,
        }
    }
}

/// A value of the wrong shape: where it is (file, line and column when known, JSON path or
/// CSV column) and what is wrong with it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("`{}`{}: {message}", path.display(), position(*line, *column, at))]
#[diagnostic(code(import::invalid_value))]
pub struct InvalidValue {
    path: PathBuf,
    line: Option<usize>,
    column: Option<usize>,
    at: String,
    message: String,
    #[help]
    help: Option<String>,
}

impl InvalidValue {
    pub(crate) fn new(
        path: &std::path::Path,
        at: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.to_owned(),
            line: None,
            column: None,
            at: at.into(),
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn at_position(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The 1-based line, when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The 1-based column, when known.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// The JSON path (`RoleDetailList[3].Arn`) or CSV column of the value.
    pub fn at(&self) -> &str {
        &self.at
    }

    /// What is wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<InvalidValue> for ImportError {
    fn from(value: InvalidValue) -> Self {
        ImportError::Invalid(Box::new(value))
    }
}
