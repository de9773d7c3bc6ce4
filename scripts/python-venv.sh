#!/usr/bin/env bash
# Makes a Python venv in the briefing cache holding exactly the pinned
# packages given, for the install scripts of the tests' Python tools.
# Idempotent: a venv that already imports MODULES and holds these versions
# is kept. Prints the path of the venv's python.
#
# Usage: scripts/python-venv.sh NAME MODULES PACKAGE==VERSION...
#   (MODULES as an import statement lists them: "piper, onnx")
set -euo pipefail
name=$1
modules=$2
shift 2
venv=${XDG_CACHE_HOME:-$HOME/.cache}/briefing/$name
python=$venv/bin/python
check="
import sys, importlib.metadata as m, $modules
for spec in sys.argv[1:]:
    name, version = spec.split('==')
    assert m.version(name) == version, spec
"
if [ -x "$python" ] && "$python" -c "$check" "$@" 2>/dev/null; then
    echo "$python"
    exit 0
fi
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv" >&2
"$python" -m pip install --quiet --disable-pip-version-check "$@" >&2
"$python" -c "$check" "$@"
echo "$python"
