# How long does each way take, as the report grows?
set xlabel 'size of the pages copied or handed over'
set title heading('Copying grows with size; handing over does not')
set logscale y 10
set format y '10^{%L}'
set ylabel 'time per operation, ns (median, bars p25-p75)'
set key top left
file = csv('01-photocopy')
plot for [v in 'copy copy+sum view+sum view'] file \
	using SIZE_BYTES:(only(v, MEDIAN_NS)):(only(v, P25_NS)):(only(v, P75_NS)) \
	with yerrorlines title v
