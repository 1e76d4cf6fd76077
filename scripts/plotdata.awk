# scripts/plotdata.awk: the pre-pass of scripts/plots.sh. Reads mmbench CSV
# files (one header line each, then a row per run) and prints one line per
# configuration (workload, collector, allocator, options), grouped by
# workload (workloads, and configurations within one, in order of first
# appearance), as gnuplot reads it (whitespace-separated, labels quoted):
#
#  1 row           2 "label"        3 runs
#  4-6   ops_per_s  median min max   7-9 wall_ms median min max
#  10 gc_ms        11 pauses.count  12-16 pauses p50 p90 p99 p999 max (ms)
#  17-19 mmu 1ms 10ms 100ms          20-22 peak live, heap, RSS (bytes)
#  23 "file base" (the CSV's path without .csv: where its series files are)
#  24 workload number   25 collector number   26 "label without the workload"
#
# Every figure is the median over the configuration's runs; ops and wall
# also carry min and max, drawn as the error bars.
#
# With -v datadir=DIR it also writes, for plots.sh and the .gp scripts:
#  DIR/index.tsv      row, label, file base, median pause count, workload
#                     number, collector number, short label (tab-separated)
#  DIR/groups.gp      gnuplot arrays: workload names and their first and last
#                     rows, collector names
#  DIR/mmu3-<row>.dat the summary's three MMU windows (1, 10, 100 ms)
#  DIR/cdfpct-<row>.dat  the pause percentiles on the nines scale of
#                     pauses.gp, y = -log10(1 - p), the maximum at log10(2 n)
#                     for n pauses (where the largest of n sorted pauses sits
#                     in a pause log's curve; percentiles at or above it are
#                     left out: with so few pauses they are the maximum)
#  DIR/pareto-<w>.dat the Pareto front of workload w: median wall time
#                     against median peak RSS (MiB)
#  DIR/runs.dat       every run: row, wall_ms
BEGIN {
    FS = ","
    nm = split("ops_per_s wall_ms gc_ms pauses.count pauses.p50_ms pauses.p90_ms pauses.p99_ms " \
               "pauses.p999_ms pauses.max_ms mmu.1ms mmu.10ms mmu.100ms peak_live_bytes " \
               "peak_heap_bytes peak_rss_bytes", metric, " ")
    nines[0] = log(2) / log(10); nines[1] = 1; nines[2] = 2; nines[3] = 3
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
    wl = $col["workload"]; gc = $col["collector"]
    short = gc " " $col["allocator"] (opts == "-" ? "" : " " opts)
    label = wl " " short
    if (!(wl in wl_num)) { wl_num[wl] = ++nwl; wl_name[nwl] = wl }
    if (!(gc in gc_num)) { gc_num[gc] = ++ngc; gc_name[ngc] = gc }
    if (!(label in n)) {
        seen[++nseen] = label
        short_of[label] = short
        wl_of[label] = wl_num[wl]
        gc_of[label] = gc_num[gc]
        b = FILENAME
        sub(/\.csv$/, "", b)
        base[label] = b
    }
    k = ++n[label]
    for (j = 1; j <= nm; j++)
        v[label, j, k] = $col[metric[j]] + 0
    run_label[++nruns] = label
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
# Rows grouped by workload, first-seen order kept inside a group.
function group_rows(    w, i) {
    nc = 0
    for (w = 1; w <= nwl; w++) {
        first[w] = nc + 1
        for (i = 1; i <= nseen; i++)
            if (wl_of[seen[i]] == w) { order[++nc] = seen[i]; row[seen[i]] = nc }
        last[w] = nc
    }
}
function fallbacks(c, L,    f, j, top, count) {
    printf "%d\t%s\t%s\t%.6g\t%d\t%d\t%s\n", c, L, base[L], median(L, 4), wl_of[L], gc_of[L], short_of[L] > (datadir "/index.tsv")
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
# By increasing time, each configuration smaller than all faster ones.
function pareto(w,    i, s, t, r, best, f, idx, m) {
    m = 0
    for (i = first[w]; i <= last[w]; i++) idx[++m] = i
    for (i = 2; i <= m; i++)
        for (s = i; s > 1 && median(order[idx[s - 1]], 2) > median(order[idx[s]], 2); s--) { t = idx[s]; idx[s] = idx[s - 1]; idx[s - 1] = t }
    f = datadir "/pareto-" w ".dat"
    for (i = 1; i <= m; i++) {
        r = median(order[idx[i]], 15)
        if (i == 1 || r < best) { printf "%.6g %.6g\n", median(order[idx[i]], 2), r / 1048576 > f; best = r }
    }
    close(f)
}
function gnuplot_groups(    f, w) {
    f = datadir "/groups.gp"
    printf "nwl = %d; ngc = %d\narray wl_name[%d]; array wl_first[%d]; array wl_last[%d]; array gc_name[%d]\n", nwl, ngc, nwl, nwl, nwl, ngc > f
    for (w = 1; w <= nwl; w++) printf "wl_name[%d] = \"%s\"; wl_first[%d] = %d; wl_last[%d] = %d\n", w, wl_name[w], w, first[w], w, last[w] > f
    for (w = 1; w <= ngc; w++) printf "gc_name[%d] = \"%s\"\n", w, gc_name[w] > f
    close(f)
}
function side_files(    c, r, f) {
    gnuplot_groups()
    for (c = 1; c <= nc; c++) fallbacks(c, order[c])
    for (c = 1; c <= nwl; c++) pareto(c)
    f = datadir "/runs.dat"
    for (r = 1; r <= nruns; r++) printf "%d %.6g\n", row[run_label[r]], run_wall[r] > f
    close(f)
}
END {
    group_rows()
    if (datadir != "") side_files()
    for (c = 1; c <= nc; c++) {
        L = order[c]
        printf "%d \"%s\" %d", c, L, n[L]
        printf " %.6g %.6g %.6g", median(L, 1), extreme(L, 1, 0), extreme(L, 1, 1)
        printf " %.6g %.6g %.6g", median(L, 2), extreme(L, 2, 0), extreme(L, 2, 1)
        for (j = 3; j <= nm; j++) printf " %.6g", median(L, j)
        printf " \"%s\" %d %d \"%s\"\n", base[L], wl_of[L], gc_of[L], short_of[L]
    }
}
