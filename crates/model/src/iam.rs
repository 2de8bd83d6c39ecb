//! One account's IAM entities and policies: what `GetAccountAuthorizationDetails` (GAAD)
//! returns, and what AWS Config records for `AWS::IAM::*`.
//!
//! Field names follow the GAAD response (`UserDetailList`, `RoleDetailList`, …) in snake case.

use serde::{Deserialize, Serialize};

use crate::document::PolicyDocument;
use crate::ids::{AccountId, Arn, Tag, Timestamp, UniqueId};

/// An account's IAM authorization details: users, groups, roles and managed policies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountAuthorization {
    pub account_id: AccountId,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    /// Customer managed policies, every version (GAAD `Policies` with `Arn` in this account).
    pub policies: Vec<ManagedPolicy>,
    /// AWS managed policies (`arn:aws:iam::aws:policy/…`) attached to an entity or used as a
    /// boundary in this account, with the default document when the export carries it (GAAD
    /// lists them in `Policies` unless filtered out). Documents missing here come from
    /// `iamwatch_catalog::ManagedPolicies` at join time.
    pub aws_managed_policies: Vec<AwsManagedPolicyRef>,
}

impl AccountAuthorization {
    /// An account with no IAM entities.
    pub fn empty(account_id: AccountId) -> Self {
        Self {
            account_id,
            users: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            policies: Vec::new(),
            aws_managed_policies: Vec::new(),
        }
    }

    pub fn user(&self, arn: &Arn) -> Option<&User> {
        self.users.iter().find(|u| u.arn == *arn)
    }

    pub fn role(&self, arn: &Arn) -> Option<&Role> {
        self.roles.iter().find(|r| r.arn == *arn)
    }

    pub fn group_by_name(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Every managed-policy ARN the account's entities use, once per use: attachments to
    /// users, groups and roles, then permissions boundaries of users and roles.
    pub fn policy_uses(&self) -> impl Iterator<Item = &Arn> + '_ {
        let attached = self
            .users
            .iter()
            .flat_map(|u| &u.attached_policies)
            .chain(self.groups.iter().flat_map(|g| &g.attached_policies))
            .chain(self.roles.iter().flat_map(|r| &r.attached_policies))
            .map(|a| &a.arn);
        let boundaries = self
            .users
            .iter()
            .filter_map(|u| u.permissions_boundary.as_ref())
            .chain(
                self.roles
                    .iter()
                    .filter_map(|r| r.permissions_boundary.as_ref()),
            )
            .map(|b| &b.arn);
        attached.chain(boundaries)
    }

    /// A customer managed policy by ARN.
    pub fn policy(&self, arn: &Arn) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.arn == *arn)
    }

    pub fn aws_managed_policy(&self, arn: &Arn) -> Option<&AwsManagedPolicyRef> {
        self.aws_managed_policies.iter().find(|p| p.arn == *arn)
    }

    /// Sorts every list (entities by ARN, policies by name, tags by key, versions by number)
    /// so that the same content always serializes the same way.
    pub fn normalize(&mut self) {
        for user in &mut self.users {
            user.normalize();
        }
        for group in &mut self.groups {
            group.normalize();
        }
        for role in &mut self.roles {
            role.normalize();
        }
        for policy in &mut self.policies {
            policy.normalize();
        }
        self.users.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.groups.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.roles.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.policies.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.aws_managed_policies.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.aws_managed_policies.dedup_by(|a, b| {
            if a.arn == b.arn {
                if b.document.is_none() {
                    b.document = a.document.take();
                    b.default_version_id = a.default_version_id.take();
                }
                true
            } else {
                false
            }
        });
    }
}

/// An inline policy embedded in a user, group or role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyDocument,
}

/// A managed policy attached to a user, group or role.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: Arn,
}

/// The managed policy set as an entity's permissions boundary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionsBoundary {
    pub arn: Arn,
}

/// An IAM user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub path: String,
    pub name: String,
    pub id: UniqueId,
    pub arn: Arn,
    pub create_date: Option<Timestamp>,
    pub tags: Vec<Tag>,
    /// Names of the groups the user belongs to (GAAD `GroupList`).
    pub groups: Vec<String>,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub permissions_boundary: Option<PermissionsBoundary>,
}

impl User {
    fn normalize(&mut self) {
        self.tags.sort();
        self.groups.sort();
        self.inline_policies.sort_by(|a, b| a.name.cmp(&b.name));
        self.attached_policies.sort();
    }
}

/// An IAM group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub path: String,
    pub name: String,
    pub id: UniqueId,
    pub arn: Arn,
    pub create_date: Option<Timestamp>,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<AttachedPolicy>,
}

impl Group {
    fn normalize(&mut self) {
        self.inline_policies.sort_by(|a, b| a.name.cmp(&b.name));
        self.attached_policies.sort();
    }
}

/// When a role was last used (`RoleLastUsed`; tracked for the trailing 400 days).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLastUsed {
    pub last_used_date: Option<Timestamp>,
    pub region: Option<String>,
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub path: String,
    pub name: String,
    pub id: UniqueId,
    pub arn: Arn,
    pub create_date: Option<Timestamp>,
    pub description: Option<String>,
    /// Seconds (3600 to 43200).
    pub max_session_duration: Option<u32>,
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub trust_policy: Option<PolicyDocument>,
    pub tags: Vec<Tag>,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `None` when the export does not say; `Some` with no date when AWS says never used.
    pub last_used: Option<RoleLastUsed>,
    pub instance_profiles: Vec<InstanceProfile>,
}

impl Role {
    fn normalize(&mut self) {
        self.tags.sort();
        self.inline_policies.sort_by(|a, b| a.name.cmp(&b.name));
        self.attached_policies.sort();
        self.instance_profiles.sort_by(|a, b| a.arn.cmp(&b.arn));
        for profile in &mut self.instance_profiles {
            profile.roles.sort();
            profile.tags.sort();
        }
    }

    /// A service-linked role (path `/aws-service-role/`): SCPs and RCPs do not apply to it.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// An instance profile and the roles in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceProfile {
    pub path: String,
    pub name: String,
    pub id: UniqueId,
    pub arn: Arn,
    pub create_date: Option<Timestamp>,
    /// ARNs of the roles in the profile.
    pub roles: Vec<Arn>,
    pub tags: Vec<Tag>,
}

/// A customer managed policy with all its versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub id: UniqueId,
    pub arn: Arn,
    pub path: String,
    pub default_version_id: String,
    pub attachment_count: Option<u32>,
    pub permissions_boundary_usage_count: Option<u32>,
    pub is_attachable: bool,
    pub description: Option<String>,
    pub create_date: Option<Timestamp>,
    pub update_date: Option<Timestamp>,
    pub versions: Vec<PolicyVersion>,
    pub tags: Vec<Tag>,
}

impl ManagedPolicy {
    /// The document of the default version, when the export has it.
    pub fn default_document(&self) -> Option<&PolicyDocument> {
        self.versions
            .iter()
            .find(|v| v.version_id == self.default_version_id)
            .or_else(|| self.versions.iter().find(|v| v.is_default_version))
            .and_then(|v| v.document.as_ref())
    }

    fn normalize(&mut self) {
        self.tags.sort();
        self.versions.sort_by_key(|v| version_number(&v.version_id));
    }
}

/// `v12` → 12, for ordering versions numerically.
fn version_number(id: &str) -> (u64, String) {
    let number = id
        .strip_prefix(['v', 'V'])
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    (number, id.to_owned())
}

/// One version of a managed policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// `v1`, `v2`, …
    pub version_id: String,
    pub is_default_version: bool,
    pub create_date: Option<Timestamp>,
    pub document: Option<PolicyDocument>,
}

/// An AWS managed policy an account refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsManagedPolicyRef {
    pub arn: Arn,
    pub default_version_id: Option<String>,
    /// The default version's document, when the export has it.
    pub document: Option<PolicyDocument>,
}
