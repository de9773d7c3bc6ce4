#!/usr/bin/env bash
# Installs from Debian's packages, if missing, what the operating system's
# voice (`briefing speak --voice os`) needs to build and to be tested:
# libasound2-dev (found through pkg-config) for cpal's "playback" feature,
# libspeechd-dev and clang (libclang, for bindgen) for the tts crate's
# speech-dispatcher bindings,
# and speech-dispatcher with its espeak-ng output module, which the tests
# run as a private daemon with null audio; PulseAudio and its ALSA plugin,
# which the playback tests run as a private server with a null sink (it
# plays in real time without a sound card); alsa-utils for aplay.
# Idempotent; prints nothing on success.
set -euo pipefail
packages=(
    pkg-config
    libasound2-dev
    libspeechd-dev
    clang
    speech-dispatcher
    speech-dispatcher-espeak-ng
    pulseaudio
    libasound2-plugins
    alsa-utils
)
missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    if [ "$status" != installed ]; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "${missing[@]}"
for package in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    if [ "$status" != installed ]; then
        echo "install-speech.sh: $package did not install" >&2
        exit 1
    fi
done
