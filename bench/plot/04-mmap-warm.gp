# 04-mmap-warm.gp - summing a file already in the page cache: read or mmap?
#
# GB/s of file read (size / median time, bars from p25 to p75) against the
# file's size. read is drawn for three of its buffers (4 KiB, 64 KiB, 1 MiB;
# the 16 MiB buffer is in the CSV, never the best); mmap for its three ways.
# The crossover is marked: the smallest size from which plain mmap beats the
# best read buffer at that size and at every larger size measured.

data = csv('04-mmap')
onlyp(v, p, col) = (is(v) && strcol(PARAM) eq p) ? column(col) : NaN
gbps(col) = column(SIZE_BYTES) / column(col)

# Per size (indexed by log2 of it), plain mmap's median and the best read's.
array M[64]
array R[64]
do for [i = 1:64] { M[i] = NaN; R[i] = NaN }
k(s) = int(log(s) / log(2) + 0.5)
better(old, new) = (old != old || new < old) ? new : old
stats data using (is('mmap') ? (M[k(column(SIZE_BYTES))] = column(MEDIAN_NS), 0) : \
                  is('read') ? (R[k(column(SIZE_BYTES))] = better(R[k(column(SIZE_BYTES))], column(MEDIAN_NS)), 0) : 0) nooutput

crossover = NaN
do for [i = 64:1:-1] {
	if (M[i] == M[i] && R[i] == R[i]) {
		if (M[i] <= R[i]) { crossover = 2**i } else { break }
	}
}
if (crossover == crossover) {
	set arrow from crossover, graph 0 to crossover, graph 0.84 nohead dt 3 lw 3 lc rgb '#444444' front
	set label sprintf('mmap wins from %s', \
		crossover >= 2**20 ? sprintf('%d MiB', crossover / 2**20) : sprintf('%d KiB', crossover / 2**10)) \
		at crossover, graph 0.06 offset 0.5, 0 left front
}

set xlabel 'size of the file'
# The title says what these results show, not what the lesson expects.
smallest = NaN
do for [i = 1:64] { if (smallest != smallest && M[i] == M[i] && R[i] == R[i]) { smallest = i } }
read_small = smallest == smallest && R[smallest] < M[smallest]
verdict = crossover == crossover && read_small ? \
	'Small files: read wins. Large files: mmap wins (warm page cache)' : \
	crossover == crossover ? 'mmap won at every size here, even the smallest (warm page cache)' : \
	'mmap did not win at the largest sizes here: not the lesson''s result (a busy machine?)'
set title heading(verdict)
set ylabel 'GB/s of file summed (1 GB = 10^9 bytes)'
set logscale y 2
set key top center maxrows 2 width 1 samplen 2 font ",20"
set offsets graph 0.03, graph 0.03, graph 0.35, 0

plot data using SIZE_BYTES:(onlyp('read', 'buf=4096', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 6 title 'read 4 KiB buf', \
     '' using SIZE_BYTES:(onlyp('read', 'buf=65536', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 2 title 'read 64 KiB buf', \
     '' using SIZE_BYTES:(onlyp('read', 'buf=1048576', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 5 title 'read 1 MiB buf', \
     '' using SIZE_BYTES:(only('mmap', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 1 title 'mmap', \
     '' using SIZE_BYTES:(only('mmap-populate', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 3 title 'mmap POPULATE', \
     '' using SIZE_BYTES:(only('mmap-sequential', SIZE_BYTES) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
	with yerrorlines lt 4 title 'mmap SEQUENTIAL'
