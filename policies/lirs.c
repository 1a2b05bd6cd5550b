/*
 * lirs.c - LIRS, low inter-reference recency set (Jiang & Zhang,
 * SIGMETRICS 2002).
 *
 * Semantics
 * ---------
 * Resident pages are either LIR (low inter-reference recency, never
 * evicted while LIR) or resident HIR. With m frames, L_hirs = max(1,
 * floor(hir * m)) frames (at most m) are meant for resident HIR pages and
 * L_lirs = m - L_hirs for LIR pages. Two lists order the entries:
 *   S  the recency stack: LIR pages, and HIR pages (resident or not) whose
 *      last reference is more recent than that of the oldest LIR page. The
 *      top is the most recent; after every operation the bottom is LIR (or
 *      S is empty), which "stack pruning" restores by dropping HIR entries
 *      from the bottom (a resident one stays in Q, a non-resident one is
 *      forgotten).
 *   Q  the resident HIR pages, front = next victim.
 * Every reference is seen (touch): a hit on
 *   a LIR page        moves it to the top of S;
 *   a HIR page in S   makes it LIR at the top of S and takes it off Q;
 *   a HIR page not in S  moves it to the top of S and the back of Q.
 * A fault first evicts (evict() comes before admit()): the victim is the
 * front of Q; if it is in S it stays there as a non-resident HIR entry.
 * Then admit() loads page X: a non-resident HIR entry of X in S makes X
 * LIR at the top of S; otherwise X gets a new entry at the top of S, and
 * is LIR while fewer than L_lirs pages are LIR (the warm-up: the first
 * L_lirs distinct pages admitted become LIR), else resident HIR at the
 * back of Q. Whenever a promotion leaves more than L_lirs LIR pages, the
 * LIR page at the bottom of S becomes resident HIR at the back of Q (it
 * leaves S by pruning). Hence Q is never empty when all frames are used.
 *
 * Bounded history (not in the paper): at most G = floor(ghosts * m)
 * non-resident HIR entries are kept. The one dropped when there are too
 * many is the deepest in S, the one whose last reference is oldest (the
 * first stack pruning would remove anyway). evict() trims to G before
 * its victim becomes non-resident (so there may be G + 1 until the
 * admit), and admit() trims to G only after X's own entry has been looked
 * up (taking it back is itself enough), so a page is never forgotten just
 * before it comes back, and between references there are at most G.
 *
 * forget(f) drops the page's entry outright (no non-resident entry is
 * left: the page is gone, not evicted); if it was LIR the LIR set is one
 * short and the next page admitted without history refills it. Accessed
 * and dirty bits are never read. Deterministic: no randomness, no ties.
 *
 * Implementation
 * --------------
 * One pool of entries (m + G: every resident page plus the non-resident
 * ones) doubly linked by index into S and Q, with a shared sentinel at
 * index cap. Non-resident entries are found by identity in a pagemap
 * (pagemap.h) and ordered for dropping in a binary min-heap keyed by the
 * time they last went to the top of S (a counter, so S order is key
 * order). admit, touch, evict and forget are O(1) amortised plus
 * O(log G) for the heap; pruning removes each entry at most once per
 * push.
 */
#include "pagemap.h"
#include "policy.h"
#include "view.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#define LIRS_NONE UINT32_MAX
/* Longest history kept, whatever ghosts says (and the pool of frames + G
 * entries plus the sentinel stays below LIRS_NONE). */
#define LIRS_GHOST_LIMIT ((uint64_t)1 << 30)

enum lirs_status { LIRS_FREE = 0, LIRS_LIR, LIRS_HIR, LIRS_GHOST };

struct lirs_entry {
	uint64_t page;
	uint64_t stamp;       /* value of the clock when last pushed on S */
	uint32_t pid;
	uint32_t frame;       /* LIRS_NONE unless resident */
	uint32_t s_prev, s_next; /* S links; s_next == LIRS_NONE: not in S */
	uint32_t q_prev, q_next; /* Q links; q_next == LIRS_NONE: not in Q */
	uint32_t heap_pos;    /* index in the heap (LIRS_GHOST only) */
	uint32_t status;      /* enum lirs_status; LIRS_FREE: on the free list (s_next) */
};

struct lirs_state {
	uint32_t frames;
	uint32_t lir_max;   /* L_lirs */
	uint32_t ghost_max; /* G */
	uint32_t cap;       /* pool entries: frames + G; entry[cap] is the sentinel */
	uint32_t lir_count, ghost_count;
	uint32_t free_head;
	uint32_t pad;
	uint64_t clock;
	size_t frame_off, heap_off, map_off; /* byte offsets of the other regions */
	struct lirs_entry entry[];           /* cap + 1 */
};

static const struct policy_param lirs_params[] = {
	{ .name = "hir", .help = "share of frames for resident HIR pages (at least 1 page)",
	  .def = 0.01, .min = 0.0, .max = 1.0, .integer = false },
	{ .name = "ghosts", .help = "non-resident HIR entries kept, in multiples of the frames",
	  .def = 2.0, .min = 0.0, .max = 64.0, .integer = false },
	{ .name = NULL },
};

struct lirs_layout {
	uint32_t lir_max, ghost_max, cap;
	size_t frame_off, heap_off, map_off, size;
};

/* The sizes and offsets of every region of the state block for cfg:
 * header and entries, frame -> entry, the heap, the map of G + 1
 * non-resident entries (one more may exist between evict and admit). */
static struct lirs_layout lirs_layout_of(const struct policy_config *cfg)
{
	const double hir = cfg->params != NULL ? cfg->params[0] : lirs_params[0].def;
	const double ghosts = cfg->params != NULL ? cfg->params[1] : lirs_params[1].def;
	const uint32_t m = cfg->frames;
	const uint64_t limit = LIRS_GHOST_LIMIT < (uint64_t)UINT32_MAX - 1 - m
			       ? LIRS_GHOST_LIMIT : (uint64_t)UINT32_MAX - 1 - m;
	struct lirs_layout l;
	double hir_frames = hir * m, ghost_frames = ghosts * m;
	uint32_t l_hirs;

	l_hirs = hir_frames >= m ? m : (uint32_t)hir_frames;
	if (l_hirs < 1)
		l_hirs = 1;
	l.lir_max = m - l_hirs;
	l.ghost_max = ghost_frames >= (double)limit ? (uint32_t)limit : (uint32_t)ghost_frames;
	l.cap = m + l.ghost_max;
	l.frame_off = pagemap_align(sizeof(struct lirs_state) +
				    ((size_t)l.cap + 1) * sizeof(struct lirs_entry));
	l.heap_off = pagemap_align(l.frame_off + (size_t)m * sizeof(uint32_t));
	l.map_off = pagemap_align(l.heap_off + ((size_t)l.ghost_max + 1) * sizeof(uint32_t));
	l.size = l.map_off + pagemap_size(l.ghost_max + 1);
	return l;
}

/* Frame -> entry index (LIRS_NONE when the frame is not held). */
static uint32_t *lirs_frame_entry(struct lirs_state *s)
{
	return (uint32_t *)((char *)s + s->frame_off);
}

/* The heap of non-resident entries, oldest stamp at index 0. */
static uint32_t *lirs_heap(struct lirs_state *s)
{
	return (uint32_t *)((char *)s + s->heap_off);
}

/* Identity -> entry index, for non-resident entries only. */
static struct pagemap *lirs_map(struct lirs_state *s)
{
	return (struct pagemap *)((char *)s + s->map_off);
}

/* ---- S and Q: doubly linked by index, sentinel entry[cap] ---- */

/* Is e on S? */
static bool lirs_in_s(const struct lirs_state *s, uint32_t e)
{
	return s->entry[e].s_next != LIRS_NONE;
}

/* Is e on Q? */
static bool lirs_in_q(const struct lirs_state *s, uint32_t e)
{
	return s->entry[e].q_next != LIRS_NONE;
}

/* Unlink e, which must be on S. */
static void lirs_s_remove(struct lirs_state *s, uint32_t e)
{
	struct lirs_entry *x = &s->entry[e];

	assert(lirs_in_s(s, e));
	s->entry[x->s_prev].s_next = x->s_next;
	s->entry[x->s_next].s_prev = x->s_prev;
	x->s_prev = x->s_next = LIRS_NONE;
}

/* Put e on top of S (taking it from where it was, if on S) and stamp it
 * with the next clock value. */
static void lirs_s_push_top(struct lirs_state *s, uint32_t e)
{
	struct lirs_entry *x = &s->entry[e], *sent = &s->entry[s->cap];

	if (lirs_in_s(s, e))
		lirs_s_remove(s, e);
	x->s_prev = sent->s_prev;
	x->s_next = s->cap;
	s->entry[sent->s_prev].s_next = e;
	sent->s_prev = e;
	x->stamp = ++s->clock;
}

/* Unlink e, which must be on Q. */
static void lirs_q_remove(struct lirs_state *s, uint32_t e)
{
	struct lirs_entry *x = &s->entry[e];

	assert(lirs_in_q(s, e));
	s->entry[x->q_prev].q_next = x->q_next;
	s->entry[x->q_next].q_prev = x->q_prev;
	x->q_prev = x->q_next = LIRS_NONE;
}

/* Put e at the back of Q (taking it from where it was, if on Q). */
static void lirs_q_push_back(struct lirs_state *s, uint32_t e)
{
	struct lirs_entry *x = &s->entry[e], *sent = &s->entry[s->cap];

	if (lirs_in_q(s, e))
		lirs_q_remove(s, e);
	x->q_prev = sent->q_prev;
	x->q_next = s->cap;
	s->entry[sent->q_prev].q_next = e;
	sent->q_prev = e;
}

/* ---- the heap of non-resident entries, by stamp ---- */

/* Swap heap slots i and j, keeping heap_pos in step. */
static void lirs_heap_swap(struct lirs_state *s, uint32_t i, uint32_t j)
{
	uint32_t *heap = lirs_heap(s), t = heap[i];

	heap[i] = heap[j];
	heap[j] = t;
	s->entry[heap[i]].heap_pos = i;
	s->entry[heap[j]].heap_pos = j;
}

/* Restore heap order around slot i (< ghost_count), moving it up or down. */
static void lirs_heap_fix(struct lirs_state *s, uint32_t i)
{
	uint32_t *heap = lirs_heap(s);

	while (i > 0 && s->entry[heap[i]].stamp < s->entry[heap[(i - 1) / 2]].stamp) {
		lirs_heap_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, min = i;

		if (l < s->ghost_count && s->entry[heap[l]].stamp < s->entry[heap[min]].stamp)
			min = l;
		if (r < s->ghost_count && s->entry[heap[r]].stamp < s->entry[heap[min]].stamp)
			min = r;
		if (min == i)
			return;
		lirs_heap_swap(s, i, min);
		i = min;
	}
}

/* ---- entries ---- */

/* A free pool entry for (pid, page), on neither list. The pool must not
 * be exhausted (the bounds above guarantee it). */
static uint32_t lirs_entry_alloc(struct lirs_state *s, uint32_t pid, uint64_t page)
{
	uint32_t e = s->free_head;

	assert(e != LIRS_NONE && "lirs: entry pool exhausted");
	s->free_head = s->entry[e].s_next;
	s->entry[e] = (struct lirs_entry){ .page = page, .pid = pid, .frame = LIRS_NONE,
					   .s_prev = LIRS_NONE, .s_next = LIRS_NONE,
					   .q_prev = LIRS_NONE, .q_next = LIRS_NONE,
					   .heap_pos = LIRS_NONE, .status = LIRS_HIR };
	return e;
}

/* Give e, on neither list and not non-resident, back to the pool. */
static void lirs_entry_free(struct lirs_state *s, uint32_t e)
{
	assert(!lirs_in_s(s, e) && !lirs_in_q(s, e) && s->entry[e].status != LIRS_GHOST);
	s->entry[e].status = LIRS_FREE;
	s->entry[e].s_next = s->free_head;
	s->free_head = e;
}

/* Make e (resident HIR, on S, off Q, frame already released) a
 * non-resident entry: into the map and the heap. */
static void lirs_ghost_add(struct lirs_state *s, uint32_t e)
{
	struct lirs_entry *x = &s->entry[e];

	x->status = LIRS_GHOST;
	x->frame = LIRS_NONE;
	pagemap_put(lirs_map(s), x->pid, x->page, e);
	x->heap_pos = s->ghost_count;
	lirs_heap(s)[s->ghost_count++] = e;
	lirs_heap_fix(s, x->heap_pos);
}

/* Take non-resident e out of the map and the heap (it stays on S); it
 * becomes resident HIR with no frame yet. */
static void lirs_ghost_take(struct lirs_state *s, uint32_t e)
{
	struct lirs_entry *x = &s->entry[e];
	uint32_t pos = x->heap_pos, last;

	assert(x->status == LIRS_GHOST);
	pagemap_remove(lirs_map(s), x->pid, x->page);
	last = lirs_heap(s)[--s->ghost_count];
	if (pos < s->ghost_count) {
		lirs_heap(s)[pos] = last;
		s->entry[last].heap_pos = pos;
		lirs_heap_fix(s, pos);
	}
	x->heap_pos = LIRS_NONE;
	x->status = LIRS_HIR;
}

/* Forget non-resident e entirely: off S, the map and the heap. */
static void lirs_ghost_drop(struct lirs_state *s, uint32_t e)
{
	lirs_ghost_take(s, e);
	lirs_s_remove(s, e);
	lirs_entry_free(s, e);
}

/* While more than limit non-resident entries exist, forget the one whose
 * last reference is oldest (the deepest in S). */
static void lirs_ghost_trim(struct lirs_state *s, uint32_t limit)
{
	while (s->ghost_count > limit)
		lirs_ghost_drop(s, lirs_heap(s)[0]);
}

/* Stack pruning: drop HIR entries from the bottom of S until the bottom
 * is LIR or S is empty; a resident one stays on Q, a non-resident one is
 * forgotten. */
static void lirs_prune(struct lirs_state *s)
{
	for (;;) {
		uint32_t bottom = s->entry[s->cap].s_next;

		if (bottom == s->cap || s->entry[bottom].status == LIRS_LIR)
			return;
		if (s->entry[bottom].status == LIRS_GHOST)
			lirs_ghost_drop(s, bottom);
		else
			lirs_s_remove(s, bottom);
	}
}

/* Make the LIR page at the bottom of S (after pruning) resident HIR at
 * the back of Q. Some page must be LIR. */
static void lirs_demote_bottom(struct lirs_state *s)
{
	uint32_t bottom;

	lirs_prune(s);
	bottom = s->entry[s->cap].s_next;
	assert(bottom != s->cap && s->entry[bottom].status == LIRS_LIR);
	s->entry[bottom].status = LIRS_HIR;
	s->lir_count--;
	lirs_s_remove(s, bottom);
	lirs_q_push_back(s, bottom);
}

/* While more than L_lirs pages are LIR, demote the bottom one; prune. */
static void lirs_demote_excess(struct lirs_state *s)
{
	while (s->lir_count > s->lir_max)
		lirs_demote_bottom(s);
	lirs_prune(s);
}

/* Make resident HIR entry e LIR at the top of S (off Q), then demote the
 * excess. */
static void lirs_promote(struct lirs_state *s, uint32_t e)
{
	if (lirs_in_q(s, e))
		lirs_q_remove(s, e);
	s->entry[e].status = LIRS_LIR;
	s->lir_count++;
	lirs_s_push_top(s, e);
	lirs_demote_excess(s);
}

/* ---- the policy ---- */

/* Bytes of state for cfg (see lirs_layout_of). */
static size_t lirs_state_size(const struct policy_config *cfg)
{
	return lirs_layout_of(cfg).size;
}

/* Lay out the regions, chain every entry on the free list, empty S, Q,
 * the heap and the map; no frame is held. */
static void lirs_init(void *state, const struct policy_config *cfg)
{
	struct lirs_state *s = state;
	struct lirs_layout l = lirs_layout_of(cfg);

	s->frames = cfg->frames;
	s->lir_max = l.lir_max;
	s->ghost_max = l.ghost_max;
	s->cap = l.cap;
	s->lir_count = s->ghost_count = 0;
	s->clock = 0;
	s->frame_off = l.frame_off;
	s->heap_off = l.heap_off;
	s->map_off = l.map_off;
	for (uint32_t e = 0; e < s->cap; e++)
		s->entry[e] = (struct lirs_entry){ .status = LIRS_FREE,
						   .s_next = e + 1 < s->cap ? e + 1 : LIRS_NONE };
	s->free_head = s->cap > 0 ? 0 : LIRS_NONE;
	s->entry[s->cap] = (struct lirs_entry){ .s_prev = s->cap, .s_next = s->cap,
						.q_prev = s->cap, .q_next = s->cap };
	for (uint32_t f = 0; f < s->frames; f++)
		lirs_frame_entry(s)[f] = LIRS_NONE;
	pagemap_init(lirs_map(s), s->ghost_max + 1);
}

/* Page ref was loaded into frame (not held): the paper's miss cases. A
 * non-resident entry of the page in S makes it LIR; otherwise the history
 * is trimmed to G and the page is new: LIR while the LIR set is short,
 * else resident HIR (top of S, back of Q). S is pruned last. */
static void lirs_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lirs_state *s = state;
	uint32_t e = pagemap_get(lirs_map(s), ref->pid, ref->page);

	assert(frame < s->frames && lirs_frame_entry(s)[frame] == LIRS_NONE);
	if (e != PAGEMAP_NONE) {
		lirs_ghost_take(s, e); /* this alone brings the history back to G */
		s->entry[e].frame = frame;
		lirs_frame_entry(s)[frame] = e;
		lirs_promote(s, e);
		return;
	}
	lirs_ghost_trim(s, s->ghost_max);
	e = lirs_entry_alloc(s, ref->pid, ref->page);
	s->entry[e].frame = frame;
	lirs_frame_entry(s)[frame] = e;
	lirs_s_push_top(s, e);
	if (s->lir_count < s->lir_max) {
		s->entry[e].status = LIRS_LIR;
		s->lir_count++;
	} else {
		lirs_q_push_back(s, e);
	}
	lirs_prune(s);
}

/* The page in frame (held) was referenced again: the paper's hit cases
 * (LIR: to the top of S; HIR in S: promoted; HIR not in S: top of S and
 * back of Q), then S is pruned. */
static void lirs_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct lirs_state *s = state;
	uint32_t e = lirs_frame_entry(s)[frame];

	(void)ref;
	assert(frame < s->frames && e != LIRS_NONE);
	if (s->entry[e].status == LIRS_LIR) {
		lirs_s_push_top(s, e);
	} else if (lirs_in_s(s, e)) {
		lirs_promote(s, e);
		return;
	} else {
		lirs_s_push_top(s, e);
		lirs_q_push_back(s, e);
	}
	lirs_prune(s);
}

/* Evict the front of Q and return its frame. If it is on S it stays
 * there as a non-resident entry, after the history was trimmed to G;
 * otherwise it is forgotten. Q is empty only when forget() took every
 * resident HIR page: then the least recently used LIR page (the bottom of
 * S) is demoted first and goes. */
static uint32_t lirs_evict(void *state)
{
	struct lirs_state *s = state;
	uint32_t victim, frame;

	if (s->entry[s->cap].q_next == s->cap)
		lirs_demote_bottom(s);
	victim = s->entry[s->cap].q_next;
	frame = s->entry[victim].frame;
	lirs_q_remove(s, victim);
	lirs_frame_entry(s)[frame] = LIRS_NONE;
	s->entry[victim].frame = LIRS_NONE;
	if (lirs_in_s(s, victim)) {
		lirs_ghost_trim(s, s->ghost_max);
		lirs_ghost_add(s, victim);
	} else {
		lirs_entry_free(s, victim);
	}
	return frame;
}

/* The core freed frame (held): drop its page's entry from S and Q with no
 * non-resident trace; a LIR page leaves the LIR set one short. */
static void lirs_forget(void *state, uint32_t frame)
{
	struct lirs_state *s = state;
	uint32_t e = lirs_frame_entry(s)[frame];

	assert(frame < s->frames && e != LIRS_NONE);
	lirs_frame_entry(s)[frame] = LIRS_NONE;
	if (s->entry[e].status == LIRS_LIR)
		s->lir_count--;
	if (lirs_in_s(s, e))
		lirs_s_remove(s, e);
	if (lirs_in_q(s, e))
		lirs_q_remove(s, e);
	lirs_entry_free(s, e);
	lirs_prune(s);
}

/* Send entry e of s to v: its frame with LIR=1 or 0 if resident, else a
 * ghost. */
static void lirs_view_entry(const struct lirs_state *s, const struct policy_viewer *v, uint32_t e)
{
	const struct lirs_entry *x = &s->entry[e];
	struct policy_view_item it = { .frame = x->frame, .pid = x->pid, .page = x->page };

	if (x->frame == LIRS_NONE) {
		it.frame = POLICY_VIEW_GHOST;
	} else {
		it.nvalues = 1;
		it.key[0] = "LIR";
		it.value[0] = x->status == LIRS_LIR;
	}
	v->item(v->ctx, &it);
}

/* The view: the stack S from its bottom (the oldest, a LIR page) to its
 * top, LIR pages marked LIR=1 and non-resident HIR entries as ghosts;
 * then Q, the resident HIR pages, from the next victim. */
static void lirs_describe(const void *state, const struct policy_viewer *v)
{
	const struct lirs_state *s = state;
	const struct lirs_entry *sent = &s->entry[s->cap];

	v->list(v->ctx, "S (bottom..top)");
	for (uint32_t e = sent->s_next; e != s->cap; e = s->entry[e].s_next)
		lirs_view_entry(s, v, e);
	v->list(v->ctx, "Q (victim first)");
	for (uint32_t e = sent->q_next; e != s->cap; e = s->entry[e].q_next)
		lirs_view_entry(s, v, e);
}

const struct policy policy_lirs = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "lirs",
	.summary = "low inter-reference recency set: keep pages re-used sooner than the LIR set's oldest",
	.needs_future = false,
	.state_size = lirs_state_size,
	.init = lirs_init,
	.admit = lirs_admit,
	.touch = lirs_touch,
	.evict = lirs_evict,
	.forget = lirs_forget,
	.params = lirs_params,
	.describe = lirs_describe,
};
