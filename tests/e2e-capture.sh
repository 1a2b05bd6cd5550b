#!/bin/bash
# e2e-capture.sh - end-to-end test of scripts/capture-trace --lackey (the
# native capture is tested by e2e-import.sh): capture tiny
# commands under valgrind lackey and check the compressed traces.
#
# Needs valgrind and zstd (exit 77, automake's SKIP, without them). Works in
# $TESTTMP (set by `make check`; a fresh temporary directory otherwise).

set -u

capture=$(dirname "$0")/../scripts/capture-trace

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed"
	exit 77
fi
if ! command -v zstd >/dev/null 2>&1; then
	echo "SKIP: zstd is not installed"
	exit 77
fi

own_tmp=
if [ -z "${TESTTMP:-}" ]; then
	TESTTMP=$(mktemp -d "${TMPDIR:-/tmp}/pagesim-test.XXXXXX") || exit 99
	own_tmp=$TESTTMP
fi
dir=$TESTTMP/e2e-capture
rm -rf "$dir"
mkdir -p "$dir" || exit 99

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
pass() {
	echo "ok: $*"
}

# count_lines FILE DECOMPRESSOR REGEX: number of decompressed lines matching
count_lines() {
	"$2" -dc "$1" | grep -cE "$3"
}

record='^(I | [LSM] )'

# --- 1. /bin/true into a zstd trace ---------------------------------------
out=$dir/true.lackey.zst
"$capture" --lackey -o "$out" -- /bin/true >"$dir/1.out" 2>"$dir/1.err"
status=$?
if [ "$status" -ne 0 ]; then
	fail "capture of /bin/true exited with $status: $(cat "$dir/1.err")"
elif [ ! -s "$out" ]; then
	fail "capture of /bin/true wrote no $out"
else
	magic=$(head -c 4 "$out" | od -An -tx1 | tr -d ' \n')
	[ "$magic" = 28b52ffd ] || fail "$out does not start with the zstd magic (got $magic)"
	zstd -tq "$out" || fail "$out is not a valid zstd file"
	nrec=$(count_lines "$out" zstd "$record")
	nhdr=$(count_lines "$out" zstd '^==')
	nother=$(zstd -dc "$out" | grep -cvE "$record|^==")
	[ "$nrec" -gt 1000 ] || fail "$out has $nrec lackey record lines, expected many"
	[ "$nhdr" -gt 0 ] || fail "$out has no '==' lines"
	zstd -dc "$out" | grep -q '^==[0-9]*== Command: /bin/true' ||
		fail "$out lacks valgrind's 'Command:' line"
	[ "$nother" -eq 0 ] || fail "$out has $nother lines that are neither records nor '==' lines"
	grep -q "wrote .*$nrec records" "$dir/1.err" || fail "no 'wrote ... $nrec records' summary on stderr"
	[ "$failures" -eq 0 ] && pass "/bin/true: $nrec records, $nhdr '==' lines"
fi

# --- 2. the program's output stays out of the trace; a failure is kept -----
out=$dir/sh.lackey.gz
"$capture" --lackey --gzip --max-refs 100 -o "$out" -- \
	/bin/sh -c 'echo marker-out; echo marker-err >&2; exit 3' >"$dir/2.out" 2>"$dir/2.err"
status=$?
before=$failures
[ "$status" -eq 1 ] || fail "a command exiting with 3 gave status $status, expected 1"
grep -q marker-out "$dir/2.out" || fail "the program's stdout did not reach stdout"
grep -q marker-err "$dir/2.err" || fail "the program's stderr did not reach stderr"
grep -q 'warning: .*status 3' "$dir/2.err" || fail "no warning about exit status 3"
if [ -s "$out" ] && gzip -tq "$out"; then
	nrec=$(count_lines "$out" gzip "$record")
	[ "$nrec" -eq 100 ] || fail "--max-refs 100 kept $nrec records"
	gzip -dc "$out" | grep -v '^==' | grep -q marker &&
		fail "the program's output ended up in the trace"
	gzip -dc "$out" | grep -q '^==capture-trace== --max-refs 100' ||
		fail "no '==capture-trace==' note where --max-refs cut the trace"
else
	fail "no valid gzip trace $out for a failing command"
fi
[ "$failures" -eq "$before" ] && pass "failing command: trace kept, output separate, --max-refs, --gzip"

# --- 3. errors: nothing written, exit status 2 -----------------------------
before=$failures
"$capture" -o "$dir/none.zst" >/dev/null 2>"$dir/3.err"
status=$?
[ "$status" -eq 2 ] || fail "no command: status $status, expected 2"
grep -q 'no command given' "$dir/3.err" || fail "no command: unclear message: $(cat "$dir/3.err")"

"$capture" -o "$dir/none.zst" -- pagesim-no-such-command >/dev/null 2>"$dir/3.err"
status=$?
[ "$status" -eq 2 ] || fail "missing command: status $status, expected 2"
grep -q 'pagesim-no-such-command: command not found' "$dir/3.err" ||
	fail "missing command: unclear message: $(cat "$dir/3.err")"

"$capture" -o "$dir/no-such-dir/x.zst" -- /bin/true >/dev/null 2>"$dir/3.err"
status=$?
[ "$status" -eq 2 ] || fail "missing output directory: status $status, expected 2"

"$capture" --max-refs many -- /bin/true >/dev/null 2>"$dir/3.err"
status=$?
[ "$status" -eq 2 ] || fail "bad --max-refs: status $status, expected 2"

"$capture" --quantum 0 -o "$dir/none.zst" -- /bin/true >/dev/null 2>"$dir/3.err"
status=$?
[ "$status" -eq 2 ] || fail "bad --quantum: status $status, expected 2"
grep -q -- "--quantum needs a positive integer, not '0'" "$dir/3.err" || fail "bad --quantum: unclear message: $(cat "$dir/3.err")"

[ ! -e "$dir/none.zst" ] || fail "an error left $dir/none.zst behind"
[ "$failures" -eq "$before" ] && pass "usage errors exit 2 and write nothing"

# --- 4. no temporary file left next to the outputs --------------------------
leftover=$(find "$dir" -name '.*.tmp.*' | head -1)
[ -z "$leftover" ] || fail "temporary file left behind: $leftover"

"$capture" --help | grep -q '^Usage:' || fail "--help prints no usage"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
rm -rf "$dir"
[ -z "$own_tmp" ] || rmdir "$own_tmp"
exit 0
