/*
 * nru.c - not recently used, as the enhanced second-chance clock
 * (Silberschatz): pages ranked by their (accessed, dirty) bits.
 *
 * Semantics: a resident page is in one of four classes by its (accessed,
 * dirty) bits: (0,0) best victim, (0,1), (1,0), (1,1) worst. A hand sweeps
 * the frame numbers 0, 1, ..., frames-1, 0, ... and starts at frame 0.
 * An eviction runs up to four passes, each one full turn from the hand:
 *   pass 1: look for a (0,0) frame; change nothing.
 *   pass 2: look for a (0,1) frame, clearing the accessed bit of every
 *           frame passed over (test_and_clear_accessed), so a (1,x) frame
 *           becomes (0,x) behind the hand.
 *   pass 3 = pass 1, pass 4 = pass 2 (every accessed bit is now clear, so
 *           one of them finds a victim).
 * The victim is the first match in sweep order from the hand, and the
 * hand stops just past it (a pass that finds nothing leaves the hand where
 * the pass began). Note the classic consequence: pass 2 takes the first
 * (0,1) frame even when frames it has just cleared are now (0,0).
 * Frames that are not resident are passed over without reading their bits.
 *
 * What is read: accessed bits (accessed, test_and_clear_accessed) and
 * dirty bits (dirty). Only pass 2 clears accessed bits; dirty bits belong
 * to the machine (set by writes, clear when a page is loaded; the policy
 * never clears them). Hits cost nothing (touch is NULL). A just-admitted
 * page has its accessed bit set by the faulting access, so it is (1,0)
 * or, after a write fault, (1,1). admit() and forget() never move the
 * hand; forget(f) is O(1) and f may be admitted again, at its fixed clock
 * position.
 *
 * Cost: an eviction reads at most four turns of bits, O(frames); admit
 * and forget are O(1).
 */
#include "policy.h"
#include "view.h"

#include <assert.h>

struct nru_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t hand;
	uint32_t resident;
	uint8_t in_use[]; /* frames entries: 1 if the frame is resident */
};

/* Bytes of state for cfg: the header plus one flag per frame. */
static size_t nru_state_size(const struct policy_config *cfg)
{
	return sizeof(struct nru_state) + (size_t)cfg->frames;
}

/* Remember the host; no frame is resident and the hand is at frame 0
 * (the block comes zeroed). */
static void nru_init(void *state, const struct policy_config *cfg)
{
	struct nru_state *s = state;

	s->host = cfg->host;
	s->frames = cfg->frames;
	s->hand = 0;
	s->resident = 0;
}

/* A page was loaded into frame, which must not be resident: it joins the
 * clock at its own position. The hand does not move. */
static void nru_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct nru_state *s = state;

	(void)ref;
	assert(frame < s->frames && !s->in_use[frame]);
	s->in_use[frame] = 1;
	s->resident++;
}

/* One turn of the hand from its position. With clear_passed false, look
 * for a resident (0,0) frame and change nothing; with it true, look for a
 * (0,1) frame and clear the accessed bit of each resident frame passed
 * over. Returns the match, with the hand just past it, or UINT32_MAX with
 * the hand back where it started. */
static uint32_t nru_pass(struct nru_state *s, bool clear_passed)
{
	const struct policy_host *host = s->host;

	for (uint32_t step = 0; step < s->frames; step++) {
		uint32_t f = s->hand;
		bool accessed;

		s->hand = (f + 1 == s->frames) ? 0 : f + 1;
		if (!s->in_use[f])
			continue;
		accessed = clear_passed ? host->test_and_clear_accessed(host->machine, f)
					: host->accessed(host->machine, f);
		if (!accessed && host->dirty(host->machine, f) == clear_passed)
			return f;
	}
	return UINT32_MAX;
}

/* Run passes 1, 2, 1, 2 (see the top of the file) until one finds a
 * victim; return it, drop it, and leave the hand just past it. At least
 * one frame must be resident. */
static uint32_t nru_evict(void *state)
{
	struct nru_state *s = state;
	uint32_t victim = UINT32_MAX;

	assert(s->resident > 0 && "nru_evict: no resident frame");
	for (int pass = 0; pass < 4 && victim == UINT32_MAX; pass++)
		victim = nru_pass(s, pass % 2 == 1);
	assert(victim != UINT32_MAX && "nru_evict: four passes found no victim");
	s->in_use[victim] = 0;
	s->resident--;
	return victim;
}

/* The core freed frame, which must be resident: the hand will pass over
 * it until it is admitted again. */
static void nru_forget(void *state, uint32_t frame)
{
	struct nru_state *s = state;

	assert(frame < s->frames && s->in_use[frame]);
	s->in_use[frame] = 0;
	s->resident--;
}

/* The view: the resident frames from frame 0 up with their accessed and
 * dirty bits (the classes NRU ranks by), the hand marked. */
static void nru_describe(const void *state, const struct policy_viewer *v)
{
	const struct nru_state *s = state;
	const struct policy_host *h = s->host;

	v->list(v->ctx, "ring (frame order, > hand; A, D)");
	for (uint32_t f = 0; f < s->frames; f++) {
		struct policy_view_item it = { .frame = f, .mark = f == s->hand, .nvalues = 2, .key = { "A", "D" } };

		if (!s->in_use[f])
			continue;
		it.value[0] = h->accessed(h->machine, f);
		it.value[1] = h->dirty(h->machine, f);
		v->item(v->ctx, &it);
	}
}

const struct policy policy_nru = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "nru",
	.summary = "enhanced second chance: clock over (accessed, dirty) classes, (0,0) first",
	.needs_future = false,
	.state_size = nru_state_size,
	.init = nru_init,
	.admit = nru_admit,
	.touch = NULL,
	.evict = nru_evict,
	.forget = nru_forget,
	.params = NULL,
	.tick = NULL,
	.evict_for = NULL,
	.uses_seed = false,
	.describe = nru_describe,
};
