#!/usr/bin/env bash
# Throughput of `briefing build` against the C espeak-ng on the same text.
#
# Makes a long briefing (the example articles, plus ../shared/samples when
# present, repeated to at least 20 articles), then prints audio seconds per
# wall second for `--jobs 1`, `--jobs 2` and `espeak-ng -v fr -w`, each the
# median of RUNS runs, their ratios, the share of time spent outside
# synthesis, and what a first run in a fresh cache adds.
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

# Synthesis against synthesis: no sentence cache, no loudness pass (the C
# program has neither); the mastered run is timed on its own row.
plain=(--no-cache --no-loudness)
"$bin" build "$work/articles" "${plain[@]}" -o "$work/warm.wav" 2>/dev/null   # warm the data cache
j1=$(median_wall "$bin" build "$work/articles" "${plain[@]}" --jobs 1 -o "$work/j1.wav")
j2=$(median_wall "$bin" build "$work/articles" "${plain[@]}" --jobs 2 -o "$work/j2.wav")
mastered=$(median_wall "$bin" build "$work/articles" --no-cache --jobs 2 -o "$work/m.wav")
c=$(median_wall espeak-ng -v fr -w "$work/c.wav" -f "$work/text.txt")
ours_audio=$(wav_seconds "$work/j1.wav")
c_audio=$(wav_seconds "$work/c.wav")
cmp -s "$work/j1.wav" "$work/j2.wav" || { echo "error: --jobs 1 and --jobs 2 differ" >&2; exit 1; }

cold_median=$(for _ in $(seq "$runs"); do
    cache=$(mktemp -d)
    XDG_CACHE_HOME=$cache wall_once "$bin" build "$work/articles" "${plain[@]}" --jobs 2 -o "$work/cold.wav"
    rm -rf "$cache"
done | median)
timings=$("$bin" build "$work/articles" "${plain[@]}" --jobs 2 -o "$work/t.wav" --timings 2>&1 | grep 'timing:')
outside=$(echo "$timings" | grep -v 'synthesize' | awk '{s += $(NF-3)} END {print s}')
total=$(echo "$timings" | awk '{s += $(NF-3)} END {print s}')

awk -v n="$(ls "$work/articles" | wc -l)" -v chars="$(wc -m < "$work/text.txt")" \
    -v j1="$j1" -v j2="$j2" -v c="$c" -v oa="$ours_audio" -v ca="$c_audio" \
    -v mastered="$mastered" -v cold="$cold_median" -v outside="$outside" -v total="$total" -v runs="$runs" 'BEGIN {
    printf "input: %d articles, %d characters read; median of %d runs, %s cores\n", n, chars, runs, "'"$(nproc)"'"
    printf "%-28s %9s %9s %12s\n", "", "wall s", "audio s", "audio s / s"
    printf "%-28s %9.3f %9.1f %12.0f\n", "briefing --jobs 1", j1, oa, oa / j1
    printf "%-28s %9.3f %9.1f %12.0f\n", "briefing --jobs 2", j2, oa, oa / j2
    printf "%-28s %9.3f %9.1f %12.0f\n", "espeak-ng (C) -v fr -w", c, ca, ca / c
    printf "%-28s %9.3f %9.1f %12.0f\n", "briefing --jobs 2, -16 LUFS", mastered, oa, oa / mastered
    printf "ratio --jobs 2 / C:        %.2fx\n", (oa / j2) / (ca / c)
    printf "ratio --jobs 1 / C:        %.2fx\n", (oa / j1) / (ca / c)
    printf "scaling --jobs 2 / 1:      %.2fx\n", j1 / j2
    printf "outside synthesis:         %.1f %% of --jobs 2 (read, split, load, write)\n", 100 * outside / total
    printf "first run, fresh cache:    +%.3f s over a warm run\n", cold - j2
}'
