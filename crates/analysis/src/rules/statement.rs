//! Reading statements the way the syntactic rules need: which condition keys restrict a
//! statement, whether a resource value is unconstrained, the statement's source text.

use iamwatch_policy::document::{ConditionBlock, Policy, Statement};
use iamwatch_policy::operator::{BaseOperator, OperatorFamily, SetQualifier};

/// The statement as written in the document (compact JSON), for the finding's evidence.
pub(crate) fn statement_text<'a>(document: &'a str, statement: &Statement) -> &'a str {
    let span = statement.span;
    document
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default()
}

/// A statement's `Sid`, or its index, for messages (`statement `AllowAll`` / `statement 2`).
pub(crate) fn statement_label(statement: &Statement, index: usize) -> String {
    match &statement.sid {
        Some(sid) if !sid.value.is_empty() => format!("statement `{}`", sid.value),
        _ => format!("statement {index}"),
    }
}

/// A condition key with the values it is compared with, when the comparison restricts the
/// request: it can only be true when the request carries the key with a matching value.
///
/// Not restricting: negated operators (`StringNotEquals`: any other value passes), `IfExists`
/// (an absent key passes), `ForAllValues:` (an absent or empty key passes,
/// `reference_policies_condition-single-vs-multi-valued-context-keys.html`), `Null`, and
/// `Like`-operators whose every value is only wildcards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RestrictingCondition {
    /// Lower-cased key.
    pub(crate) key: String,
    /// Whether the operator reads `*` and `?` as wildcards (`StringLike`, `ArnLike`).
    pub(crate) wildcards: bool,
    pub(crate) values: Vec<String>,
}

/// The restricting conditions of a statement (see [`RestrictingCondition`]).
pub(crate) fn restricting_conditions(block: Option<&ConditionBlock>) -> Vec<RestrictingCondition> {
    let Some(block) = block else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for operator_block in &block.operators {
        let operator = operator_block.operator;
        if operator.is_negated()
            || operator.if_exists
            || operator.qualifier == Some(SetQualifier::ForAllValues)
            || operator.family() == OperatorFamily::Null
        {
            continue;
        }
        let wildcards = matches!(
            operator.base,
            BaseOperator::StringLike | BaseOperator::ArnLike
        );
        for key in &operator_block.keys {
            let values: Vec<String> = key
                .values
                .iter()
                .map(|value| value.value.as_text().to_owned())
                .collect();
            if wildcards && values.iter().all(|value| is_only_wildcards(value)) {
                continue;
            }
            found.push(RestrictingCondition {
                key: key.key.value.to_ascii_lowercase(),
                wildcards,
                values,
            });
        }
    }
    found
}

/// Whether the statement has a restricting condition on one of `keys` (lower-case).
pub(crate) fn restricts_on(conditions: &[RestrictingCondition], keys: &[&str]) -> bool {
    conditions
        .iter()
        .any(|condition| keys.contains(&condition.key.as_str()))
}

/// `*`, `**`, `?*`: text that a `Like` operator matches against anything.
pub(crate) fn is_only_wildcards(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| matches!(c, '*' | '?')) && value.contains('*')
}

/// Whether a `Resource` value places no constraint: `*`, or an ARN pattern whose resource part
/// is only `*` (`arn:aws:s3:::*`, `arn:aws:iam::123456789012:*`) with no fixed account.
/// `arn:aws:iam::*:role/*` is constrained (to roles).
pub(crate) fn is_unconstrained_resource(value: &str) -> bool {
    if is_only_wildcards(value) {
        return true;
    }
    let mut parts = value.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(_service), Some(_region), Some(_account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    parts.next().is_some_and(is_only_wildcards)
}

/// The Allow statements of a policy with their index.
pub(crate) fn allow_statements(policy: &Policy) -> impl Iterator<Item = (usize, &Statement)> {
    policy
        .statements()
        .iter()
        .enumerate()
        .filter(|(_, statement)| statement.effect.value == iamwatch_policy::document::Effect::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamwatch_policy::parse::parse_policy;

    #[test]
    fn restricting_conditions_ignore_weak_operators() {
        let policy = parse_policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*",
            "Condition":{
              "StringNotEquals":{"aws:PrincipalOrgID":"o-1"},
              "StringEqualsIfExists":{"aws:PrincipalAccount":"111111111111"},
              "ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":["o-1/r-1/"]},
              "StringLike":{"aws:PrincipalArn":"*","aws:SourceArn":"arn:aws:s3:::b"},
              "Null":{"sts:ExternalId":"false"},
              "StringEquals":{"sts:ExternalId":"abc"}}}}"#,
        )
        .unwrap();
        let statement = &policy.statements()[0];
        let keys: Vec<String> = restricting_conditions(statement.condition.as_ref())
            .into_iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(keys, ["aws:sourcearn", "sts:externalid"]);
    }

    #[test]
    fn unconstrained_resources() {
        assert!(is_unconstrained_resource("*"));
        assert!(is_unconstrained_resource("arn:aws:s3:::*"));
        assert!(is_unconstrained_resource("arn:aws:iam::*:*"));
        assert!(!is_unconstrained_resource("arn:aws:iam::*:role/*"));
        assert!(!is_unconstrained_resource("arn:aws:s3:::bucket/*"));
        assert!(!is_unconstrained_resource("not-an-arn"));
    }
}
