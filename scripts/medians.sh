#!/bin/sh
# scripts/medians.sh OUTDIR: merge OUTDIR's per-configuration CSV files
# (<workload>-<collector>-...csv, one header each) into OUTDIR/results.csv,
# then print a table of medians per configuration (workload, collector,
# allocator, options). Used by the suite and by bench-peers.
set -eu
out=$1
first=1
for f in "$out"/*-*.csv; do
    [ -f "$f" ] || continue
    if [ $first = 1 ]; then cat "$f"; first=0; else tail -n +2 "$f"; fi
done > "$out/results.csv"
awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    key = $1 " " $2 " " $3 " " $4
    if (!(key in n)) order[++nk] = key
    k = ++n[key]
    ops[key, k] = $col["ops_per_s"]; wall[key, k] = $col["wall_ms"]
    p99[key, k] = $col["pauses.p99_ms"]; mx[key, k] = $col["pauses.max_ms"]
    live[key, k] = $col["peak_live_bytes"]; rss[key, k] = $col["peak_rss_bytes"]
}
function median(a, key, m,    i, j, t, v) {
    for (i = 1; i <= m; i++) v[i] = a[key, i] + 0
    for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
}
END {
    printf "%-44s %12s %10s %10s %10s %10s %10s\n", "configuration (median of runs)", "ops/s", "wall_ms", "p99_ms", "max_ms", "live_MiB", "rss_MiB"
    for (i = 1; i <= nk; i++) {
        key = order[i]; m = n[key]
        printf "%-44s %12.4g %10.1f %10.3f %10.3f %10.2f %10.2f\n", key, median(ops, key, m), median(wall, key, m),
            median(p99, key, m), median(mx, key, m), median(live, key, m) / 1048576, median(rss, key, m) / 1048576
    }
}' "$out/results.csv"
