//! Synthetic organizations of realistic shape at any size, deterministic from a seed: for
//! benchmarks (the store at 1,000 accounts × 500 roles, the audit) and for tests that need an
//! organization bigger than a fixture.
//!
//! What an organization holds:
//!
//! * a root with Security, Infrastructure, Workloads (Prod, Staging, Dev), Sandbox and
//!   Suspended OUs; a management account, security, log-archive, tooling and network
//!   accounts, and workload accounts spread over the OUs;
//! * SCPs (`FullAWSAccess` everywhere, no leaving the organization, no root user, EU regions
//!   only for workloads, no IAM users in production) and RCPs (`RCPFullAWSAccess`, TLS only,
//!   identities from the organization only in production);
//! * per account: the `OrganizationAccountAccessRole`; roles for deployments trusted by the
//!   tooling account's CI role, itself trusted by GitHub's OIDC provider (a trust chain across
//!   accounts); service roles for Lambda, EC2 (with instance profiles) and ECS with AWS managed
//!   policies from the catalog and inline policies with conditions; SSO roles trusted through
//!   SAML; third-party roles with an external ID; service-linked roles; a few risky ones
//!   (OIDC without `sub`, trust in a whole foreign account);
//! * customer managed policies with several versions and conditions, a permissions boundary;
//!   users in groups, a credential report with keys and passwords of every age, the password
//!   policy, account summary, identity providers, and S3, KMS and SQS resources with policies.
//!
//! Every entity is generated from the seed and its coordinates alone, so an account (or one
//! role) can be generated without the others, in any order or in parallel, and a huge account
//! can be written role by role ([`SyntheticOrg::write_gaad`]).
//!
//! ```
//! use iamwatch_model::synthetic::{OrgSpec, SyntheticOrg};
//!
//! let org = SyntheticOrg::new(OrgSpec { accounts: 8, roles_per_account: 20, ..OrgSpec::default() });
//! assert_eq!(org.organization().accounts.len(), 8);
//! let account = org.account(5);
//! assert!(account.iam.roles.len() >= 20);
//! // Deterministic: the same spec gives the same snapshots.
//! let again = SyntheticOrg::new(org.spec().clone());
//! assert_eq!(org.snapshots(5), again.snapshots(5));
//! ```

mod account;
mod extras;
mod org;
mod rng;
mod roles;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::account::{AccountPasswordPolicy, AccountSummary, IdentityProviders};
use crate::credential_report::CredentialReport;
use crate::export::{self, GaadShape, GaadWriter};
use crate::iam::AccountAuthorization;
use crate::ids::{AccountId, Timestamp};
use crate::org::Organization;
use crate::resource::ResourcePolicies;
use crate::snapshot::{Payload, Snapshot, SnapshotSource};

/// The size and shape of an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgSpec {
    pub seed: u64,
    /// Accounts, the management account included (at least 1).
    pub accounts: usize,
    /// Roles per account, besides the service-linked roles and the
    /// `OrganizationAccountAccessRole`.
    pub roles_per_account: usize,
    pub users_per_account: usize,
    pub customer_policies_per_account: usize,
    /// Carry each referenced AWS managed policy's document in the account (as GAAD does);
    /// without, documents come from the catalog at join time and snapshots are smaller.
    pub aws_managed_documents: bool,
    /// When the organization is "taken": dates are before it.
    pub taken_at: Timestamp,
    /// The region of the resources.
    pub region: String,
}

impl Default for OrgSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            accounts: 10,
            roles_per_account: 50,
            users_per_account: 5,
            customer_policies_per_account: 8,
            aws_managed_documents: true,
            // 2024-05-01T00:00:00Z.
            taken_at: Timestamp::from_second(1_714_521_600).unwrap_or(Timestamp::UNIX_EPOCH),
            region: "eu-west-1".to_owned(),
        }
    }
}

/// One generated account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntheticAccount {
    pub iam: AccountAuthorization,
    pub credential_report: CredentialReport,
    pub password_policy: AccountPasswordPolicy,
    pub summary: AccountSummary,
    pub identity_providers: IdentityProviders,
    pub resources: ResourcePolicies,
}

/// A generated organization. Accounts are generated on demand.
#[derive(Debug)]
pub struct SyntheticOrg {
    spec: OrgSpec,
    organization: Organization,
    accounts: Vec<org::AccountPlan>,
    managed: account::ManagedPool,
}

/// How [`SyntheticOrg::write_to`] writes GAAD files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GaadShapes {
    /// Every account as the AWS CLI prints it.
    #[default]
    Cli,
    /// Every account in the raw API shape (URL-encoded documents).
    Raw,
    /// Alternately, so that one directory exercises both importers.
    Alternate,
}

impl SyntheticOrg {
    pub fn new(spec: OrgSpec) -> Self {
        let spec = OrgSpec {
            accounts: spec.accounts.max(1),
            ..spec
        };
        let (organization, accounts) = org::build(&spec);
        let managed = account::ManagedPool::new(spec.aws_managed_documents);
        Self {
            spec,
            organization,
            accounts,
            managed,
        }
    }

    pub fn spec(&self) -> &OrgSpec {
        &self.spec
    }

    pub fn organization(&self) -> &Organization {
        &self.organization
    }

    /// The account IDs, the management account first.
    pub fn account_ids(&self) -> impl Iterator<Item = &AccountId> {
        self.accounts.iter().map(|a| &a.id)
    }

    pub fn account_count(&self) -> usize {
        self.accounts.len()
    }

    /// Generates the account at `index` (`0..account_count()`; out of range wraps).
    pub fn account(&self, index: usize) -> SyntheticAccount {
        let plan = self.plan(index);
        account::generate(&self.spec, &self.accounts, plan, &self.managed)
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "the index is reduced modulo the length, which is at least 1"
    )]
    fn plan(&self, index: usize) -> &org::AccountPlan {
        // INVARIANT: `accounts` is never empty (`spec.accounts >= 1`).
        &self.accounts[index % self.accounts.len().max(1)]
    }

    /// The organization's snapshot.
    pub fn organization_snapshot(&self) -> Snapshot {
        Snapshot::new(
            SnapshotSource::Organizations,
            self.spec.taken_at,
            Payload::Organization(self.organization.clone()),
        )
    }

    /// The snapshots of the account at `index`: GAAD, credential report, password policy,
    /// account summary, identity providers, resource policies.
    pub fn snapshots(&self, index: usize) -> Vec<Snapshot> {
        let account = self.account(index);
        let at = self.spec.taken_at;
        vec![
            Snapshot::new(SnapshotSource::Gaad, at, Payload::Iam(account.iam)),
            Snapshot::new(
                SnapshotSource::CredentialReport,
                at,
                Payload::CredentialReport(account.credential_report),
            ),
            Snapshot::new(
                SnapshotSource::PasswordPolicy,
                at,
                Payload::PasswordPolicy(account.password_policy),
            ),
            Snapshot::new(
                SnapshotSource::AccountSummary,
                at,
                Payload::AccountSummary(account.summary),
            ),
            Snapshot::new(
                SnapshotSource::IdentityProviders,
                at,
                Payload::IdentityProviders(account.identity_providers),
            ),
            Snapshot::new(
                SnapshotSource::ResourcePolicies,
                at,
                Payload::ResourcePolicies(account.resources),
            ),
        ]
    }

    /// Writes the GAAD of the account at `index`, generating roles one at a time: memory stays
    /// bounded however many roles the account has.
    pub fn write_gaad<W: Write>(&self, index: usize, out: W, shape: GaadShape) -> io::Result<W> {
        let plan = self.plan(index);
        let frame = account::frame(&self.spec, &self.accounts, plan, &self.managed);
        let mut writer = GaadWriter::new(out, shape)?;
        writer.users(&frame.users)?;
        writer.groups(&frame.groups)?;
        writer.roles(
            (0..roles::role_count(&self.spec, plan))
                .map(|r| roles::role(&self.spec, plan, &frame, r)),
        )?;
        writer.policies(&frame.policies, &frame.aws_managed)?;
        writer.finish()
    }

    /// Writes the organization as the files scripts/export-org.sh writes (docs/import-formats.md):
    ///
    /// ```text
    /// DIR/organizations.json
    /// DIR/accounts/ACCOUNT/gaad.json
    /// DIR/accounts/ACCOUNT/credential-report.csv
    /// DIR/accounts/ACCOUNT/account.json
    /// DIR/accounts/ACCOUNT/resource-policies-REGION.json
    /// ```
    ///
    /// Returns the files written.
    pub fn write_to(&self, dir: &Path, shapes: GaadShapes) -> io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        std::fs::create_dir_all(dir)?;
        let at = self.spec.taken_at;
        let org_file = dir.join("organizations.json");
        write_json(
            &org_file,
            &export::organizations_bundle(&self.organization, at),
        )?;
        written.push(org_file);
        for index in 0..self.accounts.len() {
            let account = self.account(index);
            let id = account.iam.account_id.to_string();
            let account_dir = dir.join("accounts").join(&id);
            std::fs::create_dir_all(&account_dir)?;
            let shape = match shapes {
                GaadShapes::Cli => GaadShape::Cli,
                GaadShapes::Raw => GaadShape::Raw,
                GaadShapes::Alternate if index % 2 == 0 => GaadShape::Cli,
                GaadShapes::Alternate => GaadShape::Raw,
            };
            let gaad = account_dir.join("gaad.json");
            let file = io::BufWriter::new(std::fs::File::create(&gaad)?);
            export::write_gaad(file, &account.iam, shape)?.flush()?;
            written.push(gaad);
            let report = account_dir.join("credential-report.csv");
            std::fs::write(
                &report,
                export::credential_report_csv(&account.credential_report),
            )?;
            written.push(report);
            let bundle = account_dir.join("account.json");
            write_json(
                &bundle,
                &export::account_bundle(
                    &account.iam.account_id,
                    Some(&account.password_policy),
                    Some(&account.summary),
                    Some(&account.identity_providers),
                    at,
                ),
            )?;
            written.push(bundle);
            let resources =
                account_dir.join(format!("resource-policies-{}.json", self.spec.region));
            write_json(
                &resources,
                &export::resource_policies_bundle(&account.resources, at),
            )?;
            written.push(resources);
        }
        Ok(written)
    }
}

fn write_json(path: &Path, value: &serde_json::Value) -> io::Result<()> {
    let mut file = io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer_pretty(&mut file, value).map_err(io::Error::other)?;
    file.write_all(b"\n")?;
    file.flush()
}
