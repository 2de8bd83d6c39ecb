//! The collector's errors.

use iamwatch_model::{AccountId, ValueError};

/// Why a collection, or one account of it, failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CollectError {
    /// The AWS configuration or credentials could not be loaded.
    #[error("cannot load the AWS configuration: {0}")]
    #[diagnostic(
        code(iamwatch::collect::config),
        help(
            "check `--profile`, `--region`, `AWS_PROFILE` and the credentials in the environment"
        )
    )]
    Config(String),
    /// An AWS API call failed after its retries.
    #[error(transparent)]
    #[diagnostic(code(iamwatch::collect::api))]
    Api(#[from] ApiError),
    /// The member account's role could not be assumed.
    #[error("account `{account}`: cannot assume `{role_arn}`: {message}")]
    #[diagnostic(
        code(iamwatch::collect::assume_role),
        help(
            "check `--role-name` or `--role-arn-template`, `--external-id`, and the role's trust policy"
        )
    )]
    AssumeRole {
        account: AccountId,
        role_arn: String,
        message: String,
    },
    /// AWS returned a value of the wrong shape.
    #[error("account `{account}`: AWS returned {source}")]
    #[diagnostic(code(iamwatch::collect::value))]
    Value {
        account: AccountId,
        #[source]
        source: ValueError,
    },
    /// AWS left out a value the model needs.
    #[error("account `{account}`: AWS returned no {field}")]
    #[diagnostic(code(iamwatch::collect::value))]
    Missing {
        account: AccountId,
        field: &'static str,
    },
    /// The credential report could not be read.
    #[error("account `{account}`: cannot read the credential report: {message}")]
    #[diagnostic(code(iamwatch::collect::credential_report))]
    Report { account: AccountId, message: String },
    /// The credential report stayed in progress for too long.
    #[error("account `{0}`: the credential report was still being generated after {1} polls")]
    #[diagnostic(
        code(iamwatch::collect::credential_report),
        help("run the collection again later; AWS generates a report at most every four hours")
    )]
    CredentialReportTimeout(AccountId, u32),
    /// The run was interrupted (Ctrl-C) before the account finished.
    #[error("interrupted")]
    #[diagnostic(
        code(iamwatch::collect::interrupted),
        help("run again with `--resume` to collect the accounts that did not finish")
    )]
    Interrupted,
    /// The run file or the managed-policy cache could not be read or written.
    #[error("`{path}`: {message}")]
    #[diagnostic(code(iamwatch::collect::file))]
    File { path: String, message: String },
    /// The snapshots of an account could not be written.
    #[error("account `{account}`: cannot store the snapshots: {message}")]
    #[diagnostic(code(iamwatch::collect::store))]
    Sink { account: String, message: String },
    /// `--resume` was asked but the run file describes another run.
    #[error("cannot resume: {0}")]
    #[diagnostic(
        code(iamwatch::collect::resume),
        help("run without `--resume` to start a new collection")
    )]
    Resume(String),
}

impl CollectError {
    pub(crate) fn value(account: &AccountId, source: ValueError) -> Self {
        CollectError::Value {
            account: account.clone(),
            source,
        }
    }

    pub(crate) fn file(path: &std::path::Path, message: impl std::fmt::Display) -> Self {
        CollectError::File {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}

/// An AWS API call that failed after its retries.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}`{api}` failed{}: {message}", account_prefix(.account.as_ref()), code_suffix(.code.as_deref()))]
#[diagnostic(code(iamwatch::collect::api))]
pub struct ApiError {
    account: Option<AccountId>,
    api: String,
    code: Option<String>,
    message: String,
    #[help]
    help: Option<String>,
}

fn account_prefix(account: Option<&AccountId>) -> String {
    account.map_or_else(String::new, |a| format!("account `{a}`: "))
}

fn code_suffix(code: Option<&str>) -> String {
    code.map_or_else(String::new, |c| format!(" with `{c}`"))
}

impl ApiError {
    pub(crate) fn new(
        account: Option<&AccountId>,
        api: &str,
        code: Option<&str>,
        message: String,
    ) -> Self {
        let help = match code {
            Some("AccessDenied" | "AccessDeniedException" | "AccessDeniedFault") => Some(
                "the collector's role needs the read-only actions of `docs/collector-policy.json`"
                    .to_owned(),
            ),
            Some("Throttling" | "ThrottlingException" | "TooManyRequestsException") => Some(
                "lower `--concurrency` or set `--max-rps`, then run again with `--resume`"
                    .to_owned(),
            ),
            _ => None,
        };
        Self {
            account: account.cloned(),
            api: api.to_owned(),
            code: code.map(str::to_owned),
            message,
            help,
        }
    }

    /// The API (`iam:GetAccountAuthorizationDetails`).
    pub fn api(&self) -> &str {
        &self.api
    }

    /// The AWS error code (`AccessDenied`), when AWS sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The account whose call failed.
    pub fn account(&self) -> Option<&AccountId> {
        self.account.as_ref()
    }
}

/// A value AWS returned that cannot go into the model, before the account is known to it.
#[derive(Debug)]
pub(crate) enum Bad {
    Value(ValueError),
    Missing(&'static str),
}

impl Bad {
    pub(crate) fn missing(field: &'static str) -> Self {
        Bad::Missing(field)
    }

    pub(crate) fn in_account(self, account: &AccountId) -> CollectError {
        match self {
            Bad::Value(source) => CollectError::value(account, source),
            Bad::Missing(field) => CollectError::Missing {
                account: account.clone(),
                field,
            },
        }
    }
}

impl From<ValueError> for Bad {
    fn from(error: ValueError) -> Self {
        Bad::Value(error)
    }
}
