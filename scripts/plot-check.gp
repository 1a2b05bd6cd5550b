# plot-check.gp - `pagesim check --plot`: two policies' fault rates against
# memory size, each mean with its 95% confidence interval (error bars and a
# band), for one requirement on one trace.
#
# Set before this file (and plot-style.gp): datafile; title_text; name_a,
# name_b (the policies); page_label. The .dat columns are frames, bytes,
# then mean, low and high fault rate of policy a, then of policy b.

set title title_text noenhanced
set xlabel 'memory size (frames × '.page_label.' pages; log scale)'
set ylabel 'fault rate (faults per reference)'
set logscale x 2
set format x '%g'
set yrange [0:*]
set offsets graph 0.03, graph 0.03, 0, 0
set key inside top right

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot datafile using 1:4:5 with filledcurves lt 1 notitle, \
	     datafile using 1:3:4:5 with yerrorlines lt 1 title name_a noenhanced, \
	     datafile using 1:7:8 with filledcurves lt 2 notitle, \
	     datafile using 1:6:7:8 with yerrorlines lt 2 title name_b noenhanced
	unset output
}
