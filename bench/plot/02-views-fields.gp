# With the text's size fixed, how does the length of each field change the race?
# The sweep's size is the one measured at lengths other than the default 32.
file = csv('02-views')
stats file using (strcol(PARAM) ne 'field=32' ? column(SIZE_BYTES) : NaN) nooutput
sweep = STATS_max
set title heading(sprintf('Copying costs per field, not per byte (a %.0f MiB text)', sweep / 1048576))
set logscale y 10
set format y '10^{%L}'
set ylabel 'time per load, ms (median, bars p25-p75)'
set xlabel 'length of each word in the text'
set xtics ('2 B' 2, '4 B' 4, '8 B' 8, '16 B' 16, '32 B' 32, '64 B' 64, \
           '128 B' 128, '256 B' 256, '512 B' 512, '1 KiB' 1024) norotate
set key top right
variants = 'copy-fields view-fields'
field_len(x) = strcol(PARAM)[1:6] eq 'field=' ? real(strcol(PARAM)[7:]) : NaN
at_sweep(v, col) = column(SIZE_BYTES) == sweep ? only(v, col) / 1e6 : NaN
# The rows are in the order they were measured, so the lines are drawn
# sorted (smooth unique) and the bars on top of them.
plot for [i = 1:2] file \
	using (field_len(0)):(at_sweep(word(variants, i), MEDIAN_NS)) smooth unique \
	with lines lt i title word(variants, i), \
     for [i = 1:2] file \
	using (field_len(0)):(at_sweep(word(variants, i), MEDIAN_NS)):(at_sweep(word(variants, i), P25_NS)):(at_sweep(word(variants, i), P75_NS)) \
	with yerrorbars lt i notitle
