//! Quick mode: one line per scenario with each implementation's overhead above the bare handler,
//! the ratios the targets are about (ours against the floor and against tower-http) and the
//! allocations per request, then the targets, met or not. About ten seconds.
//!
//! `cargo run --release -p cors-bench --bin quick [rounds]` (default 31 rounds; more is steadier).
//!
//! `quick repeat <scenario> <implementation> <n>` sends one scenario's requests `n` times through
//! one implementation (see [`IMPLEMENTATIONS`]) and nothing else, for a profiler or an instruction
//! counter (`valgrind --tool=callgrind`): the difference between two `n` is the cost of the
//! requests.

use checked_cors::http::read_request;
use cors_bench::actix;
use cors_bench::alloc_count::Counting;
use cors_bench::measure::{measure, Row};
use cors_bench::scenario::Scenario;
use cors_bench::service::call;
use std::hint::black_box;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `quick repeat` can drive.
const IMPLEMENTATIONS: [&str; 10] = [
    "bare",
    "ours",
    "floor",
    "live",
    "tower-http",
    "evaluate",
    "actix-bare",
    "actix-cors",
    "actix-ours",
    "actix-ours-lookup",
];

const USAGE: &str = "usage: quick [rounds] | quick repeat <scenario> <implementation> <n>";

/// The targets of issue 16, on every scenario.
const FLOOR_TARGET: f64 = 1.25;
const TOWER_HTTP_TARGET: f64 = 0.25;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("repeat") {
        let [_, scenario, implementation, n] = &args[..] else {
            panic!("{USAGE}");
        };
        repeat(scenario, implementation, n.parse().expect(USAGE));
        return;
    }
    let rounds = match args.first() {
        Some(arg) => arg.parse().expect(USAGE),
        None => 31,
    };
    let mut rows = Vec::new();
    println!(
        "{:<18} {:>7} {:>8} {:>8} {:>6} {:>9} {:>6} {:>8} | {:>7} | {:>26}",
        "scenario",
        "bare ns",
        "floor +",
        "ours +",
        "/floor",
        "tower +",
        "/tower",
        "live +",
        "eval ns",
        "allocs ours/floor/tower/live",
    );
    for mut scenario in Scenario::all() {
        if let Err(disagreement) = scenario.check() {
            panic!("the layers do not apply the same policy: {disagreement}");
        }
        let row = measure(&mut scenario, rounds);
        println!(
            "{:<18} {:>7.1} {:>8.1} {:>8.1} {:>6.2} {:>9.1} {:>6.3} {:>8.1} | {:>7.1} | {:>5} {:>5} {:>5} {:>5}",
            row.name,
            row.bare_ns,
            row.floor_overhead_ns,
            row.ours_overhead_ns,
            row.floor_ratio(),
            row.tower_http_overhead_ns,
            row.ratio(),
            row.live_overhead_ns,
            row.evaluate_ns,
            row.ours_layer_allocations(),
            row.floor_layer_allocations(),
            row.tower_http_layer_allocations(),
            row.live_layer_allocations(),
        );
        rows.push(row);
    }
    println!(
        "(+: what the layer adds to the bare handler, in ns; for preflights, which the layers \
         answer without the handler, their whole time and allocations)"
    );
    println!();
    report_actix(&rows);
    println!();
    report_targets(&rows);
}

/// This project's actix middleware against actix-cors, over the same bare actix app, with the
/// tower layer's figures beside them.
fn report_actix(rows: &[Row]) {
    println!(
        "{:<18} {:>8} | {:>9} {:>9} {:>6} | {:>17} | {:>8}",
        "actix: scenario",
        "bare ns",
        "ours +ns",
        "a-cors +ns",
        "ratio",
        "allocs ours/a-cors",
        "tower +ns"
    );
    for row in rows {
        println!(
            "{:<18} {:>8.1} | {:>9.1} {:>9.1} {:>6.3} | {:>8} {:>8} | {:>8.1}",
            row.name,
            row.actix_bare_ns,
            row.actix_ours_overhead_ns,
            row.actix_overhead_ns,
            row.actix_ours_overhead_ns / row.actix_overhead_ns,
            row.actix_ours_layer_allocations(),
            row.actix_layer_allocations(),
            row.ours_overhead_ns,
        );
    }
    println!(
        "(ours: checked_cors::actix::Cors; a-cors: actix-cors; tower: checked_cors::CorsLayer over the \
         bare tower service, for comparison)"
    );
}

fn report_targets(rows: &[Row]) {
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    for r in rows {
        println!(
            "{:<18} vs floor {:.2} (<= {FLOOR_TARGET}): {:<6}  vs tower-http {:.3} (<= {TOWER_HTTP_TARGET}): {}",
            r.name,
            r.floor_ratio(),
            verdict(r.floor_ratio() <= FLOOR_TARGET),
            r.ratio(),
            verdict(r.ratio() <= TOWER_HTTP_TARGET)
        );
    }
    for r in rows {
        let (allowed, what) = if r.preflight {
            // The answer's own header map: its index and entry arrays.
            (2.0, "the answer's header map only")
        } else {
            (0.0, "none")
        };
        println!(
            "layer allocations {:<18} {:.1} (target: {what}): {}",
            r.name,
            r.ours_layer_allocations(),
            verdict(r.ours_layer_allocations() <= allowed)
        );
    }
}

fn repeat(name: &str, implementation: &str, n: usize) {
    let mut scenario = Scenario::named(name)
        .unwrap_or_else(|| panic!("no scenario named {name}; scenarios: {:?}", Scenario::NAMES));
    let templates = scenario.requests.templates().to_vec();
    let reads: Vec<_> = templates
        .iter()
        .map(|r| read_request(r.method(), r.headers()))
        .collect();
    let Scenario {
        requests,
        bare,
        ours,
        tower_http,
        floor,
        live,
        policy,
        actix_bare,
        actix,
        actix_ours,
        actix_ours_lookup,
        composed,
        ..
    } = &mut scenario;
    // Only for the composition's figures: making it turns on the checks of plain layers.
    let mut composed = implementation.starts_with("composed-").then(*composed);
    let mut actix_ours_lookup = (implementation == "actix-ours-lookup").then(*actix_ours_lookup);
    for i in 0..n {
        match implementation {
            "bare" => drop(black_box(call(bare, requests.next_request()))),
            "ours" => drop(black_box(call(ours, requests.next_request()))),
            "composed-deferring" | "composed-nested" | "composed-plain" => {
                let composed = composed.as_mut().expect("made above");
                let request = requests.next_request();
                drop(black_box(match implementation {
                    "composed-deferring" => call(&mut composed.deferring, request),
                    "composed-nested" => call(&mut composed.nested, request),
                    _ => call(&mut composed.plain, request),
                }))
            }
            "tower-http" => drop(black_box(call(tower_http, requests.next_request()))),
            "floor" => drop(black_box(call(floor, requests.next_request()))),
            "live" => drop(black_box(call(live, requests.next_request()))),
            "actix-bare" => drop(black_box(
                actix_bare.send(actix::request(&templates[i % templates.len()])),
            )),
            "actix-cors" => drop(black_box(
                actix.send(actix::request(&templates[i % templates.len()])),
            )),
            "actix-ours" => drop(black_box(
                actix_ours.send(actix::request(&templates[i % templates.len()])),
            )),
            "actix-ours-lookup" => drop(black_box(
                actix_ours_lookup
                    .as_mut()
                    .expect("made above")
                    .send(actix::request(&templates[i % templates.len()])),
            )),
            "evaluate" => {
                black_box(policy.evaluate(black_box(&reads[i % reads.len()])));
            }
            _ => panic!("{USAGE}; implementations: {IMPLEMENTATIONS:?}"),
        }
    }
}
