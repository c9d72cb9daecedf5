# 06-fd-to-fd-small-files.gp - many small files: does any way save?
#
# Each operation opens, copies and closes every one of N files of 4 KiB
# (param dest=file;file=4096, size_bytes N x 4096); drawn as microseconds per file, wall time
# (median, bars p25-p75) and CPU time of the process beside it.

data = csv('06-fd-to-fd')
# The number after key= in a param such as dest=file;pipe=65536;time=cpu.
after(p, k) = p[strstrt(p, k) + strlen(k):]
upto(s) = strstrt(s, ';') ? s[1:strstrt(s, ';') - 1] : s
param_value(p, k) = strstrt(p, k) ? real(upto(after(p, k))) : NaN
# microseconds per file: the time of one operation over the number of files
per_file(col) = column(col) / 1e3 / (column(SIZE_BYTES) / param_value(strcol(PARAM), 'file='))
wall(col) = strcol(PARAM) eq 'dest=file;file=4096' ? per_file(col) : NaN
cpu(col) = strcol(PARAM) eq 'dest=file;file=4096;time=cpu' ? per_file(col) : NaN
pos(v) = v eq 'read-write' ? 0 : v eq 'mmap-write' ? 1 : v eq 'sendfile' ? 2 : \
	v eq 'splice' ? 3 : v eq 'copy_file_range' ? 4 : NaN

unset logscale x
set xtics ('read-write' 0, 'mmap-write' 1, 'sendfile' 2, 'splice' 3, \
	   'copy\_file\_range' 4) norotate font ',20'
set xrange [-0.6:4.6]
set xlabel 'way (each file opened, copied, closed)'
set ylabel 'us per file of 4 KiB'
set yrange [0:*]
set style fill solid 0.6 border -1
set key top right
set offsets 0, 0, graph 0.1, 0
set title heading('4 KiB files: open and close cost more than the copy; no way beats read+write by much')

plot data using (pos(strcol(VARIANT)) - 0.2):(wall(MEDIAN_NS)):(wall(P25_NS)):(wall(P75_NS)):(0.4) \
	with boxerrorbars lt 1 title 'wall time (median, bars p25-p75)', \
     '' using (pos(strcol(VARIANT)) + 0.2):(cpu(MEDIAN_NS)):(0.4) with boxes lt 2 title 'CPU time of the process'
