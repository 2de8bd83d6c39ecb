//! `iamwatch lint` end to end: exit codes, formats, and errors on bad input.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn iamwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamwatch"))
        .args(args)
        .output()
        .unwrap()
}

fn example(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies");
    root.join(name).display().to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn clean_policy_exits_zero() {
    let output = iamwatch(&["lint", &example("s3-read-only.json")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("1 file linted (as identity): 0 errors, 0 warnings"));
}

#[test]
fn warnings_fail_only_when_asked() {
    let file = example("risky-admin.json");
    let output = iamwatch(&["lint", &file]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("risky-admin.json:13:34: warning[unknown-action] `iam:GetRoel` is not an action of `iam` (at Statement[1].Action[1])"), "{text}");
    assert!(text.contains("help: did you mean `iam:GetRole`?"));
    let output = iamwatch(&["lint", "--fail-on", "warning", &file]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn trust_policies_are_detected() {
    let output = iamwatch(&["lint", &example("trust-github-oidc.json")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("(as trust)"));
}

#[test]
fn explicit_type_changes_the_rules() {
    // An identity policy linted as a resource policy lacks `Principal`: an error.
    let output = iamwatch(&["lint", "--type", "resource", &example("s3-read-only.json")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[principal-missing]"));
}

#[test]
fn json_output_is_stable() {
    let output = iamwatch(&["lint", "--format", "json", &example("risky-admin.json")]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    let file = &report["files"][0];
    assert_eq!(file["policy_type"], "identity");
    assert!(file["parse_error"].is_null());
    let finding = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unknown-action")
        .unwrap();
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["path"], "Statement[1].Action[1]");
    assert_eq!(finding["line"], 13);
    assert_eq!(finding["column"], 34);
    assert_eq!(finding["help"], "did you mean `iam:GetRole`?");
}

#[test]
fn sarif_output_has_rules_and_locations() {
    let output = iamwatch(&["lint", "--format", "sarif", &example("risky-admin.json")]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "unknown-action"));
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "unknown-action")
        .unwrap();
    assert_eq!(result["level"], "warning");
    let location = &result["locations"][0];
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 13);
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "Statement[1].Action[1]"
    );
}

#[test]
fn a_document_that_does_not_parse_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}\n",
    )
    .unwrap();
    let output = iamwatch(&["lint", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("broken.json:3:28: error[parse]"), "{text}");
    assert!(text.contains("Statement[0].Effect"), "{text}");
    assert!(text.contains("1 file did not parse"));
}

#[test]
fn an_unreadable_file_exits_two() {
    let output = iamwatch(&["lint", "/nonexistent/policy.json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("cannot read `/nonexistent/policy.json`"),
        "{stderr}"
    );
}

#[test]
fn help_teaches() {
    let output = iamwatch(&["lint", "--help"]);
    let text = stdout(&output);
    for flag in [
        "--type",
        "--format",
        "--fail-on",
        "Examples:",
        "Exit codes:",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
}
