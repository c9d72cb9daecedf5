# Multiply two N x N matrices: walk B by column, or copy B transposed first?
set title heading('Copying B transposed first beats walking it by column')
unset logscale x
set xtics auto norotate
set xlabel 'N (two N x N matrices of doubles)'
set logscale y 10
set format y '10^{%L}'
set ylabel 'ns per product (median, bars p25-p75)'
set key top left
set offsets graph 0.05, graph 0.05, 0, 0
file = csv('03-strides')
plot for [v in 'matmul-by-column matmul-transposed-copy'] file \
	using (is(v) ? column(4) : NaN):(only(v, 9)):(only(v, 8)):(only(v, 10)) \
	with yerrorlines title v
