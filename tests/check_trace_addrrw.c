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
	static const struct want_rec want[] = {
		{ 0x41f7a0, 1, OP_READ, 1 }, { 0x1000, 1, OP_WRITE, 1 }, { 0xdead, 1, OP_WRITE, 1 },
		{ 0xabc, 1, OP_READ, 1 }, { 0xffffffffffff, 1, OP_WRITE, 1 },
	};

	expect_text_recs(text, TRACE_ADDR_RW, want, ARRAY_LEN(want));
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
