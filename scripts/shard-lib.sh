# shard-lib.sh - what scripts/parallel-sweep and scripts/slurm-sweep share:
# finding pagesim, reading an experiment's shard plan, and saying how to
# rerun a failed shard. Sourced, not run; it sets variables for its user.
# shellcheck shell=sh disable=SC2034,SC2154

# The pagesim to run: $PAGESIM, else the one built beside these scripts,
# else the one on PATH. An absolute path, so that jobs started elsewhere
# (other directories, other hosts of a shared filesystem) find it.
shard_find_pagesim() {
	if [ -n "${PAGESIM:-}" ]; then
		:
	elif [ -x "$(dirname "$0")/../pagesim" ]; then
		PAGESIM=$(cd "$(dirname "$0")/.." && pwd)/pagesim
	else
		PAGESIM=$(command -v pagesim) || { echo "$prog: pagesim not found; set PAGESIM" >&2; exit 2; }
	fi
}

# shard_plan EXP N: run `pagesim sweep EXP --plan N` (N 0: the file's
# shards:) and set plan (its lines: K/N, cells, work, directory), nshards,
# outdir (the experiment's output, where merge writes) and dirs (the
# shards' directories, space-separated). Exits 2 on a bad experiment.
shard_plan() {
	plan=$("$PAGESIM" sweep "$1" --plan "$2") || exit 2
	nshards=$(printf '%s\n' "$plan" | wc -l)
	dirs=$(printf '%s\n' "$plan" | cut -f4 | tr '\n' ' ')
	outdir=$(dirname "$(printf '%s\n' "$plan" | head -n 1 | cut -f4)")
}

# shard_rerun_hint EXP K N: the commands that redo shard K of N and merge.
shard_rerun_hint() {
	echo "  rerun it: (cd $PWD && $PAGESIM sweep $1 --shard $2/$3 --resume)"
	echo "  then merge: (cd $PWD && $PAGESIM merge $outdir $dirs)"
}

# shard_quote WORD: WORD quoted for a POSIX shell ('...', quotes escaped).
shard_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
