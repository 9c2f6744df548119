# One curve per data block (index i-1), e.g. time or bandwidth against size or GPU count.
# Set by the header: data, n, titles, colors, dashes, widths, points (one word per series),
# ptitle, xlabel, ylabel, logx / logy (0 = linear, else the log base), xfmt, yfmt (tic formats),
# keypos, and optionally extra (gnuplot statements run before plotting).
set title ptitle noenhanced
set xlabel xlabel
set ylabel ylabel
set grid xtics ytics mxtics mytics lc rgb '#dddddd'
eval sprintf('set key %s box opaque noenhanced', keypos)
set datafile separator whitespace
if (logx > 0) { set logscale x logx }
if (logy > 0) { set logscale y logy }
set format x xfmt
set format y yfmt
if (exists("extra")) { eval extra }
plot for [i=1:n] data index (i-1) using 1:2 with linespoints \
     lc rgb word(colors, i) dt int(word(dashes, i)) lw real(word(widths, i)) pt int(word(points, i)) ps 0.8 \
     title word(titles, i)
