# 05-python-buffers-time.gp - time per operation against size, every variant.
# A bytes slice is a photocopy, so its cost grows with the size; a memoryview
# slice is the same few objects at any size. Median points, p25-p75 bars.
f = csv('05-python-buffers')
set title heading("Slicing bytes copies, so it grows; a memoryview slice does not")
set ylabel 'time per operation (ns, median; bars p25-p75)'
set logscale y 10
set format y '10^{%T}'
set key top left
set offsets graph 0.03, graph 0.03, 0, 0
@mark_knees
plot f using 3:(only('bytes-slice', 9)):(only('bytes-slice', 8)):(only('bytes-slice', 10)) \
	with yerrorlines lt 2 title 'bytes-slice (copy half)', \
     f using 3:(only('memoryview-slice', 9)):(only('memoryview-slice', 8)):(only('memoryview-slice', 10)) \
	with yerrorlines lt 1 title 'memoryview-slice (view of half)', \
     f using 3:(only('bytes-slice+sum', 9)):(only('bytes-slice+sum', 8)):(only('bytes-slice+sum', 10)) \
	with yerrorlines lt 4 title 'bytes-slice+sum', \
     f using 3:(only('memoryview-slice+sum', 9)):(only('memoryview-slice+sum', 8)):(only('memoryview-slice+sum', 10)) \
	with yerrorlines lt 3 title 'memoryview-slice+sum'
