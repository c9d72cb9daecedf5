# 06-fd-to-fd-pipe.gp - does the size of splice's pipe matter?
#
# splice from a file through a pipe into another file, the pipe grown by
# F_SETPIPE_SZ from 4 KiB up to /proc/sys/fs/pipe-max-size (param
# dest=file;pipe=N), at the one size where every pipe was measured: GB/s
# (median, bars p25-p75) against the pipe's size.

data = csv('06-fd-to-fd')
# The number after key= in a param such as dest=file;pipe=65536;time=cpu.
after(p, k) = p[strstrt(p, k) + strlen(k):]
upto(s) = strstrt(s, ';') ? s[1:strstrt(s, ';') - 1] : s
param_value(p, k) = strstrt(p, k) ? real(upto(after(p, k))) : NaN
pipe_of(p) = param_value(p, 'pipe=')
stats data using (is('splice') && strcol(PARAM) eq 'dest=file;pipe=4096' ? column(SIZE_BYTES) : NaN) nooutput
sweep = STATS_max
at_sweep(col) = (is('splice') && column(SIZE_BYTES) == sweep && strstrt(strcol(PARAM), 'pipe=') && \
	!strstrt(strcol(PARAM), 'time=cpu')) ? column(col) : NaN

set xlabel 'size of the pipe between file and file'
set ylabel 'GB/s moved (1 GB = 10^9 bytes)'
set key top left
set title heading(sprintf('Small pipes make splice slow: each call moves one pipeful (a %.0f MiB file)', sweep / 1048576))
plot data using (pipe_of(strcol(PARAM))):(sweep / at_sweep(MEDIAN_NS)):(sweep / at_sweep(P75_NS)):(sweep / at_sweep(P25_NS)) \
	with yerrorlines lt 1 title 'splice file -> pipe -> file'
