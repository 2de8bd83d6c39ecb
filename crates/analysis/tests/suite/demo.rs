//! The demo organization: every rule fires, the compliant cases stay quiet, and the findings
//! are pinned by a snapshot.

use std::fmt::Write as _;

use iamwatch_analysis::{AuditReport, RuleId, audit, demo};

fn report() -> AuditReport {
    audit(
        &demo::input().unwrap(),
        &demo::config().unwrap(),
        demo::now().unwrap(),
    )
}

#[test]
fn every_rule_fires_at_least_once_with_an_open_finding() {
    let report = report();
    let missing: Vec<&str> = RuleId::ALL
        .iter()
        .filter(|rule| !report.open_findings().any(|f| f.rule_id == **rule))
        .map(|rule| rule.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without an open finding: {missing:?}"
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn compliant_resources_stay_quiet() {
    let report = report();
    let quiet = [
        // A known vendor with an external ID.
        "arn:aws:iam::123456789012:role/monitoring-integration",
        // GitHub pinned to one repository and branch, audience checked.
        "arn:aws:iam::123456789012:role/github-release",
        // AdministratorAccess limited by a permissions boundary.
        "arn:aws:iam::210987654321:role/bounded-admin",
        // AdministratorAccess denied IAM changes by the sandbox SCP: only its trust is flagged.
        "arn:aws:iam::333333333333:role/org-shared-reader",
        "arn:aws:iam::111111111111:role/okta-readonly",
        "arn:aws:iam::123456789012:user/carol",
    ];
    for arn in quiet {
        let found: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.resource.arn == arn)
            .map(|f| f.rule_id.as_str())
            .collect();
        assert!(found.is_empty(), "{arn}: {found:?}");
    }
    let sandbox_admin = report.findings.iter().any(|f| {
        f.rule_id == RuleId::PrincipalEffectiveAdmin && f.account_id.as_str() == demo::SANDBOX
    });
    assert!(
        !sandbox_admin,
        "the sandbox SCP keeps OrganizationAccountAccessRole from admin"
    );
    // Allowlisted, new and recently used roles are compliant evaluations.
    for (role, annotation) in [
        ("breakglass-role", "Role is allowlisted"),
        ("security-audit", "Role is allowlisted"),
        ("payments-canary", "Role age is 11 days"),
    ] {
        let evaluation = report
            .evaluations
            .iter()
            .find(|e| e.role_path_name == format!("/{role}"))
            .unwrap();
        assert_eq!(
            evaluation.evaluation.annotation.as_deref(),
            Some(annotation)
        );
    }
}

#[test]
fn the_audit_is_deterministic_and_serializable() {
    let a = report();
    let b = report();
    assert_eq!(a, b);
    let json = serde_json::to_string(&a).unwrap();
    let back: AuditReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
}

/// The findings, one line each, and the evaluations as TSV: what `iamwatch audit --demo`
/// shows, pinned.
#[test]
fn demo_findings_snapshot() {
    let report = report();
    let mut text = String::new();
    for f in &report.findings {
        let state = match &f.suppression {
            Some(s) => format!(
                " [{}]",
                serde_json::to_value(s.state).unwrap().as_str().unwrap()
            ),
            None => String::new(),
        };
        writeln!(
            text,
            "{:<8} {:<38} {} {} {}{state}\n         {}",
            f.severity.as_str(),
            f.rule_id.as_str(),
            f.account_id,
            f.id,
            f.resource.arn,
            f.message
        )
        .unwrap();
        for note in &f.notes {
            writeln!(text, "         note: {note}").unwrap();
        }
    }
    insta::assert_snapshot!("demo_findings", text);
    let mut tsv = String::from(iamwatch_analysis::TSV_HEADER);
    tsv.push('\n');
    for evaluation in &report.evaluations {
        tsv.push_str(&evaluation.tsv_row());
        tsv.push('\n');
    }
    insta::assert_snapshot!("demo_evaluations", tsv);
    insta::assert_json_snapshot!("demo_summary", report.summary);
}

#[test]
fn model_synthetic_organizations_audit_cleanly() {
    use iamwatch_model::synthetic::{OrgSpec, SyntheticOrg};
    let org = SyntheticOrg::new(OrgSpec {
        accounts: 4,
        roles_per_account: 30,
        ..OrgSpec::default()
    });
    let mut snapshots = vec![org.organization_snapshot()];
    for index in 0..org.account_count() {
        snapshots.extend(org.snapshots(index));
    }
    let input = iamwatch_analysis::AuditInput::from_snapshots(snapshots);
    let report = audit(&input, &Default::default(), org.spec().taken_at);
    let roles: usize = input
        .inventory
        .accounts
        .values()
        .filter_map(|a| a.iam.as_ref())
        .map(|iam| iam.roles.len())
        .sum();
    assert_eq!(report.evaluations.len(), roles);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule_id == RuleId::PrincipalEffectiveAdmin)
    );
}
