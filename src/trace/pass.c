/*
 * pass.c - one pass over a trace file or a generated workload, in batches
 * handed to a consumer (pass.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trace/interleave.h"
#include "trace/pass.h"

/* The batch buffers: one per thread, so passes may run in parallel. */
static __thread struct trace_rec pass_batch[PASS_BATCH];
static __thread uint64_t pass_lines[PASS_BATCH];

/* pass_run for a trace file. */
static int pass_file(const char *path, const struct trace_options *opt, pass_consumer *consume, void *ctx,
		     struct pass_info *info, struct ps_error *err)
{
	struct trace_reader *r = trace_open(path, opt, err);
	ssize_t n = 0;
	uint64_t line0;

	if (r == NULL)
		return -1;
	info->format = trace_format_name(trace_format_of(r));
	while ((n = trace_read_lines(r, pass_batch, pass_lines, PASS_BATCH, &line0, err)) > 0) {
		struct trace_batch b = {
			.recs = pass_batch, .lines = line0 != 0 ? NULL : pass_lines, .line0 = line0,
			.events = trace_events_of(r), .n = (size_t)n,
		};

		b.repeats = trace_repeats_of(r, &b.repeats_shift);

		info->records += (uint64_t)n;
		if (consume(ctx, &b, err) < 0) {
			n = -1;
			break;
		}
	}
	info->skipped = trace_skipped(r);
	snprintf(info->first_skip, sizeof info->first_skip, "%s", trace_first_skip(r));
	trace_close(r);
	return n < 0 ? -1 : 0;
}

/* pass_run for a generated workload. */
static int pass_generate(const struct gen_params *params, const struct trace_options *opt,
			 pass_consumer *consume, void *ctx, struct pass_info *info, struct ps_error *err)
{
	struct gen_params p = *params;
	struct gen *g;
	uint64_t page;
	bool write;
	size_t n = 0;
	int rc = 0;

	p.page_shift = opt->page_shift;
	g = gen_create(&p, err);
	if (g == NULL)
		return -1;
	info->format = "generated";
	while (rc == 0 && gen_next(g, &page, &write)) {
		pass_batch[n++] = (struct trace_rec){
			.addr = gen_addr(g, page), .pid = 1, .size = 4, .op = write ? OP_WRITE : OP_READ,
		};
		if (n == PASS_BATCH) {
			info->records += n;
			rc = consume(ctx, &(struct trace_batch){ .recs = pass_batch, .n = n }, err);
			n = 0;
		}
	}
	if (rc == 0 && n > 0) {
		info->records += n;
		rc = consume(ctx, &(struct trace_batch){ .recs = pass_batch, .n = n }, err);
	}
	gen_free(g);
	return rc;
}

int pass_run(const struct trace_spec *spec, const struct trace_options *opt, pass_consumer *consume,
	     void *ctx, struct pass_info *info, struct ps_error *err)
{
	memset(info, 0, sizeof *info);
	if (spec->gen != NULL)
		return pass_generate(spec->gen, opt, consume, ctx, info, err);
	if (spec->workload != NULL)
		return interleave_run(spec->workload, opt, consume, ctx, info, err);
	return pass_file(spec->path, opt, consume, ctx, info, err);
}

void pass_warn(const struct pass_info *info, const char *name, const char *label, const char *lead, FILE *f)
{
	const char *sep = label != NULL ? ": " : "";
	const char *but = info->skipped > 0 ? " but the skipped ones" : "";

	if (label == NULL)
		label = "";
	if (info->skipped > 0)
		fprintf(f, "%spagesim: warning: %s%sskipped %" PRIu64 " malformed line%s; the first: %s\n", lead, label,
			sep, info->skipped, ps_plural(info->skipped), info->first_skip);
	if (info->records == 0 && name != NULL)
		fprintf(f, "%spagesim: warning: %s holds no records%s\n", lead, strcmp(name, "-") == 0 ? "<stdin>" : name,
			but);
	if (info->empty_traces == 1)
		fprintf(f, "%spagesim: warning: %s%sthe workload's trace %s holds no records%s\n", lead, label, sep,
			info->first_empty, info->first_empty_skipped ? " but the skipped ones" : "");
	else if (info->empty_traces > 1)
		fprintf(f, "%spagesim: warning: %s%s%" PRIu64 " of the workload's traces hold no records; the first: %s\n",
			lead, label, sep, info->empty_traces, info->first_empty);
}
