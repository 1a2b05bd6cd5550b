/*
 * opt.c - Belady's MIN: the optimal offline policy.
 *
 * Semantics: the victim is the resident frame whose page is next used
 * farthest in the future, by ref->next_use recorded at its latest admit()
 * or touch() (the core looks ahead in the trace: needs_future). A page
 * never used again (POLICY_NEVER) is farther than any other. Ties can only
 * happen among pages never used again, and go to the lowest frame number.
 * Accessed and dirty bits are never read. A new page's key is the next_use
 * of the reference that brought it in. forget(f) drops f.
 *
 * The resident frames sit in an indexed binary max-heap of (next_use,
 * frame) slots, ordered by next_use and then by the lower frame number.
 * pos[f] is f's index in the heap, or OPT_NONE when f is not resident, so
 * admit, touch, evict and forget are all O(log frames).
 */
#include "policy.h"

#include <assert.h>

#define OPT_NONE UINT32_MAX

struct opt_slot {
	uint64_t next_use;
	uint32_t frame;
};

struct opt_state {
	uint32_t frames;
	uint32_t count;
	struct opt_slot heap[]; /* frames slots, then uint32_t pos[frames] */
};

/* Per-frame index into heap[], or OPT_NONE. */
static uint32_t *opt_pos(struct opt_state *s)
{
	return (uint32_t *)(s->heap + s->frames);
}

/* Bytes of state for cfg: the header, frames heap slots and frames
 * positions. */
static size_t opt_state_size(const struct policy_config *cfg)
{
	return sizeof(struct opt_state) +
	       (size_t)cfg->frames * (sizeof(struct opt_slot) + sizeof(uint32_t));
}

/* Start with an empty heap; every frame is absent. */
static void opt_init(void *state, const struct policy_config *cfg)
{
	struct opt_state *s = state;
	uint32_t *pos;

	s->frames = cfg->frames;
	s->count = 0;
	pos = opt_pos(s);
	for (uint32_t f = 0; f < s->frames; f++)
		pos[f] = OPT_NONE;
}

/* Does slot a belong above slot b: used later, or as late and a lower
 * frame? */
static bool opt_above(const struct opt_slot *a, const struct opt_slot *b)
{
	if (a->next_use != b->next_use)
		return a->next_use > b->next_use;
	return a->frame < b->frame;
}

/* Store slot at heap index i and record its position. */
static void opt_place(struct opt_state *s, uint32_t i, struct opt_slot slot)
{
	s->heap[i] = slot;
	opt_pos(s)[slot.frame] = i;
}

/* Move the slot at index i up while it belongs above its parent. */
static void opt_sift_up(struct opt_state *s, uint32_t i)
{
	struct opt_slot slot = s->heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!opt_above(&slot, &s->heap[parent]))
			break;
		opt_place(s, i, s->heap[parent]);
		i = parent;
	}
	opt_place(s, i, slot);
}

/* Move the slot at index i down while a child belongs above it. */
static void opt_sift_down(struct opt_state *s, uint32_t i)
{
	struct opt_slot slot = s->heap[i];

	for (;;) {
		uint64_t left = 2 * (uint64_t)i + 1, best;

		if (left >= s->count)
			break;
		best = left;
		if (left + 1 < s->count && opt_above(&s->heap[left + 1], &s->heap[left]))
			best = left + 1;
		if (!opt_above(&s->heap[best], &slot))
			break;
		opt_place(s, i, s->heap[best]);
		i = (uint32_t)best;
	}
	opt_place(s, i, slot);
}

/* The slot at index i may have a new key: sift it up if it belongs above
 * its parent, else down. */
static void opt_restore(struct opt_state *s, uint32_t i)
{
	if (i > 0 && opt_above(&s->heap[i], &s->heap[(i - 1) / 2]))
		opt_sift_up(s, i);
	else
		opt_sift_down(s, i);
}

/* Take resident frame out of the heap: the last slot fills its hole and
 * is sifted whichever way it must go. */
static void opt_remove(struct opt_state *s, uint32_t frame)
{
	uint32_t *pos = opt_pos(s);
	uint32_t i;

	assert(frame < s->frames && pos[frame] != OPT_NONE);
	i = pos[frame];
	pos[frame] = OPT_NONE;
	if (i == --s->count)
		return;
	opt_place(s, i, s->heap[s->count]);
	opt_restore(s, i);
}

/* A page was loaded into frame, which must be absent: key it by the next
 * use of this reference. */
static void opt_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct opt_state *s = state;

	assert(frame < s->frames && opt_pos(s)[frame] == OPT_NONE);
	opt_place(s, s->count, (struct opt_slot){ .next_use = ref->next_use, .frame = frame });
	opt_sift_up(s, s->count++);
}

/* The page in frame, which must be resident, was referenced: rekey it by
 * the next use of this reference (always later than its old key). */
static void opt_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct opt_state *s = state;
	uint32_t i;

	assert(frame < s->frames && opt_pos(s)[frame] != OPT_NONE);
	i = opt_pos(s)[frame];
	s->heap[i].next_use = ref->next_use;
	opt_restore(s, i);
}

/* Return the frame used farthest in the future (the heap's root) and drop
 * it. At least one frame must be resident. */
static uint32_t opt_evict(void *state)
{
	struct opt_state *s = state;
	uint32_t victim;

	assert(s->count > 0 && "opt_evict: no resident frame");
	victim = s->heap[0].frame;
	opt_remove(s, victim);
	return victim;
}

/* The core freed frame, which must be resident: drop it. */
static void opt_forget(void *state, uint32_t frame)
{
	opt_remove(state, frame);
}

const struct policy policy_opt = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "opt",
	.summary = "Belady's MIN: evict the page used farthest in the future (offline bound)",
	.needs_future = true,
	.state_size = opt_state_size,
	.init = opt_init,
	.admit = opt_admit,
	.touch = opt_touch,
	.evict = opt_evict,
	.forget = opt_forget,
};
