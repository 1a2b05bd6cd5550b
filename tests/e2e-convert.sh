#!/usr/bin/env bash
# e2e-convert.sh - `pagesim convert`: every shipped trace, converted to the
# binary format (plain, zstd, gzip), replays exactly as the original, from
# a file and from standard input; standard output works; errors are one
# line, exit 2, and leave no output file behind; version 1 and 2 files
# still read (--binary-version 2 writes version 2); a native trace with VM
# events converts losslessly (event records), and damaged events and
# damaged version-3 codings name their record.
. "$(dirname "$0")/lib.sh"
shopt -s extglob

# The columns that must agree: everything but the trace name (field 1).
results() { "$PAGESIM" run "$@" --policy all --frames 16,64 --output csv | cut -d, -f2-; }

# no_leftovers NAME: nothing but the inputs of this test in $work/dest.
no_leftovers() {
	local left
	left=$(find "$work/dest" -mindepth 1 -print)
	if [ -z "$left" ]; then ok "$1"; else not_ok "$1" "left behind: $left"; fi
}

# records FILE...: the record count pagesim decode reports.
records() { "$PAGESIM" decode "$@" | sed -n 's/.*: \([0-9][0-9]*\) records.*/\1/p'; }

for t in "$TRACES"/*; do
	name=$(basename "$t")
	case $name in *.md) continue ;; esac
	bin=$work/$name.bin
	results "$t" >"$work/expect.csv"
	want=$(records "$t")

	"$PAGESIM" convert "$t" "$bin" 2>"$work/summary"
	status=$?
	summary=$(cat "$work/summary")
	# A trace with events (the native captures) says how many; each event
	# takes 1 + K records in the file (K payload records, FORMAT.md).
	if [ "$status" -eq 0 ] && [[ $summary == "convert: $t ("*") -> $bin: $want records"?(" ("+([0-9])" events)")", $(stat -c %s "$bin") bytes" ]] &&
		[ "$(wc -l <"$work/summary")" -eq 1 ]; then
		ok "$name: converted, one-line summary"
	else
		not_ok "$name: converted, one-line summary" "summary: $summary"
	fi
	# Version 3 by default; version 2 on request: 16 bytes a record (an
	# event takes more than one).
	"$PAGESIM" convert "$t" "$bin.v2" --binary-version 2 2>/dev/null
	size=$(stat -c %s "$bin.v2")
	if [[ $summary == *" events)"* ]]; then
		exact=$(( (size - 32) % 16 == 0 && size >= 32 + 16 * want ))
	else
		exact=$(( size == 32 + 16 * want ))
	fi
	if [ "$(head -c 8 "$bin")" = PGSIMBIN ] && [ "$(od -An -tu1 -j8 -N1 "$bin" | tr -d ' ')" = 3 ] &&
		[ "$(od -An -tu1 -j8 -N1 "$bin.v2" | tr -d ' ')" = 2 ] && [ "$exact" -eq 1 ]; then
		ok "$name: version 3; --binary-version 2 is a 32-byte header and 16 bytes a record"
	else
		not_ok "$name: version 3; --binary-version 2 is a 32-byte header and 16 bytes a record" \
			"$(stat -c %s "$bin.v2") bytes for $want records"
	fi
	results "$bin.v2" >"$work/got.csv"
	expect_same "$name.bin.v2 replays as the original" "$work/expect.csv" "$work/got.csv"
	"$PAGESIM" convert "$bin" "$work/back.v2" --binary-version 2 2>/dev/null
	"$PAGESIM" convert "$bin.v2" "$work/back.v3" 2>/dev/null
	if cmp -s "$work/back.v2" "$bin.v2" && cmp -s "$work/back.v3" "$bin"; then
		ok "$name: version 3 to 2 and 2 to 3 give the same files as the original"
	else
		not_ok "$name: version 3 to 2 and 2 to 3 give the same files as the original"
	fi
	if "$PAGESIM" decode "$bin" | grep -q "(binary): $want records"; then ok "$name: decode says binary"
	else not_ok "$name: decode says binary" "$("$PAGESIM" decode "$bin" 2>&1)"; fi

	results "$bin" >"$work/got.csv"
	expect_same "$name.bin replays as the original" "$work/expect.csv" "$work/got.csv"
	"$PAGESIM" convert "$t" "$bin.zst" 2>/dev/null
	results "$bin.zst" >"$work/got.csv"
	expect_same "$name.bin.zst replays as the original" "$work/expect.csv" "$work/got.csv"
	results - <"$bin.zst" >"$work/got.csv"
	expect_same "$name.bin.zst from standard input (opt spools it)" "$work/expect.csv" "$work/got.csv"
	"$PAGESIM" convert "$t" "$bin.gz" 2>/dev/null
	if gzip -dc "$bin.gz" | cmp -s - "$bin" && zstd -qdc "$bin.zst" | cmp -s - "$bin"; then
		ok "$name: .bin.gz and .bin.zst hold the same bytes as .bin"
	else
		not_ok "$name: .bin.gz and .bin.zst hold the same bytes as .bin"
	fi
	# Binary in, binary out: the same bytes; and --format binary reads it.
	"$PAGESIM" convert "$bin.zst" "$work/again.bin" --format binary 2>/dev/null
	if cmp -s "$work/again.bin" "$bin"; then ok "$name: binary to binary is the identity"
	else not_ok "$name: binary to binary is the identity"; fi
done

# Standard input and standard output.
t=$TRACES/sort-1k.addr-rw
"$PAGESIM" convert "$t" "$work/ref.bin" 2>/dev/null
"$PAGESIM" convert - - <"$t" >"$work/piped.bin" 2>"$work/summary"
if cmp -s "$work/piped.bin" "$work/ref.bin" && grep -q '^convert: <stdin> (addr-rw) -> <stdout>: ' "$work/summary"; then
	ok "convert - - (standard input to standard output)"
else
	not_ok "convert - - (standard input to standard output)" "$(cat "$work/summary")"
fi
zstd -qc "$t" | "$PAGESIM" convert - "$work/piped2.bin" 2>/dev/null
if cmp -s "$work/piped2.bin" "$work/ref.bin"; then ok "compressed standard input"; else not_ok "compressed standard input"; fi
"$PAGESIM" convert "$work/ref.bin" - 2>/dev/null | "$PAGESIM" run - --policy lru,opt --frames 8 --output csv |
	cut -d, -f2- >"$work/got.csv"
"$PAGESIM" run "$t" --policy lru,opt --frames 8 --output csv | cut -d, -f2- >"$work/expect.csv"
expect_same "a binary trace through a pipe" "$work/expect.csv" "$work/got.csv"

# The pages format becomes byte addresses with the page size of the conversion.
"$PAGESIM" convert "$TRACES/silberschatz.pages" "$work/s8k.bin" --page-size 8K 2>/dev/null
"$PAGESIM" run "$TRACES/silberschatz.pages" --page-size 8K --policy all --frames 3 --output csv | cut -d, -f2- >"$work/expect.csv"
"$PAGESIM" run "$work/s8k.bin" --page-size 8K --policy all --frames 3 --output csv | cut -d, -f2- >"$work/got.csv"
expect_same "pages converted with --page-size 8K" "$work/expect.csv" "$work/got.csv"

# Errors: one line, exit 2, and nothing left in the output directory.
mkdir -p "$work/dest"
expect_error "convert: missing input" "pagesim: convert: $work/nope: No such file or directory" \
	convert "$work/nope" "$work/dest/x.bin"
no_leftovers "missing input: no output"
{
	echo "pagesim-trace 1"
	for ((i = 0; i < 3000; i++)); do echo "R $((i * 4096))"; done
	echo "Q 12"
} >"$work/bad.trace"
expect_error "convert: bad line" "pagesim: convert: $work/bad.trace:3002: expected R, W, X, M or process" \
	convert "$work/bad.trace" "$work/dest/x.bin.zst"
no_leftovers "bad line: no output, no temporary file"
expect_error "convert: one argument" "convert: expected IN and OUT" convert "$t"
expect_error "convert: three arguments" "convert: expected IN and OUT" convert "$t" a b
expect_error "convert: unknown option" 'convert: unknown option "--frobnicate"' convert "$t" "$work/dest/x.bin" --frobnicate
expect_error "convert: bad --va-bits" '--va-bits: expected 32 or 48, got "40"' convert "$t" "$work/dest/x.bin" --va-bits 40
expect_error "convert: output directory missing" "cannot create $work/dest/no/x.bin: No such file" convert "$t" "$work/dest/no/x.bin"
no_leftovers "usage errors: no output"
expect_error "--format binary on a text trace" \
	"pagesim: $t: not a binary trace (it does not start with \"PGSIMBIN\")" decode "$t" --format binary

# Damaged binary traces (version 2: records at fixed offsets).
"$PAGESIM" convert "$t" "$work/ref.bin" --binary-version 2 2>/dev/null
cp "$work/ref.bin" "$work/v4.bin"
printf '\004' | dd of="$work/v4.bin" bs=1 seek=8 conv=notrunc status=none
expect_error "version 4" "pagesim: $work/v4.bin: unsupported binary trace version 4 (this pagesim reads versions 1 to 3)" \
	run "$work/v4.bin" --policy lru --frames 4
cp "$work/ref.bin" "$work/rs.bin"
printf '\030' | dd of="$work/rs.bin" bs=1 seek=16 conv=notrunc status=none
expect_error "record size 24" "$work/rs.bin: binary trace record size 24 is not supported (version 2 records are 16 bytes)" \
	decode "$work/rs.bin"
# Version 1 files (no events) are still read: the same records.
cp "$work/ref.bin" "$work/v1.bin"
printf '\001' | dd of="$work/v1.bin" bs=1 seek=8 conv=notrunc status=none
"$PAGESIM" run "$work/v1.bin" --policy lru,opt --frames 8 --output csv | cut -d, -f2- >"$work/got.csv"
"$PAGESIM" run "$t" --policy lru,opt --frames 8 --output csv | cut -d, -f2- >"$work/expect.csv"
expect_same "a version 1 file reads as before" "$work/expect.csv" "$work/got.csv"
n=$(records "$work/ref.bin")
head -c $((32 + 16 * n - 3)) "$work/ref.bin" >"$work/cut.bin"
expect_error "truncated last record" \
	"pagesim: $work/cut.bin: record $n: truncated record (the input ends after 13 of its 16 bytes)" \
	run "$work/cut.bin" --policy fifo --frames 4 --skip-bad
cp "$work/ref.bin" "$work/op.bin"
printf '\007' | dd of="$work/op.bin" bs=1 seek=$((32 + 16 * 9 + 14)) conv=notrunc status=none
expect_error "unknown operation" \
	"pagesim: $work/op.bin: record 10: unknown operation 7 (version 2 has 0 read, 1 write, 2 fetch and 3 event; 4..255 are reserved)" \
	run "$work/op.bin" --policy fifo --frames 4
printf '\003' | dd of="$work/op.bin" bs=1 seek=$((32 + 16 * 9 + 14)) conv=notrunc status=none
expect_error "an event in a file without the events flag" \
	"pagesim: $work/op.bin: record 10: an event record (operation 3) in a trace whose header does not declare events (flag 0x1)" \
	decode "$work/op.bin"

# An address beyond --va-bits: an error naming the record, or skipped.
printf 'pagesim-trace 1\nR 0x1000 4\nW 0x100000000 8\nR 0x2000 4\n' >"$work/high.trace"
"$PAGESIM" convert "$work/high.trace" "$work/high.bin.zst" 2>/dev/null
expect_error "address beyond va_bits" \
	"pagesim: $work/high.bin.zst: record 2: address 0x100000000 is beyond the 32-bit virtual address space" \
	run "$work/high.bin.zst" --va-bits 32 --policy fifo --frames 4
"$PAGESIM" run "$work/high.bin.zst" --va-bits 32 --policy fifo --frames 4 --output csv --skip-bad >"$work/run.csv" 2>"$work/stderr"
row=$(tail -n 1 "$work/run.csv")
if [[ $row == *,fifo,4,4096,1,2,2,0,0,* ]] && grep -q 'skipped 1 malformed' "$work/stderr" &&
	grep -q 'record 2: address 0x100000000' "$work/stderr"; then
	ok "--skip-bad skips the record"
else
	not_ok "--skip-bad skips the record" "row: $row" "stderr: $(cat "$work/stderr")"
fi
expect_error "convert refuses it too" "pagesim: convert: $work/high.trace:3: address 0x100000000 is beyond the 32-bit" \
	convert "$work/high.trace" "$work/dest/high.bin" --va-bits 32
"$PAGESIM" convert "$work/high.trace" "$work/dest/high.bin" --va-bits 32 --skip-bad 2>"$work/stderr"
if [ "$(records "$work/dest/high.bin")" = 2 ] && grep -q 'skipped 1 malformed line' "$work/stderr"; then
	ok "convert --skip-bad drops the line and says so"
else
	not_ok "convert --skip-bad drops the line and says so" "$(cat "$work/stderr")"
fi

# VM events: native -> binary is lossless (decode counts, replay), the
# header says "may hold events", and damaged event payloads name their record.
cat >"$work/vm.trace" <<'EOF'
pagesim-trace 1
process 1
segment code  0x08048000 0x3000 r-x file=a.out offset=0
segment data  0x0804b000 0x1000 rw- file=a.out offset=0x3000
segment bss   0x0804c000 0x2000 rw- zero
segment stack 0xbfffe000 0x2000 rw- stack max=0x800000
mmap   0x40000000 0x4000 rw- shared file=data.bin offset=0
mmap   0x50000000 0x2000 rw- private file=data.bin
mmap   0x60000000 0x10000 rw- anon
R 0x08048010
W 0x40000008
X 0x08048020
munmap 0x40000000 0x1000
brk    0x0804e000
fork   1 2
process 2
exit   2
EOF
"$PAGESIM" convert "$work/vm.trace" "$work/vm.bin" 2>"$work/summary"
# Version 3: the 11 events are written verbatim, 17 bytes a record (a tag
# and the 16 bytes of version 2): 4 segments of 4 payload records (48
# fixed bytes and the name and file name: "code" + "a.out" is 57 bytes,
# 4 records), 2 file mmaps of 4 (48 + "data.bin"), an anon mmap, munmap,
# brk, fork and exit of 3: 6 * 5 + 5 * 4 = 50 records, 850 bytes. The 3
# accesses (size 1, pid 1) are a tag and varints: R 0x08048010 has the pid
# (1 byte) and a delta from 0 (zigzag 0x10090020, 29 bits: 5 bytes) = 7;
# W 0x40000008 a delta from 0x08048011 (zigzag 0x6ff6ffee, 31 bits: 5) = 6;
# X 0x08048020 a delta from fetch's 0 (zigzag 0x10090040: 5) = 6. 32 + 850
# + 19 = 901. Version 2 is 32 + 16 * 53 = 880.
"$PAGESIM" convert "$work/vm.trace" "$work/vm-v2.bin" --binary-version 2 2>"$work/summary2"
if [ "$(cat "$work/summary")" = "convert: $work/vm.trace (native) -> $work/vm.bin: 14 records (11 events), 901 bytes" ] &&
	[ "$(cat "$work/summary2")" = "convert: $work/vm.trace (native) -> $work/vm-v2.bin: 14 records (11 events), 880 bytes" ]; then
	ok "events: converted, counted in the summary"
else
	not_ok "events: converted, counted in the summary" "$(cat "$work/summary" "$work/summary2")"
fi
if [ "$(od -An -tu1 -j20 -N1 "$work/vm.bin" | tr -d ' ')" = 1 ]; then ok "events: the header flag is set"
else not_ok "events: the header flag is set" "$(od -An -tx1 -N32 "$work/vm.bin")"; fi
"$PAGESIM" decode "$work/vm.trace" | sed 's/^trace [^ ]* ([a-z]*)//' >"$work/expect.txt"
"$PAGESIM" decode "$work/vm.bin" | sed 's/^trace [^ ]* ([a-z]*)//' >"$work/got.txt"
expect_same "events: the binary decodes as the native trace" "$work/expect.txt" "$work/got.txt"
if grep -q '^events: 4 segment, 3 mmap, 1 munmap, 1 brk, 1 fork, 1 exit, 0 mprotect$' "$work/got.txt"; then ok "events: decode counts them by kind"
else not_ok "events: decode counts them by kind" "$(cat "$work/got.txt")"; fi
"$PAGESIM" convert "$work/vm.bin" "$work/vm2.bin.zst" 2>/dev/null
if zstd -qdc "$work/vm2.bin.zst" | cmp -s - "$work/vm.bin"; then ok "events: binary to binary is the identity"
else not_ok "events: binary to binary is the identity"; fi
# The replay sees the same trace either way (whatever the machine makes of it).
"$PAGESIM" run "$work/vm.trace" --policy fifo,lru --frames 2,8 --output csv >"$work/expect.csv" 2>"$work/expect.err"
st1=$?
"$PAGESIM" run "$work/vm.bin" --policy fifo,lru --frames 2,8 --output csv >"$work/got.csv" 2>"$work/got.err"
st2=$?
cut -d, -f2- "$work/expect.csv" >"$work/expect.cut"
cut -d, -f2- "$work/got.csv" >"$work/got.cut"
if [ "$st1" = "$st2" ] && cmp -s "$work/expect.cut" "$work/got.cut"; then ok "events: run replays the binary as the native trace"
else not_ok "events: run replays the binary as the native trace" "exit $st1 vs $st2" "$(cat "$work/expect.err" "$work/got.err")"; fi
# The payload of the first event (record 1) says its name is 64 bytes
# long: payload byte 39, in version 2 at 32 + 16 + 39, in version 3 in the
# third payload record (the fourth verbatim record, its 16 bytes after its
# tag) at 32 + 3 * 17 + 1 + 39 - 32 = 91.
for v in 2 3; do
	if [ $v = 2 ]; then src=$work/vm-v2.bin at=$((32 + 16 + 39)); else src=$work/vm.bin at=91; fi
	cp "$src" "$work/vm-bad.bin"
	printf '\100' | dd of="$work/vm-bad.bin" bs=1 seek=$at conv=notrunc status=none
	expect_error "events (version $v): a bad payload names its record" \
		"pagesim: $work/vm-bad.bin: record 1: event payload: name length 64 (at most 63)" decode "$work/vm-bad.bin"
	"$PAGESIM" decode "$work/vm-bad.bin" --skip-bad >"$work/out.txt" 2>/dev/null
	if grep -q ': 13 records' "$work/out.txt" && grep -q '^events: 3 segment' "$work/out.txt" &&
		grep -q '1 malformed line skipped; the first: .*record 1: event payload' "$work/out.txt"; then
		ok "events (version $v): --skip-bad skips the bad event whole"
	else
		not_ok "events (version $v): --skip-bad skips the bad event whole" "$(cat "$work/out.txt")"
	fi
done
# Cut inside the first event's payload: version 2 after 52 of its 64 bytes
# (100 = 32 + 16 + 52); version 3 inside its fourth payload record (32 +
# 17 + 3 * 17 + 5 = 105), after 3 whole records, 48 bytes.
head -c 100 "$work/vm-v2.bin" >"$work/vm-cut.bin"
expect_error "events (version 2): a payload cut short" \
	"pagesim: $work/vm-cut.bin: record 1: truncated event (the input ends after 52 of its 64 payload bytes)" \
	decode "$work/vm-cut.bin" --skip-bad
head -c 105 "$work/vm.bin" >"$work/vm-cut.bin"
expect_error "events (version 3): a payload cut short" \
	"pagesim: $work/vm-cut.bin: record 1: truncated event (the input ends after 48 of its 64 payload bytes)" \
	decode "$work/vm-cut.bin" --skip-bad

# Version 2 files made by an earlier pagesim (checked in: tests/data/*.v2.bin)
# read as their text, and --binary-version 2 still writes the same bytes.
"$PAGESIM" decode "$TESTDATA/vm-events.v2.bin" | sed 's/^trace [^ ]* ([a-z]*)//' >"$work/got.txt"
"$PAGESIM" decode "$work/vm.trace" | sed 's/^trace [^ ]* ([a-z]*)//' >"$work/expect.txt"
expect_same "a checked-in version 2 file with events decodes as its text" "$work/expect.txt" "$work/got.txt"
results "$TESTDATA/belady.v2.bin" >"$work/got.csv"
results "$TRACES/belady.pages" >"$work/expect.csv"
expect_same "a checked-in version 2 file replays as its text" "$work/expect.csv" "$work/got.csv"
"$PAGESIM" convert "$TRACES/belady.pages" "$work/belady.v2.bin" --binary-version 2 2>/dev/null
if cmp -s "$work/vm-v2.bin" "$TESTDATA/vm-events.v2.bin" && cmp -s "$work/belady.v2.bin" "$TESTDATA/belady.v2.bin"; then
	ok "--binary-version 2 writes what an earlier pagesim wrote"
else
	not_ok "--binary-version 2 writes what an earlier pagesim wrote"
fi

# Version 3 by hand (traces/FORMAT.md): R 0x1000 1 with pid 1 and a delta
# of +0x1000 (c4 01 80 40), X 0x2000 4 (92 80 80 01: delta +0x2000 from 0),
# X 0x2004 4 (12: no delta), and a run of 2 more (17): 5 records.
v3_header='PGSIMBIN\003\0\0\0\040\0\0\0\020\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
printf "$v3_header"'\304\001\200\100\222\200\200\001\022\027' >"$work/hand.bin"
printf 'pagesim-trace 1\nR 0x1000 1\nX 0x2000 4\nX 0x2004 4\nX 0x2004 4\nX 0x2004 4\n' >"$work/hand.trace"
"$PAGESIM" decode "$work/hand.bin" | sed 's/^trace [^ ]* ([a-z]*)//' >"$work/got.txt"
"$PAGESIM" decode "$work/hand.trace" | sed 's/^trace [^ ]* ([a-z]*)//' >"$work/expect.txt"
expect_same "version 3 by hand decodes as its text" "$work/expect.txt" "$work/got.txt"
"$PAGESIM" convert "$work/hand.trace" "$work/hand2.bin" 2>/dev/null
# (its header differs in flag 0x1 only: a native trace may hold events)
if cmp -s <(tail -c +33 "$work/hand.bin") <(tail -c +33 "$work/hand2.bin"); then ok "convert writes those codes"
else not_ok "convert writes those codes" "$(od -An -tx1 "$work/hand2.bin")"; fi
cp "$work/hand.bin" "$work/hand-cut.bin"
printf '\304\001\200' >>"$work/hand-cut.bin"
expect_error "version 3: a record cut by the end of the file" \
	"pagesim: $work/hand-cut.bin: record 6: truncated record (the input ends 3 bytes into its coding)" \
	run "$work/hand-cut.bin" --policy fifo --frames 4 --skip-bad
cp "$work/hand.bin" "$work/hand-bad.bin"
printf '\013' >>"$work/hand-bad.bin"
expect_error "version 3: a reserved tag" \
	"pagesim: $work/hand-bad.bin: record 6: corrupt version-3 record: tag 0x0b is reserved" \
	decode "$work/hand-bad.bin" --skip-bad

# Bad event lines are refused by convert, or skipped with --skip-bad.
rm -f "$work/dest/high.bin"
printf 'pagesim-trace 1\nmmap 0x1000 0x1000 rw- shared anon\nR 0x1000\n' >"$work/sa.trace"
expect_error "events: convert refuses shared anon" \
	"pagesim: convert: $work/sa.trace:2: 'shared anon' mappings are not modeled (map a file shared, or use anon)" \
	convert "$work/sa.trace" "$work/dest/sa.bin"
no_leftovers "events: refused line, no output"
"$PAGESIM" convert "$work/sa.trace" "$work/sa.bin" --skip-bad 2>"$work/stderr"
if [ "$(records "$work/sa.bin")" = 1 ] && grep -q "skipped 1 malformed line; the first: $work/sa.trace:2: 'shared anon'" "$work/stderr"; then
	ok "events: convert --skip-bad drops the bad event line"
else
	not_ok "events: convert --skip-bad drops the bad event line" "$(cat "$work/stderr")"
fi

# Outputs that are not regular files are written through, never replaced:
# a symbolic link keeps pointing at its (rewritten) target, a device or a
# FIFO stays what it is, a write error on it is an error, and a dangling
# link is refused (gen -o and convert share the writer).
printf 'old\n' >"$work/link-target"
ln -sf link-target "$work/out-link"
"$PAGESIM" gen uniform --pages 10 --refs 5 -o "$work/out-link" 2>"$work/stderr"
if [ -L "$work/out-link" ] && grep -q '^pagesim-trace 1' "$work/link-target"; then
	ok "gen -o through a symbolic link rewrites its target and keeps the link"
else
	not_ok "gen -o through a symbolic link rewrites its target and keeps the link" "$(ls -l "$work/out-link")"
fi
"$PAGESIM" convert "$TRACES/belady.pages" "$work/out-link" 2>"$work/stderr"
if [ -L "$work/out-link" ] && [ "$(head -c 8 "$work/link-target")" = PGSIMBIN ]; then
	ok "convert through a symbolic link rewrites its target and keeps the link"
else
	not_ok "convert through a symbolic link rewrites its target and keeps the link" "$(ls -l "$work/out-link")"
fi
# Devices: private nodes made here (as root), never the system's own, so
# that a regression replaces only a test file.
if mknod "$work/full" c 1 7 2>/dev/null && mknod "$work/null" c 1 3 2>/dev/null; then
	expect_error "convert to a full device reports the write error" \
		"cannot write $work/full: No space left on device" convert "$TRACES/belady.pages" "$work/full"
	if [ -c "$work/full" ]; then ok "the full device is still a device"; else not_ok "the full device is still a device" "$(ls -l "$work/full")"; fi
	run_pagesim gen uniform --pages 10 --refs 5 -o "$work/null"
	if [ "$status" -eq 0 ] && [ -c "$work/null" ]; then
		ok "gen -o a null device writes through the device"
	else
		not_ok "gen -o a null device writes through the device" "status $status: $err"
	fi
else
	echo "# skip: cannot make device nodes here (not root); the FIFO case below covers writing through"
fi
mkfifo "$work/fifo"
timeout 20 cat "$work/fifo" >"$work/fifo-out" &
reader=$!
timeout 20 "$PAGESIM" gen uniform --pages 10 --refs 5 -o "$work/fifo" 2>"$work/stderr"
[ -p "$work/fifo" ] || rm -f "$work/fifo" # a regression replaced it: free the reader
wait "$reader"
if [ -p "$work/fifo" ] && grep -c '^R ' "$work/fifo-out" | grep -qx 5; then
	ok "gen -o FIFO writes through the FIFO"
else
	not_ok "gen -o FIFO writes through the FIFO" "$(ls -l "$work/fifo") $(cat "$work/stderr")"
fi
ln -sf missing-target "$work/dangling"
expect_error "a dangling link as output is refused" \
	"$work/dangling: a symbolic link to a missing file" gen uniform --pages 10 --refs 5 -o "$work/dangling"

# An output that names one of pagesim's own descriptors (/dev/stdout,
# /dev/fd/N) is written through that descriptor: what a shell appends to,
# and what comes after in the same file, is kept.
printf 'old\n' >"$work/appended"
"$PAGESIM" gen uniform --pages 10 --refs 2 -o /dev/stdout >>"$work/appended" 2>"$work/stderr"
if [ "$(head -n 1 "$work/appended")" = old ] && grep -q '^pagesim-trace 1' "$work/appended"; then
	ok "gen -o /dev/stdout appended to a log keeps what was there"
else
	not_ok "gen -o /dev/stdout appended to a log keeps what was there" "$(cat "$work/appended" "$work/stderr")"
fi
{ "$PAGESIM" gen uniform --pages 10 --refs 2 -o /dev/fd/1; echo after; } >"$work/shared" 2>"$work/stderr"
if [ "$(head -n 1 "$work/shared")" = "pagesim-trace 1" ] && [ "$(tail -n 1 "$work/shared")" = after ]; then
	ok "gen -o /dev/fd/1 shares the shell's offset"
else
	not_ok "gen -o /dev/fd/1 shares the shell's offset" "$(cat "$work/shared" "$work/stderr")"
fi

finish
