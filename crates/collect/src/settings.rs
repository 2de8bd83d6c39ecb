//! What a collection does: validated settings, built by the CLI from its flags.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use iamwatch_model::AccountId;

/// Where credentials and endpoints come from.
#[derive(Clone, Debug, Default)]
pub struct Connection {
    /// A profile of the shared config files (`--profile`).
    pub profile: Option<String>,
    /// The home region for global services and the default for regional ones (`--region`).
    pub region: Option<String>,
    /// One endpoint for every service (`--endpoint-url`), for moto or LocalStack.
    pub endpoint_url: Option<String>,
    /// Credentials to use instead of the standard chain (a server that holds its own, tests).
    pub credentials: Option<StaticCredentials>,
}

/// An access key pair, with a session token for temporary credentials.
#[derive(Clone, Default)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret.
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Which accounts to collect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Targets {
    /// The caller's own account.
    #[default]
    Caller,
    /// Every active account of the caller's organization, and the organization itself.
    Organization,
    /// These accounts (member accounts through AssumeRole).
    Accounts(Vec<AccountId>),
}

/// How the collector reaches member accounts.
#[derive(Clone, Debug)]
pub struct RoleSettings {
    /// The role name in each member account (`--role-name`).
    pub role_name: String,
    /// A template with `{account}` (`--role-arn-template arn:aws:iam::{account}:role/Audit`);
    /// it wins over `role_name`.
    pub role_arn_template: Option<String>,
    pub external_id: Option<String>,
    pub session_name: String,
}

impl Default for RoleSettings {
    fn default() -> Self {
        Self {
            // The role AWS Organizations creates in every account it creates.
            role_name: "OrganizationAccountAccessRole".to_owned(),
            role_arn_template: None,
            external_id: None,
            session_name: "iamwatch-collect".to_owned(),
        }
    }
}

impl RoleSettings {
    /// The role ARN to assume in `account` (`partition` of the caller).
    pub fn role_arn(&self, partition: &str, account: &AccountId) -> String {
        match &self.role_arn_template {
            Some(template) => template
                .replace("{account}", account.as_str())
                .replace("{partition}", partition),
            None => format!("arn:{partition}:iam::{account}:role/{}", self.role_name),
        }
    }
}

/// Retries and timeouts (the SDK's standard retry mode: jittered exponential backoff, and a
/// retry quota, the retry budget, of its own for each account).
#[derive(Clone, Debug)]
pub struct RetrySettings {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The time one attempt may take before it is abandoned and retried.
    pub attempt_timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            // IAM throttles hard in large organizations: more attempts than the SDK's 3.
            max_attempts: 10,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            attempt_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Everything a collection run needs to know.
#[derive(Clone, Debug)]
pub struct CollectSettings {
    pub connection: Connection,
    pub targets: Targets,
    pub role: RoleSettings,
    /// Accounts collected at once (`--concurrency`, default 1: serial).
    pub concurrency: usize,
    /// Calls per second allowed for an API in each account (`--max-rps iam:GetAccountAuthorizationDetails=2`);
    /// keys are `service:Operation`, compared without case.
    pub max_rps: BTreeMap<String, f64>,
    pub retry: RetrySettings,
    /// How long the AWS managed policies fetched once per partition stay fresh
    /// (`--managed-policy-ttl`, default 24 h).
    pub managed_policy_ttl: Duration,
    /// Where the managed-policy cache lives.
    pub cache_dir: PathBuf,
    /// Regions for resource policies; `None` asks EC2 for the account's enabled regions.
    pub regions: Option<Vec<String>>,
    /// Whether to collect resource policies at all.
    pub resource_policies: bool,
    /// The run file that records finished accounts, so `--resume` can skip them.
    pub run_file: PathBuf,
    /// Continue the run recorded in `run_file`.
    pub resume: bool,
    /// Polls of a credential report that is being generated, before giving up.
    pub credential_report_polls: u32,
    /// The first wait between credential report polls (doubled each time, at most 8 s).
    pub credential_report_wait: Duration,
}

impl CollectSettings {
    /// Settings with the defaults, writing state under `state_dir`.
    pub fn new(state_dir: &std::path::Path) -> Self {
        Self {
            connection: Connection::default(),
            targets: Targets::Caller,
            role: RoleSettings::default(),
            concurrency: 1,
            max_rps: BTreeMap::new(),
            retry: RetrySettings::default(),
            managed_policy_ttl: Duration::from_secs(24 * 3600),
            cache_dir: state_dir.join("cache"),
            regions: None,
            resource_policies: true,
            run_file: state_dir.join("collect-run.json"),
            resume: false,
            credential_report_polls: 20,
            credential_report_wait: Duration::from_millis(250),
        }
    }
}
