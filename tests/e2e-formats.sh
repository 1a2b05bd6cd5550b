#!/usr/bin/env bash
# e2e-formats.sh - one reference string written in every trace format,
# plain, gzip and zstd, from a file and from standard input, must give
# exactly the same results; and so must a native trace with VM events.
. "$(dirname "$0")/lib.sh"

string="7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1"
writes="2 3 1"   # these pages are written (W) instead of read, where the format can say so

is_write() { [[ " $writes " == *" $1 "* ]]; }
for p in $string; do echo "$p"; done >"$work/s.pages"
{
	echo "# pagesim-trace comment before the header"
	echo "pagesim-trace 1"
	for p in $string; do
		if is_write "$p"; then echo "W $(printf '0x%x' $((p * 4096 + 12))) 4"; else echo "R $((p * 4096 + 12)) 4"; fi
	done
} >"$work/s.trace"
for p in $string; do
	if is_write "$p"; then printf '%08x W\n' $((p * 4096 + 40)); else printf '%08X r\n' $((p * 4096 + 40)); fi
done >"$work/s.addr-rw"
{
	echo "==4242== Lackey, an example Valgrind tool"
	for p in $string; do
		if is_write "$p"; then printf ' S %x,8\n' $((p * 4096 + 8)); else printf ' L %x,8\n' $((p * 4096 + 8)); fi
	done
	echo "==4242== "
} >"$work/s.lackey"

# The columns that must agree: everything but the trace name (field 1).
results() { "$PAGESIM" run "$@" --policy all --frames 3,4 --output csv | cut -d, -f2-; }

results "$work/s.trace" >"$work/expect.csv"
for f in s.trace s.addr-rw s.lackey; do
	gzip -c "$work/$f" >"$work/$f.gz"
	zstd -q -c "$work/$f" >"$work/$f.zst"
	for g in "$f" "$f.gz" "$f.zst"; do
		results "$work/$g" >"$work/got.csv"
		expect_same "$g matches the native trace" "$work/expect.csv" "$work/got.csv"
	done
	results - <"$work/$f.zst" >"$work/got.csv"
	expect_same "$f.zst from standard input (opt spools it)" "$work/expect.csv" "$work/got.csv"
done

# The pages format cannot say "write": compare it with the all-read native trace.
sed 's/^W /R /' "$work/s.trace" >"$work/r.trace"
results "$work/r.trace" >"$work/expect-r.csv"
results "$work/s.pages" >"$work/got.csv"
expect_same "pages format matches the read-only native trace" "$work/expect-r.csv" "$work/got.csv"
tr '\n' ',' <"$work/s.pages" | sed 's/,$/\n/' >"$work/one-line.pages"
results "$work/one-line.pages" --format pages >"$work/got.csv"
expect_same "comma-separated page list on one line" "$work/expect-r.csv" "$work/got.csv"

# Lackey M (modify) is a read and then a write of the same bytes.
printf ' M 1000,4\n M 2000,4\n M 1000,4\n' >"$work/m.lackey"
row=$("$PAGESIM" run "$work/m.lackey" --policy fifo --frames 1 --output csv | tail -n 1)
IFS=, read -r _ _ _ _ _ refs reads writes _ _ faults _ evictions dirty _ <<<"$row"
if [ "$refs/$reads/$writes/$faults/$evictions/$dirty" = "6/3/3/3/2/2" ]; then ok "lackey M is read then write"
else not_ok "lackey M is read then write" "row: $row"; fi

# Every shipped trace decodes, in whatever format and compression it has.
for t in "$TRACES"/*; do
	case "$t" in *.md) continue ;; esac
	if "$PAGESIM" decode "$t" >"$work/decode.out" 2>&1; then ok "decode $(basename "$t")"
	else not_ok "decode $(basename "$t")" "$(cat "$work/decode.out")"; fi
done

# Native VM events read the same plain, compressed and from standard input.
{
	echo "pagesim-trace 1"
	echo "segment code 0x400000 0x2000 r-x file=prog"
	echo "segment heap 0x600000 0x1000 rw- zero"
	echo "X 0x400010 4"
	echo "mmap 0x7f0000000000 0x3000 rw- private file=lib.so offset=0x1000"
	echo "W 0x600008 8"
	echo "brk 0x602000"
	echo "fork 1 2"
	echo "process 2"
	echo "M 0x600008 8"
	echo "munmap 0x7f0000000000 0x1000"
	echo "exit 2"
} >"$work/ev.trace"
"$PAGESIM" decode "$work/ev.trace" | sed 's/^trace [^ ]* //' >"$work/ev-expect.txt"
if [ "$(head -n 1 "$work/ev-expect.txt")" = "(native): 11 records (1 reads, 2 writes, 1 fetches, 7 events), 28 bytes accessed" ] &&
	[ "$(tail -n 1 "$work/ev-expect.txt")" = "events: 2 segment, 1 mmap, 1 munmap, 1 brk, 1 fork, 1 exit, 0 mprotect" ]; then
	ok "events: decode counts accesses and events"
else
	not_ok "events: decode counts accesses and events" "$(cat "$work/ev-expect.txt")"
fi
gzip -c "$work/ev.trace" >"$work/ev.trace.gz"
zstd -q -c "$work/ev.trace" >"$work/ev.trace.zst"
for g in ev.trace.gz ev.trace.zst; do
	"$PAGESIM" decode "$work/$g" | sed 's/^trace [^ ]* //' >"$work/ev-got.txt"
	expect_same "events: $g decodes as the plain trace" "$work/ev-expect.txt" "$work/ev-got.txt"
done
"$PAGESIM" decode - <"$work/ev.trace.zst" | sed 's/^trace [^ ]* //' >"$work/ev-got.txt"
expect_same "events: from standard input" "$work/ev-expect.txt" "$work/ev-got.txt"

finish
