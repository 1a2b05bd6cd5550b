/*
 * cells.h - the parallel replay of one trace through many cells (policy,
 * frames, seed) at once, on several threads, decoding the trace only once.
 * Used by `pagesim run`, `check` and the experiment runner (runner.h).
 */
#ifndef PAGESIM_CELLS_H
#define PAGESIM_CELLS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/pass.h"
#include "policies/registry.h"
#include "machine/sim.h"

/* One cell: a policy at a memory size with a seed, and what became of it. */
struct cell {
	const struct policy_spec *policy;
	uint32_t frames;
	uint64_t seed;
	/* Filled in by cells_replay: */
	bool done;                 /* replayed the whole trace; stats are final */
	struct sim_stats stats;
	char error[PS_ERROR_MAX];  /* non-empty: why the cell failed */
	struct sim_segfault segfaults[SIM_SEGFAULTS_KEPT]; /* the first ones kept */
	size_t nsegfaults;         /* of stats.segfaults */
	struct sim_segment_stats *segments; /* by_segment: a copy the caller
					       frees (NULL otherwise) */
	size_t nsegments;
	struct sim_process_rss *processes;  /* by_process: the caller frees it */
	size_t nprocesses;
};

struct exp_machine;

/* What every cell's machine has in common besides policy, frames, seed. */
struct cells_machine {
	unsigned page_shift;
	unsigned va_bits;
	uint64_t swap_slots;
	bool span_pages;
	const struct exp_machine *vm; /* the VM model's options; NULL: all off */
	bool no_curves;               /* replay every cell, even those a curve could give */
};

/* Called on the decoding thread after each batch with the records decoded
 * so far; keep it cheap. */
typedef void cells_progress_fn(void *ctx, uint64_t records);

/* Replay trace through the n cells using up to threads threads. The trace
 * is decoded once (twice when a cell's policy needs the whole future: opt
 * without a window); each batch goes through a small ring to the threads,
 * each of which replays its share of the cells, so memory stays bounded
 * whatever the trace length. A cell whose machine fails gets its error
 * and the others go on.
 * Returns 0 when the trace was replayed to the end (check each cell's
 * error); -1 with err set when the trace could not be read (every cell not
 * yet failed gets the same error); 1 when *stop became nonzero (no cell is
 * done). *info describes the pass.
 *
 * Events. Cells are fed with sim_feed_batch, which sees each record's line
 * and the trace's VM events. The events of the replay pass go into
 * topt->events when the caller gives a table (which must then outlive
 * anything that keeps pointers into it, such as segment names), else into
 * a table cells_replay owns and frees before it returns, after the last
 * machine is destroyed. The shared lru curve is used only for traces that
 * cannot hold events (see cells.c). */
int cells_replay(const struct trace_spec *trace, const struct trace_options *topt,
		 const struct cells_machine *m, struct cell *cells, size_t n, unsigned threads,
		 cells_progress_fn *progress, void *progress_ctx, volatile sig_atomic_t *stop,
		 struct pass_info *info, struct ps_error *err);

#endif
