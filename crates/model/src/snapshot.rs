//! The unit the store persists: what one source said about one account (or the organization)
//! at one time.
//!
//! Importers (`crate::import`) and the live collector produce the same values: the payload is
//! normalized (every list sorted) before it is hashed, so the same IAM state gives the same
//! [`ContentHash`] whichever way it was read, and an identical re-import is detectable.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::{AccountPasswordPolicy, AccountSummary, IdentityProviders};
use crate::credential_report::CredentialReport;
use crate::err::ValueError;
use crate::iam::AccountAuthorization;
use crate::ids::{AccountId, OrgId, Timestamp};
use crate::org::Organization;
use crate::resource::ResourcePolicies;

/// What a snapshot describes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotScope {
    Account(AccountId),
    Organization(OrgId),
}

impl fmt::Display for SnapshotScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotScope::Account(id) => write!(f, "account {id}"),
            SnapshotScope::Organization(id) => write!(f, "organization {id}"),
        }
    }
}

/// Where the data came from. One snapshot per (scope, source) and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotSource {
    /// `GetAccountAuthorizationDetails`.
    Gaad,
    /// `GetCredentialReport`.
    CredentialReport,
    /// The Organizations API (roots, OUs, accounts, SCPs, RCPs, delegated administrators).
    Organizations,
    /// Resource-based policies (`GetBucketPolicy`, `GetKeyPolicy`, …).
    ResourcePolicies,
    /// `GetAccountPasswordPolicy`.
    PasswordPolicy,
    /// `GetAccountSummary`.
    AccountSummary,
    /// OIDC and SAML providers.
    IdentityProviders,
    /// AWS Config configuration items for `AWS::IAM::*`.
    AwsConfig,
}

impl SnapshotSource {
    /// The kebab-case name (`credential-report`).
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotSource::Gaad => "gaad",
            SnapshotSource::CredentialReport => "credential-report",
            SnapshotSource::Organizations => "organizations",
            SnapshotSource::ResourcePolicies => "resource-policies",
            SnapshotSource::PasswordPolicy => "password-policy",
            SnapshotSource::AccountSummary => "account-summary",
            SnapshotSource::IdentityProviders => "identity-providers",
            SnapshotSource::AwsConfig => "aws-config",
        }
    }

    pub const ALL: [SnapshotSource; 8] = [
        SnapshotSource::Gaad,
        SnapshotSource::CredentialReport,
        SnapshotSource::Organizations,
        SnapshotSource::ResourcePolicies,
        SnapshotSource::PasswordPolicy,
        SnapshotSource::AccountSummary,
        SnapshotSource::IdentityProviders,
        SnapshotSource::AwsConfig,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for SnapshotSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The content of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "kebab-case")]
pub enum Payload {
    /// From GAAD or AWS Config.
    Iam(AccountAuthorization),
    CredentialReport(CredentialReport),
    Organization(Organization),
    ResourcePolicies(ResourcePolicies),
    PasswordPolicy(AccountPasswordPolicy),
    AccountSummary(AccountSummary),
    IdentityProviders(IdentityProviders),
}

impl Payload {
    /// The scope the payload describes.
    pub fn scope(&self) -> SnapshotScope {
        match self {
            Payload::Iam(p) => SnapshotScope::Account(p.account_id.clone()),
            Payload::CredentialReport(p) => SnapshotScope::Account(p.account_id.clone()),
            Payload::Organization(p) => SnapshotScope::Organization(p.id.clone()),
            Payload::ResourcePolicies(p) => SnapshotScope::Account(p.account_id.clone()),
            Payload::PasswordPolicy(p) => SnapshotScope::Account(p.account_id.clone()),
            Payload::AccountSummary(p) => SnapshotScope::Account(p.account_id.clone()),
            Payload::IdentityProviders(p) => SnapshotScope::Account(p.account_id.clone()),
        }
    }

    /// Sorts every list in the payload (see the module documentation).
    pub fn normalize(&mut self) {
        match self {
            Payload::Iam(p) => p.normalize(),
            Payload::CredentialReport(p) => p.normalize(),
            Payload::Organization(p) => {
                p.resolve_paths();
                p.normalize();
            }
            Payload::ResourcePolicies(p) => p.normalize(),
            Payload::PasswordPolicy(_) | Payload::AccountSummary(_) => {}
            Payload::IdentityProviders(p) => p.normalize(),
        }
    }
}

/// The SHA-256 of a snapshot's source and normalized payload, serialized as compact JSON.
/// Written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// The hash of a source and payload (the payload as given: normalize it first).
    pub fn of(source: SnapshotSource, payload: &Payload) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(source.as_str().as_bytes());
        hasher.update(b"\n");
        // Serializing model types to JSON cannot fail: every map key is a string.
        let _ = serde_json::to_writer(HashWriter(&mut hasher), payload);
        Self(hasher.finalize().into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        use fmt::Write as _;
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let bad = || ValueError::new("SHA-256 hex digest", text);
        if text.len() != 64 || !text.is_ascii() {
            return Err(bad());
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| bad())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(Self(bytes))
    }
}

struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.to_hex())
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl TryFrom<String> for ContentHash {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl From<ContentHash> for String {
    fn from(hash: ContentHash) -> String {
        hash.to_hex()
    }
}

/// What one source said about one account or organization at one time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub scope: SnapshotScope,
    pub source: SnapshotSource,
    /// When the data was read from AWS: the report's `GeneratedTime`, the Config capture time,
    /// the collection time, or (for files that do not say) the file's modification time.
    pub taken_at: Timestamp,
    // INVARIANT: `ContentHash::of(source, &payload)` of the normalized payload; `Snapshot::new`
    // is the only constructor that sets it.
    pub content_hash: ContentHash,
    pub payload: Payload,
}

impl Snapshot {
    /// Normalizes the payload, derives the scope and computes the content hash.
    pub fn new(source: SnapshotSource, taken_at: Timestamp, mut payload: Payload) -> Self {
        payload.normalize();
        let content_hash = ContentHash::of(source, &payload);
        Self {
            scope: payload.scope(),
            source,
            taken_at,
            content_hash,
            payload,
        }
    }

    /// Whether the stored hash matches the payload (for data read back from a store).
    pub fn verify(&self) -> bool {
        ContentHash::of(self.source, &self.payload) == self.content_hash
            && self.payload.scope() == self.scope
    }
}
