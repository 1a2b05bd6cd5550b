/*
 * wscurve.c - Denning's working-set curves in one pass.
 *
 * Definitions (Denning 1968; the ws policy, policies/ws.c, follows them):
 * references are numbered t = 0, 1, ..., K-1 in trace order, each the
 * touch of one page of one process (pageref.h; events are skipped). The
 * working set W(t, T) is the set of pages referenced at times t-T+1 .. t;
 * w(t, T) = |W(t, T)|. A reference at t is a fault of the working-set
 * policy iff its page is not in W(t-1, T): first touched, or last
 * referenced more than T references before. The mean working-set size is
 * s(T) = (1/K) sum of w(t, T) over t, and the fault rate f(T) = faults/K.
 *
 * How. For every window at once, a running w(t, T), kept exactly with
 * O(1) work per reference and window: the reference at t to a page last
 * referenced at u (or never) adds 1 to w if u < t-T (it was not in
 * W(t-1, T)) -- which is also exactly a fault; the reference at t-T
 * leaves the window and subtracts 1 if it was still the latest reference
 * of its page. A ring of the pages of the last max(T) references says
 * which page that was. The pages are numbered densely through an
 * open-addressing hash of (pid, page).
 *
 * The series. w(t, T) is sampled at t = 0, step, 2 step, ...: step starts
 * at 1 and doubles (dropping every other sample) whenever 2 * points
 * samples are kept, so a trace of any length leaves between points and
 * 2 * points evenly spaced samples (fewer for a short trace), each an
 * exact value, not an average.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "replay/wscurve.h"
#include "trace/pageref.h"

#define NEVER UINT64_MAX

struct ws_key {
	uint64_t vpn;
	uint32_t pid;
	uint32_t id; /* dense page number + 1; 0: an empty slot */
};

struct wscurve {
	struct wscurve_config cfg;
	uint64_t taus[WSCURVE_MAX_TAUS];
	struct wscurve_point pt[WSCURVE_MAX_TAUS];
	uint32_t count[WSCURVE_MAX_TAUS]; /* w(t, T) after the latest reference */
	uint64_t now;                     /* references so far */

	struct ws_key *keys;              /* (pid, vpn) -> id, power-of-two slots */
	uint64_t slots, npages;
	uint64_t *last;                   /* per page: its latest reference */
	uint64_t last_cap;
	uint32_t *ring;                   /* page of reference t at t & ring_mask */
	uint64_t ring_mask;

	uint32_t *samples;                /* nsamples rows of ntaus values */
	size_t nsamples;
	uint64_t step;
};

struct wscurve *wscurve_create(const struct wscurve_config *cfg, struct ps_error *err)
{
	struct wscurve *w = calloc(1, sizeof *w);
	uint64_t ring = 2, max = 1;

	if (w == NULL)
		goto oom;
	w->cfg = *cfg;
	memcpy(w->taus, cfg->taus, cfg->ntaus * sizeof *w->taus);
	w->cfg.taus = w->taus;
	for (size_t i = 0; i < cfg->ntaus; i++) {
		w->pt[i].tau = cfg->taus[i];
		max = cfg->taus[i] > max ? cfg->taus[i] : max;
	}
	while (ring <= max)
		ring *= 2;
	w->ring_mask = ring - 1;
	w->slots = 1024;
	w->step = 1;
	w->keys = calloc(w->slots, sizeof *w->keys);
	w->ring = malloc(ring * sizeof *w->ring);
	w->samples = malloc(2 * cfg->points * cfg->ntaus * sizeof *w->samples);
	if (w->keys != NULL && w->ring != NULL && w->samples != NULL)
		return w;
oom:
	wscurve_destroy(w);
	ps_error_set(err, "out of memory for the working-set curves");
	return NULL;
}

void wscurve_destroy(struct wscurve *w)
{
	if (w == NULL)
		return;
	free(w->keys);
	free(w->last);
	free(w->ring);
	free(w->samples);
	free(w);
}

/* The slot of (pid, vpn) in keys (slots a power of two): its own, or the
 * empty one where it goes. */
static struct ws_key *ws_slot(struct ws_key *keys, uint64_t slots, uint32_t pid, uint64_t vpn)
{
	uint64_t h = (vpn ^ ((uint64_t)pid * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;

	for (uint64_t i = (h ^ (h >> 29)) & (slots - 1);; i = (i + 1) & (slots - 1))
		if (keys[i].id == 0 || (keys[i].vpn == vpn && keys[i].pid == pid))
			return &keys[i];
}

/* Double the hash table. False when memory is short. */
static bool ws_grow(struct wscurve *w)
{
	struct ws_key *keys = calloc(2 * w->slots, sizeof *keys);

	if (keys == NULL)
		return false;
	for (uint64_t i = 0; i < w->slots; i++)
		if (w->keys[i].id != 0)
			*ws_slot(keys, 2 * w->slots, w->keys[i].pid, w->keys[i].vpn) = w->keys[i];
	free(w->keys);
	w->keys = keys;
	w->slots *= 2;
	return true;
}

/* The dense number of (pid, vpn), numbering it if new (its last is then
 * NEVER); UINT32_MAX when memory is short. */
static uint32_t ws_page(struct wscurve *w, uint32_t pid, uint64_t vpn)
{
	struct ws_key *k = ws_slot(w->keys, w->slots, pid, vpn);

	if (k->id != 0)
		return k->id - 1;
	if (w->npages == UINT32_MAX - 1 || (2 * (w->npages + 1) > w->slots && !ws_grow(w)))
		return UINT32_MAX;
	if (w->npages == w->last_cap) {
		uint64_t cap = w->last_cap ? 2 * w->last_cap : 1024;
		uint64_t *last = realloc(w->last, cap * sizeof *last);

		if (last == NULL)
			return UINT32_MAX;
		w->last = last;
		w->last_cap = cap;
	}
	k = ws_slot(w->keys, w->slots, pid, vpn);
	*k = (struct ws_key){ .vpn = vpn, .pid = pid, .id = (uint32_t)++w->npages };
	w->last[w->npages - 1] = NEVER;
	return (uint32_t)(w->npages - 1);
}

/* Keep sample of now if it falls on the step, halving the series when full. */
static void ws_sample(struct wscurve *w)
{
	const size_t n = w->cfg.ntaus;

	if (w->now % w->step != 0)
		return;
	memcpy(w->samples + w->nsamples * n, w->count, n * sizeof *w->count);
	if (++w->nsamples < 2 * w->cfg.points)
		return;
	for (size_t k = 0; 2 * k < w->nsamples; k++)
		memmove(w->samples + k * n, w->samples + 2 * k * n, n * sizeof *w->samples);
	w->nsamples = (w->nsamples + 1) / 2;
	w->step *= 2;
}

/* Reference number now to page p (see the top of the file). */
static void ws_reference(struct wscurve *w, uint32_t p)
{
	const uint64_t t = w->now, u = w->last[p];

	for (size_t i = 0; i < w->cfg.ntaus; i++)
		if (u == NEVER || u + w->taus[i] < t) {
			w->count[i]++;
			w->pt[i].faults++;
		}
	w->last[p] = t;
	w->ring[t & w->ring_mask] = p;
	for (size_t i = 0; i < w->cfg.ntaus; i++) {
		uint64_t tau = w->taus[i];

		if (t >= tau && w->last[w->ring[(t - tau) & w->ring_mask]] == t - tau)
			w->count[i]--;
		w->pt[i].sum += w->count[i];
	}
	ws_sample(w);
	w->now++;
}

int wscurve_feed_batch(struct wscurve *w, const struct trace_batch *b, struct ps_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct trace_rec *rec = &b->recs[i];
		uint64_t vpn, pages;

		if (rec->op == OP_EVENT)
			continue;
		pages = pageref_span(rec, w->cfg.page_shift, w->cfg.span_pages, &vpn);
		for (; pages > 0; pages--, vpn++) {
			uint32_t p = ws_page(w, rec->pid, vpn);

			if (p == UINT32_MAX)
				return ps_error_set(err, "out of memory for the working-set curves after %llu references",
						    (unsigned long long)w->now);
			ws_reference(w, p);
		}
	}
	return 0;
}

uint64_t wscurve_refs(const struct wscurve *w)
{
	return w->now;
}

struct wscurve_point wscurve_point(const struct wscurve *w, size_t i)
{
	return w->pt[i];
}

const uint32_t *wscurve_series(const struct wscurve *w, size_t *n, uint64_t *step)
{
	*n = w->nsamples;
	*step = w->step;
	return w->samples;
}
