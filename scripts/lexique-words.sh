#!/usr/bin/env bash
# Shared by scripts/bench-pronunciation.sh and scripts/pronunciations.sh:
# writes into WORK the N most frequent word forms of Lexique 3.83 with their
# pronunciations (words.tsv, see scripts/pronunciation.py), the forms alone
# (words.txt) and what briefing's embedded voice says of each (briefing.txt).
#
# Usage: scripts/lexique-words.sh N WORK
# BRIEFING_LEXIQUE names Lexique383.txt (else scripts/fetch-lexique.sh gets
# it); BRIEFING_BIN the binary (else target/release/briefing, built if missing).
set -euo pipefail
count=$1
work=$2
cd "$(dirname "$0")/.."
lexique=${BRIEFING_LEXIQUE:-$(bash scripts/fetch-lexique.sh)}
python3 scripts/pronunciation.py words "$lexique" "$count" "$work/words.tsv"
cut -f1 "$work/words.tsv" > "$work/words.txt"
bin=${BRIEFING_BIN:-target/release/briefing}
[ -x "$bin" ] || cargo build --release --quiet
"$bin" phonemes --no-normalize "$work/words.txt" > "$work/briefing.txt"
