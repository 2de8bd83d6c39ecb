//! Condition evaluation: every operator family, `IfExists`, `Null`, the `ForAllValues:` and
//! `ForAnyValue:` set qualifiers, negated operators and policy variables.
//!
//! Sources (IAM User Guide):
//! - `reference_policies_elements_condition_operators.html` (operators, missing keys, IfExists);
//! - `reference_policies_condition-logic-multiple-context-keys-or-values.html` (AND across
//!   operators and keys, OR across values, NOR for negated operators);
//! - `reference_policies_condition-single-vs-multi-valued-context-keys.html` (set qualifiers);
//! - `reference_policies_variables.html` (variables, defaults, unresolved variables).
//!
//! Semantics, for one operator, one key and its policy values:
//!
//! | request | plain operator | `ForAnyValue:` | `ForAllValues:` |
//! |---|---|---|---|
//! | key absent | negated: true; positive: false | false | true |
//! | key absent, `…IfExists` | true | true | true |
//! | single value `v` | positive: some value matches `v`; negated: none does (NOR) | as a set of one | as a set of one |
//! | multivalued `{v…}` | false (see below) | some `v` satisfies the per-value test | every `v` does (true for `{}`) |
//!
//! where the per-value test of a set qualifier is "some policy value matches" for a positive
//! operator and "no policy value matches" for a negated one (`ForAllValues:StringNotEquals`: none
//! of the request values may match; `ForAnyValue:StringNotEquals`: at least one must not match).
//!
//! **A plain operator against a multivalued key is false**, for positive and negated operators
//! alike. AWS says to use a set qualifier with multivalued keys; iam-simulate reports that AWS
//! confirmed a plain operator "does not match" there. See `docs/known-differences.md`.
//!
//! **`ForAllValues` with the key absent is true**, as both the operators page ("returns true if
//! there are no context keys in the request") and the set-operator page say, even though the
//! operators page's `aws:ResourceOrgPaths` table shows "No match" for `ForAllValues:StringNotLike`
//! (reference notes §2.8 item 1; `docs/known-differences.md`).
//!
//! **Unresolved policy variables** (no value, no default) make that policy value match nothing:
//! positive operators fail on it, negated ones succeed ("Inverted condition operators like
//! StringNotEquals" match), per the variables page.
//!
//! **Unparsable values** (a number that is not a number, a date that is no date, an IP that is no
//! IP) behave the same way: the value matches nothing.
//!
//! **`Null`**: `"true"` holds when the key is absent or is an empty multivalued key; `"false"`
//! holds when it is present with at least one value.

pub(crate) mod value;

use std::cell::RefCell;

use ipnet::IpNet;

use crate::context::{ContextValue, RequestContext};
use crate::document::{ConditionBlock, ConditionValue, Spanned};
use crate::matcher::{self, ArnPattern, Token, VariableSource};
use crate::operator::{BaseOperator, ConditionOperator, OperatorFamily, SetQualifier};

pub(crate) use value::{Decimal, Instant};

/// The evaluation environment: the request and, when explaining, where to record the context
/// keys the policies asked for and the request lacked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Env<'a> {
    pub(crate) ctx: &'a RequestContext,
    pub(crate) missing: Option<&'a RefCell<Vec<String>>>,
}

impl<'a> Env<'a> {
    pub(crate) fn lookup(&self, key: &str, key_as_written: &str) -> Option<&'a ContextValue> {
        let found = self.ctx.get(key);
        if found.is_none() {
            self.record_missing(key_as_written);
        }
        found
    }

    fn record_missing(&self, key_as_written: &str) {
        if let Some(missing) = self.missing {
            let mut missing = missing.borrow_mut();
            if !missing
                .iter()
                .any(|known| known.eq_ignore_ascii_case(key_as_written))
            {
                missing.push(key_as_written.to_owned());
            }
        }
    }
}

impl VariableSource for Env<'_> {
    fn variable(&self, key: &str, key_as_written: &str) -> Option<&str> {
        match self.lookup(key, key_as_written)? {
            ContextValue::Single(value) => Some(value),
            ContextValue::Multi(_) => None,
        }
    }
}

/// A compiled condition block: all of its conditions must hold.
#[derive(Clone, Debug, Default)]
pub(crate) struct CompiledConditions {
    conditions: Vec<CompiledCondition>,
}

impl CompiledConditions {
    /// Compiles a `Condition` element. `variables` is whether `${...}` is a policy variable.
    pub(crate) fn compile(block: Option<&ConditionBlock>, variables: bool) -> Self {
        let mut conditions = Vec::new();
        if let Some(block) = block {
            for operator_block in &block.operators {
                for key in &operator_block.keys {
                    conditions.push(CompiledCondition::compile(
                        operator_block.operator,
                        &key.key.value,
                        key.values.iter(),
                        variables,
                    ));
                }
            }
        }
        Self { conditions }
    }

    /// AND over every operator and key. When explaining, every condition is evaluated so that
    /// every missing key is reported.
    pub(crate) fn evaluate(&self, env: Env<'_>) -> bool {
        if env.missing.is_some() {
            let mut all = true;
            for condition in &self.conditions {
                all &= condition.evaluate(env);
            }
            all
        } else {
            self.conditions
                .iter()
                .all(|condition| condition.evaluate(env))
        }
    }
}

#[derive(Clone, Debug)]
struct CompiledCondition {
    operator: ConditionOperator,
    key: Box<str>,
    key_as_written: Box<str>,
    values: Values,
}

#[derive(Clone, Debug)]
enum Values {
    /// String operators and Bool: tokens (wildcards only for Like), with the literal text
    /// precomputed when there are no variables.
    Text(Vec<TextValue>),
    Numeric(Vec<Option<Decimal>>),
    Date(Vec<Option<Instant>>),
    Binary(Vec<BinaryValue>),
    Ip(Vec<Option<IpNet>>),
    Arn(Vec<ArnPattern>),
    /// `Null`: `Some(true)` = must be absent, `Some(false)` = must be present.
    Null(Vec<Option<bool>>),
}

#[derive(Clone, Debug)]
struct TextValue {
    tokens: Vec<Token>,
    /// The text when it has no variables (Equals operands, Bool).
    literal: Option<Box<str>>,
}

#[derive(Clone, Debug)]
struct BinaryValue {
    text: Box<str>,
    bytes: Option<Vec<u8>>,
}

impl CompiledCondition {
    fn compile<'v>(
        operator: ConditionOperator,
        key: &str,
        values: impl Iterator<Item = &'v Spanned<ConditionValue>>,
        variables: bool,
    ) -> Self {
        let base = operator.base.positive();
        let variables = variables && operator.base.accepts_variables();
        let texts = values.map(|value| value.value.as_text());
        let values = match operator.family() {
            OperatorFamily::String | OperatorFamily::Bool => {
                let wildcards = base == BaseOperator::StringLike;
                Values::Text(
                    texts
                        .map(|text| {
                            let tokens = matcher::compile_tokens(text, wildcards, variables);
                            let literal = if matcher::has_variables(&tokens) {
                                None
                            } else {
                                Some(text.into())
                            };
                            TextValue { tokens, literal }
                        })
                        .collect(),
                )
            }
            OperatorFamily::Numeric => Values::Numeric(texts.map(Decimal::parse).collect()),
            OperatorFamily::Date => Values::Date(texts.map(Instant::parse).collect()),
            OperatorFamily::Binary => Values::Binary(
                texts
                    .map(|text| BinaryValue {
                        text: text.into(),
                        bytes: value::decode_base64(text),
                    })
                    .collect(),
            ),
            OperatorFamily::IpAddress => Values::Ip(texts.map(value::parse_network).collect()),
            OperatorFamily::Arn => Values::Arn(
                texts
                    .map(|text| ArnPattern::condition(text, variables))
                    .collect(),
            ),
            OperatorFamily::Null => Values::Null(
                texts
                    .map(|text| {
                        if text.eq_ignore_ascii_case("true") {
                            Some(true)
                        } else if text.eq_ignore_ascii_case("false") {
                            Some(false)
                        } else {
                            None
                        }
                    })
                    .collect(),
            ),
        };
        Self {
            operator,
            key: key.to_ascii_lowercase().into(),
            key_as_written: key.into(),
            values,
        }
    }

    fn evaluate(&self, env: Env<'_>) -> bool {
        let found = env.lookup(&self.key, &self.key_as_written);
        if let Values::Null(expected) = &self.values {
            let is_null = match found {
                None => true,
                Some(value) => value.values().is_empty() && value.is_multivalued(),
            };
            return expected.contains(&Some(is_null));
        }
        let negated = self.operator.is_negated();
        let Some(found) = found else {
            if self.operator.if_exists {
                return true;
            }
            return match self.operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => negated,
            };
        };
        let request_values = found.values();
        match self.operator.qualifier {
            None => {
                if found.is_multivalued() {
                    return false;
                }
                request_values
                    .first()
                    .is_some_and(|value| self.any_policy_value_matches(value, env) != negated)
            }
            Some(SetQualifier::ForAnyValue) => request_values
                .iter()
                .any(|value| self.any_policy_value_matches(value, env) != negated),
            Some(SetQualifier::ForAllValues) => request_values
                .iter()
                .all(|value| self.any_policy_value_matches(value, env) != negated),
        }
    }

    /// Whether any policy value matches `request` under the positive form of the operator.
    fn any_policy_value_matches(&self, request: &str, env: Env<'_>) -> bool {
        let base = self.operator.base.positive();
        match &self.values {
            Values::Text(values) => values
                .iter()
                .any(|value| text_matches(base, value, request, env)),
            Values::Numeric(values) => {
                let Some(request) = Decimal::parse(request) else {
                    return false;
                };
                values
                    .iter()
                    .flatten()
                    .any(|policy| compare(base, request.cmp(policy)))
            }
            Values::Date(values) => {
                let Some(request) = Instant::parse(request) else {
                    return false;
                };
                values
                    .iter()
                    .flatten()
                    .any(|policy| compare(base, request.cmp(policy)))
            }
            Values::Binary(values) => {
                let decoded = value::decode_base64(request);
                values.iter().any(|policy| match (&policy.bytes, &decoded) {
                    (Some(policy), Some(request)) => policy == request,
                    _ => *policy.text == *request,
                })
            }
            Values::Ip(values) => {
                let Some(request) = value::parse_network(request) else {
                    return false;
                };
                values
                    .iter()
                    .flatten()
                    .any(|policy| policy.contains(&request))
            }
            Values::Arn(values) => values.iter().any(|policy| policy.matches(request, &env)),
            Values::Null(_) => false,
        }
    }
}

fn text_matches(base: BaseOperator, value: &TextValue, request: &str, env: Env<'_>) -> bool {
    match base {
        BaseOperator::StringLike => {
            if value.literal.is_some() {
                matcher::glob(&value.tokens, request, false)
            } else {
                match matcher::resolve(&value.tokens, &env) {
                    Some(resolved) => matcher::glob(&resolved, request, false),
                    None => false,
                }
            }
        }
        _ => {
            let resolved;
            let policy: &str = match &value.literal {
                Some(literal) => literal,
                None => {
                    resolved = matcher::resolve(&value.tokens, &env)
                        .and_then(|tokens| matcher::literal_text(&tokens));
                    match &resolved {
                        Some(text) => text,
                        None => return false,
                    }
                }
            };
            match base {
                BaseOperator::StringEquals => policy == request,
                BaseOperator::StringEqualsIgnoreCase => equal_ignoring_case(policy, request),
                // Bool: "true"/"false", compared without case.
                _ => policy.eq_ignore_ascii_case(request),
            }
        }
    }
}

fn equal_ignoring_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
}

/// `ordering` is request compared with policy.
fn compare(base: BaseOperator, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match base {
        BaseOperator::NumericEquals | BaseOperator::DateEquals => ordering == Equal,
        BaseOperator::NumericLessThan | BaseOperator::DateLessThan => ordering == Less,
        BaseOperator::NumericLessThanEquals | BaseOperator::DateLessThanEquals => {
            ordering != Greater
        }
        BaseOperator::NumericGreaterThan | BaseOperator::DateGreaterThan => ordering == Greater,
        BaseOperator::NumericGreaterThanEquals | BaseOperator::DateGreaterThanEquals => {
            ordering != Less
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Request, RequestPrincipal, RequestResource};
    use crate::document::{ConditionKeyValues, ConditionOperatorBlock, OneOrMany, Span};

    fn ctx(keys: &[(&str, ContextValue)]) -> RequestContext {
        let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:user/bob").unwrap();
        let mut request = Request::new(principal, "s3:GetObject", RequestResource::new("*"));
        for (key, value) in keys {
            request = request.with_context(*key, value.clone());
        }
        RequestContext::new(request).unwrap()
    }

    fn cond(operator: &str, key: &str, values: &[&str]) -> CompiledConditions {
        let block = ConditionBlock {
            operators: vec![ConditionOperatorBlock {
                operator_text: Spanned::synthetic(operator.to_owned()),
                operator: ConditionOperator::parse(operator).unwrap(),
                keys: vec![ConditionKeyValues {
                    key: Spanned::synthetic(key.to_owned()),
                    values: OneOrMany::Many(
                        values
                            .iter()
                            .map(|v| Spanned::synthetic(ConditionValue::String((*v).to_owned())))
                            .collect(),
                    ),
                }],
            }],
            span: Span::default(),
        };
        CompiledConditions::compile(Some(&block), true)
    }

    fn check(operator: &str, key: &str, values: &[&str], ctx: &RequestContext) -> bool {
        cond(operator, key, values).evaluate(Env { ctx, missing: None })
    }

    fn single(value: &str) -> ContextValue {
        ContextValue::Single(value.to_owned())
    }

    fn multi(values: &[&str]) -> ContextValue {
        ContextValue::Multi(values.iter().map(|v| (*v).to_owned()).collect())
    }

    #[test]
    fn string_operators() {
        let c = ctx(&[("aws:RequestTag/team", single("Blue"))]);
        assert!(check("StringEquals", "aws:requesttag/TEAM", &["Blue"], &c));
        assert!(!check("StringEquals", "aws:RequestTag/team", &["blue"], &c));
        assert!(check(
            "StringEqualsIgnoreCase",
            "aws:RequestTag/team",
            &["blue"],
            &c
        ));
        assert!(check("StringLike", "aws:RequestTag/team", &["B*"], &c));
        assert!(!check(
            "StringNotEquals",
            "aws:RequestTag/team",
            &["Red", "Blue"],
            &c
        ));
        assert!(check(
            "StringNotEquals",
            "aws:RequestTag/team",
            &["Red", "Green"],
            &c
        ));
        assert!(check(
            "StringNotEquals",
            "aws:RequestTag/other",
            &["Red"],
            &c
        ));
        assert!(!check("StringEquals", "aws:RequestTag/other", &["Red"], &c));
        assert!(check(
            "StringEqualsIfExists",
            "aws:RequestTag/other",
            &["Red"],
            &c
        ));
    }

    #[test]
    fn set_operators() {
        let c = ctx(&[
            ("aws:TagKeys", multi(&["a", "b"])),
            ("aws:Empty", multi(&[])),
        ]);
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a", "b", "c"],
            &c
        ));
        assert!(!check(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a"],
            &c
        ));
        assert!(check("ForAnyValue:StringEquals", "aws:TagKeys", &["a"], &c));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:TagKeys",
            &["z"],
            &c
        ));
        assert!(check(
            "ForAllValues:StringEquals",
            "aws:Missing",
            &["a"],
            &c
        ));
        assert!(!check(
            "ForAnyValue:StringEquals",
            "aws:Missing",
            &["a"],
            &c
        ));
        assert!(check("ForAllValues:StringEquals", "aws:Empty", &["a"], &c));
        assert!(!check("ForAnyValue:StringEquals", "aws:Empty", &["a"], &c));
        assert!(!check(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["a"],
            &c
        ));
        assert!(check(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["a"],
            &c
        ));
        // plain operator against a multivalued key
        assert!(!check("StringEquals", "aws:TagKeys", &["a"], &c));
        assert!(!check("StringNotEquals", "aws:TagKeys", &["z"], &c));
        assert!(check("Null", "aws:Empty", &["true"], &c));
        assert!(check("Null", "aws:Missing", &["true"], &c));
        assert!(check("Null", "aws:TagKeys", &["false"], &c));
    }

    #[test]
    fn typed_operators() {
        let c = ctx(&[
            ("n", single("10")),
            ("d", single("2020-06-01T00:00:00Z")),
            ("ip", single("10.1.2.3")),
            ("b", single("true")),
            ("bin", single("QmluYXJ5VmFsdWU=")),
            ("arn", single("arn:aws:iam::111122223333:role/x")),
        ]);
        assert!(check("NumericLessThan", "n", &["10.5"], &c));
        assert!(!check("NumericLessThan", "n", &["10"], &c));
        assert!(check("NumericLessThanEquals", "n", &["10.0"], &c));
        assert!(check("NumericNotEquals", "n", &["11"], &c));
        assert!(check("DateGreaterThan", "d", &["1577836800"], &c));
        assert!(check("DateLessThan", "d", &["2021"], &c));
        assert!(check("IpAddress", "ip", &["10.0.0.0/8"], &c));
        assert!(!check(
            "NotIpAddress",
            "ip",
            &["10.0.0.0/8", "192.168.0.0/16"],
            &c
        ));
        assert!(check("Bool", "b", &["True"], &c));
        assert!(!check("Bool", "b", &["false"], &c));
        assert!(check("BinaryEquals", "bin", &["QmluYXJ5VmFsdWU"], &c));
        assert!(check("ArnLike", "arn", &["arn:aws:iam::*:role/*"], &c));
        assert!(check(
            "ArnEquals",
            "arn",
            &["arn:aws:iam::111122223333:role/x"],
            &c
        ));
        assert!(!check("ArnLike", "arn", &["arn:aws:iam::*:user/*"], &c));
        assert!(check("ArnNotLike", "arn", &["arn:aws:iam::*:user/*"], &c));
        assert!(!check("NumericEquals", "n", &["ten"], &c));
        assert!(check("NumericNotEquals", "n", &["ten"], &c));
    }

    #[test]
    fn variables_resolve_or_fail_closed() {
        let c = ctx(&[("s3:prefix", single("home/bob/"))]);
        assert!(check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            &c
        ));
        assert!(!check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:PrincipalTag/x}/*"],
            &c
        ));
        assert!(check(
            "StringNotLike",
            "s3:prefix",
            &["home/${aws:PrincipalTag/x}/*"],
            &c
        ));
        assert!(check(
            "StringLike",
            "s3:prefix",
            &["home/${aws:PrincipalTag/x, 'bob'}/*"],
            &c
        ));
    }

    #[test]
    fn missing_keys_are_recorded() {
        let c = ctx(&[]);
        let missing = RefCell::new(Vec::new());
        let result = cond("StringEquals", "aws:SourceVpc", &["vpc-1"]).evaluate(Env {
            ctx: &c,
            missing: Some(&missing),
        });
        assert!(!result);
        assert_eq!(missing.into_inner(), vec!["aws:SourceVpc".to_owned()]);
    }
}
