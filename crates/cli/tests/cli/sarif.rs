//! The SARIF that `iamwatch lint` and `iamwatch audit` write is valid against the OASIS SARIF
//! 2.1.0 JSON schema (issue 3).
//!
//! The schema comes from npm: `lib/schemas/sarif-2.1.0-rtm.5.json` of @microsoft/jest-sarif
//! 1.0.0-beta.0 (MIT), checked with ajv 6.12.6 (MIT); both are pinned by
//! `tests/oracle/package-lock.json` and run by `tests/oracle/sarif-validate.mjs`, which says how
//! that copy compares with OASIS's `sarif-schema-2.1.0.json`. Without them the tests fail, saying
//! which install step is missing.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]
#![expect(
    clippy::panic,
    reason = "a missing validator fails the test, saying how to install it"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const INSTALL: &str = "install it with `npm ci --prefix tests/oracle` from the repository root";

/// Where `tests/oracle/package.json` installs the schema.
const SCHEMA: &str = "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json";

fn iamwatch(args: &[&str], dir: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamwatch"));
    command.args(args).env("NO_COLOR", "1");
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().unwrap()
}

/// The SARIF log on `iamwatch`'s standard output (exit 0, or 1 for findings that fail the run).
fn sarif(args: &[&str], dir: Option<&Path>) -> Value {
    let output = iamwatch(args, dir);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{args:?}: {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn example(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies");
    root.join(name).display().to_string()
}

/// `tests/oracle`, once Node and the validator's packages are known to be there.
fn oracle() -> PathBuf {
    let oracle = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oracle");
    if Command::new("node").arg("--version").output().is_err() {
        panic!(
            "the SARIF schema test needs `node` (Node.js 20 or later) on PATH, and the schema: {INSTALL}"
        );
    }
    for (file, what) in [
        (
            SCHEMA,
            "the SARIF 2.1.0 schema (npm package @microsoft/jest-sarif 1.0.0-beta.0)",
        ),
        (
            "node_modules/ajv/package.json",
            "the JSON-schema validator (npm package ajv 6.12.6)",
        ),
    ] {
        assert!(
            oracle.join(file).is_file(),
            "{what} is not installed in tests/oracle/node_modules: {INSTALL}"
        );
    }
    oracle
}

/// Validates each log against the schema: `Ok` if all are valid, else the validator's report.
fn validate(logs: &[(&str, &Value)]) -> Result<(), String> {
    let oracle = oracle();
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new("node");
    command
        .arg(oracle.join("sarif-validate.mjs"))
        .current_dir(&oracle);
    for (name, log) in logs {
        let path = dir.path().join(format!("{name}.sarif"));
        std::fs::write(&path, serde_json::to_vec(log).unwrap()).unwrap();
        command.arg(path);
    }
    let output = command.output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    match output.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(report),
        _ => panic!(
            "the SARIF validator did not run ({:?}): {}{report}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn results(log: &Value) -> &Vec<Value> {
    log.pointer("/runs/0/results").unwrap().as_array().unwrap()
}

#[test]
fn lint_sarif_is_valid() {
    let findings = sarif(
        &["lint", "--format", "sarif", &example("risky-admin.json")],
        None,
    );
    assert!(!results(&findings).is_empty());
    let clean = sarif(
        &["lint", "--format", "sarif", &example("s3-read-only.json")],
        None,
    );
    assert!(results(&clean).is_empty());

    // Relative paths that a URI must escape, and a document that does not parse.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        example("risky-admin.json"),
        dir.path().join("my policies #1 100%.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\n  \"Statement\": [{\"Effect\": \"Permit\"}]\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.json"), "").unwrap();
    let escaped = sarif(
        &["lint", "--format", "sarif", "my policies #1 100%.json"],
        Some(dir.path()),
    );
    let uri = &results(&escaped)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "my%20policies%20%231%20100%25.json");
    let broken = sarif(
        &["lint", "--format", "sarif", "broken.json", "empty.json"],
        Some(dir.path()),
    );
    assert!(results(&broken).iter().all(|r| r["ruleId"] == "parse"));
    assert_eq!(results(&broken).len(), 2);

    let logs = [
        ("findings", &findings),
        ("clean", &clean),
        ("escaped", &escaped),
        ("broken", &broken),
    ];
    if let Err(report) = validate(&logs) {
        panic!("iamwatch lint wrote SARIF that the schema rejects:\n{report}");
    }
}

#[test]
fn audit_sarif_is_valid() {
    let log = sarif(&["audit", "--demo", "--format", "sarif"], None);
    assert!(!results(&log).is_empty());
    if let Err(report) = validate(&[("audit", &log)]) {
        panic!("iamwatch audit --demo wrote SARIF that the schema rejects:\n{report}");
    }
}

/// A name, and what breaks a valid log.
type Breakage = (&'static str, fn(&mut Value));

/// The validator is no rubber stamp: a valid log, broken in ways the schema forbids, is rejected.
#[test]
fn the_validator_rejects_broken_sarif() {
    let valid = sarif(
        &["lint", "--format", "sarif", &example("risky-admin.json")],
        None,
    );
    validate(&[("valid", &valid)]).unwrap();

    let breakages: [Breakage; 4] = [
        ("fatal-level", |log| {
            log["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("line-0", |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into();
        }),
        ("uri-with-a-space", |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"] = "my policies/a.json".into();
        }),
        ("version-2.0.0", |log| log["version"] = "2.0.0".into()),
    ];
    for (name, breakage) in breakages {
        let mut log = valid.clone();
        breakage(&mut log);
        let report = validate(&[(name, &log)]).unwrap_err();
        assert!(
            report.contains(&format!("{name}.sarif: invalid")),
            "{report}"
        );
    }
}
