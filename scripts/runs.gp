# scripts/runs.gp: every repetition's wall time, one column of points per
# configuration, beside the median (bar): how far apart the runs are, and
# whether one of them was an outlier (a noisy neighbour, a cold cache).
# Expects nconf (the number of configurations).
load scripts . '/plotstyle.gp'
set title 'Wall time of every run (points) and the median (bars)'
set ylabel 'wall time, ms'
set yrange [0:*]
set xrange [0.3:nconf + 0.7]
set xtics rotate by 30 right
set bmargin 10
set rmargin 6
set boxwidth 0.6
set style fill solid 0.25 border lc rgb '#2a5d8a'
set key top left reverse Left
plot data . '/configs.dat' using 1:7:xtic(2) with boxes lt 1 title 'median', \
     data . '/runs.dat' using 1:2 with points lt 6 pt 7 ps 0.8 title 'one run'
