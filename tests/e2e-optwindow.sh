#!/usr/bin/env bash
# e2e-optwindow.sh - opt:window=N, OPT with a bounded look-ahead.
#
# When every opt cell of a run has a window, the look-ahead streams in one
# pass (src/replay/cells.c); when one has none, the whole trace's next uses are
# built first and a windowed cell applies its window to them itself. Both
# must give the same rows, for any -j. A window at least the trace's
# length is plain opt, and window 1 is LRU. A hand-derived string shows
# the window changing the victims; standard input streams without
# spooling; bad windows are refused; and tests/refsim.py's model of the
# window agrees.
. "$(dirname "$0")/lib.sh"

# rows FILE: the CSV rows of FILE without the header, each without its
# first column (the trace's name, "-" for standard input).
rows() { tail -n +2 "$1" | cut -d, -f2-; }

# project COLUMNS CSV: the named columns of pagesim's CSV (found by header
# name), comma-separated, without the header.
project() { csv_project "$2" "$1"; }

# same_rows NAME CSV_A CSV_B: the two runs' rows must be identical.
same_rows() {
	rows "$2" >"$2.rows"
	rows "$3" >"$3.rows"
	if [ ! -s "$2.rows" ]; then
		not_ok "$1" "no rows in $2"
	else
		expect_same "$1" "$2.rows" "$3.rows"
	fi
}

# stream_vs_full NAME TRACE FRAMES [OPTIONS...]: for each window, the
# streamed rows (opt:window=W alone) equal the windowed rows of a run that
# also has plain opt (a full look-ahead), with -j 1 and -j 2.
stream_vs_full() {
	local name=$1 trace=$2 frames=$3 w j
	shift 3
	local policies=opt
	for w in 1 2 7 100 4096; do policies="$policies,opt:window=$w"; done
	if ! "$PAGESIM" run "$trace" --policy "$policies" --frames "$frames" --output csv -j 1 "$@" \
		>"$work/full.csv" 2>"$work/full.err"; then
		not_ok "$name: full look-ahead runs" "$(cat "$work/full.err")"
		return
	fi
	for w in 1 2 7 100 4096; do
		head -n 1 "$work/full.csv" >"$work/full-$w.csv"
		grep ",opt:window=$w," "$work/full.csv" >>"$work/full-$w.csv"
		for j in 1 2; do
			if ! "$PAGESIM" run "$trace" --policy "opt:window=$w" --frames "$frames" --output csv \
				-j "$j" "$@" >"$work/stream.csv" 2>"$work/stream.err"; then
				not_ok "$name: window $w, -j $j streams" "$(cat "$work/stream.err")"
				continue
			fi
			same_rows "$name, window $w, -j $j: streamed = full look-ahead" \
				"$work/full-$w.csv" "$work/stream.csv"
		done
	done
}

for t in "$TRACES"/*; do
	case $t in *.md) continue ;; esac
	case $t in *.pages) frames=2,3,4 ;; *.lackey.*) frames=16 ;; *) frames=4,64 ;; esac
	stream_vs_full "$(basename "$t")" "$t" "$frames"
done
stream_vs_full "example.trace, --span first" "$TRACES/example.trace" 2,3 --span first
# 256-byte pages: many accesses span two pages.
if command -v gzip >/dev/null 2>&1; then
	gzip -dc "$TRACES/gzip.lackey.gz" | head -n 100000 >"$work/head.lackey"
	stream_vs_full "gzip.lackey.gz's head, 256-byte pages" "$work/head.lackey" 16,256 --page-size 256
fi
# Events galore: mmaps, forks, exits, killed processes (their references
# count but are not replayed), copy-on-write.
if command -v python3 >/dev/null 2>&1; then
	if python3 "$(dirname "$0")/gen_vm_trace.py" --seed 11 --records 20000 -o "$work/vm.trace" \
		2>"$work/gen.err"; then
		stream_vs_full "generated native trace" "$work/vm.trace" 3,16,64
	else
		not_ok "gen_vm_trace.py" "$(cat "$work/gen.err")"
	fi
fi

# Traces with errors (a bad event, an access after exit, ...): the same
# message, from the same line, whether the look-ahead streams or not.
for t in "$(dirname "$0")"/scenarios/err-*.trace; do
	"$PAGESIM" run "$t" --policy opt:window=5,opt --frames 2,8 --output csv >"$work/full.out" 2>&1
	grep -v ",opt," "$work/full.out" >"$work/full.kept"
	"$PAGESIM" run "$t" --policy opt:window=5 --frames 2,8 --output csv -j 2 >"$work/stream.out" 2>&1
	expect_same "$(basename "$t"): the same output streamed" "$work/full.kept" "$work/stream.out"
done

# A window at least the trace's length is plain opt (every shipped trace
# has fewer than 2,000,000 references).
for t in "$TRACES"/*; do
	case $t in *.md) continue ;; esac
	name=$(basename "$t")
	"$PAGESIM" run "$t" --policy opt --frames 2,8,64 --output csv >"$work/opt.csv"
	"$PAGESIM" run "$t" --policy opt:window=2000000 --frames 2,8,64 --output csv >"$work/long.csv"
	tail -n +2 "$work/opt.csv" | cut -d, -f1,2 --complement >"$work/opt.rows"
	tail -n +2 "$work/long.csv" | cut -d, -f1,2 --complement >"$work/long.rows"
	if [ -s "$work/opt.rows" ]; then
		expect_same "$name: window 2000000 = opt" "$work/opt.rows" "$work/long.rows"
	else
		not_ok "$name: window 2000000 = opt" "no rows"
	fi
done

# With window 1 no next use is within the window: every page ranks as
# never used again, least recently used first, which is LRU exactly.
for t in sort.lackey.zst gzip.lackey.gz sort.addr-rw.zst; do
	"$PAGESIM" run "$TRACES/$t" --policy lru --frames 4,16,64 --output csv | cut -d, -f2 --complement \
		>"$work/lru.csv"
	"$PAGESIM" run "$TRACES/$t" --policy opt:window=1 --frames 4,16,64 --output csv | cut -d, -f2 --complement \
		>"$work/w1.csv"
	expect_same "$t: opt:window=1 equals lru" "$work/lru.csv" "$work/w1.csv"
done

# By hand, 2 frames, the string 1 2 3 1 3 2 1 (times 0..6). Next uses:
# t0 -> 3, t1 -> 5, t2 -> 4, t3 -> 6, then never; distances 3, 4, 2, 3. A
# key is the next use if the distance is < W, else "never", and among
# "never" keys the page referenced longest ago goes first.
#   opt: t2 evicts 2 (5 > 3); t3, t4 hit; t5 evicts 3 (never > 6); t6
#        hits: 4 faults. W >= 5 sees every distance: the same, 4.
#   W=4: t1's distance 4 is not < 4, so 2 is "never" and still the
#        victim at t2: 4 faults.
#   W=3: 1 (t0) and 2 (t1) are both "never" at t2: 1 goes, 3 is keyed 4.
#        t3 faults on 1, evicting 2 ("never" > 4); 1 is keyed never
#        (distance 3). t4 hits 3, now never too. t5 faults on 2: 1 (t3) is
#        older than 3 (t4) and goes; t6 faults: 6 faults.
#   W=2 and W=1: no distance is < W, so every key is "never" and OPT is
#        LRU: t2 evicts 1, t3 evicts 2, t4 hits, t5 evicts 1, t6 evicts
#        3: 6 faults.
printf '1 2 3 1 3 2 1\n' >"$work/hand.pages"
want="opt=4 opt:window=1=6 opt:window=2=6 opt:window=3=6 opt:window=4=4 opt:window=5=4 "
for how in stream full; do
	got=
	for p in opt opt:window=1 opt:window=2 opt:window=3 opt:window=4 opt:window=5; do
		list=$p
		[ "$how" = full ] && [ "$p" != opt ] && list="opt,$p"
		"$PAGESIM" run "$work/hand.pages" --policy "$list" --frames 2 --output csv >"$work/hand.csv"
		f=$(project policy,faults "$work/hand.csv" | grep "^$p," | cut -d, -f2)
		got="$got$p=$f "
	done
	if [ "$got" = "$want" ]; then ok "hand-derived string, $how: $got"
	else not_ok "hand-derived string, $how" "got:  $got" "want: $want"; fi
done

# Standard input streams: no temporary file is needed (TMPDIR does not
# exist), and the rows equal the file's. Plain opt still spools.
for t in sort-1k.addr-rw ls.lackey.zst; do
	"$PAGESIM" run "$TRACES/$t" --policy opt:window=1000 --frames 8,64 --output csv >"$work/file.csv"
	if TMPDIR="$work/no-such-dir" "$PAGESIM" run - --policy opt:window=1000 --frames 8,64 \
		--output csv <"$TRACES/$t" >"$work/stdin.csv" 2>"$work/stdin.err"; then
		same_rows "$t from standard input = from the file" "$work/file.csv" "$work/stdin.csv"
	else
		not_ok "$t from standard input streams" "$(cat "$work/stdin.err")"
	fi
done
TMPDIR="$work/no-such-dir" expect_error "plain opt on standard input still spools" \
	"cannot create a temporary file" run - --policy opt,opt:window=5 <"$TRACES/belady.pages"

# Bad windows: one line, exit 2.
expect_error "window -1 is refused" 'policy "opt": window must be a whole number' \
	run "$TRACES/belady.pages" --policy opt:window=-1
expect_error "window x is refused" 'policy "opt": window must be a whole number' \
	run "$TRACES/belady.pages" --policy opt:window=x
expect_error "window 2.5 is refused" 'policy "opt": window must be a whole number' \
	run "$TRACES/belady.pages" --policy opt:window=2.5

# tests/refsim.py models the window from the semantics alone.
if command -v python3 >/dev/null 2>&1; then
	"$PAGESIM" gen zipf --pages 400 --refs 20000 --alpha 0.8 --seed 5 --write-ratio 0.3 \
		--output-format addr-rw -o "$work/zipf.addr-rw"
	policies=opt,opt:window=1,opt:window=7,opt:window=100,opt:window=1000
	for t in "$TRACES/silberschatz.pages:pages" "$TRACES/sort-1k.addr-rw:addr-rw" \
		"$work/zipf.addr-rw:addr-rw"; do
		file=${t%:*} format=${t##*:}
		"$PAGESIM" run "$file" --format "$format" --policy "$policies" --frames 3,8,32 --output csv \
			>"$work/pagesim.csv"
		project policy,frames,refs,distinct_pages,faults,evictions,dirty_evictions,swap_writes,swap_reads \
			"$work/pagesim.csv" >"$work/pagesim.rows"
		python3 "$(dirname "$0")/refsim.py" --format "$format" --policy "$policies" --frames 3,8,32 \
			"$file" >"$work/refsim.rows"
		expect_same "$(basename "$file"): pagesim = refsim for windows 1, 7, 100, 1000" \
			"$work/refsim.rows" "$work/pagesim.rows"
	done
fi

finish
