#!/usr/bin/env bash
# e2e-layering.sh - the architecture holds: folders include only headers of
# their own folder and of the folders below them (util < trace < policies <
# machine < report < replay < cli), and no two source files call each other
# in a cycle. tests/layering.py states the rules; this runs it on the tree
# and on the objects just built.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1 || ! command -v nm >/dev/null 2>&1; then
	echo "# skip: python3 or nm is not installed"
	exit 77
fi
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(dirname "$PAGESIM")
if report=$(python3 "$srcdir/tests/layering.py" "$srcdir" "$builddir" 2>&1); then
	ok "includes point down the pipeline and no source files form a call cycle"
else
	not_ok "layering" "$report"
fi
finish
