#!/usr/bin/env bash
# Installs the C espeak-ng from Debian's packages at the version the voice
# oracle test (tests/voice_oracle.rs) was measured with: its floors are the
# figures this version gives, a little lowered; another version says other
# phonemes. Prints nothing on success.
set -euo pipefail
version=1.51+dfsg-10+deb12u2
if [ "$(dpkg-query -W -f='${Version}' espeak-ng 2>/dev/null || true)" = "$version" ]; then
    exit 0
fi
bash "$(dirname "$0")/apt-install.sh" --allow-downgrades \
    "espeak-ng=$version" "espeak-ng-data=$version" "libespeak-ng1=$version"
