//! Memory under policy churn: built policies are freed, and live reloads free the policies they
//! replace. Not a timed test: it prints figures for `BENCHMARKS.md`.
//!
//! `cargo run --release -p cors-bench --bin rebuild [builds] [reloads]` (defaults 1,000,000
//! each):
//!
//! 1. builds and drops `builds` policies of 20 origins, and reports the resident memory before,
//!    the peak and after, with the build cost per policy;
//! 2. reloads a `LivePolicy` `reloads` times with 20-origin policies (alternating two) while
//!    another thread sends requests through `CorsLayer::live`, and reports the same.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use checked_cors::{CorsLayer, LivePolicy, Policy, PolicyBuilder};
use cors_bench::service::{call, Bare};
use http::Request;
use tower_layer::Layer;

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u64>().expect("a count"));
    let builds = args.next().unwrap_or(1_000_000);
    let reloads = args.next().unwrap_or(1_000_000);
    let origins: [Vec<String>; 2] = [0, 1].map(|set| {
        (0..20)
            .map(|i| format!("https://tenant{i}.set{set}.example.com"))
            .collect()
    });

    // Warm the allocator so that its own bookkeeping does not count as growth.
    for _ in 0..1_000 {
        drop(policy(&origins[0]));
    }
    let start = memory();
    let started = Instant::now();
    for i in 0..builds {
        drop(policy(&origins[(i % 2) as usize]));
    }
    let per_build = started.elapsed() / builds.max(1) as u32;
    let end = memory();
    println!(
        "build and drop {builds} policies of 20 origins: {per_build:?} per policy; resident \
         {} KiB before, {} KiB after, peak {} KiB",
        start.rss_kib, end.rss_kib, end.peak_kib
    );

    let live = LivePolicy::new(policy(&origins[0]));
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicU64::new(0));
    let traffic = {
        let (live, stop, served) = (live.clone(), stop.clone(), served.clone());
        std::thread::spawn(move || {
            let mut service = CorsLayer::live(&live).layer(Bare);
            while !stop.load(Ordering::Relaxed) {
                for origin in [
                    "https://tenant3.set0.example.com",
                    "https://tenant3.set1.example.com",
                ] {
                    let request = Request::builder()
                        .header("origin", origin)
                        .body(())
                        .expect("a request");
                    std::hint::black_box(call(&mut service, request));
                    served.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let start = memory();
    let started = Instant::now();
    for i in 0..reloads {
        let builder = PolicyBuilder::new()
            .allow_origins(&origins[(i % 2) as usize])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["content-type"])
            .allow_credentials();
        live.reload(builder).expect("a valid policy");
    }
    let per_reload = started.elapsed() / reloads.max(1) as u32;
    stop.store(true, Ordering::Relaxed);
    traffic.join().expect("the traffic thread");
    let end = memory();
    println!(
        "{reloads} live reloads of a 20-origin policy with {} requests served meanwhile: \
         {per_reload:?} per reload; resident {} KiB before, {} KiB after, peak {} KiB",
        served.load(Ordering::Relaxed),
        start.rss_kib,
        end.rss_kib,
        end.peak_kib
    );
}

fn policy(origins: &[String]) -> Policy<'static> {
    PolicyBuilder::new()
        .allow_origins(origins)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .allow_credentials()
        .build()
        .expect("a valid policy")
}

struct Memory {
    rss_kib: u64,
    peak_kib: u64,
}

/// The process's resident and peak resident memory, from `/proc/self/status` (Linux).
fn memory() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kib: field("VmRSS:"),
        peak_kib: field("VmHWM:"),
    }
}
