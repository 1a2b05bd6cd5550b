/*
 * optstack.c - OPT stack distances on line in O(log n) per reference:
 * the critical stack algorithm of Bilardi, Ekanadham and Pattnaik
 * ("Optimal on-line computation of stack distances for MIN and OPT",
 * CF 2017), over a segment tree.
 *
 * What is computed
 * ----------------
 * The OPT stack distance of a reference is the smallest number of frames
 * at which Belady's OPT hits it. It does not depend on the future beyond
 * the reference (which pages OPT keeps until then depends only on the
 * reuse intervals that end by then), so it can be computed on line,
 * without opt.c's look-ahead. The order among pages never referenced
 * again does not change any distance; it only changes which of them are
 * resident at the end, which optstack_final gets (below).
 *
 * The critical markers
 * --------------------
 * Keep the LRU stack (positions 0, 1, ... from the most recent page) and,
 * for every memory size c = 1 .. pages-1, a marker M(c) on one page of it
 * (the paper's critical marker of size c + 1, as a value: the page's
 * position + 1). With beta(i) = #{c : M(c) <= i} - i, the number of
 * markers on the top i pages minus i (always >= 0), a reference to the
 * page at LRU position D >= 1:
 *   z      = the largest i < D with beta(i) = 0 (beta(0) = 0);
 *   c*     = the smallest c with M(c) > z (a marker on a page at position
 *            >= z); the OPT distance is c* + 1;
 *   then every marker on a page above position D moves down with it
 *   (M(c) += 1 where M(c) <= D), so a marker on the referenced page
 *   itself, M(c) = D + 1, stays at position D: it passes to the page just
 *   above the referenced one, which moves down there; M(c*) := 1, the
 *   referenced page, which goes to the top of the LRU stack.
 * At position 0 the distance is 1 and nothing changes. A first touch goes
 * on top, every marker moves down with its page, and the new size's
 * marker (c = pages - 1, none for the first page) is put on it.
 *
 * Data structures
 * ---------------
 * Pages live at times, as in mrc.c's LRU: a page's time is that of its
 * latest reference, and LRU position = the number of pages at later times.
 * A segment tree over times, latest first (leaf = tsize - 1 - time), keeps
 * in each node: the sum of (markers - 1) over its pages (sum: beta across
 * the node), the smallest beta prefix before one of its pages (minpre,
 * relative; OS_EMPTY for a node without pages), and the smallest marker
 * size on its pages (mincap). So z is a walk to the last zero prefix left
 * of the page, c* a suffix minimum and its page a walk down the tree,
 * each O(log T). A node with pages has minpre <= 0, and |sum| is at most
 * the pages (fewer than OS_MAX_PAGES): so l.sum + OS_EMPTY stays above
 * every real prefix, and neither the combination of two nodes nor the
 * walks' tests for a zero prefix need to ask whether a node has pages.
 * The page at the top of the LRU stack (D = 0) is the one at the latest
 * time, now - 1. The markers of one page are a leftist heap of sizes
 * (merged when they pass to the page above; the smallest popped when it is
 * c*), O(log n). A page's leaf is its record of them: sum = markers - 1,
 * mincap = the heap's root. So the page holding c* needs no search: c* is
 * the root of its heap (the smallest size on it), and a heap's root keeps
 * its page's time, which finds the leaf. The page just above the
 * referenced one (which takes its markers) is its neighbour in a doubly
 * linked LRU list. When the times run out the pages are renumbered 0..n-1
 * in order on at least 2n times (O(T), at most every T/2 references: O(1)
 * amortized), so memory is proportional to distinct pages: 12 bytes a page
 * and 16 a heap node, plus 4 bytes (id_at, read only when renumbering) and
 * 2 tree nodes of 12 bytes per time, 2 to 4 times per page (on average
 * about 95 bytes a page).
 *
 * Where the time goes
 * -------------------
 * On a real program's trace (cc1's: 2,000 pages, the tree in the caches)
 * a reference was limited by mispredicted branches, most of them the
 * climbs' tests of the path's low bit, as random as the path: os_beta,
 * os_last_zero's climb and os_suffix_min mask the sibling instead. On a
 * large one (the bench's gen mix: 1.8 M pages, a 96 MB tree) by cache
 * misses: the page's record, its neighbours in the list and its path
 * (mrc.c hints them some references ahead: optstack_prefetch_page,
 * optstack_prefetch_path), c*'s heap node and the path of its page (hinted
 * as soon as the node gives the time), the heaps, and the paths
 * recombined. Each cache line a reference waits for counts, not the
 * instructions: a tree walk down to c*'s page (or a field naming it in
 * every node, 16-byte nodes) and the loads of the holder's and the
 * previous page's records through id_at took 1.2 times as long as the
 * heap roots' times and the list. Of the four leaves a reference changes,
 * the newest time's takes a page with one marker (sum 0 at the front of
 * every ancestor), so its climb (os_set, after the other three leaves are
 * written) goes on only while an ancestor changes: about 3 levels, not
 * 20; then the other three climb level by level while a node changes
 * (os_pull_paths), recombining again the few nodes os_set also did. README,
 * "Performance", has today's figures and what was tried and dropped;
 * doc/performance-log.md the measurements of each change.
 *
 * The end of the trace
 * --------------------
 * opt.c orders pages never referenced again least recently referenced
 * last: exactly as if the trace went on with one reference to every page,
 * the most recently referenced first. Those references move no page that
 * is still waiting for its own (each such page has a smaller key than the
 * page on top, and in the priority stack a page moves only when its key is
 * larger than every key above it), so each one's distance is its page's
 * position at the end of the real trace; optstack_final feeds them.
 */
#include "config.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "replay/optstack.h"
#include "util/hugepages.h"

#define OS_NONE UINT32_MAX  /* mincap of a node with no marker */
#define OS_EMPTY (INT32_C(1) << 30) /* minpre of a node without pages */
#define OS_MAX_PAGES ((UINT32_C(1) << 30) - 1) /* see "Data structures" */
#define OS_FIRST_TIMES 1024

#define OS_NIL UINT32_MAX   /* no page (the ends of the LRU list) */

/* One page (by id). Its markers are in its leaf: their number - 1 (sum)
 * and the root of their heap (mincap). */
struct os_page {
	uint32_t time;     /* of its latest reference */
	uint32_t up, down; /* the pages just above and below it in LRU order */
};

/* The heap node of one memory size (sizes are 1..pages-1; index 0 unused). */
struct os_hnode {
	uint32_t left, right, rank; /* in whichever heap holds the size */
	uint32_t time;   /* when the size is its heap's root: its page's time */
};

/* A segment-tree node: see the top of the file. */
struct os_node {
	int32_t sum, minpre;
	uint32_t mincap;
};

struct optstack {
	struct os_page *pages;
	struct os_hnode *heap; /* by size, as many as pages */
	uint32_t npages, cap;
	uint32_t top;          /* the page at the top of the LRU stack */
	struct os_node *tree;  /* 1-based: root 1, leaves tsize..2 tsize-1 */
	uint32_t *id_at;       /* the page at each time (where there is one) */
	uint32_t tsize, now;
};

/* ---- the leftist heaps of marker sizes ---- */

/* The rank (shortest path to an empty child) of heap node a; 0 for none. */
static inline uint32_t os_rank(const struct os_hnode *h, uint32_t a)
{
	return a ? h[a].rank : 0;
}

/* Merge the heaps rooted at a and b (0: empty); returns the root. */
static uint32_t os_heap_merge(struct os_hnode *h, uint32_t a, uint32_t b)
{
	uint32_t t;

	if (a == 0 || b == 0)
		return a | b;
	if (b < a) {
		t = a;
		a = b;
		b = t;
	}
	h[a].right = os_heap_merge(h, h[a].right, b);
	if (os_rank(h, h[a].left) < os_rank(h, h[a].right)) {
		t = h[a].left;
		h[a].left = h[a].right;
		h[a].right = t;
	}
	h[a].rank = os_rank(h, h[a].right) + 1;
	return a;
}

/* ---- the segment tree ---- */

/* Whether node n has pages. */
static inline bool os_has_pages(const struct os_node *n)
{
	return n->minpre <= 0;
}

/* Node i as its children make it. */
static inline struct os_node os_combined(const struct os_node *tr, uint32_t i)
{
	const struct os_node *l = &tr[2 * i], *r = &tr[2 * i + 1];
	const int32_t right_min = l->sum + r->minpre; /* OS_EMPTY or more if r has none */

	return (struct os_node){
		.sum = l->sum + r->sum,
		.minpre = l->minpre < right_min ? l->minpre : right_min,
		.mincap = l->mincap < r->mincap ? l->mincap : r->mincap,
	};
}

/* Combine node i's children into it; false when that left it as it was
 * (then nothing above it changes on its account). */
static inline bool os_pull(struct os_node *tr, uint32_t i)
{
	const struct os_node now = os_combined(tr, i), was = tr[i];

	tr[i] = now;
	return now.sum != was.sum || now.minpre != was.minpre || now.mincap != was.mincap;
}

/* The leaf of a time without a page. */
#define OS_FREE_LEAF ((struct os_node){ .sum = 0, .minpre = OS_EMPTY, .mincap = OS_NONE })

/* The leaf of a page with the heap of marker sizes rooted at heap (0:
 * none) and marks markers. */
static inline struct os_node os_leaf_value(uint32_t heap, uint32_t marks)
{
	return (struct os_node){ .sum = (int32_t)marks - 1, .minpre = 0, .mincap = heap ? heap : OS_NONE };
}

/* The root of the heap of a leaf's marker sizes (0: none). */
static inline uint32_t os_leaf_heap(const struct os_node *leaf)
{
	return leaf->mincap == OS_NONE ? 0 : leaf->mincap;
}

/* The page at leaf i, at time t, now holds delta markers more and the
 * heap rooted at root (0: none), which learns its page's time. */
static inline void os_leaf_take(struct optstack *s, uint32_t i, uint32_t t, uint32_t root, int32_t delta)
{
	s->tree[i].sum += delta;
	s->tree[i].mincap = root ? root : OS_NONE;
	if (root)
		s->heap[root].time = t;
}

/* Node index of time t's leaf. */
static inline uint32_t os_leaf(const struct optstack *s, uint32_t t)
{
	return s->tsize + (s->tsize - 1 - t);
}

/* Set the leaf of time t to v, and its ancestors up to the first that
 * stays as it was. */
static void os_set(struct optstack *s, uint32_t t, struct os_node v)
{
	uint32_t i = os_leaf(s, t);

	s->tree[i] = v;
	for (i /= 2; i >= 1 && os_pull(s->tree, i); i /= 2)
		;
}

/* Recombine the ancestors of the n (at most 3) leaves at[] (set
 * already), level by level from their parents, each node once a level: a node is
 * recombined when one of its children changed, so a climb stops where it
 * leaves a node as it was (above the page that passed its markers to the
 * one above it the two usually cancel). Every change of a node is
 * followed by a recombining of its parent, here or in os_set: the tree is
 * consistent at the end whatever os_set met on its way. */
static void os_pull_paths(struct os_node *tr, const uint32_t *at, unsigned n)
{
	uint32_t level[3];
	unsigned m = 0;

	for (unsigned k = 0; k < n; k++) {
		const uint32_t p = at[k] / 2;

		if (!(m > 0 && level[m - 1] == p) && !(m > 1 && level[m - 2] == p))
			level[m++] = p;
	}
	while (m > 0) {
		unsigned up = 0;

		for (unsigned k = 0; k < m; k++) {
			const uint32_t i = level[k], p = i / 2;

			if (os_pull(tr, i) && p >= 1 && !(up > 0 && level[up - 1] == p) &&
			    !(up > 1 && level[up - 2] == p))
				level[up++] = p;
		}
		m = up;
	}
}

/* Rebuild every node above the leaves. */
static void os_build(struct optstack *s)
{
	for (uint32_t i = s->tsize - 1; i >= 1; i--)
		s->tree[i] = os_combined(s->tree, i);
}

/* Times have run out (or the end needs pages more): renumber the pages
 * 0..n-1 in time order on at least 2n times, in the arrays there are when
 * they are large enough (a fresh allocation each time cost a page fault
 * per 4 KiB of tree, 6% of the curve's time). False when memory is short,
 * with the pages and the tree unchanged (id_at may have grown). */
static bool os_compact(struct optstack *s)
{
	uint32_t size = s->tsize, k = 0;
	struct os_node *tree = s->tree;

	while (size < 2 * (uint64_t)s->npages + 2)
		size *= 2;
	if (size != s->tsize) {
		uint32_t *id_at = hugepages_realloc(s->id_at, (size_t)s->tsize * sizeof *id_at,
						    (size_t)size * sizeof *id_at);

		if (id_at == NULL)
			return false;
		s->id_at = id_at;
		if ((tree = hugepages_realloc(NULL, 0, 2 * (size_t)size * sizeof *tree)) == NULL)
			return false;
	}
	/* k <= t: the renumbering can overwrite id_at and the leaves (time k's
	 * leaf is at or after time t's) as it goes. Each heap's root learns its
	 * page's new time. */
	for (uint32_t t = 0; t < s->now; t++) {
		const struct os_node leaf = s->tree[os_leaf(s, t)];

		if (os_has_pages(&leaf)) {
			s->id_at[k] = s->id_at[t];
			s->pages[s->id_at[k]].time = k;
			if (leaf.mincap != OS_NONE)
				s->heap[leaf.mincap].time = k;
			tree[size + (size - 1 - k)] = leaf;
			k++;
		}
	}
	for (uint32_t t = k; t < size; t++)
		tree[size + (size - 1 - t)] = OS_FREE_LEAF;
	if (tree != s->tree) {
		free(s->tree);
		s->tree = tree;
	}
	s->tsize = size;
	s->now = k;
	os_build(s);
	return true;
}

/* Put page id, with the leaf v, at the next time (there is one: see
 * os_room). */
static void os_place(struct optstack *s, uint32_t id, struct os_node v)
{
	s->pages[id].time = s->now;
	s->id_at[s->now] = id;
	os_set(s, s->now++, v);
}

/* Make sure a time is free for os_place, while every page is at its time.
 * False when memory is short. */
static bool os_room(struct optstack *s)
{
	return s->now < s->tsize || os_compact(s);
}

/* The sum of (markers - 1) over the pages before leaf node i (at later
 * times): beta at the page of leaf i. */
static int32_t os_beta(const struct optstack *s, uint32_t i)
{
	int32_t sum = 0;

	/* Without a branch on i's low bit, which follows the path, at random:
	 * its mispredictions were a fifth of the OPT curve's on cc1's trace.
	 * The node left of i is read either way; it shares i's cache line
	 * (or the next), which the recombining of the path loads anyway. */
	for (; i > 1; i /= 2)
		sum += s->tree[i - 1].sum & -(int32_t)(i & 1);
	return sum;
}

/* The leaf of the last page before leaf node i whose beta is 0, given
 * beta at leaf i is total. There is one when a page is before i (beta is
 * 0 at the top). */
static uint32_t os_last_zero(const struct optstack *s, uint32_t i, int32_t total)
{
	const struct os_node *tr = s->tree;
	int32_t after = 0; /* sum over the siblings passed, between them and i */

	for (; i > 1; i /= 2) { /* branch-free on i's low bit, as os_beta */
		const int32_t left = -(int32_t)(i & 1);

		after += tr[i - 1].sum & left;
		if ((total - after + tr[i - 1].minpre == 0) & (left != 0))
			break;
	}
	assert(i > 1 && "os_last_zero: no page above");
	/* i - 1 holds it; its prefix is total - after. Descend, last first. */
	int32_t off = total - after;

	for (i = i - 1; i < s->tsize;) {
		const struct os_node *l = &tr[2 * i], *r = &tr[2 * i + 1];

		if (off + l->sum + r->minpre == 0) {
			off += l->sum;
			i = 2 * i + 1;
		} else {
			i = 2 * i;
		}
	}
	return i;
}

/* The node, leaf i or a subtree after it (earlier times), that holds the
 * smallest marker size on leaf i or after it. */
static uint32_t os_suffix_min(const struct optstack *s, uint32_t i)
{
	uint32_t best = i, best_cap = s->tree[i].mincap;

	for (; i > 1; i /= 2) { /* branch-free on i's low bit, as os_beta */
		const uint32_t cap = s->tree[i ^ 1].mincap;
		const bool take = !(i & 1) & (cap < best_cap);

		best = take ? i ^ 1 : best;
		best_cap = take ? cap : best_cap;
	}
	return best;
}

/* Hint, at the lowest levels of leaf i's path, the node left of each
 * path node: its sibling when the path node is a right child, else its
 * neighbour in memory (often the same cache line as the sibling). */
static inline void os_prefetch_climb(const struct os_node *tr, uint32_t i, unsigned levels)
{
	for (unsigned level = 0; level < levels && i > 1; level++, i /= 2)
		__builtin_prefetch(&tr[i - 1]);
}

/* ---- the interface ---- */

struct optstack *optstack_create(void)
{
	struct optstack *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->tsize = OS_FIRST_TIMES;
	s->top = OS_NIL;
	s->tree = malloc(2 * (size_t)s->tsize * sizeof *s->tree);
	s->id_at = malloc((size_t)s->tsize * sizeof *s->id_at);
	if (s->tree == NULL || s->id_at == NULL) {
		optstack_destroy(s);
		return NULL;
	}
	for (uint32_t t = 0; t < s->tsize; t++)
		s->tree[os_leaf(s, t)] = OS_FREE_LEAF;
	os_build(s);
	return s;
}

bool optstack_touch(struct optstack *s)
{
	uint32_t id = s->npages;

	if (id == OS_MAX_PAGES || !os_room(s))
		return false;
	if (id == s->cap) {
		uint32_t cap = s->cap ? 2 * s->cap : 1024;
		struct os_page *pages = hugepages_realloc(s->pages, (size_t)s->cap * sizeof *pages,
							  (size_t)cap * sizeof *pages);
		struct os_hnode *heap;

		if (pages == NULL)
			return false;
		s->pages = pages;
		/* If the heap cannot grow, the pages stay grown; cap (what the
		 * next growth copies) stays the old count, which is all in use. */
		if ((heap = hugepages_realloc(s->heap, (size_t)s->cap * sizeof *heap, (size_t)cap * sizeof *heap)) == NULL)
			return false;
		s->heap = heap;
		s->cap = cap;
	}
	s->pages[id] = (struct os_page){ .up = OS_NIL, .down = s->top };
	s->heap[id] = (struct os_hnode){ .rank = 1, .time = s->now };
	if (s->top != OS_NIL)
		s->pages[s->top].up = id;
	s->top = id;
	s->npages++;
	os_place(s, id, os_leaf_value(id, id ? 1 : 0));
	return true;
}

bool optstack_ref(struct optstack *s, uint32_t id, uint32_t *dist)
{
	struct os_page *pg = s->pages, *x = &pg[id];
	struct os_hnode *hp = s->heap;
	struct os_node *tr;
	uint32_t leaf, node, c, th, nb, below, at[3];

	if (!os_room(s))
		return false;
	/* The latest time holds the top page (see "Data structures"). */
	if (x->time == s->now - 1) {
		*dist = 1;
		return true;
	}
	tr = s->tree;
	leaf = os_leaf(s, x->time);
	nb = x->up;
	below = x->down;
	at[1] = os_leaf(s, pg[nb].time);
	/* The roots of the two heaps merged below, while the tree is walked
	 * (the leaves are near the path, which mrc.c hinted). */
	__builtin_prefetch(&hp[os_leaf_heap(&tr[leaf])]);
	__builtin_prefetch(&hp[os_leaf_heap(&tr[at[1]])]);
	node = os_suffix_min(s, os_last_zero(s, leaf, os_beta(s, leaf)));
	c = tr[node].mincap;
	*dist = c + 1;
	/* Pass x's markers to the page nb above, take marker c from its page
	 * h, put x on top with marker c. The leaves are the pages' records.
	 * c is the smallest marker on the pages at or below z, nb and x among
	 * them: so when c is x's or nb's it is the root of that page's heap,
	 * and the merge makes it the root of nb's: then h is nb. Else c is
	 * the root of h's heap, which knows h's time. h's time is asked for
	 * first, so that h's path is hinted while nb's heap is merged. */
	at[2] = leaf;
	th = c == os_leaf_heap(&tr[leaf]) || c == os_leaf_heap(&tr[at[1]]) ? pg[nb].time : hp[c].time;
	at[0] = os_leaf(s, th);
	os_prefetch_climb(tr, at[0], 16);
	os_leaf_take(s, at[1], pg[nb].time, os_heap_merge(hp, os_leaf_heap(&tr[at[1]]), os_leaf_heap(&tr[leaf])),
		     tr[leaf].sum + 1);
	os_leaf_take(s, at[0], th, os_heap_merge(hp, hp[c].left, hp[c].right), -1);
	tr[leaf] = OS_FREE_LEAF;
	hp[c] = (struct os_hnode){ .rank = 1, .time = s->now };
	/* x leaves its place in the LRU list for the top. */
	pg[nb].down = below;
	if (below != OS_NIL)
		pg[below].up = nb;
	x->up = OS_NIL;
	x->down = s->top;
	pg[s->top].up = id;
	s->top = id;
	os_place(s, id, os_leaf_value(c, 1));
	os_pull_paths(s->tree, at, 3);
	return true;
}

void optstack_prefetch_page(const struct optstack *s, uint32_t id)
{
	if (id < s->npages) { /* 12 bytes: one line or two */
		__builtin_prefetch(&s->pages[id]);
		__builtin_prefetch(&s->pages[id].down);
	}
}

void optstack_prefetch_path(const struct optstack *s, uint32_t id)
{
	const struct os_page *p;
	uint32_t i;

	if (id >= s->npages)
		return;
	p = &s->pages[id];
	/* Its neighbours in the LRU list (above it: the page that takes its
	 * markers), then its path: the levels above these ten are few enough
	 * nodes to stay cached. */
	if (p->up < s->npages)
		__builtin_prefetch(&s->pages[p->up]);
	if (p->down < s->npages)
		__builtin_prefetch(&s->pages[p->down]);
	i = os_leaf(s, p->time);
	for (unsigned level = 0; level < 10 && i > 1; level++, i /= 2)
		__builtin_prefetch(&s->tree[i - 1]);
}

bool optstack_final(struct optstack *s, uint32_t *final)
{
	uint32_t *order, n = s->npages, k = 0;
	bool ok = true;

	if (!os_compact(s) || (order = malloc(((size_t)n + 1) * sizeof *order)) == NULL)
		return false;
	/* After os_compact the pages are at times n-1 (latest) down to 0. */
	for (uint32_t t = n; t-- > 0;)
		order[k++] = s->id_at[t];
	for (uint32_t i = 0; i < n && ok; i++) {
		if (i + 8 < n)
			optstack_prefetch_page(s, order[i + 8]);
		if (i + 4 < n)
			optstack_prefetch_path(s, order[i + 4]);
		ok = optstack_ref(s, order[i], &final[order[i]]);
	}
	free(order);
	return ok;
}

void optstack_destroy(struct optstack *s)
{
	if (s == NULL)
		return;
	free(s->pages);
	free(s->heap);
	free(s->tree);
	free(s->id_at);
	free(s);
}
