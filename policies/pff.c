/*
 * pff.c - Chu and Opderbeck's page-fault frequency policy, a
 * variable-space policy that reads accessed bits.
 *
 * Semantics: parameter threshold (θ, 1..1e12, default 100), in page
 * references of the whole machine. At each fault (admit) at time t, with
 * the previous fault at time t' (by this instance; none before the first):
 *   t - t' > θ   faults are rare: every resident page not referenced since
 *                the previous fault (accessed bit clear) is released;
 *   else         faults are frequent: nothing is released (memory grows).
 * Either way the faulting page joins memory, and every other resident
 * page's accessed bit is then cleared (test_and_clear_accessed, in
 * admission order), so the next fault sees the pages referenced from this
 * fault on. The releases happen during the faulting reference (shed() is
 * called after admit()), so that reference already counts the smaller
 * memory. The first fault only grows.
 *
 * --frames is an upper bound: a fault with every frame in use evicts the
 * first page in admission order whose accessed bit is clear, or the
 * first page if every bit is set; nothing is cleared by that search.
 *
 * Hits cost nothing (touch is NULL). With local scope a page handed over
 * at an exit is admitted, and so counts as a fault of the receiving
 * instance. Cost: a fault is O(resident) (one bit read per resident page).
 */
#include "framelist.h"
#include "policy.h"

#include <assert.h>

struct pff_state {
	const struct policy_host *host;
	uint32_t frames;
	uint64_t threshold;
	bool faulted;         /* a fault has happened */
	uint64_t last_fault;  /* ... at this time */
	struct framelist_node *dropping; /* frames to release, in admission order */
	struct framelist_node resident[]; /* the others, in admission order */
};

static const struct policy_param pff_params[] = {
	{ .name = "threshold", .help = "inter-fault time above which unreferenced pages are released",
	  .def = 100, .min = 1, .max = 1e12, .integer = true },
	{ .name = NULL },
};

/* Bytes of state for cfg: the header and two lists' nodes. */
static size_t pff_state_size(const struct policy_config *cfg)
{
	return sizeof(struct pff_state) + 2 * framelist_size(cfg->frames);
}

/* Start empty, with threshold cfg->params[0]. */
static void pff_init(void *state, const struct policy_config *cfg)
{
	struct pff_state *s = state;

	assert(cfg->params != NULL && cfg->params[0] >= 1);
	s->host = cfg->host;
	s->frames = cfg->frames;
	s->threshold = (uint64_t)cfg->params[0];
	s->faulted = false;
	s->dropping = (struct framelist_node *)((char *)s->resident + framelist_size(cfg->frames));
	framelist_init(s->resident, s->frames);
	framelist_init(s->dropping, s->frames);
}

/* A fault loaded frame: release the unreferenced pages if faults are
 * rare, clear the others' accessed bits, and keep frame. */
static void pff_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct pff_state *s = state;
	const struct policy_host *h = s->host;
	bool shrink = s->faulted && ref->now - s->last_fault > s->threshold;

	for (uint32_t f = s->resident[s->frames].next, next; f != s->frames; f = next) {
		next = s->resident[f].next;
		if (!h->test_and_clear_accessed(h->machine, f) && shrink) {
			framelist_remove(s->resident, s->frames, f);
			framelist_push_back(s->dropping, s->frames, f);
		}
	}
	framelist_push_back(s->resident, s->frames, frame);
	s->faulted = true;
	s->last_fault = ref->now;
}

/* A page the last fault released (dropped), else none. */
static uint32_t pff_shed(void *state, uint64_t now)
{
	struct pff_state *s = state;
	uint32_t f = s->dropping[s->frames].next;

	(void)now;
	if (f == s->frames)
		return POLICY_NO_FRAME;
	framelist_remove(s->dropping, s->frames, f);
	return f;
}

/* Every frame is in use (the --frames bound): the first page in admission
 * order with its accessed bit clear, else the first. */
static uint32_t pff_evict(void *state)
{
	struct pff_state *s = state;
	const struct policy_host *h = s->host;
	uint32_t victim = framelist_front(s->resident, s->frames);

	for (uint32_t f = victim; f != s->frames; f = s->resident[f].next)
		if (!h->accessed(h->machine, f)) {
			victim = f;
			break;
		}
	framelist_remove(s->resident, s->frames, victim);
	return victim;
}

/* The core freed frame: drop it from whichever list holds it. */
static void pff_forget(void *state, uint32_t frame)
{
	struct pff_state *s = state;

	framelist_remove(framelist_contains(s->resident, frame) ? s->resident : s->dropping, s->frames, frame);
}

const struct policy policy_pff = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "pff",
	.summary = "page-fault frequency: on a rare fault release pages unused since the last (variable space)",
	.state_size = pff_state_size,
	.init = pff_init,
	.admit = pff_admit,
	.evict = pff_evict,
	.forget = pff_forget,
	.params = pff_params,
	.shed = pff_shed,
};
