//! The organizations bundle: the raw outputs of the Organizations calls, keyed by call, as
//! scripts/export-org.sh writes them (layout in docs/import-formats.md).

use std::collections::BTreeMap;

use crate::ids::{AccountId, Arn, OrgId, OrgNodeId, OrgPolicyId, OuId, RootId};
use crate::import::err::ImportError;
use crate::import::node::Node;
use crate::org::{
    AccountStatus, DelegatedAdministrator, OrgAccount, OrgPolicy, OrgPolicyType, OrgRoot,
    Organization, OrganizationalUnit, RootPolicyType,
};

pub(crate) const DESCRIBE_ORGANIZATION: &str = "organizations describe-organization";
pub(crate) const LIST_ROOTS: &str = "organizations list-roots";
pub(crate) const LIST_ACCOUNTS: &str = "organizations list-accounts";
pub(crate) const LIST_OUS_FOR_PARENT: &str = "organizations list-organizational-units-for-parent";
pub(crate) const LIST_ACCOUNTS_FOR_PARENT: &str = "organizations list-accounts-for-parent";
pub(crate) const LIST_PARENTS: &str = "organizations list-parents";
pub(crate) const LIST_POLICIES: &str = "organizations list-policies";
pub(crate) const DESCRIBE_POLICY: &str = "organizations describe-policy";
pub(crate) const LIST_TARGETS_FOR_POLICY: &str = "organizations list-targets-for-policy";
pub(crate) const LIST_DELEGATED_ADMINISTRATORS: &str =
    "organizations list-delegated-administrators";
pub(crate) const LIST_DELEGATED_SERVICES: &str =
    "organizations list-delegated-services-for-account";

pub(crate) fn read(root: &Node<'_>) -> Result<Organization, ImportError> {
    let org = root.req(DESCRIBE_ORGANIZATION)?.req("Organization")?;
    let id = org.req_parse("Id", OrgId::parse)?;

    let roots = root
        .req(LIST_ROOTS)?
        .list("Roots")?
        .into_iter()
        .map(|r| {
            Ok(OrgRoot {
                id: r.req_parse("Id", RootId::parse)?,
                arn: r.opt_parse("Arn", Arn::parse)?,
                name: r.opt_str("Name")?.unwrap_or_else(|| "Root".to_owned()),
                policy_types: r
                    .list("PolicyTypes")?
                    .into_iter()
                    .map(|t| {
                        Ok(RootPolicyType {
                            kind: t.req_str("Type")?.to_owned(),
                            status: t.req_str("Status")?.to_owned(),
                        })
                    })
                    .collect::<Result<_, ImportError>>()?,
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;

    // OUs, with their parent from the key they are listed under.
    let mut organizational_units = Vec::new();
    if let Some(by_parent) = root.get(LIST_OUS_FOR_PARENT) {
        for (parent, output) in by_parent.entries()? {
            let parent_id = OrgNodeId::parse(parent).map_err(|e| output.error(e.to_string()))?;
            for ou in output.list("OrganizationalUnits")? {
                organizational_units.push(OrganizationalUnit {
                    id: ou.req_parse("Id", OuId::parse)?,
                    arn: ou.opt_parse("Arn", Arn::parse)?,
                    name: ou.req_str("Name")?.to_owned(),
                    parent_id: parent_id.clone(),
                });
            }
        }
    }

    // Each account's parent: from `list-accounts-for-parent` or `list-parents`.
    let mut parents: BTreeMap<AccountId, OrgNodeId> = BTreeMap::new();
    if let Some(by_parent) = root.get(LIST_ACCOUNTS_FOR_PARENT) {
        for (parent, output) in by_parent.entries()? {
            let parent_id = OrgNodeId::parse(parent).map_err(|e| output.error(e.to_string()))?;
            for account in output.list("Accounts")? {
                parents.insert(
                    account.req_parse("Id", AccountId::parse)?,
                    parent_id.clone(),
                );
            }
        }
    }
    if let Some(by_child) = root.get(LIST_PARENTS) {
        for (child, output) in by_child.entries()? {
            let Ok(account) = AccountId::parse(child) else {
                continue;
            };
            if let Some(parent) = output.list("Parents")?.first() {
                parents.insert(account, parent.req_parse("Id", OrgNodeId::parse)?);
            }
        }
    }
    let only_root = match roots.as_slice() {
        [only] => Some(OrgNodeId::Root(only.id.clone())),
        _ => None,
    };

    let accounts = root
        .req(LIST_ACCOUNTS)?
        .list("Accounts")?
        .into_iter()
        .map(|a| {
            let account_id = a.req_parse("Id", AccountId::parse)?;
            let parent_id = match parents.get(&account_id).cloned() {
                Some(parent) => parent,
                // Without OUs every account sits under the root.
                None if organizational_units.is_empty() => only_root.clone().ok_or_else(|| {
                    a.error(format!("the parent of account `{account_id}` is not listed"))
                })?,
                None => {
                    return Err(a.error(format!(
                        "the parent of account `{account_id}` is not listed under `{LIST_ACCOUNTS_FOR_PARENT}` or `{LIST_PARENTS}`"
                    )));
                }
            };
            Ok(OrgAccount {
                arn: a.opt_parse("Arn", Arn::parse)?,
                name: a.opt_str("Name")?.unwrap_or_default(),
                email: a.opt_str("Email")?,
                status: AccountStatus::parse(
                    a.opt_str("State")?
                        .or(a.opt_str("Status")?)
                        .as_deref()
                        .unwrap_or("ACTIVE"),
                ),
                joined_method: a.opt_str("JoinedMethod")?,
                joined_timestamp: a.opt_time("JoinedTimestamp")?,
                parent_path: Vec::new(),
                parent_id,
                id: account_id,
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;

    let policies = policies(root)?;

    let delegated_services: BTreeMap<&str, Node<'_>> = root
        .get(LIST_DELEGATED_SERVICES)
        .map(|n| n.entries())
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .collect();
    let delegated_administrators = root
        .get(LIST_DELEGATED_ADMINISTRATORS)
        .map(|n| n.list("DelegatedAdministrators"))
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let account_id = d.req_parse("Id", AccountId::parse)?;
            let service_principals = match delegated_services.get(account_id.as_str()) {
                Some(services) => services
                    .list("DelegatedServices")?
                    .into_iter()
                    .map(|s| Ok(s.req_str("ServicePrincipal")?.to_owned()))
                    .collect::<Result<_, ImportError>>()?,
                None => Vec::new(),
            };
            Ok(DelegatedAdministrator {
                name: d.opt_str("Name")?,
                email: d.opt_str("Email")?,
                delegation_enabled_date: d.opt_time("DelegationEnabledDate")?,
                service_principals,
                account_id,
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;

    let mut organization = Organization {
        arn: org.opt_parse("Arn", Arn::parse)?,
        feature_set: org.opt_str("FeatureSet")?,
        management_account_id: org
            .get("MasterAccountId")
            .or_else(|| org.get("ManagementAccountId"))
            .ok_or_else(|| org.error("missing `MasterAccountId`"))?
            .parse(AccountId::parse)?,
        management_account_email: org
            .opt_str("MasterAccountEmail")?
            .or(org.opt_str("ManagementAccountEmail")?),
        id,
        roots,
        organizational_units,
        accounts,
        policies,
        delegated_administrators,
    };
    organization.resolve_paths();
    Ok(organization)
}

/// SCPs and RCPs: listed by type, described (document) and targeted by ID.
fn policies(root: &Node<'_>) -> Result<Vec<OrgPolicy>, ImportError> {
    let described: BTreeMap<&str, Node<'_>> = root
        .get(DESCRIBE_POLICY)
        .map(|n| n.entries())
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .collect();
    let targets: BTreeMap<&str, Node<'_>> = root
        .get(LIST_TARGETS_FOR_POLICY)
        .map(|n| n.entries())
        .transpose()?
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut policies = Vec::new();
    let Some(by_type) = root.get(LIST_POLICIES) else {
        return Ok(policies);
    };
    for (kind, output) in by_type.entries()? {
        let Some(kind) = OrgPolicyType::parse(kind) else {
            // Tag, backup and AI opt-out policies do not take part in authorization.
            continue;
        };
        for summary in output.list("Policies")? {
            let id_text = summary.req_str("Id")?;
            let id = summary.req_parse("Id", OrgPolicyId::parse)?;
            let described = described.get(id_text).ok_or_else(|| {
                summary.error(format!(
                    "policy `{id_text}` has no `{DESCRIBE_POLICY}` output in the bundle"
                ))
            })?;
            let document = described.req("Policy")?.req("Content")?.document()?;
            let policy_targets = match targets.get(id_text) {
                Some(output) => output
                    .list("Targets")?
                    .into_iter()
                    .map(|t| t.req_parse("TargetId", OrgNodeId::parse))
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            };
            policies.push(OrgPolicy {
                arn: summary.opt_parse("Arn", Arn::parse)?,
                name: summary.req_str("Name")?.to_owned(),
                description: summary.opt_str("Description")?.filter(|d| !d.is_empty()),
                aws_managed: summary.opt_bool("AwsManaged")?.unwrap_or(false),
                kind,
                document,
                targets: policy_targets,
                id,
            });
        }
    }
    Ok(policies)
}
