# What does one item cost, read through a view with a larger and larger stride?
set title heading('Past 64 B every item costs a cache line; past 4 KiB, a page too')
set xtics ('8 B' 8, '16 B' 16, '32 B' 32, '64 B' 64, '128 B' 128, '256 B' 256, \
           '512 B' 512, '1 KiB' 1024, '2 KiB' 2048, '4 KiB' 4096, '8 KiB' 8192) rotate by 30 right
set xlabel 'stride: bytes from one 8-byte item to the next (256 MiB walked)'
set logscale y 2
set ylabel 'ns per item (median, bars p25-p75)'
set key bottom right
set arrow from 64, graph 0 to 64, graph 1 nohead dt 3 lw 2 lc rgb '#777777' front
set arrow from 4096, graph 0 to 4096, graph 1 nohead dt 3 lw 2 lc rgb '#777777' front
set label 'a cache line (64 B)' at 64, graph 0.95 offset 0.5, 0 font ',20' tc rgb '#555555'
set label 'a page (4 KiB)' at 4096, graph 0.95 right offset -0.5, 0 font ',20' tc rgb '#555555'
file = csv('03-strides')
plot file using (is('stride') ? column(PARAM) : NaN):(only('stride', MEDIAN_NS)):(only('stride', P25_NS)):(only('stride', P75_NS)) \
	with yerrorlines title 'summing 8-byte items through a strided view'
