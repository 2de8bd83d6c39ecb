//! `iam-role-unused`: the five decisions of AWS's published rule, in order, with their
//! annotations; the allowlist; the 365-day maximum; the Config evaluations it produces.

use iamwatch_analysis::rules::unused_role::decide;
use iamwatch_analysis::{
    AuditConfig, ComplianceType, RoleAllowlist, RuleId, TSV_HEADER, UnusedRoleBranch,
    UnusedRoleParams, UnusedRoleParamsError, put_evaluations_batches,
};
use iamwatch_model::{Role, RoleLastUsed, Timestamp};

use crate::support::*;

/// How the role was last used.
#[derive(Clone, Copy)]
enum Used {
    /// `RoleLastUsed` with a date `days` ago (and `hours` more) in a region.
    Ago(i64, i64, Option<&'static str>),
    /// `RoleLastUsed: {}`.
    Never,
    /// No `RoleLastUsed` in the export.
    Missing,
}

struct Case {
    name: &'static str,
    path: &'static str,
    role: &'static str,
    /// Days since creation; `None`: no creation date.
    created: Option<i64>,
    used: Used,
    max: i64,
    allowlist: &'static str,
    branch: UnusedRoleBranch,
    compliance: ComplianceType,
    annotation: &'static str,
}

fn at(days: i64, hours: i64) -> Timestamp {
    days_ago(days)
        .checked_sub(jiff::SignedDuration::from_hours(hours))
        .unwrap()
}

fn build(case: &Case) -> Role {
    let mut role = role(case.role);
    role.path = case.path.to_owned();
    role.arn = arn(&format!(
        "arn:aws:iam::{ACCOUNT}:role{}{}",
        case.path, case.role
    ));
    role.create_date = case.created.map(days_ago);
    role.last_used = match case.used {
        Used::Ago(days, hours, region) => Some(RoleLastUsed {
            last_used_date: Some(at(days, hours)),
            region: region.map(str::to_owned),
        }),
        Used::Never => Some(RoleLastUsed {
            last_used_date: None,
            region: None,
        }),
        Used::Missing => None,
    };
    role
}

const ALLOW: &str = "/breakglass-role|/security-*|/service-role/*";

fn cases() -> Vec<Case> {
    use ComplianceType::{Compliant, NonCompliant};
    use UnusedRoleBranch::*;
    let case =
        |name, path, role, created, used, max, allowlist, branch, compliance, annotation| Case {
            name,
            path,
            role,
            created,
            used,
            max,
            allowlist,
            branch,
            compliance,
            annotation,
        };
    vec![
        // 1. Allowlisted, whatever else is true.
        case(
            "allowlisted by name",
            "/",
            "breakglass-role",
            Some(900),
            Used::Never,
            60,
            ALLOW,
            Allowlisted,
            Compliant,
            "Role is allowlisted",
        ),
        case(
            "allowlisted by wildcard",
            "/",
            "security-audit",
            Some(900),
            Used::Ago(300, 0, Some("us-east-1")),
            60,
            ALLOW,
            Allowlisted,
            Compliant,
            "Role is allowlisted",
        ),
        case(
            "allowlisted by path",
            "/service-role/",
            "codebuild-x",
            Some(900),
            Used::Never,
            60,
            ALLOW,
            Allowlisted,
            Compliant,
            "Role is allowlisted",
        ),
        case(
            "allowlist is case-sensitive",
            "/",
            "Breakglass-role",
            Some(900),
            Used::Never,
            60,
            ALLOW,
            NeverUsed,
            NonCompliant,
            "No record of usage",
        ),
        case(
            "allowlist matches path + name, not name alone",
            "/team/",
            "breakglass-role",
            Some(900),
            Used::Never,
            60,
            ALLOW,
            NeverUsed,
            NonCompliant,
            "No record of usage",
        ),
        // 2. Not older than the maximum.
        case(
            "new role",
            "/",
            "fresh",
            Some(30),
            Used::Never,
            60,
            "",
            YoungerThanMaximum,
            Compliant,
            "Role age is 30 days",
        ),
        case(
            "age equal to the maximum",
            "/",
            "sixty",
            Some(60),
            Used::Never,
            60,
            "",
            YoungerThanMaximum,
            Compliant,
            "Role age is 60 days",
        ),
        case(
            "created today",
            "/",
            "today",
            Some(0),
            Used::Never,
            60,
            "",
            YoungerThanMaximum,
            Compliant,
            "Role age is 0 days",
        ),
        // 3. Never used.
        case(
            "never used",
            "/",
            "idle",
            Some(61),
            Used::Never,
            60,
            "",
            NeverUsed,
            NonCompliant,
            "No record of usage",
        ),
        case(
            "no creation date, never used",
            "/",
            "undated",
            None,
            Used::Never,
            60,
            "",
            NeverUsed,
            NonCompliant,
            "No record of usage",
        ),
        // 4. Unused for more than the maximum.
        case(
            "unused too long",
            "/",
            "stale",
            Some(400),
            Used::Ago(61, 0, Some("us-east-1")),
            60,
            "",
            UnusedTooLong,
            NonCompliant,
            "Was used 61 days ago in us-east-1",
        ),
        case(
            "missing RoleLastUsed counts from creation",
            "/",
            "no-record",
            Some(100),
            Used::Missing,
            60,
            "",
            UnusedTooLong,
            NonCompliant,
            "Was used 100 days ago in unknown",
        ),
        case(
            "region unknown",
            "/",
            "no-region",
            Some(400),
            Used::Ago(200, 0, None),
            60,
            "",
            UnusedTooLong,
            NonCompliant,
            "Was used 200 days ago in unknown",
        ),
        // 5. Otherwise compliant, same annotation.
        case(
            "used recently",
            "/",
            "busy",
            Some(400),
            Used::Ago(5, 0, Some("eu-west-1")),
            60,
            "",
            UsedRecently,
            Compliant,
            "Was used 5 days ago in eu-west-1",
        ),
        case(
            "used exactly the maximum ago",
            "/",
            "edge",
            Some(400),
            Used::Ago(60, 0, Some("us-east-1")),
            60,
            "",
            UsedRecently,
            Compliant,
            "Was used 60 days ago in us-east-1",
        ),
        case(
            "whole days, rounded down",
            "/",
            "floor",
            Some(400),
            Used::Ago(60, 23, Some("us-east-1")),
            60,
            "",
            UsedRecently,
            Compliant,
            "Was used 60 days ago in us-east-1",
        ),
        case(
            "missing RoleLastUsed, created recently",
            "/",
            "young-no-record",
            Some(61),
            Used::Missing,
            90,
            "",
            YoungerThanMaximum,
            Compliant,
            "Role age is 61 days",
        ),
        // The 365-day maximum.
        case(
            "maximum 365, used 365 days ago",
            "/",
            "yearly",
            Some(800),
            Used::Ago(365, 0, Some("us-east-1")),
            365,
            "",
            UsedRecently,
            Compliant,
            "Was used 365 days ago in us-east-1",
        ),
        case(
            "maximum 365, used 366 days ago",
            "/",
            "yearly-late",
            Some(800),
            Used::Ago(366, 0, Some("us-east-1")),
            365,
            "",
            UnusedTooLong,
            NonCompliant,
            "Was used 366 days ago in us-east-1",
        ),
        case(
            "maximum 1",
            "/",
            "daily",
            Some(800),
            Used::Ago(2, 0, Some("us-east-1")),
            1,
            "",
            UnusedTooLong,
            NonCompliant,
            "Was used 2 days ago in us-east-1",
        ),
    ]
}

#[test]
fn the_five_decisions_in_order() {
    for case in cases() {
        let params = UnusedRoleParams::new(case.max, case.allowlist).unwrap();
        let decision = decide(&build(&case), &params, now());
        assert_eq!(decision.branch, case.branch, "{}", case.name);
        assert_eq!(decision.compliance, case.compliance, "{}", case.name);
        assert_eq!(decision.annotation, case.annotation, "{}", case.name);
    }
}

#[test]
fn every_branch_is_covered_by_the_table() {
    let branches: Vec<UnusedRoleBranch> = cases().iter().map(|c| c.branch).collect();
    for branch in [
        UnusedRoleBranch::Allowlisted,
        UnusedRoleBranch::YoungerThanMaximum,
        UnusedRoleBranch::NeverUsed,
        UnusedRoleBranch::UnusedTooLong,
        UnusedRoleBranch::UsedRecently,
    ] {
        assert!(branches.contains(&branch), "{branch:?}");
    }
}

#[test]
fn maximum_is_1_to_365() {
    assert!(UnusedRoleParams::new(1, "").is_ok());
    assert!(UnusedRoleParams::new(365, "").is_ok());
    for bad in [0, 366, 400, -5] {
        assert!(
            matches!(
                UnusedRoleParams::new(bad, ""),
                Err(UnusedRoleParamsError::MaxDaysOutOfRange { value }) if value == bad
            ),
            "{bad}"
        );
    }
    assert_eq!(UnusedRoleParams::default().max_days_for_last_used(), 60);
}

#[test]
fn allowlist_validation() {
    assert_eq!(RoleAllowlist::parse("").unwrap().patterns().len(), 0);
    assert_eq!(
        RoleAllowlist::parse("/breakglass-role|/security-*")
            .unwrap()
            .patterns(),
        ["/breakglass-role", "/security-*"]
    );
    assert!(RoleAllowlist::parse("/a+=,.@_-/b*").is_ok());
    for (text, bad) in [
        ("/a b", ' '),
        ("/a|/b$", '$'),
        ("/[ab]", '['),
        ("/a?", '?'),
        ("/rôle", 'ô'),
    ] {
        match RoleAllowlist::parse(text) {
            Err(UnusedRoleParamsError::InvalidCharacter { character, .. }) => {
                assert_eq!(character, bad, "{text}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    for text in ["a||b", "|a", "a|"] {
        assert!(
            matches!(
                RoleAllowlist::parse(text),
                Err(UnusedRoleParamsError::EmptyPattern { .. })
            ),
            "{text}"
        );
    }
    let error = RoleAllowlist::parse("/a b").unwrap_err();
    assert_eq!(
        error.to_string(),
        "role allowlist `/a b` contains ` `, which is not allowed"
    );
}

#[test]
fn configuration_errors_name_key_line_and_fix() {
    let error = AuditConfig::from_toml(
        "[rules.iam-role-unused]\nmax_days_for_last_used = 400\n",
        "iamwatch.toml",
    )
    .unwrap_err();
    assert_eq!(
        error.key(),
        Some("rules.iam-role-unused.max_days_for_last_used")
    );
    assert_eq!(error.line(), 2);
    assert!(error.message().contains("400"), "{}", error.message());
    assert!(error.help().unwrap().contains("1 to 365"));

    let error = AuditConfig::from_toml(
        "[rules.iam-role-unused]\nmax_days_for_last_used = 90\nrole_allowlist = \"/breakglass role\"\n",
        "iamwatch.toml",
    )
    .unwrap_err();
    assert_eq!(error.key(), Some("rules.iam-role-unused.role_allowlist"));
    assert_eq!(error.line(), 3);
    assert!(error.help().unwrap().contains("`|`"));

    let config = AuditConfig::from_toml(
        "[rules.iam-role-unused]\nmax_days_for_last_used = 90\nrole_allowlist = \"/breakglass-role|/security-*\"\n",
        "iamwatch.toml",
    )
    .unwrap();
    assert_eq!(config.params.unused_role.max_days_for_last_used(), 90);
    assert_eq!(
        config.params.unused_role.role_allowlist().patterns().len(),
        2
    );
}

#[test]
fn evaluations_are_put_evaluations_shaped() {
    let mut account = iam();
    for case in cases().iter().take(12) {
        account.roles.push(build(case));
    }
    let mut config = AuditConfig::default();
    config.params.unused_role = UnusedRoleParams::new(60, ALLOW).unwrap();
    let report = run_with(inventory(account), &config);
    assert_eq!(report.evaluations.len(), 12);
    for evaluation in &report.evaluations {
        assert_eq!(evaluation.rule_id, RuleId::IamRoleUnused);
        assert_eq!(
            evaluation.evaluation.compliance_resource_type,
            "AWS::IAM::Role"
        );
        assert!(
            evaluation
                .evaluation
                .compliance_resource_id
                .starts_with("AROA")
        );
        assert_eq!(evaluation.evaluation.ordering_timestamp, now());
    }
    let stale = report
        .evaluations
        .iter()
        .find(|e| e.role_path_name == "/stale")
        .unwrap();
    assert_eq!(
        stale.tsv_row(),
        format!(
            "arn:aws:iam::{ACCOUNT}:role/stale\tNON_COMPLIANT\tWas used 61 days ago in us-east-1"
        )
    );
    assert_eq!(TSV_HEADER, "ROLE\tCOMPLIANCE\tANNOTATION");
    let json = serde_json::to_value(&stale.evaluation).unwrap();
    assert_eq!(json["ComplianceType"], "NON_COMPLIANT");
    assert_eq!(json["ComplianceResourceId"], "AROASTALE");
    assert_eq!(json["OrderingTimestamp"], NOW);
    // Non-compliant evaluations are findings too; compliant ones are not.
    let non_compliant = report
        .evaluations
        .iter()
        .filter(|e| e.evaluation.compliance_type == ComplianceType::NonCompliant)
        .count();
    assert_eq!(count(&report, RuleId::IamRoleUnused), non_compliant);
    assert_eq!(report.summary.evaluations_non_compliant, non_compliant);
}

#[test]
fn evaluations_batch_by_account_in_hundreds() {
    let mut account = iam();
    for index in 0..250 {
        account.roles.push(role(&format!("r{index}")));
    }
    let report = run(inventory(account));
    let by_account = report.evaluations_by_account();
    let evaluations = by_account.values().next().unwrap();
    let sizes: Vec<usize> = put_evaluations_batches(evaluations)
        .map(<[_]>::len)
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
}

#[test]
fn disabled_rule_produces_no_evaluations() {
    let mut account = iam();
    account.roles.push(build(&cases()[8]));
    let mut config = AuditConfig::default();
    config.set_enabled(RuleId::IamRoleUnused, false);
    let report = run_with(inventory(account), &config);
    assert!(report.evaluations.is_empty());
    assert_eq!(count(&report, RuleId::IamRoleUnused), 0);
}
