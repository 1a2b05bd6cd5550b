#!/usr/bin/env bash
# e2e-shard.sh - pagesim sweep --shard K/N and pagesim merge: the shards
# split the cells without overlap, keeping the work cells share together;
# merging them gives the unsharded sweep's results.csv and cells files
# byte for byte and its summary.json but for wall times and hosts;
# --resume works per shard; and every refusal of merge is a one-line
# error with exit 2 that writes nothing.
. "$(dirname "$0")/lib.sh"

cd "$work" || exit 1
cp "$TRACES/silberschatz.pages" "$TRACES/sort-1k.addr-rw" .
cp "$TESTDATA/shard-small.yaml" small.yaml

"$PAGESIM" sweep small.yaml -j 2 --no-plot >/dev/null 2>&1 || not_ok "unsharded sweep" "status $?"
for k in 1 2 3; do
	run_pagesim sweep small.yaml --shard "$k/3" -j 2
	[ "$status" -eq 0 ] || not_ok "shard $k/3 runs" "status $status" "$err"
done
if [ -s res/small/shard-1-of-3/shard.txt ] && [ -s res/small/shard-3-of-3/results.csv ]; then
	ok "each shard writes OUTPUT/shard-K-of-N"
else not_ok "each shard writes OUTPUT/shard-K-of-N" "$(ls -R res/small)"; fi

# 4 traces x (4 deterministic policies + 3 seeds of random) x 5 frame counts
# = 140 cells: every one in exactly one shard.
rows=$(cat res/small/shard-*-of-3/results.csv | grep -vc '^trace,')
if [ "$rows" -eq 140 ]; then ok "the shards' rows add up to the 140 cells"
else not_ok "the shards' rows add up to the 140 cells" "got $rows"; fi
# The memory sizes of one (trace, policy, seed) share one shard: in the
# manifest (cell, trace, policy, frames, seed, shard), each such group has
# one owner; and every shard has work.
groups=$(awk -F'\t' '$1 == "cell" { print $2, $3, $5, $6 }' res/small/shard-1-of-3/shard.txt | sort -u | wc -l)
owners=$(awk -F'\t' '$1 == "cell" { print $6 }' res/small/shard-1-of-3/shard.txt | sort -u | tr '\n' ' ')
# 4 traces x (4 policies + 3 random seeds) = 28 groups.
if [ "$groups" -eq 28 ] && [ "$owners" = "1 2 3 " ]; then ok "a policy's (and seed's) sizes of a trace stay in one shard"
else not_ok "a policy's (and seed's) sizes of a trace stay in one shard" "$groups groups, owners $owners"; fi

run_pagesim merge res/merged res/small/shard-1-of-3 res/small/shard-2-of-3 res/small/shard-3-of-3 --no-plot
if [ "$status" -eq 0 ] && [[ "$out" == *"silberschatz.pages, 4096-byte pages: faults at each memory size"* ]]; then
	ok "merge prints the faults table"
else not_ok "merge prints the faults table" "status $status" "$err"; fi
expect_same "merged results.csv is the unsharded sweep's, byte for byte" res/small/results.csv res/merged/results.csv
for f in res/small/cells/*.tsv; do
	expect_same "merged cells file $(basename "$f") equals the sweep's" "$f" "res/merged/cells/$(basename "$f")"
done
# summary.json: equal once the run's own members (wall time, host, start,
# threads) and the list of shards are left out.
strip_summary() {
	sed -e '/"shards": \[/,/^  \],$/d' -e '/"\(wall_seconds\|host\|started\|threads\)":/d' "$1"
}
strip_summary res/small/summary.json >sweep-summary
strip_summary res/merged/summary.json >merged-summary
expect_same "merged summary.json is the sweep's but for wall times and hosts" sweep-summary merged-summary
if [ "$(grep -c '"shard": "[123]/3", "directory"' res/merged/summary.json)" -eq 3 ]; then
	ok "merged summary lists each shard's host and wall time"
else not_ok "merged summary lists each shard's host and wall time" "$(cat res/merged/summary.json)"; fi

# pagesim check --results: the merged rows give the verdicts of a check
# that replays (same table, same exit status).
"$PAGESIM" check small.yaml -j 2 >check-replayed.out
replayed_status=$?
"$PAGESIM" check small.yaml --results res/merged >check-merged.out
merged_status=$?
if [ "$replayed_status" -eq "$merged_status" ] && [ "$(grep -c 'pass\|FAIL' check-merged.out)" -gt 10 ]; then
	ok "check --results on merged shards exits as a replaying check ($merged_status)"
else not_ok "check --results on merged shards exits as a replaying check" "$replayed_status vs $merged_status"; fi
expect_same "check --results on merged shards prints the replaying check's table" check-replayed.out check-merged.out
expect_error "check --results without the cells it needs" \
	"res/small/shard-1-of-3/results.csv: no row for " check small.yaml --results res/small/shard-1-of-3

# The partition is the same on every run; shards: N lets --shard take K alone.
cp res/small/shard-2-of-3/shard.txt first-manifest
sed 's|^output: res/small|shards: 3\noutput: res/small|' small.yaml >byfile.yaml
"$PAGESIM" sweep byfile.yaml --shard 2 --no-plot >/dev/null 2>&1
expect_same "a shard's partition is the same on a second run (shards: 3, --shard 2)" first-manifest res/small/shard-2-of-3/shard.txt

# --resume per shard: a lost cells file is replayed, the others kept.
shard2=res/small/shard-2-of-3
lost=$(ls "$shard2/cells" | head -n 1)
rm "$shard2/cells/$lost"
"$PAGESIM" sweep small.yaml --shard 2/3 --resume >/dev/null 2>resume.err
replayed=$(grep -c '^sweep: trace' resume.err)
if [ "$replayed" -eq 1 ]; then ok "--resume of a shard replays only its missing trace"
else not_ok "--resume of a shard replays only its missing trace" "$(cat resume.err)"; fi
"$PAGESIM" merge res/merged2 res/small/shard-*-of-3 --no-plot >/dev/null 2>&1
expect_same "a resumed shard merges to the same results" res/small/results.csv res/merged2/results.csv

# One cell per trace: the traces replay side by side on 2 threads, with
# the results of one thread.
cat >narrow.yaml <<YAML
name: narrow
traces:
  - silberschatz.pages
  - sort-1k.addr-rw
  - {gen: zipf, pages: 300, refs: 20000, alpha: 0.8, seed: 5}
  - {gen: phases, pages: 2000, refs: 30000, sets: 4, set-size: 100, phase-length: 5000}
policies: [arc]
frames: [16]
output: res/narrow1
YAML
sed 's|res/narrow1|res/narrow2|' narrow.yaml >narrow2.yaml
"$PAGESIM" sweep narrow.yaml -j 1 --no-plot >/dev/null 2>&1
"$PAGESIM" sweep narrow2.yaml -j 2 --no-plot >/dev/null 2>&1
expect_same "one-cell traces side by side on 2 threads give the results of 1 thread" \
	res/narrow1/results.csv res/narrow2/results.csv

# --- refusals: one line, exit 2, nothing written ---
expect_error "--shard beyond N" "--shard 4/3: expected K/N" sweep small.yaml --shard 4/3
expect_error "--shard K without shards: in the file" "expected K/N" sweep small.yaml --shard 2
expect_error "--shard with --plan" "sweep: --plan runs nothing, so --shard has nothing to choose" \
	sweep small.yaml --shard 1/2 --plan 2

# copy_part NAME: a copy of shard 2's directory to damage.
copy_part() { rm -rf "$1" && cp -r "$shard2" "$1"; }
parts13="res/small/shard-1-of-3 res/small/shard-3-of-3"
# expect_refused NAME MESSAGE DIRS...: merge into res/refused must fail so.
expect_refused() {
	local name=$1 want=$2; shift 2
	rm -rf res/refused
	# shellcheck disable=SC2086 # the directory lists are meant to split
	expect_error "merge refuses $name" "$want" merge res/refused "$@" --no-plot
	[ ! -e res/refused ] || not_ok "merge refusing $name writes nothing" "$(ls -R res/refused)"
}

sed 's|^frames: .*|frames: [3, 8, 16, 32, 64, 128]|' small.yaml >other.yaml
"$PAGESIM" sweep other.yaml --shard 2/3 --no-plot >/dev/null 2>&1 || not_ok "shard 2/3 of other.yaml runs"
# shellcheck disable=SC2086
expect_refused "parts of different experiments" "a shard of another experiment than res/small/shard-1-of-3" \
	$parts13 res/small/shard-2-of-3
sed 's|^output: res/small|page-size: 8192\noutput: res/page8k|' small.yaml >page8k.yaml
"$PAGESIM" sweep page8k.yaml --shard 2/3 --no-plot >/dev/null 2>&1 || not_ok "shard 2/3 of page8k.yaml runs"
# shellcheck disable=SC2086
expect_refused "other machine options" "res/page8k/shard-2-of-3: made with other machine options than" \
	$parts13 res/page8k/shard-2-of-3
# Rerun shard 2 of small.yaml itself (other.yaml wrote to the same place).
"$PAGESIM" sweep small.yaml --shard 2/3 --no-plot >/dev/null 2>&1
copy_part oldver
sed -i 's|^pagesim .*|pagesim 0.0.1 0000000|' oldver/shard.txt
# shellcheck disable=SC2086
expect_refused "another pagesim version" "oldver: made by pagesim 0.0.1 0000000, but res/small/shard-1-of-3 by pagesim" \
	$parts13 oldver
# shellcheck disable=SC2086
# Without shard 2, its cells (its results.csv's rows) are missing.
shard2_cells=$(($(wc -l <"$shard2/results.csv") - 1))
expect_refused "a missing shard, naming it" "is missing ($shard2_cells missing in all): shard 2/3 should have made it, and no part given is that shard" \
	$parts13
copy_part lacking
cells=$(ls lacking/cells | head -n 1)
sed -i '$d' "lacking/cells/$cells"
# shellcheck disable=SC2086
expect_refused "a missing cell, naming its shard" "is missing (1 missing in all): shard 2/3 should have made it, but lacking lacks it" \
	$parts13 lacking
# shellcheck disable=SC2086
expect_refused "a shard given twice" "shard 2/3 again (res/small/shard-2-of-3 is that shard too)" \
	$parts13 "$shard2" "$shard2"
copy_part extra
one=$(ls res/small/shard-1-of-3/cells | head -n 1)
tail -n 1 "res/small/shard-1-of-3/cells/$one" >>"extra/cells/$one"
# shellcheck disable=SC2086
expect_refused "a duplicated cell" "is in two parts, res/small/shard-1-of-3 and extra (shard 1/3 makes it)" \
	$parts13 extra
copy_part cut
printf 'fifo\t3\t1\ttrunc' >>"cut/cells/$cells"
# shellcheck disable=SC2086
expect_refused "a cut cells file" "cut/cells/$cells:" $parts13 cut
copy_part running
sed -i 's|"status": "complete"|"status": "running"|' running/summary.json
# shellcheck disable=SC2086
expect_refused "a half-written part" "running/summary.json: status \"running\", not \"complete\": a half-written part; finish it with 'pagesim sweep EXP --shard 2/3 --resume'" \
	$parts13 running
copy_part cutmanifest
head -n 20 "$shard2/shard.txt" >cutmanifest/shard.txt
# shellcheck disable=SC2086
expect_refused "a cut manifest" "cutmanifest/shard.txt: cut short (no end line)" $parts13 cutmanifest
copy_part garbled
sed -i '3s|^.*$|garbage|' garbled/shard.txt
# shellcheck disable=SC2086
expect_refused "a damaged manifest" "garbled/shard.txt:3: expected \"pagesim ...\"" $parts13 garbled
# shellcheck disable=SC2086
expect_refused "a directory that is no shard" "res/small: not a shard of a sweep (no shard.txt)" $parts13 res/small
expect_error "merge into a part" "res/small/shard-1-of-3: is the output directory too" \
	merge res/small/shard-1-of-3 res/small/shard-*-of-3 --no-plot

# Planning reads the file, and builds no generator: a Zipf workload of
# 2^27 pages took 14 s and 1 GB (its table) to plan before (found by
# fuzz_experiment). Peak RSS from GNU time (package time), under 200 MB
# even in a sanitizer build.
cat >"$work/bigzipf.yaml" <<'YAML'
traces:
  - {gen: zipf, pages: 134217728, refs: 1000}
policies: [fifo]
frames: [4]
output: res/bigzipf
YAML
if /usr/bin/time -f '%M' -o "$work/plan.rss" "$PAGESIM" sweep "$work/bigzipf.yaml" --plan 2 >"$work/plan.out" 2>&1 &&
	[ "$(tail -n 1 "$work/plan.rss")" -lt 204800 ] && [ "$(wc -l <"$work/plan.out")" -eq 2 ]; then
	ok "planning a 2^27-page Zipf workload builds no table ($(tail -n 1 "$work/plan.rss") KiB peak)"
else
	not_ok "planning a 2^27-page Zipf workload builds no table" "$(cat "$work/plan.out" "$work/plan.rss" 2>&1)"
fi

finish
