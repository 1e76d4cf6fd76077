# scripts/throughput.gp: median throughput per configuration as a dot plot
# (a row each, log scale: workloads count different operations), bars from
# the slowest to the fastest run, coloured by collector. Data: configs.dat.
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
load scripts . '/rows.gp'
set title 'Throughput (median; bars: slowest to fastest run)'
set xlabel 'operations per second (log scale)'
set logscale x
set format x '%.0s%c'
plot data . '/configs.dat' using 4:(rowy($1)):5:6:25:ytic(2) with xerrorbars lc variable pt 7 ps 0.9, \
     for [k=1:ngc] NaN with points lt k pt 7 title gc_name[k]
