//! The organization: roots, OUs, accounts, SCPs and RCPs with their targets, delegated
//! administrators.
//!
//! Shapes follow the Organizations API (`DescribeOrganization`, `ListRoots`, `ListAccounts`,
//! `ListOrganizationalUnitsForParent`, `DescribePolicy`, `ListTargetsForPolicy`,
//! `ListDelegatedAdministrators`).

use serde::{Deserialize, Serialize};

use crate::document::PolicyDocument;
use crate::ids::{AccountId, Arn, OrgId, OrgNodeId, OrgPolicyId, OuId, RootId, Timestamp};

/// An AWS organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub arn: Option<Arn>,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: Option<String>,
    pub management_account_id: AccountId,
    pub management_account_email: Option<String>,
    /// Organizations have exactly one root today; the API returns a list.
    pub roots: Vec<OrgRoot>,
    pub organizational_units: Vec<OrganizationalUnit>,
    pub accounts: Vec<OrgAccount>,
    /// SCPs and RCPs, AWS managed ones (`FullAWSAccess`, `RCPFullAWSAccess`) included.
    pub policies: Vec<OrgPolicy>,
    pub delegated_administrators: Vec<DelegatedAdministrator>,
}

/// The root of the organization tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRoot {
    pub id: RootId,
    pub arn: Option<Arn>,
    pub name: String,
    /// Policy types enabled on the root, with their status
    /// (`SERVICE_CONTROL_POLICY` → `ENABLED`).
    pub policy_types: Vec<RootPolicyType>,
}

/// A policy type enabled (or being enabled) on a root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootPolicyType {
    /// `SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`, `TAG_POLICY`, …
    pub kind: String,
    /// `ENABLED`, `PENDING_ENABLE`, `PENDING_DISABLE`.
    pub status: String,
}

/// An organizational unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    pub id: OuId,
    pub arn: Option<Arn>,
    pub name: String,
    /// The root or OU that contains it.
    pub parent_id: OrgNodeId,
}

/// The status of an account in the organization.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
    /// A status this version does not know, as AWS wrote it.
    #[serde(untagged)]
    Other(String),
}

impl AccountStatus {
    pub fn parse(text: &str) -> Self {
        match text {
            "ACTIVE" => AccountStatus::Active,
            "SUSPENDED" => AccountStatus::Suspended,
            "PENDING_CLOSURE" => AccountStatus::PendingClosure,
            other => AccountStatus::Other(other.to_owned()),
        }
    }
}

/// An account that is a member of the organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAccount {
    pub id: AccountId,
    pub arn: Option<Arn>,
    pub name: String,
    pub email: Option<String>,
    pub status: AccountStatus,
    /// `INVITED` or `CREATED`.
    pub joined_method: Option<String>,
    pub joined_timestamp: Option<Timestamp>,
    /// The root or OU that contains the account.
    pub parent_id: OrgNodeId,
    /// The path from the root to the parent, inclusive (`[r-…, ou-…, ou-…]`).
    // INVARIANT: ends with `parent_id`; filled by `Organization::resolve_paths`.
    pub parent_path: Vec<OrgNodeId>,
}

/// SCP or RCP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrgPolicyType {
    ServiceControlPolicy,
    ResourceControlPolicy,
}

impl OrgPolicyType {
    /// The API name (`SERVICE_CONTROL_POLICY`).
    pub fn as_str(self) -> &'static str {
        match self {
            OrgPolicyType::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            OrgPolicyType::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "SERVICE_CONTROL_POLICY" => Some(OrgPolicyType::ServiceControlPolicy),
            "RESOURCE_CONTROL_POLICY" => Some(OrgPolicyType::ResourceControlPolicy),
            _ => None,
        }
    }
}

/// A service control policy or resource control policy and where it is attached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPolicy {
    pub id: OrgPolicyId,
    pub arn: Option<Arn>,
    pub name: String,
    pub description: Option<String>,
    pub kind: OrgPolicyType,
    pub aws_managed: bool,
    pub document: PolicyDocument,
    /// The roots, OUs and accounts it is attached to.
    pub targets: Vec<OrgNodeId>,
}

/// A member account registered as delegated administrator for services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegatedAdministrator {
    pub account_id: AccountId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub delegation_enabled_date: Option<Timestamp>,
    /// Service principals it administers (`guardduty.amazonaws.com`).
    pub service_principals: Vec<String>,
}

impl Organization {
    pub fn account(&self, id: &AccountId) -> Option<&OrgAccount> {
        self.accounts.iter().find(|a| a.id == *id)
    }

    pub fn organizational_unit(&self, id: &OuId) -> Option<&OrganizationalUnit> {
        self.organizational_units.iter().find(|ou| ou.id == *id)
    }

    /// The path from the root to `node`, inclusive: `[r-…, ou-…, …, node]`. `None` when a
    /// parent is missing or the parents form a cycle.
    pub fn path_to(&self, node: &OrgNodeId) -> Option<Vec<OrgNodeId>> {
        let mut path = vec![node.clone()];
        let mut current = node.clone();
        loop {
            let parent = match &current {
                OrgNodeId::Root(_) => break,
                OrgNodeId::Ou(ou) => self.organizational_unit(ou)?.parent_id.clone(),
                OrgNodeId::Account(account) => self.account(account)?.parent_id.clone(),
            };
            if path.contains(&parent) || path.len() > 64 {
                return None;
            }
            path.push(parent.clone());
            current = parent;
        }
        path.reverse();
        Some(path)
    }

    /// `aws:PrincipalOrgPaths`/`aws:ResourceOrgPaths` for an account: `o-…/r-…/ou-…/…/`
    /// (the path to the account's parent, as AWS writes it).
    pub fn org_path(&self, account: &AccountId) -> Option<String> {
        let path = self.path_to(&OrgNodeId::Account(account.clone()))?;
        let mut text = format!("{}/", self.id);
        for node in path.iter().filter(|n| !matches!(n, OrgNodeId::Account(_))) {
            text.push_str(node.as_str());
            text.push('/');
        }
        Some(text)
    }

    /// The policies of one type attached to a node.
    pub fn policies_on<'a>(
        &'a self,
        node: &'a OrgNodeId,
        kind: OrgPolicyType,
    ) -> impl Iterator<Item = &'a OrgPolicy> + 'a {
        self.policies
            .iter()
            .filter(move |p| p.kind == kind && p.targets.contains(node))
    }

    /// Whether a policy type is enabled on the root (an SCP or RCP tree only applies then).
    pub fn policy_type_enabled(&self, kind: OrgPolicyType) -> bool {
        self.roots.iter().any(|root| {
            root.policy_types
                .iter()
                .any(|t| t.kind == kind.as_str() && t.status == "ENABLED")
        })
    }

    /// Fills every account's `parent_path` from the parent links.
    pub fn resolve_paths(&mut self) {
        let paths: Vec<Vec<OrgNodeId>> = self
            .accounts
            .iter()
            .map(|account| {
                self.path_to(&account.parent_id)
                    .unwrap_or_else(|| vec![account.parent_id.clone()])
            })
            .collect();
        for (account, path) in self.accounts.iter_mut().zip(paths) {
            account.parent_path = path;
        }
    }

    /// Sorts every list so that the same organization always serializes the same way.
    pub fn normalize(&mut self) {
        self.roots.sort_by(|a, b| a.id.cmp(&b.id));
        for root in &mut self.roots {
            root.policy_types.sort_by(|a, b| a.kind.cmp(&b.kind));
        }
        self.organizational_units.sort_by(|a, b| a.id.cmp(&b.id));
        self.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        self.policies.sort_by(|a, b| a.id.cmp(&b.id));
        for policy in &mut self.policies {
            policy.targets.sort();
            policy.targets.dedup();
        }
        self.delegated_administrators
            .sort_by(|a, b| a.account_id.cmp(&b.account_id));
        for admin in &mut self.delegated_administrators {
            admin.service_principals.sort();
        }
    }
}
