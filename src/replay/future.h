/*
 * future.h - the look-ahead that OPT needs: for every page reference of a
 * trace, the index of the next reference to the same (process, page).
 *
 * Built in one forward pass: when reference i touches page k, the entry
 * of k's previous reference is set to i. Memory is 8 bytes per reference
 * plus a hash table of the distinct pages (24-byte entries at most half
 * full: 48 to 96 bytes each), which is why OPT holds the whole trace's
 * future in memory.
 *
 * A windowed builder (future_begin_window) bounds that: next_use(i) is the
 * next reference j to the same page only if j - i < window, else
 * POLICY_NEVER, so next_use(i) is final once reference i + window - 1 has
 * been added. The values live in a ring of a power-of-two number of
 * entries indexed by reference number (future_ring), which the caller
 * reads before it is overwritten: adding reference j overwrites the entry
 * of reference j - entries. The hash table forgets a page once its latest
 * reference is a window behind (no later reference can be its next use),
 * at its next rebuild, so it holds about the pages of the last window
 * references, not of the whole trace. Memory is 8 bytes per ring entry
 * plus 48 to 192 bytes per page of the window: none of it grows with the
 * trace.
 */
#ifndef PAGESIM_FUTURE_H
#define PAGESIM_FUTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/trace.h"

struct future {
	uint64_t *next_use; /* next_use[i]: next reference to the same page, or POLICY_NEVER */
	uint64_t len;       /* references covered */
};

struct future_builder;
struct policy;

/* The look-ahead a needs_future policy p with parameter values params
 * asks for (policy.h): the value of its parameter named "window", or 0 --
 * the whole trace -- when it has none, it is 0, or params is NULL. */
uint64_t future_window(const struct policy *p, const double *params);

/* Start a look-ahead for pages of 2^page_shift bytes, splitting accesses
 * exactly as the replay does (span_pages, see pageref.h). NULL when memory
 * is short. */
struct future_builder *future_begin(unsigned page_shift, bool span_pages);

/* Start a windowed look-ahead (see the top of the file) over a ring of
 * entries values: entries must be a power of two and at least window,
 * window at least 1. NULL when memory is short. */
struct future_builder *future_begin_window(unsigned page_shift, bool span_pages, uint64_t window,
					   uint64_t entries);

/* Add n records, in trace order; events (OP_EVENT) are not references and
 * are skipped. Returns 0, or -1 with err set when memory is short. */
int future_add(struct future_builder *b, const struct trace_rec *recs, size_t n,
	       struct ps_error *err);

/* References added so far. */
uint64_t future_count(const struct future_builder *b);

/* A windowed builder's ring: entry (i & *mask) is next_use(i) for the last
 * entries references added. */
const uint64_t *future_ring(const struct future_builder *b, uint64_t *mask);

/* Finish a builder begun with future_begin: move the look-ahead into out
 * and free the builder. */
void future_finish(struct future_builder *b, struct future *out);

/* Free a builder that will not be finished. NULL is ignored. */
void future_abandon(struct future_builder *b);

/* Free out's memory. */
void future_free(struct future *f);

#endif
