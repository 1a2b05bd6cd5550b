/*
 * sweep.c - the parallel replay of one trace through many cells.
 *
 * The calling thread decodes the trace (pass_run) and copies each batch
 * into a ring of SWEEP_RING slots. Worker threads each own a fixed share
 * of the cells (cell i belongs to worker i % workers) and replay every
 * batch, in order, through their cells; a slot is refilled once every
 * worker has finished with it. Cells never share a machine, so results
 * are identical for any number of threads. With one worker, batches go
 * straight from the decoder to the cells, without the ring.
 *
 * LRU cells. When a trace has two or more lru cells, they share one
 * one-pass miss-ratio curve (mrc.h) instead of one machine each: its rows
 * are exactly those of the replay (tests/e2e-mrc.sh, e2e-sweep.sh). The
 * curve is fed like one more cell (index n in the workers' shares). The
 * replay could differ only by stopping on a full swap device, which
 * cannot happen when the trace has no more distinct pages than swap
 * slots (a page holds at most one slot); that is checked at the end.
 * The curve models anonymous memory only, so it is used only when the
 * trace cannot hold VM events: a generated workload, or a regular file
 * whose reader says so (trace_may_have_events: not native, not a binary
 * file whose header declares events). Standard input and other streams
 * cannot be asked without consuming them, so their lru cells replay.
 *
 * Events. Batches carry the line of each record and the event table, and
 * cells are fed with sim_feed_batch. The workers replay a batch after the
 * decoder has moved on -- the last ones after pass_run has returned and
 * closed its reader -- so the table cannot be the reader's own: the main
 * pass reads into a table owned here (or the caller's, trace_options.events),
 * which lives until every machine is destroyed, at the end of sweep_trace.
 * The table is append-only with entries that never move (trace_event.h),
 * and a slot's batch is published under the ring's lock after the decoder
 * added its events, so workers may read it while the decoder appends.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "experiment.h"
#include "future.h"
#include "mrc.h"
#include "sweep.h"

#define SWEEP_RING 8

struct sweep_ring {
	pthread_mutex_t lock;
	pthread_cond_t filled;   /* a batch was published, or the pass ended */
	pthread_cond_t drained;  /* a slot was released by every worker */
	struct trace_rec batch[SWEEP_RING][PASS_BATCH];
	uint64_t lines[SWEEP_RING][PASS_BATCH];
	struct trace_batch slot[SWEEP_RING]; /* the batch as workers see it */
	unsigned readers[SWEEP_RING]; /* workers yet to replay the slot */
	uint64_t published;           /* batches published so far */
	bool finished;                /* no batch will follow */
	unsigned workers;
};

/* The state of one sweep_trace call. */
struct sweep_run {
	struct sweep_cell *cells;
	struct sim **sims;        /* per cell; NULL once failed or when via_mrc */
	bool *via_mrc;            /* per cell: its rows come from lru_curve */
	struct mrc *lru_curve;    /* the lru cells' curve (fed as cell n), or NULL */
	char curve_error[PS_ERROR_MAX];
	size_t n;
	struct sweep_ring *ring;  /* NULL with a single worker */
	sweep_progress_fn *progress;
	void *progress_ctx;
	volatile sig_atomic_t *stop;
	uint64_t records;
};

struct sweep_worker {
	struct sweep_run *run;
	unsigned index, count;
	pthread_t thread;
};

/* Replay batch b through cell i of run; on a machine error the cell fails. */
static void sweep_feed_cell(struct sweep_run *run, size_t i, const struct trace_batch *b)
{
	struct ps_error err;

	if (i == run->n) {
		/* The lru cells' curve; a failure fails them all at the end. */
		if (run->lru_curve != NULL && run->curve_error[0] == '\0' &&
		    mrc_feed_batch(run->lru_curve, b, &err) < 0)
			snprintf(run->curve_error, sizeof run->curve_error, "%s", err.msg);
		return;
	}
	if (run->sims[i] == NULL || sim_feed_batch(run->sims[i], b, &err) == 0)
		return;
	snprintf(run->cells[i].error, sizeof run->cells[i].error, "%s", err.msg);
	sim_destroy(run->sims[i]);
	run->sims[i] = NULL;
}

/* A worker: replay every published batch through cells index, index +
 * count, ... until the pass ends. */
static void *sweep_worker_main(void *arg)
{
	struct sweep_worker *w = arg;
	struct sweep_ring *ring = w->run->ring;

	for (uint64_t next = 0;; next++) {
		unsigned slot = next % SWEEP_RING;

		pthread_mutex_lock(&ring->lock);
		while (ring->published <= next && !ring->finished)
			pthread_cond_wait(&ring->filled, &ring->lock);
		if (ring->published <= next) {
			pthread_mutex_unlock(&ring->lock);
			return NULL;
		}
		pthread_mutex_unlock(&ring->lock);
		for (size_t i = w->index; i <= w->run->n; i += w->count)
			sweep_feed_cell(w->run, i, &ring->slot[slot]);
		pthread_mutex_lock(&ring->lock);
		if (--ring->readers[slot] == 0)
			pthread_cond_signal(&ring->drained);
		pthread_mutex_unlock(&ring->lock);
	}
}

/* pass_consumer: hand a batch to the cells (directly, or through the ring,
 * copying its records and lines; the event table is shared). */
static int sweep_consume(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct sweep_run *run = ctx;
	struct sweep_ring *ring = run->ring;
	size_t n = b->n;

	if (run->stop != NULL && *run->stop)
		return ps_error_set(err, "interrupted");
	if (ring == NULL) {
		for (size_t i = 0; i <= run->n; i++)
			sweep_feed_cell(run, i, b);
	} else {
		unsigned slot = ring->published % SWEEP_RING;

		pthread_mutex_lock(&ring->lock);
		while (ring->readers[slot] > 0)
			pthread_cond_wait(&ring->drained, &ring->lock);
		pthread_mutex_unlock(&ring->lock);
		memcpy(ring->batch[slot], b->recs, n * sizeof *b->recs);
		if (b->lines != NULL)
			memcpy(ring->lines[slot], b->lines, n * sizeof *b->lines);
		ring->slot[slot] = (struct trace_batch){
			.recs = ring->batch[slot],
			.lines = b->lines != NULL ? ring->lines[slot] : NULL,
			.events = b->events,
			.n = n,
		};
		pthread_mutex_lock(&ring->lock);
		ring->readers[slot] = ring->workers;
		ring->published++;
		pthread_cond_broadcast(&ring->filled);
		pthread_mutex_unlock(&ring->lock);
	}
	run->records += n;
	if (run->progress != NULL)
		run->progress(run->progress_ctx, run->records);
	return 0;
}

/* pass_consumer for the look-ahead pass. */
static int sweep_consume_future(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	return future_add(ctx, b->recs, b->n, err);
}

/* Build the look-ahead of trace into fut. Returns 0, or -1 with err set. */
static int sweep_build_future(const struct trace_spec *trace, const struct trace_options *topt,
			      const struct sweep_machine *m, struct future *fut, struct ps_error *err)
{
	struct future_builder *b = future_begin(m->page_shift, m->span_pages);
	struct pass_info info;

	if (b == NULL)
		return ps_error_set(err, "out of memory for the look-ahead");
	if (pass_run(trace, topt, sweep_consume_future, b, &info, err) < 0) {
		future_abandon(b);
		return -1;
	}
	future_finish(b, fut);
	return 0;
}

/* Run the pass with workers threads (> 1) through the ring. Returns what
 * pass_run returns. */
static int sweep_threaded(struct sweep_run *run, const struct trace_spec *trace,
			  const struct trace_options *topt, unsigned workers, struct pass_info *info,
			  struct ps_error *err)
{
	struct sweep_worker *w = calloc(workers, sizeof *w);
	unsigned started = 0;
	int rc;

	run->ring = calloc(1, sizeof *run->ring);
	if (w == NULL || run->ring == NULL) {
		free(w);
		free(run->ring);
		run->ring = NULL;
		return ps_error_set(err, "out of memory for the sweep threads");
	}
	pthread_mutex_init(&run->ring->lock, NULL);
	pthread_cond_init(&run->ring->filled, NULL);
	pthread_cond_init(&run->ring->drained, NULL);
	for (; started < workers; started++) {
		w[started] = (struct sweep_worker){ .run = run, .index = started, .count = workers };
		if (pthread_create(&w[started].thread, NULL, sweep_worker_main, &w[started]) != 0)
			break;
	}
	/* Fewer threads than planned still cover every cell: re-stride. */
	for (unsigned i = 0; i < started; i++)
		w[i].count = started;
	run->ring->workers = started;
	rc = started == 0 ? ps_error_set(err, "cannot start sweep threads")
			  : pass_run(trace, topt, sweep_consume, run, info, err);
	pthread_mutex_lock(&run->ring->lock);
	run->ring->finished = true;
	pthread_cond_broadcast(&run->ring->filled);
	pthread_mutex_unlock(&run->ring->lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	pthread_mutex_destroy(&run->ring->lock);
	pthread_cond_destroy(&run->ring->filled);
	pthread_cond_destroy(&run->ring->drained);
	free(run->ring);
	run->ring = NULL;
	free(w);
	return rc;
}

/* Can the trace hold no VM event? A generated workload never does; a
 * regular file is opened to ask its reader; anything else (standard
 * input, a pipe) cannot be asked without consuming it: maybe. */
static bool sweep_trace_has_no_events(const struct trace_spec *trace, const struct trace_options *topt)
{
	struct trace_options o = *topt;
	struct trace_reader *r;
	struct ps_error err;
	struct stat st;
	bool none;

	if (trace->gen != NULL)
		return true;
	if (trace->path == NULL || strcmp(trace->path, "-") == 0 || stat(trace->path, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return false;
	o.events = NULL;
	r = trace_open(trace->path, &o, &err);
	if (r == NULL)
		return false; /* the pass will say why */
	none = !trace_may_have_events(r);
	trace_close(r);
	return none;
}

/* When two or more cells run policy lru on a trace without events, give
 * them one miss-ratio curve instead of a machine each (see the top of the
 * file). Without memory for the curve they simply replay. */
static void sweep_plan_lru_curve(struct sweep_run *run, const struct sweep_machine *m,
				 const struct trace_spec *trace, const struct trace_options *topt)
{
	const struct policy *lru = policy_find("lru");
	struct mrc_config cfg = { .policy = MRC_LRU, .page_shift = m->page_shift, .va_bits = m->va_bits,
				  .span_pages = m->span_pages, .sample_rate = 1 };
	struct ps_error err;
	size_t count = 0;

	for (size_t i = 0; i < run->n; i++)
		count += run->cells[i].policy->policy == lru;
	if (lru == NULL || count < 2 || (m->vm != NULL && !exp_machine_is_plain(m->vm)) ||
	    !sweep_trace_has_no_events(trace, topt) ||
	    (run->lru_curve = mrc_create(&cfg, &err)) == NULL)
		return;
	for (size_t i = 0; i < run->n; i++)
		run->via_mrc[i] = run->cells[i].policy->policy == lru;
}

/* After a complete pass: the lru cells' rows from the curve, or their
 * errors (the curve's own, or a swap device too small to be sure). */
static void sweep_finish_lru_curve(struct sweep_run *run, const struct sweep_machine *m)
{
	struct ps_error err;

	if (run->lru_curve == NULL)
		return;
	if (run->curve_error[0] == '\0' && mrc_finish(run->lru_curve, &err) < 0)
		snprintf(run->curve_error, sizeof run->curve_error, "%s", err.msg);
	if (run->curve_error[0] == '\0' && mrc_distinct(run->lru_curve) > m->swap_slots)
		snprintf(run->curve_error, sizeof run->curve_error,
			 "the trace has %llu distinct pages, more than the %llu swap slots: the swap device may "
			 "fill; run these lru cells with pagesim run",
			 (unsigned long long)mrc_distinct(run->lru_curve), (unsigned long long)m->swap_slots);
	for (size_t i = 0; i < run->n; i++) {
		if (!run->via_mrc[i])
			continue;
		if (run->curve_error[0] != '\0') {
			snprintf(run->cells[i].error, sizeof run->cells[i].error, "%s", run->curve_error);
			continue;
		}
		mrc_get(run->lru_curve, run->cells[i].frames, &run->cells[i].stats);
		run->cells[i].done = true;
	}
}

int sweep_trace(const struct trace_spec *trace, const struct trace_options *topt,
		const struct sweep_machine *m, struct sweep_cell *cells, size_t n, unsigned threads,
		sweep_progress_fn *progress, void *progress_ctx, volatile sig_atomic_t *stop,
		struct pass_info *info, struct ps_error *err)
{
	struct sweep_run run = { .cells = cells, .n = n, .progress = progress,
				 .progress_ctx = progress_ctx, .stop = stop };
	struct future fut = { 0 };
	struct trace_options main_opt = *topt;
	struct trace_events *own_events = NULL;
	bool need_future = false;
	int rc = 0;

	memset(info, 0, sizeof *info);
	for (size_t i = 0; i < n; i++) {
		cells[i].done = false;
		cells[i].error[0] = '\0';
		need_future |= cells[i].policy->policy->needs_future;
	}
	run.sims = calloc(n ? n : 1, sizeof *run.sims);
	run.via_mrc = calloc(n ? n : 1, sizeof *run.via_mrc);
	if (run.sims == NULL || run.via_mrc == NULL) {
		free(run.sims);
		free(run.via_mrc);
		return ps_error_set(err, "out of memory");
	}
	if (need_future && sweep_build_future(trace, topt, m, &fut, err) < 0)
		rc = -1;
	if (rc == 0 && trace->gen == NULL && main_opt.events == NULL) {
		/* Renamed after the trace by trace_open. */
		own_events = main_opt.events = trace_events_create(trace->path, false);
		if (own_events == NULL)
			rc = ps_error_set(err, "out of memory");
	}
	if (rc == 0)
		sweep_plan_lru_curve(&run, m, trace, topt);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct sim_config cfg = {
			.policy = cells[i].policy->policy,
			.policy_params = cells[i].policy->params,
			.frames = cells[i].frames,
			.page_shift = m->page_shift,
			.va_bits = m->va_bits,
			.swap_slots = m->swap_slots,
			.seed = cells[i].seed,
			.span_pages = m->span_pages,
			.future = fut.next_use,
			.future_len = fut.len,
		};
		struct ps_error cell_err;

		if (m->vm != NULL)
			exp_machine_apply(m->vm, &cfg);
		if (run.via_mrc[i])
			continue;
		run.sims[i] = sim_create(&cfg, &cell_err);
		if (run.sims[i] == NULL)
			snprintf(cells[i].error, sizeof cells[i].error, "%s", cell_err.msg);
	}
	if (rc == 0) {
		unsigned workers = threads < 1 ? 1 : threads;

		if (workers > n + (run.lru_curve != NULL))
			workers = (unsigned)(n + (run.lru_curve != NULL));
		if (workers == 0)
			workers = 1;
		rc = workers == 1 ? pass_run(trace, &main_opt, sweep_consume, &run, info, err)
				  : sweep_threaded(&run, trace, &main_opt, workers, info, err);
	}
	if (rc < 0 && stop != NULL && *stop)
		rc = 1;
	if (rc == 0)
		sweep_finish_lru_curve(&run, m);
	for (size_t i = 0; i < n; i++) {
		if (rc < 0 && cells[i].error[0] == '\0')
			snprintf(cells[i].error, sizeof cells[i].error, "%s", err->msg);
		if (rc == 0 && run.sims[i] != NULL) {
			const struct sim_segfault *kept = sim_segfaults(run.sims[i], &cells[i].nsegfaults);

			sim_get_stats(run.sims[i], &cells[i].stats);
			const struct sim_segment_stats *segs = sim_segments(run.sims[i], &cells[i].nsegments);

			memcpy(cells[i].segfaults, kept, cells[i].nsegfaults * sizeof *kept);
			cells[i].segments = NULL;
			if (cells[i].nsegments > 0) {
				cells[i].segments = malloc(cells[i].nsegments * sizeof *segs);
				if (cells[i].segments == NULL)
					cells[i].nsegments = 0;
				else
					memcpy(cells[i].segments, segs, cells[i].nsegments * sizeof *segs);
			}
			cells[i].done = true;
		}
		sim_destroy(run.sims[i]);
	}
	mrc_destroy(run.lru_curve);
	free(run.sims);
	free(run.via_mrc);
	future_free(&fut);
	trace_events_destroy(own_events);
	return rc;
}
