#!/usr/bin/env bash
# Peak memory of `briefing build` for a 10-minute and a 60-minute bulletin:
# sentences are streamed to the output in order and the program is spooled
# to disk, so the two should differ by less than 30 %.
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

printf "%-12s %12s %14s %10s\n" "bulletin" "audio min" "peak RSS MiB" "wall s"
declare -A peaks
for minutes in 10 60; do
    dir=$(articles_for "$minutes")
    read -r audio peak wall < <(measure "$bin" build "$dir" --no-cache --json -o "$work/$minutes.wav")
    peaks[$minutes]=$peak
    printf "%-12s %12s %14s %10s\n" "$minutes min" "$audio" "$peak" "$wall"
done
python3 -c "a, b = ${peaks[10]}, ${peaks[60]}; print(f'60 min / 10 min peak RSS: {b / a:.2f} ({(b - a) / a * 100:+.0f} %)')"
