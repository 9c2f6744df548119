# Measured (points), emulated (open points) and model (lines) times against size, with the
# model's error in percent on the right axis.  Data blocks: size  observed_us  model_us  error_pct.
# Set by the header: data, n, titles, colors, kinds ('measured'/'emulated' per block), ptitle.
set title ptitle noenhanced
set xlabel 'message size (bytes, per rank)'
set ylabel 'time per operation (us)'
set y2label 'model error (model - observed) / observed (%)'
set grid xtics ytics lc rgb '#dddddd'
set key top left box opaque noenhanced
set logscale x 2
set logscale y 10
set format x '%.0b%B'
set ytics nomirror
set y2tics
set autoscale y2
set y2zeroaxis lt 0
plot for [i=1:n] data index (i-1) using 1:2 with points lc rgb word(colors, i) \
         pt (word(kinds, i) eq 'emulated' ? 6 : 7) ps 1.0 title word(titles, i).' '.word(kinds, i), \
     for [i=1:n] data index (i-1) using 1:3 with lines lc rgb word(colors, i) lw 2 title word(titles, i).' model', \
     for [i=1:n] data index (i-1) using 1:4 axes x1y2 with linespoints lc rgb word(colors, i) dt 3 pt 1 \
         title word(titles, i).' error'
