#!/usr/bin/env bash
# e2e-vm.sh - the VM model end to end: every scenario of tests/scenarios/
# (segments, mmap, copy-on-write fork, stack growth, shared frames, TLB,
# munmap, event errors, anonymous traces) replayed through `pagesim run`,
# its counters compared with the hand-derived values kept in the scenario
# file itself (see tests/scenarios/README.md for the directives).
#
#   tests/e2e-vm.sh             run every check (under make check, or with
#                               PAGESIM, TRACES, TESTDATA, TESTTMP set)
#   tests/e2e-vm.sh --dry-run   parse every expectation and print what would
#                               be checked, without running pagesim
#   tests/e2e-vm.sh NAME...     only the scenarios whose file name contains
#                               one of the NAMEs (either mode)
dry=0
if [ "${1-}" = "--dry-run" ] || [ "${1-}" = "-n" ]; then
	dry=1
	shift
	here=$(cd "$(dirname "$0")" && pwd)
	: "${PAGESIM:=pagesim}" "${TRACES:=$here/../traces}" "${TESTDATA:=$here/data}"
	: "${TESTTMP:=$(mktemp -d "${TMPDIR:-/tmp}/e2e-vm-dry.XXXXXX")}"
	export PAGESIM TRACES TESTDATA TESTTMP
fi
. "$(dirname "$0")/lib.sh"

scen="$(dirname "$0")/scenarios"
only=("$@")

# The counters of struct sim_stats (src/machine/sim.h) as CSV columns, plus
# clean_evictions; TLB_COUNTERS are left out of "nontlb" comparisons.
TLB_COUNTERS="tlb_hits tlb_misses tlb_shootdowns"
NONTLB_COUNTERS="refs reads writes fetches distinct_pages hits faults zero_fills evictions
	clean_evictions dirty_evictions swap_writes swap_reads file_reads minor_faults cow_copies
	cow_reuses stack_growths segfaults ignored_refs file_writebacks file_writes resident
	processes pt_frames"
ALL_COUNTERS="$NONTLB_COUNTERS $TLB_COUNTERS"

is_counter() { [[ " $(echo $ALL_COUNTERS) " == *" $1 "* ]]; }

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# run_csv TRACE OPTIONS...: run pagesim, CSV output. Fills the associative
# array vals (column -> value of the last row) and returns 0; on failure
# returns 1 with the reason in run_fail.
declare -A vals
run_csv() {
	local trace=$1; shift
	local header row i
	local -a names fields
	vals=()
	run_fail=
	"$PAGESIM" run "$trace" "$@" --output csv >"$work/csv" 2>"$work/csv.err"
	local st=$?
	if [ "$st" -ne 0 ]; then
		run_fail="exit status $st: $(head -c 400 "$work/csv.err")"
		return 1
	fi
	header=$(head -n 1 "$work/csv")
	row=$(tail -n 1 "$work/csv")
	if [ -z "$header" ] || [ "$header" = "$row" ]; then
		run_fail="no CSV rows on stdout: $(head -c 400 "$work/csv")"
		return 1
	fi
	IFS=, read -ra names <<<"$header"
	IFS=, read -ra fields <<<"$row"
	for i in "${!names[@]}"; do vals[${names[$i]}]=${fields[$i]-}; done
	return 0
}

# label FILE OPTIONS...: how a run is named in the report.
label() { local f=$1; shift; printf '%s [%s]' "$(basename "$f")" "$*"; }

# check_identities LABEL OPTIONS...: the identities of sim.h on vals.
check_identities() {
	local name=$1; shift
	local -a bad=()
	local c
	for c in $ALL_COUNTERS; do
		[ -n "${vals[$c]+x}" ] || { not_ok "$name: identities" "column $c missing from the CSV"; return; }
		[[ ${vals[$c]} =~ ^[0-9]+$ ]] || { not_ok "$name: identities" "column $c is not a count: '${vals[$c]}'"; return; }
	done
	local r=${vals[refs]} h=${vals[hits]} f=${vals[faults]}
	((r == h + f)) || bad+=("refs $r != hits $h + faults $f")
	((r == vals[reads] + vals[writes] + vals[fetches])) ||
		bad+=("refs $r != reads ${vals[reads]} + writes ${vals[writes]} + fetches ${vals[fetches]}")
	local kinds=$((vals[zero_fills] + vals[file_reads] + vals[swap_reads] + vals[minor_faults] + vals[cow_copies] + vals[cow_reuses]))
	((f == kinds)) || bad+=("faults $f != zero_fills + file_reads + swap_reads + minor_faults + cow_copies + cow_reuses = $kinds")
	((vals[evictions] == vals[clean_evictions] + vals[dirty_evictions])) ||
		bad+=("evictions ${vals[evictions]} != clean ${vals[clean_evictions]} + dirty ${vals[dirty_evictions]}")
	((vals[dirty_evictions] == vals[swap_writes] + vals[file_writebacks])) ||
		bad+=("dirty_evictions ${vals[dirty_evictions]} != swap_writes ${vals[swap_writes]} + file_writebacks ${vals[file_writebacks]}")
	((vals[file_writes] >= vals[file_writebacks])) ||
		bad+=("file_writes ${vals[file_writes]} < file_writebacks ${vals[file_writebacks]}")
	((vals[stack_growths] <= vals[zero_fills])) ||
		bad+=("stack_growths ${vals[stack_growths]} > zero_fills ${vals[zero_fills]}")
	if [[ " $* " == *" --tlb "* ]]; then
		((vals[tlb_hits] + vals[tlb_misses] == r)) ||
			bad+=("with a TLB: tlb_hits ${vals[tlb_hits]} + tlb_misses ${vals[tlb_misses]} != refs $r")
	fi
	if [ ${#bad[@]} -eq 0 ]; then ok "$name: identities"; else not_ok "$name: identities" "${bad[@]}"; fi
}

# do_expect FILE OPTS SPEC: one `# expect:` line.
do_expect() {
	local file=$1 optstr=$2 spec=$3
	local -a opts kvs bad=()
	local kv k v name
	read -ra opts <<<"$optstr"
	read -ra kvs <<<"$spec"
	name=$(label "$file" "${opts[@]}")
	if [ ${#kvs[@]} -eq 0 ]; then not_ok "$name" "expectation lists no counter"; return; fi
	for kv in "${kvs[@]}"; do
		k=${kv%%=*} v=${kv#*=}
		if [[ $kv != *=* ]] || ! is_counter "$k" || ! [[ $v =~ ^[0-9]+$ ]]; then
			not_ok "$name" "bad expectation '$kv' (COUNTER=N, COUNTER one of: $(echo $ALL_COUNTERS))"
			return
		fi
	done
	if [ "$dry" = 1 ]; then
		echo "would check: $name: ${kvs[*]} (and the identities)"
		checks=$((checks + 2))
		return
	fi
	if ! run_csv "$file" "${opts[@]}"; then not_ok "$name" "$run_fail"; return; fi
	for kv in "${kvs[@]}"; do
		k=${kv%%=*} v=${kv#*=}
		if [ -z "${vals[$k]+x}" ]; then bad+=("$k: expected $v, column missing from the CSV")
		elif [ "${vals[$k]}" != "$v" ]; then bad+=("$k: expected $v, got ${vals[$k]}"); fi
	done
	if [ ${#bad[@]} -eq 0 ]; then ok "$name: ${kvs[*]}"; else not_ok "$name" "${bad[@]}"; fi
	check_identities "$name" "${opts[@]}"
}

# counters_of WHICH: the counter list an expect-same/differ line names.
counters_of() {
	case $1 in
	nontlb) echo $NONTLB_COUNTERS ;;
	all) echo $ALL_COUNTERS ;;
	*) echo "${1//,/ }" ;;
	esac
}

# do_compare same|differ FILE ALTERNATIVES WHICH
do_compare() {
	local mode=$1 file=$2 alts=$3 which
	which=$(trim "$4")
	local -a sets opts bad=()
	local -A first
	local s i c list name base
	IFS='|' read -ra sets <<<"$alts"
	list=$(counters_of "$which")
	name="$(basename "$file") expect-$mode ($which)"
	if [ ${#sets[@]} -lt 2 ] || [ -z "$list" ]; then not_ok "$name" "needs two option sets and a counter list"; return; fi
	for c in $list; do is_counter "$c" || { not_ok "$name" "unknown counter '$c'"; return; }; done
	if [ "$dry" = 1 ]; then
		echo "would check: $name:"
		for s in "${sets[@]}"; do echo "    [$(trim "$s")]"; done
		echo "    counters: $(echo $list)"
		checks=$((checks + 1 + ${#sets[@]}))
		return
	fi
	for i in "${!sets[@]}"; do
		read -ra opts <<<"${sets[$i]}"
		if ! run_csv "$file" "${opts[@]}"; then not_ok "$name" "[${opts[*]}]: $run_fail"; return; fi
		check_identities "$(label "$file" "${opts[@]}")" "${opts[@]}"
		if [ "$i" -eq 0 ]; then
			base="${opts[*]}"
			first=()
			for c in $list; do first[$c]=${vals[$c]-missing}; done
			continue
		fi
		for c in $list; do
			if [ "$mode" = same ] && [ "${vals[$c]-missing}" != "${first[$c]}" ]; then
				bad+=("$c: ${first[$c]} with [$base], ${vals[$c]-missing} with [${opts[*]}]")
			elif [ "$mode" = differ ] && [ "${vals[$c]-missing}" = "${first[$c]}" ]; then
				bad+=("$c: ${first[$c]} both with [$base] and with [${opts[*]}]")
			fi
		done
	done
	if [ ${#bad[@]} -eq 0 ]; then ok "$name: ${#sets[@]} option sets"; else not_ok "$name" "${bad[@]}"; fi
}

# do_error FILE OPTS KEYWORDS: an `# expect-error:` line. The offending
# line is the one after the comment line `# ERROR-ON-NEXT-LINE`.
do_error() {
	local file=$1 optstr=$2 keywords
	keywords=$(trim "$3")
	local -a opts kws
	local marker line text name reason msg kw found=0
	read -ra opts <<<"$optstr"
	name="$(label "$file" "${opts[@]}") error"
	marker=$(grep -n '^# ERROR-ON-NEXT-LINE' "$file" | head -n 1 | cut -d: -f1)
	if [ -z "$marker" ] || [ -z "$keywords" ]; then
		not_ok "$name" "needs a '# ERROR-ON-NEXT-LINE' line and keywords"
		return
	fi
	line=$((marker + 1))
	text=$(sed -n "${line}p" "$file")
	if [ "$dry" = 1 ]; then
		echo "would check: $name: exit 2, stderr '$file:$line: ...' with one of ($keywords) -- line $line: $text"
		checks=$((checks + 1))
		return
	fi
	run_pagesim run "$file" "${opts[@]}" --output csv
	msg=$(printf '%s\n' "$err" | head -n 1)
	reason=${msg#pagesim: }
	if [ "$status" -ne 2 ]; then
		not_ok "$name" "line $line ($text): exit status $status, expected 2" "stderr: $err"
		return
	elif [ -n "$out" ]; then
		not_ok "$name" "line $line ($text): printed results on stdout despite the error" "stdout: $out"
		return
	elif [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ]; then
		not_ok "$name" "line $line ($text): expected a one-line error, got:" "$err"
		return
	elif [[ $reason != "$file:$line: "* ]]; then
		not_ok "$name" "line $line ($text): stderr does not start with '$file:$line: '" "stderr: $err"
		return
	fi
	reason=${reason#"$file:$line: "}
	IFS='|' read -ra kws <<<"$keywords"
	for kw in "${kws[@]}"; do
		kw=$(trim "$kw")
		if [[ ${reason,,} == *"${kw,,}"* ]]; then found=1; fi
	done
	if [ "$found" = 1 ]; then ok "$name: $file:$line: $reason"
	else not_ok "$name" "line $line: the reason names none of ($keywords)" "stderr: $err"; fi
}

# Every scenario, in name order.
nfiles=0
for file in "$scen"/*.trace; do
	if [ ${#only[@]} -gt 0 ]; then
		want=0
		for o in "${only[@]}"; do [[ $(basename "$file") == *"$o"* ]] && want=1; done
		[ "$want" = 1 ] || continue
	fi
	nfiles=$((nfiles + 1))
	n=0
	while IFS= read -r dline; do
		directive=${dline#\# }
		directive=${directive%%:*}
		rest=${dline#*: }
		case $rest in
		*" : "*) optstr=${rest%% : *} spec=${rest#* : } ;;
		*) not_ok "$(basename "$file")" "directive without ' : ': $dline"; continue ;;
		esac
		n=$((n + 1))
		case $directive in
		expect) do_expect "$file" "$optstr" "$spec" ;;
		expect-same) do_compare same "$file" "$optstr" "$spec" ;;
		expect-differ) do_compare differ "$file" "$optstr" "$spec" ;;
		expect-error) do_error "$file" "$optstr" "$spec" ;;
		*) not_ok "$(basename "$file")" "unknown directive: $dline" ;;
		esac
	done < <(grep '^# expect[-a-z]*:' "$file")
	# A misspelt directive would silently check nothing.
	if grep -q '^# *expe[a-z-]*[: ]' "$file" && grep '^# *expe[a-z-]*[: ]' "$file" | grep -qv '^# expect\(-same\|-differ\|-error\)\?: '; then
		not_ok "$(basename "$file")" "a line looks like a misspelt directive:" \
			"$(grep '^# *expe[a-z-]*[: ]' "$file" | grep -v '^# expect\(-same\|-differ\|-error\)\?: ')"
	fi
	[ "$n" -gt 0 ] || not_ok "$(basename "$file")" "no '# expect...' line: the scenario checks nothing"
done
[ "$nfiles" -gt 0 ] || not_ok "scenarios" "no scenario under $scen matches"

# A trace without events replays as before: the native Silberschatz
# scenario gives the same row as the shipped page list, column by column
# (bar the trace name).
if [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *anon* ]]; then
	for pol in fifo lru clock opt; do
		name="silberschatz.pages and anon-silberschatz.trace agree ($pol, 3 frames)"
		if [ "$dry" = 1 ]; then echo "would check: $name"; checks=$((checks + 1)); continue; fi
		"$PAGESIM" run "$TRACES/silberschatz.pages" --policy "$pol" --frames 3 --output csv 2>&1 | cut -d, -f2- >"$work/pages.csv"
		"$PAGESIM" run "$scen/anon-silberschatz.trace" --policy "$pol" --frames 3 --output csv 2>&1 | cut -d, -f2- >"$work/native.csv"
		expect_same "$name" "$work/pages.csv" "$work/native.csv"
	done
fi

if [ "$dry" = 1 ]; then
	echo "dry run: $checks checks in $nfiles scenarios parsed, $failures bad expectations"
	rm -rf "$work"
	[ "$failures" -eq 0 ]
	exit $?
fi
finish
