/*
 * cmd_merge.c - `pagesim merge OUT DIR...`: join the output directories
 * of a sweep's shards (`pagesim sweep EXP --shard K/N`) into OUT as the
 * unsharded sweep would have written it (replay/merge.h), then print the
 * faults table and draw the graphs like pagesim sweep.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "replay/merge.h"

/* The command line's options. */
struct merge_cli {
	bool plot;
};

static const struct opt_spec merge_options[] = {
	{ .name = "no-plot", .kind = OPT_UNSET, OPT_AT(struct merge_cli, plot), .help = "do not draw the graphs at the end" },
	{ 0 },
};

static const struct opt_group merge_groups[] = {
	{ merge_options, 0, NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command merge_command = {
	.name = "merge",
	.synopsis = "usage: pagesim merge OUT DIR... [options]\n"
		    "Join the output directories of the shards of one sweep ('pagesim sweep EXP\n"
		    "--shard K/N', each in OUTPUT/shard-K-of-N) into OUT: results.csv exactly as the\n"
		    "unsharded sweep writes it, summary.json listing each shard's host and wall time,\n"
		    "the faults table and the graphs. Parts of other experiments, versions or machine\n"
		    "options, missing or duplicated cells, and half-written parts are refused.\n\n",
	.groups = merge_groups,
	.column = 19,
};

int cmd_merge(int argc, char **argv)
{
	struct merge_cli mc = { .plot = true };
	struct merge_counts n;
	struct ps_error err;
	int first, rc;

	if ((rc = cli_parse_options(&merge_command, argc, argv, &mc, &first)) >= 0)
		return rc;
	if (argc - first < 2) {
		cli_usage(stderr, &merge_command);
		return cli_fail("merge: expected the output directory and at least one shard directory");
	}
	if (merge_run(argv[first], (const char *const *)argv + first + 1, (size_t)(argc - first - 1), &n, &err) < 0)
		return cli_fail("%s", err.msg);
	fprintf(stderr, "merge: %zu cells of %zu parts (of %u shards) in %s/results.csv\n", n.cells, n.parts, n.shards,
		argv[first]);
	return cli_show_results(argv[first], mc.plot);
}
