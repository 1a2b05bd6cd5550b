#!/usr/bin/env bash
# e2e-formats.sh - one reference string written in every trace format,
# plain, gzip and zstd, from a file and from standard input, must give
# exactly the same results.
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

finish
