/*
 * check_trace_lackey.c - the lackey reader (trace_parse.c): Valgrind
 * lackey's I/L/S/M lines, CRLF and a missing final newline, and every
 * bad line's message.
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
#include <sys/mman.h>
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
#include "trace/trace_parse.h"
#include "trace/trace_source.h"
#include "trace_helpers.h"

/* ---- lackey ------------------------------------------------------------ */

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

/* valgrind -v and -d print "--PID--" and "**PID**" lines among lackey's
 * records: ignored like "==PID==" lines, in a named format and when the
 * format is detected; a "--" line without a pid is still refused. */
START_TEST(t_lackey_verbose_valgrind_lines)
{
	static const char verbose[] =
	    "==12345== Lackey, an example Valgrind tool\n"
	    "--12345-- Valgrind options:\n"
	    "--12345--    --tool=lackey\n"
	    "I  04016a0,3\n"
	    " L 04222cd0,8\n"
	    "**12345** a message\n"
	    " S 7FF000398,8\n"
	    "--12345-- REDIR: 0x4 (ld.so) redirected\n"
	    " M 0421fd8,4\n"
	    "I  0401000,16\n";
	struct result res;

	run_text(verbose, TRACE_LACKEY, &res);
	check_lackey_sample(&res);
	result_free(&res);
	run_text(verbose, TRACE_AUTO, &res);
	check_lackey_sample(&res);
	ck_assert_int_eq(res.format, TRACE_LACKEY);
	result_free(&res);
	run_text("I  04016a0,3\n-- not a pid --\n", TRACE_LACKEY, &res);
	ck_assert_msg(res.failed && strstr(res.msg, ":2: expected a lackey record") != NULL, "%s", res.msg);
	result_free(&res);
}
END_TEST

/* With 48-bit addresses, a canonical upper-half address (bits 63..47 set,
 * as the vsyscall page 0xffffffffff600000) is read as its low 48 bits,
 * the page-table path x86-64 gives it; one that runs past the top of the
 * address space, or any such address in the 32-bit model, is refused. */
START_TEST(t_lackey_canonical_upper_half)
{
	struct result res;
	struct trace_options o = opts(TRACE_LACKEY);

	run_text("I  ffffffffff600000,4\n L ffff800000000000,8\n", TRACE_LACKEY, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 2);
	expect_rec(&res, 0, 0xffffff600000, 4, OP_FETCH, 1);
	expect_rec(&res, 1, 0x800000000000, 8, OP_READ, 1);
	result_free(&res);
	run_text("I  fffffffffffffffe,4\n", TRACE_LACKEY, &res);
	ck_assert_msg(res.failed && strstr(res.msg, "runs past the end of the 48-bit") != NULL, "%s", res.msg);
	result_free(&res);
	o.va_bits = 32;
	run_data("I  ffffffffff600000,4\n", 21, &o, NULL, &res);
	ck_assert_msg(res.failed && strstr(res.msg, "beyond the 32-bit") != NULL, "%s", res.msg);
	result_free(&res);
}
END_TEST

START_TEST(t_lackey_crlf_and_no_final_newline)
{
	struct result res;
	char *crlf = to_crlf(lackey_sample);
	char *cut = strdup(lackey_sample);

	run_text(crlf, TRACE_AUTO, &res);
	check_lackey_sample(&res);
	result_free(&res);
	free(crlf);

	/* The last line without its '\n' ("I  0401000,16"). */
	ck_assert_ptr_nonnull(cut);
	*strstr(cut, "\n==12345== \n") = '\0';
	run_text(cut, TRACE_LACKEY, &res);
	check_lackey_sample(&res);
	result_free(&res);
	free(cut);

	run_text(" L 10,4\r", TRACE_LACKEY, &res); /* a final "\r" without '\n' */
	ck_assert(!res.failed);
	expect_rec(&res, 0, 0x10, 4, OP_READ, 1);
	result_free(&res);
}
END_TEST

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

/* The first line of text[0..len) and what follows, read by
 * trace_parse_batch as lackey with room for its records. */
struct first_line {
	size_t n, used;
	struct trace_rec rec[2];
	enum parse_status status;
	char why[256];
};

static void read_first_line(const char *text, size_t len, unsigned va_bits, bool general_only,
			    struct first_line *out)
{
	struct parse_ctx c;
	const char *p = text;

	trace_parse_init(&c, TRACE_LACKEY, va_bits, 12);
	c.general_only = general_only;
	memset(out, 0, sizeof *out);
	out->n = trace_parse_batch(&c, &p, text + len, out->rec, NULL, 2);
	out->used = (size_t)(p - text);
	out->status = c.status;
	if (c.status != PARSE_OK)
		strcpy(out->why, c.why);
}

/* A readable page followed by an unreadable one: returns where the
 * unreadable page begins (text copied to end there faults when read
 * past); *map and *map_len are for munmap. */
static char *guard_page(void **map, size_t *map_len)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *base;

	*map_len = 2 * page;
	*map = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(*map, MAP_FAILED);
	base = *map;
	ck_assert_int_eq(mprotect(base + page, page, PROT_NONE), 0);
	return base + page;
}

/* Append to line (at *k) a random lackey-like line: mostly the usual
 * shape, with every part sometimes bent (spacing, digit counts, case,
 * junk, sizes at the limits, endings). */
static void random_lackey_line(char *line, size_t *k)
{
	static const char *const prefixes[] = {"I  ", " L ", " S ", " M ", "I  ", " L ", " S ", " M ",
					       "  L ", "I ", " X ", "L ", "\tL ", " L\t", " I  ", " L  ", ""};
	static const char hex[] = "0123456789abcdefABCDEF";
	static const char junk[] = ",xg \t\r-+#=\x80\xff";
	static const char *const sizes[] = {"1", "2", "4", "8", "16", "32", "64", "0", "65535", "65536",
					    "00008", "000008", "99999", "", "1x", " 8"};
	static const char *const endings[] = {"\n", "\n", "\n", "\n", "\r\n", " \n", " x\n", ",\n"};
	const unsigned digits = (unsigned)rnd_below(19);

	*k += (size_t)sprintf(line + *k, "%s", prefixes[rnd_below(sizeof prefixes / sizeof *prefixes)]);
	if (rnd_below(8) == 0)
		*k += (size_t)sprintf(line + *k, "%s", rnd_below(2) ? "ffffffffff600000" : "7ffffffffff8");
	else
		for (unsigned i = 0; i < digits; i++)
			line[(*k)++] = rnd_below(40) == 0 ? junk[rnd_below(sizeof junk - 1)] : hex[rnd_below(sizeof hex - 1)];
	if (rnd_below(20) != 0)
		line[(*k)++] = ',';
	*k += (size_t)sprintf(line + *k, "%s", rnd_below(3) ? sizes[rnd_below(7)] : sizes[rnd_below(16)]);
	*k += (size_t)sprintf(line + *k, "%s", rnd_below(4) ? "\n" : endings[rnd_below(8)]);
}

/* Every line, read where lackey's fast path may take it (followed by
 * more text), gives the records, the error and the consumption that the
 * general grammar alone gives: fixed edge cases, then 200,000 random
 * lines. So does the line alone, ending where an unreadable page begins:
 * the fast path must not read past the complete lines it is given. */
START_TEST(t_lackey_usual_lines_read_as_general)
{
	static const char *const edges[] = {
	    "I  04016a0,3\n", " L 04222cd0,8\n", " S 7FF000398,8\n", " M 0421fd8,4\n", " L 0,1\n",
	    " L fffffffffff8,8\n", " L fffffffffffc,8\n", " L 123456789abcdef,8\n", " L 0123456789abcdef,8\n",
	    " L ffffffffff600000,8\n", " L 1000,65535\n", " L 1000,65536\n", " L 1000,0\n", " L 1000,00001\n",
	    " L 1000,000001\n", " L 1000,8\r\n", " L 1000,8 \n", " L ,8\n", " L 1000,\n", " L 10:0,8\n",
	    " L 10G0,8\n", " L 10g0,8\n", " L 10@0,8\n", " L 10`0,8\n", " L 10/0,8\n", " L 10\xc1" "0,8\n",
	    "I  1000,3\n", "I 1000,3\n", "  L 1000,3\n", "\n", "# a comment\n", "==1== lackey\n",
	};
	static const unsigned va[] = {32, 39, 48, 64};
	char text[256];
	void *map;
	size_t map_len;
	char *const guard = guard_page(&map, &map_len);

	for (unsigned i = 0; i < sizeof edges / sizeof *edges + 200000; i++) {
		size_t k = 0;
		struct first_line fast, general;
		const unsigned va_bits = va[i % 4];

		if (i < sizeof edges / sizeof *edges)
			k = (size_t)sprintf(text, "%s", edges[i]);
		else
			random_lackey_line(text, &k);
		for (unsigned alone = 0; alone <= 1; alone++) {
			size_t len = k;
			const char *at = text;

			if (alone) {
				at = memcpy(guard - len, text, len);
			} else {
				/* More lines after it: the fast path's slack. */
				len += (size_t)sprintf(text + k, "# %s\n", "................................");
			}
			read_first_line(at, len, va_bits, false, &fast);
			read_first_line(at, len, va_bits, true, &general);
			ck_assert_msg(fast.n == general.n && fast.used == general.used &&
					  fast.status == general.status && strcmp(fast.why, general.why) == 0 &&
					  memcmp(fast.rec, general.rec, fast.n * sizeof *fast.rec) == 0,
				      "line %u%s differs (%zu/%zu records, %zu/%zu bytes, '%s'/'%s'): %s", i,
				      alone ? " alone" : "", fast.n, general.n, fast.used, general.used, fast.why,
				      general.why, text);
		}
	}
	munmap(map, map_len);
}
END_TEST

Suite *make_trace_lackey_suite(void)
{
	const TTest *const tc_tests[] = {
		t_lackey_verbose_valgrind_lines, t_lackey_canonical_upper_half,
		t_lackey_basic, t_lackey_crlf_and_no_final_newline, t_lackey_errors,
		t_lackey_usual_lines_read_as_general
	};
	Suite *s = suite_create("trace_lackey");

	SUITE_ADD_TESTS(s, "formats", 0, tc_tests);
	return s;
}
