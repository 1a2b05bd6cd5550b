#!/usr/bin/env bash
# e2e-refsim.sh - cross-check pagesim against tests/refsim.py, an
# independent Python reference simulator written only from the written
# semantics (not from pagesim's sources). Every counter both compute --
# refs, distinct pages, faults, evictions, dirty evictions, swap writes and
# swap reads -- must agree exactly, for fifo, lru, opt, clock and
# second-chance, on the shipped traces and on a synthetic trace with writes.
# (random is left out: its generator is an implementation detail.)
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "# skip: python3 is not installed"
	exit 77
fi
refsim=$(dirname "$0")/refsim.py
policies=fifo,lru,opt,clock,second-chance
columns=policy,frames,refs,distinct_pages,faults,evictions,dirty_evictions,swap_writes,swap_reads

# project CSV: pagesim's columns named in $columns, without the header,
# each row checked for hits = refs - faults (see csv_project).
project() { csv_project "$1" "$columns" check-hits; }

# compare NAME PLAINFILE FORMAT FRAMES: run both simulators on the plain-text
# trace and compare. pagesim reads the same plain file as refsim.
compare() {
	local name=$1 file=$2 format=$3 frames=$4
	local base="$work/$name"
	if ! "$PAGESIM" run "$file" --format "$format" --policy "$policies" \
		--frames "$frames" --output csv >"$base.pagesim.csv" 2>"$base.pagesim.err"; then
		not_ok "$name: pagesim runs" "$(cat "$base.pagesim.err")"
		return
	fi
	if ! python3 "$refsim" --format "$format" --policy "$policies" \
		--frames "$frames" "$file" >"$base.refsim" 2>"$base.refsim.err"; then
		not_ok "$name: refsim runs" "$(cat "$base.refsim.err")"
		return
	fi
	project "$base.pagesim.csv" >"$base.pagesim"
	local want=$(( $(tr ',' '\n' <<<"$policies" | wc -l) * $(tr ',' '\n' <<<"$frames" | wc -l) ))
	local got
	got=$(grep -c . "$base.refsim")
	if [ "$got" -ne "$want" ]; then
		not_ok "$name: refsim prints $want lines" "got $got"
		return
	fi
	expect_same "$name ($format, frames $frames): pagesim = refsim" "$base.refsim" "$base.pagesim"
}

# A hand-checked trace (1 frame: 7 faults, 6 evictions, 2 dirty evictions,
# 2 swap writes, 3 swap reads): a page written, evicted to swap, read back,
# evicted clean (keeps its swap copy, no write), read back again, dirtied
# again (its next eviction writes again); a clean never-written page is
# dropped each time; 1fff is page 1 (same page as 1000).
printf '%s\n' '# hand-checked' '1000 W' '2000 R' '' '1000 R' '2000 r' \
	'1fff R' '1000 w' '2000 R' '1000 R' >"$work/hand.addr-rw"
compare hand "$work/hand.addr-rw" addr-rw 1,2,3

# The pages format's marks in either case (traces/FORMAT.md).
printf '%s\n' '1W 2 1R 3w 2W 1 4 3R 1w' >"$work/marks.pages"
compare marks "$work/marks.pages" pages 1,2,3
compare belady "$TRACES/belady.pages" pages 1,2,3,4,5
compare silberschatz "$TRACES/silberschatz.pages" pages 1,2,3,4,5
compare sort-1k "$TRACES/sort-1k.addr-rw" addr-rw 2,3,4,8

if command -v zstd >/dev/null 2>&1; then
	if zstd -dc "$TRACES/sort.addr-rw.zst" >"$work/sort.addr-rw" 2>"$work/zstd.err"; then
		compare sort "$work/sort.addr-rw" addr-rw 8,32,128
	else
		not_ok "decompress sort.addr-rw.zst" "$(cat "$work/zstd.err")"
	fi
else
	echo "# skip sort.addr-rw.zst: zstd is not installed"
fi

if "$PAGESIM" gen zipf --pages 3000 --refs 100000 --alpha 0.9 --seed 3 \
	--write-ratio 0.3 --output-format addr-rw -o "$work/zipf.addr-rw" 2>"$work/gen.err"; then
	compare zipf "$work/zipf.addr-rw" addr-rw 8,32,128
else
	not_ok "pagesim gen zipf" "$(cat "$work/gen.err")"
fi

finish
