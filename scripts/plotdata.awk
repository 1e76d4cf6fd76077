# scripts/plotdata.awk: the pre-pass of scripts/plots.sh. Reads mmbench CSV
# files (one header line each, then a row per run) and prints one line per
# configuration (workload, collector, allocator, options), in order of first
# appearance, as gnuplot reads it (whitespace-separated, labels quoted):
#
#  1 index         2 "label"        3 runs
#  4-6   ops_per_s  median min max   7-9 wall_ms median min max
#  10 gc_ms        11 pauses.count  12-16 pauses p50 p90 p99 p999 max (ms)
#  17-19 mmu 1ms 10ms 100ms          20-22 peak live, heap, RSS (bytes)
#  23 "file base" (the CSV's path without .csv: where its series files are)
#
# Every figure is the median over the configuration's runs; ops and wall
# also carry min and max, drawn as the error bars.
BEGIN {
    FS = ","
    nines[0] = log(2) / log(10); nines[1] = 1; nines[2] = 2; nines[3] = 3
    nm = split("ops_per_s wall_ms gc_ms pauses.count pauses.p50_ms pauses.p90_ms pauses.p99_ms " \
               "pauses.p999_ms pauses.max_ms mmu.1ms mmu.10ms mmu.100ms peak_live_bytes " \
               "peak_heap_bytes peak_rss_bytes", metric, " ")
}
FNR == 1 {
    for (c in col) delete col[c]
    for (i = 1; i <= NF; i++) col[$i] = i
    next
}
{
    opts = $col["options"]
    gsub(/;/, " ", opts)
    gsub(/["\\]/, "", opts)
    label = $col["workload"] " " $col["collector"] " " $col["allocator"] (opts == "-" ? "" : " " opts)
    if (!(label in n)) {
        order[++nc] = label
        b = FILENAME
        sub(/\.csv$/, "", b)
        base[label] = b
    }
    k = ++n[label]
    for (j = 1; j <= nm; j++)
        v[label, j, k] = $col[metric[j]] + 0
    run_c[++nruns] = label
    run_wall[nruns] = $col["wall_ms"] + 0
}
# The median of metric j over the runs of a label (insertion sort: a few
# runs per configuration).
function median(label, j,    m, i, t, x, s) {
    m = n[label]
    for (i = 1; i <= m; i++) x[i] = v[label, j, i]
    for (i = 2; i <= m; i++)
        for (s = i; s > 1 && x[s - 1] > x[s]; s--) { t = x[s]; x[s] = x[s - 1]; x[s - 1] = t }
    return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
}
function extreme(label, j, want_max,    i, r) {
    r = v[label, j, 1]
    for (i = 2; i <= n[label]; i++)
        if (want_max ? v[label, j, i] > r : v[label, j, i] < r) r = v[label, j, i]
    return r
}
# With -v datadir=DIR, also the fallbacks drawn when a configuration has no
# series files: DIR/mmu3-<c>.dat (the three MMU windows of the summary) and
# DIR/cdfpct-<c>.dat (the pause percentiles on the nines scale of pauses.gp:
# y = -log10(1 - p); the maximum at log10(2 n) for n pauses, where the
# largest of n sorted pauses sits in a pause log's curve, percentiles at or
# above it left out: with so few pauses they are the maximum), and
# DIR/index.tsv (index,
# label, file base, median pause count) for plots.sh to walk.
function fallbacks(c, L,    f, j, top, count) {
    printf "%d\t%s\t%s\t%.6g\n", c, L, base[L], median(L, 4) > (datadir "/index.tsv")
    f = datadir "/mmu3-" c ".dat"
    printf "1 %.6g\n10 %.6g\n100 %.6g\n", median(L, 10), median(L, 11), median(L, 12) > f
    close(f)
    if ((count = median(L, 4)) <= 0) return
    f = datadir "/cdfpct-" c ".dat"
    top = log(2 * count) / log(10)
    for (j = 0; j < 4; j++)
        if (nines[j] < top - 1e-9) printf "%.6g %.6g\n", median(L, 5 + j), nines[j] > f
    printf "%.6g %.6g\n", median(L, 9), top > f
    close(f)
}
# DIR/pareto.dat: the Pareto front of median wall time against median peak
# RSS (MiB): by increasing time, each configuration smaller than all faster
# ones.
function pareto(    c, i, s, t, w, r, best, f, idx) {
    for (c = 1; c <= nc; c++) { w[c] = median(order[c], 2); r[c] = median(order[c], 15); idx[c] = c }
    for (i = 2; i <= nc; i++)
        for (s = i; s > 1 && w[idx[s - 1]] > w[idx[s]]; s--) { t = idx[s]; idx[s] = idx[s - 1]; idx[s - 1] = t }
    f = datadir "/pareto.dat"
    for (i = 1; i <= nc; i++)
        if (i == 1 || r[idx[i]] < best) { printf "%.6g %.6g\n", w[idx[i]], r[idx[i]] / 1048576 > f; best = r[idx[i]] }
    close(f)
}
# DIR/runs.dat: every run's wall time beside its configuration's index, a
# little jitter on x so equal times stay visible.
function runs(    r, c, f) {
    f = datadir "/runs.dat"
    for (c = 1; c <= nc; c++) idx_of[order[c]] = c
    for (r = 1; r <= nruns; r++)
        printf "%.3f %.6g\n", idx_of[run_c[r]] + 0.08 * ((r * 7) % 5 - 2), run_wall[r] > f
    close(f)
}
END {
    if (datadir != "") { pareto(); runs() }
    for (c = 1; c <= nc; c++) {
        L = order[c]
        printf "%d \"%s\" %d", c, L, n[L]
        printf " %.6g %.6g %.6g", median(L, 1), extreme(L, 1, 0), extreme(L, 1, 1)
        printf " %.6g %.6g %.6g", median(L, 2), extreme(L, 2, 0), extreme(L, 2, 1)
        for (j = 3; j <= nm; j++) printf " %.6g", median(L, j)
        printf " \"%s\"\n", base[L]
        if (datadir != "") fallbacks(c, L)
    }
}
