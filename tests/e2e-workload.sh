#!/usr/bin/env bash
# e2e-workload.sh - multiprogrammed workloads (pagesim run --workload):
# the same program run twice shares its file pages through the page cache,
# counts that follow from the round-robin rule (derived by hand below), an
# error in the second trace names that trace's FILE:LINE, the workload's
# own bad options, the per-process report, and a cross-check of the merge against
# tests/merge_model.py, an independent Python merge of native traces
# (written from the rule in src/trace/interleave.h): pagesim's --workload and
# pagesim on the Python-merged trace must agree on every counter.
. "$(dirname "$0")/lib.sh"

dir=$(cd "$(dirname "$0")" && pwd)
cd "$work" || exit 1

# prog.trace: one process reads 2 code pages of "prog" and writes 1 bss page.
cat >prog.trace <<'T'
pagesim-trace 1
segment code 0x400000 0x2000 r-x file=prog offset=0
segment bss  0x600000 0x1000 rw- zero
X 0x400000 4
X 0x401000 4
W 0x600000 8
X 0x400010 4
T

# ---- the same program twice, quantum 1, 8 frames (fifo) ----
# Turns alternate record by record; A's process is 1, B's is 2:
#   1 X C0 file read   2 X C0 minor (cached by 1)   1 X C1 file read
#   2 X C1 minor       1 W B zero fill              2 W B zero fill (its own)
#   1 X C0 hit         2 X C0 hit
# refs 8, faults 6 = file_reads 2 + minor_faults 2 + zero_fills 2, hits 2,
# resident 4 (C0, C1, two bss pages), processes 2.
run_pagesim run --workload prog.trace,prog.trace --quantum 1 --policy fifo --frames 8 --output csv
printf '%s\n' "$out" >twice.csv
got=$(csv_project twice.csv refs,faults,file_reads,minor_faults,zero_fills,hits,resident,processes)
if [ "$status" -eq 0 ] && [ "$got" = "8,6,2,2,2,2,4,2" ]; then ok "the same program twice shares its code"
else not_ok "the same program twice shares its code" "status $status, got $got, expected 8,6,2,2,2,2,4,2" "$err"; fi
# Alone it reads both code pages itself: 4 refs, 3 faults, 2 file reads.
run_pagesim run prog.trace --policy fifo --frames 8 --output csv
printf '%s\n' "$out" >once.csv
got=$(csv_project once.csv refs,faults,file_reads,minor_faults)
if [ "$got" = "4,3,2,0" ]; then ok "the program alone"; else not_ok "the program alone" "got $got"; fi

# ---- the per-process report (--by-process) of the same run ----
# Reference k (0-based; a process exists from its first record): 0 1 A C0,
# 1 B C0, 2 A C1, 3 B C1, 4 A W, 5 B W, 6 A hit, 7 B hit. Frames mapped by
# A's PTEs just after each of its life's references 0..7: 1 1 2 2 3 3 3 3,
# mean 18/8 = 2.250; B's, references 1..7: 1 1 2 2 3 3 3, mean 15/7 =
# 2.143. Faults: A 3 = 1 zero fill + 2 file reads; B 3 = 1 zero fill + 2
# minor faults.
run_pagesim run --workload prog.trace,prog.trace --quantum 1 --policy fifo --frames 8 --by-process --output csv
printf '%s\n' "$out" >procs.csv
got=$(csv_project procs.csv pid,faults,zero_fills,file_reads,minor_faults,mean_resident,lifetime | tr '\n' ' ')
want="1,3,1,2,0,2.250,8 2,3,1,0,2,2.143,7 "
if [ "$status" -eq 0 ] && [ "$got" = "$want" ]; then ok "--by-process: faults by kind and mean resident set"
else not_ok "--by-process: faults by kind and mean resident set" "got $got" "expected $want" "$err"; fi
run_pagesim run --workload prog.trace,prog.trace --quantum 1 --policy fifo --frames 8 --by-process
if [[ "$out" == *"fifo, 8 frames, by process:"* ]] && [[ "$out" == *"mean resident"* ]]; then ok "--by-process text table"
else not_ok "--by-process text table" "$out"; fi
expect_error "--by-segment and --by-process in CSV" "--by-segment and --by-process print one breakdown each" \
	run prog.trace --by-segment --by-process --output csv

# ---- quantum 2 with 2 frames (fifo): the schedule decides the evictions ----
# Turns: A(X C0, X C1) B(X C0, X C1) A(W B, X C0) B(W B, X C0).
#   A: C0 file read f0; C1 file read f1                 [C0 C1]
#   B: C0 minor, C1 minor (both cached)                 [C0 C1]
#   A: W B: evict C0 (clean, dropped from A and B); zero fill f0   [C1 B_A]
#      X C0: evict C1 (clean, dropped); file read f1    [B_A C0]
#   B: W B: evict B_A (dirty: swap write); zero fill f0 [C0 B_B]
#      X C0: minor (f1, cached by A)                    [C0 B_B]
# refs 8, faults 8, file_reads 3, minor_faults 3, zero_fills 2,
# evictions 3 (1 dirty: swap_writes 1).
run_pagesim run --workload prog.trace,prog.trace --quantum 2 --policy fifo --frames 2 --output csv
printf '%s\n' "$out" >q2.csv
got=$(csv_project q2.csv refs,faults,file_reads,minor_faults,zero_fills,evictions,swap_writes)
if [ "$got" = "8,8,3,3,2,3,1" ]; then ok "quantum 2, 2 frames"
else not_ok "quantum 2, 2 frames" "got $got, expected 8,8,3,3,2,3,1" "$err"; fi

# ---- an event error in the second trace names its own FILE:LINE ----
cat >bad.trace <<'T'
pagesim-trace 1
segment code 0x400000 0x1000 r-x file=prog
X 0x400000 4
munmap 0x500000 0x1000
T
expect_error "error in the second trace" \
	"bad.trace:4: munmap [0x500000, 0x501000) is not inside one mapping of process 2" \
	run --workload prog.trace,bad.trace --quantum 1 --policy fifo --frames 8
expect_error "a missing trace" "nosuch.trace: " run --workload prog.trace,nosuch.trace
expect_error "--quantum without --workload" "--quantum: only with --workload" run prog.trace --quantum 5
expect_error "--quantum 0" '--quantum: expected a number of accesses >= 1, got "0"' \
	run --workload prog.trace --quantum 0
expect_error "an empty item" '--workload: empty item in "prog.trace,"' run --workload prog.trace,
expect_error "standard input" "--workload: traces must be files, not standard input" run --workload prog.trace,-
expect_error "a TRACE operand too" "run: --workload replaces the TRACE operand" run --workload prog.trace prog.trace

# ---- a workload in an experiment file ----
# The same counters as run --workload (the first test above), under the
# entry's name; a resumed sweep finds the cells done; a missing trace of a
# workload is named at its FILE:LINE:COLUMN.
cp prog.trace prog2.trace
cat >wl.yaml <<'T'
output: res/wl
traces:
  - {workload: [prog.trace, prog2.trace], quantum: 1, name: twice}
policies: [fifo]
frames: [8]
T
run_pagesim sweep wl.yaml --no-plot -j 1
got=$(csv_project res/wl/results.csv trace,refs,faults,file_reads,minor_faults,zero_fills,hits,resident,processes 2>&1)
if [ "$status" -eq 0 ] && [ "$got" = "twice,8,6,2,2,2,2,4,2" ]; then ok "an experiment's workload entry"
else not_ok "an experiment's workload entry" "status $status, got $got" "$err"; fi
cp res/wl/results.csv before.csv
run_pagesim sweep wl.yaml --no-plot -j 1 --resume
if [ "$status" -eq 0 ] && [[ "$err" != *"redone"* ]] && cmp -s res/wl/results.csv before.csv; then
	ok "a resumed workload sweep keeps its cells"
else not_ok "a resumed workload sweep keeps its cells" "status $status" "$err"; fi
# One of its traces changes (a 5th access): its cells are redone, 9 refs.
printf 'X 0x400020 4\n' >>prog2.trace
run_pagesim sweep wl.yaml --no-plot -j 1 --resume
got=$(csv_project res/wl/results.csv refs 2>&1)
if [ "$status" -eq 0 ] && [[ "$err" == *"twice: the trace changed since its cells were made"* ]] && [ "$got" = 9 ]; then
	ok "a changed trace of a workload redoes its cells"
else not_ok "a changed trace of a workload redoes its cells" "status $status, refs $got" "$err"; fi
# A workload's trace without records is named, as run --workload names
# it, after the entry's name.
: >empty.trace
cat >wlempty.yaml <<'T'
output: res/wlempty
traces:
  - {workload: [prog.trace, empty.trace], name: half}
policies: [fifo]
frames: [8]
T
run_pagesim sweep wlempty.yaml --no-plot -j 1
if [ "$status" -eq 0 ] && [[ "$err" == *"pagesim: warning: half: the workload's trace empty.trace holds no records"* ]]; then
	ok "a sweep names a workload's empty trace"
else not_ok "a sweep names a workload's empty trace" "status $status" "$err"; fi
cat >wlbad.yaml <<'T'
output: res/wlbad
traces:
  - {workload: [prog.trace, nosuch.trace]}
policies: [fifo]
frames: [8]
T
expect_error "a workload's missing trace" "wlbad.yaml:3:29: trace nosuch.trace: No such file or directory" \
	sweep wlbad.yaml --no-plot

# ---- the merge against an independent model, on random VM traces ----
if ! command -v python3 >/dev/null 2>&1; then
	echo "# skip: python3 is not installed (merge cross-check)"
else
	cols=refs,hits,faults,zero_fills,file_reads,swap_reads,minor_faults,cow_copies,cow_reuses
	cols=$cols,stack_growths,segfaults,ignored_refs,evictions,dirty_evictions,swap_writes,file_writes,resident,processes
	for seed in 1 2 3; do
		for q in 1 7 100; do
			name="seeds $seed,$((seed + 10)),$((seed + 20)) quantum $q"
			for s in $seed $((seed + 10)) $((seed + 20)); do
				python3 "$dir/gen_vm_trace.py" --seed "$s" --records 400 -o "g$s.trace"
			done
			python3 "$dir/merge_model.py" --quantum "$q" "g$seed.trace" "g$((seed + 10)).trace" \
				"g$((seed + 20)).trace" >merged.trace
			"$PAGESIM" run merged.trace --policy fifo,clock --frames 4,16 --output csv >m.csv 2>m.err
			"$PAGESIM" run --workload "g$seed.trace,g$((seed + 10)).trace,g$((seed + 20)).trace" --quantum "$q" \
				--policy fifo,clock --frames 4,16 --output csv >w.csv 2>w.err
			if [ -s m.csv ] && [ "$(csv_project m.csv "$cols")" = "$(csv_project w.csv "$cols")" ]; then
				ok "$name: --workload = the model's merge"
			else
				not_ok "$name: --workload = the model's merge" "$(head -n 3 m.err w.err)" \
					"model: $(csv_project m.csv "$cols" | head -n 1)" "pagesim: $(csv_project w.csv "$cols" | head -n 1)"
			fi
		done
	done
fi

finish
