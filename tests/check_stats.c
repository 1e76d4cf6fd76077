/* tests/check_stats.c: pause histogram, pause summary and MMU on synthetic
 * pause logs (no timing involved: the clock values are made up). */
#include "mmb/histogram.h"
#include "mmb/stats.h"
#include "suites.h"

START_TEST(histogram_index_is_monotonic_and_tight)
{
    unsigned prev = 0;
    for (uint64_t v = 1; v < (1ull << 40); v += v / 7 + 1) {
        unsigned i = mmb_hist_index(v);
        ck_assert_uint_ge(i, prev);
        ck_assert_uint_le(mmb_hist_lower(i), v);
        ck_assert_uint_gt(mmb_hist_lower(i + 1), v);
        /* relative width of the bucket is at most 1/SUB */
        ck_assert_uint_le(mmb_hist_lower(i + 1) - mmb_hist_lower(i), v / MMB_HIST_SUB + 1);
        prev = i;
    }
}
END_TEST

START_TEST(quantiles)
{
    static mmb_hist h;
    mmb_hist_init(&h);
    for (uint64_t v = 1; v <= 1000; v++)
        mmb_hist_add(&h, v * 1000);
    uint64_t p50 = mmb_hist_quantile(&h, 0.5), p99 = mmb_hist_quantile(&h, 0.99);
    ck_assert_uint_ge(p50, 485000);
    ck_assert_uint_le(p50, 515000);
    ck_assert_uint_ge(p99, 960000);
    ck_assert_uint_le(p99, 1000000);
    ck_assert_uint_eq(mmb_hist_quantile(&h, 1.0), 1000000);
}
END_TEST

/* A 100 ms region with a 5 ms pause every 20 ms. */
static void synthetic_log(void)
{
    mmb_metrics_reset();
    mmb_metrics_g.timing = 1;
    mmb_metrics_g.t0_ns = 0;
    mmb_metrics_g.t1_ns = 100000000;
    for (uint64_t t = 10000000; t < 100000000; t += 20000000)
        mmb_pause_log_push(t, t + 5000000, MMB_PAUSE_MINOR);
    mmb_metrics_g.timing = 0;
}

START_TEST(pause_summary)
{
    synthetic_log();
    mmb_pause_summary s;
    mmb_pauses_summarise(&s);
    ck_assert_uint_eq(s.count, 5);
    ck_assert_double_eq_tol(s.total_ms, 25.0, 1e-9);
    ck_assert_double_eq_tol(s.max_ms, 5.0, 1e-9);
    ck_assert_double_eq_tol(s.p50_ms, 5.0, 0.2);
}
END_TEST

START_TEST(mmu_bounds_and_monotonic)
{
    synthetic_log();
    ck_assert_double_eq_tol(mmb_mmu(1), 0.0, 1e-9);   /* a 1 ms window inside a pause */
    ck_assert_double_eq_tol(mmb_mmu(100), 0.75, 1e-9); /* the whole region */
    double prev = 0;
    for (double w = 0.5; w <= 100; w *= 1.5) {
        double u = mmb_mmu(w);
        ck_assert(u >= 0 && u <= 1);
        ck_assert(u >= prev - 1e-12);
        prev = u;
    }
    /* a 10 ms window holds at most one 5 ms pause */
    ck_assert_double_eq_tol(mmb_mmu(10), 0.5, 1e-9);
}
END_TEST

START_TEST(pauses_outside_timed_region_are_not_logged)
{
    mmb_metrics_reset();
    mmb_pause_begin(MMB_PAUSE_MAJOR);
    mmb_pause_end();
    ck_assert_uint_eq(mmb_metrics_g.npauses, 0);
    mmb_metrics_begin();
    mmb_pause_begin(MMB_PAUSE_MAJOR);
    mmb_pause_begin(MMB_PAUSE_MINOR); /* nested: one pause */
    mmb_pause_end();
    mmb_pause_end();
    mmb_metrics_end();
    ck_assert_uint_eq(mmb_metrics_g.npauses, 1);
    ck_assert_uint_eq(mmb_metrics_g.pauses[0].kind, MMB_PAUSE_MAJOR);
}
END_TEST

START_TEST(accounting_peaks)
{
    mmb_metrics_reset();
    mmb_acct_alloc(100);
    mmb_acct_alloc(50);
    mmb_acct_free(100);
    mmb_acct_alloc(20);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 70);
    ck_assert_uint_eq(mmb_metrics_g.peak_live_bytes, 150);
    ck_assert_uint_eq(mmb_metrics_g.allocs, 3);
    mmb_acct_heap(4096);
    mmb_acct_heap(-4096);
    ck_assert_uint_eq(mmb_metrics_g.peak_heap_bytes, 4096);
}
END_TEST

Suite *make_stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, histogram_index_is_monotonic_and_tight);
    tcase_add_test(tc, quantiles);
    tcase_add_test(tc, pause_summary);
    tcase_add_test(tc, mmu_bounds_and_monotonic);
    tcase_add_test(tc, pauses_outside_timed_region_are_not_logged);
    tcase_add_test(tc, accounting_peaks);
    suite_add_tcase(s, tc);
    return s;
}
