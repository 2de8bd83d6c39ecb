//! What an audit reads: the organization and, per account, the inventory the model holds; and
//! which accounts to audit.

use std::collections::{BTreeMap, BTreeSet};

use iamwatch_model::{
    AccountAuthorization, AccountId, AccountPasswordPolicy, AccountSummary, CredentialReport,
    IdentityProviders, OrgNodeId, Organization, OuId, Payload, ResourcePolicies, Snapshot,
    Timestamp,
};

/// Everything one account contributes to an audit. Every part is optional: rules that need a
/// missing part skip the account (an audit of a GAAD file alone runs the policy rules; one of a
/// credential report alone runs the credential rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInventory {
    pub account_id: AccountId,
    /// Users, groups, roles and policies (GAAD or AWS Config).
    pub iam: Option<AccountAuthorization>,
    pub credential_report: Option<CredentialReport>,
    pub password_policy: Option<AccountPasswordPolicy>,
    pub summary: Option<AccountSummary>,
    pub identity_providers: Option<IdentityProviders>,
    /// Resource-based policies, per region.
    pub resources: Vec<ResourcePolicies>,
}

impl AccountInventory {
    /// An account with no data yet.
    pub fn new(account_id: AccountId) -> Self {
        Self {
            account_id,
            iam: None,
            credential_report: None,
            password_policy: None,
            summary: None,
            identity_providers: None,
            resources: Vec::new(),
        }
    }
}

/// Which accounts to audit: all of them (the default), or those listed and those under the
/// listed OUs (at any depth).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub accounts: BTreeSet<AccountId>,
    pub organizational_units: BTreeSet<OuId>,
}

impl Selection {
    /// Every account.
    pub fn all() -> Self {
        Self::default()
    }

    /// Whether nothing restricts the selection.
    pub fn is_all(&self) -> bool {
        self.accounts.is_empty() && self.organizational_units.is_empty()
    }

    /// Whether the account is selected. OU selection needs the organization to know where the
    /// account sits; without it only listed accounts match.
    pub fn includes(&self, account: &AccountId, organization: Option<&Organization>) -> bool {
        if self.is_all() || self.accounts.contains(account) {
            return true;
        }
        if self.organizational_units.is_empty() {
            return false;
        }
        organization
            .and_then(|org| org.path_to(&OrgNodeId::Account(account.clone())))
            .is_some_and(|path| {
                path.iter().any(|node| match node {
                    OrgNodeId::Ou(ou) => self.organizational_units.contains(ou),
                    _ => false,
                })
            })
    }
}

/// The input of [`crate::audit`]: the organization (for SCPs, RCPs and knowing which accounts
/// are ours), the accounts' inventories, and which accounts to audit. Unselected accounts still
/// count as members of the organization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditInput {
    pub organization: Option<Organization>,
    pub accounts: Vec<AccountInventory>,
    pub selection: Selection,
}

impl AuditInput {
    /// Assembles the input from snapshots, as the store loads them: per account and source the
    /// latest snapshot (by `taken_at`) wins; resource policies are kept per region. GAAD and
    /// AWS Config both give the IAM part; the later one is used.
    pub fn from_snapshots(snapshots: impl IntoIterator<Item = Snapshot>) -> Self {
        #[derive(Default)]
        struct Latest {
            iam: Option<(Timestamp, AccountAuthorization)>,
            credential_report: Option<(Timestamp, CredentialReport)>,
            password_policy: Option<(Timestamp, AccountPasswordPolicy)>,
            summary: Option<(Timestamp, AccountSummary)>,
            identity_providers: Option<(Timestamp, IdentityProviders)>,
            resources: BTreeMap<Option<String>, (Timestamp, ResourcePolicies)>,
        }
        fn keep<T>(slot: &mut Option<(Timestamp, T)>, at: Timestamp, value: T) {
            if slot.as_ref().is_none_or(|(known, _)| *known <= at) {
                *slot = Some((at, value));
            }
        }
        let mut organization: Option<(Timestamp, Organization)> = None;
        let mut accounts: BTreeMap<AccountId, Latest> = BTreeMap::new();
        for snapshot in snapshots {
            let at = snapshot.taken_at;
            match snapshot.payload {
                Payload::Organization(org) => keep(&mut organization, at, org),
                Payload::Iam(iam) => {
                    let entry = accounts.entry(iam.account_id.clone()).or_default();
                    keep(&mut entry.iam, at, iam);
                }
                Payload::CredentialReport(report) => {
                    let entry = accounts.entry(report.account_id.clone()).or_default();
                    keep(&mut entry.credential_report, at, report);
                }
                Payload::PasswordPolicy(policy) => {
                    let entry = accounts.entry(policy.account_id.clone()).or_default();
                    keep(&mut entry.password_policy, at, policy);
                }
                Payload::AccountSummary(summary) => {
                    let entry = accounts.entry(summary.account_id.clone()).or_default();
                    keep(&mut entry.summary, at, summary);
                }
                Payload::IdentityProviders(providers) => {
                    let entry = accounts.entry(providers.account_id.clone()).or_default();
                    keep(&mut entry.identity_providers, at, providers);
                }
                Payload::ResourcePolicies(resources) => {
                    let entry = accounts.entry(resources.account_id.clone()).or_default();
                    let region = resources.region.clone();
                    let newer = entry
                        .resources
                        .get(&region)
                        .is_none_or(|(known, _)| *known <= at);
                    if newer {
                        entry.resources.insert(region, (at, resources));
                    }
                }
            }
        }
        let accounts = accounts
            .into_iter()
            .map(|(account_id, latest)| AccountInventory {
                account_id,
                iam: latest.iam.map(|(_, v)| v),
                credential_report: latest.credential_report.map(|(_, v)| v),
                password_policy: latest.password_policy.map(|(_, v)| v),
                summary: latest.summary.map(|(_, v)| v),
                identity_providers: latest.identity_providers.map(|(_, v)| v),
                resources: latest.resources.into_values().map(|(_, v)| v).collect(),
            })
            .collect();
        Self {
            organization: organization.map(|(_, org)| org),
            accounts,
            selection: Selection::all(),
        }
    }

    /// The inventory of one account.
    pub fn account(&self, id: &AccountId) -> Option<&AccountInventory> {
        self.accounts.iter().find(|a| a.account_id == *id)
    }

    /// The accounts the selection includes.
    pub fn selected_accounts(&self) -> impl Iterator<Item = &AccountInventory> + '_ {
        self.accounts.iter().filter(|account| {
            self.selection
                .includes(&account.account_id, self.organization.as_ref())
        })
    }
}
