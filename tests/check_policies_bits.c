/*
 * check_policies_bits.c - the bit-reading and counting policies: nru,
 * aging, lfu, wsclock and sieve.
 *
 * Two layers, as in check_policies.c:
 *  1. Policy level: each policy is driven directly (init / admit / touch /
 *     evict / forget / tick) on a fake machine whose accessed bits, dirty
 *     bits and clock (host->now) the test sets. The fake host fails the
 *     test when a policy asks about a frame that is not resident (the real
 *     host asserts the same). Victims are checked step by step on small
 *     scenarios derived by hand next to each test, and a seeded random
 *     stress checks every policy's protocol (victims resident, forget then
 *     admit again) and LFU against a naive model.
 *  2. Machine level: hand-derived known answers (fault count and victim
 *     sequence) through the real simulator (sim.h), with each policy set in
 *     sim_config directly, and the shared invariants on a generated
 *     workload (only first touches fault with enough frames; evictions ==
 *     faults - frames under pressure; victims resident; runs repeat).
 *
 * Notation in derivations: frames as [f0 f1 f2], a page with its bits
 * (A = accessed, D = dirty) or its counter; h = the hand. On the machine
 * the faulting access sets A (and D for a write) of the new page; a hit
 * sets A (and D for a write); free frames are filled lowest first and the
 * new page goes into the victim's frame.
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
#include "policies/policy.h"
#include "util/rng.h"
#include "machine/sim.h"

extern const struct policy policy_nru;
extern const struct policy policy_aging;
extern const struct policy policy_lfu;
extern const struct policy policy_wsclock;
extern const struct policy policy_sieve;

Suite *make_policies_bits_suite(void);


static const struct policy *const bits_policies[] = {
	&policy_nru, &policy_aging, &policy_lfu, &policy_wsclock, &policy_sieve,
};

/* ------------------------------------------------------------------ */
/* Descriptors                                                          */

START_TEST(test_descriptors)
{
	const struct policy_param *pp;

	for (size_t i = 0; i < ARRAY_LEN(bits_policies); i++) {
		const struct policy *p = bits_policies[i];
		struct policy_config cfg = { .frames = 8, .seed = 1, .host = NULL };

		ck_assert_uint_eq(p->abi, PAGESIM_POLICY_ABI);
		ck_assert_ptr_nonnull(p->summary);
		ck_assert(!p->needs_future);
		ck_assert_ptr_nonnull(p->state_size);
		ck_assert_ptr_nonnull(p->init);
		ck_assert_ptr_nonnull(p->admit);
		ck_assert_ptr_nonnull(p->evict);
		ck_assert_ptr_nonnull(p->forget);
		ck_assert_ptr_null(p->evict_for);
		ck_assert(!p->uses_seed); /* deterministic: no randomness */
		ck_assert_uint_gt(p->state_size(&cfg), 0);
		/* Only LFU counts hits; the others read accessed bits. */
		ck_assert((p->touch != NULL) == (p == &policy_lfu));
		ck_assert((p->tick != NULL) == (p == &policy_aging));
	}
	ck_assert_str_eq(policy_nru.name, "nru");
	ck_assert_str_eq(policy_aging.name, "aging");
	ck_assert_str_eq(policy_lfu.name, "lfu");
	ck_assert_str_eq(policy_wsclock.name, "wsclock");
	ck_assert_str_eq(policy_sieve.name, "sieve");
	ck_assert_ptr_null(policy_nru.params);
	ck_assert_ptr_null(policy_lfu.params);
	ck_assert_ptr_null(policy_sieve.params);

	pp = policy_aging.params;
	ck_assert_str_eq(pp[0].name, "bits");
	ck_assert(pp[0].def == 8 && pp[0].min == 1 && pp[0].max == 32 && pp[0].integer);
	ck_assert_str_eq(pp[1].name, "tick");
	ck_assert(pp[1].def == 1000 && pp[1].min == 1 && pp[1].max == 1e9 && pp[1].integer);
	ck_assert_ptr_null(pp[2].name);
	pp = policy_wsclock.params;
	ck_assert_str_eq(pp[0].name, "tau");
	ck_assert(pp[0].def == 1000 && pp[0].min == 1 && pp[0].max == 1e12 && pp[0].integer);
	ck_assert_ptr_null(pp[1].name);
	for (pp = policy_aging.params; pp->name != NULL; pp++)
		ck_assert(pp->help != NULL && pp->def >= pp->min && pp->def <= pp->max);
	for (pp = policy_wsclock.params; pp->name != NULL; pp++)
		ck_assert(pp->help != NULL && pp->def >= pp->min && pp->def <= pp->max);
}
END_TEST

/* ------------------------------------------------------------------ */
/* NRU                                                                  */

/*
 * Four frames, all loaded by reads (each (1,0)), hand at 0; then the test
 * sets f0 (1,1), f1 (0,1), f2 (1,0), f3 (0,0).
 *  evict: pass 1 from f0: f0 (1,1) f1 (0,1) f2 (1,0) f3 (0,0) -> f3; h=0;
 *         nothing cleared.
 *  admit f3 (read): (1,0).
 *  evict: pass 1 finds no (0,0). pass 2 from f0: f0 (1,1) -> clear, now
 *         (0,1); f1 (0,1) -> f1; h=2. f2, f3 keep A.
 *  admit f1 (write): (1,1).
 *  evict: pass 1 from f2: (1,0) (1,0) (0,1) (1,1), none. pass 2 from f2:
 *         f2 -> clear (0,0); f3 -> clear (0,0); f0 (0,1) -> f0; h=1.
 *         (Pass 2 takes the (0,1) page though it has just made two (0,0).)
 *  admit f0 (read): (1,0).
 *  evict: pass 1 from f1: f1 (1,1), f2 (0,0) -> f2; h=3.
 *  admit f2 (read). evict: pass 1 from f3: f3 (0,0) -> f3; h=0.
 */
START_TEST(test_nru_classes)
{
	struct policy_harness h;

	ph_open(&h, &policy_nru, 4, NULL);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_write(&h, f, false);
	ph_bits(&h, 0, true, true);
	ph_bits(&h, 1, false, true);
	ph_bits(&h, 2, true, false);
	ph_bits(&h, 3, false, false);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ck_assert(h.accessed[0] && h.accessed[2]);
	ph_admit_write(&h, 3, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert(!h.accessed[0] && h.accessed[2] && h.accessed[3]);
	ph_admit_write(&h, 1, true);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert(!h.accessed[2] && !h.accessed[3] && h.accessed[1]);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_admit_write(&h, 2, false);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_close(&h);
}
END_TEST

/*
 * Three frames, all written (1,1), hand at 0: pass 1 reads 3 bits, pass 2
 * clears all three (each is now (0,1) behind the hand), pass 3 reads 3 and
 * finds no (0,0), pass 4 takes f0 at once: 10 bit reads, victim f0, h=1.
 * Three frames read (1,0), hand at 1: passes 1 and 2 find nothing and
 * clear every bit (2 x 3 reads), pass 3 takes f1 (the hand): 7 reads.
 */
START_TEST(test_nru_every_bit_set)
{
	struct policy_harness h;

	ph_open(&h, &policy_nru, 3, NULL);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, true);
	h.bit_reads = 0;
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(h.bit_reads, 10);
	ck_assert(!h.accessed[1] && !h.accessed[2]);
	ph_close(&h);

	ph_open(&h, &policy_nru, 3, NULL);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, false);
	ph_bits(&h, 0, false, false);
	ck_assert_uint_eq(ph_evict(&h), 0); /* pass 1: f0 is (0,0); h=1 */
	ph_admit_write(&h, 0, false);
	h.bit_reads = 0;
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(h.bit_reads, 7);
	ck_assert(!h.accessed[0] && !h.accessed[2]);
	ph_close(&h);
}
END_TEST

/*
 * Four frames read in; forget f1 (the fake host fails if its bits are
 * read). f0 (1,1), f2 (1,0), f3 (0,1): pass 1 finds no (0,0); pass 2 from
 * f0 clears f0 and f2 and takes f3; h=0. f1 is admitted again (read,
 * (1,0)) at its place: pass 1 from f0: f0 (0,1), f1 (1,0), f2 (0,0) -> f2.
 */
START_TEST(test_nru_forget)
{
	struct policy_harness h;

	ph_open(&h, &policy_nru, 4, NULL);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_write(&h, f, false);
	ph_forget(&h, 1);
	ph_bits(&h, 0, true, true);
	ph_bits(&h, 2, true, false);
	ph_bits(&h, 3, false, true);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_admit_write(&h, 1, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Aging                                                                */

/*
 * bits 3 (top = 100b = 4), three frames; the test calls the ticks.
 *  tick(0): nothing resident; returns 5 (tick = 5).
 *  admit f0 f1 f2: all fresh, rank 4 -> evict: tie, lowest: f0.
 *  admit f0 (fresh).
 *  tick(5): fresh frames take 0 >> 1 | A<<2 = 100 (A cleared): 4 4 4.
 *  hit f2. tick(10): f0 010, f1 010, f2 110.
 *  evict: f0 and f1 tie at 2 -> f0. admit f0: fresh, rank 4.
 *  evict: f0 4, f1 2, f2 6 -> f1. admit f1: fresh.
 *  tick(15): f0 100, f1 100, f2 011.  evict -> f2 (3).
 * Recent beats frequent: admit f2 (fresh); hits f0 in the next two
 * intervals, f1 only in the third:
 *  hit f0, tick(20): f0 110, f1 010, f2 100
 *  hit f0, tick(25): f0 111, f1 001, f2 010
 *  hit f1, tick(30): f0 011, f1 100, f2 001 -> evict f2 (1), then f0 (3),
 *  then f1. Evictions read no bits.
 */
START_TEST(test_aging_counters)
{
	const double params[] = { 3, 5 };
	struct policy_harness h;
	unsigned reads;

	ph_open(&h, &policy_aging, 3, params);
	ck_assert_uint_eq(ph_tick(&h, 0), 5);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, false);
	reads = h.bit_reads;
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(h.bit_reads, reads);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_tick(&h, 5), 10);
	ck_assert(!h.accessed[0] && !h.accessed[1] && !h.accessed[2]);
	ph_hit_write(&h, 2, false);
	ph_tick(&h, 10);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_write(&h, 1, false);
	ph_tick(&h, 15);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_admit_write(&h, 2, false);
	ph_hit_write(&h, 0, false);
	ph_tick(&h, 20);
	ph_hit_write(&h, 0, false);
	ph_tick(&h, 25);
	ph_hit_write(&h, 1, true);
	ph_tick(&h, 30);
	reads = h.bit_reads;
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(h.bit_reads, reads);
	ck_assert_uint_eq(h.dirty_reads, 0);
	ph_close(&h);
}
END_TEST

/*
 * The new page's rank: a page admitted since the last tick ranks as the
 * top bit, above a page not referenced in the latest interval and tied
 * with one referenced in it. bits 2 (top 10b), two frames:
 *  admit f0; tick: f0 10; tick: f0 01. admit f1 (fresh, rank 10):
 *  evict -> f0 (01 < 10).
 *  admit f0 (fresh); tick: f0 10, f1 10 -> evict: a tie -> f0 (lowest).
 *  admit f0 (fresh, 10) against f1 (10): a tie again -> f0.
 * Widths 1 and 32 below, with their own derivations.
 */
START_TEST(test_aging_new_page_and_widths)
{
	const double two[] = { 2, 1 }, one[] = { 1, 1 }, wide[] = { 32, 1 };
	struct policy_harness h;

	ph_open(&h, &policy_aging, 2, two);
	ph_admit_write(&h, 0, false);
	ph_tick(&h, 0);
	ph_tick(&h, 1);
	ph_admit_write(&h, 1, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ph_tick(&h, 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_close(&h);

	/* bits 1: f0 f1 f2 admitted, tick: all 1; hit f1, tick: f0 0, f1 1,
	 * f2 0 -> f0; admit f0 (rank 1) -> f2. */
	ph_open(&h, &policy_aging, 3, one);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, false);
	ph_tick(&h, 3);
	ph_hit_write(&h, 1, false);
	ph_tick(&h, 4);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_close(&h);

	/* bits 32: f0 f1 admitted, tick: both 0x80000000; hit f1, tick: f0
	 * 0x40000000, f1 0xc0000000 -> f0; admit f0, tick: f0 0x80000000,
	 * f1 0x60000000 -> f1. */
	ph_open(&h, &policy_aging, 2, wide);
	ph_admit_write(&h, 0, false);
	ph_admit_write(&h, 1, false);
	ph_tick(&h, 2);
	ph_hit_write(&h, 1, false);
	ph_tick(&h, 3);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ph_tick(&h, 4);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_close(&h);
}
END_TEST

/*
 * Forget: f1 forgotten is never asked about at a tick; admitted again it
 * is fresh (its old history is gone). bits 4, tick 10, three frames:
 *  admit f0 f1 f2; tick(3): 1000 each. hit f1; tick(13): f0 0100,
 *  f1 1100, f2 0100. forget f1; tick(23): f0 0010, f2 0010. admit f1
 *  (fresh, 1000) -> evict f0 (tie with f2, lowest) -> then f2 -> then f1.
 */
START_TEST(test_aging_forget)
{
	const double params[] = { 4, 10 };
	struct policy_harness h;

	ph_open(&h, &policy_aging, 3, params);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, false);
	ck_assert_uint_eq(ph_tick(&h, 3), 13);
	ph_hit_write(&h, 1, false);
	ph_tick(&h, 13);
	ph_forget(&h, 1);
	ph_tick(&h, 23);
	ph_admit_write(&h, 1, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* LFU                                                                  */

/*
 * Four frames: admit f0 f1 f2 f3 (count 1 each); hits f1 f1 f2 f0:
 * counts f0 2, f1 3, f2 2, f3 1, and among the 2s f2 was referenced
 * before f0.
 *  evict -> f3 (1). admit f3 (1) -> evict -> f3 again (a new page is
 *  LFU's first victim). admit f3, hit f3 (2, the latest).
 *  Now 2s: f2, f0, f3 in recency order; f1 3.
 *  evict -> f2, f0, f3, f1.
 */
START_TEST(test_lfu_counts_and_ties)
{
	struct policy_harness h;

	ph_open(&h, &policy_lfu, 4, NULL);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_write(&h, f, false);
	ph_hit_write(&h, 1, false);
	ph_hit_write(&h, 1, false);
	ph_hit_write(&h, 2, false);
	ph_hit_write(&h, 0, true);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_admit_write(&h, 3, false);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_admit_write(&h, 3, false);
	ph_hit_write(&h, 3, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(h.bit_reads, 0);
	ck_assert_uint_eq(h.dirty_reads, 0);
	ph_close(&h);
}
END_TEST

/*
 * Counts are forgotten: f0 gets 4 references, f1 2; forget f0 and admit
 * it again: count 1 < 2 -> f0 is the victim. Likewise after an eviction.
 */
START_TEST(test_lfu_forget)
{
	struct policy_harness h;

	ph_open(&h, &policy_lfu, 2, NULL);
	ph_admit_write(&h, 0, false);
	ph_admit_write(&h, 1, false);
	for (int i = 0; i < 3; i++)
		ph_hit_write(&h, 0, false);
	ph_hit_write(&h, 1, false);
	ph_forget(&h, 0);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ph_hit_write(&h, 0, false);
	ph_hit_write(&h, 0, false); /* f0 3, f1 2 */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_write(&h, 1, false);
	ck_assert_uint_eq(ph_evict(&h), 1); /* f1 back at 1 */
	ph_close(&h);
}
END_TEST

/* The O(1) bucket structure against a naive model (count and time of the
 * latest reference per frame; victim: smallest count, then oldest time)
 * on a long seeded mix of hits (skewed toward low frames so counts
 * spread), admissions, evictions and forgets. */
START_TEST(test_lfu_matches_naive_model)
{
	enum { FRAMES = 9, STEPS = 60000 };
	uint64_t count[FRAMES] = { 0 }, last[FRAMES] = { 0 };
	struct policy_harness h;
	struct rng r;

	rng_seed(&r, 0x1f0);
	ph_open(&h, &policy_lfu, FRAMES, NULL);
	for (int step = 0; step < STEPS; step++) {
		uint64_t roll = rng_below(&r, 100);
		uint32_t f = (uint32_t)rng_below(&r, rng_below(&r, FRAMES) + 1); /* skewed low */
		uint32_t resident = 0;

		for (uint32_t g = 0; g < FRAMES; g++)
			resident += h.resident[g];
		if (roll < 60 && h.resident[f]) {
			count[f]++;
			last[f] = h.now;
			ph_hit_write(&h, f, false);
		} else if (roll < 64 && h.resident[f]) {
			ph_forget(&h, f);
		} else if (!h.resident[f]) {
			count[f] = 1;
			last[f] = h.now;
			ph_admit_write(&h, f, false);
		} else if (resident > 0) {
			uint32_t want = FRAMES;

			for (uint32_t g = 0; g < FRAMES; g++)
				if (h.resident[g] &&
				    (want == FRAMES || count[g] < count[want] ||
				     (count[g] == count[want] && last[g] < last[want])))
					want = g;
			f = ph_evict(&h);
			QUIET_ASSERT_MSG(f == want, "step %d: lfu evicted f%u, the model f%u", step, (unsigned)f,
					 (unsigned)want);
		}
	}
	ph_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* WSClock                                                              */

/*
 * tau 10, three frames. Admissions out of frame order: f1 at t0, f0 at
 * t5, f2 at t6 (last_use = admission time). The test clears A of f0, f1.
 *  t20 evict, h=0: f0 A clear, age 15 > 10 -> f0, though f1 (age 20) is
 *  older: the first old page from the hand wins. h=1; f2 untouched (its
 *  bit is still set).
 *  admit f0 at t20. t21 evict, h=1: f1 age 21 -> f1; h=2. admit f1 at
 *  t21.
 *  t22 evict, h=2: f2 A -> clear, last_use 22; f0 A -> clear, 22; f1 A
 *  -> clear, 22. No victim in the turn: fallback, the oldest last_use,
 *  all 22, the first from where the turn began: f2; h=0 (clock-like).
 */
START_TEST(test_wsclock_window)
{
	const double tau[] = { 10 };
	struct policy_harness h;

	ph_open(&h, &policy_wsclock, 3, tau);
	h.now = 0;
	ph_admit_write(&h, 1, false);
	h.now = 5;
	ph_admit_write(&h, 0, false);
	ph_admit_write(&h, 2, false);
	ph_bits(&h, 0, false, false);
	ph_bits(&h, 1, false, false);
	h.now = 20;
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert(h.accessed[2]);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_write(&h, 1, false);
	ck_assert_uint_eq(h.now, 22);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert(!h.accessed[0] && !h.accessed[1]);
	ck_assert_uint_eq(h.dirty_reads, 0);
	ph_close(&h);
}
END_TEST

/*
 * Fallback: tau 100, three frames, f0 f1 f2 admitted at t0 t1 t2.
 *  t3 evict, h=0: every bit set: all cleared, last_use 3; -> f0 (first
 *  from the hand); h=1. admit f0 at t3 (A set, 3).
 *  hit f1 at t4 (A). t5 evict, h=1: f1 A -> 5; f2 age 2 -> keep; f0 A ->
 *  5. Fallback: the oldest is f2 (3), not the first in the sweep -> f2;
 *  h=0.
 *  admit f2 at t5; the test clears every bit. t6 evict, h=0: last_use
 *  f0 5, f1 5, f2 5: a tie, the first from the hand -> f0; h=1.
 *  admit f0 at t6, bit cleared. t7 evict, h=1: f1 5, f2 5, f0 6 -> f1
 *  (first of the tie from h=1); h=2.
 *  admit f1 at t7, bits cleared. t8 evict, h=2: f2 5, f0 6, f1 7 -> f2;
 *  h=0. admit f2 at t8, bit cleared. t9 evict, h=0: f0 6, f1 7, f2 8 ->
 *  f0; h=1; and again (f0 now free): f1 7, f2 8 -> f1.
 */
START_TEST(test_wsclock_fallback)
{
	const double tau[] = { 100 };
	struct policy_harness h;

	ph_open(&h, &policy_wsclock, 3, tau);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert(!h.accessed[1] && !h.accessed[2]);
	ph_admit_write(&h, 0, false);
	ph_hit_write(&h, 1, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_admit_write(&h, 2, false);
	for (uint32_t f = 0; f < 3; f++)
		ph_bits(&h, f, false, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ph_bits(&h, 0, false, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_write(&h, 1, false);
	ph_bits(&h, 0, false, false);
	ph_bits(&h, 1, false, false);
	ph_bits(&h, 2, false, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_admit_write(&h, 2, false);
	ph_bits(&h, 2, false, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_close(&h);
}
END_TEST

/*
 * Tie among three by sweep order: tau 100, f0 f1 f2 at t0 t1 t2; t3
 * evict clears all (last_use 3) and takes f0; h=1. admit f0 at t3; the
 * test clears its bit: all three last_use 3. t4 evict from h=1 -> f1
 * (lowest frame number would be f0).
 * Dirty pages are not spared: tau 2, f0 written at t0, f1 f2 read at t1
 * t2, bits cleared; t10 evict, h=0 -> f0 (age 10, dirty); h=1. Forget:
 * f1 forgotten is passed over; f2 (age 8) -> f2; h=0.
 * The window is strict: f1 admitted at t10, f0 at t11, bits cleared; t13
 * evict, h=0: f0 age 2 = tau stays; f1 age 3 > tau -> f1.
 */
START_TEST(test_wsclock_ties_dirty_forget)
{
	const double wide[] = { 100 }, narrow[] = { 2 };
	struct policy_harness h;

	ph_open(&h, &policy_wsclock, 3, wide);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_write(&h, f, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_write(&h, 0, false);
	ph_bits(&h, 0, false, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_close(&h);

	ph_open(&h, &policy_wsclock, 3, narrow);
	ph_admit_write(&h, 0, true);
	ph_admit_write(&h, 1, false);
	ph_admit_write(&h, 2, false);
	for (uint32_t f = 0; f < 3; f++)
		h.accessed[f] = false;
	h.now = 10;
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_forget(&h, 1);
	ck_assert_uint_eq(ph_evict(&h), 2);
	h.now = 10;
	ph_admit_write(&h, 1, false);
	ph_admit_write(&h, 0, false);
	ph_bits(&h, 0, false, false);
	ph_bits(&h, 1, false, false);
	h.now = 13;
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(h.dirty_reads, 0);
	ph_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SIEVE                                                                */

/*
 * Four frames admitted in order: queue tail..head f0 f1 f2 f3, hand
 * unset. The test sets A: f0 1, f1 0, f2 1, f3 0.
 *  evict: from the tail: f0 A -> clear; f1 -> victim; hand f2.
 *         queue f0 f2 f3.  admit f1 (head): f0 f2 f3 f1.
 *  evict: f2 A -> clear; f3 -> victim; hand f1. queue f0 f2 f1.
 *         admit f3: f0 f2 f1 f3.
 *  evict: f1 A -> clear; f3 A -> clear; wrap to the tail: f0 (cleared in
 *         the first sweep, not moved since) -> victim; hand f2 (next
 *         newer). queue f2 f1 f3.
 *  hit f2. evict: f2 A -> clear; f1 -> victim; hand f3. queue f2 f3.
 *  evict: f3 (cleared two sweeps ago) -> victim; it was the head: the
 *         hand is unset. queue f2.
 *  admit f0: f2 f0. evict: from the tail: f2 (cleared) -> victim; hand
 *         f0.
 * Retained pages keep their place: f2 stays the oldest throughout, where
 * second chance would have moved it behind f3 and f1.
 */
START_TEST(test_sieve_hand)
{
	struct policy_harness h;

	ph_open(&h, &policy_sieve, 4, NULL);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_write(&h, f, false);
	ph_bits(&h, 1, false, false);
	ph_bits(&h, 3, false, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert(!h.accessed[0] && h.accessed[2]);
	ph_admit_write(&h, 1, false);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_admit_write(&h, 3, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_hit_write(&h, 2, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_admit_write(&h, 0, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(h.dirty_reads, 0);
	ph_close(&h);
}
END_TEST

/*
 * Forget moves a hand that points at the frame. Four frames, queue f0 f1
 * f2 f3, A: f0 1, f1 0, f2 1, f3 1.
 *  evict: f0 -> clear; f1 -> victim; hand f2. queue f0 f2 f3.
 *  forget f2: the hand moves to f3. The test clears f3's bit.
 *  evict: from the hand f3 -> victim (from the tail it would be f0,
 *         whose bit is clear); f3 was the head: hand unset. queue f0.
 *  admit f1, f2: f0 f1 f2. A: f0 1 (test), f1 0 (test), f2 1.
 *  evict: tail f0 -> clear; f1 -> victim; hand f2 (the head).
 *  forget f2: the hand is unset. admit f2: f0 f2. The test sets f0's bit.
 *  evict: from the tail: f0 -> clear; f2 -> clear; wrap: f0 -> victim.
 *         (A hand left on f2 would have taken f2.)
 */
START_TEST(test_sieve_forget)
{
	struct policy_harness h;

	ph_open(&h, &policy_sieve, 4, NULL);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_write(&h, f, false);
	ph_bits(&h, 1, false, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_forget(&h, 2);
	ph_bits(&h, 3, false, false);
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_admit_write(&h, 1, false);
	ph_admit_write(&h, 2, false);
	ph_bits(&h, 0, true, false);
	ph_bits(&h, 1, false, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_forget(&h, 2);
	ph_admit_write(&h, 2, false);
	ph_bits(&h, 0, true, false);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Every policy: a seeded random protocol stress                        */

/* A long mix of faults (evicting when full), hits (some writes), forgets,
 * bit clearing and, for aging, ticks on a 7-frame fake machine: every
 * victim must be resident, and the policy must never ask about a frame
 * that is not (the fake host checks). */
START_TEST(test_protocol_stress)
{
	enum { FRAMES = 7, STEPS = 20000 };
	const struct policy *p = bits_policies[_i];
	const double aging_params[] = { 5, 13 }, wsclock_params[] = { 20 };
	struct policy_harness h;
	struct rng r;
	uint64_t next_tick = 0;

	ph_open(&h, p, FRAMES, p == &policy_aging ? aging_params : p == &policy_wsclock ? wsclock_params : NULL);
	rng_seed(&r, 0xb175 + (uint64_t)_i);
	for (int step = 0; step < STEPS; step++) {
		uint32_t f = (uint32_t)rng_below(&r, FRAMES);
		uint64_t roll = rng_below(&r, 100);
		uint32_t resident = 0, free_frame = FRAMES;

		if (p->tick != NULL && h.now >= next_tick)
			next_tick = ph_tick(&h, h.now);
		for (uint32_t g = FRAMES; g-- > 0;) {
			resident += h.resident[g];
			if (!h.resident[g])
				free_frame = g;
		}
		if (roll < 55 && h.resident[f]) {
			ph_hit_write(&h, f, roll < 15);
		} else if (roll < 58 && h.resident[f]) {
			ph_forget(&h, f);
		} else if (roll < 63 && h.resident[f]) {
			h.accessed[f] = false;
		} else if (free_frame < FRAMES) {
			ph_admit_write(&h, free_frame, roll % 3 == 0);
		} else {
			QUIET_ASSERT(resident == FRAMES);
			ph_admit_write(&h, ph_evict(&h), roll % 3 == 0);
		}
	}
	ph_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Layer 2: the real machine                                           */

#define PAGE_SHIFT 12
#define MAX_REFS 64
#define MAX_VICTIMS 64

struct mrun {
	struct sim_stats st;
	size_t victims;
	uint32_t frame[MAX_VICTIMS];
	uint64_t page[MAX_VICTIMS];
	bool dirty[MAX_VICTIMS];
};

/* Evict hook: record the victim. */
static void mrun_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct mrun *run = ctx;

	QUIET_ASSERT(pid == 1);
	if (run->victims < MAX_VICTIMS) {
		run->frame[run->victims] = frame;
		run->page[run->victims] = vpn;
		run->dirty[run->victims] = dirty;
	}
	run->victims++;
}

/* Replay refs ("7 0 1 2W 3R ...": page numbers, W for a write, R or
 * nothing for a read) on a machine of frames frames under policy p with
 * params (NULL: defaults). */
static void mrun_string(const struct policy *p, const double *params, uint32_t frames, const char *refs,
			struct mrun *out)
{
	struct trace_rec recs[MAX_REFS];
	struct ps_error err = { { 0 } };
	struct sim *s;
	size_t n = 0;
	char *end;

	memset(out, 0, sizeof(*out));
	for (const char *c = refs; *c != '\0'; c = end) {
		uint64_t page;

		while (*c == ' ')
			c++;
		if (*c == '\0')
			break;
		page = strtoull(c, &end, 10);
		ck_assert_ptr_ne(end, c);
		ck_assert_uint_lt(n, MAX_REFS);
		recs[n++] = (struct trace_rec){ .addr = page << PAGE_SHIFT,
						.pid = 1,
						.size = 1,
						.op = *end == 'W' ? OP_WRITE : OP_READ };
		if (*end == 'W' || *end == 'R')
			end++;
	}
	s = sim_open_policy(p, params, frames, 1024, mrun_hook, out);
	ck_assert_msg(sim_feed(s, recs, n, &err) == 0, "sim_feed(%s): %s", p->name, err.msg);
	sim_get_stats(s, &out->st);
	sim_destroy(s);
	ck_assert_uint_eq(out->st.refs, n);
	ck_assert_uint_eq(out->st.evictions, out->victims);
}

/* Check run's victims: frames, pages and (if dirty is not NULL) dirty
 * flags, n of each. */
static void mrun_expect(const struct mrun *run, size_t n, const uint32_t *frame, const uint64_t *page,
			const bool *dirty)
{
	ck_assert_uint_eq(run->victims, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(run->frame[i] == frame[i] && run->page[i] == page[i],
			      "victim %zu: frame %u page %llu, want frame %u page %llu", i,
			      (unsigned)run->frame[i], (unsigned long long)run->page[i], (unsigned)frame[i],
			      (unsigned long long)page[i]);
		if (dirty != NULL)
			ck_assert_msg(run->dirty[i] == dirty[i], "victim %zu: dirty %d, want %d", i,
				      run->dirty[i], dirty[i]);
	}
}

static const char textbook[] = "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1";

/*
 * NRU, 3 frames, "1W 2R 3W 4R 1R 5R 4W 6R 2R 6R 3R 1R 7R". (A,D) per
 * frame, h = hand; passes as at the top of nru.c.
 *  1W 2R 3W  faults 1-3     [1 11, 2 10, 3 11] h=0
 *  4R  fault 4: p1 none; p2 clears f0 (01), f1 (00), f2 (01), none;
 *      p3 from f0: f1 (00) -> evict 2 (f1, clean)
 *                           [1 01, 4 10, 3 01] h=2
 *  1R  hit                  [1 11, 4 10, 3 01]
 *  5R  fault 5: p1 from f2: none; p2: f2 (01) -> evict 3 (f2, dirty)
 *                           [1 11, 4 10, 5 10] h=0
 *  4W  hit                  [1 11, 4 11, 5 10]
 *  6R  fault 6: p1 none; p2 clears f0 f1 f2, none (01 01 00);
 *      p3: f2 (00) -> evict 5 (f2, clean)
 *                           [1 01, 4 01, 6 10] h=0
 *  2R  fault 7: p1 none; p2: f0 (01) -> evict 1 (f0, dirty)
 *                           [2 10, 4 01, 6 10] h=1
 *  6R  hit
 *  3R  fault 8: p1 from f1: none; p2: f1 (01) -> evict 4 (f1, dirty)
 *                           [2 10, 3 10, 6 10] h=2
 *  1R  fault 9: p1 none; p2 clears all, none; p3 from f2: f2 (00) ->
 *      evict 6 (f2, clean)  [2 00, 3 00, 1 10] h=0
 *  7R  fault 10: p1: f0 (00) -> evict 2 (f0, clean)
 * 10 faults; victims 2 3 5 1 4 6 2 in frames 1 2 2 0 1 2 0.
 */
START_TEST(test_machine_nru)
{
	static const uint32_t frame[] = { 1, 2, 2, 0, 1, 2, 0 };
	static const uint64_t page[] = { 2, 3, 5, 1, 4, 6, 2 };
	static const bool dirty[] = { false, true, false, true, true, false, false };
	struct mrun run;

	mrun_string(&policy_nru, NULL, 3, "1W 2R 3W 4R 1R 5R 4W 6R 2R 6R 3R 1R 7R", &run);
	ck_assert_uint_eq(run.st.faults, 10);
	mrun_expect(&run, ARRAY_LEN(page), frame, page, dirty);
	ck_assert_uint_eq(run.st.dirty_evictions, 3);
}
END_TEST

/*
 * Aging, bits 2 (top 10b), tick 2: ticks before references 0, 2, 4, ...
 * Textbook string, 3 frames; counters as [f0 f1 f2], F = fresh (ranks
 * 10), tN = the tick before reference N.
 *  r0 7 r1 0: faults           [7F 0F -]
 *  t2: 10 10.  r2 1: fault      [7 10, 0 10, 1F]
 *  r3 2: ranks 10 10 10 -> f0 (7)                     [2F 0 10 1F]
 *  t4: 10 01 10.  r4 0 hit.  r5 3: 10 01 10 -> f1 (0)  [2 10, 3F, 1 10]
 *  t6: 01 10 01.  r6 0: -> f0 (2)                     [0F 3 10 1 01]
 *  r7 4: 10 10 01 -> f2 (1)                           [0F 3 10 4F]
 *  t8: 10 01 10.  r8 2: -> f1 (3)                     [0 10, 2F, 4 10]
 *  r9 3: 10 10 10 -> f0 (0)                           [3F 2F 4 10]
 *  t10: 10 10 01. r10 0: -> f2 (4)                    [3 10, 2 10, 0F]
 *  r11 3 hit.  t12: 11 01 10.  r12 2 hit.
 *  r13 1: 11 01 10 -> f1 (2)                          [3 11, 1F, 0 10]
 *  t14: 01 10 01.  r14 2: 01 10 01 -> f0 (3)          [2F 1 10 0 01]
 *  r15 0 hit.  t16: 10 01 10.  r16 1 hit.
 *  r17 7: 10 01 10 -> f1 (1)                          [2 10, 7F, 0 10]
 *  t18: 01 10 01.  r18 0 hit.  r19 1: 01 10 01 -> f0 (2)
 * 14 faults; victims 7 0 2 1 3 0 4 2 3 1 2 in frames 0 1 0 2 1 0 2 1 0 1 0.
 *
 * With the defaults (tick 1000) the only tick is before reference 0, so
 * every page stays fresh, all rank alike, and the victim is always f0:
 * 0 and 1 stay in f1 and f2, and f0 takes 2 3 4 2 3 2 7 in turn: faults
 * at 7 0 1 2 3 4 2 3 2 7, 10 in all, victims 7 2 3 4 2 3 2.
 */
START_TEST(test_machine_aging)
{
	static const double params[] = { 2, 2 };
	static const uint32_t frame[] = { 0, 1, 0, 2, 1, 0, 2, 1, 0, 1, 0 };
	static const uint64_t page[] = { 7, 0, 2, 1, 3, 0, 4, 2, 3, 1, 2 };
	static const uint32_t frame_default[] = { 0, 0, 0, 0, 0, 0, 0 };
	static const uint64_t page_default[] = { 7, 2, 3, 4, 2, 3, 2 };
	struct mrun run;

	mrun_string(&policy_aging, params, 3, textbook, &run);
	ck_assert_uint_eq(run.st.faults, 14);
	mrun_expect(&run, ARRAY_LEN(page), frame, page, NULL);
	mrun_string(&policy_aging, NULL, 3, textbook, &run);
	ck_assert_uint_eq(run.st.faults, 10);
	mrun_expect(&run, ARRAY_LEN(page_default), frame_default, page_default, NULL);
}
END_TEST

/*
 * LFU, textbook string, 3 frames; page:count, recency breaks ties.
 *  7 0 1: [7:1 0:1 1:1]
 *  2: all 1, 7 least recent -> f0 (7)        [2:1 0:1 1:1]
 *  0 hit (0:2).  3: 1s are 1, 2; 1 older -> f2 (1)  [2:1 0:2 3:1]
 *  0 hit (0:3).  4: 2 older than 3 -> f0 (2)   [4:1 0:3 3:1]
 *  2: 3 older than 4 -> f2 (3)                [4:1 0:3 2:1]
 *  3: 4 older than 2 -> f0 (4)                [3:1 0:3 2:1]
 *  0 hit (0:4), 3 hit (3:2), 2 hit (2:2).
 *  1: 2s are 3 (older) and 2 -> f0 (3)        [1:1 0:4 2:2]
 *  2 hit (2:3), 0 hit (0:5), 1 hit (1:2).
 *  7: fewest is 1:2 -> f0 (1)                 [7:1 0:5 2:3]
 *  0 hit (0:6).  1: 7:1 -> f0 (7)
 * 11 faults; victims 7 1 2 3 4 3 1 7 in frames 0 2 0 2 0 0 0 0.
 */
START_TEST(test_machine_lfu)
{
	static const uint32_t frame[] = { 0, 2, 0, 2, 0, 0, 0, 0 };
	static const uint64_t page[] = { 7, 1, 2, 3, 4, 3, 1, 7 };
	struct mrun run;

	mrun_string(&policy_lfu, NULL, 3, textbook, &run);
	ck_assert_uint_eq(run.st.faults, 11);
	mrun_expect(&run, ARRAY_LEN(page), frame, page, NULL);
}
END_TEST

/*
 * WSClock, tau 2, 3 frames, "1 2 3 4 2 4 5 5 5 6 4W 7 6 7 7 8 9 9 8 10"
 * (reference r at time r). page:last_use, * = A set, h = hand.
 *  r0-2 1 2 3: [1:0* 2:1* 3:2*] h=0
 *  r3 4: all A: cleared, last_use 3; no victim; fallback: all 3, first
 *        from h -> f0 (1)           [4:3* 2:3 3:3] h=1
 *  r4 2 hit, r5 4 hit               [4:3* 2:3* 3:3]
 *  r6 5: f1 A -> 6; f2 age 3 > 2 -> f2 (3)   [4:3* 2:6 5:6*] h=0
 *  r7 r8 5 hits.
 *  r9 6: f0 A -> 9; f1 age 3 -> f1 (2)       [4:9 6:9* 5:6*] h=2
 *  r10 4W hit                       [4:9*D 6:9* 5:6*]
 *  r11 7: f2 A -> 11, f0 A -> 11, f1 A -> 11; fallback: all 11, first
 *        from h=2 -> f2 (5)         [4:11 D, 6:11, 7:11*] h=0
 *  r12 6 hit, r13 r14 7 hits.
 *  r15 8: f0 age 4 -> f0 (4, dirty: written back by the core)
 *                                   [8:15* 6:11* 7:11*] h=1
 *  r16 9: f1 A -> 16, f2 A -> 16, f0 A -> 16; fallback, first from h=1
 *        -> f1 (6)                  [8:16 9:16* 7:16] h=2
 *  r17 9 hit, r18 8 hit.
 *  r19 10: f2 age 3 -> f2 (7)
 * 10 faults; victims 1 3 2 5 4 6 7 in frames 0 2 1 2 0 1 2; only 4 dirty.
 */
START_TEST(test_machine_wsclock)
{
	static const double tau[] = { 2 };
	static const uint32_t frame[] = { 0, 2, 1, 2, 0, 1, 2 };
	static const uint64_t page[] = { 1, 3, 2, 5, 4, 6, 7 };
	static const bool dirty[] = { false, false, false, false, true, false, false };
	struct mrun run;

	mrun_string(&policy_wsclock, tau, 3, "1 2 3 4 2 4 5 5 5 6 4W 7 6 7 7 8 9 9 8 10", &run);
	ck_assert_uint_eq(run.st.faults, 10);
	mrun_expect(&run, ARRAY_LEN(page), frame, page, dirty);
	ck_assert_uint_eq(run.st.swap_writes, 1);
}
END_TEST

/*
 * SIEVE, textbook string, 3 frames. Queue tail..head with frames, * = A,
 * H = hand (- unset). Every fault sets the new page's bit.
 *  7 0 1: [7*f0 0*f1 1*f2] H -
 *  2: from the tail: clear 7 0 1, wrap, 7 -> f0 (7); H 0   [0 1 2*f0]
 *  0 hit.  3: clear 0; 1 -> f2 (1); H 2                    [0 2* 3*f2]
 *  0 hit.  4: clear 2, 3, wrap, clear 0; 2 -> f0 (2); H 3  [0 3 4*f0]
 *  2: 3 -> f2 (3); H 4                                     [0 4* 2*f2]
 *  3: clear 4, 2, wrap; 0 -> f1 (0); H 4                   [4 2 3*f1]
 *  0: 4 -> f0 (4); H 2                                     [2 3* 0*f0]
 *  3 hit, 2 hit.  1: clear 2, 3, 0, wrap; 2 -> f2 (2); H 3 [3 0 1*f2]
 *  2: 3 -> f1 (3); H 0                                     [0 1* 2*f1]
 *  0 hit, 1 hit.  7: clear 0 1 2, wrap; 0 -> f0 (0); H 1   [1 2 7*f0]
 *  0: 1 -> f2 (1); H 2                                     [2 7* 0*f2]
 *  1: 2 -> f1 (2); H 7
 * 14 faults; victims 7 1 2 3 0 4 2 3 0 1 2 in frames 0 2 0 2 1 0 2 1 0 2 1.
 */
START_TEST(test_machine_sieve)
{
	static const uint32_t frame[] = { 0, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1 };
	static const uint64_t page[] = { 7, 1, 2, 3, 0, 4, 2, 3, 0, 1, 2 };
	struct mrun run;

	mrun_string(&policy_sieve, NULL, 3, textbook, &run);
	ck_assert_uint_eq(run.st.faults, 14);
	mrun_expect(&run, ARRAY_LEN(page), frame, page, NULL);
}
END_TEST

/* ---- shared invariants on a generated workload ---- */

#define WL_REFS 4000
#define WL_PAGES 64

static uint64_t wl_pages[WL_REFS];
static bool wl_writes[WL_REFS];

/* A seeded string with locality: a working set of 10 pages that drifts,
 * 10% uniform strays, 30% writes (idempotent). */
static void wl_init(void)
{
	struct rng r;
	uint64_t base = 0;

	rng_seed(&r, 0xa9e5);
	for (size_t i = 0; i < WL_REFS; i++) {
		if (rng_below(&r, 150) == 0)
			base = rng_below(&r, WL_PAGES - 10);
		wl_pages[i] = rng_below(&r, 10) == 0 ? rng_below(&r, WL_PAGES) : base + rng_below(&r, 10);
		wl_writes[i] = rng_below(&r, 10) < 3;
	}
}

struct wl_run {
	struct sim_stats st;
	bool resident[WL_PAGES];
	bool written[WL_PAGES];
	uint32_t frame_of[WL_PAGES];
	uint64_t current;
	uint32_t pending_frame;
	bool evicted_now;
	uint64_t victim_hash;
	char problem[160];
};

/* Evict hook: the victim must be a resident page other than the faulting
 * one, in the frame the model says, dirty exactly if written since it was
 * loaded; fold it into the run's hash. */
static void wl_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct wl_run *run = ctx;
	const char *problem = NULL;

	if (pid != 1 || vpn >= WL_PAGES || !run->resident[vpn])
		problem = "the victim is not resident";
	else if (vpn == run->current)
		problem = "the victim is the faulting page";
	else if (run->frame_of[vpn] != frame)
		problem = "the victim's frame does not hold it";
	else if (dirty != run->written[vpn])
		problem = "the victim's dirty flag differs from its write history";
	else if (run->evicted_now)
		problem = "two evictions for one fault";
	if (problem != NULL) {
		if (run->problem[0] == '\0')
			snprintf(run->problem, sizeof(run->problem), "%s (frame %u, page %llu)", problem,
				 (unsigned)frame, (unsigned long long)vpn);
		return;
	}
	run->resident[vpn] = false;
	run->pending_frame = frame;
	run->evicted_now = true;
	run->victim_hash = (run->victim_hash ^ (vpn << 32 | frame)) * 0x100000001b3ULL;
}

/* Replay the workload through p (params, NULL: defaults) with frames
 * frames, one record per sim_feed, checking every eviction against the
 * model (free frames lowest first; the new page takes the victim's
 * frame). */
static void wl_replay(const struct policy *p, const double *params, uint32_t frames, struct wl_run *run)
{
	struct sim_config cfg = { .policy = p,
				  .policy_params = params,
				  .frames = frames,
				  .page_shift = PAGE_SHIFT,
				  .va_bits = 48,
				  .swap_slots = WL_PAGES,
				  .seed = 1,
				  .span_pages = false };
	struct ps_error err = { { 0 } };
	uint32_t next_free = 0;
	struct sim *s;

	memset(run, 0, sizeof(*run));
	run->victim_hash = 0xcbf29ce484222325ULL;
	s = sim_create(&cfg, &err);
	ck_assert_msg(s != NULL, "sim_create(%s): %s", p->name, err.msg);
	sim_set_evict_hook(s, wl_hook, run);
	for (size_t i = 0; i < WL_REFS; i++) {
		uint64_t page = wl_pages[i];
		struct trace_rec rec = { .addr = page << PAGE_SHIFT,
					 .pid = 1,
					 .size = 1,
					 .op = wl_writes[i] ? OP_WRITE : OP_READ };
		bool was_resident = run->resident[page];

		run->current = page;
		run->evicted_now = false;
		QUIET_ASSERT_MSG(sim_feed(s, &rec, 1, &err) == 0, "sim_feed(%s): %s", p->name, err.msg);
		QUIET_ASSERT_MSG(run->problem[0] == '\0', "%s, %u frames, reference %zu: %s", p->name,
				 (unsigned)frames, i, run->problem);
		if (!was_resident) {
			if (next_free < frames) {
				QUIET_ASSERT_MSG(!run->evicted_now, "%s evicted with a free frame", p->name);
				run->frame_of[page] = next_free++;
			} else {
				QUIET_ASSERT_MSG(run->evicted_now, "%s: a fault on a full machine evicted nothing",
						 p->name);
				run->frame_of[page] = run->pending_frame;
			}
			run->resident[page] = true;
			run->written[page] = false;
		}
		if (wl_writes[i])
			run->written[page] = true;
	}
	sim_get_stats(s, &run->st);
	sim_destroy(s);
}

struct wl_spec {
	const struct policy *policy;
	double params[2];
	bool defaults;
};

/* Each policy with its defaults, and aging and wsclock tuned so that
 * ticks and the window matter on 4000 references. */
static const struct wl_spec wl_specs[] = {
	{ &policy_nru, { 0 }, true },
	{ &policy_aging, { 0 }, true },
	{ &policy_aging, { 4, 50 }, false },
	{ &policy_lfu, { 0 }, true },
	{ &policy_wsclock, { 0 }, true },
	{ &policy_wsclock, { 64 }, false },
	{ &policy_sieve, { 0 }, true },
};

START_TEST(test_invariants)
{
	const struct wl_spec *spec = &wl_specs[_i];
	const double *params = spec->defaults ? NULL : spec->params;
	static struct wl_run run, again;
	uint64_t distinct = 0;
	static bool seen[WL_PAGES];

	wl_init();
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < WL_REFS; i++)
		if (!seen[wl_pages[i]]) {
			seen[wl_pages[i]] = true;
			distinct++;
		}
	/* Enough frames: only first touches fault. */
	for (uint32_t frames = (uint32_t)distinct; frames <= distinct + 8; frames += 8) {
		wl_replay(spec->policy, params, frames, &run);
		ck_assert_uint_eq(run.st.refs, WL_REFS);
		ck_assert_uint_eq(run.st.hits + run.st.faults, run.st.refs);
		ck_assert_uint_eq(run.st.faults, distinct);
		ck_assert_uint_eq(run.st.distinct_pages, distinct);
		ck_assert_uint_eq(run.st.evictions, 0);
	}
	/* Under pressure: every fault after the frames fill evicts once, and
	 * a second run repeats the first victim for victim. */
	for (uint32_t frames = 1; frames <= 16; frames *= 2) {
		wl_replay(spec->policy, params, frames, &run);
		ck_assert_uint_eq(run.st.hits + run.st.faults, run.st.refs);
		ck_assert_uint_gt(run.st.faults, frames);
		ck_assert_uint_eq(run.st.evictions, run.st.faults - frames);
		ck_assert_uint_le(run.st.dirty_evictions, run.st.evictions);
		wl_replay(spec->policy, params, frames, &again);
		ck_assert_uint_eq(again.st.faults, run.st.faults);
		ck_assert_uint_eq(again.victim_hash, run.victim_hash);
	}
}
END_TEST

Suite *make_policies_bits_suite(void)
{
	const TTest *const unit_tests[] = {
		test_descriptors, test_nru_classes, test_nru_every_bit_set, test_nru_forget,
		test_aging_counters, test_aging_new_page_and_widths, test_aging_forget,
		test_lfu_counts_and_ties, test_lfu_forget, test_lfu_matches_naive_model, test_wsclock_window,
		test_wsclock_fallback, test_wsclock_ties_dirty_forget, test_sieve_hand, test_sieve_forget
	};
	const TTest *const machine_tests[] = {
		test_machine_nru, test_machine_aging, test_machine_lfu, test_machine_wsclock,
		test_machine_sieve
	};
	Suite *s = suite_create("policies-bits");
	TCase *unit, *machine;

	unit = SUITE_ADD_TESTS(s, "policy", 0, unit_tests);
	tcase_add_loop_test(unit, test_protocol_stress, 0, (int)ARRAY_LEN(bits_policies));
	machine = SUITE_ADD_TESTS(s, "machine", 60, machine_tests);
	tcase_add_loop_test(machine, test_invariants, 0, (int)ARRAY_LEN(wl_specs));
	return s;
}
