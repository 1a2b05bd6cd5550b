/*
 * clockpro.c - CLOCK-Pro (Jiang, Chen & Zhang, USENIX ATC 2005): LIRS's
 * hot/cold distinction run by clock hands over accessed bits.
 *
 * Semantics
 * ---------
 * Every page CLOCK-Pro knows is an entry on one circular list, the clock:
 * hot pages (resident), cold resident pages, and non-resident cold pages.
 * A cold page may be "in its test period"; a non-resident page always is
 * (it leaves the clock when its test ends). Three hands move forward over
 * the clock; "the head" is the place just behind HAND_hot, where new and
 * moved entries are linked (HAND_hot reaches them last). A page's
 * reference bit is its accessed bit: hits cost nothing (touch is NULL).
 * admit() clears the bit of the page it is told about, so the faulting
 * reference itself does not count as a re-reference (its effect is the
 * page's placement at the head).
 *
 * With m frames, m_c is the target of resident cold pages and m - m_c the
 * most hot pages there may be. m_c starts at c_min = max(1, floor(m /
 * 100)) and stays in [c_min, max(c_min, m - c_min)]: it goes up by one
 * when a cold page is found re-referenced during its test period and
 * down by one when a test period ends without one. At most N =
 * floor(ghosts * m) non-resident pages are kept.
 *
 * HAND_hot, one step: a hot page with its bit set has it cleared (spared);
 * a hot page with a clear bit becomes cold (not in test); a cold page in
 * test has its test ended: a non-resident one leaves the clock (m_c - 1),
 * a resident one stays (m_c + 1 if its bit is set, which is left set for
 * HAND_cold, else m_c - 1). HAND_hot runs right after a page turns hot
 * and steps while there are more than m - m_c hot pages (m_c moves in
 * between too, as HAND_test ends test periods; the allocation catches up
 * at the next run).
 * HAND_test, one step: a cold page in test has its test ended as above;
 * others are passed. HAND_test steps while more than N pages are
 * non-resident.
 * HAND_cold (evict): passes hot and non-resident entries; at a resident
 * cold page whose bit is set (the bit is cleared): in test, it becomes
 * hot (m_c + 1) and moves to the head, then HAND_hot runs; not in test,
 * it starts a test period and moves to the head. The first resident cold
 * page with a clear bit is the victim: in test, it stays in place as
 * non-resident (then HAND_test runs); otherwise it leaves the clock. The
 * hand stops just past it. (Should no resident page be cold, HAND_hot
 * steps until one is.)
 * A fault (admit): a page found non-resident on the clock becomes hot
 * (m_c + 1) and moves to the head, then HAND_hot runs. Any other page is
 * linked at the head cold and in test, except during the warm-up (before
 * the first eviction), when it is hot while fewer than m - m_c are hot.
 *
 * Where the paper leaves room, this file chooses: hands are independent
 * cursors (a hand does only its own work; where the paper has HAND_hot
 * "do HAND_test's job" it does the same test ending as HAND_test), hands
 * rest just past the last entry they handled rather than at the next
 * page of their kind, HAND_test is driven by the count of non-resident
 * pages (N) rather than cold pages (m_c + m), and the warm-up and m_c
 * bounds are as above. forget(f) drops the page's entry outright (it
 * leaves no non-resident trace). Deterministic; dirty bits are not read.
 *
 * Implementation: a pool of m + N entries doubly linked by index into the
 * clock (a hand pointing at an entry that is unlinked moves on to the
 * next one), frame -> entry, and a pagemap (pagemap.h) from identity to
 * the entries of non-resident pages. Every hand run ends: a bit a hand
 * clears stays clear for the rest of the run, so a run takes at most a
 * few turns of the clock (in practice a few steps per fault, as new cold
 * pages gather just behind HAND_hot).
 */
#include "pagemap.h"
#include "policy.h"
#include "view.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#define CP_NONE UINT32_MAX
/* Most non-resident pages kept, whatever ghosts says (and the pool of
 * frames + N entries stays below CP_NONE). */
#define CP_GHOST_LIMIT ((uint64_t)1 << 30)

struct cp_entry {
	uint64_t page;
	uint32_t pid;
	uint32_t frame;      /* CP_NONE: non-resident (or a free entry) */
	uint32_t prev, next; /* clock links; next is the free-list link when free */
	uint8_t hot;         /* hot (always resident) */
	uint8_t test;        /* cold page in its test period */
	uint8_t used;        /* on the clock */
	uint8_t pad;
};

struct cp_state {
	const struct policy_host *host;
	uint32_t frames;
	uint32_t ghost_max;           /* N */
	uint32_t cap;                 /* pool entries: frames + N */
	uint32_t cold_min, cold_max;  /* bounds of m_c */
	uint32_t cold_target;         /* m_c */
	uint32_t hot_count, cold_count, ghost_count; /* resident hot, resident cold, non-resident */
	uint32_t hand_hot, hand_cold, hand_test;     /* CP_NONE when the clock is empty */
	uint32_t free_head;
	bool warm;                    /* no eviction yet */
	size_t frame_off, map_off;
	struct cp_entry entry[];      /* cap */
};

static const struct policy_param cp_params[] = {
	{ .name = "ghosts", .help = "non-resident cold pages kept, in multiples of the frames",
	  .def = 1.0, .min = 0.0, .max = 64.0, .integer = false },
	{ .name = NULL },
};

struct cp_layout {
	uint32_t ghost_max, cap;
	size_t frame_off, map_off, size;
};

/* Sizes and offsets of the regions of the state block for cfg: header
 * and entries, frame -> entry, the map of N + 1 non-resident pages (one
 * more exists until HAND_test has run). */
static struct cp_layout cp_layout_of(const struct policy_config *cfg)
{
	const double ghosts = cfg->params != NULL ? cfg->params[0] : cp_params[0].def;
	const double ghost_frames = ghosts * cfg->frames;
	const uint64_t limit = CP_GHOST_LIMIT < (uint64_t)UINT32_MAX - 1 - cfg->frames
			       ? CP_GHOST_LIMIT : (uint64_t)UINT32_MAX - 1 - cfg->frames;
	struct cp_layout l;

	l.ghost_max = ghost_frames >= (double)limit ? (uint32_t)limit : (uint32_t)ghost_frames;
	l.cap = cfg->frames + l.ghost_max;
	l.frame_off = pagemap_align(sizeof(struct cp_state) + (size_t)l.cap * sizeof(struct cp_entry));
	l.map_off = pagemap_align(l.frame_off + (size_t)cfg->frames * sizeof(uint32_t));
	l.size = l.map_off + pagemap_size(l.ghost_max + 1);
	return l;
}

/* Frame -> entry index (CP_NONE when the frame is not held). */
static uint32_t *cp_frame_entry(struct cp_state *s)
{
	return (uint32_t *)((char *)s + s->frame_off);
}

/* Identity -> entry index, for non-resident pages only. */
static struct pagemap *cp_map(struct cp_state *s)
{
	return (struct pagemap *)((char *)s + s->map_off);
}

/* ---- the clock ---- */

/* Link e (not on the clock) just behind HAND_hot, the head; on an empty
 * clock e becomes the only entry and every hand points at it. */
static void cp_link_head(struct cp_state *s, uint32_t e)
{
	struct cp_entry *x = &s->entry[e];

	x->used = 1;
	if (s->hand_hot == CP_NONE) {
		x->prev = x->next = e;
		s->hand_hot = s->hand_cold = s->hand_test = e;
		return;
	}
	x->next = s->hand_hot;
	x->prev = s->entry[s->hand_hot].prev;
	s->entry[x->prev].next = e;
	s->entry[s->hand_hot].prev = e;
}

/* Unlink e from the clock; a hand pointing at e moves to the next entry
 * (to CP_NONE if e was the only one). */
static void cp_unlink(struct cp_state *s, uint32_t e)
{
	struct cp_entry *x = &s->entry[e];
	uint32_t next = x->next == e ? CP_NONE : x->next;

	assert(x->used);
	if (s->hand_hot == e)
		s->hand_hot = next;
	if (s->hand_cold == e)
		s->hand_cold = next;
	if (s->hand_test == e)
		s->hand_test = next;
	s->entry[x->prev].next = x->next;
	s->entry[x->next].prev = x->prev;
	x->used = 0;
}

/* Move e (on the clock) to the head. */
static void cp_move_to_head(struct cp_state *s, uint32_t e)
{
	cp_unlink(s, e);
	cp_link_head(s, e);
}

/* A free pool entry for (pid, page), not on the clock. The pool cannot
 * run out (at most m - 1 resident and N non-resident pages when one is
 * needed). */
static uint32_t cp_entry_alloc(struct cp_state *s, uint32_t pid, uint64_t page)
{
	uint32_t e = s->free_head;

	assert(e != CP_NONE && "clockpro: entry pool exhausted");
	s->free_head = s->entry[e].next;
	s->entry[e] = (struct cp_entry){ .page = page, .pid = pid, .frame = CP_NONE };
	return e;
}

/* Take e off the clock and give it back to the pool. */
static void cp_entry_free(struct cp_state *s, uint32_t e)
{
	cp_unlink(s, e);
	s->entry[e].next = s->free_head;
	s->free_head = e;
}

/* m_c += delta, within [cold_min, cold_max]. */
static void cp_adjust(struct cp_state *s, int delta)
{
	if (delta > 0 && s->cold_target < s->cold_max)
		s->cold_target++;
	else if (delta < 0 && s->cold_target > s->cold_min)
		s->cold_target--;
}

/* End the test period of cold page e (in test): a non-resident page
 * leaves the clock and m_c goes down; a resident one stays, and m_c goes
 * up if its bit (only read, not cleared) shows a re-reference, else down. */
static void cp_end_test(struct cp_state *s, uint32_t e)
{
	struct cp_entry *x = &s->entry[e];

	assert(!x->hot && x->test);
	x->test = 0;
	if (x->frame == CP_NONE) {
		pagemap_remove(cp_map(s), x->pid, x->page);
		s->ghost_count--;
		cp_entry_free(s, e);
		cp_adjust(s, -1);
	} else {
		cp_adjust(s, s->host->accessed(s->host->machine, x->frame) ? +1 : -1);
	}
}

/* ---- the hands ---- */

/* One step of HAND_hot (the clock is not empty): spare a referenced hot
 * page (clear its bit), demote an unreferenced one to cold, end the test
 * period of a cold page in test; then the hand is past the entry. */
static void cp_hot_step(struct cp_state *s)
{
	uint32_t e = s->hand_hot;
	struct cp_entry *x = &s->entry[e];

	s->hand_hot = x->next;
	if (x->hot) {
		if (!s->host->test_and_clear_accessed(s->host->machine, x->frame)) {
			x->hot = 0;
			s->hot_count--;
			s->cold_count++;
		}
	} else if (x->test) {
		cp_end_test(s, e);
	}
}

/* Run HAND_hot while there are more than m - m_c hot pages. */
static void cp_hot_run(struct cp_state *s)
{
	while (s->hot_count > s->frames - s->cold_target)
		cp_hot_step(s);
}

/* Run HAND_test while more than N pages are non-resident: it ends the
 * test period of each cold page in test it passes. */
static void cp_test_run(struct cp_state *s)
{
	while (s->ghost_count > s->ghost_max) {
		uint32_t e = s->hand_test;
		struct cp_entry *x = &s->entry[e];

		s->hand_test = x->next;
		if (!x->hot && x->test)
			cp_end_test(s, e);
	}
}

/* ---- the policy ---- */

/* Bytes of state for cfg (see cp_layout_of). */
static size_t cp_state_size(const struct policy_config *cfg)
{
	return cp_layout_of(cfg).size;
}

/* Empty clock, every entry free, m_c at its minimum, warm-up on. */
static void cp_init(void *state, const struct policy_config *cfg)
{
	struct cp_state *s = state;
	struct cp_layout l = cp_layout_of(cfg);
	uint32_t m = cfg->frames;

	s->host = cfg->host;
	s->frames = m;
	s->ghost_max = l.ghost_max;
	s->cap = l.cap;
	s->cold_min = m / 100 > 1 ? m / 100 : 1;
	s->cold_max = m - s->cold_min > s->cold_min ? m - s->cold_min : s->cold_min;
	s->cold_target = s->cold_min;
	s->hot_count = s->cold_count = s->ghost_count = 0;
	s->hand_hot = s->hand_cold = s->hand_test = CP_NONE;
	s->warm = true;
	s->frame_off = l.frame_off;
	s->map_off = l.map_off;
	for (uint32_t e = 0; e < s->cap; e++)
		s->entry[e] = (struct cp_entry){ .frame = CP_NONE,
						 .next = e + 1 < s->cap ? e + 1 : CP_NONE };
	s->free_head = s->cap > 0 ? 0 : CP_NONE;
	for (uint32_t f = 0; f < m; f++)
		cp_frame_entry(s)[f] = CP_NONE;
	pagemap_init(cp_map(s), s->ghost_max + 1);
}

/* Page ref was loaded into frame (not held). Its accessed bit is cleared.
 * A non-resident entry of the page makes it hot at the head (m_c + 1),
 * then HAND_hot runs; otherwise it is linked at the head, hot during the
 * warm-up while hot pages are short, else cold in its test period. */
static void cp_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct cp_state *s = state;
	uint32_t e = pagemap_remove(cp_map(s), ref->pid, ref->page);

	assert(frame < s->frames && cp_frame_entry(s)[frame] == CP_NONE);
	s->host->test_and_clear_accessed(s->host->machine, frame);
	if (e != PAGEMAP_NONE) {
		struct cp_entry *x = &s->entry[e];

		s->ghost_count--;
		x->frame = frame;
		x->hot = 1;
		x->test = 0;
		s->hot_count++;
		cp_frame_entry(s)[frame] = e;
		cp_adjust(s, +1);
		cp_move_to_head(s, e);
		cp_hot_run(s);
		return;
	}
	e = cp_entry_alloc(s, ref->pid, ref->page);
	s->entry[e].frame = frame;
	cp_frame_entry(s)[frame] = e;
	if (s->warm && s->hot_count < s->frames - s->cold_target) {
		s->entry[e].hot = 1;
		s->hot_count++;
	} else {
		s->entry[e].test = 1;
		s->cold_count++;
	}
	cp_link_head(s, e);
}

/* Run HAND_cold to the first resident cold page with a clear bit and
 * return its frame (see the top of the file); it stays on the clock as
 * non-resident if it was in test. At least one frame must be held. */
static uint32_t cp_evict(void *state)
{
	struct cp_state *s = state;
	const struct policy_host *host = s->host;

	assert(s->hot_count + s->cold_count > 0 && "clockpro_evict: no resident page");
	s->warm = false;
	for (;;) {
		uint32_t e, frame;
		struct cp_entry *x;

		while (s->cold_count == 0)
			cp_hot_step(s);
		e = s->hand_cold;
		x = &s->entry[e];
		s->hand_cold = x->next;
		if (x->hot || x->frame == CP_NONE)
			continue;
		if (host->test_and_clear_accessed(host->machine, x->frame)) {
			if (x->test) {
				x->hot = 1;
				x->test = 0;
				s->cold_count--;
				s->hot_count++;
				cp_adjust(s, +1);
				cp_move_to_head(s, e);
				cp_hot_run(s);
			} else {
				x->test = 1;
				cp_move_to_head(s, e);
			}
			continue;
		}
		frame = x->frame;
		cp_frame_entry(s)[frame] = CP_NONE;
		s->cold_count--;
		x->frame = CP_NONE;
		if (x->test) {
			pagemap_put(cp_map(s), x->pid, x->page, e);
			s->ghost_count++;
			cp_test_run(s);
		} else {
			cp_entry_free(s, e);
		}
		return frame;
	}
}

/* The core freed frame (held): its page leaves the clock with no
 * non-resident trace. */
static void cp_forget(void *state, uint32_t frame)
{
	struct cp_state *s = state;
	uint32_t e = cp_frame_entry(s)[frame];

	assert(frame < s->frames && e != CP_NONE);
	cp_frame_entry(s)[frame] = CP_NONE;
	if (s->entry[e].hot)
		s->hot_count--;
	else
		s->cold_count--;
	cp_entry_free(s, e);
}

/* The view: the clock once around from HAND_cold (marked), resident
 * pages with hot, test and accessed bits, non-resident ones (in their
 * test period) as ghosts. */
static void cp_describe(const void *state, const struct policy_viewer *v)
{
	const struct cp_state *s = state;
	uint32_t e = s->hand_cold;

	v->list(v->ctx, "clock (from > HAND_cold; hot, test, A)");
	if (e == CP_NONE)
		return;
	do {
		const struct cp_entry *x = &s->entry[e];
		struct policy_view_item it = { .frame = x->frame, .pid = x->pid, .page = x->page,
					       .mark = e == s->hand_cold, .nvalues = 3,
					       .key = { "hot", "test", "A" } };

		if (x->frame == CP_NONE) {
			it.frame = POLICY_VIEW_GHOST;
			it.nvalues = 0;
		} else {
			it.value[0] = x->hot;
			it.value[1] = x->test;
			it.value[2] = s->host->accessed(s->host->machine, x->frame);
		}
		v->item(v->ctx, &it);
		e = x->next;
	} while (e != s->hand_cold);
}

const struct policy policy_clockpro = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "clock-pro",
	.summary = "CLOCK-Pro: hot and cold pages, test periods and three clock hands over accessed bits",
	.needs_future = false,
	.state_size = cp_state_size,
	.init = cp_init,
	.admit = cp_admit,
	.touch = NULL,
	.evict = cp_evict,
	.forget = cp_forget,
	.params = cp_params,
	.describe = cp_describe,
};
