#!/usr/bin/env bash
# Makes a Python venv in the briefing cache holding two reference podcast
# clients' feed parsers, podcastparser (gPodder's) and feedparser, so tests
# can check that the feeds we write read back as real clients read them,
# and webvtt-py, a WebVTT parser for the transcripts.
# Idempotent; prints the path of the venv's python.
set -euo pipefail
packages=(podcastparser==0.6.11 feedparser==6.0.14 webvtt-py==0.6.0)
venv=${XDG_CACHE_HOME:-$HOME/.cache}/briefing/podcast-clients
python=$venv/bin/python
check='
import sys, importlib.metadata as m, podcastparser, feedparser
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    assert m.version(name) == version, spec
'
if [ -x "$python" ] && "$python" -c "$check" "${packages[@]}" 2>/dev/null; then
    echo "$python"
    exit 0
fi
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv" >&2
"$python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
"$python" -c "$check" "${packages[@]}"
echo "$python"
