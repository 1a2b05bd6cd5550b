/*
 * policy.h - the interface between the simulated machine and a
 * page-replacement policy.
 *
 * A policy only *chooses*. The core owns the frames, the page tables and
 * the swap device; it does all the bookkeeping of an eviction (invalidate
 * the PTE, write a dirty page to swap, count). A policy sees frames as
 * numbers 0..frames-1 and reads the hardware bits through the narrow
 * struct policy_host view, as a kernel reads them through its frame table.
 *
 * Life of a frame, as the policy hears of it:
 *   admit(f)   a page was just loaded into frame f (a free frame, or the
 *              frame the policy itself returned from evict()).
 *   touch(f)   the page in f was referenced again (a hit). Optional: a
 *              policy that reads accessed bits leaves it NULL and the hit
 *              path then costs no call at all.
 *   evict()    every frame is in use: return the frame to reclaim. It must
 *              be resident (admitted and not yet evicted or forgotten), and
 *              the policy drops it from its own bookkeeping. (evict_for()
 *              is the same, told which page is coming in.)
 *   forget(f)  the core freed frame f for its own reasons (a process
 *              exited, a range was unmapped); drop it.
 *   tick(now)  optional periodic work (aging counters, clearing bits):
 *              called before reference number 0 and then whenever the
 *              reference count reaches the time tick() last returned.
 *   shed(now)  optional, after tick(now) and after each fault: frames
 *              the policy gives up unasked (variable-space policies).
 *
 * Accessed bits: the faulting access sets the accessed bit of the page it
 * brings in, and every later reference sets it again, so a policy that
 * clears bits sees a just-admitted page as referenced.
 *
 * A policy's state is one block of state_size() bytes, zeroed and owned by
 * the core; policies keep no globals, so any number of instances can run
 * at once (one per simulated cell).
 *
 * What the core promises a policy:
 *  - The state block never moves: it is allocated once, before init(),
 *    and freed after the last call, never copied or reallocated, so a
 *    policy may keep pointers into its own block (arc, 2q and s3-fifo
 *    do: their lists link entries of the block).
 *  - One instance is called from one thread at a time, and its calls
 *    follow the life of a frame above: a frame number is always below
 *    cfg->frames; admit(f) only for a frame not resident in this
 *    instance; touch(f) and forget(f) only for a resident one; evict()
 *    only when every frame of the instance is resident. With a local
 *    scope (--scope local) each process has its own instance and frames
 *    are numbered machine-wide, so an instance sees only its own subset.
 *  - The host calls are valid for any frame below cfg->frames during any
 *    call of this instance.
 * What a policy promises the core:
 *  - evict() (or evict_for()) returns a resident frame of this instance
 *    and has dropped it. Any other answer is a bug of the policy: the
 *    core checks it and stops that run (that cell of a sweep) with an
 *    error naming the policy and the frame; the other cells go on.
 *  - It keeps no state outside its block and no pointer to the core's
 *    structures beyond cfg->host, and reads the seed only from cfg.
 *
 * Versioning: abi must be PAGESIM_POLICY_ABI. New slots are only ever
 * added at the end of these structs, and the number goes up when they are.
 * A plug-in built for an older version down to PAGESIM_POLICY_ABI_OLDEST
 * still loads: its descriptor is copied into a current one whose newer
 * slots are NULL.
 *
 * Out-of-tree policies: a plug-in is a shared object, built against this
 * header as installed (#include <pagesim/policy.h>; `pkg-config --cflags
 * pagesim`), that exports a NULL-terminated array of its descriptors:
 *     const struct policy *const pagesim_plugin_policies[] = { &mine, NULL };
 * `pagesim run --plugin ./mine.so --policy mine` loads it. pagesim refuses
 * the whole plug-in (exit 2, one line) if any policy has another abi, a
 * name that is not kebab-case or is already taken, or lacks state_size,
 * init, admit, forget, or both evict and evict_for. A plug-in needs no
 * symbol from pagesim; policies/example-plugin/ is a complete one.
 */
#ifndef PAGESIM_POLICY_H
#define PAGESIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGESIM_POLICY_ABI 5
/* The oldest interface version pagesim still loads: a plug-in built for
 * version 2 lacks shed (version 3), describe (version 4) and
 * touch_orders_only (version 5), one built for version 3 lacks the last
 * two, one for version 4 the last; the loader gives it NULL and false
 * ones (policies/plugin.c). */
#define PAGESIM_POLICY_ABI_OLDEST 2

/* shed()'s answer when there is no frame to release now. */
#define POLICY_NO_FRAME UINT32_MAX

/* next_use value of a page that is never referenced again. */
#define POLICY_NEVER UINT64_MAX

/* The machine as a policy may see it. All calls are cheap and never fail
 * for a frame number below frames. */
struct policy_host {
	void *machine;
	/* Is the accessed bit of the page in frame set? */
	bool (*accessed)(void *machine, uint32_t frame);
	/* Return the accessed bit of the page in frame, and clear it. */
	bool (*test_and_clear_accessed)(void *machine, uint32_t frame);
	/* Is the page in frame dirty (written since it was last clean)? */
	bool (*dirty)(void *machine, uint32_t frame);
	/* Virtual time: the index of the page reference being served (the
	 * number of references before it). */
	uint64_t (*now)(void *machine);
};

/* A numeric parameter a policy accepts, set by users as
 * `--policy NAME:KEY=VALUE[:KEY=VALUE...]` or in experiment files. */
struct policy_param {
	const char *name; /* kebab-case key: "bits" */
	const char *help; /* one line */
	double def;       /* default value */
	double min, max;  /* accepted range, inclusive */
	bool integer;     /* the value must be a whole number */
};

struct policy_config {
	uint32_t frames;                /* frames under this policy's control, >= 1 */
	uint64_t seed;                  /* for randomised policies */
	const struct policy_host *host; /* the machine view */
	/* One value per entry of the policy's params[], in that order, each
	 * within its range (defaults where the user set none); NULL when the
	 * policy has no parameters. */
	const double *params;
};

/* One page reference, as given to admit() and touch(). */
struct policy_ref {
	uint64_t now;      /* index of this page reference in the replay, from 0 */
	uint64_t next_use; /* index of the next reference to the same page, or
			      POLICY_NEVER; only filled in for needs_future */
	uint64_t page;     /* virtual page number */
	uint32_t pid;      /* owning process */
	bool write;        /* the reference writes the page */
};

struct policy_viewer; /* below: what describe() sends its view through */

struct policy {
	unsigned abi;        /* PAGESIM_POLICY_ABI */
	const char *name;    /* kebab-case, as users type it: "second-chance" */
	const char *summary; /* one line for `pagesim policies` */
	/* Wants next_use: the core looks ahead in the trace. By convention, a
	 * parameter named "window" bounds how far: with a value N >= 1 the
	 * policy promises never to tell a next use N or more references ahead
	 * from POLICY_NEVER, and the core may then hand it POLICY_NEVER for
	 * those (it streams the trace with an N-reference look-ahead instead
	 * of reading it twice). Absent, or 0: the whole trace's next uses. */
	bool needs_future;

	/* Bytes of private state for cfg (the core allocates them zeroed); at
	 * most 1 GiB, or the run stops with an error naming the policy. */
	size_t (*state_size)(const struct policy_config *cfg);
	/* Initialise state for cfg; no frame is in use yet. */
	void (*init)(void *state, const struct policy_config *cfg);
	/* A page was loaded into frame (see above). */
	void (*admit)(void *state, uint32_t frame, const struct policy_ref *ref);
	/* The page in frame was referenced again; may be NULL. */
	void (*touch)(void *state, uint32_t frame, const struct policy_ref *ref);
	/* All frames are in use: choose the frame to reclaim and drop it. */
	uint32_t (*evict)(void *state);
	/* The core freed frame; drop it from the policy's bookkeeping. */
	void (*forget)(void *state, uint32_t frame);
	/* Parameters, ended by an entry with a NULL name; NULL if none. At
	 * most POLICY_MAX_PARAMS. */
	const struct policy_param *params;
	/* Periodic work at virtual time now; returns the time of the next call
	 * (> now), or POLICY_NEVER. NULL: the policy needs no ticks. */
	uint64_t (*tick)(void *state, uint64_t now);
	/* As evict(), for policies whose choice depends on the page about to
	 * come in (ARC asks whether it is a ghost): when non-NULL the core
	 * calls this instead of evict(), with the reference that faulted; that
	 * page's admit() follows at once. NULL: the core calls evict(). */
	uint32_t (*evict_for)(void *state, const struct policy_ref *incoming);
	/* The policy draws from cfg->seed: experiments repeat it once per
	 * seed (a policy that ignores the seed runs once). */
	bool uses_seed;
	/* A hint, never a decision (added in interface version 2): a frame
	 * evict() will soon return, so the core can fetch what eviction
	 * touches while the replay goes on. The core asks after each admit()
	 * once memory is full and fetches in two steps (the frame's entry,
	 * then, at the next reference, its PTE), each a cache miss when
	 * memory is large. The victim after next is a good answer; one a few
	 * evictions further ahead can hide more where faults come every
	 * other reference or so, if the policy finds it cheaply (fifo looks 4
	 * ahead). Any resident frame is a valid answer, and a value >= frames
	 * is ignored; the core only prefetches. NULL: no hint. */
	uint32_t (*peek)(const void *state);
	/* Variable space (added in interface version 3; ws, pff and vmin):
	 * release frames without an eviction request. Called right after each
	 * tick(now), before reference now is served, and at the end of each
	 * fault (after its admit()), never on a hit: return a resident frame
	 * of this instance to release, having dropped it as evict() does, or
	 * POLICY_NO_FRAME. The core evicts it
	 * exactly as a victim (a dirty page is written to swap or to its file;
	 * it counts in evictions), frees the frame, and asks again until
	 * POLICY_NO_FRAME. cfg->frames is then only an upper bound: a fault
	 * with every frame in use still calls evict(). NULL: the policy gives
	 * frames up only when asked (fixed space), at no cost to the replay. */
	uint32_t (*shed)(void *state, uint64_t now);
	/* Show the state (added in interface version 4), for `pagesim
	 * explain`: call v->list() for each of the policy's lists, in the
	 * order it reads them, then v->item() for each entry, resident frames
	 * and ghosts, in the list's order (a clock's ring from frame 0, with
	 * the hand marked). May call the host's non-clearing reads (accessed,
	 * dirty), never test_and_clear_accessed; changes nothing. NULL: the
	 * core shows a frame table with the accessed and dirty bits. */
	void (*describe)(const void *state, const struct policy_viewer *v);
	/* touch() only reorders (added in interface version 5): a sequence of
	 * touch() calls with no other call between them leaves the state that
	 * only the last call for each frame, made in the same order, would
	 * leave; and touch() reads no accessed or dirty bit. lru's recency
	 * list is such: a touched frame goes to the back. The core may then
	 * serve a run of hits on two pages with two calls (src/machine/sim.c,
	 * "Repeated pages"). false: every hit calls touch(). */
	bool touch_orders_only;
};

#define POLICY_MAX_PARAMS 8

/* The most values one item of a policy's view carries. */
#define POLICY_VIEW_VALUES 3
/* policy_view_item.frame of a ghost: a page the policy remembers, not in
 * memory. */
#define POLICY_VIEW_GHOST UINT32_MAX

/* One entry of a policy's view of its state (describe). */
struct policy_view_item {
	uint32_t frame;   /* a resident frame (the core names its page), or
			     POLICY_VIEW_GHOST */
	uint32_t pid;     /* a ghost's identity, as policy_ref gave it; */
	uint64_t page;    /*   ignored for a resident frame */
	bool mark;        /* the position the policy acts at next: a clock's
			     hand */
	unsigned nvalues; /* how many of key/value are set, <= POLICY_VIEW_VALUES */
	const char *key[POLICY_VIEW_VALUES]; /* short names: "A", "next", "age" */
	uint64_t value[POLICY_VIEW_VALUES];  /* POLICY_NEVER prints as "never" */
};

/* Where a policy's describe() sends its view. The core formats it (text,
 * CSV, JSON) and owns every string only for the length of the call. */
struct policy_viewer {
	void *ctx;
	/* Begin a list: its name says its order ("queue head..tail"). */
	void (*list)(void *ctx, const char *name);
	/* The next item of the current list. */
	void (*item)(void *ctx, const struct policy_view_item *item);
};

#endif
