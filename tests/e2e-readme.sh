#!/usr/bin/env bash
# e2e-readme.sh - the README's shown sessions ("$ pagesim ..." blocks) print
# what the README says they print (tests/readme_examples.py), so that the
# examples a newcomer copies stay true.
. "$(dirname "$0")/lib.sh"

srcdir=$(dirname "$TRACES")
if python3 "$srcdir/tests/readme_examples.py" "$srcdir/README.md" "$PAGESIM" >"$work/report"; then
	ok "the README's sessions: $(tail -n 1 "$work/report")"
else
	not_ok "the README's sessions" "$(grep -v '^ok - ' "$work/report")"
fi
finish
