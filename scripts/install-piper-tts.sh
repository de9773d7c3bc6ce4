#!/usr/bin/env bash
# Makes a Python venv in the briefing cache holding piper-tts, the reference
# implementation of Piper voices, with the ONNX Runtime version that
# scripts/fetch-onnxruntime.sh fetches, and onnx, with which
# scripts/make-tiny-piper-model.py writes a multi-speaker model: the Piper
# oracle test (tests/piper_oracle.rs) compares briefing with it.
# Idempotent; prints the path of the venv's python.
set -euo pipefail
packages=(piper-tts==1.8.0 onnxruntime==1.22.0 onnx==1.19.1)
venv=${XDG_CACHE_HOME:-$HOME/.cache}/briefing/piper-tts
python=$venv/bin/python
check='
import sys, importlib.metadata as m, piper, onnxruntime, onnx
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    assert m.version(name) == version, spec
'
if [ -x "$python" ] && "$python" -c "$check" "${packages[@]}" 2>/dev/null; then
    echo "$python"
    exit 0
fi
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv" >&2
"$python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
"$python" -c "$check" "${packages[@]}"
echo "$python"
