//! Criterion benchmarks: every scenario through the bare handler, this project's `CorsLayer`
//! (derived and live), the floor, tower-http's, and actix-cors and this project's actix middleware
//! over a bare actix app, plus `Policy::evaluate` alone; the allocations per request of each are
//! printed before its group's timings.
//!
//! `cargo bench -p cors-bench` (about five minutes); `cargo bench -p cors-bench -- exact_` for a
//! subset.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use checked_cors::http::read_request;
use cors_bench::actix;
use cors_bench::alloc_count::Counting;
use cors_bench::measure::allocations_per_item;
use cors_bench::scenario::Scenario;
use cors_bench::service::call;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Requests per allocation count: enough to cycle through every template of a scenario.
const COUNTED: usize = 64;

fn layers(c: &mut Criterion) {
    for mut scenario in Scenario::all() {
        if let Err(disagreement) = scenario.check() {
            panic!("the layers do not apply the same policy: {disagreement}");
        }
        let Scenario {
            name,
            requests,
            policy,
            bare,
            ours,
            tower_http,
            floor,
            live,
            actix_bare,
            actix,
            actix_ours,
            ..
        } = &mut scenario;
        let policy = *policy;
        let templates = requests.templates().to_vec();
        let reads: Vec<_> = templates
            .iter()
            .map(|r| read_request(r.method(), r.headers()))
            .collect();
        let mut next_actix = 0;
        let mut actix_request = || {
            next_actix = (next_actix + 1) % templates.len();
            actix::request(&templates[next_actix])
        };
        println!(
            "{name}: allocations per request: bare {}, checked-cors {}, tower-http {}, floor {}, live {}, \
             evaluate {}, actix bare {}, actix-cors {}, checked-cors actix {}",
            allocations_per_item(COUNTED, || requests.next_request(), |r| call(bare, r)),
            allocations_per_item(COUNTED, || requests.next_request(), |r| call(ours, r)),
            allocations_per_item(COUNTED, || requests.next_request(), |r| call(tower_http, r)),
            allocations_per_item(COUNTED, || requests.next_request(), |r| call(floor, r)),
            allocations_per_item(COUNTED, || requests.next_request(), |r| call(live, r)),
            allocations_per_item(COUNTED, || &reads[0], |r| policy.evaluate(r)),
            allocations_per_item(COUNTED, &mut actix_request, |r| actix_bare.send(r)),
            allocations_per_item(COUNTED, &mut actix_request, |r| actix.send(r)),
            allocations_per_item(COUNTED, &mut actix_request, |r| actix_ours.send(r)),
        );
        let mut group = c.benchmark_group(name.as_str());
        // Requests are made in the untimed setup and responses dropped untimed: only the call and
        // the poll are measured.
        group.bench_function("bare", |b| {
            b.iter_batched(
                || requests.next_request(),
                |r| call(bare, r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("checked-cors", |b| {
            b.iter_batched(
                || requests.next_request(),
                |r| call(ours, r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("tower-http", |b| {
            b.iter_batched(
                || requests.next_request(),
                |r| call(tower_http, r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("floor", |b| {
            b.iter_batched(
                || requests.next_request(),
                |r| call(floor, r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("live", |b| {
            b.iter_batched(
                || requests.next_request(),
                |r| call(live, r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("actix-bare", |b| {
            b.iter_batched(
                &mut actix_request,
                |r| actix_bare.send(r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("actix-cors", |b| {
            b.iter_batched(&mut actix_request, |r| actix.send(r), BatchSize::SmallInput)
        });
        group.bench_function("cors-core-actix", |b| {
            b.iter_batched(
                &mut actix_request,
                |r| actix_ours.send(r),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("evaluate", |b| {
            let mut next = 0;
            b.iter(|| {
                next = (next + 1) % reads.len();
                policy.evaluate(black_box(&reads[next]))
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Shorter than criterion's defaults (3 s + 5 s per function), so that the hundred functions
    // fit in minutes; the spread is reported.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = layers
}
criterion_main!(benches);
