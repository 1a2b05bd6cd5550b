/*
 * mrc.h - miss-ratio curves: the counters of an LRU or OPT replay at every
 * memory size at once, from one pass over the trace. See mrc.c for the
 * algorithms and for why each counter equals the replay's.
 *
 * Use: mrc_create, mrc_feed every batch of records in trace order,
 * mrc_finish once, then mrc_get for any number of frame counts.
 */
#ifndef PAGESIM_MRC_H
#define PAGESIM_MRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "machine/sim.h"
#include "trace/trace.h"
#include "trace/trace_event.h"

enum mrc_policy { MRC_LRU, MRC_OPT };

/* Sampling rates are multiples of 2^-MRC_SAMPLE_BITS (see mrc.c). */
#define MRC_SAMPLE_BITS 24

struct mrc_config {
	enum mrc_policy policy;
	unsigned page_shift;  /* log2 of the page size, as for the replay */
	unsigned va_bits;     /* 32 or 48: an access past the end is an error, as in the replay */
	bool span_pages;      /* pageref.h's rule, as for the replay */
	double sample_rate;   /* LRU only: 0 < rate <= 1; 1 (or 0: unset) is exact */
	/* OPT walking the priority stack only (mrc_looks_ahead): the
	 * look-ahead of the same trace with the same page size and span rule
	 * (future.h); future_len references are covered. */
	const uint64_t *future;
	uint64_t future_len;
	/* OPT only: the largest frame count mrc_get will be asked for (0: no
	 * limit). Up to 1024 the pass costs O(max_frames) per reference at
	 * most, else O(log pages) (see mrc.c). */
	uint32_t max_frames;
};

struct mrc;

/* Does the curve cfg describes need cfg->future? Only OPT with a largest
 * size (max_frames) of 1..1024, which walks the priority stack; the
 * other OPT curves are computed on line, in one pass. */
bool mrc_looks_ahead(const struct mrc_config *cfg);

/* Make an empty curve for cfg. Returns NULL with err set when cfg is
 * invalid (no look-ahead where mrc_looks_ahead needs one, sampling with
 * OPT, a rate outside (0, 1], an unsupported page size) or memory is
 * short. */
struct mrc *mrc_create(const struct mrc_config *cfg, struct ps_error *err);

/* Add n records in trace order. Returns 0, or -1 with err set (an access
 * past the end of the address space, more references than the look-ahead,
 * out of memory, an event); the curve is then unusable and every later
 * call fails. The curves model anonymous memory only (every page
 * demand-zero, one address space per pid), so an event record (OP_EVENT:
 * a segment, mmap, fork, ...) is an error. */
int mrc_feed(struct mrc *m, const struct trace_rec *recs, size_t n, struct ps_error *err);

/* mrc_feed for a batch; an event is refused naming where it was read:
 * "t.trace:12: the one-pass curves model anonymous memory only; this
 * trace has a 'fork' event (use pagesim run)". */
int mrc_feed_batch(struct mrc *m, const struct trace_batch *b, struct ps_error *err);

/* Returns 0 when batch b holds no event, else -1 with err set to the
 * message of mrc_feed_batch about the first (for passes that feed no
 * curve, such as OPT's look-ahead pass). */
int mrc_refuse_events(const struct trace_batch *b, struct ps_error *err);

/* End of the trace: settle what depends on it. Call once, after the last
 * mrc_feed and before mrc_get. Returns 0, or -1 with err set if memory is
 * short or a feed failed. */
int mrc_finish(struct mrc *m, struct ps_error *err);

/* The counters of a replay with frames frames (>= 1), as the simulator
 * counts them (sim.h). Exact without sampling; estimates with it, except
 * refs, reads, writes, fetches and processes, which are always exact. The
 * counters of the VM model are those of anonymous memory: resident is
 * the frames in use at the end, processes the pids seen, and the rest
 * (file reads, copy-on-write, TLB, ...) 0. For OPT, frames must not be
 * above mrc_config.max_frames when that was set. */
void mrc_get(const struct mrc *m, uint32_t frames, struct sim_stats *out);

/* The sampling rate in use: the requested one rounded to a multiple of
 * 2^-MRC_SAMPLE_BITS; 1 when exact. */
double mrc_sample_rate(const struct mrc *m);

/* Distinct (process, page) pairs seen: exact, or estimated when sampling. */
uint64_t mrc_distinct(const struct mrc *m);

/* Free m. NULL is ignored. */
void mrc_destroy(struct mrc *m);

#endif
