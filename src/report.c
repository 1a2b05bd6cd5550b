/* report.c - results as a text table, CSV (RFC 4180) or JSON. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "report.h"

bool report_style_parse(const char *name, enum report_style *out)
{
	static const char *const names[] = { [REPORT_TEXT] = "text", [REPORT_CSV] = "csv",
					     [REPORT_JSON] = "json" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum report_style)i;
			return true;
		}
	}
	return false;
}

/* faults / refs, 0 for an empty trace. */
static double report_fault_rate(const struct sim_stats *st)
{
	return st->refs ? (double)st->faults / (double)st->refs : 0.0;
}

void report_csv_field(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

void report_csv_header(FILE *out)
{
	fputs("trace,policy,frames,page_size,seed,refs,reads,writes,fetches,distinct_pages,"
	      "faults,fault_rate,evictions,dirty_evictions,swap_writes,swap_reads,hits,"
	      "clean_evictions,zero_fills,faults_per_1000,skipped_lines\n", out);
}

void report_csv_row(FILE *out, const struct run_result *r)
{
	const struct sim_stats *st = &r->stats;

	report_csv_field(out, r->trace);
	fputc(',', out);
	report_csv_field(out, r->policy);
	fprintf(out, ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.3f,%" PRIu64 "\n",
		r->frames, r->page_size, r->seed, st->refs, st->reads, st->writes, st->fetches,
		st->distinct_pages, st->faults, report_fault_rate(st), st->evictions,
		st->dirty_evictions, st->swap_writes, st->swap_reads, st->hits,
		st->evictions - st->dirty_evictions, st->zero_fills,
		1000.0 * report_fault_rate(st), r->skipped);
}

static void report_json(FILE *out, const struct run_result *rows, size_t n)
{
	fprintf(out, "{\n  \"pagesim\": \"%s\",\n  \"runs\": [", PACKAGE_VERSION);
	for (size_t i = 0; i < n; i++) {
		const struct run_result *r = &rows[i];
		const struct sim_stats *st = &r->stats;

		fputs(i ? ",\n    {" : "\n    {", out);
		fputs("\"trace\": ", out);
		report_json_string(out, r->trace);
		fputs(", \"format\": ", out);
		report_json_string(out, r->format);
		fputs(", \"policy\": ", out);
		report_json_string(out, r->policy);
		fprintf(out, ", \"frames\": %" PRIu32 ", \"page_size\": %" PRIu64 ", \"seed\": %" PRIu64
			", \"refs\": %" PRIu64 ", \"reads\": %" PRIu64 ", \"writes\": %" PRIu64
			", \"fetches\": %" PRIu64 ", \"distinct_pages\": %" PRIu64 ", \"faults\": %" PRIu64
			", \"fault_rate\": %.6f, \"faults_per_1000\": %.3f, \"hits\": %" PRIu64
			", \"evictions\": %" PRIu64 ", \"clean_evictions\": %" PRIu64
			", \"dirty_evictions\": %" PRIu64 ", \"swap_writes\": %" PRIu64
			", \"swap_reads\": %" PRIu64 ", \"zero_fills\": %" PRIu64
			", \"skipped_lines\": %" PRIu64 "}",
			r->frames, r->page_size, r->seed, st->refs, st->reads, st->writes, st->fetches,
			st->distinct_pages, st->faults, report_fault_rate(st), 1000.0 * report_fault_rate(st),
			st->hits, st->evictions, st->evictions - st->dirty_evictions, st->dirty_evictions,
			st->swap_writes, st->swap_reads, st->zero_fills, r->skipped);
	}
	fputs("\n  ]\n}\n", out);
}

/* The text table: a header naming the trace, then one row per run. */
static void report_text(FILE *out, const struct run_result *rows, size_t n)
{
	const struct sim_stats *st0 = &rows[0].stats;

	fprintf(out, "trace %s (%s), %" PRIu64 "-byte pages, seed %" PRIu64 "\n", rows[0].trace,
		rows[0].format, rows[0].page_size, rows[0].seed);
	fprintf(out, "%" PRIu64 " references (%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64
		" fetches), %" PRIu64 " distinct pages\n",
		st0->refs, st0->reads, st0->writes, st0->fetches, st0->distinct_pages);
	if (rows[0].skipped)
		fprintf(out, "%" PRIu64 " malformed lines skipped\n", rows[0].skipped);
	fprintf(out, "\n%-14s %8s %12s %10s %9s %12s %10s %10s %10s\n", "policy", "frames", "faults",
		"fault rate", "per 1000", "evictions", "dirty", "swap out", "swap in");
	for (size_t i = 0; i < n; i++) {
		const struct sim_stats *st = &rows[i].stats;

		fprintf(out, "%-14s %8" PRIu32 " %12" PRIu64 " %10.6f %9.3f %12" PRIu64 " %10" PRIu64
			" %10" PRIu64 " %10" PRIu64 "\n",
			rows[i].policy, rows[i].frames, st->faults, report_fault_rate(st),
			1000.0 * report_fault_rate(st), st->evictions, st->dirty_evictions,
			st->swap_writes, st->swap_reads);
	}
}

void report_print(FILE *out, enum report_style style, const struct run_result *rows, size_t n)
{
	if (n == 0)
		return;
	switch (style) {
	case REPORT_CSV:
		report_csv_header(out);
		for (size_t i = 0; i < n; i++)
			report_csv_row(out, &rows[i]);
		break;
	case REPORT_JSON: report_json(out, rows, n); break;
	default: report_text(out, rows, n); break;
	}
}
