# scripts/throughput.gp: median throughput (ops/s) per configuration, error
# bars from the slowest to the fastest run. Data: plots.sh's configs.dat.
load scripts . '/plotstyle.gp'
set title 'Throughput per configuration (median; bars: slowest to fastest run)'
set ylabel 'operations per second'
set format y '%.1s%c'
set yrange [0:*]
set xrange [0.3:*]
set xtics rotate by 30 right
set bmargin 10
set rmargin 6
set boxwidth 0.6
set style fill solid 0.6 border lc rgb '#2a5d8a'
plot data . '/configs.dat' using 1:4:xtic(2) with boxes lt 1, \
     '' using 1:4:5:6 with yerrorbars lc rgb '#222222' pt -1 lw 1.5
