/*
 * trace_event.h - the VM events of the native format (segment, mmap,
 * munmap, brk, fork, exit) and the batches that carry them.
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

#include "trace.h"

/* op of a placeholder record (enum access_op values are 0..2). */
#define OP_EVENT 3

enum trace_event_kind {
	EV_SEGMENT = 1, /* "segment NAME ADDR LEN PROT BACKING ..." */
	EV_MMAP,        /* "mmap ADDR LEN PROT shared|private file=F [offset=O]" or "... anon" */
	EV_MUNMAP,      /* "munmap ADDR LEN" */
	EV_BRK,         /* "brk ADDR": the new program break */
	EV_FORK,        /* "fork PARENT CHILD" */
	EV_EXIT,        /* "exit PID" */
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
	uint8_t prot;      /* EV_PROT_* (segment, mmap) */
	uint8_t backing;   /* enum trace_backing (segment, mmap) */
	bool shared;       /* mmap ... shared: writes reach the file */
	uint32_t pid;      /* the process it applies to; fork: the parent */
	uint32_t child;    /* fork: the child's pid */
	uint64_t addr;     /* start address (segment, mmap, munmap); brk: the new break */
	uint64_t len;      /* bytes (segment, mmap, munmap) */
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
					      or record number in binary); NULL: unknown */
	const struct trace_events *events; /* the table OP_EVENT records index; may be
					      NULL when the batch has no events */
	size_t n;
};

#endif
