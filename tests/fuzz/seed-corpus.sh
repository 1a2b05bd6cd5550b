#!/usr/bin/env bash
# seed-corpus.sh - rebuild tests/fuzz-corpus/NAME for the harnesses of
# tests/fuzz/ from the shipped traces, scenarios, experiments and golden
# results, each input with the option bytes its harness reads first, then
# minimise each with libFuzzer's -merge=1.
#
#   tests/fuzz/seed-corpus.sh BUILDDIR   (a tree configured --enable-fuzzing, built with make check TESTS=)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: seed-corpus.sh BUILDDIR}" && pwd)
raw=$(mktemp -d /tmp/pagesim-seeds.XXXXXX)
trap 'rm -rf "$raw"' EXIT
cd "$top"
# first KIB of a file
head4k() { head -c 4096 "$1"; }
put() { # put HARNESS NAME OPTION-BYTES(printf escapes) FILE
	mkdir -p "$raw/$1"
	{ printf "$3"; head4k "$4"; } >"$raw/$1/$2"
}
old=tests/fuzz-corpus/trace
# text: lackey 0, addr-rw 1, pages 2, native 3, auto 4; +8 skip_bad
put text lackey '\x00\xff' $old/lackey.txt
put text lackey-skip '\x08\x1b' $old/lackey.txt
put text addr-rw '\x01\xff' $old/addr-rw.txt
put text sort-1k '\x19\xe4' traces/sort-1k.addr-rw
put text pages '\x02\xff' $old/pages.txt
put text belady-256 '\x4a\x00' traces/belady.pages
put text silberschatz '\x22\xff' traces/silberschatz.pages
put text native '\x03\xff' $old/native.trace
put text native-events '\x0b\x1b' $old/native-events.trace
put text native-bom '\x04\xff' $old/native-bom-crlf.trace
put text example-auto '\x0c\xff' traces/example.trace
for s in tests/scenarios/*.trace; do put text "$(basename "$s" .trace)" '\x0b\xe4' "$s"; done
# binary: skip 1, va bits 1-2, page 3-4
put binary native-events '\x04\xff' $old/native-events.bin
for t in traces/example.trace tests/scenarios/cow.trace tests/scenarios/mmap-shared.trace tests/scenarios/tlb-tiny.trace; do
	n=$(basename "$t" .trace)
	"$build/pagesim" convert "$t" "$raw/$n.bin" 2>/dev/null
	put binary "$n" '\x05\x1b' "$raw/$n.bin"
	# version-3 codes alone (bit 5: the harness puts a version-3 header in front)
	tail -c +33 "$raw/$n.bin" >"$raw/$n.codes"
	put binary "$n-codes" '\x65\x1b' "$raw/$n.codes"
	"$build/pagesim" convert "$t" "$raw/$n.bin" --binary-version 2 2>/dev/null
	put binary "$n-v2" '\x05\x1b' "$raw/$n.bin"
	rm -f "$raw/$n.bin" "$raw/$n.codes"
done
# compress: as on disk
mkdir -p "$raw/compress"
for f in $old/*.gz $old/*.zst; do cp "$f" "$raw/compress/"; done
head4k traces/sort-1k.addr-rw | gzip -9 >"$raw/compress/sort-1k.gz"
head4k tests/scenarios/mmap-fork.trace | zstd -q -19 --check >"$raw/compress/mmap-fork.zst"
# machine: policy, frames/tlb/pt/local/strict, quota/va/span/flush/noshoot/segments, swap/batches
i=0
for s in tests/scenarios/*.trace $old/native-events.trace traces/example.trace; do
	i=$((i + 1))
	b1=$(printf '\\x%02x' $(((i * 37) & 255)))
	b2=$(printf '\\x%02x' $(((i * 91) & 255)))
	put machine "$(basename "$s" .trace)" "\\x$(printf %02x $i)$b1$b2\\x1b" "$s"
done
# experiment: the shipped experiment files
mkdir -p "$raw/experiment"
cp experiments/*.yaml "$raw/experiment/"
# results: golden results files
mkdir -p "$raw/results"
cp tests/data/golden/*.csv "$raw/results/"
# options: argv split on NUL bytes
mkdir -p "$raw/options"
printf -- '-v\0--no-color\0--name\0x\0b' >"$raw/options/flags"
printf -- '--count=7\0-c\0100\0--big\00x10\0--ratio\0.5' >"$raw/options/numbers"
printf -- '--mode\0slow\0--on=no\0--list\0a,b,c\0-qo\0out\0--level\0009' >"$raw/options/choices"
printf -- '--help' >"$raw/options/help"
printf -- '-vqc5\0--\0--verbose' >"$raw/options/short"
for h in text binary compress machine experiment results options; do
	rm -rf "tests/fuzz-corpus/$h" && mkdir -p "tests/fuzz-corpus/$h"
	taskset -c 0 nice -n 10 "$build/tests/fuzz/fuzz_$h" -merge=1 "tests/fuzz-corpus/$h" "$raw/$h" 2>&1 |
		grep -E 'MERGE-OUTER: [0-9]+ new files' || true
done
du -sh tests/fuzz-corpus/*
