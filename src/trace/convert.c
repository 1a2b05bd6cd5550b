/*
 * convert.c - any trace to the binary format, in batches: accesses are
 * written as they are read, each event placeholder as its event.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/convert.h"
#include "trace/trace_binary.h"
#include "trace/trace_event.h"
#include "util/outfile.h"

#define CONVERT_BATCH 16384 /* records per read and write: 256 KiB */

/* Write recs[0..n) of r's trace to f: runs of accesses as they are, each
 * placeholder as its event. Returns 0 or -1 with err set. */
static int convert_batch(struct outfile *f, const struct trace_reader *r, const struct trace_rec *recs,
			 size_t n, struct trace_convert_stats *st, struct ps_error *err)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (recs[i].op != OP_EVENT)
			continue;
		if (trace_binary_write(f, recs + start, i - start, err) < 0 ||
		    trace_binary_write_event(f, trace_events_get(trace_events_of(r), recs[i].addr), err) < 0)
			return -1;
		st->events++;
		start = i + 1;
	}
	return trace_binary_write(f, recs + start, n - start, err);
}

int trace_convert(const char *in, const struct trace_options *opt, const char *out,
			 struct trace_convert_stats *st, struct ps_error *err)
{
	struct trace_rec *recs = NULL;
	struct trace_reader *r;
	struct outfile *f = NULL;
	ssize_t n = 0;
	int rc = -1;

	memset(st, 0, sizeof *st);
	r = trace_open(in, opt, err);
	if (r == NULL)
		return -1;
	st->format = trace_format_name(trace_format_of(r));
	recs = malloc(CONVERT_BATCH * sizeof *recs);
	if (recs == NULL) {
		ps_error_set(err, "out of memory");
		goto done;
	}
	f = outfile_open(out, err);
	if (f == NULL)
		goto done;
	rc = trace_binary_write_header(f, trace_may_have_events(r) ? TRACE_BINARY_FLAG_EVENTS : 0, err);
	while (rc == 0 && (n = trace_read(r, recs, CONVERT_BATCH, err)) > 0) {
		st->records += (uint64_t)n;
		rc = convert_batch(f, r, recs, (size_t)n, st, err);
	}
	if (n < 0)
		rc = -1;
	rc = outfile_close(f, rc == 0, &st->bytes, err);
done:
	st->skipped = trace_skipped(r);
	snprintf(st->first_skip, sizeof st->first_skip, "%s", trace_first_skip(r));
	trace_close(r);
	free(recs);
	return rc;
}
