# scripts/mmu.gp: minimum mutator utilisation against window size, a panel
# per workload, coloured by collector: for each window, the worst fraction
# of it left to the program (1 = never paused). Curves from --mmu-curve
# files; points at 1, 10 and 100 ms (the summary's windows) otherwise.
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
np = 0
do for [w=1:nwl] { if (mmu_first[w] > 0) { np = np + 1 } }
set multiplot layout panel_rows(np), panel_cols(np) title 'Minimum mutator utilisation'
set xlabel 'window, ms'
set ylabel 'MMU'
set logscale x
set format x '%g'
set grid xtics
set yrange [0:1.05]
set key outside right top font ',8' samplen 2
do for [w=1:nwl] {
    if (mmu_first[w] > 0) {
        set title wl_name[w]
        plot for [i=mmu_first[w]:mmu_last[w]] mmu_file[i] using 1:2 with linespoints lt mmu_lt[i] pt 4 + i % 10 ps 0.6 title mmu_title[i]
    }
}
unset multiplot
