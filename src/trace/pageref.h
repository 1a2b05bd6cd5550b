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
 *
 * Runs. Consecutive marked records, a run, reference at most two pages:
 * that of the last data access before the run and that of the last fetch.
 * pageref_repeat_runs counts, once per batch, each run's records by
 * operation, so that a replay can serve a whole run of hits at once when
 * nothing it does depends on their order (sim.c).
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

struct trace_batch;

/* Batch b's repeat marks for pages of 2^shift bytes: its own
 * (trace_batch_repeats), or made into repeats (b->n bytes). */
const uint8_t *pageref_batch_marks(const struct trace_batch *b, unsigned shift, uint8_t *repeats);

/* Runs never cross a multiple of this many records, so that their counts
 * fit 16 bits. */
#define PAGEREF_RUN_BLOCK 32768u

/* The runs of recs[0..n) marked by repeats (pageref_mark_repeats): for a
 * marked record i, runs[i] counts the records i, i + 1, ... up to the next
 * unmarked one, or the next multiple of PAGEREF_RUN_BLOCK, or n, whichever
 * comes first: how many in bits 0-15 (>= 1), how many are fetches in bits
 * 16-31, and how many are writes in bits 32-47. runs[i] = 0 for an
 * unmarked record. So records [i, j) of one run count runs[i] - runs[j]
 * field by field when j is inside the run, and runs[i] when j ends it. */
void pageref_repeat_runs(const struct trace_rec *recs, const uint8_t *repeats, size_t n, uint64_t *runs);

/* The fields of a run's counts (pageref_repeat_runs). */
static inline uint32_t pageref_run_records(uint64_t run) { return (uint32_t)(run & 0xffff); }
static inline uint32_t pageref_run_fetches(uint64_t run) { return (uint32_t)(run >> 16 & 0xffff); }
static inline uint32_t pageref_run_writes(uint64_t run) { return (uint32_t)(run >> 32 & 0xffff); }

#endif
