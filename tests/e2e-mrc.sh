#!/usr/bin/env bash
# e2e-mrc.sh - `pagesim mrc` end to end: on every shipped trace, in every
# format, the one-pass LRU and OPT curves equal `pagesim run --no-curves`
# (a replay per cell) at every memory size from 1 to 16 frames and at
# powers of two up to 512 (the whole CSV row, byte for byte, dirty
# write-backs included), and so does `pagesim run`, whose lru and opt
# cells share the curves; when run uses the opt curve; default and
# `all` frame lists; standard input; the sampled
# curve's error on the largest shipped trace; a plot of an mrc CSV; the
# errors; and traces with VM events, which the curves refuse (and which
# run and sweep never give to the shared lru curve).
. "$(dirname "$0")/lib.sh"

frames=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,32,64,128,256,512

# Run from the traces directory so the trace field is a plain file name.
cd "$TRACES" || exit 1
for t in *; do
	case $t in *.md) continue ;; esac
	"$PAGESIM" run "$t" --no-curves --policy lru,opt --frames "$frames" --output csv >"$work/run.csv" \
		2>"$work/err" || { not_ok "run $t" "$(cat "$work/err")"; continue; }
	"$PAGESIM" run "$t" --policy lru,opt --frames "$frames" --output csv >"$work/curves.csv" 2>"$work/err"
	expect_same "run's shared curves equal replays on $t" "$work/run.csv" "$work/curves.csv"
	grep -E '^[^,]*,lru,' "$work/run.csv" >"$work/run-lru.csv"
	grep -E '^[^,]*,opt,' "$work/run.csv" >"$work/run-opt.csv"
	# A trace with VM events (the native captures) is refused by mrc.
	if "$PAGESIM" decode "$t" | grep -q '^events:'; then
		if "$PAGESIM" mrc "$t" --frames "$frames" >/dev/null 2>"$work/err"; then
			not_ok "mrc refuses $t (it has VM events)"
		elif grep -q "the one-pass curves model anonymous memory only" "$work/err"; then
			ok "mrc refuses $t (it has VM events)"
		else
			not_ok "mrc refuses $t (it has VM events)" "$(cat "$work/err")"
		fi
		continue
	fi
	for p in lru opt; do
		if ! "$PAGESIM" mrc "$t" --policy $p --frames "$frames" --output csv >"$work/mrc.csv" 2>"$work/err"; then
			not_ok "mrc $t --policy $p" "$(cat "$work/err")"
			continue
		fi
		tail -n +2 "$work/mrc.csv" >"$work/mrc-$p.csv"
		if [ "$(wc -l <"$work/mrc-$p.csv")" -eq 21 ] && cmp -s "$work/run-$p.csv" "$work/mrc-$p.csv"; then
			ok "mrc --policy $p equals run at 21 sizes on $t ($(cut -d, -f11 "$work/mrc-$p.csv" | tr '\n' ' '))"
		else
			not_ok "mrc --policy $p equals run on $t" "$(diff "$work/run-$p.csv" "$work/mrc-$p.csv" | head -n 6)"
		fi
	done
done

# --span first: only the first page of an access is referenced, as in run.
for t in example.trace sort.lackey.zst; do
	"$PAGESIM" run "$t" --span first --policy lru,opt --frames 1..64 --output csv | tail -n +2 \
		>"$work/run-first.csv"
	{ "$PAGESIM" mrc "$t" --span first --frames 1..64 --output csv | tail -n +2
	  "$PAGESIM" mrc "$t" --span first --policy opt --frames 1..64 --output csv | tail -n +2; } >"$work/mrc-first.csv"
	expect_same "--span first equals run on $t" "$work/run-first.csv" "$work/mrc-first.csv"
done

# The header is run's, so a sweep's results.csv takes mrc rows.
"$PAGESIM" run silberschatz.pages --output csv | head -n 1 >"$work/run-header"
"$PAGESIM" mrc silberschatz.pages --output csv | head -n 1 >"$work/mrc-header"
expect_same "mrc CSV header is run's" "$work/run-header" "$work/mrc-header"

# Default frames: 1, 2, 4, ... up to the first power of two >= 217 pages.
got=$("$PAGESIM" mrc sort.lackey.zst --output csv | tail -n +2 | cut -d, -f3 | tr '\n' ' ')
if [ "$got" = "1 2 4 8 16 32 64 128 256 " ]; then ok "default frames reach 256 for 217 pages"
else not_ok "default frames" "got: $got"; fi

# --frames all: every count from 1 to the distinct pages; the last one has only first touches.
"$PAGESIM" mrc sort.lackey.zst --policy opt --frames all --output csv >"$work/all.csv"
last=$(tail -n 1 "$work/all.csv")
IFS=, read -r _ _ f _ _ _ _ _ _ distinct faults _ <<<"$last"
if [ "$(tail -n +2 "$work/all.csv" | wc -l)" -eq 217 ] && [ "$f" = 217 ] && [ "$faults" = 217 ]; then
	ok "--frames all: 217 rows, only first touches at 217 frames"
else
	not_ok "--frames all" "$(wc -l <"$work/all.csv") lines; last: $last"
fi

# Standard input, from a pipe, equals the file: OPT with --frames up to
# 1,024 spools it to read it twice; the one-pass curves (lru, and opt with
# the default sizes or all) read it as it comes, so they need no $TMPDIR.
for p in "lru --frames 1..16" "opt --frames 1..16" "opt --frames all" "opt"; do
	"$PAGESIM" mrc sort-1k.addr-rw --policy $p --output csv | cut -d, -f3- >"$work/file.csv"
	cat sort-1k.addr-rw | "$PAGESIM" mrc - --policy $p --output csv | cut -d, -f3- >"$work/stdin.csv"
	expect_same "mrc --policy $p from a pipe" "$work/file.csv" "$work/stdin.csv"
done
for p in "lru" "opt" "opt --frames 2000"; do
	cat sort-1k.addr-rw | TMPDIR=$work/no-such-dir "$PAGESIM" mrc - --policy $p --output csv |
		cut -d, -f3- >"$work/stdin.csv"
	"$PAGESIM" mrc sort-1k.addr-rw --policy $p --output csv | cut -d, -f3- >"$work/file.csv"
	expect_same "mrc --policy $p reads a pipe once, without a spool" "$work/file.csv" "$work/stdin.csv"
done

# The text table.
run_pagesim mrc silberschatz.pages --policy opt --frames 3
if [ "$status" -eq 0 ] && [[ "$out" == *"opt                   3            9"* ]]; then ok "text table: opt 9 faults at 3 frames"
else not_ok "text table" "$out"; fi

# Sampling: on the largest shipped trace (ls: 1.49 M references, 289 pages),
# the mean absolute error of the fault rate over every size 1..289 at rate
# 0.1 stays below 0.02 (measured: 0.0078; the sampling hash is fixed, so
# this is deterministic). Sizes below 1/rate frames are where it errs most.
all=$(seq -s, 1 289)
"$PAGESIM" mrc ls.lackey.zst --frames "$all" --output csv >"$work/exact.csv"
"$PAGESIM" mrc ls.lackey.zst --frames "$all" --sample 0.1 --output csv >"$work/sampled.csv"
mae=$(awk -F, 'FNR == 1 { next } NR == FNR { exact[$3] = $12; next }
	{ d = $12 - exact[$3]; sum += d < 0 ? -d : d; n++ } END { printf "%.4f %d", sum / n, n }' \
	"$work/exact.csv" "$work/sampled.csv")
if awk -v m="${mae% *}" -v n="${mae#* }" 'BEGIN { exit !(n == 289 && m < 0.02) }'; then
	ok "sampled at 0.1: mean absolute error ${mae% *} over 289 sizes"
else
	not_ok "sampled curve error" "mean absolute error and points: $mae"
fi
if grep -q ',lru:sample=0.1,' "$work/sampled.csv"; then ok "a sampled curve is labelled lru:sample=0.1"
else not_ok "sampled label" "$(sed -n 2p "$work/sampled.csv")"; fi
expect_same "--sample 1 equals exact" <("$PAGESIM" mrc sort-1k.addr-rw --output csv | cut -d, -f3-) \
	<("$PAGESIM" mrc sort-1k.addr-rw --sample 1 --output csv | cut -d, -f3-)

# pagesim plot draws an mrc CSV (exact and sampled LRU in one results.csv).
if command -v gnuplot >/dev/null 2>&1; then
	: "${PAGESIM_TEMPLATES:=$TRACES/../scripts}"
	export PAGESIM_TEMPLATES
	mkdir -p "$work/plotdir"
	"$PAGESIM" mrc sort.lackey.zst --output csv >"$work/plotdir/results.csv"
	"$PAGESIM" mrc sort.lackey.zst --sample 0.1 --output csv | tail -n +2 >>"$work/plotdir/results.csv"
	run_pagesim plot "$work/plotdir"
	if [ "$status" -eq 0 ] && [ -s "$work/plotdir/plots/fault-rate-1-sort.lackey.zst.png" ]; then
		ok "pagesim plot draws an mrc CSV"
	else
		not_ok "pagesim plot draws an mrc CSV" "status $status" "$out" "$err" "$(ls "$work/plotdir/plots" 2>&1)"
	fi
fi

expect_error "--sample 0 refused" "--sample: expected a rate above 0 and at most 1" mrc belady.pages --sample 0
expect_error "--sample 1.5 refused" "--sample: expected a rate above 0 and at most 1" mrc belady.pages --sample 1.5
expect_error "--sample abc refused" "--sample: expected a rate" mrc belady.pages --sample abc
expect_error "--sample with opt refused" "sampling estimates lru curves only" mrc belady.pages --policy opt --sample 0.1
expect_error "unknown policy refused" "mrc computes lru or opt curves, not \"fifo\"" mrc belady.pages --policy fifo
expect_error "--output json refused" "--output: expected text or csv" mrc belady.pages --output json
expect_error "--frames 0 refused" "--frames: expected all, or counts" mrc belady.pages --frames 0
expect_error "no trace" "mrc: no trace given" mrc
expect_error "missing trace file" "no-such-file" mrc no-such-file.pages
printf 'pagesim-trace 1\nR 0xfffffff0 64\n' >"$work/edge.trace"
run_pagesim run "$work/edge.trace" --va-bits 32 --policy lru
run_err=${err:-run accepted the access}
expect_error "an access past a 32-bit address space fails as in run" "${run_err#pagesim: }" \
	mrc "$work/edge.trace" --va-bits 32

# VM events: the curves model anonymous memory only, so mrc refuses a trace
# with events at the first one, naming where it is (line, or record).
printf 'pagesim-trace 1\nR 0x1000\nW 0x2000 4\nfork 1 2\nprocess 2\nR 0x1000\n' >"$work/fork.trace"
for p in lru opt; do
	expect_error "mrc --policy $p refuses a fork event" \
		"pagesim: $work/fork.trace:4: the one-pass curves model anonymous memory only; this trace has a 'fork' event (use pagesim run)" \
		mrc "$work/fork.trace" --policy $p
done
expect_error "mrc names <stdin>" \
	"pagesim: <stdin>:4: the one-pass curves model anonymous memory only; this trace has a 'fork' event (use pagesim run)" \
	mrc - <"$work/fork.trace"
"$PAGESIM" convert "$work/fork.trace" "$work/fork.bin" 2>/dev/null
expect_error "mrc refuses an event of a binary trace" \
	"pagesim: $work/fork.bin: record 3: the one-pass curves model anonymous memory only; this trace has a 'fork' event (use pagesim run)" \
	mrc "$work/fork.bin"
# A native trace without event lines is still fine.
printf 'pagesim-trace 1\nR 0x1000\nW 0x2000 4\nR 0x1000\n' >"$work/plain.trace"
run_pagesim mrc "$work/plain.trace" --frames 1,2 --output csv
if [ "$status" -eq 0 ] && [ "$(echo "$out" | tail -n +2 | cut -d, -f11 | tr '\n' ' ')" = "3 2 " ]; then
	ok "mrc reads a native trace without events"
else
	not_ok "mrc reads a native trace without events" "$out" "$err"
fi
# run and sweep share one lru curve among lru cells only when the trace
# cannot hold events. The curve refuses a swap device smaller than the
# distinct pages; a replay does not mind while nothing is evicted.
printf ' L 1000,4\n L 2000,4\n L 3000,4\n' >"$work/three.lackey"
printf 'pagesim-trace 1\nR 0x1000 4\nR 0x2000 4\nR 0x3000 4\n' >"$work/three.trace"
expect_error "lru cells of a lackey trace share the curve" "more than the 1 swap slots" \
	run "$work/three.lackey" --policy lru --frames 4,8 --swap-slots 1
run_pagesim run "$work/three.trace" --policy lru --frames 4,8 --swap-slots 1 --output csv
if [ "$status" -eq 0 ] && [ "$(echo "$out" | tail -n +2 | cut -d, -f11 | tr '\n' ' ')" = "3 3 " ]; then
	ok "lru cells of a native trace replay (it may hold events)"
else
	not_ok "lru cells of a native trace replay" "$out" "$err"
fi
"$PAGESIM" convert "$work/three.lackey" "$work/three.bin" 2>/dev/null
expect_error "a binary trace without the events flag shares the curve" "more than the 1 swap slots" \
	run "$work/three.bin" --policy lru --frames 4,8 --swap-slots 1
run_pagesim run - --policy lru --frames 4,8 --swap-slots 1 --output csv <"$work/three.lackey"
if [ "$status" -eq 0 ]; then ok "lru cells of standard input replay (it cannot be probed)"
else not_ok "lru cells of standard input replay" "$err"; fi
# opt cells share the curve when their largest size is at most 128 times
# their number (the curve costs up to that many stack steps a reference);
# opt:window cells never do; --no-curves replays.
expect_error "opt cells with few frames share the curve" "run these opt cells with pagesim run" \
	run "$work/three.lackey" --policy opt --frames 4,256 --swap-slots 1
for args in "--policy opt --frames 4,257" "--policy opt:window=100 --frames 4,8" "--policy opt --frames 4,8 --no-curves"; do
	# shellcheck disable=SC2086
	run_pagesim run "$work/three.lackey" $args --swap-slots 1 --output csv
	if [ "$status" -eq 0 ] && [ "$(echo "$out" | tail -n +2 | cut -d, -f11 | tr '\n' ' ')" = "3 3 " ]; then
		ok "opt cells replay: $args"
	else
		not_ok "opt cells replay: $args" "$out" "$err"
	fi
done

finish
