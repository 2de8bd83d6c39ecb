//! Checks on which elements a statement has, given the policy type: `Principal`, `NotX` with
//! `Allow`, `Resource`, `Sid`, `Version`, `Id` and where policy variables may appear.

use std::collections::HashMap;

use super::{JsonPath, LintCode, LintOptions, PolicyType, Sink};
use crate::arn::Arn;
use crate::document::{Effect, OneOrMany, Policy, Principal, PrincipalKind, Spanned};
use crate::variable::Template;

pub(super) fn check(policy: &Policy, options: &LintOptions, sink: &mut Sink<'_>) {
    let kind = options.policy_type;
    version_and_id(policy, kind, sink);
    let mut sids: HashMap<&str, usize> = HashMap::new();
    for (index, statement) in policy.statements().iter().enumerate() {
        let path = JsonPath::statement(policy, index);
        if let Some(sid) = &statement.sid {
            sid_rules(sid, index, kind, &path, &mut sids, sink);
        }
        principal_rules(statement, kind, &path, sink);
        if statement.effect.value == Effect::Allow {
            if statement.action.negated {
                sink.report(
                    LintCode::AllowWithNotAction,
                    path.field("NotAction"),
                    statement.action.span,
                    "`Allow` with `NotAction` allows every action not listed, including actions AWS adds later",
                    Some("list the actions to allow in `Action` instead".into()),
                );
            }
            if let Some(resource) = statement.resource.as_ref().filter(|r| r.negated) {
                sink.report(
                    LintCode::AllowWithNotResource,
                    path.field("NotResource"),
                    resource.span,
                    "`Allow` with `NotResource` allows every resource not listed, including resources created later",
                    Some("list the resources to allow in `Resource` instead".into()),
                );
            }
        }
        match (&statement.resource, kind) {
            (Some(resource), PolicyType::Trust) => sink.report(
                LintCode::ResourceNotAllowed,
                path.field(if resource.negated {
                    "NotResource"
                } else {
                    "Resource"
                }),
                resource.span,
                "a role trust policy cannot have `Resource`: the resource is the role itself",
                Some("remove the element".into()),
            ),
            (
                None,
                PolicyType::Identity
                | PolicyType::Boundary
                | PolicyType::Session
                | PolicyType::Resource,
            ) => sink.report(
                LintCode::ResourceMissing,
                path.clone(),
                statement.span,
                format!("a statement of a {kind} policy needs `Resource` or `NotResource`"),
                Some("add `\"Resource\": \"*\"` or the ARNs the statement is about".into()),
            ),
            _ => {}
        }
        variables_outside_resources(policy, statement, &path, sink);
    }
}

fn version_and_id(policy: &Policy, kind: PolicyType, sink: &mut Sink<'_>) {
    if policy.version.is_none() {
        sink.report(
            LintCode::MissingVersion,
            "",
            policy.span,
            "the document has no `Version`, so it is read as 2008-10-17",
            Some("add `\"Version\": \"2012-10-17\"` as the first element".into()),
        );
    }
    if let (Some(id), PolicyType::Identity | PolicyType::Boundary) = (&policy.id, kind) {
        sink.report(
            LintCode::IdNotAllowed,
            "Id",
            id.span,
            format!("`Id` has no effect in a {kind} policy"),
            Some("remove it, or use `Sid` on statements".into()),
        );
    }
}

fn sid_rules<'p>(
    sid: &'p Spanned<String>,
    index: usize,
    kind: PolicyType,
    path: &JsonPath,
    seen: &mut HashMap<&'p str, usize>,
    sink: &mut Sink<'_>,
) {
    // IAM accepts only ASCII letters and digits in a Sid (IAM User Guide,
    // `reference_policies_elements_sid.html`); resource-based policies of other services accept
    // more (S3 allows spaces), so they are not held to it.
    let alphanumeric = sid.value.chars().all(|c| c.is_ascii_alphanumeric());
    if !alphanumeric && !matches!(kind, PolicyType::Resource | PolicyType::VpcEndpoint) {
        sink.report(
            LintCode::InvalidSid,
            path.field("Sid"),
            sid.span,
            format!(
                "`{}` has characters other than ASCII letters and digits",
                sid.value
            ),
            Some("IAM accepts only `A-Z`, `a-z` and `0-9` in a Sid".into()),
        );
    }
    if let Some(first) = seen.insert(sid.value.as_str(), index) {
        sink.report(
            LintCode::DuplicateSid,
            path.field("Sid"),
            sid.span,
            format!("`{}` is also the Sid of statement {first}", sid.value),
            Some("give every statement a unique Sid".into()),
        );
    }
}

fn principal_rules(
    statement: &crate::document::Statement,
    kind: PolicyType,
    path: &JsonPath,
    sink: &mut Sink<'_>,
) {
    let Some(principal) = &statement.principal else {
        if kind.requires_principal() {
            sink.report(
                LintCode::PrincipalMissing,
                path.clone(),
                statement.span,
                format!("a statement of a {kind} policy must name a `Principal`"),
                Some("add `\"Principal\": {\"AWS\": \"arn:aws:iam::111111111111:root\"}` or the principal it is about".into()),
            );
        }
        return;
    };
    let name = if principal.negated {
        "NotPrincipal"
    } else {
        "Principal"
    };
    if !kind.allows_principal() {
        sink.report(
            LintCode::PrincipalNotAllowed,
            path.field(name),
            principal.span,
            format!(
                "a {kind} policy cannot have `{name}`: it applies to the identity it is attached to"
            ),
            Some(format!("remove `{name}`")),
        );
        return;
    }
    if principal.negated && statement.effect.value == Effect::Allow {
        sink.report(
            LintCode::NotPrincipalWithAllow,
            path.field(name),
            principal.span,
            "`NotPrincipal` with `Allow` allows every principal not listed, anonymous users included",
            Some("name the principals to allow in `Principal`".into()),
        );
    }
    if let Principal::Map(entries) = &principal.value {
        let principal_path = path.field(name);
        for entry in entries {
            let entry_path = principal_path.field(entry.kind.value.as_str());
            for (index, value) in entry.values.iter().enumerate() {
                if let Some(problem) = principal_problem(entry.kind.value, &value.value) {
                    sink.report(
                        LintCode::MalformedPrincipal,
                        entry_path.item(&entry.values, index),
                        value.span,
                        format!("`{}` {problem}", value.value),
                        Some(principal_help(entry.kind.value).into()),
                    );
                }
            }
        }
    }
}

/// Why a principal value is malformed, if it is (IAM User Guide,
/// `reference_policies_elements_principal.html`: "You cannot use a wildcard to match part of a
/// principal name or ARN").
fn principal_problem(kind: PrincipalKind, value: &str) -> Option<&'static str> {
    if value == "*" {
        return None;
    }
    match kind {
        PrincipalKind::Aws => {
            if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            match Arn::parse(value) {
                Err(_) => Some("is neither an account ID nor an ARN"),
                Ok(_) if value.contains(['*', '?']) => {
                    Some("uses a wildcard inside an ARN, which `Principal` does not support")
                }
                Ok(arn) if !matches!(arn.service.as_str(), "iam" | "sts") => {
                    Some("is not an IAM or STS principal ARN")
                }
                Ok(_) => None,
            }
        }
        PrincipalKind::Service => (!value.contains('.') || value.contains(['*', '?', ' ', ':']))
            .then_some("is not a service principal such as `lambda.amazonaws.com`"),
        PrincipalKind::Federated => (Arn::parse(value).is_err() && !value.contains('.'))
            .then_some("is neither an identity provider ARN nor a provider domain"),
        PrincipalKind::CanonicalUser => (value.len() != 64
            || !value.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some("is not a 64-character canonical user ID"),
    }
}

fn principal_help(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::Aws => {
            "use `*`, a 12-digit account ID, or a full user, role or session ARN; restrict further with conditions such as `aws:PrincipalArn`"
        }
        PrincipalKind::Service => "use the service principal name, e.g. `ec2.amazonaws.com`",
        PrincipalKind::Federated => {
            "use an OIDC or SAML provider ARN, or a provider such as `cognito-identity.amazonaws.com`"
        }
        PrincipalKind::CanonicalUser => "use the account's canonical user ID (64 hex characters)",
    }
}

/// Policy variables are substituted only in `Resource` and in String, ARN and Bool condition
/// values (`reference_policies_variables.html`); elsewhere `${...}` is literal text. Under
/// version 2008-10-17 they are literal everywhere.
fn variables_outside_resources(
    policy: &Policy,
    statement: &crate::document::Statement,
    path: &JsonPath,
    sink: &mut Sink<'_>,
) {
    let action_name = if statement.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    report_variables(
        &statement.action.values,
        &path.field(action_name),
        "`Action`",
        sink,
    );
    if let Some(principal) = &statement.principal {
        if let Principal::Map(entries) = &principal.value {
            let name = if principal.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            for entry in entries {
                report_variables(
                    &entry.values,
                    &path.field(name).field(entry.kind.value.as_str()),
                    "`Principal`",
                    sink,
                );
            }
        }
    }
    if !policy.version().supports_variables() {
        if let Some(resource) = &statement.resource {
            let field = path.field(if resource.negated {
                "NotResource"
            } else {
                "Resource"
            });
            for (index, value) in resource.values.iter().enumerate() {
                if Template::parse(&value.value).has_variables() {
                    sink.report(
                        LintCode::VariableInOldVersion,
                        field.item(&resource.values, index),
                        value.span,
                        format!(
                            "`{}` is matched literally: policy variables need version 2012-10-17",
                            value.value
                        ),
                        Some("set `\"Version\": \"2012-10-17\"`".into()),
                    );
                }
            }
        }
    }
}

fn report_variables(
    values: &OneOrMany<Spanned<String>>,
    path: &JsonPath,
    element: &str,
    sink: &mut Sink<'_>,
) {
    for (index, value) in values.iter().enumerate() {
        if Template::parse(&value.value).has_variables() {
            sink.report(
                LintCode::VariableNotAllowed,
                path.item(values, index),
                value.span,
                format!(
                    "`{}`: IAM does not substitute policy variables in {element}",
                    value.value
                ),
                Some("use a condition with the variable instead".into()),
            );
        }
    }
}
