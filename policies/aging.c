/*
 * aging.c - the aging approximation of LRU (Tanenbaum): an n-bit
 * reference-history counter per frame, shifted at every clock tick.
 *
 * Semantics: parameters bits (n, 1..32, default 8) and tick (T, 1..1e9,
 * default 1000). The core calls tick() before reference 0 and then before
 * references T, 2T, 3T, ... (tick returns now + T). At each tick, for every
 * resident frame in ascending order:
 *     counter = (counter >> 1) | (accessed << (n-1)), then clear accessed
 * (one test_and_clear_accessed per resident frame), so the top bit says
 * "referenced in the interval that just ended", the next bit the interval
 * before, and so on for n intervals. The victim is the resident frame with
 * the smallest counter; ties go to the lowest frame number. Nothing else
 * is read: no dirty bits, and evict() reads no accessed bits (references
 * since the last tick are not seen until the next one).
 *
 * A newly admitted page: between its admission and the next tick it ranks
 * with exactly the top bit set (1 << (n-1)), and that tick leaves it at
 * exactly the top bit (its history before admission counts as 0; the
 * faulting access set its accessed bit, which the tick then clears). So
 * its faulting reference is counted once, in the interval where it
 * happened, and the page ranks from the start like a page referenced in
 * the latest interval. Why: with a counter of 0 until the next tick, the
 * page just loaded would be the automatic next victim, and every fault of
 * an interval would evict the page the previous fault brought in (one
 * frame churning while stale pages stay). Implemented as a per-frame
 * "fresh" mark: the counter is 0 and a fresh frame's rank is the top bit;
 * the tick applies the formula above to 0 and drops the mark.
 *
 * Hits cost nothing (touch is NULL). forget(f) is O(1); a later admit(f)
 * starts f afresh. Cost: a tick is O(frames) (one bit read per resident
 * frame), an eviction is an O(frames) scan for the smallest rank, admit
 * and forget are O(1).
 */
#include "policy.h"
#include "view.h"

#include <assert.h>

enum {
	AGING_FREE = 0,     /* not resident */
	AGING_RESIDENT = 1, /* resident, counter valid */
	AGING_FRESH = 2,    /* admitted since the last tick: ranks as the top bit */
};

struct aging_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t resident;
	uint32_t top;    /* 1 << (bits - 1) */
	uint64_t period; /* references between ticks */
	/* frames counters, then frames mark bytes (AGING_FREE, _RESIDENT or
	 * _FRESH; see aging_mark) */
	uint32_t counter[];
};

static const struct policy_param aging_params[] = {
	{ .name = "bits", .help = "width of each frame's history counter", .def = 8, .min = 1, .max = 32,
	  .integer = true },
	{ .name = "tick", .help = "references between two shifts of the counters", .def = 1000, .min = 1,
	  .max = 1e9, .integer = true },
	{ .name = NULL },
};

/* The mark bytes of s: they follow its frames counters. */
static uint8_t *aging_mark(struct aging_state *s)
{
	return (uint8_t *)(s->counter + s->frames);
}

/* Bytes of state for cfg: the header, a 32-bit counter and a mark byte
 * per frame. */
static size_t aging_state_size(const struct policy_config *cfg)
{
	return sizeof(struct aging_state) + (size_t)cfg->frames * (sizeof(uint32_t) + 1);
}

/* Remember the host and the parameters (cfg->params: bits, tick); no
 * frame is resident. */
static void aging_init(void *state, const struct policy_config *cfg)
{
	struct aging_state *s = state;
	uint32_t bits;

	assert(cfg->params != NULL && "aging_init: no parameter values (the core passes the defaults)");
	bits = (uint32_t)cfg->params[0];
	assert(bits >= 1 && bits <= 32 && cfg->params[1] >= 1);
	s->host = cfg->host;
	s->frames = cfg->frames;
	s->resident = 0;
	s->top = UINT32_C(1) << (bits - 1);
	s->period = (uint64_t)cfg->params[1];
}

/* A page was loaded into frame, which must not be resident: it is fresh
 * (history 0, ranked as the top bit until the next tick). */
static void aging_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct aging_state *s = state;
	uint8_t *mark = aging_mark(s);

	(void)ref;
	assert(frame < s->frames && mark[frame] == AGING_FREE);
	s->counter[frame] = 0;
	mark[frame] = AGING_FRESH;
	s->resident++;
}

/* Shift every resident frame's counter right, putting its accessed bit
 * (then cleared) on top; fresh frames become plain residents. Returns the
 * time of the next tick, now + tick. */
static uint64_t aging_tick(void *state, uint64_t now)
{
	struct aging_state *s = state;
	const struct policy_host *host = s->host;
	uint8_t *mark = aging_mark(s);

	for (uint32_t f = 0; f < s->frames; f++) {
		if (mark[f] == AGING_FREE)
			continue;
		s->counter[f] >>= 1;
		if (host->test_and_clear_accessed(host->machine, f))
			s->counter[f] |= s->top;
		mark[f] = AGING_RESIDENT;
	}
	return now + s->period;
}

/* Return the resident frame with the smallest rank (counter, or the top
 * bit when fresh), the lowest such frame number on a tie, and drop it. At
 * least one frame must be resident. */
static uint32_t aging_evict(void *state)
{
	struct aging_state *s = state;
	uint8_t *mark = aging_mark(s);
	uint32_t victim = UINT32_MAX;
	uint32_t best = 0;

	assert(s->resident > 0 && "aging_evict: no resident frame");
	for (uint32_t f = 0; f < s->frames; f++) {
		uint32_t rank;

		if (mark[f] == AGING_FREE)
			continue;
		rank = mark[f] == AGING_FRESH ? s->top : s->counter[f];
		if (victim == UINT32_MAX || rank < best) {
			victim = f;
			best = rank;
		}
	}
	mark[victim] = AGING_FREE;
	s->resident--;
	return victim;
}

/* The core freed frame, which must be resident: drop it. */
static void aging_forget(void *state, uint32_t frame)
{
	struct aging_state *s = state;
	uint8_t *mark = aging_mark(s);

	assert(frame < s->frames && mark[frame] != AGING_FREE);
	mark[frame] = AGING_FREE;
	s->resident--;
}

/* The view: resident frames from frame 0 up, each with its history
 * counter and accessed bit (shifted in at the next tick); a frame
 * admitted since the last tick ranks as the top bit set. */
static void aging_describe(const void *state, const struct policy_viewer *v)
{
	const struct aging_state *s = state;
	const uint8_t *mark = (const uint8_t *)(s->counter + s->frames);

	v->list(v->ctx, "frames (counter, A)");
	for (uint32_t f = 0; f < s->frames; f++) {
		struct policy_view_item it = { .frame = f, .nvalues = 2, .key = { "counter", "A" } };

		if (mark[f] == AGING_FREE)
			continue;
		it.value[0] = mark[f] == AGING_FRESH ? s->top : s->counter[f];
		it.value[1] = s->host->accessed(s->host->machine, f);
		v->item(v->ctx, &it);
	}
}

const struct policy policy_aging = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "aging",
	.summary = "n-bit reference history shifted every tick; evict the smallest counter",
	.needs_future = false,
	.state_size = aging_state_size,
	.init = aging_init,
	.admit = aging_admit,
	.touch = NULL,
	.evict = aging_evict,
	.forget = aging_forget,
	.params = aging_params,
	.tick = aging_tick,
	.evict_for = NULL,
	.uses_seed = false,
	.describe = aging_describe,
};
