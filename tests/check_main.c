/* tests/check_main.c: the one runner for every Check suite.
 * Honours CK_RUN_SUITE / CK_RUN_CASE (pick one) and CK_VERBOSITY, as Check
 * does itself; the summary line ends up in tests/check_mmb.log. */
#include <stdlib.h>

#include "suites.h"

typedef Suite *(*suite_fn)(void);

static const suite_fn suites[] = {
    make_options_suite,
    make_stats_suite,
    make_alloc_suite,
    make_driver_suite,
    make_oracle_suite,
    make_rc_suite,
    make_tracing_suite,
    make_gen_suite,
    make_workloads_suite,
    make_compare_suite,
    make_trace_suite,
    make_limits_suite,
    make_peers_suite,
    make_gc_suite,
};

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
