/*
 * lru.c - exact least recently used.
 *
 * Semantics: the victim is the resident frame whose page was referenced
 * longest ago; admit() and every hit (touch) make the frame the most
 * recently used. Accessed and dirty bits are never read or cleared (the
 * policy sees every reference through touch, which costs one call per
 * hit; touch only reorders, so a run of hits on two pages may come as one
 * call for each, in the order of their last references: policy.h,
 * touch_orders_only). There are no ties: references are totally ordered.
 * forget(f) drops f; a later admit(f) makes it the most recently used.
 *
 * Recency is a framelist (framelist.h): the front is the least recently
 * used frame, the back the most recently used. admit, touch, evict and
 * forget are all O(1).
 */
#include "framelist.h"
#include "policy.h"
#include "view.h"

struct lru_state {
	uint32_t frames;
	struct framelist_node recency[]; /* front: least recently used */
};

/* Bytes of state for cfg: the header plus the list's nodes. */
static size_t lru_state_size(const struct policy_config *cfg)
{
	return sizeof(struct lru_state) + framelist_size(cfg->frames);
}

/* Start with an empty list. */
static void lru_init(void *state, const struct policy_config *cfg)
{
	struct lru_state *s = state;

	s->frames = cfg->frames;
	framelist_init(s->recency, s->frames);
}

/* A page was loaded into frame, which must not be listed: it is now the
 * most recently used. */
static void lru_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lru_state *s = state;

	(void)ref;
	framelist_push_back(s->recency, s->frames, frame);
}

/* The page in frame, which must be listed, was referenced: move it to
 * the most recently used end (nothing to do if it is there already). */
static void lru_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lru_state *s = state;

	(void)ref;
	if (framelist_is_back(s->recency, s->frames, frame))
		return;
	framelist_remove(s->recency, s->frames, frame);
	framelist_push_back(s->recency, s->frames, frame);
}

/* Return the least recently used frame and drop it. At least one frame
 * must be resident. */
static uint32_t lru_evict(void *state)
{
	struct lru_state *s = state;
	uint32_t victim = framelist_front(s->recency, s->frames);

	framelist_remove(s->recency, s->frames, victim);
	return victim;
}

/* The core freed frame, which must be listed: drop it. */
static void lru_forget(void *state, uint32_t frame)
{
	struct lru_state *s = state;

	framelist_remove(s->recency, s->frames, frame);
}

/* peek(): a prefetch hint, the victim after next (the second frame of
 * the list; the sentinel, which the core ignores, if there is none). */
static uint32_t lru_peek(const void *state)
{
	const struct lru_state *s = state;

	return s->recency[s->recency[s->frames].next].next;
}

/* The view: the recency stack from the least recently used (the next
 * victim) to the most. */
static void lru_describe(const void *state, const struct policy_viewer *v)
{
	const struct lru_state *s = state;

	view_framelist(v, "stack (LRU..MRU)", s->recency, s->frames, NULL);
}

const struct policy policy_lru = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "lru",
	.summary = "evict the page referenced longest ago (exact: a list kept in reference order)",
	.needs_future = false,
	.state_size = lru_state_size,
	.init = lru_init,
	.admit = lru_admit,
	.touch = lru_touch,
	.touch_orders_only = true,
	.evict = lru_evict,
	.forget = lru_forget,
	.peek = lru_peek,
	.describe = lru_describe,
};
