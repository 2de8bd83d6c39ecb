//! Suppressions: in force, expired (the finding is open again and says so), wildcards.

use iamwatch_analysis::{AuditConfig, RuleId, SuppressionState};

use crate::support::*;

fn empty_group_inventory() -> iamwatch_model::inventory::AccountInventory {
    let mut account = iam();
    account.groups.push(group("nobody"));
    account.groups.push(group("legacy-admins"));
    inventory(account)
}

fn config(rules: &str) -> AuditConfig {
    AuditConfig::from_toml(rules, "iamwatch.toml").unwrap()
}

#[test]
fn a_suppression_in_force_hides_the_finding_from_the_open_count() {
    let report = run_with(
        empty_group_inventory(),
        &config(&format!(
            "[[suppressions]]\nrule = \"group-empty\"\nresource = \"arn:aws:iam::{ACCOUNT}:group/legacy-*\"\nreason = \"being migrated\"\nexpires = 2027-01-01\n"
        )),
    );
    let found = of(&report, RuleId::GroupEmpty);
    assert_eq!(found.len(), 2);
    let suppressed: Vec<_> = found.iter().filter(|f| !f.is_open()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0].resource.name, "legacy-admins");
    let status = suppressed[0].suppression.as_ref().unwrap();
    assert_eq!(status.state, SuppressionState::Suppressed);
    assert_eq!(status.reason, "being migrated");
    assert_eq!((report.summary.open, report.summary.suppressed), (1, 1));
    assert_eq!(report.open_findings().count(), 1);
}

#[test]
fn an_expired_suppression_shows_the_finding_again_with_a_note() {
    let report = run_with(
        empty_group_inventory(),
        &config(&format!(
            "[[suppressions]]\nrule = \"group-empty\"\nresource = \"arn:aws:iam::{ACCOUNT}:group/nobody\"\nreason = \"temporary\"\nexpires = 2026-11-01\n"
        )),
    );
    // Expires at 00:00 UTC on 2026-11-01, which is the fixture's "now".
    let finding = of(&report, RuleId::GroupEmpty)
        .into_iter()
        .find(|f| f.resource.name == "nobody")
        .unwrap();
    assert!(finding.is_open());
    assert_eq!(
        finding.suppression.as_ref().unwrap().state,
        SuppressionState::Expired
    );
    assert_eq!(
        finding.notes,
        ["suppression expired on 2026-11-01 (reason was: temporary); the finding is open again"]
    );
    assert_eq!(report.summary.expired_suppressions, 1);
    assert_eq!(report.summary.open, 2);
    // A day later it has not expired.
    let report = run_with(
        empty_group_inventory(),
        &config(&format!(
            "[[suppressions]]\nrule = \"group-empty\"\nresource = \"arn:aws:iam::{ACCOUNT}:group/nobody\"\nreason = \"temporary\"\nexpires = 2026-11-02\n"
        )),
    );
    assert_eq!(report.summary.suppressed, 1);
}

#[test]
fn a_suppression_in_force_wins_over_an_expired_one_and_wildcards_match_every_rule() {
    let report = run_with(
        empty_group_inventory(),
        &config(
            "[[suppressions]]\nrule = \"group-empty\"\nresource = \"*\"\nreason = \"old\"\nexpires = 2020-01-01\n\n[[suppressions]]\nrule = \"*\"\nresource = \"arn:aws:iam::*:group/*\"\nreason = \"groups are reviewed elsewhere\"\n",
        ),
    );
    assert_eq!(report.summary.suppressed, 2);
    assert_eq!(report.summary.expired_suppressions, 0);
    assert!(report.findings.iter().all(|f| f.notes.is_empty()));
}

#[test]
fn suppressions_do_not_match_other_rules_or_resources() {
    let report = run_with(
        empty_group_inventory(),
        &config(
            "[[suppressions]]\nrule = \"role-without-policies\"\nresource = \"*\"\nreason = \"x\"\n",
        ),
    );
    assert_eq!(report.summary.suppressed, 0);
    let report = run_with(
        empty_group_inventory(),
        &config(
            "[[suppressions]]\nrule = \"group-empty\"\nresource = \"arn:aws:iam::123456789012:group/NOBODY\"\nreason = \"x\"\n",
        ),
    );
    assert_eq!(report.summary.suppressed, 0, "patterns are case-sensitive");
}
