//! The statement and trust rules over the JSON fixture corpus `tests/fixtures/statements.json`.

use std::collections::BTreeMap;

use iamwatch_analysis::{AuditConfig, RuleId};
use iamwatch_model::AccountId;
use serde::Deserialize;

use crate::support::*;

#[derive(Deserialize)]
struct Corpus {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    rule: String,
    kind: String,
    #[serde(rename = "where")]
    place: String,
    expect: usize,
    #[serde(default)]
    note: String,
    #[serde(default)]
    known_accounts: Vec<String>,
    document: serde_json::Value,
}

fn corpus() -> Vec<Case> {
    let text = include_str!("../fixtures/statements.json");
    serde_json::from_str::<Corpus>(text).unwrap().cases
}

#[test]
fn every_case_finds_what_it_expects() {
    let mut failures = Vec::new();
    for (index, case) in corpus().iter().enumerate() {
        let rule =
            RuleId::parse(&case.rule).unwrap_or_else(|| panic!("unknown rule {}", case.rule));
        let document = case.document.to_string();
        let mut account = iam();
        match case.place.as_str() {
            "managed" => {
                account
                    .policies
                    .push(managed("fixture-policy", &document, Some(1)));
                account.roles.push(with_attached(
                    role("fixture-role"),
                    &format!("arn:aws:iam::{ACCOUNT}:policy/fixture-policy"),
                ));
            }
            "inline" => account.roles.push(with_inline(
                role("fixture-role"),
                "fixture-inline",
                &document,
            )),
            "trust" => account
                .roles
                .push(with_trust(role("fixture-role"), &document)),
            other => panic!("case {index}: unknown place {other}"),
        }
        let mut config = AuditConfig::default();
        for known in &case.known_accounts {
            config
                .known_accounts
                .insert(AccountId::parse(known).unwrap());
        }
        let report = run_with(inventory(account), &config);
        assert!(
            report.warnings.is_empty(),
            "case {index}: {:?}",
            report.warnings
        );
        let found = count(&report, rule);
        if found != case.expect {
            failures.push(format!(
                "case {index} ({} {}, {}): expected {}, found {found}: {:?}",
                case.rule,
                case.kind,
                case.note,
                case.expect,
                of(&report, rule)
                    .iter()
                    .map(|f| &f.message)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_statement_and_trust_rule_has_positive_negative_and_edge_cases() {
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in corpus() {
        kinds.entry(case.rule).or_default().push(case.kind);
    }
    let rules = [
        RuleId::PolicyAllowsAllActions,
        RuleId::PolicySensitiveActionAnyResource,
        RuleId::PolicyServiceWildcard,
        RuleId::PassRoleAnyResource,
        RuleId::AllowNotAction,
        RuleId::AllowNotResource,
        RuleId::UnconstrainedPermissionsManagement,
        RuleId::UnconstrainedWrite,
        RuleId::TrustWholeAccountNoCondition,
        RuleId::TrustExternalAccountUnguarded,
        RuleId::TrustPublicPrincipal,
        RuleId::TrustOidcSubUnrestricted,
        RuleId::TrustOidcMissingAud,
        RuleId::TrustSamlMissingAud,
        RuleId::TrustUnknownAccount,
    ];
    for rule in rules {
        let found = kinds.get(rule.as_str()).cloned().unwrap_or_default();
        for kind in ["positive", "negative", "edge"] {
            assert!(found.iter().any(|k| k == kind), "{rule} has no {kind} case");
        }
    }
}

#[test]
fn statement_findings_carry_the_statement_and_the_evaluated_actions() {
    let mut account = iam();
    account.roles.push(with_inline(
        role("app"),
        "secrets",
        &allow(
            r#"["secretsmanager:GetSecretValue","kms:Decrypt"]"#,
            r#""*""#,
        ),
    ));
    let report = run(inventory(account));
    let finding = of(&report, RuleId::PolicySensitiveActionAnyResource)[0];
    assert_eq!(
        finding.resource.arn,
        format!("arn:aws:iam::{ACCOUNT}:role/app")
    );
    assert_eq!(finding.details["policy"], "secrets");
    assert_eq!(finding.details["policy_type"], "inline");
    assert!(
        finding.details["statement"]
            .as_str()
            .unwrap()
            .contains("kms:Decrypt")
    );
    assert_eq!(finding.details["evaluated_actions"]["count"], 2);
    assert!(
        finding
            .reference
            .starts_with("https://docs.aws.amazon.com/")
    );
    assert!(!finding.remediation.is_empty());
}

#[test]
fn extra_sensitive_actions_are_configurable() {
    let document = allow(r#""logs:GetLogEvents""#, r#""*""#);
    let build = || {
        let mut account = iam();
        account
            .roles
            .push(with_inline(role("reader"), "logs", &document));
        inventory(account)
    };
    assert_eq!(
        count(&run(build()), RuleId::PolicySensitiveActionAnyResource),
        0
    );
    let config = AuditConfig::from_toml(
        "[rules.policy-sensitive-action-any-resource]\nextra_sensitive_actions = [\"logs:Get*\"]\n",
        "iamwatch.toml",
    )
    .unwrap();
    assert_eq!(
        count(
            &run_with(build(), &config),
            RuleId::PolicySensitiveActionAnyResource
        ),
        1
    );
}
