/*
 * options.h - the command line's option tables that several commands
 * share (the trace options, the VM model's and the cost model's, -j,
 * --span, --plugin), and the glue that parses a command's tables
 * (util/options.h) and prints its errors and help.
 *
 * A command declares its own options in its cmd_*.c file as a struct
 * opt_command listing groups: its own table, and the shared tables at
 * the offset of the struct they fill inside its options struct.
 */
#ifndef PAGESIM_CLI_OPTIONS_H
#define PAGESIM_CLI_OPTIONS_H

#include <stdio.h>

#include "util/options.h"

/* The options of every command that reads a trace, relative to a struct
 * trace_options (defaults: CLI_TRACE_DEFAULTS in cli.h). */
extern const struct opt_spec cli_trace_options[];

/* The VM model's and the cost model's options (pagesim run; experiment
 * files have the same as keys), relative to a struct exp_machine, and
 * the headings they go under in the help. */
extern const struct opt_spec cli_vm_options[];
extern const struct opt_spec cli_cost_options[];
#define CLI_VM_HEADING "\nThe VM model (see traces/FORMAT.md for segments, mmap, fork):\n"
#define CLI_COST_HEADING "\nThe cost model (est_time_ms, eat_ns; pagesim(1) gives the formula):\n"

/* -j/--jobs N, worker threads from 1 to 1024, relative to an unsigned. */
extern const struct opt_spec cli_jobs_options[];

/* -j/--jobs as an entry of a command's own table, with its own help. */
#define CLI_JOBS_SPEC(type, member, helptext)                                                   \
	{ .name = "jobs", .letter = 'j', .kind = OPT_UINT, .arg = "N", OPT_AT(type, member), .min = 1, \
	  .max = 1024, .expected = "a number of threads from 1 to 1024", .help = helptext }

/* --span all|first into a bool member of type (true: all). */
extern const char *const cli_span_words[];
extern const int cli_span_values[];
#define CLI_SPAN_SPEC(type, member)                                                              \
	{ .name = "span", .kind = OPT_CHOICE, .arg = "all|first", OPT_AT(type, member),              \
	  .words = cli_span_words, .values = cli_span_values,                                        \
	  .help = "an access crossing a page boundary references every page\n"                      \
		  "it covers (all, default) or only its first page" }

/* --seed N and --swap-slots N into uint64_t members of type (run, explain). */
#define CLI_SEED_SPEC(type, member)                                                              \
	{ .name = "seed", .kind = OPT_UINT, .arg = "N", OPT_AT(type, member), .max = UINT64_MAX,    \
	  .expected = "a whole number", .help = "seed for randomised policies (default: 1)" }
#define CLI_SWAP_SLOTS_SPEC(type, member)                                                        \
	{ .name = "swap-slots", .kind = OPT_UINT, .arg = "N", OPT_AT(type, member), .min = 1,       \
	  .max = UINT64_MAX, .expected = "a number of slots >= 1",                                   \
	  .help = "capacity of the swap device in pages (default: 2^32)" }

/* --plugin FILE: load a plug-in's policies now (repeatable). */
int cli_opt_plugin(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err);
#define CLI_PLUGIN_SPEC                                                                          \
	{ .name = "plugin", .kind = OPT_CUSTOM, .arg = "FILE", .parse = cli_opt_plugin,             \
	  .help = "load the policies of the plug-in (shared object) FILE;\n"                        \
		  "repeatable. See <pagesim/policy.h> and pagesim(1)" }

/* Parse argv by cmd's tables into dst; the operands start at argv[*first].
 * Returns -1 to go on, EXIT_OK after printing the help on --help, or
 * EXIT_USAGE after printing the one-line error. */
int cli_parse_options(const struct opt_command *cmd, int argc, char **argv, void *dst, int *first);

/* Print cmd's help text (generated from its tables) on out. */
void cli_usage(FILE *out, const struct opt_command *cmd);

#endif
