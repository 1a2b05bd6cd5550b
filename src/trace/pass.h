/*
 * pass.h - one pass over a whole trace, in batches: a trace file, or a
 * synthetic workload generated on the fly (gen.h), so experiments need no
 * files.
 */
#ifndef PAGESIM_PASS_H
#define PAGESIM_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"
#include "trace/gen.h"
#include "trace/trace.h"
#include "trace/trace_event.h"

/* Records decoded per batch: 64 KiB of records, which stays in L2. */
#define PASS_BATCH 4096

/* A multiprogrammed workload: traces merged round-robin (merge.h). */
struct workload {
	const char *const *paths; /* the traces, files (not standard input) */
	size_t n;                 /* >= 1 */
	uint64_t quantum;         /* access records per turn, >= 1 */
};

/* What a pass reads: exactly one of path, gen and workload is set. A
 * generated reference becomes a 4-byte access of process 1 at
 * gen_addr(); the generator's page size is the trace options' page size. */
struct trace_spec {
	const char *path;                 /* a trace file, or "-" for standard input */
	const struct gen_params *gen;     /* a workload to generate */
	const struct workload *workload;  /* traces to merge (merge.h) */
};

/* Receives each batch in trace order; returns 0 or -1 with err set to
 * stop the pass. From a trace file, a batch has the line (binary: record
 * number) of each record, and its events are in b->events: the table of
 * trace_options.events when the caller gave one, else the reader's own,
 * which lives only until pass_run returns -- a consumer that keeps
 * records (or events) past that must give pass_run a table of its own.
 * From a generated workload, lines and events are NULL: it has no events. */
typedef int pass_consumer(void *ctx, const struct trace_batch *b, struct ps_error *err);

/* What a finished pass saw. */
struct pass_info {
	const char *format;    /* trace format name, or "generated" */
	uint64_t records;      /* events included: each is one record */
	uint64_t skipped;      /* malformed lines skipped (skip_bad) */
	char first_skip[PS_ERROR_MAX];
	/* A workload's traces that held no records (skipped ones aside), and
	 * the first of them (its path, the workload's) and whether lines of
	 * it were skipped; 0, NULL and false otherwise. */
	uint64_t empty_traces;
	const char *first_empty;
	bool first_empty_skipped;
};

/* Decode (or generate) the trace of spec with opt and hand every batch to
 * consume. Fills *info. Returns 0, or -1 with err set by the reader,
 * the generator or the consumer. */
int pass_run(const struct trace_spec *spec, const struct trace_options *opt, pass_consumer *consume,
	     void *ctx, struct pass_info *info, struct ps_error *err);

/* Write to f the warnings a finished pass calls for, each a line
 * "pagesim: warning: ..." after lead ("" or "\n" below a progress line):
 * malformed lines it skipped (skip_bad), how many and the first; a trace
 * without records, as name calls it ("-": standard input; NULL: not said,
 * as for a workload of the command line); a workload's traces without
 * records, how many and the first. label, when not NULL, goes before the
 * skipped lines' and the workload's warnings ("LABEL: "): a sweep's trace.
 * One text for every command and the sweep's runner. */
void pass_warn(const struct pass_info *info, const char *name, const char *label, const char *lead, FILE *f);

#endif
