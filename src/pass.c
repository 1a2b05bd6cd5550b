#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pass.h"

int pass_run(const char *path, const struct trace_options *opt, pass_consumer *consume, void *ctx,
	     struct pass_info *info, struct ps_error *err)
{
	static __thread struct trace_rec batch[PASS_BATCH];
	struct trace_reader *r = trace_open(path, opt, err);
	ssize_t n = 0;

	memset(info, 0, sizeof *info);
	if (r == NULL)
		return -1;
	info->format = trace_format_of(r);
	while ((n = trace_read(r, batch, PASS_BATCH, err)) > 0) {
		info->records += (uint64_t)n;
		if (consume(ctx, batch, (size_t)n, err) < 0) {
			n = -1;
			break;
		}
	}
	info->skipped = trace_skipped(r);
	snprintf(info->first_skip, sizeof info->first_skip, "%s", trace_first_skip(r));
	trace_close(r);
	return n < 0 ? -1 : 0;
}
