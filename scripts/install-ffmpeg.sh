#!/usr/bin/env bash
# Installs ffmpeg from Debian's packages, if missing: the loudness tests
# measure the bulletins with its EBU R128 meter, independently of ours.
set -euo pipefail
if command -v ffmpeg >/dev/null; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
command -v ffmpeg >/dev/null
