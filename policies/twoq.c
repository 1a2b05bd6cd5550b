/*
 * twoq.c - full 2Q (Johnson and Shasha, "2Q: a low overhead high
 * performance buffer management replacement algorithm", VLDB 1994).
 *
 * Semantics. Resident pages are in one of two queues:
 *   A1in  a FIFO of pages faulted in once and not promoted, target size
 *         Kin = param kin * frames;
 *   Am    an LRU list of "hot" pages;
 * and A1out, a FIFO of at most Kout = param kout * frames page identities
 * (pid, page) evicted from A1in: history without contents.
 *   admit(X)   X in A1out: X goes to the MRU end of Am and leaves A1out;
 *              else X goes to the back of A1in.
 *   touch(X)   X in Am: move to the MRU end. X in A1in: nothing (the
 *              paper's "correlated reference" rule). So touch() only
 *              reorders Am, as lru does (touch_orders_only): of several
 *              touches in a row, the last one for each frame decides.
 *   evict()    if |A1in| > Kin, or Am is empty: the front (oldest) of A1in,
 *              whose identity becomes the newest in A1out (the oldest
 *              identity of A1out is forgotten when it would exceed Kout);
 *              else the LRU page of Am, not remembered.
 *   forget(f)  drops f from its queue; A1out is left alone.
 * Kin and Kout are rounded to the nearest whole number (halves up), and
 * are at least 1: Kin = max(1, floor(kin * frames + 0.5)), likewise Kout.
 * Accessed and dirty bits are never read. Deterministic; every operation
 * is O(1) (expected, for the A1out look-up).
 *
 * The paper's order of steps on a fault of X is: test X against A1out,
 * then reclaim a frame (which may push the A1in victim into A1out and so
 * drop A1out's oldest entry, possibly X itself), then place X. Here the
 * core calls evict() before admit(X), so evict() cannot test X first. To
 * keep the paper's outcome exactly, A1out may hold Kout + 1 identities
 * between evict() and the admit() that follows: admit() tests X, then
 * trims A1out to Kout (oldest first), then removes X if it is still
 * there. The paper does not say that X leaves A1out when promoted; we
 * remove it (its entry would be stale while X is resident).
 *
 * Layout of the state block: the header, then the A1in and Am framelists,
 * then one struct twoq_frame per frame, then the A1out ghostq. The header
 * points into the block, which the core allocates once and never moves.
 */
#include "framelist.h"
#include "pagemap.h"
#include "policy.h"
#include "view.h"

enum twoq_queue { TWOQ_NONE = 0, TWOQ_A1IN, TWOQ_AM };

struct twoq_frame {
	uint64_t page;
	uint32_t pid;
	uint32_t queue; /* enum twoq_queue */
};

struct twoq_state {
	uint32_t frames;
	uint32_t kin, kout;   /* the rounded Kin and Kout */
	uint32_t a1in_count;  /* pages on A1in */
	uint32_t am_count;    /* pages on Am */
	struct framelist_node *a1in; /* front: oldest */
	struct framelist_node *am;   /* front: least recently used */
	struct twoq_frame *frame;
	struct ghostq *a1out;        /* capacity kout + 1, see above */
};

/* Largest Kin or Kout (a ghostq holds at most 2^31 identities). */
#define TWOQ_MAX_QUEUE (UINT32_C(1) << 30)

/* Parameter indexes in cfg->params. */
enum { TWOQ_KIN, TWOQ_KOUT };

static const struct policy_param twoq_params[] = {
	{ .name = "kin", .help = "size of A1in (pages seen once), as a fraction of frames",
	  .def = 0.25, .min = 0.0, .max = 1.0, .integer = false },
	{ .name = "kout", .help = "size of A1out (ghosts evicted from A1in), as a fraction of frames",
	  .def = 0.5, .min = 0.0, .max = 8.0, .integer = false },
	{ .name = NULL },
};

/* Value of parameter i in cfg: the defaults when cfg->params is NULL
 * (tolerated, though the core always passes values). */
static double twoq_param(const struct policy_config *cfg, size_t i)
{
	return cfg->params != NULL ? cfg->params[i] : twoq_params[i].def;
}

/* fraction * frames rounded to the nearest whole number (halves up), at
 * least 1 and at most TWOQ_MAX_QUEUE. fraction is within its parameter's
 * range. */
static uint32_t twoq_round(double fraction, uint32_t frames)
{
	double n = fraction * frames + 0.5;

	return n < 2.0 ? 1 : n >= TWOQ_MAX_QUEUE ? TWOQ_MAX_QUEUE : (uint32_t)n;
}

/* Bytes of the header, the lists and the frame table (the ghostq's offset). */
static size_t twoq_fixed_size(uint32_t frames)
{
	return pagemap_align(sizeof(struct twoq_state)) + 2 * pagemap_align(framelist_size(frames)) +
	       pagemap_align((size_t)frames * sizeof(struct twoq_frame));
}

/* Bytes of state for cfg: the fixed part plus A1out for Kout + 1 ghosts. */
static size_t twoq_state_size(const struct policy_config *cfg)
{
	return twoq_fixed_size(cfg->frames) + ghostq_size(twoq_round(twoq_param(cfg, TWOQ_KOUT), cfg->frames) + 1);
}

/* Lay out the block, compute Kin and Kout, and start with every queue empty. */
static void twoq_init(void *state, const struct policy_config *cfg)
{
	struct twoq_state *s = state;
	char *at = (char *)state + pagemap_align(sizeof *s);

	s->frames = cfg->frames;
	s->kin = twoq_round(twoq_param(cfg, TWOQ_KIN), cfg->frames);
	s->kout = twoq_round(twoq_param(cfg, TWOQ_KOUT), cfg->frames);
	s->a1in = (struct framelist_node *)at;
	at += pagemap_align(framelist_size(s->frames));
	s->am = (struct framelist_node *)at;
	at += pagemap_align(framelist_size(s->frames));
	s->frame = (struct twoq_frame *)at;
	at += pagemap_align((size_t)s->frames * sizeof(struct twoq_frame));
	framelist_init(s->a1in, s->frames);
	framelist_init(s->am, s->frames);
	s->a1out = ghostq_init(at, s->kout + 1);
}

/* Forget A1out's oldest identities until it holds at most Kout. */
static void twoq_trim_a1out(struct twoq_state *s)
{
	while (ghostq_count(s->a1out) > s->kout)
		ghostq_pop_oldest(s->a1out, NULL, NULL);
}

/* Page ref was loaded into frame (not queued): to Am if A1out remembers
 * it, else to A1in. Completes a pending A1out trim (see the top). */
static void twoq_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct twoq_state *s = state;
	bool remembered = ghostq_contains(s->a1out, ref->pid, ref->page);

	twoq_trim_a1out(s);
	s->frame[frame] = (struct twoq_frame){ .page = ref->page, .pid = ref->pid };
	if (remembered) {
		ghostq_remove(s->a1out, ref->pid, ref->page);
		s->frame[frame].queue = TWOQ_AM;
		framelist_push_back(s->am, s->frames, frame);
		s->am_count++;
	} else {
		s->frame[frame].queue = TWOQ_A1IN;
		framelist_push_back(s->a1in, s->frames, frame);
		s->a1in_count++;
	}
}

/* The page in frame (queued) was referenced: the MRU end of Am if it is
 * on Am; nothing if it is on A1in. */
static void twoq_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct twoq_state *s = state;

	(void)ref;
	if (s->frame[frame].queue != TWOQ_AM || framelist_is_back(s->am, s->frames, frame))
		return;
	framelist_remove(s->am, s->frames, frame);
	framelist_push_back(s->am, s->frames, frame);
}

/* Return the victim (A1in's oldest when A1in is over Kin or Am is empty,
 * remembered in A1out; else Am's LRU) and drop it. At least one frame
 * must be queued. */
static uint32_t twoq_evict(void *state)
{
	struct twoq_state *s = state;
	uint32_t victim;

	twoq_trim_a1out(s);
	if (s->a1in_count > s->kin || s->am_count == 0) {
		victim = framelist_front(s->a1in, s->frames);
		framelist_remove(s->a1in, s->frames, victim);
		s->a1in_count--;
		ghostq_push(s->a1out, s->frame[victim].pid, s->frame[victim].page);
	} else {
		victim = framelist_front(s->am, s->frames);
		framelist_remove(s->am, s->frames, victim);
		s->am_count--;
	}
	s->frame[victim].queue = TWOQ_NONE;
	return victim;
}

/* The core freed frame (queued): drop it from its queue. */
static void twoq_forget(void *state, uint32_t frame)
{
	struct twoq_state *s = state;

	if (s->frame[frame].queue == TWOQ_A1IN) {
		framelist_remove(s->a1in, s->frames, frame);
		s->a1in_count--;
	} else {
		framelist_remove(s->am, s->frames, frame);
		s->am_count--;
	}
	s->frame[frame].queue = TWOQ_NONE;
}

/* The view: A1in from its oldest page, Am from its LRU end, and the
 * A1out ghosts from the oldest. */
static void twoq_describe(const void *state, const struct policy_viewer *v)
{
	const struct twoq_state *s = state;

	view_framelist(v, "A1in (oldest..newest)", s->a1in, s->frames, NULL);
	view_framelist(v, "Am (LRU..MRU)", s->am, s->frames, NULL);
	view_ghostq(v, "A1out ghosts", s->a1out);
}

const struct policy policy_2q = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "2q",
	.summary = "full 2Q: a FIFO for pages seen once, an LRU for pages re-referenced after eviction",
	.needs_future = false,
	.state_size = twoq_state_size,
	.init = twoq_init,
	.admit = twoq_admit,
	.touch = twoq_touch,
	.touch_orders_only = true,
	.evict = twoq_evict,
	.forget = twoq_forget,
	.params = twoq_params,
	.uses_seed = false,
	.describe = twoq_describe,
};
