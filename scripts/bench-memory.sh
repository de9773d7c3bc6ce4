#!/usr/bin/env bash
# Peak memory of `briefing build` for a 10-minute and a 60-minute bulletin,
# as WAV, MP3 (also at 48 kHz) and Opus: sentences are streamed to the
# output in order, the program is spooled to disk and encoded as it is
# written, so the two lengths should differ by less than 30 %.
#
# Usage: scripts/bench-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/briefing

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copies of the example articles until the bulletin lasts `minutes`.
articles_for() {
    local minutes=$1 dir="$work/$1min" seconds=0 i=0
    mkdir "$dir"
    local per_round
    per_round=$("$bin" build examples/articles --no-loudness -q --json -o "$work/probe.wav" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["duration"])')
    while python3 -c "import sys; sys.exit(0 if $seconds < $minutes * 60 else 1)"; do
        i=$((i + 1))
        for f in examples/articles/*; do
            # A number in each copy, so no two copies are the same bulletin.
            { head -n 1 "$f"; echo; echo "Édition numéro $i."; tail -n +2 "$f"; } > "$dir/$i-$(basename "$f")"
        done
        seconds=$(python3 -c "print($seconds + $per_round)")
    done
    echo "$dir"
}

# Peak resident memory (MiB) and wall time of one run, and the bulletin's length.
measure() {
    python3 - "$@" <<'PY'
import json, resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], check=True, capture_output=True)
wall = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
summary = json.loads(done.stdout)
print(f"{summary['duration'] / 60:.1f} {peak:.1f} {wall:.1f}")
PY
}

printf "%-22s %12s %14s %10s\n" "bulletin" "audio min" "peak RSS MiB" "wall s"
declare -A dirs peaks
for minutes in 10 60; do
    dirs[$minutes]=$(articles_for "$minutes")
done
for output in wav mp3 "mp3 48000" opus; do
    read -r extension rate <<< "$output"
    for minutes in 10 60; do
        rate_flag=()
        [ -n "${rate:-}" ] && rate_flag=(--sample-rate "$rate")
        read -r audio peak wall < <(measure "$bin" build "${dirs[$minutes]}" --no-cache --json "${rate_flag[@]}" \
            -o "$work/$minutes.$extension")
        peaks[$minutes]=$peak
        printf "%-22s %12s %14s %10s\n" "$minutes min $output" "$audio" "$peak" "$wall"
    done
    python3 -c "a, b = ${peaks[10]}, ${peaks[60]}; print(f'{\"$output\"}: 60 min / 10 min peak RSS: {b / a:.2f} ({(b - a) / a * 100:+.0f} %)')"
done
