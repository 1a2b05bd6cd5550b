/*
 * convert.c - any trace to the binary format (version 3, or 2 on request),
 * in batches: accesses are written as they are read, each event
 * placeholder as its event.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/convert.h"
#include "trace/trace_binary.h"
#include "trace/trace_binary_writer.h"
#include "trace/trace_event.h"
#include "util/files.h"
#include "util/outfile.h"

#define CONVERT_BATCH 16384 /* records per read: 256 KiB */

/* Write recs[0..n) of r's trace to f: runs of accesses as they are, each
 * placeholder as its event. Returns 0 or -1 with err set. */
static int convert_batch(struct trace_binary_writer *w, const struct trace_reader *r, const struct trace_rec *recs,
			 size_t n, struct trace_convert_stats *st, struct ps_error *err)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (recs[i].op != OP_EVENT)
			continue;
		if (trace_binary_writer_put(w, recs + start, i - start, err) < 0 ||
		    trace_binary_writer_event(w, trace_events_get(trace_events_of(r), recs[i].addr), err) < 0)
			return -1;
		st->events++;
		start = i + 1;
	}
	return trace_binary_writer_put(w, recs + start, n - start, err);
}

int trace_convert(const char *in, const struct trace_options *opt, unsigned version, const char *out,
		  struct trace_convert_stats *st, struct ps_error *err)
{
	struct trace_binary_writer *w = NULL;
	struct trace_rec *recs = NULL;
	struct trace_reader *r;
	struct outfile *f = NULL;
	ssize_t n = 0;
	int rc = -1;

	memset(st, 0, sizeof *st);
	if (files_same_file(in, out))
		return ps_error_set(err, "%s: is the input trace; write the converted trace to another file", out);
	r = trace_open(in, opt, err);
	if (r == NULL)
		return -1;
	st->format = trace_format_name(trace_format_of(r));
	recs = malloc(CONVERT_BATCH * sizeof *recs);
	w = malloc(sizeof *w);
	if (recs == NULL || w == NULL) {
		ps_error_set(err, "out of memory");
		goto done;
	}
	f = outfile_open(out, err);
	if (f == NULL)
		goto done;
	rc = trace_binary_writer_start(w, f, version, trace_may_have_events(r) ? TRACE_BINARY_FLAG_EVENTS : 0, err);
	while (rc == 0 && (n = trace_read(r, recs, CONVERT_BATCH, err)) > 0) {
		st->records += (uint64_t)n;
		rc = convert_batch(w, r, recs, (size_t)n, st, err);
	}
	if (n < 0)
		rc = -1;
	if (rc == 0)
		rc = trace_binary_writer_finish(w, err);
	rc = outfile_close(f, rc == 0, &st->bytes, err);
done:
	st->skipped = trace_skipped(r);
	snprintf(st->first_skip, sizeof st->first_skip, "%s", trace_first_skip(r));
	trace_close(r);
	free(recs);
	free(w);
	return rc;
}
