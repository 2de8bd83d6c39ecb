//! The organization: its root and OU tree, the accounts in it, SCPs and RCPs with their
//! targets, and the delegated administrators. Read with the management account's (or a
//! delegated administrator's) credentials.
//!
//! Calls: DescribeOrganization, ListRoots, per tree node ListOrganizationalUnitsForParent and
//! ListAccountsForParent (which return the accounts with their parent, so no per-account
//! ListParents), per enabled policy type ListPolicies, per policy DescribePolicy and
//! ListTargetsForPolicy, ListDelegatedAdministrators and per administrator
//! ListDelegatedServicesForAccount.

use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus};
use iamwatch_model::{
    AccountId, AccountStatus, Arn, DelegatedAdministrator, OrgAccount, OrgId, OrgNodeId, OrgPolicy,
    OrgPolicyId, OrgPolicyType, OrgRoot, Organization, OrganizationalUnit, OuId, PolicyDocument,
    RootId, RootPolicyType,
};

use crate::aws::{AccountClients, timestamp};
use crate::err::{Bad, CollectError};

fn opt_arn(text: Option<String>) -> Result<Option<Arn>, Bad> {
    text.map(Arn::try_from).transpose().map_err(Bad::from)
}

fn need(field: &'static str, text: Option<String>) -> Result<String, Bad> {
    text.ok_or_else(|| Bad::missing(field))
}

/// Reads the whole organization.
pub(crate) async fn collect(clients: &AccountClients) -> Result<Organization, CollectError> {
    let account = clients.account().clone();
    let org = clients.organizations(None);
    let bad = |e: Bad| e.in_account(&account);

    let described = clients
        .send(
            "organizations:DescribeOrganization",
            org.describe_organization().send(),
        )
        .await?
        .organization
        .ok_or_else(|| bad(Bad::missing("organization")))?;

    let mut roots = Vec::new();
    let mut token = None;
    loop {
        let page = clients
            .send(
                "organizations:ListRoots",
                org.list_roots().set_next_token(token.take()).send(),
            )
            .await?;
        for root in page.roots.unwrap_or_default() {
            roots.push(
                (|| {
                    Ok::<_, Bad>(OrgRoot {
                        id: RootId::try_from(need("root ID", root.id)?)?,
                        arn: opt_arn(root.arn)?,
                        name: root.name.unwrap_or_else(|| "Root".to_owned()),
                        policy_types: root
                            .policy_types
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|t| {
                                Some(RootPolicyType {
                                    kind: t.r#type?.as_str().to_owned(),
                                    status: t.status?.as_str().to_owned(),
                                })
                            })
                            .collect(),
                    })
                })()
                .map_err(bad)?,
            );
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }

    // Breadth first from each root: OUs and accounts of every node.
    let mut organizational_units = Vec::new();
    let mut accounts = Vec::new();
    let mut queue: std::collections::VecDeque<OrgNodeId> = roots
        .iter()
        .map(|r| OrgNodeId::Root(r.id.clone()))
        .collect();
    while let Some(parent) = queue.pop_front() {
        let mut token = None;
        loop {
            let page = clients
                .send(
                    "organizations:ListOrganizationalUnitsForParent",
                    org.list_organizational_units_for_parent()
                        .parent_id(parent.as_str())
                        .set_next_token(token.take())
                        .send(),
                )
                .await?;
            for ou in page.organizational_units.unwrap_or_default() {
                let ou = (|| {
                    Ok::<_, Bad>(OrganizationalUnit {
                        id: OuId::try_from(need("OU ID", ou.id)?)?,
                        arn: opt_arn(ou.arn)?,
                        name: ou.name.unwrap_or_default(),
                        parent_id: parent.clone(),
                    })
                })()
                .map_err(bad)?;
                queue.push_back(OrgNodeId::Ou(ou.id.clone()));
                organizational_units.push(ou);
            }
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        let mut token = None;
        loop {
            let page = clients
                .send(
                    "organizations:ListAccountsForParent",
                    org.list_accounts_for_parent()
                        .parent_id(parent.as_str())
                        .set_next_token(token.take())
                        .send(),
                )
                .await?;
            for member in page.accounts.unwrap_or_default() {
                accounts.push(
                    (|| {
                        Ok::<_, Bad>(OrgAccount {
                            id: AccountId::try_from(need("account ID", member.id)?)?,
                            arn: opt_arn(member.arn)?,
                            name: member.name.unwrap_or_default(),
                            email: member.email,
                            status: member.status.map_or(AccountStatus::Active, |s| {
                                AccountStatus::parse(s.as_str())
                            }),
                            joined_method: member.joined_method.map(|m| m.as_str().to_owned()),
                            joined_timestamp: member.joined_timestamp.as_ref().and_then(timestamp),
                            parent_id: parent.clone(),
                            parent_path: Vec::new(),
                        })
                    })()
                    .map_err(bad)?,
                );
            }
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
    }

    // SCPs and RCPs, for the types enabled on a root.
    let mut policies = Vec::new();
    for kind in [
        OrgPolicyType::ServiceControlPolicy,
        OrgPolicyType::ResourceControlPolicy,
    ] {
        let enabled = roots.iter().any(|r| {
            r.policy_types
                .iter()
                .any(|t| t.kind == kind.as_str() && t.status == PolicyTypeStatus::Enabled.as_str())
        });
        if !enabled {
            continue;
        }
        let filter = PolicyType::from(kind.as_str());
        let mut summaries = Vec::new();
        let mut token = None;
        loop {
            let page = clients
                .send(
                    "organizations:ListPolicies",
                    org.list_policies()
                        .filter(filter.clone())
                        .set_next_token(token.take())
                        .send(),
                )
                .await?;
            summaries.extend(page.policies.unwrap_or_default());
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        for summary in summaries {
            let id = need("policy ID", summary.id.clone()).map_err(bad)?;
            let described = clients
                .send(
                    "organizations:DescribePolicy",
                    org.describe_policy().policy_id(&id).send(),
                )
                .await?;
            let content = described
                .policy
                .and_then(|p| p.content)
                .ok_or_else(|| bad(Bad::missing("policy content")))?;
            let mut targets = Vec::new();
            let mut token = None;
            loop {
                let page = clients
                    .send(
                        "organizations:ListTargetsForPolicy",
                        org.list_targets_for_policy()
                            .policy_id(&id)
                            .set_next_token(token.take())
                            .send(),
                    )
                    .await?;
                for target in page.targets.unwrap_or_default() {
                    let target_id = need("target ID", target.target_id).map_err(bad)?;
                    targets.push(OrgNodeId::parse(&target_id).map_err(|e| bad(Bad::from(e)))?);
                }
                token = page.next_token;
                if token.is_none() {
                    break;
                }
            }
            policies.push(
                (|| {
                    Ok::<_, Bad>(OrgPolicy {
                        id: OrgPolicyId::try_from(id)?,
                        arn: opt_arn(summary.arn)?,
                        name: summary.name.unwrap_or_default(),
                        description: summary.description.filter(|d| !d.is_empty()),
                        kind,
                        aws_managed: summary.aws_managed,
                        document: PolicyDocument::from_text(&content)?,
                        targets,
                    })
                })()
                .map_err(bad)?,
            );
        }
    }

    let delegated_administrators = delegated_administrators(clients).await?;

    let organization = (|| {
        Ok::<_, Bad>(Organization {
            id: OrgId::try_from(need("organization ID", described.id)?)?,
            arn: opt_arn(described.arn)?,
            feature_set: described.feature_set.map(|f| f.as_str().to_owned()),
            management_account_id: AccountId::try_from(need(
                "management account ID",
                described.master_account_id,
            )?)?,
            management_account_email: described.master_account_email,
            roots,
            organizational_units,
            accounts,
            policies,
            delegated_administrators,
        })
    })()
    .map_err(bad)?;
    Ok(organization)
}

async fn delegated_administrators(
    clients: &AccountClients,
) -> Result<Vec<DelegatedAdministrator>, CollectError> {
    let account = clients.account();
    let org = clients.organizations(None);
    let mut admins = Vec::new();
    let mut token = None;
    loop {
        let page = clients
            .send(
                "organizations:ListDelegatedAdministrators",
                org.list_delegated_administrators()
                    .set_next_token(token.take())
                    .send(),
            )
            .await?;
        admins.extend(page.delegated_administrators.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut result = Vec::new();
    for admin in admins {
        let id = need("account ID", admin.id).map_err(|e| e.in_account(account))?;
        let mut service_principals = Vec::new();
        let mut token = None;
        loop {
            let page = clients
                .send(
                    "organizations:ListDelegatedServicesForAccount",
                    org.list_delegated_services_for_account()
                        .account_id(&id)
                        .set_next_token(token.take())
                        .send(),
                )
                .await?;
            service_principals.extend(
                page.delegated_services
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|s| s.service_principal),
            );
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        result.push(DelegatedAdministrator {
            account_id: AccountId::try_from(id).map_err(|e| CollectError::value(account, e))?,
            name: admin.name,
            email: admin.email,
            delegation_enabled_date: admin.delegation_enabled_date.as_ref().and_then(timestamp),
            service_principals,
        });
    }
    Ok(result)
}
