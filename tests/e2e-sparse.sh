#!/usr/bin/env bash
# e2e-sparse.sh - a sparse address space takes little host memory (issue
# 13, defect 3), and its simulated page tables stay exact.
#
# 100,000 pages drawn uniformly over the 48-bit address space (`gen uniform
# --pages 2^36`) must be replayed in at most 128 bytes of peak RSS per
# distinct page above the peak RSS of a one-record trace (512 in a
# sanitizer build, whose allocator pads every block). Before compact page
# tables each such page took its own 4 KiB leaf table and, mostly, its own
# 4 KiB middle table: 7.4 KB a page, 741 MB in all. Peak RSS comes from GNU
# time (package `time`); exit 77 (automake's SKIP) without it.
. "$(dirname "$0")/lib.sh"

gnu_time=/usr/bin/time
if ! "$gnu_time" -f '%M' true >/dev/null 2>&1; then
	echo "SKIP: $gnu_time is not GNU time (install the package 'time')"
	exit 77
fi
bound=128
if ldd "$PAGESIM" 2>/dev/null | grep -q libasan; then
	bound=512
fi

# peak_kib ARGS...: run pagesim ARGS, leave its output in $work/out and
# print its peak RSS in KiB; print nothing if the run fails.
peak_kib() {
	if "$gnu_time" -f '%M' -o "$work/rss" "$PAGESIM" "$@" >"$work/out" 2>"$work/err"; then
		tail -n 1 "$work/rss"
	fi
}

pages=100000
run_pagesim gen uniform --pages 68719476736 --refs "$pages" --seed 3 -o "$work/sparse.trace"
printf 'pagesim-trace 1\nR 0x5e41ab087a6c 4\n' >"$work/one.trace"

base=$(peak_kib run "$work/one.trace" --policy fifo --frames 1000 -j 1 --output csv)
peak=$(peak_kib run "$work/sparse.trace" --policy fifo --frames 1000 -j 1 --output csv)
distinct=$(csv_project "$work/out" distinct_pages)
name="random 48-bit pages take at most $bound bytes of host memory each"
if [ -z "$base" ] || [ -z "$peak" ] || [ -z "$distinct" ] || [ "$distinct" -lt 99000 ]; then
	not_ok "$name" "a run failed: peak RSS '$base' and '$peak' KiB, distinct pages '$distinct'" \
		"$(head -3 "$work/err")"
elif [ $(((peak - base) * 1024)) -gt $((bound * distinct)) ]; then
	not_ok "$name" "peak RSS $peak KiB, $base KiB for one record:" \
		"$(((peak - base) * 1024 / distinct)) bytes a page for $distinct pages"
else
	ok "$name ($(((peak - base) * 1024 / distinct)) for $distinct pages)"
fi

# The simulated tables are still the x86-64 tree's: one root, and one table
# per distinct page number >> 27, >> 18 and >> 9 (counted here from the
# trace's addresses by Python, not by pagesim), each pinned in a frame with
# --count-page-tables (enough frames for all: pt_frames counts them all).
want=$(python3 - "$work/sparse.trace" <<'EOF'
import sys
pages = {int(line.split()[1], 16) >> 12 for line in open(sys.argv[1]) if line.startswith(("R ", "W "))}
print(1 + sum(len({p >> s for p in pages}) for s in (27, 18, 9)))
EOF
)
run_pagesim run "$work/sparse.trace" --policy fifo --frames 400000 --count-page-tables -j 1 --output csv
got=$(printf '%s\n' "$out" | csv_project /dev/stdin pt_frames)
if [ "$status" -eq 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "the $want simulated page tables of the sparse trace are all counted"
else
	not_ok "simulated page tables counted" "pt_frames $got, expected $want (exit $status: $err)"
fi
finish
