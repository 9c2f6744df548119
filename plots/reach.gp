# Reach of each medium against the lane rate (steps from the media table), and each tier's
# longest cable at its lane rate.  Media blocks: lane_Gbps reach_m; the last block: lane_Gbps cable_m "label".
# Set by the header: data, n (media blocks), titles, colors, ptitle.
set title ptitle noenhanced
set xlabel "lane rate (Gb/s per lane)\n(media points are shifted sideways by up to 6 % so that equal reaches stay visible)"
set ylabel 'reach / cable length (m)'
set grid xtics ytics lc rgb '#dddddd'
set key top left box opaque noenhanced
set logscale y 10
set logscale x 2
set xrange [20:400]
set yrange [0.3:3000]
set format y '%g'
plot for [i=1:n] data index (i-1) using 1:2 with linespoints lc rgb word(colors, i) lw 2 pt 5 title word(titles, i), \
     data index n using 1:2 with points lc rgb '#000000' pt 9 ps 1.6 title 'tier cable (longest)', \
     data index n using 1:2:3 with labels right offset -1,0.7 font ',9' noenhanced notitle
