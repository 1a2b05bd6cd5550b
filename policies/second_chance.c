/*
 * second_chance.c - FIFO with a second chance for referenced pages.
 *
 * Semantics: the resident frames form a FIFO queue; a newly admitted page
 * joins at the back. At eviction the head is popped; if its accessed bit
 * is set (test_and_clear_accessed clears it) it is pushed at the back and
 * the next head is tried, otherwise it is the victim. Hits cost nothing
 * (touch is NULL): the hardware sets the accessed bit, and a just-admitted
 * page has it set (the faulting access set it). Dirty bits are not read.
 * forget(f) takes f out of the queue; a later admit(f) puts it at the back.
 *
 * Relation to clock.c: when frames are admitted in ascending order and
 * never forgotten, the queue is always the circular frame order starting
 * at clock's hand, so both give the same faults and the same victims.
 * They part ways only after a forget: a re-admitted frame goes to the back
 * here, but keeps its fixed position on the clock.
 *
 * The queue is a circular doubly linked list threaded through one node per
 * frame, with a sentinel node at index frames (node[frames].next is the
 * head). A frame not in the queue has next == SECOND_CHANCE_NONE. Pushing
 * the head to the back is an unlink and a relink; every step is O(1), and
 * an eviction takes at most one turn of the queue plus one step.
 */
#include "policy.h"

#include <assert.h>

#define SECOND_CHANCE_NONE UINT32_MAX

struct second_chance_node {
	uint32_t prev, next;
};

struct second_chance_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t resident;
	struct second_chance_node node[]; /* frames + 1; the last is the sentinel */
};

/* Bytes of state for cfg: the header plus frames + 1 list nodes. */
static size_t second_chance_state_size(const struct policy_config *cfg)
{
	return sizeof(struct second_chance_state) +
	       ((size_t)cfg->frames + 1) * sizeof(struct second_chance_node);
}

/* Remember the host and start with an empty queue: the sentinel points at
 * itself and every frame is marked absent. */
static void second_chance_init(void *state, const struct policy_config *cfg)
{
	struct second_chance_state *s = state;

	s->host = cfg->host;
	s->frames = cfg->frames;
	s->resident = 0;
	for (uint32_t f = 0; f < s->frames; f++)
		s->node[f] = (struct second_chance_node){ .prev = SECOND_CHANCE_NONE,
							  .next = SECOND_CHANCE_NONE };
	s->node[s->frames] = (struct second_chance_node){ .prev = s->frames, .next = s->frames };
}

/* Link absent frame at the back of the queue (just before the sentinel). */
static void second_chance_push_back(struct second_chance_state *s, uint32_t frame)
{
	uint32_t sentinel = s->frames, last = s->node[sentinel].prev;

	assert(frame < s->frames && s->node[frame].next == SECOND_CHANCE_NONE);
	s->node[frame] = (struct second_chance_node){ .prev = last, .next = sentinel };
	s->node[last].next = frame;
	s->node[sentinel].prev = frame;
	s->resident++;
}

/* Unlink queued frame from wherever it is and mark it absent. */
static void second_chance_unlink(struct second_chance_state *s, uint32_t frame)
{
	struct second_chance_node n = s->node[frame];

	assert(frame < s->frames && n.next != SECOND_CHANCE_NONE);
	s->node[n.prev].next = n.next;
	s->node[n.next].prev = n.prev;
	s->node[frame] = (struct second_chance_node){ .prev = SECOND_CHANCE_NONE,
						      .next = SECOND_CHANCE_NONE };
	s->resident--;
}

/* A page was loaded into frame, which must not be queued: it goes to the
 * back. */
static void second_chance_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	(void)ref;
	second_chance_push_back(state, frame);
}

/* Pop heads, moving each one with a set accessed bit (now cleared) to the
 * back, until a head with a clear bit; return that frame, dropped from the
 * queue. At least one frame must be resident. */
static uint32_t second_chance_evict(void *state)
{
	struct second_chance_state *s = state;
	const struct policy_host *host = s->host;

	assert(s->resident > 0 && "second_chance_evict: no resident frame");
	for (;;) {
		uint32_t head = s->node[s->frames].next;

		second_chance_unlink(s, head);
		if (!host->test_and_clear_accessed(host->machine, head))
			return head;
		second_chance_push_back(s, head);
	}
}

/* The core freed frame, which must be queued: drop it. */
static void second_chance_forget(void *state, uint32_t frame)
{
	second_chance_unlink(state, frame);
}

const struct policy policy_second_chance = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "second-chance",
	.summary = "FIFO, but a page with its accessed bit set is cleared and requeued",
	.needs_future = false,
	.state_size = second_chance_state_size,
	.init = second_chance_init,
	.admit = second_chance_admit,
	.touch = NULL,
	.evict = second_chance_evict,
	.forget = second_chance_forget,
};
