#!/usr/bin/env bash
# Throughput of `briefing normalize` on a large French text: the example
# articles (and ../shared/samples when present) repeated to about 20 MB.
# Prints MB/s, the median of RUNS runs.
#
# Usage: scripts/bench-normalize.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=(examples/articles/*)
[ -d ../shared/samples ] && sources+=(../shared/samples/*)
cat "${sources[@]}" > "$work/seed.txt"
while [ "$(stat -c %s "$work/big.txt" 2>/dev/null || echo 0)" -lt 20000000 ]; do
    cat "$work/seed.txt" >> "$work/big.txt"
done
bytes=$(stat -c %s "$work/big.txt")
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    target/release/briefing normalize "$work/big.txt" > "$work/out.txt"
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" -v n="$bytes" 'BEGIN { print n / 1e6 / (b - a) }'
done | sort -g | awk -v n="$bytes" '{ a[NR] = $1 } END { printf "briefing normalize: %.1f MB/s on %.1f MB (median of %d runs)\n", a[int((NR + 1) / 2)], n / 1e6, NR }'
