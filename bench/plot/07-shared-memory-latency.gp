# 07-shared-memory-latency.gp - one message and its answer: how long does a
# round trip take each way, and what does a fresh region per message cost?
#
# Median round trip (bars from p25 to p75) against the message size, for
# the ping-pong rows (pingpong-*); every round trip was timed on its own.
# The 99th percentile of the same round trips is drawn as a cross in the
# way's colour; it comes from the row's param, "p99_ns=N"
# (bench/07-shared-memory.c), read as a number, never evaluated.

data = csv('07-shared-memory')
us(col) = column(col) / 1e3
p99(v) = is(v) && strstrt(strcol(PARAM), 'p99_ns=') == 1 ? real(substr(strcol(PARAM), 8, strlen(strcol(PARAM)))) / 1e3 : NaN

set xlabel 'size of the message (one message, one 8-byte answer)'
set title heading('One message and its answer: a fresh region per message is the slowest way')
set ylabel 'round trip, microseconds'
set logscale y 10
set key top left width 1 samplen 2 font ",18" maxrows 3

plot for [i = 1:5] data \
	using SIZE_BYTES:(only('pingpong-'.word('pipe socket memfd ring oneoff-memfd', i), MEDIAN_NS) / 1e3):(us(P25_NS)):(us(P75_NS)) \
	with yerrorlines lt word('2 5 3 1 4', i) + 0 \
	title word('pipe socket memfd ring fresh-region-per-message', i), \
     for [i = 1:5] data \
	using SIZE_BYTES:(p99('pingpong-'.word('pipe socket memfd ring oneoff-memfd', i))) \
	with points lt word('2 5 3 1 4', i) + 0 pt 2 ps 1.2 \
	title (i == 1 ? 'x: 99th percentile' : '')
