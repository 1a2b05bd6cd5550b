/* check_tlb.c - the TLB: LRU by hand on tiny geometries, ASIDs, flushes,
 * the option parser, and a random comparison with a naive model. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "util/rng.h"
#include "machine/tlb.h"

/* The way (index into t's arrays) that entry e of t is. */
static size_t way_of(const struct tlb *t, const struct tlb_entry *e)
{
	return (size_t)(e - t->entry);
}

/* Look up (asid, vpn); on a miss insert it with frame vpn * 10. Returns
 * whether it hit. */
static bool touch(struct tlb *t, uint32_t asid, uint64_t vpn)
{
	struct tlb_entry *e = tlb_lookup(t, asid, vpn);

	if (e != NULL) {
		ck_assert_uint_eq(e->frame, vpn * 10);
		return true;
	}
	tlb_insert(t, asid, vpn, (uint32_t)vpn * 10, false);
	return false;
}

/*
 * Belady's string 1 2 3 4 1 2 5 1 2 3 4 5 on 4 fully associative entries.
 * LRU order (oldest first) after each reference, and the way filled:
 *   1 M [1]            way 0      1 H [4 2 5 1]
 *   2 M [1 2]          way 1      2 H [4 5 1 2]
 *   3 M [1 2 3]        way 2      3 M [5 1 2 3]   evicts 4 (way 3)
 *   4 M [1 2 3 4]      way 3      4 M [1 2 3 4]   evicts 5 (way 2)
 *   1 H [2 3 4 1]                 5 M [2 3 4 5]   evicts 1 (way 0)
 *   2 H [3 4 1 2]
 *   5 M [4 1 2 5]      evicts 3 (way 2)
 * 8 misses, 4 hits; at the end ways 0..3 hold 5 2 4 3.
 */
START_TEST(fully_associative_lru_by_hand)
{
	static const uint64_t refs[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	static const bool hit[] = { 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0 };
	static const uint64_t final_ways[] = { 5, 2, 4, 3 };
	struct ps_error err;
	struct tlb *t = tlb_create(4, 0, &err);
	unsigned hits = 0;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->ways, 4);
	ck_assert_uint_eq(t->sets, 1);
	for (size_t i = 0; i < ARRAY_LEN(refs); i++) {
		bool h = touch(t, 1, refs[i]);

		ck_assert_msg(h == hit[i], "reference %zu (page %lu): expected a %s", i,
			      (unsigned long)refs[i], hit[i] ? "hit" : "miss");
		hits += h;
	}
	ck_assert_uint_eq(hits, 4);
	for (size_t w = 0; w < 4; w++)
		ck_assert_uint_eq(t->vpn[w], final_ways[w]);
	ck_assert_uint_eq(t->valid, 4);
	tlb_destroy(t);
}
END_TEST

/*
 * 4 entries, 2 ways: 2 sets, set = vpn % 2. Set 1 is filled first, so its
 * page 1 is the least recently used entry of the whole TLB, yet a conflict
 * in set 0 evicts only set 0's LRU:
 *   insert 1, 3 (set 1), 0, 2 (set 0); lookup 0  -> set 0 LRU is 2
 *   insert 4 (set 0)      -> evicts 2 (way 1 of set 0); 1 and 3 survive
 *   lookup 0 H, 4 H, 2 M, then 1 H, 3 H          -> set 1 LRU is 1
 *   insert 5 (set 1)      -> evicts 1 (way 0 of set 1); set 0 untouched
 *   lookup 3 H, 5 H, 1 M, 0 H, 4 H
 */
START_TEST(set_conflict_evicts_lru_of_that_set_only)
{
	struct tlb *t = tlb_create(4, 2, NULL);
	struct tlb_entry *e;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->sets, 2);
	ck_assert_uint_eq(way_of(t, tlb_insert(t, 0, 1, 10, false)), 2);
	ck_assert_uint_eq(way_of(t, tlb_insert(t, 0, 3, 30, false)), 3);
	ck_assert_uint_eq(way_of(t, tlb_insert(t, 0, 0, 0, false)), 0);
	ck_assert_uint_eq(way_of(t, tlb_insert(t, 0, 2, 20, false)), 1);
	ck_assert_ptr_nonnull(tlb_lookup(t, 0, 0));
	e = tlb_insert(t, 0, 4, 40, false);
	ck_assert_uint_eq(way_of(t, e), 1);
	ck_assert(touch(t, 0, 0));
	ck_assert(touch(t, 0, 4));
	ck_assert_ptr_null(tlb_lookup(t, 0, 2));
	ck_assert(touch(t, 0, 1));
	ck_assert(touch(t, 0, 3));
	e = tlb_insert(t, 0, 5, 50, false);
	ck_assert_uint_eq(way_of(t, e), 2);
	ck_assert(touch(t, 0, 3));
	ck_assert(touch(t, 0, 5));
	ck_assert_ptr_null(tlb_lookup(t, 0, 1));
	ck_assert(touch(t, 0, 0));
	ck_assert(touch(t, 0, 4));
	ck_assert_uint_eq(t->valid, 4);
	tlb_destroy(t);
}
END_TEST

/* 12 entries, 4 ways: 3 sets, indexed by vpn % 3 (no mask). Pages 0, 3,
 * 6, 9 fill set 0; 12 evicts 0, the LRU; page 1 (set 1) is unaffected. */
START_TEST(sets_not_a_power_of_two_index_by_modulo)
{
	struct tlb *t = tlb_create(12, 4, NULL);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->sets, 3);
	ck_assert(!t->sets_pow2);
	ck_assert_uint_eq(tlb_set_of(t, 7), 1);
	ck_assert_uint_eq(tlb_set_of(t, UINT64_MAX - 1), (UINT64_MAX - 1) % 3);
	ck_assert(!touch(t, 0, 1));
	for (uint64_t v = 0; v <= 9; v += 3)
		ck_assert(!touch(t, 0, v));
	ck_assert(!touch(t, 0, 12));
	ck_assert_ptr_null(tlb_lookup(t, 0, 0));
	for (uint64_t v = 3; v <= 12; v += 3)
		ck_assert(touch(t, 0, v));
	ck_assert(touch(t, 0, 1));
	tlb_destroy(t);
}
END_TEST

/* The ASID is part of the tag: one VPN in two address spaces is two
 * entries, each invalidated on its own. */
START_TEST(asids_tag_entries_and_invalidate_reports)
{
	struct tlb *t = tlb_create(8, 0, NULL);
	struct tlb_entry *a, *b;

	ck_assert_ptr_nonnull(t);
	a = tlb_insert(t, 1, 0x10, 5, false);
	b = tlb_insert(t, 2, 0x10, 7, true);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(t->valid, 2);
	ck_assert_ptr_eq(tlb_lookup(t, 1, 0x10), a);
	ck_assert_ptr_eq(tlb_lookup(t, 2, 0x10), b);
	ck_assert_uint_eq(a->frame, 5);
	ck_assert(!a->dirty);
	ck_assert_uint_eq(b->frame, 7);
	ck_assert(b->dirty);
	ck_assert_ptr_null(tlb_lookup(t, 3, 0x10));
	ck_assert_ptr_null(tlb_lookup(t, 1, 0x11));

	ck_assert(tlb_invalidate(t, 1, 0x10));
	ck_assert(!tlb_invalidate(t, 1, 0x10));
	ck_assert(!tlb_invalidate(t, 2, 0x11));
	ck_assert(!tlb_invalidate(t, 3, 0x10));
	ck_assert_ptr_null(tlb_lookup(t, 1, 0x10));
	ck_assert_ptr_eq(tlb_lookup(t, 2, 0x10), b);
	ck_assert_uint_eq(t->valid, 1);
	/* The freed way 0 is the lowest invalid one: the next insert takes it. */
	ck_assert_ptr_eq(tlb_insert(t, 1, 0x20, 9, false), a);
	tlb_destroy(t);
}
END_TEST

/* The machine marks an entry dirty after setting the PTE's D bit. */
START_TEST(dirty_flag_sticks_to_the_entry)
{
	struct tlb *t = tlb_create(2, 1, NULL);
	struct tlb_entry *e;

	ck_assert_ptr_nonnull(t);
	e = tlb_insert(t, 4, 6, 3, false);
	ck_assert_ptr_eq(tlb_lookup(t, 4, 6), e);
	e->dirty = true;
	e = tlb_lookup(t, 4, 6);
	ck_assert_ptr_nonnull(e);
	ck_assert(e->dirty);
	ck_assert_uint_eq(e->frame, 3);
	/* Direct-mapped: page 8 (set 0) replaces page 6 and starts clean. */
	e = tlb_insert(t, 4, 8, 1, false);
	ck_assert(!e->dirty);
	ck_assert_ptr_null(tlb_lookup(t, 4, 6));
	tlb_destroy(t);
}
END_TEST

START_TEST(flush_asid_drops_only_that_asid)
{
	struct tlb *t = tlb_create(8, 0, NULL);

	ck_assert_ptr_nonnull(t);
	for (uint64_t v = 0; v < 3; v++)
		tlb_insert(t, 1, v, (uint32_t)v, false);
	for (uint64_t v = 0; v < 4; v++)
		tlb_insert(t, 2, v, (uint32_t)(100 + v), false);
	ck_assert_uint_eq(t->valid, 7);
	ck_assert_uint_eq(tlb_flush_asid(t, 1), 3);
	ck_assert_uint_eq(tlb_flush_asid(t, 1), 0);
	ck_assert_uint_eq(tlb_flush_asid(t, 9), 0);
	ck_assert_uint_eq(t->valid, 4);
	for (uint64_t v = 0; v < 3; v++)
		ck_assert_ptr_null(tlb_lookup(t, 1, v));
	for (uint64_t v = 0; v < 4; v++) {
		struct tlb_entry *e = tlb_lookup(t, 2, v);

		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(e->frame, 100 + v);
	}
	ck_assert_uint_eq(tlb_flush(t), 4);
	ck_assert_uint_eq(tlb_flush(t), 0);
	ck_assert_uint_eq(t->valid, 0);
	for (uint64_t v = 0; v < 4; v++)
		ck_assert_ptr_null(tlb_lookup(t, 2, v));
	ck_assert_uint_eq(way_of(t, tlb_insert(t, 2, 5, 0, false)), 0);
	tlb_destroy(t);
}
END_TEST

START_TEST(geometry_defaults_and_limits)
{
	static const struct {
		uint32_t entries, ways, want_ways, want_sets;
	} ok[] = {
		{ 1, 0, 1, 1 },      { 64, 0, 64, 1 },   { 64, 64, 64, 1 }, { 48, 0, 48, 1 },
		{ 128, 0, 8, 16 },   { 96, 0, 8, 12 },   { 64, 4, 4, 16 },  { 1536, 6, 6, 256 },
		{ 65536, 64, 64, 1024 }, { 65536, 0, 8, 8192 }, { 7, 1, 1, 7 },
	};
	static const struct {
		uint32_t entries, ways;
		const char *msg;
	} bad[] = {
		{ 0, 0, "TLB entries must be 1..65536" },
		{ 65537, 1, "TLB entries must be 1..65536" },
		{ 128, 128, "TLB ways must be 1..64" },
		{ 64, 3, "TLB ways must divide the entries" },
		{ 100, 0, "default 8 ways" },
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct ps_error err = { "" };
		struct tlb *t = tlb_create(ok[i].entries, ok[i].ways, &err);

		ck_assert_msg(t != NULL, "%u:%u: %s", ok[i].entries, ok[i].ways, err.msg);
		ck_assert_uint_eq(t->ways, ok[i].want_ways);
		ck_assert_uint_eq(t->sets, ok[i].want_sets);
		ck_assert_uint_eq(t->entries, ok[i].entries);
		tlb_destroy(t);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct ps_error err = { "" };

		ck_assert_ptr_null(tlb_create(bad[i].entries, bad[i].ways, &err));
		ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL, "%u:%u: got '%s', want '%s'", bad[i].entries,
			      bad[i].ways, err.msg, bad[i].msg);
	}
	tlb_destroy(NULL);
}
END_TEST

START_TEST(parse_spec)
{
	static const struct {
		const char *text;
		uint32_t entries, ways;
	} ok[] = {
		{ "64", 64, 64 }, { "64:4", 64, 4 }, { "1", 1, 1 }, { "128", 128, 8 },
		{ "1536:6", 1536, 6 }, { "65536", 65536, 8 }, { "32:32", 32, 32 }, { "016", 16, 16 },
	};
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "0", "TLB entries must be 1..65536 (got 0)" },
		{ "65537", "TLB entries must be 1..65536 (got 65537)" },
		{ "99999999999999999999", "TLB entries must be 1..65536 (got 99999999999999999999)" },
		{ "64:3", "TLB ways must divide the entries (64 entries, 3 ways)" },
		{ "64:", "the ways are missing" },
		{ "x", "the entries 'x' are not a decimal number" },
		{ "64:4:2", "junk after the ways" },
		{ "", "TLB size is empty" },
		{ ":4", "the entries are missing" },
		{ "64:0", "TLB ways must be 1..64 (got 0)" },
		{ "128:128", "TLB ways must be 1..64 (got 128)" },
		{ "64:x", "the ways 'x' are not a decimal number" },
		{ "-1", "not a decimal number" },
		{ "+64", "not a decimal number" },
		{ " 64", "not a decimal number" },
		{ "64 ", "not a decimal number" },
		{ "0x40", "not a decimal number" },
		{ "100", "default 8 ways" },
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		struct ps_error err = { "" };
		uint32_t e = 0, w = 0;

		ck_assert_msg(tlb_parse_spec(ok[i].text, &e, &w, &err), "'%s': %s", ok[i].text, err.msg);
		ck_assert_uint_eq(e, ok[i].entries);
		ck_assert_uint_eq(w, ok[i].ways);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct ps_error err = { "" };
		uint32_t e = 12345, w = 12345;

		ck_assert_msg(!tlb_parse_spec(bad[i].text, &e, &w, &err), "'%s' accepted", bad[i].text);
		ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL, "'%s': got '%s', want '%s'", bad[i].text, err.msg,
			      bad[i].msg);
		ck_assert_uint_eq(e, 12345);
		ck_assert_uint_eq(w, 12345);
	}
}
END_TEST

/* The naive model: per set, a list of its translations from the most
 * recently used to the least, each with the way it sits in. */
struct model_entry {
	uint64_t vpn;
	uint32_t asid, frame, way;
	bool dirty;
};

struct model {
	uint32_t sets, ways;
	struct model_entry *list; /* set s: list[s * ways .. s * ways + len[s]) */
	uint32_t *len;
};

/* The position of (asid, vpn) in the list of set s, or -1. */
static int model_find(const struct model *m, uint32_t s, uint32_t asid, uint64_t vpn)
{
	for (uint32_t i = 0; i < m->len[s]; i++) {
		const struct model_entry *e = &m->list[s * m->ways + i];

		if (e->asid == asid && e->vpn == vpn)
			return (int)i;
	}
	return -1;
}

/* Take position i out of set s's list and return it. */
static struct model_entry model_remove(struct model *m, uint32_t s, uint32_t i)
{
	struct model_entry *l = &m->list[s * m->ways];
	struct model_entry e = l[i];

	memmove(&l[i], &l[i + 1], (m->len[s] - i - 1) * sizeof *l);
	m->len[s]--;
	return e;
}

/* Put e at the front (most recently used) of set s's list. */
static void model_push(struct model *m, uint32_t s, struct model_entry e)
{
	struct model_entry *l = &m->list[s * m->ways];

	memmove(&l[1], &l[0], m->len[s] * sizeof *l);
	l[0] = e;
	m->len[s]++;
}

/* The lowest way of set s no entry of the list occupies (len < ways). */
static uint32_t model_free_way(const struct model *m, uint32_t s)
{
	for (uint32_t w = 0;; w++) {
		bool taken = false;

		for (uint32_t i = 0; i < m->len[s]; i++)
			taken |= m->list[s * m->ways + i].way == w;
		if (!taken)
			return w;
	}
}

static uint32_t model_count(const struct model *m)
{
	uint32_t n = 0;

	for (uint32_t s = 0; s < m->sets; s++)
		n += m->len[s];
	return n;
}

/* Drop the entries for which asid matches (all when every_asid). */
static uint32_t model_flush(struct model *m, bool every_asid, uint32_t asid)
{
	uint32_t dropped = 0;

	for (uint32_t s = 0; s < m->sets; s++) {
		for (uint32_t i = m->len[s]; i-- > 0;) {
			if (every_asid || m->list[s * m->ways + i].asid == asid) {
				model_remove(m, s, i);
				dropped++;
			}
		}
	}
	return dropped;
}

/* A random VPN: mostly from a small range, so that hits and conflicts are
 * common, sometimes anywhere below TLB_VPN_NONE. */
static uint64_t random_vpn(struct rng *r, uint32_t entries)
{
	if (rng_below(r, 50) == 0)
		return rng_below(r, TLB_VPN_NONE);
	return rng_below(r, 3 * (uint64_t)entries + 2);
}

static const uint32_t random_geometry[][2] = {
	{ 4, 0 }, { 1, 1 }, { 16, 4 }, { 12, 4 }, { 64, 1 }, { 128, 0 }, { 96, 8 }, { 64, 64 },
};

START_TEST(random_ops_match_naive_model)
{
	const uint32_t entries = random_geometry[_i][0];
	struct tlb *t = tlb_create(entries, random_geometry[_i][1], NULL);
	struct model m;
	struct rng r;

	ck_assert_ptr_nonnull(t);
	m.sets = t->sets;
	m.ways = t->ways;
	m.list = calloc(entries, sizeof *m.list);
	m.len = calloc(m.sets, sizeof *m.len);
	ck_assert(m.list != NULL && m.len != NULL);
	rng_seed(&r, 0x71b + _i);
	for (int op = 0; op < 100000; op++) {
		uint32_t asid = (uint32_t)rng_below(&r, 3);
		uint64_t vpn = random_vpn(&r, entries);
		uint32_t s = (uint32_t)(vpn % m.sets);
		uint64_t kind = rng_below(&r, 1000);

		QUIET_ASSERT(tlb_set_of(t, vpn) == s);
		if (kind < 800) {
			/* An access: lookup, fill on a miss, maybe a write. */
			struct tlb_entry *e = tlb_lookup(t, asid, vpn);
			int pos = model_find(&m, s, asid, vpn);
			bool write = rng_below(&r, 4) == 0;
			struct model_entry me;

			QUIET_ASSERT_MSG((e != NULL) == (pos >= 0), "op %d: (%u, %llu) %s but the model %s", op, asid,
					 (unsigned long long)vpn, e ? "hit" : "missed", pos >= 0 ? "hit" : "missed");
			if (e != NULL) {
				me = model_remove(&m, s, (uint32_t)pos);
				QUIET_ASSERT(e->frame == me.frame && e->dirty == me.dirty);
				QUIET_ASSERT(way_of(t, e) == (size_t)s * m.ways + me.way);
				if (write && !e->dirty)
					e->dirty = me.dirty = true;
			} else {
				me = (struct model_entry){ .vpn = vpn, .asid = asid, .dirty = write,
							   .frame = (uint32_t)rng_next(&r) };
				if (m.len[s] == m.ways)
					me.way = model_remove(&m, s, m.len[s] - 1).way;
				else
					me.way = model_free_way(&m, s);
				e = tlb_insert(t, asid, vpn, me.frame, me.dirty);
				QUIET_ASSERT(way_of(t, e) == (size_t)s * m.ways + me.way);
			}
			model_push(&m, s, me);
		} else if (kind < 990) {
			int pos = model_find(&m, s, asid, vpn);

			QUIET_ASSERT(tlb_invalidate(t, asid, vpn) == (pos >= 0));
			if (pos >= 0)
				model_remove(&m, s, (uint32_t)pos);
		} else if (kind < 998) {
			QUIET_ASSERT(tlb_flush_asid(t, asid) == model_flush(&m, false, asid));
		} else {
			QUIET_ASSERT(tlb_flush(t) == model_flush(&m, true, 0));
		}
		QUIET_ASSERT(t->valid == model_count(&m));
	}
	free(m.list);
	free(m.len);
	tlb_destroy(t);
}
END_TEST

#ifndef NDEBUG
/* Inserting a translation already present is a caller bug. The test runs
 * in a child process; its assert message would only clutter the log. */
START_TEST(insert_of_present_translation_aborts)
{
	struct tlb *t = tlb_create(4, 0, NULL);

	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
	tlb_insert(t, 1, 2, 3, false);
	tlb_insert(t, 1, 2, 3, false);
}
END_TEST
#endif

Suite *make_tlb_suite(void)
{
	const TTest *const tc_tests[] = {
		fully_associative_lru_by_hand, set_conflict_evicts_lru_of_that_set_only,
		sets_not_a_power_of_two_index_by_modulo, asids_tag_entries_and_invalidate_reports,
		dirty_flag_sticks_to_the_entry, flush_asid_drops_only_that_asid, geometry_defaults_and_limits,
		parse_spec
	};
	Suite *s = suite_create("tlb");
	TCase *tc;

	tc = SUITE_ADD_TESTS(s, "core", 0, tc_tests);
	tcase_add_loop_test(tc, random_ops_match_naive_model, 0, (int)ARRAY_LEN(random_geometry));
#ifndef NDEBUG
	tcase_add_test_raise_signal(tc, insert_of_present_translation_aborts, SIGABRT);
#endif
	return s;
}
