/*
 * check_mrc.c - one-pass miss-ratio curves (src/replay/mrc.c): stack distances
 * derived by hand on the textbook string, OPT's write-backs by hand, every
 * counter equal to the simulator's at every memory size on random
 * multi-process workloads (OPT also with its stack cut short), sampling at
 * rate 1 equal to exact, and a bound on the sampling error.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "sim_helpers.h"
#include "replay/future.h"
#include "trace/gen.h"
#include "replay/mrc.h"
#include "policies/registry.h"
#include "util/rng.h"
#include "machine/sim.h"
#include "trace/trace_event.h"

#define SHIFT 12

/* A reference string as records: page p of process 1, read or write. */
static struct trace_rec *string_recs(const unsigned *pages, const char *ops, size_t n)
{
	struct trace_rec *recs = calloc(n, sizeof *recs);

	ck_assert_ptr_nonnull(recs);
	for (size_t i = 0; i < n; i++)
		recs[i] = sim_ref(ops != NULL && ops[i] == 'W' ? 'W' : 'R', pages[i]);
	return recs;
}

/* The look-ahead of recs (future.h), for OPT. */
static struct future make_future(const struct trace_rec *recs, size_t n, bool span)
{
	struct future_builder *b = future_begin(SHIFT, span);
	struct future f = { NULL, 0 };
	struct ps_error err = { "" };

	ck_assert_ptr_nonnull(b);
	ck_assert_msg(future_add(b, recs, n, &err) == 0, "future_add: %s", err.msg);
	future_finish(b, &f);
	return f;
}

/* The curve of recs for policy (with rate, 0 = exact; up to max_frames,
 * 0 = all), finished. */
static struct mrc *make_curve_upto(enum mrc_policy policy, const struct trace_rec *recs, size_t n, bool span,
				   unsigned va_bits, double rate, const struct future *f, uint32_t max_frames)
{
	struct ps_error err = { "" };
	struct mrc *m = mrc_create(&(struct mrc_config){
		.policy = policy, .page_shift = SHIFT, .va_bits = va_bits, .span_pages = span,
		.sample_rate = rate, .future = f ? f->next_use : NULL, .future_len = f ? f->len : 0,
		.max_frames = max_frames,
	}, &err);

	ck_assert_msg(m != NULL, "mrc_create: %s", err.msg);
	/* In uneven batches, as passes deliver them. */
	for (size_t i = 0; i < n; i += 7)
		ck_assert_msg(mrc_feed(m, recs + i, n - i < 7 ? n - i : 7, &err) == 0, "mrc_feed: %s", err.msg);
	ck_assert_msg(mrc_finish(m, &err) == 0, "mrc_finish: %s", err.msg);
	return m;
}

/* The curve of recs for policy at every size. */
static struct mrc *make_curve(enum mrc_policy policy, const struct trace_rec *recs, size_t n, bool span,
			      unsigned va_bits, double rate, const struct future *f)
{
	return make_curve_upto(policy, recs, n, span, va_bits, rate, f, 0);
}

/* The simulator's counters for recs with policy name at frames. */
static struct sim_stats replay(const char *name, uint32_t frames, const struct trace_rec *recs, size_t n,
			       bool span, const struct future *f)
{
	struct sim_config cfg = {
		.policy = policy_find(name), .frames = frames, .page_shift = SHIFT, .va_bits = 48,
		.swap_slots = 1 << 20, .seed = 1, .span_pages = span,
		.future = f ? f->next_use : NULL, .future_len = f ? f->len : 0,
	};

	return sim_replay(&cfg, recs, n);
}

/* ---- known answers, by hand ---- */

/* Silberschatz et al.'s string. Its LRU stack distances, by hand
 * (- = first touch):
 *   7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1
 *   - - - - 3 - 2 - 4 4 4 2 3 5 2 4 3 6 3 3
 * 6 first touches; distances 2: 3 times, 3: 5, 4: 4, 5: 1, 6: 1. So LRU
 * faults = 6 + #{d > C}: 20 17 12 8 7 6 6 for C = 1..7.
 * OPT by hand (Belady's rule, evicting the page used farthest ahead):
 *   C=1 every reference (no page repeats at once): 20
 *   C=2 faults at t = 1 2 3 4 6 8 9 11 13 14 16 18 20: 13
 *   C=3 the textbook 9
 *   C=4 the 4 first touches, then 3 (evicts 7), 4 (evicts 1), 1, 7: 8
 *   C=5 the 6 first touches (3 takes the 5th frame) and 7 again: 7
 *   C>=6 only first touches: 6 */
static const unsigned silberschatz[] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1 };

START_TEST(silberschatz_lru_and_opt)
{
	static const uint64_t lru[] = { 20, 17, 12, 8, 7, 6, 6 };
	static const uint64_t opt[] = { 20, 13, 9, 8, 7, 6, 6 };
	size_t n = ARRAY_LEN(silberschatz);
	struct trace_rec *recs = string_recs(silberschatz, NULL, n);
	struct future f = make_future(recs, n, true);
	struct mrc *ml = make_curve(MRC_LRU, recs, n, true, 48, 0, NULL);
	struct mrc *mo = make_curve(MRC_OPT, recs, n, true, 48, 0, &f);
	struct sim_stats st;

	for (uint32_t c = 1; c <= 7; c++) {
		mrc_get(ml, c, &st);
		ck_assert_msg(st.faults == lru[c - 1], "lru %u frames: %llu faults", c, (unsigned long long)st.faults);
		ck_assert_uint_eq(st.evictions, st.faults - (c < st.faults ? c : st.faults));
		ck_assert_uint_eq(st.distinct_pages, 6);
		ck_assert_uint_eq(st.refs, 20);
		mrc_get(mo, c, &st);
		ck_assert_msg(st.faults == opt[c - 1], "opt %u frames: %llu faults", c, (unsigned long long)st.faults);
	}
	mrc_destroy(ml);
	mrc_destroy(mo);
	future_free(&f);
	free(recs);
}
END_TEST

START_TEST(dirty_and_swap_by_hand)
{
	/* W1 R2 R1 R2 W1 R3 R1. One frame, LRU:
	 *   W1 zero-fill (dirty)   R2 evict 1 dirty: write; zero-fill 2
	 *   R1 evict 2 clean, dropped; read 1 from swap (clean now)
	 *   R2 evict 1 clean with a slot: no I/O; zero-fill 2 again
	 *   W1 evict 2 (dropped); read 1 (dirty)   R3 evict 1 dirty: rewrite its slot
	 *   R1 evict 3 (dropped); read 1
	 * faults 7, evictions 6, dirty 2, swap reads 3, zero fills 4.
	 * Two frames: W1 R2 fault; R1 R2 W1 hit; R3 evicts 2 (clean, dropped);
	 * R1 hits: faults 3, evictions 1, dirty 0, swap reads 0. */
	static const unsigned pages[] = { 1, 2, 1, 2, 1, 3, 1 };
	struct trace_rec *recs = string_recs(pages, "WRRRWRR", 7);
	struct mrc *m = make_curve(MRC_LRU, recs, 7, true, 48, 0, NULL);
	struct sim_stats st;

	mrc_get(m, 1, &st);
	ck_assert_uint_eq(st.faults, 7);
	ck_assert_uint_eq(st.evictions, 6);
	ck_assert_uint_eq(st.dirty_evictions, 2);
	ck_assert_uint_eq(st.swap_writes, 2);
	ck_assert_uint_eq(st.swap_reads, 3);
	ck_assert_uint_eq(st.zero_fills, 4);
	ck_assert_uint_eq(st.writes, 2);
	mrc_get(m, 2, &st);
	ck_assert_uint_eq(st.faults, 3);
	ck_assert_uint_eq(st.evictions, 1);
	ck_assert_uint_eq(st.dirty_evictions, 0);
	ck_assert_uint_eq(st.swap_reads, 0);
	mrc_get(m, 3, &st);
	ck_assert_uint_eq(st.faults, 3);
	ck_assert_uint_eq(st.evictions, 0);
	mrc_destroy(m);
	free(recs);
}
END_TEST

/* OPT's order among pages never used again, least recently referenced
 * first, decides which write-backs happen: the curve must follow it. */
START_TEST(opt_dirty_by_hand)
{
	/* W1 R2 W1 R3, every page then never used again.
	 * One frame: W1 zero-fill; R2 evicts 1 dirty (write); W1 evicts 2
	 *   (clean, dropped), reads 1 from swap; R3 evicts 1 dirty (rewrite):
	 *   faults 4, evictions 3, dirty 2, swap reads 1.
	 * Two frames: W1 R2 fault, W1 hits; R3 faults with 1 (last at t2)
	 *   and 2 (t1) resident: 2 goes, clean: faults 3, evictions 1, dirty 0.
	 *   (Lowest frame first would evict 1, dirty.)
	 * Three frames: faults 3, no eviction. */
	static const unsigned pages[] = { 1, 2, 1, 3 };
	static const uint64_t faults[] = { 4, 3, 3 }, evictions[] = { 3, 1, 0 }, dirty[] = { 2, 0, 0 },
			      swap_reads[] = { 1, 0, 0 };
	struct trace_rec *recs = string_recs(pages, "WRWR", 4);
	struct future f = make_future(recs, 4, true);
	struct mrc *m = make_curve(MRC_OPT, recs, 4, true, 48, 0, &f);

	for (uint32_t c = 1; c <= 3; c++) {
		struct sim_stats got[2];

		mrc_get(m, c, &got[0]);
		got[1] = replay("opt", c, recs, 4, true, &f);
		for (int i = 0; i < 2; i++) {
			const char *who = i == 0 ? "curve" : "replay";

			ck_assert_msg(got[i].faults == faults[c - 1], "%s, %u frames: faults", who, c);
			ck_assert_msg(got[i].evictions == evictions[c - 1], "%s, %u frames: evictions", who, c);
			ck_assert_msg(got[i].dirty_evictions == dirty[c - 1], "%s, %u frames: dirty", who, c);
			ck_assert_msg(got[i].swap_writes == dirty[c - 1], "%s, %u frames: swap writes", who, c);
			ck_assert_msg(got[i].swap_reads == swap_reads[c - 1], "%s, %u frames: swap reads", who, c);
		}
	}
	mrc_destroy(m);
	future_free(&f);
	free(recs);
}
END_TEST

START_TEST(empty_trace)
{
	struct future f = { NULL, 0 };
	struct mrc *ml = make_curve(MRC_LRU, NULL, 0, true, 48, 0, NULL);
	struct mrc *ms = make_curve(MRC_LRU, NULL, 0, true, 48, 0.5, NULL);
	struct future_builder *b = future_begin(SHIFT, true);
	struct mrc *mo;
	struct sim_stats st;

	future_finish(b, &f);
	mo = make_curve(MRC_OPT, NULL, 0, true, 48, 0, &f);
	mrc_get(ml, 1, &st);
	ck_assert(st.refs == 0 && st.faults == 0 && st.distinct_pages == 0 && st.evictions == 0);
	mrc_get(ms, 8, &st);
	ck_assert(st.refs == 0 && st.faults == 0);
	mrc_get(mo, 1, &st);
	ck_assert(st.refs == 0 && st.faults == 0);
	mrc_destroy(ml);
	mrc_destroy(ms);
	mrc_destroy(mo);
	future_free(&f);
}
END_TEST

/* ---- equal to the simulator ---- */

/* A random workload of n accesses by 3 processes: pages from a window
 * that drifts (so there are hits at every depth), sizes up to 3 pages (so
 * accesses span pages), reads, writes and fetches. */
static struct trace_rec *random_recs(uint64_t seed, size_t n, uint64_t pages)
{
	struct trace_rec *recs = calloc(n, sizeof *recs);
	struct rng r;

	ck_assert_ptr_nonnull(recs);
	rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++) {
		uint64_t base = (i * pages) / (4 * n);
		uint64_t page = base + rng_below(&r, rng_below(&r, 4) == 0 ? pages : pages / 4 + 1);
		uint32_t pid = 1 + (uint32_t)rng_below(&r, 3);

		recs[i] = (struct trace_rec){
			.addr = ((page + 16) << SHIFT) + rng_below(&r, 1 << SHIFT),
			.pid = pid == 3 ? 1000000 : pid,
			.size = (uint16_t)(rng_below(&r, 5) == 0 ? 1 + rng_below(&r, 9000) : 1 + rng_below(&r, 8)),
			.op = (uint8_t)rng_below(&r, 3),
		};
	}
	return recs;
}

/* Compare every counter of m at frames with the simulator's. */
static void expect_same(const char *what, const struct mrc *m, const struct sim_stats *want, uint32_t frames)
{
	struct sim_stats got;

	mrc_get(m, frames, &got);
#define SAME(field)                                                                                       \
	QUIET_ASSERT_MSG(got.field == want->field, "%s, %u frames: " #field " %llu, the simulator %llu", what, \
			 frames, (unsigned long long)got.field, (unsigned long long)want->field)
	SAME(refs);
	SAME(reads);
	SAME(writes);
	SAME(fetches);
	SAME(distinct_pages);
	SAME(faults);
	SAME(hits);
	SAME(evictions);
	SAME(swap_reads);
	SAME(zero_fills);
	SAME(dirty_evictions);
	SAME(swap_writes);
#undef SAME
}

/* Every frame count from 1 to past the distinct pages, both policies;
 * OPT also with its stack cut at a third of the pages and at 1. */
static void check_workload(const char *what, const struct trace_rec *recs, size_t n, bool span)
{
	struct future f = make_future(recs, n, span);
	struct mrc *ml = make_curve(MRC_LRU, recs, n, span, 48, 0, NULL);
	struct mrc *mo = make_curve(MRC_OPT, recs, n, span, 48, 0, &f);
	uint32_t top = (uint32_t)mrc_distinct(ml) + 2, cut = top / 3;
	struct mrc *mcut = make_curve_upto(MRC_OPT, recs, n, span, 48, 0, &f, cut);
	struct mrc *mone = make_curve_upto(MRC_OPT, recs, n, span, 48, 0, &f, 1);

	ck_assert_uint_eq(mrc_distinct(ml), mrc_distinct(mo));
	for (uint32_t c = 1; c <= top; c++) {
		struct sim_stats lru = replay("lru", c, recs, n, span, NULL);
		struct sim_stats opt = replay("opt", c, recs, n, span, &f);

		expect_same(what, ml, &lru, c);
		expect_same(what, mo, &opt, c);
		if (c <= cut)
			expect_same(what, mcut, &opt, c);
		if (c == 1)
			expect_same(what, mone, &opt, c);
	}
	mrc_destroy(ml);
	mrc_destroy(mo);
	mrc_destroy(mcut);
	mrc_destroy(mone);
	future_free(&f);
}

START_TEST(equals_simulator_on_random_workloads)
{
	/* 6000 accesses: the LRU marks (4096 times at first) are
	 * renumbered on the way. */
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct trace_rec *recs = random_recs(seed, 6000, 40);

		check_workload(seed == 1 ? "seed 1" : seed == 2 ? "seed 2" : "seed 3", recs, 6000, seed != 2);
		free(recs);
	}
}
END_TEST

START_TEST(equals_simulator_with_many_pages)
{
	/* 5000 distinct pages: the marks grow; checked at some sizes. */
	static const uint32_t frames[] = { 1, 2, 3, 7, 64, 500, 1024, 2047, 2048, 2049, 4000, 8192 };
	const size_t n = 60000;
	struct trace_rec *recs = random_recs(7, n, 10000);
	struct future f = make_future(recs, n, true);
	struct mrc *ml = make_curve(MRC_LRU, recs, n, true, 48, 0, NULL);
	struct mrc *mo = make_curve(MRC_OPT, recs, n, true, 48, 0, &f);

	ck_assert_uint_gt(mrc_distinct(ml), 4096);
	for (size_t i = 0; i < ARRAY_LEN(frames); i++) {
		struct sim_stats lru = replay("lru", frames[i], recs, n, true, NULL);
		struct sim_stats opt = replay("opt", frames[i], recs, n, true, &f);

		expect_same("many pages", ml, &lru, frames[i]);
		expect_same("many pages", mo, &opt, frames[i]);
	}
	mrc_destroy(ml);
	mrc_destroy(mo);
	future_free(&f);
	free(recs);
}
END_TEST

START_TEST(rate_one_is_exact)
{
	const size_t n = 6000;
	struct trace_rec *recs = random_recs(11, n, 60);
	struct mrc *exact = make_curve(MRC_LRU, recs, n, true, 48, 0, NULL);
	struct mrc *rate1 = make_curve(MRC_LRU, recs, n, true, 48, 1.0, NULL);

	ck_assert(mrc_sample_rate(rate1) == 1.0);
	for (uint32_t c = 1; c <= 100; c++) {
		struct sim_stats want;

		mrc_get(exact, c, &want);
		expect_same("rate 1", rate1, &want, c);
	}
	mrc_destroy(exact);
	mrc_destroy(rate1);
	free(recs);
}
END_TEST

/* ---- sampling ---- */

START_TEST(sampling_error_is_bounded)
{
	/* A locality workload (working sets of 2500 pages moving over 40000)
	 * of 400,000 references: at rate 0.1 the fault-rate curve over 1..65536
	 * frames (powers of two) is within 0.01 of the exact one on average
	 * (measured: 0.0030, the worst point 0.0058), and the distinct pages
	 * within 5% (measured: 0.5%). */
	struct gen_params p;
	struct ps_error err = { "" };
	struct trace_rec *recs;
	struct gen *g;
	struct mrc *exact, *sampled;
	size_t n = 0;
	uint64_t page;
	bool write;
	double sum = 0, worst = 0;
	int points = 0;

	gen_params_init(&p, GEN_PHASES);
	p.pages = 40000;
	p.refs = 400000;
	p.set_size = 2500;
	p.write_ratio = 0.2;
	p.seed = 3;
	p.page_shift = SHIFT;
	g = gen_create(&p, &err);
	ck_assert_msg(g != NULL, "gen_create: %s", err.msg);
	recs = calloc(p.refs, sizeof *recs);
	ck_assert_ptr_nonnull(recs);
	while (gen_next(g, &page, &write))
		recs[n++] = (struct trace_rec){ .addr = gen_addr(g, page), .pid = 1, .size = 4,
						.op = write ? OP_WRITE : OP_READ };
	gen_free(g);
	exact = make_curve(MRC_LRU, recs, n, true, 48, 0, NULL);
	sampled = make_curve(MRC_LRU, recs, n, true, 48, 0.1, NULL);
	for (uint32_t c = 1; c <= 65536; c *= 2) {
		struct sim_stats a, b;
		double diff;

		mrc_get(exact, c, &a);
		mrc_get(sampled, c, &b);
		ck_assert_uint_eq(b.refs, a.refs);
		ck_assert_uint_le(b.faults, b.refs);
		ck_assert_uint_le(b.dirty_evictions, b.evictions);
		ck_assert_uint_le(b.swap_reads, b.faults);
		diff = fabs((double)a.faults / a.refs - (double)b.faults / b.refs);
		sum += diff;
		worst = diff > worst ? diff : worst;
		points++;
	}
	ck_assert_msg(sum / points < 0.01, "mean absolute error %.4f (worst %.4f)", sum / points, worst);
	ck_assert(fabs((double)mrc_distinct(sampled) / mrc_distinct(exact) - 1) < 0.05);
	mrc_destroy(exact);
	mrc_destroy(sampled);
	free(recs);
}
END_TEST

/* ---- errors ---- */

START_TEST(bad_configurations_are_refused)
{
	struct ps_error err = { "" };
	uint64_t next = POLICY_NEVER;

	struct mrc *online;

	/* The walk (a largest size of 1..1024) looks ahead; the critical stack
	 * (no limit, or a larger one) does not. */
	ck_assert_ptr_null(mrc_create(&(struct mrc_config){ .policy = MRC_OPT, .page_shift = SHIFT, .va_bits = 48,
							   .max_frames = 1024 },
				      &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "look ahead"));
	online = mrc_create(&(struct mrc_config){ .policy = MRC_OPT, .page_shift = SHIFT, .va_bits = 48,
						  .max_frames = 1025 },
			    &err);
	ck_assert_ptr_nonnull(online);
	mrc_destroy(online);
	ck_assert_ptr_null(mrc_create(&(struct mrc_config){ .policy = MRC_OPT, .page_shift = SHIFT, .va_bits = 48,
							   .sample_rate = 0.5, .future = &next, .future_len = 1 },
				      &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "LRU"));
	ck_assert_ptr_null(mrc_create(&(struct mrc_config){ .policy = MRC_LRU, .page_shift = SHIFT, .va_bits = 48,
							   .sample_rate = 1.5 },
				      &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "sampling rate"));
	ck_assert_ptr_null(mrc_create(&(struct mrc_config){ .policy = MRC_LRU, .page_shift = 40, .va_bits = 32 },
				      &err));
}
END_TEST

START_TEST(past_the_address_space_as_the_simulator)
{
	/* A 32-bit address space: an access in its last page that runs past
	 * the end fails with the simulator's message; so does a look-ahead
	 * shorter than the trace. */
	struct trace_rec recs[] = {
		{ .addr = 0x1000, .pid = 1, .size = 4, .op = OP_READ },
		{ .addr = 0xfffffff0, .pid = 1, .size = 64, .op = OP_READ },
	};
	struct sim_config cfg = { .policy = policy_find("lru"), .frames = 4, .page_shift = SHIFT, .va_bits = 32,
				  .swap_slots = 16, .span_pages = true };
	struct ps_error serr = { "" }, merr = { "" };
	struct sim *s = sim_create(&cfg, &serr);
	struct mrc *m = mrc_create(&(struct mrc_config){ .policy = MRC_LRU, .page_shift = SHIFT, .va_bits = 32,
							 .span_pages = true }, &merr);
	uint64_t next[1] = { POLICY_NEVER };

	ck_assert(s != NULL && m != NULL);
	ck_assert_int_eq(sim_feed(s, recs, 2, &serr), -1);
	ck_assert_int_eq(mrc_feed(m, recs, 2, &merr), -1);
	ck_assert_str_eq(merr.msg, serr.msg);
	ck_assert_int_eq(mrc_feed(m, recs, 1, &merr), -1); /* sticky */
	ck_assert_int_eq(mrc_finish(m, &merr), -1);
	sim_destroy(s);
	mrc_destroy(m);

	m = mrc_create(&(struct mrc_config){ .policy = MRC_OPT, .page_shift = SHIFT, .va_bits = 48,
					      .future = next, .future_len = 1, .max_frames = 4 }, &merr);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(mrc_feed(m, recs, 2, &merr), -1);
	ck_assert_ptr_nonnull(strstr(merr.msg, "look-ahead covers 1 references"));
	mrc_destroy(m);
}
END_TEST

START_TEST(events_are_refused)
{
	/* The curves model anonymous memory: an event fails the curve, naming
	 * where it was read when the batch knows; the look-ahead skips it. */
	struct trace_events *t = trace_events_create("t.trace", false);
	const struct trace_event fork_ev = { .kind = EV_FORK, .pid = 1, .child = 2, .line = 3 };
	uint64_t index = trace_events_add(t, &fork_ev);
	const struct trace_rec recs[] = {
		{ .addr = 0x1000, .pid = 1, .size = 4, .op = OP_READ },
		{ .addr = index, .pid = 1, .size = 0, .op = OP_EVENT, .flags = EV_FORK },
		{ .addr = 0x2000, .pid = 2, .size = 4, .op = OP_WRITE },
	};
	const uint64_t lines[] = { 2, 3, 5 };
	const char *want = "t.trace:3: the one-pass curves model anonymous memory only; this trace has a 'fork' event"
			   " (use pagesim run)";
	struct trace_batch b = { .recs = recs, .lines = lines, .events = t, .n = 3 };
	struct mrc_config cfg = { .policy = MRC_LRU, .page_shift = SHIFT, .va_bits = 48, .span_pages = true };
	struct ps_error err = { "" };
	struct future_builder *fb = future_begin(SHIFT, true);
	struct future fut;
	struct mrc *m;

	m = mrc_create(&cfg, &err);
	ck_assert_int_eq(mrc_feed_batch(m, &b, &err), -1);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(mrc_feed(m, recs, 1, &err), -1); /* sticky */
	ck_assert_str_eq(err.msg, want);
	mrc_destroy(m);

	m = mrc_create(&cfg, &err);
	ck_assert_int_eq(mrc_feed(m, recs, 3, &err), -1);
	ck_assert_str_eq(err.msg, want + strlen("t.trace:3: "));
	mrc_destroy(m);

	ck_assert_int_eq(mrc_refuse_events(&b, &err), -1);
	ck_assert_str_eq(err.msg, want);
	b.n = 1;
	ck_assert_int_eq(mrc_refuse_events(&b, &err), 0);
	m = mrc_create(&cfg, &err);
	ck_assert_int_eq(mrc_feed_batch(m, &b, &err), 0);
	mrc_destroy(m);

	/* The look-ahead counts the two accesses only. */
	ck_assert_int_eq(future_add(fb, recs, 3, &err), 0);
	future_finish(fb, &fut);
	ck_assert_uint_eq(fut.len, 2);
	future_free(&fut);
	trace_events_destroy(t);
}
END_TEST

Suite *make_mrc_suite(void)
{
	const TTest *const known[] = {
		silberschatz_lru_and_opt, dirty_and_swap_by_hand, opt_dirty_by_hand, empty_trace,
		bad_configurations_are_refused, past_the_address_space_as_the_simulator, events_are_refused
	};
	const TTest *const versus[] = {
		equals_simulator_on_random_workloads, equals_simulator_with_many_pages, rate_one_is_exact,
		sampling_error_is_bounded
	};
	Suite *s = suite_create("mrc");

	SUITE_ADD_TESTS(s, "known-answers", 0, known);
	SUITE_ADD_TESTS(s, "versus-simulator", 120, versus);
	return s;
}
