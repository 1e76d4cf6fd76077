# scripts/mmu.gp: minimum mutator utilisation against window size: for each
# window the worst fraction of it left to the program (1 = never paused).
# Curves from --mmu-curve files; points at 1, 10 and 100 ms otherwise.
load scripts . '/plotstyle.gp'
load data . '/series.gp'
set title 'Minimum mutator utilisation'
set xlabel 'window, ms'
set ylabel 'MMU'
set logscale x
set format x '%g'
set grid xtics
set yrange [0:1.05]
set key bottom right font ',9'
plot for [i=1:nmmu] mmu_file[i] using 1:2 with linespoints lt i title mmu_title[i]
