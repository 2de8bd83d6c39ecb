//! `iamwatch collect` end to end against moto's server on 127.0.0.1: collect into a store and
//! query it; an account whose role cannot be assumed makes the run partial (exit 3) while the
//! others land; bad flags are refused before anything is called.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]

use std::path::{Path, PathBuf};
use std::process::Command;

use iamwatch_collect_testkit::moto::Moto;
use iamwatch_collect_testkit::proxy::{Faults, Proxy};
use iamwatch_collect_testkit::setup;
use serde_json::{Value, json};
use tempfile::TempDir;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
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

/// A temporary directory for the store, the run file and the managed-policy cache; the AWS
/// settings of the environment are replaced by moto's static test credentials.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `iamwatch ARGS` in the sandbox, with moto's static test credentials.
    fn command(&self, args: &[&str]) -> Command {
        let missing = self.path("no-such-aws-file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_iamwatch"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("IAMWATCH_DB", self.path("store.db"))
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", &missing)
            .env("AWS_SHARED_CREDENTIALS_FILE", &missing)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_ENDPOINT_URL");
        command
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// The arguments of `iamwatch collect` against `endpoint`, with the cache in the sandbox.
    fn collect_args<'a>(
        &self,
        endpoint: &'a str,
        cache: &'a str,
        extra: &[&'a str],
    ) -> Vec<&'a str> {
        let mut args = vec![
            "collect",
            "--endpoint-url",
            endpoint,
            "--region",
            setup::REGION,
            "--cache-dir",
            cache,
        ];
        args.extend_from_slice(extra);
        args
    }

    /// `iamwatch collect` against `endpoint`, with the cache in the sandbox.
    fn collect(&self, endpoint: &str, extra: &[&str]) -> Run {
        let cache = self.path("cache").display().to_string();
        self.run(&self.collect_args(endpoint, &cache, extra))
    }

    fn query(&self, db: &Path, sql: &str) -> Value {
        let db = db.display().to_string();
        let run = self.run(&["query", "--db", &db, "--format", "json", sql]);
        assert_eq!(run.code, Some(0), "{sql}: {run:?}");
        serde_json::from_str(&run.stdout).unwrap()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn collect_into_the_store_then_query() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let created = runtime().block_on(async {
        let config = setup::management(&endpoint).await;
        setup::populate(&config, "cli", 3).await
    });

    let sandbox = Sandbox::new();
    let run = sandbox.collect(&endpoint, &["--regions", setup::REGION, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["complete"], true, "{summary:#}");
    assert_eq!(summary["caller"], setup::MANAGEMENT);
    let account = &summary["accounts"][0];
    assert_eq!(account["result"], "collected", "{summary:#}");
    assert_eq!(
        account["by_api"]["iam:GetAccountAuthorizationDetails"]["calls"],
        1
    );
    // `--regions` names the regions: no DescribeRegions.
    assert_eq!(account["by_api"].get("ec2:DescribeRegions"), None);
    assert_eq!(account["by_api"]["kms:ListKeys"]["calls"], 1);
    // Logs go to stderr (not a terminal: structured lines), the summary alone to stdout.
    assert!(run.stderr.contains("account finished"), "{run:?}");

    // `IAMWATCH_DB` chose the store; `--db` reads the same file.
    let db = sandbox.path("store.db");
    let roles = sandbox.query(&db, "SELECT account_id, name FROM roles ORDER BY name");
    let expected: Vec<Value> = created
        .roles
        .iter()
        .map(|name| json!({"account_id": setup::MANAGEMENT, "name": name}))
        .collect();
    assert_eq!(roles, Value::Array(expected));
    let users = sandbox.query(&db, "SELECT name FROM users ORDER BY name");
    assert_eq!(users, json!([{"name": "cli-alice"}, {"name": "cli-bob"}]));
    let kinds = sandbox.query(&db, "SELECT kind FROM latest_snapshots ORDER BY kind");
    assert_eq!(
        kinds,
        json!([
            {"kind": "account_summary"},
            {"kind": "credential_report"},
            {"kind": "iam"},
            {"kind": "identity_providers"},
            {"kind": "password_policy"},
            {"kind": "resource_policies"}
        ])
    );
}

#[test]
fn a_failing_account_makes_the_run_partial() {
    let moto = Moto::start();
    let runtime = runtime();
    let (fixture, proxy) = runtime.block_on(async {
        let fixture = setup::organization(&moto.endpoint(), 2, 1).await;
        // AssumeRole into the second member is denied, as AWS denies it when the role is
        // missing or does not trust the caller.
        let proxy = Proxy::start(
            moto.port,
            Faults {
                deny_assume_role: vec![fixture.members[1].clone()],
                ..Faults::default()
            },
        )
        .await;
        (fixture, proxy)
    });
    let good = fixture.members[0].as_str();
    let denied = fixture.members[1].as_str();

    let sandbox = Sandbox::new();
    let db = sandbox.path("partial.db");
    let db_text = db.display().to_string();
    let run = sandbox.collect(
        &proxy.endpoint(),
        &["--org", "--no-resource-policies", "--db", &db_text],
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stdout.contains("2 of 3 accounts collected"), "{run:?}");
    assert!(
        run.stdout.contains("partial: run again with `--resume`"),
        "{run:?}"
    );
    let failed_line = run
        .stdout
        .lines()
        .find(|line| line.starts_with(denied))
        .unwrap();
    assert!(failed_line.contains("failed"), "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "error: account `{denied}`: cannot assume `arn:aws:iam::{denied}:role/OrganizationAccountAccessRole`"
        )) && run.stdout.contains("AccessDenied"),
        "{run:?}"
    );
    assert_eq!(
        proxy
            .stats
            .denied
            .load(std::sync::atomic::Ordering::Relaxed),
        1,
        "AccessDenied is not retried"
    );

    // `--db` chose the store; the organization and the other accounts are in it.
    let accounts = sandbox.query(
        &db,
        "SELECT DISTINCT account_id FROM roles ORDER BY account_id",
    );
    let mut expected = [setup::MANAGEMENT, good];
    expected.sort_unstable();
    let expected: Vec<Value> = expected
        .iter()
        .map(|id| json!({"account_id": id}))
        .collect();
    assert_eq!(accounts, Value::Array(expected));
    let members = sandbox.query(&db, "SELECT count(*) AS n FROM org_accounts");
    assert_eq!(members, json!([{"n": 3}]));
    assert!(!sandbox.path("store.db").exists());
}

#[test]
fn bad_flags_are_refused_before_any_call() {
    let sandbox = Sandbox::new();
    // Nothing listens on this endpoint: each refusal must come from the flags.
    let nowhere = "http://127.0.0.1:9";
    for (flags, message) in [
        (
            &["--max-rps", "iam:GetAccountSummary"][..],
            "write it as `service:Operation=N`",
        ),
        (
            &["--max-rps", "GetAccountSummary=2"][..],
            "name the API as `service:Operation`",
        ),
        (
            &["--max-rps", "iam:GetAccountSummary=-1"][..],
            "`-1` is not a positive number",
        ),
        (&["--accounts", "12345"][..], "12345"),
        (
            &["--managed-policy-ttl", "5x"][..],
            "the unit is one of s, m, h, d",
        ),
        (
            &["--org", "--accounts", "111111111111"][..],
            "cannot be used with",
        ),
        (&["--concurrency", "0"][..], "--concurrency"),
        (&["--log-format", "xml"][..], "possible values: text, json"),
    ] {
        let run = sandbox.collect(nowhere, flags);
        assert_eq!(run.code, Some(2), "{flags:?}: {run:?}");
        assert!(run.stderr.contains(message), "{flags:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{flags:?}: {run:?}");
    }
    assert!(!sandbox.path("store.db").exists());
}

/// Ctrl-C (SIGINT) mid-run stops cleanly: the accounts finished so far are in the store, the run
/// is reported partial (exit 3), and `--resume` finishes the others without collecting the
/// finished ones again.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes() {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let moto = Moto::start();
    let runtime = runtime();
    let proxy = runtime.block_on(async {
        setup::organization(&moto.endpoint(), 4, 1).await;
        // Every answer takes 150 ms, so the run lasts long enough to be interrupted mid-way.
        Proxy::start(
            moto.port,
            Faults {
                slow: 1.0,
                slow_delay: std::time::Duration::from_millis(150),
                ..Faults::default()
            },
        )
        .await
    });
    let endpoint = proxy.endpoint();
    let sandbox = Sandbox::new();
    let cache = sandbox.path("cache").display().to_string();
    let flags = ["--org", "--no-resource-policies", "--log-format", "json"];
    let mut child = sandbox
        .command(&sandbox.collect_args(&endpoint, &cache, &flags))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the first account has finished.
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let finished = line.contains("account finished");
        seen.push(line);
        if finished {
            break;
        }
    }
    assert!(
        seen.last().is_some_and(|l| l.contains("account finished")),
        "{seen:#?}"
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{rest:#?}");
    assert!(
        stdout.contains("partial: run again with `--resume`"),
        "{stdout}"
    );
    assert!(
        rest.iter().any(|line| line.contains("interrupted")),
        "{rest:#?}"
    );
    let db = sandbox.path("store.db");
    let integrity = sandbox.query(&db, "SELECT integrity_check FROM pragma_integrity_check");
    assert_eq!(integrity, json!([{"integrity_check": "ok"}]));
    let collected =
        "SELECT count(DISTINCT account_id) AS n FROM latest_snapshots WHERE kind = 'iam'";
    let before = sandbox.query(&db, collected);
    let before = before[0]["n"].as_u64().unwrap();
    assert!(
        (1..5).contains(&before),
        "{before} accounts before the interrupt"
    );

    let resumed = sandbox.collect(
        &endpoint,
        &[&flags[..], &["--resume", "--format", "json"]].concat(),
    );
    assert_eq!(resumed.code, Some(0), "{resumed:?}");
    let summary: Value = serde_json::from_str(&resumed.stdout).unwrap();
    let results: Vec<&str> = summary["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| account["result"].as_str().unwrap())
        .collect();
    let already = results.iter().filter(|r| **r == "already done").count();
    assert_eq!(already as u64, before, "{summary:#}");
    assert_eq!(results.len(), 5, "{summary:#}");
    let after = sandbox.query(&db, collected);
    assert_eq!(after, json!([{"n": 5}]));
}
