# plot-dirty.gp - dirty write-backs (evictions of dirty pages, each one a
# page written to swap) against memory size, one line per policy, for one
# trace at one page size (a `pagesim plot` template).
#
# Set before this file: the same variables as plot-fault-rate.gp; the .dat
# columns are frames, bytes, mean, min, max, runs of dirty_evictions.

set title 'Dirty write-backs vs memory size: '.trace_label.' ('.page_label.' pages)'. \
    (spread ? "\nline: mean over seeds; band: min to max" : '') noenhanced
set xlabel 'memory size (frames × '.page_label.' pages; log scale)'
set ylabel 'dirty write-backs (pages written to swap'.(logy ? '; log scale)' : ')')
set logscale x 2
set xrange [xmin:xmax]
set xtics ()
do for [k=1:|xtic_pos|] { set xtics add (xtic_label[k] xtic_pos[k]) }
if (|xtic_pos| > 9) { set xtics rotate by -35 }
if (logy) { set logscale y 10; set format y '%g'; set grid mytics } else { set yrange [0:*]; set format y '%.0f' }

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot for [i=1:|policy|] datafile index (i-1) using 1:4:5 with filledcurves lt ltype[i] notitle, \
	     for [i=1:|policy|] datafile index (i-1) using 1:3 with linespoints lt ltype[i] title policy[i] noenhanced
	unset output
}
