#!/usr/bin/env bash
# Instructions per request of composed layers (`CorsLayer::defer_to_inner`), counted as
# bench/instructions.sh counts them (valgrind, N and 2N requests, the difference / N): what each
# adds to the bare handler (for preflights, its whole count). `ours` is a plain layer in a
# process without a deferring layer, `plain*` the same layer once a deferring one exists,
# `deferring` a global layer alone (a route without its own layer), `nested` a global layer over
# a route's own (the same policy for both).
#
# bench/composition.sh [N]   (default 2000; needs valgrind; builds the quick binary in release)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
cargo build --release --quiet -p cors-bench --bin quick
quick="${CARGO_TARGET_DIR:-target}/release/quick"
count() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$quick" repeat "$1" "$2" "$3" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
printf '%-18s %6s %7s %9s %12s %9s\n' scenario bare 'ours +' 'plain* +' 'deferring +' 'nested +'
for scenario in no_origin simple_allowed simple_refused preflight_allowed preflight_refused; do
    declare -A per=()
    for implementation in bare ours composed-plain composed-deferring composed-nested; do
        once=$(count "$scenario" "$implementation" "$n")
        twice=$(count "$scenario" "$implementation" $((2 * n)))
        per[$implementation]=$(((twice - once) / n))
    done
    base=${per[bare]}
    case "$scenario" in preflight_*) base=0 ;; esac
    printf '%-18s %6d %7d %9d %12d %9d\n' "$scenario" "${per[bare]}" $((per[ours] - base)) \
        $((per[composed-plain] - base)) $((per[composed-deferring] - base)) \
        $((per[composed-nested] - base))
done
