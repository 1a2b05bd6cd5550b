/*
 * main.c - the pagesim command: dispatch to a subcommand.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policies/registry.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "replay a trace through policies and memory sizes; print a comparison" },
	{ "explain", cmd_explain, "replay one policy at one memory size, saying what each reference did" },
	{ "sweep", cmd_sweep, "run an experiment file (traces x policies x frames x seeds) on all cores" },
	{ "merge", cmd_merge, "join the shards of a sweep (sweep --shard K/N) into one results directory" },
	{ "check", cmd_check, "check an experiment's expect: requirements (clock beats random...) with 95% intervals" },
	{ "policies", cmd_policies, "list the replacement policies" },
	{ "decode", cmd_decode, "decode a trace and count its records (no simulation)" },
	{ "convert", cmd_convert, "write any trace in the compact binary format (optionally zstd)" },
	{ "gen", cmd_gen, "write a seeded synthetic trace (uniform, zipf, scan, loop, phases, mix)" },
	{ "plot", cmd_plot, "draw gnuplot graphs of a results directory (png, svg)" },
	{ "mrc", cmd_mrc, "miss-ratio curve of lru or opt for every memory size in one pass" },
	{ "ws", cmd_ws, "working-set curves: mean working-set size and fault rate vs window" },
};

static void usage(FILE *out)
{
	fputs("usage: pagesim COMMAND [options]\n"
	      "       pagesim --help | --version\n\n"
	      "A trace-driven simulator of page-replacement policies over a modeled\n"
	      "virtual memory system (radix page tables, frame table, swap device).\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nPolicies:", out);
	for (size_t i = 0; policy_registry[i]; i++)
		fprintf(out, " %s", policy_registry[i]->name);
	fputs("\n\nExample:\n"
	      "  pagesim run traces/sort.lackey.zst --policy fifo,lru,clock,opt --frames 16,64,256\n\n"
	      "'pagesim COMMAND --help' describes a command's options.\n"
	      "Exit status: 0 success, 1 a requirement failed (check), 2 usage or input error.\n", out);
}

/* Run the command of argv[1] (or the top-level help); returns its exit
 * code. */
static int run_command(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("pagesim %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	usage(stderr);
	return cli_fail("unknown command \"%s\"", argv[1]);
}

/* Every command's output is checked once, here: a write error on standard
 * output (a full disk, /dev/full, a closed descriptor) is an error that
 * names its reason, exit 2, never a silent success. */
int main(int argc, char **argv)
{
	/* stdio forgets why a write failed once its buffer overflowed (the
	 * reason is then "write error"): a buffer of 64 KiB keeps the help and
	 * most reports in one write, made by the check at the end. */
	static char out_buffer[1 << 16];

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
	/* A write past the file-size limit (ulimit -f) then fails with EFBIG,
	 * which every writer reports and cleans up after, instead of killing
	 * the process with no message and a temporary file left behind. */
	signal(SIGXFSZ, SIG_IGN);
	return cli_close_stdout(run_command(argc, argv));
}
