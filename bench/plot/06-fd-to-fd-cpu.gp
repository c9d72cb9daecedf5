# 06-fd-to-fd-cpu.gp - how much CPU does the sending process spend per MiB?
#
# The rows with time=cpu: user + system time of the sending process, from
# getrusage, over the same timed batches as the wall-clock rows, divided by
# the MiB moved. Left: to a file; right: to a Unix socket whose drain runs
# in another process (its CPU is not counted: only the sender's).

data = csv('06-fd-to-fd')
per_mib(v, d) = (is(v) && strcol(PARAM) eq 'dest='.d.';time=cpu') ? \
	column(MEDIAN_NS) / 1e3 / (column(SIZE_BYTES) / 1048576.0) : NaN
ways = 'read-write mmap-write sendfile splice copy_file_range'
dests = 'file socket'

set multiplot layout 1,2 title heading('Into a socket the kernel''s ways need far less CPU; file to file, about as much')
set logscale y 2
set key top right maxrows 5 samplen 2 font ',16'
set xlabel 'size of the file' font ',18'
set xtics ('4 KiB' 4096, '64 KiB' 65536, '1 MiB' 1048576, '16 MiB' 16777216, '256 MiB' 268435456, '1 GiB' 1073741824) rotate by 30 right font ',14'
do for [j = 1:2] {
	d = word(dests, j)
	set title 'to a '.d font ',20'
	if (j == 1) { set ylabel 'CPU time of the sender, us per MiB' } else { unset ylabel }
	plot for [i = 1:5] data using SIZE_BYTES:(per_mib(word(ways, i), d)) \
		with linespoints lt i title word(ways, i) noenhanced
}
unset multiplot
