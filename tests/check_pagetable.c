/* check_pagetable.c - radix shapes and walks of the per-process page table. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

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
	ck_assert(pt_init(&pt, &s, NULL));
	ck_assert_uint_eq(pt.tables, 1);
	ck_assert_ptr_null(pt_walk(&pt, 5, false));
	a = pt_walk(&pt, 5, true);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(pt.tables, 4);
	ck_assert_uint_eq(*a, 0);
	*a = PTE_MAKE(7, PTE_P);
	ck_assert_ptr_eq(pt_walk(&pt, 5, false), a);
	ck_assert_uint_eq(PTE_NUM(*pt_walk(&pt, 5, false)), 7);
	/* The neighbour shares the leaf table (whose host copy may have moved
	 * page 5's PTE: it keeps its value). */
	b = pt_walk(&pt, 6, true);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(*b, 0);
	ck_assert_uint_eq(PTE_NUM(*pt_walk(&pt, 5, false)), 7);
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
	ck_assert(pt_init(&pt, &s, NULL));
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
	ck_assert(pt_init(&pt, &s, NULL));
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		pte_t *p = pt_lookup(&pt, pages[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_eq(p, pt_walk(&pt, pages[i], false));
	}
	ck_assert_ptr_null(pt_lookup(&pt, 1ULL << 36));
	pt_destroy(&pt);
}
END_TEST

/* ---- compact tables (pagetable.c's top) ---- */

/* A stand-in for the reverse map: where each tracked page's PTE is. */
struct tracked {
	uint64_t vpn[2048];
	pte_t *pte[2048];
	size_t n;
	uint64_t moves;
};

/* The mover: follow a tracked PTE to its new place. */
static void tracked_moved(void *ctx, pte_t *from, pte_t *to)
{
	struct tracked *t = ctx;

	ck_assert_uint_ne(*to, 0);
	for (size_t i = 0; i < t->n; i++) {
		if (t->pte[i] == from) {
			t->pte[i] = to;
			t->moves++;
			return;
		}
	}
	ck_abort_msg("a PTE nobody tracks moved");
}

/* Map page vpn (as frame number i + 1) and track its PTE. */
static void track(struct pagetable *pt, struct tracked *t, uint64_t vpn)
{
	pte_t *pte = pt_walk(pt, vpn, true);

	ck_assert_ptr_nonnull(pte);
	ck_assert_uint_eq(*pte, 0);
	*pte = PTE_MAKE(t->n + 1, PTE_P | PTE_USED);
	t->vpn[t->n] = vpn;
	t->pte[t->n++] = pte;
}

/* Every tracked pointer is where a walk finds the page, with its value. */
static void ck_tracked(struct pagetable *pt, const struct tracked *t)
{
	for (size_t i = 0; i < t->n; i++) {
		ck_assert_ptr_eq(pt_walk(pt, t->vpn[i], false), t->pte[i]);
		ck_assert_uint_eq(PTE_NUM(*t->pte[i]), i + 1);
	}
}

START_TEST(moved_ptes_are_reported_to_the_mover)
{
	static struct tracked t;
	struct pt_shape s;
	struct pagetable pt;
	struct pt_mover mover = { tracked_moved, &t, NULL };

	t.n = t.moves = 0;
	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert(pt_init(&pt, &s, &mover));
	/* One leaf filled in a scattered order (i * 37 mod 512 visits all 512):
	 * it grows to room for 1, 2, 4, 8 entries, then becomes full at the 9th. */
	for (uint64_t i = 0; i < 512; i++) {
		track(&pt, &t, (1ULL << 20) + (i * 37) % 512);
		ck_tracked(&pt, &t);
	}
	/* Copies at each growth: 1 + 2 + 4, then 8 at the change to full;
	 * none after. */
	ck_assert_uint_eq(t.moves, 7 + 8);
	ck_assert_uint_eq(pt.tables, 4);
	/* A full leaf's PTEs do not move, and pt_find finds them. */
	ck_assert_ptr_eq(pt_find(&pt, (1ULL << 20) + 5), pt_walk(&pt, (1ULL << 20) + 5, false));
	pt_destroy(&pt);
}
END_TEST

START_TEST(find_in_compact_leaves_until_they_move)
{
	struct pt_shape s;
	struct pagetable pt;
	bool moved = false;
	struct pt_mover mover = { NULL, NULL, &moved };
	pte_t *a, *b;

	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert(pt_init(&pt, &s, &mover));
	ck_assert_ptr_nonnull(pt_walk(&pt, 1000, true));
	/* Its leaf holds one entry: compact. pt_find finds it (cached or
	 * walked alike), and nothing that is not there. */
	a = pt_find(&pt, 1000);
	ck_assert_ptr_eq(a, pt_walk(&pt, 1000, false));
	ck_assert_ptr_eq(pt_find(&pt, 1000), a);
	ck_assert_ptr_null(pt_find(&pt, 1001));
	ck_assert_ptr_null(pt_find(&pt, 1ULL << 36));
	ck_assert(!moved);
	/* A second page in the leaf grows it: the leaf moves, the mover hears
	 * of it (its PTEs are 0, so fn would not), and pt_find and pt_lookup
	 * give the new places, never the old from a cache. */
	ck_assert_ptr_nonnull(pt_lookup(&pt, 1001));
	ck_assert(moved);
	a = pt_find(&pt, 1000);
	b = pt_lookup(&pt, 1001);
	ck_assert_ptr_eq(a, pt_walk(&pt, 1000, false));
	ck_assert_ptr_eq(b, pt_walk(&pt, 1001, false));
	ck_assert_ptr_ne(a, b);
	/* Filled past 8 pages the leaf becomes full: once more moved, and
	 * every page found where a walk finds it. */
	moved = false;
	for (uint64_t v = 1002; v < 1010; v++)
		ck_assert_ptr_nonnull(pt_lookup(&pt, v));
	ck_assert(moved);
	for (uint64_t v = 1000; v < 1010; v++) {
		ck_assert_ptr_eq(pt_find(&pt, v), pt_walk(&pt, v, false));
		ck_assert_ptr_eq(pt_lookup(&pt, v), pt_walk(&pt, v, false));
	}
	pt_destroy(&pt);
}
END_TEST

/* A 64-bit mix (splitmix64): the pages of the sparse test. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Distinct values among the sorted v[0..n) >> shift. */
static uint64_t distinct_prefixes(const uint64_t *v, size_t n, unsigned shift)
{
	uint64_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += i == 0 || (v[i] >> shift) != (v[i - 1] >> shift);
	return count;
}

/* Context of record_visit. */
struct visited {
	uint64_t vpn[3000];
	size_t n;
};

static void record_visit(void *ctx, uint64_t vpn, pte_t *pte)
{
	struct visited *v = ctx;

	ck_assert_uint_eq(PTE_NUM(*pte), vpn + 1);
	v->vpn[v->n++] = vpn;
}

START_TEST(sparse_pages_count_the_simulated_tables)
{
	static uint64_t pages[3000], sorted[3000];
	static struct visited seen;
	struct pt_shape s;
	struct pagetable pt;
	size_t n = 0;

	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert(pt_init(&pt, &s, NULL));
	/* 2000 random pages over 36 bits (alone in their leaves: compact), then
	 * every 5th page of a region of 5000: 10 leaves that become full at
	 * their 9th entry, and so make the tables above them full. */
	for (uint64_t i = 0; i < 2000; i++)
		pages[n++] = mix64(i) >> 28;
	for (uint64_t i = 0; i < 1000; i++)
		pages[n++] = (5ULL << 27) + 5 * i;
	for (size_t i = 0; i < n; i++) {
		pte_t *pte = pt_walk(&pt, pages[i], true);

		ck_assert_ptr_nonnull(pte);
		*pte = PTE_MAKE(pages[i] + 1, PTE_SWAP);
	}
	/* The simulated tree, counted independently: the root, and one table
	 * per distinct prefix above each level (9 bits a level, 27 bits of
	 * prefix for a leaf, 18 for the middle, 9 for the top). */
	memcpy(sorted, pages, sizeof pages);
	qsort(sorted, n, sizeof *sorted, cmp_u64);
	ck_assert_uint_eq(pt.tables, 1 + distinct_prefixes(sorted, n, 27) + distinct_prefixes(sorted, n, 18) +
					 distinct_prefixes(sorted, n, 9));
	/* Every page is found again, and pt_visit sees each once, in order. */
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(PTE_NUM(*pt_walk(&pt, pages[i], false)), pages[i] + 1);
	seen.n = 0;
	pt_visit(&pt, 0, 1ULL << 36, record_visit, &seen);
	ck_assert_uint_eq(seen.n, distinct_prefixes(sorted, n, 0));
	for (size_t i = 1; i < seen.n; i++)
		ck_assert_uint_lt(seen.vpn[i - 1], seen.vpn[i]);
	/* A range visit starts and stops at the bounds. */
	seen.n = 0;
	pt_visit(&pt, (5ULL << 27) + 1, (5ULL << 27) + 31, record_visit, &seen);
	ck_assert_uint_eq(seen.n, 6); /* 5, 10, ..., 30 */
	/* The region's middle table is full; a random page's is compact. */
	ck_assert(!pt_is_compact(pt_table_at(&pt, 5ULL << 27, 2)));
	ck_assert(pt_is_compact(pt_table_at(&pt, pages[0], 2)));
	ck_assert_ptr_nonnull(pt_find(&pt, 5ULL << 27));
	pt_destroy(&pt);
}
END_TEST

/* Past 512 full leaves, leaves come from the huge-page pool
 * (pagetable.c, "Huge pages"): zeroed like calloc's, found as before, and
 * freed whole by pt_destroy (check under valgrind or ASan). */
START_TEST(dense_leaves_past_512_come_from_the_pool)
{
	struct pt_shape s;
	struct pagetable pt;
	enum { LEAVES = 1200, PER_LEAF = 9 };
	static uint64_t vpn[LEAVES * PER_LEAF];

	ck_assert(pt_shape_init(&s, 48, 12));
	ck_assert(pt_init(&pt, &s, NULL));
	for (uint64_t leaf = 0; leaf < LEAVES; leaf++) {
		for (uint64_t k = 0; k < PER_LEAF; k++) {
			/* 9 pages a leaf: the 9th makes it full. */
			pte_t *pte = pt_walk(&pt, leaf << 9 | (k * 37), true);

			ck_assert_ptr_nonnull(pte);
			ck_assert_uint_eq(*pte, 0);
			*pte = PTE_MAKE(leaf * PER_LEAF + k + 1, PTE_P);
			vpn[leaf * PER_LEAF + k] = leaf << 9 | (k * 37);
		}
	}
	ck_assert_uint_eq(pt.full_leaves, LEAVES);
	/* 688 leaves of 4 KiB past the first 512: two chunks. */
	ck_assert_uint_eq(pt_pool_chunks(&pt), 2);
	for (size_t i = 0; i < LEAVES * PER_LEAF; i++)
		ck_assert_uint_eq(PTE_NUM(*pt_walk(&pt, vpn[i], false)), i + 1);
	/* A page never mapped in a pooled leaf reads 0. */
	ck_assert_uint_eq(*pt_walk(&pt, (uint64_t)(LEAVES - 1) << 9 | 500, false), 0);
	ck_assert(!pt_is_compact(pt_table_at(&pt, (uint64_t)(LEAVES - 1) << 9, 3)));
	pt_destroy(&pt);
	ck_assert_uint_eq(pt_pool_chunks(&pt), 0);
}
END_TEST

Suite *make_pagetable_suite(void)
{
	const TTest *const tc_tests[] = {
		shape_x86_32_is_10_10_12, shape_x86_64_is_9_9_9_9_12,
		shape_other_page_sizes_put_the_rest_in_the_root, walk_allocates_one_table_per_level_on_demand,
		walk_two_level_directory_and_table, lookup_cache_agrees_with_walk,
		moved_ptes_are_reported_to_the_mover, find_in_compact_leaves_until_they_move,
		sparse_pages_count_the_simulated_tables, dense_leaves_past_512_come_from_the_pool
	};
	Suite *s = suite_create("pagetable");

	SUITE_ADD_TESTS(s, "core", 0, tc_tests);
	return s;
}
