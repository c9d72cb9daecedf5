# 06-fd-to-fd-bandwidth.gp - does handing the pages to the kernel pay, and
# where to?
#
# GB/s of payload moved (size / median wall time, bars p25-p75) against the
# size of the file, one panel per destination: another file, a Unix socket
# drained by a second process, a pipe drained the same way. The rows are the
# main ones (param exactly dest=D): read-write with a 64 KiB buffer, splice
# through a pipe of pipe-max-size. copy_file_range exists for files only.

data = csv('06-fd-to-fd')
at(v, d, col) = (is(v) && strcol(PARAM) eq 'dest='.d) ? column(col) : NaN
ways = 'read-write mmap-write sendfile splice copy_file_range'
dests = 'file socket pipe'

set multiplot layout 1,3 title heading('Handing the pages over beats the photocopy most into a socket or a pipe')
set logscale y 2
set key bottom right maxrows 5 samplen 2 font ',14' opaque
set xlabel 'size of the file' font ',18'
set xtics ('4 KiB' 4096, '64 KiB' 65536, '1 MiB' 1048576, '16 MiB' 16777216, '256 MiB' 268435456, '1 GiB' 1073741824) rotate by 30 right font ',14'
set ytics font ',16'
do for [j = 1:3] {
	d = word(dests, j)
	set title 'to a '.d font ',20'
	if (j == 1) { set ylabel 'GB/s moved (1 GB = 10^9 bytes)' } else { unset ylabel }
	plot for [i = 1:5] data \
		using SIZE_BYTES:(at(word(ways, i), d, 3) / column(MEDIAN_NS)):(column(SIZE_BYTES) / column(P75_NS)):(column(SIZE_BYTES) / column(P25_NS)) \
		with yerrorlines lt i title word(ways, i) noenhanced
}
unset multiplot
