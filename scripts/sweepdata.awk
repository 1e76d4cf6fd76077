# scripts/sweepdata.awk: the pre-pass of the sweep plot. Reads sweep.csv
# (mmbench sweep: sweep_key, sweep_value, then mmbench's CSV columns) and
# prints one line per swept value, in the order swept:
#
#  1 index  2 value as a number ("nan" if it is not one; K/M/G are powers
#  of 1024, as in -o)  3 "value"  4-6 ops_per_s median min max
#  7-9 pauses.max_ms median min max  10 pauses.p99_ms median  11 runs
BEGIN { FS = "," }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    val = $col["sweep_value"]
    if (!(val in n)) order[++nv] = val
    k = ++n[val]
    ops[val, k] = $col["ops_per_s"] + 0
    pmax[val, k] = $col["pauses.max_ms"] + 0
    p99[val, k] = $col["pauses.p99_ms"] + 0
}
function number(s,    m) {
    m = 1
    if (s ~ /[kK]$/) m = 1024
    if (s ~ /[mM]$/) m = 1048576
    if (s ~ /[gG]$/) m = 1073741824
    if (m > 1) s = substr(s, 1, length(s) - 1)
    return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ ? sprintf("%.9g", s * m) : "nan"
}
function sorted(a, val,    i, s, t) {
    for (i = 1; i <= n[val]; i++) x[i] = a[val, i]
    for (i = 2; i <= n[val]; i++)
        for (s = i; s > 1 && x[s - 1] > x[s]; s--) { t = x[s]; x[s] = x[s - 1]; x[s - 1] = t }
}
function stats(a, val,    m) {
    sorted(a, val)
    m = n[val]
    return sprintf("%.6g %.6g %.6g", m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2, x[1], x[m])
}
END {
    for (i = 1; i <= nv; i++) {
        v = order[i]
        split(stats(p99, v), q, " ")
        printf "%d %s \"%s\" %s %s %s %d\n", i, number(v), v, stats(ops, v), stats(pmax, v), q[1], n[v]
    }
}
