#!/bin/sh
# scripts/plots.sh RESULTS_DIR: every plot of a results directory, as SVG and
# PNG, into RESULTS_DIR/plots/ (`make plots` runs it on results/latest).
#
# Input: the per-configuration CSV files mmbench writes (results.csv if there
# are none), and, next to each X.csv, the series files of repetition 0 when
# the run asked for them: X.mmu.dat (--mmu-curve), X.pauses.dat (--pause-log)
# and X.rss.dat (--rss-sample). Without them the MMU plot falls back to the
# three windows of the summary, the pause plot to the per-run percentiles,
# and the RSS plot is skipped; plots/notes.txt says which was used. A
# directory with a sweep.csv (mmbench sweep) also gets plots/sweep.*, and
# every RESULTS_DIR/sweep*/ subdirectory is plotted in turn.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: plots.sh RESULTS_DIR}
out=$dir/plots
data=$out/data
command -v gnuplot >/dev/null 2>&1 || { echo "plots.sh: gnuplot is not installed; no plots" >&2; exit 1; }
[ -d "$dir" ] || { echo "plots.sh: no directory $dir" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$data"
: > "$out/notes.txt"

note() { printf '%s: %s\n' "$1" "$2" >> "$out/notes.txt"; }

# gnuplot quoting: a double-quoted string with \ and " escaped.
gpstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; }

# render NAME WIDTH HEIGHT [GNUPLOT ASSIGNMENTS]: scripts/NAME.gp into
# plots/NAME.svg and .png; false if gnuplot failed.
nplots=0
render() {
    for fmt in svg png; do
        if ! gnuplot -e "data=$(gpstr "$data"); out=$(gpstr "$out/$1"); fmt='$fmt'; width=$2; height=$3; scripts=$(gpstr "$here"); ${4:-}" \
                "$here/$1.gp" 2>> "$data/gnuplot.log"; then
            echo "plots.sh: gnuplot failed on $1.gp (see $data/gnuplot.log)" >&2
            return 1
        fi
    done
    nplots=$((nplots + 1))
}

# The per-configuration CSV files, not the merged ones.
set --
for f in "$dir"/*.csv; do
    case ${f##*/} in results.csv | sweep.csv) continue ;; esac
    [ -f "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] || [ ! -f "$dir/results.csv" ] || set -- "$dir/results.csv"
[ $# -gt 0 ] || { echo "plots.sh: no mmbench CSV files in $dir" >&2; exit 1; }
awk -v datadir="$data" -f "$here/plotdata.awk" "$@" > "$data/configs.dat"
n=$(wc -l < "$data/configs.dat")

# Series per configuration, for the small multiples (one panel per
# workload): for each family F (mmu, cdf, rss) gnuplot arrays F_file,
# F_title (the label without the workload), F_lt (the collector's colour),
# and F_first[w], F_last[w]: the entries of workload w (0 if none). Rows
# come grouped by workload, so each workload's entries are contiguous.
: > "$data/series.tmp"
tab=$(printf '\t')
nwl=$(awk -F'\t' '$5 > m { m = $5 } END { print m + 0 }' "$data/index.tsv")
nmmu=0 ncdf=0 nrss=0 mmu_curves=0 cdf_logs=0
# add FAMILY FILE TITLE COLOUR WORKLOAD
add() {
    eval "k=\$((n$1 + 1)); n$1=\$k"
    echo "$1_file[$k] = $(gpstr "$2"); $1_title[$k] = $(gpstr "$3"); $1_lt[$k] = $4" >> "$data/series.tmp"
    eval "[ \"\${$1_first_$5:-0}\" -gt 0 ] || $1_first_$5=\$k; $1_last_$5=\$k"
}
while IFS=$tab read -r c label base count w gc short; do
    echo "conf_short[$c] = $(gpstr "$short"); conf_lt[$c] = $gc" >> "$data/series.tmp"
    if [ -s "$base.mmu.dat" ]; then
        add mmu "$base.mmu.dat" "$short" "$gc" "$w"
        mmu_curves=$((mmu_curves + 1))
    else
        add mmu "$data/mmu3-$c.dat" "$short" "$gc" "$w"
    fi
    if [ -s "$base.pauses.dat" ] && grep -qv '^#' "$base.pauses.dat"; then
        grep -v '^#' "$base.pauses.dat" | awk '{ print $2 }' | sort -g |
            awk '{ x[NR] = $1 }
                 # thinned: a point only where the curve moved by 0.02 nines
                 # or 3% in duration (a plot of millions of pauses stays small)
                 END { ly = -1; lx = -1
                       for (i = 1; i <= NR; i++) { y = -log(1 - (i - 0.5) / NR) / log(10)
                           if (i == 1 || i == NR || y - ly >= 0.02 || x[i] > lx * 1.03) {
                               printf "%.6g %.6g\n", x[i], y; ly = y; lx = x[i] } } }' \
            > "$data/cdflog-$c.dat"
        add cdf "$data/cdflog-$c.dat" "$short" "$gc" "$w"
        cdf_logs=$((cdf_logs + 1))
    elif [ -s "$data/cdfpct-$c.dat" ]; then
        add cdf "$data/cdfpct-$c.dat" "$short" "$gc" "$w"
    fi
    if [ -s "$base.rss.dat" ] && grep -qv '^#' "$base.rss.dat"; then
        add rss "$base.rss.dat" "$short" "$gc" "$w"
    fi
done < "$data/index.tsv"
# panels FAMILY: how many workloads have an entry of it.
panels() {
    np=0 w=1
    while [ $w -le "$nwl" ]; do
        eval "[ \"\${$1_first_$w:-0}\" -eq 0 ] || np=\$((np + 1))"
        w=$((w + 1))
    done
    echo $np
}
{
    echo "nconf = $n; nmmu = $nmmu; ncdf = $ncdf; nrss = $nrss"
    echo "array conf_short[$n]; array conf_lt[$n]"
    for a in mmu cdf rss; do
        eval "k=\$n$a"
        [ "$k" -gt 0 ] && echo "array ${a}_file[$k]; array ${a}_title[$k]; array ${a}_lt[$k]"
        echo "array ${a}_first[$nwl]; array ${a}_last[$nwl]"
        w=1
        while [ $w -le "$nwl" ]; do
            eval "echo \"${a}_first[$w] = \${${a}_first_$w:-0}; ${a}_last[$w] = \${${a}_last_$w:-0}\""
            w=$((w + 1))
        done
    done
    cat "$data/series.tmp"
} > "$data/series.gp"
rm -f "$data/series.tmp"

# Small multiples: up to two panels a row, each 640 x 330 with its key on
# the right (PANEL_COLS in plotstyle.gp must agree).
# multi FAMILY: the width and height for its panels.
multi() {
    np=$(panels "$1")
    cols=$np
    [ "$cols" -le 2 ] || cols=2
    [ "$cols" -ge 1 ] || cols=1
    rows=$(((np + cols - 1) / cols))
    echo "$((cols * 640 + 20)) $((rows * 330 + 40))"
}

# Dot plots grow with the number of configurations, a row each.
tall=$((n * 20 + 180))
[ $tall -ge 400 ] || tall=400

render throughput 1000 $tall || :
render memory 1000 $tall || :
render gctime 1000 $tall || :
render runs 1000 $tall || :
render pareto $(multi mmu) || :
note throughput "median ops/s per configuration (log scale: workloads count different operations); the bars span its slowest to its fastest run; colour: the collector"
note memory "medians over the runs of peak live bytes (what the program held), peak heap bytes (what the manager held from the OS or malloc) and peak RSS, log scale"
note gctime "median time in memory-management pauses (gc_ms) as a share of median wall time"
note runs "each point is one repetition, the bar its median; a wide spread means the medians deserve less trust"
note pareto "one panel per workload: median wall time against median peak RSS; the dashed line joins the configurations no other in the panel beats on both"
if [ $ncdf -gt 0 ]; then
    render pauses $(multi cdf) || :
    if [ $cdf_logs -eq $ncdf ]; then
        note pauses "every pause of repetition 0 (--pause-log)"
    elif [ $cdf_logs -eq 0 ]; then
        note pauses "five points per configuration: the median over its runs of p50, p90, p99, p99.9 and the maximum (no --pause-log files; with them, every pause is drawn)"
    else
        note pauses "$cdf_logs of $ncdf configurations drawn from --pause-log files (every pause); the others from the medians of their runs' p50, p90, p99, p99.9 and maximum"
    fi
else
    echo "plots.sh: no configuration recorded a pause: skipping the pause distribution" >&2
    note pauses "skipped: no configuration recorded a pause"
fi
render mmu $(multi mmu) || :
if [ $mmu_curves -eq $nmmu ]; then
    note mmu "bounded MMU curves of repetition 0 (--mmu-curve)"
else
    note mmu "$mmu_curves of $nmmu configurations have a --mmu-curve file; the others show the summary's 1, 10 and 100 ms windows"
fi
if [ $nrss -gt 0 ]; then
    render rss $(multi rss) || :
    note rss "RSS (solid) and live bytes (dashed) of repetition 0 (--rss-sample)"
else
    echo "plots.sh: no *.rss.dat files (mmbench run --rss-sample MS): skipping RSS over time" >&2
    note rss "skipped: no --rss-sample files"
fi

# The sweep: the swept option's value against throughput and max pause.
if [ -s "$dir/sweep.csv" ] && [ "$(wc -l < "$dir/sweep.csv")" -gt 1 ]; then
    key=$(awk -F, 'NR == 2 { print $1; exit }' "$dir/sweep.csv")
    awk -f "$here/sweepdata.awk" "$dir/sweep.csv" > "$data/sweep.dat"
    logx=$(awk 'BEGIN { lo = -1 } $2 != "nan" { if (lo < 0 || $2 < lo) lo = $2; if ($2 > hi) hi = $2; num++ }
               $2 == "nan" { cat = 1 }
               END { print (!cat && lo > 0 && hi / lo >= 20) ? 1 : (cat ? -1 : 0) }' "$data/sweep.dat")
    what=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
                    NR == 2 { print $c["workload"] " under " $c["collector"] " (allocator " $c["allocator"] ")"; exit }' "$dir/sweep.csv")
    if render sweep 900 560 "key=$(gpstr "$key"); what=$(gpstr "$what"); logx=$logx"; then
        note sweep "median ops/s (left axis, bars: slowest to fastest run) and median max pause (right axis) for each value of $key"
    fi
fi
echo "plots.sh: $nplots plots in $out" >&2

if [ -z "${MMB_PLOTS_NESTED:-}" ]; then
    for sub in "$dir"/sweep*/; do
        [ -f "$sub/sweep.csv" ] && MMB_PLOTS_NESTED=1 sh "$0" "${sub%/}"
    done
fi
exit 0
