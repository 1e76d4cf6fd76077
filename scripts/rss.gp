# scripts/rss.gp: resident set size (solid) and live bytes (dashed) over
# the timed run, from the --rss-sample files of repetition 0.
load scripts . '/plotstyle.gp'
load data . '/series.gp'
set title 'Memory over time (solid: RSS, dashed: live bytes)'
set xlabel 'time, ms'
set ylabel 'MiB'
set yrange [0:*]
set key top left font ',9'
plot for [i=1:nrss] rss_file[i] using 1:($2 / mib) with lines lt i title rss_title[i], \
     for [i=1:nrss] rss_file[i] using 1:($3 / mib) with lines lt i dt 2 notitle
