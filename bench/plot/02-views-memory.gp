# How much memory does a loaded table need beyond the text itself?
set title heading('Views cost 16 bytes a field; copies add an allocation a field on top')
set ylabel 'extra memory / size of the text'
set xlabel 'size of the text (32-byte words)'
set yrange [0:*]
set key center right
file = csv('02-views')
size_sweep(v) = strcol(PARAM) eq 'field=32' ? only(v, EXTRA_BYTES) / column(SIZE_BYTES) : NaN
plot for [v in 'copy-fields view-fields'] file \
	using SIZE_BYTES:(size_sweep(v)) with linespoints title v
