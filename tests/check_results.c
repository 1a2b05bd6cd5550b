/* check_results.c - reading results.csv back: RFC 4180 quoting, grouping
 * and averaging across seeds, errors with line numbers; and the small
 * helpers of the plots (gnuplot string escaping, safe file names, memory
 * size labels, the default frame count of the bar charts). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "report/plot.h"
#include "report/results.h"

Suite *make_results_suite(void);

#define HEADER \
	"trace,policy,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,faults,fault_rate," \
	"evictions,dirty_evictions,swap_writes,swap_reads,hits,clean_evictions,zero_fills," \
	"faults_per_1000,skipped_lines\n"

/* The header since the VM model (report.h). */
#define HEADER_VM \
	"trace,policy,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,faults,fault_rate," \
	"evictions,dirty_evictions,swap_writes,swap_reads,hits,clean_evictions,zero_fills," \
	"faults_per_1000,skipped_lines,file_reads,minor_faults,cow_copies,cow_reuses,stack_growths," \
	"segfaults,ignored_refs,file_writebacks,file_writes,tlb_hits,tlb_misses,tlb_shootdowns,pt_frames," \
	"resident,processes,est_time_ms,eat_ns\n"

/* One data row as pagesim run writes it (before the VM model); trace is the raw (maybe quoted)
 * CSV field. refs is 1000, so fault_rate is faults / 1000. */
static char *row(const char *trace, const char *policy, unsigned frames, unsigned page_size,
		 unsigned seed, unsigned faults, unsigned dirty)
{
	static char buf[8][512];
	static int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof buf[0], "%s,%s,%u,%u,%u,1000,700,300,0,50,%u,%.6f,%u,%u,%u,0,%u,%u,%u,%.3f,0\n",
		 trace, policy, frames, page_size, seed, faults, faults / 1000.0,
		 faults > frames ? faults - frames : 0, dirty, dirty, 1000 - faults,
		 (faults > frames ? faults - frames : 0) - dirty, faults, (double)faults);
	return b;
}

/* Parse text; returns what results_read returned, the set in *r and the
 * message in err. */
static int parse(const char *text, struct results *r, struct ps_error *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc;

	ck_assert_ptr_nonnull(in);
	err->msg[0] = '\0';
	rc = results_read(in, "d/results.csv", r, err);
	fclose(in);
	return rc;
}

/* text must be refused with a message starting with want. */
static void expect_refused(const char *text, const char *want)
{
	struct results r;
	struct ps_error err;

	ck_assert_int_eq(parse(text, &r, &err), -1);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "message \"%s\" does not start with \"%s\"",
		      err.msg, want);
	ck_assert_uint_eq(r.ntraces, 0);
	ck_assert_uint_eq(r.rows, 0);
}

START_TEST(reads_rows_and_averages_seeds)
{
	char text[4096];
	struct results r;
	struct ps_error err;
	const struct results_cell *c;
	size_t fifo, random;

	snprintf(text, sizeof text, "%s%s%s%s%s%s", HEADER, row("t.trace", "fifo", 4, 4096, 1, 100, 10),
		 row("t.trace", "random", 4, 4096, 1, 90, 8), row("t.trace", "random", 4, 4096, 2, 110, 12),
		 row("t.trace", "random", 4, 4096, 3, 130, 4), row("t.trace", "fifo", 8, 4096, 1, 60, 2));
	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(r.rows, 5);
	ck_assert_uint_eq(r.ntraces, 1);
	ck_assert_uint_eq(r.npolicies, 2);
	ck_assert_str_eq(r.traces[0].name, "t.trace");
	ck_assert_uint_eq(r.traces[0].page_size, 4096);
	ck_assert_uint_eq(r.traces[0].ncells, 3);
	fifo = results_policy_index(&r, "fifo");
	random = results_policy_index(&r, "random");
	ck_assert_uint_eq(fifo, 0);
	ck_assert_uint_eq(random, 1);
	ck_assert_uint_eq(results_policy_index(&r, "lru"), (size_t)-1);

	c = results_find(&r.traces[0], random, 4);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->runs, 3);
	ck_assert_double_eq_tol(c->m[RM_FAULTS].mean, 110.0, 1e-9);
	ck_assert_double_eq(c->m[RM_FAULTS].min, 90.0);
	ck_assert_double_eq(c->m[RM_FAULTS].max, 130.0);
	ck_assert_double_eq_tol(c->m[RM_FAULT_RATE].mean, 0.110, 1e-9);
	ck_assert_double_eq_tol(c->m[RM_DIRTY_EVICTIONS].mean, 8.0, 1e-9);
	ck_assert_double_eq(c->m[RM_DIRTY_EVICTIONS].min, 4.0);
	ck_assert_double_eq(c->m[RM_DIRTY_EVICTIONS].max, 12.0);

	c = results_find(&r.traces[0], fifo, 8);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->runs, 1);
	ck_assert_double_eq(c->m[RM_FAULTS].mean, 60.0);
	ck_assert_double_eq(c->m[RM_FAULTS].min, 60.0);
	ck_assert_ptr_null(results_find(&r.traces[0], random, 8));
	ck_assert(results_has_policy(&r.traces[0], random));
	/* Sorted by policy, then frames. */
	ck_assert_uint_eq(r.traces[0].cells[0].policy, fifo);
	ck_assert_uint_eq(r.traces[0].cells[0].frames, 4);
	ck_assert_uint_eq(r.traces[0].cells[1].frames, 8);
	ck_assert_uint_eq(r.traces[0].cells[2].policy, random);
	results_free(&r);
	ck_assert_uint_eq(r.ntraces, 0);
}
END_TEST

START_TEST(quoted_fields_hold_commas_quotes_and_newlines)
{
	char text[4096];
	struct results r;
	struct ps_error err;

	snprintf(text, sizeof text, "%s%s%s%s", HEADER,
		 row("\"my dir/a, \"\"b\"\".trace\"", "lru", 4, 4096, 1, 10, 0),
		 row("\"two\nlines\r\nhere\"", "\"lru\"", 4, 4096, 1, 20, 0),
		 row("\"\"\"\"", "lru", 4, 4096, 1, 30, 0));
	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(r.ntraces, 3);
	ck_assert_uint_eq(r.npolicies, 1);
	ck_assert_str_eq(r.traces[0].name, "my dir/a, \"b\".trace");
	ck_assert_str_eq(r.traces[1].name, "two\nlines\r\nhere");
	ck_assert_str_eq(r.traces[2].name, "\"");
	ck_assert_str_eq(r.policies[0], "lru");
	/* Records that span lines: each trace remembers its first line. */
	ck_assert_uint_eq(r.traces[0].line, 2);
	ck_assert_uint_eq(r.traces[1].line, 3);
	ck_assert_uint_eq(r.traces[2].line, 6);
	results_free(&r);
}
END_TEST

START_TEST(line_numbers_count_lines_inside_quotes)
{
	char text[4096];

	snprintf(text, sizeof text, "%s%s%s", HEADER, row("\"a\nb\nc\"", "lru", 4, 4096, 1, 10, 0),
		 "t,lru,4,4096,1,1000\n");
	expect_refused(text, "d/results.csv:5: expected 21 fields as in the header, found 6");
}
END_TEST

START_TEST(crlf_blank_lines_and_repeated_headers)
{
	const char *text = "trace,policy,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,faults,"
			   "fault_rate,evictions,dirty_evictions,swap_writes,swap_reads,hits,clean_evictions,"
			   "zero_fills,faults_per_1000,skipped_lines\r\n"
			   "t,fifo,3,4096,1,20,20,0,0,6,15,0.750000,12,0,0,0,5,12,15,750.000,0\r\n"
			   "\r\n"
			   "trace,policy,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,faults,"
			   "fault_rate,evictions,dirty_evictions,swap_writes,swap_reads,hits,clean_evictions,"
			   "zero_fills,faults_per_1000,skipped_lines\r\n"
			   "t,fifo,3,4096,2,20,20,0,0,6,13,0.650000,10,0,0,0,7,10,13,650.000,0";
	struct results r;
	struct ps_error err;

	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(r.rows, 2);
	ck_assert_uint_eq(r.traces[0].ncells, 1);
	ck_assert_uint_eq(r.traces[0].cells[0].runs, 2);
	ck_assert_double_eq_tol(r.traces[0].cells[0].m[RM_FAULT_RATE].mean, 0.7, 1e-9);
	ck_assert_double_eq_tol(r.traces[0].cells[0].m[RM_FAULTS_PER_1000].max, 750.0, 1e-9);
	results_free(&r);
}
END_TEST

START_TEST(columns_by_name_extra_columns_ignored)
{
	const char *text = "policy,trace,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,faults,"
			   "fault_rate,evictions,dirty_evictions,swap_writes,swap_reads,hits,clean_evictions,"
			   "zero_fills,faults_per_1000,skipped_lines,future\n"
			   "fifo,t,3,4096,1,20,20,0,0,6,15,0.750000,12,3,3,0,5,9,15,750.000,0,\"x, y\"\n";
	struct results r;
	struct ps_error err;

	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_str_eq(r.traces[0].name, "t");
	ck_assert_str_eq(r.policies[0], "fifo");
	ck_assert_double_eq(r.traces[0].cells[0].m[RM_DIRTY_EVICTIONS].mean, 3.0);
	results_free(&r);
}
END_TEST

/* Files written since the VM model have 17 more columns; older ones lack
 * them, and the new metrics then read as not measured (NaN). */
START_TEST(vm_columns_are_optional)
{
	const char *text = HEADER_VM
		"t,clock,4,4096,1,1000,700,300,0,50,100,0.100000,96,10,8,5,900,86,90,100.000,0,"
		"3,1,2,1,4,1,7,2,5,600,400,9,3,4,2,12.345,12345.000\n"
		"t,clock,4,4096,2,1000,700,300,0,50,100,0.100000,96,10,8,5,900,86,90,100.000,0,"
		"5,1,2,1,4,1,7,2,5,600,400,9,3,4,2,,\n";
	char old[1024];
	struct results r;
	struct ps_error err;
	const struct results_cell *c;

	ck_assert_msg(parse(text, &r, &err) == 0, "%s", err.msg);
	c = &r.traces[0].cells[0];
	ck_assert_uint_eq(c->runs, 2);
	ck_assert_double_eq(c->m[RM_FILE_READS].mean, 4.0);
	ck_assert_double_eq(c->m[RM_FILE_READS].max, 5.0);
	ck_assert_double_eq(c->m[RM_TLB_HITS].mean, 600.0);
	ck_assert_double_eq(c->m[RM_PROCESSES].mean, 2.0);
	ck_assert(isnan(c->m[RM_EST_TIME_MS].mean)); /* one row left it empty */
	ck_assert_str_eq(results_metric_name(RM_EAT_NS), "eat_ns");
	results_free(&r);

	snprintf(old, sizeof old, "%s%s", HEADER, row("t", "lru", 4, 4096, 1, 10, 0));
	ck_assert_msg(parse(old, &r, &err) == 0, "%s", err.msg);
	c = &r.traces[0].cells[0];
	ck_assert_double_eq(c->m[RM_FAULTS].mean, 10.0);
	for (int m = RM_FILE_READS; m < RM_COUNT; m++)
		ck_assert_msg(isnan(c->m[m].mean), "%s of an old file", results_metric_name(m));
	results_free(&r);

	/* A new column present but malformed is still an error. */
	expect_refused(HEADER_VM "t,clock,4,4096,1,1000,700,300,0,50,100,0.100000,96,10,8,5,900,86,90,100.000,0,"
			"x,1,2,1,4,1,7,2,5,600,400,9,3,4,2,1.0,1.0\n",
		       "d/results.csv:2: field 'file_reads': expected a whole number, got \"x\"");
	expect_refused(HEADER_VM "t,clock,4,4096,1,1000,700,300,0,50,100,0.100000,96,10,8,5,900,86,90,100.000,0,"
			"3,1,2,1,4,1,7,2,5,600,400,9,3,4,2,-1,1.0\n",
		       "d/results.csv:2: field 'est_time_ms': expected a non-negative number");
}
END_TEST

START_TEST(page_sizes_make_separate_traces)
{
	char text[4096];
	struct results r;
	struct ps_error err;

	snprintf(text, sizeof text, "%s%s%s%s", HEADER, row("t", "lru", 4, 4096, 1, 10, 0),
		 row("t", "lru", 4, 8192, 1, 7, 0), row("t", "lru", 8, 4096, 1, 5, 0));
	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(r.ntraces, 2);
	ck_assert_uint_eq(r.traces[0].page_size, 4096);
	ck_assert_uint_eq(r.traces[0].ncells, 2);
	ck_assert_uint_eq(r.traces[1].page_size, 8192);
	ck_assert_uint_eq(r.traces[1].ncells, 1);
	results_free(&r);
}
END_TEST

START_TEST(malformed_files_are_refused_with_their_line)
{
	char text[4096];

	expect_refused("", "d/results.csv:1: empty file");
	expect_refused("\n\n", "d/results.csv:3: empty file");
	expect_refused(HEADER, "d/results.csv:2: no result rows");
	expect_refused("trace,policy,frames\nt,fifo,3\n", "d/results.csv:1: the header lacks column 'page_size'");
	expect_refused("trace,trace,policy\n", "d/results.csv:1: column 'trace' appears twice");
	snprintf(text, sizeof text, "%s%s\"unterminated,lru,4\n", HEADER, row("t", "lru", 4, 4096, 1, 10, 0));
	expect_refused(text, "d/results.csv:3: unterminated quoted field");
	snprintf(text, sizeof text, "%s%sa\"b,lru\n", HEADER, row("t", "lru", 4, 4096, 1, 10, 0));
	expect_refused(text, "d/results.csv:3: quote inside an unquoted field");
	snprintf(text, sizeof text, "%s\"a\"b,lru\n", HEADER);
	expect_refused(text, "d/results.csv:2: unexpected 'b' after a closing quote");
	snprintf(text, sizeof text, "%s%s", HEADER, row("t", "lru", 0, 4096, 1, 10, 0));
	expect_refused(text, "d/results.csv:2: field 'frames': expected a frame count");
	snprintf(text, sizeof text, "%s%s", HEADER, row("t", "lru", 4, 4096, 1, 10, 0));
	*strstr(text, ",1000,") = ';';
	expect_refused(text, "d/results.csv:2: expected 21 fields as in the header, found 20");
	snprintf(text, sizeof text, "%s%s", HEADER, "t,lru,4,4096,1,1000,700,300,0,50,-3,0.1,1,1,1,0,1,1,1,1,0\n");
	expect_refused(text, "d/results.csv:2: field 'faults': expected a whole number, got \"-3\"");
	snprintf(text, sizeof text, "%s%s", HEADER, "t,lru,4,4096,1,1000,700,300,0,50,3,nan,1,1,1,0,1,1,1,1,0\n");
	expect_refused(text, "d/results.csv:2: field 'fault_rate': expected a non-negative number");
	snprintf(text, sizeof text, "%s%s", HEADER, ",lru,4,4096,1,1000,700,300,0,50,3,0.1,1,1,1,0,1,1,1,1,0\n");
	expect_refused(text, "d/results.csv:2: empty trace name");
	snprintf(text, sizeof text, "%s%s", HEADER, "t,lru,4,4096,1,1000,700,300,0,50,3,0.1,1,1,1,0,1,1,1,1,0\rx");
	expect_refused(text, "d/results.csv:2: carriage return not followed by a line feed");
}
END_TEST

START_TEST(load_names_a_missing_file)
{
	struct results r;
	struct ps_error err;

	ck_assert_int_eq(results_load("/nonexistent/results.csv", &r, &err), -1);
	ck_assert_str_eq(err.msg, "/nonexistent/results.csv: No such file or directory");
}
END_TEST

/* plot_gp_string(s) as a string. */
static const char *gp_string(const char *s)
{
	static char buf[256];
	FILE *out = fmemopen(buf, sizeof buf, "w");

	ck_assert_ptr_nonnull(out);
	plot_gp_string(out, s);
	fclose(out);
	return buf;
}

START_TEST(gnuplot_strings_are_single_quoted)
{
	ck_assert_str_eq(gp_string("sort.trace"), "'sort.trace'");
	ck_assert_str_eq(gp_string("it's"), "'it''s'");
	ck_assert_str_eq(gp_string("a\\b \"c\" @x $y"), "'a\\b \"c\" @x $y'");
	ck_assert_str_eq(gp_string("two\nlines\ttab"), "'two lines tab'");
	ck_assert_str_eq(gp_string("caf\xc3\xa9 \xff\xc3"), "'caf\xc3\xa9 ?\?'");
	ck_assert_str_eq(gp_string("\xed\xa0\x80"), "'??\?'");   /* a UTF-16 surrogate */
	ck_assert_str_eq(gp_string(""), "''");
}
END_TEST

/* plot_safe_name(s) as a string. */
static const char *safe_name(const char *s)
{
	static char buf[64];

	plot_safe_name(s, buf, sizeof buf);
	return buf;
}

START_TEST(file_names_are_safe)
{
	ck_assert_str_eq(safe_name("traces/sort.lackey.zst"), "sort.lackey.zst");
	ck_assert_str_eq(safe_name("my dir/it's \"x\", y.trace"), "it_s_x_y.trace");
	ck_assert_str_eq(safe_name("../../etc/passwd"), "passwd");
	ck_assert_str_eq(safe_name("-rf"), "rf");
	ck_assert_str_eq(safe_name(".hidden"), "hidden");
	ck_assert_str_eq(safe_name("-"), "trace");
	ck_assert_str_eq(safe_name("dir/"), "trace");
	ck_assert_str_eq(safe_name("caf\xc3\xa9.trace"), "caf_.trace");
	ck_assert_str_eq(safe_name("a__b \"_c"), "a_b_c");
	ck_assert_uint_eq(strlen(safe_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")), 40);
	ck_assert_str_eq(safe_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbb"), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}
END_TEST

/* plot_size_label(bytes) as a string. */
static const char *size_label(uint64_t bytes)
{
	static char buf[32];

	plot_size_label(bytes, buf, sizeof buf);
	return buf;
}

START_TEST(memory_sizes_are_labelled)
{
	ck_assert_str_eq(size_label(512), "512 B");
	ck_assert_str_eq(size_label(65536), "64 KiB");
	ck_assert_str_eq(size_label(12288), "12 KiB");
	ck_assert_str_eq(size_label(1280), "1.25 KiB");
	ck_assert_str_eq(size_label(1u << 20), "1 MiB");
	ck_assert_str_eq(size_label(UINT64_C(3) << 19), "1.5 MiB");
	ck_assert_str_eq(size_label(UINT64_C(4) << 30), "4 GiB");
	ck_assert_str_eq(size_label(UINT64_C(1) << 40), "1 TiB");
}
END_TEST

START_TEST(bar_chart_frames_default)
{
	char text[4096];
	struct results r;
	struct ps_error err;

	/* Policies differ at 4 and 8 frames, agree at 16: pick 8. */
	snprintf(text, sizeof text, "%s%s%s%s%s%s%s", HEADER, row("t", "fifo", 4, 4096, 1, 100, 0),
		 row("t", "lru", 4, 4096, 1, 90, 0), row("t", "fifo", 8, 4096, 1, 60, 0),
		 row("t", "lru", 8, 4096, 1, 50, 0), row("t", "fifo", 16, 4096, 1, 40, 0),
		 row("t", "lru", 16, 4096, 1, 40, 0));
	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(plot_default_bar_frames(&r.traces[0]), 8);
	results_free(&r);

	/* They never differ: the median frame count (the lower middle one). */
	snprintf(text, sizeof text, "%s%s%s%s%s%s", HEADER, row("t", "fifo", 16, 4096, 1, 10, 0),
		 row("t", "lru", 16, 4096, 1, 10, 0), row("t", "fifo", 4, 4096, 1, 10, 0),
		 row("t", "fifo", 8, 4096, 1, 10, 0), row("t", "fifo", 32, 4096, 1, 10, 0));
	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(plot_default_bar_frames(&r.traces[0]), 8);
	results_free(&r);

	/* Seeds averaged: random's mean differs from fifo's at 16. */
	snprintf(text, sizeof text, "%s%s%s%s%s", HEADER, row("t", "fifo", 16, 4096, 1, 10, 0),
		 row("t", "random", 16, 4096, 1, 10, 0), row("t", "random", 16, 4096, 2, 12, 0),
		 row("t", "fifo", 8, 4096, 1, 20, 0));
	ck_assert_int_eq(parse(text, &r, &err), 0);
	ck_assert_uint_eq(plot_default_bar_frames(&r.traces[0]), 16);
	results_free(&r);
}
END_TEST

Suite *make_results_suite(void)
{
	const TTest *const tc_tests[] = {
		reads_rows_and_averages_seeds, quoted_fields_hold_commas_quotes_and_newlines,
		line_numbers_count_lines_inside_quotes, crlf_blank_lines_and_repeated_headers,
		columns_by_name_extra_columns_ignored, page_sizes_make_separate_traces,
		malformed_files_are_refused_with_their_line, load_names_a_missing_file,
		vm_columns_are_optional
	};
	const TTest *const tp_tests[] = {
		gnuplot_strings_are_single_quoted, file_names_are_safe, memory_sizes_are_labelled,
		bar_chart_frames_default
	};
	Suite *s = suite_create("results");

	SUITE_ADD_TESTS(s, "csv", 0, tc_tests);
	SUITE_ADD_TESTS(s, "plot helpers", 0, tp_tests);
	return s;
}
