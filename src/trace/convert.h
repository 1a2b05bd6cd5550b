/*
 * convert.h - turn a trace of any format into pagesim's binary format
 * (trace_binary.h): the work of `pagesim convert`. It sits above both the
 * readers (trace.h) and the binary codec, so neither calls the other.
 */
#ifndef PAGESIM_CONVERT_H
#define PAGESIM_CONVERT_H

#include <stdint.h>

#include "util/error.h"
#include "trace/trace.h"

/* What trace_convert did. */
struct trace_convert_stats {
	const char *format; /* the input's format name */
	uint64_t records;   /* records read and written (an event counts once) */
	uint64_t events;    /* ... of which events */
	uint64_t skipped;   /* input records or lines skipped (skip_bad) */
	uint64_t bytes;     /* bytes of the output (compressed, if it is) */
	char first_skip[PS_ERROR_MAX];
};

/* Read the trace at in (any format the readers accept, opened with opt)
 * and write it in the binary format of version `version` (2 or 3) to out, an outfile path ("-", or
 * compressed by its .gz or .zst suffix, written whole or not at all),
 * events included; the header declares events when the input may hold
 * them (trace_may_have_events). Fills *st. Returns 0, or -1 with err set
 * (and no out left behind). */
int trace_convert(const char *in, const struct trace_options *opt, unsigned version, const char *out,
		  struct trace_convert_stats *st, struct ps_error *err);

#endif
