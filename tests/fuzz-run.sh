#!/usr/bin/env bash
# fuzz-run.sh - run every libFuzzer harness for a few seconds over its
# corpus, so that `make check` in a build configured with --enable-fuzzing
# catches a harness that no longer builds, crashes on its own corpus or
# finds something quickly. Real fuzzing is scripts/fuzz NAME.
#
# Environment (from make check): FUZZ_BUILDDIR (the built harnesses under
# it: fuzz_trace, fuzz/fuzz_NAME), FUZZ_SRCDIR (fuzz-corpus/NAME, the
# dictionary), FUZZ_HARNESSES, TESTTMP; FUZZ_CHECK_SECONDS (default 3) is
# how long each harness runs. New inputs are written under TESTTMP only.
. "$(dirname "$0")/lib.sh"

: "${FUZZ_BUILDDIR:?run under make check}" "${FUZZ_SRCDIR:?}" "${FUZZ_HARNESSES:?}"
seconds=${FUZZ_CHECK_SECONDS:-3}

for h in $FUZZ_HARNESSES; do
	if [ "$h" = trace ]; then bin=$FUZZ_BUILDDIR/fuzz_trace; else bin=$FUZZ_BUILDDIR/fuzz/fuzz_$h; fi
	corpus=$FUZZ_SRCDIR/fuzz-corpus/$h
	mkdir -p "$work/$h/new" "$work/$h/artifacts"
	dict=()
	case $h in trace | text | binary | machine) dict=(-dict="$FUZZ_SRCDIR/fuzz-trace.dict") ;; esac
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_$h is built" "$bin is missing"
		continue
	fi
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		not_ok "fuzz_$h has a corpus" "$corpus is missing or empty"
		continue
	fi
	"$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$h/artifacts/" "${dict[@]}" "$work/$h/new" "$corpus" >"$work/$h/log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h/log")
	if [ "$status" -eq 0 ] && [ -z "$(ls -A "$work/$h/artifacts")" ] && [ "${execs:-0}" -gt 0 ]; then
		ok "fuzz_$h: ${execs} inputs in ${seconds}s, nothing found"
	else
		not_ok "fuzz_$h ran clean for ${seconds}s" "exit status $status, ${execs:-no} executions" \
			"artifacts: $(ls "$work/$h/artifacts")" "log ($work/$h/log), last lines:" \
			"$(tail -n 30 "$work/$h/log")"
	fi
done
finish
