# 05-python-buffers-memory.gp - extra resident memory against size.
# The "extra paper": resident growth while one result is alive. A bytes
# slice needs half the size again; a memoryview slice needs a few hundred
# bytes of objects, below the 4 KiB resolution of the count, so it reads 0,
# or now and then one or two pages that do not grow with the size.
f = csv('05-python-buffers')
set xlabel 'size of the bytes object (each slice is half of it)'
set title heading("A bytes slice needs half the size again; a memoryview slice needs none that grows")
set ylabel 'extra resident memory (bytes)'
set logscale y 2
set yrange [1024:*]
set ytics ('1 KiB' 1024, '16 KiB' 16384, '256 KiB' 262144, '4 MiB' 4194304, \
           '64 MiB' 67108864, '1 GiB' 1073741824)
set key top left
set offsets graph 0.03, graph 0.03, 0, 0
# The count moves in whole 4 KiB pages, and now and then a page or two of
# Python's own bookkeeping lands in it: anything in the grey band (up to two
# pages) is that resolution, not the slice (the view at 64 B, for one).
set object 1 rect from graph 0, first 1024 to graph 1, first 8192 behind \
	fc rgb '#e8e8e8' fs solid noborder
set label 1 'up to 2 pages: the resolution of the count, not the slice' \
	at graph 0.98, first 5500 right front font ',20' tc rgb '#444444'
# log axes cannot show 0: a variant that needed no memory is drawn at 1 KiB.
shown(v) = v < 1024 ? 1024 : v
plot f using SIZE_BYTES:(shown(only('bytes-slice', EXTRA_BYTES))) with linespoints lt 2 title 'bytes-slice', \
     f using SIZE_BYTES:(shown(only('memoryview-slice', EXTRA_BYTES))) with linespoints lt 1 title 'memoryview-slice (0 drawn at 1 KiB)', \
     f using SIZE_BYTES:(column(SIZE_BYTES) / 2) with lines lt 8 title 'half the size (what the slice holds)'
