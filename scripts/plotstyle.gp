# scripts/plotstyle.gp: the terminal and look every plot shares. Loaded by
# each scripts/<plot>.gp; expects fmt ('svg' or 'png'), out (path without
# extension), width and height (pixels). Text is noenhanced: configuration
# labels and metric names contain '_' and '^', which must print as they are.
if (fmt eq 'svg') {
    set terminal svg size width, height noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width, height noenhanced font 'Helvetica,10' background rgb 'white'
}
set output out . '.' . fmt
set border 3 lc rgb '#555555'
set tics nomirror textcolor rgb '#333333'
set grid ytics lc rgb '#e4e4e4' lt 1
set key noautotitle
# A colour-blind-safe palette (Okabe & Ito), then black.
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1
set linetype 2 lc rgb '#E69F00' lw 2 pt 5 ps 1
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1
set linetype 5 lc rgb '#56B4E9' lw 2 pt 13 ps 1
set linetype 6 lc rgb '#D55E00' lw 2 pt 3 ps 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 2 ps 1
set linetype 8 lc rgb '#000000' lw 2 pt 1 ps 1
set linetype cycle 8
mib = 1048576.0
# Dot plots (one row per configuration, top to bottom): row r sits at
# y = nconf + 1 - r, labelled from the data file.
rowy(r) = nconf + 1 - r
# Small multiples: a panel per workload that has data of a family, up to
# PANEL_COLS a row (plots.sh sizes the canvas to match), key on the right.
PANEL_COLS = 2
panel_cols(n) = n < PANEL_COLS ? (n < 1 ? 1 : n) : PANEL_COLS
panel_rows(n) = int((n + panel_cols(n) - 1) / panel_cols(n))
