/*
 * check_stats.c - the machine's counters as one block: sim_stats_add and
 * sim_stats_sub cover every counter of struct sim_stats, and the
 * per-segment breakdown adds up to the machine's totals.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "machine/sim.h"
#include "policies/registry.h"

/* The counters as the words they are (sim.h asserts the layout). */
static void stats_words(const struct sim_stats *st, uint64_t w[SIM_STATS_N])
{
	memcpy(w, st, sizeof *st);
}

/* A block whose counter k holds base + k * step (distinct values). */
static struct sim_stats stats_distinct(uint64_t base, uint64_t step)
{
	uint64_t w[SIM_STATS_N];
	struct sim_stats st;

	for (size_t k = 0; k < SIM_STATS_N; k++)
		w[k] = base + k * step;
	memcpy(&st, w, sizeof st);
	return st;
}

START_TEST(add_then_sub_is_identity)
{
	struct sim_stats a = stats_distinct(1000003, 7919), b = stats_distinct(17, 104729), c = b;
	uint64_t wa[SIM_STATS_N], wb[SIM_STATS_N], wc[SIM_STATS_N];

	stats_words(&a, wa);
	stats_words(&b, wb);
	sim_stats_add(&c, &a);
	stats_words(&c, wc);
	for (size_t k = 0; k < SIM_STATS_N; k++)
		ck_assert_msg(wc[k] == wa[k] + wb[k], "counter %zu not added", k);
	sim_stats_sub(&c, &a);
	ck_assert(memcmp(&c, &b, sizeof c) == 0);
	sim_stats_sub(&c, &b);
	ck_assert(memcmp(&c, &(struct sim_stats){ 0 }, sizeof c) == 0);
}
END_TEST

START_TEST(every_counter_participates_alone)
{
	/* One counter set at a time: add and sub change that one only. */
	for (size_t k = 0; k < SIM_STATS_N; k++) {
		uint64_t w[SIM_STATS_N] = { 0 }, got[SIM_STATS_N];
		struct sim_stats one, acc = { 0 };

		w[k] = 100 + k;
		memcpy(&one, w, sizeof one);
		sim_stats_add(&acc, &one);
		sim_stats_add(&acc, &one);
		stats_words(&acc, got);
		for (size_t j = 0; j < SIM_STATS_N; j++)
			ck_assert_msg(got[j] == (j == k ? 2 * (100 + k) : 0), "add of counter %zu changed %zu", k, j);
		sim_stats_sub(&acc, &one);
		stats_words(&acc, got);
		for (size_t j = 0; j < SIM_STATS_N; j++)
			ck_assert_msg(got[j] == (j == k ? 100 + k : 0), "sub of counter %zu changed %zu", k, j);
	}
}
END_TEST

START_TEST(list_names_every_field_by_its_place)
{
	/* The X-macro list against the fields, by name: counter k of the
	 * list is word k of the block. */
	const struct sim_stats st = stats_distinct(5, 3);
	size_t seen = 0;

#define CHECK_FIELD(field)                                                        \
	ck_assert_msg(st.field == 5 + 3 * (uint64_t)SIM_STAT_##field, "%s", #field); \
	seen++;
	SIM_STATS_COUNTERS(CHECK_FIELD)
#undef CHECK_FIELD
	ck_assert_uint_eq(seen, SIM_STATS_N);
}
END_TEST

/* Replay recs with by_segment (and strict if asked) and check that the
 * per-segment counters add up to the machine's, counter by counter. */
static void check_segments_add_up(bool strict)
{
	struct trace_rec recs[96];
	struct sim_config cfg = {
		.policy = policy_find("fifo"), .frames = 3, .page_shift = 12, .va_bits = 48,
		.swap_slots = 1 << 20, .seed = 1, .span_pages = true,
		.vm = { .by_segment = true, .strict = strict },
	};
	struct ps_error err = { "" };
	struct sim_stats st, sum = { 0 };
	const struct sim_segment_stats *segs;
	struct sim *s;
	size_t n;

	for (size_t i = 0; i < 96; i++)
		recs[i] = (struct trace_rec){ .addr = ((i * 7) % 11) << 12, .pid = 1 + (uint32_t)(i / 8 % 3),
					      .size = 1, .op = i % 3 == 0 ? OP_WRITE : OP_READ };
	s = sim_create(&cfg, &err);
	ck_assert_msg(s != NULL, "sim_create: %s", err.msg);
	ck_assert_msg(sim_feed(s, recs, 96, &err) == 0, "sim_feed: %s", err.msg);
	sim_get_stats(s, &st);
	segs = sim_segments(s, &n);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
#define SUM(field) sum.field += segs[i].field;
		SIM_SEGMENT_FAULT_COUNTERS(SUM)
#undef SUM
	}
#define SAME(field) ck_assert_msg(sum.field == st.field, "%s: segments %llu, machine %llu", #field, \
				  (unsigned long long)sum.field, (unsigned long long)st.field);
	SIM_SEGMENT_FAULT_COUNTERS(SAME)
#undef SAME
	ck_assert_uint_gt(strict ? st.segfaults : st.faults, 0);
	sim_destroy(s);
}

START_TEST(segments_add_up_to_the_machine)
{
	check_segments_add_up(false);
	check_segments_add_up(true);
}
END_TEST

Suite *make_stats_suite(void)
{
	const TTest *const tc_tests[] = {
		add_then_sub_is_identity, every_counter_participates_alone, list_names_every_field_by_its_place,
		segments_add_up_to_the_machine
	};
	Suite *s = suite_create("stats");

	SUITE_ADD_TESTS(s, "core", 0, tc_tests);
	return s;
}
