# How long does each way take, as the report grows?
set title heading('Copying grows with size; handing over does not')
set logscale y 10
set format y '10^{%L}'
set ylabel 'time per operation, ns (median, bars p25-p75)'
set key top left
file = csv('01-photocopy')
plot for [v in 'copy copy+sum view+sum view'] file \
	using 3:(only(v, 9)):(only(v, 8)):(only(v, 10)) \
	with yerrorlines title v
