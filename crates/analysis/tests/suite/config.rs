//! The TOML configuration: what it accepts, and the errors for what it does not.

use iamwatch_analysis::{AuditConfig, RuleId, Severity};

use crate::support::*;

const FULL: &str = r#"
known_accounts = ["444455556666", "777788889999"]

[rules.iam-role-unused]
max_days_for_last_used = 90
role_allowlist = "/breakglass-role|/security-*"

[rules.user-direct-policies]
enabled = false

[rules.policy-service-wildcard]
severity = "high"

[rules.password-policy-weak]
minimum_length = 16
require_symbols = false
password_reuse_prevention = 12

[rules.root-recently-used]
window_days = 7

[[suppressions]]
rule = "policy-unattached"
resource = "arn:aws:iam::123456789012:policy/legacy-*"
reason = "kept for rollback (SEC-123)"
expires = 2026-12-31

[[suppressions]]
rule = "*"
resource = "arn:aws:iam::123456789012:role/sandbox-*"
reason = "sandbox"
"#;

#[test]
fn a_full_configuration() {
    let config = AuditConfig::from_toml(FULL, "iamwatch.toml").unwrap();
    assert_eq!(config.known_accounts.len(), 2);
    assert_eq!(config.params.unused_role.max_days_for_last_used(), 90);
    assert!(!config.is_enabled(RuleId::UserDirectPolicies));
    assert!(config.is_enabled(RuleId::GroupEmpty));
    assert_eq!(
        config.severity(RuleId::PolicyServiceWildcard),
        Severity::High
    );
    assert_eq!(config.severity(RuleId::GroupEmpty), Severity::Low);
    assert_eq!(config.params.password_baseline.minimum_length, 16);
    assert!(!config.params.password_baseline.require_symbols);
    assert_eq!(
        config.params.password_baseline.password_reuse_prevention,
        12
    );
    assert_eq!(config.params.root_use_window_days, 7);
    assert_eq!(config.suppressions.len(), 2);
    assert_eq!(config.suppressions[0].rule, Some(RuleId::PolicyUnattached));
    assert_eq!(
        config.suppressions[0].expires.unwrap().to_string(),
        "2026-12-31"
    );
    assert_eq!(config.suppressions[1].rule, None);
    assert_eq!(config.enabled_rules().count(), RuleId::ALL.len() - 1);
    assert_eq!(
        AuditConfig::from_toml("", "x").unwrap(),
        AuditConfig::default()
    );
}

fn error(text: &str) -> iamwatch_analysis::ConfigError {
    AuditConfig::from_toml(text, "iamwatch.toml").unwrap_err()
}

#[test]
fn unknown_keys_name_the_key_the_line_and_the_keys_that_exist() {
    let e = error("known_accounts = []\nknown_acounts = [\"444455556666\"]\n");
    assert_eq!(
        (e.key(), e.line(), e.column()),
        (Some("known_acounts"), 2, 1)
    );
    assert_eq!(
        e.to_string(),
        "iamwatch.toml:2:1: unknown key `known_acounts` in the top level"
    );
    assert!(
        e.help()
            .unwrap()
            .starts_with("did you mean `known_accounts`?"),
        "{:?}",
        e.help()
    );

    let e = error("[rules.iam-role-unused]\nmax_days = 30\n");
    assert_eq!(e.line(), 2);
    assert!(e.message().contains("`[rules.iam-role-unused]`"));
    let help = e.help().unwrap();
    assert!(
        help.contains("`max_days_for_last_used`") && help.contains("`role_allowlist`"),
        "{help}"
    );

    let e = error("[rules.group-empty]\nmax_days = 30\n");
    assert_eq!(
        e.help().unwrap(),
        "the keys of `[rules.group-empty]` are `enabled`, `severity`"
    );

    let e = error(
        "[[suppressions]]\nrule = \"group-empty\"\nresource = \"*\"\nreason = \"x\"\nexpiry = 2026-01-01\n",
    );
    assert_eq!((e.key(), e.line()), (Some("expiry"), 5));
    assert!(e.help().unwrap().starts_with("did you mean `expires`?"));
}

#[test]
fn unknown_rules_get_a_suggestion() {
    let e = error("\n[rules.iam-role-unsued]\nenabled = false\n");
    assert_eq!(e.line(), 2);
    assert_eq!(e.message(), "unknown rule `iam-role-unsued`");
    assert!(
        e.help()
            .unwrap()
            .contains("did you mean `iam-role-unused`?")
    );
    let e = error("[[suppressions]]\nrule = \"root-mfa\"\nresource = \"*\"\nreason = \"x\"\n");
    assert_eq!(e.line(), 2);
}

#[test]
fn bad_values_say_what_would_be_accepted() {
    let e = error("[rules.group-empty]\nenabled = \"no\"\n");
    assert_eq!(
        e.message(),
        "`rules.group-empty.enabled` must be a boolean, not a string"
    );
    assert_eq!(e.help(), Some("write it as `enabled = true`"));

    let e = error("[rules.group-empty]\nseverity = \"urgent\"\n");
    assert_eq!(e.message(), "`urgent` is not a severity");

    let e = error("[rules.access-key-not-rotated]\nmax_key_age_days = 0\n");
    assert_eq!(
        e.message(),
        "`rules.access-key-not-rotated.max_key_age_days` is 0, outside 1 to 3650"
    );

    let e = error("[rules.password-policy-weak]\nminimum_length = 14.5\n");
    assert!(
        e.message().contains("must be an integer, not a float"),
        "{}",
        e.message()
    );

    let e = error("known_accounts = [\"12345\"]\n");
    assert!(e.message().contains("not a 12-digit account ID"));
    let e = error("known_accounts = [123456789012]\n");
    assert!(e.message().contains("must be a string"), "{}", e.message());
    assert!(e.help().unwrap().contains("\"444455556666\""));

    let e = error(
        "[rules.policy-sensitive-action-any-resource]\nextra_sensitive_actions = [\"GetObject\"]\n",
    );
    assert!(e.message().contains("is not an action"), "{}", e.message());

    let e = error("rules = 3\n");
    assert_eq!(e.message(), "`rules` must be a table, not an integer");
}

#[test]
fn suppressions_need_rule_resource_and_reason_and_a_real_date() {
    let e =
        error("[[suppressions]]\nrule = \"group-empty\"\nresource = \"arn:aws:iam::1:group/x\"\n");
    assert_eq!(e.key(), Some("suppressions.reason"));
    assert!(e.help().unwrap().starts_with("add `reason = "));
    let e = error("[[suppressions]]\nrule = \"group-empty\"\nresource = \"*\"\nreason = \" \"\n");
    assert_eq!(e.message(), "`reason` is empty");
    let e = error(
        "[[suppressions]]\nrule = \"group-empty\"\nresource = \"*\"\nreason = \"r\"\nexpires = \"2026-13-01\"\n",
    );
    assert_eq!(e.line(), 5);
    assert!(e.help().unwrap().contains("2026-12-31"));
    let e = error(
        "[[suppressions]]\nrule = \"group-empty\"\nresource = \"*\"\nreason = \"r\"\nexpires = 2026-12-01T10:00:00Z\n",
    );
    assert!(e.message().contains("is not a date"));
    let ok = AuditConfig::from_toml(
        "[[suppressions]]\nrule = \"group-empty\"\nresource = \"*\"\nreason = \"r\"\nexpires = \"2026-12-01\"\n",
        "t",
    )
    .unwrap();
    assert_eq!(
        ok.suppressions[0].expires.unwrap().to_string(),
        "2026-12-01"
    );
}

#[test]
fn toml_syntax_errors_have_a_position() {
    let e = error("[rules.group-empty\nenabled = true\n");
    assert_eq!(e.line(), 1);
    assert!(e.message().starts_with("invalid TOML"), "{}", e.message());
    // Diagnostics carry the source and a label for rich rendering.
    let diagnostic: &dyn miette::Diagnostic = &e;
    assert!(diagnostic.source_code().is_some());
    assert_eq!(diagnostic.labels().map(Iterator::count), Some(1));
}

#[test]
fn configuration_changes_the_findings() {
    let build = || {
        let mut account = iam();
        account.groups.push(group("nobody"));
        inventory(account)
    };
    let report = run(build());
    assert_eq!(of(&report, RuleId::GroupEmpty)[0].severity, Severity::Low);
    let config =
        AuditConfig::from_toml("[rules.group-empty]\nseverity = \"critical\"\n", "t").unwrap();
    let report = run_with(build(), &config);
    assert_eq!(
        of(&report, RuleId::GroupEmpty)[0].severity,
        Severity::Critical
    );
    assert_eq!(report.findings[0].rule_id, RuleId::GroupEmpty);
    let config = AuditConfig::from_toml("[rules.group-empty]\nenabled = false\n", "t").unwrap();
    assert_eq!(count(&run_with(build(), &config), RuleId::GroupEmpty), 0);
}
