//! Documents IAM accepts, in every shape the grammar allows.

use iamwatch_policy::document::{
    ConditionValue, Effect, OneOrMany, Policy, Principal, PrincipalKind, Version,
};
use iamwatch_policy::operator::{BaseOperator, SetQualifier};
use iamwatch_policy::parse::{decoded_text, parse_policy};
use iamwatch_policy::serialize::{to_json, to_json_pretty};

use super::support::{check_all_spans, without_spans};

/// Every accepted fixture, by name.
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "condition-values.json",
        include_str!("../fixtures/parse/accept/condition-values.json"),
    ),
    (
        "crlf-tabs.json",
        include_str!("../fixtures/parse/accept/crlf-tabs.json"),
    ),
    (
        "no-version.json",
        include_str!("../fixtures/parse/accept/no-version.json"),
    ),
    (
        "principals.json",
        include_str!("../fixtures/parse/accept/principals.json"),
    ),
    (
        "statement-list.json",
        include_str!("../fixtures/parse/accept/statement-list.json"),
    ),
    (
        "statement-object.json",
        include_str!("../fixtures/parse/accept/statement-object.json"),
    ),
    (
        "unicode.json",
        include_str!("../fixtures/parse/accept/unicode.json"),
    ),
    (
        "url-encoded.txt",
        include_str!("../fixtures/parse/accept/url-encoded.txt"),
    ),
    (
        "url-encoded-lowercase.txt",
        include_str!("../fixtures/parse/accept/url-encoded-lowercase.txt"),
    ),
    (
        "version-2008.json",
        include_str!("../fixtures/parse/accept/version-2008.json"),
    ),
];

fn fixture(name: &str) -> &'static str {
    FIXTURES
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| *text)
        .unwrap()
}

fn parse(name: &str) -> Policy {
    parse_policy(fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn strings(values: &OneOrMany<iamwatch_policy::document::Spanned<String>>) -> Vec<&str> {
    values.iter().map(|value| value.value.as_str()).collect()
}

#[test]
fn every_accept_fixture_is_listed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/parse/accept");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            FIXTURES.iter().any(|(file, _)| *file == name),
            "{name} is not in FIXTURES"
        );
    }
}

#[test]
fn every_accept_fixture_has_correct_spans_and_round_trips() {
    for (name, text) in FIXTURES {
        let policy = parse_policy(text).unwrap_or_else(|error| panic!("{name}: {error}"));
        check_all_spans(&decoded_text(text).unwrap(), &policy);
        for written in [to_json(&policy), to_json_pretty(&policy)] {
            let again = parse_policy(&written).unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(without_spans(&again), without_spans(&policy), "{name}");
            check_all_spans(&written, &again);
            // serde_json agrees that the output is JSON, and on its content.
            let ours: serde_json::Value = serde_json::from_str(&written).unwrap();
            let theirs: serde_json::Value =
                serde_json::from_str(&decoded_text(text).unwrap()).unwrap();
            assert_eq!(ours, theirs, "{name}");
        }
        assert_eq!(
            to_json(&parse_policy(&to_json(&policy)).unwrap()),
            to_json(&policy)
        );
    }
}

#[test]
fn statement_list_keeps_shapes() {
    let policy = parse("statement-list.json");
    assert_eq!(policy.version(), Version::V2012_10_17);
    assert_eq!(policy.id.as_ref().unwrap().value, "example-read-only");
    assert!(policy.statement.is_list);
    let [read, deny] = policy.statements() else {
        panic!("two statements expected")
    };
    assert_eq!(read.sid.as_ref().unwrap().value, "ReadObjects");
    assert_eq!(read.effect.value, Effect::Allow);
    assert!(!read.action.negated);
    assert!(matches!(read.action.values, OneOrMany::Many(_)));
    assert_eq!(
        strings(&read.action.values),
        ["s3:GetObject", "s3:GetObjectVersion"]
    );
    let resource = read.resource.as_ref().unwrap();
    assert!(!resource.negated);
    assert!(matches!(resource.values, OneOrMany::One(_)));
    assert_eq!(deny.effect.value, Effect::Deny);
    assert!(deny.action.negated);
    assert!(deny.resource.as_ref().unwrap().negated);
    // Positions: the second statement's `NotAction` value.
    let not_action = &deny.action.values.iter().next().unwrap().span;
    assert_eq!((not_action.line, not_action.column), (14, 26));
}

#[test]
fn statement_object() {
    let policy = parse("statement-object.json");
    assert!(!policy.statement.is_list);
    assert_eq!(policy.statements().len(), 1);
    assert_eq!(
        (policy.statement.span.line, policy.statement.span.column),
        (3, 18)
    );
    assert!(policy.statements()[0].principal.is_none());
    assert!(to_json(&policy).contains("\"Statement\":{"));
}

#[test]
fn missing_version_means_2008() {
    let policy = parse("no-version.json");
    assert!(policy.version.is_none());
    assert_eq!(policy.version(), Version::V2008_10_17);
    let policy = parse("version-2008.json");
    assert_eq!(policy.version.unwrap().value, Version::V2008_10_17);
}

#[test]
fn condition_values_keep_type_and_number_text() {
    let policy = parse("condition-values.json");
    let condition = policy.statements()[0].condition.as_ref().unwrap();
    let operators: Vec<&str> = condition
        .operators
        .iter()
        .map(|operator| operator.operator_text.value.as_str())
        .collect();
    assert_eq!(
        operators,
        [
            "Bool",
            "NumericLessThan",
            "ForAnyValue:StringLikeIfExists",
            "Null",
            "DateGreaterThan",
            "stringequals"
        ]
    );
    let values = |operator: usize, key: usize| -> Vec<ConditionValue> {
        condition.operators[operator].keys[key]
            .values
            .iter()
            .map(|value| value.value.clone())
            .collect()
    };
    assert_eq!(values(0, 0), [ConditionValue::Bool(false)]);
    assert_eq!(values(0, 1), [ConditionValue::String("false".into())]);
    assert_eq!(values(1, 0), [ConditionValue::Number("10".into())]);
    assert_eq!(
        values(1, 1),
        [
            ConditionValue::Number("3600".into()),
            ConditionValue::Number("1.50".into()),
            ConditionValue::Number("-2e3".into())
        ]
    );
    assert_eq!(
        values(2, 0),
        [
            ConditionValue::String("team-*".into()),
            ConditionValue::Bool(true),
            ConditionValue::Number("7".into())
        ]
    );
    let set = condition.operators[2].operator;
    assert_eq!(set.qualifier, Some(SetQualifier::ForAnyValue));
    assert_eq!(set.base, BaseOperator::StringLike);
    assert!(set.if_exists);
    // Operators match case-insensitively and keep their written text.
    assert_eq!(
        condition.operators[5].operator.base,
        BaseOperator::StringEquals
    );
    let written = to_json(&policy);
    assert!(written.contains("[3600,1.50,-2e3]"), "{written}");
    assert!(written.contains("\"stringequals\""), "{written}");
}

#[test]
fn every_principal_kind() {
    let policy = parse("principals.json");
    let [everyone, all_kinds, all_but] = policy.statements() else {
        panic!("three statements expected")
    };
    let principal = everyone.principal.as_ref().unwrap();
    assert!(!principal.negated);
    assert_eq!(principal.value, Principal::Wildcard);
    let Principal::Map(entries) = &all_kinds.principal.as_ref().unwrap().value else {
        panic!("map expected")
    };
    let kinds: Vec<PrincipalKind> = entries.iter().map(|entry| entry.kind.value).collect();
    assert_eq!(
        kinds,
        [
            PrincipalKind::Aws,
            PrincipalKind::Service,
            PrincipalKind::Federated,
            PrincipalKind::CanonicalUser
        ]
    );
    assert_eq!(
        strings(&entries[0].values),
        ["arn:aws:iam::111122223333:root", "444455556666"]
    );
    assert!(matches!(entries[1].values, OneOrMany::One(_)));
    assert!(all_kinds.resource.is_none());
    let not_principal = all_but.principal.as_ref().unwrap();
    assert!(not_principal.negated);
    assert!(
        to_json(&policy)
            .contains("\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:role/Admin\"}")
    );
}

#[test]
fn unicode_and_escapes() {
    let text = fixture("unicode.json");
    let policy = parse("unicode.json");
    let statement = &policy.statements()[0];
    assert_eq!(statement.sid.as_ref().unwrap().value, "Ünïcode");
    let resource = statement
        .resource
        .as_ref()
        .unwrap()
        .values
        .iter()
        .next()
        .unwrap();
    assert_eq!(resource.value, "arn:aws:s3:::bücket/été/😀/😀");
    let condition = statement.condition.as_ref().unwrap();
    let key = &condition.operators[0].keys[0];
    assert_eq!(
        key.values.iter().next().unwrap().value.as_text(),
        "日本語/\"quoted\"\t\\"
    );
    // Columns count characters, not bytes: `Ü` and `ï` take two bytes each.
    let effect = statement.effect.span;
    assert_eq!((effect.line, effect.column), (4, 41));
    assert_eq!(
        &text[effect.start as usize..effect.end as usize],
        "\"Allow\""
    );
    let value = key.values.iter().next().unwrap();
    assert_eq!((value.span.line, value.span.column), (7, 57));
    assert_eq!(
        &text[value.span.start as usize..value.span.start as usize + 4],
        "\"日"
    );
}

#[test]
fn crlf_and_tabs() {
    let policy = parse("crlf-tabs.json");
    let statement = &policy.statements()[0];
    // Tabs count as one column; `\r\n` is one line break.
    assert_eq!((statement.span.line, statement.span.column), (3, 15));
    assert_eq!(
        (statement.effect.span.line, statement.effect.span.column),
        (4, 13)
    );
    let actions: Vec<_> = statement.action.values.iter().collect();
    assert_eq!((actions[0].span.line, actions[0].span.column), (5, 15));
    assert_eq!((actions[1].span.line, actions[1].span.column), (5, 32));
    let resource = statement.resource.as_ref().unwrap();
    assert_eq!((resource.span.line, resource.span.column), (6, 15));
}

#[test]
fn lone_carriage_returns_break_lines() {
    let policy =
        parse_policy("{\r\"Statement\":\r{\"Effect\": \"Allow\", \"Action\": \"*\"}}").unwrap();
    let statement = &policy.statements()[0];
    assert_eq!((statement.span.line, statement.span.column), (3, 1));
    assert_eq!(
        (statement.effect.span.line, statement.effect.span.column),
        (3, 12)
    );
}

#[test]
fn url_encoded_documents_are_decoded() {
    let upper = parse("url-encoded.txt");
    let lower = parse("url-encoded-lowercase.txt");
    assert_eq!(upper.version(), Version::V2012_10_17);
    let statement = &upper.statements()[0];
    let Principal::Map(entries) = &statement.principal.as_ref().unwrap().value else {
        panic!("map expected")
    };
    assert_eq!(entries[0].kind.value, PrincipalKind::Service);
    let condition = statement.condition.as_ref().unwrap();
    // `+` stays a plus (RFC 3986), `%20` is a space.
    let tag = &condition.operators[0].keys[1];
    assert_eq!(tag.values.iter().next().unwrap().value.as_text(), "a+b c");
    let tag = &lower.statements()[0].condition.as_ref().unwrap().operators[0].keys[1];
    assert_eq!(tag.values.iter().next().unwrap().value.as_text(), "a+b c");
    // Spans point into the decoded text.
    let decoded = decoded_text(fixture("url-encoded.txt")).unwrap();
    assert!(decoded.starts_with("{\"Version\":\"2012-10-17\""));
    let version = upper.version.unwrap().span;
    assert_eq!(
        &decoded[version.start as usize..version.end as usize],
        "\"2012-10-17\""
    );
    // Surrounding whitespace (a trailing newline in a file) is ignored.
    assert!(parse_policy(&format!("  {}\n", fixture("url-encoded.txt").trim())).is_ok());
}

#[test]
fn text_that_only_looks_encoded_is_not_decoded() {
    // A plain document that contains percent signs stays as written.
    let policy = parse_policy(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/%7B"}}"#,
    )
    .unwrap();
    let resource = policy.statements()[0].resource.as_ref().unwrap();
    assert_eq!(
        resource.values.iter().next().unwrap().value,
        "arn:aws:s3:::b/%7B"
    );
}

#[test]
fn empty_condition_and_operator_are_accepted() {
    let policy = parse_policy(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {}}}}"#,
    )
    .unwrap();
    let condition = policy.statements()[0].condition.as_ref().unwrap();
    assert!(condition.operators[0].keys.is_empty());
    let policy =
        parse_policy(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {}}}"#)
            .unwrap();
    assert!(
        policy.statements()[0]
            .condition
            .as_ref()
            .unwrap()
            .operators
            .is_empty()
    );
}

/// Every version of every AWS managed policy is accepted, round-trips, and (for a sample, to keep
/// debug builds quick) has correct spans.
#[test]
fn every_aws_managed_policy_version() {
    let mut count = 0;
    for managed in iamwatch_catalog::ManagedPolicies::get().iter() {
        for version in managed.versions() {
            let text = version.document();
            let what = format!("{} {}", managed.name(), version.id());
            let policy = parse_policy(text).unwrap_or_else(|error| panic!("{what}: {error}"));
            let written = to_json(&policy);
            let again = parse_policy(&written).unwrap_or_else(|error| panic!("{what}: {error}"));
            assert_eq!(without_spans(&again), without_spans(&policy), "{what}");
            if count % 50 == 0 {
                check_all_spans(&decoded_text(text).unwrap(), &policy);
                let ours: serde_json::Value = serde_json::from_str(&written).unwrap();
                let theirs: serde_json::Value =
                    serde_json::from_str(&decoded_text(text).unwrap()).unwrap();
                assert_eq!(ours, theirs, "{what}");
            }
            count += 1;
        }
    }
    assert!(count > 1000, "only {count} managed policy versions");
}
