/*
 * random.c - evict a frame chosen uniformly at random.
 *
 * Semantics: the victim is drawn uniformly over the resident frames with
 * rng.h (SplitMix64 seeded with cfg->seed, one rng_below(count) draw per
 * eviction and no other draws). Hits change nothing (touch is NULL);
 * accessed and dirty bits are never read or cleared. A new page simply
 * joins the resident set.
 *
 * Which frame a draw names, exactly (so a run is reproducible from the
 * seed and the sequence of calls alone): the resident frames are kept in a
 * compact array member[0..count-1]. admit(f) appends f at member[count].
 * Removing a frame (evict or forget) moves the last member into its slot.
 * evict() returns member[rng_below(rng, count)]. pos[f] is f's index in
 * member[], or RANDOM_NONE when f is not resident. Every operation is O(1).
 *
 * rng_below(rng, n) is rng_scale(rng_next(rng), n), so the 64 bits of an
 * eviction's draw do not depend on count: they are drawn two evictions
 * ahead (two at init, then one at each evict) and kept in ahead[], which
 * lets peek() guess the victim after next. Each eviction still uses the
 * next value of the sequence, scaled by the count at that eviction.
 */
#include "policy.h"
#include "view.h"

#include <assert.h>

#include "util/rng.h"

#define RANDOM_NONE UINT32_MAX

struct random_state {
	struct rng rng;
	uint64_t ahead[2]; /* the next two evictions' 64 random bits */
	uint32_t frames;
	uint32_t count;
	uint32_t slot[]; /* member[frames], then pos[frames] */
};

/* The compact array of resident frames. */
static uint32_t *random_member(struct random_state *s)
{
	return s->slot;
}

/* Per-frame index into member[], or RANDOM_NONE. */
static uint32_t *random_pos(struct random_state *s)
{
	return s->slot + s->frames;
}

/* Bytes of state for cfg: the header plus two arrays of frames entries. */
static size_t random_state_size(const struct policy_config *cfg)
{
	return sizeof(struct random_state) + 2 * (size_t)cfg->frames * sizeof(uint32_t);
}

/* Seed the generator with cfg->seed; no frame is resident. */
static void random_init(void *state, const struct policy_config *cfg)
{
	struct random_state *s = state;
	uint32_t *pos;

	rng_seed(&s->rng, cfg->seed);
	s->ahead[0] = rng_next(&s->rng);
	s->ahead[1] = rng_next(&s->rng);
	s->frames = cfg->frames;
	s->count = 0;
	pos = random_pos(s);
	for (uint32_t f = 0; f < s->frames; f++)
		pos[f] = RANDOM_NONE;
}

/* Append frame, which must not be resident, to the member array. */
static void random_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct random_state *s = state;
	uint32_t *pos = random_pos(s);

	(void)ref;
	assert(frame < s->frames && pos[frame] == RANDOM_NONE);
	random_member(s)[s->count] = frame;
	pos[frame] = s->count++;
}

/* Remove resident frame from the member array: the last member takes its
 * slot. */
static void random_remove(struct random_state *s, uint32_t frame)
{
	uint32_t *member = random_member(s), *pos = random_pos(s);
	uint32_t index, last;

	assert(frame < s->frames && pos[frame] != RANDOM_NONE);
	index = pos[frame];
	last = member[--s->count];
	member[index] = last;
	pos[last] = index;
	pos[frame] = RANDOM_NONE;
}

/* Return member[rng_below(count)] and remove it (the draw's bits were
 * taken two evictions ahead); take the bits of the eviction after next.
 * At least one frame must be resident. */
static uint32_t random_evict(void *state)
{
	struct random_state *s = state;
	uint32_t victim;

	assert(s->count > 0 && "random_evict: no resident frame");
	victim = random_member(s)[(uint32_t)rng_scale(s->ahead[0], s->count)];
	s->ahead[0] = s->ahead[1];
	s->ahead[1] = rng_next(&s->rng);
	random_remove(s, victim);
	return victim;
}

/* peek(): a prefetch hint, the victim after next as the members stand
 * now (a removal may move the member it names). */
static uint32_t random_peek(const void *state)
{
	const struct random_state *s = state;

	return s->slot[(uint32_t)rng_scale(s->ahead[1], s->count)];
}

/* The core freed frame: remove it. Draws nothing. */
static void random_forget(void *state, uint32_t frame)
{
	random_remove(state, frame);
}

/* The view: the resident frames in the order of the array the victim is
 * drawn from. */
static void random_describe(const void *state, const struct policy_viewer *v)
{
	const struct random_state *s = state;

	v->list(v->ctx, "frames (draw order)");
	for (uint32_t i = 0; i < s->count; i++)
		view_frame(v, s->slot[i], false, NULL, 0);
}

const struct policy policy_random = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "random",
	.summary = "evict a resident page chosen uniformly at random (seeded)",
	.needs_future = false,
	.state_size = random_state_size,
	.init = random_init,
	.admit = random_admit,
	.touch = NULL,
	.evict = random_evict,
	.forget = random_forget,
	.uses_seed = true,
	.peek = random_peek,
	.describe = random_describe,
};
