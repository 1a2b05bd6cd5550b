/*
 * check_sim.c - the machine model: the frame table, and hand-derived
 * scenarios of faults, evictions and swap traffic.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "frames.h"
#include "registry.h"
#include "sim.h"
#include "swap.h"

/* ---- frame table ---- */

START_TEST(frames_hand_out_lowest_first)
{
	struct frame_table ft;
	pte_t dummy = 0;

	ck_assert(frames_init(&ft, 130));
	for (uint32_t f = 0; f < 130; f++) {
		ck_assert_uint_eq(frames_alloc(&ft), f);
		ft.frames[f].pte = &dummy;
	}
	ck_assert_uint_eq(frames_alloc(&ft), FRAME_NONE);
	frames_release(&ft, 100);
	frames_release(&ft, 3);
	ck_assert(!frames_in_use(&ft, 3));
	ck_assert(frames_in_use(&ft, 4));
	ck_assert_uint_eq(ft.frames[3].slot, SWAP_NONE);
	ck_assert_uint_eq(frames_alloc(&ft), 3);
	ck_assert_uint_eq(frames_alloc(&ft), 100);
	ck_assert_uint_eq(frames_alloc(&ft), FRAME_NONE);
	frames_destroy(&ft);
}
END_TEST

/* ---- machine scenarios ---- */

/* A reference to page `page` of process 1. */
static struct trace_rec ref(char op, uint64_t page)
{
	return (struct trace_rec){
		.addr = page << 12, .pid = 1, .size = 1,
		.op = op == 'W' ? OP_WRITE : op == 'X' ? OP_FETCH : OP_READ,
	};
}

static struct sim_config config(const char *policy, uint32_t frames)
{
	return (struct sim_config){
		.policy = policy_find(policy), .frames = frames, .page_shift = 12, .va_bits = 48,
		.swap_slots = 1 << 20, .seed = 1, .span_pages = true,
	};
}

/* Replay recs on a new machine for cfg; the machine must not fail. */
static struct sim_stats replay(const struct sim_config *cfg, const struct trace_rec *recs, size_t n)
{
	struct ps_error err = { "" };
	struct sim *s = sim_create(cfg, &err);
	struct sim_stats st;

	ck_assert_msg(s != NULL, "sim_create: %s", err.msg);
	ck_assert_msg(sim_feed(s, recs, n, &err) == 0, "sim_feed: %s", err.msg);
	sim_get_stats(s, &st);
	sim_destroy(s);
	return st;
}

START_TEST(swap_round_trip_with_one_frame)
{
	/* One frame, FIFO: every reference to the other page evicts.
	 *  W0  zero-fill, 0 dirty
	 *  R1  evict 0 dirty -> slot 0 written; 1 zero-filled
	 *  R0  evict 1 clean, never written -> dropped; 0 read from slot 0 (keeps it)
	 *  R1  evict 0 clean with a slot -> no write; 1 zero-filled again
	 *  W0  evict 1 dropped; 0 read from slot 0; dirty again
	 *  R1  evict 0 dirty: its stale copy in slot 0 is overwritten */
	const struct trace_rec t[] = { ref('W', 0), ref('R', 1), ref('R', 0),
				       ref('R', 1), ref('W', 0), ref('R', 1) };
	struct sim_config cfg = config("fifo", 1);
	struct sim_stats st = replay(&cfg, t, 6);

	ck_assert_uint_eq(st.refs, 6);
	ck_assert_uint_eq(st.reads, 4);
	ck_assert_uint_eq(st.writes, 2);
	ck_assert_uint_eq(st.faults, 6);
	ck_assert_uint_eq(st.hits, 0);
	ck_assert_uint_eq(st.distinct_pages, 2);
	ck_assert_uint_eq(st.evictions, 5);
	ck_assert_uint_eq(st.dirty_evictions, 2);
	ck_assert_uint_eq(st.swap_writes, 2);
	ck_assert_uint_eq(st.swap_reads, 2);
	ck_assert_uint_eq(st.zero_fills, 4);
}
END_TEST

START_TEST(hits_set_dirty_bit_that_eviction_sees)
{
	/* Two frames: R0 R1 W0 (hit, dirties 0) R2 (evicts 0, dirty) R3 (evicts 1, clean). */
	const struct trace_rec t[] = { ref('R', 0), ref('R', 1), ref('W', 0), ref('R', 2), ref('R', 3) };
	struct sim_config cfg = config("fifo", 2);
	struct sim_stats st = replay(&cfg, t, 5);

	ck_assert_uint_eq(st.faults, 4);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.evictions, 2);
	ck_assert_uint_eq(st.dirty_evictions, 1);
	ck_assert_uint_eq(st.swap_writes, 1);
}
END_TEST

struct evict_log {
	uint32_t frame[8];
	uint64_t vpn[8];
	bool dirty[8];
	int n;
};

static void log_evict(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct evict_log *log = ctx;

	ck_assert_int_lt(log->n, 8);
	log->frame[log->n] = frame;
	log->vpn[log->n] = vpn;
	log->dirty[log->n++] = dirty;
}

START_TEST(evict_hook_sees_the_reverse_map)
{
	const struct trace_rec t[] = { ref('R', 10), ref('W', 11), ref('R', 12), ref('R', 13) };
	struct sim_config cfg = config("fifo", 2);
	struct evict_log log = { .n = 0 };
	struct ps_error err;
	struct sim *s = sim_create(&cfg, &err);

	ck_assert_ptr_nonnull(s);
	sim_set_evict_hook(s, log_evict, &log);
	ck_assert_int_eq(sim_feed(s, t, 4, &err), 0);
	ck_assert_int_eq(log.n, 2);
	ck_assert_uint_eq(log.frame[0], 0);
	ck_assert_uint_eq(log.vpn[0], 10);
	ck_assert(!log.dirty[0]);
	ck_assert_uint_eq(log.frame[1], 1);
	ck_assert_uint_eq(log.vpn[1], 11);
	ck_assert(log.dirty[1]);
	sim_destroy(s);
}
END_TEST

START_TEST(full_swap_is_an_error_not_a_crash)
{
	const struct trace_rec t[] = { ref('W', 0), ref('W', 1), ref('W', 2) };
	struct sim_config cfg = config("fifo", 1);
	struct ps_error err = { "" };
	struct sim_stats st;
	struct sim *s;

	cfg.swap_slots = 1;
	s = sim_create(&cfg, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_feed(s, t, 3, &err), -1);
	ck_assert_msg(strstr(err.msg, "swap device full (1 slots in use)") != NULL, "%s", err.msg);
	sim_get_stats(s, &st);
	ck_assert_uint_eq(st.refs, 2);
	ck_assert_uint_eq(st.swap_writes, 1);
	/* The machine stopped mid-eviction: it must refuse to go on. */
	err.msg[0] = '\0';
	ck_assert_int_eq(sim_feed(s, t + 1, 1, &err), -1);
	ck_assert_msg(strstr(err.msg, "swap device full") != NULL, "%s", err.msg);
	sim_destroy(s);
}
END_TEST

START_TEST(access_across_a_page_boundary)
{
	struct trace_rec t = { .addr = 0x1ffe, .pid = 1, .size = 4, .op = OP_WRITE };
	struct sim_config cfg = config("fifo", 4);
	struct sim_stats st = replay(&cfg, &t, 1);

	ck_assert_uint_eq(st.refs, 2);
	ck_assert_uint_eq(st.writes, 2);
	ck_assert_uint_eq(st.distinct_pages, 2);
	cfg.span_pages = false;
	st = replay(&cfg, &t, 1);
	ck_assert_uint_eq(st.refs, 1);
	ck_assert_uint_eq(st.distinct_pages, 1);
}
END_TEST

START_TEST(processes_have_separate_address_spaces)
{
	struct trace_rec t[] = { ref('R', 5), ref('R', 5), ref('X', 5), ref('R', 5) };
	struct sim_config cfg = config("fifo", 8);
	struct sim_stats st;

	t[1].pid = 2;
	t[2].pid = 7;
	st = replay(&cfg, t, 4);
	ck_assert_uint_eq(st.distinct_pages, 3);
	ck_assert_uint_eq(st.faults, 3);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.fetches, 1);
	ck_assert_uint_eq(st.reads, 3);
}
END_TEST

START_TEST(thirty_two_bit_space_ends_at_4_gib)
{
	struct trace_rec t = { .addr = 0xfffffffe, .pid = 1, .size = 4, .op = OP_READ };
	struct sim_config cfg = config("fifo", 4);
	struct ps_error err = { "" };
	struct sim *s;

	cfg.va_bits = 32;
	s = sim_create(&cfg, &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sim_feed(s, &t, 1, &err), -1);
	ck_assert_msg(strstr(err.msg, "runs past the end of the 32-bit address space") != NULL, "%s", err.msg);
	sim_destroy(s);
}
END_TEST

START_TEST(bad_configurations_are_refused)
{
	struct sim_config cfg = config("fifo", 0);
	struct ps_error err = { "" };

	ck_assert_ptr_null(sim_create(&cfg, &err));
	ck_assert_str_eq(err.msg, "the number of frames must be at least 1");
	cfg = config("fifo", 4);
	cfg.va_bits = 40;
	ck_assert_ptr_null(sim_create(&cfg, &err));
	ck_assert_msg(strstr(err.msg, "unsupported address space") != NULL, "%s", err.msg);
	cfg = config("opt", 4);
	ck_assert_ptr_null(sim_create(&cfg, &err));
	ck_assert_msg(strstr(err.msg, "look ahead") != NULL, "%s", err.msg);
	cfg = config("fifo", 4);
	cfg.policy = NULL;
	ck_assert_ptr_null(sim_create(&cfg, &err));
}
END_TEST

Suite *make_sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *frames = tcase_create("frames");
	TCase *model = tcase_create("model");

	tcase_add_test(frames, frames_hand_out_lowest_first);
	suite_add_tcase(s, frames);
	tcase_add_test(model, swap_round_trip_with_one_frame);
	tcase_add_test(model, hits_set_dirty_bit_that_eviction_sees);
	tcase_add_test(model, evict_hook_sees_the_reverse_map);
	tcase_add_test(model, full_swap_is_an_error_not_a_crash);
	tcase_add_test(model, access_across_a_page_boundary);
	tcase_add_test(model, processes_have_separate_address_spaces);
	tcase_add_test(model, thirty_two_bit_space_ends_at_4_gib);
	tcase_add_test(model, bad_configurations_are_refused);
	suite_add_tcase(s, model);
	return s;
}
