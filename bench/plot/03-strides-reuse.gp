# A view read k times, or packed once and the copy read k times: which is faster?
# The CSV's param is "k=K;stride=S". The ratio walk-view / pack-then-walk is
# gathered into a datablock per stride; above 1 the copy wins.
set title heading('Read a sparse view more than once, and packing it pays')
unset logscale x
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64) norotate
set xlabel 'k: how many times the 32 Ki items are read'
set logscale y 2
set ylabel 'walk-view / pack-then-walk (above 1: copy wins)'
set key top left
set yrange [0.25:32]	# room above the data for the key
file = csv('03-strides')
strides = '8 64 512 4096'
array W[260]; array W25[260]; array W75[260]
array P[260]; array P25[260]; array P75[260]
do for [i = 1:260] { W[i] = NaN; P[i] = NaN; W25[i] = NaN; W75[i] = NaN; P25[i] = NaN; P75[i] = NaN }
isreuse(s) = strstrt(s, 'k=') == 1
kof(s) = int(substr(s, 3, strstrt(s, ';') - 1))
sof(s) = int(substr(s, strstrt(s, 'stride=') + 7, strlen(s)))
sidx(st) = st == 8 ? 0 : st == 64 ? 1 : st == 512 ? 2 : st == 4096 ? 3 : -1
slot(s) = sidx(sof(s)) * 65 + kof(s) + 1
keep(s) = isreuse(s) && sidx(sof(s)) >= 0 && kof(s) <= 64
set table $discard
plot file using (keep(strcol(PARAM)) && is('walk-view') ? \
		(W[slot(strcol(PARAM))] = column(MEDIAN_NS), W25[slot(strcol(PARAM))] = column(P25_NS), W75[slot(strcol(PARAM))] = column(P75_NS)) : \
	keep(strcol(PARAM)) && is('pack-then-walk') ? \
		(P[slot(strcol(PARAM))] = column(MEDIAN_NS), P25[slot(strcol(PARAM))] = column(P25_NS), P75[slot(strcol(PARAM))] = column(P75_NS)) : 0):(0) with table
unset table
# One block per stride: k, ratio of medians, and a range from the quartiles.
# The key says what the quartiles decide, not the medians alone: the copy
# "wins" at k only where walk-view's p25 is above pack-then-walk's p75 (and
# the view where the reverse holds); where the two ranges overlap, neither.
array cross[4]; array lost[4]; array viewwins[4]; array points[4]
set print $R
do for [s = 0:3] {
	cross[s + 1] = 0; lost[s + 1] = 0; viewwins[s + 1] = 0; points[s + 1] = 0
	do for [k = 1:64] {
		i = s * 65 + k + 1
		if (W[i] == W[i] && P[i] == P[i]) {
			print sprintf('%d,%g,%g,%g', k, W[i] / P[i], W25[i] / P75[i], W75[i] / P25[i])
			points[s + 1] = points[s + 1] + 1
			if (W75[i] < P25[i]) { viewwins[s + 1] = viewwins[s + 1] + 1 }
			if (cross[s + 1] == 0 && W25[i] > P75[i]) { cross[s + 1] = k }
			if (cross[s + 1] > 0 && lost[s + 1] == 0 && W75[i] < P25[i]) { lost[s + 1] = k }
		}
	}
	print ''
	print ''
}
unset print
crossing(s) = cross[s + 1] > 0 ? \
	(lost[s + 1] > 0 ? sprintf('copy ahead from k = %d, the view again at k = %d', \
	                           cross[s + 1], lost[s + 1]) \
	                 : sprintf('copy wins from k = %d', cross[s + 1])) : \
	viewwins[s + 1] == points[s + 1] ? 'the view won at every k' : 'no clear winner'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 3 lw 2 lc rgb '#777777'
plot for [s = 0:3] $R index s using 1:2:3:4 with yerrorlines \
	title sprintf('stride %s B: %s', word(strides, s + 1), crossing(s))
