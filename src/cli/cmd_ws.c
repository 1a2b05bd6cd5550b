/*
 * cmd_ws.c - `pagesim ws`: Denning's working-set curves of a trace (the
 * computation is replay/wscurve.c): the mean working-set size s(T) and the
 * fault rate f(T) for each window T, and w(t, T) over time.
 *
 * Output. On standard output, a text table or (--output csv) the rows
 *     trace,tau,refs,mean_ws,faults,fault_rate
 * one per window. --series FILE writes the sampled time series as CSV,
 *     t,tau=T1,tau=T2,...
 * one row per sample. Both are written whole or not at all (outfile.h).
 * `pagesim plot` draws them (plot.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "replay/wscurve.h"
#include "report/report.h"
#include "trace/pass.h"
#include "util/files.h"
#include "util/outfile.h"

struct ws_opts {
	const char *trace;
	struct trace_options topt;
	uint32_t taus[WSCURVE_MAX_TAUS];
	size_t ntaus;       /* 0: the default list */
	uint32_t points;
	const char *series; /* NULL: no series file */
	bool span_pages;
	bool csv;
};

/* --tau LIST into the struct ws_opts at field. */
static int ws_opt_tau(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	struct ws_opts *o = field;

	(void)spec;
	return cli_frames_option("--tau", arg, o->taus, WSCURVE_MAX_TAUS, &o->ntaus, err);
}

static const char *const ws_output_words[] = { "text", "csv", NULL };

static const struct opt_spec ws_options[] = {
	{ .name = "tau", .kind = OPT_CUSTOM, .arg = "LIST", .parse = ws_opt_tau,
	  .expected = "windows from 1 to 16777216 like 10,100, 1..4096 or 100..1000:100 (at most 64)",
	  .help = "comma-separated windows T, in references; A..B doubles, A..B:S\n"
		  "steps by S (default: 1..65536, the powers of two)" },
	{ .name = "points", .kind = OPT_UINT, .arg = "N", OPT_AT(struct ws_opts, points), .min = 1,
	  .max = 1000000, .expected = "a number of samples from 1 to 1000000",
	  .help = "the series keeps N to 2N evenly spaced samples (default 500)" },
	{ .name = "series", .kind = OPT_STRING, .arg = "FILE", OPT_AT(struct ws_opts, series),
	  .help = "write w(t, T) over time to FILE (CSV)" },
	CLI_SPAN_SPEC(struct ws_opts, span_pages),
	{ .name = "output", .kind = OPT_CHOICE, .arg = "STYLE", OPT_AT(struct ws_opts, csv),
	  .words = ws_output_words, .help = "text (default) or csv" },
	{ 0 },
};

static const struct opt_group ws_groups[] = {
	{ ws_options, 0, NULL },
	{ cli_trace_options, offsetof(struct ws_opts, topt), NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command ws_command = {
	.name = "ws",
	.synopsis = "usage: pagesim ws TRACE [options]\n"
		    "Denning's working-set curves of TRACE (a file, or - for standard input), in\n"
		    "one pass: for each window T, the mean working-set size s(T) (the pages\n"
		    "referenced in the last T references, averaged over references) and the\n"
		    "fault rate f(T) of the working-set policy (a reference whose page was not\n"
		    "referenced in the T before it); with --series, w(t, T) over time.\n"
		    "'pagesim run --policy ws:tau=T' faults exactly f(T) times.\n\n",
	.groups = ws_groups,
	.epilogue = "\nEvery page of every access is a reference of its (process, page); VM events\n"
		    "are skipped. Cost: O(number of windows) per reference; memory per distinct\n"
		    "page, plus 4 bytes per reference of the largest window.\n",
};

/* Parse argv into o. Returns -1 to go on, or an exit code to stop with. */
static int ws_parse(int argc, char **argv, struct ws_opts *o)
{
	int first, rc;

	*o = (struct ws_opts){ .topt = CLI_TRACE_DEFAULTS, .span_pages = true, .points = 500 };
	if ((rc = cli_parse_options(&ws_command, argc, argv, o, &first)) >= 0)
		return rc;
	if (first != argc - 1) {
		cli_usage(stderr, &ws_command);
		return cli_fail(first >= argc ? "ws: no trace given" : "ws: more than one trace given");
	}
	o->trace = argv[first];
	for (size_t i = 0; i < o->ntaus; i++)
		if (o->taus[i] > WSCURVE_MAX_TAU)
			return cli_fail("--tau: windows are at most %llu references, got %" PRIu32,
					WSCURVE_MAX_TAU, o->taus[i]);
	if (o->ntaus == 0)
		for (o->ntaus = 0; o->ntaus <= 16; o->ntaus++)
			o->taus[o->ntaus] = (uint32_t)1 << o->ntaus;
	if (o->topt.page_shift >= o->topt.va_bits)
		return cli_fail("--page-size: pages must be smaller than the %u-bit address space", o->topt.va_bits);
	return -1;
}

static int ws_consume(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	return wscurve_feed_batch(ctx, b, err);
}

/* The curve, one row per window, as text or CSV, to out. */
static void ws_print_curve(FILE *out, const struct ws_opts *o, const struct wscurve *w, const char *format)
{
	uint64_t refs = wscurve_refs(w);

	if (o->csv)
		fputs("trace,tau,refs,mean_ws,faults,fault_rate\n", out);
	else
		fprintf(out, "trace %s (%s), %llu-byte pages, %" PRIu64 " references\n\n%10s %12s %12s %10s\n",
			o->trace, format, 1ULL << o->topt.page_shift, refs, "tau", "mean ws", "faults",
			"fault rate");
	for (size_t i = 0; i < o->ntaus; i++) {
		struct wscurve_point p = wscurve_point(w, i);
		double mean = refs ? (double)p.sum / (double)refs : 0.0;
		double rate = refs ? (double)p.faults / (double)refs : 0.0;

		if (o->csv) {
			report_csv_field(out, o->trace);
			fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",%.6f\n", p.tau, refs, mean, p.faults,
				rate);
		}
		else
			fprintf(out, "%10" PRIu64 " %12.3f %12" PRIu64 " %10.6f\n", p.tau, mean, p.faults, rate);
	}
}

/* The series as CSV, to out. */
static void ws_print_series(FILE *out, const struct ws_opts *o, const struct wscurve *w)
{
	size_t n;
	uint64_t step;
	const uint32_t *v = wscurve_series(w, &n, &step);

	fputs("t", out);
	for (size_t i = 0; i < o->ntaus; i++)
		fprintf(out, ",tau=%" PRIu32, o->taus[i]);
	for (size_t k = 0; k < n; k++) {
		fprintf(out, "\n%" PRIu64, k * step);
		for (size_t i = 0; i < o->ntaus; i++)
			fprintf(out, ",%" PRIu32, v[k * o->ntaus + i]);
	}
	fputc('\n', out);
}

/* Write the series to o->series, whole or not at all. Returns an exit code. */
static int ws_write_series(const struct ws_opts *o, const struct wscurve *w)
{
	struct ps_error err;
	struct outfile *f;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;

	if (mem == NULL)
		return cli_fail("out of memory for the series");
	ws_print_series(mem, o, w);
	if (fclose(mem) != 0) {
		free(text);
		return cli_fail("out of memory for the series");
	}
	f = outfile_open(o->series, &err);
	rc = f == NULL ? -1 : outfile_write(f, text, len, &err);
	if (f != NULL && outfile_close(f, rc == 0, NULL, &err) < 0)
		rc = -1;
	free(text);
	return rc < 0 ? cli_fail("%s", err.msg) : EXIT_OK;
}

int cmd_ws(int argc, char **argv)
{
	struct ws_opts *o = malloc(sizeof *o);
	uint64_t taus[WSCURVE_MAX_TAUS];
	struct pass_info info;
	struct ps_error err;
	struct wscurve *w = NULL;
	int status;

	if (o == NULL)
		return cli_fail("out of memory");
	if ((status = ws_parse(argc, argv, o)) >= 0)
		goto out;
	if (o->series != NULL && files_same_file(o->trace, o->series)) {
		status = cli_fail("--series: %s: is the input trace; write the series to another file", o->series);
		goto out;
	}
	if (o->series != NULL && o->series[0] == '\0') {
		status = cli_fail("--series: an output file's name is empty");
		goto out;
	}
	for (size_t i = 0; i < o->ntaus; i++)
		taus[i] = o->taus[i];
	w = wscurve_create(&(struct wscurve_config){ .page_shift = o->topt.page_shift, .span_pages = o->span_pages,
						     .taus = taus, .ntaus = o->ntaus, .points = o->points }, &err);
	if (w == NULL || pass_run(&(struct trace_spec){ .path = o->trace }, &o->topt, ws_consume, w, &info, &err) < 0) {
		status = cli_fail("%s", err.msg);
		goto out;
	}
	pass_warn(&info, o->trace, NULL, "", stderr);
	status = o->series != NULL ? ws_write_series(o, w) : EXIT_OK;
	if (status == EXIT_OK) {
		ws_print_curve(stdout, o, w, info.format);
		status = cli_close_stdout(EXIT_OK);
	}
out:
	wscurve_destroy(w);
	free(o);
	return status;
}
