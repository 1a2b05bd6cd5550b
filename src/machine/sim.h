/*
 * sim.h - one simulated machine: page tables, frames, swap and a
 * replacement policy, fed with trace records. See sim.c for the model.
 */
#ifndef PAGESIM_SIM_H
#define PAGESIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/trace.h"
#include "trace/trace_event.h"
#include "policies/policy.h"

/* The swap device's capacity unless told otherwise: 2^32 pages, 16 TiB of
 * 4 KiB pages (its bitmap grows only as slots are used). */
#define SIM_DEFAULT_SWAP_SLOTS (1ULL << 32)

/* The most state one policy instance may ask for (state_size): 1 GiB.
 * More is refused, naming the policy and what it asked for. */
#define SIM_MAX_POLICY_STATE (1ULL << 30)

/* The options of the VM model (sim.c's essay), all off/0 by default: a
 * zeroed struct is the classic machine. An experiment file or pagesim
 * run's command line sets them (experiment.h, struct exp_machine). */
struct vm_options {
	bool strict;            /* processes without declared segments may touch
				   nothing (every access is a segfault) */
	uint64_t stack_gap;     /* a fault at most this many bytes below a stack's
				   bottom grows it (0: SIM_DEFAULT_STACK_GAP) */
	uint32_t tlb_entries;   /* 0: no TLB */
	uint32_t tlb_ways;      /* associativity (0: tlb.h's default) */
	bool tlb_flush_on_switch; /* flush the TLB on a process switch (no ASIDs) */
	bool no_shootdown;      /* clearing an accessed bit leaves the TLB entry */
	bool count_page_tables; /* page-table pages occupy pinned frames */
	bool by_segment;        /* keep per-process, per-segment counters
				   (sim_segments) */
	bool by_process;        /* keep them (as by_segment), and each process's
				   mean resident set (sim_processes) */
	bool scope_local;       /* local replacement: a process evicts only its own
				   pages, each process has its own policy instance */
	uint32_t local_quota;   /* scope_local: most frames a process may hold
				   (0: no quota) */
	uint8_t local_alloc;    /* scope_local: enum local_alloc, the share of
				   frames each process is entitled to */
};

/* Local scope's frame allocation (sim.c, "Replacement scope"). */
enum local_alloc {
	LOCAL_ALLOC_EQUAL = 0,    /* every live process an equal share */
	LOCAL_ALLOC_PROPORTIONAL, /* shares proportional to the pages touched */
};

struct sim_config {
	const struct policy *policy;
	const double *policy_params; /* the policy's parameter values (see
					policy_config.params); NULL: defaults */
	uint32_t frames;      /* physical frames, >= 1 */
	unsigned page_shift;  /* log2 of the page size, 8..30 */
	unsigned va_bits;     /* 32 (x86-32 two-level tables) or 48 (four-level) */
	uint64_t swap_slots;  /* capacity of the swap device, in pages */
	uint64_t seed;        /* handed to the policy */
	bool span_pages;      /* an access crossing a page boundary touches every
				 page it covers (true) or only its first (false) */
	/* For policies with needs_future: next_use[i] is the index of the next
	 * page reference to the page of reference i (POLICY_NEVER if none);
	 * future_len references are covered. See future.h. */
	const uint64_t *future;
	uint64_t future_len;
	/* 0: future is that whole array. Else a power of two: future is a ring
	 * of future_ring entries, next_use[i] at future[i & (future_ring - 1)],
	 * which the caller keeps filled just ahead of the replay (sweep.c's
	 * streaming look-ahead; future_len is then UINT64_MAX). */
	uint64_t future_ring;

	/* The VM model's options (sim.c's essay); all off/0 by default. */
	struct vm_options vm;
};

/* A stack grows on a fault at most this far below its bottom: 64 KiB. */
#define SIM_DEFAULT_STACK_GAP (64ULL << 10)

/* Counters, all exact. A "reference" is one page touched by one access:
 * refs == reads + writes + fetches == hits + faults. */
struct sim_stats {
	uint64_t refs, reads, writes, fetches;
	uint64_t distinct_pages;  /* (process, page) pairs whose first touch faulted;
				     pages a child inherits at fork are not
				     counted again for the child */
	uint64_t hits, faults;
	uint64_t zero_fills;      /* faults served with a zeroed frame (no I/O) */
	uint64_t evictions;       /* pages reclaimed to make room */
	uint64_t dirty_evictions; /* ... of which were dirty (written to swap) */
	uint64_t swap_writes;     /* pages written to the swap device */
	uint64_t swap_reads;      /* pages read back from the swap device */

	/* The VM model. faults == zero_fills + file_reads + swap_reads +
	 * minor_faults + cow_copies + cow_reuses; evictions == clean
	 * evictions + dirty_evictions, and dirty_evictions == evictions that
	 * wrote to swap (swap_writes) + file_writebacks. */
	uint64_t file_reads;      /* faults that read the page from its file */
	uint64_t minor_faults;    /* faults that found the page already in a frame
				     (a page-cache page, a shared swap slot) */
	uint64_t cow_copies;      /* writes to a copy-on-write page that copied it */
	uint64_t cow_reuses;      /* ... by its last sharer, which just made it writable */
	uint64_t stack_growths;   /* zero-fill faults below a stack that grew it */
	uint64_t segfaults;       /* invalid accesses; each kills its process */
	uint64_t ignored_refs;    /* references of killed processes, not replayed */
	uint64_t file_writebacks; /* evictions of dirty shared file pages (to the file) */
	uint64_t file_writes;     /* all page writes to files: file_writebacks plus
				     those at munmap and exit */
	uint64_t tlb_hits, tlb_misses;
	uint64_t tlb_shootdowns;  /* TLB entries invalidated by a change of their PTE */
	uint64_t pt_frames;       /* frames holding page tables at the end
				     (count_page_tables) */
	uint64_t resident;        /* frames holding pages at the end */
	uint64_t processes;       /* processes that ever existed */
	uint64_t space_time;      /* frames holding pages, summed over page
				     references (served, ignored and segfaulting
				     ones); see sim.c's essay, "Resident set" */
};

/* Every counter of struct sim_stats, in order: X(field) for each. The
 * assertions below make sure the list names each field once, so code
 * built on it (sim_stats_add, sim_stats_sub) covers a counter added
 * later, or fails to compile until the list has it. */
#define SIM_STATS_COUNTERS(X)                                                                    \
	X(refs) X(reads) X(writes) X(fetches) X(distinct_pages) X(hits) X(faults) X(zero_fills)   \
	X(evictions) X(dirty_evictions) X(swap_writes) X(swap_reads) X(file_reads)               \
	X(minor_faults) X(cow_copies) X(cow_reuses) X(stack_growths) X(segfaults)                \
	X(ignored_refs) X(file_writebacks) X(file_writes) X(tlb_hits) X(tlb_misses)              \
	X(tlb_shootdowns) X(pt_frames) X(resident) X(processes) X(space_time)

/* The index of each counter in the list: SIM_STAT_refs, ... */
enum sim_stat_index {
#define SIM_STAT_INDEX(field) SIM_STAT_##field,
	SIM_STATS_COUNTERS(SIM_STAT_INDEX)
#undef SIM_STAT_INDEX
	SIM_STATS_N
};

/* Field k of the list is the k-th uint64_t of the struct, and there are
 * no others. */
_Static_assert(sizeof(struct sim_stats) == SIM_STATS_N * sizeof(uint64_t),
	       "struct sim_stats has a field SIM_STATS_COUNTERS does not list");
#define SIM_STAT_PLACED(field)                                                                   \
	_Static_assert(offsetof(struct sim_stats, field) == SIM_STAT_##field * sizeof(uint64_t), \
		       "SIM_STATS_COUNTERS is out of the struct's order at " #field);
SIM_STATS_COUNTERS(SIM_STAT_PLACED)
#undef SIM_STAT_PLACED

/* dst += src, counter by counter (every counter of SIM_STATS_COUNTERS). */
static inline void sim_stats_add(struct sim_stats *dst, const struct sim_stats *src)
{
#define SIM_STAT_ADD(field) dst->field += src->field;
	SIM_STATS_COUNTERS(SIM_STAT_ADD)
#undef SIM_STAT_ADD
}

/* dst -= src, counter by counter (every counter of SIM_STATS_COUNTERS;
 * unsigned: a counter of src above dst's wraps around). */
static inline void sim_stats_sub(struct sim_stats *dst, const struct sim_stats *src)
{
#define SIM_STAT_SUB(field) dst->field -= src->field;
	SIM_STATS_COUNTERS(SIM_STAT_SUB)
#undef SIM_STAT_SUB
}

struct sim;

/* Called for every eviction, before the victim's PTE is invalidated. */
typedef void sim_evict_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn,
			    bool dirty);

/* Build a machine for cfg. Returns NULL with err set when cfg is invalid
 * (no policy, frames 0, page size out of range, a needs_future policy
 * without a future) or memory is short. */
struct sim *sim_create(const struct sim_config *cfg, struct ps_error *err);

/* Are a and b the same options? Field by field (padding is not compared):
 * a field added to struct vm_options must be added there too. */
bool vm_options_equal(const struct vm_options *a, const struct vm_options *b);

/* Replay n records in order. Returns 0, or -1 with err set when the
 * machine cannot go on (swap device full, out of memory, the future array
 * is shorter than the trace); the counters then describe everything up to
 * the failing reference, and every later call fails with the same error. */
int sim_feed(struct sim *s, const struct trace_rec *recs, size_t n, struct ps_error *err);

/* sim_feed for a batch that may hold events (OP_EVENT records, looked up
 * in b->events) and knows where each record was read (b->lines), so that
 * trace errors and segfault reports name "FILE:LINE". Event errors (an
 * overlapping mmap, a fork of an unknown process, ...) fail the machine
 * like any other error. */
int sim_feed_batch(struct sim *s, const struct trace_batch *b, struct ps_error *err);

/* One segmentation fault, as kept for the report (the first
 * SIM_SEGFAULTS_KEPT of a run). */
#define SIM_SEGFAULTS_KEPT 16
struct sim_segfault {
	char where[PS_ERROR_MAX]; /* "FILE:LINE" or "FILE: record N" */
	uint32_t pid;
	uint64_t addr;
	uint8_t op;               /* enum access_op */
	char why[96];             /* "write to read-only segment code", "no segment" */
};

/* A process's resident set over its life (by_process): the frames its
 * PTEs map, averaged over the references replayed from its creation (its
 * first record, or its fork) to its exit or kill (or the end). A pid used
 * again after an exit continues its row, its life counted from the first
 * creation. */
struct sim_process_rss {
	uint32_t pid;
	double mean_resident;
	uint64_t resident;  /* frames its PTEs map now */
	uint64_t lifetime;  /* references replayed in its life */
};

/* The processes' resident sets (by_process), by pid: a malloc'd array of
 * *n rows the caller frees; NULL with *n = 0 when there is none or memory
 * is short. */
struct sim_process_rss *sim_processes(const struct sim *s, size_t *n);

/* The counters of struct sim_stats that a fault adds to and the
 * per-segment breakdown keeps, under the same names: X(field) for each. */
#define SIM_SEGMENT_FAULT_COUNTERS(X)                                                     \
	X(faults) X(zero_fills) X(file_reads) X(swap_reads) X(minor_faults) X(cow_copies) \
	X(cow_reuses) X(stack_growths) X(segfaults)

/* Counters of one mapping of one process (by_segment): the faults served
 * in it and the evictions of its pages (a frame's first mapping). Hits
 * are not broken down. Segfaults are counted under the mapping written
 * to, or under "-" for an address in no mapping. */
struct sim_segment_stats {
	uint32_t pid;
	char name[96];           /* "code", "heap", "mmap data.bin", "mmap anon",
				    "anon" (a process without mappings), "-" */
	/* faults, zero_fills, file_reads, swap_reads, minor_faults,
	 * cow_copies, cow_reuses, stack_growths, segfaults: what the faults
	 * in this mapping added to those counters of struct sim_stats. */
#define SIM_SEGMENT_FIELD(field) uint64_t field;
	SIM_SEGMENT_FAULT_COUNTERS(SIM_SEGMENT_FIELD)
#undef SIM_SEGMENT_FIELD
	uint64_t evictions, dirty_evictions, file_writebacks;
};

/* The per-segment counters (by_segment; *n of them, in order of first
 * appearance), valid until the next sim_feed or sim_destroy. */
const struct sim_segment_stats *sim_segments(const struct sim *s, size_t *n);

/* The segfaults kept so far (*n of them, at most SIM_SEGFAULTS_KEPT). */
const struct sim_segfault *sim_segfaults(const struct sim *s, size_t *n);

/* Copy the counters into out. */
void sim_get_stats(const struct sim *s, struct sim_stats *out);

/* Observe evictions (tests, debugging); NULL hook turns it off. */
void sim_set_evict_hook(struct sim *s, sim_evict_hook *hook, void *ctx);

/* The policy's state block (tests and debugging only). */
void *sim_policy_state(struct sim *s);

/* Free the machine. NULL is ignored. */
void sim_destroy(struct sim *s);

#endif
