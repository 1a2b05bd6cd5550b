/*
 * lfu.c - least frequently used (in-memory LFU), O(1) per operation.
 *
 * Semantics: each resident page has a reference count: 1 for the faulting
 * reference at admit(), plus 1 for every hit (touch). The victim is the
 * resident frame with the smallest count; among equal counts, the least
 * recently used one (whose latest reference, fault or hit, is oldest).
 * Counts live only while the page is resident: eviction and forget(f)
 * drop them, and a page loaded again starts at 1 (no history is kept for
 * pages out of memory). Accessed and dirty bits are never read or cleared;
 * the policy sees every reference through touch, one call per hit.
 *
 * The structure (the O(1) LFU of Shah, Mitra and Matani, 2010, folded into
 * one list): a single list of the resident frames (a framelist's nodes,
 * with an insert-after added here) in ascending (count, recency) order,
 * so its front is always the victim. Frames of equal count are contiguous
 * (a "group"); each group has a bucket holding its count and its last
 * (most recent) frame, and each frame knows its bucket. A hit moves the
 * frame from its group to the back of the group of count + 1, which is
 * either the very next group or a new one created right after the old
 * group: since a frame's latest reference is the one that put it in its
 * group, order by arrival in the group is order by recency. There are at
 * most as many buckets as resident frames, kept in a pool of frames
 * entries (free ones chained through their last field).
 *
 * Cost: admit, touch, evict and forget are all O(1), with no search.
 */
#include "framelist.h"
#include "policy.h"
#include "view.h"

#include <assert.h>
#include <stddef.h>

#define LFU_NONE FRAMELIST_NONE

struct lfu_bucket {
	uint64_t count; /* references of every frame in the group */
	uint32_t last;  /* the group's most recent frame; next free bucket when free */
};

struct lfu_state {
	uint32_t frames;
	uint32_t free_bucket; /* head of the free bucket chain, or LFU_NONE */
	/* frames + 1 list nodes (struct framelist_node, front: the victim),
	 * then frames buckets (struct lfu_bucket), then frames bucket
	 * numbers (uint32_t, the bucket of each resident frame). */
	struct framelist_node order[];
};

/* The bucket pool starts right after the nodes, so it must be aligned there. */
_Static_assert(offsetof(struct lfu_state, order) % _Alignof(struct lfu_bucket) == 0 &&
		       sizeof(struct framelist_node) % _Alignof(struct lfu_bucket) == 0,
	       "lfu: bucket pool misaligned");

/* The bucket pool of s: it follows the frames + 1 list nodes. */
static struct lfu_bucket *lfu_buckets(struct lfu_state *s)
{
	return (struct lfu_bucket *)(s->order + s->frames + 1);
}

/* The bucket number of each frame of s: after the bucket pool. */
static uint32_t *lfu_bucket_of(struct lfu_state *s)
{
	return (uint32_t *)(lfu_buckets(s) + s->frames);
}

/* Bytes of state for cfg: the header, the list's nodes, a bucket and a
 * bucket number per frame. */
static size_t lfu_state_size(const struct policy_config *cfg)
{
	return sizeof(struct lfu_state) + framelist_size(cfg->frames) +
	       (size_t)cfg->frames * (sizeof(struct lfu_bucket) + sizeof(uint32_t));
}

/* Start with an empty list and every bucket free. */
static void lfu_init(void *state, const struct policy_config *cfg)
{
	struct lfu_state *s = state;
	struct lfu_bucket *bucket;

	s->frames = cfg->frames;
	framelist_init(s->order, s->frames);
	bucket = lfu_buckets(s);
	for (uint32_t b = 0; b < s->frames; b++)
		bucket[b] = (struct lfu_bucket){ .count = 0, .last = b + 1 < s->frames ? b + 1 : LFU_NONE };
	s->free_bucket = 0;
}

/* A bucket from the pool for count, whose last frame will be last. The
 * pool must not be empty (there are never more groups than frames). */
static uint32_t lfu_bucket_new(struct lfu_state *s, uint64_t count, uint32_t last)
{
	struct lfu_bucket *bucket = lfu_buckets(s);
	uint32_t b = s->free_bucket;

	assert(b != LFU_NONE && "lfu_bucket_new: more groups than frames");
	s->free_bucket = bucket[b].last;
	bucket[b] = (struct lfu_bucket){ .count = count, .last = last };
	return b;
}

/* Return bucket b to the pool. */
static void lfu_bucket_free(struct lfu_state *s, uint32_t b)
{
	lfu_buckets(s)[b] = (struct lfu_bucket){ .count = 0, .last = s->free_bucket };
	s->free_bucket = b;
}

/* Link f, which must not be on the list, right after at (a listed frame,
 * or the sentinel s->frames for the front). */
static void lfu_link_after(struct lfu_state *s, uint32_t at, uint32_t f)
{
	struct framelist_node *node = s->order;
	uint32_t next = node[at].next;

	assert(f < s->frames && !framelist_contains(node, f));
	node[f] = (struct framelist_node){ .prev = at, .next = next };
	node[at].next = f;
	node[next].prev = f;
}

/* Take listed frame f out of its group: if it was the group's last frame,
 * the frame before it becomes the last, or the bucket is freed when f was
 * alone. f stays on the list and keeps its bucket number. */
static void lfu_leave_group(struct lfu_state *s, uint32_t f)
{
	struct lfu_bucket *bucket = lfu_buckets(s);
	uint32_t *bucket_of = lfu_bucket_of(s);
	uint32_t b = bucket_of[f], prev = s->order[f].prev;

	if (bucket[b].last != f)
		return;
	if (prev != s->frames && bucket_of[prev] == b)
		bucket[b].last = prev;
	else
		lfu_bucket_free(s, b);
}

/* A page was loaded into frame, which must not be listed: count 1, the
 * most recent of the count-1 group at the front (created if absent). */
static void lfu_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lfu_state *s = state;
	struct lfu_bucket *bucket = lfu_buckets(s);
	uint32_t *bucket_of = lfu_bucket_of(s);
	uint32_t front = s->order[s->frames].next;

	(void)ref;
	if (front != s->frames && bucket[bucket_of[front]].count == 1) {
		uint32_t b = bucket_of[front];

		lfu_link_after(s, bucket[b].last, frame);
		bucket[b].last = frame;
		bucket_of[frame] = b;
	} else {
		lfu_link_after(s, s->frames, frame);
		bucket_of[frame] = lfu_bucket_new(s, 1, frame);
	}
}

/* The page in frame, which must be listed, was referenced: its count goes
 * up by one and it becomes the most recent frame of its new count. */
static void lfu_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lfu_state *s = state;
	struct lfu_bucket *bucket = lfu_buckets(s);
	uint32_t *bucket_of = lfu_bucket_of(s);
	uint32_t b = bucket_of[frame];
	uint64_t count = bucket[b].count + 1;
	uint32_t last = bucket[b].last;
	uint32_t next = s->order[last].next; /* first frame of the next group */
	uint32_t prev = s->order[frame].prev;
	bool alone = last == frame && (prev == s->frames || bucket_of[prev] != b);

	(void)ref;
	if (next != s->frames && bucket[bucket_of[next]].count == count) {
		uint32_t to = bucket_of[next];

		lfu_leave_group(s, frame);
		framelist_remove(s->order, s->frames, frame);
		lfu_link_after(s, bucket[to].last, frame);
		bucket[to].last = frame;
		bucket_of[frame] = to;
	} else if (alone) {
		bucket[b].count = count; /* its own group: the order still holds */
	} else {
		lfu_leave_group(s, frame);
		if (last != frame) {
			framelist_remove(s->order, s->frames, frame);
			lfu_link_after(s, last, frame);
		}
		bucket_of[frame] = lfu_bucket_new(s, count, frame);
	}
}

/* Return the front frame (fewest references, least recent among them)
 * and drop it. At least one frame must be resident. */
static uint32_t lfu_evict(void *state)
{
	struct lfu_state *s = state;
	uint32_t victim = framelist_front(s->order, s->frames);

	lfu_leave_group(s, victim);
	framelist_remove(s->order, s->frames, victim);
	return victim;
}

/* The core freed frame, which must be listed: drop it and its count. */
static void lfu_forget(void *state, uint32_t frame)
{
	struct lfu_state *s = state;

	lfu_leave_group(s, frame);
	framelist_remove(s->order, s->frames, frame);
}

/* The view: resident frames in eviction order (fewest references first,
 * then least recent), each with its reference count. */
static void lfu_describe(const void *state, const struct policy_viewer *v)
{
	const struct lfu_state *s = state;
	const struct lfu_bucket *bucket = (const struct lfu_bucket *)(s->order + s->frames + 1);
	const uint32_t *bucket_of = (const uint32_t *)(bucket + s->frames);

	v->list(v->ctx, "frames (victim first; count)");
	for (uint32_t f = s->order[s->frames].next; f != s->frames; f = s->order[f].next)
		view_frame(v, f, false, "count", bucket[bucket_of[f]].count);
}

const struct policy policy_lfu = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "lfu",
	.summary = "evict the page with the fewest references since it was loaded (ties: least recent)",
	.needs_future = false,
	.state_size = lfu_state_size,
	.init = lfu_init,
	.admit = lfu_admit,
	.touch = lfu_touch,
	.evict = lfu_evict,
	.forget = lfu_forget,
	.params = NULL,
	.tick = NULL,
	.evict_for = NULL,
	.uses_seed = false,
	.describe = lfu_describe,
};
