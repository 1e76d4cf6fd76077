/* tests/check_trace.c: tracemalloc (mmb/trace.h).
 *
 * Here, with no collector: the listing's number format and lines, the
 * ordering of statistics and differences on snapshots built by hand, and
 * the hash table under a quarter of a million traced objects (inserted,
 * freed in random order, moved, replaced when stale). The cases that need a
 * collector are in tests/trace_cases.c, compiled once per collector into
 * tests/libtrace_<gcid>.a; make_trace_suite() adds their TCases. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/object.h"
#include "mmb/trace.h"
#include "rng.h"
#include "suites.h"

TCase *mmb_trace_tcase__manual(void);
TCase *mmb_trace_tcase__rc(void);
TCase *mmb_trace_tcase__rccycle(void);
TCase *mmb_trace_tcase__marksweep(void);
TCase *mmb_trace_tcase__semispace(void);
TCase *mmb_trace_tcase__gen(void);

#define FAKE_OBJS 250000 /* objects of the table stress test */

static const char *fmt(double size, int sign)
{
    static char buf[8][32];
    static int k;
    char *b = buf[k++ % 8];
    mmb_trace_format_size(b, 32, size, sign);
    return b;
}

/* As Python's tracemalloc._format_size writes them. */
START_TEST(t_format_size)
{
    ck_assert_str_eq(fmt(0, 0), "0 B");
    ck_assert_str_eq(fmt(32, 0), "32 B");
    ck_assert_str_eq(fmt(10239, 0), "10239 B");
    ck_assert_str_eq(fmt(10240, 0), "10.0 KiB");
    ck_assert_str_eq(fmt(12800, 0), "12.5 KiB");
    ck_assert_str_eq(fmt(80000, 0), "78.1 KiB");
    ck_assert_str_eq(fmt(6400000, 0), "6250 KiB");
    ck_assert_str_eq(fmt(20.0 * 1024 * 1024, 0), "20.0 MiB");
    ck_assert_str_eq(fmt(12800, 1), "+12.5 KiB");
    ck_assert_str_eq(fmt(-96, 1), "-96 B");
    ck_assert_str_eq(fmt(0, 1), "+0 B");
    ck_assert_str_eq(fmt(3e15, 0), "2728 TiB");
}
END_TEST

static char *listing(const mmb_trace_stat *st, const mmb_trace_diff *d, size_t n, int limit)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    if (st)
        mmb_trace_print_stats(f, st, n, limit);
    else
        mmb_trace_print_diffs(f, d, n, limit);
    fclose(f);
    return text;
}

START_TEST(t_print)
{
    mmb_trace_stat st[2] = {{"bench/wl_cycles.c", 57, 6400000, 200000}, {"x.c", 1, 0, 0}};
    char *text = listing(st, NULL, 2, 1);
    ck_assert_str_eq(text, "bench/wl_cycles.c:57: size=6250 KiB, count=200000, average=32 B\n");
    free(text);
    text = listing(st, NULL, 2, 0);
    ck_assert_str_eq(text, "bench/wl_cycles.c:57: size=6250 KiB, count=200000, average=32 B\n"
                           "x.c:1: size=0 B, count=0\n");
    free(text);
    mmb_trace_diff d = {"a.c", 3, 12800, 400, 12800, 400};
    text = listing(NULL, &d, 1, 5);
    ck_assert_str_eq(text, "a.c:3: size=12.5 KiB (+12.5 KiB), count=400 (+400), average=32 B\n");
    free(text);
}
END_TEST

static mmb_trace_snapshot snap(mmb_trace_stat *st, size_t n)
{
    return (mmb_trace_snapshot){st, n, 0};
}

/* Size, then count, descending; equal figures by site name. */
START_TEST(t_statistics_order)
{
    mmb_trace_stat st[4] = {
        {"b.c", 1, 100, 1}, {"a.c", 2, 300, 3}, {"a.c", 1, 300, 9}, {"c.c", 1, 100, 1}};
    mmb_trace_snapshot s = snap(st, 4);
    size_t n;
    mmb_trace_stat *out = mmb_trace_statistics(&s, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(out[0].line, 1);
    ck_assert_uint_eq(out[0].count, 9);
    ck_assert_int_eq(out[1].line, 2);
    ck_assert_str_eq(out[2].file, "b.c");
    ck_assert_str_eq(out[3].file, "c.c");
    ck_assert_str_eq(st[0].file, "b.c"); /* the snapshot itself is untouched */
    free(out);
}
END_TEST

/* |size_diff| first, then size, |count_diff|, count; sites of either side. */
START_TEST(t_compare_order)
{
    mmb_trace_stat old_st[3] = {{"a.c", 1, 100, 1}, {"b.c", 1, 500, 5}, {"gone.c", 9, 64, 2}};
    mmb_trace_stat new_st[3] = {{"b.c", 1, 400, 4}, {"a.c", 1, 164, 2}, {"new.c", 7, 64, 1}};
    mmb_trace_snapshot o = snap(old_st, 3), s = snap(new_st, 3);
    size_t n;
    mmb_trace_diff *d = mmb_trace_compare_to(&s, &o, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(d[0].file, "b.c"); /* -100 */
    ck_assert_int_eq(d[0].size_diff, -100);
    ck_assert_int_eq(d[0].count_diff, -1);
    ck_assert_str_eq(d[1].file, "a.c"); /* +64, size 164 */
    ck_assert_uint_eq(d[1].size, 164);
    ck_assert_str_eq(d[2].file, "new.c"); /* +64, size 64 */
    ck_assert_int_eq(d[2].count_diff, 1);
    ck_assert_str_eq(d[3].file, "gone.c"); /* -64, size 0 */
    ck_assert_uint_eq(d[3].size, 0);
    ck_assert_uint_eq(d[3].count, 0);
    ck_assert_int_eq(d[3].count_diff, -2);
    free(d);
}
END_TEST

/* ---- the table, driven through the hooks with fake objects ---- */

static mmb_site site_even = {"even.c", 1, 0}, site_odd = {"odd.c", 2, 0};

/* A header for object i in buffer `buf` (two words each). */
static mmb_obj *fake(uint64_t *buf, uint32_t i)
{
    return (mmb_obj *)&buf[2 * (size_t)i];
}

static void fake_alloc(mmb_obj *o, uint32_t i)
{
    o->nslots = 0;
    o->nbytes = i % 64;
    mmb_acct_alloc_obj(o, mmb_obj_size(0, o->nbytes), i % 2 ? &site_odd : &site_even);
}

static uint64_t traced_current(void)
{
    uint64_t cur, peak;
    mmb_trace_get_traced_memory(&cur, &peak);
    return cur;
}

/* Insert them all, free a random half, move a random quarter to other
 * addresses, free the rest: the current tracks a model throughout, and the
 * moved ones are found at their new addresses. */
START_TEST(t_table_stress)
{
    uint64_t *buf = calloc(2 * (size_t)FAKE_OBJS, sizeof *buf);
    uint64_t *buf2 = calloc(2 * (size_t)FAKE_OBJS, sizeof *buf2);
    uint32_t *order = malloc(FAKE_OBJS * sizeof *order);
    char *moved = calloc(FAKE_OBJS, 1);
    ck_assert(buf && buf2 && order && moved);
    mmb_metrics_reset();
    mmb_trace_start(1);
    uint64_t model = 0;
    for (uint32_t i = 0; i < FAKE_OBJS; i++) {
        fake_alloc(fake(buf, i), i);
        model += mmb_obj_size(0, i % 64);
        order[i] = i;
    }
    ck_assert_uint_eq(traced_current(), model);
    mmb_rng rng;
    mmb_rng_seed(&rng, 7);
    for (uint32_t i = FAKE_OBJS - 1; i > 0; i--) {
        uint32_t j = (uint32_t)mmb_rng_below(&rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t k = 0; k < FAKE_OBJS / 2; k++) {
        uint32_t i = order[k];
        mmb_acct_free_obj(fake(buf, i), mmb_obj_size(0, i % 64));
        model -= mmb_obj_size(0, i % 64);
    }
    if (traced_current() != model)
        ck_abort_msg("after frees: current %llu, model %llu", (unsigned long long)traced_current(),
                     (unsigned long long)model);
    for (uint32_t k = FAKE_OBJS / 2; k < FAKE_OBJS / 2 + FAKE_OBJS / 4; k++) {
        uint32_t i = order[k];
        *fake(buf2, i) = *fake(buf, i);
        mmb_trace_move(fake(buf, i), fake(buf2, i));
        moved[i] = 1;
    }
    for (uint32_t k = FAKE_OBJS / 2; k < FAKE_OBJS; k++) {
        uint32_t i = order[k];
        mmb_acct_free_obj(fake(moved[i] ? buf2 : buf, i), mmb_obj_size(0, i % 64));
    }
    ck_assert_uint_eq(traced_current(), 0);
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    ck_assert_uint_eq(s->n, 0);
    mmb_trace_snapshot_free(s);
    mmb_trace_stop();
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    free(buf);
    free(buf2);
    free(order);
    free(moved);
}
END_TEST

/* An address traced again without a free in between (its heap went away
 * unseen) replaces the stale trace; an untraced free never underflows. */
START_TEST(t_stale_and_untraced)
{
    uint64_t buf[4] = {0};
    mmb_metrics_reset();
    mmb_acct_alloc(100); /* an untraced object of 100 bytes */
    mmb_trace_start(1);
    fake_alloc(fake(buf, 0), 40);
    fake_alloc(fake(buf, 0), 8);
    ck_assert_uint_eq(traced_current(), mmb_obj_size(0, 8));
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    ck_assert_uint_eq(s->n, 1);
    ck_assert_uint_eq(s->stats[0].count, 1);
    mmb_trace_snapshot_free(s);
    uint64_t other[2] = {0};
    mmb_acct_free_obj(other, 100);
    mmb_acct_free_obj(other, 100); /* more than was ever untraced */
    ck_assert_uint_eq(traced_current(), mmb_obj_size(0, 8));
    mmb_trace_stop();
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, mmb_obj_size(0, 8));
}
END_TEST

Suite *make_trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, t_format_size);
    tcase_add_test(tc, t_print);
    tcase_add_test(tc, t_statistics_order);
    tcase_add_test(tc, t_compare_order);
    tcase_add_test(tc, t_table_stress);
    tcase_add_test(tc, t_stale_and_untraced);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, mmb_trace_tcase__manual());
    suite_add_tcase(s, mmb_trace_tcase__rc());
    suite_add_tcase(s, mmb_trace_tcase__rccycle());
    suite_add_tcase(s, mmb_trace_tcase__marksweep());
    suite_add_tcase(s, mmb_trace_tcase__semispace());
    suite_add_tcase(s, mmb_trace_tcase__gen());
    return s;
}
