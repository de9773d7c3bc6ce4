#!/usr/bin/env bash
# Piper throughput: briefing against the reference Python implementation
# (`piper-tts` from PyPI, in a temporary venv with the same ONNX Runtime
# version), same voice, same French text, load time included. Prints audio
# seconds per wall second for one sentence and for a multi-article bulletin,
# each the median of RUNS runs, and their ratios; ours includes mastering.
#
# No registry package holds a French voice, so by default the English test
# voice speaks French: a temporary copy of its config names the espeak voice
# `fr`, which gives both programs French phonemes to say (the model's sound is
# English, its speed is the same). A French voice given as VOICE is used as is.
#
# Usage: scripts/bench-piper.sh [RUNS] [VOICE.onnx]   (default 5, the test voice)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/timing.sh
source scripts/timing.sh
runs=${1:-5}
ort_version=1.22.0
ort=$(bash scripts/fetch-onnxruntime.sh "$ort_version")
cargo build --release --quiet
bin=target/release/briefing

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${2:-}" ]; then
    voice=$2
else
    english=$(bash scripts/fetch-test-voice.sh)
    voice=$work/$(basename "$english" .onnx)-fr.onnx
    ln -s "$english" "$voice"
    python3 -c 'import json, sys
config = json.load(open(sys.argv[1]))
config["espeak"]["voice"] = "fr"
json.dump(config, open(sys.argv[2], "w"), ensure_ascii=False)' "$english.json" "$voice.json"
fi
echo "installing the reference (piper-tts, onnxruntime $ort_version) in a temporary venv..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet piper-tts "onnxruntime==$ort_version" >&2

# The same words for both: what briefing reads, one sentence per line.
printf 'Le gouvernement présente mardi un plan d économies de quarante milliards d euros.\n' > "$work/one.txt"
"$bin" text examples/articles | grep -v '^== ' | grep -v '^$' > "$work/many.txt"

# No pauses of ours: both then make the same speech, and audio seconds compare.
# No sentence cache (later runs would only read it). Ours masters the
# bulletin (loudness and peaks, the default), which the reference does not.
silent="--pause-sentence 0 --pause-paragraph 0 --pause-title 0 --pause-article 0 --no-cache"
# shellcheck disable=SC2086
ours() { "$bin" build --format text "$1" --voice "$voice" --onnxruntime "$ort" --no-normalize $silent -o "$2"; }
reference() { "$work/venv/bin/python" -m piper -m "$voice" -f "$2" < "$1"; }

report() {
    local name=$1 text=$2 ours_wall ref_wall ours_audio ref_audio
    ours_wall=$(median_wall ours "$text" "$work/ours.wav")
    ref_wall=$(median_wall reference "$text" "$work/ref.wav")
    ours_audio=$(wav_seconds "$work/ours.wav")
    ref_audio=$(wav_seconds "$work/ref.wav")
    awk -v n="$name" -v ow="$ours_wall" -v rw="$ref_wall" -v oa="$ours_audio" -v ra="$ref_audio" 'BEGIN {
        printf "%-12s briefing %6.2f s for %6.1f s audio (%5.1f audio s/s) | piper-tts %6.2f s for %6.1f s audio (%5.1f audio s/s) | audio s/s ratio %.2fx, wall time ratio %.2fx\n",
            n, ow, oa, oa / ow, rw, ra, ra / rw, (oa / ow) / (ra / rw), rw / ow
    }'
}

echo "voice: $(basename "$voice") (espeak $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["espeak"]["voice"])' "$voice.json")), $(nproc) cores, median of $runs runs, load time included"
report "1 sentence" "$work/one.txt"
report "$(wc -l < "$work/many.txt") sentences" "$work/many.txt"
