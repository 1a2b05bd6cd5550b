/*
 * ws.c - Denning's working set, a variable-space policy.
 *
 * Semantics: parameter tau (T, 1..1e12, default 1000), in page references
 * of the whole machine (virtual time; with local scope, each process's
 * instance still counts the machine's references). The working set
 * W(t, T) is the set of pages referenced in the last T references, t-T+1
 * .. t. A page stays in memory while it is in the working set: a page last
 * referenced at time u is released before reference u + T + 1, so a
 * reference at time v to a page last referenced at u is a hit iff
 * v - u <= T (Denning's rule: a fault iff the page is not in W(v-1, T)).
 * Releases go through shed(): tick(now) asks to be called again when the
 * oldest resident page expires, so between expiries the hit path costs
 * only the touch() call exact recency needs (as for lru). touch() sets
 * the page's last reference time and moves it to the back of the list,
 * so of several touches in a row the last one of each page decides
 * (touch_orders_only).
 *
 * Resident set: while reference t is served memory holds W(t-1, T) plus
 * the page of t, which is W(t, T+1); so the machine's mean_resident for
 * ws:tau=T is Denning's mean working-set size s(T+1) as `pagesim ws`
 * reports it, and its faults are those of `pagesim ws` at T.
 *
 * --frames is an upper bound: a fault with every frame in use evicts the
 * least recently used page (the one that would expire first), so with
 * fewer frames than the working set needs, ws behaves as lru.
 *
 * State: the last reference time of each frame and a recency list (front:
 * least recently used, so the next to expire). admit, touch, shed, evict
 * and forget are O(1); tick is O(expired pages).
 */
#include "framelist.h"
#include "policy.h"

#include <assert.h>

struct ws_state {
	uint32_t frames;
	uint64_t tau;
	uint64_t *last; /* per frame: time of its latest reference */
	struct framelist_node recency[]; /* front: least recently used */
};

static const struct policy_param ws_params[] = {
	{ .name = "tau", .help = "window T: a page not referenced in the last T references leaves",
	  .def = 1000, .min = 1, .max = 1e12, .integer = true },
	{ .name = NULL },
};

/* Bytes of state for cfg: the header, the list's nodes, a time per frame. */
static size_t ws_state_size(const struct policy_config *cfg)
{
	return sizeof(struct ws_state) + framelist_size(cfg->frames) + (size_t)cfg->frames * sizeof(uint64_t);
}

/* Start empty, with window cfg->params[0]. */
static void ws_init(void *state, const struct policy_config *cfg)
{
	struct ws_state *s = state;

	assert(cfg->params != NULL && cfg->params[0] >= 1);
	s->frames = cfg->frames;
	s->tau = (uint64_t)cfg->params[0];
	s->last = (uint64_t *)((char *)s->recency + framelist_size(cfg->frames));
	framelist_init(s->recency, s->frames);
}

/* frame (not listed) was loaded by reference ref: the most recent. */
static void ws_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct ws_state *s = state;

	s->last[frame] = ref->now;
	framelist_push_back(s->recency, s->frames, frame);
}

/* frame (listed) was referenced again: the most recent, from ref->now. */
static void ws_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct ws_state *s = state;

	s->last[frame] = ref->now;
	if (framelist_is_back(s->recency, s->frames, frame))
		return;
	framelist_remove(s->recency, s->frames, frame);
	framelist_push_back(s->recency, s->frames, frame);
}

/* Has the page in f (listed) left the working set before reference now? */
static bool ws_expired(const struct ws_state *s, uint32_t f, uint64_t now)
{
	return s->last[f] + s->tau < now;
}

/* The next time a page can expire, as seen before reference now once
 * shed() has released the expired ones: the first unexpired page's
 * expiry, or now + T + 1 when none is (no page admitted from now on
 * expires sooner). */
static uint64_t ws_tick(void *state, uint64_t now)
{
	struct ws_state *s = state;
	uint32_t f = s->recency[s->frames].next;

	while (f != s->frames && ws_expired(s, f, now))
		f = s->recency[f].next;
	return f != s->frames ? s->last[f] + s->tau + 1 : now + s->tau + 1;
}

/* The least recently used page if it has expired (dropped), else none. */
static uint32_t ws_shed(void *state, uint64_t now)
{
	struct ws_state *s = state;
	uint32_t f = s->recency[s->frames].next;

	if (f == s->frames || !ws_expired(s, f, now))
		return POLICY_NO_FRAME;
	framelist_remove(s->recency, s->frames, f);
	return f;
}

/* Every frame is in use (the --frames bound): the least recently used. */
static uint32_t ws_evict(void *state)
{
	struct ws_state *s = state;
	uint32_t victim = framelist_front(s->recency, s->frames);

	framelist_remove(s->recency, s->frames, victim);
	return victim;
}

/* The core freed frame (listed): drop it. */
static void ws_forget(void *state, uint32_t frame)
{
	struct ws_state *s = state;

	framelist_remove(s->recency, s->frames, frame);
}

const struct policy policy_ws = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "ws",
	.summary = "working set: keep the pages referenced in the last tau references (variable space)",
	.state_size = ws_state_size,
	.init = ws_init,
	.admit = ws_admit,
	.touch = ws_touch,
	.touch_orders_only = true,
	.evict = ws_evict,
	.forget = ws_forget,
	.params = ws_params,
	.tick = ws_tick,
	.shed = ws_shed,
};
