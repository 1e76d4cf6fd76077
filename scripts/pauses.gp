# scripts/pauses.gp: the pause distribution of each configuration as a CDF
# on a log time axis, with the fraction on a "nines" scale (y = -log10(1-p):
# 1 = p90, 2 = p99, ...) so the tail is visible; a panel per workload,
# coloured by collector. From the pause log where plots.sh found one (pause
# i of n at p = (i - 1/2) / n, so the largest is at y = log10(2n));
# otherwise the runs' percentiles and maximum, placed the same way.
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
np = 0
do for [w=1:nwl] { if (cdf_first[w] > 0) { np = np + 1 } }
set multiplot layout panel_rows(np), panel_cols(np) title 'Pause time distribution (CDF, nines scale)'
set xlabel 'pause, ms'
set logscale x
set format x '%g'
set grid xtics
set yrange [0:*]
set ytics ('p50' 0.30103, 'p90' 1, 'p99' 2, 'p99.9' 3, 'p99.99' 4, 'p99.999' 5, 'p99.9999' 6)
set key outside right top font ',8' samplen 2
do for [w=1:nwl] {
    if (cdf_first[w] > 0) {
        set title wl_name[w]
        plot for [i=cdf_first[w]:cdf_last[w]] cdf_file[i] using 1:2 with linespoints lt cdf_lt[i] pt 4 + i % 10 ps 0.6 title cdf_title[i]
    }
}
unset multiplot
