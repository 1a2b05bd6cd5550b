/*
 * fifo.c - first in, first out.
 *
 * Semantics: the victim is the resident frame admitted longest ago. Hits
 * change nothing (touch is NULL), accessed and dirty bits are never read
 * or cleared. A newly admitted page goes to the back of the queue. There
 * are no ties: admissions are totally ordered. forget(f) takes f out of
 * the queue wherever it is; a later admit(f) puts it at the back.
 *
 * The queue is a circular doubly linked list threaded through one node per
 * frame, with a sentinel node at index frames: node[frames].next is the
 * oldest frame, node[frames].prev the newest. A linked list rather than a
 * ring of frame numbers, because forget() of a frame in the middle must be
 * O(1); every operation is O(1). A frame not in the queue has next ==
 * FIFO_NONE.
 */
#include "policy.h"

#include <assert.h>

#define FIFO_NONE UINT32_MAX

struct fifo_node {
	uint32_t prev, next;
};

struct fifo_state {
	uint32_t frames;
	uint32_t resident;
	struct fifo_node node[]; /* frames + 1 entries; the last is the sentinel */
};

/* Bytes of state for cfg: the header plus frames + 1 list nodes. */
static size_t fifo_state_size(const struct policy_config *cfg)
{
	return sizeof(struct fifo_state) + ((size_t)cfg->frames + 1) * sizeof(struct fifo_node);
}

/* Start with an empty queue: the sentinel points at itself and every
 * frame is marked absent. */
static void fifo_init(void *state, const struct policy_config *cfg)
{
	struct fifo_state *s = state;

	s->frames = cfg->frames;
	s->resident = 0;
	for (uint32_t f = 0; f < s->frames; f++)
		s->node[f] = (struct fifo_node){ .prev = FIFO_NONE, .next = FIFO_NONE };
	s->node[s->frames] = (struct fifo_node){ .prev = s->frames, .next = s->frames };
}

/* Link absent frame at the back of the queue (just before the sentinel). */
static void fifo_push_back(struct fifo_state *s, uint32_t frame)
{
	uint32_t sentinel = s->frames, last = s->node[sentinel].prev;

	assert(frame < s->frames && s->node[frame].next == FIFO_NONE);
	s->node[frame] = (struct fifo_node){ .prev = last, .next = sentinel };
	s->node[last].next = frame;
	s->node[sentinel].prev = frame;
	s->resident++;
}

/* Unlink queued frame from wherever it is and mark it absent. */
static void fifo_unlink(struct fifo_state *s, uint32_t frame)
{
	struct fifo_node n = s->node[frame];

	assert(frame < s->frames && n.next != FIFO_NONE);
	s->node[n.prev].next = n.next;
	s->node[n.next].prev = n.prev;
	s->node[frame] = (struct fifo_node){ .prev = FIFO_NONE, .next = FIFO_NONE };
	s->resident--;
}

/* A page was loaded into frame: it becomes the newest. frame must not be
 * queued already. */
static void fifo_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	(void)ref;
	fifo_push_back(state, frame);
}

/* Return the oldest frame and drop it from the queue. At least one frame
 * must be resident. */
static uint32_t fifo_evict(void *state)
{
	struct fifo_state *s = state;
	uint32_t oldest = s->node[s->frames].next;

	assert(s->resident > 0 && "fifo_evict: no resident frame");
	fifo_unlink(s, oldest);
	return oldest;
}

/* The core freed frame: drop it from the queue. frame must be resident. */
static void fifo_forget(void *state, uint32_t frame)
{
	fifo_unlink(state, frame);
}

const struct policy policy_fifo = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "fifo",
	.summary = "evict the page loaded longest ago (ignores references)",
	.needs_future = false,
	.state_size = fifo_state_size,
	.init = fifo_init,
	.admit = fifo_admit,
	.touch = NULL,
	.evict = fifo_evict,
	.forget = fifo_forget,
};
