//! How long decoding the embedded data takes: what the first `Catalog::get()` and
//! `ManagedPolicies::get()` of a process cost. Each iteration decodes from the compressed bytes,
//! not from the cached statics.
//!
//! `cargo bench -p iamwatch-catalog --bench load`

use criterion::{Criterion, criterion_group, criterion_main};
use iamwatch_catalog::{Catalog, ManagedPolicies};

fn load(c: &mut Criterion) {
    if let Err(e) = Catalog::load_embedded().map(drop) {
        eprintln!("the embedded service reference does not decode: {e}");
        return;
    }
    c.bench_function("service reference: decode embedded", |b| {
        b.iter_with_large_drop(Catalog::load_embedded)
    });

    if let Err(e) = ManagedPolicies::load_embedded().map(drop) {
        eprintln!("the embedded managed policies do not decode: {e}");
        return;
    }
    let mut group = c.benchmark_group("managed policies");
    group.sample_size(10);
    group.bench_function("decode embedded", |b| {
        b.iter_with_large_drop(ManagedPolicies::load_embedded)
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
