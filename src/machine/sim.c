/*
 * sim.c - the simulated machine, and the model pagesim replays traces
 * through.
 *
 * The model
 * ---------
 * A machine has a fixed number of physical frames, a swap device, a
 * replacement policy, and processes, each with a radix page table
 * (pagetable.h) and a list of mappings. Each trace record is one access of
 * some bytes; it references every page those bytes cover (pageref.h), one
 * "reference" per page, in ascending order.
 *
 * Mappings. A process's mappings come from the trace's events
 * (trace_event.h): `segment` and `mmap` add one, `munmap` and `brk` move
 * or remove them, `mprotect` splits them, `fork` copies them, `exit` drops them. A mapping is a
 * page range [start, end) (a length is rounded up to whole pages) with
 * protection bits, and a backing: zero (bss, heap, anonymous mmap: the
 * first touch reads nothing), file (shared: the page is the file's page,
 * shared by every mapping of it; private: the file's page too, shared
 * read-only, until the first write makes the mapping its own copy; see
 * "The page cache" below) or stack (zero, and grows down). Only writes are
 * checked against the protection (a write to a mapping without w is a
 * segfault); r and x are kept for the reports. A process that never
 * declared a mapping is "anonymous": every address is valid private
 * zero-fill memory, which is all the classic formats (lackey, addr-rw,
 * pages) ever need, unless the machine is strict (vm_options.strict),
 * when every access of an anonymous process is a segfault. Declaring the
 * first mapping of a process that already touched memory is an error.
 *
 * References. For each reference of process p to page v:
 *   killed p   p was killed by a segfault: the reference is ignored
 *              (ignored_refs) and changes nothing.
 *   hit        the PTE is present, and the access is not a write to a
 *              PTE without W: the hardware sets A, and D for a write.
 *              Policies that must see every reference (exact LRU, OPT) get
 *              a touch() call; the others learn about use only through the
 *              accessed bits, as a kernel does.
 *   cow fault  a write, the PTE present without W, in a writable mapping
 *              (or an anonymous process): the page is shared copy-on-write
 *              (after a fork). If this is its last mapping (and no swapped
 *              PTE shares its swap copy), the PTE just becomes writable
 *              (cow_reuses); else the writer's mapping leaves the frame,
 *              and the writer gets a new frame (allocated as for a page
 *              fault, which may evict) holding a copy (cow_copies).
 *   segfault   the page is in no mapping and the stack does not grow to it
 *              (below), or the access writes to a mapping without w. The
 *              process is killed: everything it holds is released as by
 *              `exit`, and the rest of its references are ignored.
 *   page fault the PTE is not present. The page gets a frame: the lowest-
 *              numbered free one, or the one the policy chooses as victim
 *              (evicted as below), and is loaded from, in this order:
 *              - a shared file page already in the page cache (another
 *                mapping maps it): that frame is mapped, no I/O
 *                (minor_faults);
 *              - its swap slot, if the PTE holds one: a swap read, unless
 *                another process's page holding that slot is in a frame
 *                (the slot was shared by a fork): then that frame is
 *                mapped read-only (minor_faults), or for a write, copied
 *                (cow_copies);
 *              - a private file page: through the page cache (below);
 *              - its file (a shared file mapping): a file read;
 *              - nothing: the frame is zero-filled (zero_fills), for a
 *                first touch, or a page that was never written and so was
 *                dropped, not saved, when evicted.
 *              The faulting access then sets A (and D for a write).
 *
 * The page cache. A file's page in a frame is in the page cache, keyed by
 * (file, page of the file), and is mapped by every mapping of that page
 * that has not made its own copy: shared mappings (with their W bit) and
 * private ones (always without W). For a private file mapping:
 *   - a read fault on a page the cache holds maps that frame read-only, no
 *     I/O (minor_faults); one it does not hold is read from the file into
 *     a new frame that joins the cache (file_reads), mapped read-only;
 *   - a write fault (no frame mapped) takes the writer's own frame first,
 *     as for any fault (which may evict, even the cached page), then fills
 *     it by copying the cached page (cow_copies) or, not cached, by
 *     reading the file (file_reads); the page is the writer's private one;
 *   - a write through its read-only PTE is a cow fault (above): the
 *     writer leaves the cache frame and gets a private copy (cow_copies),
 *     or, being its only mapping, takes the page out of the cache and
 *     keeps it as its own (cow_reuses);
 *   - a private page, once written, is anonymous memory: evicted dirty to
 *     swap, read back from there.
 * A page-cache page is never written by a private mapping, so it is dirty
 * only through a shared one; evicting it writes it to the file if dirty,
 * else drops it, and every PTE mapping it comes back through the cache.
 * Unmapping a shared mapping's page writes a dirty page back (below); a
 * private mapping's never does. A frame no mapping maps is freed: the
 * model keeps no unmapped pages in the cache, so a page every mapping has
 * left is read from the file again.
 * How this changes counts (from the model before the page cache, where
 * each private mapping read its own copy): N processes (or forks) reading
 * the same private file page cost one file read and N - 1 minor faults
 * instead of N file reads, and one frame instead of N; a private writable
 * page (a data segment) read before it is written costs one fault more,
 * the write's cow fault (a reuse when no one else maps the page, a copy
 * when someone does), where it was a hit; a page written first costs the
 * same. The old behaviour is not kept as an option: it was a documented
 * simplification, not a machine anyone runs, and a second set of fault
 * rules would double what refsim.py and the tests must cover.
 *
 * Faults are every reference that needs the kernel except segfaults:
 * faults == zero_fills + file_reads + swap_reads + minor_faults +
 * cow_copies + cow_reuses, and hits == refs - faults, where refs counts
 * the references replayed (not the ignored and segfaulting ones).
 *
 * Stack growth. A fault at address a outside every mapping grows the
 * nearest stack mapping above a when a is at most stack_gap bytes (64 KiB
 * by default, the distance Linux long allowed below the stack pointer; we
 * have no stack pointer, so the stack's bottom stands in for it) below
 * the stack's bottom, the grown stack is at most its max bytes (8 MiB
 * unless the segment says), and the grown range overlaps no mapping. The
 * stack's bottom becomes a's page; the fault is a zero fill, also counted
 * in stack_growths. The pages in between join the stack untouched.
 *
 * Eviction is the core's job, never the policy's, so no policy can forget
 * a step. A frame may be mapped by several PTEs (a fork shares pages; a
 * shared file page is mapped by every process mapping it): its reverse
 * map (frames.h) holds them all. The frame is dirty if any of its PTEs has
 * D, and accessed if any has A (as Linux's rmap sees it); clearing the
 * accessed bit clears it in all of them. Eviction invalidates every PTE
 * of the frame and disposes of the contents:
 *   - dirty page-cache page: written to its file (file_writebacks,
 *     file_writes); it will be read again from the file.
 *   - other dirty page: written to swap (swap_writes): to the slot the
 *     frame already holds if it was read back from swap earlier (that copy
 *     is stale and is overwritten in place), else to the lowest free slot.
 *     Swap full is an error. Every PTE now holds the slot.
 *   - clean page with a slot: its swap copy is still good; no I/O.
 *   - other clean page: dropped; it comes back from its file, or as a
 *     zero fill.
 * dirty_evictions counts the dirty ones (to swap or file): evictions ==
 * clean evictions + dirty_evictions. A page read back from swap keeps its
 * slot, so evicting it clean costs no write.
 *
 * Events. Errors in events are trace errors, "FILE:LINE: reason", and stop
 * the machine.
 *   segment, mmap  add a mapping to the current process; it must not
 *                  overlap one of its mappings.
 *   munmap         the range must lie inside one mapping and be its head,
 *                  its tail or all of it (a hole is refused). Each page in
 *                  it is unmapped: a dirty page-cache page unmapped from a
 *                  shared mapping is written to its file (file_writes) and
 *                  so becomes clean in all its mappings; a frame left with no mapping is freed; a swap
 *                  slot left with no PTE is freed.
 *   mprotect       the range must lie inside one mapping; the pages it
 *                  covers become a mapping of their own (the mapping is
 *                  split in two or three; a file mapping's pieces keep
 *                  their file pages) with the new protection. Taking w
 *                  away clears W in the present PTEs (the next write is a
 *                  segfault); giving w to a shared file mapping sets W in
 *                  its present PTEs; a present private page stays
 *                  read-only until its next write, a write-protect fault
 *                  served as copy-on-write (counted in cow_reuses, or
 *                  cow_copies if a fork still shares it). Each PTE changed
 *                  drops its TLB entry.
 *   brk            moves the end of the process's "heap" mapping (zero,
 *                  rw-). The first brk creates it, starting at the end of
 *                  the highest non-stack segment (rounded up to a page); a
 *                  `segment heap ...` line declares it explicitly. The end
 *                  is the break rounded up to a page; it may not go below
 *                  the start or into another mapping; shrinking unmaps as
 *                  munmap does.
 *   fork P C       C (a new pid, or one that exited) gets P's mappings and
 *                  a copy of P's page table: a present private page is
 *                  shared by both, read-only in both (copy-on-write); a
 *                  present page-cache page is shared with its PTE's bits; a
 *                  swapped page shares its swap slot. No frame is copied.
 *                  A killed P's fork is ignored like the rest of its
 *                  events, except that C comes into being killed too
 *                  (holding nothing), so C's own events are ignored as
 *                  well. An exited P's fork is an error: the trace is
 *                  wrong, where a killed process is the model's verdict.
 *   exit P         every mapping of P is unmapped as by munmap, then its
 *                  page tables are freed; P may not be used again (a fork
 *                  may reuse its pid).
 *
 * The TLB (optional, tlb.h). Per reference, a TLB hit needs no page walk
 * and does not set A (as on x86, A is set when a walk loads the
 * translation); the first write through an entry sets D in the PTE. A
 * miss walks the table (setting A), then loads the translation; faults
 * are misses too. Entries carry the process id as an ASID, or the whole
 * TLB is flushed on a process switch (tlb_flush_on_switch): a reference
 * of a live process other than the last one's, whatever its access then
 * does (a hit, a fault or a segfault: it ran in that process); a killed
 * process's references switch nothing. Whenever the
 * kernel changes a PTE (eviction, munmap, a fork taking W away, a
 * copy-on-write, a write-back clearing D) the entry is invalidated; when
 * a policy clears an accessed bit it is too, unless no_shootdown. Each
 * entry dropped so is a tlb_shootdown. With shootdowns, the TLB changes
 * no fault count, only the walk count.
 *
 * Page tables in frames (count_page_tables). Every page-table page of a
 * process (its root from its creation, the others as walks create them)
 * takes a frame from the same pool, which may evict a page; those frames
 * are pinned (never offered to the policy) until the process exits.
 *
 * Replacement scope. Global (the default): one policy over all frames.
 * Local (scope_local): each process has its own policy instance over the
 * frames it faulted in. A fault takes a free frame unless the process is
 * at its quota (local_quota > 0). With none free, or at the quota, the
 * victim is chosen by one process's policy:
 *   - with none free, if the process holds fewer frames than its share
 *     (below), the process furthest above its own share (resident minus
 *     share, the lowest pid on a tie), if any is above;
 *   - else the process itself, if it holds any frame;
 *   - else the process holding the most (the lowest pid on a tie).
 * A process's share (local_alloc) counts the live processes (not exited
 * or killed; a process exists from its first record, or its fork) and
 * the frames that hold no page table, F: equal, F / live processes;
 * proportional, F * its pages / all live processes' pages, "pages" being
 * the pages a process has touched (faulted on a never-touched PTE; a fork
 * child starts with its parent's count), or equal while none has
 * touched any. Shares round down. They matter only when no frame is free:
 * free frames go to whoever faults first. Without shares (the rule before
 * them), a process starting once memory was full got one frame from the
 * largest process and then evicted only its own page, faulting on every
 * reference to a second page. A frame
 * stays with the instance that admitted it while any process maps it;
 * when that process exits (or is killed), its frames still mapped by
 * others are handed to the instance of their first remaining mapping, as
 * newly admitted pages.
 *
 * Variable space. A policy with a shed() hook (ws, pff, vmin) may give
 * frames up unasked: the core asks it right after each of its ticks
 * (before the reference at that time is served) and at the end of each
 * fault, never on a hit, and evicts each frame it names exactly as a
 * victim (a dirty page goes to swap or its file; evictions counts it),
 * then frees the frame. The frame count is then only an upper bound: a
 * fault with none free still asks evict(). Fixed-space policies have no
 * shed() and pay nothing for it.
 *
 * Resident set. space_time sums, over page references, the frames holding
 * pages (not page tables) while the reference is served: after its own
 * fault has loaded its page (and evicted a victim if none was free), and
 * after the frames released at that fault or at the tick just before it,
 * but before the releases and events that follow it. So a reference always
 * counts the frame it faults in. The references of killed processes and
 * segfaulting references count too (the machine holds its frames while
 * they pass); mean_resident (report.c) is space_time divided by their
 * number, refs + ignored_refs + segfaults. It is kept without work on
 * hits: before every change of the resident count (sim_resident_mark),
 * the references since the last change are charged the count that held.
 *
 * Policy identities. A policy knows a frame by the (pid, page) of the
 * reference that admitted it. A copy-on-write can leave two resident
 * frames of one (pid, page); the second admission then gets a made-up
 * identity the policy has no history of (sim_mm.c, sim_identity).
 *
 * Counters (struct sim_stats) are exact; see sim.h for their definitions.
 * With by_process, each process's resident set is the number of frames
 * its PTEs map (a frame shared by a fork or the page cache counts for
 * each process mapping it, as Linux's RSS does); its mean is taken over
 * the references replayed from the process's creation (its first record,
 * or its fork) to its exit or kill, or the end, counting the set as it is
 * just after each reference (sim_processes). Its faults by kind are the
 * per-segment counters (by_segment) added up by pid.
 *
 * The hot loop
 * ------------
 * Records come in batches; nothing is allocated per reference. A hit is a
 * cached leaf-table compare, a present-bit test, an OR of the A/D bits and
 * at most one indirect call (touch, NULL for bit-reading policies). Faults
 * go through sim_fault(), kept out of line. sim_replay walks the records
 * (prefetching PTEs a chunk ahead, handing events to sim_event), makes the
 * record's process current (sim_switch) and replays its pages
 * (sim_replay_pages, then sim_access or sim_ref_tlb per page); those are
 * inlined into one loop, so the split costs nothing per reference.
 *
 * Repeated pages. Real programs reference the page of their last fetch,
 * or of their last data access, in most records (86% of a cc1 trace's).
 * Those records are marked once per batch (pageref_mark_repeats; the
 * batch brings the marks when several machines replay it, else the
 * machine makes them), and the replay keeps the PTE of the last one-page
 * access of each kind (recent[]). A marked record whose kind's PTE is
 * known is replayed by sim_repeat_hit as a hit directly: the same A/D
 * bits, touch call, clock and counters as the long way, without the
 * walk, the process switch, the page-span loop and its checks. Whatever
 * that shortcut cannot prove (a tick due, a fault, a TLB, a look-ahead
 * policy) goes the long way.
 *
 * Runs of repeats. Consecutive marked records reference at most two
 * pages, those of recent[]; pageref_repeat_runs counts each run's records,
 * fetches and writes once per batch (with the marks). When no tick falls
 * due within the run and both PTEs allow its accesses, every record is a
 * hit and nothing between them depends on their order, so sim_repeat_run
 * serves the rest of the run at once: the A/D bits, the clock and the
 * counters. For a policy without touch() that is all; for one whose
 * touch() only reorders (touch_orders_only: lru), it makes the last
 * touch() call for each page, in their order, with the clock at that
 * record. Other policies (lfu, arc, ...) take the hits one by one.
 *
 * Prefetching. For a process with more than SIM_PREFETCH_TABLES page
 * tables, the PTEs of the records that are not repeats are found a chunk
 * of records ahead, read-only (pt_find), and prefetched: with pages
 * spread over gigabytes, a hit's one cache miss is its PTE. Smaller
 * tables stay in the host's cache and are walked when needed.
 *
 * The files
 * ---------
 * sim.c (this file: construction, the replay loop, the policy's view),
 * sim_events.c (the events), sim_mm.c (frames, faults, eviction, the
 * reverse map) and sim_proc.c (the process table, record positions)
 * share the private header sim_impl.h; calls only run down that list
 * (sim_impl.h shows the graph).
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/pageref.h"
#include "machine/sim_impl.h"

/* How far ahead (in records) PTEs are prefetched, in chunks of this size. */
#define SIM_PREFETCH_AHEAD 16
/* Page tables of at most this many tables (4 KiB each with 4 KiB pages)
 * stay in the host's cache: prefetching their PTEs costs more than it
 * hides. */
#define SIM_PREFETCH_TABLES 64
/* How many frames ahead a clock-like sweep's PTEs are prefetched. */
#define SIM_SWEEP_AHEAD 8

/* ---- the policy's view of the machine ---- */

/* The PTE mapping frame f, which must be in use. */
static pte_t *sim_frame_pte(struct sim *s, uint32_t f)
{
	assert(frames_in_use(&s->ft, f) && s->ft.frames[f].kind != FRAME_TABLE &&
	       "policy asked about a free frame");
	return s->ft.frames[f].pte;
}

/* The OR of bit over every PTE mapping frame f (in use). */
static bool sim_frame_bit(struct sim *s, uint32_t f, pte_t bit)
{
	pte_t v = *sim_frame_pte(s, f);

	if (s->ft.frames[f].more_maps)
		for (uint32_t k = 0; k < s->more[f].n; k++)
			v |= *s->more[f].v[k].pte;
	return (v & bit) != 0;
}

static bool host_accessed(void *machine, uint32_t f)
{
	return sim_frame_bit(machine, f, PTE_A);
}

/* Clear A in one PTE (of pid's page vpn); the TLB entry goes with it
 * unless the machine has no shootdowns. */
static void sim_clear_accessed(struct sim *s, pte_t *pte, uint32_t pid, uint64_t vpn)
{
	*pte &= ~(pte_t)PTE_A;
	if (s->tlb != NULL && !s->cfg.vm.no_shootdown)
		sim_shootdown(s, pid, vpn);
}

static bool host_test_and_clear_accessed(void *machine, uint32_t f)
{
	struct sim *s = machine;
	struct frame *fr = &s->ft.frames[f];
	pte_t *pte = sim_frame_pte(machine, f);
	uint32_t ahead = f + SIM_SWEEP_AHEAD;
	bool was;

	/* Clock-like hands sweep frame numbers in order: fetch the PTE a few
	 * frames ahead, invisible to the model, so the sweep's misses overlap. */
	if (ahead >= s->ft.count)
		ahead -= s->ft.count;
	if (ahead < s->ft.count && s->ft.frames[ahead].pte != NULL)
		__builtin_prefetch(s->ft.frames[ahead].pte, 1, 1);
	if (fr->more_maps || s->tlb != NULL) {
		was = sim_frame_bit(s, f, PTE_A);
		sim_clear_accessed(s, pte, fr->pid, fr->vpn);
		for (uint32_t k = 0; fr->more_maps && k < s->more[f].n; k++)
			sim_clear_accessed(s, s->more[f].v[k].pte, s->more[f].v[k].pid, s->more[f].v[k].vpn);
		return was;
	}
	was = (*pte & PTE_A) != 0;
	*pte &= ~(pte_t)PTE_A;
	return was;
}

static bool host_dirty(void *machine, uint32_t f)
{
	return sim_frame_bit(machine, f, PTE_D);
}

static uint64_t host_now(void *machine)
{
	return ((struct sim *)machine)->now;
}

/* ---- options ---- */

bool vm_options_equal(const struct vm_options *a, const struct vm_options *b)
{
	return a->strict == b->strict && a->stack_gap == b->stack_gap && a->tlb_entries == b->tlb_entries &&
	       a->tlb_ways == b->tlb_ways && a->tlb_flush_on_switch == b->tlb_flush_on_switch &&
	       a->no_shootdown == b->no_shootdown && a->count_page_tables == b->count_page_tables &&
	       a->by_segment == b->by_segment && a->by_process == b->by_process && a->scope_local == b->scope_local &&
	       a->local_quota == b->local_quota && a->local_alloc == b->local_alloc;
}

/* ---- what the reports read ---- */

const struct sim_segment_stats *sim_segments(const struct sim *s, size_t *n)
{
	*n = s->nsegments;
	return s->segments;
}

const struct sim_segfault *sim_segfaults(const struct sim *s, size_t *n)
{
	*n = s->nsegfaults;
	return s->segfaults;
}

/* ---- construction ---- */

/* Is cfg a machine sim_create can build (a policy of this interface
 * version, frames, swap, a look-ahead when the policy needs one)? False
 * with err set when not. */
static bool sim_config_check(const struct sim_config *cfg, struct ps_error *err)
{
	if (cfg->policy == NULL) {
		ps_error_set(err, "no replacement policy given");
		return false;
	}
	if (cfg->policy->abi != PAGESIM_POLICY_ABI) {
		ps_error_set(err, "policy \"%s\" was built for interface version %u; this pagesim has version %u",
			     cfg->policy->name, cfg->policy->abi, PAGESIM_POLICY_ABI);
		return false;
	}
	if (cfg->frames == 0) {
		ps_error_set(err, "the number of frames must be at least 1");
		return false;
	}
	if (cfg->swap_slots == 0) {
		ps_error_set(err, "the swap device must have at least 1 slot");
		return false;
	}
#ifdef _SC_PHYS_PAGES
	{
		/* A frame table larger than the host's memory would be paged
		 * in and out for minutes before failing: refuse it at once. */
		const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		const uint64_t need = (uint64_t)cfg->frames * sizeof(struct frame);

		if (pages > 0 && page > 0 && need > (uint64_t)pages * (uint64_t)page) {
			ps_error_set(err, "%" PRIu32 " frames need %" PRIu64 " MiB of host memory for the frame "
				     "table alone; this machine has %" PRIu64 " MiB", cfg->frames, need >> 20,
				     ((uint64_t)pages * (uint64_t)page) >> 20);
			return false;
		}
	}
#endif
	if (cfg->policy->needs_future && cfg->future == NULL) {
		ps_error_set(err, "policy \"%s\" needs to look ahead in the trace, and no look-ahead was given",
			     cfg->policy->name);
		return false;
	}
	return true;
}

struct sim *sim_create(const struct sim_config *cfg, struct ps_error *err)
{
	struct policy_config pcfg;
	size_t asked = 0;
	struct sim *s;

	if (!sim_config_check(cfg, err))
		return NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		ps_error_set(err, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	/* The per-process report adds up the per-segment counters. */
	s->cfg.vm.by_segment = cfg->vm.by_segment || cfg->vm.by_process;
	s->policy = cfg->policy;
	if (!pt_shape_init(&s->shape, cfg->va_bits, cfg->page_shift)) {
		ps_error_set(err, "unsupported address space: %u-bit addresses with %llu-byte pages",
			     cfg->va_bits, 1ULL << cfg->page_shift);
		free(s);
		return NULL;
	}
	s->mover = (struct pt_mover){ .fn = sim_pte_moved, .ctx = s, .leaf_moved = &s->leaf_moved };
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
	/* The policy first: it may refuse the size at once (its state cap),
	 * where the frame table would have been made for nothing. */
	if ((s->policy_state = sim_policy_alloc(s->policy, &pcfg, &asked)) == NULL || !frames_init(&s->ft, cfg->frames)) {
		if (asked > SIM_MAX_POLICY_STATE)
			ps_error_set(err, "policy \"%s\" asked for %zu bytes of state for %" PRIu32 " frames; "
				     "at most %llu (1 GiB) per instance", s->policy->name, asked, cfg->frames,
				     SIM_MAX_POLICY_STATE);
		else
			ps_error_set(err, "out of memory for %" PRIu32 " frames", cfg->frames);
		sim_destroy(s);
		return NULL;
	}
	if (cfg->vm.tlb_entries > 0 && (s->tlb = tlb_create(cfg->vm.tlb_entries, cfg->vm.tlb_ways, err)) == NULL) {
		sim_destroy(s);
		return NULL;
	}
	s->policy->init(s->policy_state, &pcfg);
	s->pcfg = pcfg;
	s->touch = s->policy->touch;
	s->next_tick = s->policy->tick != NULL && !cfg->vm.scope_local ? 0 : POLICY_NEVER;
	s->victim_hint = FRAME_NONE;
	if (cfg->vm.scope_local && !sim_vm_tables(s)) {
		ps_error_set(err, "out of memory for %" PRIu32 " frames", cfg->frames);
		sim_destroy(s);
		return NULL;
	}
	return s;
}

void sim_destroy(struct sim *s)
{
	if (s == NULL)
		return;
	sim_procs_free(s);
	for (uint32_t f = 0; s->more != NULL && f < s->ft.count; f++)
		free(s->more[f].v);
	free(s->more);
	free(s->ident);
	free(s->idents);
	free(s->cache);
	free(s->files);
	free(s->segments);
	free(s->repeats);
	free(s->runs);
	tlb_destroy(s->tlb);
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

void sim_frame_view(struct sim *s, uint32_t f, struct sim_frame_view *out)
{
	const struct frame *fr = &s->ft.frames[f];

	*out = (struct sim_frame_view){ 0 };
	if (!frames_in_use(&s->ft, f) || fr->kind == FRAME_TABLE)
		return;
	*out = (struct sim_frame_view){
		.in_use = true, .pid = fr->pid, .vpn = fr->vpn,
		.accessed = sim_frame_bit(s, f, PTE_A), .dirty = sim_frame_bit(s, f, PTE_D),
	};
}

bool sim_describe(struct sim *s, const struct policy_viewer *v)
{
	if (s->policy->describe == NULL || s->cfg.vm.scope_local)
		return false;
	s->policy->describe(s->policy_state, v);
	return true;
}

void *sim_policy_state(struct sim *s)
{
	return s->policy_state;
}

void sim_get_stats(const struct sim *s, struct sim_stats *out)
{
	*out = s->stats;
	out->reads = s->served[OP_READ];
	out->writes = s->served[OP_WRITE];
	out->fetches = s->served[OP_FETCH];
	out->refs = out->reads + out->writes + out->fetches;
	out->hits = out->refs - out->faults;
	out->pt_frames = s->tables_charged;
	out->resident = sim_resident_frames(s);
	/* The references since the last change all held what is resident. */
	out->space_time += (uint64_t)out->resident * (s->now - s->resident_since);
}

/* ---- the replay loop ---- */

/* Give the policy its periodic tick (it says when it wants the next),
 * then take the frames it sheds. Returns 0, or -1 with err set. */
static __attribute__((noinline)) int sim_tick(struct sim *s, struct ps_error *err)
{
	if (!s->cfg.vm.scope_local) {
		s->next_tick = s->policy->tick(s->policy_state, s->now);
		assert(s->next_tick > s->now && "policy tick() must return a later time");
		return sim_shed(s, NULL, s->policy_state, err);
	}
	/* Local scope: every instance keeps its own schedule. */
	s->next_tick = POLICY_NEVER;
	for (size_t i = 0; i < s->proc_slots; i++) {
		struct proc *p = s->procs[i];

		if (p == NULL || p->policy_state == NULL)
			continue;
		if (p->next_tick <= s->now) {
			p->next_tick = s->policy->tick(p->policy_state, s->now);
			assert(p->next_tick > s->now && "policy tick() must return a later time");
			if (sim_shed(s, p, p->policy_state, err) < 0)
				return -1;
		}
		if (p->next_tick < s->next_tick)
			s->next_tick = p->next_tick;
	}
	return 0;
}

/* A hit of rec on page vpn in frame f: policies that see every reference
 * (touch) hear of it. */
static inline void sim_hit(struct sim *s, uint32_t f, const struct trace_rec *rec, uint64_t vpn)
{
	if (s->touch != NULL) {
		struct policy_ref ref = sim_ref(s, rec, vpn);

		s->touch(sim_state_of(s, f), f, &ref);
	}
}

/* One reference of live process p to page vpn whose PTE is pte (NULL: the
 * walk failed), record i of the batch: a hit, or a fault. Returns SIM_OK,
 * SIM_KILLED or SIM_ERROR. Always inlined: the hit path (GCC's own choice
 * flips as the loop around it grows, costing a call per reference). */
static inline __attribute__((always_inline)) int
sim_access(struct sim *s, struct proc *p, pte_t *pte, const struct trace_rec *rec, uint64_t vpn, size_t i,
	   struct ps_error *err)
{
	const pte_t need = PTE_P | (rec->op == OP_WRITE ? PTE_W : 0);

	if (pte == NULL)
		return ps_error_set(err, (vpn >> s->shape.vpn_bits) != 0
				    ? "access at 0x%" PRIx64 " runs past the end of the %u-bit address space"
				    : "out of memory for page tables at 0x%" PRIx64 " (%u-bit address space)",
				    rec->addr, s->cfg.va_bits);
	if ((*pte & need) != need)
		return sim_fault(s, p, pte, vpn, rec, i, err);
	*pte |= PTE_A | (rec->op == OP_WRITE ? PTE_D : 0);
	sim_hit(s, (uint32_t)PTE_NUM(*pte), rec, vpn);
	return SIM_OK;
}

/* One reference of live process p to page vpn through the TLB (record i
 * of the batch). Returns SIM_OK, SIM_KILLED or SIM_ERROR. */
static __attribute__((noinline)) int sim_ref_tlb(struct sim *s, struct proc *p, const struct trace_rec *rec,
						 uint64_t vpn, size_t i, struct ps_error *err)
{
	const bool write = rec->op == OP_WRITE;
	struct tlb_entry *e = tlb_lookup(s->tlb, p->pid, vpn);
	pte_t *pte;
	int rc;

	if (e != NULL) {
		uint32_t f = e->frame;

		if (write && !e->dirty) {
			/* The first write through the entry sets D in the PTE. */
			pte = pt_lookup(&p->pt, vpn);
			if (*pte & PTE_W) {
				*pte |= PTE_D;
				e->dirty = true;
			} else {
				/* A write to a read-only translation: the kernel
				 * changes the PTE (copy-on-write) or kills p. */
				sim_shootdown(s, p->pid, vpn);
				e = NULL;
			}
		}
		if (e != NULL) {
			s->stats.tlb_hits++;
			sim_hit(s, f, rec, vpn);
			return SIM_OK;
		}
	}
	pte = pt_lookup(&p->pt, vpn);
	rc = sim_access(s, p, pte, rec, vpn, i, err);
	if (rc == SIM_OK) {
		s->stats.tlb_misses++;
		/* dirty: writes may go through without a walk. */
		tlb_insert(s->tlb, p->pid, vpn, (uint32_t)PTE_NUM(*pte), (*pte & (PTE_D | PTE_W)) == (PTE_D | PTE_W));
	}
	return rc;
}

/* Find the PTEs of the first pages of recs[0..n) (n <= SIM_PREFETCH_AHEAD)
 * that belong to live process p, do not repeat a page (runs[i] == 0,
 * pageref.h) and whose leaf table exists, store them in ptes[] (NULL for
 * the others) and prefetch them; changes nothing the model can see. The
 * upper levels of the tree are few and stay in cache, so this costs a few
 * loads per record, and the replay then finds the PTE lines (random over
 * the address space: the one miss of a hit) on their way, and need not
 * walk again. A repeat's PTE is the replay's already. */
static void sim_prefetch(struct proc *p, const struct trace_rec *recs, const uint64_t *runs, size_t n,
			 unsigned shift, pte_t **ptes)
{
	bool live = p != NULL && p->state == PROC_LIVE;

	for (size_t i = 0; i < n; i++) {
		ptes[i] = NULL;
		if (!live || runs[i] != 0 || recs[i].pid != p->pid || recs[i].op == OP_EVENT)
			continue;
		ptes[i] = pt_find(&p->pt, recs[i].addr >> shift);
		if (ptes[i] != NULL)
			__builtin_prefetch(ptes[i], 1, 1);
	}
}

/* The second half of sim_install's prefetch of a coming victim: its PTE,
 * now that its frame entry has had time to arrive. Changes nothing the
 * model can see. */
static inline void sim_prefetch_victim(struct sim *s)
{
	const pte_t *pte = s->ft.frames[s->victim_hint].pte;

	if (pte != NULL)
		__builtin_prefetch(pte, 1, 1);
	s->victim_hint = FRAME_NONE;
}

/* Count a served reference of rec (an access: op 0..2). sim_get_stats
 * turns the counts into refs, reads, writes and fetches. */
static inline void sim_count(struct sim *s, const struct trace_rec *rec)
{
	s->served[rec->op]++;
}

/* Replay rec as a hit through pte, if it is one: rec repeats a page
 * (pageref.h) and pte is that page's (sim_replay's recent[]), so rec is
 * the current process's and references that page alone; no tick is due;
 * and the PTE allows the access. Then it does exactly what
 * sim_replay_pages would (A and D bits, touch, the clock, the counters)
 * and returns true; else it changes nothing and returns false. Only for
 * machines without a TLB and policies without look-ahead (sim_replay
 * checks). Most references of real programs take this path: a basic
 * block's fetches, a loop's stack accesses. */
static inline __attribute__((always_inline)) bool
sim_repeat_hit(struct sim *s, pte_t *pte, const struct trace_rec *rec, unsigned shift)
{
	const bool write = rec->op == OP_WRITE;
	const pte_t need = PTE_P | (write ? PTE_W : 0);

	if (s->now >= s->next_tick || (*pte & need) != need)
		return false;
	*pte |= PTE_A | (write ? PTE_D : 0);
	sim_hit(s, (uint32_t)PTE_NUM(*pte), rec, rec->addr >> shift);
	s->now++;
	sim_count(s, rec);
	return true;
}

/* The process of a record of pid, p being the previous record's: p, or
 * pid's (created if new), which becomes current; a switch to a live
 * process changes the TLB's ASID, or flushes it (tlb_flush_on_switch).
 * NULL with err set when memory is short. */
static inline struct proc *sim_switch(struct sim *s, struct proc *p, uint32_t pid, struct ps_error *err)
{
	if (p == NULL || p->pid != pid) {
		/* The lookup inline, the creation out of line. */
		p = sim_proc_find(s, pid);
		if (p == NULL && (p = sim_proc(s, pid)) == NULL) {
			ps_error_set(err, "out of memory for process %" PRIu32, pid);
			return NULL;
		}
		s->cur = p;
	}
	if (s->tlb != NULL && s->tlb_asid != p->pid && p->state == PROC_LIVE) {
		if (s->cfg.vm.tlb_flush_on_switch)
			tlb_flush(s->tlb);
		s->tlb_asid = p->pid;
	}
	return p;
}

/* Replay the `pages` references of record i (rec, of process p) to pages
 * vpn, vpn + 1, ...; first is vpn's PTE if prefetched (else NULL), future
 * whether the policy reads the look-ahead. A dead process's references
 * are ignored. Returns SIM_OK, SIM_KILLED (p died; the rest of the record
 * was ignored) or SIM_ERROR. Always inlined: it is the hot path, and its
 * arguments are sim_replay's loop-invariant locals. */
static inline __attribute__((always_inline)) int
sim_replay_pages(struct sim *s, struct proc *p, const struct trace_rec *rec, size_t i, uint64_t vpn,
		 uint64_t pages, pte_t *first, bool future, struct ps_error *err)
{
	if (p->state != PROC_LIVE) {
		if (p->state == PROC_EXITED)
			return sim_trace_error(s, i, err, "process %" PRIu32 " has exited", p->pid);
		if (future && s->now + pages > s->cfg.future_len)
			return ps_error_set(err, "the look-ahead covers %" PRIu64 " references, the trace has more",
					    s->cfg.future_len);
		s->stats.ignored_refs += pages;
		s->now += pages;
		return SIM_OK;
	}
	for (; pages > 0; pages--, vpn++, first = NULL) {
		int rc;

		if (s->now >= s->next_tick && sim_tick(s, err) < 0)
			return SIM_ERROR;
		if (s->victim_hint != FRAME_NONE)
			sim_prefetch_victim(s);
		if (future && s->now >= s->cfg.future_len)
			return ps_error_set(err, "the look-ahead covers %" PRIu64 " references, the trace has more",
					    s->cfg.future_len);
		if (s->tlb != NULL) {
			rc = sim_ref_tlb(s, p, rec, vpn, i, err);
		} else {
			/* first was found for this record's process, if not NULL. */
			rc = sim_access(s, p, first != NULL ? first : pt_lookup(&p->pt, vpn), rec, vpn, i, err);
		}
		s->now++;
		if (rc != SIM_OK) {
			if (rc == SIM_KILLED) {
				/* The rest of the record is the dead process's. */
				s->stats.ignored_refs += pages - 1;
				s->now += pages - 1;
			}
			return rc;
		}
		sim_count(s, rec);
	}
	return SIM_OK;
}

/* The runs of repeats of batch b for pages of 2^shift bytes (pageref.h):
 * b's own, or counted into s->runs from its marks, or from marks made into
 * s->repeats. NULL when memory is short. */
static const uint64_t *sim_runs_of(struct sim *s, const struct trace_batch *b, unsigned shift)
{
	const uint64_t *given = trace_batch_runs(b, shift);

	if (given != NULL)
		return given;
	if (b->n > s->repeats_cap) {
		uint8_t *marks_grown = realloc(s->repeats, b->n);
		uint64_t *runs_grown;

		if (marks_grown == NULL)
			return NULL;
		s->repeats = marks_grown;
		if ((runs_grown = realloc(s->runs, b->n * sizeof *s->runs)) == NULL)
			return NULL;
		s->runs = runs_grown;
		s->repeats_cap = b->n;
	}
	pageref_repeat_runs(b->recs, pageref_batch_marks(b, shift, s->repeats), b->n, s->runs);
	return s->runs;
}

/* The touch() calls of records [i, stop) of recs, a run's (see
 * sim_repeat_run), for a policy whose touch only reorders
 * (touch_orders_only): the last call for each of the run's pages, in
 * their order: the other kind's last record's page, if the run has one
 * and it is another page, then the last record's. Each call sees the
 * clock at its record. */
static void sim_touch_run(struct sim *s, pte_t *const recent[2], const struct trace_rec *recs, size_t i, size_t stop,
			  unsigned shift)
{
	const uint64_t now = s->now;
	const size_t last = stop - 1;
	const unsigned kind = recs[last].op == OP_FETCH;
	size_t other = last;

	while (other > i && (recs[other - 1].op == OP_FETCH) == kind)
		other--;
	if (other > i && recent[!kind] != recent[kind]) {
		other--;
		s->now = now + (other - i);
		sim_hit(s, (uint32_t)PTE_NUM(*recent[!kind]), &recs[other], recs[other].addr >> shift);
	}
	s->now = now + (last - i);
	sim_hit(s, (uint32_t)PTE_NUM(*recent[kind]), &recs[last], recs[last].addr >> shift);
	s->now = now;
}

/* Serve records [i, stop) of recs, the first stop - i records of a run
 * (pageref_repeat_runs) whose counts are run, as hits, if they all are:
 * each record's kind has its PTE in recent[] (sim_replay) and the PTE
 * allows the access, and no tick falls due before the last. Then it does
 * what sim_repeat_hit would do for each in turn (the bits, the clock, the
 * counters; touch() as sim_touch_run) and returns true; else it changes
 * nothing and returns false. Only for policies without touch, or whose
 * touch only reorders: no fault or tick comes between the hits, so their
 * order changes nothing else. */
static inline __attribute__((always_inline)) bool
sim_repeat_run(struct sim *s, pte_t *const recent[2], uint64_t run, const struct trace_rec *recs, size_t i,
	       size_t stop, unsigned shift)
{
	const uint32_t count = pageref_run_records(run), fetches = pageref_run_fetches(run);
	const uint32_t writes = pageref_run_writes(run), data = count - fetches;
	const pte_t need = PTE_P | (writes > 0 ? PTE_W : 0);

	if (s->now >= s->next_tick || s->next_tick - s->now < count)
		return false;
	if (data > 0 && (recent[0] == NULL || (*recent[0] & need) != need))
		return false;
	if (fetches > 0 && (recent[1] == NULL || !(*recent[1] & PTE_P)))
		return false;
	if (data > 0)
		*recent[0] |= PTE_A | (writes > 0 ? PTE_D : 0);
	if (fetches > 0)
		*recent[1] |= PTE_A;
	if (s->touch != NULL)
		sim_touch_run(s, recent, recs, i, stop, shift);
	s->now += count;
	s->served[OP_READ] += data - writes;
	s->served[OP_WRITE] += writes;
	s->served[OP_FETCH] += fetches;
	return true;
}

/* Replay batch b (see sim_feed); on error the machine may be inconsistent.
 * PTEs are found and prefetched a chunk of records ahead (sim_prefetch). */
static int sim_replay(struct sim *s, const struct trace_batch *b, struct ps_error *err)
{
	const struct trace_rec *recs = b->recs;
	const size_t n = b->n;
	const unsigned shift = s->cfg.page_shift;
	const bool span = s->cfg.span_pages;
	const bool future = s->policy->needs_future;
	/* Whether repeats may take sim_repeat_hit, and whole runs of them
	 * sim_repeat_run. */
	const bool shortcut = s->tlb == NULL && !future;
	const bool whole_runs = shortcut && (s->touch == NULL || s->policy->touch_orders_only);
	const uint64_t *runs = sim_runs_of(s, b, shift);
	struct proc *p = s->cur;
	/* PTEs of the first pages of the current chunk and of the next one. */
	pte_t *found[2][SIM_PREFETCH_AHEAD];
	/* The PTE of the page the last data access (recent[0]) or fetch
	 * (recent[1]) of live p referenced alone; else NULL. PTEs do not
	 * move while no event runs, no process dies and no compact leaf moves
	 * (s->leaf_moved); each resets this. */
	pte_t *recent[2] = { NULL, NULL };
	/* Whether to prefetch: not for the small page tables of the current
	 * process, whose PTEs the host's cache holds (a batch that switches
	 * to a large one runs without). Without, the batch is one chunk. */
	const bool ahead = p == NULL || p->pt.tables > SIM_PREFETCH_TABLES;
	const size_t chunk_len = ahead ? SIM_PREFETCH_AHEAD : n;

	if (runs == NULL && n > 0)
		return ps_error_set(err, "out of memory for a batch of %zu records", n);
	s->leaf_moved = false; /* nothing is found yet */
	memset(found, 0, sizeof found);
	if (ahead)
		sim_prefetch(p, recs, runs, n < SIM_PREFETCH_AHEAD ? n : SIM_PREFETCH_AHEAD, shift, found[0]);
	for (size_t from = 0, chunk = 0; from < n; from += chunk_len, chunk++) {
		const size_t next = from + chunk_len;
		const size_t to = next < n ? next : n;
		pte_t **here = found[chunk % 2];

		if (ahead && next < n)
			sim_prefetch(p, recs + next, runs + next, n - next < SIM_PREFETCH_AHEAD ? n - next : SIM_PREFETCH_AHEAD,
				     shift, found[(chunk + 1) % 2]);
		for (size_t i = from; i < to; i++) {
			const struct trace_rec *rec = &recs[i];
			/* Events are never repeats; their kind is unused. */
			const unsigned kind = rec->op == OP_FETCH;
			pte_t *first;
			uint64_t vpn, pages;
			int rc;

			if (runs[i] != 0) {
				/* The run's records up to the chunk's end: the
				 * counts from i less those from there on. */
				const size_t end = i + pageref_run_records(runs[i]);
				const size_t stop = end < to ? end : to;

				if (whole_runs &&
				    sim_repeat_run(s, recent, runs[i] - (stop < end ? runs[stop] : 0), recs, i, stop, shift)) {
					i = stop - 1;
					continue;
				}
				if (shortcut && recent[kind] != NULL && sim_repeat_hit(s, recent[kind], rec, shift))
					continue;
			}
			if (rec->op == OP_EVENT) {
				if (sim_event(s, rec, i, err) < 0)
					return -1;
				/* Events may free page tables: forget every PTE found. */
				memset(found, 0, sizeof found);
				memset(recent, 0, sizeof recent);
				s->leaf_moved = false;
				continue;
			}
			/* A repeat's page is that of the last access of its kind. */
			first = runs[i] != 0 && recent[kind] != NULL ? recent[kind] : ahead ? here[i - from] : NULL;
			pages = pageref_span(rec, shift, span, &vpn);
			if (p == NULL || p->pid != rec->pid) {
				/* recent[] holds the last process's pages. */
				memset(recent, 0, sizeof recent);
			}
			p = sim_switch(s, p, rec->pid, err);
			if (p == NULL)
				return -1;
			/* The walk a prefetch did not do (through the TLB, only on
			 * a miss). It may move a compact leaf: first is valid, the
			 * PTEs found before are forgotten below. */
			if (first == NULL && s->tlb == NULL && p->state == PROC_LIVE)
				first = pt_lookup(&p->pt, vpn);
			rc = sim_replay_pages(s, p, rec, i, vpn, pages, first, future, err);
			if (rc == SIM_ERROR)
				return -1;
			/* first != NULL: p was live, and first is the PTE of its page. */
			recent[kind] = pages == 1 && p->state == PROC_LIVE ? first : NULL;
			/* Killed: its page tables are gone. Moved: a walk that made a
			 * PTE (first NULL, or a record's second page) moved a compact
			 * leaf, and PTEs found in it with it. */
			if (rc == SIM_KILLED || s->leaf_moved) {
				memset(found, 0, sizeof found);
				memset(recent, 0, sizeof recent);
				s->leaf_moved = false;
			}
		}
	}
	return 0;
}

int sim_feed_batch(struct sim *s, const struct trace_batch *b, struct ps_error *err)
{
	struct ps_error local;
	int rc;

	if (s->failed)
		return ps_error_set(err, "%s", s->fail_msg);
	s->batch = b;
	rc = sim_replay(s, b, &local);
	s->batch = NULL;
	s->records_before += b->n;
	if (rc == 0)
		return 0;
	s->failed = true;
	snprintf(s->fail_msg, sizeof s->fail_msg, "%s", local.msg);
	return ps_error_set(err, "%s", local.msg);
}

int sim_feed(struct sim *s, const struct trace_rec *recs, size_t n, struct ps_error *err)
{
	return sim_feed_batch(s, &(struct trace_batch){ .recs = recs, .n = n }, err);
}
