#!/usr/bin/env bash
# Adds to data/fr/pronunciations.tsv the words among the N most frequent
# forms of Lexique 3.83 (default 50000) that the embedded voice says
# otherwise than Lexique's only pronunciation (free variation allowed, as
# scripts/bench-pronunciation.sh counts it), with Lexique's pronunciation.
# Entries already there are kept, but those of
# data/fr/pronunciations-excluded.txt: check the new ones by hand (git diff)
# before committing them.
set -euo pipefail
count=${1:-50000}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/lexique-words.sh "$count" "$work"
python3 scripts/pronunciation.py lexicon "$work/words.tsv" "$work/briefing.txt" data/fr/pronunciations.tsv data/fr/pronunciations-excluded.txt
