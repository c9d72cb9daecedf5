# 07-shared-memory-false-sharing.gp - where should a ring's two cursors
# sit? 64-byte messages through the ring with its cursors on one cache
# line, 128 bytes apart, and apart with each side caching the other's.
#
# Millions of messages per second (1e3 / median ns; bars from the p75 and
# p25 times), one bar per layout. The title is computed from the data: on a
# busy 2-core machine the layouts may not differ clearly, and then it says so.

data = csv('07-shared-memory')
mps(col) = 1e3 / column(col)
# Per layout, the p25 and p75 times; a layout "beats" another only when
# its whole p25..p75 range is faster than the other's.
stats data using (only('ring-one-line', P25_NS)) nooutput
one25 = STATS_min
stats data using (only('ring-padded', P25_NS)) nooutput
pad25 = STATS_min
stats data using (only('ring-padded', P75_NS)) nooutput
pad75 = STATS_min
stats data using (only('ring-cached', P75_NS)) nooutput
cache75 = STATS_min
answer = cache75 < one25 && cache75 < pad25 ? \
	"False sharing: cursors apart, each side caching the other's, were fastest" : \
	pad75 < one25 ? "False sharing: cursors on their own lines beat cursors on one line" : \
	"Here the cursors' layout made no clear difference (the p25-p75 ranges overlap)"
set title heading(answer)
set ylabel 'million messages per second'
set yrange [0:*]
set boxwidth 0.6
set style fill solid 0.5 border -1
set offsets 0, 0, graph 0.15, 0
unset key
slot(v) = v eq 'ring-one-line' ? 0 : v eq 'ring-padded' ? 1 : v eq 'ring-cached' ? 2 : NaN

plot data using (slot(strcol(VARIANT))):(slot(strcol(VARIANT)) == slot(strcol(VARIANT)) ? mps(MEDIAN_NS) : NaN) \
	with boxes lt 1, \
     '' using (slot(strcol(VARIANT))):(slot(strcol(VARIANT)) == slot(strcol(VARIANT)) ? mps(MEDIAN_NS) : NaN):(mps(P75_NS)):(mps(P25_NS)) \
	with yerrorbars lt 7 pt 7
