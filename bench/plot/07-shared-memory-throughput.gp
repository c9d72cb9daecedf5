# 07-shared-memory-throughput.gp - a message to another process: how fast,
# photocopied through the kernel (pipe, socket) or handed over in shared
# memory (memfd: 16 bytes through a socket per message; ring: no system
# call per message)?
#
# Payload GB/s (size / median time per message, bars from p25 to p75)
# against the message size; the consumer read every byte in every way.
# Messages per second is 1e9 / median_ns: the right-hand axis reads GB/s
# as messages per second only for one size, so it is not drawn; the
# notebook's table gives both.

data = csv('07-shared-memory')
gbps(col) = column(SIZE_BYTES) / column(col)

set xlabel 'size of each message'
set title heading('Through the kernel every byte is copied twice; shared memory hands it over')
set ylabel 'GB/s read by the consumer (10^9 B/s)'
set logscale y 10
set key bottom right width 1 samplen 2 font ",18"

plot data using SIZE_BYTES:(only('pipe', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 2 title 'pipe', \
     '' using SIZE_BYTES:(only('socket', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 5 title 'Unix socket', \
     '' using SIZE_BYTES:(only('memfd', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 3 title 'memfd region (offset + length by socket)', \
     '' using SIZE_BYTES:(only('ring', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 1 title 'memfd region + ring (no system call)'
