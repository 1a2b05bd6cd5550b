/*
 * pageref.h - which pages one access touches.
 *
 * The rule, shared by the replay and by the OPT look-ahead so both count
 * the same references: an access of size bytes at addr covers the pages
 * addr >> shift .. (addr + size - 1) >> shift. With span_pages every one
 * of them is referenced, in ascending order; without it only the first.
 *
 * Repeats. Real programs reference, in most records, the page that the
 * last access of the same kind began in: a basic block's fetches that of
 * the last fetch, a loop's reads and writes that of the last read or
 * write. pageref_mark_repeats finds those records once per batch for
 * every machine replaying it (the version-3 decoder finds the same ones
 * as it decodes: trace_binary3.h), and the replay serves them from the
 * PTE it already holds (sim.c, "Repeated pages").
 */
#ifndef PAGESIM_PAGEREF_H
#define PAGESIM_PAGEREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

/* Store the first page rec touches in *first; return how many consecutive
 * pages it touches (>= 1). */
static inline uint64_t pageref_span(const struct trace_rec *rec, unsigned shift,
				    bool span_pages, uint64_t *first)
{
	uint64_t lo = rec->addr >> shift;
	uint64_t end = rec->addr + (uint64_t)(rec->size ? rec->size : 1) - 1;

	*first = lo;
	if (!span_pages || end < rec->addr) /* wrap at 2^64: first page only */
		return 1;
	return (end >> shift) - lo + 1;
}

/* Mark the records of recs[0..n) that repeat a page: repeats[i] = 1 when
 * recs[i] is an access lying wholly in one page of 2^shift bytes, and
 * the last record before it in the batch of its kind (fetch, or read and
 * write) began in that page, with neither an event nor a record of
 * another process in between; else 0. Such a record references that one
 * page whether or not accesses span pages, and none of its process's
 * references since the last of its kind was a different page of its
 * kind. */
void pageref_mark_repeats(const struct trace_rec *recs, size_t n, unsigned shift, uint8_t *repeats);

#endif
