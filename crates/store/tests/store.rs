//! The store's public API end to end on fixture exports: write, re-import, latest state, views,
//! diff, undoing a run, and the queries documented in docs/store.md.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a failed unwrap or index fails the test"
)]

use std::path::{Path, PathBuf};

use iamwatch_model::Snapshot;
use iamwatch_model::import::{ImportOptions, import_file};
use iamwatch_store::diff::{ChangeKind, DiffRequest};
use iamwatch_store::{
    LoadFilter, ReadOnlyStore, SnapshotFilter, SqlValue, Store, StoreError, WriteOutcome,
};

const ACCOUNT: &str = "111122223333";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn snapshots(name: &str, taken_at: &str) -> Vec<Snapshot> {
    let options = ImportOptions::default().taken_at(taken_at.parse().unwrap());
    import_file(&fixture(name), &options).unwrap().snapshots
}

fn write(store: &mut Store, name: &str, taken_at: &str) -> Vec<WriteOutcome> {
    let mut run = store.begin_run().unwrap();
    snapshots(name, taken_at)
        .iter()
        .map(|s| store.write_snapshot(&mut run, s, Some(name)).unwrap())
        .collect()
}

fn strings(store: &Store, sql: &str) -> Vec<String> {
    let (_, rows) = store.reader().query_all(sql).unwrap();
    rows.into_iter()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    SqlValue::Null => "NULL".to_owned(),
                    SqlValue::Integer(i) => i.to_string(),
                    SqlValue::Real(f) => f.to_string(),
                    SqlValue::Text(t) => t.clone(),
                    SqlValue::Blob(_) => "<blob>".to_owned(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

fn count(store: &Store, sql: &str) -> i64 {
    strings(store, sql)[0].parse().unwrap()
}

/// A store with every fixture: GAAD v1 then v2, the credential report, the organization and
/// resource policies.
fn full_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    write(&mut store, "gaad-v1.json", "2024-05-01T00:00:00Z");
    write(&mut store, "credential-report.csv", "2024-05-01T01:00:00Z");
    write(&mut store, "gaad-v2.json", "2024-05-02T00:00:00Z");
    write(&mut store, "organizations.json", "2024-05-01T06:00:00Z");
    write(&mut store, "resource-policies.json", "2024-05-01T06:00:00Z");
    store
}

#[test]
fn views_show_the_latest_state() {
    let mut store = Store::open_in_memory().unwrap();
    let outcomes = write(&mut store, "gaad-v1.json", "2024-05-01T00:00:00Z");
    assert!(matches!(outcomes[..], [WriteOutcome::Written(_)]));
    assert_eq!(
        strings(&store, "SELECT name FROM users ORDER BY name"),
        ["alice", "bob"]
    );
    assert_eq!(count(&store, "SELECT count(*) FROM roles"), 4);
    assert_eq!(
        strings(
            &store,
            "SELECT name, last_used_known, last_used, is_service_linked FROM roles ORDER BY name"
        ),
        [
            "AWSServiceRoleForSupport|1|NULL|1",
            "admin|1|NULL|0",
            "app|1|2024-04-30T10:00:00Z|0",
            "old-ci|1|2023-01-01T00:00:00Z|0",
        ]
    );
    assert_eq!(
        strings(
            &store,
            "SELECT role_name, principal_type, principal, principal_account_id, is_cross_account
             FROM trust_policies ORDER BY role_name"
        ),
        [
            "AWSServiceRoleForSupport|Service|support.amazonaws.com|NULL|0",
            "admin|AWS|arn:aws:iam::999988887777:root|999988887777|1",
            "app|Service|ec2.amazonaws.com|NULL|0",
            "old-ci|AWS|arn:aws:iam::111122223333:root|111122223333|0",
        ]
    );
    assert_eq!(
        strings(
            &store,
            "SELECT policy_type, policy_name, attached_to, statement_index, effect, actions
             FROM statements WHERE policy_type IN ('inline', 'managed') ORDER BY 1, 2"
        ),
        [
            "inline|everything|arn:aws:iam::111122223333:role/old-ci|0|Allow|[\"*\"]",
            "inline|self-manage|arn:aws:iam::111122223333:user/alice|0|Allow|[\"iam:ChangePassword\"]",
            "managed|AdministratorAccess|NULL|0|Allow|[\"*\"]",
            "managed|ReadOnlyAccess|NULL|0|Allow|[\"s3:Get*\",\"s3:List*\",\"iam:Get*\",\"iam:List*\"]",
            "managed|data-read|NULL|0|Allow|[\"s3:GetObject\"]",
            "managed|developer-boundary|NULL|0|Allow|[\"s3:*\",\"ec2:Describe*\"]",
        ]
    );
    assert_eq!(
        strings(
            &store,
            "SELECT principal_type, principal_name, policy_name, aws_managed FROM attachments
             WHERE principal_type <> 'role' ORDER BY 1, 2"
        ),
        [
            "group|admins|AdministratorAccess|1",
            "group|developers|ReadOnlyAccess|1",
            "user|alice|ReadOnlyAccess|1",
        ]
    );
    assert_eq!(
        strings(&store, "SELECT name, members FROM groups ORDER BY name"),
        ["admins|[\"alice\"]", "developers|[\"bob\"]"]
    );
    assert_eq!(
        strings(
            &store,
            "SELECT principal_name, policy_arn FROM permissions_boundaries"
        ),
        ["alice|arn:aws:iam::111122223333:policy/boundaries/developer-boundary"]
    );
}

#[test]
fn identical_reimports_are_logged_not_duplicated() {
    let mut store = Store::open_in_memory().unwrap();
    let first = write(&mut store, "gaad-v1.json", "2024-05-01T00:00:00Z");
    // The same content read again later (another export of an unchanged account).
    let again = write(&mut store, "gaad-v1.json", "2024-05-03T00:00:00Z");
    assert_eq!(again, [WriteOutcome::Duplicate(first[0].snapshot_id())]);
    assert_eq!(count(&store, "SELECT count(*) FROM snapshots"), 1);
    assert_eq!(
        strings(
            &store,
            "SELECT snapshot_id, duplicate FROM imports ORDER BY import_id"
        ),
        ["1|0", "1|1"]
    );
    let listed = store
        .reader()
        .snapshots(&SnapshotFilter::default())
        .unwrap();
    assert_eq!(listed[0].imports, 2);
    // Documents are stored once however often they are written.
    let documents = count(&store, "SELECT count(*) FROM documents");
    write(&mut store, "gaad-v2.json", "2024-05-04T00:00:00Z");
    write(&mut store, "gaad-v1.json", "2024-05-05T00:00:00Z");
    assert_eq!(
        count(&store, "SELECT count(*) FROM snapshots"),
        3,
        "v1 again after v2 is new state"
    );
    assert!(count(&store, "SELECT count(*) FROM documents") < documents * 2);
}

#[test]
fn latest_state_combines_the_latest_snapshot_of_each_kind() {
    let store = full_store();
    assert_eq!(
        strings(
            &store,
            "SELECT kind, source FROM latest_snapshots WHERE account_id = '111122223333' ORDER BY kind"
        ),
        [
            "credential_report|credential-report",
            "iam|gaad",
            "resource_policies|resource-policies"
        ]
    );
    // Users come from GAAD v2 (bob deleted), the credential report still lists bob.
    assert_eq!(strings(&store, "SELECT name FROM users"), ["alice"]);
    assert_eq!(
        strings(
            &store,
            "SELECT user, mfa_active, password_enabled FROM credential_report ORDER BY user"
        ),
        ["<root_account>|1|NULL", "alice|1|1", "bob|0|1"]
    );
    assert_eq!(strings(&store, "SELECT count(*) FROM history_users"), ["3"]);
    let accounts = strings(
        &store,
        "SELECT account_id, in_organization, kinds FROM accounts ORDER BY 1",
    );
    assert!(
        accounts.contains(
            &"111122223333|1|[\"credential_report\",\"iam\",\"resource_policies\"]".to_owned()
        ),
        "{accounts:?}"
    );
    assert!(count(&store, "SELECT count(*) FROM scps") >= 1);
    assert!(
        count(
            &store,
            "SELECT count(*) FROM org_units WHERE node_type = 'ROOT'"
        ) == 1
    );
    assert!(count(&store, "SELECT count(*) FROM resource_policies") >= 1);
    assert!(
        count(
            &store,
            "SELECT count(*) FROM statements WHERE policy_type = 'resource'"
        ) >= 1
    );
    assert!(
        count(
            &store,
            "SELECT count(*) FROM statements WHERE policy_type = 'scp'"
        ) >= 1
    );
}

#[test]
fn diff_reports_what_changed() {
    let store = full_store();
    let diff = store
        .reader()
        .diff(&DiffRequest {
            account_id: Some(ACCOUNT.to_owned()),
            ..DiffRequest::default()
        })
        .unwrap();
    assert_eq!(diff.comparisons.len(), 1, "only iam has two snapshots");
    let comparison = &diff.comparisons[0];
    assert_eq!(comparison.kind, "iam");
    let summary: Vec<String> = comparison
        .changes
        .iter()
        .map(|c| format!("{} {} {}", c.change.as_str(), c.entity, c.key))
        .collect();
    for expected in [
        "removed user bob",
        "changed role app",
        "added role deploy",
        "changed trust_policy app",
        "added permissions_boundary role app",
        "changed policy arn:aws:iam::111122223333:policy/data-read",
        "changed inline_policy role old-ci: everything",
        "added attachment role app → arn:aws:iam::aws:policy/AdministratorAccess",
        "removed group_membership user bob in group developers",
    ] {
        assert!(
            summary.contains(&expected.to_owned()),
            "{expected} not in {summary:#?}"
        );
    }
    let app = comparison
        .changes
        .iter()
        .find(|c| c.entity == "role" && c.key == "app")
        .unwrap();
    assert_eq!(app.fields[0].field, "max_session_duration");
    let policy = comparison
        .changes
        .iter()
        .find(|c| c.entity == "policy")
        .unwrap();
    assert_eq!(policy.fields[0].field, "default_version_id");
    let kinds: Vec<(ChangeKind, Option<String>)> = policy
        .statements
        .iter()
        .map(|s| (s.change, s.sid.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::Changed, Some("Read".to_owned())),
            (ChangeKind::Added, Some("List".to_owned()))
        ]
    );
    assert_eq!(
        policy.statements[0].fields[0].added,
        [serde_json::json!("s3:PutObject")]
    );
    let trust = comparison
        .changes
        .iter()
        .find(|c| c.entity == "trust_policy")
        .unwrap();
    assert_eq!(trust.statements[0].fields[0].field, "principals");

    // Explicit snapshots; the JSON shape is stable.
    let explicit = store
        .reader()
        .diff(&DiffRequest {
            from: Some(comparison.from.snapshot_id),
            to: Some(comparison.to.snapshot_id),
            ..DiffRequest::default()
        })
        .unwrap();
    assert_eq!(explicit.comparisons, diff.comparisons);
    let json = serde_json::to_value(&explicit).unwrap();
    assert_eq!(json["format_version"], 1);
    assert!(json["comparisons"][0]["changes"][0]["entity"].is_string());

    // Snapshots of different kinds do not compare.
    assert!(
        store
            .reader()
            .diff(&DiffRequest {
                from: Some(1),
                to: Some(2),
                ..DiffRequest::default()
            })
            .is_err()
    );
}

#[test]
fn abort_run_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    write(&mut store, "gaad-v1.json", "2024-05-01T00:00:00Z");
    let dump = |store: &Store| {
        let mut all = Vec::new();
        for table in [
            "snapshots",
            "imports",
            "import_runs",
            "documents",
            "document_statements",
            "statement_principals",
            "snap_roles",
            "snap_policy_versions",
            "snapshot_payloads",
        ] {
            all.push(strings(
                store,
                &format!("SELECT * FROM {table} ORDER BY 1, 2"),
            ));
        }
        all
    };
    let before = dump(&store);
    let mut run = store.begin_run().unwrap();
    for name in [
        "gaad-v2.json",
        "credential-report.csv",
        "organizations.json",
    ] {
        for snapshot in snapshots(name, "2024-06-01T00:00:00Z") {
            store
                .write_snapshot(&mut run, &snapshot, Some(name))
                .unwrap();
        }
    }
    assert_eq!(run.written().len(), 3);
    assert_ne!(dump(&store), before);
    store.abort_run(run).unwrap();
    assert_eq!(dump(&store), before);
    // And the store keeps working.
    write(&mut store, "gaad-v2.json", "2024-06-01T00:00:00Z");
    drop(store);
    let read_only = ReadOnlyStore::open(&path).unwrap();
    assert_eq!(
        read_only
            .reader()
            .snapshots(&SnapshotFilter::default())
            .unwrap()
            .len(),
        2
    );
}

/// The SQL blocks of docs/store.md's "Example queries" run on the fixture store and answer.
#[test]
fn documented_queries_run() {
    let store = full_store();
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/store.md"))
            .unwrap();
    let section = doc
        .split("## Example queries")
        .nth(1)
        .expect("docs/store.md has an `## Example queries` section");
    let section = section.split("\n## ").next().unwrap();
    let queries: Vec<&str> = section
        .split("```sql\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .collect();
    assert!(queries.len() >= 6, "{} queries", queries.len());
    for sql in queries {
        let (_, rows) = store
            .reader()
            .query_all(sql)
            .unwrap_or_else(|e| panic!("{sql}\n{e}"));
        assert!(!rows.is_empty(), "no rows for:\n{sql}");
    }
}

/// What the store loads back is what was written: the latest snapshot of each kind per
/// account, equal to the model's snapshot (content hash included), or the state at a time.
#[test]
fn loads_snapshots_back_into_the_model() {
    let store = full_store();
    let reader = store.reader();
    let latest = reader.load_snapshots(&LoadFilter::default()).unwrap();
    let mut expected = Vec::new();
    expected.extend(snapshots("credential-report.csv", "2024-05-01T01:00:00Z"));
    expected.extend(snapshots("gaad-v2.json", "2024-05-02T00:00:00Z"));
    expected.extend(snapshots("organizations.json", "2024-05-01T06:00:00Z"));
    expected.extend(snapshots("resource-policies.json", "2024-05-01T06:00:00Z"));
    assert_eq!(latest.len(), expected.len());
    for snapshot in &expected {
        assert!(latest.contains(snapshot), "missing {:?}", snapshot.scope);
    }
    assert!(latest.iter().all(Snapshot::verify));

    // The state before GAAD v2: v1 is the IAM snapshot.
    let earlier = reader
        .load_snapshots(&LoadFilter {
            as_of: Some("2024-05-01T12:00:00Z".parse().unwrap()),
            ..LoadFilter::default()
        })
        .unwrap();
    let v1 = snapshots("gaad-v1.json", "2024-05-01T00:00:00Z");
    assert!(earlier.contains(&v1[0]));
    assert!(!earlier.contains(&expected[1]));
    // Before anything was taken: nothing.
    let none = reader
        .load_snapshots(&LoadFilter {
            as_of: Some("2024-01-01T00:00:00Z".parse().unwrap()),
            ..LoadFilter::default()
        })
        .unwrap();
    assert!(none.is_empty());
    // One account only.
    let other = reader
        .load_snapshots(&LoadFilter {
            accounts: vec!["999999999999".to_owned()],
            ..LoadFilter::default()
        })
        .unwrap();
    assert!(other.is_empty());
    let one = reader
        .load_snapshots(&LoadFilter {
            accounts: vec![ACCOUNT.to_owned()],
            ..LoadFilter::default()
        })
        .unwrap();
    assert_eq!(one.len(), 3, "IAM, credential report, resource policies");
    // With the organization that governs it.
    let with_org = reader
        .load_snapshots(&LoadFilter {
            accounts: vec![ACCOUNT.to_owned()],
            with_organizations: true,
            ..LoadFilter::default()
        })
        .unwrap();
    assert_eq!(with_org.len(), 4);
    assert!(with_org.contains(&expected[2]), "the organization snapshot");
}

/// A snapshot written before the store kept payloads is named, with the way out.
#[test]
fn a_snapshot_without_its_payload_is_named() {
    // Simulate a version-1 snapshot: the payload row is absent.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let mut disk = Store::open(&path).unwrap();
    let id = write(&mut disk, "gaad-v1.json", "2024-05-01T00:00:00Z")[0].snapshot_id();
    assert_eq!(
        disk.reader()
            .load_snapshots(&LoadFilter::default())
            .unwrap()
            .len(),
        1
    );
    drop(disk);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM snapshot_payloads", [])
        .unwrap();
    let read_only = ReadOnlyStore::open(&path).unwrap();
    let error = read_only
        .reader()
        .load_snapshots(&LoadFilter::default())
        .unwrap_err();
    assert!(
        matches!(error, StoreError::PayloadMissing { snapshot_id } if snapshot_id == id),
        "{error:?}"
    );
    assert!(error.to_string().contains("older iamwatch"), "{error}");
}
