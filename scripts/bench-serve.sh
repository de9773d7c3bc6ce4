#!/usr/bin/env bash
# Load on `briefing serve` with a real HTTP load generator (oha, installed
# with cargo into the briefing cache if missing): REQUESTS speech requests
# (a short French paragraph each, WAV, no sentence cache) at CONCURRENCY,
# on loopback only, bounded (it stops by itself). Reports throughput,
# p50/p95/p99 latency (to the whole response), the mean time to the first
# audio byte (the service's own histogram), the status codes, and the
# server's resident memory before and after, with its peak. Fails on any
# 5xx, or any status but 200 and a clean refusal (429, 503).
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

target/release/briefing serve --listen 127.0.0.1:0 --no-cache --max-input-chars 1000 2> "$work/server.log" &
server=$!
for _ in $(seq 50); do
    grep -q 'serving on' "$work/server.log" && break
    sleep 0.1
done
address=$(sed -n 's|.*serving on http://\([^ ]*\).*|\1|p' "$work/server.log")
[ -n "$address" ] || { cat "$work/server.log" >&2; exit 1; }
rss() { awk -v field="$1" '$1 == field ":" { print $2 }' "/proc/$server/status"; }
before=$(rss VmRSS)

body='{"model": "tts-1", "voice": "alloy", "response_format": "wav", "input": "Le conseil municipal s'"'"'est réuni hier soir. Il a voté 12 délibérations, dont le budget de 2027, à 18 voix contre 11. La séance a duré trois heures."}'
# JSON output: --output-format json in recent oha, -j before.
json=(-j)
if "$oha" --help | grep -q -- --output-format; then json=(--output-format json); fi
timeout 900 "$oha" -n "$requests" -c "$concurrency" -m POST -T application/json -d "$body" \
    --no-tui "${json[@]}" "http://$address/v1/audio/speech" > "$work/oha.json"
curl -s "http://$address/metrics" > "$work/metrics.txt"
after=$(rss VmRSS)
peak=$(rss VmHWM)

python3 - "$work/oha.json" "$work/metrics.txt" "$before" "$after" "$peak" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
metrics = dict(
    line.rsplit(" ", 1) for line in open(sys.argv[2]) if line.strip() and not line.startswith("#")
)
summary, latency = report["summary"], report["latencyPercentiles"]
codes = {int(k): v for k, v in report["statusCodeDistribution"].items()}
first = float(metrics["briefing_first_byte_seconds_sum"]) / max(1.0, float(metrics["briefing_first_byte_seconds_count"]))
before, after, peak = (int(v) / 1024 for v in sys.argv[3:6])
print(f"throughput     {summary['requestsPerSec']:.1f} requests/s ({summary['total']:.1f} s)")
print(f"latency        p50 {latency['p50']:.3f} s, p95 {latency['p95']:.3f} s, p99 {latency['p99']:.3f} s")
print(f"first byte     {first:.3f} s on average ({metrics['briefing_first_byte_seconds_count']} responses)")
print(f"status codes   {dict(sorted(codes.items()))}; errors {report.get('errorDistribution', {})}")
print(f"server memory  {before:.1f} MiB before, {after:.1f} MiB after, {peak:.1f} MiB at the peak")
bad = {c: n for c, n in codes.items() if c not in (200, 429, 503)}
if bad or report.get("errorDistribution"):
    sys.exit(f"requests neither served nor cleanly refused: {bad} {report.get('errorDistribution')}")
PY
