//! Timing and allocation counting for the quick mode.
//!
//! Requests are prepared untimed, sent back to back in batches, and their responses dropped
//! untimed. The implementations take turns batch by batch, so that a neighbour's compile slows
//! them alike, and each overhead is the median of differences taken within one round.

use std::hint::black_box;
use std::time::Instant;

use checked_cors::http::read_request;

use crate::actix;
use crate::alloc_count::counting;
use crate::scenario::Scenario;
use crate::service::call;

/// Requests per timed batch: long enough for the clock's resolution, short enough to fit in cache.
pub const BATCH: usize = 256;

/// Nanoseconds per item over one batch of `batch` items: `prepare` runs untimed, `send` timed,
/// and the outputs are dropped untimed.
pub fn time_batch<I, O>(
    batch: usize,
    mut prepare: impl FnMut() -> I,
    mut send: impl FnMut(I) -> O,
) -> f64 {
    let inputs: Vec<I> = (0..batch).map(|_| prepare()).collect();
    let mut outputs = Vec::with_capacity(batch);
    let start = Instant::now();
    for input in inputs {
        outputs.push(send(input));
    }
    let elapsed = start.elapsed();
    drop(black_box(outputs));
    elapsed.as_nanos() as f64 / batch as f64
}

/// Allocations per item made by `send` (its inputs prepared outside the count), over `n` items.
pub fn allocations_per_item<I, O>(
    n: usize,
    mut prepare: impl FnMut() -> I,
    mut send: impl FnMut(I) -> O,
) -> f64 {
    let mut total = 0;
    for _ in 0..n {
        let input = prepare();
        let (output, allocations) = counting(|| send(input));
        drop(black_box(output));
        total += allocations;
    }
    total as f64 / n as f64
}

/// The median of `samples` (which it sorts).
///
/// # Panics
///
/// If `samples` is empty or holds a NaN.
pub fn median(samples: &mut [f64]) -> f64 {
    assert!(!samples.is_empty(), "the median of nothing");
    samples.sort_by(|a, b| a.partial_cmp(b).expect("timings are numbers"));
    let mid = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[mid]
    } else {
        (samples[mid - 1] + samples[mid]) / 2.0
    }
}

/// One scenario's figures.
#[derive(Clone, Debug)]
pub struct Row {
    /// The scenario's name.
    pub name: String,
    /// Whether the requests are preflights (answered by the layers without the handler).
    pub preflight: bool,
    /// Median nanoseconds per request: the bare handler.
    pub bare_ns: f64,
    /// Median nanoseconds this project's layer adds: the whole answer for a preflight (the
    /// handler does not run), otherwise the difference with the bare handler measured in the
    /// same round.
    pub ours_overhead_ns: f64,
    /// The same for tower-http.
    pub tower_http_overhead_ns: f64,
    /// The same for the floor ([`crate::floor`]).
    pub floor_overhead_ns: f64,
    /// The same for this project's layer over a live policy.
    pub live_overhead_ns: f64,
    /// Median nanoseconds per request: the bare actix app.
    pub actix_bare_ns: f64,
    /// Median nanoseconds actix-cors adds to the actix app (for a preflight, its whole answer).
    pub actix_overhead_ns: f64,
    /// The same for this project's actix middleware.
    pub actix_ours_overhead_ns: f64,
    /// Median nanoseconds of `Policy::evaluate` alone, on the request's headers already read.
    pub evaluate_ns: f64,
    /// Allocations per request: the bare handler.
    pub bare_allocations: f64,
    /// Allocations per request: this project's layer over the handler.
    pub ours_allocations: f64,
    /// Allocations per request: tower-http's layer over the handler.
    pub tower_http_allocations: f64,
    /// Allocations per request: the floor over the handler.
    pub floor_allocations: f64,
    /// Allocations per request: the live layer over the handler.
    pub live_allocations: f64,
    /// Allocations per request: the bare actix app.
    pub actix_bare_allocations: f64,
    /// Allocations per request: the actix app wrapped in actix-cors.
    pub actix_allocations: f64,
    /// Allocations per request: the actix app wrapped in this project's actix middleware.
    pub actix_ours_allocations: f64,
    /// Allocations per call of `Policy::evaluate`.
    pub evaluate_allocations: f64,
}

impl Row {
    /// Our overhead over tower-http's.
    pub fn ratio(&self) -> f64 {
        self.ours_overhead_ns / self.tower_http_overhead_ns
    }

    /// Our overhead over the floor's.
    pub fn floor_ratio(&self) -> f64 {
        self.ours_overhead_ns / self.floor_overhead_ns
    }

    /// Allocations made by this project's layer itself (for a preflight, all of them).
    pub fn ours_layer_allocations(&self) -> f64 {
        self.layer_allocations(self.ours_allocations)
    }

    /// Allocations made by the floor itself.
    pub fn floor_layer_allocations(&self) -> f64 {
        self.layer_allocations(self.floor_allocations)
    }

    /// Allocations made by the live layer itself.
    pub fn live_layer_allocations(&self) -> f64 {
        self.layer_allocations(self.live_allocations)
    }

    /// Allocations made by tower-http's layer itself.
    pub fn tower_http_layer_allocations(&self) -> f64 {
        self.layer_allocations(self.tower_http_allocations)
    }

    /// Allocations actix-cors adds to the actix app (for a preflight, the whole answer's).
    pub fn actix_layer_allocations(&self) -> f64 {
        self.actix_added(self.actix_allocations)
    }

    /// Allocations this project's actix middleware adds to the actix app.
    pub fn actix_ours_layer_allocations(&self) -> f64 {
        self.actix_added(self.actix_ours_allocations)
    }

    fn actix_added(&self, total: f64) -> f64 {
        if self.preflight {
            total
        } else {
            total - self.actix_bare_allocations
        }
    }

    fn layer_allocations(&self, total: f64) -> f64 {
        if self.preflight {
            total
        } else {
            total - self.bare_allocations
        }
    }
}

/// The implementations timed, in the order of [`measure`]'s rotation.
const TIMED: usize = 10;

/// Measures `scenario` over `rounds` rounds of one batch per implementation.
pub fn measure(scenario: &mut Scenario, rounds: usize) -> Row {
    let Scenario {
        name,
        preflight,
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
    } = scenario;
    let policy = *policy;
    // A copy of the templates to borrow from while `requests` hands out fresh requests.
    let templates = requests.templates().to_vec();
    let reads: Vec<_> = templates
        .iter()
        .map(|r| read_request(r.method(), r.headers()))
        .collect();
    let mut next_read = 0;
    let mut evaluate = |batch: usize| {
        time_batch(
            batch,
            || {
                next_read = (next_read + 1) % reads.len();
                &reads[next_read]
            },
            |request| policy.evaluate(black_box(request)),
        )
    };
    let mut next_actix = 0;
    let mut actix_request = || {
        next_actix = (next_actix + 1) % templates.len();
        actix::request(&templates[next_actix])
    };
    let mut time = |which: usize| match which {
        0 => time_batch(BATCH, || requests.next_request(), |r| call(bare, r)),
        1 => time_batch(BATCH, || requests.next_request(), |r| call(ours, r)),
        2 => time_batch(BATCH, || requests.next_request(), |r| call(tower_http, r)),
        3 => time_batch(BATCH, || requests.next_request(), |r| call(floor, r)),
        4 => time_batch(BATCH, || requests.next_request(), |r| call(live, r)),
        5 => evaluate(BATCH),
        6 => time_batch(BATCH, &mut actix_request, |r| actix_bare.send(r)),
        7 => time_batch(BATCH, &mut actix_request, |r| actix.send(r)),
        8 => time_batch(BATCH, &mut actix_request, |r| actix_ours.send(r)),
        // The bare handler twice: the baseline of every difference is the mean of two places in
        // the rotation, so that it is not always timed right before or after the same layer.
        _ => time_batch(BATCH, || requests.next_request(), |r| call(bare, r)),
    };
    // Warm caches and branch predictors before the first timed round.
    for _ in 0..2 {
        for which in 0..TIMED {
            time(which);
        }
    }
    let mut samples: [Vec<f64>; TIMED] = Default::default();
    for round in 0..rounds {
        let mut times = [0.0; TIMED];
        // Rotate the order so that no implementation always runs right after another.
        for k in 0..TIMED {
            let which = (round + k) % TIMED;
            times[which] = time(which);
        }
        let bare_ns = (times[0] + times[9]) / 2.0;
        let (base, actix_base) = if *preflight {
            (0.0, 0.0)
        } else {
            (bare_ns, times[6])
        };
        samples[0].push(bare_ns);
        for which in 1..5 {
            samples[which].push(times[which] - base);
        }
        samples[5].push(times[5]);
        samples[6].push(times[6]);
        samples[7].push(times[7] - actix_base);
        samples[8].push(times[8] - actix_base);
    }
    let [bare_t, ours_d, tower_d, floor_d, live_d, eval_t, actix_bare_t, actix_d, actix_ours_d, _] =
        &mut samples;
    const COUNTED: usize = 64;
    let mut tower_allocations =
        |service: &mut dyn FnMut(http::Request<()>) -> http::Response<String>| {
            allocations_per_item(COUNTED, || requests.next_request(), service)
        };
    let bare_allocations = tower_allocations(&mut |r| call(bare, r));
    let ours_allocations = tower_allocations(&mut |r| call(ours, r));
    let tower_http_allocations = tower_allocations(&mut |r| call(tower_http, r));
    let floor_allocations = tower_allocations(&mut |r| call(floor, r));
    let live_allocations = tower_allocations(&mut |r| call(live, r));
    Row {
        name: name.clone(),
        preflight: *preflight,
        bare_ns: median(bare_t),
        ours_overhead_ns: median(ours_d),
        tower_http_overhead_ns: median(tower_d),
        floor_overhead_ns: median(floor_d),
        live_overhead_ns: median(live_d),
        actix_bare_ns: median(actix_bare_t),
        actix_overhead_ns: median(actix_d),
        actix_ours_overhead_ns: median(actix_ours_d),
        evaluate_ns: median(eval_t),
        bare_allocations,
        ours_allocations,
        tower_http_allocations,
        floor_allocations,
        live_allocations,
        actix_bare_allocations: allocations_per_item(COUNTED, &mut actix_request, |r| {
            actix_bare.send(r)
        }),
        actix_allocations: allocations_per_item(COUNTED, &mut actix_request, |r| actix.send(r)),
        actix_ours_allocations: allocations_per_item(COUNTED, &mut actix_request, |r| {
            actix_ours.send(r)
        }),
        evaluate_allocations: allocations_per_item(
            COUNTED,
            || &reads[0],
            |request| policy.evaluate(request),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn a_batch_times_every_item_and_keeps_preparation_out() {
        let mut sent = 0;
        let slow_preparation = || {
            std::thread::sleep(std::time::Duration::from_millis(2));
            1u64
        };
        let ns = time_batch(10, slow_preparation, |x| sent += x);
        assert_eq!(sent, 10);
        assert!(ns < 1_000_000.0, "preparation was timed: {ns} ns per item");
    }
}
