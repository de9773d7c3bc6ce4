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
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "$package" >/dev/null
command -v "$command" >/dev/null
