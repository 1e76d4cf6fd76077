#!/bin/sh
# scripts/perf.sh MMBENCH OUTDIR [ROUNDS]: check the targets of
# scripts/perf.list side by side. For each target, ROUNDS rounds (default
# 7, or $PERF_ROUNDS), each one run of the faster configuration then one of
# the slower, so that a noisy moment hits both; the verdict compares the
# ratio of their median ops/s with the target. With valgrind installed, it
# also prints the ratio of callgrind instruction counts of a shorter run
# (a figure that does not move with the machine's load).
# Writes OUTDIR/perf.csv (one row per run) and OUTDIR/perf.txt (the
# verdicts); exits 1 if a target is missed, 2 on bad arguments. PERF_LIST
# names another list of targets.
set -eu
[ $# -ge 2 ] || { echo "usage: perf.sh MMBENCH OUTDIR [ROUNDS]" >&2; exit 2; }
mmbench=$1 out=$2 rounds=${3:-${PERF_ROUNDS:-7}}
case $rounds in ''|*[!0-9]*|0) echo "perf.sh: ROUNDS must be a positive integer" >&2; exit 2 ;; esac
list=${PERF_LIST:-$(dirname "$0")/perf.list}
mkdir -p "$out"
echo "target,round,allocator,ops_per_s" > "$out/perf.csv.tmp"

# ops/s of one single-repetition run: the column named ops_per_s.
ops() {
    "$mmbench" run -w "$1" -c "$2" -a "$3" -r 1 --format csv $4 |
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ops_per_s") c = i; next } { print $c }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Instructions of the run's child (the largest callgrind file), or nothing.
instructions() {
    [ "$5" != - ] && command -v valgrind >/dev/null 2>&1 || return 0
    d=$(mktemp -d)
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$d/cg.%p" \
        "$mmbench" run -w "$1" -c "$2" -a "$3" -r 1 --format csv $4 -o "$5" >/dev/null 2>"$d/log" || true
    grep 'Collected' "$d/log" | awk '{ print $NF }' | sort -g | tail -1
    rm -rf "$d"
}

: > "$out/perf.txt"
grep -v '^#' "$list" | grep -v '^[[:space:]]*$' > "$out/perf.list.tmp"
while read -r name wl gc fast slow min cg opts; do
    opts=${opts:-}
    r=1
    while [ $r -le "$rounds" ]; do
        for a in "$fast" "$slow"; do
            v=$(ops "$wl" "$gc" "$a" "$opts") && [ -n "$v" ] ||
                { echo "perf.sh: $name: the run under -a $a failed" >&2; exit 1; }
            echo "$name,$r,$a,$v" >> "$out/perf.csv.tmp"
        done
        r=$((r + 1))
    done
    mf=$(grep "^$name,[0-9]*,$fast," "$out/perf.csv.tmp" | cut -d, -f4 | median)
    ms=$(grep "^$name,[0-9]*,$slow," "$out/perf.csv.tmp" | cut -d, -f4 | median)
    inf=$(instructions "$wl" "$gc" "$fast" "$opts" "$cg")
    ins=$(instructions "$wl" "$gc" "$slow" "$opts" "$cg")
    awk -v n="$name" -v f="$fast" -v s="$slow" -v mf="$mf" -v ms="$ms" -v min="$min" -v k="$rounds" \
        -v inf="$inf" -v ins="$ins" -v cg="$cg" 'BEGIN {
        ratio = mf / ms
        ok = ratio >= min + 0
        printf "%s: %s %.4g ops/s, %s %.4g ops/s (medians of %d interleaved runs): %.2fx, target >= %sx: %s\n",
            n, f, mf, s, ms, k, ratio, min, ok ? "ok" : "MISSED"
        if (inf != "" && ins != "")
            printf "%s: callgrind instructions with -o %s: %s %d, %s %d: %.2fx\n", n, cg, f, inf, s, ins, ins / inf
    }' | tee -a "$out/perf.txt"
done < "$out/perf.list.tmp"
rm -f "$out/perf.list.tmp"
mv "$out/perf.csv.tmp" "$out/perf.csv"
if grep -q 'MISSED' "$out/perf.txt"; then exit 1; fi
