/*
 * shard.h - splitting an experiment's cells into N shards that separate
 * machines run (`pagesim sweep EXP --shard K/N`), and the stamp that lets
 * `pagesim merge` check the parts belong together.
 *
 * Cells are numbered in the experiment's order: trace, then policy, then
 * frames, then seed (a policy without a seed runs once, with the first
 * seed), as results.csv lists them. The partition is a pure function of
 * the experiment's resolved form and the sizes of its trace files, so
 * every machine computes the same one.
 *
 * Units. The cells that share work stay together: all the memory sizes
 * of one (trace, policy) go to one shard (lru's and opt's sizes share one
 * curve), and so do those of one (trace, policy, seed) for a randomised
 * policy, whose seeds are free to go anywhere.
 *
 * Cost model. A trace's work W is its reference count: a generated trace
 * says it; a file's is estimated from its size on disk, by the bytes a
 * record takes in the shipped lackey traces: 14 as text, 0.67 in a .gz
 * file, 0.2 in a .zst file (1 Mi references when it cannot be read). A
 * unit costs W times its machines: one per memory size, except lru and
 * opt without a window on a plain machine, which cost one (their curve).
 * Each shard pays W once more for every trace it decodes. Units are
 * placed greedily, the costliest first (ties in the experiment's order),
 * each on the shard whose total with it (its decoding included when the
 * shard does not read the trace yet) is smallest, ties to the lowest K:
 * a trace's units join a shard that already reads it unless that shard
 * is loaded by more than one decoding (W) beyond another.
 */
#ifndef PAGESIM_SHARD_H
#define PAGESIM_SHARD_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

struct experiment;
struct exp_trace;

/* The manifest's name in a shard's output directory. */
#define SHARD_MANIFEST "shard.txt"

/* The most shards an experiment may be split into. */
#define SHARD_MAX 4096

/* The number of cells of exp and of each of its traces. */
size_t shard_cells(const struct experiment *exp);
size_t shard_cells_per_trace(const struct experiment *exp);

/* The estimated references of trace t, the cost model's W (above). */
uint64_t shard_trace_work(const struct exp_trace *t);

/* How many seeds policy index p of exp runs with. */
size_t shard_seeds_of(const struct experiment *exp, size_t p);

/* Fill owner[i] (shard_cells(exp) entries) with the shard, 1..count, of
 * cell i, and, unless NULL, cost[k] with shard k + 1's expected work (the
 * cost model's units: references replayed or decoded). Returns 0, or -1
 * with err set when out of memory. */
int shard_plan(const struct experiment *exp, unsigned count, uint32_t *owner, uint64_t *cost,
	       struct ps_error *err);

/* The experiment's identity: a 64-bit hash of its resolved form (name,
 * trace labels and file sizes, policy labels, frames, seeds), as 16 hex
 * digits in buf (at least 17 bytes). Machine options are stamped apart. */
void shard_experiment_hash(const struct experiment *exp, char *buf, size_t size);

/* Parse "K/N" (1 <= K <= N <= SHARD_MAX), or "K" when default_count is
 * nonzero (the experiment's shards:). Returns 0, or -1 with err set. */
int shard_parse(const char *text, unsigned default_count, unsigned *index, unsigned *count,
		struct ps_error *err);

/* Write the manifest of shard index/count (OUTPUT/shard.txt; format in
 * shard.c) to f: the stamp (version, experiment hash, options, the cells
 * files' header line of runner.c), the traces' labels, and every cell of
 * the experiment in order with its shard. */
void shard_write_manifest(FILE *f, const struct experiment *exp, unsigned index, unsigned count,
			  const uint32_t *owner, const char *options);

#endif
