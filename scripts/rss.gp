# scripts/rss.gp: resident set size (solid) and live bytes (dashed) over
# the timed run, from the --rss-sample files of repetition 0; a panel per
# workload, coloured by collector.
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
np = 0
do for [w=1:nwl] { if (rss_first[w] > 0) { np = np + 1 } }
set multiplot layout panel_rows(np), panel_cols(np) title 'Memory over time (solid: RSS, dashed: live bytes)'
set xlabel 'time, ms'
set ylabel 'MiB'
set yrange [0:*]
set key outside right top font ',8' samplen 2
do for [w=1:nwl] {
    if (rss_first[w] > 0) {
        set title wl_name[w]
        plot for [i=rss_first[w]:rss_last[w]] rss_file[i] using 1:($2 / mib) with lines lt rss_lt[i] title rss_title[i], \
             for [i=rss_first[w]:rss_last[w]] rss_file[i] using 1:($3 / mib) with lines lt rss_lt[i] dt 2 notitle
    }
}
unset multiplot
