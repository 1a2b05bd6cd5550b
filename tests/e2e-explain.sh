#!/usr/bin/env bash
# e2e-explain.sh - `pagesim explain` end to end: OSTEP's published
# outputs, the textbook strings against the independent model
# (tests/refsim.py --steps), the summary equal to `pagesim run` for every
# built-in policy on the shipped traces and the VM scenarios, and bad input.
# Where each expected file comes from: tests/data/explain/README.md.
. "$(dirname "$0")/lib.sh"

EX="$TESTDATA/explain"
POLICIES=$("$PAGESIM" policies | awk '/^[a-z0-9]/ { print $1 }')
REFSIM="$(dirname "$0")/refsim.py"

# --- OSTEP's paging-policy.py -c ---------------------------------------
for p in lru fifo; do
	"$PAGESIM" explain "$EX/ostep-readme.pages" --policy $p --frames 3 --style ostep >"$work/ostep-$p.txt"
	expect_same "--style ostep, $p: OSTEP's output for the README string" "$EX/ostep-$p.txt" "$work/ostep-$p.txt"
done
# opt: the same but for the documented tie among never-again pages.
"$PAGESIM" explain "$EX/ostep-readme.pages" --policy opt --frames 3 --style ostep >"$work/ostep-opt.txt"
diff "$EX/ostep-opt.txt" "$work/ostep-opt.txt" | grep '^[<>]' >"$work/opt.diff"
cat >"$work/opt.want" <<'EOF'
< Access: 2  MISS Left  ->    [0, 1, 2] <- Right Replaced:3 [Hits:5 Misses:5]
< Access: 1  HIT  Left  ->    [0, 1, 2] <- Right Replaced:- [Hits:6 Misses:5]
> Access: 2  MISS Left  ->    [1, 3, 2] <- Right Replaced:0 [Hits:5 Misses:5]
> Access: 1  HIT  Left  ->    [1, 3, 2] <- Right Replaced:- [Hits:6 Misses:5]
EOF
expect_same "--style ostep, opt: OSTEP's output but for the never-again tie" "$work/opt.want" "$work/opt.diff"

# --- the textbook strings against the independent model ---------------
# explain's CSV as refsim --steps prints it: ref,page,hit|fault,victim
# page,victim fate,frames.
steps() {
	"$PAGESIM" explain "$1" --policy "$2" --frames "$3" --output csv >"$work/steps.csv" &&
		csv_project "$work/steps.csv" ref,page,outcome,victim_page,victim_fate,frames |
		sed -E 's/^([0-9]+,[0-9]+),(zero fill|swap read),/\1,fault,/'
}
for case in "$TRACES/silberschatz.pages 3" "$TRACES/belady.pages 3" "$TRACES/belady.pages 4" \
	"$EX/silberschatz-dirty.pages 3"; do
	set -- $case
	for p in fifo lru opt clock second-chance; do
		steps "$1" $p "$2" >"$work/got"
		python3 "$REFSIM" --steps --format pages --policy $p --frames "$2" "$1" >"$work/want"
		expect_same "$p, $2 frames, $(basename "$1"): every step as refsim's" "$work/want" "$work/got"
	done
done
# The dirty string has dirty victims (else the fate column is untested).
if grep -q ',swap,' "$work/got"; then ok "the dirty string evicts dirty pages to swap"
else not_ok "the dirty string evicts dirty pages to swap" "$(cat "$work/got")"; fi

# --- the text table of every built-in policy (scripts/regen-golden) -----
for p in $POLICIES; do
	(cd "$TRACES" && "$PAGESIM" explain silberschatz.pages --policy "$p" --frames 3) >"$work/golden.txt"
	expect_same "golden text table: $p on the Silberschatz string, 3 frames" \
		"$TESTDATA/golden/explain-silberschatz-$p.txt" "$work/golden.txt"
done

# --- every policy's view holds exactly the resident pages -------------
# Resident pages follow from the steps alone (a fault adds the page, its
# victim leaves); the view's items that are not ghosts (~) must be that
# set, each list in order, whatever the policy (a page may stand in two
# lists, as LIRS's resident HIR pages do in S and Q).
# (Only fixed-space policies: ws, pff and vmin may release several pages
# in one step, and the CSV names only the first victim.)
bad=""
for p in $(printf '%s\n' $POLICIES | grep -v -x -e ws -e pff -e vmin); do
	"$PAGESIM" explain "$EX/silberschatz-dirty.pages" --policy "$p" --frames 3 --output csv >"$work/v.csv"
	bad="$bad$(awk -F, -v p="$p" 'NR > 1 {
		if ($7 != "hit") in_mem[$5] = 1
		if ($9 != "") delete in_mem[$9]
		view = $16; for (j = 17; j < NF; j++) view = view "," $j  # the field may hold commas
		gsub(/"/, "", view)
		n = split(view, items, /[ |]+/); delete seen; got = 0
		for (i = 1; i <= n; i++) {
			it = items[i]; if (it == "" || it == "-" || it ~ /^>?~/) continue
			sub(/^>/, "", it); sub(/[*[].*/, "", it)
			if (!(it in in_mem)) { printf " %s:ref%s:%s-not-resident", p, $1, it; exit }
			if (!(it in seen)) { seen[it] = 1; got++ }
		}
		want = 0; for (k in in_mem) want++
		if (got != want) { printf " %s:ref%s:%d-of-%d-shown", p, $1, got, want; exit }
	}' "$work/v.csv")"
done
if [ -z "$bad" ]; then ok "every policy's view holds exactly the resident pages, at every step"
else not_ok "every policy's view holds exactly the resident pages, at every step" "$bad"; fi

# --- the summary is run's row, and the steps add up to it -------------
# same_summary TRACE POLICY FRAMES [EXPLAIN ARGS...]: explain's text after
# its summary heading must be what run prints; names the case on stdout
# when not (or when run printed nothing).
same_summary() {
	local t=$1 p=$2 f=$3; shift 3
	"$PAGESIM" run "$t" --policy "$p" --frames "$f" >"$work/run.txt" 2>/dev/null
	"$PAGESIM" explain "$t" --policy "$p" --frames "$f" "$@" 2>/dev/null | sed -n '/the summary covers the whole trace/,$p' | tail -n +2 >"$work/sum.txt"
	if [ ! -s "$work/run.txt" ] || ! cmp -s "$work/run.txt" "$work/sum.txt"; then echo " $(basename "$t"):$p:$f:$*"; fi
}
# steps_add_up TRACE ARGS...: per outcome, the CSV's steps must count what
# run's counters say, and the last step's running totals must be run's.
steps_add_up() {
	local t=$1 want got; shift
	"$PAGESIM" run "$t" "$@" --output csv 2>/dev/null >"$work/run.csv"
	"$PAGESIM" explain "$t" "$@" --output csv 2>/dev/null >"$work/ex.csv"
	want="$(csv_project "$work/run.csv" hits,zero_fills,file_reads,swap_reads,minor_faults,cow_copies,cow_reuses,segfaults)"
	want="$want;$(csv_project "$work/run.csv" hits,faults,dirty_evictions)"
	got="$(awk -F, 'NR > 1 && $7 != "event" { n[$7]++ } END {
		printf "%d,%d,%d,%d,%d,%d,%d,%d\n", n["hit"], n["zero fill"] + n["stack growth"], n["file read"],
			n["swap read"], n["minor"], n["cow copy"], n["cow reuse"], n["segfault"] }' "$work/ex.csv")"
	got="$got;$(awk -F, 'NR > 1 && $7 != "event"' "$work/ex.csv" | tail -n 1 | cut -d, -f13-15)"
	if [ "$want" = ";" ] || [ "$got" != "$want" ]; then echo " $(basename "$t"):$*:($got/$want)"; fi
}
bad=""
for t in "$TRACES"/*.pages "$TRACES/example.trace" "$TRACES/sort-1k.addr-rw"; do
	for p in $POLICIES; do
		bad="$bad$(same_summary "$t" "$p" 4)$(steps_add_up "$t" --policy "$p" --frames 4)"
	done
done
# The VM scenarios (every kind of outcome and event), through a few
# policies of different kinds, to keep the test short.
for t in $(ls "$TESTDATA/../scenarios/"*.trace | grep -v '/err-'); do
	for p in fifo clock lru clock-pro opt; do bad="$bad$(steps_add_up "$t" --policy "$p" --frames 4)"; done
done
if [ -z "$bad" ]; then ok "every built-in policy on the small traces and VM scenarios: summary = run, steps add up"
else not_ok "every built-in policy on the small traces and VM scenarios: summary = run, steps add up" "$bad"; fi

# The large traces: a window from the middle, the summary still run's.
bad=""
for t in "$TRACES"/*.lackey.* "$TRACES"/sort.addr-rw.zst; do
	for p in $POLICIES; do bad="$bad$(same_summary "$t" "$p" 64 --from 5000 --count 20)"; done
done
if [ -z "$bad" ]; then ok "every built-in policy on the large traces: a window's summary = run"
else not_ok "every built-in policy on the large traces: a window's summary = run" "$bad"; fi

# --- the window, the process filter, the styles -------------------------
"$PAGESIM" explain "$TRACES/silberschatz.pages" --policy lru --frames 3 --output csv >"$work/all.csv"
"$PAGESIM" explain "$TRACES/silberschatz.pages" --policy lru --frames 3 --from 5 --count 4 --output csv >"$work/win.csv"
{ head -n 1 "$work/all.csv"; sed -n '7,10p' "$work/all.csv"; } >"$work/win.want"
expect_same "--from 5 --count 4: references 5 to 8, as in the whole replay" "$work/win.want" "$work/win.csv"
n=$("$PAGESIM" explain "$TRACES/example.trace" --policy lru --frames 4 --process 2 --output csv |
	awk -F, 'NR > 1 && $3 != 2' | wc -l)
if [ "$n" -eq 0 ]; then ok "--process 2 shows only process 2"; else not_ok "--process 2 shows only process 2" "$n other rows"; fi
# The heading counts what it shows; a process without references is
# warned about; pids start at 1.
run_pagesim explain "$TRACES/example.trace" --policy lru --frames 4 --process 2
if [[ "$out" == *"Shown: the 7 references of process 2 (the trace has 20);"* ]]; then ok "--process: the heading counts its references"
else not_ok "--process: the heading counts its references" "$(grep Shown <<<"$out")"; fi
run_pagesim explain "$TRACES/example.trace" --policy lru --frames 4 --process 7
if [ "$status" -eq 0 ] && [[ "$out" == *"Shown: no reference of process 7 (the trace has 20);"* ]] &&
	[ "$err" = "pagesim: warning: process 7 makes no reference in the trace" ]; then
	ok "--process of an absent process: said, and warned"
else not_ok "--process of an absent process: said, and warned" "$(grep Shown <<<"$out")" "$err"; fi
run_pagesim explain "$TRACES/example.trace" --policy lru --frames 4 --process 2 --from 30
if [[ "$out" == *"Shown: no reference of process 2 (the trace has 20);"* ]]; then ok "--process with --from past the end"
else not_ok "--process with --from past the end" "$(grep Shown <<<"$out")"; fi
expect_error "--policy with a list" '--policy: explain follows one policy, not a list ("lru,fifo")' \
	explain "$TRACES/example.trace" --policy lru,fifo
expect_error "--process 0" '--process: expected a process id from 1 to 2^32-1, got "0"' explain "$TRACES/example.trace" --process 0
"$PAGESIM" explain "$EX/silberschatz-dirty.pages" --policy fifo --frames 3 --style vmsim >"$work/vmsim.txt"
# vmsim's actions, derived from refsim's steps: a hit; a fault with no
# victim; a clean victim; a dirty one.
python3 "$REFSIM" --steps --format pages --policy fifo --frames 3 "$EX/silberschatz-dirty.pages" |
	awk -F, '{ if ($3 == "hit") print "hit"; else if ($4 == "") print "page fault - no eviction";
		else if ($5 == "drop") print "page fault - evict clean"; else print "page fault - evict dirty" }' \
	>"$work/vmsim.want"
head -n 20 "$work/vmsim.txt" >"$work/vmsim.got"
[ "$(grep -c 'evict dirty' "$work/vmsim.want")" -gt 0 ] || not_ok "the vmsim case has dirty evictions"
expect_same "--style vmsim: one action per access, as refsim's steps say" "$work/vmsim.want" "$work/vmsim.got"
"$PAGESIM" explain "$TRACES/example.trace" --policy arc --frames 4 --output json >"$work/ex.json"
if python3 -m json.tool "$work/ex.json" >/dev/null 2>&1; then ok "--output json parses"
else not_ok "--output json parses" "$(head -c 400 "$work/ex.json")"; fi
# On a terminal (script(1) gives one): colour, unless NO_COLOR is set.
if command -v script >/dev/null; then
	NO_COLOR= script -qc "$PAGESIM explain $TRACES/belady.pages --policy fifo --frames 3" /dev/null >"$work/tty.txt" 2>&1 || true
	if grep -q $'\033\[' "$work/tty.txt"; then ok "colour on a terminal"; else not_ok "colour on a terminal" "$(head -3 "$work/tty.txt")"; fi
	NO_COLOR=1 script -qc "$PAGESIM explain $TRACES/belady.pages --policy fifo --frames 3" /dev/null >"$work/tty.txt" 2>&1 || true
	if grep -q $'\033\[' "$work/tty.txt"; then not_ok "no colour with NO_COLOR" "$(head -3 "$work/tty.txt")"; else ok "no colour with NO_COLOR"; fi
fi
if "$PAGESIM" explain "$TRACES/belady.pages" --policy fifo --frames 3 | grep -q $'\033\['; then
	not_ok "no colour into a pipe"
else ok "no colour into a pipe"; fi

# --- bad input: one line naming what was expected, exit 2 --------------
B="$TRACES/belady.pages"
expect_error "--frames 0" "--frames" explain "$B" --frames 0
expect_error "--frames x" "--frames" explain "$B" --frames x
expect_error "--from -1" "--from" explain "$B" --from -1
expect_error "--count 0" "--count" explain "$B" --count 0
expect_error "--process x" "--process" explain "$B" --process x
expect_error "--style bad" "--style" explain "$B" --style bad
expect_error "--output bad" "--output" explain "$B" --output bad
expect_error "--style ostep --output csv" "the ostep style prints text only" explain "$B" --style ostep --output csv
expect_error "an unknown policy" "nosuch" explain "$B" --policy nosuch
expect_error "no trace" "no trace given" explain --policy lru
expect_error "standard input" "needs a file" explain - --policy lru
for t in "$TESTDATA/../scenarios/"err-*.trace; do
	line=$("$PAGESIM" run "$t" --policy fifo 2>&1 >/dev/null | head -n 1)
	expect_error "$(basename "$t"): run's error, FILE:LINE" "${line#pagesim: }" explain "$t" --policy fifo
done
printf '1 2 x 3\n' >"$work/bad.pages"
expect_error "a malformed trace line" "$work/bad.pages:1:" explain "$work/bad.pages" --format pages

finish
