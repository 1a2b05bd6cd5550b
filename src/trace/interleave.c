/*
 * interleave.c - a multiprogrammed workload's round-robin merge (interleave.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/interleave.h"

/* Records read ahead from each trace. */
#define INTERLEAVE_CHUNK 1024

/* One pid of a trace and the workload's number for it. */
struct interleave_pid {
	uint32_t from, to;
};

/* One trace of the workload. */
struct interleave_in {
	const char *path;
	struct trace_reader *r;
	uint32_t source; /* its number in the event table */
	struct trace_rec recs[INTERLEAVE_CHUNK];
	uint64_t lines[INTERLEAVE_CHUNK];
	size_t n, pos;   /* records read ahead, and the next to hand out */
	uint64_t records; /* records read so far */
	bool ended;
	struct interleave_pid *pids; /* its processes, in order of appearance */
	size_t npids, pids_cap;
};

/* The state of one interleave_run. */
struct interleave {
	struct interleave_in *in;
	size_t n;
	struct trace_events *events;   /* where the merged events go */
	struct trace_events *own;      /* events, when interleave_run made it */
	uint32_t next_pid;             /* the next new process number */
	struct trace_rec out[PASS_BATCH];
	uint64_t out_lines[PASS_BATCH];
	size_t nout;
	pass_consumer *consume;
	void *ctx;
	struct pass_info *info;
};

/* The workload's number for pid of trace in (numbered on first sight).
 * Returns 0 when memory is short. */
static uint32_t interleave_pid(struct interleave *m, struct interleave_in *in, uint32_t pid)
{
	for (size_t i = in->npids; i-- > 0;)
		if (in->pids[i].from == pid)
			return in->pids[i].to;
	if (in->npids == in->pids_cap) {
		size_t cap = in->pids_cap ? 2 * in->pids_cap : 4;
		struct interleave_pid *v = realloc(in->pids, cap * sizeof *v);

		if (v == NULL)
			return 0;
		in->pids = v;
		in->pids_cap = cap;
	}
	in->pids[in->npids++] = (struct interleave_pid){ .from = pid, .to = m->next_pid };
	return m->next_pid++;
}

/* Hand the records gathered so far to the consumer. Returns 0, or -1
 * with err set by it. */
static int interleave_flush(struct interleave *m, struct ps_error *err)
{
	const struct trace_batch b = { .recs = m->out, .lines = m->out_lines, .events = m->events, .n = m->nout };

	if (m->nout == 0)
		return 0;
	m->info->records += m->nout;
	m->nout = 0;
	return m->consume(m->ctx, &b, err);
}

/* Rewrite rec, read from in at line, for the merged stream: its process
 * renumbered, an event copied (renumbered) into the workload's table.
 * Returns 0, or -1 with err set. */
static int interleave_rewrite(struct interleave *m, struct interleave_in *in, struct trace_rec *rec, uint64_t line,
			 struct ps_error *err)
{
	if (line > TRACE_EVENTS_LINE_MAX)
		return ps_error_set(err, "%s: line %" PRIu64 " is beyond the %" PRIu64 " lines a workload's trace may have",
				    in->path, line, (uint64_t)TRACE_EVENTS_LINE_MAX);
	rec->pid = interleave_pid(m, in, rec->pid);
	if (rec->pid == 0)
		return ps_error_set(err, "out of memory for the workload's processes");
	if (rec->op == OP_EVENT) {
		struct trace_event ev = *trace_events_get(trace_events_of(in->r), rec->addr);
		uint64_t index;

		ev.pid = rec->pid;
		if (ev.kind == EV_FORK && (ev.child = interleave_pid(m, in, ev.child)) == 0)
			return ps_error_set(err, "out of memory for the workload's processes");
		ev.line = TRACE_EVENTS_AT(in->source, ev.line);
		index = trace_events_add(m->events, &ev);
		if (index == UINT64_MAX)
			return ps_error_set(err, "out of memory for the workload's events");
		rec->addr = index;
	}
	return 0;
}

/* One turn of trace in: up to quantum access records (and the events
 * among and before them). Sets in->ended at the trace's end. Returns 0,
 * or -1 with err set. */
static int interleave_turn(struct interleave *m, struct interleave_in *in, uint64_t quantum, struct ps_error *err)
{
	uint64_t accesses = 0;

	while (accesses < quantum) {
		struct trace_rec rec;
		uint64_t line;

		if (in->pos == in->n) {
			ssize_t got = trace_read_batch(in->r, in->recs, in->lines, INTERLEAVE_CHUNK, err);

			if (got < 0)
				return -1;
			in->n = (size_t)got;
			in->pos = 0;
			in->records += (uint64_t)got;
			if (got == 0) {
				in->ended = true;
				return 0;
			}
		}
		rec = in->recs[in->pos];
		line = in->lines[in->pos++];
		if (interleave_rewrite(m, in, &rec, line, err) < 0)
			return -1;
		accesses += rec.op != OP_EVENT;
		m->out[m->nout] = rec;
		m->out_lines[m->nout++] = TRACE_EVENTS_AT(in->source, line);
		if (m->nout == PASS_BATCH && interleave_flush(m, err) < 0)
			return -1;
	}
	return 0;
}

/* Open every trace of w with opt and name it a source of m's table.
 * Returns 0, or -1 with err set. */
static int interleave_open(struct interleave *m, const struct workload *w, const struct trace_options *opt,
		      struct ps_error *err)
{
	struct trace_options o = *opt;

	o.events = NULL; /* each reader parses into its own table */
	o.name = NULL;
	o.mark_repeats = false; /* interleaving changes what repeats */
	for (size_t k = 0; k < w->n; k++) {
		struct interleave_in *in = &m->in[k];

		in->path = w->paths[k];
		if (strcmp(in->path, "-") == 0)
			return ps_error_set(err, "a workload reads its traces from files, not standard input");
		in->r = trace_open(in->path, &o, err);
		if (in->r == NULL)
			return -1;
		in->source = trace_events_add_source(m->events, in->path, trace_format_of(in->r) == TRACE_BINARY);
		if (in->source == 0)
			return ps_error_set(err, "out of memory");
		if (k == 0 || strcmp(m->info->format, trace_format_name(trace_format_of(in->r))) == 0)
			m->info->format = trace_format_name(trace_format_of(in->r));
		else
			m->info->format = "mixed";
	}
	return 0;
}

/* Close the traces of m, adding up what they skipped and which held no
 * records into m->info, and free m. */
static void interleave_close(struct interleave *m)
{
	for (size_t k = 0; k < m->n; k++) {
		struct interleave_in *in = &m->in[k];

		if (in->r != NULL) {
			m->info->skipped += trace_skipped(in->r);
			if (in->ended && in->records == 0 && m->info->empty_traces++ == 0) {
				m->info->first_empty = in->path;
				m->info->first_empty_skipped = trace_skipped(in->r) > 0;
			}
			if (m->info->first_skip[0] == '\0')
				snprintf(m->info->first_skip, sizeof m->info->first_skip, "%s", trace_first_skip(in->r));
			trace_close(in->r);
		}
		free(in->pids);
	}
	free(m->in);
	trace_events_destroy(m->own);
	free(m);
}

int interleave_run(const struct workload *w, const struct trace_options *opt, pass_consumer *consume, void *ctx,
	      struct pass_info *info, struct ps_error *err)
{
	struct interleave *m;
	size_t live;
	int rc = 0;

	if (w->n == 0 || w->quantum == 0)
		return ps_error_set(err, w->n == 0 ? "a workload needs at least one trace"
						   : "a workload's quantum must be at least 1 access");
	m = calloc(1, sizeof *m);
	if (m == NULL || (m->in = calloc(w->n, sizeof *m->in)) == NULL) {
		free(m);
		return ps_error_set(err, "out of memory");
	}
	m->n = w->n;
	m->events = opt->events;
	m->next_pid = 1;
	m->consume = consume;
	m->ctx = ctx;
	m->info = info;
	if (m->events == NULL && (m->events = m->own = trace_events_create("workload", false)) == NULL)
		rc = ps_error_set(err, "out of memory");
	if (rc == 0)
		rc = interleave_open(m, w, opt, err);
	live = w->n;
	for (size_t k = 0; rc == 0 && live > 0; k = (k + 1) % w->n) {
		if (m->in[k].ended)
			continue;
		rc = interleave_turn(m, &m->in[k], w->quantum, err);
		live -= rc == 0 && m->in[k].ended;
	}
	if (rc == 0)
		rc = interleave_flush(m, err);
	interleave_close(m);
	return rc;
}
