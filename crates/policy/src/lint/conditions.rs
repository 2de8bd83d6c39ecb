//! Condition checks: keys that do not exist or do not apply, operators that do not fit the key's
//! type, set operators on the wrong kind of key, and values the operator cannot read.

use iamwatch_catalog::{Action, Catalog, ConditionKeyType};

use super::scope::Scopes;
use super::{JsonPath, LintCode, Sink};
use crate::condition::value::{Decimal, Instant, decode_base64, parse_network};
use crate::document::{ConditionKeyValues, ConditionOperatorBlock, Effect, Policy, Statement};
use crate::operator::{BaseOperator, OperatorFamily, SetQualifier};
use crate::variable::Template;

pub(super) fn check(policy: &Policy, scopes: &Scopes<'_>, sink: &mut Sink<'_>) {
    let catalog = Catalog::get();
    let variables = policy.version().supports_variables();
    for (index, statement) in policy.statements().iter().enumerate() {
        let Some(condition) = &statement.condition else {
            continue;
        };
        let path = JsonPath::statement(policy, index).field("Condition");
        let actions = scopes.actions(index, statement);
        for block in &condition.operators {
            let block_path = path.field(&block.operator_text.value);
            for entry in &block.keys {
                let key_path = block_path.field(&entry.key.value);
                check_key(catalog, statement, block, entry, &key_path, actions, sink);
                check_values(block, entry, &key_path, variables, sink);
            }
        }
    }
}

/// Keys that identity providers define for federation trust policies: `accounts.google.com:aud`,
/// `token.actions.githubusercontent.com:sub`, `saml:aud`, `cognito-identity.amazonaws.com:amr`.
/// Their names depend on the provider, so the catalog cannot list them.
fn is_provider_key(key: &str) -> bool {
    match key.split_once(':') {
        Some((prefix, _)) => prefix.contains('.') || prefix.eq_ignore_ascii_case("saml"),
        None => false,
    }
}

fn check_key(
    catalog: &Catalog,
    statement: &Statement,
    block: &ConditionOperatorBlock,
    entry: &ConditionKeyValues,
    path: &JsonPath,
    actions: Option<&[&Action]>,
    sink: &mut Sink<'_>,
) {
    let key = entry.key.value.as_str();
    if is_provider_key(key) {
        return;
    }
    let Some(key_type) = catalog.condition_key_type(key) else {
        let prefix = key.split_once(':').map_or(key, |(prefix, _)| prefix);
        let help = if prefix.eq_ignore_ascii_case("aws") {
            "global keys are listed in the IAM User Guide, `reference_policies_condition-keys.html`"
                .to_owned()
        } else {
            format!(
                "the service's keys are in the Service Authorization Reference; the catalog is {}",
                catalog.source()
            )
        };
        sink.report(
            LintCode::UnknownConditionKey,
            path.clone(),
            entry.key.span,
            format!("`{key}` is not a known condition key"),
            Some(help),
        );
        return;
    };
    let operator = block.operator;
    let family = operator.family();
    if !fits(family, key_type.element_type()) {
        sink.report(
            LintCode::OperatorTypeMismatch,
            path.clone(),
            entry.key.span,
            format!(
                "`{}` compares {} values but `{key}` is of type {key_type}",
                block.operator_text.value,
                family.as_str()
            ),
            Some(format!(
                "use an operator for {key_type} keys",
                key_type = key_type.element_type()
            )),
        );
    }
    match (operator.qualifier, key_type.is_multivalued()) {
        (Some(qualifier), false) => sink.report(
            LintCode::SetOperatorOnSingleValuedKey,
            path.clone(),
            entry.key.span,
            format!("`{}:` on the single-valued key `{key}`", qualifier.as_str()),
            Some(format!(
                "use `{}{}` without the qualifier: set operators on single-valued keys can be overly permissive",
                operator.base.as_str(),
                if operator.if_exists { "IfExists" } else { "" }
            )),
        ),
        (None, true) if family != OperatorFamily::Null => sink.report(
            LintCode::MissingSetOperator,
            path.clone(),
            entry.key.span,
            format!("`{key}` can hold several values but `{}` has no set qualifier", block.operator_text.value),
            Some("use `ForAnyValue:` (at least one value matches) or `ForAllValues:` (every value matches)".into()),
        ),
        _ => {}
    }
    if operator.qualifier == Some(SetQualifier::ForAllValues)
        && statement.effect.value == Effect::Allow
        && !has_null_guard(statement, key)
    {
        sink.report(
            LintCode::ForAllValuesWithAllow,
            path.clone(),
            entry.key.span,
            format!("`ForAllValues` is true when the request has no `{key}`, so this Allow also matches requests without it"),
            Some(format!("add `\"Null\": {{\"{key}\": \"false\"}}` to require the key")),
        );
    }
    if let Some(actions) = actions {
        if !catalog.is_global_condition_key(key) && !actions.is_empty() {
            let supported = actions.iter().any(|action| action_supports(action, key));
            if !supported {
                sink.report(
                    LintCode::ConditionKeyNotForAction,
                    path.clone(),
                    entry.key.span,
                    format!("no action of the statement supports `{key}`, so the condition never sees it"),
                    Some("check the key in the Service Authorization Reference for these actions".into()),
                );
            }
        }
    }
}

/// Whether an action lists `key`, directly or through one of its resource types.
fn action_supports(action: &Action, key: &str) -> bool {
    action.condition_keys().iter().any(|k| k.matches(key))
        || action.resource_types().iter().any(|resource_type| {
            resource_type
                .condition_keys()
                .iter()
                .any(|k| k.matches(key))
                || resource_type
                    .resource_type()
                    .condition_keys()
                    .iter()
                    .any(|k| k.matches(key))
        })
}

fn has_null_guard(statement: &Statement, key: &str) -> bool {
    statement.condition.as_ref().is_some_and(|condition| {
        condition.operators.iter().any(|block| {
            block.operator.base == BaseOperator::Null
                && block.keys.iter().any(|entry| {
                    entry.key.value.eq_ignore_ascii_case(key)
                        && entry
                            .values
                            .iter()
                            .all(|v| v.value.as_text().eq_ignore_ascii_case("false"))
                })
        })
    })
}

/// Which operator families fit a key type. String and ARN operators are interchangeable between
/// String and ARN keys: the IAM User Guide's examples use string operators on ARN keys
/// (`reference_policies_elements_condition_operators.html`, "ARN condition operators": the ARN
/// operators are recommended, not required), and AWS's own managed policies use `ArnLike` on
/// String-typed keys that hold ARNs (`kms:EncryptionContext:aws:s3:arn`).
fn fits(family: OperatorFamily, key_type: ConditionKeyType) -> bool {
    use ConditionKeyType as T;
    match family {
        OperatorFamily::Null => true,
        OperatorFamily::String => matches!(key_type, T::String | T::Arn),
        OperatorFamily::Arn => matches!(key_type, T::String | T::Arn),
        OperatorFamily::Numeric => matches!(key_type, T::Numeric),
        OperatorFamily::Date => matches!(key_type, T::Date),
        OperatorFamily::Bool => matches!(key_type, T::Bool),
        OperatorFamily::Binary => matches!(key_type, T::Binary),
        OperatorFamily::IpAddress => matches!(key_type, T::IpAddress),
    }
}

fn check_values(
    block: &ConditionOperatorBlock,
    entry: &ConditionKeyValues,
    path: &JsonPath,
    variables: bool,
    sink: &mut Sink<'_>,
) {
    let base = block.operator.base;
    for (index, value) in entry.values.iter().enumerate() {
        let text = value.value.as_text();
        let has_variable = variables && Template::parse(text).has_variables();
        if has_variable {
            if !base.accepts_variables() {
                sink.report(
                    LintCode::VariableNotAllowed,
                    path.item(&entry.values, index),
                    value.span,
                    format!("`{}` does not substitute policy variables, so `{text}` is compared literally", block.operator_text.value),
                    Some("policy variables work with String, ARN and Bool operators".into()),
                );
            }
            continue;
        }
        if let Some(expected) = unreadable(base, text) {
            sink.report(
                LintCode::InvalidConditionValue,
                path.item(&entry.values, index),
                value.span,
                format!("`{}` cannot read `{text}`", block.operator_text.value),
                Some(format!("expected {expected}")),
            );
        }
    }
}

/// What the operator expected, when it cannot read `text`.
fn unreadable(base: BaseOperator, text: &str) -> Option<&'static str> {
    let readable = match base.family() {
        OperatorFamily::String | OperatorFamily::Arn => true,
        OperatorFamily::Numeric => Decimal::parse(text).is_some(),
        OperatorFamily::Date => Instant::parse(text).is_some(),
        OperatorFamily::Bool | OperatorFamily::Null => {
            text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
        }
        OperatorFamily::Binary => decode_base64(text).is_some(),
        OperatorFamily::IpAddress => parse_network(text).is_some(),
    };
    if readable {
        return None;
    }
    Some(match base.family() {
        OperatorFamily::Numeric => "an integer or decimal number",
        OperatorFamily::Date => "an ISO 8601 date such as `2026-01-31T00:00:00Z`, or epoch seconds",
        OperatorFamily::Bool | OperatorFamily::Null => "`true` or `false`",
        OperatorFamily::Binary => "base64-encoded bytes",
        OperatorFamily::IpAddress => "an IPv4 or IPv6 address or CIDR range, e.g. `203.0.113.0/24`",
        OperatorFamily::String | OperatorFamily::Arn => "text",
    })
}
