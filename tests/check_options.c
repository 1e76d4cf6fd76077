/* tests/check_options.c: the option table parser (sizes, ranges, enums,
 * unknown and repeated keys). */
#include <string.h>

#include "mmb/options.h"
#include "suites.h"

static const mmb_optdesc table_a[] = {
    {"live", MMB_OPT_INT, 100, 1, 1000, NULL, "count"},
    {"heap", MMB_OPT_SIZE, 4096, 1024, 1e12, NULL, "bytes"},
    {"dist", MMB_OPT_ENUM, 0, 0, 2, "uniform|pareto|fixed", "shape"},
    {0},
};
static const mmb_optdesc table_b[] = {
    {"growth", MMB_OPT_DOUBLE, 2.0, 1.1, 10, NULL, "factor"},
    {"live", MMB_OPT_INT, 7, 0, 5, NULL, "shadowed by table_a"},
    {0},
};

static mmb_optvals ov;
static char err[256];

static void setup(void)
{
    const mmb_optdesc *t[] = {table_a, table_b};
    mmb_opts_init(&ov, t, 2);
    err[0] = 0;
}

START_TEST(defaults_and_sharing)
{
    ck_assert_int_eq(ov.n, 4);
    ck_assert_int_eq(mmb_opt_int(&ov, "live"), 100);
    ck_assert_double_eq(mmb_opt_get(&ov, "growth"), 2.0);
    ck_assert(mmb_opt_has(&ov, "heap"));
    ck_assert(!mmb_opt_has(&ov, "nokey"));
}
END_TEST

START_TEST(sizes_take_suffixes)
{
    ck_assert_int_eq(mmb_opts_apply(&ov, "heap=4M", err, sizeof err), 0);
    ck_assert_int_eq(mmb_opt_int(&ov, "heap"), 4 << 20);
    setup();
    ck_assert_int_eq(mmb_opts_apply(&ov, "heap=2KiB", err, sizeof err), 0);
    ck_assert_int_eq(mmb_opt_int(&ov, "heap"), 2048);
    setup();
    ck_assert_int_eq(mmb_opts_apply(&ov, "heap=1g", err, sizeof err), 0);
    ck_assert_int_eq(mmb_opt_int(&ov, "heap"), 1 << 30);
}
END_TEST

static const char *const bad[] = {
    "live=-5", "live=abc", "live=0", "live=1001", "live=", "live=12x", "live=1e3",
    "live=99999999999999999999999", "heap=4Q", "heap=4MM", "heap=-1K", "heap=10",
    "dist=gaussian", "growth=1.0", "growth=nan", "growth=inf", "nokey=1", "live", "=5",
};

START_TEST(bad_values_are_errors)
{
    setup();
    ck_assert_int_eq(mmb_opts_apply(&ov, bad[_i], err, sizeof err), -1);
    ck_assert(strlen(err) > 0);
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(repeated_key_is_an_error)
{
    ck_assert_int_eq(mmb_opts_apply(&ov, "live=5", err, sizeof err), 0);
    ck_assert_int_eq(mmb_opts_apply(&ov, "live=6", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "twice"));
}
END_TEST

START_TEST(enum_and_format)
{
    char buf[64];
    ck_assert_int_eq(mmb_opts_apply(&ov, "dist=pareto", err, sizeof err), 0);
    ck_assert_int_eq(mmb_opt_int(&ov, "dist"), 1);
    mmb_opt_format(&ov, 2, buf, sizeof buf);
    ck_assert_str_eq(buf, "pareto");
    ck_assert_int_eq(mmb_opts_apply(&ov, "heap=3M", err, sizeof err), 0);
    mmb_opt_format(&ov, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "3M");
}
END_TEST

Suite *make_options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, defaults_and_sharing);
    tcase_add_test(tc, sizes_take_suffixes);
    tcase_add_loop_test(tc, bad_values_are_errors, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, repeated_key_is_an_error);
    tcase_add_test(tc, enum_and_format);
    suite_add_tcase(s, tc);
    return s;
}
