/* check_gen.c - the synthetic workload generator: reproducibility, the
 * statistics each kind promises, the write ratio, addresses, bad input. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "trace/gen.h"

/* A generator for kind over pages pages and refs references, seed seed;
 * fails the test if it cannot be built. */
static struct gen *make_gen(enum gen_kind kind, uint64_t pages, uint64_t refs, uint64_t seed)
{
	struct gen_params p;
	struct ps_error err;
	struct gen *g;

	gen_params_init(&p, kind);
	p.pages = pages;
	p.refs = refs;
	p.seed = seed;
	g = gen_create(&p, &err);
	ck_assert_msg(g != NULL, "gen_create: %s", err.msg);
	return g;
}

/* Build from p; fails the test if it cannot. */
static struct gen *make_gen_p(const struct gen_params *p)
{
	struct ps_error err;
	struct gen *g = gen_create(p, &err);

	ck_assert_msg(g != NULL, "gen_create: %s", err.msg);
	return g;
}

/* Per-page reference counts of the whole of g (pages entries, calloc'd);
 * also checks every page is in range and the reference count. */
static uint64_t *count_pages(struct gen *g, uint64_t pages, uint64_t refs)
{
	uint64_t *count = calloc(pages, sizeof *count), page, n = 0;
	bool write;

	ck_assert_ptr_nonnull(count);
	while (gen_next(g, &page, &write)) {
		ck_assert_uint_lt(page, pages);
		count[page]++;
		n++;
	}
	ck_assert_uint_eq(n, refs);
	return count;
}

/* Do two generators built from p and q produce the same references and
 * addresses? */
static bool same_sequence(const struct gen_params *p, const struct gen_params *q)
{
	struct gen *a = make_gen_p(p), *b = make_gen_p(q);
	uint64_t pa, pb;
	bool wa, wb, same = true;

	while (gen_next(a, &pa, &wa)) {
		if (!gen_next(b, &pb, &wb) || pa != pb || wa != wb || gen_addr(a, pa) != gen_addr(b, pb)) {
			same = false;
			break;
		}
	}
	if (same && gen_next(b, &pb, &wb))
		same = false;
	gen_free(a);
	gen_free(b);
	return same;
}

START_TEST(same_seed_repeats_other_seed_differs)
{
	struct gen_params p, q;

	gen_params_init(&p, (enum gen_kind)_i);
	p.pages = 50000;
	p.refs = 20000;
	p.seed = 42;
	p.write_ratio = 0.3;
	p.set_size = 300;
	p.phase_length = 1000;
	q = p;
	ck_assert(same_sequence(&p, &q));
	q.seed = 43;
	ck_assert(!same_sequence(&p, &q)); /* addresses differ even for scan and loop */
}
END_TEST

START_TEST(write_ratio_does_not_change_pages)
{
	struct gen_params p;
	struct gen *a, *b;
	uint64_t pa, pb;
	bool wa, wb;

	gen_params_init(&p, GEN_MIX);
	p.pages = 10000;
	p.refs = 50000;
	a = make_gen_p(&p);
	p.write_ratio = 0.5;
	p.page_shift = 16;
	b = make_gen_p(&p);
	while (gen_next(a, &pa, &wa)) {
		ck_assert(gen_next(b, &pb, &wb));
		ck_assert_uint_eq(pa, pb);
	}
	gen_free(a);
	gen_free(b);
}
END_TEST

START_TEST(uniform_counts_in_band)
{
	/* 100 pages x 100k refs: mean 1000 a page, sd ~31.5; the band is +-6 sd. */
	struct gen *g = make_gen(GEN_UNIFORM, 100, 100000, 7);
	uint64_t *count = count_pages(g, 100, 100000);

	for (uint64_t i = 0; i < 100; i++) {
		ck_assert_uint_ge(count[i], 810);
		ck_assert_uint_le(count[i], 1190);
	}
	free(count);
	gen_free(g);
}
END_TEST

/* Generalised harmonic number sum_{k=1..n} k^-alpha. */
static double harmonic(uint64_t n, double alpha)
{
	double h = 0.0;

	for (uint64_t k = 1; k <= n; k++)
		h += pow((double)k, -alpha);
	return h;
}

START_TEST(zipf_shares_match)
{
	static const double alphas[] = { 1.0, 0.7, 1.5 };
	const uint64_t pages = 1000, refs = 400000;

	for (size_t a = 0; a < sizeof alphas / sizeof alphas[0]; a++) {
		struct gen_params p;
		struct gen *g;
		uint64_t *count;
		double h = harmonic(pages, alphas[a]);

		gen_params_init(&p, GEN_ZIPF);
		p.pages = pages;
		p.refs = refs;
		p.alpha = alphas[a];
		g = make_gen_p(&p);
		count = count_pages(g, pages, refs);
		for (uint64_t rank = 1; rank <= 10; rank++) {
			double want = pow((double)rank, -alphas[a]) / h;
			double got = (double)count[gen_rank_page(g, rank)] / (double)refs;

			ck_assert_msg(fabs(got - want) <= 0.03 * want + 0.001,
				      "alpha %g rank %llu: share %g, expected %g", alphas[a],
				      (unsigned long long)rank, got, want);
		}
		ck_assert_uint_gt(count[gen_rank_page(g, 1)], count[gen_rank_page(g, 2)]);
		ck_assert_uint_gt(count[gen_rank_page(g, 2)], count[gen_rank_page(g, 10)]);
		free(count);
		gen_free(g);
	}
}
END_TEST

START_TEST(zipf_ranks_are_a_scattered_permutation)
{
	const uint64_t pages = 4096;
	struct gen *g = make_gen(GEN_ZIPF, pages, 1, 3);
	bool *seen = calloc(pages, sizeof *seen);
	uint64_t adjacent = 0;

	ck_assert_ptr_nonnull(seen);
	for (uint64_t rank = 1; rank <= pages; rank++) {
		uint64_t page = gen_rank_page(g, rank);

		ck_assert_uint_lt(page, pages);
		ck_assert(!seen[page]);
		seen[page] = true;
		if (rank > 1) {
			uint64_t prev = gen_rank_page(g, rank - 1);

			adjacent += page == prev + 1 || prev == page + 1;
		}
	}
	ck_assert_uint_eq(adjacent, 0);
	free(seen);
	gen_free(g);
}
END_TEST

START_TEST(zipf_single_page)
{
	struct gen *g = make_gen(GEN_ZIPF, 1, 1000, 1);
	uint64_t *count = count_pages(g, 1, 1000);

	ck_assert_uint_eq(count[0], 1000);
	free(count);
	gen_free(g);
}
END_TEST

START_TEST(loop_visits_each_page_k_times_in_order)
{
	const uint64_t pages = 37, k = 5;
	struct gen *g = make_gen(GEN_LOOP, pages, k * pages, 9);
	uint64_t page, i = 0;
	bool write;

	while (gen_next(g, &page, &write)) {
		ck_assert_uint_eq(page, i % pages);
		ck_assert(!write);
		i++;
	}
	ck_assert_uint_eq(i, k * pages);
	gen_free(g);
}
END_TEST

START_TEST(scan_visits_every_page_once)
{
	const uint64_t pages = 1000;
	struct gen *g = make_gen(GEN_SCAN, pages, pages, 9);
	uint64_t page, i = 0;
	bool write;

	while (gen_next(g, &page, &write))
		ck_assert_uint_eq(page, i++);
	ck_assert_uint_eq(i, pages);
	gen_free(g);
}
END_TEST

START_TEST(write_ratio_within_one_percent)
{
	static const double ratios[] = { 0.0, 0.05, 0.3, 0.5, 0.99, 1.0 };

	for (size_t r = 0; r < sizeof ratios / sizeof ratios[0]; r++) {
		struct gen_params p;
		struct gen *g;
		uint64_t page, writes = 0;
		bool write;

		gen_params_init(&p, GEN_UNIFORM);
		p.pages = 100;
		p.refs = 100000;
		p.write_ratio = ratios[r];
		g = make_gen_p(&p);
		while (gen_next(g, &page, &write))
			writes += write;
		ck_assert_msg(fabs((double)writes / 100000.0 - ratios[r]) <= 0.01,
			      "ratio %g: %llu writes of 100000", ratios[r], (unsigned long long)writes);
		if (ratios[r] == 0.0 || ratios[r] == 1.0)
			ck_assert_uint_eq(writes, (uint64_t)(ratios[r] * 100000));
		gen_free(g);
	}
}
END_TEST

START_TEST(phases_stay_inside_a_window_then_move)
{
	struct gen_params p;
	const struct gen_params *used;
	struct gen *g;
	uint64_t page, lo = UINT64_MAX, hi = 0, i = 0, moves = 0, prev_lo = UINT64_MAX;
	bool write;

	gen_params_init(&p, GEN_PHASES);
	p.pages = 100000;
	p.refs = 200000;
	p.sets = 5;
	p.set_size = 512;
	p.phase_length = 2000;
	g = make_gen_p(&p);
	used = gen_params_of(g);
	ck_assert_uint_eq(used->set_size, 512);
	ck_assert_uint_eq(used->phase_length, 2000);
	while (gen_next(g, &page, &write)) {
		ck_assert_uint_lt(page, p.pages);
		lo = page < lo ? page : lo;
		hi = page > hi ? page : hi;
		if (++i % p.phase_length == 0) {
			/* one phase: its pages fit in one window of set_size pages */
			ck_assert_uint_lt(hi - lo, p.set_size);
			/* 2000 draws from 512 pages span nearly all of the window */
			ck_assert_uint_gt(hi - lo, p.set_size - 20);
			moves += prev_lo != UINT64_MAX && (lo > prev_lo + 20 || prev_lo > lo + 20);
			prev_lo = lo;
			lo = UINT64_MAX;
			hi = 0;
		}
	}
	/* with 5 sets every phase moves to another window (unless two overlap) */
	ck_assert_uint_ge(moves, 90);
	gen_free(g);
}
END_TEST

START_TEST(phases_defaults)
{
	struct gen *g = make_gen(GEN_PHASES, 800, 10, 1);

	ck_assert_uint_eq(gen_params_of(g)->set_size, 100);
	ck_assert_uint_eq(gen_params_of(g)->phase_length, 1000);
	gen_free(g);
}
END_TEST

START_TEST(mix_follows_its_recipe)
{
	const uint64_t pages = 1 << 16, refs = 500000;
	struct gen *g = make_gen(GEN_MIX, pages, refs, 5);
	uint64_t hot = gen_hot_pages(g), hot_refs = 0, sequential = 0, prev = UINT64_MAX, distinct = 0;
	uint64_t *count = calloc(pages, sizeof *count), page;
	bool *is_hot = calloc(pages, sizeof *is_hot), write;

	ck_assert_ptr_nonnull(count);
	ck_assert_ptr_nonnull(is_hot);
	ck_assert_uint_eq(hot, pages / 16);
	for (uint64_t r = 1; r <= hot; r++)
		is_hot[gen_rank_page(g, r)] = true;
	while (gen_next(g, &page, &write)) {
		ck_assert_uint_lt(page, pages);
		distinct += count[page]++ == 0;
		hot_refs += is_hot[page];
		sequential += prev != UINT64_MAX && page == prev + 1;
		prev = page;
	}
	/* 60% Zipf into the hot set, plus the hot set's 1/16 share of the 40%
	 * scans and uniform draws: 62.5% expected */
	ck_assert_msg(fabs((double)hot_refs / (double)refs - 0.625) < 0.01, "hot share %g",
		      (double)hot_refs / (double)refs);
	/* run pages interleave with the rest: a run's next page follows the
	 * previous reference when both are run draws (0.2 * 0.2), plus chance */
	ck_assert_msg(fabs((double)sequential / (double)refs - 0.04) < 0.005, "sequential share %g",
		      (double)sequential / (double)refs);
	/* scans and uniform draws reach most pages */
	ck_assert_uint_gt(distinct, pages * 3 / 4);
	free(count);
	free(is_hot);
	gen_free(g);
}
END_TEST

START_TEST(addresses_stay_inside_their_page)
{
	static const unsigned shifts[] = { 8, 12, 21, 30 };

	for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++) {
		struct gen_params p;
		struct gen *g;
		uint64_t page, offsets_or = 0;
		bool write;

		gen_params_init(&p, GEN_UNIFORM);
		p.pages = 1000;
		p.refs = 20000;
		p.page_shift = shifts[s];
		g = make_gen_p(&p);
		while (gen_next(g, &page, &write)) {
			uint64_t addr = gen_addr(g, page), off = addr - (page << shifts[s]);

			ck_assert_uint_eq(addr >> shifts[s], page);
			ck_assert_uint_le(off + 4, 1ULL << shifts[s]);
			ck_assert_uint_eq(off % 4, 0);
			offsets_or |= off;
		}
		/* offsets use the whole page: every offset bit from 2 up is seen */
		ck_assert_uint_eq(offsets_or, (1ULL << shifts[s]) - 4);
		gen_free(g);
	}
}
END_TEST

/* gen_create(p) must fail with a message containing want. */
static void expect_refused(const struct gen_params *p, const char *want)
{
	struct ps_error err = { "" };
	struct gen *g = gen_create(p, &err);

	ck_assert_ptr_null(g);
	ck_assert_msg(strstr(err.msg, want) != NULL, "message \"%s\" lacks \"%s\"", err.msg, want);
}

START_TEST(bad_parameters_are_refused)
{
	struct gen_params p, q;

	gen_params_init(&p, GEN_UNIFORM);
	p.pages = 100;
	p.refs = 10;

	q = p;
	q.pages = 0;
	expect_refused(&q, "pages");
	q = p;
	q.kind = GEN_SCAN;
	q.refs = 101;
	expect_refused(&q, "one pass");
	q = p;
	q.kind = GEN_PHASES;
	q.set_size = 101;
	expect_refused(&q, "set size");
	q = p;
	q.kind = GEN_PHASES;
	q.sets = 0;
	expect_refused(&q, "set");
	q = p;
	q.kind = GEN_ZIPF;
	q.alpha = 0.0;
	expect_refused(&q, "alpha");
	q.alpha = NAN;
	expect_refused(&q, "alpha");
	q = p;
	q.write_ratio = 1.5;
	expect_refused(&q, "write ratio");
	q.write_ratio = NAN;
	expect_refused(&q, "write ratio");
	q = p;
	q.pages = (1ULL << 36) + 1; /* 4 KiB pages: beyond 48 bits */
	expect_refused(&q, "address space");
	q = p;
	q.kind = GEN_ZIPF;
	q.pages = GEN_ZIPF_MAX_PAGES + 1;
	expect_refused(&q, "at most");
	/* the largest address space is fine for the kinds without tables */
	q = p;
	q.pages = 1ULL << 36;
	gen_free(make_gen_p(&q));
}
END_TEST

START_TEST(kind_names_round_trip)
{
	enum gen_kind k;

	for (int i = GEN_UNIFORM; i <= GEN_MIX; i++) {
		ck_assert(gen_kind_parse(gen_kind_name((enum gen_kind)i), &k));
		ck_assert_int_eq(k, i);
	}
	ck_assert(!gen_kind_parse("zipfian", &k));
}
END_TEST

Suite *make_gen_suite(void)
{
	const TTest *const tc_tests[] = {
		write_ratio_does_not_change_pages, uniform_counts_in_band, zipf_shares_match,
		zipf_ranks_are_a_scattered_permutation, zipf_single_page,
		loop_visits_each_page_k_times_in_order, scan_visits_every_page_once,
		write_ratio_within_one_percent, phases_stay_inside_a_window_then_move, phases_defaults,
		mix_follows_its_recipe, addresses_stay_inside_their_page, bad_parameters_are_refused,
		kind_names_round_trip
	};
	Suite *s = suite_create("gen");
	TCase *tc;

	tc = SUITE_ADD_TESTS(s, "gen", 60, tc_tests);
	tcase_add_loop_test(tc, same_seed_repeats_other_seed_differs, GEN_UNIFORM, GEN_MIX + 1);
	return s;
}
