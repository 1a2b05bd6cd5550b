/*
 * pageref.h - which pages one access touches.
 *
 * The rule, shared by the replay and by the OPT look-ahead so both count
 * the same references: an access of size bytes at addr covers the pages
 * addr >> shift .. (addr + size - 1) >> shift. With span_pages every one
 * of them is referenced, in ascending order; without it only the first.
 */
#ifndef PAGESIM_PAGEREF_H
#define PAGESIM_PAGEREF_H

#include <stdbool.h>
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

#endif
