//! Resource checks: ARNs that are malformed, and resources that no action of the statement
//! applies to (the catalog's resource types and ARN formats decide).

use iamwatch_catalog::Action;

use super::scope::Scopes;
use super::{JsonPath, LintCode, LintOptions, PolicyType, Sink};
use crate::arn::{Arn, ArnError};
use crate::document::Policy;

pub(super) fn check(
    policy: &Policy,
    options: &LintOptions,
    scopes: &Scopes<'_>,
    sink: &mut Sink<'_>,
) {
    for (index, statement) in policy.statements().iter().enumerate() {
        let Some(resource) = &statement.resource else {
            continue;
        };
        let path = JsonPath::statement(policy, index).field(if resource.negated {
            "NotResource"
        } else {
            "Resource"
        });
        // Only a positive Resource says "these actions on these resources"; NotResource lists
        // exceptions, which need not fit the actions.
        let actions = (!resource.negated)
            .then(|| scopes.actions(index, statement))
            .flatten();
        for (item, value) in resource.values.iter().enumerate() {
            let text = value.value.as_str();
            if text == "*" {
                continue;
            }
            let path = path.item(&resource.values, item);
            let arn = match Arn::parse(text) {
                Ok(arn) => arn,
                // "If the `*` wildcard is the last character of a resource ARN segment, it can
                // expand to match beyond the colon boundaries" (`reference_policies_elements_resource.html`):
                // `arn:aws:waf:*` is a complete pattern.
                Err(ArnError::TooFewParts(..)) if text.ends_with('*') => continue,
                Err(error) => {
                    sink.report(
                        LintCode::MalformedArn,
                        path,
                        value.span,
                        error.to_string(),
                        Some(malformed_help(options.policy_type).into()),
                    );
                    continue;
                }
            };
            if let Some(actions) = actions {
                if let Some(message) = mismatch(actions, &arn, text) {
                    sink.report(
                        LintCode::ResourceTypeMismatch,
                        path,
                        value.span,
                        message,
                        Some(expected_types(actions)),
                    );
                }
            }
        }
    }
}

fn malformed_help(kind: PolicyType) -> &'static str {
    match kind {
        PolicyType::Resource => {
            "write the resource as `arn:partition:service:region:account:resource`, e.g. `arn:aws:s3:::example-bucket/*`"
        }
        _ => "write the resource as `*` or an ARN, e.g. `arn:aws:s3:::example-bucket/*`",
    }
}

/// Why no action applies to the resource, or `None` when one does.
///
/// An action applies when one of its resource types has an ARN format for the resource's service
/// and, for a concrete ARN (no wildcard, no variable), the format matches it. Wildcard-only
/// actions (no resource types) apply only to `"Resource": "*"` (Service Authorization
/// Reference: actions without a resource type "do not support resource-level permissions").
fn mismatch(actions: &[&Action], arn: &Arn, text: &str) -> Option<String> {
    if arn.service.contains(['*', '?', '$']) {
        return None;
    }
    let concrete = !text.contains(['*', '?', '$']);
    let applies = actions.iter().any(|action| {
        action.resource_types().iter().any(|resource_type| {
            let format = resource_type.resource_type().arn_format();
            let service = format.split(':').nth(2).unwrap_or_default();
            service.eq_ignore_ascii_case(&arn.service)
                && (!concrete || resource_type.resource_type().matches_arn(text))
        })
    });
    if applies {
        return None;
    }
    Some(if actions.iter().all(|action| action.is_wildcard_only()) {
        format!("the statement's actions support only `\"Resource\": \"*\"`, not `{text}`")
    } else {
        format!("no action of the statement applies to `{text}`")
    })
}

fn expected_types(actions: &[&Action]) -> String {
    let mut formats: Vec<&str> = actions
        .iter()
        .flat_map(|action| action.resource_types())
        .map(|resource_type| resource_type.resource_type().arn_format())
        .collect();
    formats.sort_unstable();
    formats.dedup();
    if formats.is_empty() {
        return "use `\"Resource\": \"*\"` for these actions".to_owned();
    }
    let shown: Vec<String> = formats.iter().take(4).map(|f| format!("`{f}`")).collect();
    let more = formats.len().saturating_sub(4);
    if more > 0 {
        format!(
            "the actions take resources like {} and {more} more",
            shown.join(", ")
        )
    } else {
        format!("the actions take resources like {}", shown.join(", "))
    }
}
