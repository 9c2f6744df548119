# Median latency per series with its p99 as a shaded band above it.
# Data blocks: size  median_us  p99_us.  Set by the header: data, n, titles, colors, ptitle, xlabel, ylabel.
set title ptitle noenhanced
set xlabel xlabel
set ylabel ylabel
set grid xtics ytics lc rgb '#dddddd'
set key top left box opaque noenhanced
set logscale x 2
set logscale y 10
set format x '%.0b%B'
set format y '%g'
set style fill transparent solid 0.18 noborder
plot for [i=1:n] data index (i-1) using 1:2:3 with filledcurves lc rgb word(colors, i) notitle, \
     for [i=1:n] data index (i-1) using 1:2 with linespoints lc rgb word(colors, i) lw 2 pt 7 ps 0.6 \
         title word(titles, i).' (p50; band to p99)'
