# 05-python-buffers-time.gp - time per operation against size, every variant.
# A bytes slice is a photocopy, so its cost grows with the size; a memoryview
# slice is the same few objects at any size. Median points, p25-p75 bars.
f = csv('05-python-buffers')
set xlabel 'size of the bytes object (each slice is half of it)'
set title heading("Slicing bytes copies, so it grows; a memoryview slice does not")
set ylabel 'time per operation (ns, median; bars p25-p75)'
set logscale y 10
set format y '10^{%T}'
set key top left
set offsets graph 0.03, graph 0.03, 0, 0
plot f using SIZE_BYTES:(only('bytes-slice', MEDIAN_NS)):(only('bytes-slice', P25_NS)):(only('bytes-slice', P75_NS)) \
	with yerrorlines lt 2 title 'bytes-slice (copy half)', \
     f using SIZE_BYTES:(only('memoryview-slice', MEDIAN_NS)):(only('memoryview-slice', P25_NS)):(only('memoryview-slice', P75_NS)) \
	with yerrorlines lt 1 title 'memoryview-slice (view of half)', \
     f using SIZE_BYTES:(only('bytes-slice+sum', MEDIAN_NS)):(only('bytes-slice+sum', P25_NS)):(only('bytes-slice+sum', P75_NS)) \
	with yerrorlines lt 4 title 'bytes-slice+sum', \
     f using SIZE_BYTES:(only('memoryview-slice+sum', MEDIAN_NS)):(only('memoryview-slice+sum', P25_NS)):(only('memoryview-slice+sum', P75_NS)) \
	with yerrorlines lt 3 title 'memoryview-slice+sum'
