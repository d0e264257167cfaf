#!/usr/bin/env bash
# Where one request-path variant spends more CPU than another: a perf profile of compare's
# paired batches at concurrency 64, each sample counted for the variant whose batch was
# running (client, local server and kernel alike). Needs `perf` (software clock events are
# enough: no hardware counters).
#
#   bench/scripts/profile-pairs.sh [LETTERS [PAIRS [COMPARISON]]]   # default: bc 150 c/b
#
# LETTERS are compare's request-path rows to run: `bc` makes the comparisons c/b and c/b+ (b+ is
# b sending c's user-agent), `ad` makes d/a and d/a+. COMPARISON picks the one profiled
# (default: the first).
set -euo pipefail
letters=${1:-bc}
pairs=${2:-150}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
command -v perf >/dev/null || { echo "profile-pairs: perf is not installed" >&2; exit 2; }
cargo build --quiet --release -p amplify-rest-bench --bin compare --manifest-path "$root/Cargo.toml"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
perf record --quiet -k CLOCK_MONOTONIC -e cpu-clock -F 10000 -o "$out/perf.data" \
    "$target/release/compare" --only "$letters" --no-python --no-moto --rounds 1 \
    --pairs "$pairs" --processes 1 --mark >"$out/report.md" 2>"$out/marks"
grep -A16 '^## Paired' "$out/report.md" | grep '^|' || true
echo
perf script -i "$out/perf.data" -F time,ip,sym --ns 2>/dev/null >"$out/samples"
python3 "$root/bench/scripts/attribute.py" "$out/marks" "$out/samples" 25 ${3:+"$3"}
