/*
 * cmd_misc.c - the small subcommands: `pagesim policies` and
 * `pagesim decode`.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "trace/pass.h"
#include "policies/plugin.h"
#include "policies/registry.h"
#include "trace/trace_event.h"

static const struct opt_spec policies_options[] = {
	CLI_PLUGIN_SPEC,
	{ 0 },
};

static const struct opt_group policies_groups[] = {
	{ policies_options, 0, NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command policies_command = {
	.name = "policies",
	.synopsis = "usage: pagesim policies [--plugin FILE]...\n"
		    "List the replacement policies, one per line, each followed by its\n"
		    "parameters (set them as --policy NAME:KEY=VALUE) with their defaults:\n"
		    "the built-in ones, then those of each plug-in (shared object) loaded\n"
		    "with --plugin FILE, which is repeatable.\n\n",
	.groups = policies_groups,
};

/* pagesim policies [--plugin FILE]...: list every policy with its
 * parameters. Returns an exit code. */
int cmd_policies(int argc, char **argv)
{
	const struct policy *p;
	int first, rc = cli_parse_options(&policies_command, argc, argv, NULL, &first);

	if (rc >= 0)
		return rc;
	if (first < argc)
		return cli_fail("policies: unexpected argument \"%s\"", argv[first]);
	for (size_t i = 0; (p = policy_at(i)) != NULL; i++) {
		printf("%-14s %s\n", p->name, p->summary);
		for (size_t k = 0; p->params != NULL && p->params[k].name != NULL; k++)
			printf("%-14s   :%s=%g  %s (%g..%g%s)\n", "", p->params[k].name, p->params[k].def,
			       p->params[k].help, p->params[k].min, p->params[k].max,
			       p->params[k].integer ? ", whole" : "");
	}
	return EXIT_OK;
}

/* What the decode-only pass counts. */
struct decode_counts {
	uint64_t by_op[OP_EVENT + 1]; /* OP_EVENT: all events */
	uint64_t by_kind[EV_LAST + 1]; /* events by enum trace_event_kind */
	uint64_t bytes;
};

/* pass_consumer: count records by operation, and events by kind. One
 * 64-bit word holds four 16-bit counters, one an operation (0..3), each
 * record adding 1 << (16 x its op): no branch and no chain through
 * memory (11 instructions a record against 16 for counters compared and
 * added). It is emptied every 65,535 records, before a counter can
 * overflow. Events, rare, are counted by kind in a second loop. */
static int decode_count(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct decode_counts *c = ctx;
	uint64_t events = 0;

	for (size_t from = 0; from < b->n; from += UINT16_MAX) {
		const size_t to = b->n - from < UINT16_MAX ? b->n : from + UINT16_MAX;
		uint64_t by_op = 0, bytes = 0;

		for (size_t i = from; i < to; i++) {
			by_op += UINT64_C(1) << (16 * (b->recs[i].op & 3));
			bytes += b->recs[i].size;
		}
		for (unsigned op = OP_READ; op <= OP_EVENT; op++)
			c->by_op[op] += by_op >> (16 * op) & UINT16_MAX;
		events += by_op >> (16 * OP_EVENT) & UINT16_MAX;
		c->bytes += bytes;
	}
	for (size_t i = 0; events > 0 && i < b->n; i++)
		if (b->recs[i].op == OP_EVENT) {
			events--;
			if (b->recs[i].flags <= EV_LAST)
				c->by_kind[b->recs[i].flags]++;
		}
	return 0;
}

static const struct opt_group decode_groups[] = {
	{ cli_trace_options, 0, NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command decode_command = {
	.name = "decode",
	.synopsis = "usage: pagesim decode TRACE [options]\n"
		    "Decode TRACE and count its records, without simulating: the\n"
		    "decode-only baseline of `make bench`, and a quick format check.\n"
		    "VM events (segment, mmap, munmap, mprotect, brk, fork, exit) are counted by\n"
		    "kind on a second line when the trace has any.\n\n",
	.groups = decode_groups,
};

/* pagesim decode TRACE [options]: count TRACE's records by operation and
 * its events by kind, without simulating. Returns an exit code. */
int cmd_decode(int argc, char **argv)
{
	struct trace_options topt = CLI_TRACE_DEFAULTS;
	struct decode_counts counts = { { 0 }, { 0 }, 0 };
	struct pass_info info;
	struct ps_error err;
	int first, rc = cli_parse_options(&decode_command, argc, argv, &topt, &first);

	if (rc >= 0)
		return rc;
	if (first != argc - 1)
		return cli_fail("decode: expected exactly one trace");
	if (pass_run(&(struct trace_spec){ .path = argv[first] }, &topt, decode_count, &counts, &info, &err) < 0)
		return cli_fail("%s", err.msg);
	printf("trace %s (%s): %" PRIu64 " records (%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64
	       " fetches", argv[first], info.format, info.records, counts.by_op[OP_READ],
	       counts.by_op[OP_WRITE], counts.by_op[OP_FETCH]);
	if (counts.by_op[OP_EVENT] > 0)
		printf(", %" PRIu64 " events", counts.by_op[OP_EVENT]);
	printf("), %" PRIu64 " bytes accessed\n", counts.bytes);
	if (counts.by_op[OP_EVENT] > 0) {
		const char *sep = "events:";

		for (unsigned k = EV_SEGMENT; k <= EV_LAST; k++, sep = ",")
			printf("%s %" PRIu64 " %s", sep, counts.by_kind[k], trace_event_kind_name(k));
		putchar('\n');
	}
	if (info.skipped)
		printf("%" PRIu64 " malformed line%s skipped; the first: %s\n", info.skipped, ps_plural(info.skipped),
		       info.first_skip);
	return EXIT_OK;
}
