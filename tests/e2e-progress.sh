#!/usr/bin/env bash
# e2e-progress.sh - progress lines on a terminal only: pagesim run and mrc
# draw one (records so far and their rate) and erase it at the end; the
# sweep's bar fills with the records replayed, before any cell is done.
# Without a terminal nothing of it is written. The terminal is script(1)'s
# (util-linux); without script the terminal half is skipped.
. "$(dirname "$0")/lib.sh"

cd "$work" || exit 1
# Big enough that every replay below outlasts the first redraw (0.1 s) on
# a fast machine too: arc and lirs cells over 4 M references.
"$PAGESIM" gen zipf --pages 5000 --refs 4000000 -o zipf.trace

run_pagesim run zipf.trace --policy arc,lirs --frames 64,256 -j 2
if [ "$status" -eq 0 ] && [ -z "$err" ]; then ok "run writes no progress line when stderr is no terminal"
else not_ok "run writes no progress line when stderr is no terminal" "status $status" "$err"; fi
run_pagesim mrc zipf.trace --policy opt
if [ "$status" -eq 0 ] && [ -z "$err" ]; then ok "mrc writes no progress line when stderr is no terminal"
else not_ok "mrc writes no progress line when stderr is no terminal" "status $status" "$err"; fi

if ! command -v script >/dev/null 2>&1; then
	echo "script(1) not found: the terminal checks are skipped"
	finish
fi
# on_tty FILE ARGS...: run pagesim on a terminal, its output (both
# streams, carriage returns as line ends) into FILE.
on_tty() {
	local file=$1; shift
	script -qec "$(printf '%q ' "$PAGESIM" "$@")" /dev/null </dev/null | tr '\r' '\n' >"$file"
}
on_tty run.tty run zipf.trace --policy arc,lirs --frames 64,256 -j 2
if grep -q '^run: [0-9.]* M records, [0-9.]* M records/s' run.tty && grep -q $'^\e\\[K' run.tty; then
	ok "run on a terminal draws its progress line and erases it"
else not_ok "run on a terminal draws its progress line and erases it" "$(head -n 5 run.tty)"; fi
on_tty mrc.tty mrc zipf.trace --policy opt --frames 1..64 # two passes: sizes up to 1,024
if grep -q '^mrc: look-ahead pass: [0-9.]* M records' mrc.tty && grep -q '^mrc: [0-9.]* M records' mrc.tty; then
	ok "mrc on a terminal shows both passes of a two-pass curve"
else not_ok "mrc on a terminal shows both passes of a two-pass curve" "$(head -n 5 mrc.tty)"; fi
cat >one.yaml <<YAML
name: one
traces: [zipf.trace]
policies: [arc, lirs]
frames: [64, 256]
output: res/one
YAML
on_tty sweep.tty sweep one.yaml --no-plot -j 2
# Every cell of the one trace finishes at once, at the end: a bar with a
# '#' beside "0/4 cells" moved with the records replayed.
if grep -q '^\[#[# ]*\] 0/4 cells' sweep.tty; then ok "the sweep's bar fills before a cell is done"
else not_ok "the sweep's bar fills before a cell is done" "$(grep cells sweep.tty | head -n 5)"; fi

finish
