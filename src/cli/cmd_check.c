/*
 * cmd_check.c - `pagesim check EXPERIMENT.yaml`: regression checks of the
 * form "clock pages less than random on workloads with locality".
 *
 * The experiment's expect: section lists requirements. For each one, on
 * each chosen trace and frame count, both policies are replayed (a
 * randomised policy once per seed; 10 seeds unless the file has seeds:),
 * and the requirement holds only beyond the 95% confidence intervals of
 * both mean fault counts (stats.h):
 *
 *   A fewer-faults-than B, margin m:        hi(A) < (1 - m) * lo(B)
 *   A at-least-as-good-as B, tolerance t:   hi(A) <= (1 + t) * lo(B)
 *
 * where hi and lo are the ends of the intervals (a deterministic policy's
 * interval is its single value). Only the cells the requirements need are
 * replayed, one decoding per trace, on all cores; or, with --results DIR,
 * nothing is replayed and the fault counts are the rows of DIR/results.csv
 * (a sweep's, or the merge of its shards: a check across a cluster), each
 * cell found by trace, page size, policy, frames and seed. Exit 0 when every row
 * holds, 1 when any fails (the failing rows are listed again at the end),
 * 2 on bad input. --plot draws, per requirement and trace, both policies'
 * fault rates against memory size with their intervals.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "replay/experiment.h"
#include "util/files.h"
#include "report/plot.h"
#include "report/results.h"
#include "report/stats.h"
#include "replay/cells.h"

#define CHECK_DEFAULT_SEEDS 10

/* Fault counts of one trace: faults[(policy * nframes + frame) * nseeds + seed]
 * (only the seeds a policy uses are filled), and which cells are wanted. */
struct check_trace {
	double *faults;
	double *refs;
	bool *wanted;  /* [policy * nframes + frame] */
};

/* The rows of --results DIR: faults and refs of cell (trace, policy,
 * frames, seed), at [((t * npolicies + p) * nframes + f) * nseeds + s]. */
struct check_given {
	double *faults, *refs;
	bool *have;
};

struct check {
	struct experiment *exp;
	unsigned threads;
	bool plot;
	const char *results;      /* --results DIR, or NULL: replay */
	struct check_given given; /* its rows */
	int trace_width; /* of the trace column: its longest label, at least 28 */
	size_t rows, failed;
	char failures[64][512];
	size_t nfailures;
};

/* How many seeds policy p runs with. */
static size_t check_seeds_of(const struct experiment *e, size_t p)
{
	return e->policies[p].policy->uses_seed ? e->nseeds : 1;
}

/* The interval of policy p at frame index f of trace data t. */
static struct stats_interval check_interval(const struct experiment *e, const struct check_trace *t, size_t p,
					    size_t f)
{
	return stats_interval_of(&t->faults[(p * e->nframes + f) * e->nseeds], check_seeds_of(e, p));
}

/* Replay the cells trace ti needs into t. Returns 0 or an exit code. */
static int check_replay(struct check *ck, size_t ti, struct check_trace *t)
{
	const struct experiment *e = ck->exp;
	const struct exp_trace *tr = &e->traces[ti];
	const struct cells_machine machine = {
		.page_shift = e->topt.page_shift, .va_bits = e->topt.va_bits,
		.swap_slots = e->swap_slots, .span_pages = e->span_pages, .vm = &e->machine,
	};
	size_t cells_max = e->npolicies * e->nframes * e->nseeds, n = 0;
	struct cell *cells = calloc(cells_max, sizeof *cells);
	struct trace_spec spec = { .path = tr->path, .gen = tr->generated ? &tr->gen : NULL,
				   .workload = tr->workload.n > 0 ? &tr->workload : NULL };
	struct pass_info info;
	struct ps_error err;
	int status = EXIT_OK;

	if (cells == NULL)
		return cli_fail("out of memory");
	for (size_t p = 0; p < e->npolicies; p++)
		for (size_t f = 0; f < e->nframes; f++)
			for (size_t s = 0; t->wanted[p * e->nframes + f] && s < check_seeds_of(e, p); s++)
				cells[n++] = (struct cell){ .policy = &e->policies[p], .frames = e->frames[f],
							    .seed = e->seeds[s] };
	if (cells_replay(&spec, &e->topt, &machine, cells, n, ck->threads, NULL, NULL, NULL, &info, &err) != 0)
		status = cli_fail("%s", err.msg);
	for (size_t i = 0; status == EXIT_OK && i < n; i++) {
		size_t p = (size_t)(cells[i].policy - e->policies), f = 0, s = 0;

		if (!cells[i].done) {
			status = cli_fail("%s: %s with %" PRIu32 " frames (seed %" PRIu64 "): %s", tr->label,
					  cells[i].policy->label, cells[i].frames, cells[i].seed, cells[i].error);
			break;
		}
		while (e->frames[f] != cells[i].frames)
			f++;
		while (e->seeds[s] != cells[i].seed)
			s++;
		t->faults[(p * e->nframes + f) * e->nseeds + s] = (double)cells[i].stats.faults;
		t->refs[p * e->nframes + f] = (double)cells[i].stats.refs;
	}
	free(cells);
	return status;
}

/* The index of value in the n values of list, or n. */
static size_t check_index_u64(const uint64_t *list, size_t n, uint64_t value)
{
	size_t i = 0;

	while (i < n && list[i] != value)
		i++;
	return i;
}

/* A results_row_fn: keep the faults and refs of a row of a cell of the
 * experiment (others are ignored). */
static int check_take_row(void *ctx, const struct results_row *row, struct ps_error *err)
{
	struct check *ck = ctx;
	const struct experiment *e = ck->exp;
	size_t t = 0, p = 0, f = 0, s = check_index_u64(e->seeds, e->nseeds, row->seed), i;

	(void)err;
	while (t < e->ntraces && strcmp(e->traces[t].label, row->trace) != 0)
		t++;
	while (p < e->npolicies && strcmp(e->policies[p].label, row->policy) != 0)
		p++;
	while (f < e->nframes && e->frames[f] != row->frames)
		f++;
	if (t == e->ntraces || p == e->npolicies || f == e->nframes || s == e->nseeds ||
	    row->page_size != 1ULL << e->topt.page_shift)
		return 0;
	i = ((t * e->npolicies + p) * e->nframes + f) * e->nseeds + s;
	ck->given.faults[i] = row->v[RM_FAULTS];
	ck->given.refs[i] = row->v[RM_REFS];
	ck->given.have[i] = true;
	return 0;
}

/* Check that --results DIR has a row for every seed of policy p at frame
 * index f of trace ti. Returns 0 or an exit code naming the first missing. */
static int check_given_has(const struct check *ck, size_t ti, size_t p, size_t f)
{
	const struct experiment *e = ck->exp;

	for (size_t s = 0; s < check_seeds_of(e, p); s++)
		if (!ck->given.have[((ti * e->npolicies + p) * e->nframes + f) * e->nseeds + s])
			return cli_fail("%s/results.csv: no row for %s %s at %" PRIu32 " frames (seed %" PRIu64
					"): sweep the experiment (or merge its shards) into %s first", ck->results,
					e->traces[ti].label, e->policies[p].label, e->frames[f], e->seeds[s], ck->results);
	return EXIT_OK;
}

/* Check that --results DIR has every row the requirements compare, before
 * anything is printed. Returns 0 or an exit code. */
static int check_given_complete(const struct check *ck)
{
	const struct experiment *e = ck->exp;
	int status = EXIT_OK;

	for (size_t k = 0; k < e->nexpects; k++)
		for (size_t ti = 0; ti < e->ntraces; ti++)
			for (size_t f = 0; e->expects[k].traces[ti] && f < e->nframes; f++)
				if (status == EXIT_OK && e->expects[k].frames[f] &&
				    (status = check_given_has(ck, ti, e->expects[k].policy, f)) == EXIT_OK)
					status = check_given_has(ck, ti, e->expects[k].other, f);
	return status;
}

/* Fill t with trace ti's wanted cells from --results DIR (all there:
 * check_given_complete). */
static int check_given_trace(struct check *ck, size_t ti, struct check_trace *t)
{
	const struct experiment *e = ck->exp;

	for (size_t p = 0; p < e->npolicies; p++)
		for (size_t f = 0; f < e->nframes; f++)
			for (size_t s = 0; t->wanted[p * e->nframes + f] && s < check_seeds_of(e, p); s++) {
				size_t i = ((ti * e->npolicies + p) * e->nframes + f) * e->nseeds + s;

				t->faults[(p * e->nframes + f) * e->nseeds + s] = ck->given.faults[i];
				t->refs[p * e->nframes + f] = ck->given.refs[i];
			}
	return EXIT_OK;
}

/* Read --results DIR's rows into ck->given. Returns 0 or an exit code. */
static int check_load_results(struct check *ck)
{
	const struct experiment *e = ck->exp;
	size_t n = e->ntraces * e->npolicies * e->nframes * e->nseeds;
	char path[PATH_MAX];
	struct results r;
	struct ps_error err;

	ck->given = (struct check_given){ .faults = calloc(n, sizeof (double)), .refs = calloc(n, sizeof (double)),
					  .have = calloc(n, sizeof (bool)) };
	if (ck->given.faults == NULL || ck->given.refs == NULL || ck->given.have == NULL)
		return cli_fail("out of memory");
	snprintf(path, sizeof path, "%s/results.csv", ck->results);
	if (results_load_rows(path, &r, check_take_row, ck, &err) < 0)
		return cli_fail("%s", err.msg);
	results_free(&r);
	return check_given_complete(ck);
}

/* "clock fewer than random by 5%" for requirement x, into buf. */
static void check_describe(const struct experiment *e, const struct exp_expect *x, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s %s %g%%", e->policies[x->policy].label,
		 x->relation == EXP_FEWER_FAULTS ? "fewer than" : "as good as", e->policies[x->other].label,
		 x->relation == EXP_FEWER_FAULTS ? "by" : "within", 100 * x->margin);
}

/* Judge requirement x at frame index f of trace ti, print its row, and
 * remember it if it fails. */
static void check_row(struct check *ck, const struct exp_expect *x, size_t ti, size_t f, const struct check_trace *t)
{
	const struct experiment *e = ck->exp;
	struct stats_interval a = check_interval(e, t, x->policy, f), b = check_interval(e, t, x->other, f);
	double a_hi = a.mean + a.half, b_lo = b.mean - b.half;
	bool holds = x->relation == EXP_FEWER_FAULTS ? a_hi < (1 - x->margin) * b_lo
						      : a_hi <= (1 + x->margin) * b_lo;
	double change = b.mean > 0 ? 100 * (a.mean - b.mean) / b.mean : 0;
	char what[256], verdict[64], row[512];

	check_describe(e, x, what, sizeof what);
	snprintf(verdict, sizeof verdict, "%s (%.1f%% %s)", holds ? "pass" : "FAIL", change < 0 ? -change : change,
		 change <= 0 ? "fewer" : "more");
	snprintf(row, sizeof row, "%-36s %-*s %7" PRIu32 " %12.1f ±%9.1f %12.1f ±%9.1f  %s", what,
		 ck->trace_width, e->traces[ti].label, e->frames[f], a.mean, a.half, b.mean, b.half, verdict);
	puts(row);
	ck->rows++;
	if (!holds) {
		ck->failed++;
		if (ck->nfailures < sizeof ck->failures / sizeof ck->failures[0])
			snprintf(ck->failures[ck->nfailures++], sizeof ck->failures[0], "%s", row);
	}
}

/* Draw requirement k (x) on trace ti into OUTPUT/check/. Returns 0 or -1. */
static int check_plot(struct check *ck, size_t k, const struct exp_expect *x, size_t ti, const struct check_trace *t,
		      const char *gnuplot, const char *templates, struct ps_error *err)
{
	const struct experiment *e = ck->exp;
	char dir[PATH_MAX], base[128], safe[64], name[PATH_MAX + 256], what[256], label[32];
	struct files_memfile dat, gp; /* written whole, or an error naming the file */
	size_t page = 1ULL << e->topt.page_shift;

	snprintf(dir, sizeof dir, "%s/check", e->output);
	if (files_mkdirs(dir, err) < 0)
		return -1;
	plot_safe_name(e->traces[ti].label, safe, sizeof safe);
	snprintf(base, sizeof base, "check-%zu-%zu-%s", k + 1, ti + 1, safe);
	snprintf(name, sizeof name, "%s.dat", base);
	if (files_memfile_open(&dat, dir, name, err) < 0)
		return -1;
	fputs("# frames bytes rate_a lo_a hi_a rate_b lo_b hi_b (fault rates; 95% intervals)\n", dat.f);
	for (size_t f = 0; f < e->nframes; f++) {
		struct stats_interval a, b;
		double refs = t->refs[x->policy * e->nframes + f];

		if (!x->frames[f] || refs <= 0)
			continue;
		a = check_interval(e, t, x->policy, f);
		b = check_interval(e, t, x->other, f);
		fprintf(dat.f, "%" PRIu32 " %zu %.9g %.9g %.9g %.9g %.9g %.9g\n", e->frames[f], e->frames[f] * page,
			a.mean / refs, (a.mean - a.half) / refs, (a.mean + a.half) / refs, b.mean / refs,
			(b.mean - b.half) / refs, (b.mean + b.half) / refs);
	}
	if (files_memfile_commit(&dat, err) < 0)
		return -1;
	snprintf(name, sizeof name, "%s.gp", base);
	if (files_memfile_open(&gp, dir, name, err) < 0)
		return -1;
	check_describe(e, x, what, sizeof what);
	plot_size_label(page, label, sizeof label);
	fprintf(gp.f, "# %s.gp - drawn by pagesim check --plot\ndatafile = '%s.dat'\ntitle_text = ", base, base);
	plot_gp_string(gp.f, what);
	fputs(".' on '.", gp.f);
	plot_gp_string(gp.f, e->traces[ti].label);
	fprintf(gp.f, ".' (%s pages, %zu seeds)'\nname_a = ", label, e->nseeds);
	plot_gp_string(gp.f, e->policies[x->policy].label);
	fputs("\nname_b = ", gp.f);
	plot_gp_string(gp.f, e->policies[x->other].label);
	fputs("\npage_label = ", gp.f);
	plot_gp_string(gp.f, label);
	fputc('\n', gp.f);
	if (cli_copy_template(gp.f, templates, "plot-style.gp", err) < 0 ||
	    cli_copy_template(gp.f, templates, "plot-check.gp", err) < 0) {
		fclose(gp.f); /* nothing written */
		free(gp.data);
		return -1;
	}
	if (files_memfile_commit(&gp, err) < 0)
		return -1;
	snprintf(name, sizeof name, "formats = 'png'; outbase = '%s'", base);
	snprintf(what, sizeof what, "%s.gp", base);
	return plot_run_gnuplot(gnuplot, dir, what, name, err);
}

static const struct opt_spec check_options[] = {
	{ .name = "plot", .kind = OPT_FLAG, OPT_AT(struct check, plot),
	  .help = "draw both policies' fault rates with their intervals into\nOUTPUT/check/ (gnuplot)" },
	{ .name = "results", .kind = OPT_STRING, .arg = "DIR", OPT_AT(struct check, results),
	  .help = "replay nothing: take the fault counts from DIR/results.csv\n(a sweep's, or pagesim merge's)" },
	{ 0 },
};

static const struct opt_group check_groups[] = {
	{ cli_jobs_options, offsetof(struct check, threads), NULL },
	{ check_options, 0, NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command check_command = {
	.name = "check",
	.synopsis = "usage: pagesim check EXPERIMENT.yaml [-j N] [--plot] [--results DIR]\n"
		    "Check the requirements of the experiment's expect: section, e.g.\n"
		    "  expect:\n"
		    "    - {policy: clock, fewer-faults-than: random, margin: 5%}\n"
		    "    - {policy: mine, at-least-as-good-as: clock, tolerance: 2%, frames: [64]}\n"
		    "on its traces and frame counts (or the ones a requirement names).\n"
		    "Randomised policies run once per seed (10 unless the file has seeds:);\n"
		    "a requirement holds only beyond the 95% confidence intervals of both means.\n\n",
	.groups = check_groups,
	.epilogue = "\nExit status: 0 every requirement holds, 1 one fails, 2 usage or input error.\n",
	.column = 17,
};

/* Parse argv into ck (threads, plot) and the experiment file's name into
 * *file. Returns -1 to go on, else an exit code (after the help, or after
 * printing the error). */
static int check_parse(int argc, char **argv, struct check *ck, const char **file)
{
	int first, rc;

	ck->threads = cli_cores();
	if ((rc = cli_parse_options(&check_command, argc, argv, ck, &first)) >= 0)
		return rc;
	if (first != argc - 1) {
		cli_usage(stderr, &check_command);
		return cli_fail("check: expected exactly one experiment file");
	}
	*file = argv[first];
	return -1;
}

/* Check every requirement on trace ti. Returns 0 or an exit code. */
static int check_trace(struct check *ck, size_t ti, const char *gnuplot, const char *templates)
{
	const struct experiment *e = ck->exp;
	size_t cells = e->npolicies * e->nframes;
	struct check_trace t = {
		.faults = calloc(cells * e->nseeds, sizeof *t.faults),
		.refs = calloc(cells, sizeof *t.refs),
		.wanted = calloc(cells, sizeof *t.wanted),
	};
	bool any = false;
	struct ps_error err;
	int status = EXIT_OK;

	if (t.faults == NULL || t.refs == NULL || t.wanted == NULL)
		status = cli_fail("out of memory");
	for (size_t k = 0; status == EXIT_OK && k < e->nexpects; k++) {
		const struct exp_expect *x = &e->expects[k];

		for (size_t f = 0; x->traces[ti] && f < e->nframes; f++) {
			if (x->frames[f]) {
				t.wanted[x->policy * e->nframes + f] = t.wanted[x->other * e->nframes + f] = true;
				any = true;
			}
		}
	}
	if (status == EXIT_OK && any)
		status = ck->results ? check_given_trace(ck, ti, &t) : check_replay(ck, ti, &t);
	for (size_t k = 0; status == EXIT_OK && any && k < e->nexpects; k++) {
		const struct exp_expect *x = &e->expects[k];

		if (!x->traces[ti])
			continue;
		for (size_t f = 0; f < e->nframes; f++)
			if (x->frames[f])
				check_row(ck, x, ti, f, &t);
		if (ck->plot && check_plot(ck, k, x, ti, &t, gnuplot, templates, &err) < 0)
			status = cli_fail("%s", err.msg);
	}
	free(t.faults);
	free(t.refs);
	free(t.wanted);
	return status;
}

int cmd_check(int argc, char **argv)
{
	struct experiment *exp = calloc(1, sizeof *exp);
	struct check ck = { .exp = exp };
	char gnuplot[PATH_MAX] = "", templates[PATH_MAX] = "";
	const char *file = NULL;
	int status = exp ? check_parse(argc, argv, &ck, &file) : cli_fail("out of memory");

	if (status >= 0) {
		free(exp);
		return status;
	}
	status = cli_load_experiment(file, exp);
	if (status == EXIT_OK && exp->nexpects == 0)
		status = cli_fail("%s: no expect: section, so nothing to check (see 'pagesim check --help')", file);
	if (status == EXIT_OK && ck.plot && !plot_find_gnuplot(gnuplot, sizeof gnuplot))
		status = cli_fail("check --plot: gnuplot not found on PATH (Debian: apt-get install gnuplot-nox)");
	if (status == EXIT_OK && ck.plot && !cli_find_templates(templates, sizeof templates))
		status = cli_fail("check --plot: gnuplot templates not found; set PAGESIM_TEMPLATES");
	if (status == EXIT_OK && !exp->seeds_given && ck.results == NULL) {
		for (exp->nseeds = 0; exp->nseeds < CHECK_DEFAULT_SEEDS; exp->nseeds++)
			exp->seeds[exp->nseeds] = exp->nseeds + 1;
	}
	if (status == EXIT_OK && ck.results != NULL)
		status = check_load_results(&ck);
	ck.trace_width = 28;
	for (size_t t = 0; status == EXIT_OK && t < exp->ntraces; t++)
		if ((int)strlen(exp->traces[t].label) > ck.trace_width)
			ck.trace_width = strlen(exp->traces[t].label) < 200 ? (int)strlen(exp->traces[t].label) : 200;
	if (status == EXIT_OK)
		printf("pagesim check %s: %zu requirements; randomised policies over %zu seeds; "
		       "means of faults with 95%% confidence intervals\n\n%-36s %-*s %7s %23s %23s  %s\n",
		       file, exp->nexpects, exp->nseeds, "requirement", ck.trace_width, "trace", "frames",
		       "policy: faults +- CI", "compared to: +- CI", "verdict");
	for (size_t t = 0; status == EXIT_OK && t < exp->ntraces; t++)
		status = check_trace(&ck, t, gnuplot, templates);
	if (status == EXIT_OK) {
		bool first_note = true;

		for (size_t k = 0; k < exp->nexpects; k++) {
			if (exp->expects[k].note != NULL) {
				printf("%snote (%s:%lu): %s\n", first_note ? "\n" : "", file, exp->expects[k].line,
				       exp->expects[k].note);
				first_note = false;
			}
		}
		if (ck.failed) {
			printf("\nFAILED: %zu of %zu rows:\n", ck.failed, ck.rows);
			for (size_t i = 0; i < ck.nfailures; i++)
				puts(ck.failures[i]);
			status = EXIT_CHECK_FAILED;
		} else {
			printf("\nall %zu rows hold\n", ck.rows);
		}
		if (ck.plot)
			printf("graphs in %s/check/\n", exp->output);
	}
	free(ck.given.faults);
	free(ck.given.refs);
	free(ck.given.have);
	exp_free(exp);
	free(exp);
	return status;
}
