//! A built-in organization to try iamwatch on: five accounts (management, security, prod, dev,
//! sandbox) under an OU tree with SCPs and an RCP, realistic users, groups and roles, customer
//! and AWS managed policies (the real documents from the catalog), credential reports, password
//! policies, OIDC and SAML providers and resource policies.
//!
//! It is built so that every rule finds something, and so that the compliant cases show what
//! the rules do *not* flag: a trust with `sts:ExternalId` to a known vendor, a GitHub trust
//! pinned to one repository and branch, an administrator role held back by a permissions
//! boundary, the sandbox administrator role that an SCP keeps from being an administrator.
//! Everything is dated relative to the fixed [`NOW`], so the audit is deterministic.
//!
//! Account IDs are documentation-style (`111111111111`, `123456789012`, `210987654321`, …),
//! e-mail addresses are `example.com`.
//!
//! Building the values parses IDs, ARNs, dates and documents, which cannot fail for this
//! constant data (the tests build it); the functions still return `Result` rather than panic,
//! as library code here never does.

mod accounts;
mod org;
mod reports;

use iamwatch_model::{
    AccountId, Arn, Payload, PolicyDocument, Snapshot, SnapshotSource, Timestamp, UniqueId,
};
use sha2::{Digest, Sha256};

use crate::config::AuditConfig;
use crate::err::DemoError;
use crate::input::AuditInput;

/// The demo's "now": every date in the demo is relative to it.
pub const NOW: &str = "2026-11-01T00:00:00Z";

/// The organization's accounts: (ID, name, e-mail).
pub const ACCOUNTS: [(&str, &str, &str); 5] = [
    (MANAGEMENT, "management", "aws-management@example.com"),
    (SECURITY, "security", "aws-security@example.com"),
    (PROD, "prod", "aws-prod@example.com"),
    (DEV, "dev", "aws-dev@example.com"),
    (SANDBOX, "sandbox", "aws-sandbox@example.com"),
];

pub const MANAGEMENT: &str = "111111111111";
pub const SECURITY: &str = "222222222222";
pub const PROD: &str = "123456789012";
pub const DEV: &str = "210987654321";
pub const SANDBOX: &str = "333333333333";
/// A monitoring vendor, trusted on purpose (in [`config`]'s `known_accounts`).
pub const VENDOR: &str = "444455556666";
/// An account nobody declared.
pub const UNKNOWN: &str = "999988887777";

/// The demo's "now" as a timestamp.
pub fn now() -> Result<Timestamp, DemoError> {
    ts(NOW)
}

/// The demo organization as audit input (every account selected).
pub fn input() -> Result<AuditInput, DemoError> {
    Ok(AuditInput::from_snapshots(snapshots()?))
}

/// The configuration `iamwatch audit --demo` uses: the vendor account is known, break-glass and
/// security roles are allowlisted for `iam-role-unused`, one suppression is in force and one
/// has expired.
pub fn config() -> Result<AuditConfig, DemoError> {
    Ok(AuditConfig::from_toml(CONFIG_TOML, "demo/iamwatch.toml")?)
}

/// The demo's configuration file (`iamwatch demo --config-out FILE` writes it).
pub const CONFIG_TOML: &str = include_str!("demo/iamwatch.toml");

/// The demo as the snapshots a collection would store: the organization and, per account, GAAD,
/// credential report, password policy, account summary, identity providers and resource
/// policies (where it has resources), all taken at [`NOW`]. `iamwatch demo --db PATH` writes
/// these to the store.
pub fn snapshots() -> Result<Vec<Snapshot>, DemoError> {
    let taken_at = now()?;
    let mut snapshots = vec![Snapshot::new(
        SnapshotSource::Organizations,
        taken_at,
        Payload::Organization(org::organization()?),
    )];
    for (id, _, _) in ACCOUNTS {
        let mut add = |source, payload| snapshots.push(Snapshot::new(source, taken_at, payload));
        add(SnapshotSource::Gaad, Payload::Iam(accounts::iam(id)?));
        add(
            SnapshotSource::CredentialReport,
            Payload::CredentialReport(reports::credential_report(id)?),
        );
        add(
            SnapshotSource::PasswordPolicy,
            Payload::PasswordPolicy(reports::password_policy(id)?),
        );
        add(
            SnapshotSource::AccountSummary,
            Payload::AccountSummary(reports::summary(id)?),
        );
        add(
            SnapshotSource::IdentityProviders,
            Payload::IdentityProviders(reports::identity_providers(id)?),
        );
        for resources in reports::resources(id)? {
            add(
                SnapshotSource::ResourcePolicies,
                Payload::ResourcePolicies(resources),
            );
        }
    }
    Ok(snapshots)
}

// ---- helpers shared by the demo modules -------------------------------------------------------

/// What the demo builders return.
pub(crate) type Built<T> = Result<T, DemoError>;

pub(crate) fn account_id(text: &str) -> Built<AccountId> {
    Ok(AccountId::parse(text)?)
}

pub(crate) fn arn(text: &str) -> Built<Arn> {
    Ok(Arn::parse(text)?)
}

pub(crate) fn ts(text: &str) -> Built<Timestamp> {
    Ok(iamwatch_model::ids::parse_timestamp(text)?)
}

pub(crate) fn doc(text: &str) -> Built<PolicyDocument> {
    Ok(PolicyDocument::from_text(text)?)
}

/// A deterministic IAM unique ID: the prefix (`AROA`, `AIDA`, `AGPA`, `ANPA`) and 17
/// characters derived from the account and name.
pub(crate) fn unique_id(prefix: &str, account: &str, name: &str) -> Built<UniqueId> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(format!("{account}/{name}").as_bytes());
    let suffix: String = digest
        .iter()
        .take(17)
        .map(|byte| {
            ALPHABET
                .get(usize::from(*byte) % ALPHABET.len())
                .map_or('A', |c| char::from(*c))
        })
        .collect();
    Ok(UniqueId::parse(&format!("{prefix}{suffix}"))?)
}
