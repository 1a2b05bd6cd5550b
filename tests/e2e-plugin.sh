#!/usr/bin/env bash
# e2e-plugin.sh - out-of-tree policies: the example plug-in (MRU, built by
# `make check` from policies/example-plugin/mru.c into PLUGINDIR) loads,
# lists and replays with hand-derived answers, and every kind of bad
# plug-in is refused with exit 2 and one line naming the file.
. "$(dirname "$0")/lib.sh"
: "${PLUGINDIR:?run under make check}"

mru=$PLUGINDIR/example-mru.so

# faults POLICY FRAMES TRACE [ARGS...]: the fault count of one run with the
# example plug-in loaded.
faults() {
	local policy=$1 frames=$2 trace=$3; shift 3
	"$PAGESIM" run "$trace" --plugin "$mru" --policy "$policy" --frames "$frames" --output csv "$@" |
		tail -n 1 | cut -d, -f11
}

# expect_faults POLICY FRAMES TRACE WANT
expect_faults() {
	local got
	got=$(faults "$1" "$2" "$3")
	if [ "$got" = "$4" ]; then ok "$1 with $2 frames on $(basename "$3"): $4 faults"
	else not_ok "$1 with $2 frames on $(basename "$3")" "got '$got' faults, expected $4"; fi
}

# --- Listing -------------------------------------------------------------

"$PAGESIM" policies >"$work/builtin.txt"
run_pagesim policies --plugin "$mru"
nbuiltin=$(wc -l <"$work/builtin.txt")
if [ "$status" -eq 0 ] && [ "$(head -n "$nbuiltin" "$work/out")" = "$(cat "$work/builtin.txt")" ] &&
	[ "$(tail -n +"$((nbuiltin + 1))" "$work/out" | cut -d' ' -f1)" = mru ]; then
	ok "policies --plugin lists the built-in policies, then mru"
else
	not_ok "policies --plugin lists the built-in policies, then mru" "status $status" "$out" "$err"
fi

# A path without a slash is relative to the current directory, not looked
# up in the library path.
if (cd "$PLUGINDIR" && "$PAGESIM" policies --plugin example-mru.so) | grep -q '^mru '; then
	ok "--plugin FILE without a slash is taken from the current directory"
else
	not_ok "--plugin FILE without a slash is taken from the current directory"
fi

# --- Known answers, derived by hand ----------------------------------------
#
# MRU evicts the resident page admitted or referenced most recently. Below,
# [..] is the resident set from least to most recently used, so the victim
# is always the last one; F marks a fault, "-x" the victim.
#
# belady.pages, 1 2 3 4 1 2 5 1 2 3 4 5, 3 frames:
#   1F [1]  2F [1 2]  3F [1 2 3]  4F -3 [1 2 4]  1 [2 4 1]  2 [4 1 2]
#   5F -2 [4 1 5]  1 [4 5 1]  2F -1 [4 5 2]  3F -2 [4 5 3]  4 [5 3 4]  5 [3 4 5]
#   7 faults (as few as OPT; FIFO 9, LRU 10).
# 4 frames:
#   1F 2F 3F 4F [1 2 3 4]  1 [2 3 4 1]  2 [3 4 1 2]  5F -2 [3 4 1 5]
#   1 [3 4 5 1]  2F -1 [3 4 5 2]  3 [4 5 2 3]  4 [5 2 3 4]  5 [2 3 4 5]
#   6 faults (OPT 6, FIFO 10).
expect_faults mru 3 "$TRACES/belady.pages" 7
expect_faults mru 4 "$TRACES/belady.pages" 6

# silberschatz.pages, 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1, 3 frames:
#   7F [7]  0F [7 0]  1F [7 0 1]  2F -1 [7 0 2]  0 [7 2 0]  3F -0 [7 2 3]
#   0F -3 [7 2 0]  4F -0 [7 2 4]  2 [7 4 2]  3F -2 [7 4 3]  0F -3 [7 4 0]
#   3F -0 [7 4 3]  2F -3 [7 4 2]  1F -2 [7 4 1]  2F -1 [7 4 2]  0F -2 [7 4 0]
#   1F -0 [7 4 1]  7 [4 1 7]  0F -7 [4 1 0]  1 [4 0 1]
#   16 faults, 4 hits (FIFO 15, LRU 12, OPT 9): with locality MRU is bad.
expect_faults mru 3 "$TRACES/silberschatz.pages" 16

# --- The loop, where MRU beats LRU -------------------------------------------
#
# Pages 0 1 2 3 five times over, 3 frames. LRU always evicts the page
# needed next, so all 20 references fault. MRU:
#   pass 1: 0F 1F 2F [0 1 2]  3F -2 [0 1 3]                       4 faults
#   pass 2: 0 [1 3 0]  1 [3 0 1]  2F -1 [3 0 2]  3 [0 2 3]          1
#   pass 3: 0 [2 3 0]  1F -0 [2 3 1]  2 [3 1 2]  3 [1 2 3]          1
#   pass 4: 0F -3 [1 2 0]  1 [2 0 1]  2 [0 1 2]  3F -2 [0 1 3]      2
#   pass 5: 0 [1 3 0]  1 [3 0 1]  2F -1 [3 0 2]  3 [0 2 3]          1
#   9 faults, as few as OPT: on a pure loop the most recently used page is
#   always one whose next use is farthest away.
printf '0 1 2 3 %.0s' 1 2 3 4 5 >"$work/loop.pages"
expect_faults mru 3 "$work/loop.pages" 9
expect_faults lru 3 "$work/loop.pages" 20

# A longer loop, generated: MRU matches OPT and LRU faults on every reference.
"$PAGESIM" gen loop --pages 100 --refs 10000 -o "$work/loop100.trace"
for frames in 64 99; do
	m=$(faults mru "$frames" "$work/loop100.trace")
	l=$(faults lru "$frames" "$work/loop100.trace")
	o=$(faults opt "$frames" "$work/loop100.trace")
	if [ -n "$m" ] && [ "$m" = "$o" ] && [ "$l" = 10000 ] && [ "$m" -lt "$l" ]; then
		ok "100-page loop with $frames frames: mru $m = opt $o < lru $l faults"
	else
		not_ok "100-page loop with $frames frames" "mru '$m', opt '$o', lru '$l'"
	fi
done

# --- The plug-in's policy is a policy like any other ---------------------------

# --policy all includes it, after every built-in policy; --plugin may come
# after --policy.
"$PAGESIM" run "$TRACES/belady.pages" --policy all --plugin "$mru" --frames 3 --output csv >"$work/all.csv"
want=$( (grep -o '^[^ ]*' "$work/builtin.txt"; echo mru) | tr '\n' ' ')
got=$(tail -n +2 "$work/all.csv" | cut -d, -f2 | tr '\n' ' ')
if [ "$got" = "$want" ]; then
	ok "--policy all runs every built-in policy, then mru"
else
	not_ok "--policy all runs every built-in policy and then mru" "$(cat "$work/all.csv")"
fi

# With writes and swap, on several threads: the counters add up and do not
# depend on the thread count.
"$PAGESIM" gen zipf --pages 400 --refs 20000 --alpha 0.8 --seed 5 --write-ratio 0.3 -o "$work/z.trace"
"$PAGESIM" run "$work/z.trace" --plugin "$mru" --policy mru,lru --frames 16,64 --output csv -j 1 >"$work/z1.csv"
"$PAGESIM" run "$work/z.trace" --plugin "$mru" --policy mru,lru --frames 16,64 --output csv -j 2 >"$work/z2.csv"
expect_same "mru on 1 and 2 threads" "$work/z1.csv" "$work/z2.csv"
bad_rows=$(awk -F, 'NR > 1 && $2 == "mru" && ($6 != $17 + $11 || $13 != $11 - $3) { print }' "$work/z1.csv")
if [ "$(grep -c ',mru,' "$work/z1.csv")" -eq 2 ] && [ -z "$bad_rows" ]; then
	ok "mru: refs = hits + faults and evictions = faults - frames"
else
	not_ok "mru: refs = hits + faults and evictions = faults - frames" "$(cat "$work/z1.csv")"
fi

# Without --plugin there is no mru.
expect_error "mru is unknown without its plug-in" 'unknown policy "mru"' \
	run "$TRACES/belady.pages" --policy mru

# --- Refusals: exit 2, one line "pagesim: FILE: ...", nothing on stdout ----------

# Plug-ins of interface versions 2 (before shed), 3 (before describe) and 4
# (before touch_orders_only) still load, and replay as the same source
# built for the current version.
want=$("$PAGESIM" run "$TRACES/belady.pages" --plugin "$PLUGINDIR/example-mru.so" --policy mru --frames 3 --output csv)
for v in 2 3 4; do
	got=$("$PAGESIM" run "$TRACES/belady.pages" --plugin "$PLUGINDIR/example-abi$v.so" --policy mru --frames 3 --output csv)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then ok "an interface version $v plug-in loads and replays alike"
	else not_ok "an interface version $v plug-in loads and replays alike" "got: $got" "want: $want"; fi
done

expect_error "another interface version is refused" \
	"pagesim: $PLUGINDIR/example-badabi.so: policy \"mru\" was built for policy interface version 999; this pagesim has version " \
	run "$TRACES/belady.pages" --plugin "$PLUGINDIR/example-badabi.so" --policy mru
expect_error "... and told how to fix it" "; rebuild it against this pagesim's <pagesim/policy.h>" \
	policies --plugin "$PLUGINDIR/example-badabi.so"
expect_error "a missing file is refused with the loader's reason" \
	"pagesim: $work/missing.so: cannot load plug-in: " policies --plugin "$work/missing.so"
expect_error "... which is dlerror()'s" "No such file" policies --plugin "$work/missing.so"
expect_error "a program is not a plug-in" "pagesim: /bin/true: cannot load plug-in: " \
	policies --plugin /bin/true
expect_error "a text file is not a plug-in" "pagesim: $TRACES/belady.pages: cannot load plug-in: " \
	run "$TRACES/belady.pages" --plugin "$TRACES/belady.pages"
expect_error "a directory is not a plug-in" "pagesim: $PLUGINDIR: cannot load plug-in: " \
	policies --plugin "$PLUGINDIR"
# A real shared library that is not a plug-in: one pagesim itself links.
lib=$(ldd "$PAGESIM" 2>/dev/null | awk '$3 ~ /^\/.*\/lib(z|zstd|yaml)[^\/]*\.so/ { print $3; exit }')
if [ -n "$lib" ]; then
	expect_error "a shared library without the symbol is refused" \
		"pagesim: $lib: not a pagesim plug-in: it does not export pagesim_plugin_policies" policies --plugin "$lib"
else
	echo "skip - no shared library found with ldd to load as a non-plug-in"
fi
expect_error "a name that is not kebab-case is refused" \
	"pagesim: $PLUGINDIR/example-badname.so: policy name \"Most_Recent\" is not kebab-case" \
	policies --plugin "$PLUGINDIR/example-badname.so"
expect_error "the name of a built-in policy is refused" \
	"pagesim: $PLUGINDIR/example-clash.so: policy \"lru\" clashes with the built-in policy of the same name" \
	run "$TRACES/belady.pages" --plugin "$PLUGINDIR/example-clash.so"
expect_error "a name another plug-in took is refused" \
	"pagesim: $mru: policy \"mru\" clashes with a policy of the same name from a plug-in loaded earlier" \
	policies --plugin "$mru" --plugin "$mru"

# A plug-in that names a victim frame that does not exist (or holds no page)
# is stopped with an error naming it, never an abort: run exits 2 with one
# line; a sweep keeps every other cell's results and exits 2.
bad="$PLUGINDIR/bad-victim.so"
expect_error "a victim out of range stops the run with an error naming the policy" \
	"bad-victim with 3 frames: policy bad-victim chose frame 3 to evict, which does not exist (a bug in the policy)" \
	run "$TRACES/belady.pages" --plugin "$bad" --policy bad-victim --frames 3 -j 1
cat >"$work/bad-victim.yaml" <<EOF
name: bad-victim
plugins: [$bad]
traces: [$TRACES/belady.pages]
policies: [bad-victim, fifo, lru]
frames: [3, 4]
output: $work/bad-victim-out
EOF
run_pagesim sweep "$work/bad-victim.yaml" --no-plot -j 2
if [ "$status" -eq 2 ] && [ "$(grep -c ',\(fifo\|lru\),[34],' "$work/bad-victim-out/results.csv")" -eq 4 ] &&
	! grep -q 'bad-victim,' "$work/bad-victim-out/results.csv" &&
	[ "$(grep -c 'policy bad-victim chose frame' <<<"$err")" -eq 2 ]; then
	ok "a sweep keeps the other cells when a plug-in names a bad victim"
else
	not_ok "a sweep keeps the other cells when a plug-in names a bad victim" "status $status" "$err" \
		"$(cat "$work/bad-victim-out/results.csv" 2>&1)"
fi

# --- Experiment files: checked whole before any plug-in is loaded -------------
#
# ctor-marker.so writes $PAGESIM_TEST_MARKER from a constructor, so a test
# sees whether pagesim loaded it. (issue 13, items 10-12)
export PAGESIM_TEST_MARKER="$work/marker"
ctor=$PLUGINDIR/ctor-marker.so

# expect_not_loaded NAME WANT FILE: check FILE must fail with WANT and the
# plug-in must not have been loaded.
expect_not_loaded() {
	rm -f "$PAGESIM_TEST_MARKER"
	expect_error "$1" "$2" check "$3"
	if [ -e "$PAGESIM_TEST_MARKER" ]; then not_ok "... and no plug-in was loaded ($1)" "$ctor was loaded"
	else ok "... and no plug-in was loaded ($1)"; fi
}

printf 'plugins: [%s]\ntraces: [%s]\npolicies: [ctor-marker]\nframes: [3]\nfrmaes: [4]\n' \
	"$ctor" "$TRACES/belady.pages" >"$work/unknown-key.yaml"
expect_not_loaded "an unknown key is refused before the plug-ins load" \
	"$work/unknown-key.yaml:5:1: unknown key \"frmaes\"" "$work/unknown-key.yaml"
printf 'plugins: [%s]\ntraces: [%s]\npolicies: [ctor-marker]\nframes: [3]\nplugins: [%s]\n' \
	"$ctor" "$TRACES/belady.pages" "$ctor" >"$work/twice.yaml"
expect_not_loaded "a second plugins: key is refused, naming both lines" \
	"$work/twice.yaml:5:1: key \"plugins\" appears twice in the experiment, on lines 1 and 5" "$work/twice.yaml"

# A relative plug-in path is taken from the experiment file's directory,
# wherever pagesim runs; trace paths stay relative to the current directory.
mkdir -p "$work/rel/sub" && cp "$ctor" "$work/rel/sub/"
printf 'plugins: [sub/ctor-marker.so]\ntraces: [%s]\npolicies: [ctor-marker, fifo]\nframes: [3]\noutput: %s\n' \
	"$TRACES/belady.pages" "$work/rel-out" >"$work/rel/rel.yaml"
rm -f "$PAGESIM_TEST_MARKER"
(cd "$work" && "$PAGESIM" sweep rel/rel.yaml --no-plot -j 1 >"$work/out" 2>"$work/err")
if [ $? -eq 0 ] && [ -e "$PAGESIM_TEST_MARKER" ] && grep -q '^ctor-marker ' "$work/out"; then
	ok "a relative plug-in path is taken from the experiment file's directory"
else
	not_ok "a relative plug-in path is taken from the experiment file's directory" "$(cat "$work/err")"
fi

# A plug-in that cannot be loaded is reported at its line.
printf 'traces: [%s]\nplugins:\n  - missing.so\npolicies: [fifo]\nframes: [3]\n' \
	"$TRACES/belady.pages" >"$work/missing-plugin.yaml"
expect_error "a missing plug-in is reported at its FILE:LINE:COLUMN" \
	"$work/missing-plugin.yaml:3:5: $work/missing.so: cannot load plug-in: " check "$work/missing-plugin.yaml"
unset PAGESIM_TEST_MARKER

# A plug-in asking for absurd state is told so, not "out of memory".
expect_error "a policy asking for SIZE_MAX bytes of state is named, with what it asked for" \
	"huge-state with 8 frames: policy \"huge-state\" asked for 18446744073709551615 bytes of state for 8 frames; at most 1073741824 (1 GiB) per instance" \
	run "$TRACES/belady.pages" --plugin "$PLUGINDIR/huge-state.so" --policy huge-state --frames 8 -j 1

# Under --scope local each process's instance may only name its own
# frames: broken-clock's hand walks machine-wide frame numbers, so with two
# processes it names the other's, and its cell stops.
expect_error "a victim of another process's instance stops the run" \
	"policy broken-clock chose frame 1 to evict, which holds a page of another process's instance" \
	run "$(dirname "$0")/scenarios/cow.trace" --plugin "$PLUGINDIR/broken-clock.so" --policy broken-clock \
	--frames 3 --scope local

finish
