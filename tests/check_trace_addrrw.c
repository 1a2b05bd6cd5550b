/*
 * check_trace_addrrw.c - the classic `addr R|W` reader (trace_parse.c):
 * spellings of addresses and operations, and bad lines.
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

Suite *make_trace_addrrw_suite(void)
{
	const TTest *const tc_tests[] = { t_addr_rw };
	Suite *s = suite_create("trace_addrrw");

	SUITE_ADD_TESTS(s, "formats", 0, tc_tests);
	return s;
}
