#!/usr/bin/env bash
# Instructions per request, counted by valgrind: deterministic where timings on a shared machine
# are not. For every scenario and implementation, runs `quick repeat` with N and 2N requests; the
# difference divided by N is the cost of one request (set-up cancels out). Prints two markdown
# tables: the tower layers (ours, live, the floor, tower-http) and the actix middlewares.
#
# bench/instructions.sh [N]   (default 2000; needs valgrind and bc; builds `quick` in release)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
cargo build --release --quiet -p cors-bench --bin quick
quick="${CARGO_TARGET_DIR:-target}/release/quick"
count() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$quick" repeat "$1" "$2" "$3" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
ratio3() { printf '%.3f' "$(echo "$1 / $2" | bc -l)"; }
tower='| scenario | bare | floor + | checked-cors + | vs floor | tower-http 0.7.1 + | vs tower-http | live + | live vs floor | `evaluate` |
|---|---|---|---|---|---|---|---|---|---|'
actix='| scenario | actix bare | checked-cors actix + | actix-cors + | ratio |
|---|---|---|---|---|'
for scenario in no_origin simple_allowed simple_refused preflight_allowed preflight_refused \
    exact_3 exact_100 exact_1000 exact_10000 subdomain_pattern; do
    declare -A per=()
    for implementation in bare floor ours live tower-http evaluate actix-bare actix-cors actix-ours; do
        once=$(count "$scenario" "$implementation" "$n")
        twice=$(count "$scenario" "$implementation" $((2 * n)))
        per[$implementation]=$(((twice - once) / n))
    done
    # Preflights never reach the handler: a layer's cost is its whole count.
    base=${per[bare]}
    actix_base=${per[actix-bare]}
    case "$scenario" in preflight_*) base=0 actix_base=0 ;; esac
    floor=$((per[floor] - base))
    ours=$((per[ours] - base))
    live=$((per[live] - base))
    theirs=$((per[tower-http] - base))
    actix_cors=$((per[actix-cors] - actix_base))
    actix_ours=$((per[actix-ours] - actix_base))
    tower+="
| \`$scenario\` | ${per[bare]} | $floor | $ours | **$(ratio $ours $floor)** | $theirs | **$(ratio3 $ours $theirs)** | $live | $(ratio $live $floor) | ${per[evaluate]} |"
    actix+="
| \`$scenario\` | ${per[actix-bare]} | $actix_ours | $actix_cors | $(ratio $actix_ours $actix_cors) |"
    echo "$scenario done" >&2
done
printf '%s\n\n%s\n' "$tower" "$actix"
