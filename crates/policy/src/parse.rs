//! The policy parser: JSON text, or URL-encoded JSON as the IAM API returns it, to the lossless
//! [`Policy`] model, with a positioned error for every document IAM refuses.
//!
//! What is accepted follows what IAM accepts:
//!
//! * a URL-encoded document: when the text (whitespace aside) starts with `%7B` in any case, it
//!   is percent-decoded first. IAM encodes documents per RFC 3986 (`GetPolicyVersion`,
//!   `GetAccountAuthorizationDetails`), so `+` is a literal plus, not a space. Positions then
//!   refer to the decoded text, which [`decoded_text`] returns;
//! * a document without `Version` (evaluated as `2008-10-17`);
//! * `Statement` as one object or a list of objects;
//! * a string or a list of strings for `Action`, `NotAction`, `Resource`, `NotResource` and
//!   each principal type; a string, number or boolean, or a list of them, for condition values
//!   (numbers keep their source text);
//! * `Principal`/`NotPrincipal` as `"*"` or a map of `AWS`, `Service`, `Federated` and
//!   `CanonicalUser`;
//! * an empty `Condition` object and an operator with no keys (both match everything; the lint
//!   reports them).
//!
//! What is refused: anything that is not strict JSON (RFC 8259: no comments, trailing commas,
//! single quotes, leading zeros, unpaired surrogates, byte order mark, text after the document);
//! a repeated key at any level; elements other than `Version`, `Id`, `Statement` at the top and
//! `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`,
//! `NotResource`, `Condition` in a statement (element names and `Allow`/`Deny` are
//! case-sensitive); an element together with its `Not` form; a missing `Statement`, `Effect` or
//! `Action`/`NotAction`; a `Version` other than `2012-10-17`/`2008-10-17`; values of the wrong
//! JSON type (`null` included); an empty `Statement` list, an empty list of actions, resources,
//! principals or condition values and an empty principal map (IAM requires at least one value
//! there, and an empty list would silently match nothing); principal strings other than `*`;
//! unknown principal types and condition operators.
//!
//! Not checked here, because they depend on the policy type or on data (the lint does them):
//! action names, ARN syntax, `Sid` characters, size limits, which elements a policy type allows,
//! the characters IAM allows in a document.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use crate::document::{
    ActionElement, ConditionBlock, ConditionKeyValues, ConditionOperatorBlock, ConditionValue,
    Effect, OneOrMany, Policy, Principal, PrincipalElement, PrincipalEntry, PrincipalKind,
    ResourceElement, Span, Spanned, Statement, Statements, Version,
};
use crate::operator::{BaseOperator, ConditionOperator, OperatorError};

mod err;
pub(crate) mod json;

pub use err::{ParseError, ParseErrorKind};
use err::{Path, suggest};
use json::{Member, Node, Value};

/// Parses a policy document.
///
/// ```
/// use iamwatch_policy::parse::parse_policy;
///
/// let policy = parse_policy(r#"{"Version": "2012-10-17", "Statement": {
///     "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#)?;
/// assert_eq!(policy.statements().len(), 1);
///
/// let error = parse_policy(r#"{"Statement": [{"Effect": "allow", "Action": "*"}]}"#).unwrap_err();
/// assert_eq!(error.path(), "Statement[0].Effect");
/// assert_eq!((error.line(), error.column()), (1, 27));
/// # Ok::<(), iamwatch_policy::parse::ParseError>(())
/// ```
pub fn parse_policy(text: &str) -> Result<Policy, ParseError> {
    let source = decoded_text(text)?;
    if source.len() > u32::MAX as usize {
        return Err(ParseError::new(
            ParseErrorKind::TooLarge,
            "policy document is larger than 4 GiB",
            Span {
                line: 1,
                column: 1,
                ..Span::default()
            },
            &Path::Root,
        ));
    }
    if source.trim_matches(json::is_whitespace).is_empty() {
        return Err(ParseError::new(
            ParseErrorKind::Empty,
            "policy document is empty",
            Span {
                line: 1,
                column: 1,
                ..Span::default()
            },
            &Path::Root,
        )
        .with_expected("a JSON object"));
    }
    let decoded = matches!(source, Cow::Owned(_));
    let root = json::read(&source).map_err(|error| form_encoding_hint(error, decoded))?;
    policy(root)
}

/// The text that [`parse_policy`] reads and that spans point into: `text` itself, or its
/// percent-decoded form when it is URL-encoded (starts with `%7B`, whitespace aside).
pub fn decoded_text(text: &str) -> Result<Cow<'_, str>, ParseError> {
    let trimmed = text.trim_matches(json::is_whitespace);
    let encoded = trimmed
        .get(..3)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("%7B"));
    if !encoded {
        return Ok(Cow::Borrowed(text));
    }
    percent_decode_str(trimmed).decode_utf8().map_err(|_| {
        let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        ParseError::new(
            ParseErrorKind::InvalidUrlEncoding,
            "URL-encoded policy document does not decode to UTF-8 text",
            Span {
                start: 0,
                end,
                line: 1,
                column: 1,
            },
            &Path::Root,
        )
    })
}

/// A `+` where JSON has none, in a decoded document, suggests form encoding (`+` for space)
/// rather than the RFC 3986 encoding IAM uses.
fn form_encoding_hint(error: ParseError, decoded: bool) -> ParseError {
    if decoded && error.message() == "unexpected character `+`" {
        error.with_help(
            "the document looks form-encoded (`+` for space); IAM uses RFC 3986 percent-encoding (`%20`)",
        )
    } else {
        error
    }
}

const POLICY_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

fn error(
    kind: ParseErrorKind,
    message: impl Into<String>,
    span: Span,
    path: &Path<'_>,
) -> ParseError {
    ParseError::new(kind, message, span, path)
}

fn wrong_type(what: &str, expected: &str, node: &Node<'_>, path: &Path<'_>) -> ParseError {
    error(
        ParseErrorKind::WrongType,
        format!(
            "{what} must be {expected}, found {}",
            node.value.type_name()
        ),
        node.span,
        path,
    )
    .with_expected(expected)
}

fn empty_list(what: &str, span: Span, path: &Path<'_>) -> ParseError {
    error(
        ParseErrorKind::EmptyValue,
        format!("{what} is an empty list"),
        span,
        path,
    )
    .with_expected("at least one value")
    .with_help(format!("give {what} at least one value, or remove it"))
}

fn unknown_element(
    where_: &str,
    member: &Member<'_>,
    known: &[&str],
    path: &Path<'_>,
) -> ParseError {
    let help = suggest(&member.key, known).map(|suggestion| {
        if suggestion.eq_ignore_ascii_case(&member.key) {
            format!("element names are case-sensitive: write `{suggestion}`")
        } else {
            format!("did you mean `{suggestion}`?")
        }
    });
    let expected = one_of(known);
    error(
        ParseErrorKind::UnknownElement,
        format!("unknown {where_} element `{}`", member.key),
        member.key_span,
        path,
    )
    .with_expected(expected)
    .with_help_if(help)
}

/// "`A`, `B` or `C`".
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn policy(root: Node<'_>) -> Result<Policy, ParseError> {
    let path = Path::Root;
    let span = root.span;
    let Value::Object(members) = root.value else {
        return Err(wrong_type(
            "policy document",
            "a JSON object",
            &Node {
                value: root.value,
                span,
            },
            &path,
        ));
    };
    let mut version = None;
    let mut id = None;
    let mut statement = None;
    for member in members {
        let member_path = path.key(&member.key);
        match member.key.as_ref() {
            "Version" => version = Some(version_value(member.value, &member_path)?),
            "Id" => id = Some(string(member.value, "`Id`", &member_path)?),
            "Statement" => statement = Some(statements(member.value, &member_path)?),
            _ => {
                let error = unknown_element("policy", &member, &POLICY_ELEMENTS, &member_path);
                // A lone statement passed as a policy is a common mistake: say so.
                return Err(if STATEMENT_ELEMENTS.contains(&member.key.as_ref()) {
                    error.with_help(format!(
                        "`{}` belongs in a statement: wrap statements in `\"Statement\": [...]`",
                        member.key
                    ))
                } else {
                    error
                });
            }
        }
    }
    let Some(statement) = statement else {
        return Err(error(
            ParseErrorKind::MissingElement,
            "policy has no `Statement` element",
            span,
            &path,
        )
        .with_expected("a `Statement` element")
        .with_help("add `\"Statement\": [...]` with at least one statement"));
    };
    Ok(Policy {
        version,
        id,
        statement,
        span,
    })
}

fn version_value(node: Node<'_>, path: &Path<'_>) -> Result<Spanned<Version>, ParseError> {
    let span = node.span;
    let text = string(node, "`Version`", path)?;
    match Version::parse(&text.value) {
        Some(version) => Ok(Spanned::new(version, span)),
        None => Err(error(
            ParseErrorKind::InvalidVersion,
            format!("unsupported policy version `{}`", text.value),
            span,
            path,
        )
        .with_expected("`2012-10-17` or `2008-10-17`")
        .with_help("use `2012-10-17`, the current version; a version is a fixed name, not a date")),
    }
}

fn string(node: Node<'_>, what: &str, path: &Path<'_>) -> Result<Spanned<String>, ParseError> {
    match node.value {
        Value::String(text) => Ok(Spanned::new(text.into_owned(), node.span)),
        _ => Err(wrong_type(what, "a string", &node, path)),
    }
}

fn statements(node: Node<'_>, path: &Path<'_>) -> Result<Statements, ParseError> {
    let span = node.span;
    match node.value {
        Value::Object(_) => Ok(Statements {
            items: vec![statement(node, path)?],
            is_list: false,
            span,
        }),
        Value::Array(items) if items.is_empty() => Err(empty_list("`Statement`", span, path)),
        Value::Array(items) => {
            let items = items
                .into_iter()
                .enumerate()
                .map(|(index, item)| statement(item, &path.index(index)))
                .collect::<Result<_, _>>()?;
            Ok(Statements {
                items,
                is_list: true,
                span,
            })
        }
        _ => Err(wrong_type(
            "`Statement`",
            "an object or a list of objects",
            &node,
            path,
        )),
    }
}

fn statement(node: Node<'_>, path: &Path<'_>) -> Result<Statement, ParseError> {
    let span = node.span;
    let Value::Object(members) = node.value else {
        return Err(wrong_type(
            "a statement",
            "an object",
            &Node {
                value: node.value,
                span,
            },
            path,
        ));
    };
    let mut sid = None;
    let mut effect = None;
    let mut principal: Option<(&'static str, PrincipalElement)> = None;
    let mut action: Option<(&'static str, ActionElement)> = None;
    let mut resource: Option<(&'static str, ResourceElement)> = None;
    let mut condition = None;
    for member in members {
        let member_path = path.key(&member.key);
        let key_span = member.key_span;
        match member.key.as_ref() {
            "Sid" => sid = Some(string(member.value, "`Sid`", &member_path)?),
            "Effect" => effect = Some(effect_value(member.value, &member_path)?),
            key @ ("Principal" | "NotPrincipal") => {
                let key = if key == "Principal" {
                    "Principal"
                } else {
                    "NotPrincipal"
                };
                conflict(
                    principal.as_ref().map(|(seen, _)| *seen),
                    key,
                    key_span,
                    &member_path,
                )?;
                let value = principal_value(member.value, key, &member_path)?;
                principal = Some((key, value));
            }
            key @ ("Action" | "NotAction") => {
                let key = if key == "Action" {
                    "Action"
                } else {
                    "NotAction"
                };
                conflict(
                    action.as_ref().map(|(seen, _)| *seen),
                    key,
                    key_span,
                    &member_path,
                )?;
                let span = member.value.span;
                let values = string_values(member.value, key, &member_path)?;
                let element = ActionElement {
                    negated: key == "NotAction",
                    values,
                    span,
                };
                action = Some((key, element));
            }
            key @ ("Resource" | "NotResource") => {
                let key = if key == "Resource" {
                    "Resource"
                } else {
                    "NotResource"
                };
                conflict(
                    resource.as_ref().map(|(seen, _)| *seen),
                    key,
                    key_span,
                    &member_path,
                )?;
                let span = member.value.span;
                let values = string_values(member.value, key, &member_path)?;
                let element = ResourceElement {
                    negated: key == "NotResource",
                    values,
                    span,
                };
                resource = Some((key, element));
            }
            "Condition" => condition = Some(condition_block(member.value, &member_path)?),
            _ => {
                return Err(unknown_element(
                    "statement",
                    &member,
                    &STATEMENT_ELEMENTS,
                    &member_path,
                ));
            }
        }
    }
    let Some(effect) = effect else {
        return Err(error(
            ParseErrorKind::MissingElement,
            "statement has no `Effect` element",
            span,
            path,
        )
        .with_expected("an `Effect` element")
        .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"));
    };
    let Some((_, action)) = action else {
        return Err(error(
            ParseErrorKind::MissingElement,
            "statement has neither `Action` nor `NotAction`",
            span,
            path,
        )
        .with_expected("an `Action` or `NotAction` element")
        .with_help("add `\"Action\": [...]` naming the actions the statement covers"));
    };
    Ok(Statement {
        sid,
        effect,
        principal: principal.map(|(_, element)| element),
        action,
        resource: resource.map(|(_, element)| element),
        condition,
        span,
    })
}

/// Refuses `key` when the statement already has its other form (`Action` after `NotAction`).
/// Equal keys never get here: the JSON reader refuses duplicates first.
fn conflict(
    seen: Option<&'static str>,
    key: &str,
    key_span: Span,
    path: &Path<'_>,
) -> Result<(), ParseError> {
    match seen {
        Some(seen) => Err(error(
            ParseErrorKind::ConflictingElements,
            format!("statement has both `{}` and `{key}`", seen),
            key_span,
            path,
        )
        .with_help(format!(
            "a statement takes `{}` or `{key}`, not both; split it into two statements",
            seen
        ))),
        None => Ok(()),
    }
}

fn effect_value(node: Node<'_>, path: &Path<'_>) -> Result<Spanned<Effect>, ParseError> {
    let text = string(node, "`Effect`", path)?;
    // IAM compares the effect case-sensitively: `allow` is refused.
    let effect = match text.value.as_str() {
        "Allow" => Effect::Allow,
        "Deny" => Effect::Deny,
        other => {
            let help = suggest(other, &["Allow", "Deny"])
                .map(|suggestion| format!("`Effect` is case-sensitive: write `{suggestion}`"));
            return Err(error(
                ParseErrorKind::InvalidEffect,
                format!("invalid effect `{other}`"),
                text.span,
                path,
            )
            .with_expected("`Allow` or `Deny`")
            .with_help_if(help));
        }
    };
    Ok(Spanned::new(effect, text.span))
}

/// A string, or a non-empty list of strings (`Action`, `Resource`, principal values).
fn string_values(
    node: Node<'_>,
    what: &str,
    path: &Path<'_>,
) -> Result<OneOrMany<Spanned<String>>, ParseError> {
    let span = node.span;
    match node.value {
        Value::String(text) => Ok(OneOrMany::One(Spanned::new(text.into_owned(), span))),
        Value::Array(items) if items.is_empty() => {
            Err(empty_list(&format!("`{what}`"), span, path))
        }
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| match item.value {
                Value::String(text) => Ok(Spanned::new(text.into_owned(), item.span)),
                _ => Err(wrong_type(
                    &format!("`{what}` values"),
                    "strings",
                    &item,
                    &path.index(index),
                )),
            })
            .collect::<Result<_, _>>()
            .map(OneOrMany::Many),
        _ => Err(wrong_type(
            &format!("`{what}`"),
            "a string or a list of strings",
            &node,
            path,
        )),
    }
}

fn principal_value(
    node: Node<'_>,
    key: &str,
    path: &Path<'_>,
) -> Result<PrincipalElement, ParseError> {
    let span = node.span;
    let negated = key == "NotPrincipal";
    let value = match node.value {
        Value::String(text) if text == "*" => Principal::Wildcard,
        Value::String(text) => {
            let help = if text.ends_with(".amazonaws.com") {
                format!("name a service principal in a map: `{{\"Service\": \"{text}\"}}`")
            } else {
                format!("name principals in a map, such as `{{\"AWS\": \"{text}\"}}`")
            };
            return Err(error(
                ParseErrorKind::InvalidPrincipal,
                format!("invalid principal `{text}`"),
                span,
                path,
            )
            .with_expected("`*` or a map of principal types")
            .with_help(help));
        }
        Value::Object(members) if members.is_empty() => {
            return Err(error(
                ParseErrorKind::EmptyValue,
                format!("`{key}` has no principals"),
                span,
                path,
            )
            .with_expected("at least one principal type")
            .with_help(format!("name at least one principal, or remove `{key}`")));
        }
        Value::Object(members) => {
            let mut entries = Vec::with_capacity(members.len());
            for member in members {
                let member_path = path.key(&member.key);
                let Some(kind) = PrincipalKind::parse(&member.key) else {
                    let known = ["AWS", "Service", "Federated", "CanonicalUser"];
                    let help = suggest(&member.key, &known).map(|suggestion| {
                        if suggestion.eq_ignore_ascii_case(&member.key) {
                            format!("principal types are case-sensitive: write `{suggestion}`")
                        } else {
                            format!("did you mean `{suggestion}`?")
                        }
                    });
                    return Err(error(
                        ParseErrorKind::UnknownPrincipalKind,
                        format!("unknown principal type `{}`", member.key),
                        member.key_span,
                        &member_path,
                    )
                    .with_expected(one_of(&known))
                    .with_help_if(help));
                };
                let values = string_values(member.value, &member.key, &member_path)?;
                entries.push(PrincipalEntry {
                    kind: Spanned::new(kind, member.key_span),
                    values,
                });
            }
            Principal::Map(entries)
        }
        _ => {
            return Err(wrong_type(
                &format!("`{key}`"),
                "`\"*\"` or an object of principal types",
                &Node {
                    value: node.value,
                    span,
                },
                path,
            ));
        }
    };
    Ok(PrincipalElement {
        negated,
        value,
        span,
    })
}

fn condition_block(node: Node<'_>, path: &Path<'_>) -> Result<ConditionBlock, ParseError> {
    let span = node.span;
    let Value::Object(members) = node.value else {
        return Err(wrong_type(
            "`Condition`",
            "an object of condition operators",
            &Node {
                value: node.value,
                span,
            },
            path,
        ));
    };
    let mut operators = Vec::with_capacity(members.len());
    for member in members {
        let member_path = path.key(&member.key);
        let operator = ConditionOperator::parse(&member.key).map_err(|cause| {
            let help = operator_help(&cause, &member.key);
            error(
                ParseErrorKind::UnknownOperator,
                cause.to_string(),
                member.key_span,
                &member_path,
            )
            .with_expected("a condition operator such as `StringEquals`")
            .with_help_if(help)
        })?;
        let keys_span = member.value.span;
        let Value::Object(keys) = member.value.value else {
            return Err(wrong_type(
                &format!("condition operator `{}`", member.key),
                "an object of condition keys",
                &Node {
                    value: member.value.value,
                    span: keys_span,
                },
                &member_path,
            ));
        };
        let keys = keys
            .into_iter()
            .map(|key| condition_key(key, &member_path))
            .collect::<Result<_, _>>()?;
        operators.push(ConditionOperatorBlock {
            operator_text: Spanned::new(member.key.into_owned(), member.key_span),
            operator,
            keys,
        });
    }
    Ok(ConditionBlock { operators, span })
}

fn operator_help(cause: &OperatorError, written: &str) -> Option<String> {
    match cause {
        OperatorError::NullIfExists => {
            Some("remove `IfExists`: `Null` itself tests whether the key exists".to_owned())
        }
        OperatorError::NullQualified(qualifier) => Some(format!(
            "remove `{qualifier}:`: `Null` tests the key, not its values"
        )),
        OperatorError::Unknown(_) => {
            let (qualifier, rest) = match written.split_once(':') {
                Some((qualifier, rest)) => {
                    let known = ["ForAllValues", "ForAnyValue"];
                    (Some(suggest(qualifier, &known)?), rest)
                }
                None => (None, written),
            };
            let split = rest.len().saturating_sub("IfExists".len());
            let (base, if_exists) = match (rest.get(..split), rest.get(split..)) {
                (Some(base), Some(tail)) if tail.eq_ignore_ascii_case("IfExists") => (base, true),
                _ => (rest, false),
            };
            let names: Vec<&str> = BaseOperator::ALL.iter().map(|base| base.as_str()).collect();
            let base = suggest(base, &names)?;
            let mut suggestion = String::new();
            if let Some(qualifier) = qualifier {
                suggestion.push_str(qualifier);
                suggestion.push(':');
            }
            suggestion.push_str(base);
            if if_exists {
                suggestion.push_str("IfExists");
            }
            Some(format!("did you mean `{suggestion}`?"))
        }
    }
}

fn condition_key(member: Member<'_>, path: &Path<'_>) -> Result<ConditionKeyValues, ParseError> {
    let key_path = path.key(&member.key);
    let span = member.value.span;
    let values = match member.value.value {
        Value::Array(items) if items.is_empty() => {
            return Err(empty_list(
                &format!("the value of condition key `{}`", member.key),
                span,
                &key_path,
            ));
        }
        Value::Array(items) => OneOrMany::Many(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| condition_value(item, &key_path.index(index)))
                .collect::<Result<_, _>>()?,
        ),
        value => OneOrMany::One(condition_value(Node { value, span }, &key_path)?),
    };
    Ok(ConditionKeyValues {
        key: Spanned::new(member.key.into_owned(), member.key_span),
        values,
    })
}

fn condition_value(node: Node<'_>, path: &Path<'_>) -> Result<Spanned<ConditionValue>, ParseError> {
    let value = match node.value {
        Value::String(text) => ConditionValue::String(text.into_owned()),
        Value::Number(text) => ConditionValue::Number(text.to_owned()),
        Value::Bool(value) => ConditionValue::Bool(value),
        Value::Null | Value::Array(_) | Value::Object(_) => {
            return Err(wrong_type(
                "a condition value",
                "a string, a number or a boolean",
                &node,
                path,
            ));
        }
    };
    Ok(Spanned::new(value, node.span))
}
