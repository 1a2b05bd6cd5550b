/*
 * check_trace_native.c - the native text reader (trace_parse.c): records,
 * processes, the header line and bad lines.
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
	static const struct want_rec want[] = {
		{ 0x1000, 1, OP_READ, 1 }, { 4096, 8, OP_WRITE, 1 }, { 0x2000, 16, OP_FETCH, 7 },
		{ 0x3000, 4, OP_READ, 1 }, { 0x3000, 4, OP_WRITE, 1 }, { 0x10, 1, OP_READ, 42 },
		{ 0x20, 1, OP_WRITE, 3 }, { 0x30, 2, OP_READ, 4294967295u },
		{ 0xffffffffffff, 1, OP_READ, 42 }, { 0xffffffffffff, 1, OP_WRITE, 42 },
	};

	expect_text_recs(text, TRACE_NATIVE, want, ARRAY_LEN(want));
}
END_TEST

START_TEST(t_native_errors)
{
	static const struct bad_line bad[] = {
	    {"Q 0x10", "expected R, W, X, M or process"},
	    {"r 0x10", "expected R, W, X, M or process"},
	    {"RW 0x10", "expected R, W, X, M, process, segment, mmap, munmap, mprotect, brk, fork or exit"},
	    {"processes 2", "expected R, W, X, M, process, segment, mmap, munmap, mprotect, brk, fork or exit"},
	    {"segments x", "expected R, W, X, M, process, segment, mmap, munmap, mprotect, brk, fork or exit"},
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

Suite *make_trace_native_suite(void)
{
	const TTest *const tc_tests[] = { t_native, t_native_errors, t_native_header };
	Suite *s = suite_create("trace_native");

	SUITE_ADD_TESTS(s, "formats", 0, tc_tests);
	return s;
}
