/*
 * sieve.c - SIEVE (Zhang et al., NSDI '24): a FIFO queue with a hand that
 * skips visited pages without moving them.
 *
 * Semantics: the resident frames form a queue in admission order; a newly
 * admitted page joins at the head (newest end). The "visited" bit is the
 * page's accessed bit, read and cleared through the host. A hand moves
 * from the tail (oldest end) toward the head; it starts unset. At
 * eviction, starting at the hand (at the tail when the hand is unset):
 * while the frame under the hand has its accessed bit set, clear it
 * (test_and_clear_accessed) and move the hand one step toward the head,
 * wrapping from the head to the tail; the first frame with a clear bit is
 * the victim. It leaves the queue, and the hand points at the next-newer
 * frame (unset if the victim was the head, so the next sweep starts at the
 * tail). Unlike second chance, retained pages are NOT moved: the queue
 * keeps admission order, and new pages join at the head, behind the hand.
 *
 * The new page's visited bit: the machine's faulting access sets the
 * accessed bit of the page it loads, so a new page starts visited, where
 * the paper inserts a new object unvisited. Consequence: every page must
 * be passed once by the hand (which clears its bit) before it can be
 * evicted, so a page used only once survives one visit of the hand and
 * SIEVE's quick demotion of one-hit pages is weaker here than in the
 * paper. This keeps the hardware's semantics; no bit is cleared at admit.
 *
 * Dirty bits are not read. Hits cost nothing (touch is NULL). forget(f)
 * takes f out of the queue (a hand on f moves to the next-newer frame,
 * or is unset if f was the head); a later admit(f) puts f at the head.
 *
 * The queue is a framelist (framelist.h): its front is the tail (oldest),
 * its back the head (newest), and "toward the head" is node.next. admit,
 * forget and each step of the hand are O(1); an eviction reads at most one
 * turn of bits plus one.
 */
#include "framelist.h"
#include "policy.h"
#include "view.h"

#include <assert.h>

#define SIEVE_UNSET FRAMELIST_NONE

struct sieve_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t hand;                 /* a queued frame, or SIEVE_UNSET */
	struct framelist_node queue[]; /* front: the tail (oldest page) */
};

/* Bytes of state for cfg: the header plus the queue's nodes. */
static size_t sieve_state_size(const struct policy_config *cfg)
{
	return sizeof(struct sieve_state) + framelist_size(cfg->frames);
}

/* Remember the host; the queue is empty and the hand unset. */
static void sieve_init(void *state, const struct policy_config *cfg)
{
	struct sieve_state *s = state;

	s->host = cfg->host;
	s->frames = cfg->frames;
	s->hand = SIEVE_UNSET;
	framelist_init(s->queue, s->frames);
}

/* The frame one step newer than queued frame f, or SIEVE_UNSET when f is
 * the head. */
static uint32_t sieve_newer(const struct sieve_state *s, uint32_t f)
{
	uint32_t next = s->queue[f].next;

	return next == s->frames ? SIEVE_UNSET : next;
}

/* A page was loaded into frame, which must not be queued: it joins at the
 * head. The hand does not move. */
static void sieve_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct sieve_state *s = state;

	(void)ref;
	framelist_push_back(s->queue, s->frames, frame);
}

/* From the hand (the tail if unset) toward the head, wrapping, clear set
 * accessed bits up to the first frame whose bit is clear; return it, drop
 * it, and leave the hand on the next-newer frame. At least one frame must
 * be queued. */
static uint32_t sieve_evict(void *state)
{
	struct sieve_state *s = state;
	const struct policy_host *host = s->host;
	uint32_t f = s->hand != SIEVE_UNSET ? s->hand : framelist_front(s->queue, s->frames);

	while (host->test_and_clear_accessed(host->machine, f)) {
		f = sieve_newer(s, f);
		if (f == SIEVE_UNSET)
			f = framelist_front(s->queue, s->frames);
	}
	s->hand = sieve_newer(s, f);
	framelist_remove(s->queue, s->frames, f);
	return f;
}

/* The core freed frame, which must be queued: drop it; a hand on it moves
 * to the next-newer frame. */
static void sieve_forget(void *state, uint32_t frame)
{
	struct sieve_state *s = state;

	if (s->hand == frame)
		s->hand = sieve_newer(s, frame);
	framelist_remove(s->queue, s->frames, frame);
}

/* The view: the queue from the tail (oldest) to the head, each frame's
 * accessed bit, the hand marked (the tail when unset). */
static void sieve_describe(const void *state, const struct policy_viewer *v)
{
	const struct sieve_state *s = state;

	v->list(v->ctx, "queue (tail..head, > hand)");
	for (uint32_t f = s->queue[s->frames].next; f != s->frames; f = s->queue[f].next)
		view_frame(v, f, f == s->hand || (s->hand == SIEVE_UNSET && f == s->queue[s->frames].next), "A",
			   s->host->accessed(s->host->machine, f));
}

const struct policy policy_sieve = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "sieve",
	.summary = "FIFO queue with a hand that skips (and clears) accessed pages without moving them",
	.needs_future = false,
	.state_size = sieve_state_size,
	.init = sieve_init,
	.admit = sieve_admit,
	.touch = NULL,
	.evict = sieve_evict,
	.forget = sieve_forget,
	.params = NULL,
	.tick = NULL,
	.evict_for = NULL,
	.uses_seed = false,
	.describe = sieve_describe,
};
