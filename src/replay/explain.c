/*
 * explain.c - the replay behind `pagesim explain`.
 *
 * How a step is known. The machine (machine/sim.h) is fed exactly as
 * `pagesim run` feeds it, and watched from outside: around each page
 * reference the engine copies the counters, and their difference names
 * the outcome (one of hits, zero_fills, stack_growths, file_reads,
 * swap_reads, minor_faults, cow_copies, cow_reuses, segfaults,
 * ignored_refs went up by one); the eviction hook names each victim, and
 * whether file_writebacks or swap_writes moved between one victim and the
 * next tells where a dirty one went. Nothing in the replay loop changes
 * for explain, so what it shows is what run computes.
 *
 * One reference at a time. A record that covers several pages is fed as
 * one record per page, in ascending order, each with the original line:
 * the machine references the pages of a record one after another in that
 * order anyway, and a record carries nothing else (its process is the
 * same for every piece, so there is no process switch in between).
 *
 * Two passes. The first replays the cell silently through cells_replay,
 * exactly as `pagesim run` does: its counters are the summary, and any
 * error of the trace (FILE:LINE) or of the machine stops explain before a
 * single line is shown. The second replays it again, feeding records
 * outside the window in whole runs at full speed, and stops once the
 * window is done. Where it covers the whole trace, its totals must equal
 * the first's; that is checked, as an invariant.
 *
 * The window counts page references: ref is the index of a reference
 * among all the trace's page references (those of killed processes
 * included), from 0. An event is in the window when the next reference
 * is.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/experiment.h"
#include "replay/explain.h"
#include "replay/future.h"
#include "trace/pageref.h"
#include "trace/trace_event.h"

struct explain_run {
	const struct explain_request *req;
	explain_step_fn *step;
	void *ctx;
	struct sim *sim;
	uint64_t ref;          /* page references seen so far */
	bool done;             /* the window is over: stop the pass */
	bool short_of_memory;
	/* The victims of the reference being explained (the eviction hook),
	 * with file_writebacks as each one began. */
	struct explain_victim victims[EXPLAIN_VICTIMS];
	uint64_t writebacks_at[EXPLAIN_VICTIMS];
	uint64_t evictions;
	struct explain_view view;
};

/* sim_evict_hook: note victim k of the current reference. */
static void explain_on_evict(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct explain_run *run = ctx;
	struct sim_stats now;

	if (run->evictions < EXPLAIN_VICTIMS) {
		sim_get_stats(run->sim, &now);
		run->victims[run->evictions] = (struct explain_victim){
			.frame = frame, .pid = pid, .page = vpn, .fate = dirty ? EXPLAIN_TO_SWAP : EXPLAIN_DROPPED,
		};
		run->writebacks_at[run->evictions] = now.file_writebacks;
	}
	run->evictions++;
}

/* Settle where each dirty victim of the reference went: to its file when
 * file_writebacks moved between its eviction and the next (or the end,
 * whose count is writebacks_end). */
static void explain_fates(struct explain_run *run, uint64_t writebacks_end)
{
	unsigned n = run->evictions < EXPLAIN_VICTIMS ? (unsigned)run->evictions : EXPLAIN_VICTIMS;

	for (unsigned k = 0; k < n; k++) {
		uint64_t next = k + 1 < n ? run->writebacks_at[k + 1] : writebacks_end;

		if (run->victims[k].fate == EXPLAIN_TO_SWAP && next > run->writebacks_at[k])
			run->victims[k].fate = EXPLAIN_TO_FILE;
	}
}

/* The outcome the counters' difference d names. */
static enum explain_outcome explain_outcome_of(const struct sim_stats *d)
{
	if (d->ignored_refs)
		return EXPLAIN_IGNORED;
	if (d->segfaults)
		return EXPLAIN_SEGFAULT;
	if (d->cow_copies)
		return EXPLAIN_COW_COPY;
	if (d->cow_reuses)
		return EXPLAIN_COW_REUSE;
	if (d->minor_faults)
		return EXPLAIN_MINOR;
	if (d->swap_reads)
		return EXPLAIN_SWAP_READ;
	if (d->file_reads)
		return EXPLAIN_FILE_READ;
	if (d->stack_growths)
		return EXPLAIN_STACK_GROWTH;
	if (d->zero_fills)
		return EXPLAIN_ZERO_FILL;
	return EXPLAIN_HIT;
}

/* Append an empty list named name to the view (policy_viewer.list). */
static void explain_view_list(void *ctx, const char *name)
{
	struct explain_view *v = ctx;

	if (v->nlists == v->lists_cap) {
		size_t cap = v->lists_cap ? 2 * v->lists_cap : 4;
		struct explain_list *grown = realloc(v->lists, cap * sizeof *grown);

		if (grown == NULL) {
			v->failed = true;
			return;
		}
		v->lists = grown;
		v->lists_cap = cap;
	}
	v->lists[v->nlists++] = (struct explain_list){ .name = name, .first = v->nitems };
}

/* Append an item to the view's last list (policy_viewer.item); the
 * page of a resident frame is filled in later (explain_view_name). */
static void explain_view_item(void *ctx, const struct policy_view_item *pi)
{
	struct explain_view *v = ctx;
	struct explain_item *it;

	if (v->nlists == 0 || v->failed)
		return;
	if (v->nitems == v->items_cap) {
		size_t cap = v->items_cap ? 2 * v->items_cap : 64;
		struct explain_item *grown = realloc(v->items, cap * sizeof *grown);

		if (grown == NULL) {
			v->failed = true;
			return;
		}
		v->items = grown;
		v->items_cap = cap;
	}
	it = &v->items[v->nitems++];
	*it = (struct explain_item){ .frame = pi->frame, .pid = pi->pid, .page = pi->page, .mark = pi->mark,
				     .nvalues = pi->nvalues > POLICY_VIEW_VALUES ? POLICY_VIEW_VALUES : pi->nvalues };
	for (unsigned k = 0; k < it->nvalues; k++) {
		it->key[k] = pi->key[k];
		it->value[k] = pi->value[k];
	}
	v->lists[v->nlists - 1].n++;
}

/* The view of a policy without describe(): the frames in use, by
 * number, with their accessed and dirty bits. */
static void explain_frame_table(struct explain_run *run, const struct policy_viewer *viewer)
{
	viewer->list(viewer->ctx, "frames (frame order; A, D)");
	for (uint32_t f = 0; f < run->req->frames; f++) {
		struct sim_frame_view fv;
		struct policy_view_item it = { .frame = f, .nvalues = 2, .key = { "A", "D" } };

		sim_frame_view(run->sim, f, &fv);
		if (!fv.in_use)
			continue;
		it.value[0] = fv.accessed;
		it.value[1] = fv.dirty;
		viewer->item(viewer->ctx, &it);
	}
}

/* Build the view of the machine after a reference of pid to page:
 * the policy's lists, each resident item named by its frame's page, the
 * item of (pid, page) marked changed. */
static void explain_view_build(struct explain_run *run, uint32_t pid, uint64_t page, uint64_t processes)
{
	struct explain_view *v = &run->view;
	const struct policy_viewer viewer = { .ctx = v, .list = explain_view_list, .item = explain_view_item };

	v->nlists = v->nitems = 0;
	v->failed = false;
	v->many_pids = processes > 1;
	if (!sim_describe(run->sim, &viewer))
		explain_frame_table(run, &viewer);
	for (size_t i = 0; i < v->nitems; i++) {
		struct explain_item *it = &v->items[i];
		struct sim_frame_view fv;

		if (it->frame == POLICY_VIEW_GHOST || it->frame >= run->req->frames)
			continue;
		sim_frame_view(run->sim, it->frame, &fv);
		it->pid = fv.pid;
		it->page = fv.vpn;
		it->changed = fv.in_use && fv.pid == pid && fv.vpn == page;
	}
	run->short_of_memory |= v->failed;
}

/* Feed records [from, to) of b silently. Returns 0 or -1 with err set. */
static int explain_feed(struct explain_run *run, const struct trace_batch *b, size_t from, size_t to,
			struct ps_error *err)
{
	const struct trace_batch part = trace_batch_part(b, from, to - from);

	return to > from ? sim_feed_batch(run->sim, &part, err) : 0;
}

/* Feed the one record rec (read at line) and describe it as step st (its
 * outcome, victims, totals). Returns 0 or -1 with err set. */
static int explain_one(struct explain_run *run, const struct trace_batch *b, const struct trace_rec *rec,
		       uint64_t line, struct explain_step *st, struct ps_error *err)
{
	const struct trace_batch one = { .recs = rec, .lines = &line, .events = b->events, .n = 1 };
	struct sim_stats before, after;

	sim_get_stats(run->sim, &before);
	run->evictions = 0;
	sim_set_evict_hook(run->sim, explain_on_evict, run);
	if (sim_feed_batch(run->sim, &one, err) < 0)
		return -1;
	sim_set_evict_hook(run->sim, NULL, NULL);
	sim_get_stats(run->sim, &after);
	explain_fates(run, after.file_writebacks);
	st->line = line;
	st->evictions = run->evictions;
	st->nvictims = run->evictions < EXPLAIN_VICTIMS ? (unsigned)run->evictions : EXPLAIN_VICTIMS;
	memcpy(st->victims, run->victims, sizeof st->victims);
	st->hits = after.hits;
	st->faults = after.faults;
	st->dirty_evictions = after.dirty_evictions;
	sim_stats_sub(&after, &before);
	st->outcome = explain_outcome_of(&after);
	st->tlb = run->req->machine->vm == NULL || run->req->machine->vm->vm.tlb_entries == 0 ? -1
		  : after.tlb_hits > 0							     ? 1
											     : 0;
	return 0;
}

/* Is the reference (or event) at run->ref, of pid, to be shown? */
static bool explain_shown(const struct explain_run *run, uint32_t pid)
{
	const struct explain_request *req = run->req;

	return run->ref >= req->from && run->ref - req->from < req->count && (!req->one_pid || req->pid == pid);
}

/* Explain event record i of b: feed it, and show it if it is in the
 * window. Returns 0 or -1 with err set. */
static int explain_event(struct explain_run *run, const struct trace_batch *b, size_t i, struct ps_error *err)
{
	const struct trace_event *ev = trace_events_get(b->events, b->recs[i].addr);
	char text[512];
	struct sim_stats now;
	struct explain_step st = { .is_event = true, .event = text, .line = trace_batch_line(b, i) };

	if (explain_feed(run, b, i, i + 1, err) < 0)
		return -1;
	if (ev == NULL || !explain_shown(run, ev->pid))
		return 0;
	trace_event_format(ev, text, sizeof text);
	if (run->req->view) { /* the lists as they stand, for a printer's header */
		sim_get_stats(run->sim, &now);
		explain_view_build(run, UINT32_MAX, 0, now.processes);
		st.view = &run->view;
	}
	if (ev->kind != EV_FORK && ev->kind != EV_EXIT) {
		size_t len = strlen(text);

		snprintf(text + len, sizeof text - len, " (process %u)", (unsigned)ev->pid);
	}
	if (!run->step(run->ctx, &st))
		run->short_of_memory = true;
	return 0;
}

/* Explain the page references of record i of b, one at a time, showing
 * those in the window. Returns 0 or -1 with err set. */
static int explain_record(struct explain_run *run, const struct trace_batch *b, size_t i, struct ps_error *err)
{
	const struct trace_rec *rec = &b->recs[i];
	const struct cells_machine *m = run->req->machine;
	uint64_t first, pages = pageref_span(rec, m->page_shift, m->span_pages, &first);
	uint64_t end = rec->addr + (rec->size ? rec->size : 1) - 1;

	for (uint64_t k = 0; k < pages; k++, run->ref++) {
		struct trace_rec piece = *rec;
		struct explain_step st = { .ref = run->ref, .pid = rec->pid, .page = first + k };
		struct sim_stats now;

		if (pages > 1) {
			uint64_t page_end = ((first + k + 1) << m->page_shift) - 1;

			piece.addr = k == 0 ? rec->addr : (first + k) << m->page_shift;
			piece.size = (uint16_t)((page_end < end ? page_end : end) - piece.addr + 1);
		}
		if (!explain_shown(run, rec->pid)) {
			const uint64_t line = trace_batch_line(b, i);

			if (explain_feed(run, &(struct trace_batch){ .recs = &piece, .line0 = line, .events = b->events,
								     .n = 1 },
					 0, 1, err) < 0)
				return -1;
			continue;
		}
		if (explain_one(run, b, &piece, trace_batch_line(b, i), &st, err) < 0)
			return -1;
		st.addr = piece.addr;
		st.op = rec->op == OP_WRITE ? 'W' : rec->op == OP_FETCH ? 'X' : 'R';
		sim_get_stats(run->sim, &now);
		if (run->req->view) {
			explain_view_build(run, rec->pid, st.page, now.processes);
			st.view = &run->view;
		}
		if (!run->step(run->ctx, &st))
			run->short_of_memory = true;
	}
	return 0;
}

/* pass_consumer of the second pass: feed b, explaining the records that
 * reach into the window, and stop once it is over. */
static int explain_consume(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct explain_run *run = ctx;
	const struct cells_machine *m = run->req->machine;
	size_t quiet = 0; /* records [quiet, i) are yet to be fed silently */

	for (size_t i = 0; i < b->n && !run->done; i++) {
		const struct trace_rec *rec = &b->recs[i];
		uint64_t first, pages = rec->op == OP_EVENT ? 0 : pageref_span(rec, m->page_shift, m->span_pages, &first);

		if (run->ref + pages <= run->req->from && rec->op != OP_EVENT) {
			run->ref += pages;
			continue;
		}
		if (explain_feed(run, b, quiet, i, err) < 0)
			return -1;
		quiet = i + 1;
		if (run->ref >= run->req->from && run->ref - run->req->from >= run->req->count) {
			run->done = true;
			break;
		}
		if ((rec->op == OP_EVENT ? explain_event(run, b, i, err) : explain_record(run, b, i, err)) < 0)
			return -1;
		if (run->short_of_memory)
			return ps_error_set(err, "out of memory");
	}
	if (run->done)
		return ps_error_set(err, "explain: window done");
	return explain_feed(run, b, quiet, b->n, err);
}

/* Make the second pass's machine, as cells.c makes a cell's (fut: the
 * look-ahead, for a policy that needs one). NULL with err set. */
static struct sim *explain_machine(const struct explain_request *req, const struct future *fut, struct ps_error *err)
{
	struct sim_config cfg = cells_sim_config(req->machine, req->policy, req->frames, req->seed);

	cfg.future = fut->next_use;
	cfg.future_len = fut->len;
	return sim_create(&cfg, err);
}

/* The second pass: replay with a fresh machine, showing the window.
 * Checks against cell (the first pass) when it covered the whole trace.
 * Returns 0 or -1 with err set. */
static int explain_second_pass(const struct explain_request *req, explain_step_fn *step, void *ctx,
			       const struct cell *cell, struct ps_error *err)
{
	struct future fut = { 0 };
	struct explain_run run = { .req = req, .step = step, .ctx = ctx };
	struct pass_info info;
	int rc = 0;

	if (req->policy->policy->needs_future && cells_future_build(req->trace, req->topt, req->machine, &fut, err) < 0)
		return -1;
	run.sim = explain_machine(req, &fut, err);
	if (run.sim == NULL) {
		future_free(&fut);
		return -1;
	}
	rc = pass_run(req->trace, req->topt, explain_consume, &run, &info, err);
	if (rc < 0 && run.done)
		rc = 0;
	if (rc == 0 && !run.done) {
		struct sim_stats whole;

		sim_get_stats(run.sim, &whole);
		if (memcmp(&whole, &cell->stats, sizeof whole) != 0) {
			fprintf(stderr, "explain_second_pass: the explained replay's totals differ from the run's\n");
			abort();
		}
	}
	sim_destroy(run.sim);
	free(run.view.lists);
	free(run.view.items);
	future_free(&fut);
	return rc;
}

int explain_replay(const struct explain_request *req, explain_step_fn *step, void *ctx, struct cell *cell,
		   struct pass_info *info, struct ps_error *err)
{
	*cell = (struct cell){ .policy = req->policy, .frames = req->frames, .seed = req->seed };
	if (cells_replay(req->trace, req->topt, req->machine, cell, 1, 1, NULL, NULL, NULL, info, err) != 0)
		return -1;
	if (cell->error[0] != '\0')
		return ps_error_set(err, "%s", cell->error);
	return explain_second_pass(req, step, ctx, cell, err);
}
