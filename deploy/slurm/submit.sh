#!/usr/bin/env bash
# Submits briefing-array.sbatch, then the job that finishes its work, chained
# with --dependency=afterok so that it starts once every array task has
# succeeded (and is dropped if one failed): `briefing gather` over the output
# folder, or, when BRIEFING_BULLETIN is set, the build that assembles that
# long bulletin from the cache the array filled. Prints the two job ids, the
# array's first.
#
# Usage: submit.sh [SBATCH OPTION...] [-- BUILD OPTION...]
# The SBATCH options are the array's (--array, --cpus-per-task...); the BUILD
# options go to every task and to the assembly, which must read the articles
# as the tasks did. Both jobs take the variables of briefing-array.sbatch, and
# sbatch's own (SBATCH_PARTITION, SBATCH_ACCOUNT...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
briefing=${BRIEFING:-briefing}
input=${BRIEFING_INPUT:?BRIEFING_INPUT names the articles}
options=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    options+=("$1")
    shift
done
[ $# -gt 0 ] && shift
# --parsable prints "id" or "id;cluster".
array=$(sbatch --parsable "${options[@]}" "$here/briefing-array.sbatch" "$@")
array=${array%%;*}
if [ -n "${BRIEFING_BULLETIN:-}" ]; then
    finish=("$briefing" build "$input" --cache-dir "${BRIEFING_CACHE:-cache}" \
        -o "$BRIEFING_BULLETIN" "$@")
else
    finish=("$briefing" gather "${BRIEFING_OUTPUT:-out}")
fi
last=$(sbatch --parsable --job-name=briefing-finish --output=briefing-%j.log \
    --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --wrap="$(printf '%q ' "${finish[@]}")")
echo "$array"
echo "${last%%;*}"
