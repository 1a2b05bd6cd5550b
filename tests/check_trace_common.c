/*
 * check_trace_common.c - what every reader shares (trace.c,
 * trace_source.c): format names, address-space bits and bad options,
 * format detection and BOMs, missing files, errors that stick, M records
 * over batches, skip_bad, long lines and line numbers across buffers,
 * standard input, and random round trips and garbage in every text
 * format.
 *
 * Fixtures come from trace_helpers.h.
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
#include "trace/trace_event.h"
#include "trace/trace_source.h"
#include "trace_helpers.h"

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
	expect_error(&res, ":191: expected a decimal page number, got \"L\"");
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

/* ---- standard input ---------------------------------------------------- */

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

Suite *make_trace_common_suite(void)
{
	const TTest *const tc_tests[] = {
		t_format_names, t_va_bits, t_bad_options, t_detect, t_detect_fails, t_detect_window, t_bom,
		t_missing_file, t_records_before_error_and_sticky, t_modify_pending, t_skip_bad,
		t_nul_and_binary_garbage, t_stdin
	};
	const TTest *const big_tests[] = {
		t_line_too_long, t_line_numbers_across_buffers, t_random_roundtrip, t_garbage_fuzz
	};
	Suite *s = suite_create("trace_common");

	SUITE_ADD_TESTS(s, "formats", 0, tc_tests);
	/* Bigger inputs: allow time for valgrind and sanitizers. */
	SUITE_ADD_TESTS(s, "streams", 300, big_tests);
	return s;
}
