#!/usr/bin/env bash
# Installs the C espeak-ng from Debian's packages, if missing: the voice
# oracle test (tests/voice_oracle.rs) compares the embedded voice's phonemes
# with the C program's.
set -euo pipefail
if command -v espeak-ng >/dev/null; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends espeak-ng >/dev/null
command -v espeak-ng >/dev/null
