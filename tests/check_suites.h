/* check_suites.h - one Suite constructor per module under test. */
#ifndef PAGESIM_CHECK_SUITES_H
#define PAGESIM_CHECK_SUITES_H

#include <check.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Check's ck_assert macros write a "mark point" to the parent process on
 * every check that *passes*; on per-reference paths that is millions of
 * system calls. These test first and call Check only on failure. */
#define QUIET_ASSERT(expr)                                            \
	do {                                                          \
		if (!(expr))                                          \
			ck_abort_msg("Assertion '%s' failed", #expr); \
	} while (0)
#define QUIET_ASSERT_MSG(expr, ...)                \
	do {                                       \
		if (!(expr))                       \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* Adds to s a test case called name holding the n tests of tests, in
 * their order, with a timeout of timeout seconds (0 keeps Check's
 * default). Returns the test case, for loop tests to join it. */
TCase *suite_add_tests(Suite *s, const char *name, int timeout, const TTest *const tests[], size_t n);
#define SUITE_ADD_TESTS(s, name, timeout, tests)                                                             \
	suite_add_tests((s), (name), (timeout), (tests), ARRAY_LEN(tests))

Suite *make_pagetable_suite(void);
Suite *make_swap_suite(void);
Suite *make_tlb_suite(void);
Suite *make_sim_suite(void);
Suite *make_trace_common_suite(void);
Suite *make_trace_lackey_suite(void);
Suite *make_trace_addrrw_suite(void);
Suite *make_trace_pages_suite(void);
Suite *make_trace_native_suite(void);
Suite *make_trace_compress_suite(void);
Suite *make_trace_binary_suite(void);
Suite *make_trace_events_suite(void);
Suite *make_trace_event_suite(void);
Suite *make_policies_suite(void);
Suite *make_gen_suite(void);
Suite *make_experiment_suite(void);
Suite *make_cost_suite(void);
Suite *make_policies_bits_suite(void);
Suite *make_results_suite(void);
Suite *make_policies_ghost_suite(void);
Suite *make_policies_lirs_suite(void);
Suite *make_policies_ws_suite(void);
Suite *make_mrc_suite(void);
Suite *make_options_suite(void);
Suite *make_stats_suite(void);
Suite *make_schedule_suite(void);
Suite *make_interleave_suite(void);

#endif
