# How long does loading the whole text take, each way, as the text grows?
set title heading('Both ways grow with the text; copying every field takes several times as long')
set logscale y 10
set format y '10^{%L}'
set ylabel 'time per load, ms (median, bars p25-p75)'
set xlabel 'size of the text (32-byte words)'
set key top left
file = csv('02-views')
size_sweep(v, col) = strcol(PARAM) eq 'field=32' ? only(v, col) / 1e6 : NaN
plot for [v in 'copy-fields view-fields'] file \
	using SIZE_BYTES:(size_sweep(v, MEDIAN_NS)):(size_sweep(v, P25_NS)):(size_sweep(v, P75_NS)) \
	with yerrorlines title v
