/*
 * runner.c - the resumable experiment runner (runner.h): cells files,
 * results.csv and summary.json, resuming, the progress line, and the
 * replay of each trace's pending cells through cells_replay.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "replay/cells.h"
#include "replay/experiment.h"
#include "replay/runner.h"
#include "replay/schedule.h"
#include "replay/shard.h"
#include "report/report.h"
#include "util/files.h"

/* ---- the experiment's cells ---- */

/* One finished (or resumed) cell of a trace: its key and its CSV row. */
struct runner_row {
	char *policy;
	uint32_t frames;
	uint64_t seed;
	char *csv; /* the whole CSV line, with its newline */
};

/* What the runner knows of one trace. */
struct runner_trace {
	struct runner_row *rows;
	size_t nrows;
	char cells_name[64]; /* cells/<hash>.tsv */
	char *stamp_read;    /* the identity line of its cells file, or NULL */
	char stamp[512];     /* its identity line now (runner_stamp), or "" */
	size_t pending;      /* its cells to replay in this run */
	uint64_t records_now; /* while it replays: its records decoded so far */
};

/* The state of one runner_run call. */
struct runner {
	const struct experiment *exp;
	struct runner_options opt;
	char machine[1024]; /* the header line of cells files */
	struct runner_trace *traces;
	size_t cells_total, cells_done, cells_failed;
	struct timespec start;
	uint64_t records_total; /* cell-records replayed, for the rate */
	uint64_t work_total;    /* cell-records of the run: each pending trace's
				   cells times its records (estimated by
				   shard.h's cost model until it is replayed) */
	size_t traces_done;     /* replayed (or failed) in this run */
	bool began;             /* summary.json says "running" (runner_begin) */
	double last_draw;
	pthread_mutex_t lock;   /* all of the above, between traces replayed at once */
	struct ps_error job_err; /* the first output error of a trace's job */
	uint32_t *owner;        /* sharded: the shard of each cell (shard.h) */
	size_t per_trace;       /* cells of each trace */
};

/* Is cell i (in the order of shard.h) of trace t one this run makes: every
 * cell, or those of its shard? */
static bool runner_mine(const struct runner *r, size_t t, size_t i)
{
	return r->owner == NULL || r->owner[t * r->per_trace + i] == r->opt.shard;
}

/* Seconds since the replays started. */
static double runner_elapsed(const struct runner *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - r->start.tv_sec) + 1e-9 * (double)(now.tv_nsec - r->start.tv_nsec);
}

#define RUNNER_FNV_BASIS 0xcbf29ce484222325ULL

/* The FNV-1a hash h continued over the len bytes at data. */
static uint64_t runner_fnv(uint64_t h, const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	return h;
}

void runner_cells_name(const char *label, char *buf, size_t size)
{
	snprintf(buf, size, "%016" PRIx64 ".tsv",
		 runner_fnv(RUNNER_FNV_BASIS, (const unsigned char *)label, strlen(label)));
}

/* ---- the identity of a trace, recorded in its cells file ---- */

/* The content hash of a trace file: four 64-bit lanes, each word w of
 * the file (8 bytes, little-endian; word i goes to lane i mod 4) folded in
 * as lane = rotl(lane ^ w, 29) * K, K = 0x9e3779b97f4a7c15; the last
 * bytes of a length that is no multiple of 32 are padded with zeros into
 * whole words; then the lanes and the length are combined and mixed with
 * SplitMix64's finalizer. It only has to tell an edited trace from the
 * one its cells came from, at close to memory speed (FNV-1a, a byte at a
 * time, cost a one-cell sweep 25% more). */
struct runner_hasher {
	uint64_t lane[4];
	uint64_t length;
};

#define RUNNER_HASH_K 0x9e3779b97f4a7c15ULL

/* Fold len bytes at p (a multiple of 32, except at the end of the file)
 * into h. */
static void runner_hash_feed(struct runner_hasher *h, const unsigned char *p, size_t len)
{
	unsigned char tail[32] = { 0 };

	h->length += len;
	for (;;) {
		if (len < 32) {
			if (len == 0)
				return;
			memcpy(tail, p, len);
			p = tail;
			len = 32;
		}
		for (int k = 0; k < 4; k++) {
			uint64_t w = 0, x;

			for (int b = 7; b >= 0; b--)
				w = w << 8 | p[8 * k + b];
			x = h->lane[k] ^ w;
			h->lane[k] = ((x << 29) | (x >> 35)) * RUNNER_HASH_K;
		}
		p += 32;
		len -= 32;
	}
}

/* The final value of h. */
static uint64_t runner_hash_final(const struct runner_hasher *h)
{
	uint64_t z = h->length;

	for (int k = 0; k < 4; k++)
		z = (z ^ h->lane[k]) * RUNNER_HASH_K;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Read up to len bytes of fd into buf, retrying short reads and EINTR.
 * Returns the bytes read (less than len only at the end), or -1. */
static ssize_t runner_read_full(int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t got = read(fd, buf + done, len - done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

/* Store in *hash the content hash (above) of the file path, read 1 MiB at
 * a time. Returns 0 or -1 with err set ("PATH: reason"). */
static int runner_hash_file(const char *path, uint64_t *hash, struct ps_error *err)
{
	enum { CHUNK = 1 << 20 };
	unsigned char *buf = malloc(CHUNK);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct runner_hasher h = { .lane = { 1, 2, 3, 4 } };
	ssize_t got = 0;

	if (buf != NULL && fd >= 0)
		while ((got = runner_read_full(fd, buf, CHUNK)) > 0)
			runner_hash_feed(&h, buf, (size_t)got);
	if (buf == NULL || fd < 0 || got < 0)
		ps_error_set(err, "%s: %s", path, buf == NULL ? "out of memory" : strerror(errno));
	else
		*hash = runner_hash_final(&h);
	free(buf);
	if (fd >= 0)
		close(fd);
	return buf == NULL || fd < 0 || got < 0 ? -1 : 0;
}

/* Write the identity of file path into buf: "file size=S mtime=T" and,
 * with hash, " hash64=H", the content hash of its bytes. Returns 0, 1
 * when it is no regular file, or -1 with err set. */
static int runner_stamp_file(const char *path, char *buf, size_t size, bool hash, struct ps_error *err)
{
	struct stat st;
	uint64_t h;
	int len;

	if (stat(path, &st) != 0)
		return ps_error_set(err, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return 1;
	len = snprintf(buf, size, "file size=%jd mtime=%lld.%09ld", (intmax_t)st.st_size,
		       (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	if (!hash)
		return 0;
	if (runner_hash_file(path, &h, err) < 0)
		return -1;
	snprintf(buf + len, size - (size_t)len, " hash64=%016" PRIx64, h);
	return 0;
}

/* The identity line of workload tr: its quantum, its number of traces and
 * a hash of their paths and identities (runner_stamp_file, always with
 * the contents hashed, so the line is the same with or without hash).
 * Returns as runner_stamp_file. */
static int runner_stamp_workload(const struct exp_trace *tr, char *buf, size_t size, struct ps_error *err)
{
	uint64_t h = RUNNER_FNV_BASIS;
	char one[512];

	for (size_t k = 0; k < tr->workload.n; k++) {
		int rc = runner_stamp_file(tr->workload.paths[k], one, sizeof one, true, err);

		if (rc != 0) {
			if (rc == 1)
				snprintf(buf, size, "#trace not-a-regular-file\n");
			return rc;
		}
		h = runner_fnv(h, (const unsigned char *)tr->workload.paths[k], strlen(tr->workload.paths[k]) + 1);
		h = runner_fnv(h, (const unsigned char *)one, strlen(one) + 1);
	}
	snprintf(buf, size, "#trace workload quantum=%" PRIu64 " traces=%zu hash64=%016" PRIx64 "\n",
		 tr->workload.quantum, tr->workload.n, h);
	return 0;
}

/* Write the identity line of trace tr into buf: for a file its size,
 * modification time and, with hash, the content hash of its bytes (without hash
 * the line stops after the time); for a generated trace every parameter;
 * for a workload, runner_stamp_workload's.
 * Returns 0, 1 when the trace is no regular file (its identity cannot be
 * told), or -1 with err set. */
static int runner_stamp(const struct exp_trace *tr, char *buf, size_t size, bool hash, struct ps_error *err)
{
	const struct gen_params *g = &tr->gen;
	int rc;

	if (tr->workload.n > 0)
		return runner_stamp_workload(tr, buf, size, err);
	if (tr->generated) {
		snprintf(buf, size, "#trace gen kind=%s pages=%" PRIu64 " refs=%" PRIu64 " seed=%" PRIu64
			 " write-ratio=%.17g alpha=%.17g sets=%" PRIu64 " set-size=%" PRIu64 " phase-length=%" PRIu64 "\n",
			 gen_kind_name(g->kind), g->pages, g->refs, g->seed, g->write_ratio, g->alpha, g->sets,
			 g->set_size, g->phase_length);
		return 0;
	}
	rc = runner_stamp_file(tr->path, buf + 7, size - 7, hash, err);
	memcpy(buf, "#trace ", 7);
	if (rc == 1)
		snprintf(buf, size, "#trace not-a-regular-file\n");
	else if (rc == 0 && hash)
		snprintf(buf + strlen(buf), size - strlen(buf), "\n");
	return rc;
}

/* Find the row of (policy, frames, seed) in t, or NULL. */
static struct runner_row *runner_find(struct runner_trace *t, const char *policy, uint32_t frames,
				    uint64_t seed)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].frames == frames && t->rows[i].seed == seed && strcmp(t->rows[i].policy, policy) == 0)
			return &t->rows[i];
	return NULL;
}

/* Add a row to t (taking ownership of policy and csv, which may be NULL
 * after a failed allocation). Returns 0 or -1. */
static int runner_add_row(struct runner_trace *t, char *policy, uint32_t frames, uint64_t seed, char *csv,
			 struct ps_error *err)
{
	struct runner_row *rows;

	if (policy == NULL || csv == NULL || (rows = realloc(t->rows, (t->nrows + 1) * sizeof *rows)) == NULL) {
		free(policy);
		free(csv);
		return ps_error_set(err, "out of memory");
	}
	t->rows = rows;
	t->rows[t->nrows++] = (struct runner_row){ .policy = policy, .frames = frames, .seed = seed, .csv = csv };
	return 0;
}

/* Read trace t's cells file from an earlier run into t: its rows, and its
 * trace identity line (t->stamp_read; files of older pagesims have none).
 * A missing file is no error; one made with other machine options is. */
static int runner_read_cells(struct runner *r, struct runner_trace *t, struct ps_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 1;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof path, "%s/cells/%s", r->exp->output, t->cells_name);
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : ps_error_set(err, "%s: %s", path, strerror(errno));
	if ((len = getline(&line, &cap, f)) >= 0 && strncmp(line, "#pagesim-sweep-cells 1 ", 23) == 0)
		rc = ps_error_set(err, "%s:1: made by an older pagesim, whose results have fewer columns; remove %s or run without --resume",
				  path, r->exp->output);
	else if (len < 0 || strcmp(line, r->machine) != 0)
		rc = ps_error_set(err, "%s:1: made with other machine options than %s now has; remove %s or run without --resume",
				  path, r->exp->file, r->exp->output);
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		char *policy = line, *frames, *seed, *csv, *end;
		unsigned long long fv, sv;

		if (++lineno == 2 && strncmp(line, "#trace ", 7) == 0) {
			if ((t->stamp_read = strdup(line)) == NULL)
				rc = ps_error_set(err, "out of memory");
			continue;
		}
		if ((frames = strchr(policy, '\t')) == NULL || (seed = strchr(frames + 1, '\t')) == NULL ||
		    (csv = strchr(seed + 1, '\t')) == NULL || line[len - 1] != '\n') {
			rc = ps_error_set(err, "%s:%lu: damaged cells file; remove it to rerun that trace", path, lineno);
			break;
		}
		*frames++ = *seed++ = *csv++ = '\0';
		fv = strtoull(frames, &end, 10);
		sv = strtoull(seed, &end, 10);
		rc = runner_add_row(t, strdup(policy), (uint32_t)fv, sv, strdup(csv), err);
	}
	free(line);
	fclose(f);
	return rc;
}

/* Why the cells read for trace t must be redone: NULL when its cells
 * file records the identity the trace has now, else the reason, for the
 * log. Size and modification time are compared first; when they match,
 * the trace is hashed to confirm (that stamp is kept in t->stamp). */
static const char *runner_changed(struct runner *r, size_t t, struct ps_error *err)
{
	struct runner_trace *rt = &r->traces[t];
	char quick[sizeof rt->stamp];
	int rc;

	if (rt->stamp_read == NULL)
		return "its cells file does not say which trace it was made from (an older pagesim made it)";
	rc = runner_stamp(&r->exp->traces[t], quick, sizeof quick, false, err);
	if (rc < 0)
		return err->msg;
	if (rc == 1)
		return "it is not a regular file, so whether it changed cannot be told";
	if (strncmp(rt->stamp_read, quick, strlen(quick)) == 0 &&
	    runner_stamp(&r->exp->traces[t], rt->stamp, sizeof rt->stamp, true, err) < 0) {
		rt->stamp[0] = '\0';
		return err->msg;
	}
	if (strcmp(rt->stamp_read, rt->stamp) != 0)
		return "the trace changed since its cells were made";
	return NULL;
}

/* Forget the cells read for trace t when the trace is not the one they
 * were made from, saying so on the log (they are replayed again). */
static void runner_check_trace(struct runner *r, size_t t)
{
	struct runner_trace *rt = &r->traces[t];
	struct ps_error err;
	const char *why;

	if (rt->nrows == 0 || (why = runner_changed(r, t, &err)) == NULL)
		return;
	fprintf(r->opt.log, "pagesim: %s: %s; its cells are redone\n", r->exp->traces[t].label, why);
	for (size_t i = 0; i < rt->nrows; i++) {
		free(rt->rows[i].policy);
		free(rt->rows[i].csv);
	}
	rt->nrows = 0;
}

/* Write trace t's cells file: the machine stamp, the trace's identity
 * line (t->stamp, taken before its replay), then its rows. Returns 0 or
 * -1 with err set. */
static int runner_write_cells(struct runner *r, struct runner_trace *t, struct ps_error *err)
{
	char dir[4096];
	struct files_memfile o;

	snprintf(dir, sizeof dir, "%s/cells", r->exp->output);
	if (files_mkdirs(dir, err) < 0 || files_memfile_open(&o, dir, t->cells_name, err) < 0)
		return -1;
	fputs(r->machine, o.f);
	fputs(t->stamp, o.f);
	for (size_t i = 0; i < t->nrows; i++)
		fprintf(o.f, "%s\t%" PRIu32 "\t%" PRIu64 "\t%s", t->rows[i].policy, t->rows[i].frames,
			t->rows[i].seed, t->rows[i].csv);
	return files_memfile_commit(&o, err);
}

/* Rewrite results.csv: the header, then every finished cell of the
 * experiment in its order (trace, policy, frames, seed). Returns 0 or -1
 * with err set. */
static int runner_write_results(struct runner *r, struct ps_error *err)
{
	const struct experiment *e = r->exp;
	struct files_memfile o;

	if (files_memfile_open(&o, e->output, "results.csv", err) < 0)
		return -1;
	report_csv_header(o.f);
	for (size_t t = 0; t < e->ntraces; t++)
		for (size_t p = 0; p < e->npolicies; p++)
			for (size_t f = 0; f < e->nframes; f++)
				for (size_t s = 0; s < shard_seeds_of(e, p); s++) {
					struct runner_row *row = runner_find(&r->traces[t], e->policies[p].label,
									     e->frames[f], e->seeds[s]);

					if (row != NULL)
						fputs(row->csv, o.f);
				}
	return files_memfile_commit(&o, err);
}

/* Write the machine options of the VM model and the cost model as the
 * last members of summary.json's object (keys as in experiment files). */
static void runner_write_machine(FILE *f, const struct exp_machine *m)
{
	const struct vm_options *vm = &m->vm;

	fprintf(f, "  \"strict\": %s,\n  \"stack_gap\": %llu,\n  \"tlb_entries\": %lu,\n  \"tlb_ways\": %lu,\n"
		"  \"tlb_flush_on_switch\": %s,\n  \"shootdown\": %s,\n  \"count_page_tables\": %s,\n"
		"  \"by_segment\": %s,\n  \"scope\": \"%s\",\n  \"quota\": %lu,\n  \"alloc\": \"%s\",\n"
		"  \"device\": \"%s\",\n  \"cost\": {",
		vm->strict ? "true" : "false",
		(unsigned long long)(vm->stack_gap ? vm->stack_gap : SIM_DEFAULT_STACK_GAP),
		(unsigned long)vm->tlb_entries, (unsigned long)vm->tlb_ways, vm->tlb_flush_on_switch ? "true" : "false",
		vm->no_shootdown ? "false" : "true", vm->count_page_tables ? "true" : "false",
		vm->by_segment ? "true" : "false", vm->scope_local ? "local" : "global", (unsigned long)vm->local_quota,
		vm->local_alloc == LOCAL_ALLOC_PROPORTIONAL ? "proportional" : "equal", cost_device_name(m->cost.device));
	for (int p = 0; p < COST_NPARAMS; p++)
		fprintf(f, "%s\"%s\": %.17g", p ? ", " : "", cost_param_name((enum cost_param)p), m->cost.value[p]);
	fputs("}\n", f);
}

/* Write summary.json: the experiment as resolved, and how the run went. */
static int runner_write_summary(struct runner *r, const char *status, struct ps_error *err)
{
	const struct experiment *e = r->exp;
	struct utsname u;
	char started[32];
	time_t t0 = time(NULL) - (time_t)runner_elapsed(r);
	struct files_memfile o;
	char shard[64] = "";

	if (files_memfile_open(&o, e->output, "summary.json", err) < 0)
		return -1;
	if (r->opt.shards > 0)
		snprintf(shard, sizeof shard, "  \"shard\": \"%u/%u\",\n", r->opt.shard, r->opt.shards);
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
		"  \"status\": \"%s\",\n%s  \"cells\": %zu,\n  \"cells_done\": %zu,\n  \"cells_failed\": %zu,\n"
		"  \"traces\": [",
		started, runner_elapsed(r), r->opt.threads, status, shard, r->cells_total, r->cells_done,
		r->cells_failed);
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
	runner_write_machine(o.f, &e->machine);
	fputs("}\n", o.f);
	return files_memfile_commit(&o, err);
}
/* ---- progress ---- */

/* Draw the progress line when the log is live, at most ten times a second
 * unless force is set. Called with r->lock held. */
static void runner_draw(struct runner *r, bool force)
{
	double now = runner_elapsed(r), rate, eta, part;
	size_t done = r->cells_done + r->cells_failed, width = 24, filled;
	uint64_t work = r->records_total;
	char eta_text[32] = "--:--";

	if (!r->opt.live || (!force && now - r->last_draw < 0.1))
		return;
	for (size_t t = 0; t < r->exp->ntraces; t++)
		work += r->traces[t].records_now * r->traces[t].pending;
	r->last_draw = now;
	rate = now > 0 ? (double)work / now : 0;
	/* The part of the run's cell-records replayed: the bar and the ETA
	 * move while cells run, not only when a trace's cells finish. */
	part = r->work_total > work ? (double)work / (double)r->work_total : 1;
	if (work > 0 && part < 1 && now > 0.5) {
		eta = now / part * (1 - part);
		snprintf(eta_text, sizeof eta_text, "%d:%02d", (int)(eta / 60), (int)eta % 60);
	}
	filled = (size_t)(part * (double)width);
	fprintf(r->opt.log, "\r[%.*s%*s] %zu/%zu cells, %zu/%zu traces, %.1f M cell-records/s, ETA %s ", (int)filled,
		"########################", (int)(width - filled), "", done, r->cells_total,
		r->traces_done, r->exp->ntraces, rate / 1e6, eta_text);
}

/* The progress context of one trace's replay. */
struct runner_job {
	struct runner *r;
	size_t t;
};

/* cells_progress_fn: note a trace's records decoded so far, redraw. */
static void runner_progress(void *ctx, uint64_t records)
{
	struct runner_job *job = ctx;

	pthread_mutex_lock(&job->r->lock);
	job->r->traces[job->t].records_now = records;
	runner_draw(job->r, false);
	pthread_mutex_unlock(&job->r->lock);
}

/* ---- one trace ---- */

/* Print a message on the log, on a line of its own below the progress
 * line when there is one. */
static void runner_say(const struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (r->opt.live)
		fputc('\n', r->opt.log);
	va_start(ap, fmt);
	vfprintf(r->opt.log, fmt, ap);
	va_end(ap);
}

/* The cells of trace t missing from its rows, in the experiment's order:
 * a new array of *n cells (at least one slot). NULL when out of memory. */
static struct cell *runner_pending(const struct runner *r, size_t t, size_t *n)
{
	const struct experiment *e = r->exp;
	struct cell *cells = calloc(r->per_trace ? r->per_trace : 1, sizeof *cells);
	size_t i = 0;

	*n = 0;
	if (cells == NULL)
		return NULL;
	for (size_t p = 0; p < e->npolicies; p++)
		for (size_t f = 0; f < e->nframes; f++)
			for (size_t s = 0; s < shard_seeds_of(e, p); s++, i++)
				if (runner_mine(r, t, i) &&
				    runner_find(&r->traces[t], e->policies[p].label, e->frames[f], e->seeds[s]) == NULL)
					cells[(*n)++] = (struct cell){ .policy = &e->policies[p], .frames = e->frames[f],
								       .seed = e->seeds[s] };
	return cells;
}

/* Cell c of trace t, replayed in the pass info describes, as a CSV line
 * (report_csv_row) in a new string. NULL when out of memory. */
static char *runner_csv(const struct runner *r, size_t t, const struct cell *c, const struct pass_info *info)
{
	const struct experiment *e = r->exp;
	struct run_result res = {
		.trace = e->traces[t].label, .format = info->format, .policy = c->policy->label,
		.frames = c->frames, .page_size = 1ULL << e->topt.page_shift, .seed = c->seed,
		.skipped = info->skipped, .stats = c->stats, .cost = &e->machine.cost,
	};
	char *csv = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&csv, &len);

	if (mem == NULL)
		return NULL;
	report_csv_row(mem, &res);
	fclose(mem);
	return csv;
}

/* Keep the n cells of trace t replayed in the pass info describes: a row
 * for each one done, a message on the log for each one failed; both are
 * counted. Returns 0, or -1 with err set when out of memory. */
static int runner_keep(struct runner *r, size_t t, const struct cell *cells, size_t n,
		       const struct pass_info *info, struct ps_error *err)
{
	const char *label = r->exp->traces[t].label;

	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &cells[i];

		if (!c->done) {
			runner_say(r, "pagesim: %s: %s with %" PRIu32 " frames (seed %" PRIu64 "): %s\n", label,
				   c->policy->label, c->frames, c->seed, c->error);
			r->cells_failed++;
			continue;
		}
		if (runner_add_row(&r->traces[t], strdup(c->policy->label), c->frames, c->seed,
				   runner_csv(r, t, c, info), err) < 0)
			return -1;
		r->cells_done++;
	}
	/* Segfaults do not depend on the policy: report one cell's. */
	for (size_t i = 0; i < n; i++) {
		if (cells[i].done && cells[i].stats.segfaults > 0) {
			if (r->opt.live)
				fputc('\n', r->opt.log);
			report_segfaults(r->opt.log, label, cells[i].segfaults, cells[i].nsegfaults,
					 cells[i].stats.segfaults);
			break;
		}
	}
	return 0;
}

/* Keep what the replay of trace t's n cells gave (rc and trace_err from
 * cells_replay; a trace that cannot be read fails them all, on the log),
 * and write its cells file and results.csv. Called with r->lock held.
 * Returns 0, or -1 with err set for an output error. */
static int runner_record(struct runner *r, size_t t, struct cell *cells, size_t n, int rc,
			 const struct pass_info *info, const struct ps_error *trace_err, struct ps_error *err)
{
	const struct exp_trace *tr = &r->exp->traces[t];

	r->traces_done++;
	r->traces[t].records_now = 0;
	if (rc < 0) {
		runner_say(r, "pagesim: %s\n", trace_err->msg);
		r->cells_failed += n;
		r->work_total -= n * shard_trace_work(tr);
		return 0;
	}
	pass_warn(info, tr->label, tr->label, r->opt.live ? "\n" : "", r->opt.log);
	if (runner_keep(r, t, cells, n, info, err) < 0)
		return -1;
	/* Its records are known now: the estimate gives way to them. */
	r->work_total += n * info->records - n * shard_trace_work(tr);
	r->records_total += n * info->records;
	if (!r->opt.live)
		fprintf(r->opt.log, "sweep: trace %zu/%zu %s: %zu cells, %" PRIu64 " records, %.1f s\n", t + 1,
			r->exp->ntraces, tr->label, n, info->records, runner_elapsed(r));
	if (runner_write_cells(r, &r->traces[t], err) < 0 || runner_write_results(r, err) < 0)
		return -1;
	return 0;
}

/* Replay the n pending cells of trace t on threads threads and keep what
 * they give (runner_record). Returns 0, 1 when interrupted, or -1 with
 * err set for an output error. */
static int runner_replay(struct runner *r, size_t t, struct cell *cells, size_t n, unsigned threads,
			 struct ps_error *err)
{
	const struct experiment *e = r->exp;
	const struct exp_trace *tr = &e->traces[t];
	const struct cells_machine machine = {
		.page_shift = e->topt.page_shift, .va_bits = e->topt.va_bits,
		.swap_slots = e->swap_slots, .span_pages = e->span_pages, .vm = &e->machine,
	};
	struct trace_spec spec = { .path = tr->path, .gen = tr->generated ? &tr->gen : NULL,
				   .workload = tr->workload.n > 0 ? &tr->workload : NULL };
	struct pass_info info;
	struct ps_error trace_err;
	struct runner_job job = { .r = r, .t = t };
	char *stamp = r->traces[t].stamp;
	int rc = 0;

	/* Identify the trace as it is before the replay reads it. */
	if (stamp[0] == '\0')
		rc = runner_stamp(tr, stamp, sizeof r->traces[t].stamp, true, &trace_err) < 0 ? -1 : 0;
	if (rc == 0)
		rc = cells_replay(&spec, &e->topt, &machine, cells, n, threads, runner_progress, &job, r->opt.stop,
				  &info, &trace_err);
	if (rc == 1)
		return 1;
	pthread_mutex_lock(&r->lock);
	rc = runner_record(r, t, cells, n, rc, &info, &trace_err, err);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* A schedule_job_fn: run the pending cells of trace t on width threads
 * and record the finished ones. Returns 0, 1 when interrupted, or -1 with
 * r->job_err set for an output error. Cell and trace failures are
 * reported on the log and counted. */
static int runner_trace(void *ctx, size_t t, unsigned width)
{
	struct runner *r = ctx;
	struct ps_error err;
	size_t n;
	struct cell *cells = runner_pending(r, t, &n);
	int rc = cells == NULL ? ps_error_set(&err, "out of memory") : runner_replay(r, t, cells, n, width, &err);

	free(cells);
	if (rc < 0) {
		pthread_mutex_lock(&r->lock);
		if (r->job_err.msg[0] == '\0')
			r->job_err = err;
		pthread_mutex_unlock(&r->lock);
	}
	return rc;
}

/* Replay every trace's pending cells: one trace after the other on every
 * thread when each has cells enough to fill them, else several traces at
 * once (schedule.h), each on as many threads as it has cells. Returns 0,
 * 1 when interrupted, or -1 with err set. */
static int runner_traces(struct runner *r, struct ps_error *err)
{
	size_t nt = r->exp->ntraces;
	unsigned *width = calloc(nt + 1, sizeof *width), threads = r->opt.threads ? r->opt.threads : 1;
	int rc;

	if (width == NULL)
		return ps_error_set(err, "out of memory");
	for (size_t t = 0; t < nt; t++)
		width[t] = r->traces[t].pending < threads ? (unsigned)r->traces[t].pending : threads;
	rc = schedule_run(nt, width, threads, runner_trace, r);
	free(width);
	if (rc < 0)
		*err = r->job_err.msg[0] ? r->job_err : (struct ps_error){ "out of memory" };
	return rc;
}

/* Count trace t's cells of this run (all, or its shard's) in cells_total,
 * and those kept from an earlier run in cells_done; forget the rows of
 * other shards' cells (from a directory resumed as another shard). */
static void runner_count_kept(struct runner *r, size_t t)
{
	const struct experiment *e = r->exp;
	struct runner_trace *rt = &r->traces[t];
	size_t i = 0;

	for (size_t p = 0; p < e->npolicies; p++)
		for (size_t f = 0; f < e->nframes; f++)
			for (size_t s = 0; s < shard_seeds_of(e, p); s++, i++) {
				struct runner_row *row = runner_find(rt, e->policies[p].label, e->frames[f], e->seeds[s]);

				if (runner_mine(r, t, i)) {
					r->cells_total++;
					r->cells_done += row != NULL;
					rt->pending += row == NULL;
					r->work_total += row != NULL ? 0 : shard_trace_work(&e->traces[t]);
				} else if (row != NULL) {
					free(row->policy);
					free(row->csv);
					*row = rt->rows[--rt->nrows];
				}
			}
}

/* Count the cells of the experiment, stamp its cells files with the
 * machine options, and, resuming, read the cells of an earlier run, kept
 * only where the trace is the one they were made from. Returns 0, or -1
 * with err set. */
static int runner_prepare(struct runner *r, struct ps_error *err)
{
	const struct experiment *e = r->exp;
	char vm[768];

	/* Version 2: the rows have the VM model's and the cost model's columns,
	 * and the stamp names every option they depend on. */
	exp_machine_describe(&e->machine, vm, sizeof vm);
	snprintf(r->machine, sizeof r->machine,
		 "#pagesim-sweep-cells 2 page_size=%llu va_bits=%u swap_slots=%" PRIu64 " span=%s format=%s skip_bad=%d %s\n",
		 1ULL << e->topt.page_shift, e->topt.va_bits, e->swap_slots, e->span_pages ? "all" : "first",
		 trace_format_name(e->topt.format), e->topt.skip_bad, vm);
	r->traces = calloc(e->ntraces, sizeof *r->traces);
	if (r->traces == NULL)
		return ps_error_set(err, "out of memory");
	r->per_trace = shard_cells_per_trace(e);
	if (r->opt.shards > 0 && ((r->owner = calloc(shard_cells(e) + 1, sizeof *r->owner)) == NULL ||
				  shard_plan(e, r->opt.shards, r->owner, NULL, err) < 0))
		return r->owner ? -1 : ps_error_set(err, "out of memory");
	for (size_t t = 0; t < e->ntraces; t++) {
		runner_cells_name(e->traces[t].label, r->traces[t].cells_name, sizeof r->traces[t].cells_name);
		if (r->opt.resume && runner_read_cells(r, &r->traces[t], err) < 0)
			return -1;
		runner_check_trace(r, t);
		runner_count_kept(r, t);
	}
	return 0;
}

/* Write OUTPUT/shard.txt, the manifest pagesim merge reads (shard.h).
 * Returns 0 or -1 with err set. */
static int runner_write_manifest(struct runner *r, struct ps_error *err)
{
	struct files_memfile o;

	if (files_memfile_open(&o, r->exp->output, SHARD_MANIFEST, err) < 0)
		return -1;
	shard_write_manifest(o.f, r->exp, r->opt.shard, r->opt.shards, r->owner, r->machine);
	return files_memfile_commit(&o, err);
}

/* Before any result of an earlier run is replaced: mark the output
 * directory as incomplete (summary.json with status "running", so that a
 * crash never leaves new results beside a summary calling them complete),
 * then, on a fresh run, remove the earlier run's cells files. Returns 0,
 * or -1 with err set. */
static int runner_begin(struct runner *r, struct ps_error *err)
{
	const struct experiment *e = r->exp;

	if (runner_write_summary(r, "running", err) < 0)
		return -1;
	r->began = true;
	if (r->owner != NULL && runner_write_manifest(r, err) < 0)
		return -1;
	for (size_t t = 0; !r->opt.resume && t < e->ntraces; t++) {
		char path[4096];

		snprintf(path, sizeof path, "%s/cells/%s", e->output, r->traces[t].cells_name);
		if (unlink(path) != 0 && errno != ENOENT)
			return ps_error_set(err, "%s: %s", path, strerror(errno));
	}
	return 0;
}

/* Free the runner's rows. */
static void runner_free(struct runner *r)
{
	for (size_t t = 0; r->traces && t < r->exp->ntraces; t++) {
		for (size_t i = 0; i < r->traces[t].nrows; i++) {
			free(r->traces[t].rows[i].policy);
			free(r->traces[t].rows[i].csv);
		}
		free(r->traces[t].rows);
		free(r->traces[t].stamp_read);
	}
	free(r->traces);
	free(r->owner);
}

int runner_run(const struct experiment *exp, const struct runner_options *opt, struct runner_counts *counts,
	       struct ps_error *err)
{
	struct runner r = { .exp = exp, .opt = *opt, .lock = PTHREAD_MUTEX_INITIALIZER };
	int rc = files_mkdirs(exp->output, err) < 0 ? -1 : runner_prepare(&r, err);

	if (rc == 0) {
		clock_gettime(CLOCK_MONOTONIC, &r.start);
		rc = runner_begin(&r, err);
		if (rc == 0)
			rc = runner_traces(&r, err);
		runner_draw(&r, true);
		if (r.opt.live)
			fputc('\n', r.opt.log);
	}
	if (rc >= 0 && runner_write_results(&r, err) < 0)
		rc = -1;
	if (rc >= 0 && runner_write_summary(&r, rc == 1 ? "interrupted" : r.cells_failed ? "failed" : "complete",
					    err) < 0) {
		rc = -1;
	} else if (rc < 0 && r.began) {
		/* A write failed (err says which): the summary must not go on
		 * saying "running". If it cannot be written either, a later
		 * run still finds "running", the state after a crash. */
		struct ps_error ignored;

		runner_write_summary(&r, "failed", &ignored);
	}
	*counts = (struct runner_counts){ .cells = r.cells_total, .done = r.cells_done,
					  .failed = r.cells_failed, .seconds = runner_elapsed(&r) };
	runner_free(&r);
	return rc;
}
