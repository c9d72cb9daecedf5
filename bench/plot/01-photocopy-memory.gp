# How much new memory does each way need, for the size it hands over?
set xlabel 'size of the pages copied or handed over'
set title heading('A photocopy needs as much new memory as it copies; a view needs none')
set ylabel 'extra memory / size'
set yrange [0:1.6]
set key top right Left reverse
set label 1 "below 4 KiB the benchmark still maps a whole 4 KiB page\nper buffer (its allocator, not the copy): off the chart" at graph 0.02, graph 0.5 font ',20' tc rgb '#555555'
file = csv('01-photocopy')
plot for [v in 'copy view'] file \
	using SIZE_BYTES:(only(v, EXTRA_BYTES) / column(SIZE_BYTES)) with linespoints title v
