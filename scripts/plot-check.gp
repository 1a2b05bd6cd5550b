# plot-check.gp - `pagesim check --plot`: two policies' fault rates against
# memory size, each mean with its 95% confidence interval (error bars and a
# band), for one requirement on one trace.
#
# Set before this file (and plot-style.gp): datafile; title_text; name_a,
# name_b (the policies); page_label. The .dat columns are frames, bytes,
# then mean, low and high fault rate of policy a, then of policy b.

set title title_text noenhanced
# x is the memory size in bytes, labelled in KiB, MiB, ... as in the other
# graphs; y is linear, from 0.
set xlabel 'memory size (frames × '.page_label.' pages; log scale)'
set ylabel 'fault rate (faults per reference; linear scale)'
set logscale x 2
size_label(b) = b >= 2**30 ? sprintf('%g GiB', b / 2.0**30) : b >= 2**20 ? sprintf('%g MiB', b / 2.0**20) : \
    b >= 1024 ? sprintf('%g KiB', b / 1024.0) : sprintf('%g B', b)
stats datafile using 2 nooutput
set xtics ()
do for [k=int(floor(log(STATS_min) / log(2) + 1e-9)):int(ceil(log(STATS_max) / log(2) - 1e-9))] {
	set xtics add (size_label(2.0**k) 2.0**k)
}
set yrange [0:*]
set offsets graph 0.03, graph 0.03, 0, 0
set key inside top right

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot datafile using 2:4:5 with filledcurves lt 1 notitle, \
	     datafile using 2:3:4:5 with yerrorlines lt 1 title name_a noenhanced, \
	     datafile using 2:7:8 with filledcurves lt 2 notitle, \
	     datafile using 2:6:7:8 with yerrorlines lt 2 title name_b noenhanced
	unset output
}
