/*
 * merge.h - `pagesim merge OUT DIR...`: join the output directories of
 * the shards of one sweep (`pagesim sweep EXP --shard K/N`, shard.h) into
 * OUT, as the unsharded sweep would have written it: results.csv byte for
 * byte, the cells files (so that `pagesim sweep --resume` on OUT works),
 * and summary.json equal but for the wall times and hosts, which it lists
 * per shard under "shards".
 *
 * Refused, with a one-line error naming the directory or FILE:LINE: a
 * directory without a complete shard (no shard.txt, a summary whose status
 * is not "complete": half-written or interrupted; a damaged manifest,
 * cells file or results.csv), parts of other pagesim versions, machine
 * options, experiments or shard counts than the first part, results.csv
 * headers that differ, a cell that no part has (naming the shard that
 * should have made it) or that two parts have, and OUT being one of the
 * parts. Nothing is written to OUT before every check has passed.
 */
#ifndef PAGESIM_MERGE_H
#define PAGESIM_MERGE_H

#include <stddef.h>

#include "util/error.h"

/* What a merge joined. */
struct merge_counts {
	size_t cells;   /* of the experiment, all in OUT/results.csv */
	size_t parts;   /* directories */
	unsigned shards; /* N of the parts' K/N */
};

/* Merge the n shard directories dirs into out (created if missing).
 * Returns 0, or -1 with err set. */
int merge_run(const char *out, const char *const *dirs, size_t n, struct merge_counts *counts,
	      struct ps_error *err);

#endif
