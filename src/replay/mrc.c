/*
 * mrc.c - miss-ratio curves in one pass: what an LRU or OPT replay would
 * count at every memory size, without replaying once per size.
 *
 * Stack algorithms
 * ----------------
 * LRU and OPT are stack algorithms (Mattson, Gecsei, Slutz and Traiger,
 * 1970): at any time, the pages resident with C frames are the top C
 * pages of one ordering of all pages seen, the "stack", which does not
 * depend on C. So a reference faults with C frames exactly when its page's
 * position in the stack just before it, its stack distance d, is more than
 * C; a first touch has d = infinity. One pass that finds d for every
 * reference gives the faults at every C:
 *
 *     faults(C) = first touches + #{references with d > C}
 *
 * Page references are made from accesses by pageref.h's rule, the one the
 * replay uses, and pages are (process, page) pairs, so the counts are the
 * replay's (tests/check_mrc.c and tests/e2e-mrc.sh compare them with
 * `pagesim run` on every shipped trace).
 *
 * LRU. The stack is recency order, so d is the number of distinct pages
 * referenced since the page's previous reference, plus one. Each reference
 * (but one to the two most recent pages: below) gets a time, and the time
 * of every page's latest reference is marked; a (process, page) hash map
 * holds each page's latest time. Then
 * d = (marks at times >= the page's time) = pages - rank(time), and the
 * reference moves the page's mark to the current time. The marks are a
 * bitmap plus a Fenwick tree of the count in each block of 512 times, so
 * a rank is an O(log(n / 512)) walk of a tree small enough to stay in
 * cache and the popcounts of at most one cache line of the bitmap: one
 * random access, where a Fenwick tree over the times themselves costs
 * three walks of log n scattered counters. To keep memory proportional to
 * distinct pages rather than to the trace, the marks cover T >= 2 * pages
 * times; when time reaches T, every page's time is replaced by its rank
 * (0..pages-1, in order), which happens at most every T/2 references and
 * costs O(pages + T/64): O(1) amortized.
 *   A reference to one of the MRC_TOP = 2 most recent pages (86% of
 * cc1's: a program's fetches and data take turns on a few pages) needs
 * none of this (mrc_lru_top). Its distance is its place among them. To
 * move it to the top, the pages above it go down one place each: each
 * takes the time of the page below it, and it takes the top's. The set
 * of marked times stays as it was, and so does every other page's rank.
 *   Memory per distinct page: a 24-byte map slot at a load of at most
 * 3/4 (32-64 bytes), 24 bytes of histograms (up to twice that while they
 * grow), and half a byte of marks.
 *
 * OPT. Mattson's priority stack with opt.c's key as priority: the time
 * of the page's next reference (future.h's look-ahead), or for a page
 * never referenced again POLICY_NEVER minus the time of its latest one,
 * so that those go first, least recently used first. Keys are distinct
 * and their order among pages not referenced never changes, which is what
 * makes OPT a stack algorithm with the victim at every size fixed, not
 * just the faults. On a reference to x at position d, x goes to the top;
 * the page it displaces is carried down, and at each position 2..d-1 the
 * carried page and the page there are compared: the one with the smaller
 * key stays, the other is carried on; at position d (x's old place, or
 * the bottom for a first touch) the carried page is put down. The carried
 * page at depth i is exactly the page OPT evicts with i frames.
 *   That walk costs O(d) per reference. With a largest size K
 * (mrc_config.max_frames) of at most MRC_WALK_MAX, only the top K
 * positions are kept: they evolve exactly as in the whole stack, a page
 * carried below K is dropped, and a reference to a dropped page has
 * d = K + 1, a fault at every size up to K; the walk then costs O(K) at
 * most, and on the bench trace less than the alternative up to K = 1024.
 * Otherwise optstack.c computes the same distances on line in O(log n)
 * with Bilardi, Ekanadham and Pattnaik's critical stack algorithm (see
 * there), and the final positions (for the last evictions below) from a
 * virtual reference to every page at the end. tests/e2e-optcurve.sh
 * compares the curve with a replay at every size on shipped and
 * generated traces.
 *
 * The other counters
 * ------------------
 * The replay's other counters follow from the stack distances of each
 * page's own references, for the same reason: with C frames a page is
 * loaded at each of its references with d > C and stays resident until
 * just before its next such reference (if it was evicted earlier, that
 * reference would fault). Frames are never freed, so
 *
 *     evictions(C) = faults(C) - min(C, faults(C)).
 *
 * An eviction is dirty when the page was written since it was loaded. For
 * a reference k with d_k > C that is not a first touch, the eviction just
 * before it is dirty iff some write j < k of the page has every distance
 * between them (d_{j+1} .. d_{k-1}) <= C, that is iff m_k <= C, where
 *
 *     m_k = min over writes j < k of max(d_{j+1} .. d_{k-1})  (0 if j = k-1)
 *
 * kept per page in one number: m := write ? 0 : max(m, d) after each
 * reference (max distributes over min). So that eviction is dirty for C
 * in [m_k, d_k): one +1/-1 pair in a difference array. A page has a swap
 * slot from its first dirty eviction on, and keeps it. The set of C at
 * which that has happened by reference k is downward closed (with fewer
 * frames the resident intervals only split, and the one holding the write
 * ends in an eviction at or before the larger memory's), so it is
 * C < u_k, u_k = the largest d_j over dirty evictions j <= k; the fault at
 * k then reads swap for C < min(d_k, u_k). zero_fills = faults -
 * swap_reads and swap_writes = dirty evictions, as in the model.
 *
 * Pages still resident at the end of the trace were never evicted; the
 * others left at a position beyond C, and their last eviction is dirty
 * under the same rule with their final stack position as d (K + 1 for a
 * page dropped below OPT's walked K).
 *
 * Sampling (LRU only)
 * -------------------
 * SHARDS (Waldspurger et al., FAST'15), fixed rate. A page is kept iff
 * h(pid, vpn) < T, where h is the top MRC_SAMPLE_BITS bits of the
 * SplitMix64 finalizer of vpn + (pid + 1) * 0x9e3779b97f4a7c15 and
 * T = round(rate * 2^MRC_SAMPLE_BITS); R = T / 2^MRC_SAMPLE_BITS is the
 * rate used. Every reference of a kept page is kept, so the sampled
 * references go through exactly the LRU machinery above, on a map and a
 * histogram about R times the size.
 *   Distances. A sampled distance d_s counts the page itself and d_s - 1
 * other sampled pages, each standing for 1/R pages, so it stands for
 * 1 + (d_s - 1) / R (SHARDS scales all of d_s by 1/R; the page itself is
 * always in the sample, and scaling it too makes every re-reference of a
 * page a miss below 1/R frames: on two of the three shipped lackey traces
 * that made the mean error 3 to 5 times larger). A sampled reference thus faults at C iff
 * d_s > 1 + floor((C - 1) * R), computed exactly in integers; the dirty
 * and swap rules use the same threshold.
 *   Counts. Faults, swap reads and dirty evictions are sampled counts
 * scaled by 1/R (SHARDS's estimate, the same as SHARDS-adj's correction
 * of the first bucket), capped by refs, faults and evictions; distinct
 * pages likewise. evictions and zero fills then follow as above. refs,
 * reads, writes and fetches stay exact.
 *   Accuracy. Frame counts below about 1/R are resolved poorly: a page
 * re-referenced with no other sampled page in between looks like a hit
 * however many unsampled pages came between. Heavily skewed workloads
 * (a few pages taking a large share of references) vary with whether
 * those pages are in the sample.
 *
 * Events
 * ------
 * All of the above is the replay of anonymous memory: every page
 * demand-zero, one address space per pid, frames shared by no one. A
 * trace with VM events (segments, file mappings, fork, exit; trace_event.h)
 * is replayed by a machine whose faults depend on them (file reads,
 * copy-on-write, segfaults), which no stack distance sees, so an event is
 * an error here (mrc_feed_batch names its line), not something skipped.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/mrc.h"
#include "replay/optstack.h"
#include "policies/opt_key.h"
#include "trace/pageref.h"
#include "machine/pagetable.h"
#include "policies/policy.h"
#include "util/hugepages.h"

#define MRC_INF UINT32_MAX      /* distance of a first touch; m of a never-written page */
#define MRC_EMPTY UINT64_MAX    /* vpn of an empty map slot (a vpn is < 2^56) */
#define MRC_MAX_PAGES (1u << 30)/* so that times fit in 32 bits */
#define MRC_SAMPLE_ALL (1u << MRC_SAMPLE_BITS)
#define MRC_BLOCK_SHIFT 9       /* 512 times: 8 words of marks, one cache line */
#define MRC_WALK_MAX 1024      /* OPT: walk the priority stack up to this limit */
#define MRC_PREFETCH 16          /* records ahead whose map slot is prefetched */
#define MRC_OPT_PREFETCH_PAGES 65536 /* OPT: pages from which the stack is hinted */
#define MRC_TOP 2               /* LRU: the most recent pages referenced without a look-up
				   (4 took 92% of cc1's references instead of 86%, in the
				   same time, and 5% more instructions on gen mix) */
/* The refusal of an event (its kind fills the %s). */
#define MRC_EVENT_MSG                                                                                        \
	"the one-pass curves model anonymous memory only; this trace has a '%s' event (use pagesim run)"

/* One distinct (process, page) pair. */
struct mrc_page {
	uint64_t vpn;  /* MRC_EMPTY: an empty slot */
	uint32_t pid;
	uint32_t at;   /* LRU: the time of its latest reference; OPT: its id, 0.. in order of first touch */
	uint32_t m;    /* min over its writes of the largest distance since (MRC_INF: none) */
	uint32_t u;    /* largest distance of a reference whose eviction was dirty at some size */
};

/* The histograms at one distance, side by side: a reference usually
 * updates all three at its own distance, in one cache line. During the
 * pass: d counts references (not first touches) at this distance, s faults
 * that read swap for C below it, dirty the +1/-1 ends of the ranges of C
 * at which an eviction is dirty. mrc_finish turns d and s into counts
 * above the index, dirty into counts at or below it. */
struct mrc_bin {
	uint64_t d, s;
	int64_t dirty;
};

/* One OPT stack position. */
struct mrc_slot {
	uint64_t key; /* opt.c's key: the next reference, or POLICY_NEVER - the latest */
	uint32_t id;
};

struct mrc {
	enum mrc_policy policy;
	unsigned shift, vpn_bits, va_bits;
	bool span;
	const uint64_t *future;
	uint64_t future_len;
	uint32_t sample_t; /* keep a page iff its hash is below this; MRC_SAMPLE_ALL: all */
	bool failed, finished;
	char fail_msg[PS_ERROR_MAX];

	uint64_t refs, reads, writes, fetches;

	/* The pids seen (the replay's processes): a set of nonzero pids, open
	 * addressing, power-of-two slots, load <= 1/2; last_pid short-cuts it. */
	uint32_t *pids, last_pid;
	uint64_t pid_slots, npids;

	/* (pid, vpn) -> page: open addressing, power-of-two slots, load <= 3/4. */
	struct mrc_page *pages;
	uint64_t slots, npages;

	/* LRU: a mark at the time of each page's latest reference: a bitmap
	 * over times 0..tsize-1, and a Fenwick tree (1-based) of the number
	 * of marks in each block of 2^MRC_BLOCK_SHIFT times. */
	uint64_t *marks;
	uint32_t *blocks;
	uint64_t tsize, now;
	/* LRU: the slots of the MRC_TOP most recently referenced pages, the
	 * top first; OPT on the critical stack: top[0] alone. NULL for none
	 * yet, or after the map moved its slots. */
	struct mrc_page *top[MRC_TOP];

	/* OPT with a limit of at most MRC_WALK_MAX: the priority stack, top
	 * first, at most limit positions; else the critical stack (opt). */
	struct mrc_slot *stack;
	uint64_t depth, stack_cap, limit;
	struct optstack *opt;

	/* Histograms indexed by distance, 0..hcap-1 (see struct mrc_bin). */
	struct mrc_bin *hist;
	uint64_t hcap;
	/* Also hcap long: first_sum[k] is the sum of the times (reference
	 * indices) of the first touches of pages 0..k, for space_time. */
	uint64_t *first_sum;
};

/* ---- the page map ---- */

static inline uint64_t mrc_map_hash(uint32_t pid, uint64_t vpn)
{
	uint64_t z = vpn ^ ((uint64_t)pid << 40) ^ ((uint64_t)pid >> 24);

	z ^= z >> 33;
	z *= 0xff51afd7ed558ccdULL;
	z ^= z >> 33;
	z *= 0xc4ceb9fe1a85ec53ULL;
	return z ^ (z >> 33);
}

/* The SHARDS sampling hash (see the top of the file): independent of the
 * map's, or the kept pages would crowd into a few map slots. */
static inline uint32_t mrc_sample_hash(uint32_t pid, uint64_t vpn)
{
	uint64_t z = vpn + ((uint64_t)pid + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (uint32_t)(z >> (64 - MRC_SAMPLE_BITS));
}

/* The slot of (pid, vpn) in pages[slots]: its own, or the empty one where
 * it belongs. */
static inline struct mrc_page *mrc_slot_of(struct mrc_page *pages, uint64_t slots, uint32_t pid,
					   uint64_t vpn)
{
	uint64_t mask = slots - 1;

	for (uint64_t i = mrc_map_hash(pid, vpn) & mask;; i = (i + 1) & mask)
		if (pages[i].vpn == vpn ? pages[i].pid == pid : pages[i].vpn == MRC_EMPTY)
			return &pages[i];
}

/* The home slot of (pid, vpn) in m's map: where mrc_slot_of's probe
 * starts, and what mrc_feed prefetches. */
static inline const struct mrc_page *mrc_home_slot(const struct mrc *m, uint32_t pid, uint64_t vpn)
{
	return &m->pages[mrc_map_hash(pid, vpn) & (m->slots - 1)];
}

/* Double the map; false when memory is short. */
static bool mrc_map_grow(struct mrc *m)
{
	uint64_t slots = m->slots ? 2 * m->slots : 1024;
	struct mrc_page *pages = hugepages_realloc(NULL, 0, slots * sizeof *pages);

	if (pages == NULL)
		return false;
	for (uint64_t i = 0; i < slots; i++)
		pages[i].vpn = MRC_EMPTY;
	for (uint64_t i = 0; i < m->slots; i++)
		if (m->pages[i].vpn != MRC_EMPTY)
			*mrc_slot_of(pages, slots, m->pages[i].pid, m->pages[i].vpn) = m->pages[i];
	memset(m->top, 0, sizeof m->top);
	free(m->pages);
	m->pages = pages;
	m->slots = slots;
	return true;
}

/* ---- histograms ---- */

/* Make room for distances up to npages + 1; false when memory is short. */
static bool mrc_hist_reserve(struct mrc *m, uint64_t npages)
{
	uint64_t cap = m->hcap ? m->hcap : 1024;
	struct mrc_bin *hist;
	uint64_t *first_sum;

	if (npages + 2 <= m->hcap)
		return true;
	while (cap < npages + 2)
		cap *= 2;
	if ((hist = hugepages_realloc(m->hist, m->hcap * sizeof *hist, cap * sizeof *hist)) == NULL)
		return false;
	memset(hist + m->hcap, 0, (cap - m->hcap) * sizeof *hist);
	m->hist = hist;
	if ((first_sum = hugepages_realloc(m->first_sum, m->hcap * sizeof *first_sum, cap * sizeof *first_sum)) ==
	    NULL)
		return false;
	m->first_sum = first_sum;
	m->hcap = cap;
	return true;
}

/* Count a reference (not a first touch) to p at distance d, then update
 * p's m and u (see the top of the file). */
static inline void mrc_count(struct mrc *m, struct mrc_page *p, uint32_t d, bool write)
{
	uint32_t v;

	m->hist[d].d++;
	if (p->m < d) {
		m->hist[p->m].dirty++;
		m->hist[d].dirty--;
		if (d > p->u)
			p->u = d;
	}
	v = d < p->u ? d : p->u;
	m->hist[v].s++;
	p->m = write ? 0 : p->m > d ? p->m : d;
}

/* ---- LRU: the marks ---- */

/* Set bits in x (inline: without -mpopcnt the builtin is a library call). */
static inline uint32_t mrc_popcount(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (uint32_t)((x * 0x0101010101010101ULL) >> 56);
}

/* Marks at times < t. */
static inline uint32_t mrc_time_rank(const struct mrc *m, uint64_t t)
{
	uint64_t w = t >> 6;
	uint32_t sum = mrc_popcount(m->marks[w] & ((1ULL << (t & 63)) - 1));

	for (uint64_t i = t >> MRC_BLOCK_SHIFT; i > 0; i &= i - 1)
		sum += m->blocks[i];
	for (uint64_t j = (t >> MRC_BLOCK_SHIFT) << (MRC_BLOCK_SHIFT - 6); j < w; j++)
		sum += mrc_popcount(m->marks[j]);
	return sum;
}

/* Set (delta 1) or clear (delta -1, as unsigned) the mark at time t. */
static inline void mrc_time_mark(struct mrc *m, uint64_t t, uint32_t delta)
{
	m->marks[t >> 6] ^= 1ULL << (t & 63);
	for (uint64_t i = (t >> MRC_BLOCK_SHIFT) + 1; i <= m->tsize >> MRC_BLOCK_SHIFT; i += i & (~i + 1))
		m->blocks[i] += delta;
}

/* Mark times 0..live-1 and nothing else. */
static void mrc_time_fill(struct mrc *m, uint64_t live)
{
	uint64_t words = m->tsize >> 6;

	for (uint64_t j = 0; j < words; j++)
		m->marks[j] = (j + 1) * 64 <= live ? UINT64_MAX : j * 64 >= live ? 0 : (1ULL << (live & 63)) - 1;
	for (uint64_t i = 1; i <= m->tsize >> MRC_BLOCK_SHIFT; i++) {
		uint64_t hi = i << MRC_BLOCK_SHIFT, lo = (i - (i & (~i + 1))) << MRC_BLOCK_SHIFT;

		m->blocks[i] = (uint32_t)((hi < live ? hi : live) - (lo < live ? lo : live));
	}
}

/* Make the marks cover size times (a power of two >= 2^MRC_BLOCK_SHIFT);
 * their contents are undefined. False when memory is short. */
static bool mrc_time_alloc(struct mrc *m, uint64_t size)
{
	uint64_t *marks = aligned_alloc(64, size / 8);
	uint32_t *blocks = malloc(((size >> MRC_BLOCK_SHIFT) + 1) * sizeof *blocks);

	if (marks == NULL || blocks == NULL) {
		free(marks);
		free(blocks);
		return false;
	}
	hugepages_hint(marks, size / 8);
	free(m->marks);
	free(m->blocks);
	m->marks = marks;
	m->blocks = blocks;
	m->tsize = size;
	return true;
}

/* Time has reached tsize: renumber the marks 0..npages-1 keeping their
 * order, on at least twice as many times as pages. False when memory is
 * short. */
static bool mrc_time_compact(struct mrc *m)
{
	uint64_t want = m->tsize;

	for (uint64_t i = 0; i < m->slots; i++)
		if (m->pages[i].vpn != MRC_EMPTY)
			m->pages[i].at = mrc_time_rank(m, m->pages[i].at);
	while (want < 2 * m->npages)
		want *= 2;
	if (want != m->tsize && !mrc_time_alloc(m, want))
		return false;
	mrc_time_fill(m, m->npages);
	m->now = m->npages;
	return true;
}

/* A reference to p (fresh: a first touch) under LRU. False when memory is short. */
static inline bool mrc_lru_ref(struct mrc *m, struct mrc_page *p, bool fresh, bool write)
{
	if (!fresh) {
		uint32_t d = (uint32_t)(m->npages - mrc_time_rank(m, p->at));

		mrc_time_mark(m, p->at, (uint32_t)-1);
		mrc_count(m, p, d, write);
	}
	p->at = (uint32_t)m->now;
	mrc_time_mark(m, m->now, 1);
	return ++m->now < m->tsize || mrc_time_compact(m);
}

/* A reference to (pid, vpn) under LRU if it is one of the MRC_TOP most
 * recent pages (see "LRU" at the top of the file): returns true with it
 * counted, else false with nothing changed. */
static inline bool mrc_lru_top(struct mrc *m, uint32_t pid, uint64_t vpn, bool write)
{
	struct mrc_page **top = m->top, *x;
	uint32_t d, at;

	for (d = 0;; d++) {
		if (d == MRC_TOP || top[d] == NULL)
			return false;
		if (top[d]->vpn == vpn && top[d]->pid == pid)
			break;
	}
	/* x is at distance d + 1. The pages above it move down one place,
	 * each to the time of the one below; x takes the top's. */
	x = top[d];
	at = x->at;
	for (uint32_t i = d; i > 0; i--) {
		uint32_t above = top[i - 1]->at;

		top[i - 1]->at = at;
		at = above;
		top[i] = top[i - 1];
	}
	x->at = at;
	top[0] = x;
	mrc_count(m, x, d + 1, write);
	return true;
}

/* Put p, just referenced by the general road, on top of m->top. */
static inline void mrc_lru_push(struct mrc *m, struct mrc_page *p)
{
	memmove(&m->top[1], &m->top[0], (MRC_TOP - 1) * sizeof m->top[0]);
	m->top[0] = p;
}

/* ---- OPT ---- */

/* A reference to p (fresh: a first touch) under OPT at time now, whose
 * next reference is at next. False when memory is short. */
static bool mrc_opt_walk(struct mrc *m, struct mrc_page *p, bool fresh, bool write, uint64_t now,
			uint64_t next)
{
	const struct mrc_slot top = { .key = opt_key(now, next, 0),
				      .id = fresh ? (uint32_t)(m->npages - 1) : p->at };
	struct mrc_slot *s, carry;
	uint64_t i;

	if (fresh)
		p->at = top.id;
	if (m->depth == m->stack_cap && m->depth < m->limit) {
		uint64_t cap = m->stack_cap ? 2 * m->stack_cap : 1024;

		if (cap > m->limit)
			cap = m->limit;
		if ((s = realloc(m->stack, cap * sizeof *s)) == NULL)
			return false;
		m->stack = s;
		m->stack_cap = cap;
	}
	s = m->stack;
	if (m->depth == 0) {
		s[m->depth++] = top;
		return true;
	}
	if (!fresh && s[0].id == top.id) {
		s[0].key = top.key;
		mrc_count(m, p, 1, write);
		return true;
	}
	carry = s[0];
	s[0] = top;
	for (i = 1; i < m->depth; i++) {
		if (s[i].id == top.id)
			break;
		if (carry.key < s[i].key) {
			struct mrc_slot keep = s[i];

			s[i] = carry;
			carry = keep;
		}
	}
	/* Not found: a first touch, or a page dropped below the limit. */
	assert((fresh || i < m->depth || m->depth == m->limit) && "mrc_opt_ref: a known page is missing");
	if (!fresh)
		mrc_count(m, p, (uint32_t)(i + 1), write);
	if (i < m->depth)
		s[i] = carry; /* p's old place */
	else if (m->depth < m->limit)
		s[m->depth++] = carry;
	/* else carry drops below the limit */
	return true;
}

/* A reference to (pid, vpn) under OPT on the critical stack if it is the
 * page referenced last (top[0]): then it is at distance 1 and nothing
 * moves (optstack_ref's first test), so it is counted here without the
 * map or the stack (45% of the first 3 M references of cc1's trace).
 * Returns true with it counted, else false with nothing changed. */
static inline bool mrc_opt_top(struct mrc *m, uint32_t pid, uint64_t vpn, bool write)
{
	struct mrc_page *x = m->top[0];

	if (m->opt == NULL || x == NULL || x->vpn != vpn || x->pid != pid)
		return false;
	mrc_count(m, x, 1, write);
	return true;
}

/* A reference to p (fresh: a first touch) under OPT at time now, whose
 * next reference is at next (for the walk; the critical stack needs no
 * look-ahead). False when memory is short. */
static bool mrc_opt_ref(struct mrc *m, struct mrc_page *p, bool fresh, bool write, uint64_t now,
			uint64_t next)
{
	uint32_t d;

	if (m->opt == NULL)
		return mrc_opt_walk(m, p, fresh, write, now, next);
	if (fresh) {
		p->at = (uint32_t)(m->npages - 1);
		return optstack_touch(m->opt);
	}
	if (!optstack_ref(m->opt, p->at, &d))
		return false;
	mrc_count(m, p, d, write);
	return true;
}

/* The distance at which p would be referenced next, at the end of the
 * trace: its position in the stack (LRU: from the marks; OPT: from
 * final[id], mrc_finish's inverse of the stack). */
static uint32_t mrc_final_depth(const struct mrc *m, const struct mrc_page *p, const uint32_t *final)
{
	if (m->policy == MRC_LRU)
		return (uint32_t)(m->npages - mrc_time_rank(m, p->at));
	return final[p->at];
}

/* The id in the OPT stack of record k's first page, for a hint: false
 * when k is past the batch, repeats the page of record k - 1 (mrc_opt_top
 * takes those), or its page is not in its home slot (the one prefetched;
 * no probe). */
static inline bool mrc_opt_hint_id(const struct mrc *m, const struct trace_rec *recs, size_t k, size_t n,
				   uint32_t *id)
{
	const struct mrc_page *slot;
	uint64_t vpn;

	if (k >= n || (((recs[k].addr ^ recs[k - 1].addr) >> m->shift) == 0 && recs[k].pid == recs[k - 1].pid))
		return false;
	vpn = recs[k].addr >> m->shift;
	slot = mrc_home_slot(m, recs[k].pid, vpn);
	*id = slot->at;
	return slot->vpn == vpn && slot->pid == recs[k].pid;
}

/* Hints for the OPT stack (see optstack_prefetch_page): the page of
 * record r + MRC_PREFETCH / 2, whose map slot was prefetched earlier, and
 * the path of record r + MRC_PREFETCH / 4's page (mrc_opt_hint_id says
 * which), once the stack is too large for the caches (below that, the
 * hints cost 11% of the instructions on cc1's trace and save nothing). */
static inline void mrc_opt_prefetch(const struct mrc *m, const struct trace_rec *recs, size_t r, size_t n)
{
	uint32_t id;

	if (m->npages < MRC_OPT_PREFETCH_PAGES)
		return;
	if (mrc_opt_hint_id(m, recs, r + MRC_PREFETCH / 2, n, &id))
		optstack_prefetch_page(m->opt, id);
	if (mrc_opt_hint_id(m, recs, r + MRC_PREFETCH / 4, n, &id))
		optstack_prefetch_path(m->opt, id);
}

/* ---- the pass ---- */

bool mrc_looks_ahead(const struct mrc_config *cfg)
{
	return cfg->policy == MRC_OPT && cfg->max_frames != 0 && cfg->max_frames <= MRC_WALK_MAX;
}

struct mrc *mrc_create(const struct mrc_config *cfg, struct ps_error *err)
{
	struct pt_shape shape;
	double rate = cfg->sample_rate == 0 ? 1 : cfg->sample_rate;
	struct mrc *m;

	if (!(rate > 0 && rate <= 1)) {
		ps_error_set(err, "the sampling rate must be above 0 and at most 1, not %g", rate);
		return NULL;
	}
	if (cfg->policy == MRC_OPT && rate != 1) {
		ps_error_set(err, "sampling estimates LRU curves only; OPT needs every reference");
		return NULL;
	}
	if (mrc_looks_ahead(cfg) && cfg->future == NULL) {
		ps_error_set(err, "OPT needs to look ahead in the trace, and no look-ahead was given");
		return NULL;
	}
	if (!pt_shape_init(&shape, cfg->va_bits, cfg->page_shift)) {
		ps_error_set(err, "unsupported address space: %u-bit addresses with %llu-byte pages",
			     cfg->va_bits, 1ULL << cfg->page_shift);
		return NULL;
	}
	if ((m = calloc(1, sizeof *m)) == NULL) {
		ps_error_set(err, "out of memory");
		return NULL;
	}
	m->policy = cfg->policy;
	m->shift = cfg->page_shift;
	m->va_bits = cfg->va_bits;
	m->vpn_bits = shape.vpn_bits;
	m->span = cfg->span_pages;
	m->future = cfg->future;
	m->future_len = cfg->future_len;
	m->limit = cfg->max_frames != 0 ? cfg->max_frames : UINT64_MAX;
	m->sample_t = (uint32_t)llround(rate * MRC_SAMPLE_ALL);
	if (m->sample_t == 0)
		m->sample_t = 1;
	if (m->policy == MRC_LRU && mrc_time_alloc(m, 4096))
		mrc_time_fill(m, 0);
	const bool critical = m->policy == MRC_OPT && !mrc_looks_ahead(cfg);

	if (critical)
		m->opt = optstack_create();
	if (!mrc_map_grow(m) || !mrc_hist_reserve(m, 0) ||
	    (m->policy == MRC_LRU && m->marks == NULL) || (critical && m->opt == NULL)) {
		mrc_destroy(m);
		ps_error_set(err, "out of memory");
		return NULL;
	}
	return m;
}

/* Stop with err set to the message; the curve refuses to go on. */
static int mrc_fail(struct mrc *m, struct ps_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mrc_fail(struct mrc *m, struct ps_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ps_error_vset(err, fmt, ap);
	va_end(ap);
	m->failed = true;
	snprintf(m->fail_msg, sizeof m->fail_msg, "%s", err->msg);
	return -1;
}

/* Count pid among the processes seen; false when memory is short. */
static bool mrc_see_pid(struct mrc *m, uint32_t pid)
{
	uint64_t mask;

	if (2 * (m->npids + 1) > m->pid_slots) {
		uint64_t slots = m->pid_slots ? 2 * m->pid_slots : 16;
		uint32_t *pids = calloc(slots, sizeof *pids);

		if (pids == NULL)
			return false;
		for (uint64_t i = 0; i < m->pid_slots; i++) {
			uint64_t j = m->pids[i] * UINT64_C(0x9e3779b97f4a7c15) >> 20 & (slots - 1);

			if (m->pids[i] == 0)
				continue;
			while (pids[j] != 0)
				j = (j + 1) & (slots - 1);
			pids[j] = m->pids[i];
		}
		free(m->pids);
		m->pids = pids;
		m->pid_slots = slots;
	}
	mask = m->pid_slots - 1;
	for (uint64_t j = pid * UINT64_C(0x9e3779b97f4a7c15) >> 20 & mask;; j = (j + 1) & mask) {
		if (m->pids[j] == pid)
			break;
		if (m->pids[j] == 0) {
			m->pids[j] = pid;
			m->npids++;
			break;
		}
	}
	m->last_pid = pid;
	return true;
}

int mrc_feed(struct mrc *m, const struct trace_rec *recs, size_t n, struct ps_error *err)
{
	const bool sampling = m->sample_t != MRC_SAMPLE_ALL;

	assert(!m->finished && "mrc_feed after mrc_finish");
	if (m->failed)
		return ps_error_set(err, "%s", m->fail_msg);
	for (size_t r = 0; r < n; r++) {
		const struct trace_rec *rec = &recs[r];
		const bool write = rec->op == OP_WRITE;
		uint64_t vpn, pages;

		if (rec->op == OP_EVENT)
			return mrc_fail(m, err, MRC_EVENT_MSG, trace_event_kind_name(rec->flags));
		if (rec->pid != m->last_pid && !mrc_see_pid(m, rec->pid))
			return mrc_fail(m, err, "out of memory for the processes after %" PRIu64 " references", m->refs);
		pages = pageref_span(rec, m->shift, m->span, &vpn);

		/* The map slot is a cache miss per reference: start it early.
		 * Also for a record that repeats the page of the one before it
		 * (the top page, which needs no slot): a test for that
		 * mispredicted 0.36 times a reference on cc1's trace and cost
		 * more than the hash it saved (the LRU curve 1.07x). */
		if (r + MRC_PREFETCH < n) {
			const struct trace_rec *ahead = &recs[r + MRC_PREFETCH];

			__builtin_prefetch(mrc_home_slot(m, ahead->pid, ahead->addr >> m->shift));
		}
		if (m->opt != NULL)
			mrc_opt_prefetch(m, recs, r, n);

		for (; pages > 0; pages--, vpn++) {
			struct mrc_page *p;
			bool fresh, ok;

			if ((vpn >> m->vpn_bits) != 0)
				return mrc_fail(m, err, "access at 0x%" PRIx64
						" runs past the end of the %u-bit address space", rec->addr, m->va_bits);
			if (m->policy == MRC_OPT && m->opt == NULL && m->refs >= m->future_len)
				return mrc_fail(m, err, "the look-ahead covers %" PRIu64
						" references, the trace has more", m->future_len);
			switch (rec->op) {
			case OP_WRITE: m->writes++; break;
			case OP_FETCH: m->fetches++; break;
			default: m->reads++; break;
			}
			m->refs++;
			if (sampling && mrc_sample_hash(rec->pid, vpn) >= m->sample_t)
				continue;
			if (m->policy == MRC_LRU ? mrc_lru_top(m, rec->pid, vpn, write)
						 : mrc_opt_top(m, rec->pid, vpn, write))
				continue;
			p = mrc_slot_of(m->pages, m->slots, rec->pid, vpn);
			fresh = p->vpn == MRC_EMPTY;
			if (fresh) {
				if (m->npages == MRC_MAX_PAGES)
					return mrc_fail(m, err, "more than %u distinct pages", MRC_MAX_PAGES);
				if (4 * (m->npages + 1) > 3 * m->slots) {
					if (!mrc_map_grow(m))
						return mrc_fail(m, err, "out of memory for the page map after %" PRIu64
								" references", m->refs);
					p = mrc_slot_of(m->pages, m->slots, rec->pid, vpn);
				}
				if (!mrc_hist_reserve(m, m->npages + 1))
					return mrc_fail(m, err, "out of memory for the histograms after %" PRIu64
							" references", m->refs);
				*p = (struct mrc_page){ .vpn = vpn, .pid = rec->pid, .m = write ? 0 : MRC_INF };
				m->first_sum[m->npages] = (m->npages ? m->first_sum[m->npages - 1] : 0) + m->refs - 1;
				m->npages++;
			}
			ok = m->policy == MRC_LRU ? mrc_lru_ref(m, p, fresh, write)
			     : mrc_opt_ref(m, p, fresh, write, m->refs - 1, m->opt ? 0 : m->future[m->refs - 1]);
			if (!ok)
				return mrc_fail(m, err, "out of memory after %" PRIu64 " references", m->refs);
			if (m->policy == MRC_LRU)
				mrc_lru_push(m, p);
			else
				m->top[0] = p;
		}
	}
	return 0;
}

int mrc_refuse_events(const struct trace_batch *b, struct ps_error *err)
{
	char where[PS_ERROR_MAX];

	for (size_t i = 0; i < b->n; i++) {
		if (b->recs[i].op != OP_EVENT)
			continue;
		if (trace_batch_where(b, i, where, sizeof where) > 0)
			return ps_error_set(err, "%s: " MRC_EVENT_MSG, where, trace_event_kind_name(b->recs[i].flags));
		return ps_error_set(err, MRC_EVENT_MSG, trace_event_kind_name(b->recs[i].flags));
	}
	return 0;
}

int mrc_feed_batch(struct mrc *m, const struct trace_batch *b, struct ps_error *err)
{
	assert(!m->finished && "mrc_feed_batch after mrc_finish");
	if (m->failed)
		return ps_error_set(err, "%s", m->fail_msg);
	if (mrc_refuse_events(b, err) < 0) {
		char msg[PS_ERROR_MAX];

		snprintf(msg, sizeof msg, "%s", err->msg);
		return mrc_fail(m, err, "%s", msg);
	}
	return mrc_feed(m, b->recs, b->n, err);
}

int mrc_finish(struct mrc *m, struct ps_error *err)
{
	uint64_t above_d = 0, above_s = 0;
	uint32_t *final = NULL;
	int64_t upto = 0;

	assert(!m->finished && "mrc_finish called twice");
	if (m->failed)
		return ps_error_set(err, "%s", m->fail_msg);
	if (m->policy == MRC_OPT) {
		if ((final = malloc((m->npages ? m->npages : 1) * sizeof *final)) == NULL)
			return mrc_fail(m, err, "out of memory at the end of the trace");
		for (uint64_t id = 0; id < m->npages; id++)
			final[id] = (uint32_t)(m->limit + 1); /* dropped below the limit */
		for (uint64_t i = 0; i < m->depth; i++)
			final[m->stack[i].id] = (uint32_t)(i + 1);
		if (m->opt != NULL && !optstack_final(m->opt, final)) {
			free(final);
			return mrc_fail(m, err, "out of memory at the end of the trace");
		}
	}
	/* The last eviction of each page evicted by the end. */
	for (uint64_t i = 0; i < m->slots; i++) {
		const struct mrc_page *p = &m->pages[i];
		uint32_t d;

		if (p->vpn == MRC_EMPTY)
			continue;
		d = mrc_final_depth(m, p, final);
		if (p->m < d) {
			m->hist[p->m].dirty++;
			m->hist[d].dirty--;
		}
	}
	free(final);
	for (uint64_t i = m->hcap; i-- > 0;) {
		uint64_t d = m->hist[i].d, s = m->hist[i].s;

		m->hist[i].d = above_d;
		m->hist[i].s = above_s;
		above_d += d;
		above_s += s;
	}
	for (uint64_t i = 0; i < m->hcap; i++) {
		upto += m->hist[i].dirty;
		m->hist[i].dirty = upto;
	}
	m->finished = true;
	return 0;
}

/* Round x, a scaled count, to a whole count. */
static uint64_t mrc_round(double x)
{
	return x <= 0 ? 0 : (uint64_t)llround(x);
}

/* The resident frames summed over references with the given frames (an
 * exact curve): no frame is ever freed, so reference t holds min(frames,
 * pages first touched at or before t), and the k-th page first touched at
 * time a counts at the refs - a references from a on. */
static uint64_t mrc_space_time(const struct mrc *m, uint32_t frames)
{
	uint64_t n = m->npages < frames ? m->npages : frames;

	return n == 0 ? 0 : n * m->refs - m->first_sum[n - 1];
}

void mrc_get(const struct mrc *m, uint32_t frames, struct sim_stats *out)
{
	const bool sampling = m->sample_t != MRC_SAMPLE_ALL;
	uint64_t t, at, faults, swap_reads, dirty;

	assert(m->finished && "mrc_get before mrc_finish");
	assert(frames >= 1 && frames <= m->limit && "mrc_get: no frames, or more than max_frames");
	/* A reference faults iff its (sampled) distance is above t. */
	t = sampling ? 1 + (((uint64_t)(frames - 1) * m->sample_t) >> MRC_SAMPLE_BITS) : frames;
	at = t < m->hcap ? t : m->hcap - 1;
	faults = m->npages + m->hist[at].d;
	swap_reads = m->hist[at].s;
	dirty = (uint64_t)m->hist[at].dirty;
	if (sampling) {
		double scale = 1 / mrc_sample_rate(m);

		faults = mrc_round(faults * scale);
		if (faults > m->refs)
			faults = m->refs;
		swap_reads = mrc_round(swap_reads * scale);
		dirty = mrc_round(dirty * scale);
	}
	*out = (struct sim_stats){
		.refs = m->refs, .reads = m->reads, .writes = m->writes, .fetches = m->fetches,
		.distinct_pages = mrc_distinct(m),
		.faults = faults,
		.hits = m->refs - faults,
		.evictions = faults - (faults < frames ? faults : frames),
		.swap_reads = swap_reads < faults ? swap_reads : faults,
	};
	out->zero_fills = out->faults - out->swap_reads;
	out->dirty_evictions = out->swap_writes = dirty < out->evictions ? dirty : out->evictions;
	/* Frames are never freed: those loaded and not given up hold pages. */
	out->resident = out->faults - out->evictions;
	out->space_time = sampling ? 0 : mrc_space_time(m, frames);
	out->processes = m->npids;
}

double mrc_sample_rate(const struct mrc *m)
{
	return (double)m->sample_t / MRC_SAMPLE_ALL;
}

uint64_t mrc_distinct(const struct mrc *m)
{
	if (m->sample_t == MRC_SAMPLE_ALL)
		return m->npages;
	return mrc_round((double)m->npages / mrc_sample_rate(m));
}

void mrc_destroy(struct mrc *m)
{
	if (m == NULL)
		return;
	free(m->pids);
	free(m->pages);
	free(m->marks);
	free(m->blocks);
	free(m->stack);
	optstack_destroy(m->opt);
	free(m->hist);
	free(m->first_sum);
	free(m);
}
