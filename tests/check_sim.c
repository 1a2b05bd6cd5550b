/*
 * check_sim.c - the machine model: the frame table, and hand-derived
 * scenarios of faults, evictions and swap traffic.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <string.h>

#include "check_suites.h"
#include "sim_helpers.h"
#include "machine/frames.h"
#include "policies/registry.h"
#include "machine/sim.h"
#include "machine/swap.h"
#include "trace/pageref.h"
#include "trace/trace_event.h"

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

static struct sim_config config(const char *policy, uint32_t frames)
{
	return (struct sim_config){
		.policy = policy_find(policy), .frames = frames, .page_shift = 12, .va_bits = 48,
		.swap_slots = 1 << 20, .seed = 1, .span_pages = true,
	};
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
	const struct trace_rec t[] = { sim_ref('W', 0), sim_ref('R', 1), sim_ref('R', 0),
				       sim_ref('R', 1), sim_ref('W', 0), sim_ref('R', 1) };
	struct sim_config cfg = config("fifo", 1);
	struct sim_stats st = sim_replay(&cfg, t, 6);

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
	const struct trace_rec t[] = { sim_ref('R', 0), sim_ref('R', 1), sim_ref('W', 0), sim_ref('R', 2),
				       sim_ref('R', 3) };
	struct sim_config cfg = config("fifo", 2);
	struct sim_stats st = sim_replay(&cfg, t, 5);

	ck_assert_uint_eq(st.faults, 4);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.evictions, 2);
	ck_assert_uint_eq(st.dirty_evictions, 1);
	ck_assert_uint_eq(st.swap_writes, 1);
}
END_TEST

START_TEST(repeated_pages_count_as_the_long_way)
{
	/* sim_replay's short way for a record on the page of the last fetch
	 * or data access (sim_repeat_hit) must count what the long way does,
	 * also when that page was evicted in between. 32 reads of page 5
	 * first (1 zero fill, 31 hits), then the sequence below.
	 * Hand-derived with fifo over 2 frames, [oldest, newest] after each:
	 *   X0 fault zf [5,0]; R5 X0 W5 (dirties 5) X0 hits;
	 *   X1 fault, evicts dirty 5 (swap write), zf [0,1];
	 *   R5 fault, evicts clean 0, swap read [1,5]; X1 hit;
	 *   R7 fault, evicts 1, zf [5,7]; W7 hit (dirties 7);
	 *   X1 fault, evicts clean 5 (its slot is good: no I/O), zf [7,1]; R7 hit;
	 *   X0 fault, evicts dirty 7 (swap write), zf [1,0];
	 *   R5 fault, evicts 1, swap read [0,5]; R5 hit. */
	const char seq[] = "X0 R5 X0 W5 X0 X1 R5 X1 R7 W7 X1 R7 X0 R5 R5";
	struct trace_rec t[32 + 15];
	size_t n = 0;
	struct sim_config cfg = config("fifo", 2);
	struct sim_stats st;

	while (n < 32)
		t[n++] = sim_ref('R', 5);
	for (const char *c = seq; *c != '\0'; c += c[2] == ' ' ? 3 : 2)
		t[n++] = sim_ref(c[0], (uint64_t)(c[1] - '0'));
	ck_assert_uint_eq(n, 47);
	st = sim_replay(&cfg, t, n);
	ck_assert_uint_eq(st.refs, 47);
	ck_assert_uint_eq(st.reads, 38);
	ck_assert_uint_eq(st.writes, 2);
	ck_assert_uint_eq(st.fetches, 7);
	ck_assert_uint_eq(st.faults, 8);
	ck_assert_uint_eq(st.hits, 39);
	ck_assert_uint_eq(st.zero_fills, 6);
	ck_assert_uint_eq(st.swap_reads, 2);
	ck_assert_uint_eq(st.evictions, 6);
	ck_assert_uint_eq(st.dirty_evictions, 2);
	ck_assert_uint_eq(st.swap_writes, 2);
}
END_TEST

START_TEST(repeat_marks_follow_each_kind)
{
	/* pageref_mark_repeats, by hand (4 KiB pages). A record is a repeat
	 * when it lies in one page and the last record of its kind (fetch,
	 * or read and write) since the last event or change of process began
	 * in that page. */
	const struct trace_rec t[] = {
		{ .addr = 0x5000, .pid = 1, .size = 4, .op = OP_FETCH },  /* 0: first fetch */
		{ .addr = 0x9010, .pid = 1, .size = 8, .op = OP_READ },   /* 0: first data access */
		{ .addr = 0x5004, .pid = 1, .size = 4, .op = OP_FETCH },  /* 1: the last fetch's page */
		{ .addr = 0x9ff8, .pid = 1, .size = 8, .op = OP_WRITE },  /* 1: a write repeats a read */
		{ .addr = 0x9ffc, .pid = 1, .size = 8, .op = OP_READ },   /* 0: ends on page 0xa */
		{ .addr = 0x9000, .pid = 1, .size = 1, .op = OP_READ },   /* 1: the last began on page 9 */
		{ .addr = 0x9000, .pid = 2, .size = 1, .op = OP_READ },   /* 0: another process */
		{ .addr = 0x5008, .pid = 1, .size = 4, .op = OP_FETCH },  /* 0: back to 1, forgotten */
		{ .addr = 0x5008, .pid = 1, .size = 0, .op = OP_FETCH },  /* 1: a size of 0 counts as 1 */
		{ .addr = 0, .pid = 1, .size = 0, .op = OP_EVENT },       /* 0: an event */
		{ .addr = 0x500c, .pid = 1, .size = 4, .op = OP_FETCH },  /* 0: forgotten at the event */
		{ .addr = UINT64_MAX, .pid = 1, .size = 2, .op = OP_FETCH }, /* 0: another page */
		{ .addr = UINT64_MAX, .pid = 1, .size = 2, .op = OP_FETCH }, /* 0: wraps past 2^64 */
	};
	const uint8_t want[] = { 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0 };
	uint8_t got[sizeof want];

	memset(got, 0xff, sizeof got);
	pageref_mark_repeats(t, sizeof t / sizeof t[0], 12, got);
	for (size_t i = 0; i < sizeof want; i++)
		ck_assert_msg(got[i] == want[i], "record %zu: %u, not %u", i, got[i], want[i]);
}
END_TEST

START_TEST(repeat_runs_count_each_run_backwards)
{
	/* pageref_repeat_runs, by hand: for a marked record, the records from
	 * it to the end of its run, how many are fetches and how many writes;
	 * 0 for an unmarked record. */
	const char ops[] = "FRFWWRFR";
	const uint8_t marks[] = { 0, 1, 1, 1, 0, 1, 1, 1 };
	const uint64_t want[][3] = { { 0, 0, 0 }, { 3, 1, 1 }, { 2, 1, 1 }, { 1, 0, 1 },
				     { 0, 0, 0 }, { 3, 1, 0 }, { 2, 1, 0 }, { 1, 0, 0 } };
	struct trace_rec t[8];
	uint64_t got[8];
	enum { LONG = PAGEREF_RUN_BLOCK + 10 };
	static struct trace_rec many[LONG];
	static uint8_t all[LONG];
	static uint64_t runs[LONG];

	for (size_t i = 0; i < 8; i++)
		t[i] = sim_ref(ops[i] == 'F' ? 'X' : ops[i], i);
	pageref_repeat_runs(t, marks, 8, got);
	for (size_t i = 0; i < 8; i++)
		ck_assert_msg(pageref_run_records(got[i]) == want[i][0] && pageref_run_fetches(got[i]) == want[i][1] &&
				      pageref_run_writes(got[i]) == want[i][2] && (got[i] == 0) == (want[i][0] == 0),
			      "record %zu: %u records, %u fetches, %u writes", i, pageref_run_records(got[i]),
			      pageref_run_fetches(got[i]), pageref_run_writes(got[i]));
	/* A run never crosses a multiple of PAGEREF_RUN_BLOCK records. */
	for (size_t i = 0; i < LONG; i++) {
		many[i] = sim_ref(i % 2 ? 'W' : 'X', 1);
		all[i] = 1;
	}
	pageref_repeat_runs(many, all, LONG, runs);
	ck_assert_uint_eq(pageref_run_records(runs[0]), PAGEREF_RUN_BLOCK);
	ck_assert_uint_eq(pageref_run_fetches(runs[0]), PAGEREF_RUN_BLOCK / 2);
	ck_assert_uint_eq(pageref_run_writes(runs[0]), PAGEREF_RUN_BLOCK / 2);
	ck_assert_uint_eq(pageref_run_records(runs[PAGEREF_RUN_BLOCK - 1]), 1);
	ck_assert_uint_eq(pageref_run_records(runs[PAGEREF_RUN_BLOCK]), 10);
	ck_assert_uint_eq(pageref_run_writes(runs[LONG - 1]), 1);
}
END_TEST

START_TEST(a_run_of_lru_hits_keeps_the_order_of_its_last_references)
{
	/* lru's touch only reorders, so a run of repeats (records 7-8) may
	 * come as one touch per page, in the order of their last references:
	 * fetch page 1, then data page 3. Records 0-3 make the four PTEs (a
	 * new PTE may move its leaf, and the replay then forgets the PTEs it
	 * holds); 4-6 leave LRU..MRU 1, 2, 3; after the run it is 2, 1, 3.
	 * Page 4 evicts 2, page 2 evicts 1, page 1 (a repeat, but gone)
	 * evicts 3, and page 3 evicts 4: 11 faults. Touching only the last
	 * page, or the two in the other order, gives 10. */
	const struct trace_rec t[] = { sim_ref('R', 1), sim_ref('R', 2), sim_ref('R', 3), sim_ref('R', 4),
				       sim_ref('X', 1), sim_ref('R', 2), sim_ref('R', 3), sim_ref('X', 1),
				       sim_ref('R', 3), sim_ref('R', 4), sim_ref('R', 2), sim_ref('X', 1),
				       sim_ref('R', 3) };
	struct sim_config cfg = config("lru", 3);
	struct sim_stats st = sim_replay(&cfg, t, 13);

	ck_assert_uint_eq(st.refs, 13);
	ck_assert_uint_eq(st.faults, 11);
	ck_assert_uint_eq(st.hits, 2);
	ck_assert_uint_eq(st.evictions, 8);
}
END_TEST

START_TEST(repeat_marks_only_shorten_the_replay)
{
	/* The marks say where the replay may take its short way; what it
	 * counts must not depend on them. 4,000 records of 3 processes over
	 * a few pages, mostly repeats, some across a page boundary, fed in
	 * batches of 500 with their marks, with marks made for another page
	 * size (the machine must make its own), with no repeat marked, with
	 * the marks' runs, and one record at a time; under policies that see
	 * every reference (lfu; lru, 2q and arc, whose touches only reorder,
	 * get one a page of a run), tick (aging, ws, nru) or read the bits
	 * (clock, sieve: whole runs of hits are served at once); with pages large
	 * and small; the pages close together (few page tables: PTEs walked
	 * when needed) and 2 MiB apart (over 64 tables: PTEs found ahead). */
	enum { N = 4000, BATCH = 500 };
	static struct trace_rec t[N];
	static uint8_t marks[N], wrong[N], none[N];
	static uint64_t runs[N];
	const char *const policies[] = { "lru", "lfu", "aging", "ws", "clock", "fifo", "nru", "sieve", "2q", "arc" };

	for (unsigned spread = 0; spread <= 1; spread++) {
		uint64_t x = 12345;

		for (size_t i = 0; i < N; i++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			t[i] = (struct trace_rec){
				.addr = (x >> 60 < 12 && i > 0 ? t[i - 1].addr
							       : (x >> 20) % 0x9000 + spread * ((x >> 44) % 128) * 0x200000) +
					(x >> 8) % 3,
				.pid = 1 + (x >> 58 == 0) + (x >> 58 == 1) * 2,
				.size = (uint16_t)(1 + (x >> 40) % 8),
				.op = (uint8_t)((x >> 33) % 3),
			};
		}
		for (size_t k = 0; k < sizeof policies / sizeof policies[0]; k++)
			for (unsigned shift = 8; shift <= 12; shift += 4) {
				/* Ways 0-3 give these marks (3: and their runs); 4 goes
				 * record by record. */
				const uint8_t *const given[4] = { marks, wrong, none, marks };
				struct sim_config cfg = config(policies[k], 7);
				struct sim_stats st[5];
				struct ps_error err = { "" };

				cfg.page_shift = shift;
				for (size_t from = 0; from < N; from += BATCH) {
					pageref_mark_repeats(t + from, BATCH, shift, marks + from);
					pageref_mark_repeats(t + from, BATCH, 20 - shift, wrong + from);
					pageref_repeat_runs(t + from, marks + from, BATCH, runs + from);
				}
				for (unsigned g = 0; g < 5; g++) {
					struct sim *s = sim_create(&cfg, &err);
					size_t step = g < 4 ? BATCH : 1;

					ck_assert_msg(s != NULL, "%s", err.msg);
					for (size_t from = 0; from < N; from += step) {
						const struct trace_batch b = {
							.recs = t + from, .n = step,
							.repeats = g < 4 ? given[g] + from : NULL,
							.runs = g == 3 ? runs + from : NULL,
							.repeats_shift = g == 1 ? 20 - shift : shift,
						};

						ck_assert_msg(sim_feed_batch(s, &b, &err) == 0, "%s", err.msg);
					}
					sim_get_stats(s, &st[g]);
					sim_destroy(s);
				}
				ck_assert_msg(st[0].faults > 50 && st[0].hits > 2000,
					      "%s: %" PRIu64 " faults, %" PRIu64 " hits", policies[k], st[0].faults,
					      st[0].hits);
				for (unsigned g = 1; g < 5; g++)
					ck_assert_msg(memcmp(&st[0], &st[g], sizeof st[0]) == 0,
						      "%s, shift %u, spread %u: way %u differs", policies[k], shift,
						      spread, g);
			}
	}
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
	const struct trace_rec t[] = { sim_ref('R', 10), sim_ref('W', 11), sim_ref('R', 12), sim_ref('R', 13) };
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

/* A fifo machine of one frame and one swap slot. */
static struct sim *one_frame_one_slot(void)
{
	struct sim_config cfg = config("fifo", 1);
	struct ps_error err = { "" };
	struct sim *s;

	cfg.swap_slots = 1;
	s = sim_create(&cfg, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	return s;
}

START_TEST(full_swap_is_an_error_not_a_crash)
{
	const struct trace_rec t[] = { sim_ref('W', 0), sim_ref('W', 1), sim_ref('W', 2) };
	struct ps_error err = { "" };
	struct sim_stats st;
	struct sim *s = one_frame_one_slot();

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

/* The record of process 1's fork of process 2 (line 3), its event added
 * to t. */
static struct trace_rec fork_record(struct trace_events *t)
{
	const struct trace_event fork_ev = { .kind = EV_FORK, .pid = 1, .child = 2, .line = 3 };

	return (struct trace_rec){ .addr = trace_events_add(t, &fork_ev), .pid = 1, .op = OP_EVENT, .flags = EV_FORK };
}

START_TEST(full_swap_during_a_copy_on_write_keeps_the_counters_whole)
{
	/* One frame, one swap slot: page 0 goes to swap, page 1 is resident
	 * and shared after the fork, and the parent's write to it must copy:
	 * the eviction that would make room finds the swap device full. The
	 * counters stop before that fault: it and its kind are counted
	 * together (fuzz_machine found the fault counted without its kind). */
	struct trace_events *t = trace_events_create("t.trace", false);
	const struct trace_rec recs[] = {
		sim_ref('W', 0),
		sim_ref('W', 1),
		fork_record(t),
		sim_ref('W', 1),
	};
	const uint64_t lines[] = { 1, 2, 3, 4 };
	const struct trace_batch b = { .recs = recs, .lines = lines, .events = t, .n = 4 };
	struct ps_error err = { "" };
	struct sim_stats st;
	struct sim *s = one_frame_one_slot();

	ck_assert_int_eq(sim_feed_batch(s, &b, &err), -1);
	ck_assert_msg(strstr(err.msg, "swap device full") != NULL, "%s", err.msg);
	sim_get_stats(s, &st);
	ck_assert_uint_eq(st.faults, 2);
	ck_assert_uint_eq(st.zero_fills, 2);
	ck_assert_uint_eq(st.cow_copies + st.cow_reuses, 0);
	ck_assert_uint_eq(st.faults, st.zero_fills + st.file_reads + st.swap_reads + st.minor_faults +
					     st.cow_copies + st.cow_reuses);
	sim_destroy(s);
	trace_events_destroy(t);
}
END_TEST

START_TEST(access_across_a_page_boundary)
{
	struct trace_rec t = { .addr = 0x1ffe, .pid = 1, .size = 4, .op = OP_WRITE };
	struct sim_config cfg = config("fifo", 4);
	struct sim_stats st = sim_replay(&cfg, &t, 1);

	ck_assert_uint_eq(st.refs, 2);
	ck_assert_uint_eq(st.writes, 2);
	ck_assert_uint_eq(st.distinct_pages, 2);
	cfg.span_pages = false;
	st = sim_replay(&cfg, &t, 1);
	ck_assert_uint_eq(st.refs, 1);
	ck_assert_uint_eq(st.distinct_pages, 1);
}
END_TEST

START_TEST(processes_have_separate_address_spaces)
{
	struct trace_rec t[] = { sim_ref('R', 5), sim_ref('R', 5), sim_ref('X', 5), sim_ref('R', 5) };
	struct sim_config cfg = config("fifo", 8);
	struct sim_stats st;

	t[1].pid = 2;
	t[2].pid = 7;
	st = sim_replay(&cfg, t, 4);
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

/* ---- the policy interface's extras: params, ticks, virtual time ---- */

/* A test policy: FIFO over frames by number, recording ticks, touches
 * and what it was configured with. Its touch only records, so it may
 * declare touch_orders_only: the touches it records are the core's. */
struct probe_state {
	const struct policy_host *host;
	uint32_t frames, next_victim;
	double param;
	uint64_t ticks[16];
	int nticks;
	uint64_t now_at_evict[16];
	int nevicts;
	struct policy_ref touched[16];
	uint32_t touched_frame[16];
	int ntouched;
};

static const struct policy_param probe_params[] = {
	{ .name = "every", .help = "tick interval", .def = 3, .min = 1, .max = 100, .integer = true },
	{ .name = NULL },
};

static size_t probe_size(const struct policy_config *cfg)
{
	return sizeof(struct probe_state);
}

static void probe_init(void *state, const struct policy_config *cfg)
{
	struct probe_state *s = state;

	s->host = cfg->host;
	s->frames = cfg->frames;
	s->param = cfg->params[0];
}

static void probe_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
}

static void probe_touch(void *state, uint32_t frame, const struct policy_ref *ref)
{
	struct probe_state *s = state;

	ck_assert_int_lt(s->ntouched, 16);
	s->touched_frame[s->ntouched] = frame;
	s->touched[s->ntouched++] = *ref;
}

static uint32_t probe_evict(void *state)
{
	struct probe_state *s = state;
	uint32_t victim = s->next_victim;

	s->now_at_evict[s->nevicts++] = s->host->now(s->host->machine);
	s->next_victim = (victim + 1) % s->frames;
	return victim;
}

static void probe_forget(void *state, uint32_t frame)
{
}

static uint64_t probe_tick(void *state, uint64_t now)
{
	struct probe_state *s = state;

	ck_assert_int_lt(s->nticks, 16);
	s->ticks[s->nticks++] = now;
	return now + (uint64_t)s->param;
}

static const struct policy probe_policy = {
	.abi = PAGESIM_POLICY_ABI,
	.name = "probe",
	.summary = "test policy",
	.state_size = probe_size,
	.init = probe_init,
	.admit = probe_admit,
	.touch = probe_touch,
	.evict = probe_evict,
	.forget = probe_forget,
	.params = probe_params,
	.tick = probe_tick,
	.touch_orders_only = true,
};

/* Replay t[0..n) in one batch on a machine of frames frames under the
 * probe with params (NULL: defaults); return a copy of its final state. */
static struct probe_state probe_replay(const struct trace_rec *t, size_t n, uint32_t frames, const double *params)
{
	struct sim_config cfg = config("fifo", frames);
	struct ps_error err;
	struct probe_state copy;
	struct sim *s;

	cfg.policy = &probe_policy;
	cfg.policy_params = params;
	s = sim_create(&cfg, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_int_eq(sim_feed(s, t, n, &err), 0);
	copy = *(struct probe_state *)sim_policy_state(s);
	sim_destroy(s);
	return copy;
}

/* Replay nrefs references to distinct pages on a 2-frame machine under the
 * probe with params (NULL: defaults); return a copy of its final state. */
static struct probe_state probe_run(const double *params, size_t nrefs)
{
	struct trace_rec t[16];

	for (size_t i = 0; i < nrefs; i++)
		t[i] = sim_ref('R', i);
	return probe_replay(t, nrefs, 2, params);
}

START_TEST(ticks_come_when_the_policy_asks)
{
	const double every_four[] = { 4 };
	struct probe_state st = probe_run(NULL, 10);

	/* Default interval 3: before references 0, 3, 6 and 9. */
	ck_assert_int_eq(st.nticks, 4);
	ck_assert_uint_eq(st.ticks[0], 0);
	ck_assert_uint_eq(st.ticks[1], 3);
	ck_assert_uint_eq(st.ticks[3], 9);
	ck_assert(st.param == 3);
	st = probe_run(every_four, 10);
	ck_assert(st.param == 4);
	ck_assert_int_eq(st.nticks, 3);
	ck_assert_uint_eq(st.ticks[2], 8);
}
END_TEST

/* Whether touch k of st was to frame f, for reference now of page page,
 * writing or not. */
static void assert_touch(const struct probe_state *st, int k, uint32_t f, uint64_t now, uint64_t page, bool write)
{
	ck_assert_int_lt(k, st->ntouched);
	ck_assert_msg(st->touched_frame[k] == f && st->touched[k].now == now && st->touched[k].page == page &&
			      st->touched[k].write == write,
		      "touch %d: frame %u, now %" PRIu64 ", page %" PRIu64 ", write %d", k, st->touched_frame[k],
		      st->touched[k].now, st->touched[k].page, st->touched[k].write);
}

START_TEST(a_run_of_hits_touches_each_page_once_with_its_last_reference)
{
	/* Records 4-7 are a run of repeats (fetch page 1, read and write page
	 * 2). A policy whose touch only reorders (the probe) gets the last touch of each
	 * page, in their order: page 1 as reference 6 saw it, then page 2 as
	 * reference 7 (a write). Records 2 and 3 are hits the long way (0 and
	 * 1 made the PTEs; the replay forgets PTEs when a leaf moves). With a
	 * tick due before reference 7, the run's last, the run is served
	 * record by record: a touch for each of 4 to 7, and the tick at 7. */
	const struct trace_rec t[] = { sim_ref('R', 1), sim_ref('R', 2), sim_ref('X', 1), sim_ref('R', 2),
				       sim_ref('X', 1), sim_ref('R', 2), sim_ref('X', 1), sim_ref('W', 2),
				       sim_ref('R', 3) };
	const double every_100[] = { 100 }, every_7[] = { 7 };
	struct probe_state st = probe_replay(t, 9, 4, every_100);

	ck_assert_int_eq(st.ntouched, 4);
	assert_touch(&st, 0, 0, 2, 1, false);
	assert_touch(&st, 1, 1, 3, 2, false);
	assert_touch(&st, 2, 0, 6, 1, false);
	assert_touch(&st, 3, 1, 7, 2, true);
	st = probe_replay(t, 9, 4, every_7);
	ck_assert_int_eq(st.nticks, 2);
	ck_assert_uint_eq(st.ticks[1], 7);
	ck_assert_int_eq(st.ntouched, 6);
	assert_touch(&st, 2, 0, 4, 1, false);
	assert_touch(&st, 3, 1, 5, 2, false);
	assert_touch(&st, 4, 0, 6, 1, false);
	assert_touch(&st, 5, 1, 7, 2, true);
}
END_TEST

START_TEST(a_write_in_a_run_of_hits_to_a_shared_page_copies_it)
{
	/* After the fork (record 2) the parent's pages are read-only and
	 * shared. Records 5-7 are a run of repeats ending in a write to page
	 * 1: not a hit but a copy-on-write fault, so the run cannot be served
	 * at once. 7 accesses: 2 zero-fills, 4 hits, 1 copy. */
	struct trace_events *ev = trace_events_create("t.trace", false);
	const struct trace_rec recs[] = {
		sim_ref('R', 1), sim_ref('X', 2), fork_record(ev),
		sim_ref('R', 1), sim_ref('X', 2), sim_ref('R', 1), sim_ref('X', 2), sim_ref('W', 1),
	};
	const struct trace_batch b = { .recs = recs, .events = ev, .n = 8 };
	struct sim_config cfg = config("fifo", 4);
	struct ps_error err = { "" };
	struct sim_stats st;
	struct sim *s = sim_create(&cfg, &err);

	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_msg(sim_feed_batch(s, &b, &err) == 0, "%s", err.msg);
	sim_get_stats(s, &st);
	ck_assert_uint_eq(st.refs, 7);
	ck_assert_uint_eq(st.hits, 4);
	ck_assert_uint_eq(st.faults, 3);
	ck_assert_uint_eq(st.zero_fills, 2);
	ck_assert_uint_eq(st.cow_copies, 1);
	sim_destroy(s);
	trace_events_destroy(ev);
}
END_TEST

START_TEST(host_now_is_the_reference_being_served)
{
	struct probe_state st = probe_run(NULL, 5);

	/* Two frames, every reference a new page: references 2, 3, 4 evict. */
	ck_assert_int_eq(st.nevicts, 3);
	ck_assert_uint_eq(st.now_at_evict[0], 2);
	ck_assert_uint_eq(st.now_at_evict[2], 4);
}
END_TEST

Suite *make_sim_suite(void)
{
	const TTest *const frames_tests[] = { frames_hand_out_lowest_first };
	const TTest *const model_tests[] = {
		swap_round_trip_with_one_frame, hits_set_dirty_bit_that_eviction_sees,
		repeated_pages_count_as_the_long_way, repeat_marks_follow_each_kind,
		repeat_runs_count_each_run_backwards, a_run_of_lru_hits_keeps_the_order_of_its_last_references,
		repeat_marks_only_shorten_the_replay,
		evict_hook_sees_the_reverse_map, full_swap_is_an_error_not_a_crash,
		full_swap_during_a_copy_on_write_keeps_the_counters_whole,
		access_across_a_page_boundary, processes_have_separate_address_spaces,
		thirty_two_bit_space_ends_at_4_gib, bad_configurations_are_refused,
		ticks_come_when_the_policy_asks, host_now_is_the_reference_being_served,
		a_run_of_hits_touches_each_page_once_with_its_last_reference,
		a_write_in_a_run_of_hits_to_a_shared_page_copies_it
	};
	Suite *s = suite_create("sim");

	SUITE_ADD_TESTS(s, "frames", 0, frames_tests);
	SUITE_ADD_TESTS(s, "model", 0, model_tests);
	return s;
}
