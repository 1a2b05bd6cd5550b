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
#include "replay/experiment.h"
#include "report/stats.h"

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
	load_fails(OK_TRACES "policies: {a: b}\nframes: [3]\n",
		   ":2:11: policies must be a list or a single value, not a mapping");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nseeds: {a: 1}\n",
		   ":4:8: seeds must be a list or a single value, not a mapping");
	load_fails(OK_TRACES "frames: [3]\n", ":1:1: the experiment needs policies:");
	load_fails(OK_TRACES "policies: [fifo]\n", ":1:1: the experiment needs frames:");
	load_fails("policies: [fifo]\nframes: [3]\n", ":1:1: the experiment needs traces:");
	load_fails("- a\n- b\n", ":1:1: the experiment must be a mapping of keys to values");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\noutput: " TRACES_DIR "/belady.pages\n",
		   ":4:9: output: " TRACES_DIR "/belady.pages exists and is not a directory");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\noutput: " TRACES_DIR "/belady.pages/out\n",
		   ":4:9: output: " TRACES_DIR "/belady.pages/out lies under a file that is not a directory");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\nby-segment: true\n",
		   ":4:13: by-segment: sweeps and checks keep no per-segment breakdown; use pagesim run --by-segment");
	load_fails(OK_TRACES "policies: [fifo\nframes: [3]\n", ":3:7: not valid YAML:");
	/* What follows the first document would be ignored, errors and all. */
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\n---\n[[[\n",
		   ":4:1: a second YAML document; an experiment file holds one");
	load_fails(OK_TRACES "policies: [fifo]\nframes: [3]\n...\nseeds: 2\n", ":5:1: not valid YAML:");
	load_fails(OK_TRACES "policies:\n\t- fifo\nframes: [3]\n",
		   ":3:1: not valid YAML: found character that cannot start any token while scanning for the next "
		   "token (a tab: YAML indents with spaces only)");
	/* ... found by the character, not the byte, after UTF-8 text and
	 * after a byte-order mark, which libyaml does not count. */
	load_fails("\xef\xbb\xbf\tframes: [3]\n",
		   ":1:1: not valid YAML: found character that cannot start any token while scanning for the next "
		   "token (a tab: YAML indents with spaces only)");
	load_fails("# caf\xc3\xa9 \xe2\x80\x94\n" OK_TRACES "policies:\n\t- fifo\nframes: [3]\n",
		   ":4:1: not valid YAML: found character that cannot start any token while scanning for the next "
		   "token (a tab: YAML indents with spaces only)");
	load_fails("", ": the file is empty");
}
END_TEST

/* An exp_plugin_loader that counts its calls (*arg) and loads nothing. */
static int count_plugin(const char *path, void *arg, struct ps_error *err)
{
	(void)path;
	(void)err;
	++*(int *)arg;
	return 0;
}

/* An exp_plugin_loader that fails like a missing file. */
static int missing_plugin(const char *path, void *arg, struct ps_error *err)
{
	(void)arg;
	return ps_error_set(err, "%s: cannot load plug-in: No such file", path);
}

/* Load text with loader; returns the loader's call count, err the error. */
static int load_plugins(const char *text, exp_plugin_loader loader, struct ps_error *err, int *rc)
{
	struct experiment e;
	const char *path = yaml_file(text);
	int calls = 0;

	*rc = exp_load_with_plugins(path, &e, loader, &calls, err);
	exp_free(&e);
	unlink(path);
	return calls;
}

START_TEST(plugins_load_after_the_file_is_checked)
{
	struct ps_error err = { "" };
	int rc;

	/* Valid: the loader is called once per plug-in, before the policy
	 * names are looked up (fifo is built in). */
	ck_assert_int_eq(load_plugins(OK_TRACES "plugins: [a.so, b.so]\npolicies: [fifo]\nframes: [3]\n",
				      count_plugin, &err, &rc), 2);
	ck_assert_msg(rc == 0, "%s", err.msg);
	/* An unknown key, a duplicate plugins: key, a bad expect: requirement
	 * or a missing trace: refused before any plug-in is loaded. */
	ck_assert_int_eq(load_plugins(OK_TRACES "plugins: [a.so]\npolicies: [mine]\nframes: [3]\nfrmaes: 4\n",
				      count_plugin, &err, &rc), 0);
	ck_assert_msg(rc == -1 && strstr(err.msg, ":5:1: unknown key \"frmaes\""), "%s", err.msg);
	ck_assert_int_eq(load_plugins(OK_TRACES "plugins: [a.so]\npolicies: [mine]\nframes: [3]\nplugins: [a.so]\n",
				      count_plugin, &err, &rc), 0);
	ck_assert_msg(rc == -1 && strstr(err.msg, ":5:1: key \"plugins\" appears twice in the experiment, on lines 2 and 5"),
		      "%s", err.msg);
	ck_assert_int_eq(load_plugins(OK_TRACES "plugins: [a.so]\npolicies: [mine]\nframes: [3]\n"
				      "expect:\n  - {policy: mine, better-than: fifo}\n", count_plugin, &err, &rc), 0);
	ck_assert_msg(rc == -1 && strstr(err.msg, ":6:20: unknown key \"better-than\" in a requirement"), "%s", err.msg);
	ck_assert_int_eq(load_plugins("traces: [/nonexistent/t]\nplugins: [a.so]\npolicies: [mine]\nframes: [3]\n",
				      count_plugin, &err, &rc), 0);
	ck_assert_msg(rc == -1 && strstr(err.msg, ":1:10: trace /nonexistent/t:"), "%s", err.msg);
}
END_TEST

START_TEST(plugin_paths_and_errors)
{
	struct experiment e;
	struct ps_error err = { "" };
	const char *path = yaml_file(OK_TRACES "plugins: [a.so, /abs/b.so, sub/c.so]\npolicies: [fifo]\nframes: [3]\n");
	char dir[4200], want[4300];
	int rc;

	/* Relative plug-in paths are taken from the file's directory. */
	snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
	ck_assert_msg(exp_load(path, &e, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(e.nplugins, 3);
	snprintf(want, sizeof want, "%s/a.so", dir);
	ck_assert_str_eq(e.plugins[0], want);
	ck_assert_str_eq(e.plugins[1], "/abs/b.so");
	snprintf(want, sizeof want, "%s/sub/c.so", dir);
	ck_assert_str_eq(e.plugins[2], want);
	exp_free(&e);
	unlink(path);
	/* A plug-in that does not load is reported at its entry. */
	load_plugins(OK_TRACES "plugins:\n  - x.so\npolicies: [fifo]\nframes: [3]\n", missing_plugin, &err, &rc);
	ck_assert_msg(rc == -1 && strstr(err.msg, ":3:5: ") && strstr(err.msg, "/x.so: cannot load plug-in"), "%s",
		      err.msg);
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

/* The machine keys of the VM model and the cost model. */
START_TEST(machine_keys)
{
	struct experiment e;
	char stamp[1024];

	load_ok(OK_TRACES "policies: [fifo]\nframes: [3]\n", &e);
	/* Defaults: everything off, shootdowns on, global scope, ssd. */
	ck_assert(!e.machine.vm.strict && !e.machine.vm.no_shootdown && !e.machine.vm.scope_local);
	ck_assert_uint_eq(e.machine.vm.stack_gap, 0);
	ck_assert_uint_eq(e.machine.vm.tlb_entries, 0);
	ck_assert(!cost_customised(&e.machine.cost));
	ck_assert(exp_machine_is_plain(&e.machine));
	exp_machine_describe(&e.machine, stamp, sizeof stamp);
	ck_assert_str_eq(stamp, "strict=0 stack_gap=65536 tlb=0:0 tlb_flush_on_switch=0 shootdown=1 "
				"count_page_tables=0 by_segment=0 scope=global quota=0 device=ssd read_us=100 "
				"write_us=150 mem_ns=100 tlb_miss_ns=20 fault_us=1 zero_us=0.5 copy_us=1");
	exp_free(&e);

	/* Every key (by-segment only as false: true is refused); read-us comes
	 * before device and still wins. */
	load_ok(OK_TRACES "policies: [fifo]\nframes: [3]\n"
		"strict: true\nstack-gap: 4096\ntlb: 64:4\ntlb-flush-on-switch: yes\nshootdown: false\n"
		"count-page-tables: on\nby-segment: false\nscope: local\nquota: 16\nalloc: proportional\nread-us: 7\ndevice: hdd\n"
		"write-us: 8\nmem-ns: 9\ntlb-miss-ns: 10\nfault-us: 11\nzero-us: 12\ncopy-us: 0.125\n", &e);
	ck_assert(e.machine.vm.strict);
	ck_assert_uint_eq(e.machine.vm.stack_gap, 4096);
	ck_assert_uint_eq(e.machine.vm.tlb_entries, 64);
	ck_assert_uint_eq(e.machine.vm.tlb_ways, 4);
	ck_assert(e.machine.vm.tlb_flush_on_switch && e.machine.vm.no_shootdown);
	ck_assert(e.machine.vm.count_page_tables && !e.machine.vm.by_segment && e.machine.vm.scope_local);
	ck_assert_uint_eq(e.machine.vm.local_quota, 16);
	ck_assert_uint_eq(e.machine.vm.local_alloc, LOCAL_ALLOC_PROPORTIONAL);
	ck_assert_int_eq(e.machine.cost.device, COST_HDD);
	ck_assert(!exp_machine_is_plain(&e.machine));
	exp_machine_describe(&e.machine, stamp, sizeof stamp);
	ck_assert_str_eq(stamp, "strict=1 stack_gap=4096 tlb=64:4 tlb_flush_on_switch=1 shootdown=0 "
				"count_page_tables=1 by_segment=0 scope=local quota=16 alloc=proportional device=hdd read_us=7 "
				"write_us=8 mem_ns=9 tlb_miss_ns=10 fault_us=11 zero_us=12 copy_us=0.125");
	exp_free(&e);

	/* A device alone sets only the I/O figures. */
	load_ok(OK_TRACES "policies: [fifo]\nframes: [3]\ndevice: nvme\n", &e);
	ck_assert(cost_customised(&e.machine.cost));
	ck_assert(e.machine.cost.value[COST_READ_US] == 50 && e.machine.cost.value[COST_WRITE_US] == 20);
	ck_assert(e.machine.cost.value[COST_MEM_NS] == 100);
	ck_assert(exp_machine_is_plain(&e.machine)); /* a cost model changes no count */
	exp_free(&e);
	load_ok(OK_TRACES "policies: [fifo]\nframes: [3]\nstack-gap: 65536\n", &e);
	ck_assert(exp_machine_is_plain(&e.machine));
	exp_free(&e);
}
END_TEST

START_TEST(machine_key_errors)
{
#define BASE OK_TRACES "policies: [fifo]\nframes: [3]\n"
	load_fails(BASE "strict: maybe\n", ":4:9: strict: expected true or false, got \"maybe\"");
	load_fails(BASE "stack-gap: 0\n", ":4:12: stack-gap: expected a whole number from 1 to 281474976710656, got \"0\"");
	load_fails(BASE "stack-gap: 64K\n", ":4:12: stack-gap: expected a whole number");
	load_fails(BASE "tlb: 0\n", ":4:6: tlb: TLB entries must be 1..65536");
	load_fails(BASE "tlb: '64:'\n", ":4:6: tlb: TLB size '64:': the ways are missing");
	load_fails(BASE "tlb: [64]\n", ":4:6: tlb must be a single value, not a list");
	load_fails(BASE "tlb-flush-on-switch: true\n",
		   ":4:22: tlb-flush-on-switch: there is no TLB to flush; add tlb: ENTRIES[:WAYS]");
	load_fails(BASE "shootdown: false\n", ":4:12: shootdown: there is no TLB; add tlb: ENTRIES[:WAYS]");
	load_fails(BASE "shootdown: sometimes\n", ":4:12: shootdown: expected true or false");
	load_fails(BASE "count-page-tables: 1\n", ":4:20: count-page-tables: expected true or false");
	load_fails(BASE "by-segment: perhaps\n", ":4:13: by-segment: expected true or false");
	load_fails(BASE "scope: both\n", ":4:8: scope: expected global or local, got \"both\"");
	load_fails(BASE "quota: 8\n", ":4:8: quota: a frame quota per process needs scope: local");
	load_fails(BASE "quota: 8\nscope: global\n", ":4:8: quota: a frame quota per process needs scope: local");
	load_fails(BASE "alloc: equal\n", ":4:8: alloc: a frame allocation rule needs scope: local");
	load_fails(BASE "scope: local\nalloc: fair\n", ":5:8: alloc: expected equal or proportional, got \"fair\"");
	load_fails(BASE "scope: local\nquota: 0\n", ":5:8: quota: expected a whole number from 1 to 2147483648, got \"0\"");
	load_fails(BASE "device: tape\n", ":4:9: device: expected hdd, ssd or nvme, got \"tape\"");
	load_fails(BASE "read-us: -1\n", ":4:10: read-us: expected a time in microseconds from 0 to 1e+09, got \"-1\"");
	load_fails(BASE "write-us: 1e10\n", ":4:11: write-us: expected a time in microseconds from 0 to 1e+09");
	load_fails(BASE "mem-ns: fast\n", ":4:9: mem-ns: expected a time in nanoseconds from 0 to 1e+09, got \"fast\"");
	load_fails(BASE "tlb-miss-ns: x\n", ":4:14: tlb-miss-ns: expected a time in nanoseconds");
	load_fails(BASE "fault-us: x\n", ":4:11: fault-us: expected a time in microseconds");
	load_fails(BASE "zero-us: x\n", ":4:10: zero-us: expected a time in microseconds");
	load_fails(BASE "copy-us: x\n", ":4:10: copy-us: expected a time in microseconds");
	load_fails(BASE "devise: hdd\n", ":4:1: unknown key \"devise\" in the experiment (did you mean \"device\"?)");
	load_fails(BASE "device: ssd\ndevice: hdd\n", ":5:1: key \"device\" appears twice in the experiment");
#undef BASE
}
END_TEST

/* Non-integer factor: sizes from * F^i rounded to the nearest frame
 * (halves up), repeats left out. By hand: 10, 15, 22.5 -> 23, 33.75 -> 34,
 * then 50.6 > 40. And from 1 by 1.2: 1, 1.2 -> 1, 1.44 -> 1, 1.728 -> 2,
 * 2.07 -> 2, 2.49 -> 2, 2.99 -> 3, 3.58 -> 4, 4.30 -> 4, 5.16 > 4. */
START_TEST(fractional_frame_factor)
{
	static const uint32_t want1[] = { 10, 15, 23, 34 }, want2[] = { 1, 2, 3, 4 };
	struct experiment e;

	load_ok(OK_TRACES "policies: [fifo]\nframes: {from: 10, to: 40, factor: 1.5}\n", &e);
	ck_assert_uint_eq(e.nframes, 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(e.frames[i], want1[i]);
	exp_free(&e);
	load_ok(OK_TRACES "policies: [fifo]\nframes: {from: 1, to: 4, factor: 1.2}\n", &e);
	ck_assert_uint_eq(e.nframes, 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(e.frames[i], want2[i]);
	exp_free(&e);
	/* A whole factor as before: 8, 16, 32. */
	load_ok(OK_TRACES "policies: [fifo]\nframes: {from: 8, to: 63, factor: 2}\n", &e);
	ck_assert_uint_eq(e.nframes, 3);
	ck_assert_uint_eq(e.frames[2], 32);
	exp_free(&e);
	load_fails(OK_TRACES "policies: [fifo]\nframes: {from: 1, to: 4, factor: 1}\n",
		   ":3:34: factor: expected a number from 1.001 to 1024, got \"1\"");
}
END_TEST

/* policies: all is every policy 'pagesim policies' lists, in its order;
 * with another name beside it, that one is listed twice. */
START_TEST(policies_all)
{
	struct experiment e;
	size_t n = 0;

	while (policy_at(n) != NULL)
		n++;
	load_ok(OK_TRACES "policies: all\nframes: [3]\n", &e);
	ck_assert_uint_eq(e.npolicies, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(e.policies[i].label, policy_at(i)->name);
	exp_free(&e);
	load_fails(OK_TRACES "policies: [lru, all]\nframes: [3]\n", ":2:17: policy \"lru\" is listed twice");
}
END_TEST

Suite *make_experiment_suite(void)
{
	const TTest *const tc_tests[] = {
		simplest_file_from_the_issue, every_key, defaults_name_and_output_from_the_file,
		errors_name_line_column_and_choices, plugins_load_after_the_file_is_checked, plugin_paths_and_errors, expect_section, expect_errors,
		confidence_intervals, machine_keys, machine_key_errors, fractional_frame_factor, policies_all
	};
	Suite *s = suite_create("experiment");

	SUITE_ADD_TESTS(s, "load", 0, tc_tests);
	return s;
}
