# 04-mmap-faults.gp - how many page faults does reading 1 MiB through a
# mapping take?
#
# Minor faults per MiB of file (the harness's faults per operation divided
# by the size in MiB), for every way that maps. read takes none: its buffer
# is touched before timing, and the page cache pages are never mapped. The
# dashed line is one fault per 4 KiB page, what a mapping would cost if
# the kernel mapped a single page per fault. Faults counted during cold runs
# include the ones that waited for the disk only when minor.

data = csv('04-mmap')
per_mib(v) = is(v) ? column(MINFLT) / (column(SIZE_BYTES) / 1048576.0) : NaN

set xlabel 'size of the file'
set title heading('mmap pays in page faults, but the kernel maps many pages per fault')
set ylabel 'minor faults per MiB read'
set logscale y 10
set yrange [1:100000]	# the decades above the data hold the key
set offsets graph 0.03, graph 0.03, 0, 0
set key top right
set arrow from graph 0, first 256 to graph 1, first 256 nohead dt 2 lw 2 lc rgb '#777777'
set label 'one fault per 4 KiB page' at graph 0.02, first 256 offset 0, 0.8 tc rgb '#555555'

plot data using SIZE_BYTES:(per_mib('mmap')) with linespoints lt 1 title 'mmap', \
     '' using SIZE_BYTES:(per_mib('mmap-populate')) with linespoints lt 3 title 'mmap POPULATE (in mmap itself)', \
     '' using SIZE_BYTES:(per_mib('mmap-sequential')) with linespoints lt 4 title 'mmap SEQUENTIAL', \
     '' using SIZE_BYTES:(per_mib('mmap-random')) with linespoints lt 5 title 'mmap, random blocks', \
     '' using SIZE_BYTES:(per_mib('mmap-cold')) with linespoints lt 2 title 'mmap, cold'
