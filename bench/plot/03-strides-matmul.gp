# Multiply two N x N matrices: walk B by column, or copy B transposed first?
# N = 1000 and 1024 are a separate run (see bench/03-strides.c) whose CSV,
# 03-strides-big.csv, is drawn too when it exists.
set title heading('The transposed copy never lost; it won most where N is a power of two')
# One slot per N measured here: 1000 and 1024 are close in size, far apart
# in behaviour, and must not sit on top of each other.
unset logscale x
set xtics ('256' 0, '512' 1, '1000' 2, '1024' 3) norotate
set xrange [-0.5:3.5]
slot(n) = n == 256 ? 0 : n == 512 ? 1 : n == 1000 ? 2 : n == 1024 ? 3 : NaN
set xlabel 'N (two N x N matrices of doubles; 1000 and 1024 from 03-strides-big.csv)'
set logscale y 10
set format y '10^{%L}'
set ylabel 'ns per product (median, bars p25-p75)'
set key top left
files = csv('03-strides')
big = csv('03-strides-big')
if (system('test -r '.big.' && echo yes') eq 'yes') { files = files.' '.big }
set datafile missing 'NaN'
shift(v) = v eq 'matmul-by-column' ? -0.06 : 0.06
plot for [v in 'matmul-by-column matmul-transposed-copy'] '< cat '.files \
	using (is(v) ? slot(column(4)) + shift(v) : NaN):(only(v, 9)):(only(v, 8)):(only(v, 10)) \
	with yerrorbars title v
