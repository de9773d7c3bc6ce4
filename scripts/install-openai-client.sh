#!/usr/bin/env bash
# Makes a Python venv in the briefing cache holding OpenAI's own Python
# client, so tests can check that `briefing serve` answers it as OpenAI's
# speech API does (audio.speech.create, with_streaming_response).
# Idempotent; prints the path of the venv's python.
set -euo pipefail
exec bash "$(dirname "$0")/python-venv.sh" openai-client "openai" openai==3.60.0
