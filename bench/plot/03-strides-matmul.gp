# Multiply two N x N matrices: walk B by column, or copy B transposed first?
# One operation in the CSV is a band of rows of C (param "N=1024;rows=32");
# a whole product is N / rows bands, so the time of one is the band's
# median times N / rows (bench/03-strides.c says why that is fair).
# One slot per N: 1000 and 1024 are close in size, far apart in behaviour,
# and must not sit on top of each other.
unset logscale x
set xtics ('256' 0, '512' 1, '1000' 2, '1024' 3) norotate
set xrange [-0.5:3.5]
nof(s) = int(substr(s, 3, strstrt(s, ';') - 1))
rowsof(s) = int(substr(s, strstrt(s, 'rows=') + 5, strlen(s)))
slot(n) = n == 256 ? 0 : n == 512 ? 1 : n == 1000 ? 2 : n == 1024 ? 3 : NaN
whole(col) = column(col) * nof(strcol(PARAM)) / rowsof(strcol(PARAM)) / 1e6
# The title follows the results: did the transposed copy ever lose, and where
# did it win most?
array BC[4]; array TC[4]
do for [i = 1:4] { BC[i] = NaN; TC[i] = NaN }
stats csv('03-strides') using (is('matmul-by-column') && strstrt(strcol(PARAM), 'N=') == 1 ? \
		(BC[slot(nof(strcol(PARAM))) + 1] = column(MEDIAN_NS), 0) : \
	is('matmul-transposed-copy') && strstrt(strcol(PARAM), 'N=') == 1 ? \
		(TC[slot(nof(strcol(PARAM))) + 1] = column(MEDIAN_NS), 0) : 0) nooutput
lost = 0; best = 0; bestn = ''
do for [i = 1:4] {
	if (BC[i] == BC[i] && TC[i] == TC[i]) {
		if (TC[i] > BC[i]) { lost = lost + 1 }
		if (BC[i] / TC[i] > best) { best = BC[i] / TC[i]; bestn = word('256 512 1000 1024', i) }
	}
}
set title heading(lost == 0 ? \
	sprintf('The transposed copy never lost; it won most at N = %s (%.1fx)', bestn, best) : \
	sprintf('The transposed copy lost at %d of the sizes here; it won most at N = %s', lost, bestn))
set xlabel 'N (N x N doubles); timed a band of rows at a time, scaled by N / rows'
set logscale y 10
set ylabel 'ms per product (median, bars p25-p75)'
set key top left
set datafile missing 'NaN'
shift(v) = v eq 'matmul-by-column' ? -0.06 : 0.06
matmul(v) = is(v) && strstrt(strcol(PARAM), 'N=') == 1
plot for [v in 'matmul-by-column matmul-transposed-copy'] csv('03-strides') \
	using (matmul(v) ? slot(nof(strcol(PARAM))) + shift(v) : NaN):(matmul(v) ? whole(MEDIAN_NS) : NaN):(matmul(v) ? whole(P25_NS) : NaN):(matmul(v) ? whole(P75_NS) : NaN) \
	with yerrorbars title v
