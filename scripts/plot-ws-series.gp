# plot-ws-series.gp - the working-set size w(t, T) over time, one line
# per window T, from `pagesim ws --series FILE` (columns: t, then tau=T
# for each window; the header names the lines).
#
# Set before this file (and plot-style.gp): datafile (the CSV); ncols
# (its number of columns); title_text.

set datafile separator ','
set title title_text noenhanced
set xlabel 'virtual time t (references; linear scale)'
set ylabel 'working-set size w(t, T) (pages; linear scale)'
set yrange [0:*]
set key outside right top

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	plot for [i=2:ncols] datafile using 1:i with lines lt (i - 1) title columnheader(i)
	unset output
}
