/* check_suites.h - one Suite constructor per module under test. */
#ifndef PAGESIM_CHECK_SUITES_H
#define PAGESIM_CHECK_SUITES_H

#include <check.h>

Suite *make_pagetable_suite(void);
Suite *make_swap_suite(void);
Suite *make_sim_suite(void);
Suite *make_trace_suite(void);
Suite *make_policies_suite(void);
Suite *make_gen_suite(void);
Suite *make_experiment_suite(void);
Suite *make_policies_bits_suite(void);
Suite *make_results_suite(void);
Suite *make_policies_ghost_suite(void);
Suite *make_policies_lirs_suite(void);

#endif
