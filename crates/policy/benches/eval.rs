//! Evaluation engine benchmarks: decision latency, decisions per second and compile time.
//!
//! The policy set is a realistic heavy one: a role with the AWS managed policies
//! `ReadOnlyAccess` and `AmazonEC2FullAccess` (from `iamwatch_catalog::ManagedPolicies`), five
//! customer policies with conditions, a permissions boundary, a three-level SCP tree and an S3
//! bucket policy. Requests mix allowed, explicitly denied and implicitly denied outcomes.
//!
//! Run: `cargo bench -p iamwatch-policy --bench eval`. With `EVAL_BENCH_PER_REQUEST=1` the
//! setup also prints the mean latency of each request.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark with fixed inputs: failing loudly is the point"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamwatch_policy::context::RequestContext;
use iamwatch_policy::eval::CompiledPolicySet;

mod eval {
    pub mod scenario;
}
use eval::scenario::{policy_set, requests};

fn bench(c: &mut Criterion) {
    let set = policy_set();
    let compiled = CompiledPolicySet::compile(&set);
    let requests = requests();
    eprintln!(
        "policy set: {} statements; decisions: {:?}",
        compiled.statement_count(),
        requests
            .iter()
            .map(|ctx| compiled.evaluate(ctx).as_str())
            .collect::<Vec<_>>()
    );

    if std::env::var_os("EVAL_BENCH_PER_REQUEST").is_some() {
        for ctx in &requests {
            let start = std::time::Instant::now();
            for _ in 0..20_000 {
                black_box(compiled.evaluate(black_box(ctx)));
            }
            eprintln!(
                "{:>8.0} ns  {} {}",
                start.elapsed().as_nanos() as f64 / 20_000.0,
                ctx.action(),
                compiled.evaluate(ctx)
            );
        }
    }

    let mut group = c.benchmark_group("eval");
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("decision", |b| {
        let mut next = 0;
        b.iter(|| {
            let ctx = &requests[next % requests.len()];
            next += 1;
            black_box(compiled.evaluate(black_box(ctx)))
        });
    });
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("decisions_batch", |b| {
        b.iter(|| {
            for ctx in &requests {
                black_box(compiled.evaluate(black_box(ctx)));
            }
        });
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("decision_explained", |b| {
        let mut next = 0;
        b.iter(|| {
            let ctx = &requests[next % requests.len()];
            next += 1;
            black_box(compiled.evaluate_explained(black_box(ctx)))
        });
    });
    group.bench_function("prepare_request", |b| {
        let request = requests[0].request().clone();
        b.iter(|| black_box(RequestContext::new(black_box(request.clone())).unwrap()));
    });
    group.finish();

    let mut compile = c.benchmark_group("compile");
    compile.sample_size(20);
    compile.bench_function("policy_set", |b| {
        b.iter(|| black_box(CompiledPolicySet::compile(black_box(&set))));
    });
    compile.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
