/*
 * arc.c - ARC, the adaptive replacement cache (Megiddo and Modha, "ARC: a
 * self-tuning, low overhead replacement cache", FAST 2003, Fig. 4), with
 * c = frames.
 *
 * Semantics. Resident pages are on T1 (seen once recently) or T2 (seen at
 * least twice), both LRU lists; B1 and B2 are LRU lists of the identities
 * (pid, page) of pages recently evicted from T1 and T2. p, the target
 * size of T1, starts at 0 and stays in [0, c].
 *   touch(X)   (case I) X moves to the MRU end of T2. (So touch() only
 *              reorders, touch_orders_only: of several touches in a row,
 *              the last one of each page decides, as in lru.)
 *   evict()    REPLACE: if T1 is not empty and (|T1| > p, or X is in B2
 *              and |T1| == p), or T2 is empty: T1's LRU page, remembered
 *              at the MRU end of B1; else T2's LRU page, remembered at the
 *              MRU end of B2. (X, the faulting page, and p as adapted for
 *              X: see "The faulting page" below.)
 *   admit(X)   X in B1 (case II): p = min(c, p + d1), d1 = 1 if |B1| >=
 *              |B2| else |B2| / |B1|; X leaves B1 for the MRU end of T2.
 *              X in B2 (case III): p = max(0, p - d2), d2 = 1 if |B2| >=
 *              |B1| else |B1| / |B2|; X leaves B2 for the MRU end of T2.
 *              Otherwise (case IV), with L1 = T1 + B1: if |L1| == c, B1's
 *              LRU identity is forgotten; else if |T1|+|T2|+|B1|+|B2| ==
 *              2c, B2's LRU identity is forgotten; X goes to T1's MRU end.
 *              The sizes in d1 and d2 are those before the eviction.
 *   forget(f)  drops f from T1 or T2; B1, B2 and p are left alone.
 * p is a double and d1, d2 exact quotients rounded to double (IEEE-754,
 * so the same on every machine). Accessed and dirty bits are never read.
 * Every operation is O(1) (expected, for the ghost look-ups).
 *
 * Why this is the paper. The paper runs REPLACE inside cases II, III and
 * IV-A/B, before placing X, exactly when the cache is full: the cache
 * holds c pages whenever a ghost exists. The core calls evict() exactly
 * when every frame is in use, before admit(X); so the REPLACE of the
 * paper is evict(), and admit() does the rest. Doing case IV's ghost
 * trimming after REPLACE instead of before gives the same lists: REPLACE
 * moves an entry from T1 to B1 or from T2 to B2, so |L1| and the total
 * are unchanged; the LRU end of B1 (B2) is unchanged unless B1 (B2) was
 * empty, which in case IV-A happens only when |T1| == c, where the paper
 * discards T1's LRU page unremembered and we remember it in B1 and forget
 * it again in admit() (REPLACE takes T1's LRU since T2 is empty). After a
 * forget() the cache may hold fewer than c pages while ghosts exist; a
 * fault then takes a free frame, admit() does its part, and no REPLACE
 * happens (the paper has no forget; this is our extension). The ghost
 * lists never exceed c + 1 identities (c + 1 only between evict() and
 * admit()).
 *
 * The faulting page. REPLACE and the adaptation of p depend on X. The
 * core calls evict_for(X), so the policy is exactly the paper's: p is
 * adapted there, before REPLACE, which sees whether X is in B2. evict()
 * is also provided, for a caller that cannot name X: it chooses as if X
 * were in neither B1 nor B2, so on a ghost hit the victim is chosen with
 * p before that hit's adaptation (admit() adapts it) and the "X in B2 and
 * |T1| == p" rule never applies; misses (case IV) are exact either way.
 *
 * Layout of the state block: the header, the T1 and T2 framelists, one
 * struct arc_frame per frame, then the B1 and B2 ghostqs. The header
 * points into the block, which the core allocates once and never moves.
 */
#include "framelist.h"
#include "pagemap.h"
#include "policy.h"
#include "view.h"

enum arc_list { ARC_NONE = 0, ARC_T1, ARC_T2 };

struct arc_frame {
	uint64_t page;
	uint32_t pid;
	uint32_t list; /* enum arc_list */
};

struct arc_state {
	uint32_t c;                /* frames */
	uint32_t t1_count, t2_count;
	/* Set by an eviction for admit(): the ghost sizes before it (for d1
	 * and d2), and whether p was already adapted for the incoming page. */
	bool pending;
	bool adapted;
	uint32_t b1_before, b2_before;
	double p;                  /* target size of T1, in [0, c] */
	struct framelist_node *t1; /* front: least recently used */
	struct framelist_node *t2;
	struct arc_frame *frame;
	struct ghostq *b1, *b2;    /* oldest: least recently used */
};

/* Bytes of the header, the lists and the frame table. */
static size_t arc_fixed_size(uint32_t frames)
{
	return pagemap_align(sizeof(struct arc_state)) + 2 * pagemap_align(framelist_size(frames)) +
	       pagemap_align((size_t)frames * sizeof(struct arc_frame));
}

/* Bytes of state for cfg: the fixed part and two ghost lists of c + 1. */
static size_t arc_state_size(const struct policy_config *cfg)
{
	return arc_fixed_size(cfg->frames) + 2 * ghostq_size(cfg->frames + 1);
}

/* Lay out the block; every list empty, p = 0. */
static void arc_init(void *state, const struct policy_config *cfg)
{
	struct arc_state *s = state;
	char *at = (char *)state + pagemap_align(sizeof *s);

	s->c = cfg->frames;
	s->p = 0.0;
	s->t1 = (struct framelist_node *)at;
	at += pagemap_align(framelist_size(s->c));
	s->t2 = (struct framelist_node *)at;
	at += pagemap_align(framelist_size(s->c));
	s->frame = (struct arc_frame *)at;
	at += pagemap_align((size_t)s->c * sizeof(struct arc_frame));
	framelist_init(s->t1, s->c);
	framelist_init(s->t2, s->c);
	s->b1 = ghostq_init(at, s->c + 1);
	s->b2 = ghostq_init(at + ghostq_size(s->c + 1), s->c + 1);
}

/* Cases II and III: adapt p for a hit in B1 (in_b1) or B2, given the
 * ghost sizes b1 and b2 before any eviction for this fault. */
static void arc_adapt(struct arc_state *s, bool in_b1, uint32_t b1, uint32_t b2)
{
	if (in_b1) {
		double d1 = b1 >= b2 ? 1.0 : (double)b2 / b1;

		s->p = s->p + d1 < s->c ? s->p + d1 : s->c;
	} else {
		double d2 = b2 >= b1 ? 1.0 : (double)b1 / b2;

		s->p = s->p - d2 > 0.0 ? s->p - d2 : 0.0;
	}
}

/* Unlink frame from its list (T1 or T2) and mark it unlisted. */
static void arc_unlink(struct arc_state *s, uint32_t frame)
{
	if (s->frame[frame].list == ARC_T1) {
		framelist_remove(s->t1, s->c, frame);
		s->t1_count--;
	} else {
		framelist_remove(s->t2, s->c, frame);
		s->t2_count--;
	}
	s->frame[frame].list = ARC_NONE;
}

/* REPLACE(X, p) of the paper, incoming_in_b2 telling whether X is in B2:
 * drop the LRU page of T1 or T2 (T2 empty forces T1), remember it in B1
 * or B2, and return its frame. Some frame must be listed. */
static uint32_t arc_replace(struct arc_state *s, bool incoming_in_b2)
{
	double t1 = s->t1_count;
	bool from_t1 = s->t1_count > 0 && (t1 > s->p || (incoming_in_b2 && t1 == s->p));
	uint32_t victim;
	struct ghostq *ghosts;

	if (from_t1 || s->t2_count == 0) {
		victim = framelist_front(s->t1, s->c);
		ghosts = s->b1;
	} else {
		victim = framelist_front(s->t2, s->c);
		ghosts = s->b2;
	}
	arc_unlink(s, victim);
	/* The paper keeps |B| <= c here. When the machine withholds frames
	 * (page tables in frames) or frees them (exit), the cache can be "full"
	 * with fewer than c pages and the bound may not hold: the queue, of
	 * capacity c + 1, then forgets its oldest ghost. */
	ghostq_push(ghosts, s->frame[victim].pid, s->frame[victim].page);
	return victim;
}

/* Evict for the faulting page incoming, or for an unknown page (NULL,
 * taken to be in neither B1 nor B2): note the ghost sizes for admit(),
 * adapt p now if incoming is a ghost, and REPLACE. */
static uint32_t arc_choose(struct arc_state *s, const struct policy_ref *incoming)
{
	bool in_b1 = incoming != NULL && ghostq_contains(s->b1, incoming->pid, incoming->page);
	bool in_b2 = incoming != NULL && !in_b1 && ghostq_contains(s->b2, incoming->pid, incoming->page);

	s->pending = true;
	s->b1_before = ghostq_count(s->b1);
	s->b2_before = ghostq_count(s->b2);
	s->adapted = in_b1 || in_b2;
	if (s->adapted)
		arc_adapt(s, in_b1, s->b1_before, s->b2_before);
	return arc_replace(s, in_b2);
}

/* Page ref was loaded into frame (unlisted): cases II, III and IV after
 * REPLACE (see the top). */
static void arc_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct arc_state *s = state;
	uint32_t b1 = s->pending ? s->b1_before : ghostq_count(s->b1);
	uint32_t b2 = s->pending ? s->b2_before : ghostq_count(s->b2);
	bool adapted = s->pending && s->adapted;
	enum arc_list list = ARC_T2;

	s->pending = s->adapted = false;
	if (ghostq_remove(s->b1, ref->pid, ref->page)) {
		if (!adapted)
			arc_adapt(s, true, b1, b2);
	} else if (ghostq_remove(s->b2, ref->pid, ref->page)) {
		if (!adapted)
			arc_adapt(s, false, b1, b2);
	} else {
		uint64_t l1 = (uint64_t)s->t1_count + ghostq_count(s->b1);
		uint64_t total = l1 + s->t2_count + ghostq_count(s->b2);

		if (l1 >= s->c) {
			assert(ghostq_count(s->b1) > 0 && "arc_admit: |L1| == c with B1 empty");
			ghostq_pop_oldest(s->b1, NULL, NULL);
		} else if (total >= 2 * (uint64_t)s->c) {
			ghostq_pop_oldest(s->b2, NULL, NULL);
		}
		list = ARC_T1;
	}
	s->frame[frame] = (struct arc_frame){ .page = ref->page, .pid = ref->pid, .list = list };
	if (list == ARC_T1) {
		framelist_push_back(s->t1, s->c, frame);
		s->t1_count++;
	} else {
		framelist_push_back(s->t2, s->c, frame);
		s->t2_count++;
	}
}

/* Case I: the page in frame (listed) was referenced; it becomes T2's MRU. */
static void arc_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct arc_state *s = state;

	(void)ref;
	if (s->frame[frame].list == ARC_T2 && framelist_is_back(s->t2, s->c, frame))
		return;
	arc_unlink(s, frame);
	s->frame[frame].list = ARC_T2;
	framelist_push_back(s->t2, s->c, frame);
	s->t2_count++;
}

/* Every frame is in use, the faulting page unknown: REPLACE as if it were
 * no ghost (see "The faulting page" at the top); return the victim. */
static uint32_t arc_evict(void *state)
{
	return arc_choose(state, NULL);
}

/* Every frame is in use and incoming faulted: adapt p if it is a ghost,
 * REPLACE exactly as the paper does, and return the victim. */
static uint32_t arc_evict_for(void *state, const struct policy_ref *incoming)
{
	return arc_choose(state, incoming);
}

/* The core freed frame (listed): drop it; the ghosts and p stay. */
static void arc_forget(void *state, uint32_t frame)
{
	arc_unlink(state, frame);
}

/* The view: T1 and T2 from their LRU ends, then the ghosts of B1 and B2
 * from theirs (p, T1's target size, is not shown). */
static void arc_describe(const void *state, const struct policy_viewer *v)
{
	const struct arc_state *s = state;

	view_framelist(v, "T1 (LRU..MRU)", s->t1, s->c, NULL);
	view_framelist(v, "T2 (LRU..MRU)", s->t2, s->c, NULL);
	view_ghostq(v, "B1 ghosts", s->b1);
	view_ghostq(v, "B2 ghosts", s->b2);
}

const struct policy policy_arc = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "arc",
	.summary = "adaptive replacement cache: recency and frequency lists sized by ghost hits",
	.needs_future = false,
	.state_size = arc_state_size,
	.init = arc_init,
	.admit = arc_admit,
	.touch = arc_touch,
	.touch_orders_only = true,
	.evict = arc_evict,
	.forget = arc_forget,
	.evict_for = arc_evict_for,
	.uses_seed = false,
	.describe = arc_describe,
};
