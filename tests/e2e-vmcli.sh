#!/usr/bin/env bash
# e2e-vmcli.sh - the user-facing side of the VM model and the cost model:
# every new option of pagesim run and key of experiment files refuses bad
# values with one line naming it, the CSV header and the JSON carry the new
# columns, and the cost estimates equal hand-computed ones. Only what holds
# whatever the machine does with the options is asserted here; the model's
# results are tested with its scenario traces.
. "$(dirname "$0")/lib.sh"

cd "$work" || exit 1
cp "$TRACES/belady.pages" .

# ---- bad option values: exit 2, one line naming the option ----

expect_error "--stack-gap 0" '--stack-gap: expected a number of bytes from 1 to 2^48, got "0"' run belady.pages --stack-gap 0
expect_error "--stack-gap with a suffix" '--stack-gap: expected a number of bytes' run belady.pages --stack-gap 64K
expect_error "--stack-gap too large" '--stack-gap: expected a number of bytes' run belady.pages --stack-gap 281474976710657
expect_error "--tlb 0" '--tlb: TLB entries must be 1..65536' run belady.pages --tlb 0
expect_error "--tlb not a number" '--tlb: ' run belady.pages --tlb many
expect_error "--tlb ways not dividing" '--tlb: TLB ways must divide the entries' run belady.pages --tlb 64:3
expect_error "--tlb missing ways" "--tlb: TLB size '64:': the ways are missing" run belady.pages --tlb 64:
expect_error "--tlb-flush-on-switch without a TLB" \
	'--tlb-flush-on-switch: there is no TLB to flush; add --tlb ENTRIES[:WAYS]' run belady.pages --tlb-flush-on-switch
expect_error "--no-shootdown without a TLB" '--no-shootdown: there is no TLB; add --tlb ENTRIES[:WAYS]' \
	run belady.pages --no-shootdown
expect_error "--scope both" '--scope: expected global or local, got "both"' run belady.pages --scope both
expect_error "--quota without --scope local" '--quota: a frame quota per process needs --scope local' \
	run belady.pages --quota 8
expect_error "--quota with --scope global" '--quota: a frame quota per process needs --scope local' \
	run belady.pages --scope global --quota 8
expect_error "--quota 0" '--quota: expected a number of frames from 1 to 2^31, got "0"' \
	run belady.pages --scope local --quota 0
expect_error "--alloc without --scope local" '--alloc: a frame allocation rule needs --scope local' \
	run belady.pages --alloc proportional
expect_error "--alloc fair" '--alloc: expected equal or proportional, got "fair"' \
	run belady.pages --scope local --alloc fair
expect_error "--device tape" '--device: expected hdd, ssd or nvme, got "tape"' run belady.pages --device tape
for opt in read-us write-us fault-us zero-us copy-us; do
	expect_error "--$opt -1" "--$opt: expected a time in microseconds from 0 to 1e+09, got \"-1\"" \
		run belady.pages "--$opt" -1
done
for opt in mem-ns tlb-miss-ns; do
	expect_error "--$opt fast" "--$opt: expected a time in nanoseconds from 0 to 1e+09, got \"fast\"" \
		run belady.pages "--$opt" fast
done
expect_error "--read-us too large" '--read-us: expected a time in microseconds' run belady.pages --read-us 2e9

# ---- good values are accepted (what they do is the machine's business) ----

accepted() {
	local name=$1; shift
	run_pagesim run belady.pages --policy fifo --frames 64 --output csv "$@"
	if [ "$status" -eq 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ]; then ok "accepted: $name"
	else not_ok "accepted: $name" "status $status" "$err"; fi
}
accepted "--strict" --strict
accepted "--stack-gap 4096" --stack-gap 4096
accepted "--stack-gap 0x10000" --stack-gap 0x10000
accepted "--tlb 64" --tlb 64
accepted "--tlb 64:4 and its switches" --tlb 64:4 --tlb-flush-on-switch --no-shootdown
accepted "--count-page-tables" --count-page-tables
# --by-segment on tests/scenarios/cow.trace, 16 frames (no eviction): p1
# faults its 2 code and 1 data pages from the file and zero-fills 2 heap
# pages and 1 stack page; after the fork p2 copies one heap page and its
# stack page (see cow.trace's derivation). Each row's faults add up.
run_pagesim run "$TESTDATA/../scenarios/cow.trace" --policy fifo --frames 16 --by-segment --output csv
want='trace,policy,frames,pid,segment,faults,zero_fills,file_reads,swap_reads,minor_faults,cow_copies,cow_reuses,stack_growths,segfaults,evictions,dirty_evictions,file_writebacks
1,code,2,0,2,0,0,0,0,0,0,0,0,0
1,data,1,0,1,0,0,0,0,0,0,0,0,0
1,heap,2,2,0,0,0,0,0,0,0,0,0,0
1,stack,1,1,0,0,0,0,0,0,0,0,0,0
2,heap,1,0,0,0,0,1,0,0,0,0,0,0
2,stack,1,0,0,0,0,1,0,0,0,0,0,0'
got=$(printf '%s\n' "$out" | sed '1!s/^[^,]*,fifo,16,//')
if [ "$status" -eq 0 ] && [ "$got" = "$want" ]; then ok "--by-segment: cow.trace by hand"
else not_ok "--by-segment: cow.trace by hand" "status $status" "$got" "$err"; fi
# With evictions (4 frames) the rows still add up to the run's totals.
run_pagesim run "$TESTDATA/../scenarios/cow.trace" --policy fifo --frames 4 --by-segment --output csv
seg=$(printf '%s\n' "$out" | awk -F, 'NR > 1 { f += $6; e += $15; d += $16 } END { print f, e, d }')
run_pagesim run "$TESTDATA/../scenarios/cow.trace" --policy fifo --frames 4 --output csv
tot=$(printf '%s\n' "$out" | awk -F, 'NR == 2 { print $11, $13, $14 }')
if [ "$seg" = "$tot" ]; then ok "--by-segment rows add up to faults, evictions, dirty evictions ($tot)"
else not_ok "--by-segment rows add up" "segments: $seg" "run: $tot"; fi
accepted "--scope local --quota 16" --scope local --quota 16
accepted "--scope local --alloc proportional" --scope local --alloc proportional
accepted "--scope local --alloc equal --quota 2" --scope local --alloc equal --quota 2
accepted "--scope global" --scope global
accepted "every cost option" --device nvme --read-us 1 --write-us 2 --mem-ns 3 --tlb-miss-ns 4 --fault-us 5 \
	--zero-us 6 --copy-us 7

# Every option is in --help.
"$PAGESIM" run --help >help.txt
missing=
for opt in strict stack-gap tlb tlb-flush-on-switch no-shootdown count-page-tables by-segment by-process scope quota alloc \
	device read-us write-us mem-ns tlb-miss-ns fault-us zero-us copy-us; do
	grep -q -- "--$opt\b" help.txt || missing="$missing --$opt"
done
if [ -z "$missing" ]; then ok "run --help lists every new option"; else not_ok "run --help lists every new option" "missing:$missing"; fi

# ---- the CSV header and JSON ----

header='trace,policy,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,faults,fault_rate,evictions,dirty_evictions,swap_writes,swap_reads,hits,clean_evictions,zero_fills,faults_per_1000,skipped_lines,file_reads,minor_faults,cow_copies,cow_reuses,stack_growths,segfaults,ignored_refs,file_writebacks,file_writes,tlb_hits,tlb_misses,tlb_shootdowns,pt_frames,resident,processes,est_time_ms,eat_ns,mean_resident,space_time'
got=$("$PAGESIM" run belady.pages --output csv | head -n 1)
if [ "$got" = "$header" ]; then ok "the CSV header appends the VM and cost columns"
else not_ok "the CSV header appends the VM and cost columns" "got:    $got" "wanted: $header"; fi
fields=$("$PAGESIM" run belady.pages --policy all --frames 3,4 --output csv | awk -F, '{ print NF }' | sort -u)
if [ "$fields" = 40 ]; then ok "every CSV row has 40 fields"; else not_ok "every CSV row has 40 fields" "$fields"; fi

"$PAGESIM" run belady.pages --policy fifo,lru --frames 3,4 --output json >run.json
if ! command -v python3 >/dev/null; then
	ok "JSON checks skipped (no python3)"
elif python3 - run.json "$header" <<'PY'; then ok "JSON parses and has every CSV column, in order, plus format"
import json, sys
doc = json.load(open(sys.argv[1]))
want = sys.argv[2].split(",")
for run in doc["runs"]:
    keys = list(run)
    assert keys[0] == "trace" and keys[1] == "format", keys[:2]
    assert [k for k in keys if k != "format"] == want, keys
    assert run["est_time_ms"] > 0 and run["eat_ns"] > 0
PY
else
	not_ok "JSON parses and has every CSV column, in order, plus format" "$(head -c 600 run.json)"
fi

# ---- the cost model on counts known by hand ----

# cost COLUMNS ARGS...: est_time_ms,eat_ns of the single row.
cost() { "$PAGESIM" run "$@" --output csv | tail -n 1 | cut -d, -f37-38; }
expect_cost() {
	local name=$1 want=$2 got; shift 2
	got=$(cost "$@")
	if [ "$got" = "$want" ]; then ok "cost: $name ($got)"; else not_ok "cost: $name" "got $got, expected $want"; fi
}
# belady.pages, FIFO, 3 frames: 12 reads, 9 faults, all zero fills, no I/O:
# 12 * 100 ns + 9 * 1 us + 9 * 0.5 us = 14700 ns; EAT 1225 ns. No I/O, so
# the device does not matter.
expect_cost "belady fifo 3, default device" "0.014700,1225.000" belady.pages --policy fifo --frames 3
expect_cost "belady fifo 3, hdd" "0.014700,1225.000" belady.pages --policy fifo --frames 3 --device hdd
# 12 * 2 ns + 9 * 3 us + 9 * 0 = 27024 ns; EAT 2252 ns.
expect_cost "belady fifo 3, overrides" "0.027024,2252.000" belady.pages --policy fifo --frames 3 \
	--mem-ns 2 --fault-us 3 --zero-us 0
# Four writes to pages 0, 1, 2, 0 in 2 frames under FIFO: 3 zero fills, then
# page 0 comes back from swap (1 swap read) after 2 dirty evictions (2 swap
# writes). ssd: 4*100 + 4*1000 + 3*500 + 1*100000 + 2*150000 = 405900 ns.
printf '# hexaddr R|W\n0 W\n1000 W\n2000 W\n0 W\n' >w.addr-rw
row=$("$PAGESIM" run w.addr-rw --policy fifo --frames 2 --output csv | tail -n 1 | cut -d, -f11,15,16,19)
if [ "$row" = "4,2,1,3" ]; then ok "w.addr-rw: 4 faults, 2 swap writes, 1 swap read, 3 zero fills"
else not_ok "w.addr-rw counts" "faults,swap_writes,swap_reads,zero_fills = $row"; fi
expect_cost "swap traffic, ssd (default)" "0.405900,101475.000" w.addr-rw --policy fifo --frames 2
expect_cost "swap traffic, ssd (explicit)" "0.405900,101475.000" w.addr-rw --policy fifo --frames 2 --device ssd
# hdd: 400 + 4000 + 1500 + 3 * 10^7 = 30005900 ns.
expect_cost "swap traffic, hdd" "30.005900,7501475.000" w.addr-rw --policy fifo --frames 2 --device hdd
# nvme: 5900 + 1 * 50000 + 2 * 20000 = 95900 ns.
expect_cost "swap traffic, nvme" "0.095900,23975.000" w.addr-rw --policy fifo --frames 2 --device nvme
# Overrides win over the device whatever their order.
a=$(cost w.addr-rw --policy fifo --frames 2 --read-us 1 --device hdd)
b=$(cost w.addr-rw --policy fifo --frames 2 --device hdd --read-us 1)
if [ "$a" = "$b" ] && [ "$a" = "20.006900,5001725.000" ]; then ok "cost: overrides apply in any order ($a)"
else not_ok "cost: overrides apply in any order" "$a vs $b, expected 20.006900,5001725.000"; fi

# The text table is unchanged unless asked for a cost model (or the VM model
# was used); then each run gets its estimate.
(cd "$TRACES/.." && "$PAGESIM" run traces/belady.pages --policy fifo,lru,opt --frames 3,4) >belady.txt
expect_same "the text table is unchanged by default" "$TESTDATA/golden/belady.txt" belady.txt
run_pagesim run w.addr-rw --policy fifo --frames 2 --device hdd
if [[ "$out" == *"fifo, 2 frames:"*"estimated time 30.006 ms, effective access time 7.501 ms (hdd)"* ]]; then
	ok "text: the estimate per run"
else not_ok "text: the estimate per run" "$out"; fi

# ---- experiment files ----

base='traces: [belady.pages]
policies: [fifo]
frames: [3]'
bad_yaml() {
	local name=$1 want=$2 body=$3
	printf '%s\n%s\n' "$base" "$body" >bad.yaml
	expect_error "yaml: $name" "bad.yaml:$want" sweep bad.yaml --no-plot
}
bad_yaml "strict" '4:9: strict: expected true or false, got "maybe"' 'strict: maybe'
bad_yaml "stack-gap" '4:12: stack-gap: expected a whole number from 1 to 281474976710656' 'stack-gap: 0'
bad_yaml "tlb" '4:6: tlb: TLB entries must be 1..65536' 'tlb: 0'
bad_yaml "tlb-flush-on-switch" '4:22: tlb-flush-on-switch: there is no TLB to flush' 'tlb-flush-on-switch: true'
bad_yaml "shootdown" '4:12: shootdown: there is no TLB' 'shootdown: false'
bad_yaml "count-page-tables" '4:20: count-page-tables: expected true or false' 'count-page-tables: 2'
bad_yaml "by-segment" '4:13: by-segment: expected true or false' 'by-segment: x'
bad_yaml "scope" '4:8: scope: expected global or local, got "both"' 'scope: both'
bad_yaml "quota without scope" '4:8: quota: a frame quota per process needs scope: local' 'quota: 2'
bad_yaml "quota 0" '5:8: quota: expected a whole number from 1 to 2147483648' 'scope: local
quota: 0'
bad_yaml "device" '4:9: device: expected hdd, ssd or nvme, got "tape"' 'device: tape'
bad_yaml "read-us" '4:10: read-us: expected a time in microseconds from 0 to 1e+09, got "-1"' 'read-us: -1'
bad_yaml "mem-ns" '4:9: mem-ns: expected a time in nanoseconds' 'mem-ns: fast'
bad_yaml "misspelt key" '4:1: unknown key "devise" in the experiment (did you mean "device"?)' 'devise: hdd'

# A sweep computes the same estimates as run, and stamps its cells with the
# options, so --resume refuses cells made with others.
cp w.addr-rw sweep.addr-rw
cat >hdd.yaml <<YAML
traces: [sweep.addr-rw]
policies: [fifo]
frames: [2]
device: hdd
stack-gap: 8192
output: res/hdd
YAML
run_pagesim sweep hdd.yaml --no-plot -j 1
got=$(tail -n 1 res/hdd/results.csv | cut -d, -f37-38)
if [ "$status" -eq 0 ] && [ "$(head -n 1 res/hdd/results.csv)" = "$header" ] && [ "$got" = "30.005900,7501475.000" ]; then
	ok "sweep: run's header and the hdd estimate"
else not_ok "sweep: run's header and the hdd estimate" "status $status, got $got" "$err"; fi
if grep -q ' device=hdd read_us=10000 ' res/hdd/cells/*.tsv && grep -q ' stack_gap=8192 tlb=0:0 ' res/hdd/cells/*.tsv; then
	ok "sweep: the cells stamp names the machine options"
else not_ok "sweep: the cells stamp names the machine options" "$(head -n 1 res/hdd/cells/*.tsv)"; fi
if command -v python3 >/dev/null && python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["device"] == "hdd" and s["stack_gap"] == 8192 and s["tlb_entries"] == 0 and s["shootdown"] is True
assert s["scope"] == "global" and s["cost"]["read-us"] == 10000 and s["cost"]["zero-us"] == 0.5
' res/hdd/summary.json; then ok "sweep: summary.json records the machine options"
else not_ok "sweep: summary.json records the machine options" "$(cat res/hdd/summary.json)"; fi
sed 's/^device: hdd$/device: nvme/' hdd.yaml >nvme.yaml
expect_error "sweep --resume with another device" "made with other machine options" sweep nvme.yaml --resume --no-plot
sed 's/^stack-gap: 8192$/stack-gap: 4096/' hdd.yaml >gap.yaml
expect_error "sweep --resume with another stack gap" "made with other machine options" sweep gap.yaml --resume --no-plot
printf 'tlb: 16:4\n' | cat hdd.yaml - >tlb.yaml
expect_error "sweep --resume with a TLB added" "made with other machine options" sweep tlb.yaml --resume --no-plot
# Cells files of the previous version (fewer columns) are refused too.
sed -i '1s/^#pagesim-sweep-cells 2 /#pagesim-sweep-cells 1 /' res/hdd/cells/*.tsv
expect_error "sweep --resume over old cells" "made by an older pagesim, whose results have fewer columns" \
	sweep hdd.yaml --resume --no-plot

finish
