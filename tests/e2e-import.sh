#!/usr/bin/env bash
# e2e-import.sh - Valgrind logs to native traces (scripts/vglog-to-trace,
# issue 14) and the native capture of scripts/capture-trace:
#   1. checked-in excerpts of real Valgrind 3.19 logs of tests/data/vmdemo.c
#      (tests/data/vglog: the -d debug output with the startup layout, the
#      parent's and the child's logs, cut to a few records each, record
#      addresses moved into the mappings) convert to the hand-derived
#      tests/data/vglog/vmdemo-q2.expected, and that trace replays with
#      counts derived by hand;
#   2. the merge order under another quantum;
#   3. bad logs: one "vglog-to-trace: FILE:LINE: reason" line, exit 2, no
#      output file; then mutated logs never crash the converter;
#   4. an end-to-end capture of vmdemo (needs valgrind and a C compiler)
#      with counts that follow from the program's code.
. "$(dirname "$0")/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
	echo "# skip: python3 is not installed"
	exit 77
fi
src=$(cd "$(dirname "$0")/.." && pwd)
conv=$src/scripts/vglog-to-trace
vg=$TESTDATA/vglog
logs=("$vg/vmdemo.14216" "$vg/vmdemo.14307")

# csv_value CSV COLUMN: the value of COLUMN in the second line of CSV.
csv_value() {
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } NR == 2 { print $c }' <<<"$1"
}

# --- 1. the excerpts ------------------------------------------------------
"$conv" --quantum 2 --debug "$vg/vmdemo.debug" "${logs[@]}" >"$work/q2.trace" 2>"$work/q2.err"
if [ $? -eq 0 ] && diff -u "$vg/vmdemo-q2.expected" "$work/q2.trace" >"$work/q2.diff"; then
	ok "excerpts convert to the hand-derived trace (layout, mmap by fd, MAP_FIXED, hole munmap, mprotect, brk, fork, exit)"
else
	not_ok "excerpt conversion" "$(cat "$work/q2.err")" "$(head -20 "$work/q2.diff")"
fi

# The expected trace replayed, 16 frames (no eviction), derived by hand:
#   process 1: X ld.so code page 0x4001a (file read), W stack (zero fill),
#   M on the shared mapping (file read, then a hit writing it), munmap of
#   it (1 file write), R of the private mapping (file read), X page 0x401b
#   (file read), W heap 0x4035 (zero fill), fork, X, X on 0x401b (hits);
#   process 2: X 0x401b (hit: the child shares the present page), W heap
#   0x4035 (shared with the parent: a copy-on-write copy); process 1: X
#   (hit), exit; process 2: W heap 0x4036 (never touched: zero fill), X
#   (hit), exit.
# refs 14 (9 + 2 + 1 + 2), faults 8 = file_reads 4 + zero_fills 3 +
# cow_copies 1, hits 6, file_writes 1 (the private page was only read).
run_pagesim run --frames 16 --output csv "$vg/vmdemo-q2.expected"
want="refs=14 faults=8 hits=6 file_reads=4 zero_fills=3 cow_copies=1 cow_reuses=0 file_writes=1 segfaults=0 processes=2"
bad=
for kv in $want; do
	got=$(csv_value "$out" "${kv%%=*}")
	[ "$got" = "${kv#*=}" ] || bad="$bad ${kv%%=*}: expected ${kv#*=}, got '$got';"
done
if [ "$status" -eq 0 ] && [ -z "$bad" ]; then
	ok "the converted excerpt replays with the hand-derived counts"
else
	not_ok "replay of the converted excerpt" "status $status;$bad" "$err"
fi

# --- 2. merge order under a large quantum: the parent runs until its log
# ends (its 7 access lines are fewer than 1000), the child only then.
"$conv" --quantum 1000 --debug "$vg/vmdemo.debug" "${logs[@]}" >"$work/q1000.trace" 2>/dev/null
order=$(grep -E '^(fork|exit|process)' "$work/q1000.trace" | cut -d' ' -f1-3 | tr '\n' ';')
if [ "$order" = "process 1;fork 1 2;exit 1 ;process 2;exit 2 ;" ]; then
	ok "quantum 1000: the parent runs to its exit, then the child"
else
	not_ok "merge order with quantum 1000" "got: $order"
fi

# --- 3. bad logs ----------------------------------------------------------
# expect_refusal NAME PATTERN ARGS...: exit 2, one stderr line matching
# PATTERN (an extended regex), no output file.
expect_refusal() {
	local name=$1 pattern=$2 st
	shift 2
	rm -f "$work/bad.trace"
	"$conv" -o "$work/bad.trace" "$@" >"$work/bad.out" 2>"$work/bad.err"
	st=$?
	if [ "$st" -eq 2 ] && [ "$(wc -l <"$work/bad.err")" -eq 1 ] && grep -qE "$pattern" "$work/bad.err" &&
		[ ! -e "$work/bad.trace" ] && [ -z "$(ls "$work" | grep 'bad.trace.tmp')" ]; then
		ok "$name: $(cat "$work/bad.err")"
	else
		not_ok "$name" "status $st (expected 2)" "$(head -3 "$work/bad.err")"
	fi
}

head -n 30 "$vg/vmdemo.14216" >"$work/trunc.14216"
expect_refusal "truncated log" "^vglog-to-trace: $work/trunc.14216:30: the log ends before Valgrind's final 'Exit code:' summary" \
	--debug "$vg/vmdemo.debug" "$work/trunc.14216" "$vg/vmdemo.14307"

{ head -n 11 "$vg/vmdemo.14216"; printf 'I  0401b3'; } >"$work/cut.14216"
expect_refusal "log cut inside a record" "cut.14216:12: a cut or malformed lackey record" \
	--debug "$vg/vmdemo.debug" "$work/cut.14216"

grep -v aspacem "$vg/vmdemo.debug" >"$work/nolayout.debug"
expect_refusal "no startup layout" "nolayout.debug: no 'Memory layout at client startup' of pid 14216 \(capture with valgrind -d" \
	--debug "$work/nolayout.debug" "${logs[@]}"

sed '1s/Lackey, an example Valgrind tool/Memcheck, a memory error detector/' "$vg/vmdemo.14216" >"$work/memcheck.14216"
expect_refusal "a log of another tool" "memcheck.14216:1: a log of Valgrind's Memcheck tool, not lackey" \
	--debug "$vg/vmdemo.debug" "$work/memcheck.14216" "$vg/vmdemo.14307"

printf 'pagesim-trace 1\nR 0x1000\n' >"$work/native.trace"
expect_refusal "not a Valgrind log" "native.trace:1: not a Valgrind log" "$work/native.trace"

expect_refusal "a fork whose child has no log" "vmdemo.14216:33: process 14216 created child 14307, but no log of 14307 was given" \
	--debug "$vg/vmdemo.debug" "$vg/vmdemo.14216"

sed 's/sys_mmap ( 0x0, 16384, 3, 1, 4, 0 )/sys_mmap ( 0x0, 16384, 3, 1, 7, 0 )/' "$vg/vmdemo.14216" >"$work/fd.14216"
expect_refusal "mmap of a descriptor never opened" "fd.14216:21: mmap of file descriptor 7, which no open or openat of the log opened" \
	--debug "$vg/vmdemo.debug" "$work/fd.14216" "$vg/vmdemo.14307"

sed 's/^SYSCALL\[14216,1\](3) sys_close ( 4 ).*/SYSCALL[14216,1](30) sys_shmat ( 3, 0x0, 0 ) --> [pre-success] Success(0x5000000) /' \
	"$vg/vmdemo.14216" >"$work/shm.14216"
expect_refusal "System V shared memory" "shm.14216:28: shmat: System V shared memory is not modeled" \
	--debug "$vg/vmdemo.debug" "$work/shm.14216" "$vg/vmdemo.14307"

sed 's/^SYSCALL\[14216,1\](56) sys_clone ( 1200011.*/SYSCALL[14216,1](56) sys_clone ( 3d0f00, 0x5000000, 0x0, 0x0, 0x0 ) --> [pre-success] Success(0x37e4) /' \
	"$vg/vmdemo.14216" >"$work/thread.14216"
expect_refusal "a thread" "thread.14216:33: a clone that shares the address space \(a thread\): threads are not modeled" \
	--debug "$vg/vmdemo.debug" "$work/thread.14216"

# Mutated logs (lines dropped, duplicated or cut short, bytes changed):
# every run ends with status 0 or 2, never a Python traceback. One Python
# process writes them all (seeded, so a failure is reproducible).
nmut=${IMPORT_MUTATIONS:-40}
python3 - "$vg/vmdemo.14216" "$work/mut" "$nmut" <<'EOF'
import random, sys
orig = open(sys.argv[1], "rb").read().split(b"\n")
for seed in range(1, int(sys.argv[3]) + 1):
    lines, r = list(orig), random.Random(seed)
    for _ in range(r.randint(1, 4)):
        i = r.randrange(len(lines))
        what = r.randrange(4)
        if what == 0:
            del lines[i]
        elif what == 1:
            lines.insert(i, lines[r.randrange(len(lines))])
        elif what == 2:
            lines[i] = lines[i][: r.randrange(len(lines[i]) + 1)]
        elif lines[i]:
            j = r.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + bytes([r.randrange(256)]) + lines[i][j + 1:]
    open("%s.%d" % (sys.argv[2], seed), "wb").write(b"\n".join(lines))
EOF
crashes=0
for seed in $(seq 1 "$nmut"); do
	"$conv" --debug "$vg/vmdemo.debug" "$work/mut.$seed" "$vg/vmdemo.14307" >/dev/null 2>"$work/mut.err"
	st=$?
	if { [ "$st" -ne 0 ] && [ "$st" -ne 2 ]; } || grep -q Traceback "$work/mut.err"; then
		crashes=$((crashes + 1))
		cp "$work/mut.$seed" "$work/crash.$seed"
	fi
done
if [ "$crashes" -eq 0 ]; then
	ok "$nmut mutated logs: each converted or refused, no crash"
else
	not_ok "mutated logs" "$crashes crashed (kept as $work/crash.SEED)"
fi

# --- 4. a real capture of vmdemo --------------------------------------------
cc=${CC:-cc}
if ! command -v valgrind >/dev/null 2>&1 || ! command -v zstd >/dev/null 2>&1 || ! command -v "$cc" >/dev/null 2>&1; then
	echo "# skip: the end-to-end capture needs valgrind, zstd and a C compiler"
else
	mkdir -p "$work/vmdemo"
	if ! "$cc" -O1 -o "$work/vmdemo/vmdemo" "$TESTDATA/vmdemo.c" 2>"$work/cc.err"; then
		not_ok "compiling vmdemo.c" "$(head -3 "$work/cc.err")"
	elif ! (cd "$work/vmdemo" && "$src/scripts/capture-trace" -q --quantum 100 -o vmdemo.trace.zst -- ./vmdemo) 2>"$work/cap.err"; then
		not_ok "capture of vmdemo" "$(tail -3 "$work/cap.err")"
	else
		ok "capture of vmdemo: $(tail -1 "$work/cap.err")"
		# 4096 frames: nothing is evicted, so every count is the program's.
		run_pagesim run --frames 4096 --output csv "$work/vmdemo/vmdemo.trace.zst"
		total=$out
		run_pagesim run --frames 4096 --by-segment --output csv "$work/vmdemo/vmdemo.trace.zst"
		seg=$out
		# segment_value PID SEGMENT COLUMN
		segment_value() {
			awk -F, -v pid="$1" -v seg="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
				NR > 1 && $4 == pid && $5 == seg { print $c }' <<<"$seg"
		}
		dat="mmap $work/vmdemo/vmdemo.dat"
		bad=
		# The 3 pages of the shared mapping written are written back once
		# each, at its munmap; no other shared file mapping, no eviction.
		[ "$(csv_value "$total" file_writes)" = 3 ] || bad="$bad file_writes $(csv_value "$total" file_writes) (expected 3);"
		# vmdemo.dat: 3 shared pages + 1 private page written, each first
		# read from the file.
		[ "$(segment_value 1 "$dat" file_reads)" = 4 ] || bad="$bad vmdemo.dat file_reads $(segment_value 1 "$dat" file_reads) (expected 4);"
		# The heap: 5 pages by brk, all written by memset: 5 zero fills.
		[ "$(segment_value 1 heap zero_fills)" = 5 ] || bad="$bad heap zero_fills $(segment_value 1 heap zero_fills) (expected 5);"
		# The child writes 2 heap pages the parent (waiting) still maps:
		# 2 copies, and no other heap fault.
		[ "$(segment_value 2 heap cow_copies)" = 2 ] || bad="$bad child heap cow_copies $(segment_value 2 heap cow_copies) (expected 2);"
		[ "$(segment_value 2 heap faults)" = 2 ] || bad="$bad child heap faults $(segment_value 2 heap faults) (expected 2);"
		# grow_stack touches 64 pages top down: each one below the stack's
		# bottom grows it; the startup stack (3 pages under Valgrind) and
		# what the loader used can hold at most 8 of them.
		growths=$(segment_value 1 stack stack_growths)
		[ "${growths:-0}" -ge 56 ] && [ "${growths:-0}" -le 64 ] || bad="$bad stack_growths $growths (expected 56..64);"
		[ "$(csv_value "$total" processes)" = 2 ] || bad="$bad processes $(csv_value "$total" processes) (expected 2);"
		[ "$(csv_value "$total" segfaults)" = 0 ] || bad="$bad segfaults $(csv_value "$total" segfaults) (expected 0);"
		if [ -z "$bad" ]; then
			ok "vmdemo's replay: 3 write-backs, 4 file reads, 5 heap zero fills, 2 child COW copies, $growths stack growths"
		else
			not_ok "vmdemo's replay" "$bad"
		fi
	fi
fi

finish
