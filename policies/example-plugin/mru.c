/*
 * mru.c - most recently used: an out-of-tree policy for pagesim, and the
 * example of how to write one (README.md beside this file).
 *
 * Semantics: the victim is the resident frame whose page was admitted or
 * touched (referenced on a hit) most recently. Accessed and dirty bits are
 * never read or cleared. There are no ties: references are totally
 * ordered. forget(f) drops f; a later admit(f) makes it the most recent.
 * The core admits the incoming page right after every eviction, so the
 * page just loaded is the next victim unless a hit on another page comes
 * first.
 *
 * Why keep such a policy: it is the counter-example on loops. A program
 * that cycles over more pages than there are frames makes LRU (and FIFO)
 * fault on every reference, because the page LRU throws out is always the
 * one needed soonest. MRU keeps most of the loop resident and, on a pure
 * loop, faults exactly as rarely as OPT: the page it throws out is always
 * one needed as late as any. On workloads with locality, where recently
 * used pages are used again, MRU is about as bad as a policy can be.
 * Example, pages 0 1 2 3 repeated five times with 3 frames: LRU faults 20
 * times, MRU 9, like OPT (tests/e2e-plugin.sh derives both by hand).
 *
 * Recency is a circular doubly linked list threaded through one node per
 * frame, with a sentinel at index frames: the back is the most recent.
 * admit, touch, evict and forget are all O(1).
 *
 * Building: `make` here, against an installed pagesim (see the Makefile).
 * MRU_ABI and MRU_NAME override the interface version and the name the
 * descriptor declares; pagesim's tests use them to build plug-ins that
 * must be refused, and MRU_NAME lets two builds be loaded side by side.
 */
#include <pagesim/policy.h>

#ifndef MRU_ABI
#define MRU_ABI PAGESIM_POLICY_ABI
#endif
#ifndef MRU_NAME
#define MRU_NAME "mru"
#endif

#define MRU_NONE UINT32_MAX

struct mru_node {
	uint32_t prev, next; /* next == MRU_NONE: not on the list */
};

struct mru_state {
	uint32_t frames;
	struct mru_node node[]; /* frames + 1; node[frames] is the sentinel */
};

/* Bytes of state for cfg: the header plus frames + 1 nodes. */
static size_t mru_state_size(const struct policy_config *cfg)
{
	return sizeof(struct mru_state) + ((size_t)cfg->frames + 1) * sizeof(struct mru_node);
}

/* Start with an empty list (the state arrives zeroed, which is not
 * empty: every node must say "not listed"). */
static void mru_init(void *state, const struct policy_config *cfg)
{
	struct mru_state *s = state;

	s->frames = cfg->frames;
	for (uint32_t f = 0; f < s->frames; f++)
		s->node[f] = (struct mru_node){ .prev = MRU_NONE, .next = MRU_NONE };
	s->node[s->frames] = (struct mru_node){ .prev = s->frames, .next = s->frames };
}

/* Link frame, which must not be listed, at the back (most recent). */
static void mru_push_back(struct mru_state *s, uint32_t frame)
{
	uint32_t back = s->node[s->frames].prev;

	s->node[frame] = (struct mru_node){ .prev = back, .next = s->frames };
	s->node[back].next = frame;
	s->node[s->frames].prev = frame;
}

/* Unlink frame, which must be listed. */
static void mru_unlink(struct mru_state *s, uint32_t frame)
{
	struct mru_node n = s->node[frame];

	s->node[n.prev].next = n.next;
	s->node[n.next].prev = n.prev;
	s->node[frame] = (struct mru_node){ .prev = MRU_NONE, .next = MRU_NONE };
}

/* A page was loaded into frame: it is now the most recently used. */
static void mru_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	(void)ref;
	mru_push_back(state, frame);
}

/* The page in frame was referenced again: move it to the back. */
static void mru_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct mru_state *s = state;

	(void)ref;
	if (s->node[frame].next == s->frames)
		return; /* already the most recent */
	mru_unlink(s, frame);
	mru_push_back(s, frame);
}

/* Return the most recently used frame and drop it. The core calls this
 * only when every frame is in use, so the list is not empty. */
static uint32_t mru_evict(void *state)
{
	struct mru_state *s = state;
	uint32_t victim = s->node[s->frames].prev;

	mru_unlink(s, victim);
	return victim;
}

/* The core freed frame (listed): drop it. */
static void mru_forget(void *state, uint32_t frame)
{
	mru_unlink(state, frame);
}

static const struct policy mru_policy = {
	.abi = MRU_ABI,
	.name = MRU_NAME,
	.summary = "evict the page used most recently (plug-in; the counter-example on loops)",
	.needs_future = false,
	.state_size = mru_state_size,
	.init = mru_init,
	.admit = mru_admit,
	.touch = mru_touch,
	.evict = mru_evict,
	.forget = mru_forget,
};

/* What pagesim looks for: every policy of this plug-in, then NULL. */
const struct policy *const pagesim_plugin_policies[] = {
	&mru_policy,
	NULL,
};
