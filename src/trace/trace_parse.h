/*
 * trace_parse.h - decoding the lines of the four text formats.
 *
 * The parsers work on complete lines held in memory: every range handed to
 * them ends with '\n', which no field can contain, so a field scan stops at
 * the end of the line without a bounds check. trace.c owns the buffer and
 * the file; this module only turns text into records and says, for a
 * refused line, what was expected (traces/FORMAT.md is the grammar).
 */
#ifndef PAGESIM_TRACE_PARSE_H
#define PAGESIM_TRACE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"
#include "trace/trace_event.h"

/* Why the parser stopped. */
enum parse_status {
	PARSE_OK = 0,
	PARSE_BAD,   /* a malformed line (skippable) */
	PARSE_RANGE, /* an address beyond the virtual address space (skippable) */
	PARSE_FATAL, /* the trace cannot be read on: a bad native header, or
			no memory left for an event */
};

struct parse_ctx {
	enum trace_format format; /* never TRACE_AUTO */
	unsigned va_bits;
	unsigned page_shift;
	uint64_t addr_max;	  /* 2^va_bits - 1 */
	uint64_t page_max;	  /* addr_max >> page_shift */
	uint64_t line;		  /* lines consumed; the cursor is on line + 1 */
	uint32_t pid;		  /* native: the current process */
	struct trace_events *events; /* native: where event lines go (set by the caller) */
	bool header_seen;	  /* native: "pagesim-trace 1" has been read */
	bool in_line;		  /* pages: the cursor is inside a checked line */
	bool general_only;	  /* read every line by its format's general
				     grammar, never by a fast path (lackey's
				     usual lines): the tests' reference */
	enum parse_status status; /* of the last trace_parse_batch */
	char why[256];		  /* what a refused line lacks (no "FILE:LINE: ") */
};

/* Prepare c to decode format f (not TRACE_AUTO) with addresses below
 * 2^va_bits (32..64) and pages of 2^page_shift bytes (page_shift < 64). */
void trace_parse_init(struct parse_ctx *c, enum trace_format f, unsigned va_bits, unsigned page_shift);

/* Decode the lines in [*pp, end), where end[-1] == '\n', into out[0..room),
 * room >= 2, and when lines is not NULL the line of each record into
 * lines[0..room). Stops at end, when the next line might not fit (a lackey
 * or native M needs two slots), or at a refused line: c->status then says
 * why, c->why what was expected, and *pp is the start of that line.
 * Advances *pp and c->line past what was consumed and returns the records
 * written. A native event line is added to c->events and yields one
 * placeholder record (trace_event.h). */
size_t trace_parse_batch(struct parse_ctx *c, const char **pp, const char *end, struct trace_rec *out,
			 uint64_t *lines, size_t room);

/* Step over the refused line at *pp (ending before end) so decoding can
 * go on (skip_bad), and clear c->status. */
void trace_parse_skip_line(struct parse_ctx *c, const char **pp, const char *end);

/* Guess the format from the first max_lines meaningful lines of [p, end)
 * (end[-1] == '\n'; the text is not consumed). Returns TRACE_AUTO when no
 * format fits at least half of them; see FORMAT.md for the rules. */
enum trace_format trace_parse_detect(const char *p, const char *end, unsigned max_lines);

#endif
