/*
 * results.h - reading a results.csv (the rows of `pagesim run --output csv`)
 * back into memory, grouped and averaged for plotting and comparison, and
 * its faults table (results_print_faults, the summary of `pagesim sweep`).
 *
 * The file is RFC 4180 CSV: a header line naming the columns, then one
 * record per run. Fields may be quoted ("a, \"b\"" holds a comma, a quote,
 * even a line break); records end in LF or CRLF. Columns are found by name,
 * so their order does not matter and unknown (later, appended) columns are
 * ignored. The first 21 columns of pagesim run (up to skipped_lines) must
 * be present; the later ones (the VM model's counters and the cost
 * estimates) may be absent, as in files written before they existed, and
 * then read as "not measured". A line equal to
 * the header again (two CSV outputs concatenated with cat) is skipped, and
 * so are blank lines.
 *
 * An empty numeric field means "not measured" (pagesim mrc leaves the
 * counters it cannot know empty): it reads as NaN, and a cell with any
 * such row has NaN for that metric.
 *
 * Rows are grouped into cells by (trace, page_size, policy, frames); rows of
 * one cell differ only in their seed (or are repeats). For every numeric
 * column a cell keeps the mean, the minimum and the maximum over its rows.
 * A (trace, page_size) pair is one "series set": the plots draw one graph
 * per set, so a trace measured at two page sizes gets two graphs.
 *
 * Errors name the file and the line where the offending record starts:
 * "dir/results.csv:12: field 'faults': expected a whole number, got \"x\"".
 */
#ifndef PAGESIM_RESULTS_H
#define PAGESIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

/* The numeric columns after trace, policy, frames, page_size and seed, in
 * the order pagesim run writes them (report.h). */
enum results_metric {
	RM_REFS,
	RM_READS,
	RM_WRITES,
	RM_FETCHES,
	RM_DISTINCT_PAGES,
	RM_FAULTS,
	RM_FAULT_RATE,
	RM_EVICTIONS,
	RM_DIRTY_EVICTIONS,
	RM_SWAP_WRITES,
	RM_SWAP_READS,
	RM_HITS,
	RM_CLEAN_EVICTIONS,
	RM_ZERO_FILLS,
	RM_FAULTS_PER_1000,
	RM_SKIPPED_LINES,
	/* Optional: absent in results written before the VM model. */
	RM_FILE_READS,
	RM_MINOR_FAULTS,
	RM_COW_COPIES,
	RM_COW_REUSES,
	RM_STACK_GROWTHS,
	RM_SEGFAULTS,
	RM_IGNORED_REFS,
	RM_FILE_WRITEBACKS,
	RM_FILE_WRITES,
	RM_TLB_HITS,
	RM_TLB_MISSES,
	RM_TLB_SHOOTDOWNS,
	RM_PT_FRAMES,
	RM_RESIDENT,
	RM_PROCESSES,
	RM_EST_TIME_MS,
	RM_EAT_NS,
	RM_MEAN_RESIDENT,
	RM_SPACE_TIME,
	RM_COUNT
};

/* The CSV column name of metric m ("dirty_evictions"). */
const char *results_metric_name(enum results_metric m);

struct results_stat {
	double mean, min, max;
};

/* One (trace, page_size, policy, frames) cell: runs rows averaged. */
struct results_cell {
	size_t policy;       /* index into results.policies */
	uint32_t frames;
	unsigned runs;       /* rows folded into this cell (one per seed) */
	struct results_stat m[RM_COUNT];
};

/* Every cell of one trace at one page size, sorted by policy (in the order
 * of results.policies) and then by frames. */
struct results_trace {
	char *name;          /* the trace field, as written in the CSV */
	uint64_t page_size;
	unsigned long line;  /* line of its first row */
	struct results_cell *cells;
	size_t ncells;
};

struct results {
	char **policies;     /* every policy name, in order of first appearance */
	size_t npolicies;
	struct results_trace *traces; /* in order of first appearance */
	size_t ntraces;
	size_t rows;         /* data rows read */
};

/* Read the CSV at path into *out (which the caller frees with
 * results_free). Returns 0, or -1 with err set to "path:line: problem" (or
 * "path: problem" when the file cannot be read). */
int results_load(const char *path, struct results *out, struct ps_error *err);

/* One data row of a results file as read: its key, and its numeric
 * columns (NaN where empty: not measured). The strings last only for
 * the call it is given to. */
struct results_row {
	const char *trace, *policy;
	uint32_t frames;
	uint64_t page_size, seed;
	double v[RM_COUNT];
	unsigned long line;   /* where its record starts */
};

/* Called with each data row in file order; returns 0, or -1 with err set
 * to stop the reading with that error. */
typedef int results_row_fn(void *ctx, const struct results_row *row, struct ps_error *err);

/* results_load, also handing each data row to on_row(ctx, row, err) (the
 * cells keep only means, minimums and maximums). */
int results_load_rows(const char *path, struct results *out, results_row_fn *on_row, void *ctx,
		      struct ps_error *err);

/* As results_load, reading from an open stream; name is used in messages. */
int results_read(FILE *in, const char *name, struct results *out, struct ps_error *err);

/* Release everything results_load allocated; *r becomes empty. */
void results_free(struct results *r);

/* The cell of trace t for policy index p at frames, or NULL. */
const struct results_cell *results_find(const struct results_trace *t, size_t policy, uint32_t frames);

/* Does trace t have any cell for policy index p? */
int results_has_policy(const struct results_trace *t, size_t policy);

/* The index of the policy called name, or (size_t)-1. */
size_t results_policy_index(const struct results *r, const char *name);

/* Print r's faults to out, one table per trace: a row per policy, a column
 * per memory size (frames, the first 256, in order of appearance), the
 * mean over seeds where a cell has several runs. */
void results_print_faults(FILE *out, const struct results *r);

#endif
