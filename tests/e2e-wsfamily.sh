#!/usr/bin/env bash
# e2e-wsfamily.sh - the working-set family (ws, vmin, pff), nfu, the
# mean_resident/space_time columns and `pagesim ws`:
#  1. every counter both compute agrees with tests/refvar.py, an
#     independent naive model written from the README's definitions, on
#     a hand string, the shipped plain traces and generated traces with
#     writes, with memory bounded (small --frames) and not;
#  2. `pagesim ws` curves agree with refvar.py;
#  3. the textbook relations on every shipped trace and generated ones:
#     vmin:tau=T faults exactly as often as ws:tau=T and holds no more on
#     average; ws:tau=T faults f(T) times and holds s(T+1) on average, as
#     `pagesim ws` reports them;
#  4. the series is sampled as documented; bad values exit 2 with one line.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "# skip: python3 is not installed"
	exit 77
fi
refvar=$(dirname "$0")/refvar.py
policies=ws:tau=1,ws:tau=2,ws:tau=5,ws:tau=50,vmin:tau=1,vmin:tau=2,vmin:tau=5,vmin:tau=50
policies=$policies,pff:threshold=1,pff:threshold=5,pff:threshold=50,nfu:tick=1,nfu:tick=3
columns=policy,frames,faults,evictions,dirty_evictions,swap_reads,resident,space_time

# compare NAME FILE FORMAT FRAMES...: pagesim run vs refvar.py run.
compare() {
	local name=$1 file=$2 format=$3 frames base="$work/$1"
	shift 3
	for frames in "$@"; do
		if ! "$PAGESIM" run "$file" --format "$format" --policy "$policies" --frames "$frames" \
			--output csv >"$base.csv" 2>"$base.err"; then
			not_ok "$name: pagesim runs" "$(cat "$base.err")"
			continue
		fi
		csv_project "$base.csv" "$columns" >"$base.pagesim"
		# shellcheck disable=SC2046
		python3 "$refvar" run "$file" "$format" "$frames" $(tr ',' ' ' <<<"$policies") >"$base.refvar"
		expect_same "$name ($frames frames): pagesim = refvar" "$base.refvar" "$base.pagesim"
	done
}

# curves NAME FILE FORMAT: pagesim ws vs refvar.py ws.
curves() {
	local name=$1 file=$2 format=$3 base="$work/$1"
	"$PAGESIM" ws "$file" --format "$format" --tau 1..64,100,1000 --output csv >"$base.ws.csv" 2>"$base.err"
	csv_project "$base.ws.csv" tau,mean_ws,faults >"$base.ws.pagesim"
	python3 "$refvar" ws "$file" "$format" 1 2 4 8 16 32 64 100 1000 >"$base.ws.refvar"
	expect_same "$name: pagesim ws = refvar ws" "$base.ws.refvar" "$base.ws.pagesim"
}

printf '0 1 2 0 1w 3 0 3 1 2 1\n' >"$work/ostep.pages"
"$PAGESIM" gen phases --pages 60 --refs 3000 --write-ratio 0.3 --seed 5 --output-format addr-rw \
	-o "$work/phases.addr-rw"
"$PAGESIM" gen zipf --pages 200 --refs 4000 --write-ratio 0.5 --seed 2 --output-format addr-rw \
	-o "$work/zipf.addr-rw"
compare ostep "$work/ostep.pages" pages 2 3 100
compare belady "$TRACES/belady.pages" pages 3 4 100
compare silberschatz "$TRACES/silberschatz.pages" pages 3 100
compare sort-1k "$TRACES/sort-1k.addr-rw" addr-rw 4 16 10000
compare phases "$work/phases.addr-rw" addr-rw 8 10000
compare zipf "$work/zipf.addr-rw" addr-rw 16 10000
curves ostep "$work/ostep.pages" pages
curves sort-1k "$TRACES/sort-1k.addr-rw" addr-rw
curves zipf "$work/zipf.addr-rw" addr-rw

# relations FILE: with memory never full (--frames 1000000), for each T,
# vmin and ws fault alike, vmin's space_time is at most ws's, ws faults
# f(T) and its mean_resident is s(T+1) (both from pagesim ws).
relations() {
	local file=$1 name base taus=1,3,10,100,2000 list=""
	name=$(basename "$file")
	base="$work/rel-$name"
	for t in ${taus//,/ }; do list="$list,ws:tau=$t,vmin:tau=$t"; done
	if ! "$PAGESIM" run "$file" --policy "${list#,}" --frames 1000000 --output csv >"$base.csv" 2>"$base.err" ||
		! "$PAGESIM" ws "$file" --tau 1,2,3,4,10,11,100,101,2000,2001 --output csv >"$base.ws" 2>>"$base.err"; then
		not_ok "$name: pagesim runs" "$(cat "$base.err")"
		return
	fi
	csv_project "$base.csv" policy,faults,space_time,mean_resident >"$base.run"
	local bad
	bad=$(awk -F, '
		FILENAME == ARGV[1] && FNR > 1 { f[$2] = $5; s[$2] = $4 }
		FILENAME == ARGV[2] {
			split($1, p, "="); kind = substr($1, 1, index($1, ":") - 1); T = p[2]
			faults[kind, T] = $2; st[kind, T] = $3; mean[kind, T] = $4; taus[T] = 1
		}
		END {
			for (T in taus) {
				if (faults["vmin", T] != faults["ws", T]) print "tau " T ": vmin faults " faults["vmin", T] " != ws " faults["ws", T]
				if (st["vmin", T] + 0 > st["ws", T] + 0) print "tau " T ": vmin space_time " st["vmin", T] " > ws " st["ws", T]
				if (faults["ws", T] != f[T]) print "tau " T ": ws faults " faults["ws", T] " != f(T) " f[T]
				d = mean["ws", T] - s[T + 1]
				if (d > 0.0006 || d < -0.0006) print "tau " T ": ws mean_resident " mean["ws", T] " != s(T+1) " s[T + 1]
			}
		}' "$base.ws" "$base.run")
	if [ -z "$bad" ] && [ "$(grep -c . "$base.run")" -eq 10 ]; then
		ok "$name: vmin = ws faults, vmin holds less, ws = pagesim ws"
	else
		not_ok "$name: vmin = ws faults, vmin holds less, ws = pagesim ws" "$bad" "$(cat "$base.run")"
	fi
}
for t in "$TRACES"/*.lackey.* "$TRACES"/*.addr-rw* "$TRACES"/*.trace "$TRACES"/*.pages \
	"$work/phases.addr-rw" "$work/zipf.addr-rw"; do
	relations "$t"
done

# The series: between --points and 2 --points samples, every step-th
# reference from 0; w(0, T) = 1; and each value is at most T.
"$PAGESIM" ws "$work/zipf.addr-rw" --tau 1,10,100 --points 50 --series "$work/series.csv" >/dev/null
bad=$(awk -F, 'NR == 1 { next } NR == 2 { if ($1 != 0 || $2 != 1 || $3 != 1 || $4 != 1) print "first row " $0; next }
	NR == 3 { step = $1 } $1 != (NR - 2) * step { print "row " NR " at t=" $1 } $2 > 1 || $3 > 10 || $4 > 100 { print "too big: " $0 }
	END { n = NR - 1; if (n < 50 || n > 100) print n " samples" }' "$work/series.csv")
if [ -z "$bad" ] && [ "$(head -n 1 "$work/series.csv")" = "t,tau=1,tau=10,tau=100" ]; then
	ok "series: evenly sampled, 50..100 rows, bounded by T"
else
	not_ok "series: evenly sampled, 50..100 rows, bounded by T" "$bad" "$(head -n 3 "$work/series.csv")"
fi

# pagesim plot draws both: a directory with only ws.csv and ws-series.csv.
if command -v gnuplot >/dev/null 2>&1; then
	mkdir -p "$work/wsplot"
	"$PAGESIM" ws "$work/zipf.addr-rw" --tau 1..1024 --output csv --series "$work/wsplot/ws-series.csv" \
		>"$work/wsplot/ws.csv"
	run_pagesim plot "$work/wsplot" --format svg
	if [ "$status" -eq 0 ] && [ "$out" = "2 working-set graphs in $work/wsplot/plots" ] &&
		grep -q '<svg' "$work/wsplot/plots/ws-curve.svg" && grep -q '<svg' "$work/wsplot/plots/ws-series.svg" &&
		grep -q "zipf.addr-rw" "$work/wsplot/plots/ws-curve.gp"; then
		ok "plot draws ws-curve and ws-series"
	else
		not_ok "plot draws ws-curve and ws-series" "status $status" "$out" "$err"
	fi
else
	echo "# skip the ws graphs: no gnuplot"
fi

# Bad values: one line, exit 2, no output.
expect_error "ws: --tau 0" "--tau" ws "$work/zipf.addr-rw" --tau 0
expect_error "ws: --tau too large" "--tau: windows are at most 16777216 references, got 16777217" \
	ws "$work/zipf.addr-rw" --tau 16777217
expect_error "ws: --tau empty item" "--tau" ws "$work/zipf.addr-rw" --tau 1,,2
expect_error "ws: --tau not a number" "--tau" ws "$work/zipf.addr-rw" --tau ten
expect_error "ws: --points 0" "--points" ws "$work/zipf.addr-rw" --points 0
expect_error "ws: no trace" "ws: no trace given" ws
printf '1000 R\nzzz Q\n' >"$work/bad.addr-rw"
expect_error "ws: a bad trace names its line" "bad.addr-rw:2:" ws "$work/bad.addr-rw" --format addr-rw
expect_error "ws: series in a missing directory" "$work/nodir/s.csv" ws "$work/zipf.addr-rw" \
	--series "$work/nodir/s.csv"
[ ! -e "$work/nodir" ] && ok "ws: no half-written series" || not_ok "ws: no half-written series"
expect_error "ws:tau=0" 'policy "ws": tau must be a whole number from 1 to 1e+12, got "0"' \
	run "$work/zipf.addr-rw" --policy ws:tau=0
expect_error "vmin:tau=x" 'policy "vmin": tau must be a whole number' run "$work/zipf.addr-rw" --policy vmin:tau=x
expect_error "pff:threshold=-1" 'policy "pff": threshold must be a whole number' \
	run "$work/zipf.addr-rw" --policy pff:threshold=-1
expect_error "nfu:tick=0.5" 'policy "nfu": tick must be a whole number' run "$work/zipf.addr-rw" --policy nfu:tick=0.5
finish
