/* check_pagetable.c - radix shapes and walks of the per-process page table. */
#include "config.h"

#include <check.h>

#include "check_suites.h"
#include "machine/pagetable.h"

START_TEST(shape_x86_32_is_10_10_12)
{
	struct pt_shape s;

	ck_assert(pt_shape_init(&s, 32, 12));
	ck_assert_uint_eq(s.levels, 2);
	ck_assert_uint_eq(s.bits[0], 10);
	ck_assert_uint_eq(s.bits[1], 10);
	ck_assert_uint_eq(s.shift[0], 10);
	ck_assert_uint_eq(s.shift[1], 0);
	ck_assert_uint_eq(s.vpn_bits, 20);
}
END_TEST

START_TEST(shape_x86_64_is_9_9_9_9_12)
{
	struct pt_shape s;

	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert_uint_eq(s.levels, 4);
	for (unsigned l = 0; l < 4; l++) {
		ck_assert_uint_eq(s.bits[l], 9);
		ck_assert_uint_eq(s.shift[l], 27 - 9 * l);
	}
}
END_TEST

START_TEST(shape_other_page_sizes_put_the_rest_in_the_root)
{
	struct pt_shape s;

	/* 64 KiB pages, 8-byte PTEs: 13 bits a table; 32 vpn bits = 6 + 13 + 13. */
	ck_assert(pt_shape_init(&s, 48, 16));
	ck_assert_uint_eq(s.levels, 3);
	ck_assert_uint_eq(s.bits[0], 6);
	ck_assert_uint_eq(s.bits[1], 13);
	ck_assert_uint_eq(s.bits[2], 13);
	/* 2 MiB pages on 32 bits: 11 vpn bits fit one table. */
	ck_assert(pt_shape_init(&s, 32, 21));
	ck_assert_uint_eq(s.levels, 1);
	ck_assert_uint_eq(s.bits[0], 11);
	ck_assert(!pt_shape_init(&s, 40, 12));
	ck_assert(!pt_shape_init(&s, 32, 4));
}
END_TEST

START_TEST(walk_allocates_one_table_per_level_on_demand)
{
	struct pt_shape s;
	struct pagetable pt;
	pte_t *a, *b;

	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert(pt_init(&pt, &s));
	ck_assert_uint_eq(pt.tables, 1);
	ck_assert_ptr_null(pt_walk(&pt, 5, false));
	a = pt_walk(&pt, 5, true);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(pt.tables, 4);
	ck_assert_uint_eq(*a, 0);
	*a = PTE_MAKE(7, PTE_P);
	ck_assert_ptr_eq(pt_walk(&pt, 5, false), a);
	ck_assert_uint_eq(PTE_NUM(*pt_walk(&pt, 5, false)), 7);
	/* The neighbour shares the leaf table. */
	b = pt_walk(&pt, 6, true);
	ck_assert_ptr_eq(b, a + 1);
	ck_assert_uint_eq(pt.tables, 4);
	/* A page 512 pages away needs a new leaf only; 2^27 away, three tables. */
	ck_assert_ptr_nonnull(pt_walk(&pt, 5 + 512, true));
	ck_assert_uint_eq(pt.tables, 5);
	ck_assert_ptr_nonnull(pt_walk(&pt, 5 + (1ULL << 27), true));
	ck_assert_uint_eq(pt.tables, 8);
	pt_destroy(&pt);
}
END_TEST

START_TEST(walk_two_level_directory_and_table)
{
	struct pt_shape s;
	struct pagetable pt;

	ck_assert(pt_shape_init(&s, 32, 12));
	ck_assert(pt_init(&pt, &s));
	/* 0x0804800: directory entry 0x20, table entry 0x48. */
	ck_assert_ptr_nonnull(pt_walk(&pt, 0x08048, true));
	ck_assert_uint_eq(pt.tables, 2);
	ck_assert_ptr_nonnull(pt_walk(&pt, 0x08049, true));
	ck_assert_uint_eq(pt.tables, 2);
	ck_assert_ptr_nonnull(pt_walk(&pt, 0xbfffe, true));
	ck_assert_uint_eq(pt.tables, 3);
	/* The last page of the 4 GiB space exists; the next does not. */
	ck_assert_ptr_nonnull(pt_walk(&pt, 0xfffff, true));
	ck_assert_ptr_null(pt_walk(&pt, 0x100000, true));
	pt_destroy(&pt);
}
END_TEST

START_TEST(lookup_cache_agrees_with_walk)
{
	struct pt_shape s;
	struct pagetable pt;
	const uint64_t pages[] = { 0, 1, 511, 512, 1, 1ULL << 30, (1ULL << 36) - 1, 0, 513 };

	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert(pt_init(&pt, &s));
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		pte_t *p = pt_lookup(&pt, pages[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_eq(p, pt_walk(&pt, pages[i], false));
	}
	ck_assert_ptr_null(pt_lookup(&pt, 1ULL << 36));
	pt_destroy(&pt);
}
END_TEST

Suite *make_pagetable_suite(void)
{
	const TTest *const tc_tests[] = {
		shape_x86_32_is_10_10_12, shape_x86_64_is_9_9_9_9_12,
		shape_other_page_sizes_put_the_rest_in_the_root, walk_allocates_one_table_per_level_on_demand,
		walk_two_level_directory_and_table, lookup_cache_agrees_with_walk
	};
	Suite *s = suite_create("pagetable");

	SUITE_ADD_TESTS(s, "core", 0, tc_tests);
	return s;
}
