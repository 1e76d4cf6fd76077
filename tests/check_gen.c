/* tests/check_gen.c: the generational collector (gen).
 *
 * gen's fast paths are inlines chosen at compile time, so this file is
 * compiled twice: with -DMMB_GC_GEN into tests/libcheckgen.a, where the
 * cases live, and with -DMMB_GC_NONE into the runner, where make_gen_suite()
 * gathers them. Cases that involve the barrier run once per barrier mode
 * (loop index 0 = remset, 1 = card).
 *
 * The barrier keeps a young object referenced only from an old one alive
 * across minors (and lets it go when the reference goes); promotion after
 * exactly promote-age minors; large objects are old at once; 2-cycles (young,
 * old, mixed) are reclaimed by a full collection; a 1,000,000 chain survives,
 * is promoted and is freed without recursion; accounting of minor and major
 * collections and pause kinds; heap-limit collects first, then exits 3. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>

#ifdef MMB_GC_NONE

#include "suites.h"

TCase *mmb_check_gen_tcase(void);

Suite *make_gen_suite(void)
{
    Suite *s = suite_create("gen");
    suite_add_tcase(s, mmb_check_gen_tcase());
    return s;
}

#else /* the instantiation under -DMMB_GC_GEN */

#include "mmb/collector.h"
#include "mmb/object.h"

#define CHAIN_LEN 1000000L     /* objects: far past any C stack if traced recursively */
#define CASE_TIMEOUT_S 120     /* the chain at -O0 on a loaded 2-core machine */
#define LIMIT_BYTES (4u << 20) /* heap-limit for the limit tests */
#define SMALL_NURSERY "nursery=64K" /* large_min = 8K; minors come often */

extern const mmb_gc_desc mmb_gc_desc_gen;

static const char *const barrier_modes[] = {"barrier=remset", "barrier=card"};

typedef struct fixture {
    mmb_optvals ov;
    mmb_run_ctx ctx;
    mmb_heap *h;
} fixture;

static void apply(fixture *f, const char *kv)
{
    char err[128];
    if (kv)
        ck_assert_msg(mmb_opts_apply(&f->ov, kv, err, sizeof err) == 0, "%s", err);
}

/* A heap with gen's options plus up to three "key=value" (NULL = none), with
 * the timed region open so that pauses are logged. */
static void setup(fixture *f, const char *kv1, const char *kv2, const char *kv3)
{
    mmb_metrics_reset();
    const mmb_optdesc *tables[1] = {mmb_gc_desc_gen.opts};
    mmb_opts_init(&f->ov, tables, 1);
    apply(f, kv1);
    apply(f, kv2);
    apply(f, kv3);
    f->ctx = (mmb_run_ctx){&f->ov, NULL, 1};
    f->h = mmb_heap_create(&f->ctx);
    mmb_metrics_begin();
}

/* Every test lets go of all it made: a full collection must reclaim every
 * object and byte, and destroying the heap must return every mapping. */
static void teardown(fixture *f)
{
    mmb_collect(f->h, -1);
    ck_assert_uint_eq(mmb_live_objects(f->h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    mmb_metrics_end();
    mmb_heap_destroy(f->h);
    ck_assert_uint_eq(mmb_metrics_g.heap_bytes, 0);
    mmb_metrics_free();
}

static size_t count_pauses(mmb_pause_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < mmb_metrics_g.npauses; i++)
        n += mmb_metrics_g.pauses[i].kind == (uint32_t)kind;
    return n;
}

/* Minor collections until *o is old (at most 16). */
static void promote(fixture *f, mmb_obj **o)
{
    for (int i = 0; i < 16 && !mmb_gen_is_old(*o); i++)
        mmb_collect(f->h, 0);
    ck_assert(mmb_gen_is_old(*o));
}

START_TEST(t_barrier_keeps_young)
{
    fixture f;
    setup(&f, barrier_modes[_i], "promote-age=3", NULL);
    mmb_obj *old = NULL, *kid = NULL;
    mmb_root_push(f.h, &old);
    mmb_root_push(f.h, &kid);
    mmb_new(f.h, &old, 2, 0);
    promote(&f, &old);
    mmb_new(f.h, &kid, 1, 8);
    mmb_set_word(kid, 0, 0xfeed);
    mmb_store(f.h, old, 1, kid); /* the only reference, once kid is dropped */
    mmb_drop(f.h, &kid);
    for (int i = 0; i < 2; i++) { /* stays young: ages 1, 2 */
        mmb_collect(f.h, 0);
        kid = mmb_load(old, 1);
        ck_assert(mmb_gen_is_young(f.h, kid));
        ck_assert_uint_eq(mmb_get_word(kid, 0), 0xfeed);
    }
    ck_assert_uint_eq(mmb_live_objects(f.h), 2);
    mmb_dispose_slot(f.h, old, 1);
    kid = NULL;
    mmb_collect(f.h, 0);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_drop(f.h, &old);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* mmb_new_slot into an old parent goes through the barrier too, and a
 * parent that only the caller's handle names (not rooted) survives the
 * minor the allocation starts. */
START_TEST(t_new_slot_barrier)
{
    fixture f;
    setup(&f, barrier_modes[_i], SMALL_NURSERY, "promote-age=15");
    mmb_obj *arr = NULL;
    mmb_root_push(f.h, &arr);
    mmb_new(f.h, &arr, 1100, 0); /* 8.6 KiB of slots: old at once */
    ck_assert(mmb_gen_is_old(arr));
    for (uint32_t round = 0; round < 40; round++) /* many minors while filling */
        for (uint32_t i = 0; i < 1000; i++) {
            mmb_new_slot(f.h, &arr, i, 0, 16);
            mmb_set_word(mmb_load(arr, i), 0, round * 1000 + i);
        }
    ck_assert_uint_gt(mmb_metrics_g.collections[0], 10);
    mmb_collect(f.h, 0);
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(mmb_get_word(mmb_load(arr, i), 0), 39 * 1000 + i);
    mmb_obj *loose = NULL; /* not rooted */
    mmb_new(f.h, &loose, 1, 0);
    for (int i = 0; i < 10000; i++) /* fill eden: the next allocation collects */
        mmb_new_slot(f.h, &loose, 0, 0, 8);
    ck_assert_uint_eq(mmb_nslots(loose), 1);
    loose = NULL;
    mmb_drop(f.h, &arr);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* Promotion happens at exactly the promote-age-th minor survived; the age
 * is in meta bits 4-7. */
START_TEST(t_promotion_age)
{
    static const int ages[] = {1, 2, 3, 15};
    char kv[32];
    snprintf(kv, sizeof kv, "promote-age=%d", ages[_i]);
    fixture f;
    setup(&f, kv, NULL, NULL);
    mmb_obj *a = NULL;
    mmb_root_push(f.h, &a);
    mmb_new(f.h, &a, 1, 8);
    mmb_set_word(a, 0, 77);
    mmb_new_slot(f.h, &a, 0, 0, 8);
    for (int i = 1; i < ages[_i]; i++) {
        mmb_collect(f.h, 0);
        ck_assert(!mmb_gen_is_old(a));
        ck_assert_uint_eq((a->meta & MMB_GEN_AGE_MASK) >> MMB_GEN_AGE_SHIFT, (unsigned)i);
    }
    mmb_collect(f.h, 0);
    ck_assert(mmb_gen_is_old(a));
    ck_assert(mmb_gen_is_old(mmb_load(a, 0)));
    ck_assert_uint_eq(mmb_get_word(a, 0), 77);
    ck_assert_uint_eq(mmb_metrics_g.collections[0], (unsigned)ages[_i]);
    ck_assert_uint_eq(mmb_metrics_g.collections[1], 0);
    mmb_drop(f.h, &a);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* With a 64K nursery, objects of 8K (nursery / 8) or more are old at once;
 * smaller ones are young. Large objects die at a major. */
START_TEST(t_large_goes_old)
{
    fixture f;
    setup(&f, SMALL_NURSERY, NULL, NULL);
    mmb_obj *big = NULL, *small = NULL;
    mmb_root_push(f.h, &big);
    mmb_root_push(f.h, &small);
    mmb_new(f.h, &big, 0, 8192);
    ck_assert(mmb_gen_is_old(big));
    ck_assert(!mmb_gen_is_young(f.h, big));
    mmb_new(f.h, &small, 0, 4096);
    ck_assert(mmb_gen_is_young(f.h, small));
    mmb_new(f.h, &big, 2, 1 << 20); /* the first one is garbage now */
    ck_assert(mmb_gen_is_old(big));
    ck_assert_ptr_null(mmb_load(big, 0));
    ck_assert_uint_eq(mmb_live_objects(f.h), 3);
    mmb_collect(f.h, -1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 2);
    ck_assert_uint_eq(mmb_metrics_g.collected[1], 1);
    mmb_drop(f.h, &big);
    mmb_drop(f.h, &small);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* a <-> b dropped from the roots: gone after a full collection, whether
 * both are young, both old, or a is old and b young (a remembered old object
 * that is garbage must not keep b alive in the count). */
START_TEST(t_two_cycle)
{
    fixture f;
    setup(&f, barrier_modes[_i % 2], NULL, NULL);
    mmb_obj *a = NULL, *b = NULL;
    mmb_root_push(f.h, &a);
    mmb_root_push(f.h, &b);
    for (int shape = 0; shape < 3; shape++) {
        mmb_new(f.h, &a, 1, 8);
        if (shape == 1)
            mmb_new(f.h, &b, 1, 8);
        if (shape >= 1)
            promote(&f, &a); /* a is old (and, in shape 1, b too) */
        if (shape != 1)
            mmb_new(f.h, &b, 1, 8);
        mmb_store(f.h, a, 0, b);
        mmb_store(f.h, b, 0, a);
        ck_assert_uint_eq(mmb_live_objects(f.h), 2);
        mmb_drop(f.h, &a);
        mmb_drop(f.h, &b);
        if (_i >= 2)
            mmb_collect(f.h, 0); /* a minor first must not change the outcome */
        mmb_collect(f.h, -1);
        ck_assert_msg(mmb_live_objects(f.h) == 0, "shape %d: %zu left", shape,
                      mmb_live_objects(f.h));
        ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    }
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* head -> ... -> tail: survives minors and majors intact (promoted on the
 * way), then, dropped at once, is freed by one full collection; marking and
 * copying use explicit stacks, so the C stack never sees the depth. */
START_TEST(t_long_chain)
{
    fixture f;
    setup(&f, barrier_modes[_i], SMALL_NURSERY, "promote-age=3"); /* ages 1, 2 in survivors */
    mmb_obj *head = NULL, *cur = NULL;
    mmb_root_push(f.h, &head);
    mmb_root_push(f.h, &cur);
    mmb_new(f.h, &head, 1, 8);
    mmb_assign(f.h, &cur, head);
    for (long i = 1; i < CHAIN_LEN; i++) {
        mmb_new_slot(f.h, &cur, 0, 1, 8);
        mmb_assign(f.h, &cur, mmb_load(cur, 0));
        mmb_set_word(cur, 0, (uint64_t)i);
    }
    mmb_drop(f.h, &cur);
    mmb_collect(f.h, -1);
    ck_assert_uint_eq(mmb_live_objects(f.h), CHAIN_LEN);
    ck_assert(mmb_gen_is_old(head));
    ck_assert_uint_gt(mmb_metrics_g.collections[0], 100);
    long n = 1;
    for (mmb_obj *o = mmb_load(head, 0); o; o = mmb_load(o, 0), n++)
        ck_assert_uint_eq(mmb_get_word(o, 0), (uint64_t)n);
    ck_assert_int_eq(n, CHAIN_LEN);
    mmb_drop(f.h, &head);
    mmb_collect(f.h, -1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* Minor collections count in generation 0 with the dead young objects as
 * collected[0] and MINOR pauses; full ones add a MAJOR pause in generation 1. */
START_TEST(t_stats)
{
    fixture f;
    setup(&f, NULL, NULL, NULL);
    ck_assert_int_eq(mmb_metrics_g.ngens, 2);
    mmb_obj *keep = NULL, *tmp = NULL;
    mmb_root_push(f.h, &keep);
    mmb_root_push(f.h, &tmp);
    mmb_new(f.h, &keep, 0, 24);
    for (int i = 0; i < 100; i++)
        mmb_new(f.h, &tmp, 2, 8);
    mmb_drop(f.h, &tmp);
    mmb_collect(f.h, 0);
    ck_assert_uint_eq(mmb_metrics_g.collections[0], 1);
    ck_assert_uint_eq(mmb_metrics_g.collected[0], 100);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, mmb_obj_size(0, 24));
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_MINOR), 1);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_MAJOR), 0);
    mmb_collect(f.h, -1);
    ck_assert_uint_eq(mmb_metrics_g.collections[0], 2);
    ck_assert_uint_eq(mmb_metrics_g.collections[1], 1);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_MINOR), 2);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_MAJOR), 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_drop(f.h, &keep);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* Eden is reused after a minor: slots of new objects read NULL again. */
START_TEST(t_slots_zeroed)
{
    fixture f;
    setup(&f, SMALL_NURSERY, NULL, NULL);
    mmb_obj *a = NULL;
    mmb_root_push(f.h, &a);
    for (int i = 0; i < 20000; i++) {
        mmb_new(f.h, &a, 4, 0);
        for (uint32_t s = 0; s < 4; s++) {
            ck_assert_ptr_null(mmb_load(a, s));
            mmb_store(f.h, a, s, a);
        }
    }
    ck_assert_uint_gt(mmb_metrics_g.collections[0], 5);
    mmb_drop(f.h, &a);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* Old garbage well past heap-limit (promote-age=1 sends everything old):
 * majors reclaim it and the run goes on. */
START_TEST(t_heap_limit_collects_first)
{
    fixture f;
    mmb_metrics_g.heap_limit = LIMIT_BYTES;
    setup(&f, "promote-age=1", SMALL_NURSERY, NULL);
    mmb_obj *arr = NULL;
    mmb_root_push(f.h, &arr);
    mmb_new(f.h, &arr, 1100, 0); /* large: old at once */
    for (int i = 0; i < 400000; i++) /* most are promoted, then replaced: ~4x the limit */
        mmb_new_slot(f.h, &arr, (uint32_t)i % 1100, 0, 32);
    ck_assert_uint_gt(mmb_metrics_g.collections[1], 0);
    ck_assert_uint_le(mmb_metrics_g.peak_heap_bytes, LIMIT_BYTES);
    mmb_drop(f.h, &arr);
    mmb_root_pop(f.h, 1);
    mmb_metrics_g.heap_limit = 0;
    teardown(&f);
}
END_TEST

/* Live data past heap-limit: a clean exit 3 (0: a chain of small objects;
 * 1: of 16K ones, promoted into large mappings; 2: one object larger than
 * the limit, allocated old at once). */
START_TEST(t_heap_limit_exits_3)
{
    fixture f;
    mmb_metrics_g.heap_limit = LIMIT_BYTES;
    setup(&f, _i ? "nursery=1M" : SMALL_NURSERY, NULL, NULL);
    mmb_obj *head = NULL;
    mmb_root_push(f.h, &head);
    if (_i == 2)
        mmb_new(f.h, &head, 0, 2 * LIMIT_BYTES);
    for (long i = 0; i < 10L * LIMIT_BYTES; i++) {
        mmb_obj *prev = head;
        mmb_root_push(f.h, &prev);
        mmb_new(f.h, &head, 1, _i ? 16384 : 8);
        mmb_store(f.h, head, 0, prev);
        mmb_root_pop(f.h, 1);
    }
    ck_abort_msg("no out-of-memory exit");
}
END_TEST

TCase *mmb_check_gen_tcase(void)
{
    TCase *tc = tcase_create(MMB_GC_NAME);
    tcase_set_timeout(tc, CASE_TIMEOUT_S);
    tcase_add_loop_test(tc, t_barrier_keeps_young, 0, 2);
    tcase_add_loop_test(tc, t_new_slot_barrier, 0, 2);
    tcase_add_loop_test(tc, t_promotion_age, 0, 4);
    tcase_add_test(tc, t_large_goes_old);
    tcase_add_loop_test(tc, t_two_cycle, 0, 4);
    tcase_add_loop_test(tc, t_long_chain, 0, 2);
    tcase_add_test(tc, t_stats);
    tcase_add_test(tc, t_slots_zeroed);
    tcase_add_test(tc, t_heap_limit_collects_first);
    tcase_add_loop_exit_test(tc, t_heap_limit_exits_3, 3, 0, 3);
    return tc;
}

#endif /* MMB_GC_NONE */
