#!/usr/bin/env bash
# Instructions per request, counted by valgrind: deterministic where timings on a shared machine
# are not. For every scenario and implementation, runs `quick repeat` with N and 2N requests; the
# difference divided by N is the cost of one request (set-up cancels out).
#
# bench/instructions.sh [N]   (default 2000; needs valgrind; builds the quick binary in release)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
cargo build --release --quiet -p cors-bench --bin quick
quick="${CARGO_TARGET_DIR:-target}/release/quick"
count() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$quick" repeat "$1" "$2" "$3" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
printf '%-18s %6s %7s %8s %6s %7s %6s %8s %9s %9s %6s\n' scenario bare 'ours +' 'tower +' ratio \
    'lean +' ratio 'actix' 'actix +' 'a-ours +' evaluate
for scenario in no_origin simple_allowed simple_refused preflight_allowed preflight_refused \
    exact_3 exact_100 exact_1000 exact_10000 subdomain_pattern; do
    declare -A per=()
    for implementation in bare ours tower-http lean evaluate actix-bare actix-cors actix-ours; do
        once=$(count "$scenario" "$implementation" "$n")
        twice=$(count "$scenario" "$implementation" $((2 * n)))
        per[$implementation]=$(((twice - once) / n))
    done
    # Preflights never reach the handler: a layer's cost is its whole count.
    base=${per[bare]}
    actix_base=${per[actix-bare]}
    case "$scenario" in preflight_*) base=0 actix_base=0 ;; esac
    ours=$((per[ours] - base))
    tower=$((per[tower-http] - base))
    lean=$((per[lean] - base))
    actix=$((per[actix-cors] - actix_base))
    actix_ours=$((per[actix-ours] - actix_base))
    printf '%-18s %6d %7d %8d %6.3f %7d %6.3f %8d %9d %9d %6d\n' "$scenario" "${per[bare]}" \
        "$ours" "$tower" "$(echo "$ours / $tower" | bc -l)" "$lean" \
        "$(echo "$lean / $tower" | bc -l)" "${per[actix-bare]}" "$actix" "$actix_ours" \
        "${per[evaluate]}"
done
