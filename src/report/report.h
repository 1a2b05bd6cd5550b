/*
 * report.h - printing the results of runs as a text table, CSV or JSON.
 *
 * CSV columns, in this order (later versions only ever append):
 *   trace, policy, frames, page_size, seed, refs, reads, writes, fetches,
 *   distinct_pages, faults, fault_rate, evictions, dirty_evictions,
 *   swap_writes, swap_reads, hits, clean_evictions, zero_fills,
 *   faults_per_1000, skipped_lines,
 * then the VM model's counters (sim.h gives their exact meaning):
 *   file_reads, minor_faults, cow_copies, cow_reuses, stack_growths,
 *   segfaults, ignored_refs, file_writebacks, file_writes, tlb_hits,
 *   tlb_misses, tlb_shootdowns, pt_frames, resident, processes,
 * and the cost model's estimates (cost.h):
 *   est_time_ms, eat_ns
 * fault_rate = faults / refs (0 for an empty trace), printed with 6
 * decimals; faults_per_1000 = 1000 * fault_rate with 3 decimals;
 * clean_evictions = evictions - dirty_evictions; est_time_ms (the
 * estimated time in milliseconds) with 6 decimals and eat_ns (the
 * effective access time in nanoseconds) with 3. JSON has the same fields, plus "format"
 * after "trace". One table in report.c lists the columns for both.
 */
#ifndef PAGESIM_REPORT_H
#define PAGESIM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "machine/cost.h"
#include "machine/sim.h"

struct run_result {
	const char *trace;   /* path as the user gave it */
	const char *format;  /* trace format name */
	const char *policy;
	uint32_t frames;
	uint64_t page_size;
	uint64_t seed;
	uint64_t skipped;    /* malformed lines skipped (--skip-bad) */
	struct sim_stats stats;
	const struct cost_model *cost; /* NULL: the default device's */
};

enum report_style { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

/* Parse "text", "csv" or "json"; false if none. */
bool report_style_parse(const char *name, enum report_style *out);

/* Print s as a JSON string literal (quotes, backslashes and control
 * characters escaped). */
void report_json_string(FILE *out, const char *s);

/* Print s as one CSV field, quoted (RFC 4180) when it holds a comma, a
 * quote or a line break. */
void report_csv_field(FILE *out, const char *s);

/* The CSV header line, and one result as a CSV line. */
void report_csv_header(FILE *out);
void report_csv_row(FILE *out, const struct run_result *r);

/* Print n results of one trace in style to out. */
void report_print(FILE *out, enum report_style style, const struct run_result *rows, size_t n);

/* The per-segment breakdown of n runs (--by-segment): segs[i] holds
 * nsegs[i] entries for rows[i]. Text: a table per run; CSV: one row per
 * run, process and segment (this replaces the run CSV), columns trace,
 * policy, frames, pid, segment, faults, zero_fills, file_reads,
 * swap_reads, minor_faults, cow_copies, cow_reuses, stack_growths,
 * segfaults, evictions, dirty_evictions, file_writebacks; JSON: the same
 * rows as objects under "segments". */
void report_segments(FILE *out, enum report_style style, const struct run_result *rows,
		     const struct sim_segment_stats *const *segs, const size_t *nsegs, size_t n);

/* Print the segmentation faults of one trace to out, one line each:
 * "pagesim: WHERE: segmentation fault: process P write at 0xADDR (WHY);
 * process killed", then "pagesim: TRACE: ... and N more segmentation
 * faults" when total is more than the n kept. */
void report_segfaults(FILE *out, const char *trace, const struct sim_segfault *kept, size_t n,
		      uint64_t total);

#endif
