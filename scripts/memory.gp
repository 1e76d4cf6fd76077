# scripts/memory.gp: peak memory per configuration, clustered: live bytes
# (what the program held), heap bytes (what the manager held from the OS or
# malloc) and RSS (what the process held), medians in MiB.
load scripts . '/plotstyle.gp'
set title 'Peak memory per configuration (median)'
set ylabel 'MiB'
set yrange [0:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.75 border -1
set boxwidth 0.9
set xtics rotate by 30 right
set bmargin 10
set rmargin 6
set key top left horizontal reverse Left
plot data . '/configs.dat' using ($20 / mib):xtic(2) title 'peak live' lt 1, \
     '' using ($21 / mib) title 'peak heap' lt 2, \
     '' using ($22 / mib) title 'peak RSS' lt 3
