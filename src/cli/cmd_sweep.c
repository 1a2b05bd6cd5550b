/*
 * cmd_sweep.c - `pagesim sweep EXPERIMENT.yaml`: run every cell of an
 * experiment (trace x policy x frames x seed) on all cores with the
 * experiment runner (replay/runner.h), which writes
 * results/<name>/cells/, results.csv and summary.json; then print the
 * faults table and draw the graphs. Also cli_load_experiment, which
 * pagesim check shares.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "policies/plugin.h"
#include "replay/experiment.h"
#include "replay/runner.h"
#include "replay/shard.h"
#include "report/plot.h"
#include "report/results.h"

static volatile sig_atomic_t sweep_stop;

/* sweep.plan when --plan is not given. */
#define SWEEP_NO_PLAN UINT_MAX

/* The first SIGINT, SIGTERM or SIGHUP asks the runner to stop between
 * batches, keeping the finished traces. A second one of any of them ends
 * the process at once by the signal's default action (a shell sees exit
 * status 130 for SIGINT), so that a plug-in that never returns cannot hold
 * the sweep: the finished traces are already on disk. */
static void sweep_on_signal(int sig)
{
	if (sweep_stop) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	sweep_stop = 1;
}

/* The command line's options (sweep_parse). */
struct sweep {
	unsigned threads;
	bool resume, plot;
	const char *shard;       /* --shard K/N, or NULL */
	unsigned plan;           /* --plan N (0: shards:), or SWEEP_NO_PLAN */
	unsigned index, count;   /* parsed from it (shard.h) */
};

int cli_show_results(const char *dir, bool plot)
{
	struct plot_options opt = { .formats = PLOT_PNG };
	struct results r;
	struct ps_error err;
	char path[4096];
	int status = EXIT_OK;

	snprintf(path, sizeof path, "%s/results.csv", dir);
	if (results_load(path, &r, &err) < 0)
		return cli_fail("%s", err.msg);
	results_print_faults(stdout, &r);
	if (plot)
		status = cli_plot(&r, dir, &opt);
	results_free(&r);
	return status;
}

static const struct opt_spec sweep_options[] = {
	{ .name = "resume", .kind = OPT_FLAG, OPT_AT(struct sweep, resume),
	  .help = "keep the cells already in OUTPUT and run only the missing ones" },
	{ .name = "no-plot", .kind = OPT_UNSET, OPT_AT(struct sweep, plot), .help = "do not draw the graphs at the end" },
	{ .name = "plan", .kind = OPT_UINT, .arg = "N", OPT_AT(struct sweep, plan), .max = SHARD_MAX,
	  .help = "run nothing: print each of N shards (0: the file's shards:)\nas K/N, cells, expected work, directory" },
	{ .name = "shard", .kind = OPT_STRING, .arg = "K/N", OPT_AT(struct sweep, shard),
	  .help = "run only shard K of N into OUTPUT/shard-K-of-N (K alone:\nN from the file's shards:); join the\nshards with pagesim merge" },
	{ 0 },
};

static const struct opt_group sweep_groups[] = {
	{ cli_jobs_options, offsetof(struct sweep, threads), NULL },
	{ sweep_options, 0, NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command sweep_command = {
	.name = "sweep",
	.synopsis = "usage: pagesim sweep EXPERIMENT.yaml [options]\n"
		    "Run every cell (trace x policy x frames x seed) of an experiment file and\n"
		    "write OUTPUT/results.csv (the columns of 'pagesim run --output csv'),\n"
		    "OUTPUT/summary.json and OUTPUT/plots/ (see experiments/README.md).\n\n",
	.groups = sweep_groups,
	.epilogue = "\nCtrl-C (or SIGTERM, SIGHUP) keeps every finished trace's cells; --resume finishes\n"
		    "the rest. A second Ctrl-C stops at once.\n",
	.column = 19,
};

/* Parse argv into sw (threads, resume, plot) and the experiment file's
 * name into *file. Returns -1 to go on, else an exit code (after the
 * help, or after printing the error). */
static int sweep_parse(int argc, char **argv, struct sweep *sw, const char **file)
{
	int first, rc;

	sw->threads = cli_cores();
	sw->plot = true;
	sw->plan = SWEEP_NO_PLAN;
	if ((rc = cli_parse_options(&sweep_command, argc, argv, sw, &first)) >= 0)
		return rc;
	if (first != argc - 1) {
		cli_usage(stderr, &sweep_command);
		return cli_fail("sweep: expected exactly one experiment file");
	}
	*file = argv[first];
	if (sw->plan != SWEEP_NO_PLAN && sw->shard != NULL)
		return cli_fail("sweep: --plan runs nothing, so --shard has nothing to choose; give one of them");
	return -1;
}

/* An exp_plugin_loader: plugin_load, whose count is not needed. */
static int sweep_load_plugin(const char *path, void *arg, struct ps_error *err)
{
	(void)arg;
	return plugin_load(path, err) < 0 ? -1 : 0;
}

int cli_load_experiment(const char *file, struct experiment *exp)
{
	struct ps_error err;
	int rc = exp_load_with_plugins(file, exp, sweep_load_plugin, NULL, &err);

	return rc == 0 ? EXIT_OK : cli_fail("%s", err.msg);
}

/* With --shard: parse it (N from the file's shards: when only K is
 * given) and send exp's output to OUTPUT/shard-K-of-N. Returns an exit
 * code. */
static int sweep_shard_output(struct experiment *exp, struct sweep *sw)
{
	struct ps_error err;
	char *dir;

	if (shard_parse(sw->shard, exp->shards, &sw->index, &sw->count, &err) < 0)
		return cli_fail("%s%s", err.msg, strchr(sw->shard, '/') || exp->shards ? "" : " (or shards: N in the file)");
	if (asprintf(&dir, "%s/shard-%u-of-%u", exp->output, sw->index, sw->count) < 0)
		return cli_fail("out of memory");
	free(exp->output);
	exp->output = dir;
	return EXIT_OK;
}

/* --plan: print each of count shards of exp as a line "K/N<TAB>cells
 * <TAB>expected work<TAB>directory" (what the cluster scripts read).
 * Returns an exit code. */
static int sweep_plan(const struct experiment *exp, unsigned count, const char *file)
{
	size_t n = shard_cells(exp);
	uint32_t *owner = calloc(n + 1, sizeof *owner);
	uint64_t *cost = calloc(count + 1, sizeof *cost);
	struct ps_error err;
	int status = EXIT_OK;

	if (count == 0)
		status = cli_fail("%s: --plan 0 takes the number of shards from shards:, which the file lacks", file);
	else if (owner == NULL || cost == NULL)
		status = cli_fail("out of memory");
	else if (shard_plan(exp, count, owner, cost, &err) < 0)
		status = cli_fail("%s", err.msg);
	for (unsigned k = 1; status == EXIT_OK && k <= count; k++) {
		size_t cells = 0;

		for (size_t i = 0; i < n; i++)
			cells += owner[i] == k;
		printf("%u/%u\t%zu\t%" PRIu64 "\t%s/shard-%u-of-%u\n", k, count, cells, cost[k - 1], exp->output, k,
		       count);
	}
	free(owner);
	free(cost);
	return status;
}

/* Run the experiment exp, loaded from file, with the options of sw, then
 * say how it went: on success the faults table and the graphs
 * (sweep_show), else what failed or how to resume. Returns an exit code. */
static int sweep_run(const struct experiment *exp, const struct sweep *sw, const char *file)
{
	struct sigaction sa = { .sa_handler = sweep_on_signal };
	struct runner_options ro = { .threads = sw->threads, .resume = sw->resume, .log = stderr,
				     .live = isatty(STDERR_FILENO), .stop = &sweep_stop,
				     .shard = sw->index, .shards = sw->count };
	struct runner_counts n;
	struct ps_error err;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	rc = runner_run(exp, &ro, &n, &err);
	if (rc < 0)
		return cli_fail("%s", err.msg);
	if (rc == 1) {
		fprintf(stderr, "pagesim: interrupted: %zu of %zu cells done and kept in %s; "
			"'pagesim sweep %s --resume' runs the rest\n", n.done, n.cells, exp->output, file);
		return 130;
	}
	if (n.failed)
		return cli_fail("%zu of %zu cells failed (above); %s %s/%s", n.failed, n.cells,
				n.failed < n.cells ? "the others are in" : "the failure is recorded in", exp->output,
				n.failed < n.cells ? "results.csv" : "summary.json");
	if (sw->count > 0) {
		fprintf(stderr, "sweep %s: shard %u/%u: %zu cells in %.1f s; in %s (join the shards with "
			"'pagesim merge OUT DIR...')\n", exp->name, sw->index, sw->count, n.cells, n.seconds, exp->output);
		return EXIT_OK;
	}
	fprintf(stderr, "sweep %s: %zu cells in %.1f s; results in %s/results.csv\n", exp->name, n.cells,
		n.seconds, exp->output);
	return cli_show_results(exp->output, sw->plot);
}

int cmd_sweep(int argc, char **argv)
{
	struct experiment *exp = calloc(1, sizeof *exp);
	struct sweep sw = { 0 };
	const char *file = NULL;
	int status = exp ? sweep_parse(argc, argv, &sw, &file) : cli_fail("out of memory");

	if (status >= 0) {
		free(exp);
		return status;
	}
	status = cli_load_experiment(file, exp);
	if (status == EXIT_OK && sw.plan != SWEEP_NO_PLAN)
		status = sweep_plan(exp, sw.plan ? sw.plan : exp->shards, file);
	else if (status == EXIT_OK && sw.shard != NULL)
		status = sweep_shard_output(exp, &sw);
	if (status == EXIT_OK && sw.plan == SWEEP_NO_PLAN)
		status = sweep_run(exp, &sw, file);
	exp_free(exp);
	free(exp);
	return status;
}
