# scripts/rows.gp: the frame of the dot plots (throughput, memory, gctime,
# runs): a row per configuration, top to bottom, labelled from the data;
# workloads in alternate grey bands so their rows read as groups. Expects
# groups.gp and series.gp loaded (nconf, nwl, wl_first, wl_last).
set yrange [0.5:nconf + 0.5]
set ytics scale 0 font ',9'
set lmargin 34
set grid xtics
set key outside right top font ',9'
do for [w=2:nwl:2] {
    set object w rect from graph 0, first rowy(wl_last[w]) - 0.5 to graph 1, first rowy(wl_first[w]) + 0.5 \
        behind fc rgb '#f0f0f0' fs solid 1.0 noborder
}
