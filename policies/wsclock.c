/*
 * wsclock.c - WSClock (Carr and Hennessy, 1981): a clock over the frames
 * that evicts pages gone out of the working set of window tau.
 *
 * Semantics: parameter tau (whole, 1..1e12, default 1000 references).
 * Virtual time is host->now(), the index of the reference being served
 * (one clock for all processes, not per-process virtual time). Each frame
 * keeps last_use, set to now at admit(). A hand sweeps the frame numbers
 * 0, 1, ..., frames-1, 0, ... and starts at frame 0. At eviction, for each
 * resident frame under the hand, in sweep order, for at most one turn:
 *   - accessed bit set: clear it (test_and_clear_accessed), set last_use
 *     to now, move on;
 *   - else, age = now - last_use > tau: the victim (outside the window);
 *   - else move on.
 * Frames that are not resident are passed over without reading bits.
 * Dirty bits are not read and no write is scheduled: this machine has no
 * asynchronous write-back, so an old dirty page is a victim like a clean
 * one, and the core writes it to swap as it evicts it.
 * Fallback: if the turn ends with no victim (every resident page is inside
 * the window), the victim is the resident frame with the oldest last_use
 * as the turn left it (frames whose bit was set now have last_use = now),
 * ties to the first in sweep order from where the turn began. So when
 * every bit was set, the victim is the first resident frame from the
 * hand, as in clock. In every case the hand stops just past the victim.
 *
 * A just-admitted page has its accessed bit set (the faulting access), so
 * the hand's first visit only refreshes it. Hits cost nothing (touch is
 * NULL). admit() and forget() never move the hand; forget(f) is O(1) and
 * f may be admitted again, at its fixed clock position.
 *
 * Cost: an eviction reads at most one turn of accessed bits, O(frames);
 * admit and forget are O(1).
 */
#include "policy.h"
#include "view.h"

#include <assert.h>

struct wsclock_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t hand;
	uint32_t resident;
	uint64_t tau;
	/* frames last-use times, then frames flags (1: the frame is resident;
	 * see wsclock_in_use) */
	uint64_t last_use[];
};

static const struct policy_param wsclock_params[] = {
	{ .name = "tau", .help = "working-set window, in references", .def = 1000, .min = 1, .max = 1e12,
	  .integer = true },
	{ .name = NULL },
};

/* The residency flags of s: they follow its frames last-use times. */
static uint8_t *wsclock_in_use(struct wsclock_state *s)
{
	return (uint8_t *)(s->last_use + s->frames);
}

/* Bytes of state for cfg: the header, a last-use time and a flag per
 * frame. */
static size_t wsclock_state_size(const struct policy_config *cfg)
{
	return sizeof(struct wsclock_state) + (size_t)cfg->frames * (sizeof(uint64_t) + 1);
}

/* Remember the host and tau (cfg->params[0]); no frame is resident and
 * the hand is at frame 0. */
static void wsclock_init(void *state, const struct policy_config *cfg)
{
	struct wsclock_state *s = state;

	assert(cfg->params != NULL && "wsclock_init: no parameter values (the core passes the defaults)");
	assert(cfg->params[0] >= 1 && cfg->host->now != NULL);
	s->host = cfg->host;
	s->frames = cfg->frames;
	s->hand = 0;
	s->resident = 0;
	s->tau = (uint64_t)cfg->params[0];
}

/* A page was loaded into frame, which must not be resident: its last use
 * is now. The hand does not move. */
static void wsclock_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct wsclock_state *s = state;
	uint8_t *in_use = wsclock_in_use(s);

	(void)ref;
	assert(frame < s->frames && !in_use[frame]);
	in_use[frame] = 1;
	s->last_use[frame] = s->host->now(s->host->machine);
	s->resident++;
}

/* Sweep one turn from the hand (see the top of the file): return the
 * first resident frame with a clear bit and an age over tau, else the one
 * with the oldest last use (first in sweep order on a tie); drop it and
 * leave the hand just past it. At least one frame must be resident. */
static uint32_t wsclock_evict(void *state)
{
	struct wsclock_state *s = state;
	const struct policy_host *host = s->host;
	uint8_t *in_use = wsclock_in_use(s);
	uint64_t now = host->now(host->machine);
	uint32_t victim = UINT32_MAX, oldest = UINT32_MAX;

	assert(s->resident > 0 && "wsclock_evict: no resident frame");
	for (uint32_t step = 0; step < s->frames; step++) {
		uint32_t f = s->hand;

		s->hand = (f + 1 == s->frames) ? 0 : f + 1;
		if (!in_use[f])
			continue;
		if (host->test_and_clear_accessed(host->machine, f)) {
			s->last_use[f] = now;
		} else if (now - s->last_use[f] > s->tau) {
			victim = f;
			break;
		}
		if (oldest == UINT32_MAX || s->last_use[f] < s->last_use[oldest])
			oldest = f;
	}
	if (victim == UINT32_MAX) {
		victim = oldest;
		s->hand = (victim + 1 == s->frames) ? 0 : victim + 1;
	}
	in_use[victim] = 0;
	s->resident--;
	return victim;
}

/* The core freed frame, which must be resident: the hand will pass over
 * it until it is admitted again. */
static void wsclock_forget(void *state, uint32_t frame)
{
	struct wsclock_state *s = state;
	uint8_t *in_use = wsclock_in_use(s);

	assert(frame < s->frames && in_use[frame]);
	in_use[frame] = 0;
	s->resident--;
}

/* The view: the ring's resident frames from frame 0 up, each with its
 * accessed bit and last use (a reference index), the hand marked. */
static void wsclock_describe(const void *state, const struct policy_viewer *v)
{
	const struct wsclock_state *s = state;
	const uint8_t *in_use = (const uint8_t *)(s->last_use + s->frames);

	v->list(v->ctx, "ring (frame order, > hand; A, last use)");
	for (uint32_t f = 0; f < s->frames; f++) {
		struct policy_view_item it = { .frame = f, .mark = f == s->hand, .nvalues = 2, .key = { "A", "last" } };

		if (!in_use[f])
			continue;
		it.value[0] = s->host->accessed(s->host->machine, f);
		it.value[1] = s->last_use[f];
		v->item(v->ctx, &it);
	}
}

const struct policy policy_wsclock = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "wsclock",
	.summary = "clock over the frames evicting pages unused for more than tau references",
	.needs_future = false,
	.state_size = wsclock_state_size,
	.init = wsclock_init,
	.admit = wsclock_admit,
	.touch = NULL,
	.evict = wsclock_evict,
	.forget = wsclock_forget,
	.params = wsclock_params,
	.tick = NULL,
	.evict_for = NULL,
	.uses_seed = false,
	.describe = wsclock_describe,
};
