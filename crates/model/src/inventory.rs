//! The inventory assembled from snapshots: the organization and, per account, the latest view
//! of each source. What the join ([`crate::join`]) and the analysis work on.

use std::collections::BTreeMap;

use crate::account::{AccountPasswordPolicy, AccountSummary, IdentityProviders};
use crate::credential_report::CredentialReport;
use crate::iam::{AccountAuthorization, Role, User};
use crate::ids::{AccountId, Arn, Timestamp};
use crate::org::Organization;
use crate::resource::Resource;
use crate::snapshot::{Payload, Snapshot};

/// Everything known about an organization's IAM.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub organization: Option<Organization>,
    pub accounts: BTreeMap<AccountId, AccountInventory>,
    /// When each part was taken, to keep the latest when snapshots overlap.
    taken: BTreeMap<(String, String), Timestamp>,
}

/// One account's latest data from each source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountInventory {
    /// From GAAD or AWS Config, whichever is newer.
    pub iam: Option<AccountAuthorization>,
    pub credential_report: Option<CredentialReport>,
    pub password_policy: Option<AccountPasswordPolicy>,
    pub summary: Option<AccountSummary>,
    pub identity_providers: Option<IdentityProviders>,
    /// Resources of every region, from the latest snapshot of each region.
    pub resources: Vec<Resource>,
    resources_by_region: BTreeMap<String, Vec<Resource>>,
}

/// An IAM principal of the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalRef<'a> {
    User(&'a User),
    Role(&'a Role),
}

impl PrincipalRef<'_> {
    pub fn arn(&self) -> &Arn {
        match self {
            PrincipalRef::User(user) => &user.arn,
            PrincipalRef::Role(role) => &role.arn,
        }
    }
}

impl Inventory {
    /// An inventory of the latest snapshot of each account and source.
    pub fn from_snapshots(snapshots: impl IntoIterator<Item = Snapshot>) -> Self {
        let mut inventory = Inventory::default();
        for snapshot in snapshots {
            inventory.add(snapshot);
        }
        inventory
    }

    /// Adds a snapshot, unless a newer one of the same account and kind is there already.
    pub fn add(&mut self, snapshot: Snapshot) {
        let when = snapshot.taken_at;
        let scope = snapshot.scope.to_string();
        let kind = match &snapshot.payload {
            Payload::Iam(_) => "iam".to_owned(),
            Payload::CredentialReport(_) => "credential-report".to_owned(),
            Payload::Organization(_) => "organization".to_owned(),
            Payload::ResourcePolicies(p) => {
                format!("resources/{}", p.region.as_deref().unwrap_or_default())
            }
            Payload::PasswordPolicy(_) => "password-policy".to_owned(),
            Payload::AccountSummary(_) => "account-summary".to_owned(),
            Payload::IdentityProviders(_) => "identity-providers".to_owned(),
        };
        let scope = if matches!(snapshot.payload, Payload::Organization(_)) {
            // One organization: a newer one replaces the other whatever its ID.
            "organization".to_owned()
        } else {
            scope
        };
        let key = (scope, kind);
        if self.taken.get(&key).is_some_and(|t| *t > when) {
            return;
        }
        self.taken.insert(key, when);
        match snapshot.payload {
            Payload::Organization(org) => self.organization = Some(org),
            Payload::Iam(iam) => {
                let id = iam.account_id.clone();
                self.account_mut(&id).iam = Some(iam);
            }
            Payload::CredentialReport(report) => {
                let id = report.account_id.clone();
                self.account_mut(&id).credential_report = Some(report);
            }
            Payload::PasswordPolicy(policy) => {
                let id = policy.account_id.clone();
                self.account_mut(&id).password_policy = Some(policy);
            }
            Payload::AccountSummary(summary) => {
                let id = summary.account_id.clone();
                self.account_mut(&id).summary = Some(summary);
            }
            Payload::IdentityProviders(providers) => {
                let id = providers.account_id.clone();
                self.account_mut(&id).identity_providers = Some(providers);
            }
            Payload::ResourcePolicies(p) => {
                let id = p.account_id.clone();
                let account = self.account_mut(&id);
                account
                    .resources_by_region
                    .insert(p.region.unwrap_or_default(), p.resources);
                account.resources = account
                    .resources_by_region
                    .values()
                    .flatten()
                    .cloned()
                    .collect();
                account.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
                account.resources.dedup_by(|a, b| a.arn == b.arn);
            }
        }
    }

    fn account_mut(&mut self, id: &AccountId) -> &mut AccountInventory {
        self.accounts.entry(id.clone()).or_default()
    }

    pub fn account(&self, id: &AccountId) -> Option<&AccountInventory> {
        self.accounts.get(id)
    }

    /// A user or role by ARN.
    pub fn principal(&self, arn: &Arn) -> Option<PrincipalRef<'_>> {
        let iam = self.account(&arn.account()?)?.iam.as_ref()?;
        match arn.resource_type() {
            "user" => iam.user(arn).map(PrincipalRef::User),
            "role" => iam.role(arn).map(PrincipalRef::Role),
            _ => None,
        }
    }

    /// A resource with a resource policy, by ARN (S3 bucket ARNs carry no account: every
    /// account is searched).
    pub fn resource<'a>(&'a self, arn: &Arn) -> Option<&'a Resource> {
        let find = |account: &'a AccountInventory| -> Option<&'a Resource> {
            account
                .resources
                .binary_search_by(|r| r.arn.cmp(arn))
                .ok()
                .and_then(|i| account.resources.get(i))
        };
        match arn.account() {
            Some(id) => self.account(&id).and_then(find),
            None => self.accounts.values().find_map(find),
        }
    }

    /// The resource whose policy governs requests on `arn`: the resource itself, or the one it
    /// belongs to (an S3 object's bucket, an API Gateway method's API, an OpenSearch index's
    /// domain, a Glue table's catalog).
    pub fn governing_resource(&self, arn: &Arn) -> Option<&Resource> {
        if let Some(found) = self.resource(arn) {
            return Some(found);
        }
        let resource = arn.resource();
        let owner = match arn.service() {
            "s3" | "execute-api" => resource.split_once('/').map(|(first, _)| first.to_owned()),
            "es" => {
                let mut parts = resource.splitn(3, '/');
                match (parts.next(), parts.next()) {
                    (Some("domain"), Some(name)) => Some(format!("domain/{name}")),
                    _ => None,
                }
            }
            "glue" => Some("catalog".to_owned()),
            _ => None,
        }?;
        let owner = Arn::parse(&format!(
            "arn:{}:{}:{}:{}:{owner}",
            arn.partition(),
            arn.service(),
            arn.region(),
            arn.account_field()
        ))
        .ok()?;
        self.resource(&owner)
    }

    /// Every account ID the inventory knows: organization members and accounts with data.
    pub fn account_ids(&self) -> Vec<AccountId> {
        let mut ids: Vec<AccountId> = self.accounts.keys().cloned().collect();
        if let Some(org) = &self.organization {
            ids.extend(org.accounts.iter().map(|a| a.id.clone()));
        }
        ids.sort();
        ids.dedup();
        ids
    }
}
