//! Importers for the standard AWS exports, the format detected from the content.
//!
//! | format | looks like | snapshots |
//! |---|---|---|
//! | GAAD JSON (CLI or raw API shape, merged or in pages) | `{"UserDetailList": …}` | `gaad` |
//! | credential report CSV | `user,arn,user_creation_time,…` | `credential-report` |
//! | credential report, base64 | `dXNlcixhcm4s…` | `credential-report` |
//! | `GetCredentialReport` JSON | `{"Content": "…", "ReportFormat": "text/csv"}` | `credential-report` |
//! | organizations bundle | `{"iamwatch-bundle": "organizations", …}` | `organizations` |
//! | account bundle | `{"iamwatch-bundle": "account", …}` | `password-policy`, `account-summary`, `identity-providers` |
//! | resource-policies bundle | `{"iamwatch-bundle": "resource-policies", …}` | `resource-policies` |
//! | `get-account-password-policy` | `{"PasswordPolicy": …}` | `password-policy` |
//! | `get-account-summary` | `{"SummaryMap": …}` | `account-summary` |
//! | AWS Config items | `{"configurationItems": […]}`, … | `aws-config` (one per account) |
//!
//! The bundles and every shape are documented in `docs/import-formats.md`. A file is imported
//! whole or not at all: any error names the file, and positions where it has them.
//!
//! ```
//! use std::path::Path;
//! use iamwatch_model::import::{Format, ImportOptions, import_bytes};
//! use iamwatch_model::{Payload, SnapshotSource};
//!
//! let gaad = br#"{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [{
//!     "Path": "/", "RoleName": "deploy", "RoleId": "AROAEXAMPLEID0000001",
//!     "Arn": "arn:aws:iam::123456789012:role/deploy", "CreateDate": "2024-01-02T03:04:05Z",
//!     "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
//!     "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": [], "Tags": []}],
//!     "Policies": []}"#;
//! let options = ImportOptions::default().taken_at("2024-05-01T00:00:00Z".parse()?);
//! let imported = import_bytes(Path::new("gaad.json"), gaad, &options)?;
//! assert_eq!(imported.format, Format::Gaad);
//! let snapshot = &imported.snapshots[0];
//! assert_eq!(snapshot.source, SnapshotSource::Gaad);
//! let Payload::Iam(account) = &snapshot.payload else { unreachable!() };
//! assert_eq!(account.account_id.as_str(), "123456789012");
//! assert_eq!(account.roles[0].trust_policy.as_ref().unwrap().as_str(),
//!            r#"{"Version":"2012-10-17","Statement":[]}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod account;
mod config;
mod credential_report;
mod err;
mod gaad;
mod looks_like;
mod node;
mod organizations;
mod raw;
mod resources;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use err::{ImportError, InvalidValue};

pub(crate) use raw::add_referenced_aws_managed;

/// The call names the bundles use as keys, for the writers in `crate::export`.
pub(crate) mod calls {
    pub(crate) use super::account::{
        GET_ACCOUNT_SUMMARY, GET_OIDC_PROVIDER, GET_PASSWORD_POLICY, GET_SAML_PROVIDER,
    };
    pub(crate) use super::resources::{GENERIC, KMS, S3, SQS};
}

use crate::ids::{AccountId, Timestamp};
use crate::snapshot::{Payload, Snapshot, SnapshotSource};
use node::Node;

/// The key that marks a bundle written by scripts/export-org.sh, and its kinds.
pub const BUNDLE_KEY: &str = "iamwatch-bundle";

/// How to import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The account of files that do not name one (`--account`): a GAAD or credential report of
    /// an account without entities, a bare password policy or account summary. Checked against
    /// the account a file does name.
    pub account: Option<AccountId>,
    /// When the data was taken, for files that do not say (GAAD, bundles). Without it, the
    /// file's modification time is used (the current time for in-memory input).
    pub taken_at: Option<Timestamp>,
}

impl ImportOptions {
    pub fn account(mut self, account: AccountId) -> Self {
        self.account = Some(account);
        self
    }

    pub fn taken_at(mut self, taken_at: Timestamp) -> Self {
        self.taken_at = Some(taken_at);
        self
    }
}

/// The formats `import` reads (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    Gaad,
    CredentialReportCsv,
    CredentialReportBase64,
    CredentialReportJson,
    OrganizationsBundle,
    AccountBundle,
    ResourcePoliciesBundle,
    PasswordPolicy,
    AccountSummary,
    AwsConfig,
}

impl Format {
    /// A short description (`GAAD JSON`, `credential report CSV`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Gaad => "GAAD JSON",
            Format::CredentialReportCsv => "credential report CSV",
            Format::CredentialReportBase64 => "credential report (base64)",
            Format::CredentialReportJson => "GetCredentialReport JSON",
            Format::OrganizationsBundle => "organizations bundle",
            Format::AccountBundle => "account bundle",
            Format::ResourcePoliciesBundle => "resource-policies bundle",
            Format::PasswordPolicy => "get-account-password-policy JSON",
            Format::AccountSummary => "get-account-summary JSON",
            Format::AwsConfig => "AWS Config configuration items",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFile {
    pub path: PathBuf,
    pub format: Format,
    pub snapshots: Vec<Snapshot>,
}

/// How much of a file is read to recognize it.
const PREFIX_LEN: usize = 64 * 1024;

/// Imports one file. GAAD files are streamed (bounded memory); other formats are small and
/// read whole.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<ImportedFile, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut prefix = Vec::with_capacity(PREFIX_LEN);
    (&mut file)
        .take(PREFIX_LEN as u64)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    let taken_at = options.taken_at.or_else(|| modified(path));
    let options = ImportOptions {
        account: options.account.clone(),
        taken_at,
    };
    match detect_prefix(&prefix) {
        Detected::Gaad => {
            let file = std::fs::File::open(path).map_err(io)?;
            let locate = |offset| {
                std::fs::File::open(path).map_or((0, 0), |file| gaad::locate(file, offset))
            };
            gaad_snapshot(path, file, &options, &locate)
        }
        Detected::Foreign(foreign) => Err(foreign.error(path)),
        Detected::Empty => Err(ImportError::Empty {
            path: path.to_owned(),
        }),
        Detected::Other => {
            let mut bytes = prefix;
            file.read_to_end(&mut bytes).map_err(io)?;
            import_whole(path, &bytes, &options)
        }
    }
}

/// Imports a file already in memory; `name` is used in errors.
pub fn import_bytes(
    name: &Path,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportedFile, ImportError> {
    let prefix = bytes.get(..PREFIX_LEN).unwrap_or(bytes);
    match detect_prefix(prefix) {
        Detected::Gaad => {
            gaad_snapshot(name, bytes, options, &|offset| gaad::locate(bytes, offset))
        }
        Detected::Foreign(foreign) => Err(foreign.error(name)),
        Detected::Empty => Err(ImportError::Empty {
            path: name.to_owned(),
        }),
        Detected::Other => import_whole(name, bytes, options),
    }
}

/// The files under `path`: the path itself when it is a file, else every file below it that
/// is not hidden, sorted by path.
pub fn files_in(path: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let io = |p: &Path, source| ImportError::Io {
        path: p.to_owned(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(|e| io(path, e))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            let entry = entry.map_err(|e| io(&dir, e))?;
            let entry_path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(|e| io(&entry_path, e))?;
            if kind.is_dir() {
                pending.push(entry_path);
            } else {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Imports a file, or every file of a directory (see [`files_in`]); stops at the first error.
pub fn import_path(path: &Path, options: &ImportOptions) -> Result<Vec<ImportedFile>, ImportError> {
    files_in(path)?
        .iter()
        .map(|file| import_file(file, options))
        .collect()
}

fn modified(path: &Path) -> Option<Timestamp> {
    let time = std::fs::metadata(path).ok()?.modified().ok()?;
    Timestamp::try_from(time).ok()
}

fn taken_at(options: &ImportOptions) -> Timestamp {
    options.taken_at.unwrap_or_else(Timestamp::now)
}

fn gaad_snapshot<R: Read>(
    path: &Path,
    reader: R,
    options: &ImportOptions,
    locate: &dyn Fn(u64) -> (usize, usize),
) -> Result<ImportedFile, ImportError> {
    let authorization = gaad::read(path, reader, options.account.as_ref(), locate)?;
    Ok(ImportedFile {
        path: path.to_owned(),
        format: Format::Gaad,
        snapshots: vec![Snapshot::new(
            SnapshotSource::Gaad,
            taken_at(options),
            Payload::Iam(authorization),
        )],
    })
}

/// What the first bytes of a file say.
enum Detected {
    Gaad,
    Foreign(looks_like::LooksLike),
    Empty,
    /// Read the whole file to decide.
    Other,
}

const GAAD_KEYS: [&str; 8] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
    "GetAccountAuthorizationDetailsResponse",
    "GetAccountAuthorizationDetailsResult",
    "IsTruncated",
    "Marker",
];

fn detect_prefix(prefix: &[u8]) -> Detected {
    let text = trim_start(prefix);
    if text.is_empty() {
        return Detected::Empty;
    }
    if text.starts_with(&[0x1f, 0x8b]) {
        return Detected::Foreign(looks_like::LooksLike {
            what: "a gzip-compressed file",
            help: Some("decompress it first (`gunzip`)"),
        });
    }
    if text.starts_with(b"<") {
        return Detected::Foreign(looks_like::LooksLike {
            what: "XML (the raw IAM query API response)",
            help: Some("import reads the JSON that the AWS CLI prints (`--output json`)"),
        });
    }
    match first_key(text) {
        Some(key) if GAAD_KEYS.contains(&key.as_str()) => Detected::Gaad,
        // Large foreign files (CloudTrail logs) are refused without reading them whole.
        Some(key) if matches!(key.as_str(), "Records") => {
            looks_like::by_key(&key).map_or(Detected::Other, Detected::Foreign)
        }
        _ => Detected::Other,
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The first key of the first object: of `{"key": …` or `[{"key": …`.
fn first_key(text: &[u8]) -> Option<String> {
    let mut rest = text;
    if let Some(after) = rest.strip_prefix(b"[") {
        rest = trim_start(after);
    }
    let rest = trim_start(rest.strip_prefix(b"{")?);
    let rest = rest.strip_prefix(b"\"")?;
    let mut key = Vec::new();
    let mut escaped = false;
    for &byte in rest {
        match (escaped, byte) {
            (false, b'\\') => escaped = true,
            (false, b'"') => return String::from_utf8(key).ok(),
            _ => {
                escaped = false;
                key.push(byte);
            }
        }
    }
    None
}

/// Imports a file that is read whole: everything but GAAD.
fn import_whole(
    path: &Path,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportedFile, ImportError> {
    let text = trim_start(bytes);
    let imported = |format, snapshots| {
        Ok(ImportedFile {
            path: path.to_owned(),
            format,
            snapshots,
        })
    };
    if text.starts_with(b"user,arn") || text.starts_with(b"\"user\",\"arn\"") {
        let report = credential_report::from_csv(path, bytes, options.account.as_ref())?;
        return imported(
            Format::CredentialReportCsv,
            vec![Snapshot::new(
                SnapshotSource::CredentialReport,
                taken_at(options),
                Payload::CredentialReport(report),
            )],
        );
    }
    if text.starts_with(credential_report::BASE64_PREFIX) {
        let csv = credential_report::decode_base64(path, text)?;
        let report = credential_report::from_csv(path, &csv, options.account.as_ref())?;
        return imported(
            Format::CredentialReportBase64,
            vec![Snapshot::new(
                SnapshotSource::CredentialReport,
                taken_at(options),
                Payload::CredentialReport(report),
            )],
        );
    }
    if !(text.starts_with(b"{") || text.starts_with(b"[")) {
        return Err(not_json(path, text));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ImportError::Json {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: gaad::strip_position(&e.to_string()),
        })?;
    let root = Node::root(path, &value);
    let object = match &value {
        serde_json::Value::Object(object) => object,
        serde_json::Value::Array(items) => {
            let first = items.first().and_then(serde_json::Value::as_object);
            return match first {
                Some(item) if config::is_item(item) => import_config(path, &root, options),
                Some(item) => Err(looks_like::by_object(item)
                    .map_or_else(|| unknown(path, &value), |l| l.error(path))),
                None => Err(unknown(path, &value)),
            };
        }
        _ => return Err(unknown(path, &value)),
    };
    if let Some(kind) = object.get(BUNDLE_KEY) {
        return import_bundle(path, &root, kind, options);
    }
    if object.contains_key("Content")
        && (object.contains_key("ReportFormat") || object.contains_key("GeneratedTime"))
    {
        let report =
            credential_report::from_get_credential_report(path, &value, options.account.as_ref())?;
        let when = report
            .generated_time
            .or(options.taken_at)
            .unwrap_or_else(Timestamp::now);
        return imported(
            Format::CredentialReportJson,
            vec![Snapshot::new(
                SnapshotSource::CredentialReport,
                when,
                Payload::CredentialReport(report),
            )],
        );
    }
    if object.contains_key("PasswordPolicy") {
        let account_id = options
            .account
            .clone()
            .ok_or_else(|| ImportError::MissingAccount {
                path: path.to_owned(),
            })?;
        let policy = account::password_policy(&root)?;
        return imported(
            Format::PasswordPolicy,
            vec![Snapshot::new(
                SnapshotSource::PasswordPolicy,
                taken_at(options),
                Payload::PasswordPolicy(crate::account::AccountPasswordPolicy {
                    account_id,
                    policy: Some(policy),
                }),
            )],
        );
    }
    if object.contains_key("SummaryMap") {
        let account_id = options
            .account
            .clone()
            .ok_or_else(|| ImportError::MissingAccount {
                path: path.to_owned(),
            })?;
        let summary = account::account_summary(&root, account_id)?;
        return imported(
            Format::AccountSummary,
            vec![Snapshot::new(
                SnapshotSource::AccountSummary,
                taken_at(options),
                Payload::AccountSummary(summary),
            )],
        );
    }
    if config::is_config(object) {
        return import_config(path, &root, options);
    }
    Err(looks_like::by_object(object).map_or_else(|| unknown(path, &value), |l| l.error(path)))
}

fn import_config(
    path: &Path,
    root: &Node<'_>,
    options: &ImportOptions,
) -> Result<ImportedFile, ImportError> {
    let read = config::read(root)?;
    let when = read
        .captured
        .or(options.taken_at)
        .unwrap_or_else(Timestamp::now);
    if let Some(expected) = &options.account {
        if let Some(other) = read.accounts.iter().find(|a| a.account_id != *expected) {
            return Err(ImportError::AccountMismatch {
                path: path.to_owned(),
                expected: expected.to_string(),
                found: other.account_id.to_string(),
            });
        }
    }
    Ok(ImportedFile {
        path: path.to_owned(),
        format: Format::AwsConfig,
        snapshots: read
            .accounts
            .into_iter()
            .map(|a| Snapshot::new(SnapshotSource::AwsConfig, when, Payload::Iam(a)))
            .collect(),
    })
}

fn import_bundle(
    path: &Path,
    root: &Node<'_>,
    kind: &serde_json::Value,
    options: &ImportOptions,
) -> Result<ImportedFile, ImportError> {
    let when = root
        .opt_time("taken-at")?
        .or(options.taken_at)
        .unwrap_or_else(Timestamp::now);
    let account_of = |root: &Node<'_>| -> Result<AccountId, ImportError> {
        let account = root.req_parse("account", AccountId::parse)?;
        match &options.account {
            Some(expected) if *expected != account => Err(ImportError::AccountMismatch {
                path: path.to_owned(),
                expected: expected.to_string(),
                found: account.to_string(),
            }),
            _ => Ok(account),
        }
    };
    let (format, snapshots) = match kind.as_str() {
        Some("organizations") => {
            let organization = organizations::read(root)?;
            (
                Format::OrganizationsBundle,
                vec![Snapshot::new(
                    SnapshotSource::Organizations,
                    when,
                    Payload::Organization(organization),
                )],
            )
        }
        Some("account") => {
            let account_id = account_of(root)?;
            let bundle = account::bundle(root, &account_id)?;
            let mut snapshots = Vec::new();
            if let Some(policy) = bundle.password_policy {
                snapshots.push(Snapshot::new(
                    SnapshotSource::PasswordPolicy,
                    when,
                    Payload::PasswordPolicy(policy),
                ));
            }
            if let Some(summary) = bundle.summary {
                snapshots.push(Snapshot::new(
                    SnapshotSource::AccountSummary,
                    when,
                    Payload::AccountSummary(summary),
                ));
            }
            if let Some(providers) = bundle.identity_providers {
                snapshots.push(Snapshot::new(
                    SnapshotSource::IdentityProviders,
                    when,
                    Payload::IdentityProviders(providers),
                ));
            }
            (Format::AccountBundle, snapshots)
        }
        Some("resource-policies") => {
            account_of(root)?;
            let resources = resources::read(root)?;
            (
                Format::ResourcePoliciesBundle,
                vec![Snapshot::new(
                    SnapshotSource::ResourcePolicies,
                    when,
                    Payload::ResourcePolicies(resources),
                )],
            )
        }
        _ => {
            return Err(InvalidValue::new(
                path,
                BUNDLE_KEY,
                format!("`{}` is not a bundle kind", node::short(kind)),
            )
            .with_help("the kinds are `organizations`, `account` and `resource-policies`")
            .into());
        }
    };
    Ok(ImportedFile {
        path: path.to_owned(),
        format,
        snapshots,
    })
}

fn unknown(path: &Path, value: &serde_json::Value) -> ImportError {
    let found = match value {
        serde_json::Value::Object(object) if object.is_empty() => "an empty JSON object".to_owned(),
        serde_json::Value::Object(object) => {
            let keys: Vec<String> = object.keys().take(4).map(|k| format!("`{k}`")).collect();
            format!("a JSON object with keys {}", keys.join(", "))
        }
        serde_json::Value::Array(items) if items.is_empty() => "an empty JSON list".to_owned(),
        serde_json::Value::Array(_) => "a JSON list".to_owned(),
        other => format!("the JSON value `{}`", node::short(other)),
    };
    ImportError::Unknown {
        path: path.to_owned(),
        found,
    }
}

fn not_json(path: &Path, text: &[u8]) -> ImportError {
    let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let line: String = line.trim_end().chars().take(40).collect();
    if line.contains(',') {
        return ImportError::unsupported(
            path,
            format!("a CSV file whose header starts with `{line}`"),
            Some(
                "a credential report's header starts with `user,arn,user_creation_time`".to_owned(),
            ),
        );
    }
    ImportError::Unknown {
        path: path.to_owned(),
        found: format!("text starting with `{line}`"),
    }
}
