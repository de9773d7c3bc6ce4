#!/usr/bin/env bash
# Puts libonnxruntime.so into the briefing cache, from a registry package:
# the PyPI `onnxruntime` wheel (which ships it under onnxruntime/capi/),
# else the npm `onnxruntime-node` package. Idempotent; prints the path.
#
# Usage: scripts/fetch-onnxruntime.sh [VERSION]   (default 1.22.0)
set -euo pipefail
version=${1:-1.22.0}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/briefing/onnxruntime
lib=$cache/libonnxruntime.so
if [ -f "$lib" ] && [ "$(cat "$cache/VERSION" 2>/dev/null)" = "$version" ]; then
    echo "$lib"
    exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

from_pypi() {
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work/wheel" "onnxruntime==$version" >&2 || return 1
    python3 -m zipfile -e "$work"/wheel/onnxruntime-*.whl "$work/unpacked" >&2
    find "$work/unpacked/onnxruntime/capi" -name 'libonnxruntime.so*' -type f | head -n 1
}

from_npm() {
    (cd "$work" && npm pack --silent "onnxruntime-node@$version" >/dev/null) || return 1
    mkdir "$work/npm" && tar -xzf "$work"/onnxruntime-node-*.tgz -C "$work/npm"
    find "$work/npm" -path '*linux/x64*' -name 'libonnxruntime.so*' -type f | head -n 1
}

found=$(from_pypi || true)
[ -n "$found" ] || found=$(from_npm || true)
if [ -z "$found" ]; then
    echo "fetch-onnxruntime: could not get onnxruntime $version from PyPI or npm" >&2
    exit 1
fi
cp "$found" "$lib.part"
mv "$lib.part" "$lib"
echo "$version" > "$cache/VERSION"
echo "$lib"
