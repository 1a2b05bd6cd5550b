#!/usr/bin/env bash
# e2e-check.sh - pagesim check: the shipped clock-vs-random suite holds, a
# deliberately broken clock makes it fail with the expected rows, and bad
# expect: sections are input errors.
. "$(dirname "$0")/lib.sh"

top="$TRACES/.."

# The shipped regression suite (runs from the top of the source tree, where
# its trace paths point).
(cd "$top" && "$PAGESIM" check experiments/clock-vs-random.yaml -j 2) >"$work/suite.out" 2>"$work/suite.err"
status=$?
if [ "$status" -eq 0 ] && grep -q "^all 16 rows hold$" "$work/suite.out" &&
	grep -q "^random fewer than clock by 5% *loop-70 *64 .* pass" "$work/suite.out"; then
	ok "clock-vs-random suite holds, counter-example included"
else
	not_ok "clock-vs-random suite holds, counter-example included" "status $status" "$(cat "$work/suite.out" "$work/suite.err")"
fi

# The check can fail: clock with the accessed bit ignored (a test plug-in).
cat >"$work/broken.yaml" <<YAML
name: broken
plugins: [$PLUGINDIR/broken-clock.so]
traces: [$TRACES/sort.lackey.zst, $TRACES/gzip.lackey.gz]
policies: [broken-clock, clock, random, fifo]
frames: [16, 32]
expect:
  - {policy: broken-clock, fewer-faults-than: random, margin: 5%, traces: [$TRACES/sort.lackey.zst], frames: [32]}
  - {policy: broken-clock, fewer-faults-than: random, margin: 5%, traces: [$TRACES/gzip.lackey.gz], frames: [16]}
  - {policy: clock, fewer-faults-than: random, margin: 5%, frames: [32]}
output: $work/broken-out
YAML
run_pagesim check "$work/broken.yaml" -j 2
if [ "$status" -eq 1 ] && [[ "$out" == *"FAILED: 2 of 4 rows:"* ]] &&
	[ "$(grep -c "^broken-clock fewer than random by 5%.*FAIL" <<<"$out")" -eq 4 ] &&
	[[ "$out" == *"clock fewer than random by 5%"*"sort.lackey.zst"*"32"*"pass"* ]]; then
	ok "a broken clock fails the check with exit 1 and its rows listed"
else
	not_ok "a broken clock fails the check with exit 1 and its rows listed" "status $status" "$out" "$err"
fi
# The broken clock is FIFO in disguise: same faults.
b=$("$PAGESIM" run "$TRACES/sort.lackey.zst" --plugin "$PLUGINDIR/broken-clock.so" --policy broken-clock --frames 32 --output csv | tail -n 1 | cut -d, -f11)
f=$("$PAGESIM" run "$TRACES/sort.lackey.zst" --policy fifo --frames 32 --output csv | tail -n 1 | cut -d, -f11)
if [ -n "$b" ] && [ "$b" = "$f" ]; then ok "broken-clock faults like fifo ($b)"; else not_ok "broken-clock faults like fifo" "$b vs $f"; fi

# --plot draws one graph per requirement and trace.
run_pagesim check "$work/broken.yaml" --plot -j 2
n=$(find "$work/broken-out/check" -name '*.png' | wc -l)
if [ "$status" -eq 1 ] && [ "$n" -eq 4 ] &&
	[ "$(head -c 8 "$(find "$work/broken-out/check" -name '*.png' | head -n 1)" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	ok "--plot draws 4 PNG graphs"
else
	not_ok "--plot draws 4 PNG graphs" "status $status, $n images" "$err"
fi

# Bad expect: sections are input errors (exit 2) naming the line and column.
printf 'traces: [%s]\npolicies: [clock]\nframes: [8]\n' "$TRACES/belady.pages" >"$work/none.yaml"
expect_error "no expect section" "no expect: section" check "$work/none.yaml"
printf 'traces: [%s]\npolicies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, fewer-faults-than: lru}\n' \
	"$TRACES/belady.pages" >"$work/bad1.yaml"
expect_error "unknown policy in a requirement" 'bad1.yaml:5:40: fewer-faults-than "lru" is not among the experiment'"'"'s policies' check "$work/bad1.yaml"
printf 'traces: [%s]\npolicies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, fewer-faults-than: random, margin: 5 percent}\n' \
	"$TRACES/belady.pages" >"$work/bad2.yaml"
expect_error "bad margin" 'bad2.yaml:5:56: margin: expected a percentage like 5% or a fraction from 0 to 1' check "$work/bad2.yaml"
printf 'traces: [%s]\npolicies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, at-least-as-good-as: random, margin: 2%%}\n' \
	"$TRACES/belady.pages" >"$work/bad3.yaml"
expect_error "margin with at-least-as-good-as" 'bad3.yaml:5:58: fewer-faults-than takes margin:, at-least-as-good-as takes tolerance:' check "$work/bad3.yaml"
printf 'traces: [%s]\npolicies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, fewer-faults-than: random, frames: [16]}\n' \
	"$TRACES/belady.pages" >"$work/bad4.yaml"
expect_error "frames outside the experiment" "bad4.yaml:5:57: frames: 16 is not among the experiment's frames" check "$work/bad4.yaml"

# A long trace label (an inline generated trace) widens the trace column
# instead of pushing the later columns out of line: every row's frame count
# ends where the header's "frames" does.
cat >"$work/long-label.yaml" <<EOF
traces:
  - $TRACES/belady.pages
  - {gen: zipf, pages: 2000, refs: 20000, seed: 1, alpha: 0.9}
policies: [clock, random]
frames: [3]
expect:
  - {policy: clock, at-least-as-good-as: random, tolerance: 100%}
output: $work/long-label-out
EOF
run_pagesim check "$work/long-label.yaml" -j 1
ends=$(awk '/^requirement/ { print index($0, "frames") + 5 } /^clock/ { print index($0, " 3 ") + 1 }' <<<"$out" | sort -u | wc -l)
if [ "$status" -eq 0 ] && [ "$ends" = 1 ]; then
	ok "check: a long trace label keeps the columns aligned"
else
	not_ok "check: a long trace label keeps the columns aligned" "status $status" "$out" "$err"
fi

finish
