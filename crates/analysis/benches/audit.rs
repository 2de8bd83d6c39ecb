//! Auditing synthetic organizations (`iamwatch_model::synthetic`): the demo, 10 accounts × 500
//! roles and 100 accounts × 500 roles. Throughput is reported in findings per second (the
//! number of findings of one audit over its time).
//!
//! `cargo bench -p iamwatch-analysis --bench audit`. The goal, 1,000 accounts × 500
//! roles in under 60 s on two cores, follows from the 100-account figure: the audit is linear
//! in accounts (each account is audited on its own, in parallel). Measured on the 2-core
//! development machine with a load average near 10 from other builds: 100 × 500 in 2.56 s
//! (1.24 s CPU); one full 1,000 × 500 audit took 40 s wall, 17.3 s CPU.

#![expect(clippy::expect_used, reason = "a benchmark stops on broken demo data")]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use iamwatch_analysis::{AuditConfig, AuditInput, audit, demo};
use iamwatch_model::Timestamp;
use iamwatch_model::synthetic::{OrgSpec, SyntheticOrg};

fn synthetic(accounts: usize, roles_per_account: usize) -> (AuditInput, Timestamp) {
    let org = SyntheticOrg::new(OrgSpec {
        accounts,
        roles_per_account,
        aws_managed_documents: false,
        ..OrgSpec::default()
    });
    let mut snapshots = vec![org.organization_snapshot()];
    for index in 0..org.account_count() {
        snapshots.extend(org.snapshots(index));
    }
    (AuditInput::from_snapshots(snapshots), org.spec().taken_at)
}

fn bench(c: &mut Criterion) {
    let config = AuditConfig::default();
    // Decode the catalog and the AWS managed policies outside the measurements.
    let input = demo::input().expect("demo input");
    let now = demo::now().expect("demo time");
    let demo_config = demo::config().expect("demo configuration");
    let findings = audit(&input, &demo_config, now).findings.len();
    let mut group = c.benchmark_group("audit");
    group.throughput(Throughput::Elements(findings as u64));
    group.bench_function("demo (5 accounts)", |b| {
        b.iter(|| audit(black_box(&input), &demo_config, now))
    });
    group.finish();

    for (accounts, roles) in [(10, 500), (100, 500)] {
        let (input, now) = synthetic(accounts, roles);
        let principals: usize = input
            .inventory
            .accounts
            .values()
            .filter_map(|a| a.iam.as_ref())
            .map(|iam| iam.roles.len() + iam.users.len())
            .sum();
        let findings = audit(&input, &config, now).findings.len();
        eprintln!(
            "{accounts} accounts × {roles} roles: {principals} principals, {findings} findings"
        );
        let mut group = c.benchmark_group("audit");
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if accounts >= 100 { 60 } else { 20 }));
        group.throughput(Throughput::Elements(findings as u64));
        group.bench_function(format!("{accounts} accounts x {roles} roles"), |b| {
            b.iter(|| audit(black_box(&input), &config, now))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
