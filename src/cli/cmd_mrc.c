/*
 * cmd_mrc.c - `pagesim mrc`: the miss-ratio curve of LRU or OPT, every
 * memory size from one pass over the trace (src/mrc.c has the algorithms).
 *
 * Output. Rows have exactly the columns of `pagesim run --output csv`
 * (report.h), so an mrc CSV is a results.csv that `pagesim plot` draws,
 * and its rows can be appended to a sweep's results.csv (without the
 * header line). For exact curves every field equals run's, byte for byte.
 * A sampled curve is labelled "lru:sample=R" in the policy column, so it
 * draws as its own line beside the exact one; its counts are estimates.
 * Exact OPT rows equal run's too, dirty write-backs included (opt.c's
 * order is a stack order; mrc.c). The rows are printed by
 * report.c itself (report_csv_row), so the columns cannot drift apart.
 *
 * The curves model anonymous memory only: a trace with VM events (native
 * segment, mmap, fork... lines) is refused at its first event, naming the
 * line, with a pointer to `pagesim run`.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "report/report.h"
#include "replay/future.h"
#include "replay/mrc.h"
#include "trace/pass.h"

#define MRC_MAX_FRAMES 4096

struct mrc_opts {
	const char *trace;
	struct trace_options topt;
	enum mrc_policy policy;
	uint32_t frames[MRC_MAX_FRAMES];
	size_t nframes;     /* 0: the default list */
	bool all_frames;    /* --frames all */
	double sample;      /* 0: exact */
	bool span_pages;
	bool csv;
};

#define MRC_STR(x) MRC_STR_(x)
#define MRC_STR_(x) #x

/* --frames LIST|all into the struct mrc_opts at field (all: nframes 0).
 * Returns 0, or -1 with err set (an empty item) or for the generic error. */
static int mrc_opt_frames(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	struct mrc_opts *o = field;

	o->all_frames = strcmp(arg, "all") == 0;
	if (o->all_frames)
		o->nframes = 0;
	return o->all_frames ? 0 : cli_frames_option("--frames", arg, o->frames, MRC_MAX_FRAMES, &o->nframes, err);
}

/* --policy lru|opt into the enum mrc_policy at field. Returns 0, or -1
 * with err set. */
static int mrc_opt_policy(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	static const char *const words[] = { "lru", "opt", NULL };
	static const enum mrc_policy values[] = { MRC_LRU, MRC_OPT };
	int i = opt_word_index(words, arg);

	if (i < 0)
		return ps_error_set(err, "--policy: mrc computes lru or opt curves, not \"%s\"", arg);
	*(enum mrc_policy *)field = values[i];
	return 0;
}

static const char *const mrc_output_words[] = { "text", "csv", NULL };

static const struct opt_spec mrc_options[] = {
	{ .name = "policy", .kind = OPT_CUSTOM, .arg = "lru|opt", OPT_AT(struct mrc_opts, policy),
	  .parse = mrc_opt_policy, .help = "the policy (default: lru)" },
	{ .name = "frames", .kind = OPT_CUSTOM, .arg = "LIST|all", .parse = mrc_opt_frames,
	  .expected = "all, or counts from 1 to 2^31 like 16,64, 8..4096 or 1..5:1 (at most " MRC_STR(MRC_MAX_FRAMES) " sizes)",
	  .help = "comma-separated frame counts; A..B doubles: A, 2A, 4A, ... <= B;\nA..B:S steps by S: A, A+S, A+2S, ... <= B (1..5:1 is 1 to 5);\n"
		  "all means every count from 1 to the distinct pages (default:\n"
		  "1, 2, 4, ... up to the first power of two >= distinct pages)" },
	{ .name = "sample", .kind = OPT_DOUBLE, .arg = "RATE", OPT_AT(struct mrc_opts, sample), .dmin = 0,
	  .dmin_open = true, .dmax = 1, .expected = "a rate above 0 and at most 1",
	  .help = "LRU only: estimate the curve from the pages whose hash falls\n"
		  "below RATE (0 < RATE <= 1; SHARDS fixed-rate sampling), in\n"
		  "about RATE times the memory and time; the policy column\n"
		  "then reads lru:sample=RATE" },
	CLI_SPAN_SPEC(struct mrc_opts, span_pages),
	{ .name = "output", .kind = OPT_CHOICE, .arg = "STYLE", OPT_AT(struct mrc_opts, csv),
	  .words = mrc_output_words,
	  .help = "text (default) or csv: the columns of 'pagesim run --output\n"
		  "csv', so 'pagesim plot' draws it" },
	{ 0 },
};

static const struct opt_group mrc_groups[] = {
	{ mrc_options, 0, NULL },
	{ cli_trace_options, offsetof(struct mrc_opts, topt), NULL },
	{ NULL, 0, NULL },
};

static const struct opt_command mrc_command = {
	.name = "mrc",
	.synopsis = "usage: pagesim mrc TRACE [options]\n"
		    "The miss-ratio curve of LRU or OPT: the faults (and the other counters of\n"
		    "'pagesim run') at every memory size, from one pass over TRACE (a file, or -\n"
		    "for standard input; gzip and zstd are read transparently). Exact: each row\n"
		    "equals 'pagesim run --policy P --frames N'.\n\n",
	.groups = mrc_groups,
	.epilogue = "\nLRU costs O(log n) per reference and memory per distinct page. OPT, for\n"
		    "the default sizes, all, or a largest size above 1024, also costs O(log n)\n"
		    "per reference, in one pass. For an explicit --frames list whose largest\n"
		    "size K is at most 1024 it walks the top K of its priority stack, O(K) per\n"
		    "reference, and, like 'run --policy opt', reads the trace twice and keeps 8\n"
		    "bytes per reference.\n"
		    "The curves model anonymous memory only: a trace with VM events (segment,\n"
		    "mmap, munmap, mprotect, brk, fork, exit) is refused; replay it with 'pagesim run'.\n",
};

/* After the options: --sample with lru only, exactly one trace among the
 * operands argv[first..], pages smaller than the address space. Returns
 * -1 to go on, or an exit code after printing the error. */
static int mrc_check_args(struct mrc_opts *o, int argc, char **argv, int first)
{
	if (o->policy == MRC_OPT && o->sample != 0)
		return cli_fail("--sample: sampling estimates lru curves only; opt needs every reference "
				"(drop --sample)");
	if (first != argc - 1) {
		cli_usage(stderr, &mrc_command);
		return cli_fail(first >= argc ? "mrc: no trace given" : "mrc: more than one trace given");
	}
	o->trace = argv[first];
	if (o->topt.page_shift >= o->topt.va_bits)
		return cli_fail("--page-size: pages must be smaller than the %u-bit address space", o->topt.va_bits);
	return -1;
}

/* Parse argv into o (mrc_command's tables, then mrc_check_args). Returns
 * -1 to go on, or an exit code to stop with. */
static int mrc_parse(int argc, char **argv, struct mrc_opts *o)
{
	int first, rc;

	*o = (struct mrc_opts){ .topt = CLI_TRACE_DEFAULTS, .policy = MRC_LRU, .span_pages = true };
	if ((rc = cli_parse_options(&mrc_command, argc, argv, o, &first)) >= 0)
		return rc;
	return mrc_check_args(o, argc, argv, first);
}

/* What a pass feeds: the look-ahead builder or the curve, and the
 * progress line with the records so far. */
struct mrc_pass {
	void *target;
	struct cli_progress progress;
	uint64_t records;
};

/* pass_consumer of OPT's look-ahead pass: an event fails it already, with
 * the message the curve would give. */
static int mrc_consume_future(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct mrc_pass *pass = ctx;

	if (mrc_refuse_events(b, err) < 0)
		return -1;
	cli_progress_update(&pass->progress, pass->records += b->n);
	return future_add(pass->target, b->recs, b->n, err);
}

static int mrc_consume(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct mrc_pass *pass = ctx;

	cli_progress_update(&pass->progress, pass->records += b->n);
	return mrc_feed_batch(pass->target, b, err);
}

/* One row in the columns of report.h (seed is 1, run's default, which
 * lru and opt ignore). */
static void mrc_csv_row(FILE *out, const char *trace, const char *format, const char *policy, uint32_t frames,
			uint64_t page_size, const struct sim_stats *st, uint64_t skipped)
{
	const struct run_result row = {
		.trace = trace, .format = format, .policy = policy, .frames = frames, .page_size = page_size,
		.seed = 1, .skipped = skipped, .stats = *st,
	};

	report_csv_row(out, &row);
}

/* One row of the text table, as `pagesim run` counts it. */
static void mrc_text_row(FILE *out, const char *policy, uint32_t frames, const struct sim_stats *st)
{
	double rate = st->refs ? (double)st->faults / (double)st->refs : 0.0;

	fprintf(out, "%-14s %8" PRIu32 " %12" PRIu64 " %10.6f %9.3f %12" PRIu64 " %10" PRIu64 " %10" PRIu64
		" %10" PRIu64 "\n", policy, frames, st->faults, rate, 1000.0 * rate, st->evictions,
		st->dirty_evictions, st->swap_writes, st->swap_reads);
}

/* The largest frame count of an explicit --frames list, the only sizes
 * printed; 0 (no limit) for the default list and all, which depend on
 * the trace's distinct pages. */
static uint32_t mrc_largest_frames(const struct mrc_opts *o)
{
	uint32_t largest = 0;

	for (size_t i = 0; i < o->nframes; i++)
		if (o->frames[i] > largest)
			largest = o->frames[i];
	return largest;
}

/* The curve o asks for, without its look-ahead. */
static struct mrc_config mrc_config_of(const struct mrc_opts *o)
{
	return (struct mrc_config){
		.policy = o->policy, .page_shift = o->topt.page_shift, .va_bits = o->topt.va_bits,
		.span_pages = o->span_pages, .sample_rate = o->sample, .max_frames = mrc_largest_frames(o),
	};
}

/* Does o's curve read the trace twice (a look-ahead pass first)? */
static bool mrc_two_passes(const struct mrc_opts *o)
{
	const struct mrc_config cfg = mrc_config_of(o);

	return mrc_looks_ahead(&cfg);
}

/* Print the curve of m for o. Returns an exit code. */
static int mrc_print(const struct mrc_opts *o, const struct mrc *m, const struct pass_info *info)
{
	const uint64_t page_size = 1ULL << o->topt.page_shift;
	uint64_t distinct = mrc_distinct(m), n = o->nframes;
	char policy[64];
	struct sim_stats st;

	if (o->sample != 0)
		snprintf(policy, sizeof policy, "lru:sample=%g", o->sample);
	else
		snprintf(policy, sizeof policy, "%s", o->policy == MRC_LRU ? "lru" : "opt");
	if (o->all_frames) {
		n = distinct > 0 ? (distinct < UINT32_MAX ? distinct : UINT32_MAX) : 1;
	} else if (n == 0) {
		for (n = 1; (1ULL << (n - 1)) < distinct && n < 32; n++)
			;
	}
	if (o->csv) {
		report_csv_header(stdout);
	} else {
		mrc_get(m, 1, &st);
		printf("trace %s (%s), %" PRIu64 "-byte pages\n", o->trace, info->format, page_size);
		printf("%" PRIu64 " references (%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64
		       " fetches), %" PRIu64 " distinct pages%s\n", st.refs, st.reads, st.writes, st.fetches,
		       distinct, o->sample != 0 ? " (estimated)" : "");
		if (info->skipped)
			printf("%" PRIu64 " malformed line%s skipped\n", info->skipped, ps_plural(info->skipped));
		if (o->sample != 0)
			printf("%s curve estimated from the pages sampled at rate %g (SHARDS): counts are estimates\n",
			       "lru", mrc_sample_rate(m));
		else
			printf("%s curve, exact, in %s\n", o->policy == MRC_LRU ? "lru" : "opt",
			       mrc_two_passes(o) ? "two passes (a look-ahead first)" : "one pass");
		printf("\n%-14s %8s %12s %10s %9s %12s %10s %10s %10s\n", "policy", "frames", "faults",
		       "fault rate", "per 1000", "evictions", "dirty", "swap out", "swap in");
	}
	for (uint64_t i = 0; i < n; i++) {
		uint32_t frames = o->all_frames ? (uint32_t)(i + 1)
				  : o->nframes ? o->frames[i] : (uint32_t)1 << i;

		mrc_get(m, frames, &st);
		if (o->csv)
			mrc_csv_row(stdout, o->trace, info->format, policy, frames, page_size, &st, info->skipped);
		else
			mrc_text_row(stdout, policy, frames, &st);
	}
	return EXIT_OK;
}

/* Compute and print the curve of path for o. Returns an exit code. */
static int mrc_run(const struct mrc_opts *o, const char *path)
{
	const struct trace_spec spec = { .path = path };
	struct mrc_config cfg = mrc_config_of(o);
	struct future fut = { NULL, 0 };
	struct pass_info info;
	struct ps_error err;
	struct mrc *m = NULL;
	struct mrc_pass pass = { NULL };
	int status = EXIT_OK, rc;

	if (mrc_looks_ahead(&cfg)) {
		struct future_builder *b = future_begin(o->topt.page_shift, o->span_pages);

		if (b == NULL)
			return cli_fail("out of memory for the look-ahead");
		pass.target = b;
		cli_progress_start(&pass.progress, "mrc: look-ahead pass");
		rc = pass_run(&spec, &o->topt, mrc_consume_future, &pass, &info, &err);
		cli_progress_end(&pass.progress);
		if (rc < 0) {
			future_abandon(b);
			return cli_fail("%s", err.msg);
		}
		future_finish(b, &fut);
		cfg.future = fut.next_use;
		cfg.future_len = fut.len;
	}
	m = mrc_create(&cfg, &err);
	pass = (struct mrc_pass){ .target = m };
	cli_progress_start(&pass.progress, "mrc");
	if (m == NULL)
		status = cli_fail("%s", err.msg);
	else if (pass_run(&spec, &o->topt, mrc_consume, &pass, &info, &err) < 0 || mrc_finish(m, &err) < 0)
		status = cli_fail("%s", err.msg);
	cli_progress_end(&pass.progress);
	if (status == EXIT_OK) {
		pass_warn(&info, path, NULL, "", stderr);
		status = mrc_print(o, m, &info);
	}
	mrc_destroy(m);
	future_free(&fut);
	return status;
}

int cmd_mrc(int argc, char **argv)
{
	struct mrc_opts *o = malloc(sizeof *o);
	char spool[4096];
	bool spooled = false;
	int status;

	if (o == NULL)
		return cli_fail("out of memory");
	status = mrc_parse(argc, argv, o);
	if (status >= 0)
		goto out;
	/* Two passes over standard input need it in a file. */
	if (strcmp(o->trace, "-") == 0 && mrc_two_passes(o)) {
		if ((status = cli_spool_stdin(spool, sizeof spool)) != EXIT_OK)
			goto out;
		spooled = true;
		o->topt.name = "<stdin>";
	}
	status = mrc_run(o, spooled ? spool : o->trace);
out:
	free(o);
	return status;
}
