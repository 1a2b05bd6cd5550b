/*
 * clock.c - the clock algorithm (one-handed, over frame numbers).
 *
 * Semantics: a hand sweeps the frame numbers 0, 1, ..., frames-1, 0, ...
 * and starts at frame 0. At eviction, a resident frame under the hand
 * whose accessed bit is set gets its bit cleared (test_and_clear_accessed)
 * and the hand moves on; frames that are not resident are passed over
 * without looking at their bits. The first resident frame whose bit is
 * already clear is the victim, and the hand stops just past it, so the
 * page loaded into the victim's frame is the last the hand reaches again.
 * Hits cost nothing (touch is NULL): the hardware sets the accessed bit,
 * and a just-admitted page has it set (the faulting access set it). Dirty
 * bits are not read. admit() and forget() never move the hand.
 *
 * The sweep always ends: after one full turn every resident bit is clear.
 * With frames admitted in ascending order and never forgotten, the victims
 * are exactly those of second-chance (second_chance.c).
 */
#include "policy.h"
#include "view.h"

#include <assert.h>

struct clock_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t hand;
	uint32_t resident;
	uint8_t in_use[]; /* frames entries: 1 if the frame is resident */
};

/* Bytes of state for cfg: the header plus one flag per frame. */
static size_t clock_state_size(const struct policy_config *cfg)
{
	return sizeof(struct clock_state) + (size_t)cfg->frames;
}

/* Remember the host; no frame is resident and the hand is at frame 0
 * (the block comes zeroed). */
static void clock_init(void *state, const struct policy_config *cfg)
{
	struct clock_state *s = state;

	s->host = cfg->host;
	s->frames = cfg->frames;
	s->hand = 0;
	s->resident = 0;
}

/* A page was loaded into frame, which must not be resident: it joins the
 * clock at its own position. The hand does not move. */
static void clock_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct clock_state *s = state;

	(void)ref;
	assert(frame < s->frames && !s->in_use[frame]);
	s->in_use[frame] = 1;
	s->resident++;
}

/* Sweep from the hand, clearing set accessed bits of resident frames,
 * to the first resident frame with a clear bit; return it, drop it, and
 * leave the hand just past it. At least one frame must be resident. */
static uint32_t clock_evict(void *state)
{
	struct clock_state *s = state;
	const struct policy_host *host = s->host;
	uint32_t victim;

	assert(s->resident > 0 && "clock_evict: no resident frame");
	for (;;) {
		uint32_t f = s->hand;

		s->hand = (f + 1 == s->frames) ? 0 : f + 1;
		if (s->in_use[f] && !host->test_and_clear_accessed(host->machine, f)) {
			victim = f;
			break;
		}
	}
	s->in_use[victim] = 0;
	s->resident--;
	return victim;
}

/* The core freed frame, which must be resident: the hand will pass over
 * it until it is admitted again. */
static void clock_forget(void *state, uint32_t frame)
{
	struct clock_state *s = state;

	assert(frame < s->frames && s->in_use[frame]);
	s->in_use[frame] = 0;
	s->resident--;
}

/* The view: the ring's resident frames from frame 0 up, each with its
 * accessed bit, the hand marked on the frame it points at. */
static void clock_describe(const void *state, const struct policy_viewer *v)
{
	const struct clock_state *s = state;

	v->list(v->ctx, "ring (frame order, > hand)");
	for (uint32_t f = 0; f < s->frames; f++)
		if (s->in_use[f])
			view_frame(v, f, f == s->hand, "A", s->host->accessed(s->host->machine, f));
}

const struct policy policy_clock = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "clock",
	.summary = "sweep a hand over the frames, clearing accessed bits; evict the first clear one",
	.needs_future = false,
	.state_size = clock_state_size,
	.init = clock_init,
	.admit = clock_admit,
	.touch = NULL,
	.evict = clock_evict,
	.forget = clock_forget,
	.describe = clock_describe,
};
