#!/usr/bin/env bash
# How many of the N most frequent French word forms briefing's embedded
# voice says right, against the pronunciations of Lexique 3.83 (see
# scripts/pronunciation.py for what counts as right: free variation of
# schwa, e/ɛ, o/ɔ, ø/œ, a glide or its vowel, voicing before a voiceless
# consonant), with C espeak-ng on the same list when it is installed.
#
# Usage: scripts/bench-pronunciation.sh [N]   (default 20000)
# BRIEFING_LEXIQUE names Lexique383.txt (else scripts/fetch-lexique.sh gets
# it); BRIEFING_BIN the binary (else target/release/briefing, built if missing).
# Prints, per voice: words right, the share of running words said wrong,
# and the 50 most frequent misses.
set -euo pipefail
count=${1:-20000}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/lexique-words.sh "$count" "$work"
python3 scripts/pronunciation.py compare "$work/words.tsv" "$work/briefing.txt" briefing
if command -v espeak-ng >/dev/null; then
    # A full stop after each word, so that C says each one as its own sentence, one line each.
    sed 's/$/./' "$work/words.txt" | espeak-ng -v fr -q --ipa > "$work/espeak.txt"
    python3 scripts/pronunciation.py compare "$work/words.tsv" "$work/espeak.txt" "C espeak-ng $(espeak-ng --version | cut -d' ' -f4)"
fi
