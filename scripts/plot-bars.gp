# plot-bars.gp - every policy's fault rate at one memory size, one bar per
# policy, for one trace at one page size (a `pagesim plot` template).
#
# Set before this file (by the generated script):
#   datafile              the .dat file: one row per policy, columns
#                         x, mean, min, max, runs, mean faults
#   trace_name, trace_label, page_label, policy[i], ltype[i], spread  as in plot-fault-rate.gp
#   bar_frames, bar_label  the memory size: frame count and '256 KiB'
#   ymin, ymax            the y range
#   logy                  1: logarithmic y axis (fault rates over a wide range)
#   yfmt                  the y tick format on a linear axis (enough decimals)

set title 'Fault rate at '.bar_label.' ('.sprintf('%d', bar_frames).' frames × '.page_label.' pages): '.trace_label. \
    (spread ? "\nbar: mean over seeds; whiskers: min to max" : '') noenhanced
set xlabel 'policy'
set ylabel 'fault rate (faults per reference'.(logy ? '; log scale)' : ')')
set xrange [-0.6:|policy|-0.4]
# With more than 10 bars the values stand upright above them, so they never
# run into each other; the y range grows to leave them room.
upright = |policy| > 10
if (upright) { ymax = logy ? ymax * 4 : ymax * 1.25 }
set yrange [ymin:ymax]
if (logy) { set logscale y 10; set format y '%g'; set grid mytics } else { set format y yfmt }
set xtics () scale 0 noenhanced
do for [i=1:|policy|] { set xtics add (policy[i] i-1) }
if (|policy| > 7) { set xtics rotate by 30 right }
value_font = (|policy| > 7) ? ',9' : ',10'
set grid noxtics ytics
set key off
set style fill solid 0.85 border lc rgb '#404040'
set boxwidth 0.7

# The bars and their whiskers (min to max over seeds), then the values.
bars = "datafile using 1:2:(0.7):(ltype[int($1)+1]) with boxes lc variable notitle, " . \
       "for [col=3:4] datafile using ($1-0.08):($4 > $3 ? column(col) : NaN):(0.16):(0) " . \
       "with vectors nohead lc rgb '#202020' dt solid lw 1.2 notitle, " . \
       "datafile using 1:($4 > $3 ? $3 : NaN):(0):($4-$3) with vectors nohead lc rgb '#202020' dt solid lw 1.2 notitle"
values = "datafile using 1:4:(sprintf('%.3g', $2)) with labels"
value_style = "font value_font textcolor rgb '#202020' notitle"

do for [fmt in formats] {
	if (fmt eq 'svg') { eval('set terminal '.term_svg) } else { eval('set terminal '.term_png) }
	set output outbase.'.'.fmt
	if (upright) {
		plot @bars, @values left rotate by 90 offset 0,0.5 @value_style
	} else {
		plot @bars, @values offset 0,0.8 @value_style
	}
	unset output
}
