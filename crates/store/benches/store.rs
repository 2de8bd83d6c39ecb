//! Store benchmarks on the model's synthetic organization: writing an account's snapshots,
//! an identical re-import, the documented queries over the views, and a diff.
//!
//! `scripts/bench-store` measures the whole `iamwatch import` (parsing included) at
//! organization scale; these isolate the store.

#![expect(clippy::unwrap_used, reason = "a benchmark that fails should stop")]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use iamwatch_model::synthetic::{OrgSpec, SyntheticOrg};
use iamwatch_model::{Payload, PolicyDocument, Snapshot};
use iamwatch_store::diff::DiffRequest;
use iamwatch_store::{ReadOnlyStore, Store};

const ROLES: usize = 500;
/// Accounts in the store the queries run on.
const QUERY_ACCOUNTS: usize = 20;
/// Accounts generated for the warm-store writes: more than criterion's iterations.
const WARM_ACCOUNTS: usize = 20_000;

fn org(accounts: usize) -> SyntheticOrg {
    SyntheticOrg::new(OrgSpec {
        accounts,
        roles_per_account: ROLES,
        ..OrgSpec::default()
    })
}

fn write(c: &mut Criterion) {
    let org = org(4);
    let snapshots = org.snapshots(1);
    let mut group = c.benchmark_group("write");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(ROLES as u64));
    group.bench_function("account_500_roles_new_store", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("bench.db")).unwrap();
                (dir, store)
            },
            |(dir, mut store)| {
                let mut run = store.begin_run().unwrap();
                for snapshot in &snapshots {
                    black_box(store.write_snapshot(&mut run, snapshot, None).unwrap());
                }
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });
    // A new account into a store that already has the organization's shared documents. The
    // organization is large enough that no account repeats (a repeat would be a duplicate).
    let org = self::org(WARM_ACCOUNTS);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    let mut run = store.begin_run().unwrap();
    for snapshot in org.snapshots(2) {
        store.write_snapshot(&mut run, &snapshot, None).unwrap();
    }
    let mut next = 3;
    group.bench_function("account_500_roles_warm_store", |b| {
        b.iter_batched(
            || {
                next += 1;
                assert!(next < WARM_ACCOUNTS, "raise WARM_ACCOUNTS");
                org.snapshots(next)
            },
            |snapshots| {
                for snapshot in &snapshots {
                    black_box(store.write_snapshot(&mut run, snapshot, None).unwrap());
                }
            },
            BatchSize::PerIteration,
        );
    });
    let snapshots = org.snapshots(2);
    group.bench_function("account_500_roles_duplicate", |b| {
        b.iter(|| {
            for snapshot in &snapshots {
                black_box(store.write_snapshot(&mut run, snapshot, None).unwrap());
            }
        });
    });
    group.finish();
}

/// The queries of docs/store.md, by name.
const QUERIES: &[(&str, &str)] = &[
    ("count_roles", "SELECT count(*) FROM roles"),
    (
        "config_attached_policies",
        "SELECT r.account_id, r.name, json_group_array(a.policy_arn) FILTER (WHERE a.policy_arn IS NOT NULL)
         FROM roles AS r LEFT JOIN attachments AS a ON a.snapshot_id = r.snapshot_id
          AND a.principal_type = 'role' AND a.principal_name = r.name
         GROUP BY r.snapshot_id, r.name",
    ),
    (
        "admin_roles",
        "SELECT account_id, principal_name FROM attachments WHERE principal_type = 'role'
         AND policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess'",
    ),
    (
        "cross_account_trusts",
        "SELECT account_id, role_name, principal FROM trust_policies
         WHERE effect = 'Allow' AND negated = 0 AND is_cross_account = 1",
    ),
    (
        "users_without_mfa",
        "SELECT account_id, user FROM credential_report
         WHERE is_root = 0 AND password_enabled = 1 AND mfa_active = 0",
    ),
    (
        "action_star",
        "SELECT s.account_id, s.policy_type, s.policy_name FROM statements AS s,
         json_each(s.actions) AS a WHERE s.effect = 'Allow' AND a.value = '*'",
    ),
    (
        "unused_roles",
        "SELECT account_id, name FROM roles WHERE is_service_linked = 0 AND last_used_known = 1
         AND (last_used IS NULL OR julianday(last_used) < julianday('now', '-90 days'))",
    ),
];

fn query(c: &mut Criterion) {
    let org = org(QUERY_ACCOUNTS);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("query.db");
    {
        let mut store = Store::open(&path).unwrap();
        let mut run = store.begin_run().unwrap();
        store
            .write_snapshot(&mut run, &org.organization_snapshot(), None)
            .unwrap();
        for index in 0..QUERY_ACCOUNTS {
            for snapshot in org.snapshots(index) {
                store.write_snapshot(&mut run, &snapshot, None).unwrap();
            }
        }
    }
    let store = ReadOnlyStore::open(&path).unwrap();
    let mut group = c.benchmark_group("query_20_accounts_x_500_roles");
    group.sample_size(10);
    for (name, sql) in QUERIES {
        group.bench_function(*name, |b| {
            b.iter(|| {
                black_box(
                    store
                        .reader()
                        .query(sql, |_| {}, |_| std::ops::ControlFlow::Continue(()))
                        .unwrap(),
                )
            });
        });
    }
    group.finish();
}

fn diff(c: &mut Criterion) {
    let org = org(3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diff.db");
    {
        let mut store = Store::open(&path).unwrap();
        let mut run = store.begin_run().unwrap();
        let base = org.snapshots(1);
        for snapshot in &base {
            store.write_snapshot(&mut run, snapshot, None).unwrap();
        }
        // The account a month later: 50 roles deleted, 50 with a longer session, one
        // statement more in every inline policy.
        for snapshot in base {
            let Snapshot {
                source,
                mut payload,
                ..
            } = snapshot;
            if let Payload::Iam(iam) = &mut payload {
                iam.roles.truncate(iam.roles.len().saturating_sub(50));
                for role in iam.roles.iter_mut().take(50) {
                    role.max_session_duration = Some(7200);
                }
                for role in &mut iam.roles {
                    for inline in &mut role.inline_policies {
                        let text = inline.document.as_str().replacen(
                            "\"Statement\":[",
                            "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"},",
                            1,
                        );
                        inline.document = PolicyDocument::from_text(&text).unwrap();
                    }
                }
            }
            let later = Snapshot::new(source, "2024-06-01T00:00:00Z".parse().unwrap(), payload);
            store.write_snapshot(&mut run, &later, None).unwrap();
        }
    }
    let store = ReadOnlyStore::open(&path).unwrap();
    c.bench_function("diff_account_500_roles", |b| {
        b.iter(|| black_box(store.reader().diff(&DiffRequest::default()).unwrap()));
    });
}

criterion_group!(benches, write, query, diff);
criterion_main!(benches);
