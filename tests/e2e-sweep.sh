#!/usr/bin/env bash
# e2e-sweep.sh - pagesim sweep end to end: results equal individual runs,
# are the same on any number of threads, survive Ctrl-C, SIGHUP and a
# looping plug-in, and --resume completes them identically, redoing the
# cells of a trace that changed; a killed rerun never looks complete.
. "$(dirname "$0")/lib.sh"

cd "$work" || exit 1
cp "$TRACES/silberschatz.pages" "$TRACES/sort-1k.addr-rw" .
cat >small.yaml <<YAML
name: small
traces:
  - silberschatz.pages
  - sort-1k.addr-rw
  - {gen: zipf, pages: 300, refs: 20000, alpha: 0.8, seed: 5, write-ratio: 0.3}
policies: [fifo, lru, clock, random, opt]
frames: [3, 8, {from: 16, to: 64}]
seeds: 3
output: res/small
YAML

run_pagesim sweep small.yaml -j 2 --no-plot
if [ "$status" -eq 0 ] && [ -s res/small/results.csv ] && [ -s res/small/summary.json ]; then ok "sweep writes results and summary"
else not_ok "sweep writes results and summary" "status $status" "$err"; fi
# 3 traces x (4 deterministic policies + 3 seeds of random) x 5 frame counts
rows=$(($(wc -l <res/small/results.csv) - 1))
if [ "$rows" -eq 105 ]; then ok "105 cells"; else not_ok "105 cells" "got $rows rows"; fi
if grep -q '"status": "complete"' res/small/summary.json && grep -q '"cells_done": 105' res/small/summary.json; then
	ok "summary says complete"
else not_ok "summary says complete" "$(cat res/small/summary.json)"; fi
if [[ "$out" == *"silberschatz.pages, 4096-byte pages: faults at each memory size"* ]] &&
	[[ "$out" == *"random"*"(mean of 3 seeds)"* ]]; then ok "sweep prints the comparison table"
else not_ok "sweep prints the comparison table" "$out"; fi

# Every row equals the pagesim run of the same cell (the generated trace via gen).
"$PAGESIM" gen zipf --pages 300 --refs 20000 --alpha 0.8 --seed 5 --write-ratio 0.3 -o zipf.trace
: >individual.csv
for t in silberschatz.pages sort-1k.addr-rw zipf.trace; do
	"$PAGESIM" run "$t" --policy fifo,lru,clock,opt --frames 3,8,16,32,64 --output csv | tail -n +2 >>individual.csv
	for s in 1 2 3; do
		"$PAGESIM" run "$t" --policy random --frames 3,8,16,32,64 --seed "$s" --output csv | tail -n +2 >>individual.csv
	done
done
# The generated trace is labelled by its spec in the sweep, by file name in run.
label="gen:zipf:pages=300:refs=20000:seed=5:write-ratio=0.3:alpha=0.8"
sed "s|^zipf.trace,|$label,|" individual.csv | cut -d, -f1-11,13- | sort >expect.csv
tail -n +2 res/small/results.csv | cut -d, -f1-11,13- | sort >got.csv
expect_same "sweep rows equal individual runs (all but the format-free columns)" expect.csv got.csv

# The same on one thread.
sed 's|output: res/small|output: res/one|' small.yaml >one.yaml
"$PAGESIM" sweep one.yaml -j 1 --no-plot >/dev/null 2>&1
expect_same "one thread gives the same results" res/small/results.csv res/one/results.csv

# Ctrl-C after the first trace, then --resume: identical results, and the
# finished trace is not replayed again.
cat >long.yaml <<YAML
name: long
traces:
  - silberschatz.pages
  - {gen: uniform, pages: 100000, refs: 30000000, seed: 2}
policies: [fifo, lru]
frames: [1000, 2000]
output: res/long
YAML
"$PAGESIM" sweep long.yaml -j 2 --no-plot >long.out 2>long.err &
pid=$!
for _ in $(seq 1 100); do grep -q "trace 1/2" long.err && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 130 ] && grep -q "interrupted: 4 of 8 cells done" long.err &&
	[ "$(($(wc -l <res/long/results.csv) - 1))" -eq 4 ] && grep -q '"status": "interrupted"' res/long/summary.json; then
	ok "Ctrl-C keeps the finished cells (exit 130)"
else
	not_ok "Ctrl-C keeps the finished cells (exit 130)" "status $status" "$(cat long.err)"
fi
"$PAGESIM" sweep long.yaml -j 2 --no-plot --resume >/dev/null 2>resume.err
if [ $? -eq 0 ] && ! grep -q "trace 1/2" resume.err && grep -q "trace 2/2" resume.err; then
	ok "--resume runs only the missing trace"
else
	not_ok "--resume runs only the missing trace" "$(cat resume.err)"
fi
sed 's|output: res/long|output: res/long-full|' long.yaml >long-full.yaml
"$PAGESIM" sweep long-full.yaml -j 2 --no-plot >/dev/null 2>&1
expect_same "resumed results equal an uninterrupted sweep" res/long-full/results.csv res/long/results.csv

# --resume refuses cells made with other machine options.
sed 's|^name: long$|name: long\npage-size: 8192|' long.yaml >long-8k.yaml
expect_error "resume with other machine options" "made with other machine options" sweep long-8k.yaml --resume --no-plot

# A single SIGHUP stops the sweep like Ctrl-C: finished cells kept (issue 13).
sed 's|output: res/long|output: res/hup|' long.yaml >hup.yaml
"$PAGESIM" sweep hup.yaml -j 2 --no-plot >hup.out 2>hup.err &
pid=$!
for _ in $(seq 1 100); do grep -q "trace 1/2" hup.err && break; sleep 0.1; done
kill -HUP "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 130 ] && grep -q "interrupted: 4 of 8 cells done" hup.err &&
	grep -q '"status": "interrupted"' res/hup/summary.json; then
	ok "SIGHUP stops the sweep like Ctrl-C"
else
	not_ok "SIGHUP stops the sweep like Ctrl-C" "status $status" "$(cat hup.err)"
fi

# --resume redoes the cells of a trace that is not the one they were made
# from (issue 13): one of another size, then one of the same size and
# modification time with other bytes; the unchanged trace is kept.
cp "$TRACES/belady.pages" edit.pages
cat >edit.yaml <<YAML
name: edit
traces: [edit.pages, silberschatz.pages]
policies: [fifo, lru]
frames: [3, 4]
output: res/edit
YAML
sed 's|output: res/edit|output: res/edit-fresh|' edit.yaml >edit-fresh.yaml
# resume_edited NAME: resume res/edit after an edit of edit.pages; its
# results must equal a fresh sweep, and only edit.pages be redone.
resume_edited() {
	"$PAGESIM" sweep edit.yaml --no-plot --resume >/dev/null 2>edit.err
	status=$?
	"$PAGESIM" sweep edit-fresh.yaml --no-plot >/dev/null 2>&1
	if [ "$status" -eq 0 ] && cmp -s res/edit/results.csv res/edit-fresh/results.csv &&
		grep -q "edit.pages: the trace changed since its cells were made; its cells are redone" edit.err &&
		grep -q "trace 1/2 edit.pages: 4 cells" edit.err && ! grep -q "trace 2/2" edit.err; then
		ok "$1"
	else
		not_ok "$1" "status $status" "$(cat edit.err)" "$(diff res/edit-fresh/results.csv res/edit/results.csv)"
	fi
}
"$PAGESIM" sweep edit.yaml --no-plot >/dev/null 2>&1
printf '1\n2\n' >>edit.pages
resume_edited "--resume redoes the cells of a trace that grew"
touch -r edit.pages edit.time
sed -i 's/^5$/7/' edit.pages
touch -r edit.time edit.pages
resume_edited "--resume redoes the cells of a trace with other bytes, same size and time"
# Cells files of an older pagesim do not identify their trace: redone.
sed -i '/^#trace /d' res/edit/cells/*.tsv
"$PAGESIM" sweep edit.yaml --no-plot --resume >/dev/null 2>edit.err
if [ "$?" -eq 0 ] && cmp -s res/edit/results.csv res/edit-fresh/results.csv &&
	[ "$(grep -c "does not say which trace it was made from (an older pagesim made it); its cells are redone" edit.err)" -eq 2 ]; then
	ok "--resume redoes cells files that do not identify their trace"
else
	not_ok "--resume redoes cells files that do not identify their trace" "$(cat edit.err)"
fi

# A plug-in that never returns from evict() (tests/looping.so): the first
# trace never evicts and is kept; the second loops. A second Ctrl-C (or a
# SIGTERM after a SIGHUP) ends the sweep at once, by the signal (issue 13).
# Job control, so that the background sweep does not ignore SIGINT; a
# watchdog kills it after 10 s, so that the test never hangs.
set -m
cat >loop.yaml <<YAML
name: loop
plugins: [$PLUGINDIR/looping.so]
traces:
  - silberschatz.pages
  - {gen: uniform, pages: 5000, refs: 100000, seed: 2}
policies: [looping]
frames: [1000]
output: res/loop
YAML
# stop_looping NAME SIG1 SIG2 WANT: start loop.yaml, send SIG1 and SIG2
# once the plug-in loops (it says so), and expect exit status WANT soon
# after, with the first trace's row kept.
stop_looping() {
	local watchdog
	rm -rf res/loop
	"$PAGESIM" sweep loop.yaml -j 1 --no-plot >loop.out 2>loop.err &
	pid=$!
	(sleep 10 && kill -KILL "$pid") 2>/dev/null &
	watchdog=$!
	for _ in $(seq 1 100); do grep -q "^looping:" loop.err && break; sleep 0.1; done
	kill "-$2" "$pid"
	sleep 0.3
	kill "-$3" "$pid"
	wait "$pid"
	status=$?
	kill -- "-$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	if [ "$status" -eq "$4" ] && [ "$(tail -n +2 res/loop/results.csv | cut -d, -f1)" = silberschatz.pages ]; then
		ok "$1"
	else
		not_ok "$1" "status $status, expected $4" "$(cat loop.err)"
	fi
}
stop_looping "a second Ctrl-C stops a looping plug-in at once (exit 130)" INT INT 130
stop_looping "SIGHUP then SIGTERM stops a looping plug-in at once" HUP TERM 143

# A finished sweep rerun with other policies and killed (SIGKILL) after its
# first trace replaced results (the plug-in loops in the second): summary.json
# must not call them complete.
sed 's|^policies: \[looping\]$|policies: [fifo]|' loop.yaml >loop-fifo.yaml
"$PAGESIM" sweep loop-fifo.yaml --no-plot >/dev/null 2>&1
if grep -q '"status": "complete"' res/loop/summary.json; then ok "the fifo sweep completes"
else not_ok "the fifo sweep completes" "$(cat res/loop/summary.json)"; fi
"$PAGESIM" sweep loop.yaml -j 1 --no-plot >loop.out 2>loop.err &
pid=$!
(sleep 10 && kill -KILL "$pid") 2>/dev/null &
watchdog=$!
for _ in $(seq 1 100); do grep -q "^looping:" loop.err && break; sleep 0.1; done
kill -KILL "$pid"
wait "$pid"
kill -- "-$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
if grep -q '^silberschatz.pages,looping,' res/loop/results.csv && ! grep -q '"status": "complete"' res/loop/summary.json; then
	ok "a killed rerun leaves no summary calling its results complete"
else
	not_ok "a killed rerun leaves no summary calling its results complete" "$(cat res/loop/results.csv)" "$(cat res/loop/summary.json)"
fi
set +m

# Bad experiment files: FILE:LINE:COLUMN, exit 2, nothing written.
printf 'traces: [silberschatz.pages]\npolicies: [fifo, lur]\nframes: [3]\noutput: res/bad\n' >bad.yaml
expect_error "unknown policy in a sweep" 'bad.yaml:2:18: unknown policy "lur" (did you mean "lru"?)' sweep bad.yaml
if [ ! -e res/bad ]; then ok "a bad experiment writes nothing"; else not_ok "a bad experiment writes nothing"; fi
expect_error "missing experiment" "nope.yaml: No such file or directory" sweep nope.yaml

finish
