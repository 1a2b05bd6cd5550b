#!/usr/bin/env bash
# e2e-vmpolicies.sh - every policy survives the VM model. Forks, shared
# frames, frames freed by exit and munmap, and frames withheld for page
# tables break assumptions a policy can make on anonymous traces (one
# resident frame per page identity, a cache that is full at c pages); the
# machine must keep the policies' view consistent. Generated traces (see
# tests/gen_vm_trace.py) replayed by all 16 policies, with and without a
# TLB and --count-page-tables: the exit status must be 0, or 2 with the
# one documented error (every frame holds page tables), never a crash.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "# skip: python3 is not installed"
	exit 77
fi
gen=$(dirname "$0")/gen_vm_trace.py
cd "$work"

# The smallest case that crashed 2q, arc and s3-fifo: after a fork and a
# copy-on-write, the old frame (still known to the policy as the writer's
# page) and the writer's new copy were both resident under one identity.
cat >cow-identity.trace <<'T'
pagesim-trace 1
W 0x1000
fork 1 2
W 0x1000
R 0x2000
R 0x3000
R 0x4000
process 2
R 0x1000
T
for p in 2q arc s3-fifo lirs clock-pro; do
	run_pagesim run cow-identity.trace --policy "$p" --frames 1,2 --output csv
	if [ "$status" -eq 0 ]; then ok "$p: copy-on-write leaves two frames of one page"
	else not_ok "$p: copy-on-write leaves two frames of one page" "status $status" "$err"; fi
done

for seed in $(seq 1 ${VMPOL_SEEDS:-12}); do
	python3 "$gen" --seed "$seed" --records 800 >"t$seed.trace"
	for opts in "--frames 1,2,5,16" "--frames 2,5 --tlb 4:2 --count-page-tables" "--frames 2,5,16 --scope local --quota 3"; do
		# shellcheck disable=SC2086
		run_pagesim run "t$seed.trace" --policy all $opts --output csv
		if [ "$status" -eq 0 ] || { [ "$status" -eq 2 ] && [[ "$err" == *"frames hold page tables"* ]]; }; then
			ok "seed $seed $opts"
		else
			not_ok "seed $seed $opts" "status $status" "$err"
		fi
	done
done
finish
