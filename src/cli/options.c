/*
 * options.c - the option tables several commands share, their custom
 * parsers, and the printing of a command's option errors and help.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "machine/cost.h"
#include "machine/tlb.h"
#include "policies/plugin.h"
#include "replay/experiment.h"
#include "util/numparse.h"

/* --format F into an enum trace_format. */
static int cli_opt_format(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	if (trace_format_parse(arg, field))
		return 0;
	return ps_error_set(err, "--format: unknown trace format \"%s\" (expected auto, lackey, addr-rw, pages, "
			    "native or binary)", arg);
}

/* --page-size N into a log2 page size (an unsigned). */
static int cli_opt_page_size(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	if (num_parse_page_size(arg, field))
		return 0;
	return ps_error_set(err, "--page-size: \"%s\" is not a power of two from 256 to 1G bytes", arg);
}

static const char *const cli_va_bits_words[] = { "32", "48", NULL };
static const int cli_va_bits_values[] = { 32, 48 };

const struct opt_spec cli_trace_options[] = {
	{ .name = "format", .kind = OPT_CUSTOM, .arg = "F", OPT_AT(struct trace_options, format),
	  .parse = cli_opt_format,
	  .help = "trace format: auto (default), lackey, addr-rw, pages, native,\nbinary" },
	{ .name = "page-size", .kind = OPT_CUSTOM, .arg = "N", OPT_AT(struct trace_options, page_shift),
	  .parse = cli_opt_page_size,
	  .help = "page size, a power of two (256..1G; 4K, 2M accepted); default 4096" },
	{ .name = "va-bits", .kind = OPT_CHOICE, .arg = "32|48", OPT_AT(struct trace_options, va_bits),
	  .words = cli_va_bits_words, .values = cli_va_bits_values,
	  .help = "virtual address width: 32 = two-level x86-32 page tables,\n48 = four-level x86-64 (default)" },
	{ .name = "skip-bad", .kind = OPT_FLAG, OPT_AT(struct trace_options, skip_bad),
	  .help = "count and skip malformed trace lines instead of stopping" },
	{ 0 },
};

/* --tlb ENTRIES[:WAYS] into the struct exp_machine at field. */
static int cli_opt_tlb(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	struct exp_machine *m = field;
	struct ps_error why;

	if (tlb_parse_spec(arg, &m->vm.tlb_entries, &m->vm.tlb_ways, &why))
		return 0;
	return ps_error_set(err, "--tlb: %s", why.msg);
}

static const char *const cli_scope_words[] = { "global", "local", NULL };
static const char *const cli_alloc_words[] = { "equal", "proportional", NULL };
static const int cli_alloc_values[] = { LOCAL_ALLOC_EQUAL, LOCAL_ALLOC_PROPORTIONAL };

const struct opt_spec cli_vm_options[] = {
	{ .name = "strict", .kind = OPT_FLAG, OPT_AT(struct exp_machine, vm.strict),
	  .help = "a process without declared segments may touch nothing\n(every access is a segmentation fault)" },
	{ .name = "stack-gap", .kind = OPT_UINT, .arg = "BYTES", OPT_AT(struct exp_machine, vm.stack_gap),
	  .min = 1, .max = EXP_MAX_STACK_GAP, .expected = "a number of bytes from 1 to 2^48",
	  .help = "a fault at most BYTES below a stack's bottom grows it\n(default 65536)" },
	{ .name = "tlb", .kind = OPT_CUSTOM, .arg = "ENTRIES[:WAYS]", .parse = cli_opt_tlb,
	  .help = "simulate a TLB of ENTRIES entries, WAYS-way set\nassociative (default: no TLB)" },
	{ .name = "tlb-flush-on-switch", .kind = OPT_FLAG, OPT_AT(struct exp_machine, vm.tlb_flush_on_switch),
	  .help = "flush the TLB on a process switch (no ASIDs)" },
	{ .name = "no-shootdown", .kind = OPT_FLAG, OPT_AT(struct exp_machine, vm.no_shootdown),
	  .help = "clearing an accessed bit leaves the TLB entry valid" },
	{ .name = "count-page-tables", .kind = OPT_FLAG, OPT_AT(struct exp_machine, vm.count_page_tables),
	  .help = "page-table pages occupy pinned frames" },
	{ .name = "by-segment", .kind = OPT_FLAG, OPT_AT(struct exp_machine, vm.by_segment),
	  .help = "faults and evictions per process and segment (CSV and\n"
		  "JSON print that breakdown instead of the run rows)" },
	{ .name = "by-process", .kind = OPT_FLAG, OPT_AT(struct exp_machine, vm.by_process),
	  .help = "faults by kind, evictions and the mean resident set per\n"
		  "process (CSV and JSON print that instead of the run rows)" },
	{ .name = "scope", .kind = OPT_CHOICE, .arg = "global|local", OPT_AT(struct exp_machine, vm.scope_local),
	  .words = cli_scope_words,
	  .help = "replacement among all pages (global, default) or each\n"
		  "process's own, with a policy instance per process" },
	{ .name = "quota", .kind = OPT_UINT, .arg = "N", OPT_AT(struct exp_machine, vm.local_quota), .min = 1,
	  .max = EXP_MAX_QUOTA, .expected = "a number of frames from 1 to 2^31",
	  .help = "with --scope local: at most N frames per process" },
	{ .name = "alloc", .kind = OPT_CHOICE, .arg = "equal|proportional", OPT_AT(struct exp_machine, vm.local_alloc),
	  .words = cli_alloc_words, .values = cli_alloc_values,
	  .help = "with --scope local: each process's share of the frames\n"
		  "when none is free: equal (default), or proportional to\n"
		  "the pages it has touched" },
	{ 0 },
};

/* --device D: the I/O latencies of the struct exp_machine at field. */
static int cli_opt_device(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	struct exp_machine *m = field;
	enum cost_device device;

	if (!cost_device_parse(arg, &device))
		return -1;
	cost_set_device(&m->cost, device);
	return 0;
}

/* --read-us T and the other times of the cost model (the option's name is
 * the parameter's) into the struct exp_machine at field. */
static int cli_opt_cost(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	struct exp_machine *m = field;
	enum cost_param param;
	double t;

	if (!cost_param_find(spec->name, &param) || !cost_value_parse(arg, &t))
		return ps_error_set(err, "--%s: expected a time in %s from 0 to %g, got \"%s\"", spec->name,
				    strstr(spec->name, "-ns") ? "nanoseconds" : "microseconds", COST_MAX_VALUE, arg);
	cost_set(&m->cost, param, t);
	return 0;
}

const struct opt_spec cli_cost_options[] = {
	{ .name = "device", .kind = OPT_CUSTOM, .arg = "D", .parse = cli_opt_device, .expected = "hdd, ssd or nvme",
	  .help = "hdd, ssd (default) or nvme: the I/O latencies" },
	{ .name = "read-us", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "one page read from swap or a file (hdd 10000, ssd 100,\nnvme 50)" },
	{ .name = "write-us", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "one page written to swap or a file (hdd 10000, ssd 150,\nnvme 20)" },
	{ .name = "mem-ns", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "one memory reference (default 100)" },
	{ .name = "tlb-miss-ns", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "one page walk after a TLB miss (default 20)" },
	{ .name = "fault-us", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "kernel overhead of any fault (default 1)" },
	{ .name = "zero-us", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "zero-filling a page (default 0.5)" },
	{ .name = "copy-us", .kind = OPT_CUSTOM, .arg = "T", .parse = cli_opt_cost,
	  .help = "copying a page for copy-on-write (default 1)" },
	{ 0 },
};

const struct opt_spec cli_jobs_options[] = {
	{ .name = "jobs", .letter = 'j', .kind = OPT_UINT, .arg = "N", .size = sizeof(unsigned), .min = 1,
	  .max = 1024, .expected = "a number of threads from 1 to 1024",
	  .help = "worker threads (default: the number of cores)" },
	{ 0 },
};

const char *const cli_span_words[] = { "all", "first", NULL };
const int cli_span_values[] = { true, false };

/* OPT_CUSTOM parser of --plugin FILE: load FILE's policies now, so that
 * a later --policy can name them. Returns 0, or -1 with err set. */
int cli_opt_plugin(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	return plugin_load(arg, err) < 0 ? -1 : 0;
}

/* Parse argv by cmd's tables into dst (opt_parse), printing the help or
 * the error. Returns -1 to go on, else the exit code. */
int cli_parse_options(const struct opt_command *cmd, int argc, char **argv, void *dst, int *first)
{
	struct ps_error err;

	switch (opt_parse(cmd, argc, argv, dst, first, &err)) {
	case OPT_OK:
		return -1;
	case OPT_HELP:
		cli_usage(stdout, cmd);
		return EXIT_OK;
	default:
		return cli_fail("%s", err.msg);
	}
}

/* Print cmd's generated help text on out (a note when out of memory). */
void cli_usage(FILE *out, const struct opt_command *cmd)
{
	char *text = opt_help(cmd);

	fputs(text != NULL ? text : "pagesim: out of memory\n", out);
	free(text);
}
