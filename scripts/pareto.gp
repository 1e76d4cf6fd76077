# scripts/pareto.gp: time against peak memory, a panel per workload (their
# times are not comparable), a point per configuration (medians), coloured by
# collector. The dashed step line joins the panel's Pareto front: the
# configurations no other beats on both time and memory (pareto-<w>.dat,
# from plotdata.awk).
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
set multiplot layout panel_rows(nwl), panel_cols(nwl) title 'Time against peak memory (medians)'
set xlabel 'wall time, ms'
set ylabel 'peak RSS, MiB'
set grid xtics
set xrange [0:*]
set yrange [0:*]
set offsets 0, graph 0.08, graph 0.08, 0
set key outside right top font ',8' samplen 1
do for [w=1:nwl] {
    set title wl_name[w]
    plot data . '/pareto-' . w . '.dat' using 1:2 with steps lt 8 lw 1 dt 2 notitle, \
         for [r=wl_first[w]:wl_last[w]] data . '/configs.dat' every ::r-1::r-1 using 7:($22 / mib) \
             with points lt conf_lt[r] pt 5 + r % 8 ps 1.2 title conf_short[r]
}
unset multiplot
