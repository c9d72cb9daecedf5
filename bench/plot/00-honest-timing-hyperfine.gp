# Does hyperfine, timing whole processes, find the same cost per copy as the
# in-process harness? Each panel is one size: every dot is one process of
# `copyloop SIZE ITERS` (ITERS = 0 or N); the solid line joins the two
# medians, so its intercept is the process start-up (with the buffers'
# setup) and its slope the cost of one copy, printed in the key per copy.
# The dashed line has the same intercept and the in-process median as its
# slope: where they agree, the two lines lie on top of each other.
file = csv('00-honest-timing')
json = results.'/00-honest-timing.hyperfine.json'
runs(size) = sprintf("< jq -r '.results[] | select(.parameters.size == \"%d\") | .parameters.iters as $i | .times[] | \"\\($i),\\(.)\"' %s", size, json)

unset logscale x
set xtics norotate
set xlabel 'copies per process (ITERS)'
set ylabel 'time per process, ms'
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
unset key
set rmargin 3
per_copy(ns) = ns < 1e6 ? sprintf('%.3g us', ns / 1e3) : sprintf('%.3g ms', ns / 1e6)
set multiplot layout 1,3 title heading('The slope of process time is the cost of one copy')
do for [size in '65536 1048576 16777216'] {
	s = size + 0
	stats file using (is('hyperfine') && $3 == s ? $9 : NaN) nooutput
	hyper_ns = STATS_max
	stats file using (is('hyperfine') && $3 == s ? $6 : NaN) nooutput
	n = STATS_max
	stats file using (is('in-process') && $3 == s ? $9 : NaN) nooutput
	inproc_ns = STATS_max
	stats runs(s) using ($1 == 0 ? $2 * 1e3 : NaN) nooutput
	start_ms = STATS_median
	set title sprintf('%s: %.3g ms at 0 copies', \
		s >= 1048576 ? sprintf('%d MiB', s / 1048576) : sprintf('%d KiB', s / 1024), \
		start_ms) font ',20'
	set xtics ('0' 0, sprintf('%d', n) n)
	set xrange [-0.15 * n:1.15 * n]
	set label 1 sprintf('hyperfine: %s per copy', per_copy(hyper_ns)) \
		at graph 0.04, 0.95 left front tc lt 1 font ',16'
	set label 2 sprintf('in-process: %s (%+.1f%%)', per_copy(inproc_ns), \
		(hyper_ns / inproc_ns - 1) * 100) \
		at graph 0.04, 0.88 left front tc lt 2 font ',16'
	plot runs(s) using 1:($2 * 1e3) with points lt 7 pt 7 ps 0.6, \
	     [0:n] start_ms + x * hyper_ns / 1e6 with lines lt 1, \
	     [0:n] start_ms + x * inproc_ns / 1e6 with lines lt 2
}
unset multiplot
