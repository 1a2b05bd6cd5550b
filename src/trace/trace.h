/*
 * trace.h - streaming trace readers.
 *
 * A trace is a stream of memory accesses. trace_open() detects (or is told)
 * the format and the compression (gzip or zstd, by magic number), and
 * trace_read() decodes the stream in batches into compact fixed-size
 * records. Memory use is constant whatever the trace length; nothing is
 * allocated per record.
 *
 * Formats (traces/FORMAT.md is the specification):
 *   lackey   valgrind --tool=lackey --trace-mem=yes output: "I  addr,size",
 *            " L addr,size", " S addr,size", " M addr,size" (M = a read then
 *            a write of the same bytes, so it yields two records);
 *            "==pid==" lines are ignored.
 *   addr-rw  one "hexaddr R|W" per line, e.g. "0041f7a0 R".
 *   pages    one decimal page number per line (textbook reference strings);
 *            the record address is page << page_shift, a read of 1 byte.
 *   native   "pagesim-trace 1" header, then "R|W|X|M ADDR [SIZE] [pid=N]"
 *            and "process N" lines (see FORMAT.md).
 *   binary   pagesim's compact form (trace_binary.h, written by `pagesim
 *            convert`): a versioned header starting "PGSIMBIN", then 16-byte
 *            little-endian records that are struct trace_rec itself. Always
 *            detected by its magic, after decompression; read straight into
 *            the caller's array.
 *
 * Errors name the file and line: "t.trace:12: expected R, W or X"; in the
 * binary format, which has no lines, the record: "t.bin: record 7: ...".
 *
 * Events. The native format (and a binary file converted from one) also
 * carries VM events: segment, mmap, munmap, mprotect, brk, fork and exit lines. Each
 * becomes one placeholder record (op OP_EVENT, see trace_event.h) whose
 * addr indexes the reader's event table, where the event itself is kept.
 */
#ifndef PAGESIM_TRACE_H
#define PAGESIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

enum trace_format {
	TRACE_AUTO = 0,
	TRACE_LACKEY,
	TRACE_ADDR_RW,
	TRACE_PAGES,
	TRACE_NATIVE,
	TRACE_BINARY, /* new values go last: the numbers are kept */
};

/* What an access does. A lackey or native M record becomes OP_READ then
 * OP_WRITE records of the same bytes. */
enum access_op {
	OP_READ = 0,
	OP_WRITE = 1,
	OP_FETCH = 2,
};

/* One decoded access: 16 bytes. */
struct trace_rec {
	uint64_t addr;  /* virtual address of the first byte */
	uint32_t pid;   /* process id (1 unless the trace says otherwise) */
	uint16_t size;  /* bytes accessed, >= 1 */
	uint8_t op;     /* enum access_op */
	uint8_t flags;  /* reserved, 0 */
};

struct trace_events;

struct trace_options {
	enum trace_format format; /* TRACE_AUTO: detect from the content */
	unsigned page_shift;      /* log2 page size: pages format addr = n << shift */
	unsigned va_bits;         /* addresses must be < 2^va_bits (32..64) */
	bool skip_bad;            /* count and skip malformed lines instead of failing */
	bool mark_repeats;        /* make the repeat marks trace_repeats_of hands
				     out, where the format makes them cheaply */
	const char *name;         /* what messages call the trace; NULL: the path,
				     or "<stdin>" for "-" */
	struct trace_events *events; /* where the events go (trace_event.h), owned by
					the caller, who must keep it until every record
					read has been consumed; trace_open renames it
					after the trace (trace_events_set_source).
					NULL: the reader makes its own, which
					trace_close frees. */
};

struct trace_reader;

/* Open path ("-" is standard input) for reading. Detects gzip/zstd
 * compression by magic number and, with TRACE_AUTO, the format from the
 * first lines. Returns NULL with err set ("FILE: reason") on failure. */
struct trace_reader *trace_open(const char *path, const struct trace_options *opt,
				struct ps_error *err);

/* Decode up to max records into recs. Returns the number decoded (> 0),
 * 0 at the end of the trace, or -1 with err set to "FILE:LINE: reason"
 * (a malformed line, an address beyond va_bits, a truncated compressed
 * stream, a read error; "FILE: record N: reason" in the binary format).
 * After -1 the reader only returns -1. Any max >= 1 works: an M line's
 * second record waits for the next call when it does not fit, and an
 * event is always exactly one record. */
ssize_t trace_read(struct trace_reader *r, struct trace_rec *recs, size_t max,
		   struct ps_error *err);

/* trace_read, and when lines is not NULL, lines[i] = where recs[i] was
 * read: its line (both records of an M line have the same one), or in
 * the binary format its file record number, counted from 1 after the
 * header as its errors count them (an event's is that of its first
 * record). */
ssize_t trace_read_batch(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, size_t max,
			 struct ps_error *err);

/* trace_read_batch, except that when the records it returns were read at
 * consecutive numbers (a binary batch that validation left whole) it may
 * set *line0 to the first and leave lines[] unfilled: then recs[i] was
 * read at *line0 + i. Else *line0 = 0 and lines[] is filled. Saves the
 * per-record line of the common case. */
ssize_t trace_read_lines(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, size_t max,
			 uint64_t *line0, struct ps_error *err);

/* The repeat marks (pageref.h) of the records the last trace_read_batch
 * returned, for pages of 2^*shift bytes (trace_options.page_shift), when
 * trace_options.mark_repeats asked for them and the reader made them at
 * little cost (binary version 3); else NULL. */
const uint8_t *trace_repeats_of(const struct trace_reader *r, unsigned *shift);

/* The table the reader's OP_EVENT records index: trace_options.events, or
 * the reader's own (freed by trace_close). Never NULL; empty for the
 * formats without events. */
const struct trace_events *trace_events_of(const struct trace_reader *r);

/* May the trace hold events? True for native traces, and for binary ones
 * whose header says so (TRACE_BINARY_FLAG_EVENTS, which `pagesim convert`
 * sets for native input); false for the others, which never do. */
bool trace_may_have_events(const struct trace_reader *r);

/* The format in use (never TRACE_AUTO after a successful open). */
enum trace_format trace_format_of(const struct trace_reader *r);

/* Number of malformed lines (binary: records) skipped (only with skip_bad),
 * and the message of the first one ("" when none). */
uint64_t trace_skipped(const struct trace_reader *r);
const char *trace_first_skip(const struct trace_reader *r);

/* Close the reader and free everything it owns. NULL is ignored. */
void trace_close(struct trace_reader *r);

/* "lackey", "addr-rw", "pages", "native", "binary" ("auto" for TRACE_AUTO). */
const char *trace_format_name(enum trace_format f);

/* Parse a format name as accepted by --format; returns false if unknown. */
bool trace_format_parse(const char *name, enum trace_format *out);

#endif
