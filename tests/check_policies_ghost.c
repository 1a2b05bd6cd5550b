/*
 * check_policies_ghost.c - pagemap.h (pagemap, ghostq) and the policies
 * that remember evicted pages: 2q, arc and s3-fifo.
 *
 * Three layers:
 *  1. pagemap and ghostq on their own: filled to capacity, emptied and
 *     refilled, and long random runs checked step by step against a
 *     brute-force model (and, for the map, that deletions leave no
 *     tombstones: the occupied slots are exactly the keys held).
 *  2. Policy level: each policy driven through admit / touch / evict /
 *     evict_for / forget by the shared harness (policy_harness.h), on
 *     scenarios derived by hand next to each case of a table of scripted
 *     references (ph_script()). The fake host fails the test if a policy
 *     reads a hardware bit: none of these does.
 *  3. Machine level: the real simulator (sim.h), with cfg.policy set
 *     directly: with enough frames only first touches fault; under
 *     pressure evictions == faults - frames, every victim is resident and
 *     runs repeat; and a scan-resistance known answer against LRU.
 *
 * Notation in derivations: lists oldest (or LRU) first, "->" marks what
 * an eviction remembers. Pages are those of process 1 unless a pid is
 * given.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "policy_harness.h"
#include "sim_helpers.h"
#include "policies/pagemap.h"
#include "policies/policy.h"
#include "util/rng.h"
#include "machine/sim.h"

/* Until check_suites.h declares it. */
Suite *make_policies_ghost_suite(void);

extern const struct policy policy_2q;
extern const struct policy policy_arc;
extern const struct policy policy_s3fifo;
extern const struct policy policy_lru;


/* A zeroed block of size bytes aligned as the core's calloc is. */
static void *zalloc(size_t size)
{
	void *p = calloc(1, size);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* ------------------------------------------------------------------ */
/* 1. pagemap and ghostq                                               */

/* Number of occupied slots in m: must equal its count (no tombstones). */
static uint32_t pm_occupied(const struct pagemap *m)
{
	uint32_t n = 0;

	for (uint64_t i = 0; i <= m->mask; i++)
		n += m->slot[i].value != PAGEMAP_NONE;
	return n;
}

START_TEST(test_pagemap_fill_remove_reinsert)
{
	enum { CAP = 100 };
	struct pagemap *m = pagemap_init(zalloc(pagemap_size(CAP)), CAP);

	ck_assert_uint_eq(pagemap_size(CAP) % PAGEMAP_ALIGN, 0);
	ck_assert_uint_ge(m->mask + 1, 2 * CAP);
	/* Fill: the same page number in two processes is two keys. */
	for (uint32_t i = 0; i < CAP; i++)
		pagemap_put(m, 1 + i % 2, i / 2, i);
	ck_assert_uint_eq(pagemap_count(m), CAP);
	for (uint32_t i = 0; i < CAP; i++)
		ck_assert_uint_eq(pagemap_get(m, 1 + i % 2, i / 2), i);
	ck_assert_uint_eq(pagemap_get(m, 3, 0), PAGEMAP_NONE);
	ck_assert_uint_eq(pagemap_get(m, 1, CAP), PAGEMAP_NONE);
	/* Overwriting a key does not count it twice, even when full. */
	pagemap_put(m, 1, 0, 777);
	ck_assert_uint_eq(pagemap_get(m, 1, 0), 777);
	ck_assert_uint_eq(pagemap_count(m), CAP);
	/* Remove every other key, check the rest, then all. */
	for (uint32_t i = 0; i < CAP; i += 2)
		ck_assert_uint_eq(pagemap_remove(m, 1 + i % 2, i / 2), i == 0 ? 777 : i);
	ck_assert_uint_eq(pagemap_remove(m, 1, 0), PAGEMAP_NONE);
	ck_assert_uint_eq(pagemap_count(m), CAP / 2);
	ck_assert_uint_eq(pm_occupied(m), CAP / 2);
	for (uint32_t i = 0; i < CAP; i++)
		ck_assert_uint_eq(pagemap_get(m, 1 + i % 2, i / 2), i % 2 ? i : PAGEMAP_NONE);
	for (uint32_t i = 1; i < CAP; i += 2)
		ck_assert_uint_eq(pagemap_remove(m, 1 + i % 2, i / 2), i);
	ck_assert_uint_eq(pagemap_count(m), 0);
	ck_assert_uint_eq(pm_occupied(m), 0);
	/* Reinsert different keys up to capacity again. */
	for (uint32_t i = 0; i < CAP; i++)
		pagemap_put(m, 7, (uint64_t)i << 40, CAP - i);
	for (uint32_t i = 0; i < CAP; i++)
		ck_assert_uint_eq(pagemap_get(m, 7, (uint64_t)i << 40), CAP - i);
	ck_assert_uint_eq(pagemap_count(m), CAP);
	free(m);
}
END_TEST

START_TEST(test_pagemap_tiny)
{
	struct pagemap *m = pagemap_init(zalloc(pagemap_size(1)), 1);
	struct pagemap *z = pagemap_init(zalloc(pagemap_size(0)), 0);

	pagemap_put(m, 0, UINT64_MAX, 0);
	ck_assert_uint_eq(pagemap_get(m, 0, UINT64_MAX), 0);
	ck_assert_uint_eq(pagemap_get(m, 0, 0), PAGEMAP_NONE);
	ck_assert_uint_eq(pagemap_remove(m, 0, UINT64_MAX), 0);
	pagemap_put(m, UINT32_MAX, 0, PAGEMAP_NONE - 1);
	ck_assert_uint_eq(pagemap_get(m, UINT32_MAX, 0), PAGEMAP_NONE - 1);
	ck_assert_uint_eq(pagemap_get(z, 0, 0), PAGEMAP_NONE);
	ck_assert_uint_eq(pagemap_remove(z, 0, 0), PAGEMAP_NONE);
	free(m);
	free(z);
}
END_TEST

/* The pid of key k of the brute-force models (a small universe). */
static uint32_t model_pid(uint32_t k)
{
	return k % 3;
}

/* The page of key k: spread out, yet sharing low bits with others, and
 * the same page number under several pids. */
static uint64_t model_page(uint32_t k)
{
	return (uint64_t)(k / 3) * 4096 + (k & 1);
}

/* Random put / get / remove against an array model, at a load that keeps
 * the map near full, for many operations. Checks every result, the count,
 * and that the table holds exactly count entries (backward shifts leave
 * no tombstones behind). */
START_TEST(test_pagemap_random_model)
{
	enum { CAP = 61, KEYS = 150, OPS = 400000 };
	struct pagemap *m = pagemap_init(zalloc(pagemap_size(CAP)), CAP);
	uint32_t model[KEYS];
	uint32_t count = 0;
	struct rng r;

	rng_seed(&r, 42);
	for (uint32_t k = 0; k < KEYS; k++)
		model[k] = PAGEMAP_NONE;
	for (uint32_t op = 0; op < OPS; op++) {
		uint32_t k = (uint32_t)rng_below(&r, KEYS);
		uint32_t pid = model_pid(k);
		uint64_t page = model_page(k);

		switch (rng_below(&r, 3)) {
		case 0:
			if (model[k] == PAGEMAP_NONE && count == CAP)
				break;
			count += model[k] == PAGEMAP_NONE;
			model[k] = (uint32_t)rng_below(&r, 1000000);
			pagemap_put(m, pid, page, model[k]);
			break;
		case 1:
			QUIET_ASSERT_MSG(pagemap_remove(m, pid, page) == model[k], "remove %u at op %u", k, op);
			count -= model[k] != PAGEMAP_NONE;
			model[k] = PAGEMAP_NONE;
			break;
		default:
			QUIET_ASSERT_MSG(pagemap_get(m, pid, page) == model[k], "get %u at op %u", k, op);
		}
		QUIET_ASSERT(pagemap_count(m) == count);
		if (op % 1000 == 0) {
			QUIET_ASSERT(pm_occupied(m) == count);
			for (uint32_t j = 0; j < KEYS; j++)
				QUIET_ASSERT(pagemap_get(m, model_pid(j), model_page(j)) == model[j]);
		}
	}
	ck_assert_uint_eq(pm_occupied(m), count);
	free(m);
}
END_TEST

START_TEST(test_ghostq_fifo)
{
	struct ghostq *q = ghostq_init(zalloc(ghostq_size(3)), 3);
	uint32_t pid;
	uint64_t page;

	ck_assert_uint_eq(ghostq_size(3) % PAGEMAP_ALIGN, 0);
	ck_assert(!ghostq_pop_oldest(q, &pid, &page));
	ck_assert(!ghostq_push(q, 1, 10));
	ck_assert(!ghostq_push(q, 2, 10)); /* another process's page 10 */
	ck_assert(!ghostq_push(q, 1, 11));
	ck_assert_uint_eq(ghostq_count(q), 3);
	ck_assert(ghostq_contains(q, 2, 10));
	ck_assert(!ghostq_contains(q, 3, 10));
	/* Full: pushing drops the oldest, (1, 10). */
	ck_assert(ghostq_push(q, 1, 12));
	ck_assert(!ghostq_contains(q, 1, 10));
	ck_assert_uint_eq(ghostq_count(q), 3);
	/* Remove from the middle; order of the rest is kept. */
	ck_assert(ghostq_remove(q, 1, 11));
	ck_assert(!ghostq_remove(q, 1, 11));
	ck_assert(!ghostq_push(q, 1, 10)); /* room again, nothing dropped */
	ck_assert(ghostq_pop_oldest(q, &pid, &page));
	ck_assert(pid == 2 && page == 10);
	ck_assert(ghostq_pop_oldest(q, NULL, &page));
	ck_assert_uint_eq(page, 12);
	ck_assert(ghostq_pop_oldest(q, &pid, NULL));
	ck_assert_uint_eq(pid, 1);
	ck_assert_uint_eq(ghostq_count(q), 0);
	ck_assert(!ghostq_pop_oldest(q, &pid, &page));
	/* Refill to capacity after emptying. */
	for (uint64_t i = 0; i < 3; i++)
		ck_assert(!ghostq_push(q, 5, i));
	for (uint64_t i = 0; i < 3; i++) {
		ck_assert(ghostq_pop_oldest(q, &pid, &page));
		ck_assert(pid == 5 && page == i);
	}
	free(q);
}
END_TEST

START_TEST(test_ghostq_zero_capacity)
{
	struct ghostq *q = ghostq_init(zalloc(ghostq_size(0)), 0);

	ck_assert(!ghostq_push(q, 1, 1));
	ck_assert(!ghostq_contains(q, 1, 1));
	ck_assert_uint_eq(ghostq_count(q), 0);
	ck_assert(!ghostq_remove(q, 1, 1));
	ck_assert(!ghostq_pop_oldest(q, NULL, NULL));
	free(q);
}
END_TEST

/* Random push / remove / pop against a model (an array of keys, oldest
 * first), checking membership of every key now and then and the order of
 * everything popped. */
START_TEST(test_ghostq_random_model)
{
	enum { CAP = 37, KEYS = 100, OPS = 200000 };
	struct ghostq *q = ghostq_init(zalloc(ghostq_size(CAP)), CAP);
	uint32_t model[CAP], n = 0;
	bool member[KEYS] = { false };
	struct rng r;

	rng_seed(&r, 7);
	for (uint32_t op = 0; op < OPS; op++) {
		uint32_t k = (uint32_t)rng_below(&r, KEYS);
		uint32_t pid;
		uint64_t page;

		switch (rng_below(&r, 4)) {
		case 0:
		case 1: /* push (if not a member): drops the oldest when full */
			if (member[k])
				break;
			QUIET_ASSERT(ghostq_push(q, model_pid(k), model_page(k)) == (n == CAP));
			if (n == CAP) {
				member[model[0]] = false;
				memmove(model, model + 1, (CAP - 1) * sizeof model[0]);
				n--;
			}
			model[n++] = k;
			member[k] = true;
			break;
		case 2: /* remove wherever it is */
			QUIET_ASSERT(ghostq_remove(q, model_pid(k), model_page(k)) == member[k]);
			if (member[k]) {
				uint32_t i = 0;

				while (model[i] != k)
					i++;
				memmove(model + i, model + i + 1, (n - i - 1) * sizeof model[0]);
				n--;
				member[k] = false;
			}
			break;
		default: /* pop the oldest */
			QUIET_ASSERT(ghostq_pop_oldest(q, &pid, &page) == (n > 0));
			if (n > 0) {
				QUIET_ASSERT(pid == model_pid(model[0]) && page == model_page(model[0]));
				member[model[0]] = false;
				memmove(model, model + 1, (n - 1) * sizeof model[0]);
				n--;
			}
		}
		QUIET_ASSERT(ghostq_count(q) == n);
		if (op % 997 == 0)
			for (uint32_t j = 0; j < KEYS; j++)
				QUIET_ASSERT(ghostq_contains(q, model_pid(j), model_page(j)) == member[j]);
	}
	free(q);
}
END_TEST

/* ------------------------------------------------------------------ */
/* 2. A fake core around one policy instance                           */

/* The shared harness (policy_harness.h), set to fail the test if the
 * policy reads a hardware bit: none of these does. */
static void gh_open(struct policy_harness *h, const struct policy *policy, uint32_t frames,
		    const double *params)
{
	ph_open(h, policy, frames, params);
	h->no_bits = true;
}

#define H PH_HIT

/* ---- 2Q ---- */

/*
 * The ghost policies step by step: each case's references (ph_script():
 * 7F a fault into a free frame, 7H a hit, 7>3 a fault evicting page 3,
 * x7 forget page 7) are derived in the comment above it. A case with a
 * plain script plays the references again on a fresh instance through
 * plain evict(), with the faulting page unknown.
 */
struct gh_case {
	struct ph_case run; /* through evict_for() where the policy has it */
	const char *plain;  /* through plain evict() (NULL: not run) */
};

static const struct gh_case gh_cases[] = {
	/*
	 * 4 frames, defaults: Kin = round(0.25 * 4) = 1, Kout = round(0.5 * 4) = 2.
	 *
	 *   1 2 3 4  faults into free frames        A1in [1 2 3 4]
	 *   5  |A1in| 4 > 1: evict 1 -> A1out [1]   A1in [2 3 4 5]
	 *   1  evict 2 -> A1out [1 2]; 1 was in A1out: Am [1], A1out [2]
	 *   2  evict 3 -> A1out [2 3]; Am [1 2], A1out [3]; A1in [4 5]
	 *   1  hit on Am: Am [2 1]
	 *   6  evict 4 -> A1out [3 4]               A1in [5 6]
	 *   7  evict 5 -> A1out [3 4 5], over Kout: [4 5]; A1in [6 7]
	 *   4  evict 6 -> [4 5 6]: 4 was in A1out when it faulted (the paper
	 *      tests before reclaiming), so Am [2 1 4] although the reclaim
	 *      dropped 4 itself: A1out [5 6]; A1in [7]
	 *   8  |A1in| 1 = Kin, Am not empty: evict Am's LRU 2, not remembered;
	 *      A1in [7 8]
	 *   2  not in A1out: evict 7 -> A1out [6 7]; A1in [8 2]
	 *   1  hit (Am [1 4])
	 */
	{ { "2q_steps", &policy_2q, 4, NULL,
	    "1F 2F 3F 4F 5>1 1>2 2>3 1H 6>4 7>5 4>6 8>2 2>7 1H" },
	  NULL },
	/*
	 * Parameters and rounding: kin 0.5, kout 0.25 with 5 frames give Kin =
	 * floor(2.5 + 0.5) = 3 and Kout = floor(1.25 + 0.5) = 1.
	 *   1..5 free; 1 hit (A1in: nothing)    A1in [1 2 3 4 5]
	 *   6  evict 1 -> A1out [1]; 7 evict 2 -> A1out [2] (Kout 1)
	 *   2  evict 3 -> [2 3] -> trimmed [3]; 2 was there: Am [2]; A1in [4 5 6 7]
	 *   8  |A1in| 4 > 3: evict 4 -> A1out [4]; A1in [5 6 7 8]
	 *   9  evict 5; A1in [6 7 8 9]
	 *   6 hit; 10: evict 6 (4 > 3) -> A1out [6]; A1in [7 8 9 10]
	 * Process 2's page 7 is another page: a fault that evicts 7.
	 */
	{ { "2q_params", &policy_2q, 5, (const double[]){ 0.5, 0.25 },
	    "1F 2F 3F 4F 5F 1H 6>1 7>2 2>3 8>4 9>5 6H 10>6 2:7>7" },
	  NULL },
	/*
	 * forget drops the frame and leaves A1out alone. 3 frames: Kin 1, Kout
	 * round(1.5) = 2.
	 *   1 2 3 free; 4: evict 1 -> A1out [1]; A1in [2 3 4]
	 *   forget 3: A1in [2 4]; 5 takes the free frame: A1in [2 4 5]
	 *   1: evict 2 -> A1out [1 2]; 1 from A1out: Am [1]; A1out [2]
	 *   forget 1 (Am now empty); 6 free: A1in [4 5 6]
	 *   2: evict 4 (Am empty anyway) -> A1out [2 4]; 2 to Am
	 *   7: |A1in| 2 > 1: evict 5
	 */
	{ { "2q_forget", &policy_2q, 3, NULL,
	    "1F 2F 3F 4>1 x3 5F 1>2 x1 6F 2>4 7>5 2H" },
	  NULL },
	/*
	 * p adapts up on a B1 hit and down on a B2 hit; c = 4, p = 0.
	 *   1 2 3 4   free frames                  T1 [1 2 3 4]
	 *   1 2       hits                         T1 [3 4], T2 [1 2]
	 *   5  REPLACE: |T1| 2 > p 0: evict 3 -> B1 [3]; case IV: |L1| 2 < 4,
	 *      total 4 < 8: T1 [4 5]
	 *   3  B1 hit: d1 = 1 (|B1| 1 >= |B2| 0), p = 1; REPLACE: |T1| 2 > 1:
	 *      evict 4 -> B1 [3 4]; 3 leaves B1 for T2: T2 [1 2 3], B1 [4]
	 *   6  REPLACE: |T1| 1 > p 1? no: T2's LRU 1 -> B2 [1]. (With p = 0 it
	 *      would have been 5: p went up.) T1 [5 6]
	 *   1  B2 hit: d2 = 1 (|B2| 1 >= |B1| 1), p = 0; REPLACE: |T1| 2 > 0:
	 *      evict 5 -> B1 [4 5]; T2 [2 3 1], B2 []
	 *   7  REPLACE: |T1| 1 > p 0: evict 6 -> B1 [4 5 6]. (With p = 1 it would
	 *      have been T2's LRU 2: p went down.) Case IV: |L1| 3 < 4: T1 [7]
	 * No choice here depends on the faulting page itself, so evict() and
	 * evict_for() agree.
	 */
	{ { "arc_p_adapts", &policy_arc, 4, NULL,
	    "1F 2F 3F 4F 1H 2H 5>3 3>4 6>1 1>5 7>6 2H 3H 1H" },
	  "1F 2F 3F 4F 1H 2H 5>3 3>4 6>1 1>5 7>6 2H 3H 1H" },
	/*
	 * The choices that need the faulting page (evict_for), c = 4:
	 *   1 2 3 4, 1 2 3 4 (hits)                 T2 [1 2 3 4], T1 []
	 *   5  T1 empty: T2's LRU 1 -> B2 [1]; T1 [5]
	 *   5  hit: T2 [2 3 4 5]
	 *   6  T1 empty: evict 2 -> B2 [1 2]; T1 [6]
	 *   7  |T1| 1 > 0: evict 6 -> B1 [6]; T1 [7]
	 *   6  B1 hit: d1 = |B2| / |B1| = 2, p = 2; REPLACE: |T1| 1 > 2? no:
	 *      T2's LRU 3 -> B2 [1 2 3]; T2 [4 5 6], B1 []
	 *   1  B2 hit: d2 = 1, p = 1; REPLACE: |T1| 1 = p and 1 is in B2: T1's
	 *      LRU 7 -> B1 [7]; T2 [4 5 6 1], B2 [2 3]
	 *   8  T1 empty: T2's LRU 4 -> B2 [2 3 4]; T1 [8]
	 *   9  |T1| 1 > 1? no: T2's LRU 5 -> B2 [2 3 4 5]; case IV: |L1| 2 < 4
	 *      and total |T1| 1 + |T2| 2 + |B1| 1 + |B2| 4 = 8 = 2c: forget B2's
	 *      LRU 2; T1 [8 9]
	 *   2  a plain miss now: |T1| 2 > 1: evict 8 -> B1 [7 8]; total 8 again:
	 *      forget 3 -> B2 [4 5]; T1 [9 2]
	 *   3  also a miss: evict 9 -> B1 [7 8 9]; |L1| 1 + 3 = 4 = c: forget
	 *      B1's LRU 7; T1 [2 3]
	 *
	 * Through plain evict() (the faulting page unknown), two victims differ:
	 *   6  REPLACE with p still 0: |T1| 1 > 0: evict 7 -> B1 [6 7]; then p =
	 *      2 (sizes before the eviction: |B1| 1, |B2| 2); T2 [3 4 5 6], B1 [7]
	 *   1  REPLACE with p still 2, T1 empty: T2's LRU 3 -> B2 [1 2 3]; then
	 *      p = 1; T2 [4 5 6 1], B2 [2 3]
	 * and from there the lists are as above (T1 [], B1 [7], B2 [2 3]).
	 */
	{ { "arc_needs_incoming", &policy_arc, 4, NULL,
	    "1F 2F 3F 4F 1H 2H 3H 4H 5>1 5H 6>2 7>6 6>3 1>7 8>4 9>5 2>8 3>9" },
	  "1F 2F 3F 4F 1H 2H 3H 4H 5>1 5H 6>2 7>6 6>7 1>3 8>4 9>5 2>8 3>9" },
	/*
	 * forget leaves the ghosts: with fewer than c pages resident and ghosts
	 * present, faults take free frames (no REPLACE) and a ghost hit still
	 * goes to T2. c = 3:
	 *   1 2 3; 4: |T1| 3 > 0: evict 1 -> B1 [1]; |L1| 3 = c: forget B1's LRU
	 *      1 (the paper's "|T1| = c: discard T1's LRU"); T1 [2 3 4]
	 *   2 hit: T2 [2]; 5: evict 3 -> B1 [3]; |L1| 1 + 1 = 2: T1 [4 5]
	 *   forget 4; 3: B1 hit, free frame: p = 1, T2 [2 3]; T1 [5]
	 *   6: |T1| 1 > 1? no: T2's LRU 2 -> B2 [2]; T1 [5 6]
	 *   1: a miss (forgotten at step 4): |T1| 2 > 1: evict 5 -> B1 [5]
	 */
	{ { "arc_forget", &policy_arc, 3, NULL,
	    "1F 2F 3F 4>1 2H 5>3 x4 3F 6>2 1>5" },
	  NULL },
	/*
	 * 5 frames, small 0.4: Ssize = round(2.0) = 2, M's share 3, G holds 3;
	 * move-to-main 2 (the default). freq in parentheses.
	 *   1 2 3 4 5 free                         S [1 2 3 4 5]
	 *   1 1 -> 1(2); 2 -> 2(1); 3 3 3 3 -> 3(3, capped)
	 *   6  |S| 5 >= 2: tail 1(2) moves to M [1] with freq 0; tail 2(1): a
	 *      one-hit page leaves: evict 2 -> G [2]; S [3 4 5 6]
	 *   7  tail 3(3) moves to M [1 3]; tail 4(0): evict 4 -> G [2 4]
	 *   2  tail 5: evict 5 -> G [2 4 5]; 2 is in G: M [1 3 2], G [4 5]
	 *   4  |S| 2 >= 2: tail 6: evict 6 -> G [4 5 6]; 4 from G: M [1 3 2 4]
	 *      S [7]
	 *   1 -> 1(1); 3 3 -> 3(2)
	 *   8  |S| 1 < 2: from M: 1(1) goes back as 1(0), 3(2) as 3(1); 2(0):
	 *      evict 2, not remembered; M [4 1 3], S [7 8]
	 *   9  |S| 2: tail 7: evict 7 -> G [5 6 7]
	 *   2  not in G: to S. tail 8: evict 8 -> G [6 7 8]; S [9 2]
	 *   1 3 4 hits (M)
	 */
	{ { "s3fifo_steps", &policy_s3fifo, 5, (const double[]){ 0.4, 2 },
	    "1F 2F 3F 4F 5F 1H 1H 2H 3H 3H 3H 3H 6>2 7>4 2>5 4>6 1H 3H 3H 8>2 9>7 2>8 "
	    "1H 3H 4H" },
	  NULL },
	/*
	 * move-to-main 1: one hit in S is enough. Same start as above:
	 *   6  tail 1(2) -> M [1]; 2(1) -> M [1 2]; 3(3) -> M [1 2 3]; now |S| 2
	 *      (4 5) >= 2: tail 4(0): evict 4 -> G [4]; S [5 6]
	 *   7  tail 5: evict 5 -> G [4 5]; S [6 7]
	 *   4  tail 6: evict 6 -> G [4 5 6]; 4 from G: M [1 2 3 4]; S [7]
	 *   8  |S| 1 < 2: M's tail 1(0): evict 1; S [7 8]
	 */
	{ { "s3fifo_threshold_one", &policy_s3fifo, 5, (const double[]){ 0.4, 1 },
	    "1F 2F 3F 4F 5F 1H 1H 2H 3H 3H 3H 3H 6>4 7>5 4>6 8>1 2H 3H 4H" },
	  NULL },
	/*
	 * Defaults with 10 frames: Ssize = round(1.0) = 1, G holds 9. One-hit
	 * wonders leave from S in order; a page hit twice in S survives them.
	 *   1..10 free; 5 5 -> 5(2)
	 *   11: tail 1(0): evict 1 -> G [1]; 12: evict 2; 13: evict 3; 14: evict 4
	 *   15: tail 5(2) -> M [5]; tail 6: evict 6
	 *   1: tail 7: evict 7; 1 from G -> M [5 1]
	 */
	{ { "s3fifo_one_hit_wonders", &policy_s3fifo, 10, NULL,
	    "1F 2F 3F 4F 5F 6F 7F 8F 9F 10F 5H 5H 11>1 12>2 13>3 14>4 15>6 1>7 5H 1H" },
	  NULL },
	/*
	 * forget, 3 frames, small 0.34: Ssize = floor(1.02 + 0.5) = 1, G holds
	 * 3 - 1 = 2; move-to-main 2.
	 *   1 2 3; 1 1 -> 1(2); 4: tail 1 -> M [1]; tail 2: evict 2 -> G [2];
	 *      S [3 4]
	 *   forget 1 (M empty); 5 takes the free frame: S [3 4 5]
	 *   2: tail 3: evict 3 -> G [2 3]; 2 is in G: M [2], G [3]; S [4 5]
	 *   forget 2; 6 free: S [4 5 6]; 7: tail 4: evict 4
	 */
	{ { "s3fifo_forget", &policy_s3fifo, 3, (const double[]){ 0.34, 2 },
	    "1F 2F 3F 1H 1H 4>2 x1 5F 2>3 x2 6F 7>4" },
	  NULL },
};

/* Case _i of gh_cases; a plain run needs an evict_for() to differ from. */
START_TEST(test_ghost_case)
{
	const struct gh_case *c = &gh_cases[_i];

	ph_run_case(&c->run, true, false);
	if (c->plain != NULL) {
		struct ph_case plain = c->run;

		ck_assert_ptr_nonnull(c->run.policy->evict_for);
		plain.script = c->plain;
		ph_run_case(&plain, true, true);
	}
}
END_TEST

/*
 * A scan does not flush Am. Continuing the scenario above (Am [1 4],
 * A1in [8 2]): 20 new pages each find |A1in| 2 > Kin 1 and evict A1in's
 * oldest, never touching Am; 1 and 4 still hit. LRU, same string, loses
 * both.
 */
START_TEST(test_2q_scan_keeps_am)
{
	static const uint64_t pages[] = { 1, 2, 3, 4, 5, 1, 2, 1, 6, 7, 4, 8, 2, 1 };
	struct policy_harness h, lru;
	int64_t victim;

	gh_open(&h, &policy_2q, 4, NULL);
	gh_open(&lru, &policy_lru, 4, NULL);
	for (size_t i = 0; i < ARRAY_LEN(pages); i++) {
		ph_ref(&h, pages[i]);
		ph_ref(&lru, pages[i]);
	}
	for (uint64_t p = 100; p < 120; p++) {
		victim = ph_ref(&h, p);
		ck_assert_msg(victim != 1 && victim != 4, "scan page %llu evicted hot page %lld",
			      (unsigned long long)p, (long long)victim);
		ph_ref(&lru, p);
	}
	ck_assert_int_eq(ph_ref(&h, 1), H);
	ck_assert_int_eq(ph_ref(&h, 4), H);
	ck_assert_int_ne(ph_ref(&lru, 1), H);
	ck_assert_int_ne(ph_ref(&lru, 4), H);
	ph_close(&h);
	ph_close(&lru);
}
END_TEST

/* ---- ARC ---- */

/* ---- S3-FIFO ---- */

#undef H

/* ---- every ghost policy: protocol under random use ---- */

static const struct policy *const ghost_policies[] = { &policy_2q, &policy_arc, &policy_s3fifo };

/* Random references from two processes over a universe three times the
 * frames, with a forget now and then, through evict_for() and through
 * evict(), for several frame counts and parameter values: every victim is
 * resident (gh_ref checks), and the runs finish. The internal asserts of
 * the policies (ghost lists within bounds) are live in this build. */
START_TEST(test_ghost_random_protocol)
{
	const struct policy *p = ghost_policies[_i];
	static const uint32_t frame_counts[] = { 1, 2, 3, 7, 16, 64 };
	static const double param_sets[][2] = { { 0.0, 0.0 }, { 1.0, 8.0 }, { 0.5, 1.0 } };
	struct rng r;

	rng_seed(&r, 99 + (uint64_t)_i);
	for (size_t fc = 0; fc < ARRAY_LEN(frame_counts); fc++) {
		for (size_t ps = 0; ps <= ARRAY_LEN(param_sets); ps++) {
			uint32_t frames = frame_counts[fc];
			double params[2];
			struct policy_harness h;

			if (ps < ARRAY_LEN(param_sets)) {
				params[0] = param_sets[ps][0];
				params[1] = p == &policy_s3fifo ? 1 + ps % 3 : param_sets[ps][1];
			}
			gh_open(&h, p, frames, ps < ARRAY_LEN(param_sets) && p->params != NULL ? params : NULL);
			h.plain_evict = ps % 2;
			for (int i = 0; i < 20000; i++) {
				uint64_t page = rng_below(&r, 3 * frames + 1);

				if (rng_below(&r, 50) == 0) {
					uint32_t f = (uint32_t)rng_below(&r, frames);

					if (h.resident[f])
						ph_forget(&h, f);
					continue;
				}
				/* A hot third, referenced half the time. */
				if (rng_below(&r, 2) == 0)
					page %= frames / 3 + 1;
				ph_ref_pid(&h, 1 + (uint32_t)(page & 1), page);
			}
			ph_close(&h);
		}
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* 3. Machine level                                                     */

#define PAGE_SHIFT 12
#define MACH_PIDS 3      /* pids 1 and 2 */
#define MACH_PAGES 128   /* page numbers per process */

struct mach_run {
	bool resident[MACH_PIDS][MACH_PAGES];
	uint32_t resident_count;
	uint32_t cur_pid;
	uint64_t cur_page;
	uint64_t evictions;
	uint64_t faults; /* the model's */
	uint64_t victim_hash;
	bool evicted_now;
	char error[160];
};

/* Evict hook: the victim must be resident in the model and not the page
 * being faulted in. */
static void mach_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct mach_run *m = ctx;

	(void)dirty;
	if (pid >= MACH_PIDS || vpn >= MACH_PAGES || !m->resident[pid][vpn] ||
	    (pid == m->cur_pid && vpn == m->cur_page) || m->evicted_now) {
		snprintf(m->error, sizeof m->error, "bad victim: frame %u, pid %u, page %llu", (unsigned)frame,
			 (unsigned)pid, (unsigned long long)vpn);
		return;
	}
	m->resident[pid][vpn] = false;
	m->resident_count--;
	m->evictions++;
	m->evicted_now = true;
	m->victim_hash = (m->victim_hash ^ (vpn * 131 + pid)) * 0x100000001b3ULL;
}

/* A workload of n records: two processes (the same page numbers in both),
 * a drifting working set of 10 pages, 15% uniform strays, 25% writes. */
static struct trace_rec *mach_workload(size_t n, uint64_t seed)
{
	struct trace_rec *recs = calloc(n, sizeof *recs);
	struct rng r;
	uint64_t base = 0;

	ck_assert_ptr_nonnull(recs);
	rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++) {
		uint64_t page;

		if (rng_below(&r, 200) == 0)
			base = rng_below(&r, MACH_PAGES - 10);
		page = rng_below(&r, 100) < 15 ? rng_below(&r, MACH_PAGES) : base + rng_below(&r, 10);
		recs[i] = (struct trace_rec){ .addr = page << PAGE_SHIFT,
					      .pid = 1 + (uint32_t)rng_below(&r, 2),
					      .size = 1,
					      .op = rng_below(&r, 4) == 0 ? OP_WRITE : OP_READ };
	}
	return recs;
}

/* Replay recs through policy p (params or NULL) with frames frames, one
 * record per sim_feed, keeping the model of residence; fills m and
 * stats. */
static void mach_run(const struct policy *p, const double *params, uint32_t frames,
		     const struct trace_rec *recs, size_t n, struct mach_run *m, struct sim_stats *stats)
{
	struct ps_error err = { { 0 } };
	struct sim *s;

	memset(m, 0, sizeof *m);
	s = sim_open_policy(p, params, frames, MACH_PIDS * MACH_PAGES, mach_hook, m);
	for (size_t i = 0; i < n; i++) {
		uint32_t pid = recs[i].pid;
		uint64_t page = recs[i].addr >> PAGE_SHIFT;
		bool was = m->resident[pid][page];
		uint32_t in_use = m->resident_count;

		m->cur_pid = pid;
		m->cur_page = page;
		m->evicted_now = false;
		QUIET_ASSERT_MSG(sim_feed(s, &recs[i], 1, &err) == 0, "sim_feed(%s): %s", p->name, err.msg);
		QUIET_ASSERT_MSG(m->error[0] == '\0', "%s, %u frames, record %zu: %s", p->name,
				 (unsigned)frames, i, m->error);
		if (!was) {
			QUIET_ASSERT_MSG(m->evicted_now == (in_use == frames),
					 "%s: eviction %s with %u of %u frames in use", p->name,
					 m->evicted_now ? "made" : "missing", (unsigned)in_use, (unsigned)frames);
			m->faults++;
			m->resident[pid][page] = true;
			m->resident_count++;
		} else {
			QUIET_ASSERT_MSG(!m->evicted_now, "%s evicted on a hit", p->name);
		}
	}
	sim_get_stats(s, stats);
	sim_destroy(s);
}

#define MACH_REFS 20000

/* Frames >= distinct pages: only first touches fault, nothing is evicted. */
START_TEST(test_sim_enough_frames)
{
	const struct policy *p = ghost_policies[_i];
	struct trace_rec *recs = mach_workload(MACH_REFS, 11);
	struct mach_run m;
	struct sim_stats st;

	mach_run(p, NULL, 2 * MACH_PAGES, recs, MACH_REFS, &m, &st);
	ck_assert_uint_eq(st.faults, st.distinct_pages);
	ck_assert_uint_eq(st.faults, m.faults);
	ck_assert_uint_eq(st.evictions, 0);
	ck_assert_uint_eq(st.hits + st.faults, st.refs);
	ck_assert_uint_eq(st.refs, MACH_REFS);
	free(recs);
}
END_TEST

/* Under pressure: the model's faults are the machine's, evictions ==
 * faults - frames, every victim resident (the hook), and a second run
 * repeats the first exactly (counts and victim sequence). */
START_TEST(test_sim_pressure)
{
	const struct policy *p = ghost_policies[_i];
	static const uint32_t frame_counts[] = { 1, 5, 16, 40 };
	struct trace_rec *recs = mach_workload(MACH_REFS, 12);

	for (size_t k = 0; k < ARRAY_LEN(frame_counts); k++) {
		uint32_t frames = frame_counts[k];
		struct mach_run m, again;
		struct sim_stats st, st2;

		mach_run(p, NULL, frames, recs, MACH_REFS, &m, &st);
		ck_assert_uint_eq(st.faults, m.faults);
		ck_assert_uint_gt(st.faults, frames);
		ck_assert_uint_eq(st.evictions, st.faults - frames);
		ck_assert_uint_eq(m.evictions, st.evictions);
		ck_assert_uint_eq(st.hits + st.faults, st.refs);
		mach_run(p, NULL, frames, recs, MACH_REFS, &again, &st2);
		ck_assert_uint_eq(st2.faults, st.faults);
		ck_assert_uint_eq(st2.dirty_evictions, st.dirty_evictions);
		ck_assert_uint_eq(again.victim_hash, m.victim_hash);
	}
	free(recs);
}
END_TEST

/* Parameter values equal to the defaults behave as NULL (the defaults);
 * other values change the outcome. */
START_TEST(test_sim_params)
{
	static const double twoq_def[] = { 0.25, 0.5 }, twoq_other[] = { 0.5, 2.0 };
	static const double s3_def[] = { 0.1, 2 }, s3_other[] = { 0.3, 1 };
	struct trace_rec *recs = mach_workload(MACH_REFS, 13);
	struct mach_run m;
	struct sim_stats a, b, c;

	mach_run(&policy_2q, NULL, 16, recs, MACH_REFS, &m, &a);
	mach_run(&policy_2q, twoq_def, 16, recs, MACH_REFS, &m, &b);
	mach_run(&policy_2q, twoq_other, 16, recs, MACH_REFS, &m, &c);
	ck_assert_uint_eq(a.faults, b.faults);
	ck_assert_uint_ne(a.faults, c.faults);
	mach_run(&policy_s3fifo, NULL, 16, recs, MACH_REFS, &m, &a);
	mach_run(&policy_s3fifo, s3_def, 16, recs, MACH_REFS, &m, &b);
	mach_run(&policy_s3fifo, s3_other, 16, recs, MACH_REFS, &m, &c);
	ck_assert_uint_eq(a.faults, b.faults);
	ck_assert_uint_ne(a.faults, c.faults);
	ck_assert_ptr_null(policy_arc.params);
	free(recs);
}
END_TEST

/*
 * Scan resistance, 8 frames. A hot set h0..h3 (pages 0..3) is referenced
 * three times (h0 h1 h2 h3 h0 h1 h2 h3 h0 h1 h2 h3), then ROUNDS rounds
 * of five pages never seen before (a scan) followed by h0 h1 h2 h3.
 *
 * LRU: between two references of h0 come h1 h2 h3 and five scan pages,
 * 8 other pages, so every hot reference after the warm-up faults:
 *   4 + 9 * ROUNDS faults.
 * ARC: the warm-up's second pass moves h0..h3 to T2. Round 1's first four
 *   scan pages fill the free frames (T1), and from then on each scan page
 *   finds |T1| 4 > p 0 and evicts T1's LRU (no ghost is ever hit, so p
 *   stays 0): the hot set always hits.  4 + 5 * ROUNDS.
 * S3-FIFO (Ssize = round(0.8) = 1): the warm-up leaves h0..h3 in S with
 *   freq 2. The fifth scan page of round 1 finds |S| 8 >= 1: h0..h3 (freq
 *   2 >= 2) move to M, then x1 (freq 0) is evicted to G. From then on S
 *   holds 4 >= 1 scan pages and each scan page evicts S's tail; M is
 *   never touched.  4 + 5 * ROUNDS.
 * 2Q (Kin 2, Kout 4): hits in A1in do nothing, so after the warm-up
 *   A1in is [h0 h1 h2 h3]; round 1's scan fills it to 8 and x5 evicts h0
 *   -> A1out [h0]. Then h0 faults: evict h1 -> A1out; h0 (in A1out) ->
 *   Am; likewise h1 (evicting h2), h2 (evicting h3), h3 (evicting x1):
 *   round 1 faults 9 times, and Am holds the hot set. Every later scan
 *   page finds |A1in| 4 > 2 and evicts A1in's oldest; the hot set hits.
 *   4 + 9 + 5 * (ROUNDS - 1) = 8 + 5 * ROUNDS.
 */
START_TEST(test_sim_scan_resistance)
{
	enum { ROUNDS = 100, N = 12 + 9 * ROUNDS };
	static const struct {
		const struct policy *policy;
		uint64_t faults;
	} want[] = {
		{ &policy_lru, 4 + 9 * ROUNDS },
		{ &policy_arc, 4 + 5 * ROUNDS },
		{ &policy_s3fifo, 4 + 5 * ROUNDS },
		{ &policy_2q, 8 + 5 * ROUNDS },
	};
	struct trace_rec *recs = calloc(N, sizeof *recs);
	uint64_t scan = 1000;
	size_t n = 0;

	ck_assert_ptr_nonnull(recs);
	for (int pass = 0; pass < 3; pass++)
		for (uint64_t h = 0; h < 4; h++)
			recs[n++] = (struct trace_rec){ .addr = h << PAGE_SHIFT, .pid = 1, .size = 1 };
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < 5; i++)
			recs[n++] = (struct trace_rec){ .addr = scan++ << PAGE_SHIFT, .pid = 1, .size = 1 };
		for (uint64_t h = 0; h < 4; h++)
			recs[n++] = (struct trace_rec){ .addr = h << PAGE_SHIFT, .pid = 1, .size = 1 };
	}
	ck_assert_uint_eq(n, N);
	for (size_t k = 0; k < ARRAY_LEN(want); k++) {
		struct sim_config cfg = { .policy = want[k].policy, .frames = 8, .page_shift = PAGE_SHIFT,
					  .va_bits = 48, .swap_slots = 16, .seed = 1 };
		struct ps_error err = { { 0 } };
		struct sim *s = sim_create(&cfg, &err);
		struct sim_stats st;

		ck_assert_msg(s != NULL, "sim_create: %s", err.msg);
		ck_assert_int_eq(sim_feed(s, recs, n, &err), 0);
		sim_get_stats(s, &st);
		ck_assert_msg(st.faults == want[k].faults, "%s: %llu faults, want %llu", want[k].policy->name,
			      (unsigned long long)st.faults, (unsigned long long)want[k].faults);
		ck_assert_uint_eq(st.evictions, st.faults - 8);
		sim_destroy(s);
	}
	free(recs);
}
END_TEST

Suite *make_policies_ghost_suite(void)
{
	const TTest *const pagemap[] = {
		test_pagemap_fill_remove_reinsert, test_pagemap_tiny, test_pagemap_random_model,
		test_ghostq_fifo, test_ghostq_zero_capacity, test_ghostq_random_model
	};
	const TTest *const policy[] = { test_2q_scan_keeps_am };
	const TTest *const machine[] = { test_sim_params, test_sim_scan_resistance };
	Suite *s = suite_create("policies_ghost");
	int n = (int)ARRAY_LEN(ghost_policies);
	TCase *tc;

	SUITE_ADD_TESTS(s, "pagemap", 0, pagemap);
	tc = SUITE_ADD_TESTS(s, "policy", 0, policy);
	tcase_add_loop_test(tc, test_ghost_case, 0, (int)ARRAY_LEN(gh_cases));
	tcase_add_loop_test(tc, test_ghost_random_protocol, 0, n);
	tc = SUITE_ADD_TESTS(s, "machine", 60, machine);
	tcase_add_loop_test(tc, test_sim_enough_frames, 0, n);
	tcase_add_loop_test(tc, test_sim_pressure, 0, n);
	return s;
}
