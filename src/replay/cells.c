/*
 * cells.c - the parallel replay of one trace through many cells.
 *
 * The calling thread decodes the trace (pass_run) and copies each batch
 * into a ring of CELLS_RING slots. Worker threads each own a fixed share
 * of the cells (cell i belongs to worker i % workers) and replay every
 * batch, in order, through their cells; a slot is refilled once every
 * worker has finished with it. Cells never share a machine, so results
 * are identical for any number of threads. With one thread, batches go
 * straight from the decoder to the cells, without the ring; with two or
 * more, the ring is used even for a single cell, so decoding overlaps the
 * replay.
 *
 * LRU and OPT cells. When a trace has two or more lru cells, they share
 * one one-pass miss-ratio curve (mrc.h) instead of one machine each: its
 * rows are exactly those of the replay, every counter (tests/e2e-mrc.sh,
 * e2e-sweep.sh). So do two or more opt cells without a window, when the
 * curve is the cheaper: it costs up to O(K) per reference for a largest
 * size of K frames, against O(log C) per reference for each replayed
 * cell, so the curve is used when K <= CELLS_OPT_FRAMES_PER_CELL times
 * the number of such cells (measured: the curve's stack costs about a
 * fifth of a nanosecond per position visited, a replayed opt cell some
 * 40 ns per reference). Each curve is fed like one more cell (index n
 * for lru, n + 1 for opt, in the workers' shares). The replay could
 * differ only by stopping on a full swap device, which cannot happen when
 * the trace has no more distinct pages than swap slots (a page holds at
 * most one slot); that is checked at the end. The curves model anonymous
 * memory only, so they are used only when the trace cannot hold VM
 * events: a generated workload, or a regular file whose reader says so
 * (trace_may_have_events: not native, not a binary file whose header
 * declares events). Standard input and other streams cannot be asked
 * without consuming them, so their cells replay (`pagesim run` spools
 * standard input for opt, so its opt cells may use the curve).
 *
 * Events. Batches carry the line of each record and the event table, and
 * cells are fed with sim_feed_batch. The workers replay a batch after the
 * decoder has moved on -- the last ones after pass_run has returned and
 * closed its reader -- so the table cannot be the reader's own: the main
 * pass reads into a table owned here (or the caller's, trace_options.events),
 * which lives until every machine is destroyed, at the end of cells_replay.
 * The table is append-only with entries that never move (trace_event.h),
 * and a slot's batch is published under the ring's lock after the decoder
 * added its events, so workers may read it while the decoder appends.
 *
 * The look-ahead. Cells whose policy needs the future (opt) read next_use
 * through their sim_config. When one of them has no window (policy.h: the
 * parameter named window, absent or 0), a first pass builds next_use for
 * the whole trace (future.h), and every such cell reads that array; a
 * windowed cell then applies its window to the exact values itself. When
 * every one of them has a window, there is no first pass: the decoder's
 * batches go through a delay line (struct cells_ahead) that adds each
 * record to a windowed future builder at once, and releases records to
 * the cells (cells_consume, direct or through the ring) only once their
 * references' next uses are final: reference i's is once reference
 * i + W - 1 has been added, W being the largest window of the cells. At
 * the end of the trace the rest is released. Events have no references;
 * they are held and released in order with the records around them.
 *
 * The next uses live in the builder's ring of `entries' values, indexed
 * by reference number, which every cell reads (sim_config.future_ring).
 * Adding reference j overwrites reference j - entries, so the delay line
 * adds a reference only once every cell is done with that one. Cells fed
 * directly are done with every released reference. Through the ring,
 * cells_consume refills a slot only after seeing, under the lock, that
 * every worker has replayed it, so at most CELLS_RING released batches
 * may still be in use; the delay line releases batches of at most
 * batch_refs references, so no cell needs a reference older than
 * released - inflight (CELLS_RING * batch_refs). Reference j may thus be
 * added when j < released - inflight + entries. When that fails with
 * nothing left to release, the pending references number less than W - 1
 * plus one record's, so entries >= W + inflight + two records' references
 * always leaves room (cells_ahead_size). Released references' entries are
 * final and no longer written, and a batch's entries are written before
 * it is published under the lock, so workers read them without a race.
 * Memory: 8 bytes per ring entry (W plus about 40,000, rounded up to a
 * power of two), 24 per pending record (about W of them, in a buffer
 * that doubles) and the builder's table of the pages of the window
 * (future.h); none of it grows with the trace.
 */
#include "config.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "replay/experiment.h"
#include "replay/future.h"
#include "replay/mrc.h"
#include "trace/pageref.h"
#include "replay/cells.h"

#define CELLS_RING 8
#define CELLS_CURVES 2                /* one per enum mrc_policy */
#define CELLS_OPT_FRAMES_PER_CELL 128 /* see the top of the file */

/* The streaming look-ahead's delay line (see the top of the file). */
struct cells_ahead {
	struct future_builder *future; /* windowed; owns the cells' ring */
	uint64_t window;               /* W, the largest of the cells' windows */
	uint64_t entries;              /* of the ring */
	unsigned page_shift;
	bool span_pages;
	uint64_t batch_refs;           /* most references in a released batch */
	uint64_t inflight;             /* the cells may lag this far behind */
	/* Records added to the builder and not yet released: a FIFO in a
	 * circular buffer of cap (a power of two) records and their lines. */
	struct trace_rec *recs;
	uint64_t *lines;
	size_t head, count, cap;
	bool has_lines;                     /* the batches carry lines */
	const struct trace_events *events;  /* the batches' event table */
	uint64_t released;                  /* references released to the cells */
};

struct cells_ring {
	pthread_mutex_t lock;
	pthread_cond_t filled;   /* a batch was published, or the pass ended */
	pthread_cond_t drained;  /* a slot was released by every worker */
	struct trace_rec batch[CELLS_RING][PASS_BATCH];
	uint64_t lines[CELLS_RING][PASS_BATCH];
	uint8_t repeats[CELLS_RING][PASS_BATCH];
	struct trace_batch slot[CELLS_RING]; /* the batch as workers see it */
	unsigned readers[CELLS_RING]; /* workers yet to replay the slot */
	uint64_t published;           /* batches published so far */
	bool finished;                /* no batch will follow */
	unsigned workers;
};

/* The state of one cells_replay call. */
struct cells_run {
	struct cell *cells;
	struct sim **sims;        /* per cell; NULL once failed or when via a curve */
	int8_t *via_curve;        /* per cell: the curve giving its rows (enum mrc_policy), or -1 */
	struct mrc *curve[CELLS_CURVES]; /* by enum mrc_policy, fed as cell n + policy; or NULL */
	char curve_error[CELLS_CURVES][PS_ERROR_MAX];
	size_t n;
	struct cells_ring *ring;  /* NULL with a single worker */
	struct cells_ahead *ahead; /* the streaming look-ahead, or NULL */
	cells_progress_fn *progress;
	void *progress_ctx;
	volatile sig_atomic_t *stop;
	uint64_t records;
	unsigned page_shift;                /* the machines' */
	uint8_t repeats[PASS_BATCH];        /* the batch's repeat marks and their */
	uint64_t runs[PASS_BATCH];          /* runs, without a ring */
};

struct cells_worker {
	struct cells_run *run;
	unsigned index, count;
	pthread_t thread;
	uint8_t repeats[PASS_BATCH]; /* the marks of a batch the ring has none for */
	uint64_t runs[PASS_BATCH];   /* the runs of the batch's marks */
};

/* Replay batch b through cell i of run; on a machine error the cell fails. */
static void cells_feed_cell(struct cells_run *run, size_t i, const struct trace_batch *b)
{
	struct ps_error err;

	if (i >= run->n) {
		/* A curve; a failure fails its cells at the end. */
		struct mrc *curve = run->curve[i - run->n];
		char *error = run->curve_error[i - run->n];

		if (curve != NULL && error[0] == '\0' && mrc_feed_batch(curve, b, &err) < 0)
			snprintf(error, PS_ERROR_MAX, "%s", err.msg);
		return;
	}
	if (run->sims[i] == NULL || sim_feed_batch(run->sims[i], b, &err) == 0)
		return;
	snprintf(run->cells[i].error, sizeof run->cells[i].error, "%s", err.msg);
	sim_destroy(run->sims[i]);
	run->sims[i] = NULL;
}

/* Give batch b the repeat marks (pageref.h) for the machines' pages, its
 * own or made into repeats, and their runs, made into runs (PASS_BATCH
 * records each): once for all the cells of a thread. */
static void cells_mark(const struct cells_run *run, struct trace_batch *b, uint8_t *repeats, uint64_t *runs)
{
	b->repeats = pageref_batch_marks(b, run->page_shift, repeats);
	b->repeats_shift = run->page_shift;
	pageref_repeat_runs(b->recs, b->repeats, b->n, runs);
	b->runs = runs;
}

/* A worker: replay every published batch through cells index, index +
 * count, ... until the pass ends. */
static void *cells_worker_main(void *arg)
{
	struct cells_worker *w = arg;
	struct cells_ring *ring = w->run->ring;

	for (uint64_t next = 0;; next++) {
		unsigned slot = next % CELLS_RING;
		struct trace_batch b;

		pthread_mutex_lock(&ring->lock);
		while (ring->published <= next && !ring->finished)
			pthread_cond_wait(&ring->filled, &ring->lock);
		if (ring->published <= next) {
			pthread_mutex_unlock(&ring->lock);
			return NULL;
		}
		pthread_mutex_unlock(&ring->lock);
		b = ring->slot[slot];
		cells_mark(w->run, &b, w->repeats, w->runs);
		for (size_t i = w->index; i < w->run->n + CELLS_CURVES; i += w->count)
			cells_feed_cell(w->run, i, &b);
		pthread_mutex_lock(&ring->lock);
		if (--ring->readers[slot] == 0)
			pthread_cond_signal(&ring->drained);
		pthread_mutex_unlock(&ring->lock);
	}
}

/* pass_consumer: hand a batch to the cells with its repeat marks (the
 * reader's, or made once for the cells of each thread: cells_mark),
 * directly or through the ring, copying its records, lines and marks;
 * the event table is shared. */
static int cells_consume(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct cells_run *run = ctx;
	struct cells_ring *ring = run->ring;
	size_t n = b->n;

	if (run->stop != NULL && *run->stop)
		return ps_error_set(err, "interrupted");
	assert(n <= PASS_BATCH);
	if (ring == NULL) {
		struct trace_batch marked = *b;

		cells_mark(run, &marked, run->repeats, run->runs);
		for (size_t i = 0; i < run->n + CELLS_CURVES; i++)
			cells_feed_cell(run, i, &marked);
	} else {
		/* Marks the reader did not make are made by each worker, off
		 * this thread, which is busy decoding. */
		const bool marked = trace_batch_repeats(b, run->page_shift) != NULL;
		unsigned slot = ring->published % CELLS_RING;

		pthread_mutex_lock(&ring->lock);
		while (ring->readers[slot] > 0)
			pthread_cond_wait(&ring->drained, &ring->lock);
		pthread_mutex_unlock(&ring->lock);
		memcpy(ring->batch[slot], b->recs, n * sizeof *b->recs);
		if (b->lines != NULL)
			memcpy(ring->lines[slot], b->lines, n * sizeof *b->lines);
		if (marked)
			memcpy(ring->repeats[slot], b->repeats, n);
		ring->slot[slot] = (struct trace_batch){
			.recs = ring->batch[slot],
			.lines = b->lines != NULL ? ring->lines[slot] : NULL,
			.line0 = b->line0,
			.events = b->events,
			.repeats = marked ? ring->repeats[slot] : NULL,
			.repeats_shift = run->page_shift,
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
static int cells_consume_future(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	return future_add(ctx, b->recs, b->n, err);
}

int cells_future_build(const struct trace_spec *trace, const struct trace_options *topt,
			      const struct cells_machine *m, struct future *fut, struct ps_error *err)
{
	struct future_builder *b = future_begin(m->page_shift, m->span_pages);
	struct pass_info info;

	if (b == NULL)
		return ps_error_set(err, "out of memory for the look-ahead");
	if (pass_run(trace, topt, cells_consume_future, b, &info, err) < 0) {
		future_abandon(b);
		return -1;
	}
	future_finish(b, fut);
	return 0;
}

/* Size a's ring for its window: a power of two at least the window, plus
 * the references the cells may lag behind the released ones, plus two
 * records' worth (see the top of the file), plus a batch so that releases
 * come in batches. False when that does not fit in the address space. */
static bool cells_ahead_size(struct cells_ahead *a)
{
	/* The most pages one record touches (pageref.h; size < 2^16). */
	uint64_t record = a->span_pages && a->page_shift < 16 ? (UINT16_MAX >> a->page_shift) + 2 : 2;
	uint64_t need;

	a->batch_refs = record > PASS_BATCH ? record : PASS_BATCH;
	a->inflight = CELLS_RING * a->batch_refs;
	if (a->window > SIZE_MAX / 16)
		return false;
	need = a->window + a->inflight + 2 * record + PASS_BATCH;
	for (a->entries = 1; a->entries < need; a->entries *= 2)
		;
	return a->entries <= SIZE_MAX / 8;
}

/* A delay line for a look-ahead of window (>= 1) references, or NULL with
 * err set when memory is short. */
static struct cells_ahead *cells_ahead_create(uint64_t window, unsigned page_shift, bool span_pages,
					      struct ps_error *err)
{
	struct cells_ahead *a = calloc(1, sizeof *a);

	if (a != NULL) {
		*a = (struct cells_ahead){ .window = window, .page_shift = page_shift, .span_pages = span_pages };
		if (cells_ahead_size(a))
			a->future = future_begin_window(page_shift, span_pages, window, a->entries);
	}
	if (a == NULL || a->future == NULL) {
		free(a);
		ps_error_set(err, "out of memory for a look-ahead of %llu references (its ring is allocated whole); "
			     "opt without a window looks at the whole trace in two passes",
			     (unsigned long long)window);
		return NULL;
	}
	return a;
}

/* Free a delay line. NULL is ignored. */
static void cells_ahead_destroy(struct cells_ahead *a)
{
	if (a == NULL)
		return;
	future_abandon(a->future);
	free(a->recs);
	free(a->lines);
	free(a);
}

/* The page references of rec: none for an event, else as the replay and
 * the builder count them (pageref.h). */
static uint64_t cells_ahead_refs(const struct cells_ahead *a, const struct trace_rec *rec)
{
	uint64_t first;

	return rec->op == OP_EVENT ? 0 : pageref_span(rec, a->page_shift, a->span_pages, &first);
}

/* Double the pending buffer (or create it), keeping its records in order
 * from index 0. Returns 0, or -1 with err set. */
static int cells_ahead_grow(struct cells_ahead *a, struct ps_error *err)
{
	size_t cap = a->cap ? 2 * a->cap : 2 * PASS_BATCH;
	struct trace_rec *recs = cap <= SIZE_MAX / sizeof *recs ? malloc(cap * sizeof *recs) : NULL;
	uint64_t *lines = recs != NULL ? malloc(cap * sizeof *lines) : NULL;

	if (lines == NULL) {
		free(recs);
		return ps_error_set(err, "out of memory for the look-ahead's %zu pending records", a->count);
	}
	for (size_t i = 0; i < a->count; i++) {
		recs[i] = a->recs[(a->head + i) & (a->cap - 1)];
		lines[i] = a->lines[(a->head + i) & (a->cap - 1)];
	}
	free(a->recs);
	free(a->lines);
	a->recs = recs;
	a->lines = lines;
	a->cap = cap;
	a->head = 0;
	return 0;
}

/* Release the pending records whose next uses are final (all of them when
 * all is set), in order, to the cells through cells_consume, in batches
 * of at most PASS_BATCH records and batch_refs references. Returns 0, or
 * what cells_consume returns. */
static int cells_ahead_release(struct cells_run *run, bool all, struct ps_error *err)
{
	struct cells_ahead *a = run->ahead;
	const uint64_t added = future_count(a->future);

	while (a->count > 0) {
		/* The batch: records from head on, without wrapping round. */
		struct trace_batch b = { .recs = a->recs + a->head,
					 .lines = a->has_lines ? a->lines + a->head : NULL, .events = a->events };
		size_t room = a->cap - a->head < a->count ? a->cap - a->head : a->count;
		uint64_t refs = 0;

		for (; b.n < room && b.n < PASS_BATCH; b.n++) {
			uint64_t k = cells_ahead_refs(a, &b.recs[b.n]);

			if (refs + k > a->batch_refs || (!all && a->released + refs + k + a->window - 1 > added))
				break;
			refs += k;
		}
		if (b.n == 0)
			return 0;
		if (cells_consume(run, &b, err) < 0)
			return -1;
		a->released += refs;
		a->head = (a->head + b.n) & (a->cap - 1);
		a->count -= b.n;
	}
	return 0;
}

/* Make room in the ring for k more references: release what is final
 * until reference future_count + k - 1 may be added (see the top of the
 * file). Returns 0, or what cells_consume returns. */
static int cells_ahead_room(struct cells_run *run, uint64_t k, struct ps_error *err)
{
	struct cells_ahead *a = run->ahead;

	if (future_count(a->future) + k + a->inflight <= a->released + a->entries)
		return 0;
	if (cells_ahead_release(run, false, err) < 0)
		return -1;
	if (future_count(a->future) + k + a->inflight > a->released + a->entries)
		return ps_error_set(err, "internal error: the look-ahead's ring is too small");
	return 0;
}

/* Add record rec, read at line, to the builder and the pending records.
 * Returns 0, or -1 with err set. */
static int cells_ahead_push(struct cells_run *run, const struct trace_rec *rec, uint64_t line,
			    struct ps_error *err)
{
	struct cells_ahead *a = run->ahead;
	size_t at;

	if (cells_ahead_room(run, cells_ahead_refs(a, rec), err) < 0)
		return -1;
	if (a->count == a->cap && cells_ahead_grow(a, err) < 0)
		return -1;
	if (future_add(a->future, rec, 1, err) < 0)
		return -1;
	at = (a->head + a->count++) & (a->cap - 1);
	a->recs[at] = *rec;
	a->lines[at] = line;
	return 0;
}

/* pass_consumer of a streaming look-ahead: add batch b's records to the
 * delay line, then release what has become final. */
static int cells_ahead_consume(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct cells_run *run = ctx;

	run->ahead->has_lines = b->lines != NULL || b->line0 != 0;
	if (b->events != NULL)
		run->ahead->events = b->events;
	for (size_t i = 0; i < b->n; i++)
		if (cells_ahead_push(run, &b->recs[i], trace_batch_line(b, i), err) < 0)
			return -1;
	return cells_ahead_release(run, false, err);
}

/* The replay pass: decode trace and hand every batch to the cells, through
 * the streaming look-ahead when there is one, which is emptied at the end.
 * Returns what pass_run returns. */
static int cells_pass(struct cells_run *run, const struct trace_spec *trace,
		      const struct trace_options *topt, struct pass_info *info, struct ps_error *err)
{
	if (run->ahead == NULL)
		return pass_run(trace, topt, cells_consume, run, info, err);
	if (pass_run(trace, topt, cells_ahead_consume, run, info, err) < 0)
		return -1;
	return cells_ahead_release(run, true, err);
}

/* Run the pass through the ring: the calling thread decodes, workers
 * threads (>= 1) replay. Returns what pass_run returns. */
static int cells_threaded(struct cells_run *run, const struct trace_spec *trace,
			  const struct trace_options *topt, unsigned workers, struct pass_info *info,
			  struct ps_error *err)
{
	struct cells_worker *w = calloc(workers, sizeof *w);
	unsigned started = 0;
	int rc;

	run->ring = calloc(1, sizeof *run->ring);
	if (w == NULL || run->ring == NULL) {
		free(w);
		free(run->ring);
		run->ring = NULL;
		return ps_error_set(err, "out of memory for the replay threads");
	}
	pthread_mutex_init(&run->ring->lock, NULL);
	pthread_cond_init(&run->ring->filled, NULL);
	pthread_cond_init(&run->ring->drained, NULL);
	for (; started < workers; started++) {
		w[started] = (struct cells_worker){ .run = run, .index = started, .count = workers };
		if (pthread_create(&w[started].thread, NULL, cells_worker_main, &w[started]) != 0)
			break;
	}
	/* Fewer threads than planned still cover every cell: re-stride. */
	for (unsigned i = 0; i < started; i++)
		w[i].count = started;
	run->ring->workers = started;
	rc = started == 0 ? ps_error_set(err, "cannot start replay threads")
			  : cells_pass(run, trace, topt, info, err);
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
static bool cells_trace_has_no_events(const struct trace_spec *trace, const struct trace_options *topt)
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

/* Does cell c qualify for the curve of policy: lru, or opt without a
 * window? */
static bool cells_fits_curve(const struct cell *c, enum mrc_policy policy)
{
	const struct policy_spec *p = c->policy;

	if (policy == MRC_LRU)
		return p->policy == policy_find("lru");
	return p->policy == policy_find("opt") && future_window(p->policy, p->params) == 0;
}

/* Give the cells one curve per policy instead of a machine each where that
 * pays (see the top of the file): on a trace without events, with two or
 * more cells for it, and for opt with few enough frames. fut: the whole
 * trace's look-ahead, if built. The trace is probed for events only when
 * some curve would pay. Without memory for a curve, its cells simply
 * replay. */
static void cells_plan_curves(struct cells_run *run, const struct cells_machine *m,
			      const struct trace_spec *trace, const struct trace_options *topt,
			      const struct future *fut)
{
	struct mrc_config cfg[CELLS_CURVES];
	bool pays[CELLS_CURVES], any = false;

	if (m->no_curves || (m->vm != NULL && !exp_machine_is_plain(m->vm)))
		return;
	for (int policy = 0; policy < CELLS_CURVES; policy++) {
		size_t count = 0;

		cfg[policy] = (struct mrc_config){ .policy = policy, .page_shift = m->page_shift,
						   .va_bits = m->va_bits, .span_pages = m->span_pages,
						   .sample_rate = 1 };
		for (size_t i = 0; i < run->n; i++) {
			if (!cells_fits_curve(&run->cells[i], policy))
				continue;
			count++;
			if (run->cells[i].frames > cfg[policy].max_frames)
				cfg[policy].max_frames = run->cells[i].frames;
		}
		pays[policy] = count >= 2;
		if (policy == MRC_OPT) {
			pays[policy] = pays[policy] && fut->next_use != NULL &&
				       cfg[policy].max_frames <= CELLS_OPT_FRAMES_PER_CELL * count;
			cfg[policy].future = fut->next_use;
			cfg[policy].future_len = fut->len;
		} else {
			cfg[policy].max_frames = 0; /* LRU's cost does not depend on it */
		}
		any |= pays[policy];
	}
	if (!any || !cells_trace_has_no_events(trace, topt))
		return;
	for (int policy = 0; policy < CELLS_CURVES; policy++) {
		struct ps_error err;

		if (!pays[policy] || (run->curve[policy] = mrc_create(&cfg[policy], &err)) == NULL)
			continue;
		for (size_t i = 0; i < run->n; i++)
			if (cells_fits_curve(&run->cells[i], policy))
				run->via_curve[i] = (int8_t)policy;
	}
}

/* After a complete pass: the rows of the cells given curves, or their
 * errors (the curve's own, or a swap device too small to be sure). */
static void cells_finish_curves(struct cells_run *run, const struct cells_machine *m)
{
	static const char *const names[CELLS_CURVES] = { [MRC_LRU] = "lru", [MRC_OPT] = "opt" };

	for (int k = 0; k < CELLS_CURVES; k++) {
		struct mrc *curve = run->curve[k];
		char *error = run->curve_error[k];
		struct ps_error err;

		if (curve == NULL)
			continue;
		if (error[0] == '\0' && mrc_finish(curve, &err) < 0)
			snprintf(error, PS_ERROR_MAX, "%s", err.msg);
		if (error[0] == '\0' && mrc_distinct(curve) > m->swap_slots)
			snprintf(error, PS_ERROR_MAX,
				 "the trace has %llu distinct pages, more than the %llu swap slots: the swap device "
				 "may fill; run these %s cells with pagesim run",
				 (unsigned long long)mrc_distinct(curve), (unsigned long long)m->swap_slots, names[k]);
		for (size_t i = 0; i < run->n; i++) {
			if (run->via_curve[i] != k)
				continue;
			if (error[0] != '\0') {
				snprintf(run->cells[i].error, sizeof run->cells[i].error, "%s", error);
				continue;
			}
			mrc_get(curve, run->cells[i].frames, &run->cells[i].stats);
			run->cells[i].done = true;
		}
	}
}

/* The look-ahead the cells need: 0 when none needs the future or one of
 * those has no window (the whole trace, in a first pass), else the
 * largest of their windows (streamed). */
static uint64_t cells_stream_window(const struct cell *cells, size_t n)
{
	uint64_t largest = 0;

	for (size_t i = 0; i < n; i++) {
		const struct policy_spec *p = cells[i].policy;
		uint64_t w = future_window(p->policy, p->params);

		if (!p->policy->needs_future)
			continue;
		if (w == 0)
			return 0;
		if (w > largest)
			largest = w;
	}
	return largest;
}

/* Prepare the look-ahead the cells need (see the top of the file): none,
 * a streaming delay line in run->ahead, or the whole trace's next uses in
 * *fut from a first pass. Returns 0, or -1 with err set. */
static int cells_plan_future(struct cells_run *run, const struct trace_spec *trace,
			     const struct trace_options *topt, const struct cells_machine *m,
			     struct future *fut, struct ps_error *err)
{
	uint64_t window = cells_stream_window(run->cells, run->n);
	bool needed = false;

	for (size_t i = 0; i < run->n; i++)
		needed |= run->cells[i].policy->policy->needs_future;
	if (!needed)
		return 0;
	if (window == 0)
		return cells_future_build(trace, topt, m, fut, err);
	run->ahead = cells_ahead_create(window, m->page_shift, m->span_pages, err);
	return run->ahead != NULL ? 0 : -1;
}

/* Point a cell's cfg at the look-ahead cells_plan_future prepared. */
static void cells_point_future(const struct cells_run *run, const struct future *fut,
			       struct sim_config *cfg)
{
	uint64_t mask;

	if (run->ahead == NULL) {
		cfg->future = fut->next_use;
		cfg->future_len = fut->len;
		return;
	}
	cfg->future = future_ring(run->ahead->future, &mask);
	cfg->future_len = UINT64_MAX; /* the delay line keeps the ring ahead */
	cfg->future_ring = mask + 1;
}

/* Start run for its n cells: none done or failed, no machine yet, none
 * given a curve. Returns 0, or -1 with err set (and nothing to free). */
static int cells_run_init(struct cells_run *run, struct ps_error *err)
{
	size_t slots = run->n ? run->n : 1;

	for (size_t i = 0; i < run->n; i++) {
		run->cells[i].done = false;
		run->cells[i].error[0] = '\0';
	}
	run->sims = calloc(slots, sizeof *run->sims);
	run->via_curve = malloc(slots * sizeof *run->via_curve);
	if (run->sims == NULL || run->via_curve == NULL) {
		free(run->sims);
		free(run->via_curve);
		return ps_error_set(err, "out of memory");
	}
	memset(run->via_curve, -1, slots * sizeof *run->via_curve);
	return 0;
}

struct sim_config cells_sim_config(const struct cells_machine *m, const struct policy_spec *policy, uint32_t frames,
				  uint64_t seed)
{
	struct sim_config cfg = {
		.policy = policy->policy,
		.policy_params = policy->params,
		.frames = frames,
		.page_shift = m->page_shift,
		.va_bits = m->va_bits,
		.swap_slots = m->swap_slots,
		.seed = seed,
		.span_pages = m->span_pages,
	};

	if (m->vm != NULL)
		cfg.vm = m->vm->vm;
	return cfg;
}

/* Create the machine of every cell that no curve gives, reading the
 * look-ahead cells_plan_future prepared (fut or run->ahead). A cell whose
 * machine cannot be created fails with the reason; the others go on. */
static void cells_create_machines(struct cells_run *run, const struct cells_machine *m,
				  const struct future *fut)
{
	for (size_t i = 0; i < run->n; i++) {
		struct cell *c = &run->cells[i];
		struct sim_config cfg = cells_sim_config(m, c->policy, c->frames, c->seed);
		struct ps_error cell_err;

		if (run->via_curve[i] >= 0)
			continue;
		cells_point_future(run, fut, &cfg);
		run->sims[i] = sim_create(&cfg, &cell_err);
		if (run->sims[i] == NULL)
			snprintf(c->error, sizeof c->error, "%s", cell_err.msg);
	}
}

/* Replay the trace through run's cells and curves: on the calling thread
 * when threads <= 1, else through the ring with one worker per feed (a
 * cell or a curve), at most threads of them. Returns what pass_run
 * returns. */
static int cells_dispatch(struct cells_run *run, const struct trace_spec *trace,
			  const struct trace_options *topt, unsigned threads, struct pass_info *info,
			  struct ps_error *err)
{
	size_t feeds = run->n + (run->curve[MRC_LRU] != NULL) + (run->curve[MRC_OPT] != NULL);
	unsigned workers = threads;

	if (threads <= 1)
		return cells_pass(run, trace, topt, info, err);
	if (workers > feeds)
		workers = (unsigned)feeds;
	if (workers == 0)
		workers = 1;
	/* With threads to spare, even one worker pays: the calling thread
	 * decodes while it replays. */
	return cells_threaded(run, trace, topt, workers, info, err);
}

/* After a complete pass, copy machine sim's results into cell c: its
 * counters, the segfaults kept, the per-segment counters and the
 * processes' resident sets (copies c owns; none when there is no memory
 * for them). */
static void cells_collect(struct cell *c, const struct sim *sim)
{
	const struct sim_segfault *kept = sim_segfaults(sim, &c->nsegfaults);
	const struct sim_segment_stats *segs;

	sim_get_stats(sim, &c->stats);
	segs = sim_segments(sim, &c->nsegments);
	memcpy(c->segfaults, kept, c->nsegfaults * sizeof *kept);
	c->segments = NULL;
	if (c->nsegments > 0) {
		c->segments = malloc(c->nsegments * sizeof *segs);
		if (c->segments == NULL)
			c->nsegments = 0;
		else
			memcpy(c->segments, segs, c->nsegments * sizeof *segs);
	}
	c->processes = sim_processes(sim, &c->nprocesses);
	c->done = true;
}

/* End run after the pass returned rc: the cells replayed get their
 * results (rc 0), or those not yet failed get err (rc < 0); then every
 * machine, curve and the delay line are destroyed. */
static void cells_run_finish(struct cells_run *run, int rc, const struct ps_error *err)
{
	for (size_t i = 0; i < run->n; i++) {
		struct cell *c = &run->cells[i];

		if (rc < 0 && c->error[0] == '\0')
			snprintf(c->error, sizeof c->error, "%s", err->msg);
		if (rc == 0 && run->sims[i] != NULL)
			cells_collect(c, run->sims[i]);
		sim_destroy(run->sims[i]);
	}
	for (int k = 0; k < CELLS_CURVES; k++)
		mrc_destroy(run->curve[k]);
	free(run->sims);
	free(run->via_curve);
	cells_ahead_destroy(run->ahead);
}

int cells_replay(const struct trace_spec *trace, const struct trace_options *topt,
		 const struct cells_machine *m, struct cell *cells, size_t n, unsigned threads,
		 cells_progress_fn *progress, void *progress_ctx, volatile sig_atomic_t *stop,
		 struct pass_info *info, struct ps_error *err)
{
	struct cells_run run = { .cells = cells, .n = n, .progress = progress,
				 .progress_ctx = progress_ctx, .stop = stop, .page_shift = m->page_shift };
	struct future fut = { 0 };
	struct trace_options main_opt = *topt;
	struct trace_events *own_events = NULL;
	int rc;

	memset(info, 0, sizeof *info);
	main_opt.mark_repeats = true; /* for the machines: cells_consume */
	if (cells_run_init(&run, err) < 0)
		return -1;
	rc = cells_plan_future(&run, trace, topt, m, &fut, err);
	if (rc == 0 && trace->gen == NULL && main_opt.events == NULL) {
		/* Renamed after the trace by trace_open. */
		own_events = main_opt.events = trace_events_create(trace->path, false);
		if (own_events == NULL)
			rc = ps_error_set(err, "out of memory");
	}
	if (rc == 0) {
		cells_plan_curves(&run, m, trace, topt, &fut);
		cells_create_machines(&run, m, &fut);
		rc = cells_dispatch(&run, trace, &main_opt, threads, info, err);
	}
	if (rc < 0 && stop != NULL && *stop)
		rc = 1;
	if (rc == 0)
		cells_finish_curves(&run, m);
	cells_run_finish(&run, rc, err);
	future_free(&fut);
	trace_events_destroy(own_events);
	return rc;
}
