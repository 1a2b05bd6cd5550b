/*
 * cmd_explain.c - `pagesim explain`: replay one cell (a policy at a
 * memory size) of a trace and say, for each page reference, what the
 * machine and the policy did (replay/explain.h; the formats are in
 * report/explain_out.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "replay/experiment.h"
#include "replay/explain.h"
#include "report/explain_out.h"
#include "report/report.h"

struct explain_opts {
	const char *trace;
	const char *policy;   /* parsed once plug-ins are loaded */
	struct policy_spec spec;
	struct trace_options topt;
	uint32_t frames;
	uint64_t seed;
	uint64_t swap_slots;
	bool span_pages;
	uint64_t from, count;
	uint32_t pid;
	bool pid_given;
	enum explain_style style;
	enum report_style output;
	struct exp_machine machine;
};

static const char *const explain_style_words[] = { "table", "ostep", "vmsim", NULL };
static const int explain_style_values[] = { EXPLAIN_TABLE, EXPLAIN_OSTEP, EXPLAIN_VMSIM };
static const char *const explain_output_words[] = { "text", "csv", "json", NULL };
static const int explain_output_values[] = { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

static const struct opt_spec explain_options[] = {
	{ .name = "policy", .kind = OPT_STRING, .arg = "P", OPT_AT(struct explain_opts, policy),
	  .help = "the policy, NAME or NAME:KEY=VALUE[:KEY=VALUE...]\n(default: clock)" },
	CLI_PLUGIN_SPEC,
	{ .name = "frames", .kind = OPT_UINT, .arg = "N", OPT_AT(struct explain_opts, frames), .min = 1,
	  .max = UINT32_C(1) << 31, .expected = "a number of frames from 1 to 2^31",
	  .help = "physical frames (default: 3)" },
	{ .name = "from", .kind = OPT_UINT, .arg = "R", OPT_AT(struct explain_opts, from), .max = UINT64_MAX,
	  .expected = "a reference index (a whole number)",
	  .help = "show from page reference R on (counted from 0; default 0);\nthe references before it are replayed silently" },
	{ .name = "count", .kind = OPT_UINT, .arg = "K", OPT_AT(struct explain_opts, count), .min = 1,
	  .max = UINT64_MAX, .expected = "a number of references >= 1",
	  .help = "show K references, then stop (default: to the end)" },
	{ .name = "process", .kind = OPT_UINT, .arg = "PID", OPT_AT(struct explain_opts, pid), .min = 1,
	  .max = UINT32_MAX, OPT_GIVEN(struct explain_opts, pid_given), .expected = "a process id from 1 to 2^32-1",
	  .help = "show only the references and events of process PID" },
	{ .name = "style", .kind = OPT_CHOICE, .arg = "STYLE", OPT_AT(struct explain_opts, style),
	  .words = explain_style_words, .values = explain_style_values,
	  .help = "table (default); ostep: the lines of OSTEP's\npaging-policy.py -c; vmsim: one action per access" },
	{ .name = "output", .kind = OPT_CHOICE, .arg = "FORMAT", OPT_AT(struct explain_opts, output),
	  .words = explain_output_words, .values = explain_output_values,
	  .help = "text (default), csv or json (the table style only)" },
	CLI_SEED_SPEC(struct explain_opts, seed),
	CLI_SWAP_SLOTS_SPEC(struct explain_opts, swap_slots),
	CLI_SPAN_SPEC(struct explain_opts, span_pages),
	{ 0 },
};

static const struct opt_group explain_groups[] = {
	{ explain_options, 0, NULL },
	{ cli_trace_options, offsetof(struct explain_opts, topt), NULL },
	{ cli_vm_options, offsetof(struct explain_opts, machine), CLI_VM_HEADING },
	{ cli_cost_options, offsetof(struct explain_opts, machine), CLI_COST_HEADING },
	{ NULL, 0, NULL },
};

static const struct opt_command explain_command = {
	.name = "explain",
	.synopsis = "usage: pagesim explain TRACE [options]\n"
		    "Replay TRACE through one policy at one memory size and print, for each\n"
		    "page reference, what happened: hit or fault (and its kind), the victim\n"
		    "and where it went, the running totals, and the frames in the policy's\n"
		    "own order. Then the summary, equal to pagesim run's row.\n\n",
	.groups = explain_groups,
	.epilogue = "\nThe summary always covers the whole trace. Run 'pagesim policies' for the\n"
		    "policy list.\n",
};

/* Parse argv into o. Returns -1 to go on, or an exit code to stop with. */
static int explain_parse(int argc, char **argv, struct explain_opts *o)
{
	struct ps_error err;
	int first, rc;

	*o = (struct explain_opts){
		.topt = CLI_TRACE_DEFAULTS, .frames = 3, .seed = 1, .swap_slots = SIM_DEFAULT_SWAP_SLOTS,
		.span_pages = true, .count = UINT64_MAX, .style = EXPLAIN_TABLE, .output = REPORT_TEXT,
	};
	exp_machine_init(&o->machine);
	if ((rc = cli_parse_options(&explain_command, argc, argv, o, &first)) >= 0)
		return rc;
	if (first != argc - 1) {
		cli_usage(stderr, &explain_command);
		return cli_fail(first >= argc ? "explain: no trace given" : "explain: more than one trace given");
	}
	o->trace = argv[first];
	if (o->policy != NULL && strchr(o->policy, ',') != NULL)
		return cli_fail("--policy: explain follows one policy, not a list (\"%s\"); run compares several",
				o->policy);
	if (policy_spec_parse(o->policy != NULL ? o->policy : "clock", &o->spec, &err) < 0)
		return cli_fail("%s", err.msg);
	if (o->style != EXPLAIN_TABLE && o->output != REPORT_TEXT)
		return cli_fail("--output %s: the %s style prints text only", o->output == REPORT_CSV ? "csv" : "json",
				o->style == EXPLAIN_OSTEP ? "ostep" : "vmsim");
	if (o->topt.page_shift >= o->topt.va_bits)
		return cli_fail("--page-size: pages must be smaller than the %u-bit address space", o->topt.va_bits);
	if (strcmp(o->trace, "-") == 0)
		return cli_fail("explain: reads its trace twice, so it needs a file, not standard input");
	return cli_vm_check(&o->machine) ? -1 : EXIT_USAGE;
}

/* explain_step_fn: print the step. */
static bool explain_print_step(void *ctx, const struct explain_step *st)
{
	return explain_out_step(ctx, st);
}

/* The printer, and the names of the view's lists for the table's
 * header, taken from the first step's view (explain_header_step). */
struct explain_cli {
	struct explain_out out;
	bool begun;
	char names[256];
	uint64_t shown; /* references printed (events aside) */
};

/* explain_step_fn: print the header before the first step (it names the
 * view's lists), then the step. */
static bool explain_header_step(void *ctx, const struct explain_step *st)
{
	struct explain_cli *c = ctx;

	if (!c->begun) {
		size_t used = 0;

		c->names[0] = '\0';
		for (size_t l = 0; st->view != NULL && l < st->view->nlists && used < sizeof c->names; l++)
			used += (size_t)snprintf(c->names + used, sizeof c->names - used, "%s%s", l ? " | " : "",
						 st->view->lists[l].name);
		c->out.view_names = c->names;
		explain_out_begin(&c->out);
		c->begun = true;
	}
	c->shown += !st->is_event;
	return explain_print_step(&c->out, st);
}

/* "references A to B of N" for the text summary's heading; with
 * --process, how many of them were the process's (shown of them). */
static void explain_window_text(const struct explain_opts *o, uint64_t refs, uint64_t shown, char *buf, size_t len)
{
	uint64_t total = refs;
	uint64_t last = o->count == UINT64_MAX || o->from + o->count > total ? total : o->from + o->count;

	char some[48] = "no reference";

	if (shown > 0)
		snprintf(some, sizeof some, "the %" PRIu64 " reference%s", shown, ps_plural(shown));
	if (o->pid_given && o->from >= total)
		snprintf(buf, len, "Shown: no reference of process %" PRIu32 " (the trace has %" PRIu64 ")", o->pid, total);
	else if (o->pid_given && o->from == 0 && last == total)
		snprintf(buf, len, "Shown: %s of process %" PRIu32 " (the trace has %" PRIu64 ")", some, o->pid, total);
	else if (o->pid_given)
		snprintf(buf, len, "Shown: %s of process %" PRIu32 " among references %" PRIu64 " to %" PRIu64 " of %" PRIu64,
			 some, o->pid, o->from, last > 0 ? last - 1 : 0, total);
	else if (o->from >= total)
		snprintf(buf, len, "Shown: no reference (the trace has %" PRIu64 ")", total);
	else if (o->from == 0 && last == total)
		snprintf(buf, len, "Shown: every reference (%" PRIu64 ")", total);
	else
		snprintf(buf, len, "Shown: references %" PRIu64 " to %" PRIu64 " of %" PRIu64, o->from,
			 last > 0 ? last - 1 : 0, total);
}

/* Explain the cell o names and print the summary. Returns an exit code. */
static int explain_run(struct explain_opts *o)
{
	const struct cells_machine machine = {
		.page_shift = o->topt.page_shift, .va_bits = o->topt.va_bits, .swap_slots = o->swap_slots,
		.span_pages = o->span_pages, .vm = &o->machine, .no_curves = true,
	};
	const bool lru = strcmp(o->spec.policy->name, "lru") == 0;
	struct explain_request req = {
		.trace = &(struct trace_spec){ .path = o->trace }, .topt = &o->topt, .machine = &machine,
		.policy = &o->spec, .frames = o->frames, .seed = o->seed, .from = o->from, .count = o->count,
		.one_pid = o->pid_given, .pid = o->pid, .view = o->style == EXPLAIN_TABLE || (o->style == EXPLAIN_OSTEP && lru),
	};
	struct explain_cli c = { .out = { .out = stdout, .style = o->style, .output = o->output,
					  .color = o->output == REPORT_TEXT && explain_out_color(stdout),
					  .tlb = o->machine.vm.tlb_entries > 0, .policy = o->spec.policy->name } };
	struct cell cell;
	struct pass_info info;
	struct ps_error err;
	char window[128];

	if (explain_replay(&req, explain_header_step, &c, &cell, &info, &err) < 0) {
		free(cell.segments);
		return cli_fail("%s", err.msg);
	}
	pass_warn(&info, o->trace, NULL, "", stderr);
	if (!c.begun) {
		c.out.view_names = "frames";
		explain_out_begin(&c.out);
	}
	explain_window_text(o, cell.stats.refs + cell.stats.segfaults + cell.stats.ignored_refs, c.shown, window,
			    sizeof window);
	if (o->pid_given && c.shown == 0)
		fprintf(stderr, "pagesim: warning: process %" PRIu32 " makes no reference in %s\n", o->pid,
			o->from == 0 && o->count == UINT64_MAX ? "the trace" : "the references shown");
	explain_out_end(&c.out, &(struct run_result){ .trace = o->trace, .format = info.format, .policy = o->spec.label,
						      .frames = o->frames, .page_size = 1ULL << o->topt.page_shift,
						      .seed = o->seed, .skipped = info.skipped, .stats = cell.stats,
						      .cost = &o->machine.cost },
			window);
	if (cell.stats.segfaults > 0) {
		fflush(stdout);
		report_segfaults(stderr, o->trace, cell.segfaults, cell.nsegfaults, cell.stats.segfaults);
	}
	free(cell.segments);
	return EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
	struct explain_opts o;
	int status = explain_parse(argc, argv, &o);

	return status >= 0 ? status : explain_run(&o);
}
