//! The store commands end to end: `import`, `query`, `schema`, `snapshots`, `diff`; duplicate
//! re-imports, refused writes, bad input that leaves the store as it was, and an import killed
//! mid-transaction.

#![expect(clippy::unwrap_used, reason = "a failed unwrap fails the test")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

const ACCOUNT: &str = "111122223333";

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

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

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap()
    }
}

/// A temporary directory holding one store, `IAMWATCH_DB` pointing at it.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_iamwatch"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("IAMWATCH_DB", self.db());
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

    fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, Some(0), "{args:?}: {run:?}");
        run
    }

    fn query_json(&self, sql: &str) -> Value {
        self.ok(&["query", "--format", "json", sql]).json()
    }
}

#[test]
fn import_query_reimport_change_diff_and_list() {
    let sandbox = Sandbox::new();
    let run = sandbox.ok(&[
        "import",
        &fixture("gaad-v1.json"),
        &fixture("credential-report.csv"),
    ]);
    assert!(run.stdout.contains("imported 2 files"), "{run:?}");
    assert!(run.stdout.contains("accounts    1"), "{run:?}");
    assert!(
        run.stdout
            .contains("principals  8 (2 users, 2 groups, 4 roles)"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("snapshots   2 written, 0 skipped"),
        "{run:?}"
    );

    // Query: table, CSV and JSON.
    let table = sandbox.ok(&["query", "SELECT account_id, name FROM roles ORDER BY name"]);
    assert_eq!(
        table.stdout,
        "account_id    name\n------------  ------------------------\n111122223333  AWSServiceRoleForSupport\n\
         111122223333  admin\n111122223333  app\n111122223333  old-ci\n(4 rows)\n"
    );
    let csv = sandbox.ok(&[
        "query",
        "--format",
        "csv",
        "SELECT user, mfa_active, password_last_used FROM credential_report ORDER BY user",
    ]);
    assert_eq!(
        csv.stdout,
        "user,mfa_active,password_last_used\r\n<root_account>,1,2024-04-01T08:00:00Z\r\n\
         alice,1,2024-04-29T12:00:00Z\r\nbob,0,\r\n"
    );
    let json =
        sandbox.query_json("SELECT name, max_session_duration FROM roles WHERE name = 'app'");
    assert_eq!(
        json,
        serde_json::json!([{"name": "app", "max_session_duration": 3600}])
    );

    // The same file again: recorded as a duplicate, no new snapshot.
    let again = sandbox.ok(&["import", &fixture("gaad-v1.json")]);
    assert!(
        again.stdout.contains("snapshots   0 written, 1 skipped"),
        "{again:?}"
    );
    assert_eq!(
        sandbox.query_json("SELECT count(*) AS n FROM snapshots"),
        serde_json::json!([{"n": 2}])
    );
    assert_eq!(
        sandbox.query_json("SELECT count(*) AS n FROM imports WHERE duplicate = 1"),
        serde_json::json!([{"n": 1}])
    );

    // A changed export.
    sandbox.ok(&["import", &fixture("gaad-v2.json")]);
    assert_eq!(
        sandbox.query_json("SELECT name FROM users"),
        serde_json::json!([{"name": "alice"}])
    );

    let diff = sandbox.ok(&["diff", "--account", ACCOUNT]);
    for expected in [
        "account 111122223333 (iam): snapshot 1 (gaad, ",
        "  - user bob\n",
        "  + role deploy\n",
        "  ~ role app\n      max_session_duration: 3600 → 7200\n",
        "  ~ policy arn:aws:iam::111122223333:policy/data-read\n      default_version_id: v1 → v2\n      ~ statement 0 (Read)\n          actions: +s3:PutObject\n      + statement 1 (List): ",
        "  + attachment role app → arn:aws:iam::aws:policy/AdministratorAccess\n",
        "  ~ trust_policy app\n      ~ statement 0\n          principals: +{\"AWS\":\"arn:aws:iam::444455556666:root\"}\n",
        "  + permissions_boundary role app\n",
    ] {
        assert!(diff.stdout.contains(expected), "{expected}\n{diff:?}");
    }
    let json = sandbox.ok(&["diff", "--format", "json"]).json();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["comparisons"].as_array().unwrap().len(), 1);
    let changes = json["comparisons"][0]["changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["entity"] == "trust_policy"
            && c["statements"][0]["fields"][0]["added"][0]
                == serde_json::json!({"AWS": "arn:aws:iam::444455556666:root"})),
        "{json:#}"
    );

    let explicit = sandbox
        .ok(&["diff", "--from", "1", "--to", "3", "--format", "json"])
        .json();
    assert_eq!(explicit, json);
    let bad = sandbox.run(&["diff", "--from", "1", "--to", "2"]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
    assert!(
        bad.stderr
            .contains("holds iam data and snapshot 2 holds credential_report data"),
        "{bad:?}"
    );

    let list = sandbox.ok(&["snapshots"]);
    assert!(
        list.stdout
            .starts_with("id  account       kind               source             taken_at"),
        "{list:?}"
    );
    assert!(list.stdout.contains("(3 snapshots)"), "{list:?}");
    let listed = sandbox.ok(&["snapshots", "--format", "json"]).json();
    assert_eq!(listed[0]["imports"], 2);
    assert_eq!(listed[2]["kind"], "iam");
    assert_eq!(listed[0]["content_hash"].as_str().unwrap().len(), 64);
}

#[test]
fn query_only_reads() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["import", &fixture("gaad-v1.json")]);
    for sql in [
        "DELETE FROM snapshots",
        "UPDATE snapshots SET account_id = 'x'",
        "DROP VIEW roles",
        "CREATE TABLE t (x)",
        "PRAGMA user_version = 9",
    ] {
        let run = sandbox.run(&["query", sql]);
        assert_eq!(run.code, Some(2), "{sql}: {run:?}");
        assert!(
            run.stderr
                .contains("`query` only reads; use `import` to change the store"),
            "{sql}: {run:?}"
        );
    }
    let run = sandbox.run(&["query", "SELECT 1; DELETE FROM snapshots"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("one SQL statement at a time"),
        "{run:?}"
    );
    let run = sandbox.run(&["query", "SELECT * FROM rolez"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no such table: rolez"), "{run:?}");
    assert!(run.stderr.contains("iamwatch schema"), "{run:?}");
    assert_eq!(
        sandbox.query_json("SELECT count(*) AS n FROM snapshots"),
        serde_json::json!([{"n": 1}])
    );

    let missing = Sandbox::new();
    let run = missing.run(&["query", "SELECT 1"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no store at"), "{run:?}");
    assert!(!missing.db().exists());
}

#[test]
fn schema_lists_views_and_docs_hold_the_reference() {
    let sandbox = Sandbox::new();
    let text = sandbox.ok(&["schema"]).stdout;
    for view in [
        "accounts",
        "users",
        "groups",
        "roles",
        "policies",
        "policy_versions",
        "statements",
        "attachments",
        "trust_policies",
        "credential_report",
        "resource_policies",
        "scps",
        "org_units",
    ] {
        assert!(
            text.contains(&format!("\n{view}")) || text.starts_with(view),
            "{view}"
        );
    }
    assert!(text.contains("roles (history: history_roles)"));
    let roles = sandbox.ok(&["schema", "roles", "--format", "json"]).json();
    assert_eq!(roles["views"][0]["columns"][2]["name"], "name");
    let markdown = sandbox.ok(&["schema", "--format", "markdown"]).stdout;
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/store.md"))
            .unwrap();
    assert!(
        doc.contains(&markdown),
        "docs/store.md must end with `iamwatch schema --format markdown`"
    );
    let run = sandbox.run(&["schema", "rolez"]);
    assert_eq!(run.code, Some(2));
}

#[test]
fn bad_input_leaves_the_store_as_it_was() {
    let sandbox = Sandbox::new();
    // A bad first file: no store is created.
    let bad = sandbox.dir.path().join("bad.json");
    std::fs::write(&bad, "{\"UserDetailList\": [ {\"UserName\": ").unwrap();
    let run = sandbox.run(&["import", bad.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("bad.json"), "{run:?}");
    assert!(!sandbox.db().exists());

    sandbox.ok(&["import", &fixture("gaad-v1.json")]);
    let before_roles = sandbox.query_json("SELECT * FROM history_roles ORDER BY 1, 3");
    let before_snapshots = sandbox.ok(&["snapshots", "--format", "json"]).stdout;
    let before_documents = sandbox.query_json("SELECT count(*) AS n FROM documents");

    // Two good files, then a bad one: the run is undone whole.
    let run = sandbox.run(&[
        "import",
        &fixture("gaad-v2.json"),
        &fixture("credential-report.csv"),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("bad.json"), "{run:?}");
    assert!(
        run.stderr.contains("line 1"),
        "the error gives the position: {run:?}"
    );
    assert!(
        run.stderr.contains("help:"),
        "the error says how to fix it: {run:?}"
    );
    assert!(run.stderr.contains("the store is unchanged"), "{run:?}");
    assert_eq!(
        sandbox.query_json("SELECT * FROM history_roles ORDER BY 1, 3"),
        before_roles
    );
    assert_eq!(
        sandbox.ok(&["snapshots", "--format", "json"]).stdout,
        before_snapshots
    );
    assert_eq!(
        sandbox.query_json("SELECT count(*) AS n FROM documents"),
        before_documents
    );
    assert_eq!(
        sandbox.query_json("SELECT count(*) AS n FROM imports"),
        serde_json::json!([{"n": 1}])
    );

    let run = sandbox.run(&["import", "--account", "12345", &fixture("gaad-v1.json")]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--account"), "{run:?}");
}

/// A GAAD export of `roles` roles, each with its own trust and inline policy, in `ACCOUNT`.
fn large_gaad(path: &Path, roles: usize) {
    use std::io::Write as _;
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::new(file);
    write!(
        out,
        "{{\"UserDetailList\": [], \"GroupDetailList\": [], \"Policies\": [], \"RoleDetailList\": ["
    )
    .unwrap();
    for index in 0..roles {
        if index > 0 {
            write!(out, ",").unwrap();
        }
        write!(
            out,
            r#"{{"Path": "/", "RoleName": "generated-{index}", "RoleId": "AROAGENERATED{index:07}",
"Arn": "arn:aws:iam::{ACCOUNT}:role/generated-{index}", "CreateDate": "2024-01-01T00:00:00Z",
"AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
"Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:role/caller-{index}"}}, "Action": "sts:AssumeRole"}}]}},
"InstanceProfileList": [], "RolePolicyList": [{{"PolicyName": "inline", "PolicyDocument":
{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
"Resource": "arn:aws:s3:::bucket-{index}/*"}}]}}}}], "AttachedManagedPolicies": [], "Tags": [],
"RoleLastUsed": {{}}}}"#
        )
        .unwrap();
    }
    write!(out, "]}}").unwrap();
    out.flush().unwrap();
}

/// Whether another connection holds the store's write lock (an import inside a transaction).
fn write_locked(db: &Path) -> bool {
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return false;
    };
    // Fail at once instead of waiting for the lock (rusqlite waits 5 s by default).
    if conn.busy_timeout(Duration::ZERO).is_err() {
        return false;
    }
    match conn.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => {
            let _ = conn.execute_batch("ROLLBACK");
            false
        }
        Err(_) => true,
    }
}

#[test]
fn an_import_killed_mid_transaction_leaves_the_previous_state() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["import", &fixture("gaad-v1.json")]);
    let before_roles = sandbox.query_json("SELECT * FROM roles ORDER BY name");
    let before_snapshots = sandbox.ok(&["snapshots", "--format", "json"]).stdout;
    let big = sandbox.dir.path().join("big-gaad.json");
    large_gaad(&big, 40_000);

    let mut child = sandbox
        .command(&["import", big.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the importer holds the write lock twice in a row, 50 ms apart: it is inside
    // the snapshot's transaction (the run's bookkeeping commits take microseconds).
    let start = Instant::now();
    let mut seen = 0;
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed; make the file larger"
        );
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no write transaction seen"
        );
        if write_locked(&sandbox.db()) {
            seen += 1;
            if seen == 2 {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        } else {
            seen = 0;
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    let conn = rusqlite::Connection::open(sandbox.db()).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let generated: i64 = conn
        .query_row(
            "SELECT count(*) FROM snap_roles WHERE name LIKE 'generated-%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(generated, 0, "no row of the killed snapshot is visible");
    drop(conn);
    assert_eq!(
        sandbox.query_json("SELECT * FROM roles ORDER BY name"),
        before_roles
    );
    assert_eq!(
        sandbox.ok(&["snapshots", "--format", "json"]).stdout,
        before_snapshots
    );
    // The store still takes imports.
    sandbox.ok(&["import", &fixture("gaad-v2.json")]);
}
