//! Hygiene rules: inline policies that should be managed ones, users with their own policies,
//! empty groups, unattached and duplicate customer managed policies, roles without policies.

use std::collections::{BTreeMap, BTreeSet};

use iamwatch_model::{AccountAuthorization, AccountId, PolicyDocument};

use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::rules::RuleId;

/// A document in a canonical form, so that documents that differ only in spelling compare
/// equal: object keys sorted, `Sid` and `Id` dropped, lists of plain values sorted and
/// de-duplicated, one-element lists written as the element, action names lower-cased (IAM
/// compares them case-insensitively), statements sorted.
pub(crate) fn normalized(document: &PolicyDocument) -> String {
    match serde_json::from_str::<serde_json::Value>(document.as_str()) {
        Ok(value) => normalize(&value, None).to_string(),
        Err(_) => document.as_str().to_owned(),
    }
}

fn normalize(value: &serde_json::Value, key: Option<&str>) -> serde_json::Value {
    use serde_json::Value;
    let lower = matches!(key, Some("Action" | "NotAction"));
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "Sid" | "Id"))
                .map(|(k, v)| (k, normalize(v, Some(k))))
                .collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(|v| normalize(v, key)).collect();
            items.sort_by_cached_key(Value::to_string);
            items.dedup();
            if items.len() == 1 {
                items.pop().unwrap_or(Value::Null)
            } else {
                Value::Array(items)
            }
        }
        Value::String(text) if lower => Value::String(text.to_ascii_lowercase()),
        other => other.clone(),
    }
}

struct InlineHolder<'a> {
    resource: FindingResource,
    label: String,
    policy: &'a str,
}

pub(crate) fn check(
    account_id: &AccountId,
    iam: &AccountAuthorization,
    enabled: &dyn Fn(RuleId) -> bool,
    out: &mut Vec<RawFinding>,
) {
    let managed_docs: BTreeMap<String, Vec<&str>> =
        if enabled(RuleId::InlinePolicyDuplicated) || enabled(RuleId::PolicyDuplicate) {
            let mut map: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for policy in &iam.policies {
                if let Some(document) = policy.default_document() {
                    map.entry(normalized(document))
                        .or_default()
                        .push(policy.arn.as_str());
                }
            }
            map
        } else {
            BTreeMap::new()
        };

    if enabled(RuleId::InlinePolicyDuplicated) {
        inline_duplicates(account_id, iam, &managed_docs, out);
    }

    if enabled(RuleId::UserDirectPolicies) {
        for user in &iam.users {
            if user.attached_policies.is_empty() && user.inline_policies.is_empty() {
                continue;
            }
            let attached: Vec<&str> = user
                .attached_policies
                .iter()
                .map(|a| a.arn.as_str())
                .collect();
            let inline: Vec<&str> = user
                .inline_policies
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            out.push(
                RawFinding::new(
                    RuleId::UserDirectPolicies,
                    account_id,
                    FindingResource {
                        arn: user.arn.to_string(),
                        kind: ResourceKind::User,
                        name: user.name.clone(),
                    },
                    format!(
                        "user `{}` has {} attached and {} inline policies of its own",
                        user.name,
                        attached.len(),
                        inline.len()
                    ),
                )
                .detail("attached_policies", attached)
                .detail("inline_policies", inline),
            );
        }
    }

    if enabled(RuleId::GroupEmpty) {
        let members: BTreeSet<&str> = iam
            .users
            .iter()
            .flat_map(|u| u.groups.iter().map(String::as_str))
            .collect();
        for group in &iam.groups {
            if members.contains(group.name.as_str()) {
                continue;
            }
            let policies = group.attached_policies.len() + group.inline_policies.len();
            out.push(
                RawFinding::new(
                    RuleId::GroupEmpty,
                    account_id,
                    FindingResource {
                        arn: group.arn.to_string(),
                        kind: ResourceKind::Group,
                        name: group.name.clone(),
                    },
                    format!("group `{}` has no users ({policies} policies)", group.name),
                )
                .detail("policies", policies),
            );
        }
    }

    if enabled(RuleId::PolicyUnattached) {
        let mut attachments: BTreeMap<&str, u32> = BTreeMap::new();
        for arn in iam.policy_uses() {
            *attachments.entry(arn.as_str()).or_default() += 1;
        }
        for policy in &iam.policies {
            let seen = attachments.get(policy.arn.as_str()).copied().unwrap_or(0);
            // The export's counts win when present (GAAD `AttachmentCount`,
            // `PermissionsBoundaryUsageCount`); else what the entities show.
            let count = match (
                policy.attachment_count,
                policy.permissions_boundary_usage_count,
            ) {
                (None, None) => seen,
                (attachments, boundaries) => attachments.unwrap_or(0) + boundaries.unwrap_or(0),
            };
            if count > 0 {
                continue;
            }
            out.push(
                RawFinding::new(
                    RuleId::PolicyUnattached,
                    account_id,
                    policy_resource(policy),
                    format!(
                        "customer managed policy `{}` is attached to no user, group or role and is no permissions boundary",
                        policy.name
                    ),
                )
                .detail("versions", policy.versions.len()),
            );
        }
    }

    if enabled(RuleId::PolicyDuplicate) {
        for policy in &iam.policies {
            let Some(document) = policy.default_document() else {
                continue;
            };
            let Some(copies) = managed_docs.get(&normalized(document)) else {
                continue;
            };
            let others: Vec<&str> = copies
                .iter()
                .copied()
                .filter(|arn| *arn != policy.arn.as_str())
                .collect();
            if others.is_empty() {
                continue;
            }
            out.push(
                RawFinding::new(
                    RuleId::PolicyDuplicate,
                    account_id,
                    policy_resource(policy),
                    format!(
                        "customer managed policy `{}` has the same document as {}",
                        policy.name,
                        others
                            .iter()
                            .map(|a| format!("`{}`", a.rsplit('/').next().unwrap_or(a)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .detail("duplicates", others),
            );
        }
    }

    if enabled(RuleId::RoleWithoutPolicies) {
        for role in &iam.roles {
            if role.is_service_linked()
                || !role.inline_policies.is_empty()
                || !role.attached_policies.is_empty()
            {
                continue;
            }
            out.push(RawFinding::new(
                RuleId::RoleWithoutPolicies,
                account_id,
                FindingResource {
                    arn: role.arn.to_string(),
                    kind: ResourceKind::Role,
                    name: role.name.clone(),
                },
                format!("role `{}` has no inline or attached policies", role.name),
            ));
        }
    }
}

fn kind_word(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::User => "user",
        ResourceKind::Group => "group",
        ResourceKind::Role => "role",
        ResourceKind::Policy => "policy",
        ResourceKind::Account => "account",
    }
}

fn policy_resource(policy: &iamwatch_model::ManagedPolicy) -> FindingResource {
    FindingResource {
        arn: policy.arn.to_string(),
        kind: ResourceKind::Policy,
        name: policy.name.clone(),
    }
}

fn inline_duplicates(
    account_id: &AccountId,
    iam: &AccountAuthorization,
    managed_docs: &BTreeMap<String, Vec<&str>>,
    out: &mut Vec<RawFinding>,
) {
    let mut holders: BTreeMap<String, Vec<InlineHolder<'_>>> = BTreeMap::new();
    let entities = iam
        .users
        .iter()
        .map(|u| (ResourceKind::User, &u.arn, &u.name, &u.inline_policies))
        .chain(
            iam.groups
                .iter()
                .map(|g| (ResourceKind::Group, &g.arn, &g.name, &g.inline_policies)),
        )
        .chain(
            iam.roles
                .iter()
                .map(|r| (ResourceKind::Role, &r.arn, &r.name, &r.inline_policies)),
        );
    for (kind, arn, name, inline) in entities {
        for policy in inline {
            holders
                .entry(normalized(&policy.document))
                .or_default()
                .push(InlineHolder {
                    resource: FindingResource {
                        arn: arn.to_string(),
                        kind,
                        name: name.clone(),
                    },
                    label: format!("{}/{name} inline {}", kind_word(kind), policy.name),
                    policy: policy.name.as_str(),
                });
        }
    }
    for (document, group) in &holders {
        let managed = managed_docs.get(document);
        for holder in group {
            let others: Vec<&str> = group
                .iter()
                .filter(|other| other.label != holder.label)
                .map(|other| other.label.as_str())
                .collect();
            let message = if let Some(managed) = managed.and_then(|m| m.first()) {
                format!(
                    "inline policy `{}` of {} `{}` is a copy of customer managed policy `{managed}`: attach that instead",
                    holder.policy,
                    kind_word(holder.resource.kind),
                    holder.resource.name
                )
            } else if !others.is_empty() {
                format!(
                    "inline policy `{}` of {} `{}` has the same document as {} other inline polic{}",
                    holder.policy,
                    kind_word(holder.resource.kind),
                    holder.resource.name,
                    others.len(),
                    if others.len() == 1 { "y" } else { "ies" }
                )
            } else {
                continue;
            };
            out.push(
                RawFinding::new(
                    RuleId::InlinePolicyDuplicated,
                    account_id,
                    holder.resource.clone(),
                    message,
                )
                .discriminator(holder.policy)
                .detail("policy", holder.policy)
                .detail("same_document_as", others)
                .detail("managed_policy", managed.and_then(|m| m.first().copied())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_spelling() {
        let a = PolicyDocument::from_text(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["S3:GetObject"],"Resource":"*"}]}"#,
        )
        .unwrap();
        let b = PolicyDocument::from_text(
            r#"{"Statement":{"Resource":["*"],"Action":"s3:getobject","Effect":"Allow"},"Version":"2012-10-17"}"#,
        )
        .unwrap();
        let c = PolicyDocument::from_text(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}"#,
        )
        .unwrap();
        assert_eq!(normalized(&a), normalized(&b));
        assert_ne!(normalized(&a), normalized(&c));
    }
}
