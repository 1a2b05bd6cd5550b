/*
 * cli.h - the pagesim command line: subcommands and the argument parsers
 * they share. Exit codes: 0 success, 1 a check failed (later), 2 usage or
 * input error. Only these functions print to the user or pick an exit code.
 */
#ifndef PAGESIM_CLI_H
#define PAGESIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

struct exp_machine;

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_USAGE = 2 };

/* Subcommands: argv[0] is the subcommand name; each returns an exit code. */
int cmd_run(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_mrc(int argc, char **argv);
int cmd_check(int argc, char **argv);

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

struct experiment;

/* Load the plug-ins an experiment file names, then the experiment itself
 * into exp (freed with exp_free). Returns 0 or an exit code after
 * printing the error. */
int cli_load_experiment(const char *file, struct experiment *exp);

/* Print "pagesim: <message>" on stderr; returns EXIT_USAGE. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a frame-count list: comma-separated items, each N or A..B (A, 2A,
 * 4A, ... while <= B). Counts are 1..2^31. Stores up to max values in out
 * and their number in *n; false on a malformed list or too many values. */
bool cli_parse_frames(const char *s, uint32_t *out, size_t max, size_t *n);

/* Parse -j/--jobs: a number of threads from 1 to 1024. False, after
 * printing the error, on anything else. */
bool cli_parse_jobs(const char *arg, unsigned *threads);

/* The number of online cores (at least 1): the default of -j. */
unsigned cli_cores(void);

/* Parse --span: all (every page an access covers) or first. False, after
 * printing the error, on anything else. */
bool cli_parse_span(const char *arg, bool *span_pages);

/* Copy standard input to a new temporary file (in $TMPDIR or /tmp), so a
 * trace can be read twice (OPT's look-ahead). Stores its path in path
 * (size bytes); the caller unlinks it. Returns 0 or an exit code after
 * printing the error. */
int cli_spool_stdin(char *path, size_t size);

/* Options every command that reads a trace accepts. */
#define CLI_TRACE_OPTIONS_HELP \
	"  --format F          trace format: auto (default), lackey, addr-rw, pages, native,\n" \
	"                      binary\n" \
	"  --page-size N       page size, a power of two (256..1G; 4K, 2M accepted); default 4096\n" \
	"  --va-bits 32|48     virtual address width: 32 = two-level x86-32 page tables,\n" \
	"                      48 = four-level x86-64 (default)\n" \
	"  --skip-bad          count and skip malformed trace lines instead of stopping\n"

/* Their getopt_long entries (flag 0: dispatch on the long name), and the
 * defaults: auto-detected format, 4 KiB pages, 48-bit addresses. */
#define CLI_TRACE_LONGOPTS \
	{ "format", required_argument, NULL, 0 }, \
	{ "page-size", required_argument, NULL, 0 }, \
	{ "va-bits", required_argument, NULL, 0 }, \
	{ "skip-bad", no_argument, NULL, 0 }
#define CLI_TRACE_DEFAULTS { .format = TRACE_AUTO, .page_shift = 12, .va_bits = 48 }

/* Apply one of the shared trace options (long option name without "--")
 * with its argument to opt. Returns 1 if handled, 0 if name is not a trace
 * option, -1 (after printing the error) if arg is invalid. */
int cli_trace_option(const char *name, const char *arg, struct trace_options *opt);

/* The machine options of the VM model and of the cost model (pagesim run;
 * experiment files have the same as keys, see experiments/README.md). */
#define CLI_VM_OPTIONS_HELP \
	"\nThe VM model (see traces/FORMAT.md for segments, mmap, fork):\n" \
	"  --strict            a process without declared segments may touch nothing\n" \
	"                      (every access is a segmentation fault)\n" \
	"  --stack-gap BYTES   a fault at most BYTES below a stack's bottom grows it\n" \
	"                      (default 65536)\n" \
	"  --tlb ENTRIES[:WAYS]  simulate a TLB of ENTRIES entries, WAYS-way set\n" \
	"                      associative (default: no TLB)\n" \
	"  --tlb-flush-on-switch  flush the TLB on a process switch (no ASIDs)\n" \
	"  --no-shootdown      clearing an accessed bit leaves the TLB entry valid\n" \
	"  --count-page-tables page-table pages occupy pinned frames\n" \
	"  --by-segment        faults and evictions per process and segment (CSV and\n" \
	"                      JSON print that breakdown instead of the run rows)\n" \
	"  --scope global|local  replacement among all pages (global, default) or each\n" \
	"                      process's own, with a policy instance per process\n" \
	"  --quota N           with --scope local: at most N frames per process\n" \
	"\nThe cost model (est_time_ms, eat_ns; pagesim(1) gives the formula):\n" \
	"  --device D          hdd, ssd (default) or nvme: the I/O latencies\n" \
	"  --read-us T         one page read from swap or a file (hdd 10000, ssd 100,\n" \
	"                      nvme 50)\n" \
	"  --write-us T        one page written to swap or a file (hdd 10000, ssd 150,\n" \
	"                      nvme 20)\n" \
	"  --mem-ns T          one memory reference (default 100)\n" \
	"  --tlb-miss-ns T     one page walk after a TLB miss (default 20)\n" \
	"  --fault-us T        kernel overhead of any fault (default 1)\n" \
	"  --zero-us T         zero-filling a page (default 0.5)\n" \
	"  --copy-us T         copying a page for copy-on-write (default 1)\n"

/* Their getopt_long entries (flag 0: dispatch on the long name). */
#define CLI_VM_LONGOPTS \
	{ "strict", no_argument, NULL, 0 }, \
	{ "stack-gap", required_argument, NULL, 0 }, \
	{ "tlb", required_argument, NULL, 0 }, \
	{ "tlb-flush-on-switch", no_argument, NULL, 0 }, \
	{ "no-shootdown", no_argument, NULL, 0 }, \
	{ "count-page-tables", no_argument, NULL, 0 }, \
	{ "by-segment", no_argument, NULL, 0 }, \
	{ "scope", required_argument, NULL, 0 }, \
	{ "quota", required_argument, NULL, 0 }, \
	{ "device", required_argument, NULL, 0 }, \
	{ "read-us", required_argument, NULL, 0 }, \
	{ "write-us", required_argument, NULL, 0 }, \
	{ "mem-ns", required_argument, NULL, 0 }, \
	{ "tlb-miss-ns", required_argument, NULL, 0 }, \
	{ "fault-us", required_argument, NULL, 0 }, \
	{ "zero-us", required_argument, NULL, 0 }, \
	{ "copy-us", required_argument, NULL, 0 }

/* Apply one of the machine options (long name without "--") with its
 * argument to m. Returns 1 if handled, 0 if name is not one of them, -1
 * (after printing the error) if arg is invalid. */
int cli_vm_option(const char *name, const char *arg, struct exp_machine *m);

/* After every option: refuse the ones that need another (--quota without
 * --scope local, --tlb-flush-on-switch or --no-shootdown without --tlb).
 * False after printing the error. */
bool cli_vm_check(const struct exp_machine *m);

#endif
