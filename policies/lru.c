/*
 * lru.c - exact least recently used.
 *
 * Semantics: the victim is the resident frame whose page was referenced
 * longest ago; admit() and every hit (touch) make the frame the most
 * recently used. Accessed and dirty bits are never read or cleared (the
 * policy sees every reference through touch, which costs one call per
 * hit). There are no ties: references are totally ordered. forget(f)
 * drops f; a later admit(f) makes it the most recently used.
 *
 * Recency is a circular doubly linked list threaded through one node per
 * frame (uint32 indices), with a sentinel node at index frames:
 * node[frames].next is the least recently used frame, node[frames].prev
 * the most recently used. A frame not in the list has next == LRU_NONE.
 * admit, touch, evict and forget are all O(1).
 */
#include "policy.h"

#include <assert.h>

#define LRU_NONE UINT32_MAX

struct lru_node {
	uint32_t prev, next;
};

struct lru_state {
	uint32_t frames;
	uint32_t resident;
	struct lru_node node[]; /* frames + 1 entries; the last is the sentinel */
};

/* Bytes of state for cfg: the header plus frames + 1 list nodes. */
static size_t lru_state_size(const struct policy_config *cfg)
{
	return sizeof(struct lru_state) + ((size_t)cfg->frames + 1) * sizeof(struct lru_node);
}

/* Start with an empty list: the sentinel points at itself and every frame
 * is marked absent. */
static void lru_init(void *state, const struct policy_config *cfg)
{
	struct lru_state *s = state;

	s->frames = cfg->frames;
	s->resident = 0;
	for (uint32_t f = 0; f < s->frames; f++)
		s->node[f] = (struct lru_node){ .prev = LRU_NONE, .next = LRU_NONE };
	s->node[s->frames] = (struct lru_node){ .prev = s->frames, .next = s->frames };
}

/* Link absent frame at the most recently used end. */
static void lru_push_mru(struct lru_state *s, uint32_t frame)
{
	uint32_t sentinel = s->frames, mru = s->node[sentinel].prev;

	s->node[frame] = (struct lru_node){ .prev = mru, .next = sentinel };
	s->node[mru].next = frame;
	s->node[sentinel].prev = frame;
}

/* Unlink listed frame from wherever it is and mark it absent. */
static void lru_unlink(struct lru_state *s, uint32_t frame)
{
	struct lru_node n = s->node[frame];

	s->node[n.prev].next = n.next;
	s->node[n.next].prev = n.prev;
	s->node[frame] = (struct lru_node){ .prev = LRU_NONE, .next = LRU_NONE };
}

/* A page was loaded into frame, which must not be listed: it is now the
 * most recently used. */
static void lru_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lru_state *s = state;

	(void)ref;
	assert(frame < s->frames && s->node[frame].next == LRU_NONE);
	lru_push_mru(s, frame);
	s->resident++;
}

/* The page in frame, which must be listed, was referenced: move it to
 * the most recently used end (nothing to do if it is there already). */
static void lru_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lru_state *s = state;

	(void)ref;
	assert(frame < s->frames && s->node[frame].next != LRU_NONE);
	if (s->node[frame].next == s->frames)
		return;
	lru_unlink(s, frame);
	lru_push_mru(s, frame);
}

/* Return the least recently used frame and drop it. At least one frame
 * must be resident. */
static uint32_t lru_evict(void *state)
{
	struct lru_state *s = state;
	uint32_t victim = s->node[s->frames].next;

	assert(s->resident > 0 && "lru_evict: no resident frame");
	lru_unlink(s, victim);
	s->resident--;
	return victim;
}

/* The core freed frame, which must be listed: drop it. */
static void lru_forget(void *state, uint32_t frame)
{
	struct lru_state *s = state;

	assert(frame < s->frames && s->node[frame].next != LRU_NONE);
	lru_unlink(s, frame);
	s->resident--;
}

const struct policy policy_lru = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "lru",
	.summary = "evict the page referenced longest ago (exact, one call per hit)",
	.needs_future = false,
	.state_size = lru_state_size,
	.init = lru_init,
	.admit = lru_admit,
	.touch = lru_touch,
	.evict = lru_evict,
	.forget = lru_forget,
};
