//! Scaling with cores: one shared service per implementation, driven from 1 thread and then from
//! every thread asked for at once, each request through a clone of the shared service (as axum
//! clones a route's service per request). If the request path writes no shared memory (no
//! reference count, no lock), the cost per request stays the same as threads are added.
//!
//! `cargo run --release -p cors-bench --bin threads [threads] [rounds]` (default: 2 threads, 15
//! rounds). Prints, per implementation and thread count, the median over rounds of the CPU time
//! per request on each thread (the bare handler's included) and what the layer adds to it. CPU
//! time, read from Linux's `/proc/thread-self/schedstat`, leaves out the time a thread waits for a
//! core on a shared machine, and keeps what shared writes cost: a cache line moving between cores
//! stalls the thread that wants it. Rounds alternate implementations and thread counts, so that
//! other load on the machine falls on all.

use std::hint::black_box;
use std::sync::Barrier;

use checked_cors::{CorsLayer, LivePolicy, PolicyBuilder};
use cors_bench::floor::FloorLayer;
use cors_bench::measure::median;
use cors_bench::policies::{tower_http_list, Fixed, FIXED_ORIGINS};
use cors_bench::service::{call, Bare};
use http::{Request, Response};
use std::convert::Infallible;
use tower_layer::Layer;
use tower_service::Service;

/// Requests per thread per round.
const REQUESTS: u32 = 200_000;

const ORIGIN: &str = "https://admin.example.com";

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("usage: threads [threads] [rounds]"))
        .collect();
    let threads = args.first().copied().unwrap_or(2);
    let rounds = args.get(1).copied().unwrap_or(15);
    let live = LivePolicy::new(
        PolicyBuilder::new()
            .allow_origins(FIXED_ORIGINS)
            .allow_methods(["GET", "POST", "PUT", "DELETE"])
            .allow_headers(["content-type", "authorization", "x-api-key"])
            .expose_headers(["x-request-id"])
            .allow_credentials()
            .max_age(600)
            .build()
            .expect("a valid policy"),
    );
    let bare = Bare;
    let floor = FloorLayer::new([ORIGIN]).layer(Bare);
    let ours = CorsLayer::<Fixed>::new().layer(Bare);
    // The same handle, leaked for `live_static` (the process ends with the benchmark).
    let live: &'static LivePolicy = Box::leak(Box::new(live));
    let live_static = CorsLayer::live_static(live).layer(Bare);
    let live = CorsLayer::live(live).layer(Bare);
    let tower_http = tower_http_list(FIXED_ORIGINS).layer(Bare);
    let names = [
        "bare",
        "floor",
        "checked-cors",
        "live",
        "live, `'static` handle",
        "tower-http 0.7.1",
    ];
    let counts = [1, threads];
    // samples[implementation][thread count]
    let mut samples = vec![vec![Vec::new(); counts.len()]; names.len()];
    for round in 0..rounds {
        for k in 0..names.len() * counts.len() {
            let slot = (round + k) % (names.len() * counts.len());
            let (which, count) = (slot / counts.len(), slot % counts.len());
            let ns = match which {
                0 => drive(&bare, counts[count]),
                1 => drive(&floor, counts[count]),
                2 => drive(&ours, counts[count]),
                3 => drive(&live, counts[count]),
                4 => drive(&live_static, counts[count]),
                _ => drive(&tower_http, counts[count]),
            };
            samples[which][count].push(ns);
        }
    }
    let medians: Vec<Vec<f64>> = samples
        .iter_mut()
        .map(|per| per.iter_mut().map(|s| median(s)).collect())
        .collect();
    println!(
        "| implementation | 1 thread: CPU ns per request | + | {threads} threads: CPU ns per request and thread | + | growth of + |"
    );
    println!("|---|---|---|---|---|---|");
    for (which, name) in names.iter().enumerate() {
        let [one, many] = [medians[which][0], medians[which][1]];
        if which == 0 {
            println!("| {name} | {one:.1} | | {many:.1} | | |");
            continue;
        }
        let (one_added, many_added) = (one - medians[0][0], many - medians[0][1]);
        println!(
            "| {name} | {one:.1} | {one_added:.1} | {many:.1} | {many_added:.1} | {:.2}x |",
            many_added / one_added
        );
    }
}

/// Nanoseconds this thread has run on a core (the first field of its `schedstat`).
fn cpu_time() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("Linux's /proc/thread-self/schedstat");
    stat.split_whitespace()
        .next()
        .and_then(|ns| ns.parse().ok())
        .expect("schedstat starts with nanoseconds on a CPU")
}

/// CPU nanoseconds per request on each of `threads` threads, all sending through clones of `service`
/// at once.
fn drive<S>(service: &S, threads: usize) -> f64
where
    S: Service<Request<()>, Response = Response<String>, Error = Infallible> + Clone + Sync,
{
    let start = Barrier::new(threads);
    let per_thread: Vec<f64> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let template = Request::get("https://api.example.com/v1/items")
                        .header("accept", "application/json")
                        .header("origin", ORIGIN)
                        .body(())
                        .expect("a valid request");
                    start.wait();
                    let began = cpu_time();
                    for _ in 0..REQUESTS {
                        let mut clone = service.clone();
                        black_box(call(&mut clone, template.clone()));
                    }
                    (cpu_time() - began) as f64 / f64::from(REQUESTS)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker thread"))
            .collect()
    });
    per_thread.iter().sum::<f64>() / per_thread.len() as f64
}
