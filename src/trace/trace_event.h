/*
 * trace_event.h - the VM events of the native format (segment, mmap,
 * munmap, mprotect, brk, fork, exit) and the batches that carry them.
 *
 * An access is one 16-byte struct trace_rec. An event has more to say
 * (ranges, file names, offsets), so it lives in an event table, and the
 * record stream carries a placeholder: a trace_rec with op == OP_EVENT,
 * addr == the event's index in the table, pid == the process it applies
 * to, size == 0 and flags == its kind. Every record consumer either acts
 * on events (the machine, sim.c) or skips them (the OPT look-ahead, the
 * miss-ratio curves, decode's counts): events are not references.
 *
 * The table is append-only and chunked: an entry never moves once added,
 * so threads replaying earlier batches may read it while the decoding
 * thread appends (the batch hand-over orders the two). Strings (segment
 * and file names) are interned: equal names are the same pointer, which
 * is how the machine tells files apart.
 */
#ifndef PAGESIM_TRACE_EVENT_H
#define PAGESIM_TRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

/* op of a placeholder record (enum access_op values are 0..2). */
#define OP_EVENT 3

enum trace_event_kind {
	EV_SEGMENT = 1, /* "segment NAME ADDR LEN PROT BACKING ..." */
	EV_MMAP,        /* "mmap ADDR LEN PROT shared|private file=F [offset=O]" or "... anon" */
	EV_MUNMAP,      /* "munmap ADDR LEN" */
	EV_BRK,         /* "brk ADDR": the new program break */
	EV_FORK,        /* "fork PARENT CHILD" */
	EV_EXIT,        /* "exit PID" */
	EV_MPROTECT,    /* "mprotect ADDR LEN PROT" */
	EV_LAST = EV_MPROTECT,
};

/* Protection bits of a mapping ("r-x" is EV_PROT_R | EV_PROT_X). */
#define EV_PROT_R 1u
#define EV_PROT_W 2u
#define EV_PROT_X 4u

/* What backs a mapping's pages before they are first written. */
enum trace_backing {
	BACK_ZERO = 1, /* zero-fill: bss, heap, anonymous mmap ("zero", "anon") */
	BACK_FILE,     /* read from file at offset ("file=F [offset=O]") */
	BACK_STACK,    /* zero-fill, grows down on demand ("stack [max=M]") */
};

struct trace_event {
	uint8_t kind;      /* enum trace_event_kind */
	uint8_t prot;      /* EV_PROT_* (segment, mmap, mprotect) */
	uint8_t backing;   /* enum trace_backing (segment, mmap) */
	bool shared;       /* mmap ... shared: writes reach the file */
	uint32_t pid;      /* the process it applies to; fork: the parent */
	uint32_t child;    /* fork: the child's pid */
	uint64_t addr;     /* start address (segment, mmap, munmap, mprotect); brk: the new break */
	uint64_t len;      /* bytes (segment, mmap, munmap, mprotect) */
	uint64_t offset;   /* BACK_FILE: byte offset in the file */
	uint64_t max;      /* BACK_STACK: most bytes it may grow to (0: the default) */
	uint64_t line;     /* where it was read: line (text) or record number (binary) */
	const char *name;  /* segment: its name ("code"); mmap: NULL */
	const char *file;  /* BACK_FILE: the file name, interned; else NULL */
};

struct trace_events;

/* An empty table whose messages will name the trace `name` (copied);
 * positions are "record N" rather than line N when records is set (the
 * binary format). NULL when memory is short. */
struct trace_events *trace_events_create(const char *name, bool records);

/* Free the table and its strings. NULL is ignored. */
void trace_events_destroy(struct trace_events *t);

/* Append a copy of ev, interning its name and file. Returns its index, or
 * UINT64_MAX when memory is short. */
uint64_t trace_events_add(struct trace_events *t, const struct trace_event *ev);

/* The event at index (< trace_events_count()). */
const struct trace_event *trace_events_get(const struct trace_events *t, uint64_t index);

uint64_t trace_events_count(const struct trace_events *t);

/* The trace name and position wording given to trace_events_create. */
const char *trace_events_name(const struct trace_events *t);
bool trace_events_records(const struct trace_events *t);

/* One batch as readers hand it out and consumers receive it. */
struct trace_batch {
	const struct trace_rec *recs;
	const uint64_t *lines;             /* lines[i]: where recs[i] was read (line,
					      or record number in binary); NULL: see
					      line0 */
	uint64_t line0;                    /* without lines: recs[i] was read at
					      line0 + i; 0: unknown */
	const struct trace_events *events; /* the table OP_EVENT records index; may be
					      NULL when the batch has no events */
	const uint8_t *repeats;            /* pageref_mark_repeats of the records for
					      pages of 2^repeats_shift bytes; NULL:
					      not marked */
	const uint64_t *runs;              /* pageref_repeat_runs of repeats; NULL:
					      not counted */
	unsigned repeats_shift;
	size_t n;
};

/* b's repeat marks if they are for pages of 2^shift bytes, else NULL. */
static inline const uint8_t *trace_batch_repeats(const struct trace_batch *b, unsigned shift)
{
	return b->repeats != NULL && b->repeats_shift == shift ? b->repeats : NULL;
}

/* b's runs of repeats if they are for pages of 2^shift bytes, else NULL. */
static inline const uint64_t *trace_batch_runs(const struct trace_batch *b, unsigned shift)
{
	return b->runs != NULL && b->repeats_shift == shift ? b->runs : NULL;
}

/* Where record i of b was read (trace_batch.lines, line0), or 0:
 * unknown. */
static inline uint64_t trace_batch_line(const struct trace_batch *b, size_t i)
{
	return b->lines != NULL ? b->lines[i] : b->line0 != 0 ? b->line0 + i : 0;
}

/* Records [from, from + n) of b as a batch of their own, with their lines
 * (their repeat marks are left out). */
static inline struct trace_batch trace_batch_part(const struct trace_batch *b, size_t from, size_t n)
{
	return (struct trace_batch){
		.recs = b->recs + from,
		.lines = b->lines != NULL ? b->lines + from : NULL,
		.line0 = b->lines == NULL && b->line0 != 0 ? b->line0 + from : 0,
		.events = b->events,
		.n = n,
	};
}

/*
 * Additions for the readers and the machine (trace_event.c).
 */

/* Limits of the strings an event carries (traces/FORMAT.md). */
#define TRACE_EVENT_NAME_MAX 63  /* segment names: [A-Za-z_][A-Za-z0-9_.-]* */
#define TRACE_EVENT_FILE_MAX 255 /* file names: bytes above ' ', not DEL */

/* "segment", "mmap", "munmap", "brk", "fork", "exit"; "event" for a kind
 * out of range. */
const char *trace_event_kind_name(unsigned kind);

/* Check ev against the static rules of traces/FORMAT.md, the same for
 * every reader: a known kind, pid >= 1, the fields its kind uses in range
 * (segment, mmap and munmap addresses and file offsets page-aligned for
 * pages of 2^page_shift bytes, lengths >= 1, [addr, addr + len) below
 * 2^va_bits, a valid name and file name, no "shared anon", fork's child
 * >= 1 and not its parent) and every field its kind does not use 0 or
 * NULL. ev->line is not checked. Returns true, or false with why set to
 * the reason (without "FILE:LINE: "). */
bool trace_event_check(const struct trace_event *ev, unsigned va_bits, unsigned page_shift, char *why,
		       size_t why_len);

/* Write ev as a line of the native format (without '\n'), as snprintf
 * does: returns the length it needs. Segment, mmap, munmap and brk lines
 * do not name their process: that is the "process N" before them. */
int trace_event_format(const struct trace_event *ev, char *buf, size_t len);

/* Give the table the name and position wording of the trace about to
 * fill it; trace_open does this to a caller-owned table (see
 * trace_options.events). Returns 0, or -1 when memory is short. */
int trace_events_set_source(struct trace_events *t, const char *name, bool records);

/* Where position `line` of the table's trace is, as messages say it:
 * "NAME:LINE" (text) or "NAME: record LINE" (binary). Returns what
 * snprintf returns. */
int trace_events_where(const struct trace_events *t, uint64_t line, char *buf, size_t len);

/* Several traces in one table (a multiprogrammed workload, merge.h):
 * each trace is a source, numbered from 1, and a position (a batch's line,
 * an event's line) of source k is TRACE_EVENTS_AT(k, its own line), which
 * trace_events_where names after that trace. Lines must be at most
 * TRACE_EVENTS_LINE_MAX. */
#define TRACE_EVENTS_LINE_BITS 40
#define TRACE_EVENTS_LINE_MAX ((UINT64_C(1) << TRACE_EVENTS_LINE_BITS) - 1)
#define TRACE_EVENTS_AT(k, line) (((uint64_t)(k) << TRACE_EVENTS_LINE_BITS) | (line))

/* Add a source named name (copied; positions "record N" when records) to
 * t, before any batch that names it is replayed. Returns its number
 * (>= 1), or 0 when memory is short. */
uint32_t trace_events_add_source(struct trace_events *t, const char *name, bool records);

/* Where record i of batch b was read, as trace_events_where says it; ""
 * when the batch does not know (no lines or no table: generated
 * workloads). Returns what snprintf returns. */
int trace_batch_where(const struct trace_batch *b, size_t i, char *buf, size_t len);

#endif
