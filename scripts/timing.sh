# Timing helpers shared by the benchmark scripts (sourced, not run).
# median_wall reads the caller's $runs.

# Wall seconds of one run of a command.
wall_once() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

# The median of the numbers on stdin.
median() {
    sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# Median wall seconds of $runs runs of a command.
median_wall() {
    for _ in $(seq "$runs"); do wall_once "$@"; done | median
}

wav_seconds() {
    python3 -c 'import sys, wave; w = wave.open(sys.argv[1]); print(w.getnframes() / w.getframerate())' "$1"
}
