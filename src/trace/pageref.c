/*
 * pageref.c - the records that repeat the last page of their kind
 * (pageref.h).
 */
#include "config.h"

#include "trace/pageref.h"
#include "trace/trace_event.h"

/* No page: pages are addresses shifted right by 8 or more bits. */
#define PAGEREF_NONE UINT64_MAX

void pageref_mark_repeats(const struct trace_rec *recs, size_t n, unsigned shift, uint8_t *repeats)
{
	/* The page the last data access (last[0]) and fetch (last[1]) of
	 * process pid began in since the last event or change of process,
	 * or PAGEREF_NONE. */
	uint64_t last[2] = { PAGEREF_NONE, PAGEREF_NONE };
	uint32_t pid = 0;

	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *rec = &recs[i];
		const unsigned kind = rec->op == OP_FETCH;
		const uint64_t page = rec->addr >> shift;
		/* The last byte (a size of 0 counts as 1, as in pageref_span). */
		const uint64_t end = rec->addr + rec->size - (rec->size != 0);

		if (__builtin_expect(rec->op == OP_EVENT || rec->pid != pid, 0)) {
			last[0] = last[1] = PAGEREF_NONE;
			pid = rec->pid;
			if (rec->op == OP_EVENT) {
				repeats[i] = 0;
				continue;
			}
		}
		/* The first and last bytes differ only below the page bits: one
		 * page, and no wrap past 2^64. */
		repeats[i] = (last[kind] == page) & (((rec->addr ^ end) >> shift) == 0);
		last[kind] = page;
	}
}

const uint8_t *pageref_batch_marks(const struct trace_batch *b, unsigned shift, uint8_t *repeats)
{
	const uint8_t *given = trace_batch_repeats(b, shift);

	if (given != NULL)
		return given;
	pageref_mark_repeats(b->recs, b->n, shift, repeats);
	return repeats;
}

void pageref_repeat_runs(const struct trace_rec *recs, const uint8_t *repeats, size_t n, uint64_t *runs)
{
	/* One record's counts, by operation (an event is never marked). */
	static const uint64_t one[4] = {
		[OP_READ] = 1, [OP_WRITE] = 1 | (uint64_t)1 << 32, [OP_FETCH] = 1 | (uint64_t)1 << 16, [OP_EVENT] = 0,
	};

	/* Block by block from the last, each backwards: the counts of records
	 * i + 1, ... of i's run in after. */
	for (size_t block = n > 0 ? (n - 1) / PAGEREF_RUN_BLOCK * PAGEREF_RUN_BLOCK : 0;; block -= PAGEREF_RUN_BLOCK) {
		uint64_t after = 0;

		for (size_t i = n < block + PAGEREF_RUN_BLOCK ? n : block + PAGEREF_RUN_BLOCK; i-- > block;) {
			/* 0 - 1 is all ones: an unmarked record keeps nothing. */
			after = (after + one[recs[i].op & 3]) & -(uint64_t)(repeats[i] != 0);
			runs[i] = after;
		}
		if (block == 0)
			break;
	}
}
