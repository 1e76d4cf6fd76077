#!/bin/sh
# scripts/suite.sh MMBENCH SRCDIR OUTDIR: the default suite (`make bench`).
# Runs every configuration of scripts/suite.list with 5 repetitions, writes
# OUTDIR/<workload>-<collector>-<allocator>[-<options>].json (mmbench/1) and .csv, merges
# the CSVs into OUTDIR/results.csv, and prints a table of medians. Repetition
# 0 of each also leaves its MMU curve, pause log and RSS series (.dat).
# MMB_REPEATS and MMB_SUITE (another list file) override the defaults.
set -eu
mmbench=$1 srcdir=$2 out=$3
repeats=${MMB_REPEATS:-5}
list=${MMB_SUITE:-$srcdir/scripts/suite.list}
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.csv "$out"/*.dat
status=0
grep -v '^[[:space:]]*\(#\|$\)' "$list" > "$out/.configs"
while read -r wl gc al opts; do
    name="$wl-$gc-$al"
    # configurations that differ only in options get their own files
    [ "$opts" = - ] || [ -z "$opts" ] || name="$name-$(printf '%s' "$opts" | tr ' /' '_-')"
    set -- run -w "$wl" -c "$gc" -r "$repeats" --warmup 1
    [ "$al" = own ] || set -- "$@" -a "$al"
    for kv in $opts; do [ "$kv" = - ] || set -- "$@" -o "$kv"; done
    printf '%-34s ' "$name" >&2
    if "$mmbench" "$@" --out "$out/$name.json" --out "$out/$name.csv" \
        --mmu-curve "$out/$name.mmu.dat" --pause-log "$out/$name.pauses.dat" --rss-sample 10; then
        echo ok >&2
    else
        echo "FAILED (exit $?)" >&2
        status=1
    fi
done < "$out/.configs"
rm -f "$out/.configs"
sh "$srcdir/scripts/medians.sh" "$out"
exit $status
