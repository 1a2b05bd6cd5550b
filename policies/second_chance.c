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
 * The queue is a framelist (framelist.h): pushing the head to the back is
 * a remove and a push, O(1); an eviction takes at most one turn of the
 * queue plus one step.
 */
#include "framelist.h"
#include "policy.h"
#include "view.h"

struct second_chance_state {
	const struct policy_host *host;
	uint32_t frames;
	struct framelist_node queue[]; /* front: the next candidate */
};

/* Bytes of state for cfg: the header plus the queue's nodes. */
static size_t second_chance_state_size(const struct policy_config *cfg)
{
	return sizeof(struct second_chance_state) + framelist_size(cfg->frames);
}

/* Remember the host and start with an empty queue. */
static void second_chance_init(void *state, const struct policy_config *cfg)
{
	struct second_chance_state *s = state;

	s->host = cfg->host;
	s->frames = cfg->frames;
	framelist_init(s->queue, s->frames);
}

/* A page was loaded into frame, which must not be queued: it goes to the
 * back. */
static void second_chance_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct second_chance_state *s = state;

	(void)ref;
	framelist_push_back(s->queue, s->frames, frame);
}

/* Pop heads, moving each one with a set accessed bit (now cleared) to the
 * back, until a head with a clear bit; return that frame, dropped from the
 * queue. At least one frame must be resident. */
static uint32_t second_chance_evict(void *state)
{
	struct second_chance_state *s = state;
	const struct policy_host *host = s->host;

	for (;;) {
		uint32_t head = framelist_front(s->queue, s->frames);

		framelist_remove(s->queue, s->frames, head);
		if (!host->test_and_clear_accessed(host->machine, head))
			return head;
		framelist_push_back(s->queue, s->frames, head);
	}
}

/* The core freed frame, which must be queued: drop it. */
static void second_chance_forget(void *state, uint32_t frame)
{
	struct second_chance_state *s = state;

	framelist_remove(s->queue, s->frames, frame);
}

/* The view: the queue from the next candidate to the newest, with each
 * frame's accessed bit (a set one buys the frame another round). */
static void second_chance_describe(const void *state, const struct policy_viewer *v)
{
	const struct second_chance_state *s = state;

	view_framelist(v, "queue (head..tail)", s->queue, s->frames, s->host);
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
	.describe = second_chance_describe,
};
