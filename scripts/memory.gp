# scripts/memory.gp: peak memory per configuration as a dot plot: live
# bytes (what the program held), heap bytes (what the manager held from the
# OS or malloc) and RSS (what the process held), medians in MiB, log scale.
load scripts . '/plotstyle.gp'
load data . '/groups.gp'
load data . '/series.gp'
load scripts . '/rows.gp'
set title 'Peak memory (median)'
set xlabel 'MiB (log scale)'
set logscale x
floor_mib(b) = b > 1024 ? b / mib : 1024 / mib
plot data . '/configs.dat' using (floor_mib($20)):(rowy($1) + 0.18):ytic(2) with points lt 1 pt 7 title 'peak live', \
     '' using (floor_mib($21)):(rowy($1)) with points lt 2 pt 5 title 'peak heap', \
     '' using (floor_mib($22)):(rowy($1) - 0.18) with points lt 3 pt 9 title 'peak RSS'
