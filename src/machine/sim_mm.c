/*
 * sim_mm.c - the machine's memory management: taking frames (evicting
 * when none is free), serving faults, the reverse map of frames mapped by
 * several PTEs, and releasing pages. The model is at the top of sim.c.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine/sim_impl.h"

/* ---- the reverse map ---- */

/* Number of PTEs mapping frame f (in use, not a table). */
static uint32_t map_count(const struct sim *s, uint32_t f)
{
	return 1 + (s->ft.frames[f].more_maps ? s->more[f].n : 0);
}

/* Mapping k (0 .. map_count - 1) of frame f. */
static struct frame_map map_at(const struct sim *s, uint32_t f, uint32_t k)
{
	const struct frame *fr = &s->ft.frames[f];

	if (k == 0)
		return (struct frame_map){ .pte = fr->pte, .vpn = fr->vpn, .pid = fr->pid };
	return s->more[f].v[k - 1];
}

/* One more (delta 1) or one fewer (-1) frame mapped by pid's PTEs
 * (by_process: its resident set). */
static void sim_rss(struct sim *s, uint32_t pid, int delta)
{
	struct proc *p;

	if (!s->cfg.vm.by_process || (p = sim_proc_find(s, pid)) == NULL)
		return;
	p->rss_area += p->rss * (s->now - p->rss_at);
	p->rss_at = s->now;
	p->rss += (uint64_t)(int64_t)delta;
}

/* The order of rows by pid. */
static int rss_by_pid(const void *a, const void *b)
{
	uint32_t x = ((const struct sim_process_rss *)a)->pid, y = ((const struct sim_process_rss *)b)->pid;

	return (x > y) - (x < y);
}

struct sim_process_rss *sim_processes(const struct sim *s, size_t *n)
{
	struct sim_process_rss *v = s->cfg.vm.by_process && s->nprocs > 0 ? calloc(s->nprocs, sizeof *v) : NULL;

	*n = 0;
	for (size_t i = 0; v != NULL && i < s->proc_slots; i++) {
		const struct proc *p = s->procs[i];
		uint64_t end, area;

		if (p == NULL)
			continue;
		end = p->state == PROC_LIVE ? s->now : p->gone;
		area = p->rss_area + p->rss * (end - p->rss_at);
		v[(*n)++] = (struct sim_process_rss){
			.pid = p->pid, .resident = p->rss, .lifetime = end - p->born,
			.mean_resident = end > p->born ? (double)area / (double)(end - p->born) : 0.0,
		};
	}
	if (v != NULL)
		qsort(v, *n, sizeof *v, rss_by_pid);
	return v;
}

bool sim_map_more(struct sim *s, uint32_t f, pte_t *pte, uint64_t vpn, uint32_t pid)
{
	struct frame_maps *m = &s->more[f];

	if (m->n == m->cap) {
		uint32_t cap = m->cap ? 2 * m->cap : 2;
		struct frame_map *v = realloc(m->v, cap * sizeof *v);

		if (v == NULL)
			return false;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = (struct frame_map){ .pte = pte, .vpn = vpn, .pid = pid };
	s->ft.frames[f].more_maps = true;
	sim_rss(s, pid, 1);
	return true;
}

void sim_pte_moved(void *machine, pte_t *from, pte_t *to)
{
	struct sim *s = machine;
	uint32_t f = (uint32_t)PTE_NUM(*to);

	if (!(*to & PTE_P))
		return;
	if (s->ft.frames[f].pte == from) {
		s->ft.frames[f].pte = to;
		return;
	}
	for (uint32_t k = 0; s->ft.frames[f].more_maps && k < s->more[f].n; k++) {
		if (s->more[f].v[k].pte == from) {
			s->more[f].v[k].pte = to;
			return;
		}
	}
	assert(!"sim_pte_moved: a present PTE is missing from its frame's reverse map");
}

/* Is any PTE of frame f dirty? */
static inline bool frame_dirty(const struct sim *s, uint32_t f)
{
	if (!s->ft.frames[f].more_maps)
		return (*s->ft.frames[f].pte & PTE_D) != 0;
	for (uint32_t k = 0, n = map_count(s, f); k < n; k++)
		if (*map_at(s, f, k).pte & PTE_D)
			return true;
	return false;
}

void sim_shootdown(struct sim *s, uint32_t pid, uint64_t vpn)
{
	if (__builtin_expect(s->tlb != NULL, 0) && tlb_invalidate(s->tlb, pid, vpn))
		s->stats.tlb_shootdowns++;
}

/* ---- identities of resident pages (the page and swap caches) ---- */

bool sim_vm_tables(struct sim *s)
{
	void *mem, *mem2;

	if (s->more != NULL)
		return true;
	s->more = calloc(s->ft.count, sizeof *s->more);
	s->ident = calloc(s->ft.count, sizeof *s->ident);
	mem = calloc(1, pagemap_size(s->ft.count));
	mem2 = calloc(1, pagemap_size(s->ft.count));
	if (s->more == NULL || s->ident == NULL || mem == NULL || mem2 == NULL) {
		free(s->more);
		free(s->ident);
		free(mem);
		free(mem2);
		s->more = NULL;
		s->ident = NULL;
		return false;
	}
	s->cache = pagemap_init(mem, s->ft.count);
	s->idents = pagemap_init(mem2, s->ft.count);
	for (uint32_t f = 0; f < s->ft.count; f++) {
		const struct frame *fr = &s->ft.frames[f];

		if (!frames_in_use(&s->ft, f) || fr->kind == FRAME_TABLE)
			continue;
		if (fr->slot != SWAP_NONE)
			pagemap_put(s->cache, 0, fr->slot, f);
		/* Before any event nothing is shared: a frame is known by its page. */
		s->ident[f] = (struct frame_map){ .vpn = fr->vpn, .pid = fr->pid };
		pagemap_put(s->idents, fr->pid, fr->vpn, f);
	}
	return true;
}

/*
 * Identities. A policy knows a frame by the (pid, page) of the reference
 * that admitted it, and ghost-keeping policies need those to be unique
 * among resident frames. After a fork they need not be: a copy-on-write
 * leaves the old frame, still known by the writer's identity, to the
 * other process while the writer's new copy is admitted. Such a second
 * admission gets a made-up identity (page bit 63 set, never a real page),
 * so the policy sees a new page it has no history of.
 */
static void sim_identity(struct sim *s, struct policy_ref *ref)
{
	if (s->idents != NULL && pagemap_get(s->idents, ref->pid, ref->page) != PAGEMAP_NONE)
		ref->page = (1ULL << 63) | s->synthetic++;
}

/* Frame f (admitted) leaves the policy's view: forget its identity. */
static void sim_drop_identity(struct sim *s, uint32_t f)
{
	if (s->idents != NULL)
		pagemap_remove(s->idents, s->ident[f].pid, s->ident[f].vpn);
}

uint32_t sim_file_id(struct sim *s, const char *file)
{
	for (uint32_t i = 0; i < s->nfiles; i++)
		if (s->files[i] == file)
			return i + 1;
	if (s->nfiles == s->files_cap) {
		uint32_t cap = s->files_cap ? 2 * s->files_cap : 8;
		const char **v = realloc(s->files, cap * sizeof *v);

		if (v == NULL)
			return 0;
		s->files = v;
		s->files_cap = cap;
	}
	s->files[s->nfiles++] = file;
	return s->nfiles;
}

/* Page-cache frame f leaves the page cache, where it is keyed by its file
 * and file page, found through its first mapping's vma (a shared or a
 * private mapping of the file: both name the same key). */
static void frame_uncache_file(struct sim *s, uint32_t f)
{
	const struct frame *fr = &s->ft.frames[f];
	const struct proc *p = sim_proc_find(s, fr->pid);
	const struct vma *m = p != NULL ? vma_find(&p->vmas, fr->vpn) : NULL;

	assert(m != NULL && m->backing == BACK_FILE && "page-cache frame outside a file mapping");
	pagemap_remove(s->cache, m->file_id, m->file_page + (fr->vpn - m->start));
}

/* Frame f gives up its swap slot (it is about to differ from it, or to go). */
static void frame_drop_slot(struct sim *s, uint32_t f)
{
	struct frame *fr = &s->ft.frames[f];

	if (fr->slot == SWAP_NONE)
		return;
	if (s->cache != NULL)
		pagemap_remove(s->cache, 0, fr->slot);
	swap_put(&s->swap, fr->slot);
	fr->slot = SWAP_NONE;
}

/* ---- the per-segment breakdown (by_segment) ---- */

/* The counters of mapping m of process pid (m NULL: the process has no
 * mappings, or "-" when nomap); NULL when memory is short. */
static struct sim_segment_stats *segment_stats(struct sim *s, uint32_t pid, const struct vma *m, bool nomap)
{
	char name[96];

	if (m == NULL)
		snprintf(name, sizeof name, "%s", nomap ? "-" : "anon");
	else if (!m->is_mmap)
		snprintf(name, sizeof name, "%s", m->name);
	else
		snprintf(name, sizeof name, "mmap %s", m->backing == BACK_FILE ? m->file : "anon");
	for (size_t i = s->nsegments; i-- > 0;)
		if (s->segments[i].pid == pid && strcmp(s->segments[i].name, name) == 0)
			return &s->segments[i];
	if (s->nsegments == s->segments_cap) {
		size_t cap = s->segments_cap ? 2 * s->segments_cap : 16;
		struct sim_segment_stats *v = realloc(s->segments, cap * sizeof *v);

		if (v == NULL)
			return NULL;
		s->segments = v;
		s->segments_cap = cap;
	}
	s->segments[s->nsegments] = (struct sim_segment_stats){ .pid = pid };
	snprintf(s->segments[s->nsegments].name, sizeof s->segments[s->nsegments].name, "%s", name);
	return &s->segments[s->nsegments++];
}

/* Count the eviction of frame f (dirty: it was; to_file: written to its
 * file) under its first mapping's segment. */
static void segment_evicted(struct sim *s, uint32_t f, bool dirty, bool to_file)
{
	const struct frame *fr = &s->ft.frames[f];
	const struct proc *p = sim_proc_find(s, fr->pid);
	struct sim_segment_stats *st = segment_stats(s, fr->pid, p != NULL ? vma_find(&p->vmas, fr->vpn) : NULL,
						     false);

	if (st == NULL)
		return;
	st->evictions++;
	st->dirty_evictions += dirty;
	st->file_writebacks += to_file;
}

/* ---- eviction and taking frames ---- */

/* Evict the page in frame f (in use): invalidate all its PTEs and save its
 * contents as the model says. Returns 0, or -1 with err set when a dirty
 * page finds the swap device full. Always inlined: sim_shed's call must
 * not cost the fault path (sim_take_frame) a call per eviction. */
static inline __attribute__((always_inline)) int sim_evict(struct sim *s, uint32_t f, struct ps_error *err)
{
	struct frame *fr = &s->ft.frames[f];
	uint32_t n = map_count(s, f);
	bool dirty = frame_dirty(s, f);
	pte_t now = PTE_USED;

	assert(fr->kind != FRAME_TABLE && (*fr->pte & PTE_P) && PTE_NUM(*fr->pte) == f &&
	       "reverse map out of step");
	if (s->evict_hook != NULL)
		s->evict_hook(s->evict_hook_ctx, f, fr->pid, fr->vpn, dirty);
	if (s->cfg.vm.by_segment)
		segment_evicted(s, f, dirty, dirty && fr->kind == FRAME_SHARED);
	if (s->cfg.vm.scope_local)
		sim_proc_find(s, s->ident[f].pid)->resident--;
	sim_drop_identity(s, f);
	if (fr->kind == FRAME_SHARED) {
		frame_uncache_file(s, f);
		if (dirty) {
			s->stats.file_writebacks++;
			s->stats.file_writes++;
			s->stats.dirty_evictions++;
		}
	} else {
		uint64_t slot = fr->slot;

		if (dirty) {
			assert((slot == SWAP_NONE || s->swap.extra == NULL || swap_holders(&s->swap, slot) == 1) &&
			       "a dirty page shares its swap slot");
			if (slot == SWAP_NONE && !swap_alloc(&s->swap, &slot))
				return ps_error_set(err, s->swap.used == s->swap.capacity
						    ? "swap device full (%" PRIu64 " slots in use) after %" PRIu64
						      " references; enlarge it with --swap-slots"
						    : "out of memory for the swap map (%" PRIu64 " slots in use) after %" PRIu64
						      " references",
						    s->swap.used, s->now);
			s->stats.dirty_evictions++;
			s->stats.swap_writes++;
		}
		if (slot != SWAP_NONE) {
			/* The frame's hold on the slot passes to its n PTEs. */
			if (s->cache != NULL && fr->slot != SWAP_NONE)
				pagemap_remove(s->cache, 0, slot);
			for (uint32_t k = 1; k < n; k++)
				if (!swap_share(&s->swap, slot))
					return ps_error_set(err, "out of memory for swap slot counts");
			now = PTE_MAKE(slot, PTE_SWAP | PTE_USED);
		}
	}
	for (uint32_t k = 0; k < n; k++) {
		struct frame_map m = map_at(s, f, k);

		*m.pte = now;
		sim_shootdown(s, m.pid, m.vpn);
		sim_rss(s, m.pid, -1);
	}
	if (fr->more_maps)
		s->more[f].n = 0;
	s->stats.evictions++;
	return 0;
}

/* Local scope: the frames live process q is entitled to when none is
 * free, live processes having touched `pages` pages in all: the frames
 * that hold no page table, divided equally among them, or in proportion
 * to the pages each has touched (equally while none has), rounded down. */
static int64_t sim_share(const struct sim *s, const struct proc *q, uint64_t live, uint64_t pages)
{
	uint64_t frames = s->ft.count - s->tables_charged;

	if (s->cfg.vm.local_alloc == LOCAL_ALLOC_PROPORTIONAL && pages > 0)
		return (int64_t)((unsigned __int128)frames * q->pages / pages);
	return (int64_t)(frames / live);
}

/* Local scope, process p (live) needing a frame with none free and below
 * its share: the live process furthest above its own share (the lowest
 * pid on a tie), or NULL if none is above. */
static struct proc *sim_over_share(const struct sim *s, const struct proc *p)
{
	uint64_t live = 0, pages = 0;
	struct proc *best = NULL;
	int64_t best_over = 0;

	for (size_t i = 0; i < s->proc_slots; i++)
		if (s->procs[i] != NULL && s->procs[i]->state == PROC_LIVE) {
			live++;
			pages += s->procs[i]->pages;
		}
	if ((int64_t)p->resident >= sim_share(s, p, live, pages))
		return NULL;
	for (size_t i = 0; i < s->proc_slots; i++) {
		struct proc *q = s->procs[i];
		int64_t over;

		if (q == NULL || q == p || q->state != PROC_LIVE)
			continue;
		over = (int64_t)q->resident - sim_share(s, q, live, pages);
		if (over > best_over || (over == best_over && best != NULL && q->pid < best->pid)) {
			best = q;
			best_over = over;
		}
	}
	return best;
}

/* Local scope: the process whose instance gives up a frame when process
 * pid needs one and none is free (or pid is at_quota): a process above
 * its share when pid is below its own and not at its quota; else pid
 * itself if it holds any; else the process holding the most (the lowest
 * pid on a tie); NULL if none holds any. */
static struct proc *sim_victim_proc(const struct sim *s, uint32_t pid, bool at_quota)
{
	struct proc *p = sim_proc_find(s, pid), *best = NULL;

	if (p != NULL && !at_quota && (best = sim_over_share(s, p)) != NULL)
		return best;
	if (p != NULL && p->resident > 0)
		return p;
	for (size_t i = 0; i < s->proc_slots; i++) {
		struct proc *q = s->procs[i];

		if (q != NULL && q->resident > 0 &&
		    (best == NULL || q->resident > best->resident ||
		     (q->resident == best->resident && q->pid < best->pid)))
			best = q;
	}
	return best;
}

/* Set err to say that the policy chose frame f to verb, which it may not
 * (sim_victim_ok); returns false. Kept out of line: it is a bug's path. */
static __attribute__((noinline, cold)) bool sim_victim_bad(const struct sim *s, uint32_t f, const char *verb,
							  struct ps_error *err)
{
	ps_error_set(err, "policy %s chose frame %" PRIu32 " to %s, which %s (a bug in the policy)",
		     s->policy->name, f, verb,
		     f >= s->ft.count ? "does not exist"
		     : !frames_in_use(&s->ft, f) || s->ft.frames[f].kind == FRAME_TABLE
			 ? "holds no page it may evict"
			 : "holds a page of another process's instance");
	return false;
}

/* May the policy give up frame f (its answer to evict or shed, named by
 * verb), with local scope of process p's instance? False with err set
 * when not: a policy's bug, not the trace's, so this cell stops and the
 * others go on. Inlined: it is on every eviction. */
static inline bool sim_victim_ok(const struct sim *s, const struct proc *p, uint32_t f, const char *verb,
				 struct ps_error *err)
{
	if (f < s->ft.count && frames_in_use(&s->ft, f) && s->ft.frames[f].kind != FRAME_TABLE &&
	    (p == NULL || s->idents == NULL || s->ident[f].pid == p->pid))
		return true;
	return sim_victim_bad(s, f, verb, err);
}

int sim_shed(struct sim *s, struct proc *owner, void *state, struct ps_error *err)
{
	uint32_t f;

	if (s->policy->shed == NULL)
		return 0;
	while ((f = s->policy->shed(state, s->now)) != POLICY_NO_FRAME) {
		if (!sim_victim_ok(s, owner, f, "release", err))
			return -1;
		sim_resident_mark(s);
		if (sim_evict(s, f, err) < 0)
			return -1;
		frames_release(&s->ft, f);
	}
	return 0;
}

/* A frame for a new page of process pid (ref: the reference that needs
 * it, NULL for a page table): the lowest free one, or a policy's victim,
 * evicted. FRAME_NONE with err set when the machine cannot go on. */
static uint32_t sim_take_frame(struct sim *s, uint32_t pid, const struct policy_ref *ref, struct ps_error *err)
{
	struct proc *p = s->cfg.vm.scope_local ? sim_proc_find(s, pid) : NULL;
	bool at_quota = p != NULL && s->cfg.vm.local_quota > 0 && p->resident >= s->cfg.vm.local_quota;
	uint32_t f = FRAME_NONE;
	void *state = s->policy_state;

	if (!at_quota && s->ft.nfree > 0) {
		sim_resident_mark(s);
		f = frames_alloc(&s->ft);
	}
	if (f != FRAME_NONE)
		return f;
	if (s->cfg.vm.scope_local) {
		p = sim_victim_proc(s, pid, at_quota);
		state = p != NULL ? p->policy_state : NULL;
	} else if (sim_resident_frames(s) == 0) {
		state = NULL;
	}
	if (state == NULL) {
		/* No policy holds a frame: they all hold page tables. */
		ps_error_set(err, "all %" PRIu32 " frames hold page tables; give the machine more frames",
			     s->ft.count);
		return FRAME_NONE;
	}
	if (ref != NULL && s->policy->evict_for != NULL)
		f = s->policy->evict_for(state, ref);
	else if (s->policy->evict != NULL)
		f = s->policy->evict(state);
	else
		f = s->policy->evict_for(state, &(struct policy_ref){ .now = s->now, .next_use = POLICY_NEVER });
	if (!sim_victim_ok(s, p, f, "evict", err))
		return FRAME_NONE;
	if (sim_evict(s, f, err) < 0)
		return FRAME_NONE;
	return f;
}

/* Load page vpn into frame f for pte and admit it to the policy as ref
 * (whose page is the identity, see sim_identity). */
static void sim_install(struct sim *s, uint32_t f, pte_t *pte, uint64_t vpn, const struct policy_ref *ref,
			uint8_t kind, uint64_t slot, pte_t flags)
{
	s->ft.frames[f] = (struct frame){ .pte = pte, .vpn = vpn, .slot = slot, .pid = ref->pid,
					  .kind = kind };
	if (slot != SWAP_NONE && s->cache != NULL)
		pagemap_put(s->cache, 0, slot, f);
	*pte = PTE_MAKE(f, PTE_P | PTE_USED | PTE_A | flags);
	sim_rss(s, ref->pid, 1);
	if (s->idents != NULL) {
		s->ident[f] = (struct frame_map){ .vpn = ref->page, .pid = ref->pid };
		pagemap_put(s->idents, ref->pid, ref->page, f);
	}
	if (s->cfg.vm.scope_local) {
		struct proc *owner = sim_proc_find(s, ref->pid);

		owner->resident++;
		s->policy->admit(owner->policy_state, f, ref);
		return;
	}
	s->policy->admit(s->policy_state, f, ref);
	if (s->policy->peek != NULL && s->ft.nfree == 0) {
		/* Fetch a coming victim's frame entry now, and its PTE at the
		 * next reference (sim_prefetch_victim), once the entry can say
		 * where it is: two loads that overlap the replay. */
		uint32_t next = s->policy->peek(s->policy_state);

		if (next < s->ft.count) {
			__builtin_prefetch(&s->ft.frames[next], 0, 1);
			s->victim_hint = next;
		}
	}
}

int sim_charge_tables(struct sim *s, struct proc *p, struct ps_error *err)
{
	while (p->ntable_frames < p->pt.tables) {
		uint32_t f;

		if (p->ntable_frames == p->table_frames_cap) {
			uint64_t cap = p->table_frames_cap ? 2 * p->table_frames_cap : 8;
			uint32_t *v = realloc(p->table_frames, cap * sizeof *v);

			if (v == NULL)
				return ps_error_set(err, "out of memory for page-table frames");
			p->table_frames = v;
			p->table_frames_cap = cap;
		}
		f = sim_take_frame(s, p->pid, NULL, err);
		if (f == FRAME_NONE)
			return -1;
		s->ft.frames[f] = (struct frame){ .pte = &s->table_marker, .slot = SWAP_NONE, .pid = p->pid,
						  .kind = FRAME_TABLE };
		p->table_frames[p->ntable_frames++] = f;
		s->tables_charged++;
	}
	return 0;
}

/* ---- releasing pages ---- */

void sim_unmap_frame(struct sim *s, uint32_t f, pte_t *pte, bool write_back)
{
	struct frame *fr = &s->ft.frames[f];
	uint32_t n = map_count(s, f);

	assert(fr->kind != FRAME_TABLE);
	if (write_back && fr->kind == FRAME_SHARED && frame_dirty(s, f)) {
		/* Written to the file now: clean in every mapping. */
		s->stats.file_writes++;
		for (uint32_t k = 0; k < n; k++) {
			struct frame_map m = map_at(s, f, k);

			if (m.pte != pte && (*m.pte & PTE_D))
				sim_shootdown(s, m.pid, m.vpn);
			*m.pte &= ~(pte_t)PTE_D;
		}
	}
	if (s->cfg.vm.by_process) {
		uint32_t k = 0;

		while (map_at(s, f, k).pte != pte)
			k++;
		sim_rss(s, map_at(s, f, k).pid, -1);
	}
	if (n == 1) {
		assert(fr->pte == pte);
		if (fr->kind == FRAME_SHARED)
			frame_uncache_file(s, f);
		frame_drop_slot(s, f);
		if (s->cfg.vm.scope_local)
			sim_proc_find(s, s->ident[f].pid)->resident--;
		s->policy->forget(sim_state_of(s, f), f);
		sim_drop_identity(s, f);
		sim_resident_mark(s);
		frames_release(&s->ft, f);
	} else if (fr->pte == pte) {
		struct frame_maps *m = &s->more[f];
		struct frame_map last = m->v[--m->n];

		fr->pte = last.pte;
		fr->vpn = last.vpn;
		fr->pid = last.pid;
		fr->more_maps = m->n > 0;
	} else {
		struct frame_maps *m = &s->more[f];
		uint32_t k = 0;

		while (m->v[k].pte != pte)
			k++;
		m->v[k] = m->v[--m->n];
		fr->more_maps = m->n > 0;
	}
	*pte = PTE_USED;
}

/* Context of sim_release_pte. */
struct release_ctx {
	struct sim *s;
	struct proc *p;
};

/* Release the page of one PTE of a process: its frame mapping or its
 * swap slot. */
static void sim_release_pte(void *ctx, uint64_t vpn, pte_t *pte)
{
	struct release_ctx *c = ctx;

	if (*pte & PTE_P) {
		uint32_t f = (uint32_t)PTE_NUM(*pte);
		const struct vma *m = c->s->ft.frames[f].kind == FRAME_SHARED ? vma_find(&c->p->vmas, vpn) : NULL;

		sim_shootdown(c->s, c->p->pid, vpn);
		/* Only a shared mapping's unmapping writes the file page back. */
		sim_unmap_frame(c->s, f, pte, m != NULL && m->shared);
	} else if (*pte & PTE_SWAP) {
		swap_put(&c->s->swap, PTE_NUM(*pte));
		*pte = PTE_USED;
	}
}

void sim_unmap_range(struct sim *s, struct proc *p, uint64_t start, uint64_t end)
{
	struct release_ctx c = { .s = s, .p = p };

	pt_visit(&p->pt, start, end, sim_release_pte, &c);
}

void sim_teardown(struct sim *s, struct proc *p)
{
	p->gone = s->now;
	/* Unmapped as by munmap: each TLB entry dropped is a shootdown. */
	sim_unmap_range(s, p, 0, s->shape.vpn_bits >= 64 ? UINT64_MAX : 1ULL << s->shape.vpn_bits);
	sim_resident_mark(s);
	for (uint64_t i = 0; i < p->ntable_frames; i++)
		frames_release(&s->ft, p->table_frames[i]);
	s->tables_charged -= p->ntable_frames;
	free(p->table_frames);
	p->table_frames = NULL;
	p->ntable_frames = p->table_frames_cap = 0;
	pt_destroy(&p->pt);
	p->pt.tables = 0;
	vma_clear(&p->vmas);
	if (s->cfg.vm.scope_local) {
		sim_hand_over(s, p);
		free(p->policy_state);
		p->policy_state = NULL;
	}
}

/* ---- faults ---- */

/* Grow the stack of p down to page vpn (a fault at byte addr) if the model
 * allows it; returns the stack's mapping, or NULL. */
static struct vma *sim_grow_stack(struct sim *s, struct proc *p, uint64_t vpn, uint64_t addr)
{
	struct vma *st = vma_above(&p->vmas, vpn);
	uint64_t gap = s->cfg.vm.stack_gap ? s->cfg.vm.stack_gap : SIM_DEFAULT_STACK_GAP;

	/* Nothing lies between vpn and the mapping above it, so growing
	 * overlaps nothing. */
	if (st == NULL || st->backing != BACK_STACK)
		return NULL;
	if ((st->start << s->cfg.page_shift) - addr > gap || st->end - vpn > st->max_pages)
		return NULL;
	st->start = vpn;
	s->stats.stack_growths++;
	return st;
}

/* Record a segfault of p at record i (why: what was wrong), and kill p. */
static int sim_segfault(struct sim *s, struct proc *p, const struct trace_rec *rec, uint64_t addr, size_t i,
			const char *why)
{
	s->stats.segfaults++;
	if (s->nsegfaults < SIM_SEGFAULTS_KEPT) {
		struct sim_segfault *sf = &s->segfaults[s->nsegfaults++];

		sim_where(s, i, sf->where, sizeof sf->where);
		sf->pid = p->pid;
		sf->addr = addr;
		sf->op = rec->op;
		snprintf(sf->why, sizeof sf->why, "%s", why);
	}
	sim_teardown(s, p);
	p->state = PROC_KILLED;
	return SIM_KILLED;
}

/* A write to present, read-only, writable-mapped pte: copy-on-write. */
static int sim_cow(struct sim *s, pte_t *pte, uint64_t vpn, const struct policy_ref *ref, struct ps_error *err)
{
	uint32_t f = (uint32_t)PTE_NUM(*pte), nf;
	struct frame *fr = &s->ft.frames[f];

	if (map_count(s, f) == 1 && (fr->slot == SWAP_NONE || swap_holders(&s->swap, fr->slot) == 1)) {
		/* The last sharer, and no swapped PTE shares its swap copy. A
		 * page-cache page (a private file page only read so far) leaves
		 * the cache and becomes the writer's own page. */
		if (fr->kind == FRAME_SHARED) {
			assert(!frame_dirty(s, f) && "a privately mapped page-cache page is dirty");
			frame_uncache_file(s, f);
			fr->kind = FRAME_PAGE;
		}
		*pte |= PTE_W | PTE_A | PTE_D;
		s->stats.faults++;
		s->stats.cow_reuses++;
		sim_touch(s, f, ref);
		return SIM_OK;
	}
	sim_unmap_frame(s, f, pte, false);
	nf = sim_take_frame(s, ref->pid, ref, err);
	if (nf == FRAME_NONE)
		return SIM_ERROR;
	sim_install(s, nf, pte, vpn, ref, FRAME_PAGE, SWAP_NONE, PTE_W | PTE_D);
	s->stats.faults++; /* counted with its kind, so a failed copy leaves both alone */
	s->stats.cow_copies++;
	return SIM_OK;
}

/* A page fault on pte served by frame f, already resident (a minor
 * fault): pte maps it too, with flags. */
static int sim_map_resident(struct sim *s, uint32_t f, pte_t *pte, uint64_t vpn, pte_t flags,
			    const struct policy_ref *ref, struct ps_error *err)
{
	if (!sim_map_more(s, f, pte, vpn, ref->pid))
		return ps_error_set(err, "out of memory for the reverse map");
	*pte = PTE_MAKE(f, PTE_P | PTE_USED | PTE_A | flags);
	s->stats.minor_faults++;
	sim_touch(s, f, ref);
	return SIM_OK;
}

/* A page fault on pte holding swap slot `slot`, in a mapping that is
 * writable or not. */
static int sim_fault_swapped(struct sim *s, pte_t *pte, uint64_t vpn, uint64_t slot, bool writable,
			     const struct policy_ref *ref, struct ps_error *err)
{
	uint32_t g = s->cache != NULL ? pagemap_get(s->cache, 0, slot) : PAGEMAP_NONE, f;

	if (g != PAGEMAP_NONE) {
		/* Another sharer of the slot brought the page back. */
		swap_put(&s->swap, slot);
		if (ref->write) {
			*pte = PTE_USED;
			f = sim_take_frame(s, ref->pid, ref, err);
			if (f == FRAME_NONE)
				return SIM_ERROR;
			sim_install(s, f, pte, vpn, ref, FRAME_PAGE, SWAP_NONE, PTE_W | PTE_D);
			s->stats.cow_copies++;
			return SIM_OK;
		}
		return sim_map_resident(s, g, pte, vpn, 0, ref, err);
	}
	f = sim_take_frame(s, ref->pid, ref, err);
	if (f == FRAME_NONE)
		return SIM_ERROR;
	s->stats.swap_reads++;
	if (swap_holders(&s->swap, slot) == 1)
		sim_install(s, f, pte, vpn, ref, FRAME_PAGE, slot,
			    (writable ? PTE_W : 0) | (ref->write ? PTE_D : 0));
	else if (ref->write) {
		swap_put(&s->swap, slot); /* the writer's copy differs from now on */
		sim_install(s, f, pte, vpn, ref, FRAME_PAGE, SWAP_NONE, PTE_W | PTE_D);
	} else {
		sim_install(s, f, pte, vpn, ref, FRAME_PAGE, slot, 0);
	}
	return SIM_OK;
}

/* A page fault on a shared file mapping m. */
static int sim_fault_shared(struct sim *s, pte_t *pte, uint64_t vpn, const struct vma *m,
			    const struct policy_ref *ref, struct ps_error *err)
{
	uint64_t page = m->file_page + (vpn - m->start);
	uint32_t f = pagemap_get(s->cache, m->file_id, page);
	pte_t flags = ((m->prot & EV_PROT_W) ? PTE_W : 0) | (ref->write ? PTE_D : 0);

	if (f != PAGEMAP_NONE)
		return sim_map_resident(s, f, pte, vpn, flags, ref, err);
	f = sim_take_frame(s, ref->pid, ref, err);
	if (f == FRAME_NONE)
		return SIM_ERROR;
	sim_install(s, f, pte, vpn, ref, FRAME_SHARED, SWAP_NONE, flags);
	pagemap_put(s->cache, m->file_id, page, f);
	s->stats.file_reads++;
	return SIM_OK;
}

/* A page fault on private file mapping m (the PTE holds no swap slot: the
 * page was never written, or was dropped clean). A read maps the file's
 * page from the page cache read-only (minor) or reads it into the cache
 * (file read); a write takes the writer's own frame first (which may
 * evict), then copies the page from the cache (cow copy) or, not cached,
 * reads it from the file into that frame (file read). */
static int sim_fault_private_file(struct sim *s, pte_t *pte, uint64_t vpn, const struct vma *m,
				  const struct policy_ref *ref, struct ps_error *err)
{
	uint64_t page = m->file_page + (vpn - m->start);
	uint32_t f = pagemap_get(s->cache, m->file_id, page);

	if (!ref->write && f != PAGEMAP_NONE)
		return sim_map_resident(s, f, pte, vpn, 0, ref, err);
	f = sim_take_frame(s, ref->pid, ref, err);
	if (f == FRAME_NONE)
		return SIM_ERROR;
	if (!ref->write) {
		sim_install(s, f, pte, vpn, ref, FRAME_SHARED, SWAP_NONE, 0);
		pagemap_put(s->cache, m->file_id, page, f);
		s->stats.file_reads++;
		return SIM_OK;
	}
	if (pagemap_get(s->cache, m->file_id, page) != PAGEMAP_NONE)
		s->stats.cow_copies++;
	else
		s->stats.file_reads++;
	sim_install(s, f, pte, vpn, ref, FRAME_PAGE, SWAP_NONE, PTE_W | PTE_D);
	return SIM_OK;
}

/* sim_fault without the per-segment breakdown. */
static int sim_fault_serve(struct sim *s, struct proc *p, pte_t *pte, uint64_t vpn, const struct trace_rec *rec,
			   size_t i, struct ps_error *err)
{
	struct policy_ref ref = sim_ref(s, rec, vpn);
	uint64_t addr = rec->addr > (vpn << s->cfg.page_shift) ? rec->addr : vpn << s->cfg.page_shift;
	pte_t old = *pte;
	struct vma *m = NULL;
	bool writable = true;
	char why[96];
	uint32_t f;
	int rc;

	p->touched = true;
	sim_identity(s, &ref);
	if (s->cfg.vm.count_page_tables && p->ntable_frames < p->pt.tables && sim_charge_tables(s, p, err) < 0)
		return SIM_ERROR;
	if (p->declared) {
		m = vma_find(&p->vmas, vpn);
		if (m == NULL && !(old & PTE_P))
			m = sim_grow_stack(s, p, vpn, addr);
		if (m == NULL)
			return sim_segfault(s, p, rec, addr, i, "no mapping at this address");
		writable = (m->prot & EV_PROT_W) != 0;
	} else if (s->cfg.vm.strict) {
		return sim_segfault(s, p, rec, addr, i, "no mapping declared (--strict)");
	}
	if (ref.write && !writable) {
		snprintf(why, sizeof why, "write to read-only %s%s", m->name, m->is_mmap ? " mapping" : " segment");
		return sim_segfault(s, p, rec, addr, i, why);
	}
	if (old == 0)
		p->pages++;
	if (old & PTE_P)
		return sim_cow(s, pte, vpn, &ref, err);

	if (m != NULL && m->shared) {
		rc = sim_fault_shared(s, pte, vpn, m, &ref, err);
	} else if (old & PTE_SWAP) {
		rc = sim_fault_swapped(s, pte, vpn, PTE_NUM(old), writable, &ref, err);
	} else if (m != NULL && m->backing == BACK_FILE) {
		rc = sim_fault_private_file(s, pte, vpn, m, &ref, err);
	} else {
		f = sim_take_frame(s, ref.pid, &ref, err);
		if (f == FRAME_NONE)
			return SIM_ERROR;
		sim_install(s, f, pte, vpn, &ref, FRAME_PAGE, SWAP_NONE,
			    (writable ? PTE_W : 0) | (ref.write ? PTE_D : 0));
		s->stats.zero_fills++;
		rc = SIM_OK;
	}
	if (rc == SIM_OK) {
		s->stats.faults++;
		if (old == 0)
			s->stats.distinct_pages++;
	}
	return rc;
}

void sim_hand_over(struct sim *s, struct proc *p)
{
	for (uint32_t f = 0; f < s->ft.count && p->resident > 0; f++) {
		struct frame *fr = &s->ft.frames[f];
		struct policy_ref ref;
		struct proc *heir;

		if (!frames_in_use(&s->ft, f) || fr->kind == FRAME_TABLE || s->ident[f].pid != p->pid)
			continue;
		s->policy->forget(p->policy_state, f);
		p->resident--;
		sim_drop_identity(s, f);
		ref = (struct policy_ref){ .now = s->now, .next_use = POLICY_NEVER, .page = fr->vpn, .pid = fr->pid };
		sim_identity(s, &ref);
		s->ident[f] = (struct frame_map){ .vpn = ref.page, .pid = ref.pid };
		pagemap_put(s->idents, ref.pid, ref.page, f);
		heir = sim_proc_find(s, fr->pid);
		heir->resident++;
		s->policy->admit(heir->policy_state, f, &ref);
	}
}

/* sim_fault_serve, adding what it counts to its mapping's counters
 * (by_segment). */
static int sim_fault_counted(struct sim *s, struct proc *p, pte_t *pte, uint64_t vpn, const struct trace_rec *rec,
			     size_t i, struct ps_error *err)
{
	struct sim_stats before, delta;
	struct sim_segment_stats *st = NULL;
	const struct vma *m;
	size_t at = SIZE_MAX;
	int rc;

	before = s->stats;
	/* The mapping is found before the fault (a segfault tears the process
	 * down), except for an address in none (the stack may grow to it).
	 * Evictions during the fault may grow the array: keep an index. */
	m = p->declared ? vma_find(&p->vmas, vpn) : NULL;
	if (m != NULL || !p->declared) {
		st = segment_stats(s, p->pid, m, false);
		if (st == NULL)
			return ps_error_set(err, "out of memory for the per-segment counters");
		at = (size_t)(st - s->segments);
	}
	rc = sim_fault_serve(s, p, pte, vpn, rec, i, err);
	if (rc == SIM_ERROR)
		return rc;
	if (at != SIZE_MAX) {
		st = &s->segments[at];
	} else {
		m = p->state == PROC_LIVE ? vma_find(&p->vmas, vpn) : NULL;
		st = segment_stats(s, p->pid, m, m == NULL);
		if (st == NULL)
			return ps_error_set(err, "out of memory for the per-segment counters");
	}
	/* What the fault counted goes to the mapping too. */
	delta = s->stats;
	sim_stats_sub(&delta, &before);
#define SEGMENT_ADD(field) st->field += delta.field;
	SIM_SEGMENT_FAULT_COUNTERS(SEGMENT_ADD)
#undef SEGMENT_ADD
	return rc;
}

int sim_fault(struct sim *s, struct proc *p, pte_t *pte, uint64_t vpn, const struct trace_rec *rec, size_t i,
	      struct ps_error *err)
{
	int rc = s->cfg.vm.by_segment ? sim_fault_counted(s, p, pte, vpn, rec, i, err)
				      : sim_fault_serve(s, p, pte, vpn, rec, i, err);

	/* A variable-space policy may give frames up at a fault (pff). */
	if (rc != SIM_OK || s->policy->shed == NULL)
		return rc;
	if (s->cfg.vm.scope_local)
		return sim_shed(s, p, p->policy_state, err);
	return sim_shed(s, NULL, s->policy_state, err);
}
