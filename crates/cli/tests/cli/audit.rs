//! `iamwatch audit` end to end on the built-in demo organization.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]

use std::process::{Command, Output};

use serde_json::Value;

fn iamwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamwatch"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn the_demo_table_groups_by_severity_and_account() {
    let output = iamwatch(&["audit", "--demo", "--format", "table"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    assert!(text.contains("account 123456789012 (prod)"), "{text}");
    let critical = text.find("CRITICAL").unwrap_or(usize::MAX);
    let high = text.find("\nHIGH").unwrap();
    assert!(critical < high, "most severe first");
    assert!(text.contains("open findings"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when not on a terminal");
}

#[test]
fn json_is_stable_and_fail_on_sets_the_exit_code() {
    let output = iamwatch(&["audit", "--demo", "--format", "json", "--fail-on", "high"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["generated_at"], "2026-11-01T00:00:00Z");
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for key in [
        "id",
        "rule_id",
        "severity",
        "account_id",
        "resource",
        "message",
        "remediation",
        "reference",
    ] {
        assert!(findings[0].get(key).is_some(), "findings carry `{key}`");
    }
    assert!(report["summary"]["open"].as_u64().unwrap() > 0);
}

#[test]
fn tsv_matches_the_config_export_shape() {
    let output = iamwatch(&["audit", "--demo", "--format", "tsv"]);
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("ROLE\tCOMPLIANCE\tANNOTATION"));
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split('\t').collect()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|row| row.len() == 3));
    assert!(
        rows.iter()
            .any(|row| row[1] == "NON_COMPLIANT" && row[2] == "No record of usage")
    );
    assert!(rows.iter().any(|row| row[1] == "COMPLIANT"));
}

#[test]
fn evaluations_come_as_put_evaluations_bodies_of_at_most_100() {
    let output = iamwatch(&["audit", "--demo", "--format", "evaluations"]);
    let text = stdout(&output);
    let mut count = 0;
    for line in text.lines() {
        let body: Value = serde_json::from_str(line).unwrap();
        let evaluations = body["Evaluations"].as_array().unwrap();
        assert!(!evaluations.is_empty() && evaluations.len() <= 100);
        assert_eq!(evaluations[0]["ComplianceResourceType"], "AWS::IAM::Role");
        assert!(evaluations[0]["OrderingTimestamp"].is_string());
        count += evaluations.len();
    }
    assert!(count > 0);
}

#[test]
fn a_later_day_reproduces_the_audit() {
    let first = iamwatch(&[
        "audit",
        "--demo",
        "--format",
        "json",
        "--now",
        "2026-12-15T00:00:00Z",
    ]);
    let second = iamwatch(&[
        "audit",
        "--demo",
        "--format",
        "json",
        "--now",
        "2026-12-15T00:00:00Z",
    ]);
    assert_eq!(first.stdout, second.stdout);
    let report: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(report["generated_at"], "2026-12-15T00:00:00Z");
}

#[test]
fn selection_narrows_the_audit() {
    let output = iamwatch(&[
        "audit",
        "--demo",
        "--format",
        "json",
        "--account",
        "123456789012",
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["account_id"] == "123456789012"));
}

#[test]
fn sarif_names_rules_and_resources() {
    let output = iamwatch(&["audit", "--demo", "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert!(
        !run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let result = &run["results"][0];
    assert!(result["ruleId"].is_string());
    assert!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:")
    );
}

#[test]
fn bad_input_exits_two() {
    for args in [
        &["audit", "--demo", "--account", "12345"][..],
        &["audit", "--demo", "--account", "999999999999"][..],
        &["audit", "--demo", "--now", "yesterday"][..],
        &["audit", "--demo", "--config", "/nonexistent/iamwatch.toml"][..],
        &["audit"][..],
    ] {
        let output = iamwatch(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).starts_with("error: "),
            "{args:?}"
        );
    }
}

/// The store gives the same report as the demo built in memory, with the demo's configuration
/// file; `--at` audits the state at a past time; an empty or missing store says what to do.
#[test]
fn the_store_audits_like_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let config = dir.path().join("iamwatch-demo.toml");
    let db_arg = db.to_str().unwrap();
    let config_arg = config.to_str().unwrap();
    let written = iamwatch(&["demo", "--db", db_arg, "--config-out", config_arg]);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let from_demo = iamwatch(&["audit", "--demo", "--format", "json"]);
    let from_store = iamwatch(&[
        "audit",
        "--db",
        db_arg,
        "--config",
        config_arg,
        "--now",
        "2026-11-01T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(
        from_store.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&from_store.stderr)
    );
    let demo: Value = serde_json::from_slice(&from_demo.stdout).unwrap();
    let store: Value = serde_json::from_slice(&from_store.stdout).unwrap();
    assert_eq!(demo["findings"], store["findings"]);
    assert_eq!(demo["evaluations"], store["evaluations"]);
    assert_eq!(demo["summary"], store["summary"]);

    // `--at` before the demo's snapshots were taken: nothing to audit, and it says so.
    let early = iamwatch(&["audit", "--db", db_arg, "--at", "2026-01-01T00:00:00Z"]);
    assert_eq!(early.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("no snapshot taken at or before"),
        "{early:?}"
    );
    // `--at` after: the same state, and "now" defaults to that time.
    let at = iamwatch(&[
        "audit",
        "--db",
        db_arg,
        "--config",
        config_arg,
        "--at",
        "2026-11-01T00:00:00Z",
        "--format",
        "json",
    ]);
    let at: Value = serde_json::from_slice(&at.stdout).unwrap();
    assert_eq!(at["findings"], demo["findings"]);
    assert_eq!(at["generated_at"], "2026-11-01T00:00:00Z");

    let missing = dir.path().join("absent.db");
    let missing = iamwatch(&["audit", "--db", missing.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("no store at") && stderr.contains("iamwatch import"),
        "{stderr}"
    );
    assert!(!dir.path().join("absent.db").exists(), "nothing created");
}

/// Export files audit without a store; a bad file names itself and exits 2.
#[test]
fn export_files_audit_without_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let gaad = dir.path().join("gaad.json");
    std::fs::write(
        &gaad,
        r#"{
  "UserDetailList": [],
  "GroupDetailList": [],
  "RoleDetailList": [{
    "Path": "/", "RoleName": "wide-open", "RoleId": "AROAEXAMPLEWIDEOPEN01",
    "Arn": "arn:aws:iam::111111111111:role/wide-open",
    "CreateDate": "2020-01-01T00:00:00Z",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
    "InstanceProfileList": [], "RolePolicyList": [
      {"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}],
    "AttachedManagedPolicies": [], "Tags": [], "RoleLastUsed": {}
  }],
  "Policies": []
}"#,
    )
    .unwrap();
    let output = iamwatch(&[
        "audit",
        gaad.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        "2026-11-01T00:00:00Z",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule_id"].as_str().unwrap())
        .collect();
    for rule in [
        "trust-public-principal",
        "principal-effective-admin",
        "policy-allows-all-actions",
        "iam-role-unused",
    ] {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    assert!(!dir.path().join("iamwatch.db").exists());

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"UserDetailList\": [").unwrap();
    let output = iamwatch(&["audit", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("bad.json"),
        "{output:?}"
    );
}
