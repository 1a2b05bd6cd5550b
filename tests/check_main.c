/* check_main.c - runs every Check suite; exit status 0 only if all pass. */
#include "config.h"

#include <stdlib.h>

#include "check_suites.h"

int main(void)
{
	SRunner *sr = srunner_create(make_pagetable_suite());
	int failed;

	srunner_add_suite(sr, make_swap_suite());
	srunner_add_suite(sr, make_tlb_suite());
	srunner_add_suite(sr, make_sim_suite());
	srunner_add_suite(sr, make_trace_common_suite());
	srunner_add_suite(sr, make_trace_lackey_suite());
	srunner_add_suite(sr, make_trace_addrrw_suite());
	srunner_add_suite(sr, make_trace_pages_suite());
	srunner_add_suite(sr, make_trace_native_suite());
	srunner_add_suite(sr, make_trace_compress_suite());
	srunner_add_suite(sr, make_trace_binary_suite());
	srunner_add_suite(sr, make_trace_events_suite());
	srunner_add_suite(sr, make_trace_event_suite());
	srunner_add_suite(sr, make_policies_suite());
	srunner_add_suite(sr, make_gen_suite());
	srunner_add_suite(sr, make_experiment_suite());
	srunner_add_suite(sr, make_cost_suite());
	srunner_add_suite(sr, make_policies_bits_suite());
	srunner_add_suite(sr, make_results_suite());
	srunner_add_suite(sr, make_policies_ghost_suite());
	srunner_add_suite(sr, make_policies_lirs_suite());
	srunner_add_suite(sr, make_policies_ws_suite());
	srunner_add_suite(sr, make_mrc_suite());
	srunner_add_suite(sr, make_options_suite());
	srunner_add_suite(sr, make_stats_suite());
	srunner_add_suite(sr, make_schedule_suite());
	srunner_add_suite(sr, make_interleave_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
