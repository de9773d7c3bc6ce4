#!/usr/bin/env bash
# Makes a Python venv in the briefing cache holding piper-tts, the reference
# implementation of Piper voices, with the ONNX Runtime version that
# scripts/fetch-onnxruntime.sh fetches, and onnx, with which
# scripts/make-tiny-piper-model.py writes a multi-speaker voice: the Piper
# oracle test (tests/piper_oracle.rs) compares briefing with them.
# Idempotent; prints the path of the venv's python.
set -euo pipefail
exec bash "$(dirname "$0")/python-venv.sh" piper-tts "piper, onnxruntime, onnx" \
    piper-tts==1.8.0 onnxruntime==1.22.0 onnx==1.19.1
