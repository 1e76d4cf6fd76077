/* tests/suites.h: one Suite constructor per tests/check_<subsys>.c. */
#ifndef MMB_TESTS_SUITES_H
#define MMB_TESTS_SUITES_H

#include <check.h>

Suite *make_options_suite(void);
Suite *make_stats_suite(void);
Suite *make_alloc_suite(void);
Suite *make_driver_suite(void);
Suite *make_oracle_suite(void);
Suite *make_rc_suite(void);
Suite *make_tracing_suite(void);
Suite *make_gen_suite(void);
Suite *make_workloads_suite(void);
Suite *make_compare_suite(void);
Suite *make_trace_suite(void);
Suite *make_limits_suite(void);
Suite *make_peers_suite(void);
Suite *make_gc_suite(void);

#endif
