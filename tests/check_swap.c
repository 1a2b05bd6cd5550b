/* check_swap.c - the swap slot allocator: fill, free, reuse, full. */
#include "config.h"

#include <check.h>

#include "check_suites.h"
#include "machine/swap.h"

START_TEST(fills_lowest_first_then_reports_full)
{
	struct swap sw;
	uint64_t slot;

	swap_init(&sw, 100);
	for (uint64_t i = 0; i < 100; i++) {
		ck_assert(swap_alloc(&sw, &slot));
		ck_assert_uint_eq(slot, i);
	}
	ck_assert_uint_eq(sw.used, 100);
	ck_assert(!swap_alloc(&sw, &slot));
	ck_assert_uint_eq(sw.used, 100);
	swap_destroy(&sw);
}
END_TEST

START_TEST(freed_slots_are_reused_lowest_first)
{
	struct swap sw;
	uint64_t slot;

	swap_init(&sw, 200);
	for (uint64_t i = 0; i < 150; i++)
		ck_assert(swap_alloc(&sw, &slot));
	swap_free(&sw, 70);
	swap_free(&sw, 5);
	swap_free(&sw, 130);
	ck_assert(!swap_in_use(&sw, 5));
	ck_assert(swap_in_use(&sw, 6));
	ck_assert_uint_eq(sw.used, 147);
	ck_assert_uint_eq(sw.peak, 150);
	ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 5);
	ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 70);
	ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 130);
	ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 150);
	swap_destroy(&sw);
}
END_TEST

START_TEST(single_slot_device)
{
	struct swap sw;
	uint64_t slot;

	swap_init(&sw, 1);
	ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 0);
	ck_assert(!swap_alloc(&sw, &slot));
	swap_free(&sw, 0);
	ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 0);
	swap_destroy(&sw);
}
END_TEST

START_TEST(huge_device_costs_only_what_is_used)
{
	struct swap sw;
	uint64_t slot;

	swap_init(&sw, 1ULL << 40);
	for (int i = 0; i < 1000; i++)
		ck_assert(swap_alloc(&sw, &slot));
	ck_assert_uint_eq(slot, 999);
	ck_assert_uint_le(sw.words, 32);
	ck_assert(!swap_in_use(&sw, 1ULL << 39));
	swap_destroy(&sw);
}
END_TEST

Suite *make_swap_suite(void)
{
	const TTest *const tc_tests[] = {
		fills_lowest_first_then_reports_full, freed_slots_are_reused_lowest_first, single_slot_device,
		huge_device_costs_only_what_is_used
	};
	Suite *s = suite_create("swap");

	SUITE_ADD_TESTS(s, "core", 0, tc_tests);
	return s;
}
