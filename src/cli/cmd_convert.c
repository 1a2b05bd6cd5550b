/*
 * cmd_convert.c - `pagesim convert IN OUT`: write any trace the readers
 * accept in the compact binary format (traces/FORMAT.md, "binary"),
 * optionally compressed. The work is trace_convert(); this file
 * parses the command line and reports.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "trace/convert.h"
#include "trace/trace_binary.h"

/* What the command line says. */
struct convert_opts {
	struct trace_options topt;
	unsigned version; /* of the binary format written */
};

static const struct opt_spec convert_write_options[] = {
	{ .name = "binary-version", .kind = OPT_UINT, .arg = "N", OPT_AT(struct convert_opts, version), .min = 2,
	  .max = TRACE_BINARY_VERSION, .expected = "2 or 3",
	  .help = "write binary format version N: 3 (default; a few bytes a\nrecord) or 2 (16 bytes a record, for "
		  "readers of\nversion 2)" },
	{ 0 },
};

static const struct opt_group convert_groups[] = {
	{ cli_trace_options, offsetof(struct convert_opts, topt), "Options (they apply to reading IN):\n" },
	{ convert_write_options, 0, "\nOptions for writing OUT:\n" },
	{ NULL, 0, NULL },
};

static const struct opt_command convert_command = {
	.name = "convert",
	.synopsis = "usage: pagesim convert IN OUT [options]\n"
		    "Write the trace IN (any format pagesim reads, plain, gzip or zstd; - for\n"
		    "standard input) in pagesim's compact binary format, which every command\n"
		    "reads (detected by its magic number) at close to memory speed: version 3,\n"
		    "each record coded against the one before it in a few bytes, the layout in\n"
		    "traces/FORMAT.md (\"binary\"). The page numbers of\n"
		    "a pages trace become byte addresses with the --page-size given here.\n"
		    "The VM events of a native trace (segment, mmap, munmap, mprotect, brk, fork, exit)\n"
		    "are kept: the result reads back exactly as the input.\n\n"
		    "OUT is written as OUT.tmp.PID and renamed on success, so an error never\n"
		    "leaves a partial OUT behind (a link is followed; a FIFO or device is\n"
		    "written through). A name ending in .zst is zstd-compressed\n"
		    "(level 3, with a checksum), in .gz gzip-compressed; - writes the plain\n"
		    "binary form to standard output (not to a terminal).\n"
		    "A one-line summary goes to standard error.\n\n",
	.groups = convert_groups,
	.epilogue = "\nExample:\n"
		    "  pagesim convert traces/sort.lackey.zst sort.bin.zst\n"
		    "Exit status: 0 success, 2 usage, input or output error.\n",
};

/* pagesim convert IN OUT [options]: parse, convert, and summarise on
 * standard error. Returns an exit code. */
int cmd_convert(int argc, char **argv)
{
	struct convert_opts o = {.topt = CLI_TRACE_DEFAULTS, .version = TRACE_BINARY_VERSION};
	struct trace_convert_stats st;
	struct ps_error err;
	const char *in, *out;
	int first, rc = cli_parse_options(&convert_command, argc, argv, &o, &first);

	if (rc >= 0)
		return rc;
	if (argc - first != 2)
		return cli_fail("convert: expected IN and OUT (- for standard input or output); "
				"see 'pagesim convert --help'");
	in = argv[first];
	out = argv[first + 1];
	if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO))
		return cli_fail("convert: refusing to write a binary trace to a terminal "
				"(redirect standard output, or name a file)");
	if (trace_convert(in, &o.topt, o.version, out, &st, &err) < 0)
		return cli_fail("convert: %s", err.msg);
	fprintf(stderr, "convert: %s (%s) -> %s: %" PRIu64 " records", strcmp(in, "-") == 0 ? "<stdin>" : in,
		st.format, strcmp(out, "-") == 0 ? "<stdout>" : out, st.records);
	if (st.events > 0)
		fprintf(stderr, " (%" PRIu64 " events)", st.events);
	fprintf(stderr, ", %" PRIu64 " bytes\n", st.bytes);
	if (st.skipped > 0)
		fprintf(stderr, "pagesim: warning: skipped %" PRIu64 " malformed %s%s; the first: %s\n", st.skipped,
			strcmp(st.format, "binary") == 0 ? "record" : "line", ps_plural(st.skipped), st.first_skip);
	return EXIT_OK;
}
