# How fast do bytes move, and where does the speed fall?
set xlabel 'size of the pages copied or handed over'
set title heading('Copies slow down each time the data outgrows a cache')
set ylabel 'payload bandwidth, GB/s (10^9 bytes/s)'
set yrange [0:*]
set key top right Left reverse
@mark_knees
if (strlen(knees) > 0) {
	set label 1 'dotted: the knees measured here (a copy of S bytes touches 2S)' at graph 0.02, graph 0.05 font ',20' tc rgb '#555555'
}
file = csv('01-photocopy')
plot for [v in 'copy copy+sum view+sum'] file \
	using SIZE_BYTES:(only(v, GBPS)) with linespoints title v
