# scripts/pauses.gp: the pause distribution of each configuration as a CDF
# on a log time axis, with the fraction on a "nines" scale (y = -log10(1-p):
# 1 = p90, 2 = p99, ...) so the tail is visible. From the pause log where
# plots.sh found one (pause i of n at p = (i - 1/2) / n, so the largest is
# at y = log10(2n)); otherwise the run's percentiles and its maximum, placed
# the same way.
load scripts . '/plotstyle.gp'
load data . '/series.gp'
set title 'Pause time distribution (CDF, nines scale)'
set xlabel 'pause, ms'
set ylabel 'fraction of pauses at most x'
set logscale x
set grid xtics
set format x '%g'
set yrange [0:*]
set ytics ('p50' 0.30103, 'p90' 1, 'p99' 2, 'p99.9' 3, 'p99.99' 4, 'p99.999' 5, 'p99.9999' 6)
set key bottom right font ',9'
plot for [i=1:ncdf] cdf_file[i] using 1:2 with linespoints lt i title cdf_title[i]
