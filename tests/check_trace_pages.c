/*
 * check_trace_pages.c - the pages reader (trace_parse.c): page numbers
 * per line, the page shift and address-space limit, long lines read a few
 * records at a time.
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
	    {"1,,2", "expected a decimal page number, got \",2\""},
	    {",1", "expected a decimal page number, got \",1\""},
	    {"1 a", "expected page numbers separated by spaces or commas, got \"a\""},
	    {"1-2", "expected page numbers separated by spaces or commas, got \"-2\""},
	    {"-1", "expected a decimal page number, got \"-1\""},
	    {"0x10", "expected page numbers separated by spaces or commas, got \"x10\""},
	    {"1#c", "expected page numbers separated by spaces or commas, got \"#c\""},
	    {"1 2 3 x 4", "expected page numbers separated by spaces or commas, got \"x\""},
	    {"1 2 averyveryverylongwordindeed",
	     "expected page numbers separated by spaces or commas, got \"averyveryverylongwordind\""},
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
	expect_error(&res, ":2: expected page numbers separated by spaces or commas, got \"x\"");
	result_free(&res);
}
END_TEST

/* A page number may be marked as a write ("3w", "3W") or a read ("3r");
 * unmarked is a read. The mark sticks to the number: "3 w" and "3ww" are
 * refused, and so a marked string is still detected as pages. */
START_TEST(t_pages_write_marks)
{
	static const enum access_op want[] = { OP_WRITE, OP_READ, OP_WRITE, OP_READ, OP_READ, OP_WRITE };
	static const uint64_t pages[] = { 1, 2, 3, 4, 1, 2 };
	struct result res;

	run_text("1w 2 3W,4r\n1, 2w # the last one writes\n", TRACE_PAGES, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 6);
	for (size_t i = 0; i < 6; i++)
		expect_rec(&res, i, pages[i] << 12, 1, want[i], 1);
	result_free(&res);
	run_text("1w 2 3W,4r\n", TRACE_AUTO, &res);
	ck_assert_int_eq(res.format, TRACE_PAGES);
	result_free(&res);
	run_text("1 w\n", TRACE_PAGES, &res);
	ck_assert_msg(res.failed && strstr(res.msg, ":1: expected page numbers separated") != NULL, "%s", res.msg);
	result_free(&res);
	run_text("1ww\n", TRACE_PAGES, &res);
	ck_assert_msg(res.failed && strstr(res.msg, ":1: expected page numbers separated") != NULL, "%s", res.msg);
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

Suite *make_trace_pages_suite(void)
{
	const TTest *const tc_tests[] = { t_pages, t_pages_write_marks, t_pages_shift_and_va,
					  t_pages_long_line_small_batches };
	Suite *s = suite_create("trace_pages");

	SUITE_ADD_TESTS(s, "formats", 0, tc_tests);
	return s;
}
