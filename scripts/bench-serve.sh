#!/usr/bin/env bash
# Load on `briefing serve` with a real HTTP load generator (oha, installed
# with cargo into the briefing cache if missing): REQUESTS speech requests
# (a short French paragraph each, WAV, no sentence cache) at CONCURRENCY,
# on loopback only, bounded (it stops by itself), in two passes, each on a
# server of its own:
#
# - "defaults": the default bounds (2 syntheses at once, 16 waiting), which
#   such a load overflows: it checks the refusals (every request served or
#   cleanly refused with 429 or 503, no 5xx);
# - "queue 64": a queue that holds the load, so that every request is
#   served: it measures the service.
#
# Each pass reports the status codes, the throughput of served requests,
# p50/p95/p99 latency (to the whole response), the time to the first audio
# byte (the service's own histogram: its mean, and the bucket under which
# half and 95 % fall), and the server's resident memory before, after the
# load, after the same load again (memory that stays flat does not grow
# with the second) and at its peak. Fails on any 5xx, or any status but 200 and a clean
# refusal (429, 503).
#
# Usage: scripts/bench-serve.sh [REQUESTS] [CONCURRENCY]   (400 32)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-400}
concurrency=${2:-32}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/briefing
oha=$cache/oha/bin/oha
if [ ! -x "$oha" ]; then
    cargo install oha --version 1.14.0 --locked --quiet --root "$cache/oha" >&2
fi
cargo build --release --quiet
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

body='{"model": "tts-1", "voice": "alloy", "response_format": "wav", "input": "Le conseil municipal s'"'"'est réuni hier soir. Il a voté 12 délibérations, dont le budget de 2027, à 18 voix contre 11. La séance a duré trois heures."}'
# JSON output: --output-format json in recent oha, -j before.
json=(-j)
if "$oha" --help | grep -q -- --output-format; then json=(--output-format json); fi

# pass NAME [SERVE OPTIONS...]: one server, one load, one report.
pass() {
    local name=$1
    shift
    target/release/briefing serve --listen 127.0.0.1:0 --no-cache --max-input-chars 1000 "$@" 2> "$work/server.log" &
    server=$!
    for _ in $(seq 50); do
        grep -q 'serving on' "$work/server.log" && break
        sleep 0.1
    done
    local address
    address=$(sed -n 's|.*serving on http://\([^ ]*\).*|\1|p' "$work/server.log")
    [ -n "$address" ] || { cat "$work/server.log" >&2; exit 1; }
    rss() { awk -v field="$1" '$1 == field ":" { print $2 }' "/proc/$server/status"; }
    local before after=() peak round
    before=$(rss VmRSS)
    for round in 1 2; do
        timeout 900 "$oha" -n "$requests" -c "$concurrency" -m POST -T application/json -d "$body" \
            --no-tui "${json[@]}" "http://$address/v1/audio/speech" > "$work/oha-$round.json"
        after+=("$(rss VmRSS)")
    done
    curl -s "http://$address/metrics" > "$work/metrics.txt"
    peak=$(rss VmHWM)
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=

    python3 - "$name" "$work/oha-1.json" "$work/oha-2.json" "$work/metrics.txt" "$before" "${after[@]}" "$peak" <<'PY'
import json, sys
name, report, again, metrics = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), {}
for line in open(sys.argv[4]):
    line = line.strip()
    if line and not line.startswith("#"):
        key, value = line.rsplit(" ", 1)
        metrics[key] = float(value)
summary, latency = report["summary"], report["latencyPercentiles"]
codes = {int(k): v for k, v in report["statusCodeDistribution"].items()}
served = codes.get(200, 0)
before, after, after_again, peak = (int(v) / 1024 for v in sys.argv[5:9])

# Time to the first audio byte, from the service's histogram.
count = metrics["briefing_first_byte_seconds_count"]
mean = metrics["briefing_first_byte_seconds_sum"] / max(1.0, count)
buckets = sorted(
    (float(key.split('le="')[1].rstrip('"}')), value)
    for key, value in metrics.items()
    if key.startswith("briefing_first_byte_seconds_bucket") and "+Inf" not in key
)
def under(share):
    return next((f"{bound:g} s" for bound, seen in buckets if seen >= share * count), "more than the last bucket")

print(f"== {name}")
print(f"status codes   {dict(sorted(codes.items()))}; errors {report.get('errorDistribution', {})}")
print(f"served         {served} of {sum(codes.values())}: {served / summary['total']:.1f} requests/s ({summary['total']:.1f} s)")
print(f"latency        p50 {latency['p50']:.3f} s, p95 {latency['p95']:.3f} s, p99 {latency['p99']:.3f} s (every response)")
print(f"first byte     {mean:.3f} s on average ({count:.0f} responses); half under {under(0.5)}, 95 % under {under(0.95)}")
print(f"server memory  {before:.1f} MiB before, {after:.1f} MiB after the load, {after_again:.1f} MiB after it again, {peak:.1f} MiB at the peak")
for run in (report, again):
    bad = {c: n for c, n in run["statusCodeDistribution"].items() if int(c) not in (200, 429, 503)}
    if bad or run.get("errorDistribution"):
        sys.exit(f"requests neither served nor cleanly refused: {bad} {run.get('errorDistribution')}")
PY
}

pass "defaults (2 at once, 16 waiting): refusals"
pass "queue 64 (2 at once): every request served" --queue 64
