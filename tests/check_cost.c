/*
 * check_cost.c - the cost model: presets, overrides in any order, value
 * parsing, and the formula on counts computed by hand.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <string.h>

#include "check_suites.h"
#include "machine/cost.h"

/* Doubles computed from exact binary fractions compare exactly; the rest
 * within a relative 1e-12. */
#define ck_assert_close(got, want) \
	ck_assert_msg(fabs((double)(got) - (double)(want)) <= 1e-12 * fabs((double)(want)), "%s = %.17g, expected %.17g", #got, \
		      (double)(got), (double)(want))

START_TEST(default_is_ssd_and_not_customised)
{
	struct cost_model m;

	cost_init(&m);
	ck_assert_int_eq(m.device, COST_SSD);
	ck_assert(!cost_customised(&m));
	ck_assert_close(m.value[COST_READ_US], 100);
	ck_assert_close(m.value[COST_WRITE_US], 150);
	ck_assert_close(m.value[COST_MEM_NS], 100);
	ck_assert_close(m.value[COST_TLB_MISS_NS], 20);
	ck_assert_close(m.value[COST_FAULT_US], 1);
	ck_assert_close(m.value[COST_ZERO_US], 0.5);
	ck_assert_close(m.value[COST_COPY_US], 1);
}
END_TEST

START_TEST(presets_differ_only_in_io)
{
	ck_assert_close(cost_preset(COST_HDD, COST_READ_US), 10000);
	ck_assert_close(cost_preset(COST_HDD, COST_WRITE_US), 10000);
	ck_assert_close(cost_preset(COST_NVME, COST_READ_US), 50);
	ck_assert_close(cost_preset(COST_NVME, COST_WRITE_US), 20);
	for (int p = COST_MEM_NS; p < COST_NPARAMS; p++) {
		ck_assert_close(cost_preset(COST_HDD, p), cost_preset(COST_SSD, p));
		ck_assert_close(cost_preset(COST_NVME, p), cost_preset(COST_SSD, p));
	}
}
END_TEST

START_TEST(overrides_win_in_any_order)
{
	struct cost_model a, b;

	/* --read-us 7 --device hdd and --device hdd --read-us 7 are the same. */
	cost_init(&a);
	cost_set(&a, COST_READ_US, 7);
	cost_set_device(&a, COST_HDD);
	cost_init(&b);
	cost_set_device(&b, COST_HDD);
	cost_set(&b, COST_READ_US, 7);
	for (int p = 0; p < COST_NPARAMS; p++)
		ck_assert_close(a.value[p], b.value[p]);
	ck_assert_close(a.value[COST_READ_US], 7);
	ck_assert_close(a.value[COST_WRITE_US], 10000);
	ck_assert(cost_customised(&a) && cost_customised(&b));
	/* An override alone customises the model; the device stays ssd. */
	cost_init(&a);
	cost_set(&a, COST_MEM_NS, 0);
	ck_assert(cost_customised(&a));
	ck_assert_int_eq(a.device, COST_SSD);
	ck_assert(!a.device_given);
}
END_TEST

START_TEST(names_and_values)
{
	enum cost_device d;
	enum cost_param p;
	double v;

	ck_assert(cost_device_parse("nvme", &d) && d == COST_NVME);
	ck_assert(!cost_device_parse("tape", &d));
	ck_assert(!cost_device_parse("SSD", &d));
	ck_assert_str_eq(cost_device_name(COST_HDD), "hdd");
	ck_assert(cost_param_find("tlb-miss-ns", &p) && p == COST_TLB_MISS_NS);
	ck_assert(!cost_param_find("tlb-miss", &p));
	for (int i = 0; i < COST_NPARAMS; i++)
		ck_assert(cost_param_find(cost_param_name(i), &p) && (int)p == i);
	ck_assert(cost_value_parse("0", &v) && v == 0);
	ck_assert(cost_value_parse("2.5", &v) && v == 2.5);
	ck_assert(cost_value_parse("1e9", &v) && v == 1e9);
	ck_assert(!cost_value_parse("1.5e9", &v));
	ck_assert(!cost_value_parse("-1", &v));
	ck_assert(!cost_value_parse("nan", &v));
	ck_assert(!cost_value_parse("inf", &v));
	ck_assert(!cost_value_parse("5us", &v));
	ck_assert(!cost_value_parse("", &v));
}
END_TEST

/* Every term of the formula once, on the default device:
 *   refs        1000 * 100 ns   =   100000 ns
 *   tlb misses    10 *  20 ns   =      200 ns
 *   faults        20 *   1 us   =    20000 ns
 *   zero fills     5 * 0.5 us   =     2500 ns
 *   cow copies     2 *   1 us   =     2000 ns
 *   reads      (3+4) * 100 us   =   700000 ns
 *   writes     (6+1) * 150 us   =  1050000 ns
 *   total                         1874700 ns = 1.8747 ms; EAT 1874.7 ns */
START_TEST(formula_by_hand)
{
	struct sim_stats st = {
		.refs = 1000, .tlb_misses = 10, .faults = 20, .zero_fills = 5, .cow_copies = 2,
		.file_reads = 3, .swap_reads = 4, .swap_writes = 6, .file_writes = 1,
		/* Counters the formula ignores. */
		.hits = 980, .minor_faults = 3, .cow_reuses = 1, .tlb_hits = 990, .evictions = 9,
		.dirty_evictions = 7, .file_writebacks = 1, .segfaults = 1, .ignored_refs = 50,
	};
	struct cost_model m;

	cost_init(&m);
	ck_assert_close(cost_time_ns(&m, &st), 1874700);
	ck_assert_close(cost_eat_ns(&m, &st), 1874.7);
	/* On a disk: reads and writes become 10 ms each:
	 * 100000 + 200 + 20000 + 2500 + 2000 + 14 * 10^7 = 140124700 ns. */
	cost_set_device(&m, COST_HDD);
	ck_assert_close(cost_time_ns(&m, &st), 140124700);
	/* Each parameter on its own: all zero but one. */
	for (int p = 0; p < COST_NPARAMS; p++)
		cost_set(&m, p, 0);
	cost_set(&m, COST_TLB_MISS_NS, 3);
	ck_assert_close(cost_time_ns(&m, &st), 30);
	cost_set(&m, COST_TLB_MISS_NS, 0);
	cost_set(&m, COST_COPY_US, 2);
	ck_assert_close(cost_time_ns(&m, &st), 4000);
}
END_TEST

/* belady.pages (12 references, all reads) under FIFO with 3 frames: 9
 * faults, all zero fills, 6 clean evictions: 12 * 100 + 9 * 1000 + 9 * 500
 * = 14700 ns; EAT 1225 ns. */
START_TEST(belady_fifo_3)
{
	struct sim_stats st = { .refs = 12, .reads = 12, .faults = 9, .zero_fills = 9, .hits = 3,
				.evictions = 6 };
	struct cost_model m;

	cost_init(&m);
	ck_assert_close(cost_time_ns(&m, &st), 14700);
	ck_assert_close(cost_eat_ns(&m, &st), 1225);
}
END_TEST

START_TEST(no_references_no_time)
{
	struct sim_stats st = { 0 };
	struct cost_model m;

	cost_init(&m);
	ck_assert_close(cost_time_ns(&m, &st), 0);
	ck_assert(cost_eat_ns(&m, &st) == 0);
	/* Events alone (a run of only segment records) cost nothing per reference. */
	st.file_writes = 2;
	ck_assert_close(cost_time_ns(&m, &st), 300000);
	ck_assert(cost_eat_ns(&m, &st) == 0);
}
END_TEST

START_TEST(describe_names_every_figure)
{
	struct cost_model m;
	char buf[512];

	cost_init(&m);
	cost_describe(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "device=ssd read_us=100 write_us=150 mem_ns=100 tlb_miss_ns=20 fault_us=1 "
			      "zero_us=0.5 copy_us=1");
	cost_set_device(&m, COST_NVME);
	cost_set(&m, COST_FAULT_US, 0.25);
	cost_describe(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "device=nvme read_us=50 write_us=20 mem_ns=100 tlb_miss_ns=20 fault_us=0.25 "
			      "zero_us=0.5 copy_us=1");
	/* A short buffer is cut, never overrun. */
	cost_describe(&m, buf, 8);
	ck_assert_str_eq(buf, "device=");
}
END_TEST

Suite *make_cost_suite(void)
{
	const TTest *const tc_tests[] = {
		default_is_ssd_and_not_customised, presets_differ_only_in_io, overrides_win_in_any_order,
		names_and_values, formula_by_hand, belady_fifo_3, no_references_no_time,
		describe_names_every_figure
	};
	Suite *s = suite_create("cost");

	SUITE_ADD_TESTS(s, "model", 0, tc_tests);
	return s;
}
