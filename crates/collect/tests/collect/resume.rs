//! Kill the collector mid-run (SIGKILL, in a child process writing to a real store), then
//! `resume`: the finished accounts are not collected again and the store ends complete and
//! equal to a clean collection.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iamwatch_collect::{
    AccountResult, Cancel, MemorySink, NoProgress, RunState, SinkError, SnapshotSink, Targets,
};
use iamwatch_model::{Snapshot, SnapshotScope};
use iamwatch_store::{ImportRun, SnapshotFilter, Store};

use crate::support::moto::Moto;
use crate::support::proxy::{Faults, Proxy};
use crate::support::setup;

const CHILD_ENV: &str = "IAMWATCH_TEST_RESUME_CHILD";

struct StoreSink(Mutex<(Store, ImportRun)>);

impl StoreSink {
    fn open(db: &Path) -> StoreSink {
        let mut store = Store::open(db).unwrap();
        let run = store.begin_run().unwrap();
        StoreSink(Mutex::new((store, run)))
    }
}

impl SnapshotSink for StoreSink {
    fn commit(&self, run_id: &str, snapshots: Vec<Snapshot>) -> Result<(), SinkError> {
        let mut inner = self.0.lock().unwrap();
        let (store, run) = &mut *inner;
        for snapshot in &snapshots {
            store.write_snapshot(run, snapshot, Some(run_id))?;
        }
        Ok(())
    }
}

fn settings(endpoint: &str, dir: &Path, resume: bool) -> iamwatch_collect::CollectSettings {
    let mut settings = setup::settings(endpoint, dir);
    settings.targets = Targets::Organization;
    settings.resource_policies = false;
    settings.resume = resume;
    // A role moto does not know: assuming it does not mark a role as used, so a clean
    // collection later sees the same IAM state.
    settings.role.role_arn_template = Some("arn:aws:iam::{account}:role/iamwatch-audit".to_owned());
    settings
}

/// The child: collects through `endpoint` into the store until it is killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by `kill_then_resume` in a child process"]
async fn resume_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (endpoint, dir) = spec.split_once('|').unwrap();
    let dir = PathBuf::from(dir);
    let sink = Arc::new(StoreSink::open(&dir.join("store.db")));
    let result = iamwatch_collect::collect(
        &settings(endpoint, &dir, false),
        sink,
        Arc::new(NoProgress),
        Cancel::default(),
    )
    .await;
    if let Err(error) = result {
        eprintln!("child: {error}");
    }
}

/// The latest content hash of every (account, source) in the store.
fn latest(db: &Path) -> BTreeMap<(String, String), String> {
    let store = Store::open(db).unwrap();
    let mut latest = BTreeMap::new();
    for info in store
        .reader()
        .snapshots(&SnapshotFilter::default())
        .unwrap()
    {
        latest.insert((info.account_id, info.source), info.content_hash);
    }
    latest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_then_resume() {
    let moto = Moto::start();
    let fixture = setup::organization(&moto.endpoint(), 7, 2).await;
    // Every answer 150 ms late: the run takes seconds, long enough to be killed in the middle.
    let proxy = Proxy::start(
        moto.port,
        Faults {
            slow: 1.0,
            slow_delay: Duration::from_millis(150),
            ..Faults::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let run_file = dir.path().join("collect-run.json");

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "resume::resume_child",
            "--ignored",
            "--nocapture",
        ])
        .env(
            CHILD_ENV,
            format!("{}|{}", proxy.endpoint(), dir.path().display()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // Kill it once two accounts are done and before all are.
    let deadline = Instant::now() + Duration::from_secs(120);
    let finished_before = loop {
        assert!(
            Instant::now() < deadline,
            "the child never finished two accounts"
        );
        if let Ok(state) = RunState::read(&run_file) {
            if state.finished.len() >= 2 {
                break state;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let state = RunState::read(&run_file).unwrap();
    assert!(!state.completed);
    assert!(state.finished.len() < 8, "killed too late: {state:#?}");
    assert!(finished_before.finished.len() <= state.finished.len());

    // Resume in this process, into the same store.
    let db = dir.path().join("store.db");
    let sink = Arc::new(StoreSink::open(&db));
    let report = iamwatch_collect::collect(
        &settings(&proxy.endpoint(), dir.path(), true),
        sink,
        Arc::new(NoProgress),
        Cancel::default(),
    )
    .await
    .unwrap();
    assert!(report.is_complete(), "{report:#?}");
    assert_eq!(report.run_id, state.run_id);
    let already: BTreeSet<String> = report
        .accounts
        .iter()
        .filter(|a| a.result == AccountResult::AlreadyDone)
        .map(|a| a.account.to_string())
        .collect();
    let done_before: BTreeSet<String> = state.finished.keys().map(|a| a.to_string()).collect();
    assert_eq!(
        already, done_before,
        "finished accounts are not collected again"
    );
    for outcome in &report.accounts {
        if outcome.result == AccountResult::AlreadyDone {
            assert_eq!(outcome.calls.total().calls, 0);
        }
    }
    assert!(RunState::read(&run_file).unwrap().completed);

    // The store equals a clean collection of the same organization.
    let reference = Arc::new(MemorySink::default());
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = iamwatch_collect::collect(
        &settings(&moto.endpoint(), clean_dir.path(), false),
        reference.clone(),
        Arc::new(NoProgress),
        Cancel::default(),
    )
    .await
    .unwrap();
    assert!(clean.is_complete());
    let expected: BTreeMap<(String, String), String> = reference
        .commits()
        .iter()
        .flatten()
        .map(|s| {
            let account = match (&s.scope, &s.payload) {
                (_, iamwatch_model::Payload::Organization(o)) => {
                    o.management_account_id.to_string()
                }
                (SnapshotScope::Account(a), _) => a.to_string(),
                (SnapshotScope::Organization(o), _) => o.to_string(),
            };
            ((account, s.source.to_string()), s.content_hash.to_hex())
        })
        .collect();
    assert_eq!(latest(&db), expected);
    assert_eq!(
        expected.len(),
        1 + 8 * 5,
        "{} accounts",
        fixture.members.len() + 1
    );
}
