/*
 * sim_impl.h - the machine's insides, shared by the files that implement
 * it (SQLite's sqliteInt.h pattern: one private header of shared types,
 * each file's functions declared under its name). The model is described
 * at the top of sim.c. Nothing outside those files includes this.
 *
 * The files, and the direction of their calls. Each calls only files
 * below it, never one above, so each can be read (and tested) knowing
 * only what lies beneath:
 *
 *   sim.c         construction, the replay loop, the policy's view
 *     |  \
 *     |   sim_events.c   segment, mmap, munmap, brk, fork, exit
 *     |  /
 *   sim_mm.c      frames, faults, eviction, the reverse map, releasing
 *     |
 *   sim_proc.c    the process table, positions of records for messages
 *
 * that is sim.c -> sim_events.c -> sim_mm.c -> sim_proc.c, with sim.c
 * also calling sim_mm.c (sim_fault) and sim_proc.c directly. The calls
 * (from nm of the object files) at the time of writing; tests/layering.py
 * fails `make check` if any two source files ever call each other in a
 * cycle:
 *
 *   sim.c -> sim_events.c: sim_event
 *   sim.c -> sim_mm.c: sim_fault sim_pte_moved sim_shootdown sim_vm_tables
 *   sim.c -> sim_proc.c: sim_policy_alloc sim_proc sim_procs_free sim_trace_error
 *   sim_events.c -> sim_mm.c: sim_charge_tables sim_file_id sim_map_more
 *                             sim_shootdown sim_teardown sim_unmap_range
 *                             sim_vm_tables
 *   sim_events.c -> sim_proc.c: sim_proc sim_proc_instance sim_trace_error
 *   sim_mm.c -> sim_proc.c: sim_where
 *
 * Only types and the few inline helpers several files need on hot paths
 * (sim_ref, sim_proc_find, sim_state_of, sim_touch) are defined here.
 */
#ifndef PAGESIM_SIM_IMPL_H
#define PAGESIM_SIM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/frames.h"
#include "machine/pagetable.h"
#include "machine/sim.h"
#include "machine/swap.h"
#include "machine/tlb.h"
#include "machine/vma.h"
#include "policies/pagemap.h"

enum proc_state {
	PROC_LIVE = 0,
	PROC_KILLED, /* by a segfault: its references are ignored */
	PROC_EXITED, /* gone; only a fork may bring the pid back */
};

struct proc {
	uint32_t pid;
	uint8_t state;        /* enum proc_state */
	bool declared;        /* has (had) mappings: addresses outside them are invalid */
	bool touched;         /* has referenced memory */
	bool heap_known;      /* heap_start is set (the first brk) */
	uint64_t heap_start;  /* page where brk's heap begins */
	struct pagetable pt;
	struct vma_list vmas;
	void *policy_state;   /* scope_local: its own policy instance */
	uint64_t next_tick;   /* scope_local: when that instance ticks next */
	uint32_t resident;    /* scope_local: frames its instance holds */
	/* by_process: the frames its PTEs map (rss), since when (rss_at), the
	 * sum over references of rss before then (rss_area), when it was first
	 * made and when last torn down (0: never). */
	uint64_t rss, rss_at, rss_area, born, gone;
	uint64_t pages;       /* pages it has touched (a fork's child inherits
				 its parent's count): its size for
				 proportional allocation */
	uint32_t *table_frames; /* count_page_tables: frames holding its tables */
	uint64_t ntable_frames, table_frames_cap;
};

/* A mapping of a frame beyond its first (struct frame holds that one). */
struct frame_map {
	pte_t *pte;
	uint64_t vpn;
	uint32_t pid;
};

struct frame_maps {
	struct frame_map *v;
	uint32_t n, cap;
};

struct sim {
	struct sim_config cfg;
	struct pt_shape shape;
	struct pt_mover mover;    /* every page table's: sim_pte_moved */
	bool leaf_moved;          /* a compact leaf moved (the mover sets it; sim_replay clears it) */
	struct frame_table ft;
	struct swap swap;
	struct sim_stats stats;   /* refs, reads, writes, fetches: from served[] (sim_get_stats) */
	uint64_t served[3];       /* references served, by operation (OP_READ, OP_WRITE, OP_FETCH) */
	uint64_t now; /* index of the next page reference */
	uint64_t resident_since; /* stats.space_time covers references before
				    this one (sim_resident_mark) */

	const struct policy *policy;
	void *policy_state;
	struct policy_host host;
	void (*touch)(void *state, uint32_t frame, const struct policy_ref *ref);
	uint64_t next_tick; /* reference index of the policy's next tick() */
	uint32_t victim_hint; /* a coming victim (peek) whose PTE is yet to be
				 prefetched, or FRAME_NONE (see sim_install) */
	double default_params[POLICY_MAX_PARAMS];
	struct policy_config pcfg; /* for the instances of local scope */

	/* Processes: an open-addressing table of pid -> proc, power-of-two sized. */
	struct proc **procs;
	size_t proc_slots, nprocs;
	struct proc *cur; /* the process of the previous record */

	/* The VM model's side tables, made when first needed. */
	struct frame_maps *more;  /* per frame: mappings beyond the first */
	struct pagemap *cache;    /* resident pages by identity: (file id, file
				     page) for shared file pages, (0, slot) for
				     pages holding a swap slot; capacity: frames */
	struct pagemap *idents;   /* identity (pid, page) the policy knows each
				     resident frame by -> frame; capacity: frames */
	struct frame_map *ident;  /* per frame: that identity (pte unused) */
	uint64_t synthetic;       /* identities made up so far (see sim_mm.c) */
	const char **files;       /* file id - 1 -> interned name */
	uint32_t nfiles, files_cap;
	struct tlb *tlb;          /* NULL: no TLB */
	uint32_t tlb_asid;        /* the process the TLB last served (flush_on_switch) */
	pte_t table_marker;       /* what FRAME_TABLE frames' pte points to */
	uint64_t tables_charged;  /* count_page_tables: frames holding tables */

	/* Where the record being replayed came from, for messages. */
	const struct trace_batch *batch;
	uint64_t records_before;  /* records fed before the current batch */
	uint8_t *repeats;         /* the repeat marks and runs (pageref.h) of a */
	uint64_t *runs;           /* batch that came without them (sim_replay), */
	size_t repeats_cap;       /* for repeats_cap records */
	struct sim_segment_stats *segments; /* by_segment */
	size_t nsegments, segments_cap;
	struct sim_segfault segfaults[SIM_SEGFAULTS_KEPT];
	size_t nsegfaults;

	sim_evict_hook *evict_hook;
	void *evict_hook_ctx;

	/* Set by the first error of sim_feed: the machine may then be half way
	 * through an eviction, so it refuses to go on (the error is sticky). */
	bool failed;
	char fail_msg[PS_ERROR_MAX];
};

/* Outcome of a fault. */
enum {
	SIM_ERROR = -1,   /* err is set; the machine stops */
	SIM_OK = 0,       /* the reference was served */
	SIM_KILLED = 1,   /* it was a segfault: the process is dead */
};

/* The policy's description of the current reference: page vpn of rec. */
static inline struct policy_ref sim_ref(const struct sim *s, const struct trace_rec *rec, uint64_t vpn)
{
	return (struct policy_ref){
		.now = s->now,
		.next_use = s->policy->needs_future ? s->cfg.future[s->now & (s->cfg.future_ring - 1)]
						    : POLICY_NEVER,
		.page = vpn,
		.pid = rec->pid,
		.write = rec->op == OP_WRITE,
	};
}

/* Frames holding pages (not free, not page tables). */
static inline uint32_t sim_resident_frames(const struct sim *s)
{
	return s->ft.count - s->ft.nfree - (uint32_t)s->tables_charged;
}

/* Bring stats.space_time up to reference now: the references since the
 * last mark held what is resident now. Called before every change of the
 * resident count (never on a hit), so each reference counts the frames
 * resident when it was served (sim.c's essay, "Resident set"). */
static inline void sim_resident_mark(struct sim *s)
{
	s->stats.space_time += (uint64_t)sim_resident_frames(s) * (s->now - s->resident_since);
	s->resident_since = s->now;
}

/* Home slot of pid in a process table of mask + 1 slots. */
static inline size_t sim_proc_home(uint32_t pid, size_t mask)
{
	return (pid * 0x9e3779b1u) & mask;
}

/* pid's process, or NULL. Inline: the replay looks it up at every switch
 * of process, and local scope at every touch (sim_state_of). */
static inline struct proc *sim_proc_find(const struct sim *s, uint32_t pid)
{
	size_t mask = s->proc_slots - 1;

	if (s->proc_slots == 0)
		return NULL;
	for (size_t i = sim_proc_home(pid, mask); s->procs[i] != NULL; i = (i + 1) & mask)
		if (s->procs[i]->pid == pid)
			return s->procs[i];
	return NULL;
}

/* The policy instance that holds frame f (in use): the machine's, or
 * with local scope that of the process that admitted it. */
static inline void *sim_state_of(const struct sim *s, uint32_t f)
{
	if (!s->cfg.vm.scope_local)
		return s->policy_state;
	return sim_proc_find(s, s->ident[f].pid)->policy_state;
}

/* Tell frame f's policy of a reference to it (policies with touch()). */
static inline void sim_touch(struct sim *s, uint32_t f, const struct policy_ref *ref)
{
	if (s->touch != NULL)
		s->touch(sim_state_of(s, f), f, ref);
}

/* ---- sim_proc.c (calls no other sim*.c file) ---- */

/* Find pid's process, creating it (live, anonymous) when absent; NULL
 * when memory is short. */
struct proc *sim_proc(struct sim *s, uint32_t pid);
/* A zeroed block of the state_size() policy asks for with pcfg (*asked
 * bytes), or NULL when that is more than SIM_MAX_POLICY_STATE or memory is
 * short. */
void *sim_policy_alloc(const struct policy *policy, const struct policy_config *pcfg, size_t *asked);
/* Local scope: give p a fresh policy instance (ticking from now). False
 * when memory is short. */
bool sim_proc_instance(struct sim *s, struct proc *p);
/* Free every process and the table (sim_destroy). */
void sim_procs_free(struct sim *s);
/* "FILE:LINE" (or "FILE: record N", or "record N") of record i of the
 * current batch, into buf. */
void sim_where(const struct sim *s, size_t i, char *buf, size_t len);
/* Set err to "WHERE: " + the formatted reason, for record i; returns -1. */
int sim_trace_error(struct sim *s, size_t i, struct ps_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- sim_mm.c (calls sim_proc.c) ---- */

/* Serve a reference of live process p to page vpn whose PTE is pte and
 * which is not a plain hit (not present, or a write to a PTE without W).
 * rec is the record, i its index in the batch. */
int sim_fault(struct sim *s, struct proc *p, pte_t *pte, uint64_t vpn, const struct trace_rec *rec,
	      size_t i, struct ps_error *err);
/* Make the side tables of the VM model (idempotent). */
bool sim_vm_tables(struct sim *s);
/* The mapping of pte leaves frame f; a frame left unmapped is freed (the
 * policy forgets it). With write_back (the mapping is a shared file
 * mapping), a dirty page-cache page is first written to its file. */
void sim_unmap_frame(struct sim *s, uint32_t f, pte_t *pte, bool write_back);
/* The page tables' mover (pagetable.h, pt_walk): the present PTE at from
 * now lives at to; the reverse map follows it. */
void sim_pte_moved(void *machine, pte_t *from, pte_t *to);
/* Add a mapping of frame f (in use). False when memory is short. */
bool sim_map_more(struct sim *s, uint32_t f, pte_t *pte, uint64_t vpn, uint32_t pid);
/* Drop the TLB entry of (pid, vpn), counting a shootdown if there was one. */
void sim_shootdown(struct sim *s, uint32_t pid, uint64_t vpn);
/* Charge frames for page tables p gained (count_page_tables). */
int sim_charge_tables(struct sim *s, struct proc *p, struct ps_error *err);
/* Release every page of p and its page tables (exit, and kill). */
void sim_teardown(struct sim *s, struct proc *p);
/* Unmap pages [start, end) of p (all inside mapping m, which stays). */
void sim_unmap_range(struct sim *s, struct proc *p, uint64_t start, uint64_t end);
/* The file id of an interned file name (adding it); 0 when memory is short. */
uint32_t sim_file_id(struct sim *s, const char *file);

/* Variable space: release the frames policy instance state (of process
 * owner with local scope, else NULL) gives up through shed(now), each
 * evicted as a victim and freed. Returns 0, or -1 with err set (a bad
 * frame from the policy, swap full). */
int sim_shed(struct sim *s, struct proc *owner, void *state, struct ps_error *err);

/* Local scope: hand the frames process p's instance holds, still mapped
 * by others, to the instances of their first mappings (p is going). */
void sim_hand_over(struct sim *s, struct proc *p);

/* ---- sim_events.c (calls sim_mm.c, sim_proc.c) ---- */

/* Act on event record i of the current batch. */
int sim_event(struct sim *s, const struct trace_rec *rec, size_t i, struct ps_error *err);

#endif
