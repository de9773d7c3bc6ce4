#!/usr/bin/env bash
# Installs kubectl from Debian's packages (kubernetes-client), if missing:
# a test has it decode deploy/kubernetes/ offline, as a client-side dry run.
set -euo pipefail
bash "$(dirname "$0")/debian-package.sh" kubernetes-client kubectl
