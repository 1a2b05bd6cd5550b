/*
 * trace_binary3.h - the record coding of binary trace version 3
 * (traces/FORMAT.md, "binary", "Version 3 records"): each record is a tag
 * byte and at most three varints, coded against the record before it, so
 * a real program's trace takes a few bytes a record instead of 16.
 *
 * The coding maps a byte stream to the stream of 16-byte records of
 * version 2 and back, record for record: record N of a version-3 file is
 * record N of the version-2 file it codes, so everything above it (events,
 * validation, record numbers in messages, skip_bad) is unchanged. This
 * module is pure: no I/O. trace.c feeds it the bytes it reads; the writer
 * (trace_binary.c) feeds it records and writes what it gives back.
 */
#ifndef PAGESIM_TRACE_BINARY3_H
#define PAGESIM_TRACE_BINARY3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

#define TRACE_BINARY3_MAX_CODE 32    /* the longest record coding a reader may meet, rounded up */
#define TRACE_BINARY3_RUN_MAX 1024   /* the longest run one run tag repeats */
#define TRACE_BINARY3_MAX_OUT 24     /* bytes trace_binary3_encode writes at most for one call */

/* What both sides remember between records. Zero it to start a file. */
struct trace_binary3_state {
	uint64_t next_addr[2]; /* the predicted address: [0] data, [1] fetch (last addr + size) */
	uint32_t pid;	       /* the pid of the last coded access */
	struct trace_rec last; /* the last coded access: what a run repeats */
	uint32_t run_left;     /* decoder: repeats of last still to hand out */
	uint32_t run;	       /* encoder: repeats of last not yet written */
	bool has_last;	       /* encoder: last holds an access */
};

/* How trace_binary3_decode stopped. */
enum trace_binary3_stop {
	BIN3_FULL,    /* max records decoded */
	BIN3_MORE,    /* the bytes ran out (maybe inside a record: see *used) */
	BIN3_CORRUPT, /* the next record's coding is invalid (why says how) */
};

/* What the decoder learns, at little cost, of the records it decodes:
 * enough to say that version 1's validation (trace_binary_find_bad) would
 * refuse none of them. Zero it before a batch. */
struct trace_binary3_check {
	uint64_t span;	 /* OR of every access's first and last byte address */
	uint32_t fields; /* bit 31 set by an access of size 0 or pid 0 */
	bool unchecked;	 /* a record came another way (a run, a verbatim record) */
	/* The repeat marks (pageref.h) of the accesses decoded the fast way,
	 * valid for the whole batch when trace_binary3_all_valid says so:
	 * page_mask is ~(page size - 1), and last[] the address the last data
	 * access (last[0]) or fetch (last[1]) began at since the batch began
	 * or the process changed, or UINT64_MAX: none (no valid address lies
	 * in its page). trace_binary3_check_start sets them. */
	uint64_t page_mask;
	uint64_t last[2];
};

/* A check for a new batch whose repeats are marked for pages of 2^shift
 * bytes. */
static inline struct trace_binary3_check trace_binary3_check_start(unsigned shift)
{
	return (struct trace_binary3_check){ .page_mask = ~((UINT64_C(1) << shift) - 1),
					     .last = { UINT64_MAX, UINT64_MAX } };
}

/* Would trace_binary_find_bad(recs, n, addr_max) find nothing in the n
 * records decoded since chk was zeroed? False means "look", not "bad".
 * With 64-bit addresses always "look": an access may wrap past 2^64,
 * which span does not show. */
static inline bool trace_binary3_all_valid(const struct trace_binary3_check *chk, uint64_t addr_max)
{
	return !chk->unchecked && addr_max != UINT64_MAX && (chk->fields >> 31) == 0 && chk->span <= addr_max;
}

/* Decode records from in[0..len) into recs[0..max), going on from st,
 * and their repeat marks into repeats[0..max) (see trace_binary3_check;
 * NULL: no marks).
 * Sets *used to the bytes of whole records consumed (a record cut by len
 * is left unconsumed, and st is as before it) and returns the number
 * decoded; *stop says why it stopped, and on BIN3_CORRUPT why (without
 * "FILE: record N: ") names the fault of the record after the last one
 * decoded. Adds what it decoded to *chk. Reads no byte outside
 * in[0..len), on any input. */
size_t trace_binary3_decode(struct trace_binary3_state *st, const unsigned char *in, size_t len, size_t *used,
			    struct trace_rec *recs, uint8_t *repeats, size_t max, enum trace_binary3_stop *stop,
			    char *why, size_t why_len, struct trace_binary3_check *chk);

/* Code rec after the records already given to st into out (room for
 * TRACE_BINARY3_MAX_OUT bytes); returns the bytes written, often 0 (a
 * repeat of the last access waits in st->run). An access (op 0..2, flags
 * 0) is delta-coded; any other record (an event record, a payload record)
 * is written verbatim and leaves the prediction alone. */
size_t trace_binary3_encode(struct trace_binary3_state *st, const struct trace_rec *rec, unsigned char *out);

/* Write rec verbatim (after the pending run of st, if any) into out
 * (room for TRACE_BINARY3_MAX_OUT); returns the bytes written. The
 * prediction is left alone. Events use it for their records. */
size_t trace_binary3_verbatim(struct trace_binary3_state *st, const struct trace_rec *rec, unsigned char *out);

/* Write the pending run of st, if any, into out (room for
 * TRACE_BINARY3_MAX_OUT); returns the bytes written. Call before the end
 * of the file. */
size_t trace_binary3_flush(struct trace_binary3_state *st, unsigned char *out);

#endif
