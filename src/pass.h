/*
 * pass.h - one pass over a whole trace, in batches.
 */
#ifndef PAGESIM_PASS_H
#define PAGESIM_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "trace.h"

/* Records decoded per batch: 64 KiB of records, which stays in L2. */
#define PASS_BATCH 4096

/* Receives each batch of records in trace order; returns 0 or -1 with err
 * set to stop the pass. */
typedef int pass_consumer(void *ctx, const struct trace_rec *recs, size_t n, struct ps_error *err);

/* What a finished pass saw. */
struct pass_info {
	enum trace_format format;
	uint64_t records;
	uint64_t skipped;      /* malformed lines skipped (skip_bad) */
	char first_skip[PS_ERROR_MAX];
};

/* Decode the trace at path with opt and hand every batch to consume.
 * Fills *info. Returns 0, or -1 with err set by the reader or consumer. */
int pass_run(const char *path, const struct trace_options *opt, pass_consumer *consume, void *ctx,
	     struct pass_info *info, struct ps_error *err);

#endif
