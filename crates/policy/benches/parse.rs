//! Parser, compiler and serializer throughput over every version of every AWS managed policy
//! (the documents `iamwatch-catalog` ships), with serde_json's untyped parse as a yardstick.
//! `parse+compile` is what loading a policy into the engine costs: parse the text, then build
//! the compiled, indexed form the evaluator answers from.
//!
//! `cargo bench -p iamwatch-policy --bench parse`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iamwatch_catalog::ManagedPolicies;
use iamwatch_policy::eval::{CompiledPolicySet, NamedPolicy, PolicySet};
use iamwatch_policy::parse::parse_policy;
use iamwatch_policy::serialize::to_json;

fn corpus() -> Vec<&'static str> {
    ManagedPolicies::get()
        .iter()
        .flat_map(|policy| policy.versions().iter().map(|version| version.document()))
        .collect()
}

fn parse(c: &mut Criterion) {
    let documents = corpus();
    let bytes: usize = documents.iter().map(|document| document.len()).sum();
    let refused = documents
        .iter()
        .filter(|document| parse_policy(document).is_err())
        .count();
    eprintln!(
        "corpus: {} managed policy versions, {:.1} MB, {refused} refused by the parser",
        documents.len(),
        bytes as f64 / 1e6
    );

    let mut group = c.benchmark_group("managed-policies");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_policy/bytes", |b| {
        b.iter(|| {
            for document in &documents {
                let _ = black_box(parse_policy(black_box(document)));
            }
        })
    });
    group.bench_function("serde_json::Value/bytes", |b| {
        b.iter(|| {
            for document in &documents {
                let _ = black_box(serde_json::from_str::<serde_json::Value>(black_box(
                    document,
                )));
            }
        })
    });
    group.throughput(Throughput::Elements(documents.len() as u64));
    group.bench_function("parse_policy/documents", |b| {
        b.iter(|| {
            for document in &documents {
                let _ = black_box(parse_policy(black_box(document)));
            }
        })
    });
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse+compile/bytes", |b| {
        b.iter(|| {
            for document in &documents {
                black_box(parse_and_compile(black_box(document)));
            }
        })
    });
    group.throughput(Throughput::Elements(documents.len() as u64));
    group.bench_function("parse+compile/documents", |b| {
        b.iter(|| {
            for document in &documents {
                black_box(parse_and_compile(black_box(document)));
            }
        })
    });
    let policies: Vec<_> = documents
        .iter()
        .filter_map(|document| parse_policy(document).ok())
        .collect();
    group.throughput(Throughput::Elements(policies.len() as u64));
    group.bench_function("to_json/documents", |b| {
        b.iter(|| {
            for policy in &policies {
                black_box(to_json(black_box(policy)));
            }
        })
    });
    group.finish();
}

/// One managed policy as the engine holds it: parsed, then compiled as an identity policy.
fn parse_and_compile(document: &str) -> Option<CompiledPolicySet> {
    let policy = parse_policy(document).ok()?;
    let set = PolicySet {
        identity: vec![NamedPolicy::new("bench", policy)],
        ..PolicySet::default()
    };
    Some(CompiledPolicySet::compile(&set))
}

criterion_group!(benches, parse);
criterion_main!(benches);
