/*
 * sim.c - the simulated machine, and the model pagesim replays traces
 * through.
 *
 * The model
 * ---------
 * A machine has a fixed number of physical frames, a swap device, one
 * replacement policy, and one page table per process (created when a
 * process id first appears in the trace). Every address space is anonymous
 * demand-zero memory: any page may be touched, and the first touch of a
 * page is a fault that hands it a zeroed frame without I/O.
 *
 * Each trace record is one access of some bytes; it references every page
 * those bytes cover (pageref.h), one "reference" per page. For each
 * reference the MMU walks the process's radix page table (pagetable.h):
 *
 *   hit    the PTE is present: the "hardware" sets its accessed bit, and
 *          its dirty bit if the access writes. Policies that must see every
 *          reference (exact LRU, OPT) get a touch() call; the others learn
 *          about use only through the accessed bits, as a kernel does.
 *   fault  the PTE is not present. The page gets the lowest-numbered free
 *          frame, or, when none is free, the policy chooses a resident
 *          victim and the core evicts it (below). The page is then loaded:
 *          from its swap slot if it has one (a swap read), else zero-filled
 *          (a first touch, or a page that was never written and so was
 *          dropped, not saved, when evicted). The faulting access itself
 *          then sets the accessed bit (and the dirty bit for a write).
 *
 * Eviction is the core's job, never the policy's, so no policy can forget
 * a step. Using the frame's reverse map it finds the PTE and invalidates
 * it, and disposes of the contents:
 *   - dirty page: written to swap (a swap write): to the slot it already
 *     holds if it was read back from swap earlier (that copy is stale and
 *     is overwritten in place), else to the lowest free slot. Swap full is
 *     an error.
 *   - clean page with a slot: its swap copy is still good; no I/O.
 *   - clean page without a slot: it was never written, so it is all zeros;
 *     dropped, it comes back as a zero-fill.
 * A page read back from swap thus keeps its slot, and evicting it clean
 * costs no write.
 *
 * Counters (struct sim_stats) are exact; see sim.h for their definitions.
 *
 * The hot loop
 * ------------
 * Records come in batches; nothing is allocated per reference. A hit is a
 * cached leaf-table compare, a present-bit test, an OR of the A/D bits and
 * at most one indirect call (touch, NULL for bit-reading policies). Faults
 * go through sim_fault(), kept out of line.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "pageref.h"
#include "pagetable.h"
#include "sim.h"
#include "swap.h"

/* How far ahead (in records) PTEs are prefetched, in chunks of this size. */
#define SIM_PREFETCH_AHEAD 16
/* How many frames ahead a clock-like sweep's PTEs are prefetched. */
#define SIM_SWEEP_AHEAD 8

struct proc {
	uint32_t pid;
	struct pagetable pt;
};

struct sim {
	struct sim_config cfg;
	struct pt_shape shape;
	struct frame_table ft;
	struct swap swap;
	struct sim_stats stats;
	uint64_t now; /* index of the next page reference */

	const struct policy *policy;
	void *policy_state;
	struct policy_host host;
	void (*touch)(void *state, uint32_t frame, const struct policy_ref *ref);
	uint64_t next_tick; /* reference index of the policy's next tick() */
	double default_params[POLICY_MAX_PARAMS];

	/* Processes: an open-addressing table of pid -> proc, power-of-two sized. */
	struct proc **procs;
	size_t proc_slots, nprocs;
	struct proc *cur; /* the process of the previous record */

	sim_evict_hook *evict_hook;
	void *evict_hook_ctx;

	/* Set by the first error of sim_feed: the machine may then be half way
	 * through an eviction, so it refuses to go on (the error is sticky). */
	bool failed;
	char fail_msg[PS_ERROR_MAX];
};

/* ---- the policy's view of the machine ---- */

/* The PTE mapping frame f, which must be in use. */
static pte_t *sim_frame_pte(struct sim *s, uint32_t f)
{
	assert(frames_in_use(&s->ft, f) && "policy asked about a free frame");
	return s->ft.frames[f].pte;
}

static bool host_accessed(void *machine, uint32_t f)
{
	return (*sim_frame_pte(machine, f) & PTE_A) != 0;
}

static bool host_test_and_clear_accessed(void *machine, uint32_t f)
{
	struct sim *s = machine;
	pte_t *pte = sim_frame_pte(machine, f);
	uint32_t ahead = f + SIM_SWEEP_AHEAD;
	bool was;

	/* Clock-like hands sweep frame numbers in order: fetch the PTE a few
	 * frames ahead, invisible to the model, so the sweep's misses overlap. */
	if (ahead >= s->ft.count)
		ahead -= s->ft.count;
	if (ahead < s->ft.count && s->ft.frames[ahead].pte != NULL)
		__builtin_prefetch(s->ft.frames[ahead].pte, 1, 1);
	was = (*pte & PTE_A) != 0;

	*pte &= ~(pte_t)PTE_A;
	return was;
}

static bool host_dirty(void *machine, uint32_t f)
{
	return (*sim_frame_pte(machine, f) & PTE_D) != 0;
}

static uint64_t host_now(void *machine)
{
	return ((struct sim *)machine)->now;
}

/* ---- processes ---- */

/* Find pid in the process table; create it (with an empty page table)
 * when absent. NULL when memory is short. */
static struct proc *sim_proc(struct sim *s, uint32_t pid)
{
	size_t mask, i;
	struct proc *p;

	if (2 * (s->nprocs + 1) > s->proc_slots) {
		size_t slots = s->proc_slots ? 2 * s->proc_slots : 8;
		struct proc **table = calloc(slots, sizeof *table);

		if (table == NULL)
			return NULL;
		for (size_t j = 0; j < s->proc_slots; j++) {
			if (s->procs[j] == NULL)
				continue;
			for (i = s->procs[j]->pid & (slots - 1); table[i] != NULL; i = (i + 1) & (slots - 1))
				;
			table[i] = s->procs[j];
		}
		free(s->procs);
		s->procs = table;
		s->proc_slots = slots;
	}
	mask = s->proc_slots - 1;
	for (i = (pid * 0x9e3779b1u) & mask; s->procs[i] != NULL; i = (i + 1) & mask)
		if (s->procs[i]->pid == pid)
			return s->procs[i];
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	if (!pt_init(&p->pt, &s->shape)) {
		free(p);
		return NULL;
	}
	p->pid = pid;
	s->procs[i] = p;
	s->nprocs++;
	return p;
}

/* ---- construction ---- */

struct sim *sim_create(const struct sim_config *cfg, struct ps_error *err)
{
	struct policy_config pcfg;
	struct sim *s;

	if (cfg->policy == NULL) {
		ps_error_set(err, "no replacement policy given");
		return NULL;
	}
	if (cfg->policy->abi != PAGESIM_POLICY_ABI) {
		ps_error_set(err, "policy \"%s\" was built for interface version %u; this pagesim has version %u",
			     cfg->policy->name, cfg->policy->abi, PAGESIM_POLICY_ABI);
		return NULL;
	}
	if (cfg->frames == 0) {
		ps_error_set(err, "the number of frames must be at least 1");
		return NULL;
	}
	if (cfg->swap_slots == 0) {
		ps_error_set(err, "the swap device must have at least 1 slot");
		return NULL;
	}
	if (cfg->policy->needs_future && cfg->future == NULL) {
		ps_error_set(err, "policy \"%s\" needs to look ahead in the trace, and no look-ahead was given",
			     cfg->policy->name);
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		ps_error_set(err, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->policy = cfg->policy;
	if (!pt_shape_init(&s->shape, cfg->va_bits, cfg->page_shift)) {
		ps_error_set(err, "unsupported address space: %u-bit addresses with %llu-byte pages",
			     cfg->va_bits, 1ULL << cfg->page_shift);
		free(s);
		return NULL;
	}
	swap_init(&s->swap, cfg->swap_slots);
	s->host = (struct policy_host){
		.machine = s,
		.accessed = host_accessed,
		.test_and_clear_accessed = host_test_and_clear_accessed,
		.dirty = host_dirty,
		.now = host_now,
	};
	for (size_t i = 0; s->policy->params != NULL && s->policy->params[i].name != NULL; i++)
		s->default_params[i] = s->policy->params[i].def;
	pcfg = (struct policy_config){
		.frames = cfg->frames,
		.seed = cfg->seed,
		.host = &s->host,
		.params = s->policy->params == NULL ? NULL
			  : cfg->policy_params != NULL ? cfg->policy_params : s->default_params,
	};
	if (!frames_init(&s->ft, cfg->frames) ||
	    (s->policy_state = calloc(1, s->policy->state_size(&pcfg))) == NULL) {
		ps_error_set(err, "out of memory for %" PRIu32 " frames", cfg->frames);
		sim_destroy(s);
		return NULL;
	}
	s->policy->init(s->policy_state, &pcfg);
	s->touch = s->policy->touch;
	s->next_tick = s->policy->tick != NULL ? 0 : POLICY_NEVER;
	return s;
}

void sim_destroy(struct sim *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->proc_slots; i++) {
		if (s->procs[i] != NULL) {
			pt_destroy(&s->procs[i]->pt);
			free(s->procs[i]);
		}
	}
	free(s->procs);
	free(s->policy_state);
	frames_destroy(&s->ft);
	swap_destroy(&s->swap);
	free(s);
}

void sim_set_evict_hook(struct sim *s, sim_evict_hook *hook, void *ctx)
{
	s->evict_hook = hook;
	s->evict_hook_ctx = ctx;
}

void *sim_policy_state(struct sim *s)
{
	return s->policy_state;
}

void sim_get_stats(const struct sim *s, struct sim_stats *out)
{
	*out = s->stats;
	out->hits = out->refs - out->faults;
}

/* ---- faults and evictions ---- */

/* Evict the page in frame f (in use): invalidate its PTE and save its
 * contents as the model says. Returns 0, or -1 with err set when a dirty
 * page finds the swap device full. */
static int sim_evict(struct sim *s, uint32_t f, struct ps_error *err)
{
	struct frame *fr = &s->ft.frames[f];
	pte_t pte = *fr->pte;
	bool dirty = (pte & PTE_D) != 0;
	pte_t keep = (pte & PTE_W) | PTE_USED;

	assert((pte & PTE_P) && PTE_NUM(pte) == f && "reverse map out of step");
	if (s->evict_hook != NULL)
		s->evict_hook(s->evict_hook_ctx, f, fr->pid, fr->vpn, dirty);
	if (dirty) {
		uint64_t slot = fr->slot;

		if (slot == SWAP_NONE && !swap_alloc(&s->swap, &slot))
			return ps_error_set(err, s->swap.used == s->swap.capacity
					    ? "swap device full (%" PRIu64 " slots in use) after %" PRIu64
					      " references; enlarge it with --swap-slots"
					    : "out of memory for the swap map (%" PRIu64 " slots in use) after %" PRIu64
					      " references",
					    s->swap.used, s->now);
		s->stats.dirty_evictions++;
		s->stats.swap_writes++;
		*fr->pte = PTE_MAKE(slot, keep | PTE_SWAP);
	} else if (fr->slot != SWAP_NONE) {
		*fr->pte = PTE_MAKE(fr->slot, keep | PTE_SWAP);
	} else {
		*fr->pte = keep;
	}
	s->stats.evictions++;
	return 0;
}

/* Serve a fault on pte (not present) for page vpn of process p, whose
 * reference is ref. Returns 0, or -1 with err set. */
static __attribute__((noinline)) int sim_fault(struct sim *s, struct proc *p, pte_t *pte,
					      const struct policy_ref *ref, struct ps_error *err)
{
	pte_t old = *pte;
	uint64_t slot = SWAP_NONE;
	uint32_t f;

	f = frames_alloc(&s->ft);
	if (f == FRAME_NONE) {
		f = s->policy->evict_for != NULL ? s->policy->evict_for(s->policy_state, ref)
						  : s->policy->evict(s->policy_state);
		assert(frames_in_use(&s->ft, f) && "policy chose a victim that is not resident");
		if (sim_evict(s, f, err) < 0)
			return -1;
	}
	if (old & PTE_SWAP) {
		slot = PTE_NUM(old);
		s->stats.swap_reads++;
	} else {
		s->stats.zero_fills++;
	}
	s->stats.faults++;
	if (old == 0)
		s->stats.distinct_pages++;
	s->ft.frames[f] = (struct frame){ .pte = pte, .vpn = ref->page, .slot = slot, .pid = p->pid };
	*pte = PTE_MAKE(f, PTE_P | PTE_W | PTE_USED | PTE_A | (ref->write ? PTE_D : 0));
	s->policy->admit(s->policy_state, f, ref);
	if (s->policy->peek != NULL && s->ft.nfree == 0) {
		/* Fetch the next victim's PTE while the replay goes on. */
		uint32_t next = s->policy->peek(s->policy_state);

		if (next < s->ft.count && s->ft.frames[next].pte != NULL)
			__builtin_prefetch(s->ft.frames[next].pte, 1, 1);
	}
	return 0;
}

/* ---- the replay loop ---- */

/* The policy's description of the current reference: page vpn of rec. */
static inline struct policy_ref sim_ref(const struct sim *s, const struct trace_rec *rec, uint64_t vpn)
{
	return (struct policy_ref){
		.now = s->now,
		.next_use = s->policy->needs_future ? s->cfg.future[s->now] : POLICY_NEVER,
		.page = vpn,
		.pid = rec->pid,
		.write = rec->op == OP_WRITE,
	};
}

/* Give the policy its periodic tick; it says when it wants the next. */
static __attribute__((noinline)) void sim_tick(struct sim *s)
{
	s->next_tick = s->policy->tick(s->policy_state, s->now);
	assert(s->next_tick > s->now && "policy tick() must return a later time");
}

/* Replay recs (see sim_feed); on error the machine may be inconsistent. */
/* Find the PTEs of the first pages of recs[0..n) (n <= SIM_PREFETCH_AHEAD)
 * that belong to process p and whose leaf table exists, store them in
 * ptes[] (NULL for the others) and prefetch them; changes nothing the
 * model can see. The upper levels of the tree are few and stay in cache,
 * so this costs a few loads per record, and the replay then finds the PTE
 * lines (random over the address space: the one miss of a hit) on their
 * way, and need not walk again. */
static void sim_prefetch(struct proc *p, const struct trace_rec *recs, size_t n, unsigned shift,
			 pte_t **ptes)
{
	for (size_t i = 0; i < n; i++) {
		ptes[i] = p != NULL && recs[i].pid == p->pid ? pt_walk(&p->pt, recs[i].addr >> shift, false) : NULL;
		if (ptes[i] != NULL)
			__builtin_prefetch(ptes[i], 1, 1);
	}
}

static int sim_replay(struct sim *s, const struct trace_rec *recs, size_t n, struct ps_error *err)
{
	const unsigned shift = s->cfg.page_shift;
	const bool span = s->cfg.span_pages;
	const bool future = s->policy->needs_future;
	struct proc *p = s->cur;
	/* PTEs of the first pages of the current chunk and of the next one. */
	pte_t *found[2][SIM_PREFETCH_AHEAD];

	sim_prefetch(p, recs, n < SIM_PREFETCH_AHEAD ? n : SIM_PREFETCH_AHEAD, shift, found[0]);
	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *rec = &recs[i];
		const pte_t set = PTE_A | (rec->op == OP_WRITE ? PTE_D : 0);
		size_t chunk = i / SIM_PREFETCH_AHEAD, slot = i % SIM_PREFETCH_AHEAD;
		pte_t *first = found[chunk % 2][slot];

		if (slot == 0 && (chunk + 1) * SIM_PREFETCH_AHEAD < n) {
			size_t next = (chunk + 1) * SIM_PREFETCH_AHEAD;

			sim_prefetch(p, recs + next, n - next < SIM_PREFETCH_AHEAD ? n - next : SIM_PREFETCH_AHEAD,
				     shift, found[(chunk + 1) % 2]);
		}
		uint64_t vpn, pages = pageref_span(rec, shift, span, &vpn);

		if (p == NULL || p->pid != rec->pid) {
			p = s->cur = sim_proc(s, rec->pid);
			if (p == NULL)
				return ps_error_set(err, "out of memory for process %" PRIu32, rec->pid);
		}
		for (; pages > 0; pages--, vpn++, first = NULL) {
			/* first was found for this record's process, if not NULL. */
			pte_t *pte = first != NULL ? first : pt_lookup(&p->pt, vpn);

			if (pte == NULL)
				return ps_error_set(err, (vpn >> s->shape.vpn_bits) != 0
						    ? "access at 0x%" PRIx64 " runs past the end of the %u-bit address space"
						    : "out of memory for page tables at 0x%" PRIx64 " (%u-bit address space)",
						    rec->addr, s->cfg.va_bits);
			if (s->now >= s->next_tick)
				sim_tick(s);
			if (future && s->now >= s->cfg.future_len)
				return ps_error_set(err, "the look-ahead covers %" PRIu64 " references, the trace has more",
						    s->cfg.future_len);
			if (*pte & PTE_P) {
				*pte |= set;
				if (s->touch != NULL) {
					struct policy_ref ref = sim_ref(s, rec, vpn);

					s->touch(s->policy_state, (uint32_t)PTE_NUM(*pte), &ref);
				}
			} else {
				struct policy_ref ref = sim_ref(s, rec, vpn);

				if (sim_fault(s, p, pte, &ref, err) < 0)
					return -1;
			}
			s->stats.refs++;
			s->now++;
			switch (rec->op) {
			case OP_WRITE: s->stats.writes++; break;
			case OP_FETCH: s->stats.fetches++; break;
			default: s->stats.reads++; break;
			}
		}
	}
	return 0;
}

int sim_feed_batch(struct sim *s, const struct trace_batch *b, struct ps_error *err)
{
	/* Placeholder until the VM model lands: no events yet. */
	return sim_feed(s, b->recs, b->n, err);
}

const struct sim_segfault *sim_segfaults(const struct sim *s, size_t *n)
{
	(void)s;
	*n = 0;
	return NULL;
}

int sim_feed(struct sim *s, const struct trace_rec *recs, size_t n, struct ps_error *err)
{
	struct ps_error local;

	if (s->failed)
		return ps_error_set(err, "%s", s->fail_msg);
	if (sim_replay(s, recs, n, &local) == 0)
		return 0;
	s->failed = true;
	snprintf(s->fail_msg, sizeof s->fail_msg, "%s", local.msg);
	return ps_error_set(err, "%s", local.msg);
}
