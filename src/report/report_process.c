/*
 * report_process.c - the per-process report (report_process.h).
 */
#include "config.h"

#include <inttypes.h>

#include "report/report_process.h"

/* The counters of a process row, in the CSV order after its pid. */
#define PROCESS_COUNTERS 12
static const char *const process_names[PROCESS_COUNTERS] = {
	"faults", "zero_fills", "file_reads", "swap_reads", "minor_faults", "cow_copies",
	"cow_reuses", "stack_growths", "segfaults", "evictions", "dirty_evictions", "file_writebacks",
};

/* Add up the segment rows of pid among segs[0..n) into c. */
static void process_counts(uint32_t pid, const struct sim_segment_stats *segs, size_t n, uint64_t c[PROCESS_COUNTERS])
{
	for (size_t k = 0; k < PROCESS_COUNTERS; k++)
		c[k] = 0;
	for (size_t j = 0; j < n; j++) {
		const struct sim_segment_stats *g = &segs[j];

		if (g->pid != pid)
			continue;
		c[0] += g->faults, c[1] += g->zero_fills, c[2] += g->file_reads, c[3] += g->swap_reads;
		c[4] += g->minor_faults, c[5] += g->cow_copies, c[6] += g->cow_reuses, c[7] += g->stack_growths;
		c[8] += g->segfaults, c[9] += g->evictions, c[10] += g->dirty_evictions, c[11] += g->file_writebacks;
	}
}

/* One process row p (counts c) of run r in style. first: the first JSON
 * object. */
static void process_row(FILE *out, enum report_style style, const struct run_result *r,
			const struct sim_process_rss *p, const uint64_t c[PROCESS_COUNTERS], bool first)
{
	if (style == REPORT_TEXT) {
		fprintf(out, "%6" PRIu32, p->pid);
		for (size_t k = 0; k < PROCESS_COUNTERS; k++)
			if (k != 7 && k != 10) /* stack growths, dirty evictions: CSV only */
				fprintf(out, " %8" PRIu64, c[k]);
		fprintf(out, " %13.3f %10" PRIu64 "\n", p->mean_resident, p->lifetime);
	} else if (style == REPORT_CSV) {
		report_csv_field(out, r->trace);
		fputc(',', out);
		report_csv_field(out, r->policy);
		fprintf(out, ",%" PRIu32 ",%" PRIu32, r->frames, p->pid);
		for (size_t k = 0; k < PROCESS_COUNTERS; k++)
			fprintf(out, ",%" PRIu64, c[k]);
		fprintf(out, ",%.3f,%" PRIu64 "\n", p->mean_resident, p->lifetime);
	} else {
		fputs(first ? "\n    {\"trace\": " : ",\n    {\"trace\": ", out);
		report_json_string(out, r->trace);
		fputs(", \"policy\": ", out);
		report_json_string(out, r->policy);
		fprintf(out, ", \"frames\": %" PRIu32 ", \"pid\": %" PRIu32, r->frames, p->pid);
		for (size_t k = 0; k < PROCESS_COUNTERS; k++)
			fprintf(out, ", \"%s\": %" PRIu64, process_names[k], c[k]);
		fprintf(out, ", \"mean_resident\": %.3f, \"lifetime\": %" PRIu64 "}", p->mean_resident, p->lifetime);
	}
}

void report_processes(FILE *out, enum report_style style, const struct run_result *rows,
		      const struct sim_segment_stats *const *segs, const size_t *nsegs,
		      const struct sim_process_rss *const *procs, const size_t *nprocs, size_t n)
{
	uint64_t c[PROCESS_COUNTERS];
	bool first = true;

	if (style == REPORT_CSV) {
		fputs("trace,policy,frames,pid", out);
		for (size_t k = 0; k < PROCESS_COUNTERS; k++)
			fprintf(out, ",%s", process_names[k]);
		fputs(",mean_resident,lifetime\n", out);
	} else if (style == REPORT_JSON) {
		fprintf(out, "{\n  \"pagesim\": \"%s\",\n  \"processes\": [", PACKAGE_VERSION);
	}
	for (size_t i = 0; i < n; i++) {
		if (style == REPORT_TEXT)
			fprintf(out, "\n%s, %" PRIu32 " frames, by process:\n%6s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %13s %10s\n",
				rows[i].policy, rows[i].frames, "pid", "faults", "zero", "file rd", "swap rd", "minor",
				"cow cp", "cow re", "segv", "evicted", "to file", "mean resident", "lifetime");
		for (size_t j = 0; j < nprocs[i]; j++) {
			process_counts(procs[i][j].pid, segs[i], nsegs[i], c);
			process_row(out, style, &rows[i], &procs[i][j], c, first);
			first = false;
		}
	}
	if (style == REPORT_JSON)
		fputs("\n  ]\n}\n", out);
}
