/*
 * trace_binary_writer.c - the binary trace writer: every record goes
 * through one function, as its 16 bytes (version 2) or its coding
 * (version 3, trace_binary3.c), into a buffer written out when full.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "trace/trace_binary.h"
#include "trace/trace_binary_writer.h"

/* Make room for TRACE_BINARY3_MAX_OUT more bytes in w->buf. Returns 0 or
 * -1 with err set. */
static int writer_room(struct trace_binary_writer *w, struct ps_error *err)
{
	if (w->used + TRACE_BINARY3_MAX_OUT <= sizeof w->buf)
		return 0;
	if (outfile_write(w->out, w->buf, w->used, err) < 0)
		return -1;
	w->used = 0;
	return 0;
}

int trace_binary_writer_start(struct trace_binary_writer *w, struct outfile *out, unsigned version, uint32_t flags,
			      struct ps_error *err)
{
	unsigned char h[TRACE_BINARY_HEADER_SIZE];

	memset(&w->st, 0, sizeof w->st);
	w->out = out;
	w->version = version;
	w->used = 0;
	trace_binary_header(h, version, flags);
	return outfile_write(out, h, sizeof h, err);
}

/* Append rec: coded (version 3, an access), or verbatim (an event's
 * records, or any record of version 2). Returns 0 or -1 with err set. */
static int writer_put_one(struct trace_binary_writer *w, const struct trace_rec *rec, bool verbatim,
			  struct ps_error *err)
{
	if (writer_room(w, err) < 0)
		return -1;
	if (w->version >= 3) {
		w->used += verbatim ? trace_binary3_verbatim(&w->st, rec, w->buf + w->used)
				    : trace_binary3_encode(&w->st, rec, w->buf + w->used);
	} else {
		trace_binary_put(rec, w->buf + w->used);
		w->used += TRACE_BINARY_RECORD_SIZE;
	}
	return 0;
}

int trace_binary_writer_put(struct trace_binary_writer *w, const struct trace_rec *recs, size_t n,
			    struct ps_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (writer_put_one(w, &recs[i], false, err) < 0)
			return -1;
	return 0;
}

int trace_binary_writer_event(struct trace_binary_writer *w, const struct trace_event *ev, struct ps_error *err)
{
	unsigned char raw[(1 + TRACE_BINARY_EVENT_MAX_RECORDS) * TRACE_BINARY_RECORD_SIZE];
	size_t n = trace_binary_encode_event(ev, raw) / TRACE_BINARY_RECORD_SIZE;

	for (size_t i = 0; i < n; i++) {
		struct trace_rec rec;

		trace_binary_get(raw + i * TRACE_BINARY_RECORD_SIZE, &rec);
		if (writer_put_one(w, &rec, true, err) < 0)
			return -1;
	}
	return 0;
}

int trace_binary_writer_finish(struct trace_binary_writer *w, struct ps_error *err)
{
	if (writer_room(w, err) < 0)
		return -1;
	w->used += trace_binary3_flush(&w->st, w->buf + w->used);
	if (w->used > 0 && outfile_write(w->out, w->buf, w->used, err) < 0)
		return -1;
	w->used = 0;
	return 0;
}
