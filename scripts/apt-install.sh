#!/usr/bin/env bash
# Installs Debian packages (as root, or through sudo), quietly: apt's
# chatter (debconf's notes included) is shown only if it fails. Shared by
# the install-*.sh scripts.
#
# Usage: scripts/apt-install.sh [APT-GET OPTION...] PACKAGE[=VERSION]...
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if ! log=$($sudo apt-get update -qq 2>&1 &&
    $sudo apt-get install -y -qq --no-install-recommends "$@" 2>&1); then
    echo "$log" >&2
    exit 1
fi
