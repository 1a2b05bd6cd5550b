/*
 * check_policies_ws.c - the working-set family (policies/ws.c, vmin.c,
 * pff.c), nfu (policies/nfu.c), the machine's shed() path, and the
 * resident-set counters (space_time; sim.c's essay, "Resident set").
 *
 * All runs go through the real simulator with pages of process 1
 * (sim_ref). Each hand-derived answer is worked in the comment above its
 * test; the relations between ws and vmin are checked on generated
 * strings against formulas computed here, independently of the policies:
 *   faults(ws, T) = faults(vmin, T) = first touches + references whose
 *       page was last referenced more than T references before;
 *   space_time(ws, T) = the sum over references t of min(g, T + 1, K - t),
 *       g the gap to the page's next reference (infinite if none), K the
 *       number of references: the page of t stays from t until its next
 *       reference, at most T + 1 references, at most to the end;
 *   space_time(vmin, T) = the sum over references of g if g <= T, else 1.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "sim_helpers.h"
#include "policies/registry.h"
#include "replay/future.h"

Suite *make_policies_ws_suite(void);

#define NEVER UINT64_MAX

/* What one replay gave: its counters and its victims' pages in order. */
struct ws_run {
	struct sim_stats st;
	uint64_t victim[64];
	size_t nvictims;
};

static void ws_hook(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct ws_run *r = ctx;

	(void)frame, (void)pid, (void)dirty;
	if (r->nvictims < ARRAY_LEN(r->victim))
		r->victim[r->nvictims++] = vpn;
}

/* Replay recs[0..n) through policy name with frames frames and the value
 * param for its only parameter (NAN: the defaults of all of them); the
 * look-ahead is built when the policy needs one. */
static void ws_replay(const char *name, double param, uint32_t frames, const struct trace_rec *recs, size_t n,
		      struct ws_run *out)
{
	const struct policy *p = policy_find(name);
	struct future future = { NULL, 0 };
	struct ps_error err = { "" };
	struct sim_config cfg = {
		.policy = p, .policy_params = isnan(param) ? NULL : &param, .frames = frames, .page_shift = 12, .va_bits = 48,
		.swap_slots = 1024, .seed = 1,
	};
	struct sim *s;

	ck_assert_ptr_nonnull(p);
	memset(out, 0, sizeof *out);
	if (p->needs_future) {
		struct future_builder *b = future_begin(12, false);

		ck_assert_int_eq(future_add(b, recs, n, &err), 0);
		future_finish(b, &future);
		cfg.future = future.next_use;
		cfg.future_len = future.len;
	}
	s = sim_create(&cfg, &err);
	ck_assert_msg(s != NULL, "sim_create(%s): %s", name, err.msg);
	sim_set_evict_hook(s, ws_hook, out);
	ck_assert_msg(sim_feed(s, recs, n, &err) == 0, "sim_feed(%s): %s", name, err.msg);
	sim_get_stats(s, &out->st);
	sim_destroy(s);
	future_free(&future);
}

/* recs[i] = a read of pages[i] (a write where ops[i] is 'W'; ops may be NULL). */
static void ws_recs(const uint64_t *pages, const char *ops, size_t n, struct trace_rec *recs)
{
	for (size_t i = 0; i < n; i++)
		recs[i] = sim_ref(ops != NULL ? ops[i] : 'R', pages[i]);
}

/* OSTEP's string 0 1 2 0 1 3 0 3 1 2 1 (times 0..10), 8 frames (never
 * reached). Gaps to the previous reference of the same page:
 *   t:    0 1 2 3 4 5 6 7 8 9 10
 *   page: 0 1 2 0 1 3 0 3 1 2 1
 *   gap:  - - - 3 3 - 3 2 4 7 2
 * ws, T = 2: faults where gap > 2 or first: all but t7, t10: 9. Memory
 * while t is served: pages last referenced in t-2..t:
 *   1 2 3 3 3 3 3 2 3 3 2  -> space_time 28; the end holds {1, 2}: 2, so
 *   evictions (releases) = 9 - 2 = 7, all clean.
 * vmin, T = 2: the same 9 faults. Kept over a gap only when it is <= 2:
 * page 3 over t5..t7 (held at t6) and page 1 over t8..t10 (held at t9):
 *   space_time = 11 references + 2 = 13; the end holds page 1 (to be
 *   dropped before a next reference that never comes): evictions 8.
 * ws, T = 3: faults where gap > 3 or first: t0 t1 t2 t5 t8 t9: 6. Memory
 * (last reference in t-3..t): 1 2 3 3 3 4 3 3 3 4 3 -> 32; the end holds
 * {3, 2, 1}: evictions 6 - 3 = 3.
 * vmin, T = 3: 6 faults; kept over the gaps <= 3: 0 over 0..3 (t1, t2),
 * 0 over 3..6 (t4, t5), 1 over 1..4 (t2, t3), 3 over 5..7 (t6), 1 over
 * 8..10 (t9): 8 more than the 11 references -> 19. */
START_TEST(test_ostep_by_hand)
{
	static const uint64_t pages[] = { 0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1 };
	static const struct {
		const char *policy;
		double tau;
		uint64_t faults, space_time, evictions, resident;
	} want[] = {
		{ "ws", 2, 9, 28, 7, 2 },
		{ "vmin", 2, 9, 13, 8, 1 },
		{ "ws", 3, 6, 32, 3, 3 },
		{ "vmin", 3, 6, 19, 5, 1 },
	};
	struct trace_rec recs[ARRAY_LEN(pages)];
	struct ws_run r;

	ws_recs(pages, NULL, ARRAY_LEN(pages), recs);
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		ws_replay(want[i].policy, want[i].tau, 8, recs, ARRAY_LEN(recs), &r);
		ck_assert_msg(r.st.faults == want[i].faults && r.st.space_time == want[i].space_time &&
				      r.st.evictions == want[i].evictions && r.st.resident == want[i].resident,
			      "%s:tau=%g: faults %llu space_time %llu evictions %llu resident %llu", want[i].policy,
			      want[i].tau, (unsigned long long)r.st.faults, (unsigned long long)r.st.space_time,
			      (unsigned long long)r.st.evictions, (unsigned long long)r.st.resident);
		ck_assert_uint_eq(r.st.dirty_evictions, 0);
	}
}
END_TEST

/* ws releases a dirty page as an eviction: the same string with t1 a
 * write, T = 2. Page 1 (written at t1, last referenced at t1) leaves before
 * t4 (1 + 2 < 4): dirty, so written to swap (slot 0). t4 faults it back
 * from swap (it keeps its slot); it leaves clean before t7 (4 + 2 < 7),
 * no write, and t8 reads it from swap again. So swap_writes = 1,
 * dirty_evictions = 1, swap_reads = 2 and zero_fills = 9 - 2 = 7; the
 * faults, releases and memory are those of the all-reads string. */
START_TEST(test_ws_dirty_release)
{
	static const uint64_t pages[] = { 0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1 };
	static const char ops[] = "RWRRRRRRRRR";
	struct trace_rec recs[ARRAY_LEN(pages)];
	struct ws_run r;

	ws_recs(pages, ops, ARRAY_LEN(pages), recs);
	ws_replay("ws", 2, 8, recs, ARRAY_LEN(recs), &r);
	ck_assert_uint_eq(r.st.faults, 9);
	ck_assert_uint_eq(r.st.evictions, 7);
	ck_assert_uint_eq(r.st.dirty_evictions, 1);
	ck_assert_uint_eq(r.st.swap_writes, 1);
	ck_assert_uint_eq(r.st.swap_reads, 2);
	ck_assert_uint_eq(r.st.zero_fills, 7);
	ck_assert_uint_eq(r.st.space_time, 28);
}
END_TEST

/* pff, threshold 2, 8 frames, string 0 1 1 1w 2 0 0 0 0 3 (times 0..9):
 *   t0 0 fault, the first: grow. {0}
 *   t1 1 fault, 1 after t0 (<= 2): grow; clear A of 0. {0,1}
 *   t2, t3: hits on 1 (t3 writes it).
 *   t4 2 fault, 3 after t1 (> 2): release the pages whose A is clear: 0;
 *      1's is set: kept, cleared. {1,2}
 *   t5 0 fault, 1 after t4: grow; clear A of 1 (already clear) and 2. {1,2,0}
 *   t6..t8: hits on 0.
 *   t9 3 fault, 4 after t5: release 1 and 2 (A clear), keep 0. {0,3}
 * Faults 5 (t0 t1 t4 t5 t9), victims 0, 1, 2 in that order, page 1 dirty
 * (one swap write). Memory while each reference is served (the releases
 * of a fault count at that fault): 1 2 2 2 2 3 3 3 3 2 -> 23. */
START_TEST(test_pff_by_hand)
{
	static const uint64_t pages[] = { 0, 1, 1, 1, 2, 0, 0, 0, 0, 3 };
	static const char ops[] = "RRRWRRRRRR";
	static const uint64_t victims[] = { 0, 1, 2 };
	struct trace_rec recs[ARRAY_LEN(pages)];
	struct ws_run r;

	ws_recs(pages, ops, ARRAY_LEN(pages), recs);
	ws_replay("pff", 2, 8, recs, ARRAY_LEN(recs), &r);
	ck_assert_uint_eq(r.st.faults, 5);
	ck_assert_uint_eq(r.nvictims, ARRAY_LEN(victims));
	ck_assert_mem_eq(r.victim, victims, sizeof victims);
	ck_assert_uint_eq(r.st.dirty_evictions, 1);
	ck_assert_uint_eq(r.st.swap_writes, 1);
	ck_assert_uint_eq(r.st.space_time, 23);
	ck_assert_uint_eq(r.st.resident, 2);
}
END_TEST

/* nfu, tick 2 (ticks before t0, t2, t4, t6), 2 frames, 0 0 1 2 1 1 0 2:
 *   t0 0 -> frame 0, fresh (rank 0 + 1). t1 hit.
 *   tick 2: frame 0 counter 1 (A was set).
 *   t2 1 -> frame 1, fresh (rank 1).
 *   t3 2 fault, full: ranks 1 and 1, the tie to the lower frame: evict 0.
 *      2 -> frame 0, fresh.
 *   tick 4: frame 0 (page 2) 0 + 1 = 1, frame 1 (page 1) 0 + 1 = 1.
 *   t4, t5: hits on 1.
 *   tick 6: page 2 stays 1 (A clear), page 1 becomes 2.
 *   t6 0 fault: evict page 2 (1 < 2); 0 -> frame 0, fresh (rank 1).
 *   t7 2 fault: evict page 0 (1 < 2).
 * Faults 5, victims 0, 2, 0. */
START_TEST(test_nfu_by_hand)
{
	static const uint64_t pages[] = { 0, 0, 1, 2, 1, 1, 0, 2 };
	static const uint64_t victims[] = { 0, 2, 0 };
	struct trace_rec recs[ARRAY_LEN(pages)];
	struct ws_run r;

	ws_recs(pages, NULL, ARRAY_LEN(pages), recs);
	ws_replay("nfu", 2, 2, recs, ARRAY_LEN(recs), &r);
	ck_assert_uint_eq(r.st.faults, 5);
	ck_assert_uint_eq(r.nvictims, ARRAY_LEN(victims));
	ck_assert_mem_eq(r.victim, victims, sizeof victims);
	/* A fixed-space policy: 1 frame at t0 and t1, then 2: 2 + 6 * 2. */
	ck_assert_uint_eq(r.st.space_time, 14);
}
END_TEST

/* A generated string of n references over a pages, with locality: mostly
 * a page near the last one, sometimes anywhere (an LCG from seed). */
static void ws_generate(uint64_t seed, size_t n, uint64_t a, uint64_t *pages)
{
	uint64_t x = seed, cur = 0;

	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if ((x >> 60) < 3)
			cur = (x >> 20) % a;
		else
			cur = (cur + (x >> 33) % 5) % a;
		pages[i] = cur;
	}
}

/* The formulas at the top of the file, computed from the string alone. */
static void ws_expected(const uint64_t *pages, size_t n, uint64_t tau, uint64_t *faults, uint64_t *ws_st,
			uint64_t *vmin_st)
{
	*faults = *ws_st = *vmin_st = 0;
	for (size_t t = 0; t < n; t++) {
		uint64_t gap = NEVER, prev = NEVER;

		for (size_t v = t + 1; v < n && gap == NEVER; v++)
			if (pages[v] == pages[t])
				gap = v - t;
		for (size_t u = t; u-- > 0 && prev == NEVER;)
			if (pages[u] == pages[t])
				prev = t - u;
		*faults += prev == NEVER || prev > tau;
		*ws_st += gap < tau + 1 && gap < n - t ? gap : tau + 1 < n - t ? tau + 1 : n - t;
		*vmin_st += gap <= tau ? gap : 1;
	}
}

/* Denning's and Prieve and Fabry's relations on generated strings, with
 * memory never full: faults and space_time as the formulas say, vmin
 * faults exactly as often as ws and never holds more. */
START_TEST(test_ws_vmin_relations)
{
	enum { N = 600 };
	static const uint64_t taus[] = { 1, 2, 3, 5, 8, 13, 40, 200, 1000 };
	static uint64_t pages[N];
	static struct trace_rec recs[N];

	for (uint64_t seed = 1; seed <= 4; seed++) {
		ws_generate(seed, N, 10 + 15 * seed, pages);
		ws_recs(pages, NULL, N, recs);
		for (size_t k = 0; k < ARRAY_LEN(taus); k++) {
			uint64_t faults, ws_st, vmin_st;
			struct ws_run ws, vmin;

			ws_expected(pages, N, taus[k], &faults, &ws_st, &vmin_st);
			ws_replay("ws", (double)taus[k], 100, recs, N, &ws);
			ws_replay("vmin", (double)taus[k], 100, recs, N, &vmin);
			ck_assert_msg(ws.st.faults == faults && vmin.st.faults == faults,
				      "seed %llu tau %llu: ws %llu vmin %llu faults, want %llu",
				      (unsigned long long)seed, (unsigned long long)taus[k],
				      (unsigned long long)ws.st.faults, (unsigned long long)vmin.st.faults,
				      (unsigned long long)faults);
			ck_assert_msg(ws.st.space_time == ws_st && vmin.st.space_time == vmin_st,
				      "seed %llu tau %llu: space_time ws %llu (want %llu) vmin %llu (want %llu)",
				      (unsigned long long)seed, (unsigned long long)taus[k],
				      (unsigned long long)ws.st.space_time, (unsigned long long)ws_st,
				      (unsigned long long)vmin.st.space_time, (unsigned long long)vmin_st);
			ck_assert_uint_le(vmin.st.space_time, ws.st.space_time);
			ck_assert_uint_eq(ws.st.evictions, ws.st.faults - ws.st.resident);
		}
	}
}
END_TEST

/* --frames bounds memory: with fewer frames than the working set needs,
 * every variable-space policy stays within them (space_time <= frames *
 * refs, resident <= frames), every page it loads is either released or
 * still resident, and opt (the fewest faults within those frames) is a
 * lower bound. ws with 1..4 frames and tau larger than the string is lru
 * (it evicts the least recently used page; nothing expires). */
START_TEST(test_frames_bound)
{
	enum { N = 400 };
	static const char *const names[] = { "ws", "vmin", "pff" };
	static uint64_t pages[N];
	static struct trace_rec recs[N];

	ws_generate(9, N, 30, pages);
	ws_recs(pages, NULL, N, recs);
	for (uint32_t frames = 1; frames <= 4; frames++) {
		struct ws_run r, opt, lru;

		ws_replay("opt", NAN, frames, recs, N, &opt);
		for (size_t k = 0; k < ARRAY_LEN(names); k++) {
			ws_replay(names[k], 5, frames, recs, N, &r);
			ck_assert_uint_le(r.st.resident, frames);
			ck_assert_uint_le(r.st.space_time, (uint64_t)frames * N);
			ck_assert_uint_eq(r.st.evictions, r.st.faults - r.st.resident);
			ck_assert_uint_ge(r.st.faults, opt.st.faults);
		}
		ws_replay("ws", 1e6, frames, recs, N, &r);
		ws_replay("lru", NAN, frames, recs, N, &lru);
		ck_assert_mem_eq(&r.st, &lru.st, sizeof r.st);
	}
}
END_TEST

/* A fixed-space policy's space_time, incrementally kept, equals the sum
 * over references of min(frames, distinct pages so far) (no frame is
 * ever freed), for every such built-in policy. */
START_TEST(test_fixed_space_time)
{
	enum { N = 300 };
	static uint64_t pages[N];
	static struct trace_rec recs[N];
	const uint32_t frames = 7;
	uint64_t want = 0, distinct = 0;
	bool seen[64] = { false };

	ws_generate(3, N, 40, pages);
	ws_recs(pages, NULL, N, recs);
	for (size_t t = 0; t < N; t++) {
		if (!seen[pages[t]]) {
			seen[pages[t]] = true;
			distinct++;
		}
		want += distinct < frames ? distinct : frames;
	}
	for (size_t i = 0; policy_at(i) != NULL; i++) {
		const struct policy *p = policy_at(i);
		struct ws_run r;

		if (p->shed != NULL)
			continue;
		ws_replay(p->name, NAN, frames, recs, N, &r);
		ck_assert_msg(r.st.space_time == want, "%s: space_time %llu, want %llu", p->name,
			      (unsigned long long)r.st.space_time, (unsigned long long)want);
	}
}
END_TEST

/* shed() is checked like evict(): a frame that holds nothing stops the
 * run with an error naming the policy. bad-shed is lru that asks for a
 * tick at every reference and then releases frame 1 (free with 1 page). */
static uint64_t bad_tick(void *state, uint64_t now)
{
	(void)state;
	return now + 1;
}

static uint32_t bad_shed(void *state, uint64_t now)
{
	(void)state;
	return now == 1 ? 1 : POLICY_NO_FRAME;
}

START_TEST(test_bad_shed)
{
	struct policy bad = *policy_find("lru");
	struct trace_rec recs[] = { sim_ref('R', 5), sim_ref('R', 6) };
	struct ps_error err = { "" };
	struct sim *s;

	bad.name = "bad-shed";
	bad.tick = bad_tick;
	bad.shed = bad_shed;
	s = sim_open_policy(&bad, NULL, 4, 16, NULL, NULL);
	ck_assert_int_eq(sim_feed(s, recs, 2, &err), -1);
	ck_assert_str_eq(err.msg, "policy bad-shed chose frame 1 to release, which holds no page it may evict "
				  "(a bug in the policy)");
	sim_destroy(s);
}
END_TEST

Suite *make_policies_ws_suite(void)
{
	const TTest *const tests[] = {
		test_ostep_by_hand, test_ws_dirty_release, test_pff_by_hand,     test_nfu_by_hand,
		test_ws_vmin_relations, test_frames_bound, test_fixed_space_time, test_bad_shed,
	};
	Suite *s = suite_create("policies-ws");

	SUITE_ADD_TESTS(s, "ws-family", 120, tests);
	return s;
}
