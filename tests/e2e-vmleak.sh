#!/usr/bin/env bash
# e2e-vmleak.sh - a trace cannot make pagesim hold memory without bound:
# forks and exits of the children of a killed process, in both replacement
# scopes, free everything they allocate (valgrind memcheck: no block
# definitely or indirectly lost; in a sanitizer build, LeakSanitizer).
# Before the fix each pair leaked a child's page-table root (4 KiB) and,
# with --scope local, its policy state. Needs valgrind, or a sanitizer
# build (exit 77, automake's SKIP, without either).
. "$(dirname "$0")/lib.sh"

# A binary built with --enable-sanitizers cannot run under valgrind, but
# carries its own leak checker (LeakSanitizer fails the run on a leak).
checker=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9)
if ldd "$PAGESIM" 2>/dev/null | grep -q libasan; then
	checker=(env ASAN_OPTIONS=detect_leaks=1)
elif ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed"
	exit 77
fi
{
	printf 'pagesim-trace 1\nsegment bss 0x0804c000 0x2000 rw- zero\nW 0x40000008 8\n'
	for _ in $(seq 200); do
		printf 'fork 1 2\nprocess 2\nW 0x0804c000 8\nexit 2\n'
	done
} >"$work/forks.trace"
for scope in global local; do
	name="200 forks and exits of a killed process's child free everything (--scope $scope)"
	if "${checker[@]}" "$PAGESIM" run "$work/forks.trace" --policy clock --frames 4 -j 1 --scope "$scope" \
		>"$work/out" 2>"$work/err"; then
		ok "$name"
	else
		not_ok "$name" "$(grep -E 'lost|ERROR' "$work/err" | head -5)"
	fi
done
finish
