# 04-mmap-random.gp - 4 KiB blocks in a random order: pread or a mapping?
#
# GB/s of file summed (bars p25 to p75), every block of the file once, in
# the same fixed random order for both; warm page cache.

data = csv('04-mmap')

set xlabel 'size of the file'
set title heading('Random 4 KiB blocks: pread pays a system call per block, a mapping does not')
set ylabel 'GB/s of file summed (1 GB = 10^9 bytes)'
set offsets graph 0.03, graph 0.03, 0, 0
set key top left
set yrange [0:*]	# from zero: a cut axis would exaggerate the gap
set offsets graph 0.03, graph 0.03, graph 0.2, 0	# room for the key

plot data using SIZE_BYTES:(only('read-random', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 2 title 'pread, 4 KiB blocks', \
     '' using SIZE_BYTES:(only('mmap-random', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 1 title 'mmap, 4 KiB blocks'
