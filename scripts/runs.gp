# scripts/runs.gp: every repetition's wall time (points) beside its
# configuration's median (bar), log scale: how far apart the runs are, and
# whether one was an outlier (a noisy neighbour, a cold cache).
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
load scripts . '/rows.gp'
set title 'Wall time of every run (points) and the median (bars)'
set xlabel 'wall time, ms (log scale)'
set logscale x
jitter(i) = 0.25 * (((int(i) * 7) % 5) - 2) / 2
plot data . '/configs.dat' using 7:(rowy($1)):(0.38):ytic(2) with yerrorbars lt 8 pt -1 lw 2 title 'median', \
     data . '/runs.dat' using 2:(rowy($1) + jitter($0)) with points lt 6 pt 7 ps 0.6 title 'one run'
