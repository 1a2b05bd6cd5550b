/*
 * trace_binary_writer.h - writing a binary trace (traces/FORMAT.md,
 * "binary") of version 2 (16-byte records) or 3 (coded records,
 * trace_binary3.h): the header, accesses and events, buffered, to an
 * outfile. convert.c is its user.
 */
#ifndef PAGESIM_TRACE_BINARY_WRITER_H
#define PAGESIM_TRACE_BINARY_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/outfile.h"
#include "trace/trace.h"
#include "trace/trace_binary3.h"
#include "trace/trace_event.h"

#define TRACE_BINARY_WRITER_BUF (64u << 10)

/* A file being written. Fill it with trace_binary_writer_start. */
struct trace_binary_writer {
	struct outfile *out;
	unsigned version; /* 2 or 3 */
	struct trace_binary3_state st;
	size_t used; /* bytes waiting in buf */
	unsigned char buf[TRACE_BINARY_WRITER_BUF];
};

/* Start a file of version `version` (2 or 3; TRACE_BINARY_VERSION_MIN
 * and below are not written) with header flags flags on out: write its
 * header. Returns 0 or -1 with err set. */
int trace_binary_writer_start(struct trace_binary_writer *w, struct outfile *out, unsigned version, uint32_t flags,
			      struct ps_error *err);

/* Append the n access records recs. Returns 0 or -1 with err set. */
int trace_binary_writer_put(struct trace_binary_writer *w, const struct trace_rec *recs, size_t n,
			    struct ps_error *err);

/* Append the event ev (valid: trace_event_check): its event record and
 * payload. Returns 0 or -1 with err set. */
int trace_binary_writer_event(struct trace_binary_writer *w, const struct trace_event *ev, struct ps_error *err);

/* Write what waits (a pending run, the buffer) to out, which the caller
 * then closes. Returns 0 or -1 with err set. */
int trace_binary_writer_finish(struct trace_binary_writer *w, struct ps_error *err);

#endif
