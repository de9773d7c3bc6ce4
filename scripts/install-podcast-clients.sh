#!/usr/bin/env bash
# Makes a Python venv in the briefing cache holding two reference podcast
# clients' feed parsers, podcastparser (gPodder's) and feedparser, so tests
# can check that the feeds we write read back as real clients read them,
# and webvtt-py, a WebVTT parser for the transcripts.
# Idempotent; prints the path of the venv's python.
set -euo pipefail
exec bash "$(dirname "$0")/python-venv.sh" podcast-clients "podcastparser, feedparser" \
    podcastparser==0.6.11 feedparser==6.0.14 webvtt-py==0.6.0
