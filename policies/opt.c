/*
 * opt.c - Belady's MIN: the optimal offline policy, optionally with a
 * bounded look-ahead.
 *
 * Semantics: the victim is the resident frame with the largest key, a
 * page's key being set at its latest admit() or touch() from that
 * reference's ref->now and ref->next_use (the core looks ahead in the
 * trace: needs_future). The key is next_use when the page is used again,
 * so the page used farthest in the future goes first. A page never used
 * again is farther than any other, and among those the one referenced
 * longest ago goes first (least recently used): its key is
 * POLICY_NEVER - now, above every next use. Accessed and dirty bits are
 * never read. forget(f) drops f.
 *
 * Parameter window=N (N references, a whole number; 0, the default: the
 * whole trace). When a page is admitted or touched at reference time now
 * with next use next_use, its key is next_use if next_use - now < N, and
 * otherwise that of a page never used again, POLICY_NEVER - now: "not
 * used again within the window", least recently used first. With
 * window 0 the key is next_use itself, which is Belady's MIN; with N at
 * least the trace's number of references the results are the same. Any
 * other N is OPT with a bounded look-ahead, an approximation of MIN that
 * may fault more: pages next used N or more references ahead all look
 * alike but for their recency. The key is not revised as time passes (a
 * page keyed as never used again stays so until its next touch, even once
 * its next use comes within N references).
 *
 * Ties. There are none on a trace without VM events: one reference
 * touches one page, so no two resident pages share a next use, nor a
 * latest reference. The order of keys among pages not referenced never
 * changes, and does not depend on the number of frames, which makes OPT
 * (without a window) a stack algorithm in the strict sense: the one-pass
 * curve (src/replay/mrc.c) follows every eviction, dirty ones included. (VM
 * events can make keys tie -- frames handed over at a process's exit
 * share a time, a frame copied on write keeps its old key -- and then
 * the lower frame number goes first.)
 *
 * The core's look-ahead. Because the key never tells apart next uses N
 * or more references ahead, the core may look only N references ahead
 * (policy.h: a needs_future policy's parameter named window), streaming
 * the trace in one pass with O(N) memory instead of holding next_use for
 * every reference.
 *
 * The resident frames sit in an indexed binary max-heap of (key, frame)
 * slots, ordered by key and then by the lower frame number. pos[f] is f's
 * index in the heap, or OPT_NONE when f is not resident, so admit, touch,
 * evict and forget are all O(log frames).
 */
#include "policy.h"
#include "view.h"

#include <assert.h>

#include "opt_key.h"

#define OPT_NONE UINT32_MAX

static const struct policy_param opt_params[] = {
	{ .name = "window", .help = "references of look-ahead (0: the whole trace)", .def = 0, .min = 0,
	  .max = 1e12, .integer = true },
	{ .name = NULL },
};

struct opt_slot {
	uint64_t key; /* opt_key.h */
	uint32_t frame;
};

struct opt_state {
	uint32_t frames;
	uint32_t count;
	uint64_t window; /* the window parameter; 0: the whole trace */
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

/* Start with an empty heap; every frame is absent. cfg->params: window
 * (NULL: the default, the whole trace). */
static void opt_init(void *state, const struct policy_config *cfg)
{
	struct opt_state *s = state;
	uint32_t *pos;

	s->frames = cfg->frames;
	s->count = 0;
	s->window = cfg->params != NULL ? (uint64_t)cfg->params[0] : 0;
	pos = opt_pos(s);
	for (uint32_t f = 0; f < s->frames; f++)
		pos[f] = OPT_NONE;
}

/* Does slot a belong above slot b: a larger key, or the same and a lower
 * frame? */
static bool opt_above(const struct opt_slot *a, const struct opt_slot *b)
{
	if (a->key != b->key)
		return a->key > b->key;
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

/* A page was loaded into frame, which must be absent: key it by this
 * reference. */
static void opt_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct opt_state *s = state;

	assert(frame < s->frames && opt_pos(s)[frame] == OPT_NONE);
	opt_place(s, s->count,
		  (struct opt_slot){ .key = opt_key(ref->now, ref->next_use, s->window), .frame = frame });
	opt_sift_up(s, s->count++);
}

/* The page in frame, which must be resident, was referenced: rekey it by
 * this reference. */
static void opt_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct opt_state *s = state;
	uint32_t i;

	assert(frame < s->frames && opt_pos(s)[frame] != OPT_NONE);
	i = opt_pos(s)[frame];
	s->heap[i].key = opt_key(ref->now, ref->next_use, s->window);
	opt_restore(s, i);
}

/* Return the frame with the largest key (the heap's root) and drop it.
 * At least one frame must be resident. */
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

/* The view: resident frames from frame 0 up, each with its page's next
 * use (a reference index; "never" when not used again, or not within the
 * window). The largest next use goes first, "never" before any. */
static void opt_describe(const void *state, const struct policy_viewer *v)
{
	const struct opt_state *s = state;
	const uint32_t *pos = (const uint32_t *)(s->heap + s->frames);

	v->list(v->ctx, "frames (next use)");
	for (uint32_t f = 0; f < s->frames; f++) {
		uint64_t key;

		if (pos[f] == OPT_NONE)
			continue;
		key = s->heap[pos[f]].key;
		/* opt_key.h: a never-again key is POLICY_NEVER - now, far above
		 * any reference index. */
		view_frame(v, f, false, "next", key >= POLICY_NEVER / 2 ? POLICY_NEVER : key);
	}
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
	.params = opt_params,
	.describe = opt_describe,
};
