# The same job on different fabrics, each metric relative to the first configuration (= 1).
# Data: metric_label  value_cfg1 .. value_cfgN (relative).  Set by the header: data, n, titles, colors, ptitle.
set title ptitle noenhanced
set ylabel 'relative to the first configuration (lower is better)'
set grid ytics lc rgb '#dddddd'
set key top right box opaque noenhanced
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [0.01:10]
set format y '%g'
set xtics noenhanced rotate by -15
plot for [i=1:n] data using (column(i+1)):xtic(1) lc rgb word(colors, i) title word(titles, i)
