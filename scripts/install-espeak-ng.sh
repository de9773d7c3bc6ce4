#!/usr/bin/env bash
# Installs the C espeak-ng from Debian's packages, if missing: the voice
# oracle test (tests/voice_oracle.rs) compares the embedded voice's phonemes
# with the C program's.
set -euo pipefail
bash "$(dirname "$0")/debian-package.sh" espeak-ng espeak-ng
