#!/usr/bin/env bash
# Installs a Debian package if the command it provides is missing; prints
# nothing on success. Shared by the install-*.sh scripts.
#
# Usage: scripts/debian-package.sh PACKAGE COMMAND
set -euo pipefail
package=$1 command=$2
if command -v "$command" >/dev/null; then
    exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "$package"
command -v "$command" >/dev/null
