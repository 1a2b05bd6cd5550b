/*
 * trace.c - the streaming trace reader: buffer, lines, batches.
 *
 * Design. Traces run to hundreds of millions of lines, so decoding is one
 * pointer walk over a large buffer, with nothing allocated and nothing
 * copied per line:
 *
 *   trace_source (plain/gzip/zstd) --read--> buf [pos .. lines_end .. data_end)
 *                                                 |
 *                       trace_parse_batch() <-----+  complete lines only
 *
 *  - buf holds TRACE_BUF_SIZE bytes of decompressed text. [pos, lines_end)
 *    are complete lines not yet decoded; [lines_end, data_end) is the start
 *    of a line whose '\n' has not arrived. When the complete lines run out,
 *    the partial tail is moved to the front (memmove; it is shorter than a
 *    line) and the rest of the buffer is refilled by one source read. A line
 *    that fills the whole buffer without a '\n' is "line too long". At the
 *    end of the input a final line without '\n' gets one appended (buf has
 *    one spare byte for it), so the parsers can rely on every line they
 *    see ending in '\n'.
 *  - One memrchr per refill finds lines_end; the parsers then find each
 *    line's end themselves while scanning its fields.
 *  - The parser decodes straight into the caller's array. A record that
 *    does not fit (the WRITE half of an M when one slot is left) waits in
 *    `pending` for the next call; the rest of a long pages line just stays
 *    in the buffer, and the parser remembers that it stopped mid-line.
 *  - Line numbers are counted by the parser as it consumes lines, so an
 *    error names "FILE:LINE" at no cost on the common path.
 *  - Format detection (TRACE_AUTO) runs at open on the first buffer load,
 *    which is then decoded from its start: nothing is consumed twice or lost,
 *    and standard input needs no seeking.
 *  - Errors: a refused line fails the reader, or with skip_bad is counted
 *    and stepped over; a fatal line (bad native header, no memory for an
 *    event) and any read or decompression error always fail it. Records decoded
 *    before the failure are returned first; the error comes with the next
 *    call, and every call after it.
 *
 * Lines. trace_read_batch can also say where each record was read: the
 * parsers write the line of each record they decode next to it (a
 * pending M half keeps its line with it), and the binary reader the file
 * record number. Nothing is done for them when the caller does not ask.
 *
 * Events. Every reader has an event table: the caller's
 * (trace_options.events) or its own. The native parser adds event lines
 * to it and emits one placeholder record each; the binary reader does the
 * same for event records (below).
 *
 * The binary format (trace_binary.h) skips all of the above. Detection
 * looks for its magic in the first buffer load; the header is checked
 * there, and what follows it in buf is handed out first. After that,
 * binary_read() has the source decompress (or read(2)) straight into the
 * caller's array, whole batches at a time, and only converts (big-endian
 * hosts) and validates the records in place. The few bytes of a record cut
 * by a batch boundary wait at the start of buf for the next call. Errors
 * follow the same rules, naming records instead of lines.
 *
 * An event in a binary trace (version 2) is an event record and its
 * payload records: 1 + k file records that become one placeholder. The
 * validation stops at the event record like at any record that is not an
 * access; binary_event then takes its payload from the records after it
 * in the caller's array, and when the payload runs past the end of the
 * batch, the rest straight from the stream (binary_pull, through buf),
 * decodes and checks it, adds the event to the table and puts the
 * placeholder where the event record was; the accesses after it close up.
 * So a batch of max file records still gives at most max records, and
 * max = 1 works: the payload is always pulled whole. A bad event is
 * skipped whole with skip_bad (its payload says how long it is); a payload
 * cut by the end of the input is an error either way.
 */
#include "config.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"
#include "trace/trace_binary.h"
#include "trace/trace_binary3.h"
#include "trace/trace_event.h"
#include "trace/pageref.h"
#include "trace/trace_parse.h"
#include "trace/trace_source.h"

#ifdef PAGESIM_FUZZ_SMALL_BUFFERS
/* Fuzz harnesses (configure --enable-fuzzing links them with a copy of this
 * file built with this flag): a small buffer, so that opening a reader per
 * input is cheap. It must still hold the largest binary header. */
#define TRACE_BUF_SIZE (8u << 10)
#else
#define TRACE_BUF_SIZE (1u << 20) /* the longest line is one byte shorter */
#endif
#define DETECT_LINES 100
_Static_assert(TRACE_BUF_SIZE > TRACE_BINARY_HEADER_MAX + (1 + TRACE_BINARY_EVENT_MAX_RECORDS) * TRACE_BINARY_RECORD_SIZE,
	       "the buffer holds the largest binary header and an event");

struct trace_reader {
	struct trace_source *src;
	char *name; /* the path as given, or "<stdin>" */
	bool skip_bad;
	struct parse_ctx ctx;
	bool binary;		      /* the binary format: binary_read() decodes */
	uint64_t records_seen;	      /* binary: records consumed, skipped ones included */
	struct trace_binary_info bin; /* binary: what the header says */
	struct trace_binary3_state v3; /* binary version 3: the decoder's state */
	uint8_t *repeats;             /* version 3: the last batch's repeat marks (trace_repeats_of) */
	size_t repeats_cap;
	bool mark_repeats;            /* trace_options.mark_repeats */
	bool repeats_ready;           /* repeats[] holds the last batch's marks */
	struct trace_events *events;  /* where events go: the caller's or own_events */
	bool own_events;

	char *buf;	       /* TRACE_BUF_SIZE + 1 bytes */
	const char *pos;       /* next byte to decode */
	const char *lines_end; /* past the last '\n' in buf */
	char *data_end;	       /* past the last byte read */
	bool eof;	       /* the source is exhausted */
	bool nl_added;	       /* the final '\n' at data_end[-1] was not in the input */

	bool has_pending;
	struct trace_rec pending; /* decoded, not yet handed out */
	uint64_t pending_line;

	bool failed;
	char fail_msg[PS_ERROR_MAX];

	uint64_t skipped;
	char first_skip[PS_ERROR_MAX];
};

/* Move the undecoded bytes to the front of buf and read once from the
 * source into the space after them. Returns 0 (r->eof set at the end of
 * the input) or -1 with err set: a read or decompression error, or a line
 * that fills the whole buffer. */
static int reader_fill(struct trace_reader *r, struct ps_error *err)
{
	size_t room;
	ssize_t got;
	char *nl;

	if (r->pos > r->buf) {
		size_t keep = (size_t)(r->data_end - r->pos);
		size_t shift = (size_t)(r->pos - r->buf);

		memmove(r->buf, r->pos, keep);
		r->lines_end -= shift;
		r->data_end = r->buf + keep;
		r->pos = r->buf;
	}
	room = (size_t)(r->buf + TRACE_BUF_SIZE - r->data_end);
	if (room == 0)
		return ps_error_set(err, "%s:%llu: line too long (the limit is %u bytes)", r->name,
				    (unsigned long long)r->ctx.line + 1, TRACE_BUF_SIZE - 1);
	got = trace_source_read(r->src, r->data_end, room, err);
	if (got < 0)
		return -1;
	if (got == 0) {
		r->eof = true;
		if (r->data_end > r->lines_end) {
			*r->data_end++ = '\n';
			r->lines_end = r->data_end;
			r->nl_added = true;
		}
		return 0;
	}
	nl = memrchr(r->data_end, '\n', (size_t)got);
	r->data_end += got;
	if (nl != NULL)
		r->lines_end = nl + 1;
	return 0;
}

/* Make sure complete lines wait at r->pos. Returns 1 if they do, 0 at the
 * end of the input, -1 with err set on failure. */
static int reader_more(struct trace_reader *r, struct ps_error *err)
{
	while (r->pos == r->lines_end) {
		if (r->eof)
			return 0;
		if (reader_fill(r, err) < 0)
			return -1;
	}
	return 1;
}

/* Put the reader in the failed state with message msg. */
static void reader_fail(struct trace_reader *r, const char *msg)
{
	r->failed = true;
	strcpy(r->fail_msg, msg); /* both PS_ERROR_MAX bytes */
}

/* Handle the line the parser refused: fail, or count and step over it.
 * The message names the file and the line. */
static void reader_refused(struct trace_reader *r)
{
	char msg[PS_ERROR_MAX];

	snprintf(msg, sizeof msg, "%s:%llu: %s", r->name, (unsigned long long)r->ctx.line + 1, r->ctx.why);
	if (r->ctx.status == PARSE_FATAL || !r->skip_bad) {
		reader_fail(r, msg);
		return;
	}
	if (r->skipped++ == 0)
		strcpy(r->first_skip, msg); /* both PS_ERROR_MAX bytes */
	trace_parse_skip_line(&r->ctx, &r->pos, r->lines_end);
}

/* Count a refused binary record or event (with skip_bad), or fail on it.
 * msg names it. Returns true when decoding goes on. */
static bool binary_refused(struct trace_reader *r, const char *msg)
{
	if (!r->skip_bad) {
		reader_fail(r, msg);
		return false;
	}
	if (r->skipped++ == 0)
		strcpy(r->first_skip, msg); /* both PS_ERROR_MAX bytes */
	return true;
}

/* How binary3_fill stopped early. */
enum binary3_end {
	BIN3_END_NONE,	     /* it did not: max records, or no_read and buf is used up */
	BIN3_END_EOF,	     /* the input ended after a whole record */
	BIN3_END_TRUNCATED,  /* the input ended inside a record (fault says so) */
	BIN3_END_CORRUPT,    /* a corrupt record (fault says so) */
	BIN3_END_READ_ERROR, /* the source failed (fault says so) */
};

/* Move the coded bytes not yet decoded to the front of buf and read once
 * from the source after them (r->eof at the end). Returns 0 or -1 with
 * err set. */
static int binary3_refill(struct trace_reader *r, struct ps_error *err)
{
	size_t keep = (size_t)(r->data_end - r->pos);
	ssize_t got;

	memmove(r->buf, r->pos, keep);
	r->pos = r->buf;
	r->data_end = r->buf + keep;
	got = trace_source_read(r->src, r->data_end, TRACE_BUF_SIZE - keep, err);
	if (got < 0)
		return -1;
	if (got == 0)
		r->eof = true;
	r->data_end += got;
	return 0;
}

/* Decode up to max records of a version-3 stream into recs and their
 * repeat marks into repeats (see trace_binary3_check; NULL: none), from
 * buf and then (unless no_read) from the source; recs[0] is record number
 * first.
 * Returns the number decoded; *end says why it stopped short, with fault
 * naming the file and record. What was decoded is added to *chk. */
static size_t binary3_fill(struct trace_reader *r, struct trace_rec *recs, uint8_t *repeats, size_t max,
			   uint64_t first, bool no_read, struct ps_error *fault, enum binary3_end *end,
			   struct trace_binary3_check *chk)
{
	size_t n = 0;

	*end = BIN3_END_NONE;
	while (n < max) {
		enum trace_binary3_stop stop;
		size_t used;
		char why[256];

		n += trace_binary3_decode(&r->v3, (const unsigned char *)r->pos, (size_t)(r->data_end - r->pos),
					  &used, recs + n, repeats != NULL ? repeats + n : NULL, max - n, &stop, why,
					  sizeof why, chk);
		r->pos += used;
		if (stop == BIN3_FULL || (no_read && stop == BIN3_MORE))
			break;
		if (stop == BIN3_CORRUPT || (r->eof && r->pos != r->data_end)) {
			if (stop != BIN3_CORRUPT)
				snprintf(why, sizeof why,
					 "truncated record (the input ends %zu bytes into its coding)",
					 (size_t)(r->data_end - r->pos));
			ps_error_set(fault, "%s: record %llu: %s", r->name, (unsigned long long)(first + n), why);
			*end = stop == BIN3_CORRUPT ? BIN3_END_CORRUPT : BIN3_END_TRUNCATED;
			break;
		}
		if (r->eof) {
			*end = BIN3_END_EOF;
			break;
		}
		if (binary3_refill(r, fault) < 0) {
			*end = BIN3_END_READ_ERROR;
			break;
		}
	}
	return n;
}

/* binary_pull for version 3: decode len / 16 records, first numbered
 * first, as file bytes into dst (NULL: drop them). */
static ssize_t binary3_pull(struct trace_reader *r, unsigned char *dst, size_t len, bool src_broken,
			    uint64_t first, struct ps_error *err)
{
	size_t got = 0;

	while (got < len) {
		struct trace_rec rec;
		enum binary3_end end;
		struct trace_binary3_check chk = {0}; /* unused: payload records are not validated */

		if (binary3_fill(r, &rec, NULL, 1, first + got / TRACE_BINARY_RECORD_SIZE, src_broken, err, &end,
				 &chk) == 0) {
			if (end == BIN3_END_CORRUPT || end == BIN3_END_READ_ERROR)
				return -1;
			break;
		}
		if (dst != NULL)
			trace_binary_put(&rec, dst + got);
		got += TRACE_BINARY_RECORD_SIZE;
	}
	return (ssize_t)got;
}

/* Take the next len bytes (whole records, the first numbered first) of
 * the stream, past the records of the batch being validated, from buf and
 * then from the source, into dst (NULL: drop them). Stops early only at
 * the end of the input, or on a read error when src_broken (a read error
 * already happened in this batch) or now. Returns the bytes taken, or -1
 * with err set (a read error, a corrupt version-3 record). */
static ssize_t binary_pull(struct trace_reader *r, unsigned char *dst, size_t len, bool src_broken,
			   uint64_t first, struct ps_error *err)
{
	size_t got = 0;

	if (r->bin.version >= 3)
		return binary3_pull(r, dst, len, src_broken, first, err);

	while (got < len) {
		size_t have = (size_t)(r->data_end - r->pos);
		ssize_t k;

		if (have > 0) {
			if (have > len - got)
				have = len - got;
			if (dst != NULL)
				memcpy(dst + got, r->pos, have);
			r->pos += have;
			got += have;
			continue;
		}
		if (r->eof || src_broken)
			break;
		r->pos = r->data_end = r->buf;
		k = trace_source_read(r->src, r->buf, TRACE_BUF_SIZE, err);
		if (k < 0)
			return -1;
		if (k == 0)
			r->eof = true;
		r->data_end = r->buf + k;
	}
	return (ssize_t)got;
}

/* The event whose event record is recs[at] of the batch recs[0..whole):
 * take its payload (from the batch, then from the stream), decode and
 * check it, and add it to the table. Sets *placeholder, or *msg (named
 * "FILE: record N: ") when the event is refused. *extra counts the records
 * taken from the stream. Returns the index past the payload's part in the
 * batch, or SIZE_MAX after failing the reader (a payload cut short, a
 * read error, no memory). */
static size_t binary_event(struct trace_reader *r, struct trace_rec *recs, size_t at, size_t whole,
			   const char *broken, uint64_t *extra, struct trace_rec *placeholder, char *msg)
{
	enum { RS = TRACE_BINARY_RECORD_SIZE, MAXP = TRACE_BINARY_EVENT_MAX_RECORDS };
	const uint64_t recno = r->records_seen + at + 1;
	const struct trace_rec head = recs[at];
	const size_t k = head.size, in_batch = k < whole - at - 1 ? k : whole - at - 1;
	const size_t keep = k < MAXP ? k : MAXP;
	unsigned char payload[MAXP * RS];
	char name[TRACE_EVENT_NAME_MAX + 1], file[TRACE_EVENT_FILE_MAX + 1], why[256];
	struct trace_event ev;
	uint64_t index;

	for (size_t j = 0; j < in_batch && j < keep; j++)
		trace_binary_put(&recs[at + 1 + j], payload + j * RS); /* back to file bytes */
	if (in_batch < k) {
		size_t store = keep > in_batch ? (keep - in_batch) * RS : 0, want = (k - in_batch) * RS;
		struct ps_error err;
		ssize_t got = store > 0 ? binary_pull(r, payload + in_batch * RS, store, broken != NULL,
						      recno + 1 + in_batch, &err)
					: 0;
		ssize_t more = 0;

		if (got == (ssize_t)store && want > store)
			more = binary_pull(r, NULL, want - store, broken != NULL, recno + 1 + in_batch + store / RS,
					   &err);
		if (got < 0 || more < 0) {
			reader_fail(r, err.msg);
			return SIZE_MAX;
		}
		if ((size_t)(got + more) < want) {
			char fail[PS_ERROR_MAX];

			if (broken != NULL && !r->eof) {
				reader_fail(r, broken); /* the read error that ended the batch */
				return SIZE_MAX;
			}
			snprintf(fail, sizeof fail,
				 "%s: record %llu: truncated event (the input ends after %zu of its %zu "
				 "payload bytes)",
				 r->name, (unsigned long long)recno, in_batch * RS + (size_t)(got + more),
				 k * RS);
			reader_fail(r, fail);
			return SIZE_MAX;
		}
		*extra += k - in_batch;
	}
	if (!trace_binary_decode_event(&head, payload, k, &ev, name, file, why, sizeof why) ||
	    !trace_event_check(&ev, r->ctx.va_bits, r->ctx.page_shift, why, sizeof why)) {
		snprintf(msg, PS_ERROR_MAX, "%s: record %llu: %s", r->name, (unsigned long long)recno, why);
		return at + 1 + in_batch;
	}
	ev.line = recno;
	index = trace_events_add(r->events, &ev);
	if (index == UINT64_MAX) {
		char fail[PS_ERROR_MAX];

		snprintf(fail, sizeof fail, "%s: record %llu: out of memory for the trace's events", r->name,
			 (unsigned long long)recno);
		reader_fail(r, fail);
		return SIZE_MAX;
	}
	*placeholder =
	    (struct trace_rec){.addr = index, .pid = ev.pid, .size = 0, .op = OP_EVENT, .flags = ev.kind};
	msg[0] = '\0';
	return at + 1 + in_batch;
}

/* binary_refused for rec, the access record numbered `number` in the file
 * that validation refused. The message is formatted only when it is kept
 * (the first skip, or the failure): a damaged region under skip_bad costs
 * a count per record, not a formatted message. */
static bool binary_refused_record(struct trace_reader *r, const struct trace_rec *rec, uint64_t number)
{
	char why[256], msg[PS_ERROR_MAX];

	if (r->skip_bad && r->skipped > 0) {
		r->skipped++;
		return true;
	}
	trace_binary_why(rec, r->ctx.va_bits, r->bin.version, r->bin.flags & TRACE_BINARY_FLAG_EVENTS, why,
			 sizeof why);
	snprintf(msg, sizeof msg, "%s: record %llu: %s", r->name, (unsigned long long)number, why);
	return binary_refused(r, msg);
}

/* Validate the whole records recs[0..n) of a binary trace, just read,
 * turning events into placeholders: with skip_bad, count each refused
 * record or event and close the gap; without, fail at the first. Fills
 * lines[] (if not NULL) with the record numbers, unless line0 is not NULL
 * and every record stays where it is: then *line0 = the first's number.
 * broken: the message of
 * a read error that ended this batch (no more may be read for an event's
 * payload), or NULL. valid: the caller knows that no record is refused
 * (trace_binary3_all_valid), so none is looked at. Returns the number of
 * records now at the front. */
static size_t binary_validate(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, uint64_t *line0,
			      size_t n, const char *broken, bool valid)
{
	const bool events = r->bin.flags & TRACE_BINARY_FLAG_EVENTS;
	size_t kept = 0, i = 0;
	uint64_t extra = 0;

	while (i < n) {
		size_t bad = valid ? n : i + trace_binary_find_bad(recs + i, n - i, r->ctx.addr_max);
		char msg[PS_ERROR_MAX];

		if (kept != i)
			memmove(recs + kept, recs + i, (bad - i) * sizeof *recs);
		if (lines != NULL && line0 != NULL && i == 0 && bad == n)
			*line0 = r->records_seen + 1; /* all kept, in place */
		else if (lines != NULL)
			for (size_t j = i; j < bad; j++)
				lines[kept + j - i] = r->records_seen + j + 1;
		kept += bad - i;
		if (bad == n)
			break;
		if (events && recs[bad].op == OP_EVENT) {
			struct trace_rec placeholder;
			size_t next = binary_event(r, recs, bad, n, broken, &extra, &placeholder, msg);

			if (next == SIZE_MAX)
				break;
			if (msg[0] == '\0') {
				if (lines != NULL)
					lines[kept] = r->records_seen + bad + 1;
				recs[kept++] = placeholder;
			} else if (!binary_refused(r, msg)) {
				break;
			}
			i = next;
			continue;
		}
		if (!binary_refused_record(r, &recs[bad], r->records_seen + bad + 1))
			break;
		i = bad + 1;
	}
	r->records_seen += n + extra;
	return kept;
}

/* One batch of a version-3 file: decode up to max records into recs and
 * validate them (lines, line0: as binary_validate), and mark its repeats
 * (r->repeats, which holds max);
 * fail the reader after them if the decoding failed. Returns the records
 * kept. */
static size_t binary3_batch(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, uint64_t *line0,
			    size_t max)
{
	struct ps_error fault;
	enum binary3_end end;
	struct trace_binary3_check chk = trace_binary3_check_start(r->ctx.page_shift);
	uint8_t *repeats = r->mark_repeats ? r->repeats : NULL;
	size_t whole = binary3_fill(r, recs, repeats, max, r->records_seen + 1, false, &fault, &end, &chk);
	bool failing = end == BIN3_END_TRUNCATED || end == BIN3_END_CORRUPT || end == BIN3_END_READ_ERROR;
	bool valid = trace_binary3_all_valid(&chk, r->ctx.addr_max);
	size_t n = binary_validate(r, recs, lines, line0, whole, end == BIN3_END_READ_ERROR ? fault.msg : NULL,
				   valid);

	/* Records a run, a verbatim record or validation made or moved:
	 * the decoder's marks do not cover them. */
	if (repeats != NULL && !valid)
		pageref_mark_repeats(recs, n, r->ctx.page_shift, repeats);
	r->repeats_ready = repeats != NULL;
	if (failing && !r->failed)
		reader_fail(r, fault.msg);
	return n;
}

/* trace_read_batch for the binary format (line0 not NULL:
 * trace_read_lines): fill recs[0..max) straight from the bytes left in buf
 * and then from the source, and validate. */
static ssize_t binary_read(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, uint64_t *line0,
			   size_t max, struct ps_error *err)
{
	const size_t rec_size = TRACE_BINARY_RECORD_SIZE;
	size_t n = 0;

	assert(max > 0);
	r->repeats_ready = false;
	if (max > SSIZE_MAX / rec_size)
		max = SSIZE_MAX / rec_size;
	if (r->bin.version >= 3 && r->mark_repeats && max > r->repeats_cap) {
		uint8_t *grown = realloc(r->repeats, max);

		if (grown == NULL) {
			ps_error_set(err, "%s: out of memory for a batch of %zu records", r->name, max);
			return -1;
		}
		r->repeats = grown;
		r->repeats_cap = max;
	}
	while (r->bin.version >= 3 && n == 0 && !r->failed &&
	       !(r->eof && r->pos == r->data_end && r->v3.run_left == 0))
		n = binary3_batch(r, recs, lines, line0, max);
	while (r->bin.version < 3 && n == 0 && !r->failed && !(r->eof && r->pos == r->data_end)) {
		char *dst = (char *)recs;
		size_t want = max * rec_size, have = (size_t)(r->data_end - r->pos), whole, part;
		struct ps_error later; /* an error after the records read before it */
		bool failing = false, src_broken = false;

		if (have > want)
			have = want;
		memcpy(dst, r->pos, have);
		r->pos += have;
		while (have < want && !r->eof) {
			ssize_t got = trace_source_read(r->src, dst + have, want - have, &later);

			if (got < 0) {
				failing = src_broken = true;
				break;
			}
			if (got == 0)
				r->eof = true;
			have += (size_t)got;
		}
		whole = have / rec_size;
		part = have % rec_size;
		if (part > 0) { /* buf is empty here: want is a multiple of rec_size */
			memcpy(r->buf, dst + whole * rec_size, part);
			r->pos = r->buf;
			r->data_end = r->buf + part;
			if (r->eof && !failing) {
				ps_error_set(&later,
					     "%s: record %llu: truncated record (the input ends after %zu of "
					     "its %zu bytes)",
					     r->name, (unsigned long long)(r->records_seen + whole + 1), part,
					     rec_size);
				failing = true;
			}
		}
		trace_binary_to_host(recs, whole);
		n = binary_validate(r, recs, lines, line0, whole, src_broken ? later.msg : NULL, false);
		if (failing && !r->failed) {
			/* An event may have taken the partial record as payload and
			 * then failed; otherwise the partial record is the error. */
			reader_fail(r, later.msg);
		}
	}
	if (n == 0 && r->failed) {
		ps_error_set(err, "%s", r->fail_msg);
		return -1;
	}
	return (ssize_t)n;
}

ssize_t trace_read(struct trace_reader *r, struct trace_rec *recs, size_t max, struct ps_error *err)
{
	return trace_read_batch(r, recs, NULL, max, err);
}

ssize_t trace_read_lines(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, size_t max,
			 uint64_t *line0, struct ps_error *err)
{
	*line0 = 0;
	return r->binary ? binary_read(r, recs, lines, line0, max, err) : trace_read_batch(r, recs, lines, max, err);
}

ssize_t trace_read_batch(struct trace_reader *r, struct trace_rec *recs, uint64_t *lines, size_t max,
			 struct ps_error *err)
{
	struct ps_error local;
	size_t n = 0;

	assert(max > 0);
	if (r->binary)
		return binary_read(r, recs, lines, NULL, max, err);
	while (n < max) {
		const char *p;

		if (r->has_pending) {
			if (lines != NULL)
				lines[n] = r->pending_line;
			recs[n++] = r->pending;
			r->has_pending = false;
			continue;
		}
		if (r->failed)
			break;
		if (r->pos == r->lines_end) {
			int k = reader_more(r, &local);

			if (k < 0)
				reader_fail(r, local.msg);
			if (k <= 0)
				break;
		}
		p = r->pos;
		if (max - n >= 2) {
			n += trace_parse_batch(&r->ctx, &p, r->lines_end, recs + n,
					       lines != NULL ? lines + n : NULL, max - n);
		} else {
			struct trace_rec two[2];
			uint64_t two_lines[2];
			size_t got = trace_parse_batch(&r->ctx, &p, r->lines_end, two, two_lines, 2);

			if (got >= 1) {
				if (lines != NULL)
					lines[n] = two_lines[0];
				recs[n++] = two[0];
			}
			if (got == 2) {
				r->pending = two[1];
				r->pending_line = two_lines[1];
				r->has_pending = true;
			}
		}
		r->pos = p;
		if (r->ctx.status != PARSE_OK)
			reader_refused(r);
	}
	if (n == 0 && r->failed) {
		ps_error_set(err, "%s", r->fail_msg);
		return -1;
	}
	return (ssize_t)n;
}

/* Check the options a reader depends on. Returns 0, or -1 with err set. */
static int trace_check_options(const char *name, const struct trace_options *opt, struct ps_error *err)
{
	if (opt->va_bits < 32 || opt->va_bits > 64)
		return ps_error_set(err, "%s: va_bits must be 32..64, not %u", name, opt->va_bits);
	if (opt->page_shift >= opt->va_bits)
		return ps_error_set(err, "%s: page_shift %u is not below va_bits %u", name, opt->page_shift,
				    opt->va_bits);
	if (opt->format > TRACE_BINARY)
		return ps_error_set(err, "%s: unknown trace format %d", name, (int)opt->format);
	return 0;
}

/* Read the start of the input: the whole buffer when the format must be
 * detected, else a few bytes. Drop a UTF-8 byte-order mark. Returns 0 or
 * -1 with err set. */
static int trace_load_start(struct trace_reader *r, bool detecting, struct ps_error *err)
{
	size_t want = detecting ? TRACE_BUF_SIZE : 3;

	while (!r->eof && (size_t)(r->data_end - r->buf) < want)
		if (reader_fill(r, err) < 0)
			return -1;
	if (r->data_end - r->buf >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) {
		r->pos = r->buf + 3;
		if (r->lines_end < r->pos) /* no '\n' yet: no complete line either */
			r->lines_end = r->pos;
	}
	return 0;
}

/* The input starts with the binary magic: check the header, which
 * trace_load_start has read whole if the input holds it, and step over it.
 * Returns 0 or -1 with err set. */
static int trace_start_binary(struct trace_reader *r, const struct trace_options *opt, struct ps_error *err)
{
	char why[256];
	size_t header;

	if (r->nl_added) /* reader_fill ended the input as a line: not here */
		r->data_end--;
	header = trace_binary_check_header(r->pos, (size_t)(r->data_end - r->pos), &r->bin, why, sizeof why);
	if (header == 0)
		return ps_error_set(err, "%s: %s", r->name, why);
	r->pos += header;
	r->binary = true;
	trace_parse_init(&r->ctx, TRACE_BINARY, opt->va_bits, opt->page_shift);
	return 0;
}

/* Give r its event table: the caller's, renamed after the trace, or its
 * own. Returns 0, or -1 with err set. */
static int reader_attach_events(struct trace_reader *r, const struct trace_options *opt, struct ps_error *err)
{
	if (opt->events != NULL) {
		if (trace_events_set_source(opt->events, r->name, r->binary) < 0)
			return ps_error_set(err, "%s: out of memory", r->name);
		r->events = opt->events;
	} else {
		r->events = trace_events_create(r->name, r->binary);
		if (r->events == NULL)
			return ps_error_set(err, "%s: out of memory", r->name);
		r->own_events = true;
	}
	r->ctx.events = r->events;
	return 0;
}

struct trace_reader *trace_open(const char *path, const struct trace_options *opt, struct ps_error *err)
{
	static const struct trace_options defaults = {
	    .format = TRACE_AUTO,
	    .page_shift = 12,
	    .va_bits = 48,
	};
	const char *name = opt && opt->name ? opt->name : strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct trace_reader *r;
	enum trace_format format;

	if (opt == NULL)
		opt = &defaults;
	if (trace_check_options(name, opt, err) < 0)
		return NULL;
	r = calloc(1, sizeof *r);
	if (r == NULL || (r->name = strdup(name)) == NULL || (r->buf = malloc(TRACE_BUF_SIZE + 1)) == NULL) {
		ps_error_set(err, "%s: out of memory", name);
		goto fail;
	}
	r->pos = r->lines_end = r->data_end = r->buf;
	r->skip_bad = opt->skip_bad;
	r->mark_repeats = opt->mark_repeats;
	r->src = trace_source_open(path, r->name, err);
	if (r->src == NULL)
		goto fail;
	format = opt->format;
	if (trace_load_start(r, format == TRACE_AUTO || format == TRACE_BINARY, err) < 0)
		goto fail;
	if (format == TRACE_AUTO || format == TRACE_BINARY) {
		if (trace_binary_sniff(r->pos, (size_t)(r->data_end - r->pos))) {
			if (trace_start_binary(r, opt, err) < 0 || reader_attach_events(r, opt, err) < 0)
				goto fail;
			return r;
		}
		if (format == TRACE_BINARY) {
			ps_error_set(err, "%s: not a binary trace (it does not start with \"%s\")", name,
				     TRACE_BINARY_MAGIC);
			goto fail;
		}
		format = trace_parse_detect(r->pos, r->lines_end, DETECT_LINES);
		if (format == TRACE_AUTO) {
			ps_error_set(err,
				     "%s: cannot tell the trace format"
				     " (use --format lackey|addr-rw|pages|native)",
				     name);
			goto fail;
		}
	}
	trace_parse_init(&r->ctx, format, opt->va_bits, opt->page_shift);
	if (reader_attach_events(r, opt, err) < 0)
		goto fail;
	return r;
fail:
	trace_close(r);
	return NULL;
}

enum trace_format trace_format_of(const struct trace_reader *r)
{
	return r->ctx.format;
}

const uint8_t *trace_repeats_of(const struct trace_reader *r, unsigned *shift)
{
	*shift = r->ctx.page_shift;
	return r->repeats_ready && r->ctx.page_shift >= 1 ? r->repeats : NULL;
}

const struct trace_events *trace_events_of(const struct trace_reader *r)
{
	return r->events;
}

bool trace_may_have_events(const struct trace_reader *r)
{
	if (r->binary)
		return (r->bin.flags & TRACE_BINARY_FLAG_EVENTS) != 0;
	return r->ctx.format == TRACE_NATIVE;
}

uint64_t trace_skipped(const struct trace_reader *r)
{
	return r->skipped;
}

const char *trace_first_skip(const struct trace_reader *r)
{
	return r->first_skip;
}

void trace_close(struct trace_reader *r)
{
	if (r == NULL)
		return;
	trace_source_close(r->src);
	if (r->own_events)
		trace_events_destroy(r->events);
	free(r->buf);
	free(r->repeats);
	free(r->name);
	free(r);
}

static const char *const format_names[] = {
    [TRACE_AUTO] = "auto",   [TRACE_LACKEY] = "lackey", [TRACE_ADDR_RW] = "addr-rw",
    [TRACE_PAGES] = "pages", [TRACE_NATIVE] = "native", [TRACE_BINARY] = "binary",
};

const char *trace_format_name(enum trace_format f)
{
	if ((unsigned)f >= sizeof format_names / sizeof format_names[0])
		return "unknown";
	return format_names[f];
}

bool trace_format_parse(const char *name, enum trace_format *out)
{
	for (unsigned i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum trace_format)i;
			return true;
		}
	return false;
}
