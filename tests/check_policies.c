/*
 * check_policies.c - the replacement policies and their registry.
 *
 * Two layers:
 *  1. Policy level: each policy is driven directly through admit / touch /
 *     evict / forget with a fake struct policy_host whose accessed bits the
 *     test controls, and victims are checked step by step. A tiny replay
 *     model (ph_replay() in policy_harness.c) plays the textbook strings through a policy the
 *     way the core is specified to: free frames lowest first, the faulting
 *     access and every hit set the accessed bit, the new page goes into the
 *     victim's frame.
 *  2. Machine level: the same strings and a generated workload run through
 *     the real simulator (sim.h), for known answers and for the invariants
 *     every policy in policy_registry must keep.
 *
 * Known answers on 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1 with 3 frames:
 * FIFO 15, LRU 12, OPT 9 faults (the textbook values), and clock 14,
 * derived by hand below. Frames as [f0 f1 f2], '*' = accessed bit set,
 * h = hand; every fault sets the new page's bit, every hit sets it again.
 *
 *   ref  7 0 1: faults 1-3, fill f0 f1 f2          [7* 0* 1*] h=0
 *   ref  2: fault 4: sweep clears 7,0,1; evict f0 (7)   [2* 0  1 ] h=1
 *   ref  0: hit                                    [2* 0* 1 ] h=1
 *   ref  3: fault 5: clear 0; evict f2 (1)         [2* 0  3*] h=0
 *   ref  0: hit                                    [2* 0* 3*] h=0
 *   ref  4: fault 6: clear 2,0,3; evict f0 (2)     [4* 0  3 ] h=1
 *   ref  2: fault 7: evict f1 (0)                  [4* 2* 3 ] h=2
 *   ref  3: hit                                    [4* 2* 3*] h=2
 *   ref  0: fault 8: clear 3,4,2; evict f2 (3)     [4  2  0*] h=0
 *   ref  3: fault 9: evict f0 (4)                  [3* 2  0*] h=1
 *   ref  2: hit                                    [3* 2* 0*] h=1
 *   ref  1: fault 10: clear 2,0,3; evict f1 (2)    [3  1* 0 ] h=2
 *   ref  2: fault 11: evict f2 (0)                 [3  1* 2*] h=0
 *   ref  0: fault 12: evict f0 (3)                 [0* 1* 2*] h=1
 *   ref  1: hit                                    [0* 1* 2*] h=1
 *   ref  7: fault 13: clear 1,2,0; evict f1 (1)    [0  7* 2 ] h=2
 *   ref  0: hit                                    [0* 7* 2 ] h=2
 *   ref  1: fault 14: evict f2 (2)                 [0* 7* 1*] h=0
 *
 * Clock: 14 faults, 11 evictions; victim frames 0,2,0,1,2,0,1,2,0,1,2,
 * victim pages 7,1,2,0,3,4,2,0,3,1,2. Second-chance: its queue is always
 * the circular frame order from the hand (f0 f1 f2 filled in order, each
 * new page goes to the back exactly where the hand leaves it), so the same
 * 14 faults and the same victims.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "policy_harness.h"
#include "replay/future.h"
#include "policies/registry.h"
#include "util/rng.h"
#include "machine/sim.h"


/* ------------------------------------------------------------------ */
/* Layer 1: one policy instance on the shared strict harness           */
/* (policy_harness.h); ph_replay() is the replay model.                */

static const uint64_t belady_string[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
static const uint64_t textbook_string[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3,
					    0, 3, 2, 1, 2, 0, 1, 7, 0, 1 };
static const uint32_t textbook_clock_victim_frames[] = { 0, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2 };
static const uint64_t textbook_clock_victim_pages[] = { 7, 1, 2, 0, 3, 4, 2, 0, 3, 1, 2 };

/* The registered policy called name; fails the test if there is none. */
static const struct policy *must_find(const char *name)
{
	const struct policy *p = policy_find(name);

	ck_assert_msg(p != NULL, "policy %s not registered", name);
	return p;
}

/* Number of entries in policy_registry. */
static int registry_size(void)
{
	int n = 0;

	while (policy_registry[n] != NULL)
		n++;
	return n;
}

/* ---- registry ---- */

START_TEST(test_registry_order_and_find)
{
	static const char *const names[] = { "fifo", "random", "clock", "second-chance", "nru",
					     "wsclock", "sieve", "lru", "aging", "lfu", "2q", "arc",
					     "s3-fifo", "lirs", "clock-pro", "opt", "nfu", "ws", "pff",
					     "vmin" };

	ck_assert_int_eq(registry_size(), (int)ARRAY_LEN(names));
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		ck_assert_str_eq(policy_registry[i]->name, names[i]);
		ck_assert_ptr_eq(policy_find(names[i]), policy_registry[i]);
	}
	ck_assert_ptr_null(policy_find("lur"));
	ck_assert_ptr_null(policy_find("LRU"));
	ck_assert_ptr_null(policy_find(""));
	ck_assert_ptr_null(policy_find(NULL));
}
END_TEST

START_TEST(test_registry_descriptors)
{
	for (int i = 0; policy_registry[i] != NULL; i++) {
		const struct policy *p = policy_registry[i];
		struct policy_config cfg = { .frames = 8, .seed = 1, .host = NULL };

		ck_assert_uint_eq(p->abi, PAGESIM_POLICY_ABI);
		ck_assert_ptr_nonnull(p->name);
		ck_assert_ptr_nonnull(p->summary);
		ck_assert(strlen(p->summary) > 0);
		ck_assert_ptr_nonnull(p->state_size);
		ck_assert_ptr_nonnull(p->init);
		ck_assert_ptr_nonnull(p->admit);
		ck_assert_ptr_nonnull(p->evict);
		ck_assert_ptr_nonnull(p->forget);
		ck_assert_uint_gt(p->state_size(&cfg), 0);
		/* kebab-case: lower-case letters, digits and single inner dashes */
		for (const char *c = p->name; *c; c++)
			ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
					      (*c == '-' && c != p->name && c[1] != '\0' &&
					       c[1] != '-'),
				      "policy name %s is not kebab-case", p->name);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(policy_registry[j]->name, p->name);
		ck_assert(p->needs_future == (strcmp(p->name, "opt") == 0 || strcmp(p->name, "vmin") == 0));
		/* Only the variable-space policies release frames unasked. */
		ck_assert((p->shed != NULL) == (strcmp(p->name, "ws") == 0 || strcmp(p->name, "pff") == 0 ||
						strcmp(p->name, "vmin") == 0));
	}
	/* Hit-path cost: only the policies that cannot use accessed bits
	 * take a call per hit. */
	ck_assert_ptr_null(must_find("fifo")->touch);
	ck_assert_ptr_null(must_find("random")->touch);
	ck_assert_ptr_null(must_find("clock")->touch);
	ck_assert_ptr_null(must_find("second-chance")->touch);
	ck_assert_ptr_nonnull(must_find("lru")->touch);
	ck_assert_ptr_nonnull(must_find("opt")->touch);
}
END_TEST

START_TEST(test_registry_suggest)
{
	ck_assert_str_eq(policy_suggest("lur"), "lru");
	ck_assert_str_eq(policy_suggest("LRU"), "lru");
	ck_assert_str_eq(policy_suggest("lru"), "lru");
	ck_assert_str_eq(policy_suggest("fif0"), "fifo");
	ck_assert_str_eq(policy_suggest("clok"), "clock");
	ck_assert_str_eq(policy_suggest("clcok"), "clock");
	ck_assert_str_eq(policy_suggest("second_chance"), "second-chance");
	ck_assert_str_eq(policy_suggest("secondchance"), "second-chance");
	ck_assert_str_eq(policy_suggest("optt"), "opt");
	ck_assert_str_eq(policy_suggest("randmo"), "random");
	ck_assert_ptr_null(policy_suggest("belady"));
	ck_assert_ptr_null(policy_suggest("xyzzy"));
	ck_assert_ptr_null(policy_suggest("x"));
	ck_assert_ptr_null(policy_suggest(""));
	ck_assert_ptr_null(policy_suggest(NULL));
	ck_assert_ptr_null(policy_suggest("a-very-long-name-that-matches-nothing-at-all-here"));
}
END_TEST

/* ---- FIFO ---- */

START_TEST(test_fifo_order)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("fifo"), 3, 0);
	ph_admit_next(&h, 0, POLICY_NEVER);
	ph_admit_next(&h, 1, POLICY_NEVER);
	ph_admit_next(&h, 2, POLICY_NEVER);
	ph_hit_next(&h, 0, POLICY_NEVER); /* hits change nothing */
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_next(&h, 0, POLICY_NEVER);
	ph_set_all_bits(&h, false);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_next(&h, 1, POLICY_NEVER);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(h.bit_reads, 0);
	ph_close(&h);
}
END_TEST

START_TEST(test_fifo_forget)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("fifo"), 4, 0);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_next(&h, f, POLICY_NEVER);
	ph_forget(&h, 1); /* from the middle */
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_next(&h, 1, POLICY_NEVER); /* back of the queue */
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_forget(&h, 3); /* the head */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_next(&h, 3, POLICY_NEVER);
	ph_admit_next(&h, 0, POLICY_NEVER);
	ph_forget(&h, 0); /* the tail */
	ck_assert_uint_eq(ph_evict(&h), 3);
	ph_close(&h);
}
END_TEST

/* ---- clock ---- */

START_TEST(test_clock_sweep)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("clock"), 4, 0);
	for (uint32_t f = 0; f < 4; f++)
		ph_admit_next(&h, f, POLICY_NEVER);
	/* All bits set: one full turn clears them, then frame 0 goes. */
	ck_assert_uint_eq(ph_evict(&h), 0);
	for (uint32_t f = 1; f < 4; f++)
		ck_assert(!h.accessed[f]);
	ph_admit_next(&h, 0, POLICY_NEVER); /* bit set, hand at 1 */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_next(&h, 1, POLICY_NEVER); /* hand at 2 */
	ph_hit_next(&h, 2, POLICY_NEVER);
	/* 2 is skipped and cleared; 3 is clear and goes; hand to 0. */
	ck_assert_uint_eq(ph_evict(&h), 3);
	ck_assert(!h.accessed[2]);
	ck_assert(h.accessed[0]);
	ck_assert(h.accessed[1]);
	ph_admit_next(&h, 3, POLICY_NEVER);
	/* Hand at 0: 0 and 1 cleared, 2 is clear. */
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert(!h.accessed[0]);
	ck_assert(!h.accessed[1]);
	ck_assert(h.accessed[3]);
	/* Hand at 3: 3 cleared, 0 goes. */
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert(!h.accessed[3]);
	ph_close(&h);
}
END_TEST

START_TEST(test_clock_forget)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("clock"), 3, 0);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_next(&h, f, POLICY_NEVER);
	ph_set_all_bits(&h, false);
	ph_forget(&h, 0);
	h.accessed[0] = true; /* a free frame's bit is never consulted */
	h.bit_reads = 0;
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert(h.accessed[0]);
	ck_assert_uint_eq(h.bit_reads, 1);
	/* A re-admitted frame keeps its place on the clock. */
	ph_admit_next(&h, 0, POLICY_NEVER);
	ph_set_all_bits(&h, false);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_close(&h);
}
END_TEST

/* ---- second-chance ---- */

START_TEST(test_second_chance_rotation)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("second-chance"), 3, 0);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_next(&h, f, POLICY_NEVER);
	h.accessed[2] = false;
	/* 0 and 1 get a second chance (cleared, requeued); 2 goes. */
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert(!h.accessed[0]);
	ck_assert(!h.accessed[1]);
	ph_admit_next(&h, 2, POLICY_NEVER); /* queue 0 1 2* */
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_next(&h, 0, POLICY_NEVER); /* queue 1 2* 0* */
	ph_hit_next(&h, 1, POLICY_NEVER);   /* queue 1* 2* 0* */
	/* A full turn clears all three, then the old head goes. */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert(!h.accessed[0]);
	ck_assert(!h.accessed[2]);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_close(&h);
}
END_TEST

START_TEST(test_second_chance_forget)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("second-chance"), 3, 0);
	for (uint32_t f = 0; f < 3; f++)
		ph_admit_next(&h, f, POLICY_NEVER);
	ph_set_all_bits(&h, false);
	ph_forget(&h, 0);
	ph_admit_next(&h, 0, POLICY_NEVER); /* back of the queue, bit set */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_close(&h);
}
END_TEST

/* ---- LRU ---- */

START_TEST(test_lru_order)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("lru"), 3, 0);
	ph_admit_next(&h, 0, POLICY_NEVER);
	ph_admit_next(&h, 1, POLICY_NEVER);
	ph_admit_next(&h, 2, POLICY_NEVER);
	ph_hit_next(&h, 0, POLICY_NEVER); /* order 1 2 0 */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_admit_next(&h, 1, POLICY_NEVER); /* 2 0 1 */
	ph_hit_next(&h, 2, POLICY_NEVER);   /* 0 1 2 */
	ph_hit_next(&h, 2, POLICY_NEVER);   /* already MRU */
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_admit_next(&h, 0, POLICY_NEVER); /* 1 2 0 */
	ph_hit_next(&h, 1, POLICY_NEVER);   /* 2 0 1 */
	ph_forget(&h, 0);              /* 2 1 */
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_admit_next(&h, 0, POLICY_NEVER); /* 1 0 */
	ck_assert_uint_eq(ph_evict(&h), 1);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(h.bit_reads, 0);
	ph_close(&h);
}
END_TEST

/* ---- random ---- */

/* Evict and re-admit n times on a full machine of frames frames with
 * seed; store the victims in out[n]. */
static void random_victims(uint32_t frames, uint64_t seed, uint32_t *out, size_t n)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("random"), frames, seed);
	for (uint32_t f = 0; f < frames; f++)
		ph_admit_next(&h, f, POLICY_NEVER);
	for (size_t i = 0; i < n; i++) {
		out[i] = ph_evict(&h);
		ph_admit_next(&h, out[i], POLICY_NEVER);
	}
	ck_assert_uint_eq(h.bit_reads, 0);
	ph_close(&h);
}

START_TEST(test_random_reproducible)
{
	uint32_t a[500], b[500], c[500];

	random_victims(16, 42, a, ARRAY_LEN(a));
	random_victims(16, 42, b, ARRAY_LEN(b));
	random_victims(16, 43, c, ARRAY_LEN(c));
	ck_assert_mem_eq(a, b, sizeof(a));
	ck_assert(memcmp(a, c, sizeof(a)) != 0);
}
END_TEST

/* The documented mapping: resident frames in a compact array, admit
 * appends, a removal moves the last member into the hole, and the victim
 * is member[rng_below(count)]. */
START_TEST(test_random_documented_mapping)
{
	struct policy_harness h;
	struct rng rng;
	uint32_t member[32], count = 0;
	struct rng pick;

	ph_open_seeded(&h, must_find("random"), 32, 2024);
	rng_seed(&rng, 2024);
	rng_seed(&pick, 7);
	for (uint32_t f = 0; f < 32; f++) {
		ph_admit_next(&h, f, POLICY_NEVER);
		member[count++] = f;
	}
	for (int step = 0; step < 2000; step++) {
		uint32_t index, want, got;

		if (rng_below(&pick, 5) == 0) { /* forget a random resident frame */
			index = (uint32_t)rng_below(&pick, count);
			want = member[index];
			ph_forget(&h, want);
		} else {
			index = (uint32_t)rng_below(&rng, count);
			want = member[index];
			got = ph_evict(&h);
			QUIET_ASSERT_MSG(got == want, "step %d: victim %u, want %u", step,
					 (unsigned)got, (unsigned)want);
		}
		member[index] = member[--count];
		ph_admit_next(&h, want, POLICY_NEVER);
		member[count++] = want;
	}
	ph_close(&h);
}
END_TEST

START_TEST(test_random_uniform_and_resident_only)
{
	struct policy_harness h;
	unsigned hist[8] = { 0 };
	const unsigned draws = 40000;

	/* Frames 0..7 exist, but only 2, 3, 5 and 7 are ever resident. */
	ph_open_seeded(&h, must_find("random"), 8, 99);
	ph_admit_next(&h, 2, POLICY_NEVER);
	ph_admit_next(&h, 3, POLICY_NEVER);
	ph_admit_next(&h, 5, POLICY_NEVER);
	ph_admit_next(&h, 7, POLICY_NEVER);
	for (unsigned i = 0; i < draws; i++) {
		uint32_t v = ph_evict(&h);

		hist[v]++;
		ph_admit_next(&h, v, POLICY_NEVER);
	}
	for (uint32_t f = 0; f < 8; f++) {
		if (f == 2 || f == 3 || f == 5 || f == 7) {
			/* 10000 expected, sd ~87: 8 sd is a safe bound */
			ck_assert_uint_gt(hist[f], draws / 4 - 700);
			ck_assert_uint_lt(hist[f], draws / 4 + 700);
		} else {
			ck_assert_uint_eq(hist[f], 0);
		}
	}
	ph_close(&h);
}
END_TEST

/* ---- OPT ---- */

/* The farthest next use goes first; pages never used again go before
 * any, the least recently referenced of them first (the harness's time
 * advances by one per admit or hit). */
START_TEST(test_opt_farthest_then_least_recent)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("opt"), 5, 0);
	ph_admit_next(&h, 0, 10);
	ph_admit_next(&h, 1, 5);
	ph_admit_next(&h, 3, POLICY_NEVER); /* time 2 */
	ph_admit_next(&h, 2, POLICY_NEVER); /* time 3 */
	ph_admit_next(&h, 4, 7);
	ck_assert_uint_eq(ph_evict(&h), 3); /* never used again, referenced first */
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0); /* 10 */
	ph_admit_next(&h, 0, POLICY_NEVER); /* time 5 */
	ph_admit_next(&h, 2, POLICY_NEVER); /* time 6 */
	ph_hit_next(&h, 0, POLICY_NEVER);   /* time 7: 0 is now the more recent */
	ck_assert_uint_eq(ph_evict(&h), 2);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ck_assert_uint_eq(ph_evict(&h), 4); /* 7 */
	ck_assert_uint_eq(ph_evict(&h), 1); /* 5 */
	ck_assert_uint_eq(h.bit_reads, 0);
	ph_close(&h);
}
END_TEST

START_TEST(test_opt_touch_and_forget)
{
	struct policy_harness h;

	ph_open_seeded(&h, must_find("opt"), 4, 0);
	ph_admit_next(&h, 0, 5);
	ph_admit_next(&h, 1, 6);
	ph_admit_next(&h, 2, 7);
	ph_admit_next(&h, 3, 8);
	ph_hit_next(&h, 0, 20); /* 0 is now the farthest */
	ph_forget(&h, 3);
	ck_assert_uint_eq(ph_evict(&h), 0);
	ph_hit_next(&h, 1, POLICY_NEVER);
	ph_admit_next(&h, 3, 30);
	ck_assert_uint_eq(ph_evict(&h), 1);
	ph_forget(&h, 3);
	ck_assert_uint_eq(ph_evict(&h), 2);
	ph_close(&h);
}
END_TEST

/* The heap against a brute-force scan, through random admits, touches,
 * evictions and forgets on 61 frames. */
START_TEST(test_opt_heap_model)
{
	enum { FRAMES = 61 };
	struct policy_harness h;
	struct rng r;
	uint64_t key[FRAMES];

	rng_seed(&r, 5);
	ph_open_seeded(&h, must_find("opt"), FRAMES, 0);
	for (int step = 0; step < 20000; step++) {
		uint32_t f = (uint32_t)rng_below(&r, FRAMES);
		/* few distinct next uses, so ties are common; a page never
		 * used again is keyed by the time of its reference */
		uint64_t k = rng_below(&r, 9) == 0 ? POLICY_NEVER - h.now : rng_below(&r, 40);
		uint64_t next_use = k > 40 ? POLICY_NEVER : k;

		switch (rng_below(&r, 4)) {
		case 0:
		case 1:
			if (!h.resident[f])
				ph_admit_next(&h, f, next_use);
			else
				ph_hit_next(&h, f, next_use);
			key[f] = k;
			break;
		case 2:
			if (h.resident[f])
				ph_forget(&h, f);
			break;
		default: {
			uint32_t want = UINT32_MAX;

			for (uint32_t g = 0; g < FRAMES; g++)
				if (h.resident[g] && (want == UINT32_MAX || key[g] > key[want]))
					want = g;
			if (want != UINT32_MAX) {
				uint32_t got = ph_evict(&h);

				QUIET_ASSERT_MSG(got == want, "step %d: victim %u, want %u",
						 step, (unsigned)got, (unsigned)want);
			}
			break;
		}
		}
	}
	ph_close(&h);
}
END_TEST

/* ---- every policy, at policy level ---- */

/* Admit every frame, forget some, re-admit some, then evict until empty:
 * each victim is resident and every resident frame comes out once. */
START_TEST(test_all_drain_after_forget)
{
	const struct policy *p = policy_registry[_i];
	struct policy_harness h;
	enum { FRAMES = 17 };
	unsigned evicted[FRAMES] = { 0 };
	uint32_t resident = FRAMES;

	ph_open_seeded(&h, p, FRAMES, 11);
	for (uint32_t f = 0; f < FRAMES; f++)
		ph_admit_next(&h, f, 100 + f);
	for (uint32_t f = 0; f < FRAMES; f += 3) {
		ph_forget(&h, f);
		resident--;
	}
	ph_admit_next(&h, 3, 50);
	ph_admit_next(&h, 9, POLICY_NEVER);
	resident += 2;
	ph_hit_next(&h, 4, 400);
	h.accessed[5] = false;
	for (uint32_t i = 0; i < resident; i++)
		evicted[ph_evict(&h)]++;
	for (uint32_t f = 0; f < FRAMES; f++) {
		bool was_resident = f % 3 != 0 || f == 3 || f == 9;

		ck_assert_uint_eq(evicted[f], was_resident ? 1 : 0);
		ck_assert(!h.resident[f]);
	}
	/* The policy starts over cleanly. */
	ph_admit_next(&h, 16, 1);
	ck_assert_uint_eq(ph_evict(&h), 16);
	ph_close(&h);
}
END_TEST

/* One frame: the victim is always frame 0. */
START_TEST(test_all_one_frame)
{
	const struct policy *p = policy_registry[_i];
	struct policy_harness h;

	ph_open_seeded(&h, p, 1, 3);
	ph_admit_next(&h, 0, 4);
	for (int i = 0; i < 10; i++) {
		ph_hit_next(&h, 0, 5 + (uint64_t)i);
		ck_assert_uint_eq(ph_evict(&h), 0);
		ph_admit_next(&h, 0, i % 2 ? POLICY_NEVER : 20 + (uint64_t)i);
	}
	ph_forget(&h, 0);
	ph_close(&h);
}
END_TEST

/* ---- known answers on the policy-level replay model ---- */

START_TEST(test_model_known_answers)
{
	struct ph_replay_result r;
	const size_t tn = ARRAY_LEN(textbook_string);

	ph_replay(must_find("fifo"), 3, belady_string, ARRAY_LEN(belady_string), &r);
	ck_assert_uint_eq(r.faults, 9);
	ph_replay(must_find("fifo"), 4, belady_string, ARRAY_LEN(belady_string), &r);
	ck_assert_uint_eq(r.faults, 10);

	ph_replay(must_find("fifo"), 3, textbook_string, tn, &r);
	ck_assert_uint_eq(r.faults, 15);
	ph_replay(must_find("lru"), 3, textbook_string, tn, &r);
	ck_assert_uint_eq(r.faults, 12);
	ph_replay(must_find("opt"), 3, textbook_string, tn, &r);
	ck_assert_uint_eq(r.faults, 9);

	for (int k = 0; k < 2; k++) {
		ph_replay(must_find(k ? "second-chance" : "clock"), 3, textbook_string, tn, &r);
		ck_assert_uint_eq(r.faults, 14);
		ck_assert_uint_eq(r.evictions, ARRAY_LEN(textbook_clock_victim_frames));
		ck_assert_mem_eq(r.victim_frame, textbook_clock_victim_frames,
				 sizeof(textbook_clock_victim_frames));
		ck_assert_mem_eq(r.victim_page, textbook_clock_victim_pages,
				 sizeof(textbook_clock_victim_pages));
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Layer 2: the real simulator.                                        */

#define PAGE_SHIFT 12
#define MAX_PAGES 4096
#define MAX_VICTIMS 8192

/* A reference string with a write flag per reference. */
struct workload {
	const char *name;
	const uint64_t *pages;
	const bool *writes; /* NULL: all reads */
	size_t n;
};

/* What one run reports, plus the hook's checks. */
struct run {
	struct sim_stats stats;
	size_t victims;
	uint32_t victim_frame[MAX_VICTIMS];
	uint64_t victim_page[MAX_VICTIMS];
	bool victim_dirty[MAX_VICTIMS];
	/* the hook's model of the machine */
	uint32_t frames;
	uint64_t current;              /* page being referenced */
	bool resident[MAX_PAGES];      /* page -> resident? */
	uint32_t frame_of[MAX_PAGES];  /* page -> frame, when resident */
	bool written[MAX_PAGES];       /* page written since loaded */
	uint32_t pending_frame;        /* frame freed by the last eviction */
	bool evicted_now;              /* an eviction happened for current */
	uint64_t model_hits;           /* references to pages the model holds resident */
	unsigned hook_errors;
	char hook_error[256];
};

/* Evict hook: record the victim and check it against the model: a frame
 * below frames, holding a resident page other than the one faulting in,
 * dirty exactly when written since loaded, one eviction per fault. */
static void run_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct run *r = ctx;
	const char *problem = NULL;

	if (frame >= r->frames)
		problem = "victim frame out of range";
	else if (pid != 1)
		problem = "victim pid is not 1";
	else if (vpn >= MAX_PAGES || !r->resident[vpn])
		problem = "victim page is not resident";
	else if (vpn == r->current)
		problem = "victim is the faulting page";
	else if (r->frame_of[vpn] != frame)
		problem = "victim frame does not hold the victim page";
	else if (dirty != r->written[vpn])
		problem = "victim dirty flag differs from the write history";
	else if (r->evicted_now)
		problem = "two evictions for one fault";
	if (problem != NULL) {
		if (r->hook_errors++ == 0)
			snprintf(r->hook_error, sizeof(r->hook_error),
				 "%s (victims %zu, frame %u, page %llu)", problem, r->victims,
				 (unsigned)frame, (unsigned long long)vpn);
		return;
	}
	r->resident[vpn] = false;
	r->pending_frame = frame;
	r->evicted_now = true;
	if (r->victims < MAX_VICTIMS) {
		r->victim_frame[r->victims] = frame;
		r->victim_page[r->victims] = vpn;
		r->victim_dirty[r->victims] = dirty;
	}
	r->victims++;
}

/* The trace of w: page << PAGE_SHIFT, one byte, pid 1, read or write.
 * The caller frees it. */
static struct trace_rec *workload_recs(const struct workload *w)
{
	struct trace_rec *recs = calloc(w->n ? w->n : 1, sizeof(*recs));

	ck_assert_ptr_nonnull(recs);
	for (size_t i = 0; i < w->n; i++) {
		bool write = w->writes != NULL && w->writes[i];

		QUIET_ASSERT(w->pages[i] < MAX_PAGES);
		recs[i] = (struct trace_rec){ .addr = w->pages[i] << PAGE_SHIFT,
					      .pid = 1,
					      .size = 1,
					      .op = write ? OP_WRITE : OP_READ };
	}
	return recs;
}

/* OPT's look-ahead for recs, built with future.h, and checked against
 * the plain backward scan of ph_next_uses(). */
static void workload_future(const struct workload *w, const struct trace_rec *recs,
			    struct future *out)
{
	struct future_builder *b = future_begin(PAGE_SHIFT, false);
	struct ps_error err = { { 0 } };
	uint64_t *want = ph_next_uses(w->pages, w->n);

	ck_assert_ptr_nonnull(b);
	ck_assert_msg(future_add(b, recs, w->n, &err) == 0, "future_add: %s", err.msg);
	future_finish(b, out);
	ck_assert_uint_eq(out->len, w->n);
	for (size_t i = 0; i < w->n; i++)
		QUIET_ASSERT_MSG(out->next_use[i] == want[i], "%s: next_use[%zu] = %llu, want %llu",
				 w->name, i, (unsigned long long)out->next_use[i],
				 (unsigned long long)want[i]);
	free(want);
}

/* Run w through policy p with frames frames and seed on the real
 * simulator, one record per sim_feed so the hook knows the faulting page.
 * The run's model assumes free frames go out lowest first and the new
 * page goes into the victim's frame. Returns the heap-allocated run. */
static struct run *run_sim(const struct policy *p, uint32_t frames, uint64_t seed,
			   const struct workload *w)
{
	struct run *r = calloc(1, sizeof(*r));
	struct trace_rec *recs = workload_recs(w);
	struct future future = { NULL, 0 };
	struct sim_config cfg = {
		.policy = p,
		.frames = frames,
		.page_shift = PAGE_SHIFT,
		.va_bits = 48,
		.swap_slots = MAX_PAGES,
		.seed = seed,
		.span_pages = false,
	};
	struct ps_error err = { { 0 } };
	struct sim *s;
	uint32_t next_free = 0;

	ck_assert_ptr_nonnull(r);
	r->frames = frames;
	if (p->needs_future) {
		workload_future(w, recs, &future);
		cfg.future = future.next_use;
		cfg.future_len = future.len;
	}
	s = sim_create(&cfg, &err);
	ck_assert_msg(s != NULL, "sim_create(%s): %s", p->name, err.msg);
	sim_set_evict_hook(s, run_hook, r);
	for (size_t i = 0; i < w->n; i++) {
		uint64_t page = w->pages[i];
		bool was_resident = r->resident[page];

		r->current = page;
		r->evicted_now = false;
		QUIET_ASSERT_MSG(sim_feed(s, &recs[i], 1, &err) == 0, "sim_feed(%s): %s", p->name,
				 err.msg);
		QUIET_ASSERT_MSG(r->hook_errors == 0, "%s, %u frames, %s: %s", p->name,
				 (unsigned)frames, w->name, r->hook_error);
		if (was_resident) {
			r->model_hits++;
		} else {
			if (next_free < frames) {
				QUIET_ASSERT_MSG(!r->evicted_now, "%s evicted with a free frame",
						 p->name);
				r->frame_of[page] = next_free++;
			} else {
				QUIET_ASSERT_MSG(r->evicted_now,
						 "%s: fault on a full machine without an eviction",
						 p->name);
				r->frame_of[page] = r->pending_frame;
			}
			r->resident[page] = true;
			r->written[page] = false;
		}
		if (recs[i].op == OP_WRITE)
			r->written[page] = true;
	}
	sim_get_stats(s, &r->stats);
	sim_destroy(s);
	future_free(&future);
	free(recs);
	return r;
}

/* Number of distinct pages in w. */
static uint64_t distinct_pages(const struct workload *w)
{
	static bool seen[MAX_PAGES];
	uint64_t n = 0;

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < w->n; i++)
		if (!seen[w->pages[i]]) {
			seen[w->pages[i]] = true;
			n++;
		}
	return n;
}

/* ---- workloads ---- */

#define LOCALITY_REFS 4000
#define LOCALITY_PAGES 96

static uint64_t locality_pages[LOCALITY_REFS];
static bool locality_writes[LOCALITY_REFS];
static uint64_t loop_pages[3000];
static bool loop_writes[3000];

/* Generate the workloads (idempotent): a pseudo-random string with
 * locality (a working set of 8 pages that drifts, 10% uniform strays,
 * 30% writes), and a loop over 40 pages with every 7th reference a write
 * (LRU's worst case). */
static void workloads_init(void)
{
	struct rng r;
	uint64_t base = 0;

	rng_seed(&r, 0x5eed);
	for (size_t i = 0; i < LOCALITY_REFS; i++) {
		if (rng_below(&r, 100) == 0)
			base = rng_below(&r, LOCALITY_PAGES - 8);
		if (rng_below(&r, 10) == 0)
			locality_pages[i] = rng_below(&r, LOCALITY_PAGES);
		else
			locality_pages[i] = base + rng_below(&r, 8);
		locality_writes[i] = rng_below(&r, 10) < 3;
	}
	for (size_t i = 0; i < ARRAY_LEN(loop_pages); i++) {
		loop_pages[i] = 100 + i % 40;
		loop_writes[i] = i % 7 == 0;
	}
}

static const struct workload workloads[] = {
	{ "belady", belady_string, NULL, ARRAY_LEN(belady_string) },
	{ "textbook", textbook_string, NULL, ARRAY_LEN(textbook_string) },
	{ "locality", locality_pages, locality_writes, LOCALITY_REFS },
	{ "loop", loop_pages, loop_writes, ARRAY_LEN(loop_pages) },
};

/* Frame counts tried on every workload: tight, middling, ample. */
static const uint32_t frame_counts[] = { 1, 3, 4, 7, 16, 39, 40, 200 };

/* ---- known answers through the simulator ---- */

START_TEST(test_sim_known_answers)
{
	static const struct {
		const char *policy;
		uint32_t frames;
		const struct workload *w;
		uint64_t faults;
	} cases[] = {
		{ "fifo", 3, &workloads[0], 9 },   { "fifo", 4, &workloads[0], 10 },
		{ "fifo", 3, &workloads[1], 15 },  { "lru", 3, &workloads[1], 12 },
		{ "opt", 3, &workloads[1], 9 },    { "clock", 3, &workloads[1], 14 },
		{ "second-chance", 3, &workloads[1], 14 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct run *r = run_sim(must_find(cases[i].policy), cases[i].frames, 1, cases[i].w);

		ck_assert_msg(r->stats.faults == cases[i].faults, "%s, %u frames, %s: %llu faults, "
				  "want %llu", cases[i].policy, (unsigned)cases[i].frames,
			      cases[i].w->name, (unsigned long long)r->stats.faults,
			      (unsigned long long)cases[i].faults);
		ck_assert_uint_eq(r->stats.refs, cases[i].w->n);
		ck_assert_uint_eq(r->stats.hits, cases[i].w->n - cases[i].faults);
		ck_assert_uint_eq(r->stats.evictions, cases[i].faults - cases[i].frames);
		ck_assert_uint_eq(r->stats.dirty_evictions, 0);
		free(r);
	}
}
END_TEST

START_TEST(test_sim_clock_victims_textbook)
{
	for (int k = 0; k < 2; k++) {
		struct run *r = run_sim(must_find(k ? "second-chance" : "clock"), 3, 1, &workloads[1]);

		ck_assert_uint_eq(r->victims, ARRAY_LEN(textbook_clock_victim_frames));
		ck_assert_mem_eq(r->victim_frame, textbook_clock_victim_frames,
				 sizeof(textbook_clock_victim_frames));
		ck_assert_mem_eq(r->victim_page, textbook_clock_victim_pages,
				 sizeof(textbook_clock_victim_pages));
		free(r);
	}
}
END_TEST

/* ---- invariants of every registered policy ---- */

/* Fixed-space policies: run_sim's model (a fault evicts iff no frame is
 * free) holds. The variable-space ones (shed) have their own invariants
 * in check_policies_ws.c. */
START_TEST(test_sim_invariants)
{
	const struct policy *p = policy_registry[_i];
	const struct policy *opt = must_find("opt");

	if (p->shed != NULL)
		return;
	workloads_init();
	for (size_t wi = 0; wi < ARRAY_LEN(workloads); wi++) {
		const struct workload *w = &workloads[wi];
		uint64_t distinct = distinct_pages(w);

		for (size_t fi = 0; fi < ARRAY_LEN(frame_counts); fi++) {
			uint32_t frames = frame_counts[fi];
			struct run *a = run_sim(p, frames, 77, w);
			struct run *b = run_sim(p, frames, 77, w);
			struct run *best = run_sim(opt, frames, 77, w);
			const struct sim_stats *st = &a->stats;

			ck_assert_uint_eq(st->refs, w->n);
			ck_assert_uint_eq(st->hits + st->faults, st->refs);
			ck_assert_uint_eq(st->hits, a->model_hits); /* counted independently */
			ck_assert_uint_eq(st->distinct_pages, distinct);
			ck_assert_uint_ge(st->faults, distinct);
			if (frames >= distinct) {
				ck_assert_uint_eq(st->faults, distinct);
				ck_assert_uint_eq(st->evictions, 0);
			} else {
				ck_assert_uint_eq(st->evictions, st->faults - frames);
			}
			ck_assert_uint_eq(a->victims, st->evictions);
			ck_assert_uint_le(st->dirty_evictions, st->evictions);
			/* the same seed repeats exactly */
			ck_assert_mem_eq(&a->stats, &b->stats, sizeof(a->stats));
			ck_assert_uint_eq(a->victims, b->victims);
			ck_assert_mem_eq(a->victim_frame, b->victim_frame, sizeof(a->victim_frame));
			ck_assert_mem_eq(a->victim_page, b->victim_page, sizeof(a->victim_page));
			/* OPT is a lower bound */
			ck_assert_msg(best->stats.faults <= st->faults,
				      "opt %llu faults > %s %llu (%s, %u frames)",
				      (unsigned long long)best->stats.faults, p->name,
				      (unsigned long long)st->faults, w->name, (unsigned)frames);
			free(a);
			free(b);
			free(best);
		}
	}
}
END_TEST

/* ---- clock == second-chance ---- */

START_TEST(test_sim_clock_equals_second_chance)
{
	static const uint32_t frames[] = { 1, 2, 3, 5, 8, 13, 24, 39 };

	workloads_init();
	for (size_t wi = 0; wi < ARRAY_LEN(workloads); wi++) {
		for (size_t fi = 0; fi < ARRAY_LEN(frames); fi++) {
			const struct workload *w = &workloads[wi];
			struct run *c = run_sim(must_find("clock"), frames[fi], 1, w);
			struct run *s = run_sim(must_find("second-chance"), frames[fi], 1, w);

			ck_assert_msg(c->stats.faults == s->stats.faults,
				      "%s, %u frames: clock %llu faults, second-chance %llu", w->name,
				      (unsigned)frames[fi], (unsigned long long)c->stats.faults,
				      (unsigned long long)s->stats.faults);
			ck_assert_mem_eq(&c->stats, &s->stats, sizeof(c->stats));
			ck_assert_uint_eq(c->victims, s->victims);
			ck_assert_mem_eq(c->victim_frame, s->victim_frame, sizeof(c->victim_frame));
			ck_assert_mem_eq(c->victim_page, s->victim_page, sizeof(c->victim_page));
			ck_assert_mem_eq(c->victim_dirty, s->victim_dirty, sizeof(c->victim_dirty));
			free(c);
			free(s);
		}
	}
}
END_TEST

/* Random: a different seed gives a different victim sequence on the
 * locality workload, and every victim is resident (checked by the hook). */
START_TEST(test_sim_random_seed_matters)
{
	struct run *a, *b;

	workloads_init();
	a = run_sim(must_find("random"), 8, 1, &workloads[2]);
	b = run_sim(must_find("random"), 8, 2, &workloads[2]);
	ck_assert_uint_gt(a->victims, 100);
	ck_assert(a->victims != b->victims ||
		  memcmp(a->victim_page, b->victim_page, sizeof(a->victim_page)) != 0);
	free(a);
	free(b);
}
END_TEST

/* A sensible ordering on a workload with locality: OPT <= LRU, and the
 * accessed-bit policies beat random; on the loop, LRU and FIFO fault on
 * every reference. */
START_TEST(test_sim_orderings)
{
	struct run *opt, *lru, *clk, *rnd, *fifo;

	workloads_init();
	opt = run_sim(must_find("opt"), 12, 1, &workloads[2]);
	lru = run_sim(must_find("lru"), 12, 1, &workloads[2]);
	clk = run_sim(must_find("clock"), 12, 1, &workloads[2]);
	rnd = run_sim(must_find("random"), 12, 1, &workloads[2]);
	ck_assert_uint_le(opt->stats.faults, lru->stats.faults);
	ck_assert_uint_lt(lru->stats.faults, rnd->stats.faults);
	ck_assert_uint_lt(clk->stats.faults, rnd->stats.faults);
	free(opt);
	free(lru);
	free(clk);
	free(rnd);

	lru = run_sim(must_find("lru"), 39, 1, &workloads[3]);
	fifo = run_sim(must_find("fifo"), 39, 1, &workloads[3]);
	ck_assert_uint_eq(lru->stats.faults, workloads[3].n);
	ck_assert_uint_eq(fifo->stats.faults, workloads[3].n);
	free(lru);
	free(fifo);
}
END_TEST

Suite *make_policies_suite(void)
{
	const TTest *const registry[] = {
		test_registry_order_and_find, test_registry_descriptors, test_registry_suggest
	};
	const TTest *const policy[] = {
		test_fifo_order, test_fifo_forget, test_clock_sweep, test_clock_forget,
		test_second_chance_rotation, test_second_chance_forget, test_lru_order,
		test_random_reproducible, test_random_documented_mapping,
		test_random_uniform_and_resident_only, test_opt_farthest_then_least_recent,
		test_opt_touch_and_forget, test_opt_heap_model, test_model_known_answers
	};
	const TTest *const machine[] = {
		test_sim_known_answers, test_sim_clock_victims_textbook, test_sim_clock_equals_second_chance,
		test_sim_random_seed_matters, test_sim_orderings
	};
	Suite *s = suite_create("policies");
	int n = registry_size();
	TCase *tc;

	SUITE_ADD_TESTS(s, "registry", 0, registry);
	tc = SUITE_ADD_TESTS(s, "policy-level", 0, policy);
	tcase_add_loop_test(tc, test_all_drain_after_forget, 0, n);
	tcase_add_loop_test(tc, test_all_one_frame, 0, n);
	tc = SUITE_ADD_TESTS(s, "machine-level", 60, machine);
	tcase_add_loop_test(tc, test_sim_invariants, 0, n);
	return s;
}
