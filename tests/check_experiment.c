/*
 * check_experiment.c - experiment files: every key, and every error with
 * its FILE:LINE:COLUMN.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "experiment.h"
#include "stats.h"

/* Write text to a new temporary file; returns its path (static buffer). */
static const char *yaml_file(const char *text)
{
	static char path[4096];
	const char *dir = getenv("TESTTMP");
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "%s/exp-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Load text; the load must succeed. */
static void load_ok(const char *text, struct experiment *e)
{
	struct ps_error err = { "" };
	const char *path = yaml_file(text);
	int rc = exp_load(path, e, &err);

	unlink(path);
	ck_assert_msg(rc == 0, "exp_load: %s", err.msg);
}

/* Load text; the load must fail with a message that, after the file name,
 * starts with want (":LINE:COL: reason"). */
static void load_fails(const char *text, const char *want)
{
	struct experiment e;
	struct ps_error err = { "" };
	const char *path = yaml_file(text);
	int rc = exp_load(path, &e, &err);
	size_t plen = strlen(path);

	unlink(path);
	exp_free(&e);
	ck_assert_msg(rc == -1, "expected failure: %s", want);
	ck_assert_msg(strncmp(err.msg, path, plen) == 0 && strstr(err.msg + plen, want) == err.msg + plen,
		      "got \"%s\", wanted \"%s\"", err.msg + (strncmp(err.msg, path, plen) == 0 ? plen : 0), want);
}

START_TEST(simplest_file_from_the_issue)
{
	struct experiment e;

	load_ok("name: demo\n"
		"traces: [" TRACES_DIR "/belady.pages]\n"
		"policies: [fifo, lru, clock, random]\n"
		"frames: [64, 256]\n"
		"seeds: 3\n"
		"output: results/demo\n", &e);
	ck_assert_str_eq(e.name, "demo");
	ck_assert_uint_eq(e.ntraces, 1);
	ck_assert(!e.traces[0].generated);
	ck_assert_str_eq(e.traces[0].label, TRACES_DIR "/belady.pages");
	ck_assert_uint_eq(e.npolicies, 4);
	ck_assert_str_eq(e.policies[3].label, "random");
	ck_assert_uint_eq(e.nframes, 2);
	ck_assert_uint_eq(e.frames[1], 256);
	ck_assert_uint_eq(e.nseeds, 3);
	ck_assert_uint_eq(e.seeds[2], 3);
	ck_assert_str_eq(e.output, "results/demo");
	/* Defaults of the keys not given. */
	ck_assert_uint_eq(e.topt.page_shift, 12);
	ck_assert_uint_eq(e.topt.va_bits, 48);
	ck_assert(e.span_pages);
	ck_assert_uint_eq(e.swap_slots, 1ULL << 32);
	exp_free(&e);
}
END_TEST

START_TEST(every_key)
{
	struct experiment e;

	load_ok("name: all-keys\n"
		"traces:\n"
		"  - " TRACES_DIR "/silberschatz.pages\n"
		"  - {gen: zipf, pages: 500, refs: 2000, alpha: 0.9, seed: 3, write-ratio: 0.25}\n"
		"  - {gen: phases, pages: 800, refs: 1000, sets: 3, set-size: 40, phase-length: 100}\n"
		"policies:\n"
		"  - lru\n"
		"  - {name: random}\n"
		"frames: [{from: 8, to: 64}, 100, {from: 200, to: 260, step: 30}]\n"
		"seeds: [5, 9]\n"
		"page-size: 8K\n"
		"va-bits: 32\n"
		"swap-slots: 1000\n"
		"span: first\n"
		"format: pages\n"
		"skip-bad: yes\n"
		"output: out/dir\n", &e);
	ck_assert_uint_eq(e.ntraces, 3);
	ck_assert(e.traces[1].generated);
	ck_assert_str_eq(e.traces[1].label, "gen:zipf:pages=500:refs=2000:seed=3:write-ratio=0.25:alpha=0.9");
	ck_assert_str_eq(e.traces[2].label, "gen:phases:pages=800:refs=1000:seed=1:sets=3:set-size=40:phase-length=100");
	ck_assert_uint_eq(e.traces[2].gen.sets, 3);
	ck_assert_uint_eq(e.npolicies, 2);
	ck_assert_str_eq(e.policies[1].label, "random");
	/* 8 16 32 64, 100, 200 230 260 */
	ck_assert_uint_eq(e.nframes, 8);
	ck_assert_uint_eq(e.frames[3], 64);
	ck_assert_uint_eq(e.frames[4], 100);
	ck_assert_uint_eq(e.frames[7], 260);
	ck_assert_uint_eq(e.nseeds, 2);
	ck_assert_uint_eq(e.seeds[1], 9);
	ck_assert_uint_eq(e.topt.page_shift, 13);
	ck_assert_uint_eq(e.topt.va_bits, 32);
	ck_assert_uint_eq(e.swap_slots, 1000);
	ck_assert(!e.span_pages);
	ck_assert_int_eq(e.topt.format, TRACE_PAGES);
	ck_assert(e.topt.skip_bad);
	ck_assert_str_eq(e.output, "out/dir");
	exp_free(&e);
}
END_TEST

START_TEST(defaults_name_and_output_from_the_file)
{
	struct experiment e;
	const char *path = yaml_file("traces: [" TRACES_DIR "/belady.pages]\npolicies: fifo\nframes: 3\n");
	struct ps_error err = { "" };
	const char *base = strrchr(path, '/') + 1;
	char want[4200];

	ck_assert_msg(exp_load(path, &e, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(e.name, base);
	snprintf(want, sizeof want, "results/%s", base);
	ck_assert_str_eq(e.output, want);
	ck_assert_uint_eq(e.nframes, 1);
	ck_assert_uint_eq(e.npolicies, 1);
	ck_assert_uint_eq(e.nseeds, 1);
	ck_assert_uint_eq(e.seeds[0], 1);
	unlink(path);
	exp_free(&e);
}
END_TEST

#define OK_TRACES "traces: [" TRACES_DIR "/belady.pages]\n"
#define OK_TRACES_2 "traces: [" TRACES_DIR "/belady.pages, " TRACES_DIR "/silberschatz.pages]\n"

START_TEST(errors_name_line_column_and_choices)
{
	load_fails(OK_TRACES "policies:\n  - fifo\n  - lur\nframes: [3]\n",
		   ":4:5: unknown policy \"lur\" (did you mean \"lru\"?)");
	load_fails(OK_TRACES "policies: [fifo]\nframs: [3]\n",
		   ":3:1: unknown key \"frams\" in the experiment (did you mean \"frames\"?); valid keys: name, traces,");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [0]\n",
		   ":3:10: frames: expected a whole number from 1 to 2147483648, got \"0\"");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3, 3]\n", ":3:13: frames: 3 is listed twice");
	load_fails(OK_TRACES "policies: [fifo]\nframes: {from: 8}\n", ":3:9: a frames range needs from: and to:");
	load_fails(OK_TRACES "policies: [fifo]\nframes: {from: 8, to: 4, factor: 2}\n",
		   ":3:23: to: expected a whole number from 8 to");
	load_fails(OK_TRACES "policies: [fifo]\nframes: {from: 1, to: 4, step: 1, factor: 2}\n",
		   ":3:43: a frames range takes step: or factor:, not both");
	load_fails(OK_TRACES "policies: [fifo, fifo]\nframes: [3]\n", ":2:18: policy \"fifo\" is listed twice");
	load_fails(OK_TRACES "policies: [fifo:x=1]\nframes: [3]\n", ":2:12: policy \"fifo\" takes no parameters");
	load_fails(OK_TRACES "policies: [{bits: 8}]\nframes: [3]\n", ":2:12: a policy mapping needs a name: key");
	load_fails("traces: [/nonexistent/t]\npolicies: [fifo]\nframes: [3]\n",
		   ":1:10: trace /nonexistent/t: No such file or directory");
	load_fails("traces: [-]\npolicies: [fifo]\nframes: [3]\n", ":1:10: an experiment cannot read standard input");
	load_fails("traces:\n  - {gen: zipff, pages: 10, refs: 10}\npolicies: [fifo]\nframes: [3]\n",
		   ":2:11: unknown generator \"zipff\" (did you mean \"zipf\"?)");
	load_fails("traces:\n  - {gen: zipf, pages: 10}\npolicies: [fifo]\nframes: [3]\n",
		   ":2:5: a generated trace needs pages and refs");
	load_fails("traces:\n  - {pages: 10, refs: 5}\npolicies: [fifo]\nframes: [3]\n",
		   ":2:5: a trace is a file path or a mapping with gen: KIND");
	load_fails("traces:\n  - {gen: scan, pages: 10, refs: 50}\npolicies: [fifo]\nframes: [3]\n", ":2:5: ");
	load_fails("traces:\n  - {gen: zipf, pages: 10, refs: 5, alpha: -1}\npolicies: [fifo]\nframes: [3]\n",
		   ":2:44: alpha: expected a number from");
	load_fails("traces:\n  - {gen: zipf, pages: 10, refs: 5, colour: red}\npolicies: [fifo]\nframes: [3]\n",
		   ":2:37: unknown key \"colour\" in a generated trace; valid keys: gen, name, pages, refs,");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nseeds: 0\n", ":4:8: seeds: expected a whole number from 1 to 1000");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nseeds: [4, 4]\n", ":4:12: seed 4 is listed twice");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\npage-size: 3000\n",
		   ":4:12: page-size: \"3000\" is not a power of two");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nva-bits: 40\n", ":4:10: va-bits: expected 32 or 48");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nspan: some\n", ":4:7: span: expected all or first");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nformat: csv\n", ":4:9: format: unknown trace format \"csv\"");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nskip-bad: maybe\n", ":4:11: skip-bad: expected true or false");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nswap-slots: 0\n", ":4:13: swap-slots: expected a whole number from 1");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nname: a/b\n", ":4:7: name must be non-empty and contain no '/'");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nname: x\nname: y\n", ":5:1: key \"name\" appears twice");
	load_fails(OK_TRACES "policies: []\nframes: [3]\n", ":2:11: policies must not be empty");
	load_fails(OK_TRACES "policies: {a: b}\nframes: [3]\n", ":2:11: policies must be a list");
	load_fails(OK_TRACES "frames: [3]\n", ":1:1: the experiment needs policies:");
	load_fails(OK_TRACES "policies: [fifo]\n", ":1:1: the experiment needs frames:");
	load_fails("policies: [fifo]\nframes: [3]\n", ":1:1: the experiment needs traces:");
	load_fails("- a\n- b\n", ":1:1: the experiment must be a mapping of keys to values");
	load_fails(OK_TRACES "policies: [fifo\nframes: [3]\n", ":3:7: not valid YAML:");
	load_fails("", ": the file is empty");
}
END_TEST

START_TEST(plugins_key_is_read_first)
{
	struct experiment e;
	struct ps_error err = { "" };
	const char *path = yaml_file("policies: [mine]\nplugins: [a.so, b.so]\n");

	/* exp_plugins reads only plugins:, so an unknown policy is no error yet. */
	ck_assert_msg(exp_plugins(path, &e, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(e.nplugins, 2);
	ck_assert_str_eq(e.plugins[1], "b.so");
	exp_free(&e);
	unlink(path);
}
END_TEST

START_TEST(expect_section)
{
	struct experiment e;

	load_ok(OK_TRACES_2
		"policies: [clock, random, lru]\n"
		"frames: [16, 32, 64]\n"
		"expect:\n"
		"  - {policy: clock, fewer-faults-than: random, margin: 5%}\n"
		"  - {policy: lru, at-least-as-good-as: clock, tolerance: 0.02, frames: [32],\n"
		"     traces: [" TRACES_DIR "/silberschatz.pages], note: hello}\n", &e);
	ck_assert_uint_eq(e.nexpects, 2);
	ck_assert_uint_eq(e.expects[0].policy, 0);
	ck_assert_uint_eq(e.expects[0].other, 1);
	ck_assert_int_eq(e.expects[0].relation, EXP_FEWER_FAULTS);
	ck_assert_double_eq_tol(e.expects[0].margin, 0.05, 1e-12);
	ck_assert(e.expects[0].traces[0] && e.expects[0].traces[1]);
	ck_assert(e.expects[0].frames[0] && e.expects[0].frames[2]);
	ck_assert_ptr_null(e.expects[0].note);
	ck_assert_int_eq(e.expects[1].relation, EXP_AT_LEAST_AS_GOOD);
	ck_assert_double_eq_tol(e.expects[1].margin, 0.02, 1e-12);
	ck_assert(!e.expects[1].traces[0] && e.expects[1].traces[1]);
	ck_assert(!e.expects[1].frames[0] && e.expects[1].frames[1] && !e.expects[1].frames[2]);
	ck_assert_str_eq(e.expects[1].note, "hello");
	ck_assert_uint_eq(e.expects[1].line, 6);
	ck_assert(!e.seeds_given);
	exp_free(&e);
}
END_TEST

START_TEST(expect_errors)
{
	load_fails(OK_TRACES "policies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock}\n",
		   ":5:5: a requirement needs exactly one of fewer-faults-than: and at-least-as-good-as:");
	load_fails(OK_TRACES "policies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, fewer-faults-than: clock}\n",
		   ":5:14: a requirement compares two different policies");
	load_fails(OK_TRACES "policies: [clock, random]\nframes: [8]\nexpect:\n  - {fewer-faults-than: clock}\n",
		   ":5:5: a requirement needs policy:");
	load_fails(OK_TRACES "policies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, fewer-faults-than: random, margin: 150%}\n",
		   ":5:56: margin: expected a percentage like 5% or a fraction from 0 to 1, got \"150%\"");
	load_fails(OK_TRACES "policies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, fewer-faults-than: random, traces: [nope]}\n",
		   ":5:57: trace \"nope\" is not among the experiment's traces");
	load_fails(OK_TRACES "policies: [clock, random]\nframes: [8]\nexpect:\n  - {policy: clock, better-than: random}\n",
		   ":5:21: unknown key \"better-than\" in a requirement; valid keys: policy, fewer-faults-than,");
}
END_TEST

START_TEST(confidence_intervals)
{
	const double four[] = { 1, 2, 3, 4 }, same[] = { 7, 7, 7 }, one[] = { 5 };
	struct stats_interval r = stats_interval_of(four, 4);

	/* mean 2.5; s = sqrt(5/3); t(3) = 3.182; half = 3.182 * s / 2 */
	ck_assert_double_eq_tol(r.mean, 2.5, 1e-12);
	ck_assert_double_eq_tol(r.half, 3.182 * sqrt(5.0 / 3.0) / 2, 1e-9);
	r = stats_interval_of(same, 3);
	ck_assert_double_eq_tol(r.half, 0, 1e-12);
	r = stats_interval_of(one, 1);
	ck_assert(r.mean == 5 && r.half == 0 && r.n == 1);
	ck_assert_double_eq_tol(stats_t95(1), 12.706, 1e-9);
	ck_assert_double_eq_tol(stats_t95(9), 2.262, 1e-9);
	ck_assert_double_eq_tol(stats_t95(30), 2.042, 1e-9);
	ck_assert_double_eq_tol(stats_t95(35), 2.042, 1e-9);  /* conservative: df 30 */
	ck_assert_double_eq_tol(stats_t95(1000), 1.980, 1e-9);
}
END_TEST

Suite *make_experiment_suite(void)
{
	Suite *s = suite_create("experiment");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, simplest_file_from_the_issue);
	tcase_add_test(tc, every_key);
	tcase_add_test(tc, defaults_name_and_output_from_the_file);
	tcase_add_test(tc, errors_name_line_column_and_choices);
	tcase_add_test(tc, plugins_key_is_read_first);
	tcase_add_test(tc, expect_section);
	tcase_add_test(tc, expect_errors);
	tcase_add_test(tc, confidence_intervals);
	suite_add_tcase(s, tc);
	return s;
}
