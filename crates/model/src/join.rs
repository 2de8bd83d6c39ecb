//! The join the engine needs: for a user or role, every policy that takes part in its
//! requests, as an [`iamwatch_policy::eval::PolicySet`], and the matching
//! [`RequestPrincipal`]/[`RequestResource`].
//!
//! What goes in (IAM User Guide, `reference_policies_evaluation-logic.html`; Organizations
//! User Guide, `orgs_manage_policies_scps_evaluation.html`, `orgs_manage_policies_rcps_evaluation.html`):
//!
//! * identity policies: the principal's inline and attached managed policies, and for a user
//!   also the inline and managed policies of each of its groups (groups cannot be principals,
//!   but their policies apply to their members);
//! * managed policy documents: the default version of a customer managed policy from the
//!   account; an AWS managed policy from the export when it has the document, else from
//!   `iamwatch_catalog::ManagedPolicies` (the same in every account);
//! * the permissions boundary;
//! * the SCPs on the path root → OUs → the principal's account, when SCPs are enabled;
//! * the RCPs on the path to the resource owner's account, when RCPs are enabled;
//! * the resource's policy: a role's trust policy for a role ARN, a KMS key policy, or the
//!   resource policy the inventory has.
//!
//! A policy that cannot be found or parsed does not stop the join: it is left out and reported
//! in [`PrincipalPolicies::issues`], so that one odd policy does not hide a whole account.

use std::collections::HashMap;

use iamwatch_policy::context::{RequestPrincipal, RequestResource};
use iamwatch_policy::document::Policy;
use iamwatch_policy::eval::{
    NamedPolicy, OrgLevel, OrgPolicyTree, PolicySet, ResourcePolicy, ResourcePolicyKind,
};
use iamwatch_policy::parse::ParseError;

use crate::document::PolicyDocument;
use crate::iam::{AccountAuthorization, AttachedPolicy, InlinePolicy};
use crate::ids::{AccountId, Arn};
use crate::inventory::{Inventory, PrincipalRef};
use crate::org::{OrgPolicyType, Organization};
use crate::resource::ResourceType;

/// A principal's policies and the principal as the engine sees it.
#[derive(Clone, Debug)]
pub struct PrincipalPolicies {
    pub set: PolicySet,
    pub principal: RequestPrincipal,
    /// Policies left out, and why.
    pub issues: Vec<JoinIssue>,
}

/// A policy that the join had to leave out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum JoinIssue {
    #[error(
        "`{arn}` (attached to {attached_via}) is not in the inventory or the AWS managed policies"
    )]
    #[diagnostic(
        code(join::missing_policy),
        help("import the account's GAAD with `Policies` (no `--filter` that leaves them out)")
    )]
    MissingPolicy { arn: Arn, attached_via: String },
    #[error("group `{group}` of `{user}` is not in the inventory")]
    #[diagnostic(code(join::missing_group))]
    MissingGroup { user: Arn, group: String },
    #[error("policy `{name}` cannot be evaluated: {error}")]
    #[diagnostic(code(join::unreadable_policy))]
    UnreadablePolicy { name: String, error: ParseError },
}

/// Why no policy set can be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum JoinError {
    #[error("`{0}` is not a user or role ARN")]
    #[diagnostic(help(
        "give an IAM user or role ARN, e.g. `arn:aws:iam::123456789012:role/deploy`"
    ))]
    NotAPrincipal(String),
    #[error("`{0}` is not in the inventory")]
    #[diagnostic(help(
        "import the account's GAAD (`iamwatch import gaad.json`), or check the ARN's path"
    ))]
    UnknownPrincipal(Arn),
}

/// Builds policy sets, parsing each AWS managed policy and each SCP/RCP once however many
/// principals use it. Keep one per inventory for a batch of principals.
#[derive(Debug)]
pub struct Join<'a> {
    inventory: &'a Inventory,
    /// Parsed shared documents (AWS managed policies by ARN, organization policies by ID).
    shared: HashMap<String, Result<Policy, ParseError>>,
}

impl<'a> Join<'a> {
    pub fn new(inventory: &'a Inventory) -> Self {
        Self {
            inventory,
            shared: HashMap::new(),
        }
    }

    /// The policy set of a user or role, for requests on `resource` (an ARN, or `None` for the
    /// principal's own side only: no resource policy, no RCPs).
    pub fn policy_set(
        &mut self,
        principal: &str,
        resource: Option<&str>,
    ) -> Result<PrincipalPolicies, JoinError> {
        let arn =
            Arn::parse(principal).map_err(|_| JoinError::NotAPrincipal(principal.to_owned()))?;
        if !matches!(arn.resource_type(), "user" | "role") || arn.service() != "iam" {
            return Err(JoinError::NotAPrincipal(principal.to_owned()));
        }
        let found = self
            .inventory
            .principal(&arn)
            .ok_or_else(|| JoinError::UnknownPrincipal(arn.clone()))?;
        let account_id = arn
            .account()
            .ok_or_else(|| JoinError::UnknownPrincipal(arn.clone()))?;
        let iam = self
            .inventory
            .account(&account_id)
            .and_then(|a| a.iam.as_ref())
            .ok_or_else(|| JoinError::UnknownPrincipal(arn.clone()))?;

        let mut issues = Vec::new();
        let mut set = PolicySet::default();
        match found {
            PrincipalRef::User(user) => {
                let short = format!("user/{}", user.name);
                self.add_identity(
                    &mut set,
                    &mut issues,
                    iam,
                    &short,
                    "user",
                    &user.inline_policies,
                    &user.attached_policies,
                );
                for group_name in &user.groups {
                    match iam.group_by_name(group_name) {
                        Some(group) => {
                            let via = format!("group/{}", group.name);
                            self.add_identity(
                                &mut set,
                                &mut issues,
                                iam,
                                &via,
                                &via,
                                &group.inline_policies,
                                &group.attached_policies,
                            );
                        }
                        None => issues.push(JoinIssue::MissingGroup {
                            user: user.arn.clone(),
                            group: group_name.clone(),
                        }),
                    }
                }
                set.permissions_boundary = user
                    .permissions_boundary
                    .as_ref()
                    .and_then(|b| self.managed(iam, &b.arn, "permissions boundary", &mut issues));
            }
            PrincipalRef::Role(role) => {
                let short = format!("role/{}", role.name);
                self.add_identity(
                    &mut set,
                    &mut issues,
                    iam,
                    &short,
                    "role",
                    &role.inline_policies,
                    &role.attached_policies,
                );
                set.permissions_boundary = role
                    .permissions_boundary
                    .as_ref()
                    .and_then(|b| self.managed(iam, &b.arn, "permissions boundary", &mut issues));
            }
        }

        set.scps = self.org_tree(
            &account_id,
            OrgPolicyType::ServiceControlPolicy,
            &mut issues,
        );
        if let Some(resource) = resource {
            let owner = self.resource_account(resource, &account_id);
            set.rcps = self.org_tree(&owner, OrgPolicyType::ResourceControlPolicy, &mut issues);
            set.resource = self.resource_policy(resource, &mut issues);
        }
        Ok(PrincipalPolicies {
            set,
            principal: self.request_principal(found, &account_id),
            issues,
        })
    }

    /// The request principal for a user or role of the inventory: account, organization ID and
    /// paths, tags, management-account and service-linked flags, unique ID.
    fn request_principal(&self, found: PrincipalRef<'_>, account: &AccountId) -> RequestPrincipal {
        let (arn, tags, id, service_linked) = match found {
            PrincipalRef::User(user) => (&user.arn, &user.tags, &user.id, false),
            PrincipalRef::Role(role) => (&role.arn, &role.tags, &role.id, role.is_service_linked()),
        };
        let identity = match found {
            PrincipalRef::User(_) => iamwatch_policy::context::PrincipalIdentity::User {
                arn: arn.to_string(),
            },
            PrincipalRef::Role(_) => iamwatch_policy::context::PrincipalIdentity::Role {
                arn: arn.to_string(),
            },
        };
        let mut principal = RequestPrincipal::new(identity);
        principal.account = Some(account.to_string());
        principal.tags = tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
        principal.unique_id = Some(id.to_string());
        principal.service_linked_role = Some(service_linked);
        if let Some(org) = self.member_org(account) {
            principal.org_id = Some(org.id.to_string());
            principal.org_paths = org.org_path(account).into_iter().collect();
            principal.in_management_account = org.management_account_id == *account;
        }
        principal
    }

    /// The request resource for an ARN: owner account (from the inventory for S3 buckets),
    /// organization ID and paths, tags, management-account flag.
    pub fn request_resource(
        &self,
        resource: &str,
        principal_account: &AccountId,
    ) -> RequestResource {
        let mut request = RequestResource::new(resource);
        let owner = self.resource_account(resource, principal_account);
        if let Some(found) = Arn::parse(resource)
            .ok()
            .and_then(|arn| self.inventory.resource(&arn))
        {
            request.tags = found
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect();
        }
        request.aws_managed_kms_key = resource.contains(":alias/aws/");
        if let Some(org) = self.member_org(&owner) {
            request.org_id = Some(org.id.to_string());
            request.org_paths = org.org_path(&owner).into_iter().collect();
            request.in_management_account = org.management_account_id == owner;
        }
        request.account = Some(owner.to_string());
        request
    }

    /// The organization, when `account` is a member.
    fn member_org(&self, account: &AccountId) -> Option<&'a Organization> {
        self.inventory
            .organization
            .as_ref()
            .filter(|org| org.account(account).is_some() || org.management_account_id == *account)
    }

    fn resource_account(&self, resource: &str, principal_account: &AccountId) -> AccountId {
        let Ok(arn) = Arn::parse(resource) else {
            return principal_account.clone();
        };
        arn.account()
            .or_else(|| {
                self.inventory
                    .governing_resource(&arn)
                    .map(|r| r.account_id.clone())
            })
            .unwrap_or_else(|| principal_account.clone())
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call per entity kind, all positional facts"
    )]
    fn add_identity(
        &mut self,
        set: &mut PolicySet,
        issues: &mut Vec<JoinIssue>,
        iam: &AccountAuthorization,
        owner: &str,
        via: &str,
        inline: &[InlinePolicy],
        attached: &[AttachedPolicy],
    ) {
        for policy in inline {
            let name = format!("{owner} inline {}", policy.name);
            if let Some(parsed) = parse(&name, &policy.document, issues) {
                set.identity.push(NamedPolicy {
                    name,
                    attached_via: Some(via.to_owned()),
                    policy: parsed,
                });
            }
        }
        for policy in attached {
            if let Some(mut named) = self.managed(iam, &policy.arn, via, issues) {
                named.attached_via = Some(via.to_owned());
                set.identity.push(named);
            }
        }
    }

    /// A managed policy's default document: customer managed from the account, AWS managed
    /// from the export or the catalog.
    fn managed(
        &mut self,
        iam: &AccountAuthorization,
        arn: &Arn,
        attached_via: &str,
        issues: &mut Vec<JoinIssue>,
    ) -> Option<NamedPolicy> {
        let name = arn.to_string();
        if !arn.is_aws_managed_policy() {
            let Some(document) = iam.policy(arn).and_then(|p| p.default_document()) else {
                issues.push(JoinIssue::MissingPolicy {
                    arn: arn.clone(),
                    attached_via: attached_via.to_owned(),
                });
                return None;
            };
            return parse(&name, document, issues).map(|policy| NamedPolicy::new(name, policy));
        }
        if let Some(document) = iam
            .aws_managed_policy(arn)
            .and_then(|p| p.document.as_ref())
        {
            return parse(&name, document, issues).map(|policy| NamedPolicy::new(name, policy));
        }
        let parsed = self.shared.entry(name.clone()).or_insert_with(|| {
            let text = iamwatch_catalog::ManagedPolicies::get()
                .by_arn(arn.as_str())
                .map(iamwatch_catalog::ManagedPolicy::default_document);
            match text {
                Some(text) => iamwatch_policy::parse::parse_policy(text),
                // Marked as missing below; an empty text never parses.
                None => iamwatch_policy::parse::parse_policy(""),
            }
        });
        match parsed {
            Ok(policy) => Some(NamedPolicy::new(name, policy.clone())),
            Err(_)
                if iamwatch_catalog::ManagedPolicies::get()
                    .by_arn(arn.as_str())
                    .is_none() =>
            {
                issues.push(JoinIssue::MissingPolicy {
                    arn: arn.clone(),
                    attached_via: attached_via.to_owned(),
                });
                None
            }
            Err(error) => {
                issues.push(JoinIssue::UnreadablePolicy {
                    name,
                    error: error.clone(),
                });
                None
            }
        }
    }

    /// The SCPs or RCPs on the path root → OUs → account, when the type is enabled and the
    /// account is a member.
    fn org_tree(
        &mut self,
        account: &AccountId,
        kind: OrgPolicyType,
        issues: &mut Vec<JoinIssue>,
    ) -> Option<OrgPolicyTree> {
        let org = self.member_org(account)?;
        if !org.policy_type_enabled(kind) {
            return None;
        }
        let path = org.path_to(&crate::ids::OrgNodeId::Account(account.clone()))?;
        let mut levels = Vec::with_capacity(path.len());
        for node in &path {
            let mut policies = Vec::new();
            for policy in org.policies_on(node, kind) {
                let name = format!("{} ({})", policy.name, policy.id);
                let parsed = self
                    .shared
                    .entry(policy.id.to_string())
                    .or_insert_with(|| policy.document.parse());
                match parsed {
                    Ok(parsed) => policies.push(NamedPolicy::new(name, parsed.clone())),
                    Err(error) => issues.push(JoinIssue::UnreadablePolicy {
                        name,
                        error: error.clone(),
                    }),
                }
            }
            levels.push(OrgLevel {
                target: node.to_string(),
                policies,
            });
        }
        Some(OrgPolicyTree { levels })
    }

    /// The policy on the resource: a role's trust policy, a KMS key policy, or the resource
    /// policy in the inventory.
    fn resource_policy(
        &mut self,
        resource: &str,
        issues: &mut Vec<JoinIssue>,
    ) -> Option<ResourcePolicy> {
        let arn = Arn::parse(resource).ok()?;
        if arn.service() == "iam" && arn.resource_type() == "role" {
            let PrincipalRef::Role(role) = self.inventory.principal(&arn)? else {
                return None;
            };
            let name = format!("role/{} trust policy", role.name);
            let policy = parse(&name, role.trust_policy.as_ref()?, issues)?;
            return Some(ResourcePolicy {
                kind: ResourcePolicyKind::RoleTrust,
                policy: NamedPolicy::new(name, policy),
            });
        }
        let found = self.inventory.governing_resource(&arn)?;
        let name = format!("{} policy", found.arn);
        let policy = parse(&name, found.policy.as_ref()?, issues)?;
        let kind = if found.resource_type == ResourceType::KmsKey {
            ResourcePolicyKind::KmsKey
        } else {
            ResourcePolicyKind::Generic
        };
        Some(ResourcePolicy {
            kind,
            policy: NamedPolicy::new(name, policy),
        })
    }
}

fn parse(name: &str, document: &PolicyDocument, issues: &mut Vec<JoinIssue>) -> Option<Policy> {
    match document.parse() {
        Ok(policy) => Some(policy),
        Err(error) => {
            issues.push(JoinIssue::UnreadablePolicy {
                name: name.to_owned(),
                error,
            });
            None
        }
    }
}

impl Inventory {
    /// The policy set of one principal; see [`Join`] to build many.
    pub fn policy_set(
        &self,
        principal: &str,
        resource: Option<&str>,
    ) -> Result<PrincipalPolicies, JoinError> {
        Join::new(self).policy_set(principal, resource)
    }
}
