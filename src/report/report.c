/*
 * report.c - results as a text table, CSV (RFC 4180) or JSON.
 *
 * CSV and JSON are written from one table of columns (name, kind and how
 * to get the value), so the two cannot drift apart and a new column is one
 * line. The text table is for people: the classic columns, then, only for
 * runs that used the VM model (or asked for a cost model), a few lines per
 * run with what the model adds.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "report/report.h"

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

/* ---- the columns ---- */

/* faults / refs, 0 for an empty trace. */
static double report_fault_rate(const struct sim_stats *st)
{
	return st->refs ? (double)st->faults / (double)st->refs : 0.0;
}

/* The cost model of r: its own, or the default device's (built in def). */
static const struct cost_model *report_cost(const struct run_result *r, struct cost_model *def)
{
	if (r->cost != NULL)
		return r->cost;
	cost_init(def);
	return def;
}

enum report_kind {
	RK_TEXT,    /* text(r) */
	RK_STAT,    /* the uint64_t counter at offset stat of r->stats */
	RK_COUNT,   /* count(r) */
	RK_DECIMAL, /* decimal(r), with decimals digits */
};

struct report_column {
	const char *name;
	enum report_kind kind;
	size_t stat;
	const char *(*text)(const struct run_result *r);
	uint64_t (*count)(const struct run_result *r);
	double (*decimal)(const struct run_result *r);
	int decimals;
};

static const char *col_trace(const struct run_result *r) { return r->trace; }
static const char *col_policy(const struct run_result *r) { return r->policy; }
static uint64_t col_frames(const struct run_result *r) { return r->frames; }
static uint64_t col_page_size(const struct run_result *r) { return r->page_size; }
static uint64_t col_seed(const struct run_result *r) { return r->seed; }
static uint64_t col_skipped(const struct run_result *r) { return r->skipped; }
static double col_fault_rate(const struct run_result *r) { return report_fault_rate(&r->stats); }
static double col_per_1000(const struct run_result *r) { return 1000.0 * report_fault_rate(&r->stats); }

static double col_est_time_ms(const struct run_result *r)
{
	struct cost_model def;

	return cost_time_ns(report_cost(r, &def), &r->stats) / 1e6;
}

static double col_eat_ns(const struct run_result *r)
{
	struct cost_model def;

	return cost_eat_ns(report_cost(r, &def), &r->stats);
}

/* Resident frames averaged over the references space_time sums over. */
static double col_mean_resident(const struct run_result *r)
{
	uint64_t t = r->stats.refs + r->stats.ignored_refs + r->stats.segfaults;

	return t == 0 ? 0.0 : (double)r->stats.space_time / (double)t;
}

static uint64_t col_clean_evictions(const struct run_result *r)
{
	return r->stats.evictions - r->stats.dirty_evictions;
}

#define TEXT(n, f) { .name = n, .kind = RK_TEXT, .text = f }
#define STAT(field) { .name = #field, .kind = RK_STAT, .stat = offsetof(struct sim_stats, field) }
#define COUNT(n, f) { .name = n, .kind = RK_COUNT, .count = f }
#define DECIMAL(n, f, d) { .name = n, .kind = RK_DECIMAL, .decimal = f, .decimals = d }

/* Every column, in CSV order. Later versions only append. */
static const struct report_column report_columns[] = {
	TEXT("trace", col_trace),
	TEXT("policy", col_policy),
	COUNT("frames", col_frames),
	COUNT("page_size", col_page_size),
	COUNT("seed", col_seed),
	STAT(refs),
	STAT(reads),
	STAT(writes),
	STAT(fetches),
	STAT(distinct_pages),
	STAT(faults),
	DECIMAL("fault_rate", col_fault_rate, 6),
	STAT(evictions),
	STAT(dirty_evictions),
	STAT(swap_writes),
	STAT(swap_reads),
	STAT(hits),
	{ .name = "clean_evictions", .kind = RK_COUNT, .count = col_clean_evictions },
	STAT(zero_fills),
	DECIMAL("faults_per_1000", col_per_1000, 3),
	COUNT("skipped_lines", col_skipped),
	/* The VM model. */
	STAT(file_reads),
	STAT(minor_faults),
	STAT(cow_copies),
	STAT(cow_reuses),
	STAT(stack_growths),
	STAT(segfaults),
	STAT(ignored_refs),
	STAT(file_writebacks),
	STAT(file_writes),
	STAT(tlb_hits),
	STAT(tlb_misses),
	STAT(tlb_shootdowns),
	STAT(pt_frames),
	STAT(resident),
	STAT(processes),
	/* The cost model (cost.h). */
	{ .name = "est_time_ms", .kind = RK_DECIMAL, .decimal = col_est_time_ms, .decimals = 6 },
	{ .name = "eat_ns", .kind = RK_DECIMAL, .decimal = col_eat_ns, .decimals = 3 },
	/* Memory held (sim.c's essay, "Resident set"). */
	DECIMAL("mean_resident", col_mean_resident, 3),
	STAT(space_time),
};

#define REPORT_NCOLUMNS (sizeof report_columns / sizeof report_columns[0])

/* Print column c of r: text as CSV field or JSON string, numbers bare. */
static void report_value(FILE *out, const struct report_column *c, const struct run_result *r, bool json)
{
	switch (c->kind) {
	case RK_TEXT:
		if (json)
			report_json_string(out, c->text(r));
		else
			report_csv_field(out, c->text(r));
		break;
	case RK_STAT:
		fprintf(out, "%" PRIu64, *(const uint64_t *)((const char *)&r->stats + c->stat));
		break;
	case RK_COUNT:
		fprintf(out, "%" PRIu64, c->count(r));
		break;
	case RK_DECIMAL:
		fprintf(out, "%.*f", c->decimals, c->decimal(r));
		break;
	}
}

void report_csv_header(FILE *out)
{
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++) {
		fputs(i ? "," : "", out);
		fputs(report_columns[i].name, out);
	}
	fputc('\n', out);
}

void report_csv_row(FILE *out, const struct run_result *r)
{
	for (size_t i = 0; i < REPORT_NCOLUMNS; i++) {
		if (i)
			fputc(',', out);
		report_value(out, &report_columns[i], r, false);
	}
	fputc('\n', out);
}

static void report_json(FILE *out, const struct run_result *rows, size_t n)
{
	fprintf(out, "{\n  \"pagesim\": \"%s\",\n  \"runs\": [", PACKAGE_VERSION);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n    {" : "\n    {", out);
		for (size_t k = 0; k < REPORT_NCOLUMNS; k++) {
			fprintf(out, "%s\"%s\": ", k ? ", " : "", report_columns[k].name);
			report_value(out, &report_columns[k], &rows[i], true);
			if (k == 0) {
				fputs(", \"format\": ", out);
				report_json_string(out, rows[i].format);
			}
		}
		fputc('}', out);
	}
	fputs("\n  ]\n}\n", out);
}

/* ---- the text table ---- */

/* Did the run use anything of the VM model beyond demand-zero memory in
 * one process? */
static bool report_uses_vm(const struct sim_stats *st)
{
	return st->file_reads || st->minor_faults || st->cow_copies || st->cow_reuses || st->stack_growths ||
	       st->segfaults || st->ignored_refs || st->file_writebacks || st->file_writes || st->tlb_hits ||
	       st->tlb_misses || st->tlb_shootdowns || st->pt_frames || st->processes > 1;
}

/* Print a time of ns nanoseconds in the largest unit that keeps it >= 1. */
static void report_time(FILE *out, double ns)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	size_t u = 0;

	while (ns >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
		ns /= 1000;
		u++;
	}
	fprintf(out, "%.3f %s", ns, units[u]);
}

/* The lines of one run that say what the VM model and the cost model
 * add: each only when it has something to say. */
static void report_text_vm(FILE *out, const struct run_result *r, bool vm)
{
	const struct sim_stats *st = &r->stats;
	struct cost_model def;
	const struct cost_model *m = report_cost(r, &def);
	bool overrides = false;

	for (int p = 0; p < COST_NPARAMS; p++)
		overrides |= m->given[p];

	fprintf(out, "%s, %" PRIu32 " frames:\n", r->policy, r->frames);
	if (vm) {
		fprintf(out, "  faults by kind: zero-fill %" PRIu64 ", file read %" PRIu64 ", swap read %" PRIu64
			", minor %" PRIu64 ", cow copy %" PRIu64 ", cow reuse %" PRIu64 " (stack growths %" PRIu64
			")\n",
			st->zero_fills, st->file_reads, st->swap_reads, st->minor_faults, st->cow_copies,
			st->cow_reuses, st->stack_growths);
		if (st->segfaults || st->ignored_refs)
			fprintf(out, "  segfaults %" PRIu64 " (references of killed processes ignored: %" PRIu64 ")\n",
				st->segfaults, st->ignored_refs);
		fprintf(out, "  evictions: clean %" PRIu64 ", to swap %" PRIu64 ", to file %" PRIu64
			"; file writes %" PRIu64 " (evictions, munmap and exit)\n",
			st->evictions - st->dirty_evictions, st->dirty_evictions - st->file_writebacks,
			st->file_writebacks, st->file_writes);
		if (st->tlb_hits || st->tlb_misses)
			fprintf(out, "  TLB: hits %" PRIu64 ", misses %" PRIu64 ", shootdowns %" PRIu64 "\n",
				st->tlb_hits, st->tlb_misses, st->tlb_shootdowns);
		fprintf(out, "  at the end: %" PRIu64 " frames hold pages, %" PRIu64 " page tables; %" PRIu64
			" processes\n",
			st->resident, st->pt_frames, st->processes);
	}
	fputs("  estimated time ", out);
	report_time(out, cost_time_ns(m, st));
	fputs(", effective access time ", out);
	report_time(out, cost_eat_ns(m, st));
	fprintf(out, " (%s%s)\n", cost_device_name(m->device),
		overrides ? " with overrides" : cost_customised(m) ? "" : ", the default device");
}

/* The text table: a header naming the trace, then one row per run. */
static void report_text(FILE *out, const struct run_result *rows, size_t n)
{
	const struct sim_stats *st0 = &rows[0].stats;
	bool vm = false, cost = false;
	struct cost_model def;

	fprintf(out, "trace %s (%s), %" PRIu64 "-byte pages, seed %" PRIu64 "\n", rows[0].trace,
		rows[0].format, rows[0].page_size, rows[0].seed);
	fprintf(out, "%" PRIu64 " references (%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64
		" fetches), %" PRIu64 " distinct pages\n",
		st0->refs, st0->reads, st0->writes, st0->fetches, st0->distinct_pages);
	if (rows[0].skipped)
		fprintf(out, "%" PRIu64 " malformed line%s skipped\n", rows[0].skipped, ps_plural(rows[0].skipped));
	fprintf(out, "\n%-14s %8s %12s %10s %9s %12s %10s %10s %10s %10s\n", "policy", "frames", "faults",
		"fault rate", "per 1000", "evictions", "dirty", "swap out", "swap in", "mean res");
	for (size_t i = 0; i < n; i++) {
		const struct sim_stats *st = &rows[i].stats;

		fprintf(out, "%-14s %8" PRIu32 " %12" PRIu64 " %10.6f %9.3f %12" PRIu64 " %10" PRIu64
			" %10" PRIu64 " %10" PRIu64 " %10.3f\n",
			rows[i].policy, rows[i].frames, st->faults, report_fault_rate(st),
			1000.0 * report_fault_rate(st), st->evictions, st->dirty_evictions,
			st->swap_writes, st->swap_reads, col_mean_resident(&rows[i]));
		vm |= report_uses_vm(st);
		cost |= cost_customised(report_cost(&rows[i], &def));
	}
	if (!vm && !cost)
		return;
	fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		report_text_vm(out, &rows[i], vm);
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

void report_segfaults(FILE *out, const char *trace, const struct sim_segfault *kept, size_t n, uint64_t total)
{
	static const char *const ops[] = { [OP_READ] = "read", [OP_WRITE] = "write", [OP_FETCH] = "fetch" };

	for (size_t i = 0; i < n; i++) {
		const struct sim_segfault *f = &kept[i];

		fprintf(out, "pagesim: %s: segmentation fault: process %" PRIu32 " %s at 0x%08" PRIx64
			" (%s); process killed\n",
			f->where, f->pid, f->op < sizeof ops / sizeof ops[0] && ops[f->op] ? ops[f->op] : "access",
			f->addr, f->why);
	}
	if (total > n)
		fprintf(out, "pagesim: %s: ... and %" PRIu64 " more segmentation fault%s\n", trace, total - n,
			total - n == 1 ? "" : "s");
}

/* The counters of one segment row, in the CSV order after its name. */
static void segment_counts(const struct sim_segment_stats *g, uint64_t out[12])
{
	const uint64_t v[12] = { g->faults, g->zero_fills, g->file_reads, g->swap_reads, g->minor_faults,
				 g->cow_copies, g->cow_reuses, g->stack_growths, g->segfaults, g->evictions,
				 g->dirty_evictions, g->file_writebacks };

	memcpy(out, v, sizeof v);
}

void report_segments(FILE *out, enum report_style style, const struct run_result *rows,
		     const struct sim_segment_stats *const *segs, const size_t *nsegs, size_t n)
{
	static const char *const names[12] = { "faults", "zero_fills", "file_reads", "swap_reads",
					       "minor_faults", "cow_copies", "cow_reuses", "stack_growths",
					       "segfaults", "evictions", "dirty_evictions", "file_writebacks" };
	uint64_t c[12];
	bool first = true;

	if (style == REPORT_CSV) {
		fputs("trace,policy,frames,pid,segment", out);
		for (size_t k = 0; k < 12; k++)
			fprintf(out, ",%s", names[k]);
		fputc('\n', out);
	} else if (style == REPORT_JSON) {
		fprintf(out, "{\n  \"pagesim\": \"%s\",\n  \"segments\": [", PACKAGE_VERSION);
	}
	for (size_t i = 0; i < n; i++) {
		if (style == REPORT_TEXT)
			fprintf(out, "\n%s, %" PRIu32 " frames, by segment:\n%6s %-20s %8s %8s %8s %8s %8s %8s %8s %8s %8s %9s\n",
				rows[i].policy, rows[i].frames, "pid", "segment", "faults", "zero", "file rd", "swap rd",
				"minor", "cow cp", "cow re", "segv", "evicted", "to file");
		for (size_t j = 0; j < nsegs[i]; j++) {
			const struct sim_segment_stats *g = &segs[i][j];

			segment_counts(g, c);
			if (style == REPORT_TEXT) {
				fprintf(out, "%6" PRIu32 " %-20s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
					" %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %9" PRIu64 "\n",
					g->pid, g->name, g->faults, g->zero_fills, g->file_reads, g->swap_reads,
					g->minor_faults, g->cow_copies, g->cow_reuses, g->segfaults, g->evictions,
					g->file_writebacks);
			} else if (style == REPORT_CSV) {
				report_csv_field(out, rows[i].trace);
				fputc(',', out);
				report_csv_field(out, rows[i].policy);
				fprintf(out, ",%" PRIu32 ",%" PRIu32 ",", rows[i].frames, g->pid);
				report_csv_field(out, g->name);
				for (size_t k = 0; k < 12; k++)
					fprintf(out, ",%" PRIu64, c[k]);
				fputc('\n', out);
			} else {
				fputs(first ? "\n    {" : ",\n    {", out);
				first = false;
				fputs("\"trace\": ", out);
				report_json_string(out, rows[i].trace);
				fputs(", \"policy\": ", out);
				report_json_string(out, rows[i].policy);
				fprintf(out, ", \"frames\": %" PRIu32 ", \"pid\": %" PRIu32 ", \"segment\": ", rows[i].frames,
					g->pid);
				report_json_string(out, g->name);
				for (size_t k = 0; k < 12; k++)
					fprintf(out, ", \"%s\": %" PRIu64, names[k], c[k]);
				fputc('}', out);
			}
		}
	}
	if (style == REPORT_JSON)
		fputs("\n  ]\n}\n", out);
}
