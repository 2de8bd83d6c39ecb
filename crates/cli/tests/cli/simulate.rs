//! `iamwatch simulate` end to end: verdicts and exit codes, every kind of policy, context keys,
//! the matrix, the JSON shape, `--compare`, the session size limit and bad input.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/job-42";

/// A temporary directory that holds the policy files of one test and runs `iamwatch` in it, so
/// that policies are reported under short relative names.
struct Sandbox {
    dir: TempDir,
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Sandbox {
    fn new() -> Self {
        let sandbox = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        sandbox.write("app.json", APP);
        sandbox
    }

    fn write(&self, name: &str, contents: &str) {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, contents).unwrap();
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_iamwatch"))
            .arg("simulate")
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("IAMWATCH_DB")
            .output()
            .unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

/// The role's identity policy: reads and writes under `b/`, deletes only from the office
/// network.
const APP: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadWrite",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      "Resource": "arn:aws:s3:::b/*"
    },
    {
      "Sid": "NoDeleteOutsideOffice",
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*",
      "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    }
  ]
}
"#;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/simulate")
}

#[test]
fn an_allowed_request_exits_zero() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .starts_with("ALLOWED  s3:GetObject on arn:aws:s3:::b/k\n"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("Allow  identity  app.json Statement[0] (Sid ReadWrite)"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("1 request by `{ROLE}`: 1 allowed, 0 denied"))
    );
}

#[test]
fn an_implicit_deny_exits_one_unless_exit_zero() {
    let sandbox = Sandbox::new();
    let args = [
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:ListBucket",
        "--resource",
        "arn:aws:s3:::b",
    ];
    let run = sandbox.run(&args);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .starts_with("DENIED   s3:ListBucket on arn:aws:s3:::b\n")
    );
    assert!(
        run.stdout
            .contains("denied by: identity (implicit deny: no applicable Allow)")
    );
    assert!(
        run.stdout
            .contains("why: no identity-based policy allows the request")
    );

    let mut with_exit_zero = args.to_vec();
    with_exit_zero.push("--exit-zero");
    let run = sandbox.run(&with_exit_zero);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with("DENIED"));
}

#[test]
fn an_explicit_deny_names_the_gate_and_the_statement() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--context",
        "aws:SourceIp=198.51.100.7",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    insta::assert_snapshot!("explicit_deny_text", run.stdout);

    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--context",
        "aws:SourceIp=198.51.100.7",
        "--format",
        "json",
    ]);
    let result = &run.json()["results"][0];
    assert_eq!(result["decision"], "ExplicitlyDenied");
    assert_eq!(result["blocking_gate"], "identity");
    let deny = result["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["effect"] == "Deny")
        .unwrap();
    assert_eq!(deny["policy"], "app.json");
    assert_eq!(deny["index"], 1);
    assert_eq!(deny["sid"], "NoDeleteOutsideOffice");
}

#[test]
fn a_single_context_key_decides_a_condition() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--context",
        "aws:SourceIp=203.0.113.5",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let result = &run.json()["results"][0];
    assert_eq!(result["decision"], "Allowed");
    assert_eq!(result["missing_context_keys"], Value::Array(vec![]));
}

#[test]
fn a_missing_context_key_is_reported() {
    let sandbox = Sandbox::new();
    let base = [
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ];
    // `NotIpAddress` matches a request without `aws:SourceIp`, so the Deny applies.
    let run = sandbox.run(&base);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains("missing context keys: aws:SourceIp"),
        "{run:?}"
    );
    let mut json = base.to_vec();
    json.extend(["--format", "json"]);
    let run = sandbox.run(&json);
    assert_eq!(
        run.json()["results"][0]["missing_context_keys"],
        serde_json::json!(["aws:SourceIp"])
    );
}

#[test]
fn multivalued_context_keys() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "tagging.json",
        r#"{"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}}]}"#,
    );
    let run_with = |context: &str| {
        sandbox.run(&[
            "--principal",
            ROLE,
            "--identity-policy",
            "tagging.json",
            "--action",
            "ec2:CreateTags",
            "--resource",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
            "--context",
            context,
        ])
    };
    assert_eq!(run_with("aws:TagKeys=[env,team]").code, Some(0));
    assert_eq!(run_with(r#"aws:TagKeys=["env","team"]"#).code, Some(0));
    // A plain value of a multivalued key is a one-value set.
    assert_eq!(run_with("aws:TagKeys=env").code, Some(0));
    let run = run_with("aws:TagKeys=[env,owner]");
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("denied by: identity"));
}

#[test]
fn the_matrix_is_every_action_on_every_resource() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--resource",
        "arn:aws:s3:::other/k",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    let pairs: Vec<(String, String, bool)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["resource"].as_str().unwrap().to_owned(),
                r["allowed"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("s3:GetObject", "arn:aws:s3:::b/k", true),
        ("s3:GetObject", "arn:aws:s3:::other/k", false),
        ("s3:PutObject", "arn:aws:s3:::b/k", true),
        ("s3:PutObject", "arn:aws:s3:::other/k", false),
    ]
    .map(|(a, r, allowed)| (a.to_owned(), r.to_owned(), allowed));
    assert_eq!(pairs, expected);
    assert_eq!(
        json["summary"],
        serde_json::json!({"requests": 4, "allowed": 2, "denied": 2})
    );
}

#[test]
fn the_json_shape_is_stable() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:getobject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    ]);
    let json = run.json();
    let keys =
        |value: &Value| -> Vec<String> { value.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&json),
        [
            "schema_version",
            "principal",
            "summary",
            "warnings",
            "notes",
            "results"
        ]
    );
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["principal"], ROLE);
    let result = &json["results"][0];
    assert_eq!(
        keys(result),
        [
            "action",
            "known_action",
            "resource",
            "decision",
            "allowed",
            "blocking_gate",
            "gates",
            "statements",
            "missing_context_keys",
            "notes"
        ]
    );
    // The action is spelled as the service reference spells it.
    assert_eq!(result["action"], "s3:GetObject");
    assert_eq!(result["known_action"], true);
    let gates: Vec<&str> = result["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["gate"].as_str().unwrap())
        .collect();
    assert_eq!(
        gates,
        [
            "scp", "rcp", "vpce", "resource", "identity", "boundary", "session"
        ]
    );
    assert_eq!(keys(&result["gates"][0]), ["gate", "outcome", "note"]);
    assert_eq!(result["gates"][0]["outcome"], "absent");
    assert_eq!(result["gates"][4]["outcome"], "allowed");
    assert_eq!(
        keys(&result["statements"][0]),
        ["gate", "policy", "level", "index", "sid", "effect", "grant"]
    );
}

#[test]
fn an_scp_tree_blocks_with_the_gate_scp() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "org/tree.json",
        r#"{"levels": [
            {"target": "r-ab12", "policies": [{"name": "FullAWSAccess"}]},
            {"target": "ou-ab12-11111111", "policies": [
                {"name": "FullAWSAccess"},
                {"name": "NoDeletes", "file": "scps/no-deletes.json"}]},
            {"target": "111122223333", "policies": [{"name": "FullAWSAccess"}]}
        ]}"#,
    );
    sandbox.write(
        "org/scps/no-deletes.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "NoDeletes", "Effect": "Deny",
            "Action": "s3:DeleteObject", "Resource": "*"}]}"#,
    );
    let args = [
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--scp-tree",
        "org/tree.json",
        "--context",
        "aws:SourceIp=203.0.113.5",
        "--action",
        "s3:DeleteObject",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ];
    let run = sandbox.run(&args);
    assert_eq!(run.code, Some(1), "{run:?}");
    insta::assert_snapshot!("scp_tree_text", run.stdout);

    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    let json = sandbox.run(&json).json();
    let delete = &json["results"][0];
    assert_eq!(delete["decision"], "ExplicitlyDenied");
    assert_eq!(delete["blocking_gate"], "scp");
    let deny = delete["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["effect"] == "Deny")
        .unwrap();
    assert_eq!(deny["gate"], "scp");
    assert_eq!(deny["policy"], "NoDeletes");
    assert_eq!(deny["level"], "ou-ab12-11111111");
    assert_eq!(json["results"][1]["decision"], "Allowed");

    // The management account is not affected by SCPs.
    let mut management = args.to_vec();
    management.push("--management-account");
    let run = sandbox.run(&management);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("scp       exempt (SCPs do not affect the management account)")
    );
}

#[test]
fn an_scp_level_without_allow_is_an_implicit_deny() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "tree.json",
        r#"{"levels": [
            {"target": "r-ab12", "policies": [{"name": "FullAWSAccess"}]},
            {"target": "ou-ab12-11111111", "policies": [{"name": "OnlyEc2", "document":
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}}]}
        ]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--scp-tree",
        "tree.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("denied by: scp (implicit deny: no applicable Allow)")
    );
    assert!(
        run.stdout
            .contains("scp       no allow (no Allow at `ou-ab12-11111111`)")
    );
}

#[test]
fn the_shipped_examples_work() {
    let examples = examples();
    let run = Sandbox::new().run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        &examples.join("app-role.json").display().to_string(),
        "--scp-tree",
        &examples.join("scp-tree.json").display().to_string(),
        "--rcp-tree",
        &examples.join("rcp-tree.json").display().to_string(),
        "--principal-org-id",
        "o-a1b2c3d4e5",
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::app-data/k",
        "--resource",
        "arn:aws:s3:::audit-logs/k",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    assert_eq!(json["results"][0]["decision"], "Allowed");
    assert_eq!(json["results"][1]["blocking_gate"], "scp");
}

#[test]
fn a_boundary_limits_the_identity_policies() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "boundary.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--boundary",
        "boundary.json",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    assert_eq!(json["results"][0]["decision"], "Allowed");
    assert_eq!(json["results"][1]["decision"], "ImplicitlyDenied");
    assert_eq!(json["results"][1]["blocking_gate"], "boundary");
}

#[test]
fn a_session_policy_scopes_the_session_down() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "scope.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReportsOnly", "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/reports/*"}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        SESSION,
        "--identity-policy",
        "app.json",
        "--session-policy",
        "scope.json",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/reports/q1.csv",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    insta::assert_snapshot!("session_policy_text", run.stdout);
}

#[test]
fn a_vpc_endpoint_policy_is_one_more_gate() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "vpce.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow",
            "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--vpc-endpoint-policy",
        "vpce.json",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    assert_eq!(json["results"][0]["decision"], "Allowed");
    assert_eq!(json["results"][1]["blocking_gate"], "vpce");
}

#[test]
fn a_cross_account_request_needs_the_resource_policy() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "partner.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    sandbox.write(
        "bucket.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "PartnerRead", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        "arn:aws:iam::444455556666:user/pat",
        "--identity-policy",
        "partner.json",
        "--resource-policy",
        "bucket.json",
        "--resource-account",
        "111122223333",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::shared/x",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    let get = &json["results"][0];
    assert_eq!(get["decision"], "Allowed");
    let grant = get["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["gate"] == "resource")
        .unwrap();
    assert_eq!(grant["sid"], "PartnerRead");
    assert_eq!(grant["grant"], "account");
    let put = &json["results"][1];
    assert_eq!(put["decision"], "ImplicitlyDenied");
    assert_eq!(put["blocking_gate"], "resource");
}

#[test]
fn a_role_trust_policy_is_recognised_from_the_resource() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "trust.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "x1"}}}]}"#,
    );
    let args = [
        "--principal",
        "arn:aws:iam::111122223333:role/ci",
        "--no-identity-policies",
        "--resource-policy",
        "trust.json",
        "--action",
        "sts:AssumeRole",
        "--resource",
        "arn:aws:iam::111122223333:role/deploy",
    ];
    let run = sandbox.run(&args);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("resource  no allow (role trust policy)"),
        "{run:?}"
    );
    assert!(run.stdout.contains("missing context keys: sts:ExternalId"));
    let mut with_id = args.to_vec();
    with_id.extend(["--context", "sts:ExternalId=x1"]);
    assert_eq!(sandbox.run(&with_id).code, Some(0));
}

#[test]
fn a_managed_policy_arn_is_read_from_the_catalog() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    assert_eq!(json["results"][0]["decision"], "Allowed");
    assert_eq!(
        json["results"][0]["statements"][0]["policy"],
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    assert_eq!(json["results"][1]["decision"], "ImplicitlyDenied");

    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "arn:aws:iam::aws:policy/readonlyaccess",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("did you mean `arn:aws:iam::aws:policy/ReadOnlyAccess`?"),
        "{run:?}"
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "arn:aws:iam::111122223333:policy/mine",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("customer managed policy"), "{run:?}");
}

#[test]
fn wildcard_actions_expand_from_the_catalog() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:GetObjectT*",
        "--resource",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    ]);
    let actions: Vec<String> = run.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["s3:GetObjectTagging", "s3:GetObjectTorrent"]);
}

#[test]
fn actions_from_a_file() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "actions.txt",
        "# seen in CloudTrail\ns3:GetObject\n\n  s3:PutObject  # nightly\ns3:GetObject\n",
    );
    sandbox.write("actions.json", r#"["s3:GetObject", "s3:ListBucket"]"#);
    for (file, expected) in [
        ("actions.txt", vec!["s3:GetObject", "s3:PutObject"]),
        ("actions.json", vec!["s3:GetObject", "s3:ListBucket"]),
    ] {
        let run = sandbox.run(&[
            "--principal",
            ROLE,
            "--identity-policy",
            "app.json",
            "--actions-from",
            file,
            "--format",
            "json",
        ]);
        let actions: Vec<String> = run.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(actions, expected, "{run:?}");
    }
}

#[test]
fn compare_lists_the_requests_whose_decision_changes() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "new.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}"#,
    );
    sandbox.write("actions.txt", "s3:GetObject\ns3:PutObject\ns3:ListBucket\n");
    let args = [
        "--principal",
        ROLE,
        "--compare",
        "app.json",
        "new.json",
        "--actions-from",
        "actions.txt",
        "--resource",
        "arn:aws:s3:::b/k",
    ];
    let run = sandbox.run(&args);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("LOST     s3:PutObject on arn:aws:s3:::b/k"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("GAINED   s3:ListBucket on arn:aws:s3:::b/k"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("s3:GetObject on"), "{run:?}");

    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    let json = sandbox.run(&json).json();
    assert_eq!(json["compare_as"], "identity");
    assert_eq!(
        json["summary"],
        serde_json::json!({"requests": 3, "changed": 2, "gained": 1, "lost": 1, "deny_kind": 0})
    );
    let changes: Vec<(&str, &str)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [("s3:PutObject", "lost"), ("s3:ListBucket", "gained")]
    );
    assert_eq!(json["changes"][0]["old"]["decision"], "Allowed");
    assert_eq!(json["changes"][0]["new"]["blocking_gate"], "identity");

    // The same policy on both sides changes nothing: exit 0.
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--compare",
        "app.json",
        "app.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("no decision changes"));
}

#[test]
fn compare_as_session_scopes_the_principal_down() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "wide.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    sandbox.write(
        "narrow.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        SESSION,
        "--identity-policy",
        "app.json",
        "--compare-as",
        "session",
        "--compare",
        "wide.json",
        "narrow.json",
        "--action",
        "s3:GetObject",
        "--action",
        "s3:PutObject",
        "--action",
        "s3:ListBucket",
        "--resource",
        "arn:aws:s3:::b/k",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let json = run.json();
    assert_eq!(json["compare_as"], "session");
    // ListBucket is denied either way (the identity policy does not grant it).
    assert_eq!(json["summary"]["changed"], 1);
    assert_eq!(json["changes"][0]["action"], "s3:PutObject");
    assert_eq!(json["changes"][0]["new"]["blocking_gate"], "session");

    // Inline session policies and session candidates exclude each other.
    let run = sandbox.run(&[
        "--principal",
        SESSION,
        "--identity-policy",
        "app.json",
        "--session-policy",
        "wide.json",
        "--compare-as",
        "session",
        "--compare",
        "wide.json",
        "narrow.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn session_policies_over_the_sts_limit_are_refused() {
    let sandbox = Sandbox::new();
    let statements: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-{i}/*"}}"#
            )
        })
        .collect();
    sandbox.write(
        "big.json",
        &format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(",\n")
        ),
    );
    let run = sandbox.run(&[
        "--principal",
        SESSION,
        "--identity-policy",
        "app.json",
        "--session-policy",
        "big.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("error: the session policies are "),
        "{run:?}"
    );
    assert!(run.stderr.contains("STS refuses more than 2048"), "{run:?}");
    assert!(run.stderr.contains("AssumeRole"), "{run:?}");

    // Two inline session policies: STS takes one.
    sandbox.write(
        "small.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        SESSION,
        "--identity-policy",
        "app.json",
        "--session-policy",
        "small.json",
        "--session-policy",
        "small.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("STS takes one inline session policy"));
}

#[test]
fn a_policy_that_does_not_parse_is_reported_with_its_position() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "bad.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}\n  ]\n}\n",
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "bad.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: bad.json:4:16: the policy does not parse: invalid effect `allow` (at \
         Statement[0].Effect; expected `Allow` or `Deny`)\n  help: `Effect` is case-sensitive: \
         write `Allow`\n"
    );
}

#[test]
fn a_policy_inside_a_tree_file_is_reported_at_its_place_in_the_file() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "tree.json",
        "{\"levels\": [\n  {\"target\": \"r-ab12\", \"policies\": [\n    {\"name\": \"x\", \"document\": {\"Statement\": {\"Effect\": \"Allow\", \"Action\": 3}}}\n  ]}\n]}\n",
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--scp-tree",
        "tree.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("error: tree.json:3:75: "), "{run:?}");
    assert!(
        run.stderr
            .contains("(at levels[0].policies[0].document.Statement.Action"),
        "{run:?}"
    );

    sandbox.write(
        "typo.json",
        r#"{"levels": [{"target": "r", "polices": []}]}"#,
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--scp-tree",
        "typo.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("unknown field `polices`"), "{run:?}");
}

#[test]
fn url_encoded_policy_files_are_read() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "encoded.txt",
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
    );
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "encoded.txt",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
}

#[test]
fn bad_input_exits_two() {
    let sandbox = Sandbox::new();
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "missing.json",
                "--action",
                "s3:GetObject",
            ],
            "error: cannot read `missing.json`",
        ),
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "app.json",
                "--action",
                "s3:GetObject",
                "--context",
                "aws:SourceIp",
            ],
            "error: --context: `aws:SourceIp` has no `=`",
        ),
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "app.json",
                "--action",
                "s3:GetObject",
                "--context",
                "aws:TagKeys=[a,b",
            ],
            "error: --context: the list of `aws:TagKeys` has no closing `]`",
        ),
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "app.json",
                "--action",
                "s3:GetObject",
                "--context",
                "SourceIp=1.2.3.4",
            ],
            "error: --context: `SourceIp` is not a condition key",
        ),
        (
            &[
                "--principal",
                "bob",
                "--identity-policy",
                "app.json",
                "--action",
                "s3:GetObject",
            ],
            "error: --principal: `bob` is not a principal",
        ),
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "app.json",
                "--action",
                "s3:GetObject",
                "--resource",
                "bucket/key",
            ],
            "error: `bucket/key` does not start with `arn:`",
        ),
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "app.json",
                "--action",
                "GetObject",
            ],
            "error: `GetObject` is not an action",
        ),
        (
            &[
                "--principal",
                ROLE,
                "--identity-policy",
                "app.json",
                "--action",
                "s3:GetObject",
                "--resource-account",
                "1234",
            ],
            "error: --resource-account: `1234` is not an account ID",
        ),
    ];
    for (args, expected) in cases {
        let run = sandbox.run(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(run.stderr.starts_with(expected), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
    }
}

#[test]
fn a_principal_alone_without_a_store_says_how() {
    let run = Sandbox::new().run(&["--principal", ROLE, "--action", "s3:GetObject"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.starts_with(&format!(
            "error: no --identity-policy was given, so iamwatch looks up `{ROLE}` in the store, \
             and there is no store at `iamwatch.db`"
        )),
        "{run:?}"
    );
    assert!(run.stderr.contains("--identity-policy"));
    assert!(run.stdout.is_empty());
}

/// With the demo organization in a store, `--principal` alone takes the principal's policies,
/// boundary and SCPs, and each resource's policy and RCPs, from the store.
#[test]
fn a_principal_alone_takes_its_policies_from_the_store() {
    let sandbox = Sandbox::new();
    let demo = Command::new(env!("CARGO_BIN_EXE_iamwatch"))
        .args(["demo", "--db", "demo.db"])
        .current_dir(sandbox.dir.path())
        .env_remove("IAMWATCH_DB")
        .output()
        .unwrap();
    assert!(demo.status.success(), "{demo:?}");
    let decision = |args: &[&str]| {
        let mut all = vec!["--db", "demo.db", "--format", "json", "--exit-zero"];
        all.extend_from_slice(args);
        let run = sandbox.run(&all);
        assert_eq!(run.code, Some(0), "{run:?}");
        run.json()
    };
    // AdministratorAccess held back by the role's permissions boundary (the store's).
    let bounded = decision(&[
        "--principal",
        "arn:aws:iam::210987654321:role/bounded-admin",
        "--action",
        "iam:CreateUser",
    ]);
    assert_eq!(bounded["results"][0]["allowed"], false, "{bounded}");
    assert_eq!(
        bounded["results"][0]["blocking_gate"], "boundary",
        "{bounded}"
    );
    assert!(
        bounded["notes"][0]
            .as_str()
            .unwrap()
            .contains("from the store `demo.db`"),
        "{bounded}"
    );
    // The region-restriction SCP over the prod OU, from the store's organization.
    let reporting = |action: &str, region: &str| {
        let region = format!("aws:RequestedRegion={region}");
        decision(&[
            "--principal",
            "arn:aws:iam::123456789012:role/reporting",
            "--action",
            action,
            "--resource",
            "arn:aws:s3:::example-prod-reports/daily.csv",
            "--context",
            &region,
            "--context",
            "aws:SecureTransport=true",
        ])
    };
    let allowed = reporting("s3:GetObject", "us-east-1");
    assert_eq!(allowed["results"][0]["allowed"], true, "{allowed}");
    let gates = allowed["results"][0]["gates"].as_array().unwrap();
    let gate = |name: &str| {
        gates
            .iter()
            .find(|gate| gate["gate"] == name)
            .map(|gate| gate["outcome"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        gate("rcp").as_deref(),
        Some("allowed"),
        "RCPs from the store"
    );
    assert_ne!(
        gate("resource").as_deref(),
        Some("absent"),
        "the bucket policy from the store"
    );
    let outside = reporting("s3:GetObject", "ap-southeast-2");
    assert_eq!(outside["results"][0]["blocking_gate"], "scp", "{outside}");
    let write = reporting("s3:PutObject", "us-east-1");
    assert_eq!(write["results"][0]["allowed"], false, "{write}");
    // A role session resolves to its role; a flag given beside the store replaces its part.
    let session = decision(&[
        "--principal",
        "arn:aws:sts::210987654321:assumed-role/bounded-admin/alice",
        "--action",
        "iam:CreateUser",
        "--boundary",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    ]);
    assert_eq!(session["results"][0]["allowed"], true, "{session}");
    // Only the principal's account and the organization load here (no resource in another
    // account): the sandbox OU's SCP still denies.
    let sandboxed = decision(&[
        "--principal",
        "arn:aws:sts::333333333333:assumed-role/public-demo/s1",
        "--action",
        "iam:CreateUser",
    ]);
    assert_eq!(
        sandboxed["results"][0]["blocking_gate"], "scp",
        "{sandboxed}"
    );
    // A principal the store does not have.
    let missing = sandbox.run(&[
        "--db",
        "demo.db",
        "--principal",
        "arn:aws:iam::210987654321:role/no-such-role",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(missing.code, Some(2), "{missing:?}");
    assert!(
        missing.stderr.contains("is not in the inventory"),
        "{missing:?}"
    );
}

#[test]
fn unknown_actions_and_keys_are_warned_about() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "--principal",
        ROLE,
        "--identity-policy",
        "app.json",
        "--action",
        "s3:GetObjekt",
        "--context",
        "aws:SourceIpp=1.2.3.4",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("warning: `s3:GetObjekt` is not in the bundled service reference")
    );
    assert!(run.stderr.contains("warning: context key `aws:SourceIpp`"));
    let json = run.json();
    assert_eq!(json["warnings"].as_array().unwrap().len(), 2);
    assert_eq!(json["results"][0]["known_action"], false);
}

#[test]
fn help_teaches_with_examples() {
    let output = Command::new(env!("CARGO_BIN_EXE_iamwatch"))
        .args(["simulate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0));
    for needle in [
        "--scp-tree",
        "--compare-as",
        "key=[a,b]",
        "Examples:",
        "Exit codes: 0 every request allowed",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}
