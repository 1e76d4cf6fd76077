# scripts/gctime.gp: where the time went: median wall time stacked as time
# in memory-management pauses (gc_ms) and the rest (the mutator, plus
# allocation and refcounting work that is not a pause).
load scripts . '/plotstyle.gp'
set title 'Wall time: pauses and the rest (median)'
set ylabel 'ms'
set yrange [0:*]
set style data histograms
set style histogram rowstacked
set style fill solid 0.75 border -1
set boxwidth 0.6
set xtics rotate by 30 right
set bmargin 10
set rmargin 6
set key top left horizontal reverse Left
plot data . '/configs.dat' using ($7 - $10 > 0 ? $7 - $10 : 0):xtic(2) title 'outside pauses' lt 1, \
     '' using 10 title 'pauses (gc_ms)' lt 6
