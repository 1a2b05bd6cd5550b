# plot-style.gp - the look shared by every `pagesim plot` graph: terminals,
# colours, markers, grid and key. `pagesim plot` copies this file into each
# generated plots/*.gp script (after the settings it computes from the
# results), so edit a generated script to restyle one graph, or this
# template (or a copy under $PAGESIM_TEMPLATES) to restyle them all.
#
# Variables set before this file: outbase (image name without extension),
# formats ('png', 'svg' or 'png svg'); see the plot-*.gp templates for the rest.

set encoding utf8

# Terminals: the images are drawn once per word of `formats`.
term_png = 'pngcairo noenhanced truecolor size 1000,600 font "DejaVu Sans,11" linewidth 1.2'
term_svg = 'svg noenhanced dynamic size 1000,600 font "DejaVu Sans,11" linewidth 1.2 background "white"'

# One colour and marker per policy, the same in every graph of one results
# set: policies are numbered 1, 2, ... in the order they first appear in
# results.csv (opt skipped), and opt, the yardstick, is always linetype 21,
# black. Twenty linetypes, so the 15 built-in policies besides opt (and five
# plug-ins) never share one: no two share a colour, and no two share both
# marker and dash pattern, so they stay apart in greyscale print too. Colour-blind safe colours (Okabe-Ito, then
# Paul Tol's). Some linetypes are dashed with hollow markers, so a policy
# that behaves exactly like another (second-chance and clock) still shows
# on top of it.
set linetype 1 lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 1.1
set linetype 2 lc rgb '#E69F00' lw 2 dt 1 pt 5 ps 1.0
set linetype 3 lc rgb '#009E73' lw 2 dt 1 pt 9 ps 1.3
set linetype 4 lc rgb '#D55E00' lw 2 dt (6,4) pt 6 ps 1.8
set linetype 5 lc rgb '#CC79A7' lw 2 dt 1 pt 13 ps 1.4
set linetype 6 lc rgb '#56B4E9' lw 2 dt 1 pt 15 ps 1.3
set linetype 7 lc rgb '#882255' lw 2 dt (6,4) pt 12 ps 1.6
set linetype 8 lc rgb '#8C6D31' lw 2 dt 1 pt 11 ps 1.3
set linetype 9 lc rgb '#332288' lw 2 dt 1 pt 4 ps 1.3
set linetype 10 lc rgb '#44AA99' lw 2 dt (2,3) pt 8 ps 1.5
set linetype 11 lc rgb '#999933' lw 2 dt 1 pt 14 ps 1.5
set linetype 12 lc rgb '#7F7F7F' lw 2 dt (6,4) pt 10 ps 1.5
set linetype 13 lc rgb '#117733' lw 2 dt (2,3) pt 7 ps 1.1
set linetype 14 lc rgb '#AA4499' lw 2 dt (6,4) pt 5 ps 1.0
set linetype 15 lc rgb '#88CCEE' lw 2 dt (2,3) pt 9 ps 1.3
set linetype 16 lc rgb '#DDCC77' lw 2 dt (6,4) pt 13 ps 1.4
set linetype 17 lc rgb '#661100' lw 2 dt (2,3) pt 15 ps 1.3
set linetype 18 lc rgb '#6699CC' lw 2 dt (8,3,2,3) pt 11 ps 1.3
set linetype 19 lc rgb '#EE3377' lw 2 dt (8,3,2,3) pt 4 ps 1.3
set linetype 20 lc rgb '#555555' lw 2 dt (2,3) pt 6 ps 1.8
set linetype 21 lc rgb '#000000' lw 2 dt 1 pt 3 ps 1.3
set linetype cycle 21

set border 3 lc rgb '#404040'
set tics nomirror out scale 0.6 textcolor rgb '#202020'
set grid xtics ytics lc rgb '#d8d8d8' lw 1 dt 1
set key outside right top vertical Left reverse noenhanced samplen 3 spacing 1.3 box lc rgb '#c0c0c0'
set title font ',13' noenhanced
set xlabel noenhanced
set ylabel noenhanced
set style fill transparent solid 0.18 noborder
