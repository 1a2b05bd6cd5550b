# plot-ws-curve.gp - Denning's working-set curves from `pagesim ws
# --output csv`: the mean working-set size s(T) (left axis) and the fault
# rate f(T) of the working-set policy (right axis, log scale) against the
# window T (log scale).
#
# Set before this file (and plot-style.gp): datafile (the CSV: trace, tau,
# refs, mean_ws, faults, fault_rate); title_text.

set datafile separator ','
set title title_text noenhanced
set xlabel 'window T (references; log scale)'
set ylabel 'mean working-set size s(T) (pages; linear scale)'
set y2label 'fault rate f(T) (faults per reference; log scale)'
set logscale x 2
set logscale y2 10
set yrange [0:*]
set ytics nomirror
set y2tics
set key inside top center

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot datafile using 2:4 every ::1 with linespoints lt 1 title 'mean working-set size s(T)', \
	     datafile using 2:($6 > 0 ? $6 : NaN) every ::1 axes x1y2 with linespoints lt 4 title 'fault rate f(T)'
	unset output
}
