/*
 * cmd_run.c - `pagesim run`: replay one trace through every requested
 * (policy, frames) cell and print one comparison table.
 *
 * The trace is decoded once: each batch of records is fed to every cell in
 * turn, so memory stays bounded whatever the trace length and standard
 * input works. Only OPT without a window needs a second pass (its
 * look-ahead is built first); standard input is then spooled to a
 * temporary file. When every opt has a window, its look-ahead streams
 * (replay/cells.c) and nothing is spooled.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "replay/experiment.h"
#include "replay/future.h"
#include "policies/registry.h"
#include "report/report.h"
#include "report/report_process.h"
#include "replay/cells.h"
#include "trace/interleave.h"

#define RUN_MAX_POLICIES 64
#define RUN_MAX_FRAMES 256
#define RUN_MAX_WORKLOAD INTERLEAVE_MAX_TRACES
#define RUN_DEFAULT_QUANTUM INTERLEAVE_DEFAULT_QUANTUM

struct run_opts {
	const char *trace;       /* the trace, or the workload's label A+B+C */
	const char *workload_list; /* --workload A,B,...: NULL without */
	char *workload_copy;     /* the list, cut at its commas */
	char *workload_label;    /* the list with + for its commas */
	const char *workload_paths[RUN_MAX_WORKLOAD];
	struct workload workload;
	const char *policy_list; /* the last --policy, parsed once plug-ins are loaded */
	struct trace_options topt;
	struct policy_spec policies[RUN_MAX_POLICIES];
	size_t npolicies;
	uint32_t frames[RUN_MAX_FRAMES];
	size_t nframes;
	uint64_t seed;
	uint64_t swap_slots;
	bool span_pages;
	struct exp_machine machine; /* the VM model and the cost model */
	enum report_style style;
	unsigned threads;
	bool no_curves;
};

#define RUN_STR(x) RUN_STR_(x)
#define RUN_STR_(x) #x

/* --frames LIST into the struct run_opts at field. Returns 0, or -1 with
 * err set (an empty item) or for the generic error. */
static int run_opt_frames(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	struct run_opts *o = field;

	return cli_frames_option("--frames", arg, o->frames, RUN_MAX_FRAMES, &o->nframes, err);
}

static const char *const run_output_words[] = { "text", "csv", "json", NULL };
static const int run_output_values[] = { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

static const struct opt_spec run_options[] = {
	{ .name = "policy", .kind = OPT_STRING, .arg = "LIST", OPT_AT(struct run_opts, policy_list),
	  .help = "comma-separated policies, or all (default: clock); a policy\n"
		  "with parameters is NAME:KEY=VALUE[:KEY=VALUE...]; all means\n"
		  "every built-in policy and every plug-in's" },
	CLI_PLUGIN_SPEC,
	{ .name = "frames", .kind = OPT_CUSTOM, .arg = "LIST", .parse = run_opt_frames,
	  .expected = "counts from 1 to 2^31 like 16,64, 8..4096 or 1..5:1 (at most " RUN_STR(RUN_MAX_FRAMES) " sizes)",
	  .help = "comma-separated frame counts; A..B doubles: A, 2A, 4A, ... <= B;\nA..B:S steps by S: A, A+S, A+2S, ... <= B (1..5:1 is 1 to 5)\n(default: 64)" },
	CLI_SEED_SPEC(struct run_opts, seed),
	CLI_SWAP_SLOTS_SPEC(struct run_opts, swap_slots),
	CLI_SPAN_SPEC(struct run_opts, span_pages),
	{ .name = "output", .kind = OPT_CHOICE, .arg = "STYLE", OPT_AT(struct run_opts, style),
	  .words = run_output_words, .values = run_output_values, .help = "text (default), csv or json" },
	CLI_JOBS_SPEC(struct run_opts, threads,
		      "replay the cells on N threads (default: the number of\n"
		      "cores); with N >= 2 the trace is decoded on one more\n"
		      "thread, alongside; results are the same for any N"),
	{ .name = "workload", .kind = OPT_STRING, .arg = "A,B,...", OPT_AT(struct run_opts, workload_list),
	  .help = "replay several traces together, instead of TRACE: each runs\n"
		  "as its own process(es) of one machine, merged round-robin\n"
		  "(processes renumbered 1, 2, ... in order of appearance)" },
	{ .name = "quantum", .kind = OPT_UINT, .arg = "Q", OPT_AT(struct run_opts, workload.quantum), .min = 1,
	  .max = UINT64_MAX, .expected = "a number of accesses >= 1",
	  .help = "with --workload: each trace's turn is Q access records\n(default: " RUN_STR(RUN_DEFAULT_QUANTUM) ")" },
	{ .name = "no-curves", .kind = OPT_FLAG, OPT_AT(struct run_opts, no_curves),
	  .help = "replay every cell: by default two or more lru cells, or\n"
		  "opt cells (without a window, if few enough frames), of a\n"
		  "trace without VM events share one one-pass curve, whose\n"
		  "results are the same (for checking and timing)" },
	{ 0 },
};

static const struct opt_group run_groups[] = {
	{ run_options, 0, NULL },
	{ cli_trace_options, offsetof(struct run_opts, topt), NULL },
	{ cli_vm_options, offsetof(struct run_opts, machine), CLI_VM_HEADING },
	{ cli_cost_options, offsetof(struct run_opts, machine), CLI_COST_HEADING },
	{ NULL, 0, NULL },
};

static const struct opt_command run_command = {
	.name = "run",
	.synopsis = "usage: pagesim run TRACE [options]\n"
		    "       pagesim run --workload A,B,... [--quantum Q] [options]\n"
		    "Replay TRACE (a file, or - for standard input; gzip and zstd are read\n"
		    "transparently) through each policy at each memory size.\n\n",
	.groups = run_groups,
	.epilogue = "\nSegmentation faults are listed on standard error, once per trace; they are\n"
		    "results, not errors (the exit status stays 0).\n"
		    "Run 'pagesim policies' for the policy list.\n",
};

/* Set o's policies from the comma-separated list of specs ("lru",
 * "aging:bits=8") or "all". Returns 0 or an exit code after printing the
 * error. */
static int run_add_policies(struct run_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	struct ps_error err;
	int rc = EXIT_OK;

	if (copy == NULL)
		return cli_fail("out of memory");
	if (cli_list_has_empty(list)) {
		free(copy);
		return cli_fail("--policy: empty item in \"%s\" (a comma at an end, or two in a row)", list);
	}
	o->npolicies = 0;
	for (char *name = strtok_r(copy, ",", &save); name && rc == EXIT_OK; name = strtok_r(NULL, ",", &save)) {
		if (strcmp(name, "all") == 0) {
			for (size_t i = 0; policy_at(i) && o->npolicies < RUN_MAX_POLICIES; i++)
				policy_spec_parse(policy_at(i)->name, &o->policies[o->npolicies++], &err);
		} else if (o->npolicies == RUN_MAX_POLICIES) {
			rc = cli_fail("--policy: at most %d policies", RUN_MAX_POLICIES);
		} else if (policy_spec_parse(name, &o->policies[o->npolicies], &err) < 0) {
			rc = cli_fail("%s", err.msg);
		} else {
			o->npolicies++;
		}
	}
	/* As an experiment file's policies: (the same rows twice say nothing). */
	for (size_t i = 0; rc == EXIT_OK && i < o->npolicies; i++)
		for (size_t j = 0; rc == EXIT_OK && j < i; j++)
			if (strcmp(o->policies[i].label, o->policies[j].label) == 0)
				rc = cli_fail("--policy: %s is listed twice", o->policies[i].label);
	if (rc == EXIT_OK && o->npolicies == 0)
		rc = cli_fail("--policy: no policy named");
	free(copy);
	return rc;
}

/* --workload's list into o->workload (operands: how many trace operands
 * came with it, which must be none). Returns -1 to go on, or an exit code
 * after printing the error. */
static int run_check_workload(struct run_opts *o, int operands)
{
	char *save = NULL;

	if (operands > 0)
		return cli_fail("run: --workload replaces the TRACE operand; give the traces in its list");
	if (cli_list_has_empty(o->workload_list))
		return cli_fail("--workload: empty item in \"%s\" (a comma at an end, or two in a row)",
				o->workload_list);
	o->workload_copy = strdup(o->workload_list);
	if (o->workload_copy == NULL)
		return cli_fail("out of memory");
	for (char *path = strtok_r(o->workload_copy, ",", &save); path != NULL; path = strtok_r(NULL, ",", &save)) {
		if (o->workload.n == RUN_MAX_WORKLOAD)
			return cli_fail("--workload: at most %d traces", RUN_MAX_WORKLOAD);
		if (strcmp(path, "-") == 0)
			return cli_fail("--workload: traces must be files, not standard input");
		o->workload_paths[o->workload.n++] = path;
	}
	o->workload.paths = o->workload_paths;
	if (o->workload.quantum == 0)
		o->workload.quantum = RUN_DEFAULT_QUANTUM;
	/* The results name the workload A+B+C (no commas, for CSV readers). */
	o->workload_label = strdup(o->workload_list);
	if (o->workload_label == NULL)
		return cli_fail("out of memory");
	for (char *c = o->workload_label; *c != '\0'; c++)
		if (*c == ',')
			*c = '+';
	o->trace = o->workload_label;
	return -1;
}

/* After the options: the policies named (now that plug-ins are loaded),
 * exactly one trace among the operands argv[first..], pages smaller than
 * the address space, the machine options' dependencies. Returns -1 to go
 * on, or an exit code after printing the error. */
static int run_check_args(struct run_opts *o, int argc, char **argv, int first)
{
	int rc = run_add_policies(o, o->policy_list ? o->policy_list : "clock");

	if (rc != EXIT_OK)
		return rc;
	if (o->workload_list != NULL) {
		if ((rc = run_check_workload(o, argc - first)) != -1)
			return rc;
	} else if (first != argc - 1) {
		cli_usage(stderr, &run_command);
		return cli_fail(first >= argc ? "run: no trace given" : "run: more than one trace given");
	} else if (o->workload.quantum != 0) {
		return cli_fail("--quantum: only with --workload");
	} else {
		o->trace = argv[first];
	}
	if (o->topt.page_shift >= o->topt.va_bits)
		return cli_fail("--page-size: pages must be smaller than the %u-bit address space", o->topt.va_bits);
	if (!cli_vm_check(&o->machine))
		return EXIT_USAGE;
	if (o->machine.vm.by_segment && o->machine.vm.by_process && o->style != REPORT_TEXT)
		return cli_fail("--by-segment and --by-process print one breakdown each instead of the run rows;"
				" give one of them with --output csv or json");
	return -1;
}

/* Parse argv into o (run_command's tables, then run_check_args). Returns
 * -1 to go on, or an exit code to stop with. */
static int run_parse(int argc, char **argv, struct run_opts *o)
{
	int first, rc;

	*o = (struct run_opts){
		.topt = CLI_TRACE_DEFAULTS,
		.npolicies = 0,
		.frames = { 64 },
		.nframes = 1,
		.seed = 1,
		.swap_slots = SIM_DEFAULT_SWAP_SLOTS,
		.span_pages = true,
		.style = REPORT_TEXT,
		.threads = cli_cores(),
	};
	exp_machine_init(&o->machine);
	if ((rc = cli_parse_options(&run_command, argc, argv, o, &first)) >= 0)
		return rc;
	return run_check_args(o, argc, argv, first);
}

/* Does msg begin with "trace:"? */
static bool run_names(const char *msg, const char *trace)
{
	size_t len = strlen(trace);

	return strncmp(msg, trace, len) == 0 && msg[len] == ':';
}

/* Does a cell's error name a place in the trace, or in one of the
 * workload's traces ("TRACE:LINE: ...")? Such errors (a bad event) are
 * the trace's, whatever the policy and size. */
static bool run_is_trace_error(const struct run_opts *o, const char *msg)
{
	if (o->workload_list == NULL)
		return run_names(msg, o->trace);
	for (size_t k = 0; k < o->workload.n; k++)
		if (run_names(msg, o->workload.paths[k]))
			return true;
	return false;
}

/* Print the per-process report of the n cells (rows: their results).
 * Returns an exit code. */
static int run_print_processes(const struct run_opts *o, const struct cell *cells, const struct run_result *rows,
			       size_t n)
{
	const struct sim_segment_stats **segs = calloc(n, sizeof *segs);
	const struct sim_process_rss **procs = calloc(n, sizeof *procs);
	size_t *nsegs = calloc(n, sizeof *nsegs), *nprocs = calloc(n, sizeof *nprocs);
	int status = EXIT_OK;

	if (segs == NULL || procs == NULL || nsegs == NULL || nprocs == NULL) {
		status = cli_fail("out of memory");
	} else {
		for (size_t i = 0; i < n; i++) {
			segs[i] = cells[i].segments;
			nsegs[i] = cells[i].nsegments;
			procs[i] = cells[i].processes;
			nprocs[i] = cells[i].nprocesses;
		}
		report_processes(stdout, o->style, rows, segs, nsegs, procs, nprocs, n);
	}
	free(segs);
	free(procs);
	free(nsegs);
	free(nprocs);
	return status;
}

/* Replay path through all cells of o and print the table. Returns an exit
 * code. */
static int run_cells(const struct run_opts *o, const char *path)
{
	const struct cells_machine machine = {
		.page_shift = o->topt.page_shift, .va_bits = o->topt.va_bits,
		.swap_slots = o->swap_slots, .span_pages = o->span_pages, .vm = &o->machine,
		.no_curves = o->no_curves,
	};
	size_t n = o->npolicies * o->nframes;
	struct cell *cells = calloc(n, sizeof *cells);
	struct run_result *rows = calloc(n, sizeof *rows);
	struct pass_info info;
	struct ps_error err;
	struct cli_progress progress;
	int status = EXIT_OK, rc;

	if (cells == NULL || rows == NULL) {
		free(cells);
		free(rows);
		return cli_fail("out of memory");
	}
	for (size_t i = 0; i < n; i++)
		cells[i] = (struct cell){
			.policy = &o->policies[i / o->nframes], .frames = o->frames[i % o->nframes], .seed = o->seed,
		};
	cli_progress_start(&progress, "run");
	rc = cells_replay(o->workload_list != NULL ? &(struct trace_spec){ .workload = &o->workload }
						   : &(struct trace_spec){ .path = path }, &o->topt, &machine, cells, n, o->threads,
			  cli_progress_cells, &progress, NULL, &info, &err);
	cli_progress_end(&progress);
	if (rc != 0)
		status = cli_fail("%s", err.msg);
	for (size_t i = 0; status == EXIT_OK && i < n; i++)
		if (cells[i].error[0] != '\0' && run_is_trace_error(o, cells[i].error))
			status = cli_fail("%s", cells[i].error);
		else if (cells[i].error[0] != '\0')
			status = cli_fail("%s: %s with %" PRIu32 " frames: %s", o->trace, cells[i].policy->label,
					  cells[i].frames, cells[i].error);
	if (status == EXIT_OK) {
		pass_warn(&info, o->workload_list != NULL ? NULL : o->trace, NULL, "", stderr);
		for (size_t i = 0; i < n; i++)
			rows[i] = (struct run_result){
				.trace = o->trace, .format = info.format, .policy = cells[i].policy->label,
				.frames = cells[i].frames, .page_size = 1ULL << o->topt.page_shift,
				.seed = o->seed, .skipped = info.skipped, .stats = cells[i].stats,
				.cost = &o->machine.cost,
			};
		/* With --by-segment or --by-process, CSV and JSON are the breakdown alone. */
		if ((!o->machine.vm.by_segment && !o->machine.vm.by_process) || o->style == REPORT_TEXT)
			report_print(stdout, o->style, rows, n);
		if (o->machine.vm.by_process)
			status = run_print_processes(o, cells, rows, n);
		if (status == EXIT_OK && o->machine.vm.by_segment) {
			const struct sim_segment_stats **segs = calloc(n, sizeof *segs);
			size_t *nsegs = calloc(n, sizeof *nsegs);

			if (segs == NULL || nsegs == NULL) {
				status = cli_fail("out of memory");
			} else {
				for (size_t i = 0; i < n; i++) {
					segs[i] = cells[i].segments;
					nsegs[i] = cells[i].nsegments;
				}
				report_segments(stdout, o->style, rows, segs, nsegs, n);
			}
			free(segs);
			free(nsegs);
		}
		/* Segfaults do not depend on the policy: report one cell's. */
		for (size_t i = 0; i < n; i++) {
			if (cells[i].done && cells[i].stats.segfaults > 0) {
				fflush(stdout);
				report_segfaults(stderr, o->trace, cells[i].segfaults, cells[i].nsegfaults,
						 cells[i].stats.segfaults);
				break;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(cells[i].segments);
		free(cells[i].processes);
	}
	free(cells);
	free(rows);
	return status;
}

/* Must the trace be read twice: does a policy of o need the whole
 * trace's future (needs_future without a window, see policy.h)? */
static bool run_needs_two_passes(const struct run_opts *o)
{
	for (size_t p = 0; p < o->npolicies; p++)
		if (o->policies[p].policy->needs_future &&
		    future_window(o->policies[p].policy, o->policies[p].params) == 0)
			return true;
	return false;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	char spool[4096];
	bool spooled = false;
	int status = run_parse(argc, argv, &o);

	if (status >= 0) {
		free(o.workload_copy);
		free(o.workload_label);
		return status;
	}
	if (o.workload_list == NULL && strcmp(o.trace, "-") == 0 && run_needs_two_passes(&o)) {
		if ((status = cli_spool_stdin(spool, sizeof spool)) != EXIT_OK)
			return status;
		spooled = true;
	}
	if (spooled)
		o.topt.name = "<stdin>";
	status = run_cells(&o, spooled ? spool : o.trace);
	free(o.workload_copy);
	free(o.workload_label);
	return status;
}
