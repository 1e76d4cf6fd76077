# scripts/sweep.gp: one option swept: its value on x, median throughput on
# the left axis (bars: slowest to fastest run) and median max pause on the
# right. Expects key (the option), what (the configuration) and logx (1: a
# log axis, 0: linear, -1: the values are words, one tick each). Data:
# plots.sh's sweep.dat.
load scripts . '/plotstyle.gp'
set title 'Sweep of ' . key . ': ' . what
set xlabel key
set ylabel 'operations per second (median)'
set y2label 'max pause, ms (median)'
set format y '%.1s%c'
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set y2tics
set key top left
set offsets graph 0.05, graph 0.05, 0, 0
if (logx == 1) { set logscale x }
f = data . '/sweep.dat'
# Ticks are the values as given (256K, 700, lazy), at their positions.
if (logx == -1) {
    set offsets 0.3, 0.3, 0, 0
    plot f using 1:4:5:6:xtic(3) with yerrorlines lt 1 title 'ops/s', \
         '' using 1:7 axes x1y2 with linespoints lt 6 title 'max pause'
} else {
    plot f using 2:4:5:6:xtic(3) with yerrorlines lt 1 title 'ops/s', \
         '' using 2:7 axes x1y2 with linespoints lt 6 title 'max pause'
}
