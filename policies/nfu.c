/*
 * nfu.c - not frequently used (Tanenbaum): a reference counter per frame,
 * incremented by the accessed bit at every clock tick.
 *
 * Semantics: parameter tick (P, 1..1e9, default 1000). The core calls
 * tick() before reference 0 and then before references P, 2P, 3P, ...
 * At each tick, for every resident frame in ascending order: counter +=
 * accessed bit, then the bit is cleared (one test_and_clear_accessed per
 * resident frame). So a counter is the number of tick intervals in which
 * its page was referenced since it was loaded; unlike aging it never
 * forgets. The victim is the resident frame with the smallest rank; ties
 * go to the lowest frame number. The rank is the counter, plus 1 for a
 * frame admitted since the last tick ("fresh"): its faulting reference
 * counts in the interval where it happened, which the next tick adds
 * through the accessed bit the fault set (so it is counted once). Why: a
 * fresh page ranked 0 would be the automatic next victim, and every fault
 * of an interval would evict the page the previous fault brought in.
 * Nothing else is read: no dirty bits; evict() reads no accessed bits.
 *
 * Hits cost nothing (touch is NULL). Cost: a tick is O(frames), an
 * eviction an O(frames) scan; admit and forget are O(1). Counters are
 * 64-bit and cannot overflow.
 */
#include "policy.h"

#include <assert.h>

enum {
	NFU_FREE = 0,     /* not resident */
	NFU_RESIDENT = 1, /* resident, counter valid */
	NFU_FRESH = 2,    /* admitted since the last tick: ranks as counter + 1 */
};

struct nfu_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t resident;
	uint64_t period; /* references between ticks */
	uint8_t *mark;   /* per frame: NFU_FREE, _RESIDENT or _FRESH */
	uint64_t counter[];
};

static const struct policy_param nfu_params[] = {
	{ .name = "tick", .help = "references between two counts of the accessed bits", .def = 1000, .min = 1,
	  .max = 1e9, .integer = true },
	{ .name = NULL },
};

/* Bytes of state for cfg: the header, a counter and a mark byte a frame. */
static size_t nfu_state_size(const struct policy_config *cfg)
{
	return sizeof(struct nfu_state) + (size_t)cfg->frames * (sizeof(uint64_t) + 1);
}

/* Remember the host and the period (cfg->params[0]); nothing resident. */
static void nfu_init(void *state, const struct policy_config *cfg)
{
	struct nfu_state *s = state;

	assert(cfg->params != NULL && cfg->params[0] >= 1);
	s->host = cfg->host;
	s->frames = cfg->frames;
	s->resident = 0;
	s->period = (uint64_t)cfg->params[0];
	s->mark = (uint8_t *)(s->counter + s->frames);
}

/* A page was loaded into frame (not resident): counter 0, fresh. */
static void nfu_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct nfu_state *s = state;

	(void)ref;
	assert(frame < s->frames && s->mark[frame] == NFU_FREE);
	s->counter[frame] = 0;
	s->mark[frame] = NFU_FRESH;
	s->resident++;
}

/* Add every resident frame's accessed bit (then cleared) to its counter.
 * Returns the time of the next tick, now + tick. */
static uint64_t nfu_tick(void *state, uint64_t now)
{
	struct nfu_state *s = state;
	const struct policy_host *host = s->host;

	for (uint32_t f = 0; f < s->frames; f++) {
		if (s->mark[f] == NFU_FREE)
			continue;
		s->counter[f] += host->test_and_clear_accessed(host->machine, f);
		s->mark[f] = NFU_RESIDENT;
	}
	return now + s->period;
}

/* The resident frame with the smallest rank, the lowest on a tie; dropped. */
static uint32_t nfu_evict(void *state)
{
	struct nfu_state *s = state;
	uint32_t victim = UINT32_MAX;
	uint64_t best = 0;

	assert(s->resident > 0 && "nfu_evict: no resident frame");
	for (uint32_t f = 0; f < s->frames; f++) {
		uint64_t rank;

		if (s->mark[f] == NFU_FREE)
			continue;
		rank = s->counter[f] + (s->mark[f] == NFU_FRESH);
		if (victim == UINT32_MAX || rank < best) {
			victim = f;
			best = rank;
		}
	}
	s->mark[victim] = NFU_FREE;
	s->resident--;
	return victim;
}

/* The core freed frame (resident): drop it. */
static void nfu_forget(void *state, uint32_t frame)
{
	struct nfu_state *s = state;

	assert(frame < s->frames && s->mark[frame] != NFU_FREE);
	s->mark[frame] = NFU_FREE;
	s->resident--;
}

const struct policy policy_nfu = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "nfu",
	.summary = "not frequently used: count ticks with the accessed bit set; evict the smallest count",
	.state_size = nfu_state_size,
	.init = nfu_init,
	.admit = nfu_admit,
	.evict = nfu_evict,
	.forget = nfu_forget,
	.params = nfu_params,
	.tick = nfu_tick,
};
