//! Properties: random documents round-trip through the serializer and parser, and no input,
//! however broken, makes the parser panic or report a position that is not where it says.

use iamwatch_policy::document::{
    ActionElement, ConditionBlock, ConditionKeyValues, ConditionOperatorBlock, ConditionValue,
    Effect, OneOrMany, Policy, Principal, PrincipalElement, PrincipalEntry, PrincipalKind,
    ResourceElement, Span, Spanned, Statement, Statements, Version,
};
use iamwatch_policy::operator::{BaseOperator, ConditionOperator, SetQualifier};
use iamwatch_policy::parse::{ParseErrorKind, decoded_text, parse_policy};
use iamwatch_policy::serialize::{to_json, to_json_pretty};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

use super::accept;
use super::support::{check_all_spans, check_span, without_spans};

fn text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => "[a-zA-Z0-9:*?/_.$-]{0,16}",
        1 => vec(any::<char>(), 0..8).prop_map(String::from_iter),
        1 => vec(
            prop::sample::select(vec!['"', '\\', '/', '\n', '\r', '\t', '\u{0}', '\u{1f}',
                '\u{7f}', 'é', '日', '😀', '\u{2028}', '\u{feff}', '{', '}']),
            0..6
        )
        .prop_map(String::from_iter),
    ]
}

fn spanned<T: std::fmt::Debug>(
    strategy: impl Strategy<Value = T>,
) -> impl Strategy<Value = Spanned<T>> {
    strategy.prop_map(Spanned::synthetic)
}

fn one_or_many<T: Clone + std::fmt::Debug>(
    strategy: impl Strategy<Value = T> + Clone,
) -> impl Strategy<Value = OneOrMany<Spanned<T>>> {
    prop_oneof![
        spanned(strategy.clone()).prop_map(OneOrMany::One),
        vec(spanned(strategy), 1..4).prop_map(OneOrMany::Many),
    ]
}

fn number() -> impl Strategy<Value = String> + Clone {
    "-?(0|[1-9][0-9]{0,4})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?"
}

fn condition_value() -> impl Strategy<Value = ConditionValue> + Clone {
    prop_oneof![
        text().prop_map(ConditionValue::String),
        number().prop_map(ConditionValue::Number),
        any::<bool>().prop_map(ConditionValue::Bool),
    ]
}

/// An operator and the text it is written as (canonical, or in lower case).
fn operator() -> impl Strategy<Value = (String, ConditionOperator)> {
    (
        0..BaseOperator::ALL.len(),
        0..3usize,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_filter_map(
            "Null takes no modifiers",
            |(base, qualifier, if_exists, lower)| {
                let base = BaseOperator::ALL[base];
                let qualifier = [
                    None,
                    Some(SetQualifier::ForAllValues),
                    Some(SetQualifier::ForAnyValue),
                ][qualifier];
                if base == BaseOperator::Null && (qualifier.is_some() || if_exists) {
                    return None;
                }
                let operator = ConditionOperator {
                    qualifier,
                    base,
                    if_exists,
                };
                let text = operator.to_string();
                Some((if lower { text.to_lowercase() } else { text }, operator))
            },
        )
}

/// Keeps the first of each key, as a JSON object must.
fn unique_by<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(key(item)))
        .collect()
}

fn condition() -> impl Strategy<Value = ConditionBlock> {
    let keys = vec((text(), one_or_many(condition_value())), 0..4).prop_map(|keys| {
        unique_by(keys, |(key, _)| key.clone())
            .into_iter()
            .map(|(key, values)| ConditionKeyValues {
                key: Spanned::synthetic(key),
                values,
            })
            .collect::<Vec<_>>()
    });
    vec((operator(), keys), 0..4).prop_map(|operators| ConditionBlock {
        operators: unique_by(operators, |((text, _), _)| text.clone())
            .into_iter()
            .map(|((text, operator), keys)| ConditionOperatorBlock {
                operator_text: Spanned::synthetic(text),
                operator,
                keys,
            })
            .collect(),
        span: Span::default(),
    })
}

fn principal() -> impl Strategy<Value = PrincipalElement> {
    let kind = prop::sample::select(vec![
        PrincipalKind::Aws,
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::CanonicalUser,
    ]);
    let map = vec((kind, one_or_many(text())), 1..5).prop_map(|entries| {
        Principal::Map(
            unique_by(entries, |(kind, _)| kind.as_str().to_owned())
                .into_iter()
                .map(|(kind, values)| PrincipalEntry {
                    kind: Spanned::synthetic(kind),
                    values,
                })
                .collect(),
        )
    });
    (any::<bool>(), prop_oneof![Just(Principal::Wildcard), map]).prop_map(|(negated, value)| {
        PrincipalElement {
            negated,
            value,
            span: Span::default(),
        }
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        proptest::option::of(spanned(text())),
        prop::sample::select(vec![Effect::Allow, Effect::Deny]),
        proptest::option::of(principal()),
        (any::<bool>(), one_or_many(text())),
        proptest::option::of((any::<bool>(), one_or_many(text()))),
        proptest::option::of(condition()),
    )
        .prop_map(
            |(sid, effect, principal, action, resource, condition)| Statement {
                sid,
                effect: Spanned::synthetic(effect),
                principal,
                action: ActionElement {
                    negated: action.0,
                    values: action.1,
                    span: Span::default(),
                },
                resource: resource.map(|(negated, values)| ResourceElement {
                    negated,
                    values,
                    span: Span::default(),
                }),
                condition,
                span: Span::default(),
            },
        )
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        proptest::option::of(prop::sample::select(vec![
            Version::V2012_10_17,
            Version::V2008_10_17,
        ])),
        proptest::option::of(spanned(text())),
        vec(statement(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(version, id, mut items, is_list)| {
            if !is_list {
                items.truncate(1);
            }
            Policy {
                version: version.map(Spanned::synthetic),
                id,
                statement: Statements {
                    items,
                    is_list,
                    span: Span::default(),
                },
                span: Span::default(),
            }
        })
}

/// Parses `text` and checks what holds for every input: no panic; an error points inside the
/// text at the line and column it names, in one lowercase line; a success has correct spans and
/// round-trips; and the JSON verdict agrees with serde_json.
fn check_any_input(text: &str) {
    let result = parse_policy(text);
    let Ok(source) = decoded_text(text) else {
        assert_eq!(
            result.unwrap_err().kind(),
            ParseErrorKind::InvalidUrlEncoding
        );
        return;
    };
    let serde: Result<serde_json::Value, _> = serde_json::from_str(&source);
    match result {
        Ok(policy) => {
            check_all_spans(&source, &policy);
            let written = to_json(&policy);
            let again = parse_policy(&written).unwrap();
            assert_eq!(without_spans(&again), without_spans(&policy));
            assert!(
                serde.is_ok(),
                "we accept JSON serde_json refuses: {source:?}"
            );
        }
        Err(error) => {
            check_span(&source, error.span(), "error");
            assert!(!error.message().contains('\n'), "{}", error.message());
            assert!(!error.message().ends_with('.'), "{}", error.message());
            match error.kind() {
                ParseErrorKind::InvalidJson | ParseErrorKind::Empty => {
                    if let Ok(value) = serde {
                        panic!("we refuse JSON serde_json reads as {value}: {source:?}: {error}")
                    }
                }
                ParseErrorKind::TooDeep => {}
                _ => {
                    // The document is JSON; serde_json may still refuse numbers beyond `f64`.
                    if let Err(serde) = serde {
                        assert!(
                            serde.to_string().contains("out of range"),
                            "serde_json refuses JSON we read: {source:?}: {serde}"
                        );
                    }
                }
            }
        }
    }
}

/// One edit to a document: insert, delete or replace one character.
#[derive(Clone, Debug)]
enum Edit {
    Insert(Index, char),
    Delete(Index),
    Replace(Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = prop_oneof![
        4 => prop::sample::select(vec!['{', '}', '[', ']', '"', ',', ':', '\\', ' ', '\n', '\r',
            '0', '1', '-', '.', 'e', 'u', 't', 'n', '/', '*', '+', '%']),
        1 => any::<char>(),
    ];
    prop_oneof![
        (any::<Index>(), c.clone()).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), c).prop_map(|(at, c)| Edit::Replace(at, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        match edit {
            Edit::Insert(at, c) => {
                let at = at.index(chars.len() + 1);
                chars.insert(at, *c);
            }
            Edit::Delete(at) if !chars.is_empty() => {
                chars.remove(at.index(chars.len()));
            }
            Edit::Replace(at, c) if !chars.is_empty() => {
                let at = at.index(chars.len());
                chars[at] = *c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_documents_round_trip(policy in policy()) {
        for written in [to_json(&policy), to_json_pretty(&policy)] {
            let parsed = parse_policy(&written)
                .unwrap_or_else(|error| panic!("{error}\n{written}"));
            prop_assert_eq!(without_spans(&parsed), without_spans(&policy));
            check_all_spans(&written, &parsed);
            prop_assert_eq!(to_json(&parsed), to_json(&policy));
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check_any_input(&text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..256)) {
        check_any_input(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn edited_fixtures_never_panic(
        fixture in prop::sample::select(accept::FIXTURES.to_vec()),
        edits in vec(edit(), 1..4),
    ) {
        check_any_input(&apply(fixture.1, &edits));
    }

    #[test]
    fn edited_random_documents_never_panic(
        policy in policy(),
        pretty in any::<bool>(),
        edits in vec(edit(), 1..4),
    ) {
        let text = if pretty { to_json_pretty(&policy) } else { to_json(&policy) };
        check_any_input(&apply(&text, &edits));
    }
}
