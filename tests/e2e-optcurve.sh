#!/usr/bin/env bash
# e2e-optcurve.sh - the one-pass OPT curve equals `pagesim run --no-curves
# --policy opt`, a replay of opt.c per memory size, at EVERY size from 1 to
# the trace's distinct pages, both as `mrc --frames all` computes it (no
# largest size: src/replay/optstack.c, the critical stack algorithm) and
# as `mrc --frames LO..HI:1` does (largest size <= 256: mrc.c's walk of
# the priority stack): the whole CSV row, so faults, dirty write-backs, swap
# reads and writes, residency and space-time too. The replays are the
# independent model; the traces are the small shipped ones and generated
# ones (several kinds and seeds, 30% writes, enough references that the
# curve renumbers its times many times).
. "$(dirname "$0")/lib.sh"

# compare_all NAME TRACE: mrc --policy opt equals the replays at 1..pages.
compare_all() {
	local name=$1 trace=$2 pages lo hi
	pages=$("$PAGESIM" run "$trace" --policy lru --frames 1 --output csv | tail -n 1 | cut -d, -f10)
	: >"$work/run.csv"
	: >"$work/mrc.csv"
	"$PAGESIM" mrc "$trace" --policy opt --frames all --output csv | tail -n +2 >"$work/all.csv"
	# --frames takes at most 256 sizes: in chunks.
	for ((lo = 1; lo <= pages; lo += 256)); do
		hi=$((lo + 255 < pages ? lo + 255 : pages))
		"$PAGESIM" run "$trace" --no-curves --policy opt --frames "$lo..$hi:1" --output csv |
			tail -n +2 >>"$work/run.csv"
		"$PAGESIM" mrc "$trace" --policy opt --frames "$lo..$hi:1" --output csv |
			tail -n +2 >>"$work/mrc.csv"
	done
	if [ "$(wc -l <"$work/all.csv")" -eq "$pages" ] && cmp -s "$work/run.csv" "$work/all.csv"; then
		ok "opt curve (critical stack) equals replays at all $pages sizes on $name"
	else
		not_ok "opt curve (critical stack) equals replays at every size on $name" \
			"$(diff "$work/run.csv" "$work/all.csv" | head -n 6)"
	fi
	if [ "$(wc -l <"$work/mrc.csv")" -eq "$pages" ] && cmp -s "$work/run.csv" "$work/mrc.csv"; then
		ok "opt curve (bounded walk) equals replays at all $pages sizes on $name"
	else
		not_ok "opt curve (bounded walk) equals replays at every size on $name" \
			"$(diff "$work/run.csv" "$work/mrc.csv" | head -n 6)"
	fi
}

for t in belady.pages silberschatz.pages example.trace sort-1k.addr-rw sort.addr-rw.zst; do
	compare_all "$t" "$TRACES/$t"
done

# Generated: each kind stresses a different shape of the stack (zipf: a
# hot set; loop: every page at the largest distance; phases: working sets
# that move; uniform and mix: everything at once).
for spec in "zipf 300 1" "zipf 120 2" "loop 90 3" "phases 200 4" "uniform 60 5" "mix 400 6"; do
	read -r kind pages seed <<<"$spec"
	"$PAGESIM" gen "$kind" --pages "$pages" --refs 20000 --seed "$seed" --write-ratio 0.3 \
		-o "$work/$kind-$seed.trace" || { not_ok "gen $spec"; continue; }
	compare_all "gen $kind --pages $pages --seed $seed --write-ratio 0.3" "$work/$kind-$seed.trace"
done

finish
