/*
 * policy_harness.h - the fake machine the policy tests drive one policy
 * instance on (check_policies*.c), and a replay of reference strings.
 *
 * The harness plays the core's part of policies/policy.h: it owns the
 * frames and their accessed and dirty bits, allocates the state block
 * zeroed, and calls admit / touch / evict / evict_for / forget / tick as
 * the core does. It is strict: the test fails when a policy names a victim
 * that is out of range or not resident, or asks the host about a frame
 * that is not resident (the real host asserts the same).
 *
 * Time: now is the index of the next reference. A fault or a hit is served
 * at now and then moves it on by one; evict() runs at the time of the
 * fault it serves (before the admit() that follows), so host->now there
 * is the faulting reference's.
 */
#ifndef PAGESIM_POLICY_HARNESS_H
#define PAGESIM_POLICY_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policies/policy.h"

#define PH_MAX_FRAMES 256
#define PH_HIT (-1)  /* ph_ref: the page was resident */
#define PH_FREE (-2) /* ph_ref: a fault that took a free frame */

struct policy_harness {
	const struct policy *policy;
	struct policy_host host;
	struct policy_config cfg;
	double params[POLICY_MAX_PARAMS];
	void *state;
	uint32_t frames;
	uint64_t now;	      /* the reference being served (host->now) */
	bool no_bits;	      /* reading any hardware bit fails the test */
	bool plain_evict;     /* ph_ref: evict() even when evict_for() exists */
	unsigned bit_reads;   /* calls of accessed() and test_and_clear_accessed() */
	unsigned dirty_reads; /* calls of dirty() */
	uint32_t last_victim; /* ph_ref: the frame of its last eviction */
	bool resident[PH_MAX_FRAMES];
	bool accessed[PH_MAX_FRAMES];
	bool dirty[PH_MAX_FRAMES];
	uint32_t pid_in[PH_MAX_FRAMES];
	uint64_t page_in[PH_MAX_FRAMES];
};

/* Start policy with frames frames and the given seed on a fresh machine at
 * time 0. params lists every parameter's value in declaration order (NULL:
 * the declared defaults). The state block is zeroed, as the core does. */
void ph_open_full(struct policy_harness *h, const struct policy *policy, uint32_t frames,
		  const double *params, uint64_t seed);
/* ph_open_full() with seed 1. */
void ph_open(struct policy_harness *h, const struct policy *policy, uint32_t frames, const double *params);
/* ph_open_full() with the default parameters. */
void ph_open_seeded(struct policy_harness *h, const struct policy *policy, uint32_t frames, uint64_t seed);
/* Free the policy state. */
void ph_close(struct policy_harness *h);

/* Load ref's page into free frame as a fault at the current time does (A
 * set, D = ref.write), admit() it, then advance the clock. ref.now is
 * filled in. */
void ph_admit_ref(struct policy_harness *h, uint32_t frame, struct policy_ref ref);
/* Fault page of process 1 into free frame (a read, no known next use). */
void ph_admit(struct policy_harness *h, uint32_t frame, uint64_t page);
/* Fault page of process pid into free frame. */
void ph_admit_pid(struct policy_harness *h, uint32_t frame, uint32_t pid, uint64_t page);
/* Fault into free frame the page numbered as the frame, a write or not. */
void ph_admit_write(struct policy_harness *h, uint32_t frame, bool write);
/* Fault into free frame the page numbered as the frame, next used at
 * next_use. */
void ph_admit_next(struct policy_harness *h, uint32_t frame, uint64_t next_use);

/* Reference the page in resident frame again as a hit at the current time
 * does (A set, D set for a write), touch() it, then advance the clock. */
void ph_hit_ref(struct policy_harness *h, uint32_t frame, bool write, uint64_t next_use);
/* A read hit on frame with no known next use. */
void ph_hit(struct policy_harness *h, uint32_t frame);
/* A hit on frame, a write or not. */
void ph_hit_write(struct policy_harness *h, uint32_t frame, bool write);
/* A read hit on frame, next used at next_use. */
void ph_hit_next(struct policy_harness *h, uint32_t frame, uint64_t next_use);

/* Ask evict() for a victim at the current time; it must be resident, and
 * is then free (its bits are left as they were: a test may look at them). */
uint32_t ph_evict(struct policy_harness *h);
/* Free resident frame behind the policy's back (the core's forget()). */
void ph_forget(struct policy_harness *h, uint32_t frame);
/* forget() the frame of resident page of process 1. */
void ph_forget_page(struct policy_harness *h, uint64_t page);
/* Run tick() at time now (the clock moves there); returns the time of the
 * next tick, which must be later. */
uint64_t ph_tick(struct policy_harness *h, uint64_t now);
/* Set the bits of resident frame f: A and D. */
void ph_bits(struct policy_harness *h, uint32_t f, bool accessed, bool dirty);
/* Set every frame's accessed bit to value. */
void ph_set_all_bits(struct policy_harness *h, bool value);

/* Reference (pid, page) as the core does: a hit calls touch(); a fault
 * takes the lowest free frame, else asks evict_for() (or evict()) for a
 * victim, which must be resident, then admit()s into it. Returns PH_HIT,
 * PH_FREE or the victim's page. */
int64_t ph_ref_full(struct policy_harness *h, uint32_t pid, uint64_t page, uint64_t next_use);
/* ph_ref_full() with no known next use. */
int64_t ph_ref_pid(struct policy_harness *h, uint32_t pid, uint64_t page);
/* ph_ref_pid() for a page of process 1. */
int64_t ph_ref(struct policy_harness *h, uint64_t page);
/* Reference pages[i] in turn; the result of each must be want[i]. */
void ph_play(struct policy_harness *h, const uint64_t *pages, const int64_t *want, size_t n);

/* Run script, a scenario of space-separated steps, on h; a step whose
 * check fails fails the test, naming the case name, the step's number and
 * its text. Steps on frames (page = a capital letter, 'A' = 65):
 *   A0     fault page A of process 1 into free frame 0 (ph_admit());
 *          2:A0 does so for process 2
 *   h0     a read hit on frame 0 (ph_hit())
 *   e0     evict(): the victim must be frame 0; e* takes any victim
 *   f0     forget() frame 0 (ph_forget())
 *   +0 -0  frame 0's accessed bit must be set / clear
 * Steps as the core references pages (ph_ref_pid(), page = a number):
 *   7F     page 7 of process 1 faults into a free frame; 2:7F, process 2
 *   7H     page 7 is a hit
 *   7>3    page 7 faults and page 3 is the victim
 *   x7     forget() page 7 of process 1 (ph_forget_page()) */
void ph_script(struct policy_harness *h, const char *name, const char *script);

/* One scripted scenario, a row of a test's table of cases. */
struct ph_case {
	const char *name;
	const struct policy *policy;
	uint32_t frames;
	const double *params; /* NULL: the declared defaults */
	const char *script;   /* ph_script() steps */
};

/* Run case c on a fresh instance (ph_open()) with h.no_bits = no_bits and
 * h.plain_evict = plain_evict: play its script, then close. */
void ph_run_case(const struct ph_case *c, bool no_bits, bool plain_evict);

/* next_use[i] = index of the next reference to pages[i], or POLICY_NEVER;
 * pages must be < 4096. The caller frees the result. */
uint64_t *ph_next_uses(const uint64_t *pages, size_t n);

struct ph_replay_result {
	uint64_t faults;
	uint64_t evictions;
	uint32_t victim_frame[64]; /* the first 64 victims */
	uint64_t victim_page[64];
};

/* Play pages (all < 4096) through policy with frames frames and seed 1,
 * with their next uses, as the core is specified to (ph_ref_full());
 * count faults and evictions and record the first 64 victims. */
void ph_replay(const struct policy *policy, uint32_t frames, const uint64_t *pages, size_t n,
	       struct ph_replay_result *out);

#endif
