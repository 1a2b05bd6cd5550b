#!/usr/bin/env bash
# e2e-slurm.sh - scripts/slurm-sweep against a real Slurm: a private
# single-node cluster brought up here (scripts/slurm-local: munged,
# slurmctld, slurmd on localhost, proctrack/linuxproc, task/none) runs the
# default experiment as a job array of 4 shards plus the merge job, and
# the merged results.csv is byte for byte a local sweep's. A failing shard
# is named by the report job with the commands that redo it, and the merge
# job never runs. The daemons are stopped by their pid files and their
# directory removed, also when the test fails.
#
# As root or under CI=true, a daemon that cannot start fails the test with
# its log lines. A user who is not root uses the Slurm already running if
# there is one, else the test is skipped, saying why.
. "$(dirname "$0")/lib.sh"

scripts=$(cd "$(dirname "$0")/../scripts" && pwd)
cd "$work" || exit 1
ln -s "$TRACES" traces

if [ "${CI:-}" = true ] || [ "$(id -u)" -eq 0 ]; then
	daemons=$(mktemp -d /tmp/pagesim-slurm.XXXXXX) || exit 1
	trap '"$scripts/slurm-local" stop "$daemons"' EXIT
	if ! conf=$("$scripts/slurm-local" start "$daemons" 2>slurm-local.err); then
		not_ok "a private Slurm starts (slurmctld, slurmd, munged)" "$(cat slurm-local.err)"
		finish
	fi
	export "${conf?}"
	ok "a private Slurm starts (slurmctld, slurmd, munged)"
elif ! command -v sinfo >/dev/null 2>&1 || ! sinfo -h >/dev/null 2>&1; then
	echo "SKIP: not root and no Slurm running here (starting slurmd takes root; scripts/slurm-local as root does it)"
	exit 77
fi

# job_state ID [SECONDS]: wait until job ID has ended (60 s by default)
# and print its state (COMPLETED, FAILED, CANCELLED...), or "timeout".
job_state() {
	local n=$((${2:-60} * 5)) state
	while [ "$n" -gt 0 ]; do
		state=$(scontrol show job "$1" -o 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
		case $state in PENDING | RUNNING | CONFIGURING | COMPLETING | "") ;; *) echo "$state"; return ;; esac
		sleep 0.2
		n=$((n - 1))
	done
	echo timeout
}

# job_id NAME DIR: the id of job NAME (array, merge, report) of a submission.
job_id() { sed -n "s/^$1 //p" "$2/slurm/jobs.txt"; }

# The default experiment: locally, then as 4 shards on Slurm.
sed 's|^seeds: 5|seeds: 5\noutput: res/local|' "$(dirname "$scripts")/experiments/default.yaml" >local.yaml
sed 's|^seeds: 5|seeds: 5\noutput: res/default|' "$(dirname "$scripts")/experiments/default.yaml" >default.yaml
"$PAGESIM" sweep local.yaml -j 2 --no-plot >/dev/null 2>&1 || not_ok "the local sweep of the default experiment" "status $?"
if "$scripts/slurm-sweep" default.yaml --shards 4 --no-plot >submit.out 2>&1 &&
	grep -q "results will be in res/default/results.csv" submit.out; then
	ok "slurm-sweep submits 4 shards, the merge and the report, and says where the results will be"
else not_ok "slurm-sweep submits the default experiment" "$(cat submit.out)"; fi
merge=$(job_id merge res/default)
state=$(job_state "$merge" 300)
if [ "$state" = COMPLETED ]; then ok "the merge job ran after the 4 shards"
else not_ok "the merge job ran after the 4 shards" "merge job $merge: $state" "$(cat res/default/slurm/*.out 2>&1 | tail -n 20)"; fi
expect_same "the merged results.csv of 4 Slurm shards is the local sweep's" res/local/results.csv res/default/results.csv
if [ "$(grep -c '"shard": "[1-4]/4", "directory"' res/default/summary.json 2>/dev/null)" -eq 4 ]; then
	ok "the merged summary lists the 4 shards"
else not_ok "the merged summary lists the 4 shards" "$(cat res/default/summary.json 2>&1)"; fi
report=$(job_id report res/default)
[ "$(job_state "$report")" = COMPLETED ] && grep -q "all 4 shards of default.yaml succeeded" res/default/slurm/report-*.out &&
	ok "the report job says every shard succeeded" ||
	not_ok "the report job says every shard succeeded" "$(cat res/default/slurm/report-*.out 2>&1)"

# A shard that fails: the report job names it with the commands that redo
# it; the merge never runs. Those commands then finish the job.
cp "$TRACES/silberschatz.pages" "$TRACES/sort-1k.addr-rw" .
cp "$TESTDATA/shard-small.yaml" small.yaml
sed 's|^output: res/small|output: res/small-local|' small.yaml >small-local.yaml
"$PAGESIM" sweep small-local.yaml -j 2 --no-plot >/dev/null 2>&1
cat >flaky <<SH
#!/bin/sh
case "\$*" in *"--shard 2/3"*) [ -e "$work/healed" ] || { echo "flaky: shard 2 fails" >&2; exit 3; } ;; esac
exec "$PAGESIM" "\$@"
SH
chmod +x flaky
PAGESIM=$work/flaky "$scripts/slurm-sweep" small.yaml --shards 3 --no-plot >submit-small.out 2>&1 ||
	not_ok "slurm-sweep submits the small experiment" "$(cat submit-small.out)"
report=$(job_id report res/small)
state=$(job_state "$report")
merge_state=$(job_state "$(job_id merge res/small)" 30)
if [ "$state" = FAILED ] && grep -q "shard 2/3 failed on" res/small/slurm/report-*.out &&
	[ "$merge_state" != COMPLETED ] && [ ! -e res/small/results.csv ]; then
	ok "a failed shard is reported by the report job, and the merge job does not run ($merge_state)"
else not_ok "a failed shard is reported, and the merge does not run" "report $state, merge $merge_state" \
	"$(cat res/small/slurm/report-*.out 2>&1)"; fi
touch healed
rerun=$(sed -n 's|^  rerun it: ||p' res/small/slurm/report-*.out)
merge_cmd=$(sed -n 's|^  then merge: ||p' res/small/slurm/report-*.out)
if [ -n "$rerun" ] && sh -c "$rerun" >/dev/null 2>&1 && sh -c "$merge_cmd" >/dev/null 2>&1; then
	ok "the report's commands rerun the failed shard and merge"
else not_ok "the report's commands rerun the failed shard and merge" "$rerun" "$merge_cmd"; fi
expect_same "after the rerun the results are a local sweep's" res/small-local/results.csv res/small/results.csv

# Stop the private Slurm now, and check nothing of it is left.
if [ -n "${daemons:-}" ]; then
	pids=$(cat "$daemons"/*.pid 2>/dev/null)
	"$scripts/slurm-local" stop "$daemons"
	trap - EXIT
	left=""
	for pid in $pids; do kill -0 "$pid" 2>/dev/null && left="$left $pid"; done
	if [ -z "$left" ] && [ ! -e "$daemons" ]; then ok "the daemons are stopped and their directory removed"
	else not_ok "the daemons are stopped and their directory removed" "still running:$left" "$(ls "$daemons" 2>&1)"; fi
fi

finish
