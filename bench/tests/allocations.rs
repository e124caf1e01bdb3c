//! The allocation targets, as tests: this project's layer (derived or live) allocates nothing for
//! an actual request whose response has room for its headers, and only the answer's header map for
//! a preflight, as the floor does.

use cors_bench::actix;
use cors_bench::alloc_count::Counting;
use cors_bench::measure::allocations_per_item;
use cors_bench::scenario::Scenario;
use cors_bench::service::call;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const COUNTED: usize = 32;

#[test]
fn the_counter_sees_the_handlers_header_map() {
    // `HeaderMap::with_capacity` allocates its index and its entries: if this reads 0, the
    // allocator is not installed and every other assertion here would pass vacuously.
    for mut scenario in Scenario::all() {
        let Scenario { requests, bare, .. } = &mut scenario;
        assert_eq!(
            allocations_per_item(COUNTED, || requests.next_request(), |r| call(bare, r)),
            2.0
        );
    }
}

#[test]
fn the_layer_allocates_nothing_for_actual_requests() {
    for mut scenario in Scenario::all().into_iter().filter(|s| !s.preflight) {
        let Scenario {
            name,
            requests,
            bare,
            ours,
            live,
            floor,
            ..
        } = &mut scenario;
        let bare = allocations_per_item(COUNTED, || requests.next_request(), |r| call(bare, r));
        let ours = allocations_per_item(COUNTED, || requests.next_request(), |r| call(ours, r));
        let live = allocations_per_item(COUNTED, || requests.next_request(), |r| call(live, r));
        let floor = allocations_per_item(COUNTED, || requests.next_request(), |r| call(floor, r));
        assert_eq!(ours, bare, "{name}");
        assert_eq!(live, bare, "{name}: the live layer");
        assert_eq!(floor, bare, "{name}: the floor");
    }
}

#[test]
fn a_preflight_answer_allocates_only_its_header_map() {
    let mut preflights = 0;
    for mut scenario in Scenario::all().into_iter().filter(|s| s.preflight) {
        let Scenario {
            name,
            requests,
            ours,
            live,
            floor,
            ..
        } = &mut scenario;
        // The answer's map, cloned from one built with the layer: its index and its entries.
        let floor = allocations_per_item(COUNTED, || requests.next_request(), |r| call(floor, r));
        assert_eq!(floor, 2.0, "{name}: the floor");
        let ours = allocations_per_item(COUNTED, || requests.next_request(), |r| call(ours, r));
        assert!(ours <= floor, "{name}: {ours} allocations");
        let live = allocations_per_item(COUNTED, || requests.next_request(), |r| call(live, r));
        assert!(live <= floor, "{name}: the live layer, {live} allocations");
        preflights += 1;
    }
    assert_eq!(preflights, 2);
}

#[test]
fn the_actix_middleware_adds_no_allocation_to_actual_requests() {
    for mut scenario in Scenario::all().into_iter().filter(|s| !s.preflight) {
        // An origin matched by a pattern is echoed: the request's own `HeaderValue` cloned, which
        // allocates once here because `actix_web::test` builds each value from a `&str`; a value
        // parsed by actix's HTTP/1 decoder shares the read buffer, and its clone does not.
        if scenario.name == "subdomain_pattern" {
            continue;
        }
        let templates = scenario.requests.templates().to_vec();
        let mut next = 0;
        let mut request = || {
            next = (next + 1) % templates.len();
            actix::request(&templates[next])
        };
        let Scenario {
            name,
            actix_bare,
            actix_ours,
            ..
        } = &mut scenario;
        // actix keeps request and response heads in thread-local pools: fill them first.
        for _ in 0..8 {
            drop(actix_bare.send(request()));
            drop(actix_ours.send(request()));
        }
        let bare = allocations_per_item(COUNTED, &mut request, |r| actix_bare.send(r));
        let ours = allocations_per_item(COUNTED, &mut request, |r| actix_ours.send(r));
        assert_eq!(ours, bare, "{name}");
    }
}

#[test]
fn an_actix_preflight_answer_allocates_at_most_once() {
    for mut scenario in Scenario::all().into_iter().filter(|s| s.preflight) {
        let templates = scenario.requests.templates().to_vec();
        let Scenario {
            name, actix_ours, ..
        } = &mut scenario;
        for _ in 0..8 {
            drop(actix_ours.send(actix::request(&templates[0])));
        }
        let ours = allocations_per_item(
            COUNTED,
            || actix::request(&templates[0]),
            |r| actix_ours.send(r),
        );
        assert!(ours <= 1.0, "{name}: {ours} allocations");
    }
}

#[test]
fn an_actix_lookup_adds_no_allocation_to_requests_it_is_not_asked_about() {
    // Allowed scenarios send the policy's own origins (listed or matched by a pattern), which
    // never reach the lookup: those requests must cost what they cost without one.
    let mut checked = 0;
    for mut scenario in Scenario::all().into_iter().filter(|s| s.allowed) {
        let templates = scenario.requests.templates().to_vec();
        let mut next = 0;
        let mut request = || {
            next = (next + 1) % templates.len();
            actix::request(&templates[next])
        };
        let Scenario {
            name,
            actix_ours,
            actix_ours_lookup,
            ..
        } = &mut scenario;
        let mut with_lookup = actix_ours_lookup();
        for _ in 0..8 {
            drop(actix_ours.send(request()));
            drop(with_lookup.send(request()));
        }
        let ours = allocations_per_item(COUNTED, &mut request, |r| actix_ours.send(r));
        let lookup = allocations_per_item(COUNTED, &mut request, |r| with_lookup.send(r));
        assert_eq!(lookup, ours, "{name}");
        checked += 1;
    }
    assert!(checked >= 3, "{checked} allowed scenarios");
}
