/*
 * report.h - printing the results of runs as a text table, CSV or JSON.
 *
 * CSV columns, in this order (later versions only ever append):
 *   trace, policy, frames, page_size, seed, refs, reads, writes, fetches,
 *   distinct_pages, faults, fault_rate, evictions, dirty_evictions,
 *   swap_writes, swap_reads, hits, clean_evictions, zero_fills,
 *   faults_per_1000, skipped_lines
 * fault_rate = faults / refs (0 for an empty trace), printed with 6
 * decimals; faults_per_1000 = 1000 * fault_rate with 3 decimals.
 */
#ifndef PAGESIM_REPORT_H
#define PAGESIM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "sim.h"

struct run_result {
	const char *trace;   /* path as the user gave it */
	const char *format;  /* trace format name */
	const char *policy;
	uint32_t frames;
	uint64_t page_size;
	uint64_t seed;
	uint64_t skipped;    /* malformed lines skipped (--skip-bad) */
	struct sim_stats stats;
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

#endif
