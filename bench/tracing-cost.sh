#!/usr/bin/env bash
# What checked-cors's `tracing` feature adds per request, with no subscriber installed (as in a
# service that does not use tracing, or before it sets one): instructions counted by valgrind,
# as in `bench/instructions.sh`, for the tower layer (`ours`) and the actix middleware
# (`actix-ours`), with the feature off and on. The difference between runs of N and 2N requests,
# divided by N, is the cost of one request.
#
# bench/tracing-cost.sh [N]   (default 2000; needs valgrind; builds the quick binary twice, in release)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
target="${CARGO_TARGET_DIR:-target}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cargo build --release --quiet -p cors-bench --bin quick
cp "$target/release/quick" "$scratch/off"
cargo build --release --quiet -p cors-bench --bin quick --features tracing
cp "$target/release/quick" "$scratch/on"
count() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$scratch/$1" repeat "$2" "$3" "$4" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
per_request() {
    local once twice
    once=$(count "$1" "$2" "$3" "$n")
    twice=$(count "$1" "$2" "$3" $((2 * n)))
    echo $(((twice - once) / n))
}
printf '%-18s %-11s %8s %8s %6s\n' scenario integration off on added
for scenario in no_origin simple_allowed simple_refused preflight_allowed preflight_refused; do
    for implementation in ours actix-ours; do
        off=$(per_request off "$scenario" "$implementation")
        on=$(per_request on "$scenario" "$implementation")
        printf '%-18s %-11s %8d %8d %6d\n' "$scenario" "$implementation" "$off" "$on" $((on - off))
    done
done
