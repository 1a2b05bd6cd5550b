# lib.sh - helpers for the end-to-end tests. Source it; it expects
# PAGESIM, TRACES, TESTDATA and TESTTMP from AM_TESTS_ENVIRONMENT.
set -u
: "${PAGESIM:?run under make check}" "${TRACES:?}" "${TESTDATA:?}" "${TESTTMP:?}"

failures=0
checks=0
work="$TESTTMP/$(basename "$0" .sh)"
rm -rf "$work" && mkdir -p "$work"

# ok NAME: count a passing check.
ok() { checks=$((checks + 1)); echo "ok - $1"; }

# not_ok NAME DETAIL: count a failing check and say why.
not_ok() {
	checks=$((checks + 1)); failures=$((failures + 1))
	echo "FAIL - $1"; shift; printf '  %s\n' "$@"
}

# run_pagesim ARGS...: run the binary; sets $status, $out (stdout) and $err (stderr).
run_pagesim() {
	"$PAGESIM" "$@" >"$work/out" 2>"$work/err"
	status=$?
	out=$(cat "$work/out"); err=$(cat "$work/err")
}

# expect_error NAME EXPECTED_STDERR_SUBSTRING ARGS...: pagesim must exit 2,
# print nothing on stdout, and one stderr line containing the substring.
expect_error() {
	local name=$1 want=$2; shift 2
	run_pagesim "$@"
	if [ "$status" -ne 2 ]; then
		not_ok "$name" "exit status $status, expected 2" "stderr: $err"
	elif [ -n "$out" ]; then
		not_ok "$name" "printed results on stdout despite the error: $out"
	elif [[ "$err" != *"$want"* ]]; then
		not_ok "$name" "stderr lacks: $want" "stderr: $err"
	elif [ "$(printf '%s\n' "$err" | grep -c .)" -gt 1 ] && [[ "$err" != *usage:* ]]; then
		not_ok "$name" "expected a one-line error, got:" "$err"
	else
		ok "$name"
	fi
}

# expect_same NAME FILE_A FILE_B: the files must be identical.
expect_same() {
	if diff -u "$2" "$3" >"$work/diff"; then ok "$1"; else not_ok "$1" "$(head -n 20 "$work/diff")"; fi
}

# csv_project CSV COLUMNS [check-hits]: the CSV's COLUMNS (comma-separated,
# found by header name, so added or reordered columns do not matter), in
# that order, without the header; "missing column NAME" and status 1 where
# one is not there. With check-hits, a row where hits != refs - faults ends
# in ",hits-mismatch", so that it shows up in a diff.
csv_project() {
	awk -F, -v want="$2" -v check_hits="${3:-}" '
		NR == 1 {
			for (i = 1; i <= NF; i++) col[$i] = i
			n = split(want, names, ",")
			for (j = 1; j <= n; j++)
				if (!(names[j] in col)) { print "missing column " names[j]; exit 1 }
			next
		}
		{
			line = ""
			for (j = 1; j <= n; j++) line = line (j > 1 ? "," : "") $(col[names[j]])
			if (check_hits != "" && ("hits" in col) && $(col["hits"]) != $(col["refs"]) - $(col["faults"]))
				line = line ",hits-mismatch"
			print line
		}' "$1"
}

# finish: print the plain summary line and exit 0 only if every check passed.
finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
