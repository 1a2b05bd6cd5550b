#!/usr/bin/env bash
# e2e-run.sh - `pagesim run` end to end: textbook answers through the CLI,
# golden results on the shipped traces, and the three output styles.
. "$(dirname "$0")/lib.sh"

# faults POLICY FRAMES TRACE: the fault count of one run.
faults() { "$PAGESIM" run "$3" --policy "$1" --frames "$2" --output csv | tail -n 1 | cut -d, -f11; }

# expect_faults POLICY FRAMES TRACE WANT
expect_faults() {
	local got
	got=$(faults "$1" "$2" "$3")
	if [ "$got" = "$4" ]; then ok "$1 with $2 frames on $(basename "$3"): $4 faults"
	else not_ok "$1 with $2 frames on $(basename "$3")" "got $got faults, expected $4"; fi
}

expect_faults fifo 3 "$TRACES/belady.pages" 9
expect_faults fifo 4 "$TRACES/belady.pages" 10
expect_faults fifo 3 "$TRACES/silberschatz.pages" 15
expect_faults lru 3 "$TRACES/silberschatz.pages" 12
expect_faults opt 3 "$TRACES/silberschatz.pages" 9

# The text table, exactly.
(cd "$TRACES/.." && "$PAGESIM" run traces/belady.pages --policy fifo,lru,opt --frames 3,4) >"$work/belady.txt"
expect_same "text table for belady.pages" "$TESTDATA/golden/belady.txt" "$work/belady.txt"

# JSON carries the same numbers as CSV.
"$PAGESIM" run "$TRACES/silberschatz.pages" --policy all --frames 3 --output json >"$work/s.json"
"$PAGESIM" run "$TRACES/silberschatz.pages" --policy all --frames 3 --output csv >"$work/s.csv"
json_faults=$(grep -o '"faults": [0-9]*' "$work/s.json" | cut -d' ' -f2 | tr '\n' ' ')
csv_faults=$(tail -n +2 "$work/s.csv" | cut -d, -f11 | tr '\n' ' ')
if [ -n "$csv_faults" ] && [ "$json_faults" = "$csv_faults" ]; then ok "json and csv agree ($csv_faults)"
else not_ok "json and csv agree" "json: $json_faults" "csv: $csv_faults"; fi
if command -v python3 >/dev/null && ! python3 -m json.tool "$work/s.json" >/dev/null 2>&1; then
	not_ok "json parses" "$(cat "$work/s.json")"
fi

# gen is reproducible from its seed, and its traces replay.
"$PAGESIM" gen zipf --pages 500 --refs 20000 --alpha 0.9 --seed 3 --write-ratio 0.25 -o "$work/z1.trace.zst"
"$PAGESIM" gen zipf --pages 500 --refs 20000 --alpha 0.9 --seed 3 --write-ratio 0.25 -o "$work/z2.trace.zst"
"$PAGESIM" gen zipf --pages 500 --refs 20000 --alpha 0.9 --seed 4 --write-ratio 0.25 -o "$work/z3.trace.zst"
if cmp -s "$work/z1.trace.zst" "$work/z2.trace.zst" && ! cmp -s "$work/z1.trace.zst" "$work/z3.trace.zst"; then
	ok "gen: same seed, same bytes; other seed, other bytes"
else
	not_ok "gen: same seed, same bytes; other seed, other bytes"
fi
row=$("$PAGESIM" run "$work/z1.trace.zst" --policy lru --frames 64 --output csv | tail -n 1)
IFS=, read -r _ _ _ _ _ refs reads writes _ distinct _ <<<"$row"
if [ "$refs" = 20000 ] && [ "$distinct" -le 500 ] && [ "$writes" -gt 4500 ] && [ "$writes" -lt 5500 ]; then
	ok "gen trace replays ($refs refs, $writes writes, $distinct pages)"
else
	not_ok "gen trace replays" "row: $row"
fi

# A cyclic loop one page larger than memory: LRU and FIFO fault on every
# reference (each page is evicted just before its turn comes back).
"$PAGESIM" gen loop --pages 65 --refs 6500 -o "$work/loop.trace"
for pol in lru fifo; do
	got=$(faults "$pol" 64 "$work/loop.trace")
	if [ "$got" = 6500 ]; then ok "$pol faults on every reference of a loop larger than memory"
	else not_ok "$pol faults on every reference of a loop larger than memory" "got $got of 6500"; fi
done
got=$(faults lru 65 "$work/loop.trace")
if [ "$got" = 65 ]; then ok "the same loop fitting in memory faults only on first touches"
else not_ok "the same loop fitting in memory faults only on first touches" "got $got"; fi

# Golden results on every shipped trace (regenerate deliberately with
# scripts/regen-golden, and say why in the commit).
for golden in "$TESTDATA"/golden/*.csv; do
	name=$(basename "$golden" .csv)
	(cd "$TRACES/.." && "$PAGESIM" run "traces/$name" --policy all --frames 16,64,256 --seed 7 --output csv) >"$work/$name.csv"
	expect_same "golden results for $name" "$golden" "$work/$name.csv"
done

# OPT on standard input spools it to a file in TMPDIR to read it twice; the
# file must not outlive the process, even when a signal ends it mid-read.
# (Job control on: without it a background job ignores SIGINT.)
mkdir -p "$work/spool"
set -m
for sig in INT TERM HUP KILL; do
	{ printf '0x1000 R\n0x2000 W\n'; sleep 3; } |
		TMPDIR="$work/spool" "$PAGESIM" run - --policy opt --format addr-rw >/dev/null 2>&1 &
	reader=$!
	sleep 1
	kill -"$sig" "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	if [ -z "$(ls -A "$work/spool")" ]; then
		ok "run - --policy opt leaves no spool behind after SIG$sig"
	else
		not_ok "run - --policy opt leaves no spool behind after SIG$sig" "$(ls -A "$work/spool")"
		rm -f "$work/spool"/*
	fi
done
set +m
printf '0x1000 R\n0x2000 W\n0x1000 R\n' | TMPDIR="$work/spool" "$PAGESIM" run - --policy opt,lru --frames 1 \
	--format addr-rw --output csv >"$work/spool.csv" 2>"$work/stderr"
if [ "$(grep -c '^-,opt,1,' "$work/spool.csv")" = 1 ] && [ -z "$(ls -A "$work/spool")" ]; then
	ok "run - --policy opt reads the spooled input twice and removes it"
else
	not_ok "run - --policy opt reads the spooled input twice and removes it" "$(cat "$work/spool.csv" "$work/stderr")"
fi

# --frames A..B:S is a linear range (A..B doubles): Belady's string under
# fifo at 1 to 5 frames shows the anomaly, 9 faults at 3 frames and 10 at 4.
run_pagesim run "$TRACES/belady.pages" --policy fifo --frames 1..5:1 --output csv
if [ "$status" -eq 0 ] && [ "$(cut -d, -f3,11 <<<"$out" | tail -n +2 | tr '\n' ' ')" = "1,12 2,12 3,9 4,10 5,5 " ]; then
	ok "--frames 1..5:1 runs 1 to 5 frames (Belady's anomaly at 3 and 4)"
else
	not_ok "--frames 1..5:1 runs 1 to 5 frames (Belady's anomaly at 3 and 4)" "status $status: $out $err"
fi
expect_error "--frames with a zero step is refused" "got \"3..5:0\"" run "$TRACES/belady.pages" --frames 3..5:0

# Textbook dirty-page homework without addresses: "3w" marks a write. FIFO
# with 2 frames on 1w 2 3w 4 1 2w: six faults; the evictions of 1 (by 3)
# and of 3 (by 1) write back, those of 2 and 4 are clean.
printf '1w 2 3w 4 1 2w\n' >"$work/dirty.pages"
run_pagesim run "$work/dirty.pages" --policy fifo --frames 2 --output csv
if [ "$status" -eq 0 ] && [ "$(cut -d, -f8,11,13,14,18 <<<"$out" | tail -n 1)" = "3,6,4,2,2" ]; then
	ok "pages with write marks: 3 writes, 6 faults, 4 evictions, 2 dirty, 2 clean"
else
	not_ok "pages with write marks: 3 writes, 6 faults, 4 evictions, 2 dirty, 2 clean" "status $status: $out $err"
fi

finish
