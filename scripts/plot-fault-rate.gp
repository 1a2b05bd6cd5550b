# plot-fault-rate.gp - fault rate against memory size, one line per policy,
# for one trace at one page size (a `pagesim plot` template).
#
# Set before this file (by the generated script):
#   datafile              the .dat file: one block per policy (index 0, 1, ...),
#                         columns frames, bytes, mean, min, max, runs
#   trace_name, page_label  the trace as named in results.csv; '4 KiB'
#   trace_label           trace_name, or '...' and its tail when it is long
#   policy[i], ltype[i]   the policy of block i-1 and its linetype
#   xtic_pos[k], xtic_label[k]  frame counts and their memory sizes ('1 MiB')
#   xmin, xmax            the x range (frames, log2 axis)
#   logy                  1: logarithmic y axis (every value positive, wide range)
#   spread                1: some policy was run with several seeds; the line is
#                         the mean and a shaded band spans min..max

set title 'Fault rate vs memory size: '.trace_label.' ('.page_label.' pages)'. \
    (spread ? "\nline: mean over seeds; band: min to max" : '') noenhanced
set xlabel 'memory size (frames × '.page_label.' pages; log scale)'
set ylabel 'fault rate (faults per reference'.(logy ? '; log scale)' : ')')
set logscale x 2
set xrange [xmin:xmax]
set xtics ()
do for [k=1:|xtic_pos|] { set xtics add (xtic_label[k] xtic_pos[k]) }
if (|xtic_pos| > 9) { set xtics rotate by -35 }
if (logy) { set logscale y 10; set format y '%g'; set grid mytics } else { set yrange [0:*]; set format y '%g' }

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot for [i=1:|policy|] datafile index (i-1) using 1:4:5 with filledcurves lt ltype[i] notitle, \
	     for [i=1:|policy|] datafile index (i-1) using 1:3 with linespoints lt ltype[i] title policy[i] noenhanced
	unset output
}
