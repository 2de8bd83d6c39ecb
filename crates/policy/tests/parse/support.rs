//! Helpers shared by the parser tests: span-free comparison and an independent position check.

use iamwatch_policy::document::{
    ConditionValue, OneOrMany, Policy, Principal, Span, Spanned, Statement,
};

/// The policy with every span reset, so that documents can be compared by content.
pub fn without_spans(policy: &Policy) -> Policy {
    let mut policy = policy.clone();
    policy.span = Span::default();
    policy.statement.span = Span::default();
    if let Some(version) = &mut policy.version {
        version.span = Span::default();
    }
    if let Some(id) = &mut policy.id {
        id.span = Span::default();
    }
    for statement in &mut policy.statement.items {
        strip_statement(statement);
    }
    policy
}

fn strip_statement(statement: &mut Statement) {
    statement.span = Span::default();
    statement.effect.span = Span::default();
    if let Some(sid) = &mut statement.sid {
        sid.span = Span::default();
    }
    if let Some(principal) = &mut statement.principal {
        principal.span = Span::default();
        if let Principal::Map(entries) = &mut principal.value {
            for entry in entries {
                entry.kind.span = Span::default();
                strip_values(&mut entry.values);
            }
        }
    }
    statement.action.span = Span::default();
    strip_values(&mut statement.action.values);
    if let Some(resource) = &mut statement.resource {
        resource.span = Span::default();
        strip_values(&mut resource.values);
    }
    if let Some(condition) = &mut statement.condition {
        condition.span = Span::default();
        for operator in &mut condition.operators {
            operator.operator_text.span = Span::default();
            for key in &mut operator.keys {
                key.key.span = Span::default();
                strip_values(&mut key.values);
            }
        }
    }
}

fn strip_values<T>(values: &mut OneOrMany<Spanned<T>>) {
    match values {
        OneOrMany::One(value) => value.span = Span::default(),
        OneOrMany::Many(values) => {
            for value in values {
                value.span = Span::default();
            }
        }
    }
}

/// Line and column of byte `at`, computed the simple way: a line ends after `\n`, or after a
/// `\r` that no `\n` follows; columns count characters.
pub fn locate(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at];
    let mut line = 1;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    for (offset, byte) in before.bytes().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(offset + 1) != Some(&b'\n')) {
            line += 1;
            line_start = offset + 1;
        }
    }
    (line, text[line_start..at].chars().count() as u32 + 1)
}

/// Checks a span against `text`: in bounds, on character boundaries, with the right line and
/// column, and covering text that starts with `starts` (one of the characters a value of that
/// kind can start with).
pub fn check_span(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {span:?} out of bounds"
    );
    assert!(
        text.get(start..end).is_some(),
        "{what}: span {span:?} cuts a character"
    );
    assert_eq!(
        (span.line, span.column),
        locate(text, start),
        "{what}: wrong position for {:?}",
        &text[start..end]
    );
}

/// Checks every span of a parsed policy against the text it was parsed from, and that each
/// spanned value is the JSON text of its value.
pub fn check_all_spans(text: &str, policy: &Policy) {
    let slice = |span: Span| &text[span.start as usize..span.end as usize];
    let check_string = |spanned: &Spanned<String>, what: &str| {
        check_span(text, spanned.span, what);
        let decoded: String = serde_json::from_str(slice(spanned.span))
            .unwrap_or_else(|error| panic!("{what}: {error}: {:?}", slice(spanned.span)));
        assert_eq!(decoded, spanned.value, "{what}");
    };
    let check_values = |values: &OneOrMany<Spanned<String>>, what: &str| {
        for value in values {
            check_string(value, what);
        }
    };
    check_span(text, policy.span, "policy");
    assert!(slice(policy.span).starts_with('{') && slice(policy.span).ends_with('}'));
    check_span(text, policy.statement.span, "Statement");
    if let Some(version) = &policy.version {
        check_span(text, version.span, "Version");
        assert_eq!(
            slice(version.span),
            format!("\"{}\"", version.value.as_str())
        );
    }
    if let Some(id) = &policy.id {
        check_string(id, "Id");
    }
    for statement in policy.statements() {
        check_span(text, statement.span, "statement");
        assert!(slice(statement.span).starts_with('{') && slice(statement.span).ends_with('}'));
        check_span(text, statement.effect.span, "Effect");
        assert_eq!(
            slice(statement.effect.span),
            format!("\"{}\"", statement.effect.value.as_str())
        );
        if let Some(sid) = &statement.sid {
            check_string(sid, "Sid");
        }
        if let Some(principal) = &statement.principal {
            check_span(text, principal.span, "Principal");
            if let Principal::Map(entries) = &principal.value {
                for entry in entries {
                    check_span(text, entry.kind.span, "principal type");
                    assert_eq!(
                        slice(entry.kind.span),
                        format!("\"{}\"", entry.kind.value.as_str())
                    );
                    check_values(&entry.values, "principal");
                }
            }
        }
        check_span(text, statement.action.span, "Action");
        check_values(&statement.action.values, "action");
        if let Some(resource) = &statement.resource {
            check_span(text, resource.span, "Resource");
            check_values(&resource.values, "resource");
        }
        if let Some(condition) = &statement.condition {
            check_span(text, condition.span, "Condition");
            for operator in &condition.operators {
                check_string(&operator.operator_text, "operator");
                for key in &operator.keys {
                    check_string(&key.key, "condition key");
                    for value in &key.values {
                        check_span(text, value.span, "condition value");
                        let json: serde_json::Value =
                            serde_json::from_str(slice(value.span)).unwrap();
                        match (&value.value, json) {
                            (ConditionValue::String(text), serde_json::Value::String(json)) => {
                                assert_eq!(*text, json)
                            }
                            (ConditionValue::Number(text), serde_json::Value::Number(_)) => {
                                assert_eq!(text, slice(value.span))
                            }
                            (ConditionValue::Bool(value), serde_json::Value::Bool(json)) => {
                                assert_eq!(*value, json)
                            }
                            (value, json) => panic!("condition value {value:?} spans {json:?}"),
                        }
                    }
                }
            }
        }
    }
}
