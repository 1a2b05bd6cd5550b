# plot-vs-opt.gp - each policy's faults divided by OPT's (Belady's MIN)
# faults at the same memory size, against memory size, for one trace at one
# page size (a `pagesim plot` template). 1 is optimal; 2 means twice as
# many faults as the best possible policy.
#
# Set before this file: the same variables as plot-fault-rate.gp (policy[]
# lists every policy but opt), plus
#   opt_ltype             the linetype of opt (drawn as the line y = 1)
#   ymin, ymax            the y range
#   logy                  1: logarithmic y axis (ratios spanning 20x or more)
# The .dat columns are frames, bytes, mean ratio, min ratio, max ratio,
# runs, mean faults, opt faults.

set title 'Faults relative to OPT: '.trace_label.' ('.page_label.' pages)'. \
    (spread ? "\nline: mean over seeds; band: min to max" : '') noenhanced
set xlabel 'memory size (frames × '.page_label.' pages; log scale)'
set ylabel 'faults / OPT faults (1 = optimal'.(logy ? '; log scale)' : ')')
set logscale x 2
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set xtics ()
do for [k=1:|xtic_pos|] { set xtics add (xtic_label[k] xtic_pos[k]) }
if (|xtic_pos| > 9) { set xtics rotate by -35 }
set format y '%g'
if (logy) { set logscale y 10; set grid mytics }

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot 1 with lines lt opt_ltype dt (8,5) lw 1.5 title 'opt (= 1)', \
	     for [i=1:|policy|] datafile index (i-1) using 1:4:5 with filledcurves lt ltype[i] notitle, \
	     for [i=1:|policy|] datafile index (i-1) using 1:3 with linespoints lt ltype[i] title policy[i] noenhanced
	unset output
}
