# Does hyperfine, timing whole processes, find the same cost per copy as the
# in-process harness? Each panel is one size: every dot is one process of
# `copyloop SIZE ITERS` (ITERS = 0 or N); the solid line joins the two
# medians, so its intercept is the process start-up (with the buffers'
# setup) and its slope the cost of one copy, printed in the key per copy.
# The dashed line has the same intercept and the in-process median as its
# slope: where they agree, the two lines lie on top of each other. The title
# says whether they agreed (within 10%) in the results drawn.
file = csv('00-honest-timing')
json = results.'/00-honest-timing.hyperfine.json'
runs(size) = sprintf("< jq -r '.results[] | select(.parameters.size == \"%d\") | .parameters.iters as $i | .times[] | \"\\($i),\\(.)\"' %s", size, json)

unset logscale x
set xtics norotate
set xlabel 'copies per process (ITERS)'
# A log time axis, so that the start-up (about a millisecond, the intercept)
# and the 100 ms of copying are both in plain view; on it the straight line
# start + ITERS x slope bends up from the intercept.
set ylabel 'time per process, ms (log scale)'
set logscale y
set ytics (0.3, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)
set offsets 0, 0, 0, 0
set samples 400
unset key
set rmargin 3
per_copy(ns) = ns < 1e6 ? sprintf('%.3g us', ns / 1e3) : sprintf('%.3g ms', ns / 1e6)
# The title says what this run found: the largest gap between the two slopes.
worst = 0
do for [size in '65536 1048576 16777216'] {
	s = size + 0
	stats file using (is('hyperfine') && column(SIZE_BYTES) == s ? column(MEDIAN_NS) : NaN) nooutput
	h = STATS_max
	stats file using (is('in-process') && column(SIZE_BYTES) == s ? column(MEDIAN_NS) : NaN) nooutput
	gap = abs(h / STATS_max - 1)
	worst = gap > worst ? gap : worst
}
verdict = worst <= 0.10 ? \
	sprintf('The slope of process time is the cost of one copy (within %.0f%% of the harness)', worst * 100) : \
	sprintf('hyperfine and the harness disagree by up to %.0f%% here: a busy machine?', worst * 100)
set multiplot layout 1,3 title heading(verdict)
do for [size in '65536 1048576 16777216'] {
	s = size + 0
	set yrange [*:*]	# stats obeys the axis ranges: free them first
	stats file using (is('hyperfine') && column(SIZE_BYTES) == s ? column(MEDIAN_NS) : NaN) nooutput
	hyper_ns = STATS_max
	stats file using (is('hyperfine') && column(SIZE_BYTES) == s ? column(ITERS) : NaN) nooutput
	n = STATS_max
	stats file using (is('in-process') && column(SIZE_BYTES) == s ? column(MEDIAN_NS) : NaN) nooutput
	inproc_ns = STATS_max
	stats runs(s) using ($1 == 0 ? $2 * 1e3 : NaN) nooutput
	start_ms = STATS_median
	set title sprintf('%s: %.3g ms at 0 copies', \
		s >= 1048576 ? sprintf('%d MiB', s / 1048576) : sprintf('%d KiB', s / 1024), \
		start_ms) font ',22'
	set xtics ('0' 0, sprintf('%d', n) n)
	set xrange [-0.15 * n:1.15 * n]
	set label 1 sprintf('hyperfine %s', per_copy(hyper_ns)) \
		at graph 0.04, 0.95 left front tc lt 1 font ',20'
	set label 2 sprintf('harness %s (%+.1f%%)', per_copy(inproc_ns), \
		(hyper_ns / inproc_ns - 1) * 100) \
		at graph 0.04, 0.87 left front tc lt 2 font ',20'
	set label 3 sprintf('start-up %.2g ms', start_ms) at first 0, first start_ms \
		offset 1.5, 0 left front font ',20'
	set yrange [start_ms / 3:1000]
	plot runs(s) using 1:($2 * 1e3) with points lt 7 pt 7 ps 0.6, \
	     [0:n] start_ms + x * hyper_ns / 1e6 with lines lt 1, \
	     [0:n] start_ms + x * inproc_ns / 1e6 with lines lt 2
}
unset multiplot
