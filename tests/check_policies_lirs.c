/*
 * check_policies_lirs.c - LIRS (policies/lirs.c) and CLOCK-Pro
 * (policies/clockpro.c).
 *
 * Two layers, as in check_policies.c:
 *  1. Policy level: each policy driven through admit / touch / evict /
 *     forget with a fake struct policy_host whose accessed bits the test
 *     sets and reads; hand-derived scenarios, tables of scripted cases
 *     (policy_harness.h: ph_script()) each derived in the comment above
 *     it, check victims step by step. Pages are letters ('A' = page 65), all
 *     in process 1 unless said otherwise.
 *  2. Machine level: workloads replayed through the real simulator
 *     (sim.h) check the shared invariants, determinism, a loop slightly
 *     larger than memory, and LIRS victim by victim against ref_lirs, a
 *     deliberately naive array-based LIRS written from the paper's
 *     description in this file.
 *
 * The loop: pages 0..9 in order, 20 times (200 references), 8 frames.
 * LRU and CLOCK fault on every reference (each page was used longest ago
 * when it comes back). LIRS (L_hirs = 1, L_lirs = 7): 0..6 become LIR in
 * the warm-up, 7 is resident HIR; 8 and 9 each evict the HIR page before
 * them (which stays in S as non-resident). In every later pass the hits
 * on 0..6 move them to the top of S; after 6 the bottom is the
 * non-resident 7, so pruning forgets 7 and 8 and takes 9 off S. Then 7,
 * 8 and 9 fault again exactly as in the first pass, finding no history.
 * Faults: 10 + 19 * 3 = 67. CLOCK-Pro (m_c = 1: 0..6 hot in the warm-up,
 * 7 cold): 0..6 are referenced in every pass before 7, 8 and 9 fault, so
 * whenever HAND_hot runs it finds their bits set and only clears them;
 * the one other frame holds one of 7, 8, 9, and a page among them that
 * turns hot (a non-resident one refaulting in its test period) has its
 * bit clear, so HAND_hot demotes it at once. So 7, 8 and 9 fault in every
 * pass: 10 + 19 * 3 = 67 as well.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "policy_harness.h"
#include "sim_helpers.h"

#include "machine/sim.h"

Suite *make_policies_lirs_suite(void);

extern const struct policy policy_lirs;
extern const struct policy policy_clockpro;
extern const struct policy policy_lru;
extern const struct policy policy_clock;


/* ---- LIRS, policy level ---- */

static const double lirs_3_frames[] = { 0.34, 2.0 }; /* L_hirs = 1, L_lirs = 2, G = 6 */

/*
 * LIRS step by step: each case's script of admits, hits, evictions and
 * forgets (ph_script()) is derived in the comment above it.
 */
static const struct ph_case lirs_cases[] = {
	/*
	 * Warm-up and a non-resident HIR page coming back. 3 frames, L_lirs = 2.
	 * S is written bottom..top, Ag = A non-resident.
	 *   A f0, B f1     LIR (warm-up)           S = A B      Q = -
	 *   C f2           resident HIR            S = A B C    Q = C
	 *   evict -> f2    C stays in S            S = A B Cg   Q = -
	 *   D f2           new: resident HIR       S = A B Cg D Q = D
	 *   evict -> f2    D stays in S            S = A B Cg Dg
	 *   C f2           Cg in S: C becomes LIR; 3 LIR > 2, so the bottom
	 *                  LIR A becomes HIR at the back of Q and leaves S
	 *                                          S = B Dg C   Q = A
	 *   evict -> f0    (A, not in S: forgotten)
	 */
	{ "lirs_nonresident_hir_becomes_lir", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 e2 D2 e2 C2 e0"
	  /* A came back with no history: HIR again, so it goes next. */
	  " A0 e0" },
	/*
	 * A resident HIR page hit while in S becomes LIR; one not in S stays HIR.
	 *   A f0, B f1 LIR; C f2 HIR                S = A B C    Q = C
	 *   hit C          C in S: LIR; A demoted   S = B C      Q = A
	 *   hit A          A not in S: top of S, back of Q (stays HIR)
	 *                                           S = B C A    Q = A
	 *   evict -> f0
	 */
	{ "lirs_hir_hit_in_stack", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 h2 h0 e0"
	  /* D: HIR, the LIR set B, C is full */
	  " D0 e0" },
	/*
	 * Stack pruning forgets a non-resident entry, so it cannot come back
	 * as LIR.
	 *   A f0, B f1 LIR; C f2 HIR                S = A B C    Q = C
	 *   evict -> f2; D f2 (HIR)                 S = A B Cg D Q = D
	 *   hit A                                   S = B Cg D A
	 *   hit B          bottom Cg: pruned (forgotten), D pruned (stays in Q)
	 *                                           S = A B      Q = D
	 *   evict -> f2    (D, not in S: forgotten)
	 *   C f2           no history: HIR          S = A B C    Q = C
	 *   evict -> f2    (without the pruning C would be LIR and A the victim)
	 */
	{ "lirs_stack_pruning", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 e2 D2 h0 h1 e2 C2 e2"
	  /* Contrast: without the two hits, C's entry survives and C comes
	   * back LIR, demoting A. S = A B Cg E.. -> E non-resident. */
	  " E2 e2 C2 e0" },
	/*
	 * Demoting the LIR bottom prunes the non-resident entries it covered.
	 *   A f0, B f1 LIR; C f2 HIR                S = A B C
	 *   evict -> f2; D f2 HIR                   S = A B Cg D    Q = D
	 *   hit A          A to the top; the bottom B is LIR: no pruning
	 *                                           S = B Cg D A
	 *   evict -> f2    (D stays in S)           S = B Cg Dg A
	 *   C f2           Cg in S: C becomes LIR  S = B Dg A C
	 *                  3 LIR > 2: B leaves S for Q; the bottom is now Dg,
	 *                  pruned (forgotten)       S = A C         Q = B
	 *   evict -> f1 (B)
	 *   D f1           no history left: HIR     S = A C D       Q = D
	 *   evict -> f1    (had Dg survived, D would be LIR and A the victim)
	 */
	{ "lirs_demotion_prunes", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 e2 D2 h0 e2 C2 e1 D1 e1" },
	/*
	 * The bound on non-resident entries. 4 frames, hir 0.25 (L_hirs = 1,
	 * L_lirs = 3), ghosts 0.25 (G = 1).
	 *   A B C LIR in f0..f2; D f3 HIR
	 *   evict -> f3    trim (0 <= 1), D non-resident      ghosts: D
	 *   E f3 HIR; evict -> f3  trim (1 <= 1), E too        ghosts: D E
	 *   F f3           trim to 1: D is deepest in S, dropped  ghosts: E
	 *   evict -> f3    ghosts: E F
	 *   D f3           no history left: HIR; trim drops E  ghosts: F
	 *   evict -> f3    (D is HIR) ghosts: F D
	 *   F f3           F non-resident: LIR; trim drops... nothing left but
	 *                  D (1 <= 1); A, the LIR bottom, is demoted
	 *   evict -> f0
	 */
	{ "lirs_ghost_bound", &policy_lirs, 4, (const double[]){ 0.25, 0.25 },
	  "A0 B1 C2 D3 e3 E3 e3 F3 e3 D3 e3 F3 e0" },
	/*
	 * G = 0: no history at all, so nothing ever comes back LIR; with 3
	 * frames the LIR pages A, B stay and the third frame churns.
	 */
	{ "lirs_no_ghosts", &policy_lirs, 3, (const double[]){ 0.34, 0.0 },
	  "A0 B1 C2 e2 D2 e2 C2 e2" },
	/*
	 * evict() twice with no admit between (the core never does this, but the
	 * protocol allows it): evict() trims the history to G before adding its
	 * victim, so there are never more than G + 1 non-resident entries.
	 * 4 frames, hir 0.5 (L_lirs = 2), G = 0.
	 *   A B LIR, C D HIR                        S = A B C D   Q = C D
	 *   evict -> f2    (0 <= G) C non-resident  S = A B Cg D  Q = D
	 *   evict -> f3    trim to 0 drops Cg, then D non-resident
	 *                                           S = A B Dg    Q = -
	 *   D f3           Dg: LIR; A demoted        S = B D       Q = A
	 *   C f2           no history: HIR           S = B D C     Q = A C
	 *   evict -> f0, evict -> f2
	 */
	{ "lirs_evict_twice", &policy_lirs, 4, (const double[]){ 0.5, 0.0 },
	  "A0 B1 C2 D3 e2 e3 D3 C2 e0 e2" },
	/*
	 * forget(): the page's entry goes with no trace; a LIR page leaves the
	 * LIR set short, refilled by the next page admitted without history.
	 *   A f0, B f1 LIR; C f2 HIR; evict -> f2; D f2 HIR   S = A B Cg D
	 *   forget f0 (A)  S = B Cg D          (bottom B: LIR, no pruning)
	 *   forget f1 (B)  S = Cg D -> pruned empty; no LIR page left
	 *   C f0           Cg was pruned: new, and LIR (0 < 2)
	 *   E f1           LIR (1 < 2)
	 *   evict -> f2    (D, the only HIR page)
	 */
	{ "lirs_forget", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 e2 D2 f0 f1 C0 E1 e2"
	  /* forget a HIR page: Q empties; the next admit refills it. */
	  " F2 f2 G2 e2" },
	/*
	 * forget() of the last LIR page prunes S, so the HIR page above it is no
	 * longer "in S" and a hit on it does not promote it.
	 *   A f0, B f1 LIR; C f2 HIR; evict -> f2; D f2 HIR   S = A B Cg D
	 *   forget f1 (B)  S = A Cg D     (bottom A: LIR)
	 *   forget f0 (A)  S = Cg D: pruned empty; Q = D; no LIR page
	 *   hit D          not in S: top of S, back of Q, still HIR; pruned off
	 *   E f0, F f1     LIR, LIR (the set refills)
	 *   evict -> f2    (D; had D stayed in S it would be LIR and F, HIR, the
	 *                  victim)
	 */
	{ "lirs_forget_prunes", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 e2 D2 f1 f0 h2 E0 F1 e2" },
	/* The same page number in two processes is two pages. */
	{ "lirs_pids_distinct", &policy_lirs, 3, lirs_3_frames,
	  "A0 B1 C2 e2"
	  /* (1, C) non-resident; (2, C): no history, HIR */
	  " 2:C2 e2"
	  /* (1, C): LIR, A demoted */
	  " C2 e0" },
	/* LIRS never reads or clears accessed bits. */
	{ "lirs_leaves_bits", &policy_lirs, 3, NULL,
	  "A0 B1 C2 h1 e* +0 +1 +2" },
};

/* Case _i of lirs_cases. */
START_TEST(test_lirs_case)
{
	ph_run_case(&lirs_cases[_i], false, false);
}
END_TEST

/* ---- CLOCK-Pro, policy level ---- */

/*
 * CLOCK-Pro step by step, each case derived in the comment above it.
 */
static const struct ph_case cp_cases[] = {
	/*
	 * Fewer than 100 frames: m_c starts at 1, so the warm-up makes the first
	 * m - 1 pages hot and the rest cold in test. The clock is written from
	 * HAND_hot on; the head is just behind HAND_hot. '*' = accessed bit set.
	 *
	 * A cold page re-referenced in its test period turns hot. 4 frames:
	 *   A B C hot (warm-up), D cold in test; admit clears every bit.
	 *   hit D, hit C                          [A B C* D*]   all hands at A
	 *   evict: HAND_cold passes A B C (hot); D: bit set, in test -> hot,
	 *     m_c = 2, to the head (where it is); 4 hot > m - m_c = 2, so
	 *     HAND_hot runs: A (clear) -> cold; B (clear) -> cold; stops at C,
	 *     C's bit untouched. HAND_cold goes on: A cold, clear, not in test:
	 *     the victim, leaves the clock.              -> f0
	 *   evict: HAND_cold at B: cold, clear.          -> f1
	 *   evict: no cold page: HAND_hot steps: C* spared (cleared), D clear
	 *     -> cold. HAND_cold: C hot, passed; D cold, clear. -> f3
	 */
	{ "cp_cold_in_test_turns_hot", &policy_clockpro, 4, NULL,
	  "A0 B1 C2 D3"
	  /* admit clears the faulting reference */
	  " -0 -1 -2 -3 h3 h2 e0"
	  /* HAND_hot stopped before C; HAND_cold cleared D's bit */
	  " +2 -3 e1 e3 -2" },
	/* Without the re-reference, the cold page is simply the victim. */
	{ "cp_cold_unreferenced_is_victim", &policy_clockpro, 4, NULL,
	  "A0 B1 C2 D3 e3" },
	/*
	 * HAND_hot spares a hot page whose bit is set and demotes one whose bit
	 * is clear. 3 frames: A B hot, C cold in test.
	 *   hit A, hit C                          [A* B C*]
	 *   evict: HAND_cold: C set, in test -> hot, m_c = 2 (m - m_c = 1);
	 *     3 hot > 1: HAND_hot: A* spared (cleared); B clear -> cold; C
	 *     (cleared by HAND_cold) -> cold. HAND_cold goes on from A: hot,
	 *     passed; B cold, clear: victim.             -> f1
	 *   evict: HAND_cold at C: cold (not in test), clear. -> f2
	 *   A survives both.
	 */
	{ "cp_hot_demoted_by_hand_hot", &policy_clockpro, 3, NULL,
	  "A0 B1 C2 h0 h2 e1 -0 e2" },
	/*
	 * A non-resident cold page faulting again in its test period comes back
	 * hot. 3 frames: A B hot, C cold in test.   [A B C]
	 *   evict: C (clear, in test): non-resident.      -> f2
	 *   D f2: cold in test, at the head              [A B Cn D]
	 *   evict: HAND_cold (just past C) at D: clear.   -> f2   [A B Cn Dn]
	 *   C f2: non-resident in test: hot, m_c = 2, to the head [A B Dn C];
	 *     3 hot > 1: HAND_hot: A clear -> cold, B clear -> cold.
	 *   evict: HAND_cold (past D: at A): cold, clear. -> f0
	 * Had C come back cold, A and B would be hot and C the victim (f2).
	 */
	{ "cp_nonresident_returns_hot", &policy_clockpro, 3, NULL,
	  "A0 B1 C2 e2 D2 e2 C2 e0 e1"
	  /* C, demoted when no cold page was left */
	  " e2" },
	/*
	 * HAND_test ends the oldest test period when too many pages are
	 * non-resident. 2 frames, ghosts 0.5 (N = 1); m_c = 1 and can never
	 * grow (its bounds are [1, 1]), so at most one page is hot. n = non-
	 * resident; all hands start at A.
	 *   A hot, B cold in test                 [A B]
	 *   evict -> f1                           [A Bn]        (1 <= N)
	 *   C f1 (cold, test); evict -> f1        [A Bn Cn]: 2 > N, so HAND_test
	 *     passes A and ends Bn's test: Bn leaves.  [A Cn]   HAND_test at Cn
	 *   B f1: its history is gone: cold in test [A Cn B]; evict -> f1
	 *     (B, clear) [A Cn Bn]: HAND_test ends Cn's test.  [A Bn]
	 *   C f1: no history either: cold; evict -> f1 [A Bn Cn]: Bn ends. [A Cn]
	 *   C f1: Cn is in its test period: hot, to the head; 2 hot > 1:
	 *     HAND_hot demotes A (clear).
	 *   evict -> f0 (A). Each evict -> f1 above shows the page came back
	 *   cold: a hot one would have made A the victim.
	 */
	{ "cp_hand_test_bound", &policy_clockpro, 2, (const double[]){ 0.5 },
	  "A0 B1 e1 C1 e1 B1 e1 C1 e1 C1 e0" },
	/*
	 * A referenced cold page not in its test period starts one (and moves to
	 * the head) instead of turning hot. 3 frames: A B hot, C cold in test.
	 *   hit A, hit C; evict: C -> hot (m_c = 2); HAND_hot spares A, demotes
	 *     B and C; victim B.                    -> f1   (as above)
	 *   D f1: cold in test (head: behind HAND_hot, which is at A)
	 *   hit C (cold, NOT in test)              [A C* D]   HAND_cold at C
	 *   evict: C: set, not in test -> test period, to the head [A D C];
	 *     D: clear, in test -> victim, non-resident.  -> f1
	 *   evict: HAND_cold at C: clear now, in test -> victim, non-resident
	 *     (not dropped: its test period had started)  -> f2   [A Dn Cn]
	 *   C f2: non-resident in test: hot (m_c stays 2, its maximum); 2 hot
	 *     > 1: HAND_hot (at A) demotes A, whose bit it cleared before.
	 *   E f1 cold in test; evict: HAND_cold at A: cold, clear. -> f0
	 */
	{ "cp_cold_not_in_test_starts_test", &policy_clockpro, 3, NULL,
	  "A0 B1 C2 h0 h2 e1 D1 h2 e1 e2 C2 E1 e0" },
	/*
	 * Ending the test period of a resident cold page reads its bit: set
	 * means it was re-referenced during the test, so m_c goes up, not down.
	 * 4 frames, ghosts 0 (N = 0).
	 *   A B C hot, D cold in test              [A B C D]  all hands at A
	 *   evict: D clear -> non-resident; 1 > N: HAND_test passes A B C and
	 *     ends D's test: D leaves.              -> f3     [A B C]
	 *   forget f2 (C); E f3, F f2 cold in test (warm-up is over) [A B E F]
	 *   hit A, B, E, F
	 *   evict: HAND_cold passes A B; E: set, in test -> hot, m_c = 2,
	 *     to the head [A B F E]; 3 hot > 2: HAND_hot spares A and B
	 *     (clearing them), ends F's test: F's bit is set, m_c = 3; 3 hot > 1:
	 *     E (cleared by HAND_cold) -> cold, A (clear now) -> cold; stops at B.
	 *     HAND_cold at F: set, not in test: starts a test, to the head
	 *     [A F B E]; E: cold, clear -> victim.  -> f3
	 *   (Had m_c gone down to 1, HAND_hot would stop after F with 3 hot pages
	 *   and HAND_cold would take F: f2.)
	 */
	{ "cp_test_end_reads_bit", &policy_clockpro, 4, (const double[]){ 0.0 },
	  "A0 B1 C2 D3 e3 f2 E3 F2 h0 h1 h2 h3 e3 -0 -1 -2" },
	/*
	 * forget(): the page leaves the clock with no trace. 3 frames, warm-up
	 * (no eviction yet): A B hot, C cold.
	 *   forget f2 (C); D f2: 2 hot = m - m_c: cold in test.
	 *   forget f0 (A, hot); E f0: 1 hot < 2 and still warming up: hot.
	 *   evict -> f2 (D, the only cold page).
	 *   C f2: its entry was dropped: cold in test. evict -> f2.
	 */
	{ "cp_forget", &policy_clockpro, 3, NULL,
	  "A0 B1 C2 f2 D2 f0 E0 e2 C2 e2"
	  /* forget every page, then start again on an empty clock */
	  " f0 f1 F1 e1" },
	/*
	 * m_c's maximum is m - c_min, so at least c_min pages may stay hot. 2
	 * frames: m_c is in [1, 1].
	 *   A hot, B cold in test; hit A, hit B     [A* B*]
	 *   evict: HAND_cold: B set, in test -> hot (m_c stays 1); 2 hot > 1:
	 *     HAND_hot spares A (clears it), demotes B (cleared by HAND_cold).
	 *     HAND_cold: A hot, passed; B cold, clear: victim.   -> f1
	 *   (With m_c = 2 no page could stay hot: A too would be demoted, and
	 *   be the victim.)
	 */
	{ "cp_cold_max", &policy_clockpro, 2, NULL,
	  "A0 B1 h0 h1 e1" },
};

/* Case _i of cp_cases. */
START_TEST(test_cp_case)
{
	ph_run_case(&cp_cases[_i], false, false);
}
END_TEST

/* One frame: m_c = 1 and no page may stay hot; every eviction takes
 * the only page. */
START_TEST(test_cp_one_frame)
{
	struct policy_harness h;

	ph_open(&h, &policy_clockpro, 1, NULL);
	for (uint64_t p = 0; p < 20; p++) {
		ph_admit(&h, 0, 'A' + p % 3);
		if (p % 2)
			ph_hit(&h, 0);
		ck_assert_uint_eq(ph_evict(&h), 0);
	}
	ph_close(&h);
}
END_TEST

/*
 * m_c's minimum is 1% of the frames: with 250 frames it is 2, so the
 * warm-up makes 248 pages hot and the last two cold; with no reference
 * since, HAND_cold (at the first page) passes the 248 hot ones and takes
 * the first cold page, f248, then f249.
 */
START_TEST(test_cp_cold_min)
{
	struct policy_harness h;

	ph_open(&h, &policy_clockpro, 250, NULL);
	for (uint32_t f = 0; f < 250; f++)
		ph_admit(&h, f, 1000 + f);
	ck_assert_uint_eq(ph_evict(&h), 248);
	ck_assert_uint_eq(ph_evict(&h), 249);
	ph_close(&h);
}
END_TEST

/* ---- both: random operations at policy level ---- */

/* A 64-bit LCG step (Knuth's MMIX constants); returns the high bits. */
static uint32_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*x >> 33);
}

/* Random admits, hits, evictions and forgets on small memories: every
 * victim must be resident (h_evict checks), nothing may trip an assert
 * or the sanitizers, and the same seed must give the same victims. */
static void random_ops(const struct policy *p, uint32_t frames, const double *params,
		       uint64_t seed, uint32_t *victims, size_t nvictims)
{
	struct policy_harness h;
	uint64_t x = seed;
	size_t v = 0;

	ph_open(&h, p, frames, params);
	for (int step = 0; step < 4000; step++) {
		uint32_t r = lcg(&x) % 100, f = lcg(&x) % frames;
		uint64_t page = lcg(&x) % (3 * frames + 2);
		uint32_t pid = 1 + lcg(&x) % 2;
		bool is_resident = false;

		for (uint32_t g = 0; g < frames; g++)
			if (h.resident[g] && h.page_in[g] == page && h.pid_in[g] == pid)
				is_resident = true;
		if (r < 45) {
			uint32_t free_frame = UINT32_MAX;

			if (is_resident)
				continue;
			for (uint32_t g = 0; g < frames && free_frame == UINT32_MAX; g++)
				if (!h.resident[g])
					free_frame = g;
			if (free_frame == UINT32_MAX) {
				free_frame = ph_evict(&h);
				if (v < nvictims)
					victims[v++] = free_frame;
			}
			ph_admit_pid(&h, free_frame, pid, page);
		} else if (r < 93) {
			if (h.resident[f])
				ph_hit(&h, f);
		} else if (r < 97) {
			if (h.resident[f])
				ph_forget(&h, f);
		} else {
			if (lcg(&x) % 2) /* clear a bit behind the policy's back */
				h.accessed[f] = false;
		}
	}
	ph_close(&h);
}

START_TEST(test_random_ops)
{
	static const double lirs_params[][2] = { { 0.01, 2.0 }, { 0.5, 0.0 }, { 1.0, 1.0 },
						 { 0.2, 0.3 } };
	static const double cp_params[][1] = { { 1.0 }, { 0.0 }, { 3.0 } };
	static const uint32_t frame_counts[] = { 1, 2, 3, 5, 8, 17 };

	for (size_t i = 0; i < ARRAY_LEN(frame_counts); i++) {
		for (uint64_t seed = 1; seed <= 3; seed++) {
			uint32_t a[256], b[256];

			for (size_t k = 0; k < ARRAY_LEN(lirs_params); k++) {
				random_ops(&policy_lirs, frame_counts[i], lirs_params[k], seed, a, 256);
				random_ops(&policy_lirs, frame_counts[i], lirs_params[k], seed, b, 256);
				ck_assert(memcmp(a, b, sizeof(a)) == 0);
			}
			for (size_t k = 0; k < ARRAY_LEN(cp_params); k++) {
				random_ops(&policy_clockpro, frame_counts[i], cp_params[k], seed, a, 256);
				random_ops(&policy_clockpro, frame_counts[i], cp_params[k], seed, b, 256);
				ck_assert(memcmp(a, b, sizeof(a)) == 0);
			}
		}
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* ref_lirs: LIRS written from the paper's description, as plainly as  */
/* possible: S and Q are arrays (index 0 = bottom / front), every     */
/* operation a linear scan. Same parameters and the same documented   */
/* choices as lirs.c (warm-up, pruning after every reference, the     */
/* history bound trimmed at eviction before the victim joins it and   */
/* after the faulting page's own entry is looked up).                 */

#define REF_MAX_KEYS 512

enum { REF_NONE = 0, REF_LIR, REF_HIR, REF_GHOST };

struct ref_lirs {
	uint32_t frames, lir_max, ghost_max;
	uint32_t lir, resident;
	int status[REF_MAX_KEYS];
	int s[REF_MAX_KEYS], ns; /* bottom .. top */
	int q[REF_MAX_KEYS], nq; /* front .. back */
};

static void ref_init(struct ref_lirs *r, uint32_t frames, double hir, double ghosts)
{
	uint32_t l_hirs = hir * frames >= frames ? frames : (uint32_t)(hir * frames);

	memset(r, 0, sizeof(*r));
	if (l_hirs < 1)
		l_hirs = 1;
	r->frames = frames;
	r->lir_max = frames - l_hirs;
	r->ghost_max = (uint32_t)(ghosts * frames);
}

/* Index of k in a[0..n), or -1. */
static int ref_find(const int *a, int n, int k)
{
	for (int i = 0; i < n; i++)
		if (a[i] == k)
			return i;
	return -1;
}

/* Remove a[i], shifting the rest down. */
static void ref_remove_at(int *a, int *n, int i)
{
	memmove(&a[i], &a[i + 1], (size_t)(*n - i - 1) * sizeof(*a));
	(*n)--;
}

/* Put k at the end of a (top of S / back of Q), removing it first. */
static void ref_to_end(int *a, int *n, int k)
{
	int i = ref_find(a, *n, k);

	if (i >= 0)
		ref_remove_at(a, n, i);
	a[(*n)++] = k;
}

static void ref_prune(struct ref_lirs *r)
{
	while (r->ns > 0 && r->status[r->s[0]] != REF_LIR) {
		if (r->status[r->s[0]] == REF_GHOST)
			r->status[r->s[0]] = REF_NONE;
		ref_remove_at(r->s, &r->ns, 0);
	}
}

/* Drop the lowest non-resident entries of S while there are too many. */
static void ref_trim(struct ref_lirs *r)
{
	uint32_t ghosts = 0;

	for (int i = 0; i < r->ns; i++)
		ghosts += r->status[r->s[i]] == REF_GHOST;
	for (int i = 0; i < r->ns && ghosts > r->ghost_max;) {
		if (r->status[r->s[i]] == REF_GHOST) {
			r->status[r->s[i]] = REF_NONE;
			ref_remove_at(r->s, &r->ns, i);
			ghosts--;
		} else {
			i++;
		}
	}
}

/* k becomes LIR at the top of S; the LIR pages beyond L_lirs leave from
 * the bottom of S for the back of Q. */
static void ref_make_lir(struct ref_lirs *r, int k)
{
	int i = ref_find(r->q, r->nq, k);

	if (i >= 0)
		ref_remove_at(r->q, &r->nq, i);
	r->status[k] = REF_LIR;
	r->lir++;
	ref_to_end(r->s, &r->ns, k);
	while (r->lir > r->lir_max) {
		int bottom;

		ref_prune(r);
		bottom = r->s[0];
		r->status[bottom] = REF_HIR;
		r->lir--;
		ref_remove_at(r->s, &r->ns, 0);
		r->q[r->nq++] = bottom;
	}
	ref_prune(r);
}

/* Reference key k. Returns the evicted key, -1 for a fault without
 * eviction, -2 for a hit. */
static int ref_access(struct ref_lirs *r, int k)
{
	int victim = -1;

	QUIET_ASSERT(k >= 0 && k < REF_MAX_KEYS);
	if (r->status[k] == REF_LIR) {
		ref_to_end(r->s, &r->ns, k);
		ref_prune(r);
		return -2;
	}
	if (r->status[k] == REF_HIR) {
		if (ref_find(r->s, r->ns, k) >= 0) {
			ref_make_lir(r, k);
		} else {
			ref_to_end(r->s, &r->ns, k);
			ref_to_end(r->q, &r->nq, k);
			ref_prune(r);
		}
		return -2;
	}
	if (r->resident == r->frames) {
		QUIET_ASSERT(r->nq > 0);
		ref_trim(r);
		victim = r->q[0];
		ref_remove_at(r->q, &r->nq, 0);
		r->status[victim] = ref_find(r->s, r->ns, victim) >= 0 ? REF_GHOST : REF_NONE;
		r->resident--;
	}
	r->resident++;
	if (r->status[k] == REF_GHOST) {
		r->status[k] = REF_HIR;
		ref_make_lir(r, k);
		return victim;
	}
	ref_trim(r);
	if (r->lir < r->lir_max) {
		r->status[k] = REF_LIR;
		r->lir++;
		ref_to_end(r->s, &r->ns, k);
	} else {
		r->status[k] = REF_HIR;
		ref_to_end(r->s, &r->ns, k);
		r->q[r->nq++] = k;
	}
	ref_prune(r);
	return victim;
}

/* ------------------------------------------------------------------ */
/* Layer 2: the real simulator.                                        */

#define PAGE_SHIFT 12
#define KEY(pid, page) ((int)(((pid) - 1) * 256 + (page)))

struct workload {
	size_t n;
	uint64_t page[4096];
	uint32_t pid[4096];
};

struct run {
	uint64_t faults, hits, refs, evictions;
	size_t nvictims;
	int victim[4096];           /* KEY(pid, vpn) of each victim, in order */
	bool resident[REF_MAX_KEYS];
	bool bad_victim;
};

/* Evict hook: record the victim and check it was resident. */
static void run_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct run *r = ctx;
	int k = KEY(pid, vpn);

	(void)frame;
	(void)dirty;
	if (k < 0 || k >= REF_MAX_KEYS || !r->resident[k])
		r->bad_victim = true;
	else
		r->resident[k] = false;
	if (r->nvictims < ARRAY_LEN(r->victim))
		r->victim[r->nvictims++] = k;
}

/* Replay w through policy p (params: NULL for the defaults) on a machine
 * of frames frames; fill out. */
static void run_sim(const struct policy *p, const double *params, uint32_t frames,
		    const struct workload *w, struct run *out)
{
	struct ps_error err;
	struct sim_stats st;
	struct sim *s;

	memset(out, 0, sizeof(*out));
	s = sim_open_policy(p, params, frames, 4096, run_hook, out);
	for (size_t i = 0; i < w->n; i++) {
		struct trace_rec rec = { .addr = w->page[i] << PAGE_SHIFT, .pid = w->pid[i],
					 .size = 1, .op = (uint8_t)(i % 3 == 0 ? OP_WRITE : OP_READ) };

		QUIET_ASSERT_MSG(sim_feed(s, &rec, 1, &err) == 0, "sim_feed(%s): %s", p->name, err.msg);
		out->resident[KEY(w->pid[i], w->page[i])] = true;
	}
	sim_get_stats(s, &st);
	sim_destroy(s);
	out->faults = st.faults;
	out->hits = st.hits;
	out->refs = st.refs;
	out->evictions = st.evictions;
	ck_assert_msg(!out->bad_victim, "%s evicted a page that was not resident", p->name);
}

/* pages 0..len-1 in order, over and over, n references, process 1. */
static void make_loop(struct workload *w, uint64_t len, size_t n)
{
	w->n = n;
	for (size_t i = 0; i < n; i++) {
		w->page[i] = i % len;
		w->pid[i] = 1;
	}
}

/* A mix of a hot set, a loop, scans and two processes, from seed. Pages
 * < 200, pids 1 and 2. */
static void make_mix(struct workload *w, uint64_t seed, size_t n)
{
	uint64_t x = seed;

	w->n = n;
	for (size_t i = 0; i < n; i++) {
		uint32_t phase = (uint32_t)(i / 300) % 4, r = lcg(&x) % 100;

		w->pid[i] = r < 85 ? 1 : 2;
		if (phase == 3 && r < 70)
			w->page[i] = 100 + (i % 97); /* a scan */
		else if (r < 60)
			w->page[i] = lcg(&x) % 12; /* hot set */
		else if (r < 85)
			w->page[i] = 20 + (i % 25); /* a loop */
		else
			w->page[i] = lcg(&x) % 200;
	}
}

/* Distinct (pid, page) pairs in w. */
static uint64_t distinct_pages(const struct workload *w)
{
	static bool seen[REF_MAX_KEYS];
	uint64_t n = 0;

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < w->n; i++) {
		int k = KEY(w->pid[i], w->page[i]);

		n += !seen[k];
		seen[k] = true;
	}
	return n;
}

static const struct policy *const both[] = { &policy_lirs, &policy_clockpro };

/* Enough frames: only first touches fault, nothing is evicted. */
START_TEST(test_machine_enough_frames)
{
	static struct workload w;
	static struct run r;

	make_mix(&w, 7, 3000);
	for (size_t i = 0; i < ARRAY_LEN(both); i++) {
		uint64_t d = distinct_pages(&w);

		run_sim(both[i], NULL, (uint32_t)d, &w, &r);
		ck_assert_uint_eq(r.faults, d);
		ck_assert_uint_eq(r.evictions, 0);
		run_sim(both[i], NULL, (uint32_t)d + 50, &w, &r);
		ck_assert_uint_eq(r.faults, d);
	}
}
END_TEST

/* Under pressure: hits + faults == refs, evictions == faults - frames,
 * victims resident (the hook), and the same run twice gives the same
 * victims. */
START_TEST(test_machine_invariants)
{
	static const uint32_t frame_counts[] = { 1, 2, 3, 7, 16, 40, 100 };
	static struct workload w;
	static struct run a, b;

	for (uint64_t seed = 1; seed <= 3; seed++) {
		make_mix(&w, seed, 4000);
		for (size_t i = 0; i < ARRAY_LEN(both); i++) {
			for (size_t j = 0; j < ARRAY_LEN(frame_counts); j++) {
				uint32_t frames = frame_counts[j];

				run_sim(both[i], NULL, frames, &w, &a);
				ck_assert_uint_eq(a.hits + a.faults, a.refs);
				ck_assert_uint_eq(a.refs, w.n);
				ck_assert_uint_gt(a.faults, frames);
				ck_assert_uint_eq(a.evictions, a.faults - frames);
				run_sim(both[i], NULL, frames, &w, &b);
				ck_assert_uint_eq(a.faults, b.faults);
				ck_assert_uint_eq(a.nvictims, b.nvictims);
				ck_assert(memcmp(a.victim, b.victim, a.nvictims * sizeof(a.victim[0])) == 0);
			}
		}
	}
}
END_TEST

/* The loop of 10 pages over 8 frames (derivation at the top). */
START_TEST(test_machine_loop)
{
	static struct workload w;
	static struct run r;

	make_loop(&w, 10, 200);
	run_sim(&policy_lru, NULL, 8, &w, &r);
	ck_assert_uint_eq(r.faults, 200);
	run_sim(&policy_clock, NULL, 8, &w, &r);
	ck_assert_uint_eq(r.faults, 200);
	run_sim(&policy_lirs, NULL, 8, &w, &r);
	ck_assert_uint_eq(r.faults, 67);
	run_sim(&policy_clockpro, NULL, 8, &w, &r);
	ck_assert_uint_eq(r.faults, 67);
	/* Longer loops: still far better than LRU's fault on every reference. */
	for (uint64_t len = 9; len <= 16; len++) {
		make_loop(&w, len, 400);
		for (size_t i = 0; i < ARRAY_LEN(both); i++) {
			run_sim(both[i], NULL, 8, &w, &r);
			ck_assert_uint_lt(r.faults, 300);
			ck_assert_uint_ge(r.faults, len);
		}
	}
}
END_TEST

/* Replay w through ref_lirs; fill faults and victims like run_sim. */
static void run_ref(uint32_t frames, double hir, double ghosts, const struct workload *w,
		    struct run *out)
{
	static struct ref_lirs r;

	memset(out, 0, sizeof(*out));
	ref_init(&r, frames, hir, ghosts);
	for (size_t i = 0; i < w->n; i++) {
		int v = ref_access(&r, KEY(w->pid[i], w->page[i]));

		if (v == -2)
			continue;
		out->faults++;
		if (v >= 0 && out->nvictims < ARRAY_LEN(out->victim))
			out->victim[out->nvictims++] = v;
	}
}

/* LIRS against ref_lirs, victim by victim, over memory sizes and
 * parameters that make the history bound and the HIR share matter. */
START_TEST(test_lirs_matches_reference)
{
	static const double params[][2] = { { 0.01, 2.0 }, { 0.25, 2.0 }, { 0.1, 0.5 },
					    { 0.4, 0.1 },  { 0.01, 0.0 }, { 0.05, 8.0 } };
	static const uint32_t frame_counts[] = { 1, 2, 3, 4, 6, 10, 16, 30, 64 };
	static struct workload w;
	static struct run got, want;

	for (uint64_t seed = 1; seed <= 3; seed++) {
		make_mix(&w, seed, 4000);
		for (size_t i = 0; i < ARRAY_LEN(params); i++) {
			for (size_t j = 0; j < ARRAY_LEN(frame_counts); j++) {
				uint32_t frames = frame_counts[j];

				run_sim(&policy_lirs, params[i], frames, &w, &got);
				run_ref(frames, params[i][0], params[i][1], &w, &want);
				ck_assert_msg(got.faults == want.faults,
					      "seed %u hir %g ghosts %g frames %u: %llu faults, reference %llu",
					      (unsigned)seed, params[i][0], params[i][1], (unsigned)frames,
					      (unsigned long long)got.faults, (unsigned long long)want.faults);
				ck_assert_uint_eq(got.nvictims, want.nvictims);
				for (size_t k = 0; k < got.nvictims; k++)
					QUIET_ASSERT_MSG(got.victim[k] == want.victim[k],
							 "frames %u: victim %zu is %d, reference %d",
							 (unsigned)frames, k, got.victim[k], want.victim[k]);
			}
		}
	}
	/* The loop too. */
	make_loop(&w, 10, 200);
	run_ref(8, 0.01, 2.0, &w, &want);
	ck_assert_uint_eq(want.faults, 67);
}
END_TEST

/* With every frame HIR (hir = 1) or a single frame, no page is ever LIR
 * and S only ever holds the page just referenced: LIRS is exactly LRU. */
START_TEST(test_lirs_degenerates_to_lru)
{
	static const double all_hir[] = { 1.0, 2.0 };
	static struct workload w;
	static struct run got, want;

	make_mix(&w, 5, 4000);
	for (uint32_t frames = 1; frames <= 40; frames += 13) {
		run_sim(&policy_lirs, all_hir, frames, &w, &got);
		run_sim(&policy_lru, NULL, frames, &w, &want);
		ck_assert_uint_eq(got.faults, want.faults);
		ck_assert_uint_eq(got.nvictims, want.nvictims);
		ck_assert(memcmp(got.victim, want.victim, got.nvictims * sizeof(got.victim[0])) == 0);
	}
	run_sim(&policy_lirs, NULL, 1, &w, &got);
	run_sim(&policy_lru, NULL, 1, &w, &want);
	ck_assert_uint_eq(got.faults, want.faults);
}
END_TEST

/* Descriptors: as the registry's tests expect of every policy. */
START_TEST(test_descriptors)
{
	ck_assert_str_eq(policy_lirs.name, "lirs");
	ck_assert_str_eq(policy_clockpro.name, "clock-pro");
	ck_assert_uint_eq(policy_lirs.abi, PAGESIM_POLICY_ABI);
	ck_assert_uint_eq(policy_clockpro.abi, PAGESIM_POLICY_ABI);
	ck_assert(policy_lirs.touch != NULL);
	ck_assert(policy_clockpro.touch == NULL);
	ck_assert(!policy_lirs.needs_future && !policy_clockpro.needs_future);
	ck_assert_str_eq(policy_lirs.params[0].name, "hir");
	ck_assert_str_eq(policy_lirs.params[1].name, "ghosts");
	ck_assert_ptr_null(policy_lirs.params[2].name);
	ck_assert_str_eq(policy_clockpro.params[0].name, "ghosts");
	ck_assert_ptr_null(policy_clockpro.params[1].name);
}
END_TEST

Suite *make_policies_lirs_suite(void)
{
	const TTest *const cp_tests[] = { test_cp_one_frame, test_cp_cold_min };
	const TTest *const machine_tests[] = {
		test_descriptors, test_random_ops, test_machine_enough_frames, test_machine_invariants,
		test_machine_loop, test_lirs_matches_reference, test_lirs_degenerates_to_lru
	};
	Suite *s = suite_create("policies-lirs");
	TCase *tc = tcase_create("lirs");

	tcase_add_loop_test(tc, test_lirs_case, 0, (int)ARRAY_LEN(lirs_cases));
	suite_add_tcase(s, tc);
	tc = SUITE_ADD_TESTS(s, "clock-pro", 0, cp_tests);
	tcase_add_loop_test(tc, test_cp_case, 0, (int)ARRAY_LEN(cp_cases));
	SUITE_ADD_TESTS(s, "machine", 120, machine_tests);
	return s;
}
