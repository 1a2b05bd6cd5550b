/*
 * cmd_plot.c - `pagesim plot RESULTS_DIR`: draw gnuplot graphs of
 * RESULTS_DIR/results.csv into RESULTS_DIR/plots.
 *
 * The gnuplot templates (scripts/plot-*.gp) are looked up in this order:
 *  1. $PAGESIM_TEMPLATES, when set (the tests point it at the source tree);
 *  2. scripts/ next to the running binary (./pagesim in a build tree);
 *  3. PAGESIM_DATADIR, the installed copies ($(pkgdatadir), set by make).
 * Each generated plots/NAME.gp holds a full copy of its templates, so the
 * plots directory re-draws without pagesim.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "report/plot.h"
#include "report/results.h"
#include "util/files.h"

#ifndef PAGESIM_DATADIR
#define PAGESIM_DATADIR "/usr/local/share/pagesim"
#endif

/* --format png|svg|both into the formats (an unsigned) at field. Returns
 * 0, or -1 with err set. */
static int plot_opt_format(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	static const char *const words[] = { "png", "svg", "both", NULL };
	static const unsigned values[] = { PLOT_PNG, PLOT_SVG, PLOT_PNG | PLOT_SVG };
	int i = opt_word_index(words, arg);

	if (i < 0)
		return ps_error_set(err, "--format must be png, svg or both, not \"%s\"", arg);
	*(unsigned *)field = values[i];
	return 0;
}

/* What `pagesim plot` parses: the drawing options and the policy subset. */
struct plot_cli {
	struct plot_options o;
	const char *policies; /* --policies LIST, or NULL: every policy */
};

static const struct opt_spec plot_options[] = {
	{ .name = "format", .kind = OPT_CUSTOM, .arg = "F", OPT_AT(struct plot_cli, o.formats),
	  .parse = plot_opt_format, .help = "png (default), svg or both" },
	{ .name = "frames", .kind = OPT_UINT, .arg = "N", OPT_AT(struct plot_cli, o.bar_frames), .min = 1,
	  .max = UINT32_MAX, .expected = "a frame count",
	  .help = "the frame count of the bar charts; default, per trace: the\n"
		  "largest frame count at which the policies' fault counts\n"
		  "differ, else the median frame count" },
	{ .name = "policies", .kind = OPT_STRING, .arg = "LIST", OPT_AT(struct plot_cli, policies),
	  .help = "draw only these policies (comma-separated, as in the policy\n"
		  "column, e.g. lru,opt,ws:tau=100); each keeps its colour and\n"
		  "dash; the vs-opt graph needs opt among them" },
	{ 0 },
};

static const struct opt_group plot_groups[] = {
	{ plot_options, 0, NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command plot_command = {
	.name = "plot",
	.synopsis = "usage: pagesim plot RESULTS_DIR [--format png|svg|both] [--frames N] [--policies LIST]\n"
		    "Draw graphs of RESULTS_DIR/results.csv (the rows of 'pagesim run --output csv',\n"
		    "several runs concatenated are fine) into RESULTS_DIR/plots, per trace:\n"
		    "  fault-rate-I-T   fault rate vs memory size, one line per policy\n"
		    "  vs-opt-I-T       faults / OPT faults vs memory size (needs opt rows)\n"
		    "  dirty-I-T        dirty write-backs (dirty_evictions) vs memory size\n"
		    "  bars-I-T         every policy's fault rate at one memory size\n"
		    "I numbers the traces in their order in results.csv and T is the trace's\n"
		    "file name, made safe. Rows that differ only in their seed are averaged:\n"
		    "lines and bars show the mean, a band or whiskers the min..max. Next to\n"
		    "each image are the .dat file gnuplot reads and the .gp script that draws\n"
		    "it: cd RESULTS_DIR/plots && gnuplot fault-rate-1-T.gp re-draws it.\n"
		    "With RESULTS_DIR/ws.csv ('pagesim ws --output csv') it also draws ws-curve,\n"
		    "s(T) and f(T) vs the window T, and with ws-series.csv ('pagesim ws --series')\n"
		    "ws-series, w(t, T) over time; results.csv may then be absent.\n\n",
	.groups = plot_groups,
	.epilogue = "\nNeeds gnuplot on PATH (Debian: gnuplot-nox). Templates: $PAGESIM_TEMPLATES,\n"
		    "else scripts/ next to the pagesim binary, else " PAGESIM_DATADIR ".\n",
	.column = 15,
	.error_prefix = "plot: ",
};

/* Parse argv into opt (formats, bar_frames, policies) and the results
 * directory into *dir. Returns -1 to go on, else an exit code (after the
 * help, or after printing the error). */
static int plot_parse(int argc, char **argv, struct plot_cli *opt, const char **dir)
{
	int first, rc = cli_parse_options(&plot_command, argc, argv, opt, &first);

	if (rc >= 0)
		return rc;
	if (first != argc - 1)
		return cli_fail("plot: expected exactly one RESULTS_DIR (see 'pagesim plot --help')");
	*dir = argv[first];
	return -1;
}

/* Print s for a one-line message: control characters become '?'. */
static void put_name(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* Find the template directory (see the top of the file); false if none.
 * Declared in cli.h: pagesim check draws with the same templates. */
bool cli_find_templates(char *buf, size_t size)
{
	const char *env = getenv("PAGESIM_TEMPLATES");
	char exe[PATH_MAX];
	ssize_t n;

	if (env != NULL && *env != '\0') {
		snprintf(buf, size, "%s", env);
		return plot_templates_present(buf);
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (snprintf(buf, size, "%s/scripts", exe) < (int)size && plot_templates_present(buf))
				return true;
		}
	}
	snprintf(buf, size, "%s", PAGESIM_DATADIR);
	return plot_templates_present(buf);
}

int cli_copy_template(FILE *out, const char *dir, const char *name, struct ps_error *err)
{
	char path[PATH_MAX], buf[4096];
	size_t n;
	FILE *in;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((in = fopen(path, "r")) == NULL)
		return ps_error_set(err, "%s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	return 0;
}

/* Find gnuplot and the templates into the buffers (PATH_MAX bytes each).
 * Returns EXIT_OK, or an exit code after printing the error. */
static int plot_tools(char *gnuplot, char *templates)
{
	if (!plot_find_gnuplot(gnuplot, PATH_MAX))
		return cli_fail("plot: gnuplot not found on PATH (on Debian: apt-get install gnuplot-nox)");
	if (cli_find_templates(templates, PATH_MAX))
		return EXIT_OK;
	if (getenv("PAGESIM_TEMPLATES") != NULL && *getenv("PAGESIM_TEMPLATES") != '\0')
		return cli_fail("plot: PAGESIM_TEMPLATES=%s lacks the gnuplot templates (%s, ...)", templates,
				plot_template_files[0]);
	return cli_fail("plot: gnuplot templates (%s, ...) not found in scripts/ next to pagesim "
			"nor in %s; set PAGESIM_TEMPLATES", plot_template_files[0], PAGESIM_DATADIR);
}

/* Say on stderr, in one line each, which graphs were left out. */
static void report_skips(const struct plot_summary *sum, const struct results *r, uint32_t bar_frames)
{
	if (sum->no_opt == r->ntraces) {
		fputs("pagesim: note: no opt rows in results.csv; skipped the faults-relative-to-OPT graphs\n",
		      stderr);
	} else if (sum->no_opt > 0) {
		fprintf(stderr, "pagesim: note: no opt rows for %zu of %zu traces (the first: ", sum->no_opt,
			r->ntraces);
		put_name(stderr, sum->no_opt_first);
		fputs("); skipped their faults-relative-to-OPT graphs\n", stderr);
	}
	if (sum->no_bar > 0) {
		fprintf(stderr, "pagesim: note: %zu of %zu traces have no results at %lu frames (the first: ",
			sum->no_bar, r->ntraces, (unsigned long)bar_frames);
		put_name(stderr, sum->no_bar_first);
		fputs("); skipped their bar charts\n", stderr);
	}
}

/* Declared in cli.h: find gnuplot and the templates, draw, then say what
 * was left out (stderr) and what was drawn (stdout). */
int cli_plot(const struct results *r, const char *dir, const struct plot_options *opt)
{
	struct plot_options o = *opt;
	char gnuplot[PATH_MAX], templates[PATH_MAX], *outdir = NULL;
	struct plot_summary sum;
	struct ps_error err;
	int rc = EXIT_OK;

	if ((rc = plot_tools(gnuplot, templates)) != EXIT_OK)
		return rc;
	if (asprintf(&outdir, "%s/plots", dir) < 0)
		return cli_fail("plot: out of memory");
	o.gnuplot = gnuplot;
	o.template_dir = templates;
	if (plot_all(r, outdir, &o, &sum, &err) < 0) {
		rc = cli_fail("plot: %s", err.msg);
	} else {
		report_skips(&sum, r, o.bar_frames);
		printf("%zu graphs of %zu trace%s (%zu images) in %s\n", sum.graphs, r->ntraces,
		       r->ntraces == 1 ? "" : "s", sum.images, outdir);
	}
	free(outdir);
	return rc;
}

/* The working-set graphs of `pagesim ws` output in a results directory:
 * the file, the graph's name in plots/, its template, and its title. */
static const struct ws_graph {
	const char *csv, *base, *template, *title;
} ws_graphs[] = {
	{ "ws.csv", "ws-curve", "plot-ws-curve.gp", "Working-set curves: " },
	{ "ws-series.csv", "ws-series", "plot-ws-series.gp", "Working-set size over time: " },
};

/* Does dir hold a file of `pagesim ws` output to draw? */
static bool ws_present(const char *dir)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof ws_graphs / sizeof ws_graphs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, ws_graphs[i].csv);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/* What the ws graph g's script needs from its CSV: the number of columns
 * of the header (*ncols) and the trace (the curve's first field; the
 * series has none: "") into trace. False with err set if unreadable. */
static bool ws_csv_info(const char *path, const struct ws_graph *g, size_t *ncols, char *trace, size_t size,
			struct ps_error *err)
{
	char line[4096];
	FILE *in = fopen(path, "r");

	*trace = '\0';
	*ncols = 1;
	if (in == NULL || fgets(line, sizeof line, in) == NULL) {
		ps_error_set(err, "%s: %s", path, in == NULL ? strerror(errno) : "empty file");
		if (in != NULL)
			fclose(in);
		return false;
	}
	for (const char *c = line; *c; c++)
		*ncols += *c == ',';
	if (strcmp(g->csv, "ws.csv") == 0 && fgets(line, sizeof line, in) != NULL) {
		/* The trace is all but the last five fields (numbers), CSV-quoted. */
		for (int k = 0; k < 5 && strrchr(line, ',') != NULL; k++)
			*strrchr(line, ',') = '\0';
		snprintf(trace, size, "%s", line);
	}
	fclose(in);
	return true;
}

/* Draw the ws graphs of dir's ws.csv and ws-series.csv (those present)
 * into dir/plots, with the formats of opt. Returns EXIT_OK, or an exit
 * code after printing the error. */
static int cli_plot_ws(const char *dir, const struct plot_options *opt)
{
	char gnuplot[PATH_MAX], templates[PATH_MAX], outdir[PATH_MAX], path[PATH_MAX + 64], trace[4096], setup[256];
	char script[64];
	struct ps_error err;
	size_t drawn = 0, ncols;
	int rc = plot_tools(gnuplot, templates);

	snprintf(outdir, sizeof outdir, "%s/plots", dir);
	if (rc != EXIT_OK || files_mkdirs(outdir, &err) < 0)
		return rc != EXIT_OK ? rc : cli_fail("plot: %s", err.msg);
	for (size_t i = 0; i < sizeof ws_graphs / sizeof ws_graphs[0]; i++) {
		const struct ws_graph *g = &ws_graphs[i];
		FILE *gp;

		snprintf(path, sizeof path, "%s/%s", dir, g->csv);
		if (access(path, F_OK) != 0)
			continue;
		if (!ws_csv_info(path, g, &ncols, trace, sizeof trace, &err))
			return cli_fail("plot: %s", err.msg);
		snprintf(path, sizeof path, "%s/%s.gp", outdir, g->base);
		if ((gp = fopen(path, "w")) == NULL)
			return cli_fail("plot: cannot write %s: %s", path, strerror(errno));
		fprintf(gp, "# %s.gp - drawn by pagesim plot from ../%s\ndatafile = '../%s'\nncols = %zu\n"
			"title_text = ", g->base, g->csv, g->csv, ncols);
		plot_gp_string(gp, g->title);
		fputs(".", gp);
		plot_gp_string(gp, *trace ? trace : dir);
		fputc('\n', gp);
		rc = cli_copy_template(gp, templates, "plot-style.gp", &err) < 0 ||
		     cli_copy_template(gp, templates, g->template, &err) < 0;
		if (fclose(gp) != 0 || rc)
			return cli_fail("plot: %s", rc ? err.msg : "cannot write the ws script");
		snprintf(setup, sizeof setup, "formats = '%s'; outbase = '%s'",
			 opt->formats == (PLOT_PNG | PLOT_SVG) ? "png svg" : opt->formats & PLOT_SVG ? "svg" : "png", g->base);
		snprintf(script, sizeof script, "%s.gp", g->base);
		if (plot_run_gnuplot(gnuplot, outdir, script, setup, &err) < 0)
			return cli_fail("plot: %s", err.msg);
		drawn++;
	}
	printf("%zu working-set graph%s in %s\n", drawn, drawn == 1 ? "" : "s", outdir);
	return EXIT_OK;
}

/* Is name an item of the comma-separated list? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* Keep only the cells of r whose policy is in list (--policies). Returns
 * EXIT_OK, or an exit code after the error: an empty item, or a name that
 * is not a policy of csv. */
static int select_policies(struct results *r, const char *list, const char *csv)
{
	if (cli_list_has_empty(list))
		return cli_fail("plot: --policies: empty item in \"%s\" (a comma at an end, or two in a row)", list);
	for (const char *p = list; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ","), k = 0;

		while (k < r->npolicies && (strlen(r->policies[k]) != n || strncmp(r->policies[k], p, n) != 0))
			k++;
		if (k == r->npolicies)
			return cli_fail("plot: --policies: %s has no rows of policy \"%.*s\"", csv, (int)n, p);
	}
	for (size_t i = 0; i < r->ntraces; i++) {
		struct results_trace *t = &r->traces[i];
		size_t kept = 0;

		for (size_t c = 0; c < t->ncells; c++)
			if (in_list(list, r->policies[t->cells[c].policy]))
				t->cells[kept++] = t->cells[c];
		t->ncells = kept;
	}
	return EXIT_OK;
}

/* pagesim plot RESULTS_DIR [options]: draw the graphs of
 * RESULTS_DIR/results.csv into RESULTS_DIR/plots. Returns an exit code. */
int cmd_plot(int argc, char **argv)
{
	struct plot_cli opt = { .o = { .formats = PLOT_PNG } };
	struct results res;
	struct ps_error err;
	char *csv = NULL;
	const char *dir = NULL;
	int rc = plot_parse(argc, argv, &opt, &dir);

	if (rc >= 0)
		return rc;
	if (asprintf(&csv, "%s/results.csv", dir) < 0)
		return cli_fail("plot: out of memory");
	if (ws_present(dir) && access(csv, F_OK) != 0) {
		/* Only `pagesim ws` output. */
		rc = cli_plot_ws(dir, &opt.o);
	} else if (results_load(csv, &res, &err) < 0) {
		rc = cli_fail("%s", err.msg);
	} else {
		rc = opt.policies != NULL ? select_policies(&res, opt.policies, csv) : EXIT_OK;
		if (rc == EXIT_OK)
			rc = cli_plot(&res, dir, &opt.o);
		if (rc == EXIT_OK && ws_present(dir))
			rc = cli_plot_ws(dir, &opt.o);
		results_free(&res);
	}
	free(csv);
	return rc;
}
