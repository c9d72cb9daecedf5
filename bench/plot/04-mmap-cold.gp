# 04-mmap-cold.gp - reading from disk: does mmap still win?
#
# GB/s of file summed (bars p25 to p75) when every operation first evicts
# the file from the page cache (read-cold with a 1 MiB buffer, mmap-cold),
# with the warm read (1 MiB buffer) and mmap drawn thin for comparison.

data = csv('04-mmap')
onlyp(v, p, col) = (is(v) && strcol(PARAM) eq p) ? column(col) : NaN

set xlabel 'size of the file'
set title heading('Cold, the disk sets the pace: read and mmap come out close')
set ylabel 'GB/s of file summed (1 GB = 10^9 bytes)'
set logscale y 10
set format y '%g'
set offsets graph 0.03, graph 0.03, 0, 0
set key top left

plot data using SIZE_BYTES:(only('read-cold', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 2 title 'read, cold', \
     '' using SIZE_BYTES:(only('mmap-cold', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 1 title 'mmap, cold', \
     '' using SIZE_BYTES:(onlyp('read', 'buf=1048576', SIZE_BYTES) / column(MEDIAN_NS)) \
	with lines lt 2 lw 1 title 'read, warm', \
     '' using SIZE_BYTES:(only('mmap', SIZE_BYTES) / column(MEDIAN_NS)) \
	with lines lt 1 lw 1 title 'mmap, warm'
