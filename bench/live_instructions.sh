#!/usr/bin/env bash
# Instructions per allowed actual request for each row of the `live` binary (`live repeat <row>
# <n>`), counted by callgrind: the difference of N and 2N requests divided by N, so that start-up
# cancels out, then the bare handler's (row 0) subtracted to leave the layer's own cost.
#
# bench/live_instructions.sh [N]   (default 1000; needs valgrind; builds the live binary in release)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
cargo build --release --quiet -p cors-bench --bin live
live="${CARGO_TARGET_DIR:-target}/release/live"
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$live" repeat "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : *//p'
}
bare=0
printf '%-30s %12s %14s\n' row 'per request' 'layer alone'
row=0
# Every row the binary has: `repeat` fails past the last.
while name=$("$live" repeat "$row" 1 2>/dev/null | tail -n 1 | sed 's/: .*//') && [ -n "$name" ]; do
    once=$(count "$row" "$n")
    twice=$(count "$row" $((2 * n)))
    per=$(((twice - once) / n))
    [ "$row" -eq 0 ] && bare=$per
    printf '%-30s %12d %14d\n' "$name" "$per" $((per - bare))
    row=$((row + 1))
done
