/* trace_helpers.c - the fixtures of trace_helpers.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <zlib.h>
#include <zstd.h>

#include "check_suites.h"
#include "util/outfile.h"
#include "trace/trace.h"
#include "trace/pageref.h"
#include "trace/trace_binary.h"
#include "trace/trace_event.h"
#include "trace/trace_source.h"
#include "trace_helpers.h"

/* The directory for temporary files: $TESTTMP if set (created if need be),
 * else /tmp. */
const char *tmp_base(void)
{
	const char *d = getenv("TESTTMP");

	if (d == NULL || *d == '\0')
		return "/tmp";
	if (mkdir(d, 0777) < 0 && errno != EEXIST)
		return "/tmp";
	return d;
}

/* Write len bytes to a new temporary file; return its malloc'd path. */
char *write_tmp(const void *data, size_t len)
{
	char *path = malloc(4096);
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(path);
	snprintf(path, 4096, "%s/check_trace-XXXXXX", tmp_base());
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

void text_add(struct text *t, const void *p, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
	t->s[t->len] = '\0';
}

void __attribute__((format(printf, 2, 3))) text_addf(struct text *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof line);
	text_add(t, line, (size_t)n);
}

struct trace_options opts(enum trace_format f)
{
	struct trace_options o = {.format = f, .page_shift = 12, .va_bits = 48, .mark_repeats = true};

	return o;
}

/* The reader's repeat marks of the batch recs[0..n) it just returned, if
 * it made any, must be those pageref_mark_repeats makes. */
static void expect_repeat_marks(const struct trace_reader *r, const struct trace_rec *recs, size_t n)
{
	unsigned shift;
	const uint8_t *got = trace_repeats_of(r, &shift);
	uint8_t *want;

	if (got == NULL)
		return;
	want = malloc(n + 1);
	ck_assert_ptr_nonnull(want);
	pageref_mark_repeats(recs, n, shift, want);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "record %zu of a batch of %zu: repeat mark %u, not %u", i, n, got[i],
			      want[i]);
	free(want);
}

/* Read everything from r in batches of sizes drawn from batch[] in turn
 * (0-terminated; NULL means 4096), into res. */
void read_all(struct trace_reader *r, const size_t *batch, struct result *res)
{
	struct ps_error err;
	size_t bi = 0;

	for (;;) {
		size_t want = batch == NULL ? 4096 : batch[bi];
		ssize_t got;

		if (batch != NULL && batch[++bi] == 0)
			bi = 0;
		if (res->n + want > res->cap) {
			res->cap = (res->n + want) * 2;
			res->recs = realloc(res->recs, res->cap * sizeof *res->recs);
			ck_assert_ptr_nonnull(res->recs);
		}
		got = trace_read(r, res->recs + res->n, want, &err);
		if (got < 0) {
			struct ps_error again;

			res->failed = true;
			snprintf(res->msg, sizeof res->msg, "%s", err.msg);
			/* The error sticks. */
			ck_assert_int_eq(trace_read(r, res->recs + res->n, want, &again), -1);
			ck_assert_str_eq(again.msg, err.msg);
			break;
		}
		ck_assert_uint_le((size_t)got, want);
		expect_repeat_marks(r, res->recs + res->n, (size_t)got);
		if (got == 0) {
			ck_assert_int_eq(trace_read(r, res->recs + res->n, want, &err), 0);
			break;
		}
		res->n += (size_t)got;
	}
	res->format = trace_format_of(r);
	res->skipped = trace_skipped(r);
	snprintf(res->first_skip, sizeof res->first_skip, "%s", trace_first_skip(r));
}

/* Open the file at path with o and read it all in batches (see read_all). */
void run_path(const char *path, const struct trace_options *o, const size_t *batch, struct result *res)
{
	struct ps_error err;
	struct trace_reader *r;

	memset(res, 0, sizeof *res);
	snprintf(res->path, sizeof res->path, "%s", path);
	r = trace_open(path, o, &err);
	if (r == NULL) {
		res->failed = true;
		snprintf(res->msg, sizeof res->msg, "%s", err.msg);
		return;
	}
	res->opened = true;
	read_all(r, batch, res);
	trace_close(r);
}

/* Write data to a fixture, open it with o and read it all. */
void run_data(const void *data, size_t len, const struct trace_options *o, const size_t *batch,
		     struct result *res)
{
	char *path = write_tmp(data, len);

	run_path(path, o, batch, res);
	unlink(path);
	free(path);
}

void run_text(const char *s, enum trace_format f, struct result *res)
{
	struct trace_options o = opts(f);

	run_data(s, strlen(s), &o, NULL, res);
}

void result_free(struct result *res)
{
	free(res->recs);
	res->recs = NULL;
}

/* Check that res ended with exactly "PATH<suffix>". */
void expect_error(const struct result *res, const char *suffix)
{
	char want[PS_ERROR_MAX + 4096];

	ck_assert_msg(res->failed, "expected error '%s', got none", suffix);
	snprintf(want, sizeof want, "%s%s", res->path, suffix);
	ck_assert_str_eq(res->msg, want);
}

void expect_rec(const struct result *res, size_t i, uint64_t addr, unsigned size, enum access_op op,
		       uint32_t pid)
{
	ck_assert_msg(i < res->n, "record %zu missing (have %zu)", i, res->n);
	ck_assert_msg(res->recs[i].addr == addr, "record %zu: addr 0x%llx, want 0x%llx", i,
		      (unsigned long long)res->recs[i].addr, (unsigned long long)addr);
	ck_assert_uint_eq(res->recs[i].size, size);
	ck_assert_uint_eq(res->recs[i].op, op);
	ck_assert_uint_eq(res->recs[i].pid, pid);
	ck_assert_uint_eq(res->recs[i].flags, 0);
}

void expect_text_recs(const char *text, enum trace_format f, const struct want_rec *want, size_t n)
{
	struct result res;

	for (int detect = 0; detect < 2; detect++) {
		run_text(text, detect ? TRACE_AUTO : f, &res);
		ck_assert_msg(!res.failed, "%s%s: %s", trace_format_name(f), detect ? " (detected)" : "", res.msg);
		ck_assert_int_eq(res.format, f);
		ck_assert_uint_eq(res.n, n);
		for (size_t i = 0; i < n; i++)
			expect_rec(&res, i, want[i].addr, want[i].size, want[i].op, want[i].pid);
		result_free(&res);
	}
}

/* gzip-compress data as one member. */
unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap = compressBound(len) + 64;
	unsigned char *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* zstd-compress data as one frame. */
unsigned char *zstd_bytes(const void *data, size_t len, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	unsigned char *out = malloc(cap);
	size_t n;

	ck_assert_ptr_nonnull(out);
	n = ZSTD_compress(out, cap, data, len, 3);
	ck_assert(!ZSTD_isError(n));
	*out_len = n;
	return out;
}

/* Compress data in `parts` pieces (members or frames) one after another. */
unsigned char *compress_parts(compress_fn *fn, const char *data, size_t len, unsigned parts,
				     size_t *out_len)
{
	struct text t = {0};
	size_t done = 0;

	for (unsigned i = 0; i < parts; i++) {
		size_t piece = i + 1 == parts ? len - done : len / parts;
		size_t clen;
		unsigned char *c = fn(data + done, piece, &clen);

		text_add(&t, c, clen);
		free(c);
		done += piece;
	}
	*out_len = t.len;
	return (unsigned char *)t.s;
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}


const char lackey_sample[] =
    "==12345== Lackey, an example Valgrind tool\n"
    "==12345== Copyright (C) 2002-2017, and GNU GPL'd, by Nicholas Nethercote.\n"
    "\n"
    "I  04016a0,3\n"
    " L 04222cd0,8\n"
    " S 7FF000398,8\n"
    " M 0421fd8,4\n"
    "I  0401000,16\n"
    "==12345== \n";

void check_lackey_sample(const struct result *res)
{
	ck_assert_msg(!res->failed, "%s", res->msg);
	ck_assert_uint_eq(res->n, 6);
	expect_rec(res, 0, 0x4016a0, 3, OP_FETCH, 1);
	expect_rec(res, 1, 0x4222cd0, 8, OP_READ, 1);
	expect_rec(res, 2, 0x7ff000398, 8, OP_WRITE, 1);
	expect_rec(res, 3, 0x421fd8, 4, OP_READ, 1);
	expect_rec(res, 4, 0x421fd8, 4, OP_WRITE, 1);
	expect_rec(res, 5, 0x401000, 16, OP_FETCH, 1);
}

void check_bad_lines(enum trace_format f, const char *header, const char *good,
			    const struct bad_line *bad, unsigned va_bits)
{
	for (; bad->line != NULL; bad++) {
		struct trace_options o = opts(f);
		struct text t = {0};
		struct result res;
		char why[600];
		unsigned lineno = 2;
		bool fatal = strstr(bad->why, "native trace version") != NULL;

		o.va_bits = va_bits;
		if (header != NULL) {
			text_addf(&t, "%s\n", header);
			lineno++;
		}
		text_addf(&t, "%s\n%s\n%s\n", good, bad->line, good);
		run_data(t.s, t.len, &o, NULL, &res);
		ck_assert_msg(res.opened, "open failed: %s", res.msg);
		ck_assert_msg(res.n >= 1, "line '%s': the good line before it was lost", bad->line);
		snprintf(why, sizeof why, ":%u: %s", lineno, bad->why);
		ck_assert_msg(res.failed, "line '%s' accepted", bad->line);
		expect_error(&res, why);
		result_free(&res);

		/* With skip_bad, it is skipped and counted, except fatal ones. */
		o.skip_bad = true;
		run_data(t.s, t.len, &o, NULL, &res);
		ck_assert_msg(res.failed == fatal, "line '%s': skip_bad %s it", bad->line,
			      fatal ? "skipped" : "did not skip");
		if (fatal) {
			expect_error(&res, why);
		} else {
			ck_assert_uint_eq(res.n, 2); /* both good lines */
			ck_assert_uint_eq(res.skipped, 1);
			ck_assert_msg(strstr(res.first_skip, why) != NULL, "first_skip '%s'", res.first_skip);
		}
		result_free(&res);
		free(t.s);
	}
}

/* Open "-" with data as standard input and read it all. */
void run_stdin(const void *data, size_t len, enum trace_format f, struct result *res)
{
	struct trace_options o = opts(f);
	struct trace_reader *r;
	struct ps_error err;
	char *path = write_tmp(data, len);
	FILE *in = fopen(path, "rb");
	int saved = dup(STDIN_FILENO);

	ck_assert_ptr_nonnull(in);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(in), STDIN_FILENO), 0);
	fclose(in);
	unlink(path);
	free(path);
	memset(res, 0, sizeof *res);
	snprintf(res->path, sizeof res->path, "<stdin>");
	r = trace_open("-", &o, &err);
	if (r == NULL) {
		res->failed = true;
		snprintf(res->msg, sizeof res->msg, "%s", err.msg);
	} else {
		res->opened = true;
		read_all(r, NULL, res);
		trace_close(r);
	}
	/* Standard input stays open after trace_close. */
	ck_assert_int_ge(fcntl(STDIN_FILENO, F_GETFD), 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

/* A fresh path under the temporary directory, ending in suffix (no file
 * is left there); malloc'd. */
char *tmp_name(const char *suffix)
{
	char *stem = write_tmp("", 0), *path = malloc(4096);

	ck_assert_ptr_nonnull(path);
	snprintf(path, 4096, "%s%s", stem, suffix);
	unlink(stem);
	free(stem);
	return path;
}

/* The bytes of a binary trace: a header (with version, header size,
 * record size and flags as given, padded to header_size when that is
 * sane) and then recs[0..n) encoded. */
struct text bin_bytes(uint32_t version, uint32_t header_size, uint32_t record_size, uint32_t flags,
			     const struct trace_rec *recs, size_t n)
{
	unsigned char h[TRACE_BINARY_HEADER_SIZE];
	unsigned char *body = malloc(n * TRACE_BINARY_RECORD_SIZE + 1);
	struct text t = {0};

	ck_assert_ptr_nonnull(body);
	trace_binary_header(h, 2, 0);
	for (int i = 0; i < 4; i++) {
		h[8 + i] = (unsigned char)(version >> (8 * i));
		h[12 + i] = (unsigned char)(header_size >> (8 * i));
		h[16 + i] = (unsigned char)(record_size >> (8 * i));
		h[20 + i] = (unsigned char)(flags >> (8 * i));
	}
	text_add(&t, h, sizeof h);
	for (uint32_t i = sizeof h; i < header_size && header_size <= TRACE_BINARY_HEADER_MAX; i++)
		text_add(&t, "\xee", 1); /* header bytes this version does not know */
	trace_binary_encode(recs, n, body);
	text_add(&t, body, n * TRACE_BINARY_RECORD_SIZE);
	free(body);
	return t;
}

/* Random lackey line of kind (I, L, S, M) for r; its records go to recs[*n..]. */
static void rt_lackey(struct text *t, const char *nl, unsigned kind, struct trace_rec r,
		      struct trace_rec *recs, size_t *n)
{
	static const char *ops[] = {"I ", " L", " S", " M"};
	static const uint8_t opv[] = {OP_FETCH, OP_READ, OP_WRITE, OP_READ};
	size_t start = t->len;

	text_addf(t, "%s %0*" PRIx64 ",%u%s", ops[kind], (int)rnd_below(12), r.addr, (unsigned)r.size, nl);
	if (rnd_below(2))
		for (char *p = t->s + start; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
	r.op = opv[kind];
	recs[(*n)++] = r;
	if (kind == 3) {
		r.op = OP_WRITE;
		recs[(*n)++] = r;
	}
}

/* Random addr-rw line of kind (R, W, r, w) for r's address. */
static void rt_addr_rw(struct text *t, const char *nl, unsigned kind, struct trace_rec r,
		       struct trace_rec *recs, size_t *n)
{
	static const char *ops[] = {"R", "W", "r", "w"};

	text_addf(t, "%s%s%" PRIx64 "%s%s%s", rnd_below(3) ? "" : " ", rnd_below(2) ? "0x" : "", r.addr,
		  rnd_below(2) ? " " : " \t ", ops[kind], nl);
	r.size = 1;
	r.op = kind % 2 ? OP_WRITE : OP_READ;
	recs[(*n)++] = r;
}

/* Random pages line: one or more page numbers, varied separators. */
static void rt_pages(struct text *t, const char *nl, struct trace_rec *recs, size_t *n)
{
	unsigned count = 1 + (unsigned)rnd_below(rnd_below(4) ? 1 : 10);

	for (unsigned k = 0; k < count; k++) {
		uint64_t page = rnd_below(4) ? rnd_below(100) : rnd() >> 28;
		static const char *seps[] = {" ", ",", ", ", " , ", "\t"};

		text_addf(t, "%s%" PRIu64, k ? seps[rnd_below(5)] : "", page);
		recs[*n].addr = page << 12;
		recs[*n].pid = 1;
		recs[*n].size = 1;
		recs[*n].op = OP_READ;
		recs[(*n)++].flags = 0;
	}
	text_addf(t, "%s%s", rnd_below(10) ? "" : ",", nl);
}

/* Random native line of kind (X, R, W, M) for r, now and then after a
 * "process" line that changes *pid or with a pid= of its own. */
static void rt_native(struct text *t, const char *nl, unsigned kind, struct trace_rec r, uint32_t *pid,
		      struct trace_rec *recs, size_t *n)
{
	static const char *ops[] = {"X", "R", "W", "M"};
	static const uint8_t opv[] = {OP_FETCH, OP_READ, OP_WRITE, OP_READ};
	char sizebuf[32] = "", pidbuf[32] = "";
	unsigned size = r.size;

	if (rnd_below(20) == 0) {
		*pid = 1 + (uint32_t)rnd_below(UINT32_MAX);
		text_addf(t, "process %u%s", *pid, nl);
	}
	r.pid = *pid;
	if (size != 1 || rnd_below(2))
		snprintf(sizebuf, sizeof sizebuf, rnd_below(2) ? " %u" : " 0x%x", size);
	if (rnd_below(10) == 0) {
		r.pid = 1 + (uint32_t)rnd_below(1000);
		snprintf(pidbuf, sizeof pidbuf, " pid=%u", r.pid);
	}
	if (rnd_below(2))
		text_addf(t, "%s 0x%" PRIx64 "%s%s%s%s", ops[kind], r.addr, sizebuf, pidbuf,
			  rnd_below(5) ? "" : " # c", nl);
	else
		text_addf(t, "%s %" PRIu64 "%s%s%s", ops[kind], r.addr, sizebuf, pidbuf, nl);
	r.op = opv[kind];
	recs[(*n)++] = r;
	if (kind == 3) {
		r.op = OP_WRITE;
		recs[(*n)++] = r;
	}
}

char *random_trace(enum trace_format f, size_t lines, bool crlf, struct trace_rec **recs_out,
		   size_t *n_out)
{
	struct text t = {0};
	struct trace_rec *recs = malloc((lines * 10 + 1) * sizeof *recs);
	const char *nl = crlf ? "\r\n" : "\n";
	uint32_t pid = 1;
	size_t n = 0;

	ck_assert_ptr_nonnull(recs);
	if (f == TRACE_NATIVE)
		text_addf(&t, "pagesim-trace 1%s", nl);
	for (size_t i = 0; i < lines; i++) {
		uint64_t addr = rnd() & ((UINT64_C(1) << 47) - 1);
		unsigned size =
		    rnd_below(8) == 0 ? 1 + (unsigned)rnd_below(65535) : 1 + (unsigned)rnd_below(16);
		unsigned kind = (unsigned)rnd_below(4);
		struct trace_rec r = {.addr = addr, .pid = 1, .size = (uint16_t)size};

		if (rnd_below(50) == 0) {
			static const char *fillers[] = {"", "   ", "# note", "\t# note"};
			const char *fill = fillers[rnd_below(4)];

			if (f == TRACE_LACKEY && rnd_below(2))
				fill = "==4242== some valgrind chatter";
			text_addf(&t, "%s%s", fill, nl);
			continue;
		}
		if (f == TRACE_LACKEY)
			rt_lackey(&t, nl, kind, r, recs, &n);
		else if (f == TRACE_ADDR_RW)
			rt_addr_rw(&t, nl, kind, r, recs, &n);
		else if (f == TRACE_PAGES)
			rt_pages(&t, nl, recs, &n);
		else if (f == TRACE_NATIVE)
			rt_native(&t, nl, kind, r, &pid, recs, &n);
	}
	*recs_out = recs;
	*n_out = n;
	return t.s;
}
