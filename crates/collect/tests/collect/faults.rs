//! Twenty accounts through a proxy that throttles, fails, slows and drops 30% of the requests
//! and pages GAAD: the snapshots are those of the fault-free run, and no account is collected
//! twice.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use iamwatch_collect::{AccountResult, MemorySink, Targets};
use iamwatch_model::{Payload, Snapshot, SnapshotScope, SnapshotSource};

use crate::support::moto::Moto;
use crate::support::proxy::{Faults, Proxy};
use crate::support::setup;

type Hashes = BTreeMap<(SnapshotScope, SnapshotSource), String>;

/// The content hash of every snapshot, with the roles' last use cleared: collecting a member
/// account assumes its access role, which moto (like AWS) then reports as used, so each run
/// sees a newer `RoleLastUsed` than the one before.
fn hashes(sink: &MemorySink) -> Hashes {
    sink.commits()
        .into_iter()
        .flatten()
        .map(|s| {
            let mut payload = s.payload.clone();
            if let Payload::Iam(iam) = &mut payload {
                for role in &mut iam.roles {
                    role.last_used = None;
                }
            }
            let hash = Snapshot::new(s.source, s.taken_at, payload).content_hash;
            ((s.scope.clone(), s.source), hash.to_hex())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_accounts_through_thirty_percent_faults() {
    let moto = Moto::start();
    let direct = moto.endpoint();
    let fixture = setup::organization(&direct, 19, 3).await;

    let dir = tempfile::tempdir().unwrap();
    let mut settings = setup::settings(&direct, &dir.path().join("direct"));
    settings.targets = Targets::Organization;
    let (clean, reference) = setup::collect_in_memory(&settings).await;
    assert!(clean.is_complete(), "{clean:#?}");
    assert_eq!(clean.accounts.len(), 20);

    let proxy = Proxy::start(
        moto.port,
        Faults {
            gaad_page_size: Some(3),
            slow_delay: Duration::from_millis(300),
            ..Faults::at(0.30, 7)
        },
    )
    .await;
    let mut settings = setup::settings(&proxy.endpoint(), &dir.path().join("faulty"));
    settings.targets = Targets::Organization;
    settings.concurrency = 4;
    let started = Instant::now();
    let (report, faulty) = setup::collect_in_memory(&settings).await;
    let wall = started.elapsed();
    assert!(report.is_complete(), "{report:#?}");

    // Identical snapshots.
    assert_eq!(hashes(&faulty), hashes(&reference));
    // No account collected twice: one commit each, plus the organization.
    let commits = faulty.commits();
    assert_eq!(commits.len(), 21);
    let scopes: BTreeSet<SnapshotScope> = commits.iter().map(|c| c[0].scope.clone()).collect();
    assert_eq!(scopes.len(), 21);
    for outcome in &report.accounts {
        assert!(matches!(outcome.result, AccountResult::Collected { .. }));
        // 2 users + 1 group + 3 roles + 1 policy = 7 entries, 3 a page: 3 pages, each once.
        assert_eq!(
            outcome
                .calls
                .get("iam:GetAccountAuthorizationDetails")
                .calls,
            3,
            "{}",
            outcome.account
        );
        // Every call the run made is one the collector policy allows.
        for api in outcome.calls.0.keys() {
            assert!(
                iamwatch_collect::actions::action_for(api).is_some(),
                "{api} is missing from the collector's action list"
            );
        }
    }
    assert_eq!(fixture.members.len(), 19);

    let total = report.total_calls().total();
    let stats = &proxy.stats;
    let requests = stats.requests.load(Ordering::Relaxed);
    let faults = stats.faults();
    assert!(
        faults * 100 >= requests * 20,
        "{faults} faults in {requests} requests"
    );
    assert!(total.throttles > 0 && total.retries() > 0);
    eprintln!(
        "faulty proxy: 20 accounts in {:.1}s (fault-free {:.1}s); {} calls, {} attempts, {} throttles, {} retries; proxy: {requests} requests, {} throttled, {} 500, {} 503, {} slow, {} dropped, {} GAAD pages",
        wall.as_secs_f64(),
        clean.elapsed.as_secs_f64(),
        total.calls,
        total.attempts,
        total.throttles,
        total.retries(),
        stats.throttled.load(Ordering::Relaxed),
        stats.errors_500.load(Ordering::Relaxed),
        stats.errors_503.load(Ordering::Relaxed),
        stats.slowed.load(Ordering::Relaxed),
        stats.dropped.load(Ordering::Relaxed),
        stats.gaad_pages.load(Ordering::Relaxed),
    );
}
