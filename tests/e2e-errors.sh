#!/usr/bin/env bash
# e2e-errors.sh - every kind of bad input gets one clear line, exit 2, and
# no results on stdout.
. "$(dirname "$0")/lib.sh"

printf '1\n2\n3\n' >"$work/good.pages"
printf 'pagesim-trace 1\nR 0x1000\nW 0x2000 8\nQ 0x3000\nR 0x4000\n' >"$work/bad.trace"
printf '0041f7a0 R\n0041f7a4 W\n0041f7a8 Z\n' >"$work/bad.addr-rw"
printf 'I  04016a0,3\n L 04222cd0,8\n S 7ff000398\n' >"$work/bad.lackey"
printf ' L 7ff000398,8\n' >"$work/high.lackey"
{ printf "\211PNG\r\n\032\n"; head -c 2000 /dev/zero; } >"$work/garbage.bin"
for i in $(seq 1 3000); do echo " S $(printf '%x' $((i * 4096))),8"; done >"$work/long.lackey"
# Cut each compressed stream in the middle.
gzip -c "$work/long.lackey" >"$work/long.lackey.gz"
zstd -q -c "$work/long.lackey" >"$work/long.lackey.zst"
head -c $(($(wc -c <"$work/long.lackey.gz") / 2)) "$work/long.lackey.gz" >"$work/truncated.lackey.gz"
head -c $(($(wc -c <"$work/long.lackey.zst") / 2)) "$work/long.lackey.zst" >"$work/truncated.lackey.zst"

expect_error "missing file" "$work/nope.trace: No such file or directory" run "$work/nope.trace"
expect_error "unknown policy suggests" 'unknown policy "lur" (did you mean "lru"?)' run "$work/good.pages" --policy lur
expect_error "unknown policy" 'unknown policy "zzzzzz"' run "$work/good.pages" --policy zzzzzz
expect_error "frames 0" "--frames: expected counts from 1" run "$work/good.pages" --frames 0
expect_error "frames junk" "--frames: expected counts" run "$work/good.pages" --frames 12x
expect_error "page size not a power of two" "--page-size: \"3000\" is not a power of two" run "$work/good.pages" --page-size 3000
expect_error "page size too small" "--page-size" run "$work/good.pages" --page-size 16
expect_error "unknown format" "--format: unknown trace format \"csv\"" run "$work/good.pages" --format csv
expect_error "unknown output" "--output: expected text, csv or json" run "$work/good.pages" --output xml
expect_error "va bits" "--va-bits: expected 32 or 48" run "$work/good.pages" --va-bits 40
expect_error "no trace" "run: no trace given" run --policy fifo
expect_error "two traces" "run: more than one trace given" run "$work/good.pages" "$work/good.pages"
expect_error "unknown command" 'unknown command "rnu"' rnu
expect_error "native bad record" "$work/bad.trace:4: expected R, W, X, M or process" run "$work/bad.trace"
expect_error "addr-rw bad op" "$work/bad.addr-rw:3:" run "$work/bad.addr-rw" --format addr-rw
expect_error "lackey bad record" "$work/bad.lackey:3:" run "$work/bad.lackey"
expect_error "garbage" "cannot tell the trace format" run "$work/garbage.bin"
expect_error "truncated gzip" "truncated" run "$work/truncated.lackey.gz"
expect_error "truncated zstd" "truncated" run "$work/truncated.lackey.zst"
expect_error "swap full" "swap device full (1 slots in use)" run "$work/long.lackey" --frames 1 --swap-slots 1 --policy fifo
expect_error "32-bit address beyond" "beyond the 32-bit" run "$work/high.lackey" --va-bits 32

# Standard input is named <stdin>, also when OPT spools it to a file first.
for pol in lru opt; do
	"$PAGESIM" run - --policy "$pol" <"$work/bad.trace" >"$work/out" 2>"$work/err"
	if [ $? -eq 2 ] && [ "$(cat "$work/err")" = "pagesim: <stdin>:4: expected R, W, X, M or process" ]; then
		ok "stdin errors name <stdin> ($pol)"
	else
		not_ok "stdin errors name <stdin> ($pol)" "$(cat "$work/err")"
	fi
done

# gen refuses bad options and leaves no file behind.
expect_error "gen unknown kind" 'got "zipff" (did you mean "zipf"?)' gen zipff --pages 10 --refs 10 -o "$work/g.trace"
expect_error "gen unknown kind, no guess" 'expected uniform, zipf, scan, loop, phases or mix, got "bogus"' gen bogus --pages 10 --refs 10 -o "$work/g.trace"
expect_error "gen zero pages" "gen" gen uniform --pages 0 --refs 10 -o "$work/g.trace"
if [ ! -e "$work/g.trace" ] && [ -z "$(find "$work" -name 'g.trace.tmp*')" ]; then ok "gen leaves no file on error"
else not_ok "gen leaves no file on error" "$(ls "$work")"; fi

# Output files: an empty name is refused; a missing directory and a write
# past the file-size limit (ulimit -f: SIGXFSZ is ignored, so the write
# fails with EFBIG) are errors naming the file asked for, not a temporary,
# and leave nothing behind, not a half-written file.
expect_error "gen: an empty output name" "an output file's name is empty" gen uniform --pages 10 --refs 10 -o ''
expect_error "ws: an empty --series name" "--series: an output file's name is empty" ws "$TRACES/belady.pages" --series ''
expect_error "gen: a missing output directory" "cannot create $work/no/g.trace: No such file or directory" \
	gen uniform --pages 10 --refs 10 -o "$work/no/g.trace"
(ulimit -f 8 && exec "$PAGESIM" gen uniform --pages 1000 --refs 100000 -o "$work/big.trace") >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 2 ] && [ "$(cat "$work/err")" = "pagesim: gen: cannot write $work/big.trace: File too large" ] &&
	[ ! -e "$work/big.trace" ] && [ -z "$(find "$work" -name 'big.trace.tmp*')" ]; then
	ok "gen past the file-size limit: an error, no file"
else
	not_ok "gen past the file-size limit: an error, no file" "status $status" "$(cat "$work/err")" "$(ls "$work")"
fi
# An output that names the input (or another link to it) is refused
# before anything is written: the trace stays as it was.
cp "$TRACES/sort-1k.addr-rw" "$work/self.addr-rw"
ln -f "$work/self.addr-rw" "$work/self-link.addr-rw"
expect_error "convert onto its own input" "convert: $work/self.addr-rw: is the input trace; write the converted trace to another file" \
	convert "$work/self.addr-rw" "$work/self.addr-rw"
expect_error "convert onto a hard link of its input" "$work/self-link.addr-rw: is the input trace" \
	convert "$work/self.addr-rw" "$work/self-link.addr-rw"
expect_error "ws --series onto the trace" "--series: $work/self.addr-rw: is the input trace; write the series to another file" \
	ws "$work/self.addr-rw" --series "$work/self.addr-rw"
if cmp -s "$TRACES/sort-1k.addr-rw" "$work/self.addr-rw"; then ok "the input survives"
else not_ok "the input survives" "$(head -c 200 "$work/self.addr-rw" | od -c | head -3)"; fi
# A value given twice is refused, as in an experiment file.
expect_error "--frames twice" "--frames: 4 is listed twice" run "$TRACES/belady.pages" --frames 4,4
expect_error "--frames twice, in a range" "--frames: 4 is listed twice" run "$TRACES/belady.pages" --frames 1..8,4
expect_error "--tau twice" "--tau: 3 is listed twice" ws "$TRACES/belady.pages" --tau 3,3
expect_error "--policy twice" "--policy: lru is listed twice" run "$TRACES/belady.pages" --policy lru,lru
expect_error "a policy parameter twice" 'policy "aging": bits is given twice' \
	run "$TRACES/belady.pages" --policy aging:bits=3:bits=4
# Compressions pagesim does not read are named, not taken for garbage.
printf 'BZh91AY&SY' >"$work/t.bz2"
printf '\3757zXZ\0\0' >"$work/t.xz"
expect_error "a bzip2 trace" "$work/t.bz2: compressed with bzip2, which pagesim does not read" run "$work/t.bz2"
expect_error "an xz trace" "$work/t.xz: compressed with xz, which pagesim does not read" run "$work/t.xz"
expect_error "sweep of a directory" "pagesim: $work: Is a directory" sweep "$work"
# A sweep stopped so: its summary says "failed", not "running", and no
# temporary file is left.
printf 'output: %s/fsz\ntraces:\n  - %s/sort-1k.addr-rw\npolicies: [fifo, lru, clock, random]\nframes: [%s]\nseeds: [1, 2, 3, 4]\n' \
	"$work" "$TRACES" "$(seq -s ', ' 1 40)" >"$work/fsz.yaml"
(ulimit -f 8 && exec "$PAGESIM" sweep "$work/fsz.yaml" --no-plot -j 1) >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "pagesim: $work/fsz/cells/.*\.tsv: File too large" "$work/err" &&
	grep -q '"status": "failed"' "$work/fsz/summary.json" && [ -z "$(find "$work/fsz" -name '.tmp*')" ]; then
	ok "a sweep past the file-size limit: an error, summary failed"
else
	not_ok "a sweep past the file-size limit: an error, summary failed" "status $status" "$(cat "$work/err")" \
		"$(cat "$work/fsz/summary.json" 2>&1 | grep status)" "$(find "$work/fsz")"
fi

# --skip-bad: the same bad trace runs, reports the skip, and counts the rest.
run_pagesim run "$work/bad.trace" --skip-bad --policy fifo --output csv
if [ "$status" -eq 0 ] && [[ "$err" == *"skipped 1 malformed line; the first: $work/bad.trace:4:"* ]] &&
	[ "$(tail -n 1 "$work/out" | cut -d, -f6)" = 3 ] && [ "$(tail -n 1 "$work/out" | cut -d, -f21)" = 1 ]; then
	ok "skip-bad counts and reports"
else
	not_ok "skip-bad counts and reports" "status $status" "stderr: $err" "stdout: $out"
fi

# An empty trace is not an error: zero references.
: >"$work/empty.pages"
run_pagesim run "$work/empty.pages" --format pages --output csv
if [ "$status" -eq 0 ] && [ "$(tail -n 1 "$work/out" | cut -d, -f6)" = 0 ]; then ok "empty trace"; else not_ok "empty trace" "status $status: $err"; fi
run_pagesim run "$work/empty.pages" --format pages --policy opt --output csv
if [ "$status" -eq 0 ] && [ "$(tail -n 1 "$work/out" | cut -d, -f6)" = 0 ]; then ok "empty trace under opt"; else not_ok "empty trace under opt" "status $status: $err"; fi

# Write errors on standard output are errors that name their reason, for
# every command: a full device (a private node, never the system's own),
# and a closed standard output.
# expect_exit2_saying STATUS PATTERN DESC: a test that STATUS is 2 and
# $work/err matches PATTERN (grep).
expect_exit2_saying() {
	if [ "$1" -eq 2 ] && grep -q "$2" "$work/err"; then
		ok "$3"
	else
		not_ok "$3" "status $1: $(cat "$work/err")"
	fi
}
stdout_cmds=("decode $TRACES/belady.pages" "policies" "run $TRACES/belady.pages" "mrc $TRACES/belady.pages"
	"gen uniform --pages 10 --refs 5 -o -" "convert $TRACES/belady.pages -" "--help" "run --help")
if mknod "$work/full" c 1 7 2>/dev/null; then
	for c in "${stdout_cmds[@]}"; do
		# shellcheck disable=SC2086
		"$PAGESIM" $c >"$work/full" 2>"$work/err"
		expect_exit2_saying $? 'No space left on device' "pagesim $c > a full device: exit 2 naming the reason"
	done
else
	echo "# skip: cannot make a device node here (not root); the closed-output checks below still run"
fi
for c in "decode $TRACES/belady.pages" "policies" "run - --policy opt" "mrc - --policy opt"; do
	# shellcheck disable=SC2086
	"$PAGESIM" $c <"$TRACES/belady.pages" >&- 2>"$work/err"
	expect_exit2_saying $? 'cannot write standard output: Bad file descriptor' \
		"pagesim $c with standard output closed: exit 2 naming the reason"
done
# --- Experiment files beyond the limits, empty list items, a directory as a trace --

# 100,000 nested '[' used to take quadratic time (56 s) before the error;
# nesting beyond 16 levels is refused at once, where it goes too deep.
{ printf 'traces: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } >"$work/deep.yaml"
timeout 10 "$PAGESIM" check "$work/deep.yaml" >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "^pagesim: $work/deep.yaml:1:24: lists and mappings nested more than 16 deep" "$work/err"; then
	ok "100,000 nested lists are refused quickly at the 17th level"
else
	not_ok "100,000 nested lists are refused quickly at the 17th level" "status $status" "$(head -c 300 "$work/err")"
fi
# A file over 1 MiB is refused, at its first byte beyond the limit.
{ echo 'name: big'; for i in $(seq 1 70000); do echo "# padding line $i"; done; } >"$work/big.yaml"
expect_error "an experiment file over 1 MiB is refused" \
	"$work/big.yaml:" check "$work/big.yaml"
expect_error "... saying why" "the file is larger than 1048576 bytes (1 MiB), the limit for an experiment file" \
	check "$work/big.yaml"
# Empty items of comma-separated lists.
expect_error "--policy with an empty item" '--policy: empty item in "fifo,," (a comma at an end, or two in a row)' \
	run "$work/good.pages" --policy fifo,,
expect_error "--frames with an empty item" '--frames: empty item in "1,,2" (a comma at an end, or two in a row)' \
	run "$work/good.pages" --frames 1,,2
expect_error "mrc --frames with an empty item" '--frames: empty item in ",4"' mrc "$work/good.pages" --frames ,4
expect_error "--frames backwards" '--frames: the range 8..4 runs backwards (A..B needs A <= B)' \
	run "$work/good.pages" --frames 8..4
expect_error "mrc --frames backwards" '--frames: the range 9..3 runs backwards' mrc "$work/good.pages" --frames 4,9..3
expect_error "ws --tau backwards names --tau" '--tau: the range 9..3 runs backwards' ws "$work/good.pages" --tau 4,9..3
expect_error "ws --tau with too many windows" '--tau: "1..100:1" gives 100 values; at most 64' ws "$work/good.pages" --tau 1..100:1
expect_error "--frames with too many sizes" '--frames: "1..4096:1" gives 4096 values; at most 256' \
	run "$work/good.pages" --frames 1..4096:1
# A frame count too large for the policy's state is refused before the
# frame table is made (once, that took 8 GB and half a minute).
expect_error "frames beyond a policy's state cap" 'policy "fifo" asked for 2147483660 bytes of state for 268435456 frames' \
	run "$work/good.pages" --policy fifo --frames 268435456
# An empty trace replays (0 references) with a warning, not silently.
: >"$work/empty.trace"
run_pagesim run "$work/empty.trace" --frames 4
if [ "$status" -eq 0 ] && [[ "$out" == *"0 references"* ]] &&
	[ "$err" = "pagesim: warning: $work/empty.trace holds no records" ]; then
	ok "an empty trace gets a warning"
else
	not_ok "an empty trace gets a warning" "status $status" "stderr: $err"
fi
# So does a workload's empty trace, named, and the count when more are.
printf 'pagesim-trace 1\nR 0x1000 4\n' >"$work/one.trace"
: >"$work/empty2.trace"
run_pagesim run --workload "$work/one.trace,$work/empty.trace" --frames 4
if [ "$status" -eq 0 ] && [[ "$out" == *"1 references"* ]] &&
	[ "$err" = "pagesim: warning: the workload's trace $work/empty.trace holds no records" ]; then
	ok "a workload's empty trace gets a warning"
else
	not_ok "a workload's empty trace gets a warning" "status $status" "stdout: $out" "stderr: $err"
fi
# ... and says so when its lines were all skipped as malformed.
printf 'pagesim-trace 1\nR zz 4\n' >"$work/all-skipped.trace"
run_pagesim run --workload "$work/one.trace,$work/all-skipped.trace" --frames 4 --skip-bad
if [ "$status" -eq 0 ] && [[ "$out" == *"1 references"* ]] &&
	[[ "$err" == *"pagesim: warning: the workload's trace $work/all-skipped.trace holds no records but the skipped ones" ]]; then
	ok "a workload's trace of skipped lines says so"
else
	not_ok "a workload's trace of skipped lines says so" "status $status" "stdout: $out" "stderr: $err"
fi
run_pagesim run --workload "$work/empty2.trace,$work/one.trace,$work/empty.trace" --frames 4
if [ "$status" -eq 0 ] &&
	[ "$err" = "pagesim: warning: 2 of the workload's traces hold no records; the first: $work/empty2.trace" ]; then
	ok "a workload's empty traces are counted"
else
	not_ok "a workload's empty traces are counted" "status $status" "stderr: $err"
fi
# A sweep whose every cell fails says so, without pointing at other results.
printf '1\n2\nx\n' >"$work/all-bad.pages"
printf 'name: allbad\noutput: %s/allbad\ntraces:\n  - %s/all-bad.pages\npolicies: [fifo, lru]\nframes: [2]\n' \
	"$work" "$work" >"$work/all-bad.yaml"
run_pagesim sweep "$work/all-bad.yaml" --no-plot
if [ "$status" -ne 0 ] && [[ "$err" == *"2 of 2 cells failed (above); the failure is recorded in $work/allbad/summary.json"* ]] &&
	[[ "$err" != *"the others"* ]]; then
	ok "a sweep whose every cell fails says so"
else
	not_ok "a sweep whose every cell fails says so" "status $status" "stderr: $err"
fi
# A directory named as a trace in an experiment file, at its line.
printf 'traces:\n  - %s\npolicies: [fifo]\nframes: [3]\n' "$work" >"$work/dir-trace.yaml"
expect_error "a directory as a trace is refused at its FILE:LINE:COLUMN" \
	"$work/dir-trace.yaml:2:5: trace $work: is a directory, not a trace file" check "$work/dir-trace.yaml"

finish
