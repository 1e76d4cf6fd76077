/* tests/tracing_cases.h: the tracing collectors' test cases.
 *
 * tests/tracing_cases.c is written once against mmb/object.h and compiled
 * once per tracing collector (-DMMB_GC_<NAME>) into tests/libtracing_<gcid>.a;
 * each case is a plain function that uses Check's assertions and is run as a
 * test by tests/check_tracing.c: mmb_tracing_<case>__<gcid>().
 */
#ifndef MMB_TESTS_TRACING_CASES_H
#define MMB_TESTS_TRACING_CASES_H

/* The collectors instantiated. */
#define MMB_TRACING_COLLECTORS(X) \
    X(marksweep)                  \
    X(semispace)

/* Cases that pass by returning: X(case, gcid). */
#define MMB_TRACING_CASES(X, gcid) \
    X(cycle, gcid)                 \
    X(chain, gcid)                 \
    X(growth, gcid)                \
    X(dag, gcid)                   \
    X(limit_collects, gcid)        \
    X(configs_agree, gcid)

/* Cases that pass by exiting with status 3 (a clean OOM). */
#define MMB_TRACING_OOM_CASES(X, gcid) \
    X(oom_limit, gcid)                 \
    X(oom_huge, gcid)

#define MMB_TRACING_DECLARE(name, gcid) void mmb_tracing_##name##__##gcid(void);
#define MMB_TRACING_DECLARE_ALL(gcid)                 \
    MMB_TRACING_CASES(MMB_TRACING_DECLARE, gcid)      \
    MMB_TRACING_OOM_CASES(MMB_TRACING_DECLARE, gcid)

MMB_TRACING_COLLECTORS(MMB_TRACING_DECLARE_ALL)

#endif
