#!/usr/bin/env bash
# Installs ffmpeg from Debian's packages, if missing: the loudness tests
# measure the bulletins with its EBU R128 meter, independently of ours.
set -euo pipefail
bash "$(dirname "$0")/debian-package.sh" ffmpeg ffmpeg
