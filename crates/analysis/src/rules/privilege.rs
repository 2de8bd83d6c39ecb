//! Statement rules over customer managed and inline policies: `Action: "*"`, service-wide
//! wildcards, sensitive actions and `iam:PassRole` on every resource, `Allow` with
//! `NotAction`/`NotResource`, and write or permissions-management access without resource
//! constraints (classified with the catalog's access levels).
//!
//! AWS managed policies are not scanned: they are AWS's to write, and what they grant a
//! principal is `principal-effective-admin`'s question.
//!
//! One statement can say several things; to keep one fact per finding the rules take
//! precedence in this order: `Action: "*"` reports only `policy-allows-all-actions`;
//! `NotAction`/`NotResource` only their own rules; `service:*` patterns report
//! `policy-service-wildcard` (and `passrole-any-resource` when they grant it on every
//! resource), and the actions of the remaining patterns are split into `iam:PassRole`,
//! sensitive actions, then permissions management, then write.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use iamwatch_catalog::{AccessLevel, Catalog};
use iamwatch_model::AccountId;
use iamwatch_policy::matcher::ActionMatcher;

use crate::finding::{FindingResource, RawFinding, ResourceKind};
use crate::join::ParsedPolicy;
use crate::rules::RuleId;
use crate::rules::statement::{
    allow_statements, is_unconstrained_resource, restricting_conditions, statement_label,
    statement_text,
};

/// Actions that escalate privileges or read secrets and data: the IAM changes of Rhino
/// Security's escalation list, `sts:AssumeRole`, Lambda, Glue and SSM code execution, and
/// reads of secrets, parameters, keys and objects.
const BUILTIN_SENSITIVE: &[&str] = &[
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicyVersion",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutGroupPolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
    "sts:AssumeRole",
    "lambda:AddPermission",
    "lambda:UpdateFunctionCode",
    "glue:UpdateDevEndpoint",
    "ssm:SendCommand",
    "ssm:StartSession",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutResourcePolicy",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:PutKeyPolicy",
    "s3:GetObject",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
];

/// The sensitive actions: the built-in list and the configured extras.
#[derive(Debug)]
pub(crate) struct SensitiveActions {
    exact: HashSet<String>,
    extra: Vec<ActionMatcher>,
}

impl SensitiveActions {
    pub(crate) fn new(extra: &[String]) -> Self {
        Self {
            exact: BUILTIN_SENSITIVE
                .iter()
                .map(|a| a.to_ascii_lowercase())
                .collect(),
            extra: extra.iter().map(|a| ActionMatcher::new(a)).collect(),
        }
    }

    fn contains(&self, lower: &str) -> bool {
        self.exact.contains(lower) || self.extra.iter().any(|m| m.matches(lower))
    }
}

/// What the actions of one `Action` pattern are, for a statement on every resource.
#[derive(Debug, Default)]
struct PatternClass {
    sensitive: Vec<&'static str>,
    permissions_management: Vec<&'static str>,
    write: Vec<&'static str>,
}

/// Per-account memo of pattern classifications (patterns repeat across policies).
#[derive(Debug, Default)]
pub(crate) struct Classifier {
    cache: HashMap<String, Arc<PatternClass>>,
}

impl Classifier {
    fn classify(&mut self, pattern: &str, sensitive: &SensitiveActions) -> Arc<PatternClass> {
        let key = pattern.to_ascii_lowercase();
        if let Some(class) = self.cache.get(&key) {
            return Arc::clone(class);
        }
        let mut class = PatternClass::default();
        for action in Catalog::get().expand(pattern) {
            let name = action.full_name();
            let lower = name.to_ascii_lowercase();
            if lower == "iam:passrole" {
                continue;
            }
            if sensitive.contains(&lower) {
                class.sensitive.push(name);
            } else if action.is_wildcard_only() {
                // Cannot be scoped to resources: `Resource: "*"` is the only way to grant it.
            } else if action.access_level() == AccessLevel::PermissionsManagement {
                class.permissions_management.push(name);
            } else if action.access_level() == AccessLevel::Write {
                class.write.push(name);
            }
        }
        let class = Arc::new(class);
        self.cache.insert(key, Arc::clone(&class));
        class
    }
}

/// Whether a condition key constrains the resource (`aws:ResourceTag/…`,
/// `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`, `SERVICE:ResourceTag/…`).
fn constrains_resource(key: &str) -> bool {
    let name = key.split_once(':').map_or(key, |(_, name)| name);
    name.starts_with("resourcetag/")
        || matches!(
            key,
            "aws:resourceaccount" | "aws:resourceorgid" | "aws:resourceorgpaths"
        )
}

/// `service:*`.
fn is_service_wildcard(pattern: &str) -> bool {
    pattern
        .split_once(':')
        .is_some_and(|(service, name)| !service.is_empty() && !service.contains('*') && name == "*")
}

const LIST_LIMIT: usize = 25;

fn listed(names: &BTreeSet<&str>) -> serde_json::Value {
    let shown: Vec<&str> = names.iter().copied().take(LIST_LIMIT).collect();
    serde_json::json!({ "count": names.len(), "actions": shown })
}

/// Where a scanned policy sits.
pub(crate) struct PolicySite<'a> {
    pub(crate) account_id: &'a AccountId,
    pub(crate) resource: FindingResource,
    /// `customer managed` or `inline`.
    pub(crate) kind: &'static str,
    /// The policy ARN or inline policy name.
    pub(crate) policy_name: &'a str,
}

/// Scans one policy's `Allow` statements.
pub(crate) fn scan(
    site: &PolicySite<'_>,
    parsed: &ParsedPolicy,
    sensitive: &SensitiveActions,
    classifier: &mut Classifier,
    enabled: &dyn Fn(RuleId) -> bool,
    out: &mut Vec<RawFinding>,
) {
    let subject = match site.resource.kind {
        ResourceKind::Policy => format!("policy `{}`", site.resource.name),
        ResourceKind::User => format!(
            "inline policy `{}` of user `{}`",
            site.policy_name, site.resource.name
        ),
        ResourceKind::Group => format!(
            "inline policy `{}` of group `{}`",
            site.policy_name, site.resource.name
        ),
        ResourceKind::Role => format!(
            "inline policy `{}` of role `{}`",
            site.policy_name, site.resource.name
        ),
        ResourceKind::Account => site.policy_name.to_owned(),
    };
    for (index, statement) in allow_statements(&parsed.policy) {
        let label = statement_label(statement, index);
        let text = statement_text(&parsed.text, statement);
        let finding = |rule: RuleId, message: String| {
            RawFinding::new(rule, site.account_id, site.resource.clone(), message)
                .discriminator(format!("{}#{index}", site.policy_name))
                .detail("policy", site.policy_name)
                .detail("policy_type", site.kind)
                .detail("statement_index", index)
                .detail("statement", text)
        };
        let negated_action = statement.action.negated;
        let negated_resource = statement.resource.as_ref().is_some_and(|r| r.negated);
        if negated_action || negated_resource {
            if negated_action && enabled(RuleId::AllowNotAction) {
                out.push(finding(
                    RuleId::AllowNotAction,
                    format!("{subject}: {label} allows every action except those in `NotAction`"),
                ));
            }
            if negated_resource && enabled(RuleId::AllowNotResource) {
                out.push(finding(
                    RuleId::AllowNotResource,
                    format!("{subject}: {label} allows its actions on every resource except those in `NotResource`"),
                ));
            }
            continue;
        }
        let patterns: Vec<&str> = statement
            .action
            .values
            .iter()
            .map(|value| value.value.as_str())
            .collect();
        if patterns.contains(&"*") {
            if enabled(RuleId::PolicyAllowsAllActions) {
                let resources: Vec<&str> = statement
                    .resource
                    .iter()
                    .flat_map(|r| r.values.iter())
                    .map(|v| v.value.as_str())
                    .collect();
                out.push(
                    finding(
                        RuleId::PolicyAllowsAllActions,
                        format!("{subject}: {label} allows `\"Action\": \"*\"`"),
                    )
                    .detail("resources", resources),
                );
            }
            continue;
        }
        let service_wildcards: Vec<&str> = patterns
            .iter()
            .copied()
            .filter(|p| is_service_wildcard(p))
            .collect();
        if !service_wildcards.is_empty() && enabled(RuleId::PolicyServiceWildcard) {
            let list = service_wildcards
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                finding(
                    RuleId::PolicyServiceWildcard,
                    format!("{subject}: {label} allows every action of a service ({list})"),
                )
                .detail("patterns", service_wildcards.clone()),
            );
        }
        let unconstrained = statement.resource.as_ref().is_none_or(|resource| {
            resource
                .values
                .iter()
                .any(|value| is_unconstrained_resource(&value.value))
        });
        if !unconstrained {
            continue;
        }
        let conditions = restricting_conditions(statement.condition.as_ref());
        if conditions.iter().any(|c| constrains_resource(&c.key)) {
            continue;
        }
        let passrole = patterns
            .iter()
            .any(|p| ActionMatcher::new(p).matches("iam:passrole"));
        if passrole && enabled(RuleId::PassRoleAnyResource) {
            out.push(finding(
                RuleId::PassRoleAnyResource,
                format!("{subject}: {label} allows `iam:PassRole` on every role"),
            ));
        }
        let mut sensitive_actions = BTreeSet::new();
        let mut management = BTreeSet::new();
        let mut write = BTreeSet::new();
        for pattern in patterns.iter().filter(|p| !is_service_wildcard(p)) {
            let class = classifier.classify(pattern, sensitive);
            sensitive_actions.extend(class.sensitive.iter().copied());
            management.extend(class.permissions_management.iter().copied());
            write.extend(class.write.iter().copied());
        }
        if !sensitive_actions.is_empty() && enabled(RuleId::PolicySensitiveActionAnyResource) {
            let names: Vec<&str> = sensitive_actions.iter().copied().take(5).collect();
            out.push(
                finding(
                    RuleId::PolicySensitiveActionAnyResource,
                    format!(
                        "{subject}: {label} allows {} sensitive action(s) on every resource ({}{})",
                        sensitive_actions.len(),
                        names.join(", "),
                        if sensitive_actions.len() > 5 {
                            ", …"
                        } else {
                            ""
                        }
                    ),
                )
                .detail("evaluated_actions", listed(&sensitive_actions)),
            );
        }
        if !management.is_empty() && enabled(RuleId::UnconstrainedPermissionsManagement) {
            out.push(
                finding(
                    RuleId::UnconstrainedPermissionsManagement,
                    format!(
                        "{subject}: {label} allows {} permissions-management action(s) on every resource",
                        management.len()
                    ),
                )
                .detail("evaluated_actions", listed(&management)),
            );
        }
        if !write.is_empty() && enabled(RuleId::UnconstrainedWrite) {
            out.push(
                finding(
                    RuleId::UnconstrainedWrite,
                    format!(
                        "{subject}: {label} allows {} write action(s) on every resource",
                        write.len()
                    ),
                )
                .detail("evaluated_actions", listed(&write)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_wildcards_and_resource_keys() {
        assert!(is_service_wildcard("s3:*"));
        assert!(!is_service_wildcard("s3:Get*"));
        assert!(!is_service_wildcard("*"));
        assert!(constrains_resource("aws:resourcetag/team"));
        assert!(constrains_resource("ec2:resourcetag/team"));
        assert!(constrains_resource("aws:resourceaccount"));
        assert!(!constrains_resource("aws:sourceip"));
    }
}
