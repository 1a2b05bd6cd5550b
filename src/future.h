/*
 * future.h - the look-ahead that OPT needs: for every page reference of a
 * trace, the index of the next reference to the same (process, page).
 *
 * Built in one forward pass: when reference i touches page k, the entry
 * of k's previous reference is set to i. Memory is 8 bytes per reference
 * plus a hash table of the distinct pages (about 32 bytes each), which is
 * why OPT holds the whole trace's future in memory.
 */
#ifndef PAGESIM_FUTURE_H
#define PAGESIM_FUTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "trace.h"

struct future {
	uint64_t *next_use; /* next_use[i]: next reference to the same page, or POLICY_NEVER */
	uint64_t len;       /* references covered */
};

struct future_builder;

/* Start a look-ahead for pages of 2^page_shift bytes, splitting accesses
 * exactly as the replay does (span_pages, see pageref.h). NULL when memory
 * is short. */
struct future_builder *future_begin(unsigned page_shift, bool span_pages);

/* Add n records, in trace order; events (OP_EVENT) are not references and
 * are skipped. Returns 0, or -1 with err set when memory is short. */
int future_add(struct future_builder *b, const struct trace_rec *recs, size_t n,
	       struct ps_error *err);

/* Finish: move the look-ahead into out and free the builder. */
void future_finish(struct future_builder *b, struct future *out);

/* Free a builder that will not be finished. NULL is ignored. */
void future_abandon(struct future_builder *b);

/* Free out's memory. */
void future_free(struct future *f);

#endif
