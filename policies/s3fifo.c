/*
 * s3fifo.c - S3-FIFO (Yang, Zhang, Qiu, Yue and Vinayak, "FIFO queues are
 * all you need for cache eviction", SOSP 2023, Algorithm 1).
 *
 * Semantics. Resident pages are on S, a small FIFO of target size Ssize =
 * param small * frames, or on M, the main FIFO (its share is Msize =
 * frames - Ssize); G is a FIFO of the identities (pid, page) of pages
 * evicted from S, at most max(1, Msize) of them ("as many ghost entries
 * as M holds pages", section 4.2). Each resident page has a frequency
 * counter in 0..3.
 *   admit(X)   freq = 0. X in G: X leaves G for the head of M; else X
 *              goes to the head of S.
 *   touch(X)   freq = min(freq + 1, 3).
 *   evict()    repeat until a victim is found:
 *              if S is not empty and (|S| >= Ssize or M is empty): take
 *              S's tail t; if freq(t) >= param move-to-main (default 2,
 *              the paper's "t.freq > 1"), move t to the head of M with
 *              freq 0 ("its access bits are cleared during the move") and
 *              repeat; else t is the victim and its identity becomes the
 *              newest in G (G's oldest is forgotten when G is full).
 *              Otherwise take M's tail t: if freq(t) > 0, freq -= 1 and t
 *              goes back to the head of M; else t is the victim (not
 *              remembered).
 *   forget(f)  drops f from S or M; G is left alone.
 * Ssize is small * frames rounded to the nearest whole number (halves up),
 * clamped to [1, frames]. Accessed and dirty bits are never read.
 * Deterministic. admit, touch and forget are O(1); evict is O(1)
 * amortised (each reinsertion into M spends a unit of frequency a hit
 * paid for, each move to M a page admitted to S).
 *
 * Reading of the paper. Algorithm 1 evicts from S when |S| >= 10% of the
 * cache, else from M, and in EVICTS a promoted page that finds M full
 * calls EVICTM and the loop goes on evicting from S: two evictions for
 * one insertion. A page fault frees exactly one frame, so here a
 * promotion simply re-tests the balance: when the cache is full, M is
 * "full" after a promotion exactly when |S| has dropped below Ssize, and
 * the next round then evicts from M, as EVICTM would, and stops there.
 * The promotion threshold: Algorithm 1 tests "t.freq > 1" (freq counts
 * hits, 0 at insertion), as libCacheSim's move-to-main-threshold=2 does;
 * the prose ("accessed more than once") and some versions of libCacheSim
 * use 1. The parameter move-to-main selects either. As in Algorithm 1's
 * INSERT, G is consulted after the eviction (the core calls evict()
 * before admit()), so an eviction that pushes into a full G may push out
 * the faulting page's own entry (libCacheSim tests G first). Its later
 * change of inserting into M while the cache has never evicted is not
 * the paper's and is not done here.
 *
 * Layout of the state block: the header, the S and M framelists (front:
 * tail, the oldest), one struct s3fifo_frame per frame, then the G
 * ghostq. The header points into the block, which the core allocates once
 * and never moves.
 */
#include "framelist.h"
#include "pagemap.h"
#include "policy.h"
#include "view.h"

enum s3fifo_queue { S3FIFO_NONE = 0, S3FIFO_S, S3FIFO_M };

#define S3FIFO_FREQ_MAX 3

struct s3fifo_frame {
	uint64_t page;
	uint32_t pid;
	uint8_t queue; /* enum s3fifo_queue */
	uint8_t freq;  /* 0..S3FIFO_FREQ_MAX */
};

struct s3fifo_state {
	uint32_t frames;
	uint32_t small_size;  /* Ssize */
	uint32_t threshold;   /* move-to-main */
	uint32_t s_count, m_count;
	struct framelist_node *s; /* front: the tail, next to leave */
	struct framelist_node *m;
	struct s3fifo_frame *frame;
	struct ghostq *g;
};

/* Parameter indexes in cfg->params. */
enum { S3FIFO_SMALL, S3FIFO_THRESHOLD };

static const struct policy_param s3fifo_params[] = {
	{ .name = "small", .help = "size of the small FIFO S, as a fraction of frames",
	  .def = 0.1, .min = 0.0, .max = 1.0, .integer = false },
	{ .name = "move-to-main", .help = "hits a page needs while in S to move to M when it leaves S",
	  .def = 2, .min = 1, .max = S3FIFO_FREQ_MAX, .integer = true },
	{ .name = NULL },
};

/* Value of parameter i in cfg: the defaults when cfg->params is NULL
 * (tolerated, though the core always passes values). */
static double s3fifo_param(const struct policy_config *cfg, size_t i)
{
	return cfg->params != NULL ? cfg->params[i] : s3fifo_params[i].def;
}

/* Ssize for frames frames and fraction small: rounded to nearest (halves
 * up), within [1, frames]. */
static uint32_t s3fifo_small_size(double small, uint32_t frames)
{
	double n = small * frames + 0.5;

	return n < 2.0 ? 1 : n >= frames ? frames : (uint32_t)n;
}

/* Capacity of G: as many identities as M's share of frames, at least 1. */
static uint32_t s3fifo_ghosts(double small, uint32_t frames)
{
	uint32_t m = frames - s3fifo_small_size(small, frames);

	return m > 0 ? m : 1;
}

/* Bytes of the header, the lists and the frame table. */
static size_t s3fifo_fixed_size(uint32_t frames)
{
	return pagemap_align(sizeof(struct s3fifo_state)) + 2 * pagemap_align(framelist_size(frames)) +
	       pagemap_align((size_t)frames * sizeof(struct s3fifo_frame));
}

/* Bytes of state for cfg: the fixed part and G. */
static size_t s3fifo_state_size(const struct policy_config *cfg)
{
	return s3fifo_fixed_size(cfg->frames) + ghostq_size(s3fifo_ghosts(s3fifo_param(cfg, S3FIFO_SMALL), cfg->frames));
}

/* Lay out the block; S, M and G empty. */
static void s3fifo_init(void *state, const struct policy_config *cfg)
{
	struct s3fifo_state *s = state;
	char *at = (char *)state + pagemap_align(sizeof *s);

	s->frames = cfg->frames;
	s->small_size = s3fifo_small_size(s3fifo_param(cfg, S3FIFO_SMALL), cfg->frames);
	s->threshold = (uint32_t)s3fifo_param(cfg, S3FIFO_THRESHOLD);
	s->s = (struct framelist_node *)at;
	at += pagemap_align(framelist_size(s->frames));
	s->m = (struct framelist_node *)at;
	at += pagemap_align(framelist_size(s->frames));
	s->frame = (struct s3fifo_frame *)at;
	at += pagemap_align((size_t)s->frames * sizeof(struct s3fifo_frame));
	framelist_init(s->s, s->frames);
	framelist_init(s->m, s->frames);
	s->g = ghostq_init(at, s3fifo_ghosts(s3fifo_param(cfg, S3FIFO_SMALL), cfg->frames));
}

/* Put frame (unlisted) at the head of M. */
static void s3fifo_push_m(struct s3fifo_state *s, uint32_t frame)
{
	s->frame[frame].queue = S3FIFO_M;
	framelist_push_back(s->m, s->frames, frame);
	s->m_count++;
}

/* Page ref was loaded into frame (unlisted): to M if G remembers it (and
 * G forgets it), else to S; freq 0. */
static void s3fifo_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct s3fifo_state *s = state;

	s->frame[frame] = (struct s3fifo_frame){ .page = ref->page, .pid = ref->pid, .freq = 0 };
	if (ghostq_remove(s->g, ref->pid, ref->page)) {
		s3fifo_push_m(s, frame);
	} else {
		s->frame[frame].queue = S3FIFO_S;
		framelist_push_back(s->s, s->frames, frame);
		s->s_count++;
	}
}

/* The page in frame (listed) was referenced: count it, up to 3. */
static void s3fifo_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct s3fifo_state *s = state;

	(void)ref;
	if (s->frame[frame].freq < S3FIFO_FREQ_MAX)
		s->frame[frame].freq++;
}

/* Return the victim (see the top) and drop it. At least one frame must
 * be listed. */
static uint32_t s3fifo_evict(void *state)
{
	struct s3fifo_state *s = state;

	for (;;) {
		uint32_t t;

		if (s->s_count > 0 && (s->s_count >= s->small_size || s->m_count == 0)) {
			t = framelist_front(s->s, s->frames);
			framelist_remove(s->s, s->frames, t);
			s->s_count--;
			if (s->frame[t].freq >= s->threshold) {
				s->frame[t].freq = 0;
				s3fifo_push_m(s, t);
				continue;
			}
			ghostq_push(s->g, s->frame[t].pid, s->frame[t].page);
		} else {
			t = framelist_front(s->m, s->frames);
			framelist_remove(s->m, s->frames, t);
			s->m_count--;
			if (s->frame[t].freq > 0) {
				s->frame[t].freq--;
				s3fifo_push_m(s, t);
				continue;
			}
		}
		s->frame[t].queue = S3FIFO_NONE;
		return t;
	}
}

/* The core freed frame (listed): drop it from S or M. */
static void s3fifo_forget(void *state, uint32_t frame)
{
	struct s3fifo_state *s = state;

	if (s->frame[frame].queue == S3FIFO_S) {
		framelist_remove(s->s, s->frames, frame);
		s->s_count--;
	} else {
		framelist_remove(s->m, s->frames, frame);
		s->m_count--;
	}
	s->frame[frame].queue = S3FIFO_NONE;
}

/* Send queue q (of the state's frames) to v with each frame's frequency. */
static void s3fifo_view_queue(const struct s3fifo_state *s, const struct policy_viewer *v, const char *name,
			      const struct framelist_node *q)
{
	v->list(v->ctx, name);
	for (uint32_t f = q[s->frames].next; f != s->frames; f = q[f].next)
		view_frame(v, f, false, "freq", s->frame[f].freq);
}

/* The view: S and M from the next to leave, with each page's frequency,
 * then the ghosts of G from the oldest. */
static void s3fifo_describe(const void *state, const struct policy_viewer *v)
{
	const struct s3fifo_state *s = state;

	s3fifo_view_queue(s, v, "S (tail..head)", s->s);
	s3fifo_view_queue(s, v, "M (tail..head)", s->m);
	view_ghostq(v, "G ghosts", s->g);
}

const struct policy policy_s3fifo = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "s3-fifo",
	.summary = "S3-FIFO: a small FIFO filters one-hit wonders, a main FIFO with 2-bit counters, a ghost FIFO",
	.needs_future = false,
	.state_size = s3fifo_state_size,
	.init = s3fifo_init,
	.admit = s3fifo_admit,
	.touch = s3fifo_touch,
	.evict = s3fifo_evict,
	.forget = s3fifo_forget,
	.params = s3fifo_params,
	.uses_seed = false,
	.describe = s3fifo_describe,
};
