# scripts/gctime.gp: the share of wall time spent in memory-management
# pauses (median gc_ms over median wall_ms), a bar per configuration,
# coloured by collector.
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
load scripts . '/rows.gp'
set title 'Share of wall time in pauses (medians)'
set xlabel 'percent of wall time'
set xrange [0:*]
set style fill solid 0.7 noborder
share(gc, wall) = wall > 0 ? 100 * gc / wall : 0
plot data . '/configs.dat' using (share($10, $7) / 2):(rowy($1)):(share($10, $7) / 2):(0.35):25:ytic(2) \
         with boxxyerror lc variable, \
     for [k=1:ngc] NaN with boxes lt k title gc_name[k]
