/*
 * fuzz_common.c - the helpers of the libFuzzer harnesses (fuzz_common.h).
 * The record and event checks are those of tests/fuzz_trace.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "fuzz_common.h"
#include "trace/pageref.h"

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

const char *fuzz_store(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	size_t done = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0) {
		perror("ftruncate");
		abort();
	}
	while (done < size) {
		ssize_t k = pwrite(fd, data + done, size - done, (off_t)done);

		if (k <= 0) {
			perror("pwrite");
			abort();
		}
		done += (size_t)k;
	}
	return path;
}

/* Bytes the gzip members in data inflate to, stopping past limit. */
static size_t gunzip_size(const uint8_t *data, size_t size, size_t limit)
{
	static unsigned char out[64 * 1024];
	z_stream z;
	size_t total = 0;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return 0;
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	while (total <= limit) {
		int ret;

		z.next_out = out;
		z.avail_out = sizeof out;
		ret = inflate(&z, Z_NO_FLUSH);
		total += sizeof out - z.avail_out;
		if (ret == Z_STREAM_END) {
			if (z.avail_in == 0 || inflateReset(&z) != Z_OK)
				break;
		} else if (ret != Z_OK || (z.avail_out != 0 && z.avail_in == 0)) {
			break;
		}
	}
	inflateEnd(&z);
	return total;
}

/* Bytes the zstd frames in data decompress to, stopping past limit. */
static size_t unzstd_size(const uint8_t *data, size_t size, size_t limit)
{
	static unsigned char out[64 * 1024];
	static ZSTD_DStream *zd;
	ZSTD_inBuffer in = {data, size, 0};
	size_t total = 0;

	/* The readers' window limit in fuzz builds (trace_source.c). */
	if (zd == NULL && ((zd = ZSTD_createDStream()) == NULL ||
			   ZSTD_isError(ZSTD_DCtx_setParameter(zd, ZSTD_d_windowLogMax, 20))))
		abort();
	ZSTD_DCtx_reset(zd, ZSTD_reset_session_only);
	while (total <= limit) {
		ZSTD_outBuffer o = {out, sizeof out, 0};
		size_t ret = ZSTD_decompressStream(zd, &o, &in);

		total += o.pos;
		if (ZSTD_isError(ret) || (o.pos < o.size && in.pos == in.size))
			break;
	}
	return total;
}

static bool is_gzip(const uint8_t *data, size_t size)
{
	return size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static bool is_zstd(const uint8_t *data, size_t size)
{
	return size >= 4 && (memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0 ||
			     ((data[0] & 0xf0) == 0x50 && data[1] == 0x2a && data[2] == 0x4d && data[3] == 0x18));
}

bool fuzz_is_compressed(const uint8_t *data, size_t size)
{
	return is_gzip(data, size) || is_zstd(data, size);
}

bool fuzz_too_big(const uint8_t *data, size_t size, size_t limit)
{
	if (is_gzip(data, size))
		return gunzip_size(data, size, limit) > limit;
	if (is_zstd(data, size))
		return unzstd_size(data, size, limit) > limit;
	return false;
}

/* ---- one checked decoding ---- */

void fuzz_check_event(const struct trace_rec *r, const struct trace_events *t, uint64_t line, enum trace_format f,
		      unsigned va_bits, unsigned page_shift, uint64_t index)
{
	const struct trace_event *ev;
	char why[256];

	if (f != TRACE_NATIVE && f != TRACE_BINARY)
		fuzz_fail("%s record %" PRIu64 ": an event in a format without events", trace_format_name(f), index);
	if (r->size != 0 || r->flags < EV_SEGMENT || r->flags > EV_LAST || r->pid == 0 || t == NULL ||
	    r->addr >= trace_events_count(t))
		fuzz_fail("%s record %" PRIu64 ": bad placeholder addr=%" PRIu64 " size=%u kind=%u pid=%" PRIu32
			  " (%" PRIu64 " events)",
			  trace_format_name(f), index, r->addr, r->size, r->flags, r->pid,
			  t != NULL ? trace_events_count(t) : 0);
	ev = trace_events_get(t, r->addr);
	if (ev->kind != r->flags || ev->pid != r->pid || ev->line != line)
		fuzz_fail("%s record %" PRIu64 ": placeholder (kind %u, pid %" PRIu32 ", line %" PRIu64
			  ") and event (kind %u, pid %" PRIu32 ", line %" PRIu64 ") differ",
			  trace_format_name(f), index, r->flags, r->pid, line, ev->kind, ev->pid, ev->line);
	if (!trace_event_check(ev, va_bits, page_shift, why, sizeof why))
		fuzz_fail("%s record %" PRIu64 ": the reader let through an event that breaks the rules: %s",
			  trace_format_name(f), index, why);
}

void fuzz_check_rec(const struct trace_rec *r, enum trace_format f, unsigned va_bits, unsigned page_shift,
		    uint64_t index)
{
	uint64_t addr_max = va_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << va_bits) - 1;

	if (r->op > OP_FETCH || r->size == 0 || r->flags != 0 || r->pid == 0)
		fuzz_fail("%s record %" PRIu64 ": bad fields op=%u size=%u flags=%u pid=%" PRIu32,
			  trace_format_name(f), index, r->op, r->size, r->flags, r->pid);
	if (r->addr > addr_max || r->size - 1u > addr_max - r->addr)
		fuzz_fail("%s record %" PRIu64 ": access of %u bytes at 0x%" PRIx64 " is not below 2^%u",
			  trace_format_name(f), index, r->size, r->addr, va_bits);
	switch (f) {
	case TRACE_PAGES:
		/* A read, or a write when the number is marked "w". */
		if (r->size != 1 || r->op == OP_FETCH || r->pid != 1 ||
		    (r->addr & ((UINT64_C(1) << page_shift) - 1)) != 0)
			fuzz_fail("pages record %" PRIu64 ": not a 1-byte read or write of a page start"
				  " (addr 0x%" PRIx64 " size %u op %u pid %" PRIu32 ")",
				  index, r->addr, r->size, r->op, r->pid);
		break;
	case TRACE_ADDR_RW:
		if (r->size != 1 || r->pid != 1 || r->op == OP_FETCH)
			fuzz_fail("addr-rw record %" PRIu64 ": size %u op %u pid %" PRIu32, index, r->size, r->op,
				  r->pid);
		break;
	case TRACE_LACKEY:
		if (r->pid != 1)
			fuzz_fail("lackey record %" PRIu64 ": pid %" PRIu32, index, r->pid);
		break;
	default:
		break;
	}
}

/* The reader's repeat marks of the batch recs[0..n) it just returned, if
 * it made any, must be pageref_mark_repeats's. */
static void fuzz_check_repeats(const struct trace_reader *r, const struct trace_rec *recs, size_t n)
{
	static uint8_t want[4096];
	unsigned shift;
	const uint8_t *got = trace_repeats_of(r, &shift);

	if (got == NULL)
		return;
	pageref_mark_repeats(recs, n, shift, want);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fuzz_fail("record %zu of a batch of %zu: repeat mark %u, not %u", i, n, got[i], want[i]);
}

void fuzz_decode(const char *path, const struct trace_options *opt, unsigned batch_pattern, uint64_t max_records,
		 fuzz_batch_fn *fn, void *ctx, struct fuzz_decoded *out)
{
	static const size_t sizes[] = {1, 2, 3, 4096};
	static struct trace_rec recs[4096];
	static uint64_t lines[4096];
	struct ps_error err = {{0}};
	struct trace_reader *r;
	uint64_t last_line = 0;

	memset(out, 0, sizeof *out);
	r = trace_open(path, opt, &err);
	if (r == NULL) {
		if (err.msg[0] == '\0')
			fuzz_fail("trace_open failed without a message");
		return;
	}
	out->opened = true;
	out->format = trace_format_of(r);
	if (out->format == TRACE_AUTO || (opt->format != TRACE_AUTO && out->format != opt->format))
		fuzz_fail("trace_format_of is %s after opening as %s", trace_format_name(out->format),
			  trace_format_name(opt->format));
	if (trace_events_of(r) == NULL)
		fuzz_fail("trace_events_of is NULL");
	if (trace_may_have_events(r) && out->format != TRACE_NATIVE && out->format != TRACE_BINARY)
		fuzz_fail("a %s trace may have events", trace_format_name(out->format));
	for (unsigned call = 0; max_records == 0 || out->records < max_records; call++) {
		size_t max = sizes[(batch_pattern >> (2 * (call % 4))) & 3];
		uint64_t line0 = 0;
		/* Every other call lets the reader number a whole batch by
		 * its first record; the checks below see the lines either way. */
		ssize_t n = call % 2 ? trace_read_lines(r, recs, lines, max, &line0, &err)
				     : trace_read_batch(r, recs, lines, max, &err);
		struct trace_batch b;

		for (ssize_t i = 0; line0 != 0 && i < n; i++)
			lines[i] = line0 + (uint64_t)i;

		if (n < 0) {
			struct ps_error again = {{0}};

			if (err.msg[0] == '\0')
				fuzz_fail("trace_read failed without a message");
			if (trace_read_batch(r, recs, lines, max, &again) != -1 || strcmp(again.msg, err.msg) != 0)
				fuzz_fail("trace_read did not fail again after \"%s\"", err.msg);
			out->failed = true;
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n > max)
			fuzz_fail("trace_read returned %zd records, %zu asked", n, max);
		for (ssize_t i = 0; i < n; i++) {
			if (lines[i] == 0 || lines[i] < last_line ||
			    (out->format == TRACE_BINARY && lines[i] == last_line))
				fuzz_fail("%s record %" PRIu64 ": line %" PRIu64 " after line %" PRIu64,
					  trace_format_name(out->format), out->records, lines[i], last_line);
			last_line = lines[i];
			if (recs[i].op == OP_EVENT) {
				fuzz_check_event(&recs[i], trace_events_of(r), lines[i], out->format, opt->va_bits,
					    opt->page_shift, out->records);
				out->events++;
			} else {
				fuzz_check_rec(&recs[i], out->format, opt->va_bits, opt->page_shift, out->records);
			}
			out->records++;
		}
		fuzz_check_repeats(r, recs, (size_t)n);
		b = (struct trace_batch){.recs = recs, .lines = lines, .events = trace_events_of(r), .n = (size_t)n};
		if (fn != NULL)
			fn(ctx, &b);
	}
	out->skipped = trace_skipped(r);
	if ((out->skipped == 0) != (trace_first_skip(r)[0] == '\0'))
		fuzz_fail("%" PRIu64 " lines skipped, first skip \"%s\"", out->skipped, trace_first_skip(r));
	if (!opt->skip_bad && out->skipped != 0)
		fuzz_fail("%" PRIu64 " lines skipped without skip_bad", out->skipped);
	trace_close(r);
}
