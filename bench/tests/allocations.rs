//! The allocation targets, as tests: this project's layer (and the `lean` sketch) allocates nothing
//! for an actual request whose response has room for its headers, and only the answer's header map
//! for a preflight.

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
            lean,
            ..
        } = &mut scenario;
        let bare = allocations_per_item(COUNTED, || requests.next_request(), |r| call(bare, r));
        let ours = allocations_per_item(COUNTED, || requests.next_request(), |r| call(ours, r));
        let lean = allocations_per_item(COUNTED, || requests.next_request(), |r| call(lean, r));
        assert_eq!(ours, bare, "{name}");
        assert_eq!(lean, bare, "{name}: the lean sketch");
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
            lean,
            ..
        } = &mut scenario;
        let ours = allocations_per_item(COUNTED, || requests.next_request(), |r| call(ours, r));
        assert!(ours <= 2.0, "{name}: {ours} allocations");
        // The template's clone is the answer's map: its index and its entries, nothing else. The
        // first answer of each shape builds its template (set-up, like `CorsLayer::new`): not
        // counted.
        drop(call(lean, requests.next_request()));
        let lean = allocations_per_item(COUNTED, || requests.next_request(), |r| call(lean, r));
        assert!(lean <= 2.0, "{name}: the lean sketch, {lean} allocations");
        preflights += 1;
    }
    assert_eq!(preflights, 2);
}
