/* tests/check_tracing.c: the tracing collectors, marksweep and semispace.
 *
 * The cases that need an instantiated collector live in
 * tests/tracing_cases.c (compiled once per collector into
 * tests/libtracing_<gcid>.a); this file checks the descriptors and runs those
 * cases, one tcase per collector, the OOM cases as exit tests (status 3). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "mmb/collector.h"
#include "suites.h"
#include "tracing_cases.h"

#define CASE_TIMEOUT_S 60 /* the million-object chain in a -O0 build */

extern const mmb_gc_desc mmb_gc_desc_marksweep;
extern const mmb_gc_desc mmb_gc_desc_semispace;

static const mmb_optdesc *find_opt(const mmb_gc_desc *d, const char *name)
{
    for (const mmb_optdesc *o = d->opts; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

/* Both manage their own heap (allocator "own"), have one generation, and
 * offer the options the contract names with its defaults and ranges. */
START_TEST(t_descriptors)
{
    const mmb_gc_desc *ms = &mmb_gc_desc_marksweep, *ss = &mmb_gc_desc_semispace;
    ck_assert_str_eq(ms->name, "marksweep");
    ck_assert_str_eq(ss->name, "semispace");
    ck_assert_uint_eq(ms->alloc_mask, 0);
    ck_assert_uint_eq(ss->alloc_mask, 0);
    ck_assert_int_eq(ms->ngens, 1);
    ck_assert_int_eq(ss->ngens, 1);
    const mmb_optdesc *sweep = find_opt(ms, "sweep"), *growth = find_opt(ms, "growth");
    ck_assert_ptr_nonnull(sweep);
    ck_assert_int_eq(sweep->type, MMB_OPT_ENUM);
    ck_assert_str_eq(sweep->choices, "lazy|eager");
    ck_assert_double_eq(sweep->def, 0);
    ck_assert_ptr_nonnull(growth);
    ck_assert_double_eq(growth->def, 2.0);
    ck_assert_double_eq(growth->min, 1.1);
    ck_assert_double_eq(growth->max, 10.0);
    ck_assert_int_eq(find_opt(ms, "heap")->type, MMB_OPT_SIZE);
    ck_assert_int_eq(find_opt(ss, "heap")->type, MMB_OPT_SIZE);
    ck_assert_double_eq(find_opt(ss, "heap")->def, 64.0 * 1024 * 1024);
}
END_TEST

#define WRAP(name, gcid)                                                      \
    START_TEST(t_##name##__##gcid) { mmb_tracing_##name##__##gcid(); }        \
    END_TEST
#define WRAP_ALL(gcid) MMB_TRACING_CASES(WRAP, gcid) MMB_TRACING_OOM_CASES(WRAP, gcid)
MMB_TRACING_COLLECTORS(WRAP_ALL)

#define ADD(name, gcid) tcase_add_test(tc, t_##name##__##gcid);
#define ADD_OOM(name, gcid) tcase_add_exit_test(tc, t_##name##__##gcid, 3);
#define ADD_TCASE(gcid)                                                       \
    tc = tcase_create(#gcid);                                                 \
    tcase_set_timeout(tc, CASE_TIMEOUT_S);                                    \
    MMB_TRACING_CASES(ADD, gcid)                                              \
    MMB_TRACING_OOM_CASES(ADD_OOM, gcid)                                      \
    suite_add_tcase(s, tc);

Suite *make_tracing_suite(void)
{
    Suite *s = suite_create("tracing");
    TCase *tc = tcase_create("descriptors");
    tcase_add_test(tc, t_descriptors);
    suite_add_tcase(s, tc);
    MMB_TRACING_COLLECTORS(ADD_TCASE)
    return s;
}
