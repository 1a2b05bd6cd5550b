/*
 * cli.h - the pagesim command line: subcommands and the argument parsers
 * they share. Exit codes: 0 success, 1 a check failed (later), 2 usage or
 * input error. Only these functions print to the user or pick an exit code.
 */
#ifndef PAGESIM_CLI_H
#define PAGESIM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "trace/trace.h"

struct exp_machine;

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_USAGE = 2 };

/* Subcommands: argv[0] is the subcommand name; each returns an exit code. */
int cmd_run(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_mrc(int argc, char **argv);
int cmd_ws(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Find the directory of the gnuplot templates (scripts/plot-*.gp):
 * $PAGESIM_TEMPLATES, else scripts/ next to the binary, else the installed
 * data directory. Stores it in buf; false if none holds them. */
bool cli_find_templates(char *buf, size_t size);

struct results;
struct plot_options;

/* Draw the graphs of r into dir/plots (plot_all) with gnuplot and the
 * templates of cli_find_templates, as opt says (its gnuplot and
 * template_dir are ignored); say on stderr which graphs were left out and
 * on stdout how many were drawn. Returns an exit code after printing any
 * error. Used by pagesim plot and pagesim sweep. */
int cli_plot(const struct results *r, const char *dir, const struct plot_options *opt);

/* Append the template file dir/name to out. Returns 0 or -1 with err set. */
int cli_copy_template(FILE *out, const char *dir, const char *name, struct ps_error *err);

struct experiment;

/* Load the experiment file into exp (freed with exp_free): check it
 * whole, then load the plug-ins it names, then look up its policies.
 * Returns 0 or an exit code after printing the error. */
int cli_load_experiment(const char *file, struct experiment *exp);

/* Print the faults table of dir/results.csv on stdout and, with plot,
 * draw its graphs into dir/plots (pagesim sweep's and merge's ending).
 * Returns an exit code. */
int cli_show_results(const char *dir, bool plot);

/* The progress line of run and mrc (cli_progress.c): drawn on standard
 * error only when it is a terminal. */
struct cli_progress {
	const char *what;        /* "run", "mrc" */
	bool live, drawn;
	struct timespec start;
	double last;             /* when it was last drawn */
};

/* Start p, naming what runs. */
void cli_progress_start(struct cli_progress *p, const char *what);

/* Redraw p with the records decoded so far (ten times a second at most). */
void cli_progress_update(struct cli_progress *p, uint64_t records);

/* Erase p's line, if it was drawn. */
void cli_progress_end(struct cli_progress *p);

/* A cells_progress_fn (replay/cells.h) whose ctx is a struct cli_progress. */
void cli_progress_cells(void *ctx, uint64_t records);

/* After a command: flush standard output and check it for write errors
 * (the command's own or an earlier buffered one). Returns status, or,
 * after printing "cannot write standard output: REASON", EXIT_USAGE. */
int cli_close_stdout(int status);

/* Print "pagesim: <message>" on stderr; returns EXIT_USAGE. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a frame-count list: comma-separated items, each N, A..B (A, 2A,
 * 4A, ... while <= B: doubling) or A..B:S (A, A+S, A+2S, ... while <= B:
 * linear). Counts and steps are 1..2^31. Stores up to max values in out
 * and their number in *n; false on a malformed list (an empty item too),
 * with err set, naming option, when the items before were well formed and
 * it is a range A..B with A > B, more than max values in all, or a value
 * given twice (else err untouched). */
bool cli_parse_frames(const char *option, const char *s, uint32_t *out, size_t max, size_t *n,
		      struct ps_error *err);

/* Is an item of the comma-separated list empty (the list itself, a comma
 * first or last, or two in a row)? Such a list is refused. */
bool cli_list_has_empty(const char *list);

/* A list option (--frames, --tau) LIST into out as cli_parse_frames does.
 * Returns 0, or -1 with err set, naming option, for an empty item and
 * cli_parse_frames's cases, or left empty for the option's generic error
 * (an OPT_CUSTOM parse function's contract). */
int cli_frames_option(const char *option, const char *arg, uint32_t *out, size_t max, size_t *n,
		      struct ps_error *err);

/* The number of online cores (at least 1): the default of -j. */
unsigned cli_cores(void);

/* Copy standard input to a new temporary file (in $TMPDIR or /tmp), so a
 * trace can be read twice (OPT's look-ahead). The file is unlinked as soon
 * as it is created and stays open for the life of the process, so nothing
 * is left behind on any exit, a signal included; path (size bytes)
 * receives a name that reopens it ("/proc/self/fd/N"). Returns 0 or an
 * exit code after printing the error. */
int cli_spool_stdin(char *path, size_t size);

/* The defaults of the trace options (cli_trace_options in options.h):
 * auto-detected format, 4 KiB pages, 48-bit addresses. */
#define CLI_TRACE_DEFAULTS { .format = TRACE_AUTO, .page_shift = 12, .va_bits = 48 }

/* After every option: refuse the ones that need another (--quota without
 * --scope local, --tlb-flush-on-switch or --no-shootdown without --tlb).
 * False after printing the error. */
bool cli_vm_check(const struct exp_machine *m);

#endif
