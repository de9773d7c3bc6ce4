#!/usr/bin/env bash
# Pace of the embedded voice against the C espeak-ng, side by side in one
# run: the same normalized text (from `briefing text`) is spoken by
# `espeak-ng -v fr -w` and by `briefing build --no-loudness --no-cache`, every
# silence longer than 150 ms is removed from both (ffmpeg's silenceremove),
# and the speech that remains is compared: a ratio above 1 means briefing
# speaks slower than C.
#
# Usage: scripts/bench-voice.sh [ARTICLE...] [-- BUILD OPTION...]
#        (default: examples/articles; e.g. -- --rate 1.2)
set -euo pipefail
cd "$(dirname "$0")/.."
articles=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do articles+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#articles[@]} -eq 0 ] && articles=(examples/articles)
bash scripts/install-espeak-ng.sh
bash scripts/install-ffmpeg.sh
cargo build --release --quiet
bin=target/release/briefing

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" text "${articles[@]}" | grep -v '^== ' > "$work/text.txt"
espeak-ng -v fr -w "$work/c.wav" -f "$work/text.txt"
"$bin" build "${articles[@]}" --no-loudness --no-cache --quiet "$@" -o "$work/ours.wav"

# Seconds of speech: the file without its silences longer than 150 ms.
speech() {
    ffmpeg -v error -i "$1" -af silenceremove=stop_periods=-1:stop_duration=0.15:stop_threshold=-45dB \
        -f wav -y "$work/speech.wav"
    ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$work/speech.wav"
}
total() { ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$1"; }
c=$(speech "$work/c.wav")
ours=$(speech "$work/ours.wav")
printf 'speech without pauses: C espeak-ng %.2f s, briefing %.2f s, ratio %.3f\n' "$c" "$ours" "$(echo "$ours / $c" | bc -l)"
printf 'whole files:           C espeak-ng %.2f s, briefing %.2f s\n' "$(total "$work/c.wav")" "$(total "$work/ours.wav")"
