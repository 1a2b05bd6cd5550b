#!/usr/bin/env bash
# e2e-plot.sh - `pagesim plot` end to end: a results directory whose path
# has spaces and quotes, built from real `pagesim run --output csv` rows
# (every policy, several memory sizes, random with two seeds, a trace whose
# name needs CSV quoting); every image, data file and script it must write;
# and its errors (missing directory, malformed CSV, no gnuplot).
. "$(dirname "$0")/lib.sh"

# The templates of this source tree, wherever the build tree is.
: "${PAGESIM_TEMPLATES:=$TRACES/../scripts}"
export PAGESIM_TEMPLATES

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "SKIP: gnuplot is not installed (Debian: gnuplot-nox)"
	exit 77
fi

dir="$work/my results 'q\" dir"
plots="$dir/plots"
mkdir -p "$dir" "$work/odd traces"
odd="$work/odd traces/it's, \"odd\"_name.pages"
cp "$TRACES/silberschatz.pages" "$odd"

# Trace 1: a real program, every policy, six memory sizes, random with seeds 1 and 2.
"$PAGESIM" run "$TRACES/sort.lackey.zst" --policy all --frames 8..256 --seed 1 --output csv >"$dir/results.csv"
"$PAGESIM" run "$TRACES/sort.lackey.zst" --policy random --frames 8..256 --seed 2 --output csv |
	tail -n +2 >>"$dir/results.csv"
# Trace 2: a name with a comma, quotes and an underscore (quoted in the CSV).
"$PAGESIM" run "$odd" --policy fifo,lru,opt --frames 2..4 --output csv | tail -n +2 >>"$dir/results.csv"
if grep -qF "\"$work/odd traces/it's, \"\"odd\"\"_name.pages\",fifo,2," "$dir/results.csv"; then ok "results.csv quotes the odd trace name"
else not_ok "results.csv quotes the odd trace name" "$(tail -n 3 "$dir/results.csv")"; fi

run_pagesim plot "$dir" --format both
if [ "$status" -eq 0 ] && [ -z "$err" ] && [[ "$out" == "8 graphs of 2 traces (16 images) in "* ]]; then
	ok "plot --format both exits 0 and says what it drew"
else
	not_ok "plot --format both" "status $status" "stdout: $out" "stderr: $err"
fi

# is_png FILE: nonempty and starts with the PNG signature.
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
# is_svg FILE: a whole SVG document.
is_svg() { [ -s "$1" ] && grep -q '<svg' "$1" && grep -q '</svg>' "$1"; }

for base in fault-rate-1-sort.lackey.zst vs-opt-1-sort.lackey.zst dirty-1-sort.lackey.zst bars-1-sort.lackey.zst \
	fault-rate-2-it_s_odd_name.pages vs-opt-2-it_s_odd_name.pages dirty-2-it_s_odd_name.pages \
	bars-2-it_s_odd_name.pages; do
	if is_png "$plots/$base.png"; then ok "$base.png is a PNG"; else not_ok "$base.png is a PNG" "$(ls -la "$plots")"; fi
	if is_svg "$plots/$base.svg"; then ok "$base.svg is an SVG"; else not_ok "$base.svg is an SVG"; fi
	if [ -s "$plots/$base.dat" ] && [ -s "$plots/$base.gp" ] && head -n 1 "$plots/$base.dat" | grep -q '^#'; then
		ok "$base.dat and $base.gp are written"
	else
		not_ok "$base.dat and $base.gp are written"
	fi
done
leftover=$(cd "$plots" && ls -A | grep -v -E '^(fault-rate|vs-opt|dirty|bars)-[12]-[A-Za-z0-9._-]+\.(png|svg|dat|gp)$')
if [ -z "$leftover" ] && [ "$(ls -A "$plots" | wc -l)" -eq 32 ]; then ok "nothing else in plots/ (no temporary files)"
else not_ok "nothing else in plots/" "$leftover"; fi

# The odd name reaches gnuplot as one single-quoted string, and titles are not enhanced text.
gp="$plots/fault-rate-2-it_s_odd_name.pages.gp"
if grep -qF "trace_name = '$work/odd traces/it''s, \"odd\"_name.pages'" "$gp" && grep -q 'noenhanced' "$gp"; then
	ok "trace names are escaped gnuplot strings"
else
	not_ok "trace names are escaped gnuplot strings" "$(grep -n trace_name "$gp")"
fi

# Random's two seeds are averaged: mean, min and max of its fault rate at 8 frames.
rates=$(awk -F, '$2 == "random" && $3 == 8 { print $12 }' "$dir/results.csv" | sort -n | tr '\n' ' ')
read -r lo hi <<<"$rates"
row=$(awk '/^# policy: random$/ { on = 1; next } /^# policy:/ { on = 0 } on && $1 == 8' \
	"$plots/fault-rate-1-sort.lackey.zst.dat")
read -r f _ mean min max runs <<<"$row"
want_mean=$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.7f", (a + b) / 2 }')
got_mean=$(awk -v m="$mean" 'BEGIN { printf "%.7f", m }')
if [ "$f" = 8 ] && [ "$runs" = 2 ] && [ "$min" = "$(awk -v x="$lo" 'BEGIN { print x + 0 }')" ] &&
	[ "$max" = "$(awk -v x="$hi" 'BEGIN { print x + 0 }')" ] && [ "$got_mean" = "$want_mean" ]; then
	ok "random's seeds averaged ($lo and $hi: mean $mean)"
else
	not_ok "random's seeds averaged" "fault rates: $rates" "dat row: $row"
fi

# The plots directory re-draws by hand.
rm -f "$plots/bars-1-sort.lackey.zst.png"
if (cd "$plots" && PATH=/usr/bin:/bin:$PATH gnuplot bars-1-sort.lackey.zst.gp) 2>"$work/gp-err" &&
	is_png "$plots/bars-1-sort.lackey.zst.png"; then
	ok "cd plots && gnuplot bars-1-sort.lackey.zst.gp re-draws"
else
	not_ok "cd plots && gnuplot bars-1-sort.lackey.zst.gp re-draws" "$(cat "$work/gp-err")"
fi

# --frames picks the bar charts' memory size; svg only.
run_pagesim plot "$dir" --format svg --frames 16
if [ "$status" -eq 0 ] && grep -q '^# fault_rate at 16 frames' "$plots/bars-1-sort.lackey.zst.dat" &&
	grep -q '64 KiB' "$plots/bars-1-sort.lackey.zst.svg"; then
	ok "--frames 16 draws the bars at 64 KiB"
else
	not_ok "--frames 16 draws the bars at 64 KiB" "status $status" "$err"
fi

# No opt rows: the relative-to-OPT graphs are skipped with a one-line note.
noopt="$work/no opt"
mkdir -p "$noopt"
"$PAGESIM" run "$TRACES/belady.pages" --policy fifo,lru --frames 3,4 --output csv >"$noopt/results.csv"
run_pagesim plot "$noopt"
if [ "$status" -eq 0 ] && [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] && [[ "$err" == *"no opt rows"* ]] &&
	is_png "$noopt/plots/fault-rate-1-belady.pages.png" && [ ! -e "$noopt/plots/vs-opt-1-belady.pages.png" ]; then
	ok "without opt rows: one note, no vs-opt graph"
else
	not_ok "without opt rows: one note, no vs-opt graph" "status $status" "stderr: $err"
fi

# Errors: one line on stderr, exit 2.
expect_error "missing results directory" "$work/nonexistent/results.csv: No such file or directory" \
	plot "$work/nonexistent"
bad="$work/bad csv"
mkdir -p "$bad"
{ head -n 2 "$dir/results.csv"; echo 'traces/x,fifo,"8,4096,1'; } >"$bad/results.csv"
expect_error "unterminated quote, with its line" "$bad/results.csv:3: unterminated quoted field" plot "$bad"
{ head -n 3 "$dir/results.csv"; echo 'traces/x,fifo,eight,4096,1,1,1,0,0,1,1,1.0,0,0,0,0,0,0,1,1000.000,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.000000,0.000,0.000,0'; } >"$bad/results.csv"
expect_error "bad number, with its line" "$bad/results.csv:4: field 'frames'" plot "$bad"
echo 'not,a,results,file' >"$bad/results.csv"
expect_error "not a results file" "$bad/results.csv:1: the header lacks column" plot "$bad"
expect_error "bad --format" "--format must be png, svg or both" plot "$dir" --format jpeg
expect_error "--frames not in the results" "no results at 12345 frames" plot "$dir" --frames 12345
expect_error "no directory given" "expected exactly one RESULTS_DIR" plot

# Every built-in policy on one graph (20 of them): each gets its own
# linetype, and the linetypes in use differ pairwise in colour and in
# (dash, marker), so they stay apart in greyscale too.
many="$work/many"
mkdir -p "$many"
"$PAGESIM" run "$TRACES/sort-1k.addr-rw" --policy all --frames 2..64 --output csv >"$many/results.csv"
run_pagesim plot "$many" --format svg
gp="$many/plots/fault-rate-1-sort-1k.addr-rw.gp"
used=$(sed -n 's/^array ltype\[\([0-9]*\)\] = \[\(.*\)\]$/\2/p' "$gp" | tr -d ' ')
npol=$(head -n 1 "$many/results.csv" >/dev/null; cut -d, -f2 "$many/results.csv" | sed 1d | sort -u | wc -l)
clash=$(awk -v used="$used" '
	BEGIN { n = split(used, u, ","); for (i = 1; i <= n; i++) { if (u[i] in seen) print "linetype " u[i] " twice"; seen[u[i]] = 1 } }
	/^set linetype [0-9]+ lc/ {
		if (!($3 in seen)) next
		dt = $0; sub(/.* dt /, "", dt); sub(/ pt .*/, "", dt)
		pt = $0; sub(/.* pt /, "", pt); sub(/ .*/, "", pt)
		if ($6 in colour) print "colour " $6 " of linetypes " colour[$6] " and " $3
		if ((dt, pt) in style) print "dash/marker " dt "/" pt " of linetypes " style[dt, pt] " and " $3
		colour[$6] = $3; style[dt, pt] = $3; found++
	}
	END { if (found != n) print found " of " n " linetypes defined" }' "$gp")
if [ "$status" -eq 0 ] && [ "$npol" -ge 16 ] && [ "$(tr ',' '\n' <<<"$used" | grep -c .)" -eq "$npol" ] &&
	[ -z "$clash" ]; then
	ok "$npol policies on one graph: distinct colours and dash/marker pairs"
else
	not_ok "$npol policies on one graph: distinct colours and dash/marker pairs" "status $status" "$clash" "ltype: $used"
fi
# --policies draws a subset, each policy keeping its linetype.
run_pagesim plot "$many" --format svg --policies lru,opt,ws
sub=$(sed -n 's/^array ltype\[[0-9]*\] = \[\(.*\)\]$/\1/p' "$gp" | tr -d ' ')
names=$(sed -n "s/^array policy\[[0-9]*\] = \[\(.*\)\]$/\1/p" "$gp")
if [ "$status" -eq 0 ] && [ "$sub" = "8,21,17" ] && [ "$names" = "'lru', 'opt', 'ws'" ]; then
	ok "--policies lru,opt,ws: three lines, linetypes as in the full graph"
else
	not_ok "--policies lru,opt,ws" "status $status" "ltype: $sub" "policy: $names" "$err"
fi
expect_error "--policies: unknown" "has no rows of policy \"lur\"" plot "$many" --policies lru,lur
expect_error "--policies: empty item" "--policies: empty item" plot "$many" --policies lru,

# No gnuplot on PATH (the binary runs by its absolute path).
PATH=/nonexistent "$PAGESIM" plot "$dir" >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 2 ] && [ ! -s "$work/out" ] && [ "$(grep -c . "$work/err")" -eq 1 ] &&
	grep -q '^pagesim: plot: gnuplot not found on PATH' "$work/err"; then
	ok "no gnuplot on PATH: one line, exit 2"
else
	not_ok "no gnuplot on PATH" "status $status" "stderr: $(cat "$work/err")"
fi

# Past the file-size limit (ulimit -f), gnuplot dies of SIGXFSZ and the
# sweep says so, though pagesim itself ignores the signal (an exec would
# keep that, and gnuplot would leave a cut image and exit 0).
printf 'output: %s/fsz\ntraces: [%s/belady.pages]\npolicies: [fifo, lru]\nframes: [1, 2, 3, 4]\n' \
	"$work" "$TRACES" >"$work/fsz.yaml"
(ulimit -f 8 && exec "$PAGESIM" sweep "$work/fsz.yaml" -j 1) >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "gnuplot was killed by signal 25" "$work/err"; then
	ok "a plot past the file-size limit is an error"
else
	not_ok "a plot past the file-size limit is an error" "status $status" "$(cat "$work/err")"
fi

finish
