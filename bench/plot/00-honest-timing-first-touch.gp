# Why does copying into fresh memory cost so much more than copying into a
# buffer that is already there? (bench/00-honest-timing.c, variants
# first-touch and prefaulted; the labels are the page faults per copy.)
file = csv('00-honest-timing')
stats file using (is('prefaulted') ? column(SIZE_BYTES) : NaN) nooutput
size_mib = STATS_max / 1048576

set title heading('A fresh buffer pays for page faults, not for copying')
unset logscale x
set xtics ('first touch (malloc, copy, free)' 0, 'pre-faulted destination' 1) norotate
set xrange [-0.7:1.7]
set xlabel sprintf('one memcpy of %d MiB', size_mib)
set ylabel 'time per copy, ms (median, bars p25-p75)'
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set boxwidth 0.55
set style fill solid 0.5 border
set key off
x(v) = v eq 'first-touch' ? 0 : v eq 'prefaulted' ? 1 : NaN
at = 'x(strcol(VARIANT))'
plot file using (@at):(column(MEDIAN_NS) / 1e6) with boxes lc rgb '#0072B2', \
     file using (@at):(column(MEDIAN_NS) / 1e6):(column(P25_NS) / 1e6):(column(P75_NS) / 1e6) with yerrorbars lt 7 pt 0, \
     file using (@at):(column(P75_NS) / 1e6):(sprintf('%.0f ms, %.0f faults per copy', column(MEDIAN_NS) / 1e6, column(MINFLT))) \
	with labels offset 0,1.2 font ',20'
