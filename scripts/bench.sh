#!/usr/bin/env bash
# Throughput of `briefing build` against the C espeak-ng on the same text.
#
# Makes a long briefing (the example articles, plus ../shared/samples when
# present, repeated to at least 20 articles), then prints audio seconds per
# wall second for the default build (mastered), synthesis alone and
# `espeak-ng -v fr -w`, each the median of RUNS runs, with their ratios to
# the C program; what mastering adds; and the hourly re-run (one article in
# ten changed) against the first run that filled the cache.
#
# Usage: scripts/bench.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/timing.sh
source scripts/timing.sh
runs=${1:-5}

bash scripts/install-espeak-ng.sh
cargo build --release --quiet
bin=target/release/briefing

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/articles"
sources=(examples/articles/*)
[ -d ../shared/samples ] && sources+=(../shared/samples/*)
copies=$(( (20 + ${#sources[@]} - 1) / ${#sources[@]} + 1 ))
for i in $(seq -w 1 "$copies"); do
    for f in "${sources[@]}"; do cp "$f" "$work/articles/$i-$(basename "$f")"; done
done
"$bin" text "$work/articles" | grep -v '^== ' > "$work/text.txt"

# The default build (loudness and peaks mastered, no sentence cache) and
# synthesis alone (--no-loudness), side by side with the C program (which
# has neither cache nor loudness pass), in one run.
plain=(--no-cache --no-loudness)
"$bin" build "$work/articles" "${plain[@]}" -o "$work/warm.wav" 2>/dev/null   # warm the data cache
mastered=$(median_wall "$bin" build "$work/articles" --no-cache --jobs 2 -o "$work/m.wav")
j2=$(median_wall "$bin" build "$work/articles" "${plain[@]}" --jobs 2 -o "$work/j2.wav")
c=$(median_wall espeak-ng -v fr -w "$work/c.wav" -f "$work/text.txt")
j1=$(median_wall "$bin" build "$work/articles" "${plain[@]}" --jobs 1 -o "$work/j1.wav")
ours_audio=$(wav_seconds "$work/j1.wav")
c_audio=$(wav_seconds "$work/c.wav")
cmp -s "$work/j1.wav" "$work/j2.wav" || { echo "error: --jobs 1 and --jobs 2 differ" >&2; exit 1; }
"$bin" build "$work/articles" --no-cache --jobs 1 -o "$work/m1.wav" 2>/dev/null
cmp -s "$work/m.wav" "$work/m1.wav" || { echo "error: mastered --jobs 1 and --jobs 2 differ" >&2; exit 1; }

# The hourly re-run: the cache filled by a first run, then one article in ten
# changed (every sentence of it), mastering included both times. The copies
# of the articles are made distinct first, every sentence of the n-th one
# ending with "édition n", so that the first run finds nothing in the cache.
mkdir "$work/distinct"
n=0
for f in "$work/articles"/*; do
    n=$((n + 1))
    sed "s/\./, édition $n./g" "$f" > "$work/distinct/$(basename "$f")"
done
rerun=$(for _ in $(seq "$runs"); do
    cache=$(mktemp -d)
    rm -rf "$work/hourly" && cp -r "$work/distinct" "$work/hourly"
    first=$(wall_once env XDG_CACHE_HOME="$cache" "$bin" build "$work/hourly" --jobs 2 -o "$work/h.wav")
    for f in $(ls "$work/hourly"/* | awk 'NR % 10 == 1'); do sed -i 's/\./, dit-on./g' "$f"; done
    again=$(wall_once env XDG_CACHE_HOME="$cache" "$bin" build "$work/hourly" --jobs 2 -o "$work/h.wav")
    rm -rf "$cache"
    echo "$first $again"
done | sort -g -k2 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
timings=$("$bin" build "$work/articles" --no-cache --jobs 2 -o "$work/t.wav" --timings 2>&1 | grep 'timing:')

awk -v n="$(ls "$work/articles" | wc -l)" -v chars="$(wc -m < "$work/text.txt")" \
    -v j1="$j1" -v j2="$j2" -v c="$c" -v oa="$ours_audio" -v ca="$c_audio" \
    -v mastered="$mastered" -v rerun="$rerun" -v runs="$runs" 'BEGIN {
    split(rerun, r, " ")
    printf "input: %d articles, %d characters read; median of %d runs, %s cores\n", n, chars, runs, "'"$(nproc)"'"
    printf "%-36s %9s %9s %12s %9s\n", "", "wall s", "audio s", "audio s / s", "vs C"
    printf "%-36s %9.3f %9.1f %12.0f %8.2fx\n", "briefing --jobs 2 (default: -16 LUFS)", mastered, oa, oa / mastered, (oa / mastered) / (ca / c)
    printf "%-36s %9.3f %9.1f %12.0f %8.2fx\n", "briefing --jobs 2 --no-loudness", j2, oa, oa / j2, (oa / j2) / (ca / c)
    printf "%-36s %9.3f %9.1f %12.0f %8.2fx\n", "espeak-ng (C) -v fr -w", c, ca, ca / c, 1
    printf "%-36s %9.3f %9.1f %12.0f %8.2fx\n", "briefing --jobs 1 --no-loudness", j1, oa, oa / j1, (oa / j1) / (ca / c)
    printf "mastering costs:           %+.1f %% of the synthesis-only run\n", 100 * (mastered / j2 - 1)
    printf "scaling --jobs 2 / 1:      %.2fx\n", j1 / j2
    printf "hourly re-run, 1 in 10 articles changed: %.3f s after a first run of %.3f s (%.1f %%)\n", r[2], r[1], 100 * r[2] / r[1]
}'
echo "where the default build's time goes:"
echo "$timings" | sed 's/^briefing: timing: /  /'
