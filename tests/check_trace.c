/*
 * check_trace.c - the trace readers: the four formats, detection,
 * compression (made here, with zlib and zstd, including broken streams),
 * standard input, batching, error messages and skip_bad; and the binary
 * format: its layout, round trips through the converter's writer, and
 * every header and record error; and the VM events of the native and
 * binary formats: every event kind, every static error, lines, tables,
 * round trips and corrupt payloads.
 *
 * Fixtures are written with mkstemp under $TESTTMP (or /tmp) and unlinked
 * as soon as they are open.
 */
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
#include "trace/trace_binary.h"
#include "trace/convert.h"
#include "trace/trace_event.h"
#include "trace/trace_source.h"

/* ---- fixtures ---------------------------------------------------------- */

/* The directory for temporary files: $TESTTMP if set (created if need be),
 * else /tmp. */
static const char *tmp_base(void)
{
	const char *d = getenv("TESTTMP");

	if (d == NULL || *d == '\0')
		return "/tmp";
	if (mkdir(d, 0777) < 0 && errno != EEXIST)
		return "/tmp";
	return d;
}

/* Write len bytes to a new temporary file; return its malloc'd path. */
static char *write_tmp(const void *data, size_t len)
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

/* A growing byte string. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const void *p, size_t n)
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

static void __attribute__((format(printf, 2, 3))) text_addf(struct text *t, const char *fmt, ...)
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

static struct trace_options opts(enum trace_format f)
{
	struct trace_options o = {.format = f, .page_shift = 12, .va_bits = 48};

	return o;
}

/* Records read from one trace, or the error that stopped it. */
struct result {
	struct trace_rec *recs;
	size_t n, cap;
	bool opened; /* trace_open succeeded */
	bool failed; /* open or read returned an error */
	char msg[PS_ERROR_MAX];
	enum trace_format format;
	uint64_t skipped;
	char first_skip[PS_ERROR_MAX];
	char path[4096]; /* the fixture's path */
};

/* Read everything from r in batches of sizes drawn from batch[] in turn
 * (0-terminated; NULL means 4096), into res. */
static void read_all(struct trace_reader *r, const size_t *batch, struct result *res)
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

/* Write data to a fixture, open it with o and read it all. */
static void run_data(const void *data, size_t len, const struct trace_options *o, const size_t *batch,
		     struct result *res)
{
	struct ps_error err;
	struct trace_reader *r;
	char *path = write_tmp(data, len);

	memset(res, 0, sizeof *res);
	snprintf(res->path, sizeof res->path, "%s", path);
	r = trace_open(path, o, &err);
	unlink(path);
	free(path);
	if (r == NULL) {
		res->failed = true;
		snprintf(res->msg, sizeof res->msg, "%s", err.msg);
		return;
	}
	res->opened = true;
	read_all(r, batch, res);
	trace_close(r);
}

static void run_text(const char *s, enum trace_format f, struct result *res)
{
	struct trace_options o = opts(f);

	run_data(s, strlen(s), &o, NULL, res);
}

static void result_free(struct result *res)
{
	free(res->recs);
	res->recs = NULL;
}

/* Check that res ended with exactly "PATH<suffix>". */
static void expect_error(const struct result *res, const char *suffix)
{
	char want[PS_ERROR_MAX + 4096];

	ck_assert_msg(res->failed, "expected error '%s', got none", suffix);
	snprintf(want, sizeof want, "%s%s", res->path, suffix);
	ck_assert_str_eq(res->msg, want);
}

static void expect_rec(const struct result *res, size_t i, uint64_t addr, unsigned size, enum access_op op,
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

/* gzip-compress data as one member. */
static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
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
static unsigned char *zstd_bytes(const void *data, size_t len, size_t *out_len)
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

typedef unsigned char *compress_fn(const void *data, size_t len, size_t *out_len);

/* Compress data in `parts` pieces (members or frames) one after another. */
static unsigned char *compress_parts(compress_fn *fn, const char *data, size_t len, unsigned parts,
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

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* ---- names ------------------------------------------------------------- */

START_TEST(t_format_names)
{
	static const char *names[] = {"auto", "lackey", "addr-rw", "pages", "native"};
	enum trace_format f;

	for (int i = 0; i < 5; i++) {
		ck_assert_str_eq(trace_format_name((enum trace_format)i), names[i]);
		ck_assert(trace_format_parse(names[i], &f));
		ck_assert_int_eq(f, i);
	}
	ck_assert(!trace_format_parse("Lackey", &f));
	ck_assert(!trace_format_parse("addr_rw", &f));
	ck_assert(!trace_format_parse("", &f));
	ck_assert_str_eq(trace_compression_name(TRACE_PLAIN), "plain");
	ck_assert_str_eq(trace_compression_name(TRACE_GZIP), "gzip");
	ck_assert_str_eq(trace_compression_name(TRACE_ZSTD), "zstd");
	trace_close(NULL);
	trace_source_close(NULL);
}
END_TEST

/* ---- lackey ------------------------------------------------------------ */

static const char lackey_sample[] =
    "==12345== Lackey, an example Valgrind tool\n"
    "==12345== Copyright (C) 2002-2017, and GNU GPL'd, by Nicholas Nethercote.\n"
    "\n"
    "I  04016a0,3\n"
    " L 04222cd0,8\n"
    " S 7FF000398,8\n"
    " M 0421fd8,4\n"
    "I  0401000,16\n"
    "==12345== \n";

static void check_lackey_sample(const struct result *res)
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

START_TEST(t_lackey_basic)
{
	struct result res;

	run_text(lackey_sample, TRACE_LACKEY, &res);
	check_lackey_sample(&res);
	ck_assert_int_eq(res.format, TRACE_LACKEY);
	ck_assert_uint_eq(res.skipped, 0);
	ck_assert_str_eq(res.first_skip, "");
	result_free(&res);

	run_text(lackey_sample, TRACE_AUTO, &res);
	check_lackey_sample(&res);
	ck_assert_int_eq(res.format, TRACE_LACKEY);
	result_free(&res);
}
END_TEST

/* Replace every "\n" of s with "\r\n". */
static char *to_crlf(const char *s)
{
	struct text t = {0};

	for (; *s != '\0'; s++)
		text_add(&t, *s == '\n' ? "\r\n" : s, *s == '\n' ? 2 : 1);
	return t.s;
}

START_TEST(t_lackey_crlf_and_no_final_newline)
{
	struct result res;
	char *crlf = to_crlf(lackey_sample);
	char cut[sizeof lackey_sample];

	run_text(crlf, TRACE_AUTO, &res);
	check_lackey_sample(&res);
	result_free(&res);
	free(crlf);

	/* The last line without its '\n' ("I  0401000,16"). */
	memcpy(cut, lackey_sample, sizeof cut);
	*strstr(cut, "\n==12345== \n") = '\0';
	run_text(cut, TRACE_LACKEY, &res);
	check_lackey_sample(&res);
	result_free(&res);

	run_text(" L 10,4\r", TRACE_LACKEY, &res); /* a final "\r" without '\n' */
	ck_assert(!res.failed);
	expect_rec(&res, 0, 0x10, 4, OP_READ, 1);
	result_free(&res);
}
END_TEST

/* A table of single bad lines: placed as line 2 after a good line, each
 * must give exactly "PATH:2: <why>" after the good record. */
struct bad_line {
	const char *line;
	const char *why;
};

static void check_bad_lines(enum trace_format f, const char *header, const char *good,
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

START_TEST(t_lackey_errors)
{
	static const struct bad_line bad[] = {
	    {" L 1000,0", "size must be 1..65535"},
	    {" L 1000,65536", "size must be 1..65535"},
	    {" L 1000,99999999999999999999999", "size must be 1..65535"},
	    {" L 1000", "expected ',SIZE' after the address"},
	    {" L 1000 ,8", "expected ',SIZE' after the address"},
	    {" L 0x1000,8", "expected ',SIZE' after the address"},
	    {" L 1000,", "expected a decimal size after ','"},
	    {" L 1000,8 x", "unexpected text after the size"},
	    {" L 1000,8,", "unexpected text after the size"},
	    {" L 1000,8\r\r", "unexpected text after the size"},
	    {" Q 1000,8", "expected a lackey record such as ' L 04222cd0,8'"},
	    {" L1000,8", "expected a lackey record such as ' L 04222cd0,8'"},
	    {"hello", "expected a lackey record such as ' L 04222cd0,8'"},
	    {"= not a valgrind line", "expected a lackey record such as ' L 04222cd0,8'"},
	    {" L ,8", "expected a hex address after 'L'"},
	    {" S xyz,8", "expected a hex address after 'S'"},
	    {" L 10000000000000000,8", "address does not fit in 64 bits"},
	    {" L 1000000000000,8", "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {" L fffffffffffc,8", "access of 8 bytes at 0xfffffffffffc runs past the end of the 48-bit"
				  " virtual address space"},
	    {NULL, NULL},
	};
	struct result res;

	check_bad_lines(TRACE_LACKEY, NULL, "I  1000,1", bad, 48);

	/* The edges that are fine. */
	run_text(" L fffffffffff8,8\n S 0,65535\n L 000000000000000000001,1\n", TRACE_LACKEY, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 3);
	expect_rec(&res, 0, 0xfffffffffff8, 8, OP_READ, 1);
	expect_rec(&res, 1, 0, 65535, OP_WRITE, 1);
	expect_rec(&res, 2, 1, 1, OP_READ, 1);
	result_free(&res);
}
END_TEST

/* ---- addr-rw ----------------------------------------------------------- */

START_TEST(t_addr_rw)
{
	static const char text[] = "# address and R/W\n"
				   "0041f7a0 R\n"
				   "0x1000 w\n"
				   "\n"
				   "  DEAD\tW  # trailing comment\n"
				   "0XabC r\r\n"
				   "ffffffffffff W";
	static const struct bad_line bad[] = {
	    {"1000", "expected a hex address, a space and R or W"},
	    {"1000R", "expected a hex address, a space and R or W"},
	    {"0x R", "expected a hex address, a space and R or W"},
	    {"xyz R", "expected a hex address, a space and R or W"},
	    {"1000 X", "expected R or W after the address"},
	    {"1000 ", "expected R or W after the address"},
	    {"1000 R extra", "unexpected text after 'R'"},
	    {"1000 RW", "unexpected text after 'R'"},
	    {"1000 w#c", "unexpected text after 'w'"},
	    {"1000000000000 R", "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {"10000000000000000 R", "address does not fit in 64 bits"},
	    {NULL, NULL},
	};
	struct result res;

	for (int f = 0; f < 2; f++) {
		run_text(text, f == 0 ? TRACE_ADDR_RW : TRACE_AUTO, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_int_eq(res.format, TRACE_ADDR_RW);
		ck_assert_uint_eq(res.n, 5);
		expect_rec(&res, 0, 0x41f7a0, 1, OP_READ, 1);
		expect_rec(&res, 1, 0x1000, 1, OP_WRITE, 1);
		expect_rec(&res, 2, 0xdead, 1, OP_WRITE, 1);
		expect_rec(&res, 3, 0xabc, 1, OP_READ, 1);
		expect_rec(&res, 4, 0xffffffffffff, 1, OP_WRITE, 1);
		result_free(&res);
	}
	check_bad_lines(TRACE_ADDR_RW, NULL, "10 R", bad, 48);
}
END_TEST

/* ---- pages ------------------------------------------------------------- */

START_TEST(t_pages)
{
	static const char text[] = "# the textbook string\n"
				   "7 0 1 2\n"
				   "0,3\n"
				   "\n"
				   " 4, 5 ,6,\n"
				   "9\r\n"
				   "\t8\t# eight\n"
				   "10,11 # ten, eleven\n"
				   "12";
	static const uint64_t want[] = {7, 0, 1, 2, 0, 3, 4, 5, 6, 9, 8, 10, 11, 12};
	static const struct bad_line bad[] = {
	    {"1,,2", "expected a decimal page number"},
	    {",1", "expected a decimal page number"},
	    {"1 a", "expected page numbers separated by spaces or commas"},
	    {"1-2", "expected page numbers separated by spaces or commas"},
	    {"-1", "expected a decimal page number"},
	    {"0x10", "expected page numbers separated by spaces or commas"},
	    {"1#c", "expected page numbers separated by spaces or commas"},
	    {"1 2 3 x 4", "expected page numbers separated by spaces or commas"},
	    {"99999999999999999999", "page number does not fit in 64 bits"},
	    {"68719476736",
	     "page 68719476736 is beyond the 48-bit virtual address space (pages of 4096 bytes)"},
	    {NULL, NULL},
	};
	struct result res;

	for (int f = 0; f < 2; f++) {
		run_text(text, f == 0 ? TRACE_PAGES : TRACE_AUTO, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_int_eq(res.format, TRACE_PAGES);
		ck_assert_uint_eq(res.n, sizeof want / sizeof want[0]);
		for (size_t i = 0; i < res.n; i++)
			expect_rec(&res, i, want[i] << 12, 1, OP_READ, 1);
		result_free(&res);
	}
	check_bad_lines(TRACE_PAGES, NULL, "1", bad, 48);

	/* The last page of the space is fine; a bad line yields none of its pages. */
	run_text("68719476735\n1 2 x\n", TRACE_PAGES, &res);
	ck_assert_uint_eq(res.n, 1);
	expect_rec(&res, 0, UINT64_C(68719476735) << 12, 1, OP_READ, 1);
	expect_error(&res, ":2: expected page numbers separated by spaces or commas");
	result_free(&res);
}
END_TEST

START_TEST(t_pages_shift_and_va)
{
	struct trace_options o = opts(TRACE_PAGES);
	struct result res;
	static const char text[] = "1048575 3\n1048576\n";

	o.va_bits = 32;
	o.page_shift = 12;
	run_data(text, strlen(text), &o, NULL, &res);
	ck_assert_uint_eq(res.n, 2);
	expect_rec(&res, 0, UINT64_C(0xfffff000), 1, OP_READ, 1);
	expect_rec(&res, 1, 0x3000, 1, OP_READ, 1);
	expect_error(&res, ":2: page 1048576 is beyond the 32-bit virtual address space"
			   " (pages of 4096 bytes)");
	result_free(&res);

	o.page_shift = 0;
	run_data(text, strlen(text), &o, NULL, &res);
	ck_assert(!res.failed);
	ck_assert_uint_eq(res.n, 3);
	expect_rec(&res, 2, 1048576, 1, OP_READ, 1);
	result_free(&res);
}
END_TEST

/* A line of many page numbers read a few records at a time. */
START_TEST(t_pages_long_line_small_batches)
{
	static const size_t batches[][4] = {
	    {1, 0},
	    {2, 0},
	    {3, 0},
	    {7, 1, 2, 0},
	};
	struct trace_options o = opts(TRACE_PAGES);
	struct text t = {0};
	struct result res;

	for (int i = 0; i < 1000; i++)
		text_addf(&t, i % 3 == 0 ? "%d," : "%d ", i);
	text_add(&t, "\n5000\n", 6);
	for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
		run_data(t.s, t.len, &o, batches[b], &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 1001);
		for (int i = 0; i < 1000; i++)
			expect_rec(&res, (size_t)i, (uint64_t)i << 12, 1, OP_READ, 1);
		expect_rec(&res, 1000, UINT64_C(5000) << 12, 1, OP_READ, 1);
		result_free(&res);
	}
	free(t.s);
}
END_TEST

/* ---- native ------------------------------------------------------------ */

START_TEST(t_native)
{
	static const char text[] = "# made by hand\n"
				   "\n"
				   "pagesim-trace 1   # header comment\n"
				   "R 0x1000\n"
				   "W 4096 8\n"
				   "  X 0x2000 0x10 pid=7\n"
				   "M 0x3000 4 # trailing comment\n"
				   "process 42\n"
				   "R 0x10\r\n"
				   "W 0X20 pid=3\n"
				   "R\t0x30\t2\tpid=4294967295\n"
				   "pagesim-trace 1\n"
				   "M 0xffffffffffff";
	struct result res;

	for (int f = 0; f < 2; f++) {
		run_text(text, f == 0 ? TRACE_NATIVE : TRACE_AUTO, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_int_eq(res.format, TRACE_NATIVE);
		ck_assert_uint_eq(res.n, 10);
		expect_rec(&res, 0, 0x1000, 1, OP_READ, 1);
		expect_rec(&res, 1, 4096, 8, OP_WRITE, 1);
		expect_rec(&res, 2, 0x2000, 16, OP_FETCH, 7);
		expect_rec(&res, 3, 0x3000, 4, OP_READ, 1);
		expect_rec(&res, 4, 0x3000, 4, OP_WRITE, 1);
		expect_rec(&res, 5, 0x10, 1, OP_READ, 42);
		expect_rec(&res, 6, 0x20, 1, OP_WRITE, 3);
		expect_rec(&res, 7, 0x30, 2, OP_READ, 4294967295u);
		expect_rec(&res, 8, 0xffffffffffff, 1, OP_READ, 42);
		expect_rec(&res, 9, 0xffffffffffff, 1, OP_WRITE, 42);
		result_free(&res);
	}
}
END_TEST

START_TEST(t_native_errors)
{
	static const struct bad_line bad[] = {
	    {"Q 0x10", "expected R, W, X, M or process"},
	    {"r 0x10", "expected R, W, X, M or process"},
	    {"RW 0x10", "expected R, W, X, M, process, segment, mmap, munmap, brk, fork or exit"},
	    {"processes 2", "expected R, W, X, M, process, segment, mmap, munmap, brk, fork or exit"},
	    {"segments x", "expected R, W, X, M, process, segment, mmap, munmap, brk, fork or exit"},
	    {"R", "expected an address (0x-hex or decimal) after 'R'"},
	    {"W 0x", "expected an address (0x-hex or decimal) after 'W'"},
	    {"X abc", "expected an address (0x-hex or decimal) after 'X'"},
	    {"R 0x10 0", "size must be 1..65535"},
	    {"R 0x10 65536", "size must be 1..65535"},
	    {"R 0x10 0x10000", "size must be 1..65535"},
	    {"R 0x10 8x", "expected SIZE, pid=N or the end of the line"},
	    {"R 0x10 8 9", "expected SIZE, pid=N or the end of the line"},
	    {"R 0x10zz", "expected SIZE, pid=N or the end of the line"},
	    {"R 0x10#c", "expected SIZE, pid=N or the end of the line"},
	    {"R 0x10 pid=1 8", "expected SIZE, pid=N or the end of the line"},
	    {"R 0x10 pid=0", "pid must be 1..4294967295"},
	    {"R 0x10 pid=4294967296", "pid must be 1..4294967295"},
	    {"R 0x10 pid=", "pid must be 1..4294967295"},
	    {"process 0", "expected 'process N' with N in 1..4294967295"},
	    {"process", "expected 'process N' with N in 1..4294967295"},
	    {"process 2 3", "expected 'process N' with N in 1..4294967295"},
	    {"R 0x1000000000000", "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {"R 281474976710656", "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {"R 0xffffffffffff 2", "access of 2 bytes at 0xffffffffffff runs past the end of the 48-bit"
				   " virtual address space"},
	    {"R 0x10000000000000000", "address does not fit in 64 bits"},
	    {"R 18446744073709551616", "address does not fit in 64 bits"},
	    {"pagesim-trace 2", "unsupported native trace version 2 (this pagesim reads version 1)"},
	    {NULL, NULL},
	};

	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", bad, 48);
}
END_TEST

START_TEST(t_native_header)
{
	struct trace_options o = opts(TRACE_NATIVE);
	struct result res;

	o.skip_bad = true; /* header problems are fatal all the same */
	run_data("pagesim-trace 2\nR 0x10\n", 23, &o, NULL, &res);
	ck_assert_uint_eq(res.n, 0);
	expect_error(&res, ":1: unsupported native trace version 2 (this pagesim reads version 1)");
	result_free(&res);

	run_text("# c\n\npagesim-trace 12345678901234567890123\n", TRACE_NATIVE, &res);
	expect_error(&res, ":3: unsupported native trace version 12345678901234567890123"
			   " (this pagesim reads version 1)");
	result_free(&res);

	run_text("R 0x10\n", TRACE_NATIVE, &res);
	expect_error(&res, ":1: expected the header 'pagesim-trace 1' before anything else");
	result_free(&res);

	run_text("pagesim-trace\n", TRACE_NATIVE, &res);
	expect_error(&res, ":1: expected the header 'pagesim-trace 1'");
	result_free(&res);

	run_text("pagesim-trace 1 x\n", TRACE_NATIVE, &res);
	expect_error(&res, ":1: expected the header 'pagesim-trace 1'");
	result_free(&res);

	/* Auto-detection goes by the header, whatever its version. */
	run_text("pagesim-trace 7\n", TRACE_AUTO, &res);
	ck_assert(res.opened);
	ck_assert_int_eq(res.format, TRACE_NATIVE);
	expect_error(&res, ":1: unsupported native trace version 7 (this pagesim reads version 1)");
	result_free(&res);

	/* Only comments: an empty trace. */
	run_text("pagesim-trace 1\n# nothing\n", TRACE_NATIVE, &res);
	ck_assert(!res.failed);
	ck_assert_uint_eq(res.n, 0);
	result_free(&res);
}
END_TEST

/* ---- address space ----------------------------------------------------- */

START_TEST(t_va_bits)
{
	static const struct bad_line bad32[] = {
	    {"R 0x100000000", "address 0x100000000 is beyond the 32-bit virtual address space"},
	    {"R 0xfffffffe 4",
	     "access of 4 bytes at 0xfffffffe runs past the end of the 32-bit virtual address space"},
	    {NULL, NULL},
	};
	static const struct bad_line bad64[] = {
	    {"R 0xffffffffffffffff 2",
	     "access of 2 bytes at 0xffffffffffffffff runs past the end of the 64-bit"
	     " virtual address space"},
	    {"R 0x10000000000000000", "address does not fit in 64 bits"},
	    {NULL, NULL},
	};
	static const char ok[] = "pagesim-trace 1\nR 0xffffffff\nR 0xfffffffc 4\n";
	static const char ok64[] = "pagesim-trace 1\nR 0xffffffffffffffff\nW 18446744073709551615\n"
				   "R 0x0000000000000000000000fffffffffffffff0 16\n";
	struct trace_options o = opts(TRACE_NATIVE);
	struct result res;

	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", bad32, 32);
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", bad64, 64);
	o.va_bits = 32;
	run_data(ok, strlen(ok), &o, NULL, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 2);
	result_free(&res);
	o.va_bits = 64;
	run_data(ok64, strlen(ok64), &o, NULL, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 3);
	expect_rec(&res, 0, UINT64_MAX, 1, OP_READ, 1);
	expect_rec(&res, 1, UINT64_MAX, 1, OP_WRITE, 1);
	expect_rec(&res, 2, UINT64_MAX - 15, 16, OP_READ, 1);
	result_free(&res);
}
END_TEST

START_TEST(t_bad_options)
{
	struct trace_options o = opts(TRACE_LACKEY);
	struct ps_error err;
	char *path = write_tmp(" L 10,1\n", 8);
	struct trace_reader *r;
	struct trace_rec rec;

	o.va_bits = 31;
	ck_assert_ptr_null(trace_open(path, &o, &err));
	ck_assert(strstr(err.msg, "va_bits must be 32..64") != NULL);
	o.va_bits = 65;
	ck_assert_ptr_null(trace_open(path, &o, &err));
	o.va_bits = 32;
	o.page_shift = 32;
	ck_assert_ptr_null(trace_open(path, &o, &err));
	ck_assert(strstr(err.msg, "page_shift") != NULL);
	o.page_shift = 12;
	o.format = (enum trace_format)9;
	ck_assert_ptr_null(trace_open(path, &o, &err));

	/* NULL options: auto, 4 KiB pages, 48 bits. */
	r = trace_open(path, NULL, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(trace_format_of(r), TRACE_LACKEY);
	ck_assert_int_eq(trace_read(r, &rec, 1, &err), 1);
	ck_assert_int_eq(trace_read(r, &rec, 1, &err), 0);
	trace_close(r);
	unlink(path);
	free(path);
}
END_TEST

/* ---- detection --------------------------------------------------------- */

START_TEST(t_detect)
{
	static const struct {
		const char *text;
		enum trace_format want;
	} cases[] = {
	    {"==1== Lackey\n==1== more\n", TRACE_LACKEY},
	    {"# c\n\n I 10,4\n", TRACE_LACKEY},
	    {"0041f7a0 R\n", TRACE_ADDR_RW},
	    {"10 w\n", TRACE_ADDR_RW},
	    {"7 0 1 2 0 3 0 4\n", TRACE_PAGES},
	    {"7,0,1\n2\n", TRACE_PAGES},
	    {"\n\n# only comments\n", TRACE_LACKEY}, /* empty: any format */
	    {"", TRACE_LACKEY},
	    {"   \n\t\n", TRACE_LACKEY},
	    {"# c\npagesim-trace 1\nR 0x10\n", TRACE_NATIVE},
	    {" L 10,4\n L 20,4\nhello\n", TRACE_LACKEY}, /* most lines decide */
	    {"1\n2\n3\nx\n", TRACE_PAGES},
	};
	struct result res;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run_text(cases[i].text, TRACE_AUTO, &res);
		ck_assert_msg(res.opened, "case %zu: %s", i, res.msg);
		ck_assert_msg(res.format == cases[i].want, "case %zu: got %s", i,
			      trace_format_name(res.format));
		result_free(&res);
	}
}
END_TEST

START_TEST(t_detect_fails)
{
	static const char elf[] = "\x7f"
				  "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\n\x03\0>\0";
	static const char *texts[] = {
	    "hello world\nfoo\n",
	    "R 0x10\nW 0x20\n", /* native without its header */
	    "1\nfoo\nbar\n",	/* fewer than half fit */
	    elf,
	    "pagesim-trace\n", /* only when it is the first line... */
	};
	struct result res;

	for (size_t i = 0; i < 4; i++) {
		struct trace_options o = opts(TRACE_AUTO);

		run_data(texts[i], i == 3 ? sizeof elf - 1 : strlen(texts[i]), &o, NULL, &res);
		ck_assert(!res.opened);
		expect_error(&res, ": cannot tell the trace format"
				   " (use --format lackey|addr-rw|pages|native)");
		result_free(&res);
	}
	/* ...which it is here: detected as native, then refused. */
	run_text(texts[4], TRACE_AUTO, &res);
	ck_assert_int_eq(res.format, TRACE_NATIVE);
	expect_error(&res, ":1: expected the header 'pagesim-trace 1'");
	result_free(&res);
	/* A later header line does not make a native trace. */
	run_text("foo\npagesim-trace 1\n", TRACE_AUTO, &res);
	ck_assert(!res.opened);
	result_free(&res);
}
END_TEST

/* Only the first 100 meaningful lines count: 150 pages lines, then lackey. */
START_TEST(t_detect_window)
{
	struct text t = {0};
	struct result res;

	for (int i = 0; i < 20; i++)
		text_add(&t, "# comment\n\n", 11);
	for (int i = 0; i < 150; i++)
		text_addf(&t, "%d\n", i);
	for (int i = 0; i < 300; i++)
		text_add(&t, " L 10,4\n", 8);
	run_text(t.s, TRACE_AUTO, &res);
	ck_assert_int_eq(res.format, TRACE_PAGES);
	ck_assert_uint_eq(res.n, 150);
	expect_error(&res, ":191: expected a decimal page number");
	result_free(&res);
	free(t.s);
}
END_TEST

START_TEST(t_bom)
{
	struct result res;

	run_text("\xef\xbb\xbf"
		 "7 0 1\n",
		 TRACE_AUTO, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_int_eq(res.format, TRACE_PAGES);
	ck_assert_uint_eq(res.n, 3);
	result_free(&res);
	run_text("\xef\xbb\xbf"
		 "pagesim-trace 1\nR 0x10\n",
		 TRACE_NATIVE, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 1);
	result_free(&res);
	/* A mark and nothing else; a mark and a line without '\n'. */
	for (int f = 0; f < 5; f++) {
		run_text("\xef\xbb\xbf", (enum trace_format)f, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 0);
		result_free(&res);
	}
	for (int f = 0; f < 2; f++) {
		run_text("\xef\xbb\xbf"
			 "7",
			 f ? TRACE_PAGES : TRACE_AUTO, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 1);
		expect_rec(&res, 0, 7 << 12, 1, OP_READ, 1);
		result_free(&res);
	}
}
END_TEST

/* ---- files and errors -------------------------------------------------- */

START_TEST(t_missing_file)
{
	struct trace_options o = opts(TRACE_AUTO);
	struct ps_error err;
	char path[4200];

	snprintf(path, sizeof path, "%s/no/such/trace.gz", tmp_base());
	ck_assert_ptr_null(trace_open(path, &o, &err));
	strcat(path, ": No such file or directory");
	ck_assert_str_eq(err.msg, path);

	ck_assert_ptr_null(trace_open(tmp_base(), &o, &err));
	snprintf(path, sizeof path, "%s: Is a directory", tmp_base());
	ck_assert_str_eq(err.msg, path);
}
END_TEST

START_TEST(t_records_before_error_and_sticky)
{
	static const size_t one[] = {1, 0};
	struct trace_options o = opts(TRACE_LACKEY);
	static const char text[] = " L 10,4\n M 20,4\n L 30,4\nbad\n L 40,4\n";
	struct result res;

	run_data(text, strlen(text), &o, one, &res);
	ck_assert_uint_eq(res.n, 4);
	expect_rec(&res, 2, 0x20, 4, OP_WRITE, 1);
	expect_rec(&res, 3, 0x30, 4, OP_READ, 1);
	expect_error(&res, ":4: expected a lackey record such as ' L 04222cd0,8'");
	result_free(&res);
}
END_TEST

/* M records split over batches: the WRITE half waits for the next call. */
START_TEST(t_modify_pending)
{
	static const size_t sizes[][4] = {{1, 0}, {3, 0}, {2, 1, 0}, {5, 0}};
	struct trace_options o = opts(TRACE_LACKEY);
	static const char text[] = "I  1,1\n M 10,2\n M 20,2\n\n M 30,2\n==1== x\n S 40,2\n M 50,2\n";
	struct result res;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		run_data(text, strlen(text), &o, sizes[s], &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 10);
		expect_rec(&res, 0, 1, 1, OP_FETCH, 1);
		for (int i = 0; i < 3; i++) {
			expect_rec(&res, 1 + 2 * (size_t)i, 0x10 * (uint64_t)(i + 1), 2, OP_READ, 1);
			expect_rec(&res, 2 + 2 * (size_t)i, 0x10 * (uint64_t)(i + 1), 2, OP_WRITE, 1);
		}
		expect_rec(&res, 7, 0x40, 2, OP_WRITE, 1);
		expect_rec(&res, 8, 0x50, 2, OP_READ, 1);
		expect_rec(&res, 9, 0x50, 2, OP_WRITE, 1);
		result_free(&res);
	}
	/* The pending half comes out before an error on the next line. */
	run_data(" M 10,2\nbad\n", 12, &o, sizes[0], &res);
	ck_assert_uint_eq(res.n, 2);
	expect_error(&res, ":2: expected a lackey record such as ' L 04222cd0,8'");
	result_free(&res);
}
END_TEST

START_TEST(t_skip_bad)
{
	struct trace_options o = opts(TRACE_LACKEY);
	static const char text[] = " L 10,4\n"
				   "program output\n"
				   " L 20,4\n"
				   " L 1000000000000,4\n"
				   " S 30,0\n"
				   " S 40,4\n"
				   "garbage\n";
	struct result res;

	o.skip_bad = true;
	run_data(text, strlen(text), &o, NULL, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 3);
	expect_rec(&res, 0, 0x10, 4, OP_READ, 1);
	expect_rec(&res, 1, 0x20, 4, OP_READ, 1);
	expect_rec(&res, 2, 0x40, 4, OP_WRITE, 1);
	ck_assert_uint_eq(res.skipped, 4);
	ck_assert(strstr(res.first_skip, ":2: expected a lackey record") != NULL);
	ck_assert(strncmp(res.first_skip, res.path, strlen(res.path)) == 0);
	result_free(&res);

	/* Bad event lines are skipped like other bad lines; fatal lines are not. */
	o = opts(TRACE_NATIVE);
	o.skip_bad = true;
	run_data("pagesim-trace 1\nQ\nR 0x10\nfork 2\nR 0x20\npagesim-trace 2\nR 0x30\n", 62, &o, NULL, &res);
	ck_assert_uint_eq(res.n, 2);
	ck_assert_uint_eq(res.skipped, 2);
	ck_assert_msg(strstr(res.first_skip, ":2: expected R, W, X, M or process") != NULL, "%s", res.first_skip);
	expect_error(&res, ":6: unsupported native trace version 2 (this pagesim reads version 1)");
	result_free(&res);

	/* A skipped pages line yields none of its numbers. */
	o = opts(TRACE_PAGES);
	o.skip_bad = true;
	run_data("1 2\n3 x 4\n5\n", 12, &o, NULL, &res);
	ck_assert(!res.failed);
	ck_assert_uint_eq(res.n, 3);
	expect_rec(&res, 2, 5 << 12, 1, OP_READ, 1);
	ck_assert_uint_eq(res.skipped, 1);
	result_free(&res);
}
END_TEST

START_TEST(t_line_too_long)
{
	struct trace_options o = opts(TRACE_AUTO);
	size_t limit = (1u << 20) - 1; /* longest line, without its '\n' */
	struct text t = {0};
	struct result res;
	char *line = malloc(limit + 2);

	ck_assert_ptr_nonnull(line);
	/* A pages line of exactly the limit: "1 1 ... 1" (524288 pages). */
	for (size_t i = 0; i < limit; i++)
		line[i] = i % 2 ? ' ' : '1';
	line[limit] = '\n';
	text_add(&t, "7\n", 2);
	text_add(&t, line, limit + 1);
	text_add(&t, "8\n", 2);
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_int_eq(res.format, TRACE_PAGES);
	ck_assert_uint_eq(res.n, 2 + (limit + 1) / 2);
	expect_rec(&res, res.n - 1, 8 << 12, 1, OP_READ, 1);
	result_free(&res);

	/* One byte more is too long, even with skip_bad. */
	t.len = 2;
	text_add(&t, line, limit);
	text_add(&t, "1\n8\n", 4);
	o.skip_bad = true;
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert_uint_eq(res.n, 1);
	expect_error(&res, ":2: line too long (the limit is 1048575 bytes)");
	result_free(&res);

	/* The same without a final '\n', as the only line: open or read says so. */
	run_data(t.s + 2, limit + 1, &o, NULL, &res);
	expect_error(&res, ":1: line too long (the limit is 1048575 bytes)");
	result_free(&res);
	free(t.s);
	free(line);
}
END_TEST

/* Errors late in a file that spans many buffer loads name the right line. */
START_TEST(t_line_numbers_across_buffers)
{
	struct trace_options o = opts(TRACE_LACKEY);
	struct text t = {0};
	struct result res;
	const int bad_at = 250000;

	for (int i = 1; i < bad_at; i++) {
		if (i % 1000 == 0)
			text_add(&t, "\n", 1);
		else
			text_addf(&t, " L %x,4\n", i);
	}
	text_add(&t, " L 12,4,\n L 13,4\n", 17);
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert_uint_eq(res.n, (size_t)(bad_at - 1 - (bad_at - 1) / 1000));
	expect_rec(&res, 0, 1, 4, OP_READ, 1);
	expect_rec(&res, res.n - 1, (uint64_t)(bad_at - 1), 4, OP_READ, 1);
	expect_error(&res, ":250000: unexpected text after the size");
	result_free(&res);
	free(t.s);
}
END_TEST

START_TEST(t_nul_and_binary_garbage)
{
	struct trace_options o = opts(TRACE_LACKEY);
	static const char text[] = " L 10,4\n L 1\0,4\n";
	struct result res;

	run_data(text, sizeof text - 1, &o, NULL, &res);
	ck_assert_uint_eq(res.n, 1);
	expect_error(&res, ":2: expected ',SIZE' after the address");
	result_free(&res);
}
END_TEST

/* ---- compression ------------------------------------------------------- */

START_TEST(t_source_detects_magic)
{
	static const char text[] = " L 10,4\n";
	struct ps_error err;
	size_t glen, zlen;
	unsigned char *gz = gzip_bytes(text, 8, &glen);
	unsigned char *zs = zstd_bytes(text, 8, &zlen);
	static const struct {
		const char *name;
		enum trace_compression want;
	} names[] = {{"plain", TRACE_PLAIN}, {"gzip", TRACE_GZIP}, {"zstd", TRACE_ZSTD}};
	const void *data[] = {text, gz, zs};
	size_t len[] = {8, glen, zlen};

	for (int i = 0; i < 3; i++) {
		/* The name says nothing: every fixture is called ".txt". */
		char *path = write_tmp(data[i], len[i]);
		struct trace_source *s = trace_source_open(path, "x.txt", &err);
		char buf[64];
		ssize_t got, total = 0;

		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(trace_source_compression(s), names[i].want);
		while ((got = trace_source_read(s, buf + total, 1, &err)) > 0)
			total += got;
		ck_assert_int_eq(got, 0);
		ck_assert_int_eq(total, 8);
		ck_assert(memcmp(buf, text, 8) == 0);
		trace_source_close(s);
		unlink(path);
		free(path);
	}
	free(gz);
	free(zs);
}
END_TEST

/* Every compression, single and multi-part, gives the plain records. */
START_TEST(t_compressed_roundtrip)
{
	struct text t = {0};
	struct result plain, res;
	struct trace_options o = opts(TRACE_AUTO);
	compress_fn *fns[] = {gzip_bytes, zstd_bytes};

	for (int i = 0; i < 120000; i++)
		text_addf(&t, "%s %x,%d\n", i % 3 ? " L" : "I ", i * 64, 1 + i % 16);
	run_data(t.s, t.len, &o, NULL, &plain);
	ck_assert(!plain.failed);
	ck_assert_uint_eq(plain.n, 120000);
	for (int f = 0; f < 2; f++)
		for (unsigned parts = 1; parts <= 4; parts += 3) {
			size_t clen;
			unsigned char *c = compress_parts(fns[f], t.s, t.len, parts, &clen);

			run_data(c, clen, &o, NULL, &res);
			ck_assert_msg(!res.failed, "%s", res.msg);
			ck_assert_int_eq(res.format, TRACE_LACKEY);
			ck_assert_uint_eq(res.n, plain.n);
			ck_assert(memcmp(res.recs, plain.recs, plain.n * sizeof *plain.recs) == 0);
			result_free(&res);
			free(c);
		}
	/* Empty members and frames are harmless. */
	for (int f = 0; f < 2; f++) {
		size_t l1, l2, l3;
		unsigned char *e1 = fns[f]("", 0, &l1);
		unsigned char *d = fns[f](" L 10,4\n", 8, &l2);
		unsigned char *e2 = fns[f]("", 0, &l3);
		struct text all = {0};

		text_add(&all, e1, l1);
		text_add(&all, d, l2);
		text_add(&all, e2, l3);
		run_data(all.s, all.len, &o, NULL, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 1);
		result_free(&res);
		free(e1);
		free(d);
		free(e2);
		free(all.s);
	}
	result_free(&plain);
	free(t.s);
}
END_TEST

/* Cut a compressed stream short at many points: always "truncated", or
 * (for cuts inside a header) "corrupt", never a clean end or a crash. */
static void check_truncations(compress_fn *fn, const char *what, enum trace_format f)
{
	struct text t = {0};
	size_t clen;
	unsigned char *c;
	char want[64];

	for (int i = 0; i < 3000; i++)
		text_addf(&t, " S %x,8\n", i * 4096);
	c = compress_parts(fn, t.s, t.len, 2, &clen);
	snprintf(want, sizeof want, ": truncated %s stream", what);
	for (size_t cut = 4; cut < clen; cut += 1 + clen / 97) {
		struct trace_options o = opts(f);
		struct result res;

		o.skip_bad = true; /* which does not hide a broken stream */
		run_data(c, cut, &o, NULL, &res);
		ck_assert_msg(res.failed, "cut at %zu of %zu: no error", cut, clen);
		ck_assert_msg(strstr(res.msg, want) != NULL, "cut at %zu: %s", cut, res.msg);
		ck_assert_uint_le(res.n, 3000);
		for (size_t i = 0; i < res.n; i++)
			expect_rec(&res, i, (uint64_t)i * 4096, 8, OP_WRITE, 1);
		result_free(&res);
	}
	/* The last byte missing: exactly the truncation message. */
	{
		struct trace_options o = opts(TRACE_LACKEY);
		struct result res;

		run_data(c, clen - 1, &o, NULL, &res);
		expect_error(&res, want);
		result_free(&res);
	}
	free(c);
	free(t.s);
}

START_TEST(t_gzip_truncated)
{
	check_truncations(gzip_bytes, "gzip", TRACE_LACKEY);
	check_truncations(gzip_bytes, "gzip", TRACE_AUTO);
}
END_TEST

START_TEST(t_zstd_truncated)
{
	check_truncations(zstd_bytes, "zstd", TRACE_LACKEY);
	check_truncations(zstd_bytes, "zstd", TRACE_AUTO);
}
END_TEST

START_TEST(t_magic_only)
{
	struct trace_options o = opts(TRACE_LACKEY);
	struct result res;

	run_data("\x1f\x8b", 2, &o, NULL, &res);
	expect_error(&res, ": truncated gzip stream");
	result_free(&res);
	run_data("\x28\xb5\x2f\xfd", 4, &o, NULL, &res);
	expect_error(&res, ": truncated zstd stream");
	result_free(&res);
	/* Not quite a magic number: plain text (and a bad line). */
	run_data("\x1f\x8c\n", 3, &o, NULL, &res);
	expect_error(&res, ":1: expected a lackey record such as ' L 04222cd0,8'");
	result_free(&res);
}
END_TEST

START_TEST(t_compressed_corrupt_and_trailing)
{
	static const char text[] = " L 10,4\n S 20,8\n";
	struct trace_options o = opts(TRACE_LACKEY);
	struct result res;
	size_t glen, zlen;
	unsigned char *gz = gzip_bytes(text, strlen(text), &glen);
	unsigned char *zs = zstd_bytes(text, strlen(text), &zlen);
	struct text t = {0};

	/* Garbage after the last member or frame. */
	text_add(&t, gz, glen);
	text_add(&t, "junk", 4);
	run_data(t.s, t.len, &o, NULL, &res);
	expect_error(&res, ": corrupt gzip stream (garbage after the compressed data)");
	result_free(&res);
	t.len = 0;
	text_add(&t, zs, zlen);
	text_add(&t, "junk", 4);
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert(res.failed);
	ck_assert_msg(strstr(res.msg, ": corrupt zstd stream (") != NULL, "%s", res.msg);
	result_free(&res);

	/* A damaged checksum. */
	gz[glen - 5] ^= 0xff;
	run_data(gz, glen, &o, NULL, &res);
	expect_error(&res, ": corrupt gzip stream (incorrect data check)");
	result_free(&res);
	free(gz);
	free(zs);
	free(t.s);
}
END_TEST

/* Flip random bytes of compressed streams: errors or (rarely) wrong text,
 * but never a crash, a hang or a read past the buffers (run under ASan or
 * valgrind to see the last). */
START_TEST(t_compressed_fuzz)
{
	struct text t = {0};
	compress_fn *fns[] = {gzip_bytes, zstd_bytes};

	for (int i = 0; i < 2000; i++)
		text_addf(&t, " L %x,%d\n", i * 7919, 1 + i % 8);
	for (int f = 0; f < 2; f++) {
		size_t clen;
		unsigned char *c = compress_parts(fns[f], t.s, t.len, 2, &clen);

		for (int round = 0; round < 150; round++) {
			unsigned char *m = malloc(clen);
			struct trace_options o = opts(round % 2 ? TRACE_AUTO : TRACE_LACKEY);
			struct result res;

			memcpy(m, c, clen);
			for (int k = 1 + (int)rnd_below(4); k > 0; k--)
				m[2 + rnd_below(clen - 2)] ^= (unsigned char)(1 + rnd_below(255));
			o.skip_bad = round % 3 == 0;
			run_data(m, clen, &o, NULL, &res);
			if (res.failed)
				ck_assert(strncmp(res.msg, res.path, strlen(res.path)) == 0);
			result_free(&res);
			free(m);
		}
		free(c);
	}
	free(t.s);
}
END_TEST

/* ---- standard input ---------------------------------------------------- */

/* Open "-" with data as standard input and read it all. */
static void run_stdin(const void *data, size_t len, enum trace_format f, struct result *res)
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

START_TEST(t_stdin)
{
	struct result res;
	size_t clen;
	unsigned char *c;

	run_stdin(lackey_sample, strlen(lackey_sample), TRACE_AUTO, &res);
	check_lackey_sample(&res);
	result_free(&res);

	c = gzip_bytes(lackey_sample, strlen(lackey_sample), &clen);
	run_stdin(c, clen, TRACE_AUTO, &res);
	check_lackey_sample(&res);
	result_free(&res);
	run_stdin(c, clen - 3, TRACE_LACKEY, &res);
	expect_error(&res, ": truncated gzip stream");
	result_free(&res);
	free(c);

	c = zstd_bytes(lackey_sample, strlen(lackey_sample), &clen);
	run_stdin(c, clen, TRACE_AUTO, &res);
	check_lackey_sample(&res);
	result_free(&res);
	free(c);

	run_stdin("pagesim-trace 1\nR 0x10\nQ\n", 25, TRACE_AUTO, &res);
	ck_assert_uint_eq(res.n, 1);
	expect_error(&res, ":3: expected R, W, X, M or process");
	ck_assert(strncmp(res.msg, "<stdin>:3: ", 11) == 0);
	result_free(&res);

	run_stdin("what\n", 5, TRACE_AUTO, &res);
	ck_assert_str_eq(res.msg, "<stdin>: cannot tell the trace format"
				  " (use --format lackey|addr-rw|pages|native)");
	result_free(&res);
}
END_TEST

/* ---- random round trips ------------------------------------------------ */

/* Make n random records for format f and the text that encodes them, in
 * varied spellings; returns the text. */
static char *random_trace(enum trace_format f, size_t lines, bool crlf, struct trace_rec **recs_out,
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
		switch (f) {
		case TRACE_LACKEY: {
			static const char *ops[] = {"I ", " L", " S", " M"};
			static const uint8_t opv[] = {OP_FETCH, OP_READ, OP_WRITE, OP_READ};
			size_t start = t.len;

			text_addf(&t, "%s %0*" PRIx64 ",%u%s", ops[kind], (int)rnd_below(12), addr, size, nl);
			if (rnd_below(2))
				for (char *p = t.s + start; *p != '\0'; p++)
					if (*p >= 'a' && *p <= 'f')
						*p = (char)(*p - 'a' + 'A');
			r.op = opv[kind];
			recs[n++] = r;
			if (kind == 3) {
				r.op = OP_WRITE;
				recs[n++] = r;
			}
			break;
		}
		case TRACE_ADDR_RW: {
			static const char *ops[] = {"R", "W", "r", "w"};

			text_addf(&t, "%s%s%" PRIx64 "%s%s%s", rnd_below(3) ? "" : " ",
				  rnd_below(2) ? "0x" : "", addr, rnd_below(2) ? " " : " \t ", ops[kind], nl);
			r.size = 1;
			r.op = kind % 2 ? OP_WRITE : OP_READ;
			recs[n++] = r;
			break;
		}
		case TRACE_PAGES: {
			unsigned count = 1 + (unsigned)rnd_below(rnd_below(4) ? 1 : 10);

			for (unsigned k = 0; k < count; k++) {
				uint64_t page = rnd_below(4) ? rnd_below(100) : rnd() >> 28;
				static const char *seps[] = {" ", ",", ", ", " , ", "\t"};

				text_addf(&t, "%s%" PRIu64, k ? seps[rnd_below(5)] : "", page);
				recs[n].addr = page << 12;
				recs[n].pid = 1;
				recs[n].size = 1;
				recs[n].op = OP_READ;
				recs[n++].flags = 0;
			}
			text_addf(&t, "%s%s", rnd_below(10) ? "" : ",", nl);
			break;
		}
		case TRACE_NATIVE: {
			static const char *ops[] = {"X", "R", "W", "M"};
			static const uint8_t opv[] = {OP_FETCH, OP_READ, OP_WRITE, OP_READ};
			char sizebuf[32] = "", pidbuf[32] = "";

			if (rnd_below(20) == 0) {
				pid = 1 + (uint32_t)rnd_below(UINT32_MAX);
				text_addf(&t, "process %u%s", pid, nl);
			}
			r.pid = pid;
			if (size != 1 || rnd_below(2))
				snprintf(sizebuf, sizeof sizebuf, rnd_below(2) ? " %u" : " 0x%x", size);
			if (rnd_below(10) == 0) {
				r.pid = 1 + (uint32_t)rnd_below(1000);
				snprintf(pidbuf, sizeof pidbuf, " pid=%u", r.pid);
			}
			if (rnd_below(2))
				text_addf(&t, "%s 0x%" PRIx64 "%s%s%s%s", ops[kind], addr, sizebuf, pidbuf,
					  rnd_below(5) ? "" : " # c", nl);
			else
				text_addf(&t, "%s %" PRIu64 "%s%s%s", ops[kind], addr, sizebuf, pidbuf, nl);
			r.op = opv[kind];
			recs[n++] = r;
			if (kind == 3) {
				r.op = OP_WRITE;
				recs[n++] = r;
			}
			break;
		}
		case TRACE_AUTO:
		case TRACE_BINARY:
			break;
		}
	}
	*recs_out = recs;
	*n_out = n;
	return t.s;
}

START_TEST(t_random_roundtrip)
{
	static const enum trace_format formats[] = {
	    TRACE_LACKEY,
	    TRACE_ADDR_RW,
	    TRACE_PAGES,
	    TRACE_NATIVE,
	};
	static const size_t batches[][5] = {
	    {4096, 0},
	    {1, 0},
	    {3, 1000, 2, 77, 0},
	    {65536, 0},
	};

	for (size_t fi = 0; fi < 4; fi++)
		for (int variant = 0; variant < 4; variant++) {
			enum trace_format f = formats[fi];
			size_t lines = variant == 0 ? 90000 : 6000, n;
			struct trace_rec *want;
			char *text = random_trace(f, lines, variant == 2, &want, &n);
			size_t len = strlen(text), clen = len;
			unsigned char *data = (unsigned char *)text;
			struct trace_options o = opts(variant % 2 ? TRACE_AUTO : f);
			struct result res;

			if (variant == 1)
				data = compress_parts(gzip_bytes, text, len, 3, &clen);
			else if (variant == 3)
				data = compress_parts(zstd_bytes, text, len, 3, &clen);
			run_data(data, clen, &o, batches[variant], &res);
			ck_assert_msg(!res.failed, "%s variant %d: %s", trace_format_name(f), variant,
				      res.msg);
			ck_assert_int_eq(res.format, f);
			ck_assert_uint_eq(res.n, n);
			for (size_t i = 0; i < n; i++)
				ck_assert_msg(memcmp(&res.recs[i], &want[i], sizeof want[i]) == 0,
					      "%s variant %d: record %zu differs (addr 0x%llx want 0x%llx)",
					      trace_format_name(f), variant, i,
					      (unsigned long long)res.recs[i].addr,
					      (unsigned long long)want[i].addr);
			result_free(&res);
			if (data != (unsigned char *)text)
				free(data);
			free(text);
			free(want);
		}
}
END_TEST

/* Random bytes and mutated lines in every format: every outcome is either
 * records or an error naming the file, and nothing crashes. */
START_TEST(t_garbage_fuzz)
{
	static const char alphabet[] = "0123456789abcdefxXILSMRW ,=#\t\r\n\n\n"
				       "pagesim-trace process mmap pid= \0\xff";

	for (int round = 0; round < 400; round++) {
		struct trace_options o = opts((enum trace_format)(round % 5));
		size_t len = rnd_below(300), n;
		struct trace_rec *recs;
		char *buf;
		struct result res;

		if (round % 2) {
			buf = malloc(len + 1);
			for (size_t i = 0; i < len; i++)
				buf[i] = alphabet[rnd_below(sizeof alphabet - 1)];
		} else {
			char *text =
			    random_trace((enum trace_format)(1 + rnd_below(4)), 20, false, &recs, &n);

			free(recs);
			len = strlen(text);
			for (int k = 0; k < 5; k++)
				text[rnd_below(len)] = alphabet[rnd_below(sizeof alphabet - 1)];
			buf = text;
		}
		o.skip_bad = round % 3 == 0;
		o.va_bits = 32 + (unsigned)rnd_below(33);
		run_data(buf, len, &o, NULL, &res);
		if (res.failed)
			ck_assert(strncmp(res.msg, res.path, strlen(res.path)) == 0);
		for (size_t i = 0; i < res.n; i++) {
			ck_assert_uint_ge(res.recs[i].size, 1);
			ck_assert_uint_le(res.recs[i].op, OP_FETCH);
			ck_assert_uint_ge(res.recs[i].pid, 1);
			if (o.va_bits < 64)
				ck_assert_uint_lt(res.recs[i].addr + res.recs[i].size - 1, UINT64_C(1)
											       << o.va_bits);
		}
		result_free(&res);
		free(buf);
	}
}
END_TEST

/* ---- binary ------------------------------------------------------------ */

/* n random valid records: all three operations, pids and sizes over their
 * whole ranges, addresses below 2^47 with a few touching the 48-bit end. */
static struct trace_rec *random_recs(size_t n)
{
	struct trace_rec *recs = malloc(n * sizeof *recs);

	ck_assert_ptr_nonnull(recs);
	for (size_t i = 0; i < n; i++) {
		struct trace_rec r = {
		    .addr = rnd() & ((UINT64_C(1) << 47) - 1),
		    .pid = rnd_below(4) ? 1 : 1 + (uint32_t)rnd_below(UINT32_MAX),
		    .size = (uint16_t)(rnd_below(8) ? 1 + rnd_below(16) : 1 + rnd_below(65535)),
		    .op = (uint8_t)rnd_below(3),
		};

		if (rnd_below(100) == 0)
			r.addr = (UINT64_C(1) << 48) - r.size; /* the last bytes of the space */
		recs[i] = r;
	}
	return recs;
}

/* A fresh path under the temporary directory, ending in suffix (no file
 * is left there); malloc'd. */
static char *tmp_name(const char *suffix)
{
	char *stem = write_tmp("", 0), *path = malloc(4096);

	ck_assert_ptr_nonnull(path);
	snprintf(path, 4096, "%s%s", stem, suffix);
	unlink(stem);
	free(stem);
	return path;
}

/* Write recs[0..n) as a binary trace to a new file ending in suffix (".gz"
 * and ".zst" compress), in pieces of `chunk` records, the way the
 * converter does; returns the malloc'd path. */
static char *write_bin(const struct trace_rec *recs, size_t n, size_t chunk, const char *suffix)
{
	char *path = tmp_name(suffix);
	struct ps_error err;
	struct outfile *out = outfile_open(path, &err);
	uint64_t bytes;
	struct stat st;

	ck_assert_msg(out != NULL, "%s", err.msg);
	ck_assert_int_eq(trace_binary_write_header(out, 0, &err), 0);
	for (size_t done = 0; done < n; done += chunk)
		ck_assert_int_eq(trace_binary_write(out, recs + done, n - done < chunk ? n - done : chunk, &err), 0);
	ck_assert_msg(outfile_close(out, true, &bytes, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(bytes, (uint64_t)st.st_size);
	if (suffix[0] == '\0')
		ck_assert_uint_eq(bytes, TRACE_BINARY_HEADER_SIZE + n * TRACE_BINARY_RECORD_SIZE);
	return path;
}

/* Open the file at path with o and read it all in batches (see read_all). */
static void run_path(const char *path, const struct trace_options *o, const size_t *batch, struct result *res)
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

/* The bytes of a binary trace: a header (with version, header size,
 * record size and flags as given, padded to header_size when that is
 * sane) and then recs[0..n) encoded. */
static struct text bin_bytes(uint32_t version, uint32_t header_size, uint32_t record_size, uint32_t flags,
			     const struct trace_rec *recs, size_t n)
{
	unsigned char h[TRACE_BINARY_HEADER_SIZE];
	unsigned char *body = malloc(n * TRACE_BINARY_RECORD_SIZE + 1);
	struct text t = {0};

	ck_assert_ptr_nonnull(body);
	trace_binary_header(h, 0);
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

static struct text bin_v1(const struct trace_rec *recs, size_t n)
{
	return bin_bytes(1, TRACE_BINARY_HEADER_SIZE, TRACE_BINARY_RECORD_SIZE, 0, recs, n);
}

static const struct trace_rec bin_sample[] = {
    {.addr = 0x1000, .pid = 1, .size = 4, .op = OP_READ},
    {.addr = 0x7ffff000, .pid = 2, .size = 8, .op = OP_WRITE},
    {.addr = 0x401000, .pid = 4000000000u, .size = 65535, .op = OP_FETCH},
    {.addr = 0xfffffffffff8, .pid = 1, .size = 8, .op = OP_WRITE},
};

START_TEST(t_binary_layout)
{
	static const unsigned char want_header[TRACE_BINARY_HEADER_SIZE] = {
	    'P', 'G', 'S', 'I', 'M', 'B', 'I', 'N', 2, 0, 0, 0, 32, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0,
	};
	static const unsigned char want_rec[16] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
						   0x44, 0x33, 0x22, 0x11, 0x34, 0x12, 2, 0};
	const struct trace_rec rec = {.addr = 0x0102030405060708u, .pid = 0x11223344u, .size = 0x1234, .op = 2};
	unsigned char h[TRACE_BINARY_HEADER_SIZE], b[16], many[sizeof bin_sample];
	struct trace_rec back, host[4];
	struct trace_binary_info info;
	char why[256];

	trace_binary_header(h, 0);
	ck_assert(memcmp(h, want_header, sizeof h) == 0);
	ck_assert(trace_binary_sniff(h, sizeof h));
	ck_assert(!trace_binary_sniff(h, 7));
	ck_assert(!trace_binary_sniff("PGSIMBIX", 8));
	ck_assert_uint_eq(trace_binary_check_header(h, sizeof h, &info, why, sizeof why), 32);
	ck_assert_uint_eq(info.version, 2);
	ck_assert_uint_eq(info.flags, 0);
	trace_binary_header(h, TRACE_BINARY_FLAG_EVENTS);
	ck_assert_uint_eq(h[20], 1);
	ck_assert_uint_eq(trace_binary_check_header(h, sizeof h, &info, why, sizeof why), 32);
	ck_assert_uint_eq(info.flags, TRACE_BINARY_FLAG_EVENTS);

	/* The byte assembly, which big-endian hosts use, is exact here too. */
	trace_binary_put(&rec, b);
	ck_assert(memcmp(b, want_rec, 16) == 0);
	memset(&back, 0xff, sizeof back);
	trace_binary_get(b, &back);
	ck_assert(memcmp(&back, &rec, sizeof rec) == 0);

	/* The bulk encoder agrees with it; decoding in place undoes it. */
	trace_binary_encode(bin_sample, 4, many);
	for (int i = 0; i < 4; i++) {
		trace_binary_put(&bin_sample[i], b);
		ck_assert(memcmp(many + 16 * i, b, 16) == 0);
	}
	memcpy(host, many, sizeof host);
	trace_binary_to_host(host, 4);
	ck_assert(memcmp(host, bin_sample, sizeof host) == 0);

	ck_assert_str_eq(trace_format_name(TRACE_BINARY), "binary");
	ck_assert_int_eq(TRACE_BINARY, 5); /* the existing values are kept */
}
END_TEST

START_TEST(t_binary_roundtrip)
{
	static const char *const suffixes[] = {"", ".gz", ".zst"};
	static const size_t batches[][5] = {
	    {4096, 0}, {1, 0}, {3, 1000, 2, 77, 0}, {65536, 0}, {5000, 0},
	};
	size_t n = 70001;
	struct trace_rec *recs = random_recs(n);

	for (int s = 0; s < 3; s++) {
		char *path = write_bin(recs, n, s == 0 ? n : 1 + rnd_below(9000), suffixes[s]);

		for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
			struct trace_options o = opts(b % 2 ? TRACE_BINARY : TRACE_AUTO);
			struct result res;

			o.skip_bad = b == 4;
			run_path(path, &o, batches[b], &res);
			ck_assert_msg(!res.failed, "%s: %s", suffixes[s], res.msg);
			ck_assert_int_eq(res.format, TRACE_BINARY);
			ck_assert_uint_eq(res.n, n);
			ck_assert_uint_eq(res.skipped, 0);
			ck_assert_msg(memcmp(res.recs, recs, n * sizeof *recs) == 0, "%s, batch pattern %zu",
				      suffixes[s], b);
			result_free(&res);
		}
		unlink(path);
		free(path);
	}
	/* The header alone is an empty trace, with or without extra header bytes. */
	for (uint32_t hs = 32; hs <= 64; hs += 32) {
		struct text t = bin_bytes(1, hs, 16, 0, NULL, 0);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;

		run_data(t.s, t.len, &o, NULL, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 0);
		ck_assert_int_eq(res.format, TRACE_BINARY);
		result_free(&res);
		free(t.s);
	}
	/* A longer header (a later minor addition) is stepped over. */
	{
		struct text t = bin_bytes(1, 200, 16, 0, bin_sample, 4);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;

		run_data(t.s, t.len, &o, NULL, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 4);
		ck_assert(memcmp(res.recs, bin_sample, sizeof bin_sample) == 0);
		result_free(&res);
		free(t.s);
	}
	free(recs);
}
END_TEST

/* Text traces of every format, converted by trace_convert to plain,
 * gzip and zstd binary files, read back as the same records. */
START_TEST(t_binary_convert)
{
	static const enum trace_format formats[] = {TRACE_LACKEY, TRACE_ADDR_RW, TRACE_PAGES, TRACE_NATIVE};
	static const char *const suffixes[] = {".bin", ".bin.gz", ".bin.zst"};

	for (size_t fi = 0; fi < 4; fi++) {
		size_t n;
		struct trace_rec *want;
		char *text = random_trace(formats[fi], 20000, fi == 1, &want, &n);
		char *in = write_tmp(text, strlen(text));
		struct trace_options o = opts(TRACE_AUTO);

		for (int s = 0; s < 3; s++) {
			char *out = tmp_name(suffixes[s]);
			struct trace_convert_stats st;
			struct ps_error err;
			struct result res;
			struct stat sb;

			ck_assert_msg(trace_convert(in, &o, out, &st, &err) == 0, "%s", err.msg);
			ck_assert_str_eq(st.format, trace_format_name(formats[fi]));
			ck_assert_uint_eq(st.records, n);
			ck_assert_uint_eq(st.skipped, 0);
			ck_assert_int_eq(stat(out, &sb), 0);
			ck_assert_uint_eq(st.bytes, (uint64_t)sb.st_size);
			run_path(out, &o, NULL, &res);
			ck_assert_msg(!res.failed, "%s", res.msg);
			ck_assert_int_eq(res.format, TRACE_BINARY);
			ck_assert_uint_eq(res.n, n);
			ck_assert(memcmp(res.recs, want, n * sizeof *want) == 0);
			result_free(&res);

			/* Binary to binary: the same bytes. */
			if (s == 0) {
				char *again = tmp_name(".bin");
				struct trace_convert_stats st2;
				struct text a = {0}, b = {0};
				char buf[65536];
				FILE *f;
				size_t k;

				ck_assert_msg(trace_convert(out, &o, again, &st2, &err) == 0, "%s", err.msg);
				ck_assert_str_eq(st2.format, "binary");
				for (int i = 0; i < 2; i++) {
					f = fopen(i ? again : out, "rb");
					ck_assert_ptr_nonnull(f);
					while ((k = fread(buf, 1, sizeof buf, f)) > 0)
						text_add(i ? &b : &a, buf, k);
					fclose(f);
				}
				ck_assert_uint_eq(a.len, b.len);
				ck_assert(memcmp(a.s, b.s, a.len) == 0);
				free(a.s);
				free(b.s);
				unlink(again);
				free(again);
			}
			unlink(out);
			free(out);
		}
		unlink(in);
		free(in);
		free(text);
		free(want);
	}
}
END_TEST

/* A conversion that fails leaves neither OUT nor its temporary file. */
START_TEST(t_binary_convert_fails_cleanly)
{
	char dir[4096], in[4200], out[4200];
	struct text t = {0};
	struct trace_options o = opts(TRACE_AUTO);
	struct trace_convert_stats st;
	struct ps_error err;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof dir, "%s/check_trace-convert-XXXXXX", tmp_base());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(in, sizeof in, "%s/in.lackey", dir);
	snprintf(out, sizeof out, "%s/out.bin.zst", dir);
	for (int i = 0; i < 50000; i++)
		text_addf(&t, " L %x,4\n", i * 4096);
	text_addf(&t, "oops\n");
	{
		FILE *f = fopen(in, "wb");

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(t.s, 1, t.len, f), t.len);
		ck_assert_int_eq(fclose(f), 0);
	}
	ck_assert_int_eq(trace_convert(in, &o, out, &st, &err), -1);
	ck_assert_msg(strstr(err.msg, ":50001: expected a lackey record") != NULL, "%s", err.msg);
	ck_assert_uint_eq(st.records, 50000);
	/* A missing input creates nothing either. */
	ck_assert_int_eq(trace_convert("/nonexistent/in", &o, out, &st, &err), -1);
	ck_assert_str_eq(err.msg, "/nonexistent/in: No such file or directory");
	/* Neither does an output that cannot be created. */
	snprintf(out, sizeof out, "%s/no/such/dir.bin", dir);
	ck_assert_int_eq(trace_convert(in, &o, out, &st, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot create ") != NULL, "%s", err.msg);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(e->d_name[0] == '.' || strcmp(e->d_name, "in.lackey") == 0, "left behind: %s",
			      e->d_name);
	closedir(d);
	unlink(in);
	rmdir(dir);
	free(t.s);
}
END_TEST

/* Read the bytes t as a trace with format f (and skip_bad), expecting the
 * error "PATH<suffix>" after `records` records. */
static void expect_bin_error(const struct text *t, enum trace_format f, bool skip_bad, size_t records,
			     const char *suffix)
{
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 3, 0}};

	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		struct trace_options o = opts(f);
		struct result res;

		o.skip_bad = skip_bad;
		run_data(t->s, t->len, &o, batches[b], &res);
		expect_error(&res, suffix);
		ck_assert_msg(res.n == records, "%zu records before '%s', want %zu", res.n, suffix, records);
		if (records > 0)
			ck_assert(memcmp(res.recs, bin_sample, records * sizeof *res.recs) == 0);
		result_free(&res);
	}
}

START_TEST(t_binary_header_errors)
{
	struct text t;
	struct result res;
	struct trace_options o = opts(TRACE_AUTO);

	/* Not the magic: with auto, not binary at all; with --format binary, refused. */
	t = bin_v1(bin_sample, 4);
	t.s[7] = 'X';
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert(res.failed);
	ck_assert_msg(strstr(res.msg, "cannot tell the trace format") != NULL, "%s", res.msg);
	result_free(&res);
	expect_bin_error(&t, TRACE_BINARY, true, 0, ": not a binary trace (it does not start with \"PGSIMBIN\")");
	free(t.s);
	/* A text trace as binary, and a binary trace as text. */
	{
		struct trace_options ob = opts(TRACE_BINARY);

		run_data(" L 10,4\n", 8, &ob, NULL, &res);
		expect_error(&res, ": not a binary trace (it does not start with \"PGSIMBIN\")");
		result_free(&res);
	}
	t = bin_v1(bin_sample, 4);
	{
		struct trace_options ol = opts(TRACE_LACKEY);

		run_data(t.s, t.len, &ol, NULL, &res);
		ck_assert(res.failed);
		ck_assert_uint_eq(res.n, 0);
		ck_assert_msg(strstr(res.msg, ":1: ") != NULL, "%s", res.msg);
		result_free(&res);
	}
	free(t.s);

	/* Versions. */
	for (uint32_t v = 0; v < 4; v += 3) {
		t = bin_bytes(v, 32, 16, 0, bin_sample, 4);
		expect_bin_error(&t, TRACE_AUTO, true, 0,
				 v == 0 ? ": unsupported binary trace version 0 (this pagesim reads versions 1 and 2)"
					: ": unsupported binary trace version 3 (this pagesim reads versions 1 and 2)");
		free(t.s);
	}
	t = bin_bytes(0x01000000, 32, 16, 0, bin_sample, 4); /* a big-endian writer's 1 */
	expect_bin_error(&t, TRACE_BINARY, false, 0,
			 ": unsupported binary trace version 16777216 (this pagesim reads versions 1 and 2)");
	free(t.s);
	/* Record size, header size, flags. */
	t = bin_bytes(1, 32, 24, 0, bin_sample, 4);
	expect_bin_error(&t, TRACE_AUTO, true, 0,
			 ": binary trace record size 24 is not supported (version 1 records are 16 bytes)");
	free(t.s);
	t = bin_bytes(1, 16, 16, 0, bin_sample, 4);
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": binary trace header size 16 is out of range (32..4096 bytes)");
	free(t.s);
	t = bin_bytes(1, 5000, 16, 0, bin_sample, 4);
	expect_bin_error(&t, TRACE_AUTO, true, 0,
			 ": binary trace header size 5000 is out of range (32..4096 bytes)");
	free(t.s);
	t = bin_bytes(1, 32, 16, 4, bin_sample, 4);
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": unknown binary trace header flags 0x4 (version 1 defines none)");
	free(t.s);
	t = bin_bytes(1, 32, 16, 1, bin_sample, 4); /* the events flag is version 2's */
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": unknown binary trace header flags 0x1 (version 1 defines none)");
	free(t.s);
	t = bin_bytes(2, 32, 16, 5, bin_sample, 4);
	expect_bin_error(&t, TRACE_AUTO, true, 0,
			 ": unknown binary trace header flags 0x4 (version 2 defines 0x1, may hold events)");
	free(t.s);
	t = bin_bytes(2, 32, 24, 0, bin_sample, 4);
	expect_bin_error(&t, TRACE_AUTO, true, 0,
			 ": binary trace record size 24 is not supported (version 2 records are 16 bytes)");
	free(t.s);
	/* Truncated headers. */
	t = bin_v1(NULL, 0);
	t.len = 8;
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": truncated binary trace header (8 of 32 bytes)");
	t.len = 20;
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": truncated binary trace header (20 of 32 bytes)");
	free(t.s);
	t = bin_bytes(1, 64, 16, 0, NULL, 0);
	t.len = 40;
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": truncated binary trace header (40 of 64 bytes)");
	free(t.s);
	/* Fewer than 8 bytes of the magic: text (and then not a format). */
	run_data("PGSIM\n", 6, &o, NULL, &res);
	ck_assert(res.failed);
	ck_assert_msg(strstr(res.msg, "cannot tell the trace format") != NULL, "%s", res.msg);
	result_free(&res);
}
END_TEST

START_TEST(t_binary_record_errors)
{
	static const struct {
		struct trace_rec rec;
		unsigned va_bits;
		const char *why;
	} cases[] = {
	    {{.addr = 0x10, .pid = 1, .size = 4, .op = 3}, 48,
	     "unknown operation 3 (version 1 has 0 read, 1 write and 2 fetch; 3..255 are reserved)"},
	    {{.addr = 0x10, .pid = 1, .size = 4, .op = 255}, 48,
	     "unknown operation 255 (version 1 has 0 read, 1 write and 2 fetch; 3..255 are reserved)"},
	    {{.addr = 0x10, .pid = 1, .size = 4, .op = 1, .flags = 0x80}, 48,
	     "flags byte 0x80 is reserved and must be 0"},
	    {{.addr = 0x10, .pid = 1, .size = 0, .op = 0}, 48, "size 0 (must be 1..65535)"},
	    {{.addr = 0, .pid = 1, .size = 0, .op = 0}, 64, "size 0 (must be 1..65535)"},
	    {{.addr = 0x10, .pid = 0, .size = 4, .op = 0}, 48, "pid 0 (must be 1..4294967295)"},
	    {{.addr = UINT64_C(1) << 48, .pid = 1, .size = 1, .op = 0}, 48,
	     "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {{.addr = 0xfffffffffffc, .pid = 1, .size = 8, .op = 1}, 48,
	     "access of 8 bytes at 0xfffffffffffc runs past the end of the 48-bit virtual address space"},
	    {{.addr = 0x7ffff000, .pid = 2, .size = 8, .op = 1}, 32, NULL}, /* fits */
	    {{.addr = UINT64_C(0x100000000), .pid = 1, .size = 1, .op = 0}, 32,
	     "address 0x100000000 is beyond the 32-bit virtual address space"},
	    {{.addr = 0xffffffff, .pid = 1, .size = 2, .op = 0}, 32,
	     "access of 2 bytes at 0xffffffff runs past the end of the 32-bit virtual address space"},
	    {{.addr = UINT64_MAX - 7, .pid = 1, .size = 8, .op = 0}, 64, NULL}, /* the very last bytes */
	    {{.addr = UINT64_MAX - 2, .pid = 1, .size = 8, .op = 0}, 64,
	     "access of 8 bytes at 0xfffffffffffffffd runs past the end of the 64-bit virtual address space"},
	    {{.addr = UINT64_MAX, .pid = 1, .size = 1, .op = 2}, 63,
	     "address 0xffffffffffffffff is beyond the 63-bit virtual address space"},
	};

	for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
		/* Record 3 is the case; the others fit in 32 bits. */
		const struct trace_rec recs[6] = {bin_sample[0], bin_sample[1], cases[c].rec,
						  bin_sample[2], bin_sample[1], bin_sample[0]};
		struct text t = bin_v1(recs, 6);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;
		char want[512];

		o.va_bits = cases[c].va_bits;
		run_data(t.s, t.len, &o, NULL, &res);
		if (cases[c].why == NULL) {
			ck_assert_msg(!res.failed, "case %zu: %s", c, res.msg);
			ck_assert_uint_eq(res.n, 6);
			ck_assert(memcmp(res.recs, recs, sizeof recs) == 0);
			result_free(&res);
			free(t.s);
			continue;
		}
		/* Without skip_bad: the two records before it, then the error, in any batch size. */
		snprintf(want, sizeof want, ": record 3: %s", cases[c].why);
		expect_error(&res, want);
		ck_assert_uint_eq(res.n, 2);
		result_free(&res);
		for (size_t batch = 1; batch <= 3; batch++) {
			size_t b[2] = {batch, 0};

			run_data(t.s, t.len, &o, b, &res);
			expect_error(&res, want);
			ck_assert_uint_eq(res.n, 2);
			ck_assert(memcmp(res.recs, recs, 2 * sizeof *recs) == 0);
			result_free(&res);
		}
		/* With skip_bad: the other five, and the message kept. */
		o.skip_bad = true;
		for (size_t batch = 1; batch <= 4096; batch *= 4) {
			size_t b[2] = {batch, 0};

			run_data(t.s, t.len, &o, b, &res);
			ck_assert_msg(!res.failed, "case %zu: %s", c, res.msg);
			ck_assert_uint_eq(res.n, 5);
			ck_assert(memcmp(res.recs, recs, 2 * sizeof *recs) == 0);
			ck_assert(memcmp(res.recs + 2, recs + 3, 3 * sizeof *recs) == 0);
			ck_assert_uint_eq(res.skipped, 1);
			ck_assert_msg(strncmp(res.first_skip, res.path, strlen(res.path)) == 0 &&
					  strcmp(res.first_skip + strlen(res.path), want) == 0,
				      "first skip: %s", res.first_skip);
			result_free(&res);
		}
		free(t.s);
	}
}
END_TEST

/* Many bad records at random places, found across block and batch
 * boundaries: skip_bad keeps exactly the good ones, in order, and names
 * the first bad one; without it, the error names it after the records
 * before it. */
START_TEST(t_binary_skip_many)
{
	size_t n = 20000, good = 0, first_bad = SIZE_MAX;
	struct trace_rec *recs = random_recs(n), *want = malloc(n * sizeof *want);
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {63, 65, 0}, {64, 0}};

	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < n; i++) {
		if (rnd_below(97) == 0 || i == n - 1) {
			switch (rnd_below(4)) {
			case 0: recs[i].op = (uint8_t)(3 + rnd_below(253)); break;
			case 1: recs[i].size = 0; break;
			case 2: recs[i].pid = 0; break;
			default: recs[i].addr |= UINT64_C(1) << (48 + rnd_below(16)); break;
			}
			if (first_bad == SIZE_MAX)
				first_bad = i;
		} else {
			want[good++] = recs[i];
		}
	}
	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		char *path = write_bin(recs, n, n, b == 2 ? ".zst" : "");
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;
		char prefix[64];

		o.skip_bad = true;
		run_path(path, &o, batches[b], &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, good);
		ck_assert_uint_eq(res.skipped, n - good);
		ck_assert(memcmp(res.recs, want, good * sizeof *want) == 0);
		snprintf(prefix, sizeof prefix, ": record %zu: ", first_bad + 1);
		ck_assert_msg(strstr(res.first_skip, prefix) != NULL, "%s", res.first_skip);
		result_free(&res);

		o.skip_bad = false;
		run_path(path, &o, batches[b], &res);
		ck_assert(res.failed);
		ck_assert_msg(strstr(res.msg, prefix) != NULL, "%s", res.msg);
		ck_assert_uint_eq(res.n, first_bad);
		result_free(&res);
		unlink(path);
		free(path);
	}
	free(recs);
	free(want);
}
END_TEST

START_TEST(t_binary_truncated)
{
	struct text t = bin_v1(bin_sample, 4);
	size_t full = t.len;

	/* A partial last record: the whole ones, then the error, skip_bad or not. */
	for (size_t cut = 1; cut < 16; cut += 4) {
		char want[128];

		t.len = full - cut;
		snprintf(want, sizeof want, ": record 4: truncated record (the input ends after %zu of its 16 bytes)",
			 16 - cut);
		expect_bin_error(&t, TRACE_AUTO, false, 3, want);
		expect_bin_error(&t, TRACE_BINARY, true, 3, want);
	}
	/* The same inside a complete zstd frame and a gzip member. */
	for (int f = 0; f < 2; f++) {
		size_t clen;
		unsigned char *c = (f ? zstd_bytes : gzip_bytes)(t.s, full - 3, &clen);
		struct text ct = {0};

		text_add(&ct, c, clen);
		expect_bin_error(&ct, TRACE_AUTO, true, 3,
				 ": record 4: truncated record (the input ends after 13 of its 16 bytes)");
		free(ct.s);
		free(c);
	}
	/* A compressed stream cut short: whole records, then the stream's own error. */
	{
		size_t n = 30000, clen;
		struct trace_rec *recs = random_recs(n);
		struct text big = bin_v1(recs, n);
		unsigned char *c = zstd_bytes(big.s, big.len, &clen);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;

		o.skip_bad = true;
		run_data(c, clen - 1000, &o, NULL, &res);
		expect_error(&res, ": truncated zstd stream");
		ck_assert_uint_lt(res.n, n);
		ck_assert(res.n == 0 || memcmp(res.recs, recs, res.n * sizeof *recs) == 0);
		result_free(&res);
		free(c);
		free(big.s);
		free(recs);
	}
	free(t.s);
}
END_TEST

START_TEST(t_binary_stdin)
{
	struct text t = bin_v1(bin_sample, 4);
	struct result res;
	size_t clen;
	unsigned char *c;

	run_stdin(t.s, t.len, TRACE_AUTO, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_int_eq(res.format, TRACE_BINARY);
	ck_assert_uint_eq(res.n, 4);
	ck_assert(memcmp(res.recs, bin_sample, sizeof bin_sample) == 0);
	result_free(&res);

	c = zstd_bytes(t.s, t.len, &clen);
	run_stdin(c, clen, TRACE_BINARY, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 4);
	ck_assert(memcmp(res.recs, bin_sample, sizeof bin_sample) == 0);
	result_free(&res);
	free(c);

	run_stdin(t.s, t.len - 1, TRACE_AUTO, &res);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_str_eq(res.msg, "<stdin>: record 4: truncated record (the input ends after 15 of its 16 bytes)");
	result_free(&res);
	free(t.s);
}
END_TEST

/* Flip random bytes of a binary trace, plain or compressed: records that
 * pass are valid, errors name the file; nothing crashes. */
START_TEST(t_binary_fuzz)
{
	size_t n = 3000;
	struct trace_rec *recs = random_recs(n);
	struct text t = bin_v1(recs, n);

	for (int round = 0; round < 300; round++) {
		unsigned char *m = malloc(t.len), *data = m;
		size_t len = t.len - (round % 5 == 0 ? rnd_below(40) : 0), clen = len;
		struct trace_options o = opts(round % 2 ? TRACE_AUTO : TRACE_BINARY);
		struct result res;

		memcpy(m, t.s, t.len);
		for (int k = 1 + (int)rnd_below(8); k > 0; k--)
			m[rnd_below(round % 3 ? len : 48)] ^= (unsigned char)(1 + rnd_below(255));
		if (round % 4 == 3)
			data = zstd_bytes(m, len, &clen);
		o.skip_bad = round % 3 == 0;
		o.va_bits = 32 + (unsigned)rnd_below(33);
		run_data(data, clen, &o, NULL, &res);
		if (res.failed)
			ck_assert(strncmp(res.msg, res.path, strlen(res.path)) == 0);
		for (size_t i = 0; i < res.n; i++) {
			QUIET_ASSERT(res.recs[i].size >= 1 && res.recs[i].op <= OP_FETCH && res.recs[i].pid >= 1 &&
				     res.recs[i].flags == 0);
			if (o.va_bits < 64)
				QUIET_ASSERT(res.recs[i].addr + res.recs[i].size - 1 < UINT64_C(1) << o.va_bits);
			else
				QUIET_ASSERT(res.recs[i].addr + res.recs[i].size - 1 >= res.recs[i].addr);
		}
		result_free(&res);
		if (data != m)
			free(data);
		free(m);
	}
	free(t.s);
	free(recs);
}
END_TEST

/* ---- events ------------------------------------------------------------ */

/* The example of issue 3, with its line numbers in comments. */
static const char ev_example[] = "pagesim-trace 1\n"                                         /* 1 */
				 "process 1\n"                                               /* 2 */
				 "segment code  0x08048000 0x3000 r-x file=a.out offset=0\n" /* 3 */
				 "segment data  0x0804b000 0x1000 rw- file=a.out offset=0x3000\n"
				 "segment bss   0x0804c000 0x2000 rw- zero\n"
				 "segment stack 0xbfffe000 0x2000 rw- stack max=0x800000\n"
				 "mmap   0x40000000 0x4000 rw- shared file=data.bin offset=0\n"
				 "mmap   0x50000000 0x2000 rw- private file=data.bin\n"
				 "mmap   0x60000000 0x10000 rw- anon\n" /* 9 */
				 "R 0x08048010\n"
				 "W 0x40000008\n"
				 "X 0x08048020\n"
				 "munmap 0x40000000 0x1000\n" /* 13 */
				 "brk    0x0804e000\n"
				 "fork   1 2\n"
				 "process 2\n"
				 "exit   2\n"; /* 17 */

/* Its events, in order (line numbers as read from the text). */
static const struct trace_event ev_example_events[] = {
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_X, .backing = BACK_FILE, .pid = 1, .addr = 0x08048000,
     .len = 0x3000, .line = 3, .name = "code", .file = "a.out"},
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_FILE, .pid = 1, .addr = 0x0804b000,
     .len = 0x1000, .offset = 0x3000, .line = 4, .name = "data", .file = "a.out"},
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_ZERO, .pid = 1, .addr = 0x0804c000,
     .len = 0x2000, .line = 5, .name = "bss"},
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_STACK, .pid = 1, .addr = 0xbfffe000,
     .len = 0x2000, .max = 0x800000, .line = 6, .name = "stack"},
    {.kind = EV_MMAP, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_FILE, .shared = true, .pid = 1,
     .addr = 0x40000000, .len = 0x4000, .line = 7, .file = "data.bin"},
    {.kind = EV_MMAP, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_FILE, .pid = 1, .addr = 0x50000000,
     .len = 0x2000, .line = 8, .file = "data.bin"},
    {.kind = EV_MMAP, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_ZERO, .pid = 1, .addr = 0x60000000,
     .len = 0x10000, .line = 9},
    {.kind = EV_MUNMAP, .pid = 1, .addr = 0x40000000, .len = 0x1000, .line = 13},
    {.kind = EV_BRK, .pid = 1, .addr = 0x0804e000, .line = 14},
    {.kind = EV_FORK, .pid = 1, .child = 2, .line = 15},
    {.kind = EV_EXIT, .pid = 2, .line = 17},
};

/* Its records: the index of each record's event (-1: an access), and lines. */
static const int ev_example_index[] = {0, 1, 2, 3, 4, 5, 6, -1, -1, -1, 7, 8, 9, 10};
static const uint64_t ev_example_lines[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};

/* A decoding with its lines and its events (a caller-owned table). */
struct evresult {
	struct result res;
	uint64_t *lines;
	struct trace_events *events;
	bool may_have_events;
};

/* Open path with o (its events going into a new table of ours) and read
 * it all with trace_read_batch in batches drawn from batch[] (0-terminated;
 * NULL: 4096). */
static void ev_run_path(const char *path, const struct trace_options *o0, const size_t *batch, struct evresult *er)
{
	struct trace_options o = *o0;
	struct result *res = &er->res;
	struct ps_error err;
	struct trace_reader *r;
	size_t bi = 0, cap = 0;

	memset(er, 0, sizeof *er);
	snprintf(res->path, sizeof res->path, "%s", path);
	er->events = trace_events_create("before open", false);
	ck_assert_ptr_nonnull(er->events);
	o.events = er->events;
	r = trace_open(path, &o, &err);
	if (r == NULL) {
		res->failed = true;
		snprintf(res->msg, sizeof res->msg, "%s", err.msg);
		return;
	}
	res->opened = true;
	ck_assert(trace_events_of(r) == er->events);
	for (;;) {
		size_t want = batch == NULL ? 4096 : batch[bi];
		ssize_t got;

		if (batch != NULL && batch[++bi] == 0)
			bi = 0;
		if (res->n + want > cap) {
			cap = (res->n + want) * 2;
			res->recs = realloc(res->recs, cap * sizeof *res->recs);
			er->lines = realloc(er->lines, cap * sizeof *er->lines);
			ck_assert(res->recs != NULL && er->lines != NULL);
		}
		got = trace_read_batch(r, res->recs + res->n, er->lines + res->n, want, &err);
		if (got < 0) {
			res->failed = true;
			snprintf(res->msg, sizeof res->msg, "%s", err.msg);
			break;
		}
		ck_assert_uint_le((size_t)got, want);
		if (got == 0)
			break;
		res->n += (size_t)got;
	}
	res->format = trace_format_of(r);
	res->skipped = trace_skipped(r);
	snprintf(res->first_skip, sizeof res->first_skip, "%s", trace_first_skip(r));
	er->may_have_events = trace_may_have_events(r);
	trace_close(r); /* the table is ours: it stays */
	ck_assert_str_eq(trace_events_name(er->events), path);
}

static void ev_run_text(const char *text, size_t len, const struct trace_options *o, const size_t *batch,
			struct evresult *er)
{
	char *path = write_tmp(text, len);

	ev_run_path(path, o, batch, er);
	unlink(path);
	free(path);
}

static void ev_free(struct evresult *er)
{
	result_free(&er->res);
	free(er->lines);
	trace_events_destroy(er->events);
	memset(er, 0, sizeof *er);
}

static bool ev_str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Are events a and b the same, line aside? */
static bool ev_same(const struct trace_event *a, const struct trace_event *b)
{
	return a->kind == b->kind && a->prot == b->prot && a->backing == b->backing && a->shared == b->shared &&
	       a->pid == b->pid && a->child == b->child && a->addr == b->addr && a->len == b->len &&
	       a->offset == b->offset && a->max == b->max && ev_str_eq(a->name, b->name) &&
	       ev_str_eq(a->file, b->file);
}

/* er holds exactly the example's records, events and (text) lines. */
static void ev_check_example(const struct evresult *er, bool binary)
{
	const struct result *res = &er->res;
	uint64_t recno = 1;

	ck_assert_msg(!res->failed, "%s", res->msg);
	ck_assert(er->may_have_events);
	ck_assert_uint_eq(res->n, ARRAY_LEN(ev_example_index));
	ck_assert_uint_eq(trace_events_count(er->events), ARRAY_LEN(ev_example_events));
	ck_assert(trace_events_records(er->events) == binary);
	for (size_t i = 0; i < res->n; i++) {
		const struct trace_rec *r = &res->recs[i];
		int e = ev_example_index[i];

		if (e < 0) {
			ck_assert_uint_le(r->op, OP_FETCH);
			ck_assert_uint_eq(r->size, 1);
		} else {
			const struct trace_event *ev = trace_events_get(er->events, r->addr);

			ck_assert_uint_eq(r->op, OP_EVENT);
			ck_assert_uint_eq(r->addr, (uint64_t)e);
			ck_assert_uint_eq(r->size, 0);
			ck_assert_uint_eq(r->flags, ev_example_events[e].kind);
			ck_assert_uint_eq(r->pid, ev_example_events[e].pid);
			ck_assert_msg(ev_same(ev, &ev_example_events[e]), "event %d differs", e);
			ck_assert_uint_eq(ev->line, er->lines[i]);
		}
		if (binary) {
			ck_assert_uint_eq(er->lines[i], recno);
			recno += e < 0 ? 1 : 1 + trace_binary_event_records(&ev_example_events[e]);
		} else {
			ck_assert_uint_eq(er->lines[i], ev_example_lines[i]);
		}
	}
	ck_assert_uint_eq(res->recs[7].addr, 0x08048010);
	ck_assert_uint_eq(res->recs[13].pid, 2);
	/* Equal file names are one pointer. */
	ck_assert_ptr_eq(trace_events_get(er->events, 0)->file, trace_events_get(er->events, 1)->file);
	ck_assert_ptr_eq(trace_events_get(er->events, 4)->file, trace_events_get(er->events, 5)->file);
}

START_TEST(t_events_example)
{
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 0}, {3, 0}, {2, 1, 3, 0}};

	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		struct trace_options o = opts(b % 2 ? TRACE_NATIVE : TRACE_AUTO);
		struct evresult er;

		ev_run_text(ev_example, strlen(ev_example), &o, batches[b], &er);
		ck_assert_int_eq(er.res.format, TRACE_NATIVE);
		ev_check_example(&er, false);
		ev_free(&er);
	}
}
END_TEST

/* Every spelling the grammar allows, and what each becomes. */
START_TEST(t_events_variants)
{
	static const char text[] = "pagesim-trace 1\n"
				   "process 7\n"
				   "segment heap_1.x-y 4096 8192 --- anon   # a comment\n"
				   "\tsegment _s 0x10000 1 -w- stack\r\n"
				   "segment f 0x20000 0x10 --x file=/lib/x86_64/libc.so.6 offset=8192\n"
				   "mmap 0x30000 100 r-- private anon\n"
				   "mmap 0x40000 0x1000 rwx private file=f@1#2 offset=0x1000 # c\n"
				   "munmap 0x30000 4096\n"
				   "brk 0x12345\n"
				   "fork 4294967295 1\n"
				   "exit 4294967295\n"
				   "segment top 0xfffffffff000 0x1000 r-- zero\n"
				   "process 9\n"
				   "brk 0\n";
	const struct trace_event want[] = {
	    {.kind = EV_SEGMENT, .backing = BACK_ZERO, .pid = 7, .addr = 4096, .len = 8192, .name = "heap_1.x-y"},
	    {.kind = EV_SEGMENT, .prot = EV_PROT_W, .backing = BACK_STACK, .pid = 7, .addr = 0x10000, .len = 1,
	     .name = "_s"},
	    {.kind = EV_SEGMENT, .prot = EV_PROT_X, .backing = BACK_FILE, .pid = 7, .addr = 0x20000, .len = 0x10,
	     .offset = 8192, .name = "f", .file = "/lib/x86_64/libc.so.6"},
	    {.kind = EV_MMAP, .prot = EV_PROT_R, .backing = BACK_ZERO, .pid = 7, .addr = 0x30000, .len = 100},
	    {.kind = EV_MMAP, .prot = 7, .backing = BACK_FILE, .pid = 7, .addr = 0x40000, .len = 0x1000,
	     .offset = 0x1000, .file = "f@1#2"},
	    {.kind = EV_MUNMAP, .pid = 7, .addr = 0x30000, .len = 4096},
	    {.kind = EV_BRK, .pid = 7, .addr = 0x12345},
	    {.kind = EV_FORK, .pid = 4294967295u, .child = 1},
	    {.kind = EV_EXIT, .pid = 4294967295u},
	    {.kind = EV_SEGMENT, .prot = EV_PROT_R, .backing = BACK_ZERO, .pid = 7, .addr = 0xfffffffff000,
	     .len = 0x1000, .name = "top"},
	    {.kind = EV_BRK, .pid = 9, .addr = 0},
	};
	static const uint64_t lines[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14};
	struct trace_options o = opts(TRACE_AUTO);
	struct evresult er;

	ev_run_text(text, strlen(text), &o, NULL, &er);
	ck_assert_msg(!er.res.failed, "%s", er.res.msg);
	ck_assert_uint_eq(er.res.n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct trace_event *ev = trace_events_get(er.events, er.res.recs[i].addr);
		char line[512], why[256];
		struct trace_options o2 = opts(TRACE_NATIVE);
		struct evresult again;
		struct text t = {0};

		ck_assert_uint_eq(er.res.recs[i].op, OP_EVENT);
		ck_assert_msg(ev_same(ev, &want[i]), "event %zu differs", i);
		ck_assert_uint_eq(er.lines[i], lines[i]);
		ck_assert_uint_eq(ev->line, lines[i]);
		ck_assert(trace_event_check(ev, 48, 12, why, sizeof why));
		/* trace_event_format writes a line that reads back as the same event. */
		ck_assert_int_lt(trace_event_format(ev, line, sizeof line), (int)sizeof line);
		text_addf(&t, "pagesim-trace 1\nprocess %u\n%s\n", (unsigned)ev->pid, line);
		ev_run_text(t.s, t.len, &o2, NULL, &again);
		ck_assert_msg(!again.res.failed, "'%s': %s", line, again.res.msg);
		ck_assert_uint_eq(again.res.n, 1);
		ck_assert_msg(ev_same(trace_events_get(again.events, 0), ev), "'%s' reads back differently", line);
		ev_free(&again);
		free(t.s);
	}
	ev_free(&er);

	/* A short buffer gets what fits, and the length it needed. */
	{
		char small[8];
		int need = trace_event_format(&want[7], small, sizeof small);

		ck_assert_int_eq(need, (int)strlen("fork 4294967295 1"));
		ck_assert_str_eq(small, "fork 42");
	}
}
END_TEST

START_TEST(t_events_errors)
{
	static char long_name[128], long_file[300], long_field[80];
	static struct bad_line bad[] = {
	    {"segment", "expected NAME ('segment NAME ADDR LEN PROT BACKING', BACKING: file=F [offset=O], zero, anon"
			" or stack [max=M])"},
	    {"segment code 0x1000 0x1000 r-x", "expected BACKING ('segment NAME ADDR LEN PROT BACKING', BACKING:"
					       " file=F [offset=O], zero, anon or stack [max=M])"},
	    {"segment 1code 0x1000 0x1000 r-x zero", "segment name must start with a letter or '_' and hold only"
						     " letters, digits, '_', '.' and '-'"},
	    {"segment c@de 0x1000 0x1000 r-x zero", "segment name must start with a letter or '_' and hold only"
						    " letters, digits, '_', '.' and '-'"},
	    {long_name, "segment name is longer than 63 characters"},
	    {"segment code 0x1001 0x1000 r-x zero", "address 0x1001 is not page-aligned (pages of 4096 bytes)"},
	    {"segment code zz 0x1000 r-x zero", "expected ADDR as a number (0x-hex or decimal), got 'zz'"},
	    {"segment code 0x1000 0x zero r-x", "expected LEN as a number (0x-hex or decimal), got '0x'"},
	    {"segment code 0x1000 0 r-x zero", "length 0 (must be at least 1 byte)"},
	    {"segment code 0x1000 0x1000 rwz zero",
	     "expected PROT as three characters [r-][w-][x-] such as r-x, got 'rwz'"},
	    {"segment code 0x1000 0x1000 rw zero",
	     "expected PROT as three characters [r-][w-][x-] such as r-x, got 'rw'"},
	    {"segment code 0x1000 0x1000 R-X zero",
	     "expected PROT as three characters [r-][w-][x-] such as r-x, got 'R-X'"},
	    {"segment code 0x1000 0x1000 r-x heap",
	     "expected BACKING: file=F [offset=O], zero, anon or stack [max=M], got 'heap'"},
	    {"segment code 0x1000 0x1000 r-x zero extra", "expected the end of the line after 'zero', got 'extra'"},
	    {"segment code 0x1000 0x1000 r-x stack max=zz", "expected max M as a number (0x-hex or decimal), got 'zz'"},
	    {"segment code 0x1000 0x1000 r-x stack 5", "expected max=M or the end of the line after 'stack', got '5'"},
	    {"segment code 0x1000 0x1000 r-x stack max=1 5",
	     "expected the end of the line after 'max=1', got '5'"},
	    {"segment code 0x1000 0x1000 r-x file=", "expected a file name after 'file='"},
	    {long_file, "file name is longer than 255 characters"},
	    {"segment code 0x1000 0x1000 r-x file=a offset=0x10",
	     "offset 0x10 is not page-aligned (pages of 4096 bytes)"},
	    {"segment code 0x1000 0x1000 r-x file=a offset=x", "expected offset O as a number (0x-hex or decimal), got 'x'"},
	    {"segment code 0x1000 0x1000 r-x file=a x",
	     "expected offset=O or the end of the line after 'file=a', got 'x'"},
	    {"segment code 0x1000 0x1000 r-x file=a offset=0 x", "expected the end of the line after 'offset=0', got 'x'"},
	    {"segment code 0xfffffffff000 0x2000 r-x zero",
	     "segment of 0x2000 bytes at 0xfffffffff000 runs past the end of the 48-bit virtual address space"},
	    {"segment code 0x1000000000000 0x1000 r-x zero",
	     "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {"segment code 0x1000 0x10000000000000000 r-x zero", "LEN does not fit in 64 bits"},
	    {"mmap", "expected ADDR ('mmap ADDR LEN PROT shared|private file=F [offset=O]' or"
		     " 'mmap ADDR LEN PROT anon')"},
	    {"mmap 0x1000 0x1000 rw-", "expected shared, private or anon ('mmap ADDR LEN PROT shared|private"
				       " file=F [offset=O]' or 'mmap ADDR LEN PROT anon')"},
	    {"mmap 0x1000 0x1000 rw- shared anon",
	     "'shared anon' mappings are not modeled (map a file shared, or use anon)"},
	    {"mmap 0x1000 0x1000 rw- shared", "expected file=F after 'shared'"},
	    {"mmap 0x1000 0x1000 rw- private", "expected file=F or anon after 'private'"},
	    {"mmap 0x1000 0x1000 rw- private zero", "expected file=F or anon after 'private', got 'zero'"},
	    {"mmap 0x1000 0x1000 rw- shared x", "expected file=F after 'shared', got 'x'"},
	    {"mmap 0x1000 0x1000 rw- zero", "expected shared, private or anon after PROT, got 'zero'"},
	    {"mmap 0x1000 0x1000 rw- anon x", "expected the end of the line after 'anon', got 'x'"},
	    {"mmap 0x1000 0x1000 rw- private anon x", "expected the end of the line after 'anon', got 'x'"},
	    {"mmap 0x1000 0x1000 rw- shared file=f offset=0 x", "expected the end of the line after 'offset=0', got 'x'"},
	    {"mmap 0x1800 0x1000 rw- anon", "address 0x1800 is not page-aligned (pages of 4096 bytes)"},
	    {"mmap 0x1000 0 rw- anon", "length 0 (must be at least 1 byte)"},
	    {"mmap 0x1000 0x1000 rw- shared file=f offset=0x800",
	     "offset 0x800 is not page-aligned (pages of 4096 bytes)"},
	    {"mmap 0xffffffff0000 0x10001 rw- anon",
	     "mmap of 0x10001 bytes at 0xffffffff0000 runs past the end of the 48-bit virtual address space"},
	    {"munmap", "expected ADDR ('munmap ADDR LEN')"},
	    {"munmap 0x1000", "expected LEN ('munmap ADDR LEN')"},
	    {"munmap 0x1000 0x1000 0x1000", "expected the end of the line after '0x1000', got '0x1000'"},
	    {"munmap 0x1001 0x1000", "address 0x1001 is not page-aligned (pages of 4096 bytes)"},
	    {"munmap 0x1000 0", "length 0 (must be at least 1 byte)"},
	    {"munmap 0x1000 0x1000#c", "expected LEN as a number (0x-hex or decimal), got '0x1000#c'"},
	    {"brk", "expected ADDR ('brk ADDR')"},
	    {"brk x", "expected ADDR as a number (0x-hex or decimal), got 'x'"},
	    {"brk 0x1000000000000", "address 0x1000000000000 is beyond the 48-bit virtual address space"},
	    {"brk 1 2", "expected the end of the line after '1', got '2'"},
	    {long_field, "expected ADDR as a number (0x-hex or decimal), got"
			 " 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...'"},
	    {"fork", "expected PARENT ('fork PARENT CHILD')"},
	    {"fork 2", "expected CHILD ('fork PARENT CHILD')"},
	    {"fork 0 2", "expected PARENT as a pid in 1..4294967295, got '0'"},
	    {"fork 0x1 2", "expected PARENT as a pid in 1..4294967295, got '0x1'"},
	    {"fork 1 4294967296", "expected CHILD as a pid in 1..4294967295, got '4294967296'"},
	    {"fork 3 3", "fork of process 3 into itself (the child needs a pid of its own)"},
	    {"fork 1 2 3", "expected the end of the line after '2', got '3'"},
	    {"exit", "expected PID ('exit PID')"},
	    {"exit 0", "expected PID as a pid in 1..4294967295, got '0'"},
	    {"exit 2#bye", "expected PID as a pid in 1..4294967295, got '2#bye'"},
	    {"exit 1 2", "expected the end of the line after '1', got '2'"},
	    {"exits 1", "expected R, W, X, M, process, segment, mmap, munmap, brk, fork or exit"},
	    {"Mmap 0x1000 0x1000 rw- anon", "expected R, W, X, M, process, segment, mmap, munmap, brk, fork or exit"},
	    {NULL, NULL},
	};
	static const struct bad_line bad64[] = {
	    {"segment code 0xfffffffffffff000 0x2000 r-x zero",
	     "segment of 0x2000 bytes at 0xfffffffffffff000 runs past the end of the 64-bit virtual address space"},
	    {"munmap 0xfffffffffffff000 0xffffffffffffffff",
	     "munmap of 0xffffffffffffffff bytes at 0xfffffffffffff000 runs past the end of the 64-bit virtual"
	     " address space"},
	    {NULL, NULL},
	};
	static const struct bad_line bad32[] = {
	    {"mmap 0xffff0000 0x10001 rw- anon",
	     "mmap of 0x10001 bytes at 0xffff0000 runs past the end of the 32-bit virtual address space"},
	    {"brk 0x100000000", "address 0x100000000 is beyond the 32-bit virtual address space"},
	    {NULL, NULL},
	};

	snprintf(long_name, sizeof long_name, "segment %064d 0x1000 0x1000 r-x zero", 0);
	long_name[8] = 'n';
	snprintf(long_file, sizeof long_file, "segment x 0x1000 0x1000 r-x file=%0256d", 0);
	memset(long_field, 'z', 60);
	memcpy(long_field, "brk ", 4);
	long_field[60] = '\0';
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", bad, 48);
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", bad64, 64);
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", bad32, 32);
}
END_TEST

/* The edges that are fine: the longest name and file name, the last page. */
START_TEST(t_events_edges)
{
	struct text t = {0};
	struct trace_options o = opts(TRACE_NATIVE);
	struct evresult er;
	char name[64], file[256];

	memset(name, 'n', 63);
	name[63] = '\0';
	memset(file, 'f', 255);
	file[255] = '\0';
	text_addf(&t, "pagesim-trace 1\n");
	text_addf(&t, "segment %s 0 1 r-- zero\n", name);
	text_addf(&t, "segment s 0x1000 0x1000 r-- file=");
	text_add(&t, file, 255);
	text_addf(&t, " offset=0xfffffffffffff000\n");
	text_addf(&t, "mmap 0xfffffffff000 0x1000 --- anon\n");
	ev_run_text(t.s, t.len, &o, (const size_t[]){1, 0}, &er);
	ck_assert_msg(!er.res.failed, "%s", er.res.msg);
	ck_assert_uint_eq(er.res.n, 3);
	ck_assert_str_eq(trace_events_get(er.events, 0)->name, name);
	ck_assert_str_eq(trace_events_get(er.events, 1)->file, file);
	ck_assert_uint_eq(trace_events_get(er.events, 1)->offset, 0xfffffffffffff000u);
	ev_free(&er);
	free(t.s);

	/* Page size 64 KiB: 0x10000 is aligned, 0x1000 is not. */
	o.page_shift = 16;
	ev_run_text("pagesim-trace 1\nmunmap 0x10000 1\nmunmap 0x1000 1\n", 48, &o, NULL, &er);
	ck_assert_uint_eq(er.res.n, 1);
	expect_error(&er.res, ":3: address 0x1000 is not page-aligned (pages of 65536 bytes)");
	ev_free(&er);
}
END_TEST

/* Lines of accesses, M halves and events, over batch boundaries; the lines
 * of the other text formats. */
START_TEST(t_events_lines)
{
	static const char text[] = "pagesim-trace 1\n" /* 1 */
				   "M 0x10 4\n"         /* 2: two records */
				   "\n"
				   "exit 3\n"           /* 4 */
				   "M 0x20 4\n"         /* 5 */
				   "# c\n"
				   "M 0x30 4\n"         /* 7 */
				   "fork 1 2\n"         /* 8 */
				   "R 0x40\n";          /* 9 */
	static const uint64_t want[] = {2, 2, 4, 5, 5, 7, 7, 8, 9};
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 0}, {3, 0}, {1, 2, 0}};

	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;

		ev_run_text(text, strlen(text), &o, batches[b], &er);
		ck_assert_msg(!er.res.failed, "%s", er.res.msg);
		ck_assert_uint_eq(er.res.n, ARRAY_LEN(want));
		for (size_t i = 0; i < ARRAY_LEN(want); i++)
			ck_assert_msg(er.lines[i] == want[i], "batch pattern %zu, record %zu: line %llu, want %llu", b,
				      i, (unsigned long long)er.lines[i], (unsigned long long)want[i]);
		ck_assert_uint_eq(er.res.recs[1].op, OP_WRITE);
		ck_assert_uint_eq(er.res.recs[2].op, OP_EVENT);
		ck_assert_uint_eq(er.res.recs[2].flags, EV_EXIT);
		ck_assert_uint_eq(er.res.recs[2].pid, 3);
		ck_assert_uint_eq(trace_events_get(er.events, 1)->line, 8);
		ev_free(&er);
	}
	/* Pages: several records on one line; lackey: an M; with skip_bad, the
	 * skipped lines still count. */
	{
		struct trace_options o = opts(TRACE_PAGES);
		struct evresult er;
		static const uint64_t pw[] = {1, 1, 1, 3, 4, 4};

		o.skip_bad = true;
		ev_run_text("1 2 3\nx\n4\n5,6\n", 14, &o, (const size_t[]){2, 0}, &er);
		ck_assert_uint_eq(er.res.n, 6);
		ck_assert_uint_eq(er.res.skipped, 1);
		for (size_t i = 0; i < 6; i++)
			ck_assert_uint_eq(er.lines[i], pw[i]);
		ck_assert(!er.may_have_events);
		ck_assert_uint_eq(trace_events_count(er.events), 0);
		ev_free(&er);

		o = opts(TRACE_LACKEY);
		ev_run_text("==1== x\n M 10,4\n L 20,4\n", 24, &o, (const size_t[]){1, 0}, &er);
		ck_assert_uint_eq(er.res.n, 3);
		ck_assert_uint_eq(er.lines[0], 2);
		ck_assert_uint_eq(er.lines[1], 2);
		ck_assert_uint_eq(er.lines[2], 3);
		ck_assert(!er.may_have_events);
		ev_free(&er);
	}
}
END_TEST

/* The reader's own table and a caller's: trace_events_of, trace_read's
 * placeholders, the table outliving the reader, batch_where. */
START_TEST(t_events_tables)
{
	char *path = write_tmp(ev_example, strlen(ev_example));
	struct trace_options o = opts(TRACE_AUTO);
	struct trace_events *mine = trace_events_create("mine", true);
	struct trace_rec recs[32];
	uint64_t lines[32];
	struct ps_error err;
	struct trace_reader *r;
	const struct trace_events *own;
	char where[256];
	ssize_t n;

	/* Own table. */
	r = trace_open(path, &o, &err);
	ck_assert_msg(r != NULL, "%s", err.msg);
	own = trace_events_of(r);
	ck_assert_ptr_nonnull(own);
	ck_assert_str_eq(trace_events_name(own), path);
	ck_assert(!trace_events_records(own));
	n = trace_read(r, recs, 32, &err);
	ck_assert_int_eq(n, 14);
	ck_assert_uint_eq(trace_events_count(own), 11);
	ck_assert_str_eq(trace_events_get(own, 3)->name, "stack");
	trace_close(r);

	/* A caller's table keeps its events after trace_close, and is renamed. */
	o.events = mine;
	r = trace_open(path, &o, &err);
	ck_assert_ptr_eq(trace_events_of(r), mine);
	ck_assert_str_eq(trace_events_name(mine), path);
	ck_assert(!trace_events_records(mine));
	n = trace_read_batch(r, recs, lines, 32, &err);
	ck_assert_int_eq(n, 14);
	trace_close(r);
	ck_assert_uint_eq(trace_events_count(mine), 11);
	ck_assert_str_eq(trace_events_get(mine, 0)->file, "a.out");
	{
		const struct trace_batch b = {.recs = recs, .lines = lines, .events = mine, .n = (size_t)n};
		char want[4200];

		ck_assert_int_gt(trace_batch_where(&b, 13, where, sizeof where), 0);
		snprintf(want, sizeof want, "%s:17", path);
		ck_assert_str_eq(where, want);
		ck_assert_int_eq(trace_batch_where(&(struct trace_batch){.recs = recs, .n = 1}, 0, where, sizeof where),
				 0);
		ck_assert_str_eq(where, "");
	}
	/* Reading the trace again appends: indexes go on. */
	r = trace_open(path, &o, &err);
	n = trace_read(r, recs, 32, &err);
	trace_close(r);
	ck_assert_int_eq(n, 14);
	ck_assert_uint_eq(recs[0].addr, 11);
	ck_assert_uint_eq(trace_events_count(mine), 22);
	trace_events_destroy(mine);
	unlink(path);
	free(path);
}
END_TEST

/* Native with events, converted to binary (plain and compressed), reads
 * back as the same records and events, in any batch size; a trace without
 * events converts without the header flag. */
START_TEST(t_events_binary_roundtrip)
{
	static const char *const suffixes[] = {".bin", ".bin.gz", ".bin.zst"};
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 0}, {3, 0}, {5, 4, 0}};
	char *in = write_tmp(ev_example, strlen(ev_example));
	struct trace_options o = opts(TRACE_AUTO);

	for (int s = 0; s < 3; s++) {
		char *out = tmp_name(suffixes[s]);
		struct trace_convert_stats st;
		struct ps_error err;

		ck_assert_msg(trace_convert(in, &o, out, &st, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(st.records, 14);
		ck_assert_uint_eq(st.events, 11);
		for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
			struct evresult er;

			o.format = b % 2 ? TRACE_BINARY : TRACE_AUTO;
			ev_run_path(out, &o, batches[b], &er);
			ck_assert_int_eq(er.res.format, TRACE_BINARY);
			ev_check_example(&er, true);
			ev_free(&er);
			o.format = TRACE_AUTO;
		}
		if (s == 0) { /* binary to binary keeps the flag and the bytes */
			char *again = tmp_name(".bin");
			struct trace_convert_stats st2;
			struct stat a, b;
			struct evresult er;

			ck_assert_msg(trace_convert(out, &o, again, &st2, &err) == 0, "%s", err.msg);
			ck_assert_uint_eq(st2.events, 11);
			ck_assert_int_eq(stat(out, &a), 0);
			ck_assert_int_eq(stat(again, &b), 0);
			ck_assert_int_eq(a.st_size, b.st_size);
			ck_assert_uint_eq(st.bytes, (uint64_t)a.st_size);
			ev_run_path(again, &o, NULL, &er);
			ev_check_example(&er, true);
			ev_free(&er);
			unlink(again);
			free(again);
		}
		unlink(out);
		free(out);
	}
	unlink(in);
	free(in);

	/* Without events: no flag, the reader says so. */
	{
		char *lin = write_tmp(" L 10,4\n S 20,4\n", 16), *out = tmp_name(".bin");
		struct trace_convert_stats st;
		struct ps_error err;
		struct evresult er;

		ck_assert_msg(trace_convert(lin, &o, out, &st, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(st.events, 0);
		ev_run_path(out, &o, NULL, &er);
		ck_assert(!er.res.failed);
		ck_assert(!er.may_have_events);
		ck_assert_uint_eq(er.lines[1], 2);
		ev_free(&er);
		unlink(out);
		free(out);
		unlink(lin);
		free(lin);
	}
	/* A native trace without event lines still may have them: flagged. */
	{
		char *nat = write_tmp("pagesim-trace 1\nR 0x10\n", 23), *out = tmp_name(".bin");
		struct trace_convert_stats st;
		struct ps_error err;
		struct evresult er;

		ck_assert_msg(trace_convert(nat, &o, out, &st, &err) == 0, "%s", err.msg);
		ev_run_path(out, &o, NULL, &er);
		ck_assert(!er.res.failed);
		ck_assert(er.may_have_events);
		ck_assert_uint_eq(er.res.n, 1);
		ev_free(&er);
		unlink(out);
		free(out);
		unlink(nat);
		free(nat);
	}
}
END_TEST

/* A version-2 file built by hand: the header (flags as given), then
 * items, each an access or an event, encoded. */
struct bin_item {
	bool is_event;
	struct trace_rec rec;
	struct trace_event ev;
};

static struct text bin_v2(uint32_t flags, const struct bin_item *items, size_t n)
{
	struct text t = bin_bytes(2, TRACE_BINARY_HEADER_SIZE, TRACE_BINARY_RECORD_SIZE, flags, NULL, 0);

	for (size_t i = 0; i < n; i++) {
		unsigned char buf[(1 + TRACE_BINARY_EVENT_MAX_RECORDS) * TRACE_BINARY_RECORD_SIZE];

		if (items[i].is_event) {
			text_add(&t, buf, trace_binary_encode_event(&items[i].ev, buf));
		} else {
			trace_binary_put(&items[i].rec, buf);
			text_add(&t, buf, TRACE_BINARY_RECORD_SIZE);
		}
	}
	return t;
}

static const struct bin_item bin_items[] = {
    {.rec = {.addr = 0x1000, .pid = 1, .size = 4, .op = OP_READ}},
    {.is_event = true, .ev = {.kind = EV_SEGMENT, .prot = 5, .backing = BACK_FILE, .pid = 1, .addr = 0x8000,
			      .len = 0x3000, .offset = 0x2000, .name = "code", .file = "a.out"}},
    {.rec = {.addr = 0x2000, .pid = 2, .size = 8, .op = OP_WRITE}},
    {.is_event = true, .ev = {.kind = EV_FORK, .pid = 1, .child = 2}},
    {.rec = {.addr = 0x3000, .pid = 1, .size = 1, .op = OP_FETCH}},
};
/* Record numbers of bin_items: code takes 1 + 4 records, fork 1 + 3. */
static const uint64_t bin_items_recno[] = {1, 2, 7, 8, 12};

/* Corrupt payloads and event records of a version-2 file: each error names
 * the event's record, with skip_bad the event goes whole and the rest
 * reads on. */
START_TEST(t_events_binary_corrupt)
{
	/* Byte offsets into the file of bin_items: the segment's event record
	 * is record 2 (at 32 + 16), its payload starts at 32 + 32. */
	enum { HEAD = 32 + 16, PAY = 32 + 32 };
	static const struct {
		size_t at;          /* byte to change */
		unsigned char to;   /* its new value */
		const char *why;
	} cases[] = {
	    {HEAD + 15, 9, "unknown event kind 9 (1 segment, 2 mmap, 3 munmap, 4 brk, 5 fork, 6 exit)"},
	    {HEAD + 15, 0, "unknown event kind 0 (1 segment, 2 mmap, 3 munmap, 4 brk, 5 fork, 6 exit)"},
	    {HEAD + 15, EV_MMAP, "mmap events have no name"},
	    {HEAD + 15, EV_EXIT, "exit events have no name"},
	    {HEAD + 8, 0, "pid 0 (must be 1..4294967295)"},
	    {HEAD + 0, 1, "event record: address field 0x1 is reserved and must be 0"},
	    {HEAD + 12, 5, "event record: 5 payload records, its payload needs 4"},
	    {PAY + 36, 8, "prot 0x8 is not a combination of r (1), w (2) and x (4)"},
	    {PAY + 37, 4, "unknown backing 4 (1 zero, 2 file, 3 stack)"},
	    {PAY + 37, BACK_ZERO, "only a file mapping has a file name"},
	    {PAY + 38, 1, "a segment cannot be shared (map the file with 'mmap ... shared')"},
	    {PAY + 38, 2, "event payload: shared byte 2 (must be 0 or 1)"},
	    {PAY + 39, 64, "event payload: name length 64 (at most 63)"},
	    {PAY + 41, 2, "event payload: file name length 517 (at most 255)"},
	    {PAY + 39, 0, "event payload: padding byte 53 is 0x2e, not 0"},
	    {PAY + 39, 40, "event record: 4 payload records, its payload needs 6"},
	    {PAY + 45, 1, "event payload: reserved byte 45 is 0x01, not 0"},
	    {PAY + 63, 1, "event payload: padding byte 63 is 0x01, not 0"},
	    {PAY + 48, '9', "segment name must start with a letter or '_' and hold only letters, digits, '_', '.'"
			    " and '-'"},
	    {PAY + 49, 0, "event payload: a name holds a NUL byte"},
	    {PAY + 52, ' ', "file name holds a blank or control character (byte 0x20)"},
	    {PAY + 0, 1, "address 0x8001 is not page-aligned (pages of 4096 bytes)"},
	    {PAY + 9, 0, "length 0 (must be at least 1 byte)"},
	    {PAY + 17, 0x28, "offset 0x2800 is not page-aligned (pages of 4096 bytes)"},
	    {PAY + 24, 1, "only a stack has a max (it must be 0)"},
	    {PAY + 32, 1, "segment events have no child pid (it must be 0)"},
	    {PAY + 7, 1, "address 0x100000000008000 is beyond the 48-bit virtual address space"},
	};
	struct text good = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, ARRAY_LEN(bin_items));

	/* The good file first. */
	{
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;

		ev_run_text(good.s, good.len, &o, (const size_t[]){1, 0}, &er);
		ck_assert_msg(!er.res.failed, "%s", er.res.msg);
		ck_assert_uint_eq(er.res.n, 5);
		for (size_t i = 0; i < 5; i++) {
			ck_assert_uint_eq(er.lines[i], bin_items_recno[i]);
			if (bin_items[i].is_event)
				ck_assert(ev_same(trace_events_get(er.events, er.res.recs[i].addr), &bin_items[i].ev));
			else
				ck_assert(memcmp(&er.res.recs[i], &bin_items[i].rec, sizeof er.res.recs[i]) == 0);
		}
		ck_assert_uint_eq(trace_events_get(er.events, 1)->line, 8);
		ev_free(&er);
	}
	for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
		struct text t = {0};
		char want[512];

		text_add(&t, good.s, good.len);
		ck_assert_uint_ne((unsigned char)t.s[cases[c].at], cases[c].to);
		t.s[cases[c].at] = (char)cases[c].to;
		snprintf(want, sizeof want, ": record 2: %s", cases[c].why);
		for (size_t batch = 1; batch <= 4096; batch *= 4) {
			struct trace_options o = opts(TRACE_AUTO);
			struct evresult er;
			size_t bs[2] = {batch, 0};

			ev_run_text(t.s, t.len, &o, bs, &er);
			ck_assert_msg(er.res.failed, "case %zu accepted", c);
			ck_assert_uint_eq(er.res.n, 1);
			expect_error(&er.res, want);
			ev_free(&er);

			o.skip_bad = true;
			ev_run_text(t.s, t.len, &o, bs, &er);
			ck_assert_msg(!er.res.failed, "case %zu: %s", c, er.res.msg);
			ck_assert_uint_eq(er.res.skipped, 1);
			ck_assert_msg(strstr(er.res.first_skip, want) != NULL, "%s", er.res.first_skip);
			ck_assert_uint_eq(trace_events_count(er.events), 1);
			if (cases[c].at == HEAD + 12) {
				/* A payload said to be one record longer takes the access after it. */
				ck_assert_uint_eq(er.res.n, 3);
				ck_assert_uint_eq(er.lines[1], 8);
				ev_free(&er);
				continue;
			}
			ck_assert_msg(er.res.n == 4, "case %zu, batch %zu: %zu records", c, batch, er.res.n);
			ck_assert_uint_eq(er.lines[1], 7);
			ck_assert_uint_eq(er.res.recs[2].op, OP_EVENT);
			ck_assert_uint_eq(er.lines[2], 8);
			ev_free(&er);
		}
		free(t.s);
	}
	/* A payload cut by the end of the input: fatal, whatever the batch. */
	for (size_t cut = 1; cut <= 4 * 16; cut += 21) {
		struct text t = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, 2);
		char want[256];
		size_t have = 4 * 16 - cut;

		t.len -= cut;
		snprintf(want, sizeof want, ": record 2: truncated event (the input ends after %zu of its 64 payload bytes)",
			 have);
		for (size_t batch = 1; batch <= 4096; batch *= 8) {
			struct trace_options o = opts(TRACE_AUTO);
			struct evresult er;
			size_t bs[2] = {batch, 0};

			o.skip_bad = batch > 1;
			ev_run_text(t.s, t.len, &o, bs, &er);
			expect_error(&er.res, want);
			ck_assert_uint_eq(er.res.n, 1);
			ev_free(&er);
		}
		free(t.s);
	}
	/* Events in a file whose header does not declare them, and in version 1. */
	{
		struct text t = bin_v2(0, bin_items, ARRAY_LEN(bin_items));
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;

		ev_run_text(t.s, t.len, &o, NULL, &er);
		expect_error(&er.res, ": record 2: an event record (operation 3) in a trace whose header does not declare"
				      " events (flag 0x1)");
		ck_assert(!er.may_have_events);
		ev_free(&er);
		t.s[8] = 1;
		ev_run_text(t.s, t.len, &o, NULL, &er);
		expect_error(&er.res, ": record 2: unknown operation 3 (version 1 has 0 read, 1 write and 2 fetch; 3..255"
				      " are reserved)");
		ev_free(&er);
		free(t.s);
		t = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, 1);
		{
			struct trace_rec bad = {.addr = 0x10, .pid = 1, .size = 1, .op = 4};
			unsigned char b[16];

			trace_binary_put(&bad, b);
			text_add(&t, b, 16);
		}
		ev_run_text(t.s, t.len, &o, NULL, &er);
		expect_error(&er.res, ": record 2: unknown operation 4 (version 2 has 0 read, 1 write, 2 fetch and 3 event;"
				      " 4..255 are reserved)");
		ev_free(&er);
		free(t.s);
	}
	/* A huge payload count is skipped whole with skip_bad. */
	{
		struct text t = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, 1);
		struct trace_rec head = {.pid = 1, .size = 100, .op = OP_EVENT, .flags = EV_EXIT};
		unsigned char b[16];
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;

		trace_binary_put(&head, b);
		text_add(&t, b, 16);
		memset(b, 0xab, 16);
		for (int i = 0; i < 100; i++)
			text_add(&t, b, 16);
		trace_binary_put(&bin_items[2].rec, b);
		text_add(&t, b, 16);
		o.skip_bad = true;
		/* Its payload past the batch, partly in it (more than the 23 records
		 * a payload may have), and wholly in it. */
		for (size_t bi = 0; bi < 3; bi++) {
			size_t bs[2] = {bi == 0 ? 3 : bi == 1 ? 50 : 4096, 0};

			ev_run_text(t.s, t.len, &o, bs, &er);
			ck_assert_msg(!er.res.failed, "%s", er.res.msg);
			ck_assert_uint_eq(er.res.n, 2);
			ck_assert_uint_eq(er.lines[1], 103);
			ck_assert_msg(strstr(er.res.first_skip,
					     ": record 2: event record: 100 payload records (an event has 3..23)") != NULL,
				      "%s", er.res.first_skip);
			ev_free(&er);
		}
		free(t.s);
	}
	free(good.s);
}
END_TEST

/* Flip random bytes of a binary file full of events: what is read is
 * valid, errors name the file, nothing crashes. */
START_TEST(t_events_binary_fuzz)
{
	struct bin_item items[400];
	struct text t;

	for (size_t i = 0; i < ARRAY_LEN(items); i++)
		items[i] = bin_items[i % ARRAY_LEN(bin_items)];
	t = bin_v2(TRACE_BINARY_FLAG_EVENTS, items, ARRAY_LEN(items));
	for (int round = 0; round < 300; round++) {
		unsigned char *m = malloc(t.len);
		size_t len = t.len - (round % 5 == 0 ? rnd_below(100) : 0);
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;
		static const size_t batches[][2] = {{1, 0}, {2, 0}, {3, 0}, {4096, 0}};

		memcpy(m, t.s, t.len);
		for (int k = 1 + (int)rnd_below(8); k > 0; k--)
			m[32 + rnd_below(len - 32)] ^= (unsigned char)(1 + rnd_below(255));
		o.skip_bad = round % 2 == 0;
		ev_run_text((const char *)m, len, &o, batches[round % 4], &er);
		if (er.res.failed)
			ck_assert(strncmp(er.res.msg, er.res.path, strlen(er.res.path)) == 0);
		for (size_t i = 0; i < er.res.n; i++) {
			const struct trace_rec *r = &er.res.recs[i];

			if (r->op == OP_EVENT) {
				const struct trace_event *ev;
				char why[256];

				QUIET_ASSERT(r->addr < trace_events_count(er.events));
				ev = trace_events_get(er.events, r->addr);
				QUIET_ASSERT(ev->kind == r->flags && ev->pid == r->pid && r->size == 0);
				QUIET_ASSERT(trace_event_check(ev, 48, 12, why, sizeof why));
				QUIET_ASSERT(ev->line == er.lines[i]);
			} else {
				QUIET_ASSERT(r->size >= 1 && r->op <= OP_FETCH && r->pid >= 1 && r->flags == 0);
			}
			QUIET_ASSERT(i == 0 || er.lines[i] > er.lines[i - 1]);
		}
		ev_free(&er);
		free(m);
	}
	free(t.s);
}
END_TEST

Suite *make_trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("formats");
	TCase *big = tcase_create("streams");
	TCase *bin = tcase_create("binary");
	TCase *ev = tcase_create("events");

	tcase_add_test(tc, t_format_names);
	tcase_add_test(tc, t_lackey_basic);
	tcase_add_test(tc, t_lackey_crlf_and_no_final_newline);
	tcase_add_test(tc, t_lackey_errors);
	tcase_add_test(tc, t_addr_rw);
	tcase_add_test(tc, t_pages);
	tcase_add_test(tc, t_pages_shift_and_va);
	tcase_add_test(tc, t_pages_long_line_small_batches);
	tcase_add_test(tc, t_native);
	tcase_add_test(tc, t_native_errors);
	tcase_add_test(tc, t_native_header);
	tcase_add_test(tc, t_va_bits);
	tcase_add_test(tc, t_bad_options);
	tcase_add_test(tc, t_detect);
	tcase_add_test(tc, t_detect_fails);
	tcase_add_test(tc, t_detect_window);
	tcase_add_test(tc, t_bom);
	tcase_add_test(tc, t_missing_file);
	tcase_add_test(tc, t_records_before_error_and_sticky);
	tcase_add_test(tc, t_modify_pending);
	tcase_add_test(tc, t_skip_bad);
	tcase_add_test(tc, t_nul_and_binary_garbage);
	tcase_add_test(tc, t_source_detects_magic);
	tcase_add_test(tc, t_magic_only);
	tcase_add_test(tc, t_compressed_corrupt_and_trailing);
	tcase_add_test(tc, t_stdin);
	suite_add_tcase(s, tc);

	/* Bigger inputs: allow time for valgrind and sanitizers. */
	tcase_set_timeout(big, 300);
	tcase_add_test(big, t_line_too_long);
	tcase_add_test(big, t_line_numbers_across_buffers);
	tcase_add_test(big, t_compressed_roundtrip);
	tcase_add_test(big, t_gzip_truncated);
	tcase_add_test(big, t_zstd_truncated);
	tcase_add_test(big, t_compressed_fuzz);
	tcase_add_test(big, t_random_roundtrip);
	tcase_add_test(big, t_garbage_fuzz);
	suite_add_tcase(s, big);

	tcase_set_timeout(bin, 300);
	tcase_add_test(bin, t_binary_layout);
	tcase_add_test(bin, t_binary_roundtrip);
	tcase_add_test(bin, t_binary_convert);
	tcase_add_test(bin, t_binary_convert_fails_cleanly);
	tcase_add_test(bin, t_binary_header_errors);
	tcase_add_test(bin, t_binary_record_errors);
	tcase_add_test(bin, t_binary_skip_many);
	tcase_add_test(bin, t_binary_truncated);
	tcase_add_test(bin, t_binary_stdin);
	tcase_add_test(bin, t_binary_fuzz);
	suite_add_tcase(s, bin);

	tcase_set_timeout(ev, 300);
	tcase_add_test(ev, t_events_example);
	tcase_add_test(ev, t_events_variants);
	tcase_add_test(ev, t_events_errors);
	tcase_add_test(ev, t_events_edges);
	tcase_add_test(ev, t_events_lines);
	tcase_add_test(ev, t_events_tables);
	tcase_add_test(ev, t_events_binary_roundtrip);
	tcase_add_test(ev, t_events_binary_corrupt);
	tcase_add_test(ev, t_events_binary_fuzz);
	suite_add_tcase(s, ev);
	return s;
}
