#!/bin/sh
# scripts/hyperfine.sh MMBENCH OUTDIR ['RUN ARGS']...: time whole `mmbench
# run` invocations under hyperfine (`make hyperfine` does a default set into
# results/latest). Each argument is the flags of one run, as one word:
#   scripts/hyperfine.sh ./mmbench results/latest '-w churn -c manual -a pool'
# Each command runs one repetition (-r 1); hyperfine repeats it
# MMB_HYPERFINE_RUNS times (default 10) after one warm-up, and writes
# OUTDIR/hyperfine.json and hyperfine.md; `mmbench report` shows the table.
# This times what a user waits for (process start, the child, the output),
# where the driver's own wall_ms times only the workload's timed region.
set -eu
mmbench=${1:?usage: hyperfine.sh MMBENCH OUTDIR ['RUN ARGS']...}
out=${2:?usage: hyperfine.sh MMBENCH OUTDIR ['RUN ARGS']...}
shift 2
command -v hyperfine >/dev/null 2>&1 || { echo "hyperfine.sh: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
runs=${MMB_HYPERFINE_RUNS:-10}
[ $# -gt 0 ] || set -- \
    '-w churn -c manual -a sys -o steps=1000000' \
    '-w churn -c manual -a pool -o steps=1000000' \
    '-w churn -c rc-cycle -a pool -o steps=1000000' \
    '-w churn -c marksweep -o steps=1000000'
mkdir -p "$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
# hyperfine -N runs each command without a shell; the output goes to a
# scratch file so the timing includes writing it, as a real run would.
n=0
for line in "$@"; do
    n=$((n + 1))
    set -- "$@" "--command-name=mmbench run $line" "$mmbench run $line -r 1 --out $scratch/r$n.json"
done
shift $n
hyperfine -N --warmup 1 --runs "$runs" --style basic \
    --export-json "$out/hyperfine.json" --export-markdown "$out/hyperfine.md" "$@"
