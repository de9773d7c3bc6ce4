#!/usr/bin/env bash
# Installs headless Chromium from Debian's packages, if missing: the player
# test loads the bulletins in a real browser's <audio> elements to check
# that it reads their durations. Prints the path of the chromium binary.
set -euo pipefail
bash "$(dirname "$0")/debian-package.sh" chromium chromium
command -v chromium
