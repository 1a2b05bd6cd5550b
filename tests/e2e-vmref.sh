#!/usr/bin/env bash
# e2e-vmref.sh - cross-check pagesim's VM model (segments, mmap, fork with
# copy-on-write, shared file pages, swap slots shared by forks, stack
# growth, segfaults, munmap, brk, exit) against tests/refsim.py, an
# independent Python model written only from the model essay of src/machine/sim.c
# and the counters of struct sim_stats (not from the machine's code).
#
# For each seed, tests/gen_vm_trace.py writes a random valid native trace
# with events; pagesim and refsim replay it with fifo, lru and clock on 3, 8
# and 32 frames, and every counter both compute must agree. A few seeds are
# replayed again with a TLB (the TLB counters must agree too, and with
# shootdowns the fault counts must not change). On a mismatch the first
# differing line and counter are printed; the trace stays in the test's
# temporary directory ($TESTTMP/e2e-vmref/seedN.trace) for debugging.
#
# VMREF_SEEDS=N runs N seeds (default 30), VMREF_FIRST=S starts at seed S.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "# skip: python3 is not installed"
	exit 77
fi
dir=$(dirname "$0")
refsim=$dir/refsim.py
gen=$dir/gen_vm_trace.py
policies=fifo,lru,clock
frames=3,8,32
seeds=${VMREF_SEEDS:-30}
first=${VMREF_FIRST:-1}
records=1500
columns=refs,hits,faults,zero_fills,file_reads,swap_reads,minor_faults,cow_copies,cow_reuses
columns=$columns,stack_growths,segfaults,ignored_refs,evictions,dirty_evictions,swap_writes
columns=$columns,file_writebacks,file_writes,resident
tlb_columns=tlb_hits,tlb_misses,tlb_shootdowns

# The hand-checked examples of the model itself.
if python3 -m doctest "$refsim" >"$work/doctest.out" 2>&1; then
	ok "refsim.py's hand-checked examples"
else
	not_ok "refsim.py's hand-checked examples" "$(head -n 30 "$work/doctest.out")"
fi

# project FILE COLUMNS: the CSV's policy, frames and COLUMNS (found by
# header name), without the header.
project() { csv_project "$1" "policy,frames,$2"; }

# first_difference A B COLUMNS: the first line (policy, frames) where A
# (refsim) and B (pagesim) differ, with every counter that differs on it.
first_difference() {
	paste -d '\n' "$1" "$2" | awk -F, -v names="policy,frames,$3" '
		BEGIN { split(names, name, ",") }
		NR % 2 == 1 { split($0, a, ","); next }
		{
			split($0, b, ",")
			d = ""
			for (j = 3; j in name; j++)
				if (a[j] != b[j]) d = d sprintf(" %s: refsim %s, pagesim %s;", name[j], a[j], b[j])
			if (d != "") { printf "%s, %s frames:%s\n", a[1], a[2], d; exit }
		}'
}

# check NAME TRACE COLUMNS [OPTIONS...]: run both on TRACE and compare.
check() {
	local name=$1 trace=$2 cols=$3
	shift 3
	local base="$work/$name"
	if ! "$PAGESIM" run "$trace" --format native --policy "$policies" --frames "$frames" \
		--output csv "$@" >"$base.pagesim.csv" 2>"$base.pagesim.err"; then
		not_ok "$name: pagesim runs" "$(head -n 5 "$base.pagesim.err")" "trace: $trace"
		return 1
	fi
	if ! python3 "$refsim" --format native --policy "$policies" --frames "$frames" \
		--vm-columns --header "$@" "$trace" >"$base.refsim.csv" 2>"$base.refsim.err"; then
		not_ok "$name: refsim runs" "$(head -n 5 "$base.refsim.err")" "trace: $trace"
		return 1
	fi
	project "$base.pagesim.csv" "$cols" >"$base.pagesim"
	project "$base.refsim.csv" "$cols" >"$base.refsim"
	if cmp -s "$base.refsim" "$base.pagesim"; then
		ok "$name: pagesim = refsim"
		return 0
	fi
	not_ok "$name: pagesim = refsim" \
		"$(head -n 1 "$base.pagesim" | grep '^missing' || first_difference "$base.refsim" "$base.pagesim" "$cols")" \
		"trace: $trace" \
		"rerun: python3 $refsim --vm-columns --header --policy $policies --frames $frames $* $trace"
	return 1
}

mismatches=0
for seed in $(seq "$first" $((first + seeds - 1))); do
	trace="$work/seed$seed.trace"
	if ! python3 "$gen" --seed "$seed" --records "$records" -o "$trace" 2>"$work/gen.err"; then
		not_ok "seed $seed: gen_vm_trace.py" "$(cat "$work/gen.err")"
		continue
	fi
	check "seed$seed" "$trace" "$columns" || mismatches=$((mismatches + 1))
done

# With a TLB (set-associative, ASIDs, shootdowns): its counters agree, and
# the fault counts are those of the run without it.
for seed in $(seq "$first" $((first + 4))); do
	trace="$work/seed$seed.trace"
	[ -f "$trace" ] || continue
	check "seed$seed-tlb" "$trace" "$columns,$tlb_columns" --tlb 16:4 || continue
	if project "$work/seed$seed-tlb.refsim.csv" "$columns" | cmp -s - "$work/seed$seed.refsim"; then
		ok "seed$seed: the TLB changes no fault count"
	else
		not_ok "seed$seed: the TLB changes no fault count" "(refsim's own runs differ)"
	fi
done

# With the TLB flushed at each process switch: a switch is a reference of
# a live process other than the last one's, even one whose access then
# segfaults (found by a differential campaign: refsim flushed only for
# accesses that passed their checks). By hand: process 1 reads its page
# (miss); process 2 writes a read-only page, a switch (flush) and a
# segfault; process 1 reads again: a switch, a flush, a miss.
printf '%s\n' 'pagesim-trace 1' 'segment bss 0x1000 0x1000 rw- zero' 'R 0x1000' 'process 2' \
	'segment ro 0x1000 0x1000 r-- zero' 'W 0x1000' 'process 1' 'R 0x1000' >"$work/flush-segfault.trace"
if check "flush at a segfaulting switch" "$work/flush-segfault.trace" "$columns,$tlb_columns" --tlb 4 \
	--tlb-flush-on-switch && [ "$(csv_project "$work/flush at a segfaulting switch.pagesim.csv" \
	policy,frames,tlb_hits,tlb_misses,segfaults | sort -u | cut -d, -f3- | sort -u)" = "0,2,1" ]; then
	ok "flush at a segfaulting switch: 0 TLB hits, 2 misses, 1 segfault"
else
	not_ok "flush at a segfaulting switch: 0 TLB hits, 2 misses, 1 segfault" \
		"$(cat "$work/flush at a segfaulting switch.pagesim.csv")"
fi
for seed in $(seq "$first" $((first + 4))); do
	trace="$work/seed$seed.trace"
	[ -f "$trace" ] || continue
	check "seed$seed-tlb-flush" "$trace" "$columns,$tlb_columns" --tlb 8:2 --tlb-flush-on-switch || true
done

echo "# $mismatches of $seeds seeds differ"
finish
