#!/usr/bin/env bash
# e2e-parallel.sh - scripts/parallel-sweep: an experiment's shards run by
# GNU parallel on this machine, and over "ssh" to two hosts (a stand-in
# for ssh that runs the command here, as sshd would, so that parallel's
# remote path, quoting and --workdir are exercised without an sshd), then
# merged: results.csv byte for byte the unsharded sweep's. A failed shard
# is reported with the command that reruns it, and nothing is merged.
#
# Needs GNU parallel (scripts/install-deps). Without it: a failure under
# CI=true or as root (who can install it), else a SKIP saying why.
. "$(dirname "$0")/lib.sh"

script=$(cd "$(dirname "$0")/../scripts" && pwd)/parallel-sweep
if ! command -v parallel >/dev/null 2>&1; then
	if [ "${CI:-}" = true ] || [ "$(id -u)" -eq 0 ]; then
		not_ok "GNU parallel is installed" "run scripts/install-deps"
		finish
	fi
	echo "SKIP: GNU parallel is not installed (scripts/install-deps installs it)"
	exit 77
fi

cd "$work" || exit 1
# parallel's own state (~/.parallel) in the test's directory: nothing of
# the user's, and nothing left from an earlier run, is read or written.
export PARALLEL_HOME="$work/parallel-home"
cp "$TRACES/silberschatz.pages" "$TRACES/sort-1k.addr-rw" .
cp "$TESTDATA/shard-small.yaml" small.yaml
sed 's|^output: res/small|output: res/ref|' small.yaml >ref.yaml
"$PAGESIM" sweep ref.yaml -j 2 --no-plot >/dev/null 2>&1 || not_ok "the unsharded sweep" "status $?"

"$script" small.yaml --shards 3 --no-plot -j 2 >out 2>err
status=$?
if [ "$status" -eq 0 ] && grep -q "parallel-sweep: results in res/small/results.csv" err; then
	ok "parallel-sweep runs 3 shards and merges them"
else not_ok "parallel-sweep runs 3 shards and merges them" "status $status" "$(tail -n 5 err)"; fi
expect_same "parallel-sweep's results.csv is the unsharded sweep's" res/ref/results.csv res/small/results.csv
if [ "$(tail -n +2 res/small/parallel-joblog.txt | wc -l)" -eq 3 ]; then ok "parallel ran one job per shard"
else not_ok "parallel ran one job per shard" "$(cat res/small/parallel-joblog.txt)"; fi

# Over "ssh": fake-ssh HOST [--] COMMAND... logs HOST and runs COMMAND in
# a shell here, with SHELL set as sshd sets it (to the login shell, here
# /bin/sh): parallel's remote wrapper runs the job with $SHELL, and a CI
# runner may have none in its environment.
cat >fake-ssh <<'SH'
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done
echo "$1" >>"$(dirname "$0")/fake-ssh.log"
shift
[ "${1:-}" = -- ] && shift
SHELL=/bin/sh exec sh -c "$*"
SH
chmod +x fake-ssh
rm -rf res/small
"$script" small.yaml --shards 3 --no-plot --ssh "$work/fake-ssh" --sshlogin 1/hostA,1/hostB >out 2>err
status=$?
# Which host runs which shard is parallel's choice (it may keep to one
# host when it judges the machine busy), so the check is that every shard
# went over ssh, once, to a host of the list.
hosts=$(sort fake-ssh.log 2>/dev/null | tr '\n' ' ')
if [ "$status" -eq 0 ] && [ "$(wc -l <fake-ssh.log)" -eq 3 ] && ! grep -Evq '^host[AB]$' fake-ssh.log; then
	ok "--sshlogin sends each of the 3 shards over ssh to a listed host ($hosts)"
else not_ok "--sshlogin sends each of the 3 shards over ssh to a listed host" "status $status, ssh calls: $hosts" "$(tail -n 5 err)"; fi
expect_same "--sshlogin's results.csv is the unsharded sweep's" res/ref/results.csv res/small/results.csv

# An "ssh" that runs nothing and says all went well: the shards that did
# not run are named, with the commands that redo them, and nothing is
# merged.
cat >lazy-ssh <<'SH'
#!/bin/sh
exit 0
SH
chmod +x lazy-ssh
rm -rf res/small
"$script" small.yaml --shards 3 --no-plot --ssh "$work/lazy-ssh" --sshlogin 1/hostA >out 2>err
status=$?
if [ "$status" -eq 1 ] && [ "$(grep -c 'did not run: res/small/shard-[123]-of-3 has no shard.txt' err)" -eq 3 ] &&
	[ "$(grep -c '^  rerun it: ' err)" -eq 3 ] && [ ! -e res/small/results.csv ]; then
	ok "shards whose jobs ran nothing are named, with their rerun commands, and nothing is merged"
else not_ok "shards whose jobs ran nothing are named" "status $status" "$(cat err)"; fi

# A shard that fails: reported with the command that reruns it, no merge.
cat >flaky <<SH
#!/bin/sh
case "\$*" in *"--shard 2/3"*) [ -e "$work/healed" ] || { echo "flaky: shard 2 fails" >&2; exit 3; } ;; esac
exec "$PAGESIM" "\$@"
SH
chmod +x flaky
rm -rf res/small
PAGESIM=$work/flaky "$script" small.yaml --shards 3 --no-plot >out 2>err
status=$?
rerun=$(sed -n 's|^  rerun it: ||p' err)
if [ "$status" -eq 1 ] && grep -q "parallel-sweep: shard 2/3 failed" err && [ -n "$rerun" ] &&
	[ ! -e res/small/results.csv ]; then
	ok "a failed shard is reported with the command that reruns it, and nothing is merged"
else not_ok "a failed shard is reported with the command that reruns it" "status $status" "$(cat err)"; fi
touch healed
merge=$(sed -n 's|^  then merge: ||p' err)
if sh -c "$rerun" >/dev/null 2>&1 && sh -c "$merge" >/dev/null 2>&1; then ok "the printed commands rerun the shard and merge"
else not_ok "the printed commands rerun the shard and merge" "$rerun" "$merge"; fi
expect_same "after the rerun the results are the unsharded sweep's" res/ref/results.csv res/small/results.csv

finish
