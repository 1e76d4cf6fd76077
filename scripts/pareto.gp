# scripts/pareto.gp: time against peak memory, one point per configuration
# (medians). The step line joins the Pareto front: the configurations that no
# other beats on both time and memory; everything else is dominated
# (pareto.dat, computed by plots.sh).
load scripts . '/plotstyle.gp'
set title "Time against peak memory (medians)"
set xlabel 'wall time, ms'
set ylabel 'peak RSS, MiB'
set grid xtics
load data . '/series.gp'
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set yrange [0:*]
set xrange [0:*]
set key outside right top font ',9'
plot data . '/pareto.dat' using 1:2 with steps lt 8 lw 1 dt 2 title 'Pareto front', \
     for [i=1:nconf] data . '/configs.dat' every ::i-1::i-1 using 7:($22 / mib) \
         with points lt i pt (6 + i % 8) ps 1.6 title conf_title[i]
