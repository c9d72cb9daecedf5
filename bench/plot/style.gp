# style.gp - the look every workbench plot shares. Loaded before each plot
# script by bench/run, which sets these variables:
#   term      'png' (1600x900 for a projector) or 'svg' (for documents)
#   out       the output path without its extension
#   results   the folder of CSV files
#   subtitle  machine, date and commit, printed under the title
#   knees     measured cache knees in bytes, separated by spaces ('' if none)
# No string from a results file is ever part of a gnuplot command: gnuplot
# runs in bench/run's temporary folder, so out and results are fixed short
# names there ('in' links to the results); subtitle and knees come from
# tools/results.py (plain text with enhanced-text markup escaped; numbers)
# and are handed over as string literals with their quotes doubled. Read
# data only with plot/stats from csv(...), never through a shell command
# built from a value.

if (term eq 'png') {
	set terminal pngcairo size 1600,900 enhanced font 'DejaVu Sans,24' linewidth 2
} else {
	set terminal svg size 1600,900 dynamic enhanced font 'DejaVu Sans,24' linewidth 2
}
set output out.'.'.term
set datafile separator ','
set datafile missing 'NaN'
set encoding utf8

# Okabe and Ito's colour-blind-safe palette, each with its own dash and point.
set linetype 1 lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1.4
set linetype 2 lc rgb '#D55E00' lw 2 dt 2 pt 5 ps 1.4
set linetype 3 lc rgb '#009E73' lw 2 dt 3 pt 9 ps 1.6
set linetype 4 lc rgb '#CC79A7' lw 2 dt 4 pt 11 ps 1.6
set linetype 5 lc rgb '#E69F00' lw 2 dt 5 pt 13 ps 1.6
set linetype 6 lc rgb '#56B4E9' lw 2 dt 6 pt 3 ps 1.4
set linetype 7 lc rgb '#000000' lw 2 dt 1 pt 1 ps 1.4
set linetype 8 lc rgb '#999999' lw 2 dt 2 pt 2 ps 1.4

set grid lc rgb '#dddddd' lw 1
set key top left box opaque samplen 3 Left reverse width 1
set border lw 1.5
set tics nomirror
set errorbars dt solid lw 1.5	# bars stay solid under dashed lines

# The size axis: powers of two, labelled the way people say them.
set logscale x 2
set xtics ('64 B' 64, '256 B' 256, '1 KiB' 1024, '4 KiB' 4096, \
           '16 KiB' 16384, '64 KiB' 65536, '256 KiB' 262144, \
           '1 MiB' 1048576, '4 MiB' 4194304, '16 MiB' 16777216, \
           '64 MiB' 67108864, '256 MiB' 268435456, '1 GiB' 1073741824) rotate by 30 right
set xlabel 'size'
set offsets graph 0.03, graph 0.03, 0, 0

# The CSV's columns by name: the schema of bench/harness.h (BENCH_CSV_HEADER),
# in its order. Plot scripts say column(MEDIAN_NS), never $9;
# tests/test_schema checks that this list and the harness's agree.
BENCH = 1; VARIANT = 2; SIZE_BYTES = 3; PARAM = 4; SAMPLES = 5; ITERS = 6
MIN_NS = 7; P25_NS = 8; MEDIAN_NS = 9; P75_NS = 10; MAX_NS = 11; CV = 12
GBPS = 13; EXTRA_BYTES = 14; MINFLT = 15

csv(name) = results.'/'.name.'.csv'
is(v) = strcol(VARIANT) eq v
only(v, col) = is(v) ? column(col) : NaN

# Dotted grey lines (dt 3) at the cache knees this machine measured.
mark_knees = "do for [k in knees] { set arrow from k+0, graph 0 to k+0, graph 1 nohead dt 3 lw 2 lc rgb '#777777' front }"

heading(t) = sprintf("%s\n{/*0.75 %s}", t, subtitle)
