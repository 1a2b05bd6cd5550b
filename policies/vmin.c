/*
 * vmin.c - Prieve and Fabry's VMIN, the optimal variable-space policy; it
 * looks ahead in the trace (needs_future).
 *
 * Semantics: parameter tau (T, 1..1e12, default 1000), in page references
 * of the whole machine. After a reference at time t to a page whose next
 * reference is at time v, the page stays in memory iff v - t <= T; else
 * (v further, or never) it is released right after the reference, before
 * reference t + 1 (through shed(); tick() asks for a call at every
 * reference). So a reference is a fault iff the page's previous reference
 * is more than T references back, exactly when ws:tau=T faults (VMIN never
 * faults more), and VMIN holds a page over a gap only when that gap ends
 * in a hit, where ws holds it for T references after every reference: at
 * every reference VMIN's memory is a subset of ws's, so its mean_resident
 * is never larger. Each reference counts its own page; a page kept over a
 * gap of g references counts at g references, one dropped at 1.
 *
 * --frames is an upper bound: a fault with every frame in use evicts the
 * resident page whose next reference is furthest (the lowest frame number
 * on a tie), as opt does; the relations above then need not hold.
 *
 * State: per frame, its next reference time and whether it is resident;
 * the frames due for release. admit, touch, shed and forget are O(1),
 * evict is an O(frames) scan (only with the --frames bound reached).
 */
#include "framelist.h"
#include "policy.h"

#include <assert.h>

struct vmin_state {
	uint32_t frames;
	uint64_t tau;
	uint64_t *next;    /* per frame: its page's next reference (POLICY_NEVER) */
	uint64_t *due;     /* per frame on the release list: release before this time */
	struct framelist_node dropping[]; /* frames to release, oldest first */
};

static const struct policy_param vmin_params[] = {
	{ .name = "tau", .help = "window T: keep a page only if its next reference is at most T away",
	  .def = 1000, .min = 1, .max = 1e12, .integer = true },
	{ .name = NULL },
};

/* Bytes of state for cfg: the header, the list's nodes, two times a frame. */
static size_t vmin_state_size(const struct policy_config *cfg)
{
	return sizeof(struct vmin_state) + framelist_size(cfg->frames) + 2 * (size_t)cfg->frames * sizeof(uint64_t);
}

/* Start empty, with window cfg->params[0]. A frame not resident has next
 * 0 (below every resident page's) and is off the release list. */
static void vmin_init(void *state, const struct policy_config *cfg)
{
	struct vmin_state *s = state;

	assert(cfg->params != NULL && cfg->params[0] >= 1);
	s->frames = cfg->frames;
	s->tau = (uint64_t)cfg->params[0];
	s->next = (uint64_t *)((char *)s->dropping + framelist_size(cfg->frames));
	s->due = s->next + s->frames;
	framelist_init(s->dropping, s->frames);
}

/* Reference ref to the page in frame (resident): keep it until its next
 * reference if that is at most T away, else list it for release before
 * the next reference. */
static void vmin_reference(struct vmin_state *s, uint32_t frame, const struct policy_ref *ref)
{
	s->next[frame] = ref->next_use;
	if (framelist_contains(s->dropping, frame))
		framelist_remove(s->dropping, s->frames, frame);
	if (ref->next_use == POLICY_NEVER || ref->next_use - ref->now > s->tau) {
		s->due[frame] = ref->now + 1;
		framelist_push_back(s->dropping, s->frames, frame);
	}
}

static void vmin_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	vmin_reference(state, frame, ref);
}

static void vmin_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	vmin_reference(state, frame, ref);
}

/* A release can be due before any reference: ask for every one. */
static uint64_t vmin_tick(void *state, uint64_t now)
{
	(void)state;
	return now + 1;
}

/* The oldest frame due for release by now (dropped), else none. */
static uint32_t vmin_shed(void *state, uint64_t now)
{
	struct vmin_state *s = state;
	uint32_t f = s->dropping[s->frames].next;

	if (f == s->frames || s->due[f] > now)
		return POLICY_NO_FRAME;
	framelist_remove(s->dropping, s->frames, f);
	s->next[f] = 0;
	return f;
}

/* Every frame is in use (the --frames bound): the page used furthest
 * ahead, the lowest frame on a tie. */
static uint32_t vmin_evict(void *state)
{
	struct vmin_state *s = state;
	uint32_t victim = 0;

	for (uint32_t f = 1; f < s->frames; f++)
		if (s->next[f] > s->next[victim])
			victim = f;
	if (framelist_contains(s->dropping, victim))
		framelist_remove(s->dropping, s->frames, victim);
	s->next[victim] = 0;
	return victim;
}

/* The core freed frame: drop it. */
static void vmin_forget(void *state, uint32_t frame)
{
	struct vmin_state *s = state;

	if (framelist_contains(s->dropping, frame))
		framelist_remove(s->dropping, s->frames, frame);
	s->next[frame] = 0;
}

const struct policy policy_vmin = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "vmin",
	.summary = "Prieve-Fabry VMIN: keep a page only until a next use at most tau ahead (looks ahead)",
	.needs_future = true,
	.state_size = vmin_state_size,
	.init = vmin_init,
	.admit = vmin_admit,
	.touch = vmin_touch,
	.evict = vmin_evict,
	.forget = vmin_forget,
	.params = vmin_params,
	.tick = vmin_tick,
	.shed = vmin_shed,
};
