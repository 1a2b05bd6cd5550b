/*
 * cmd_sweep.c - `pagesim sweep EXPERIMENT.yaml`: run every cell of an
 * experiment (trace x policy x frames x seed) on all cores and write
 * results/<name>/results.csv, summary.json and the graphs.
 *
 * Traces are replayed one after the other; within a trace all its cells
 * share one decoding (sweep.c) and run on the worker threads.
 *
 * Files. When a trace's cells finish, its rows go to
 * OUTPUT/cells/<hash of the trace label>.tsv (one line per cell:
 * "policy<TAB>frames<TAB>seed<TAB>csv row", after a header line stating
 * the machine options), and results.csv is rebuilt from those files in the
 * experiment's order. Every file is written to a temporary name and
 * renamed, so a reader never sees half a file and Ctrl-C loses only the
 * trace being replayed. --resume reads the cells files and runs only the
 * cells missing from them; cells files made with other machine options
 * are refused rather than mixed in.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "replay/experiment.h"
#include "util/files.h"
#include "policies/plugin.h"
#include "report/report.h"
#include "report/results.h"
#include "replay/cells.h"

static volatile sig_atomic_t sweep_stop;

static void sweep_on_signal(int sig)
{
	(void)sig;
	sweep_stop = 1;
}

static void sweep_usage(FILE *out)
{
	fputs("usage: pagesim sweep EXPERIMENT.yaml [options]\n"
	      "Run every cell (trace x policy x frames x seed) of an experiment file and\n"
	      "write OUTPUT/results.csv (the columns of 'pagesim run --output csv'),\n"
	      "OUTPUT/summary.json and OUTPUT/plots/ (see experiments/README.md).\n\n"
	      "  -j, --jobs N     worker threads (default: the number of cores)\n"
	      "  --resume         keep the cells already in OUTPUT and run only the missing ones\n"
	      "  --no-plot        do not draw the graphs at the end\n"
	      "\nCtrl-C keeps every finished trace's cells; --resume finishes the rest.\n", out);
}

/* ---- output files: built in memory, written whole (files.h) ---- */

/* A file being built in memory, then written to dir/name at once. */
struct sweep_file {
	FILE *f;
	char *data;
	size_t len;
	const char *dir, *name;
};

/* Start building dir/name. Returns 0 or -1 with err set. */
static int sweep_file_open(struct sweep_file *o, const char *dir, const char *name, struct ps_error *err)
{
	*o = (struct sweep_file){ .dir = dir, .name = name };
	o->f = open_memstream(&o->data, &o->len);
	return o->f != NULL ? 0 : ps_error_set(err, "out of memory");
}

/* Write o's contents to its file through a temporary one, and free them.
 * Returns 0 or -1 with err set. */
static int sweep_file_commit(struct sweep_file *o, struct ps_error *err)
{
	int rc = fclose(o->f) == 0 ? files_write_atomic(o->dir, o->name, o->data, o->len, err)
				   : ps_error_set(err, "out of memory for %s/%s", o->dir, o->name);

	free(o->data);
	return rc;
}

/* ---- the experiment's cells ---- */

/* One finished (or resumed) cell of a trace: its key and its CSV row. */
struct sweep_row {
	char *policy;
	uint32_t frames;
	uint64_t seed;
	char *csv; /* the whole CSV line, with its newline */
};

/* What a sweep knows of one trace. */
struct sweep_trace_state {
	struct sweep_row *rows;
	size_t nrows;
	char cells_name[64]; /* cells/<hash>.tsv */
};

struct sweep {
	struct experiment *exp;
	unsigned threads;
	bool resume, plot, tty;
	char machine[1024]; /* the header line of cells files */
	struct sweep_trace_state *traces;
	size_t cells_total, cells_done, cells_failed;
	struct timespec start;
	uint64_t records_total; /* cell-records replayed, for the rate */
	size_t trace_index;     /* the trace being replayed */
	size_t trace_cells;     /* its pending cells */
	double last_draw;
};

/* Seconds since the sweep started. */
static double sweep_elapsed(const struct sweep *sw)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - sw->start.tv_sec) + 1e-9 * (double)(now.tv_nsec - sw->start.tv_nsec);
}

/* FNV-1a of s, to name a trace's cells file. */
static uint64_t sweep_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Does policy p run once per seed (else once, with the first seed)? */
static size_t sweep_seeds_of(const struct experiment *e, const struct policy_spec *p)
{
	return p->policy->uses_seed ? e->nseeds : 1;
}

/* Find the row of (policy, frames, seed) in t, or NULL. */
static struct sweep_row *sweep_find(struct sweep_trace_state *t, const char *policy, uint32_t frames,
				    uint64_t seed)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].frames == frames && t->rows[i].seed == seed && strcmp(t->rows[i].policy, policy) == 0)
			return &t->rows[i];
	return NULL;
}

/* Add a row to t (taking ownership of policy and csv, which may be NULL
 * after a failed allocation). Returns 0 or -1. */
static int sweep_add_row(struct sweep_trace_state *t, char *policy, uint32_t frames, uint64_t seed, char *csv,
			 struct ps_error *err)
{
	struct sweep_row *rows;

	if (policy == NULL || csv == NULL || (rows = realloc(t->rows, (t->nrows + 1) * sizeof *rows)) == NULL) {
		free(policy);
		free(csv);
		return ps_error_set(err, "out of memory");
	}
	t->rows = rows;
	t->rows[t->nrows++] = (struct sweep_row){ .policy = policy, .frames = frames, .seed = seed, .csv = csv };
	return 0;
}

/* Read trace t's cells file from a previous sweep into t. A missing file
 * is no error; one made with other machine options is. */
static int sweep_read_cells(struct sweep *sw, struct sweep_trace_state *t, struct ps_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 1;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof path, "%s/cells/%s", sw->exp->output, t->cells_name);
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : ps_error_set(err, "%s: %s", path, strerror(errno));
	if ((len = getline(&line, &cap, f)) >= 0 && strncmp(line, "#pagesim-sweep-cells 1 ", 23) == 0)
		rc = ps_error_set(err, "%s:1: made by an older pagesim, whose results have fewer columns; remove %s or run without --resume",
				  path, sw->exp->output);
	else if (len < 0 || strcmp(line, sw->machine) != 0)
		rc = ps_error_set(err, "%s:1: made with other machine options than %s now has; remove %s or run without --resume",
				  path, sw->exp->file, sw->exp->output);
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		char *policy = line, *frames, *seed, *csv, *end;
		unsigned long long fv, sv;

		lineno++;
		if ((frames = strchr(policy, '\t')) == NULL || (seed = strchr(frames + 1, '\t')) == NULL ||
		    (csv = strchr(seed + 1, '\t')) == NULL || line[len - 1] != '\n') {
			rc = ps_error_set(err, "%s:%lu: damaged cells file; remove it to rerun that trace", path, lineno);
			break;
		}
		*frames++ = *seed++ = *csv++ = '\0';
		fv = strtoull(frames, &end, 10);
		sv = strtoull(seed, &end, 10);
		rc = sweep_add_row(t, strdup(policy), (uint32_t)fv, sv, strdup(csv), err);
	}
	free(line);
	fclose(f);
	return rc;
}

/* Write trace t's cells file. */
static int sweep_write_cells(struct sweep *sw, struct sweep_trace_state *t, struct ps_error *err)
{
	char dir[4096];
	struct sweep_file o;

	snprintf(dir, sizeof dir, "%s/cells", sw->exp->output);
	if (files_mkdirs(dir, err) < 0 || sweep_file_open(&o, dir, t->cells_name, err) < 0)
		return -1;
	fputs(sw->machine, o.f);
	for (size_t i = 0; i < t->nrows; i++)
		fprintf(o.f, "%s\t%" PRIu32 "\t%" PRIu64 "\t%s", t->rows[i].policy, t->rows[i].frames,
			t->rows[i].seed, t->rows[i].csv);
	return sweep_file_commit(&o, err);
}

/* Rewrite results.csv: the header, then every finished cell of the
 * experiment in its order (trace, policy, frames, seed). */
static int sweep_write_results(struct sweep *sw, struct ps_error *err)
{
	const struct experiment *e = sw->exp;
	struct sweep_file o;

	if (sweep_file_open(&o, e->output, "results.csv", err) < 0)
		return -1;
	report_csv_header(o.f);
	for (size_t t = 0; t < e->ntraces; t++)
		for (size_t p = 0; p < e->npolicies; p++)
			for (size_t f = 0; f < e->nframes; f++)
				for (size_t s = 0; s < sweep_seeds_of(e, &e->policies[p]); s++) {
					struct sweep_row *r = sweep_find(&sw->traces[t], e->policies[p].label,
									 e->frames[f], e->seeds[s]);

					if (r != NULL)
						fputs(r->csv, o.f);
				}
	return sweep_file_commit(&o, err);
}

/* Write the machine options of the VM model and the cost model as the
 * last members of summary.json's object (keys as in experiment files). */
static void sweep_write_machine(FILE *f, const struct exp_machine *m)
{
	const struct vm_options *vm = &m->vm;

	fprintf(f, "  \"strict\": %s,\n  \"stack_gap\": %llu,\n  \"tlb_entries\": %lu,\n  \"tlb_ways\": %lu,\n"
		"  \"tlb_flush_on_switch\": %s,\n  \"shootdown\": %s,\n  \"count_page_tables\": %s,\n"
		"  \"by_segment\": %s,\n  \"scope\": \"%s\",\n  \"quota\": %lu,\n  \"device\": \"%s\",\n  \"cost\": {",
		vm->strict ? "true" : "false",
		(unsigned long long)(vm->stack_gap ? vm->stack_gap : SIM_DEFAULT_STACK_GAP),
		(unsigned long)vm->tlb_entries, (unsigned long)vm->tlb_ways, vm->tlb_flush_on_switch ? "true" : "false",
		vm->no_shootdown ? "false" : "true", vm->count_page_tables ? "true" : "false",
		vm->by_segment ? "true" : "false", vm->scope_local ? "local" : "global", (unsigned long)vm->local_quota,
		cost_device_name(m->cost.device));
	for (int p = 0; p < COST_NPARAMS; p++)
		fprintf(f, "%s\"%s\": %.17g", p ? ", " : "", cost_param_name((enum cost_param)p), m->cost.value[p]);
	fputs("}\n", f);
}

/* Write summary.json: the experiment as resolved, and how the sweep went. */
static int sweep_write_summary(struct sweep *sw, const char *status, struct ps_error *err)
{
	const struct experiment *e = sw->exp;
	struct utsname u;
	char started[32];
	time_t t0 = time(NULL) - (time_t)sweep_elapsed(sw);
	struct sweep_file o;

	if (sweep_file_open(&o, e->output, "summary.json", err) < 0)
		return -1;
	if (uname(&u) != 0)
		memset(&u, 0, sizeof u);
	strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
	fprintf(o.f, "{\n  \"name\": ");
	report_json_string(o.f, e->name);
	fprintf(o.f, ",\n  \"experiment\": ");
	report_json_string(o.f, e->file);
	fprintf(o.f, ",\n  \"pagesim\": \"%s\",\n  \"git_revision\": \"%s\",\n  \"host\": ", PACKAGE_VERSION,
		PAGESIM_GIT_REVISION);
	report_json_string(o.f, u.nodename);
	fprintf(o.f, ",\n  \"system\": ");
	report_json_string(o.f, u.sysname);
	fprintf(o.f, ",\n  \"machine\": ");
	report_json_string(o.f, u.machine);
	fprintf(o.f, ",\n  \"started\": \"%s\",\n  \"wall_seconds\": %.3f,\n  \"threads\": %u,\n"
		"  \"status\": \"%s\",\n  \"cells\": %zu,\n  \"cells_done\": %zu,\n  \"cells_failed\": %zu,\n"
		"  \"traces\": [",
		started, sweep_elapsed(sw), sw->threads, status, sw->cells_total, sw->cells_done, sw->cells_failed);
	for (size_t i = 0; i < e->ntraces; i++) {
		fputs(i ? ", " : "", o.f);
		report_json_string(o.f, e->traces[i].label);
	}
	fputs("],\n  \"policies\": [", o.f);
	for (size_t i = 0; i < e->npolicies; i++) {
		fputs(i ? ", " : "", o.f);
		report_json_string(o.f, e->policies[i].label);
	}
	fputs("],\n  \"frames\": [", o.f);
	for (size_t i = 0; i < e->nframes; i++)
		fprintf(o.f, "%s%" PRIu32, i ? ", " : "", e->frames[i]);
	fputs("],\n  \"seeds\": [", o.f);
	for (size_t i = 0; i < e->nseeds; i++)
		fprintf(o.f, "%s%" PRIu64, i ? ", " : "", e->seeds[i]);
	fprintf(o.f, "],\n  \"page_size\": %llu,\n  \"va_bits\": %u,\n  \"swap_slots\": %" PRIu64 ",\n"
		"  \"span\": \"%s\",\n  \"format\": \"%s\",\n  \"skip_bad\": %s,\n  \"plugins\": [",
		1ULL << e->topt.page_shift, e->topt.va_bits, e->swap_slots, e->span_pages ? "all" : "first",
		trace_format_name(e->topt.format), e->topt.skip_bad ? "true" : "false");
	for (size_t i = 0; i < e->nplugins; i++) {
		fputs(i ? ", " : "", o.f);
		report_json_string(o.f, e->plugins[i]);
	}
	fputs("],\n", o.f);
	sweep_write_machine(o.f, &e->machine);
	fputs("}\n", o.f);
	return sweep_file_commit(&o, err);
}
/* ---- progress ---- */

/* Draw the progress line (terminals only), at most ten times a second. */
static void sweep_draw(struct sweep *sw, uint64_t trace_records, bool force)
{
	double now = sweep_elapsed(sw), rate, eta;
	size_t done = sw->cells_done + sw->cells_failed, width = 24, filled;
	uint64_t work = sw->records_total + trace_records * sw->trace_cells;
	char eta_text[32] = "--:--";

	if (!sw->tty || (!force && now - sw->last_draw < 0.1))
		return;
	sw->last_draw = now;
	rate = now > 0 ? (double)work / now : 0;
	if (done > 0 && done < sw->cells_total) {
		eta = now / (double)done * (double)(sw->cells_total - done);
		snprintf(eta_text, sizeof eta_text, "%d:%02d", (int)(eta / 60), (int)eta % 60);
	}
	filled = sw->cells_total ? width * done / sw->cells_total : width;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu cells, trace %zu/%zu, %.1f M refs/s, ETA %s ", (int)filled,
		"########################", (int)(width - filled), "", done, sw->cells_total,
		sw->trace_index + 1, sw->exp->ntraces, rate / 1e6, eta_text);
}

/* sweep_progress_fn. */
static void sweep_progress(void *ctx, uint64_t records)
{
	sweep_draw(ctx, records, false);
}

/* ---- the sweep ---- */

/* Run the pending cells of trace t; record the finished ones. Returns 0,
 * 1 when interrupted, or -1 with err set for an output error. Cell and
 * trace failures are reported on stderr and counted. */
static int sweep_one_trace(struct sweep *sw, size_t t, struct ps_error *err)
{
	const struct experiment *e = sw->exp;
	const struct exp_trace *tr = &e->traces[t];
	struct sweep_trace_state *ts = &sw->traces[t];
	const struct sweep_machine machine = {
		.page_shift = e->topt.page_shift, .va_bits = e->topt.va_bits,
		.swap_slots = e->swap_slots, .span_pages = e->span_pages, .vm = &e->machine,
	};
	struct sweep_cell *cells = calloc(sw->cells_total ? sw->cells_total : 1, sizeof *cells);
	struct trace_spec spec = { .path = tr->path, .gen = tr->generated ? &tr->gen : NULL };
	struct pass_info info;
	struct ps_error trace_err;
	size_t n = 0;
	int rc;

	if (cells == NULL)
		return ps_error_set(err, "out of memory");
	for (size_t p = 0; p < e->npolicies; p++)
		for (size_t f = 0; f < e->nframes; f++)
			for (size_t s = 0; s < sweep_seeds_of(e, &e->policies[p]); s++)
				if (sweep_find(ts, e->policies[p].label, e->frames[f], e->seeds[s]) == NULL)
					cells[n++] = (struct sweep_cell){ .policy = &e->policies[p],
									  .frames = e->frames[f],
									  .seed = e->seeds[s] };
	sw->trace_index = t;
	sw->trace_cells = n;
	if (n == 0) {
		free(cells);
		return 0;
	}
	rc = sweep_trace(&spec, &e->topt, &machine, cells, n, sw->threads, sweep_progress, sw, &sweep_stop,
			 &info, &trace_err);
	if (rc == 1) {
		free(cells);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "%spagesim: %s\n", sw->tty ? "\n" : "", trace_err.msg);
		sw->cells_failed += n;
		free(cells);
		return 0;
	}
	if (info.skipped)
		fprintf(stderr, "%spagesim: warning: %s: skipped %" PRIu64 " malformed lines; the first: %s\n",
			sw->tty ? "\n" : "", tr->label, info.skipped, info.first_skip);
	for (size_t i = 0; i < n; i++) {
		struct run_result r = {
			.trace = tr->label, .format = info.format, .policy = cells[i].policy->label,
			.frames = cells[i].frames, .page_size = 1ULL << e->topt.page_shift, .seed = cells[i].seed,
			.skipped = info.skipped, .stats = cells[i].stats, .cost = &e->machine.cost,
		};
		char *csv = NULL;
		size_t len = 0;
		FILE *mem;

		if (!cells[i].done) {
			fprintf(stderr, "%spagesim: %s: %s with %" PRIu32 " frames (seed %" PRIu64 "): %s\n",
				sw->tty ? "\n" : "", tr->label, cells[i].policy->label, cells[i].frames,
				cells[i].seed, cells[i].error);
			sw->cells_failed++;
			continue;
		}
		mem = open_memstream(&csv, &len);
		if (mem == NULL) {
			free(cells);
			return ps_error_set(err, "out of memory");
		}
		report_csv_row(mem, &r);
		fclose(mem);
		if (sweep_add_row(ts, strdup(cells[i].policy->label), cells[i].frames, cells[i].seed, csv, err) < 0) {
			free(cells);
			return -1;
		}
		sw->cells_done++;
		sw->records_total += cells[i].stats.refs;
	}
	/* Segfaults do not depend on the policy: report one cell's. */
	for (size_t i = 0; i < n; i++) {
		if (cells[i].done && cells[i].stats.segfaults > 0) {
			if (sw->tty)
				fputc('\n', stderr);
			report_segfaults(stderr, tr->label, cells[i].segfaults, cells[i].nsegfaults,
					 cells[i].stats.segfaults);
			break;
		}
	}
	free(cells);
	if (!sw->tty)
		fprintf(stderr, "sweep: trace %zu/%zu %s: %zu cells, %" PRIu64 " records, %.1f s\n", t + 1,
			e->ntraces, tr->label, n, info.records, sweep_elapsed(sw));
	if (sweep_write_cells(sw, ts, err) < 0 || sweep_write_results(sw, err) < 0)
		return -1;
	return 0;
}

/* Count the cells of the experiment and read earlier ones (--resume). */
static int sweep_prepare(struct sweep *sw, struct ps_error *err)
{
	const struct experiment *e = sw->exp;

	char vm[768];

	/* Version 2: the rows have the VM model's and the cost model's columns,
	 * and the stamp names every option they depend on. */
	exp_machine_describe(&e->machine, vm, sizeof vm);
	snprintf(sw->machine, sizeof sw->machine,
		 "#pagesim-sweep-cells 2 page_size=%llu va_bits=%u swap_slots=%" PRIu64 " span=%s format=%s skip_bad=%d %s\n",
		 1ULL << e->topt.page_shift, e->topt.va_bits, e->swap_slots, e->span_pages ? "all" : "first",
		 trace_format_name(e->topt.format), e->topt.skip_bad, vm);
	sw->traces = calloc(e->ntraces, sizeof *sw->traces);
	if (sw->traces == NULL)
		return ps_error_set(err, "out of memory");
	for (size_t t = 0; t < e->ntraces; t++) {
		snprintf(sw->traces[t].cells_name, sizeof sw->traces[t].cells_name, "%016" PRIx64 ".tsv",
			 sweep_hash(e->traces[t].label));
		for (size_t p = 0; p < e->npolicies; p++)
			sw->cells_total += e->nframes * sweep_seeds_of(e, &e->policies[p]);
		if (sw->resume && sweep_read_cells(sw, &sw->traces[t], err) < 0)
			return -1;
		/* Cells kept from an earlier sweep count as done. */
		for (size_t p = 0; p < e->npolicies; p++)
			for (size_t f = 0; f < e->nframes; f++)
				for (size_t s = 0; s < sweep_seeds_of(e, &e->policies[p]); s++)
					sw->cells_done += sweep_find(&sw->traces[t], e->policies[p].label,
								     e->frames[f], e->seeds[s]) != NULL;
	}
	if (!sw->resume) {
		/* A fresh sweep: forget cells files of an earlier one. */
		for (size_t t = 0; t < e->ntraces; t++) {
			char path[4096];

			snprintf(path, sizeof path, "%s/cells/%s", e->output, sw->traces[t].cells_name);
			unlink(path);
		}
	}
	return 0;
}

/* Free the sweep's rows. */
static void sweep_free(struct sweep *sw)
{
	for (size_t t = 0; sw->traces && t < sw->exp->ntraces; t++) {
		for (size_t i = 0; i < sw->traces[t].nrows; i++) {
			free(sw->traces[t].rows[i].policy);
			free(sw->traces[t].rows[i].csv);
		}
		free(sw->traces[t].rows);
	}
	free(sw->traces);
}

/* Print the comparison of results.csv in dir on stdout: per trace, the
 * faults of each policy at each memory size (means over seeds for
 * randomised policies). Returns 0 or -1 with err set. */
static int sweep_print_table(const char *dir, struct ps_error *err)
{
	struct results r;
	char path[4096];

	snprintf(path, sizeof path, "%s/results.csv", dir);
	if (results_load(path, &r, err) < 0)
		return -1;
	for (size_t t = 0; t < r.ntraces; t++) {
		const struct results_trace *tr = &r.traces[t];
		uint32_t frames[256];
		size_t nframes = 0;

		for (size_t i = 0; i < tr->ncells && nframes < 256; i++) {
			size_t k = 0;

			while (k < nframes && frames[k] != tr->cells[i].frames)
				k++;
			if (k == nframes)
				frames[nframes++] = tr->cells[i].frames;
		}
		printf("%s%s, %" PRIu64 "-byte pages: faults at each memory size (frames)\n%-22s", t ? "\n" : "",
		       tr->name, tr->page_size, "policy");
		for (size_t k = 0; k < nframes; k++)
			printf(" %10" PRIu32, frames[k]);
		putchar('\n');
		for (size_t p = 0; p < r.npolicies; p++) {
			unsigned runs = 0;

			if (!results_has_policy(tr, p))
				continue;
			printf("%-22s", r.policies[p]);
			for (size_t k = 0; k < nframes; k++) {
				const struct results_cell *c = results_find(tr, p, frames[k]);

				if (c == NULL)
					printf(" %10s", "-");
				else if (c->runs > 1)
					printf(" %10.1f", c->m[RM_FAULTS].mean);
				else
					printf(" %10.0f", c->m[RM_FAULTS].mean);
				if (c != NULL && c->runs > runs)
					runs = c->runs;
			}
			if (runs > 1)
				printf("  (mean of %u seeds)", runs);
			putchar('\n');
		}
	}
	results_free(&r);
	return 0;
}

/* Parse argv; returns -1 to go on, else an exit code. */
static int sweep_parse(int argc, char **argv, struct sweep *sw, const char **file)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "resume", no_argument, NULL, 'r' },
		{ "no-plot", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	sw->threads = cli_cores();
	sw->plot = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!cli_parse_jobs(optarg, &sw->threads))
				return EXIT_USAGE;
			break;
		case 'r': sw->resume = true; break;
		case 'n': sw->plot = false; break;
		case 'h': sweep_usage(stdout); return EXIT_OK;
		default: sweep_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		sweep_usage(stderr);
		return cli_fail("sweep: expected exactly one experiment file");
	}
	*file = argv[optind];
	return -1;
}

int cli_load_experiment(const char *file, struct experiment *exp)
{
	struct ps_error err;
	int rc = exp_plugins(file, exp, &err);

	for (size_t i = 0; rc == 0 && i < exp->nplugins; i++)
		rc = plugin_load(exp->plugins[i], &err) < 0 ? -1 : 0;
	exp_free(exp);
	if (rc == 0)
		rc = exp_load(file, exp, &err);
	if (rc == 0 && exp->machine.vm.by_segment)
		return cli_fail("%s: by-segment: sweeps and checks keep no per-segment breakdown;"
				" use pagesim run --by-segment", file);
	return rc == 0 ? EXIT_OK : cli_fail("%s", err.msg);
}

int cmd_sweep(int argc, char **argv)
{
	struct experiment *exp = calloc(1, sizeof *exp);
	struct sweep sw = { .exp = exp, .tty = isatty(STDERR_FILENO) };
	struct sigaction sa = { .sa_handler = sweep_on_signal };
	struct ps_error err;
	const char *file = NULL;
	int status = exp ? sweep_parse(argc, argv, &sw, &file) : cli_fail("out of memory");
	int rc = 0;

	if (status >= 0) {
		free(exp);
		return status;
	}
	status = cli_load_experiment(file, exp);
	if (status == EXIT_OK && (files_mkdirs(exp->output, &err) < 0 || sweep_prepare(&sw, &err) < 0))
		status = cli_fail("%s", err.msg);
	if (status == EXIT_OK) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		clock_gettime(CLOCK_MONOTONIC, &sw.start);
		for (size_t t = 0; rc == 0 && t < exp->ntraces; t++)
			rc = sweep_one_trace(&sw, t, &err);
		sweep_draw(&sw, 0, true);
		if (sw.tty)
			fputc('\n', stderr);
		if (rc < 0 || sweep_write_results(&sw, &err) < 0 ||
		    sweep_write_summary(&sw, rc == 1 ? "interrupted" : sw.cells_failed ? "failed" : "complete", &err) < 0)
			status = cli_fail("%s", err.msg);
	}
	if (status == EXIT_OK && rc == 1) {
		fprintf(stderr, "pagesim: interrupted: %zu of %zu cells done and kept in %s; "
			"'pagesim sweep %s --resume' runs the rest\n", sw.cells_done, sw.cells_total, exp->output, file);
		status = 130;
	} else if (status == EXIT_OK && sw.cells_failed) {
		status = cli_fail("%zu of %zu cells failed (above); the others are in %s/results.csv", sw.cells_failed,
				  sw.cells_total, exp->output);
	} else if (status == EXIT_OK) {
		fprintf(stderr, "sweep %s: %zu cells in %.1f s; results in %s/results.csv\n", exp->name,
			sw.cells_total, sweep_elapsed(&sw), exp->output);
		if (sweep_print_table(exp->output, &err) < 0)
			status = cli_fail("%s", err.msg);
		if (status == EXIT_OK && sw.plot) {
			char *plot_argv[] = { "plot", exp->output, NULL };

			status = cmd_plot(2, plot_argv);
		}
	}
	sweep_free(&sw);
	exp_free(exp);
	free(exp);
	return status;
}
