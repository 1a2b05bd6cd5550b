/*
 * sim.h - one simulated machine: page tables, frames, swap and a
 * replacement policy, fed with trace records. See sim.c for the model.
 */
#ifndef PAGESIM_SIM_H
#define PAGESIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "trace.h"
#include "../policies/policy.h"

/* The swap device's capacity unless told otherwise: 2^32 pages, 16 TiB of
 * 4 KiB pages (its bitmap grows only as slots are used). */
#define SIM_DEFAULT_SWAP_SLOTS (1ULL << 32)

struct sim_config {
	const struct policy *policy;
	const double *policy_params; /* the policy's parameter values (see
					policy_config.params); NULL: defaults */
	uint32_t frames;      /* physical frames, >= 1 */
	unsigned page_shift;  /* log2 of the page size, 8..30 */
	unsigned va_bits;     /* 32 (x86-32 two-level tables) or 48 (four-level) */
	uint64_t swap_slots;  /* capacity of the swap device, in pages */
	uint64_t seed;        /* handed to the policy */
	bool span_pages;      /* an access crossing a page boundary touches every
				 page it covers (true) or only its first (false) */
	/* For policies with needs_future: next_use[i] is the index of the next
	 * page reference to the page of reference i (POLICY_NEVER if none);
	 * future_len references are covered. See future.h. */
	const uint64_t *future;
	uint64_t future_len;
};

/* Counters, all exact. A "reference" is one page touched by one access:
 * refs == reads + writes + fetches == hits + faults. */
struct sim_stats {
	uint64_t refs, reads, writes, fetches;
	uint64_t distinct_pages;  /* (process, page) pairs ever touched */
	uint64_t hits, faults;
	uint64_t zero_fills;      /* faults served with a zeroed frame (no I/O) */
	uint64_t evictions;       /* pages reclaimed to make room */
	uint64_t dirty_evictions; /* ... of which were dirty (written to swap) */
	uint64_t swap_writes;     /* pages written to the swap device */
	uint64_t swap_reads;      /* pages read back from the swap device */
};

struct sim;

/* Called for every eviction, before the victim's PTE is invalidated. */
typedef void sim_evict_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn,
			    bool dirty);

/* Build a machine for cfg. Returns NULL with err set when cfg is invalid
 * (no policy, frames 0, page size out of range, a needs_future policy
 * without a future) or memory is short. */
struct sim *sim_create(const struct sim_config *cfg, struct ps_error *err);

/* Replay n records in order. Returns 0, or -1 with err set when the
 * machine cannot go on (swap device full, out of memory, the future array
 * is shorter than the trace); the counters then describe everything up to
 * the failing reference, and every later call fails with the same error. */
int sim_feed(struct sim *s, const struct trace_rec *recs, size_t n, struct ps_error *err);

/* Copy the counters into out. */
void sim_get_stats(const struct sim *s, struct sim_stats *out);

/* Observe evictions (tests, debugging); NULL hook turns it off. */
void sim_set_evict_hook(struct sim *s, sim_evict_hook *hook, void *ctx);

/* The policy's state block (tests and debugging only). */
void *sim_policy_state(struct sim *s);

/* Free the machine. NULL is ignored. */
void sim_destroy(struct sim *s);

#endif
