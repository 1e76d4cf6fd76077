#!/bin/sh
# scripts/peers/bench-peers.sh MMBENCH SRCDIR OUTDIR: the peers side by side
# (`make bench-peers`), into OUTDIR (results/latest) next to the suite's files:
#   - the Python ports (scripts/peers/*.py) under CPython and PyPy:
#     <workload>-cpython-3.X-own.json/.csv, <workload>-pypy-7.X-own.json/.csv;
#   - Boehm's collector on the same workloads: <workload>-bdw-own.*;
#   - the system-allocator peers for churn and gcbench under manual and rc:
#     <workload>-<manual|rc>-<glibc|jemalloc|mimalloc|tcmalloc>.*;
# each with the MMU curve and pause log of repetition 0 (.mmu.dat,
# .pauses.dat). A peer that is not installed is skipped with a message.
# Unlike the suite it removes nothing; it re-merges OUTDIR/results.csv from
# every CSV there and prints the table of medians.
# Environment: MMB_REPEATS (default 5), PYTHON3 and PYPY3 (the interpreters;
# default: python3 and pypy3 on the PATH; empty: skipped).
set -eu
mmbench=$1 srcdir=$2 out=$3
repeats=${MMB_REPEATS:-5}
peers=$srcdir/scripts/peers
python3=${PYTHON3-$(command -v python3 || true)}
pypy3=${PYPY3-$(command -v pypy3 || true)}
workloads="gcbench cycles msgbuf listbuild churn"
mkdir -p "$out"
status=0

say() { printf '%-34s %s\n' "$1" "$2" >&2; }

# run NAME COMMAND...: one configuration, its outputs named NAME.*
run() {
    name=$1
    shift
    printf '%-34s ' "$name" >&2
    if "$@" --out "$out/$name.json" --out "$out/$name.csv" \
        --mmu-curve "$out/$name.mmu.dat" --pause-log "$out/$name.pauses.dat"; then
        echo ok >&2
    else
        echo "FAILED (exit $?)" >&2
        status=1
    fi
}

# The collector name an interpreter's runs get: cpython-3.11, pypy-7.3.
collector_of() {
    "$1" -c 'import sys
impl = sys.implementation.name
v = sys.pypy_version_info if impl == "pypy" else sys.version_info
print("%s-%d.%d" % (impl, v[0], v[1]))'
}

python_peers() {
    if [ -z "$python3" ]; then
        say "python peers" "skipped: python3 not found (apt-get install python3)"
        return
    fi
    for interp in "$python3" "$pypy3"; do
        [ -n "$interp" ] || { say "pypy" "skipped: pypy3 not found (apt-get install pypy3)"; continue; }
        gc=$(collector_of "$interp")
        for wl in $workloads; do
            run "$wl-$gc-own" "$python3" "$peers/$wl.py" --interp "$interp" -r "$repeats" --warmup 1
        done
    done
}

bdw_peer() {
    if ! "$mmbench" list | grep -q '^  bdw '; then
        say "bdw" "skipped: configure did not find libgc (apt-get install libgc-dev)"
        return
    fi
    for wl in $workloads; do
        run "$wl-bdw-own" "$mmbench" run -w "$wl" -c bdw -r "$repeats" --warmup 1
    done
}

# The allocator peers: a missing one is refused by mmbench with exit 2 and
# the reason, which is shown as the skip message.
allocator_peers() {
    for al in glibc jemalloc mimalloc tcmalloc; do
        if ! why=$("$mmbench" run -w churn -c manual -a "$al" -o steps=0 -o live=1 --format csv 2>&1 >/dev/null); then
            say "$al" "skipped: ${why#mmbench: }"
            continue
        fi
        for wl in churn gcbench; do
            for gc in manual rc; do
                run "$wl-$gc-$al" "$mmbench" run -w "$wl" -c "$gc" -a "$al" -r "$repeats" --warmup 1
            done
        done
    done
}

python_peers
bdw_peer
allocator_peers
sh "$srcdir/scripts/medians.sh" "$out"
exit $status
