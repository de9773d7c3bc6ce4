#!/usr/bin/env bash
# Adds to data/fr/pronunciations.tsv the words among the N most frequent
# forms of Lexique 3.83 (default 50000) that the embedded voice says
# otherwise than Lexique's only pronunciation (free variation allowed, as
# scripts/bench-pronunciation.sh counts it), with Lexique's pronunciation.
# Entries already there are kept: check the new ones by hand (the script
# prints the 60 most frequent) before committing them.
set -euo pipefail
count=${1:-50000}
cd "$(dirname "$0")/.."
lexique=${BRIEFING_LEXIQUE:-$(bash scripts/fetch-lexique.sh)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/pronunciation.py words "$lexique" "$count" "$work/words.tsv"
cut -f1 "$work/words.tsv" > "$work/words.txt"
bin=${BRIEFING_BIN:-target/release/briefing}
[ -x "$bin" ] || cargo build --release --quiet
"$bin" phonemes --no-normalize "$work/words.txt" > "$work/said.txt"
python3 scripts/pronunciation.py lexicon "$work/words.tsv" "$work/said.txt" data/fr/pronunciations.tsv data/fr/pronunciations-excluded.txt
