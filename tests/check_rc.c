/* tests/check_rc.c: reference counting (rc) and the cycle detector (rc-cycle).
 *
 * The collectors' fast paths are inlines selected at compile time, so this
 * file is compiled three times: once per collector with -DMMB_GC_RC and
 * -DMMB_GC_RCCYCLE into tests/libcheckrc_<gcid>.a, each giving a TCase named
 * after the collector, and once with -DMMB_GC_NONE into the runner, where
 * make_rc_suite() gathers those TCases.
 *
 * Both: counts 1, 2, 1 as a second reference comes and goes; stores of the
 * same value; a cascade is one pause and a single free none; a 10,000,000
 * chain frees without recursion; a 2-cycle leaks under rc and is collected
 * (2) under rc-cycle; heap-limit exits 3. rc-cycle: count0, the default and
 * disabled thresholds, the generation count pattern, per-generation stats,
 * references from an older generation, untracked leaves, promotion. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>

#ifdef MMB_GC_NONE

#include "suites.h"

TCase *mmb_check_rc_tcase__rc(void);
TCase *mmb_check_rc_tcase__rccycle(void);

Suite *make_rc_suite(void)
{
    Suite *s = suite_create("rc");
    suite_add_tcase(s, mmb_check_rc_tcase__rc());
    suite_add_tcase(s, mmb_check_rc_tcase__rccycle());
    return s;
}

#else /* one collector's instantiation */

#include "mmb/collector.h"
#include "mmb/object.h"

#define CHAIN_LEN 10000000L     /* objects: far past any C stack if freed recursively */
#define CASE_TIMEOUT_S 300      /* the chain at -O0 on a loaded 2-core machine */
#define LIMIT_BYTES (1u << 20)  /* heap-limit for the exit-3 tests */

extern const mmb_gc_desc MMB_CAT(mmb_gc_desc_, MMB_GC_ID);
#define GC_DESC MMB_CAT(mmb_gc_desc_, MMB_GC_ID)

#ifdef MMB_GC_RCCYCLE
#define IS_RCCYCLE 1
#define NO_AUTO "threshold0=0" /* collections only when a test asks */
#else
#define IS_RCCYCLE 0
#define NO_AUTO NULL
#endif

typedef struct fixture {
    mmb_alloc alloc;
    mmb_optvals ov;
    mmb_run_ctx ctx;
    mmb_heap *h;
} fixture;

/* A heap over `kind` with the collector's options plus `kv` (space-free
 * "key=value", or NULL), with the timed region open so pauses are logged. */
static void setup_kind(fixture *f, mmb_alloc_kind kind, const char *kv)
{
    mmb_metrics_reset();
    ck_assert_int_eq(mmb_alloc_init(&f->alloc, kind, NULL), 0);
    const mmb_optdesc *tables[1] = {GC_DESC.opts};
    mmb_opts_init(&f->ov, tables, 1);
    if (kv) {
        char err[128];
        ck_assert_msg(mmb_opts_apply(&f->ov, kv, err, sizeof err) == 0, "%s", err);
    }
    f->ctx = (mmb_run_ctx){&f->ov, &f->alloc, 1};
    f->h = mmb_heap_create(&f->ctx);
    mmb_metrics_begin();
}

static void setup(fixture *f, const char *kv) { setup_kind(f, MMB_ALLOC_SYS, kv); }

/* Every test lets go of all it made (rc-cycle: garbage cycles are left to
 * this last collection), so nothing is left for the allocator to leak. */
static void teardown(fixture *f)
{
    mmb_collect(f->h, -1);
    ck_assert_uint_eq(mmb_live_objects(f->h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    mmb_metrics_end();
    mmb_heap_destroy(f->h);
    mmb_alloc_destroy(&f->alloc);
    mmb_metrics_free();
}

static size_t count_pauses(mmb_pause_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < mmb_metrics_g.npauses; i++)
        n += mmb_metrics_g.pauses[i].kind == (uint32_t)kind;
    return n;
}

/* ---- both collectors ---- */

START_TEST(t_counts_come_and_go)
{
    fixture f;
    setup(&f, NULL);
    mmb_obj *a = NULL, *b = NULL;
    mmb_root_push(f.h, &a);
    mmb_root_push(f.h, &b);
    mmb_new(f.h, &a, 1, 8);
    ck_assert_uint_eq(a->meta, 1);
    mmb_assign(f.h, &b, a);
    ck_assert_uint_eq(a->meta, 2);
    mmb_drop(f.h, &b);
    ck_assert_ptr_null(b);
    ck_assert_uint_eq(a->meta, 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_drop(f.h, &a);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

START_TEST(t_slot_stores)
{
    fixture f;
    setup(&f, NULL);
    mmb_obj *p = NULL, *c = NULL;
    mmb_root_push(f.h, &p);
    mmb_root_push(f.h, &c);
    mmb_new(f.h, &p, 2, 0);
    mmb_new(f.h, &c, 0, 16);
    mmb_store(f.h, p, 0, c);
    ck_assert_uint_eq(c->meta, 2);
    mmb_store(f.h, p, 0, c); /* the same value again: no net change, not freed */
    ck_assert_uint_eq(c->meta, 2);
    mmb_store(f.h, p, 1, c);
    ck_assert_uint_eq(c->meta, 3);
    mmb_dispose_slot(f.h, p, 1);
    ck_assert_ptr_null(mmb_load(p, 1));
    ck_assert_uint_eq(c->meta, 2);
    mmb_drop(f.h, &c);
    mmb_new_slot(f.h, &p, 0, 0, 8); /* replaces, and so frees, the old child */
    ck_assert_uint_eq(mmb_live_objects(f.h), 2);
    mmb_dispose(f.h, &p);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* A single free is no pause; a release that frees three objects is one. */
START_TEST(t_cascade_is_one_pause)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a = NULL;
    mmb_root_push(f.h, &a);
    mmb_new(f.h, &a, 1, 0);
    mmb_drop(f.h, &a);
    ck_assert_uint_eq(mmb_metrics_g.npauses, 0);
    mmb_new(f.h, &a, 1, 0);
    mmb_new_slot(f.h, &a, 0, 1, 0);
    mmb_new_slot_at(f.h, &a->slot[0], 0, 0, 8, MMB_SITE_HERE);
    ck_assert_uint_eq(mmb_live_objects(f.h), 3);
    mmb_drop(f.h, &a);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    ck_assert_uint_eq(mmb_metrics_g.npauses, 1);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_CASCADE), 1);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* Build head -> ... -> tail, CHAIN_LEN objects, then drop the head: the
 * cascade must free all of it off the heap, not the C stack. */
START_TEST(t_long_chain_frees)
{
    fixture f;
    setup_kind(&f, MMB_ALLOC_POOL, NULL);
    mmb_obj *head = NULL, *cur = NULL;
    mmb_root_push(f.h, &head);
    mmb_root_push(f.h, &cur);
    mmb_new(f.h, &head, 1, 8);
    mmb_assign(f.h, &cur, head);
    for (long i = 1; i < CHAIN_LEN; i++) {
        mmb_new_slot(f.h, &cur, 0, 1, 8);
        mmb_assign(f.h, &cur, mmb_load(cur, 0));
    }
    ck_assert_uint_eq(mmb_live_objects(f.h), CHAIN_LEN);
    mmb_drop(f.h, &cur);
    size_t cascades = count_pauses(MMB_PAUSE_CASCADE);
    mmb_drop(f.h, &head);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_CASCADE), cascades + 1);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* a <-> b, then both handles dropped: counts stay at 1 each. Returns a,
 * a raw pointer that owns nothing (for rc's test to break the cycle). */
static mmb_obj *make_two_cycle(fixture *f)
{
    mmb_obj *a = NULL, *b = NULL;
    mmb_root_push(f->h, &a);
    mmb_root_push(f->h, &b);
    mmb_new(f->h, &a, 1, 8);
    mmb_new(f->h, &b, 1, 8);
    mmb_store(f->h, a, 0, b);
    mmb_store(f->h, b, 0, a);
    mmb_obj *raw = a;
    mmb_drop(f->h, &a);
    mmb_drop(f->h, &b);
    mmb_root_pop(f->h, 2);
    return raw;
}

START_TEST(t_two_cycle)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a = make_two_cycle(&f);
    (void)a; /* rc-cycle does not need it */
    ck_assert_uint_eq(mmb_live_objects(f.h), 2);
#if IS_RCCYCLE
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, -1), 2);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    ck_assert_uint_eq(mmb_metrics_g.collected[2], 2);
#else
    mmb_collect(f.h, -1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 2); /* rc leaks cycles, as documented */
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 2 * mmb_obj_size(1, 8));
    mmb_dispose_slot(f.h, a, 0); /* cut the cycle by hand: both go */
#endif
    teardown(&f);
}
END_TEST

/* Exit tests: the child must leave with status 3 (mmb_oom). */
START_TEST(t_heap_limit_exits_3)
{
    fixture f;
    mmb_metrics_g.heap_limit = LIMIT_BYTES;
    setup(&f, NULL);
    mmb_obj *keep = NULL;
    mmb_root_push(f.h, &keep);
    mmb_new(f.h, &keep, 1, 0);
    for (;;) { /* everything stays reachable: nothing to collect */
        mmb_obj *prev = NULL;
        mmb_assign(f.h, &prev, keep);
        mmb_new(f.h, &keep, 1, 64);
        mmb_store(f.h, keep, 0, prev);
        mmb_drop(f.h, &prev);
    }
}
END_TEST

/* ---- rc-cycle ---- */
#if IS_RCCYCLE

static int in_list(const mmb_rcc_head *list, mmb_obj *o)
{
    for (const mmb_rcc_head *g = list->next; g != list; g = g->next)
        if (g == mmb_rcc_head_of(o))
            return 1;
    return 0;
}

START_TEST(t_count0)
{
    fixture f;
    setup(&f, NULL);
    mmb_obj *a[5] = {NULL}, *leaf = NULL;
    for (int i = 0; i < 5; i++) {
        mmb_root_push(f.h, &a[i]);
        mmb_new(f.h, &a[i], 1, 0);
    }
    ck_assert_int_eq(f.h->gen[0].count, 5);
    mmb_root_push(f.h, &leaf);
    mmb_new(f.h, &leaf, 0, 64); /* no slots: untracked, not counted */
    ck_assert_int_eq(f.h->gen[0].count, 5);
    mmb_drop(f.h, &a[0]);
    ck_assert_int_eq(f.h->gen[0].count, 4);
    mmb_store(f.h, a[1], 0, leaf);
    mmb_drop(f.h, &leaf);
    mmb_drop(f.h, &a[1]); /* frees a[1] and the leaf: one tracked deallocation */
    ck_assert_int_eq(f.h->gen[0].count, 3);
    ck_assert_uint_eq(mmb_live_objects(f.h), 3);
    for (int i = 2; i < 5; i++)
        mmb_drop(f.h, &a[i]);
    mmb_root_pop(f.h, 6);
    teardown(&f);
}
END_TEST

/* Allocate n tracked objects, each held by the previous one. */
static void grow_chain(fixture *f, mmb_obj **cur, int n)
{
    for (int i = 0; i < n; i++) {
        mmb_new_slot(f->h, cur, 0, 1, 0);
        mmb_assign(f->h, cur, mmb_load(*cur, 0));
    }
}

/* CPython's (700, 10, 10): the collection comes with the allocation that
 * takes count0 past 700, and count0 restarts from 0 under it. */
START_TEST(t_default_thresholds)
{
    fixture f;
    setup(&f, NULL);
    ck_assert_int_eq(f.h->gen[0].threshold, 700);
    ck_assert_int_eq(f.h->gen[1].threshold, 10);
    ck_assert_int_eq(f.h->gen[2].threshold, 10);
    ck_assert_int_eq(mmb_metrics_g.ngens, 3);
    ck_assert_int_eq(GC_DESC.ngens, 3);
    mmb_obj *head = NULL, *cur = NULL;
    mmb_root_push(f.h, &head);
    mmb_root_push(f.h, &cur);
    mmb_new(f.h, &head, 1, 0);
    mmb_assign(f.h, &cur, head);
    grow_chain(&f, &cur, 699);
    ck_assert_int_eq(f.h->gen[0].count, 700);
    ck_assert_uint_eq(f.h->stats[0].collections, 0);
    grow_chain(&f, &cur, 1);
    ck_assert_uint_eq(f.h->stats[0].collections, 1);
    ck_assert_uint_eq(f.h->stats[0].collected, 0);
    ck_assert_int_eq(f.h->gen[0].count, 0);
    ck_assert_int_eq(f.h->gen[1].count, 1);
    grow_chain(&f, &cur, 1);
    ck_assert_int_eq(f.h->gen[0].count, 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 702);
    mmb_drop(f.h, &cur);
    mmb_drop(f.h, &head);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* Self-loops dropped as soon as made: the 701st allocation collects the
 * 700 before it. */
START_TEST(t_automatic_collection)
{
    fixture f;
    setup(&f, NULL);
    mmb_obj *x = NULL;
    mmb_root_push(f.h, &x);
    for (int i = 0; i < 701; i++) {
        mmb_new(f.h, &x, 1, 0);
        mmb_store(f.h, x, 0, x);
        mmb_drop(f.h, &x);
    }
    ck_assert_uint_eq(f.h->stats[0].collections, 1);
    ck_assert_uint_eq(f.h->stats[0].collected, 700);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

START_TEST(t_threshold0_zero_disables)
{
    fixture f;
    setup(&f, NO_AUTO);
    ck_assert_int_eq(f.h->gen[0].threshold, 0);
    for (int i = 0; i < 5000; i++)
        make_two_cycle(&f);
    ck_assert_int_eq(f.h->gen[0].count, 10000);
    for (int g = 0; g < 3; g++)
        ck_assert_uint_eq(f.h->stats[g].collections, 0);
    ck_assert_uint_eq(mmb_live_objects(f.h), 10000);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 0), 10000);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    teardown(&f);
}
END_TEST

START_TEST(t_generation_counts)
{
    fixture f;
    setup(&f, NO_AUTO);
    make_two_cycle(&f);
    ck_assert_int_eq(f.h->gen[0].count, 2);
    mmb_collect(f.h, 0);
    ck_assert_int_eq(f.h->gen[0].count, 0);
    ck_assert_int_eq(f.h->gen[1].count, 1);
    ck_assert_int_eq(f.h->gen[2].count, 0);
    mmb_collect(f.h, 0);
    ck_assert_int_eq(f.h->gen[1].count, 2);
    mmb_collect(f.h, 1);
    ck_assert_int_eq(f.h->gen[0].count, 0);
    ck_assert_int_eq(f.h->gen[1].count, 0);
    ck_assert_int_eq(f.h->gen[2].count, 1);
    mmb_collect(f.h, 2);
    for (int g = 0; g < 3; g++)
        ck_assert_int_eq(f.h->gen[g].count, 0);
    teardown(&f);
}
END_TEST

/* Stats count under the generation asked for only (gc.get_stats()), and
 * each collection is one pause of the right kind. */
START_TEST(t_stats_per_generation)
{
    fixture f;
    setup(&f, NO_AUTO);
    uint64_t want[3][2] = {{1, 2}, {1, 0}, {1, 2}}; /* collections, collected */
    make_two_cycle(&f);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 0), 2);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 1), 0);
    ck_assert_uint_eq(f.h->stats[2].collections, 0);
    make_two_cycle(&f);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, -1), 2);
    for (int g = 0; g < 3; g++) {
        ck_assert_uint_eq(f.h->stats[g].collections, want[g][0]);
        ck_assert_uint_eq(f.h->stats[g].collected, want[g][1]);
        ck_assert_uint_eq(f.h->stats[g].uncollectable, 0);
        ck_assert_uint_eq(mmb_metrics_g.collections[g], want[g][0]);
        ck_assert_uint_eq(mmb_metrics_g.collected[g], want[g][1]);
    }
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_MINOR), 2);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_MAJOR), 1);
    ck_assert_uint_eq(count_pauses(MMB_PAUSE_CASCADE), 0); /* nested in the collection */
    teardown(&f);
}
END_TEST

/* Survivors move up one generation per collection and stay in the oldest;
 * leaves never enter a list. */
START_TEST(t_promotion)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a = NULL;
    mmb_root_push(f.h, &a);
    mmb_new(f.h, &a, 1, 8);
    mmb_new_slot(f.h, &a, 0, 0, 8);
    ck_assert(in_list(&f.h->gen[0].head, a));
    ck_assert_int_eq(f.h->gen[0].count, 1);
    for (int g = 0; g < 3; g++) {
        ck_assert_uint_eq(mmb_rccycle_collect(f.h, g), 0);
        ck_assert(in_list(&f.h->gen[g < 2 ? g + 1 : 2].head, a));
    }
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 0), 0);
    ck_assert(in_list(&f.h->gen[2].head, a));
    ck_assert_uint_eq(mmb_live_objects(f.h), 2);
    mmb_drop(f.h, &a);
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    teardown(&f);
}
END_TEST

/* A cycle referenced only from an old object is not garbage for a young
 * collection (the old reference counts as external), and is once the old
 * object lets go. Reachable data survives a full collection intact. */
START_TEST(t_old_generation_reference)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *old = NULL, *b = NULL;
    mmb_root_push(f.h, &old);
    mmb_root_push(f.h, &b);
    mmb_new(f.h, &old, 1, 8);
    mmb_set_word(old, 0, 42);
    mmb_collect(f.h, -1); /* old is in generation 2 now */
    mmb_new_slot(f.h, &old, 0, 1, 8);   /* old -> b */
    mmb_assign(f.h, &b, mmb_load(old, 0));
    mmb_new_slot(f.h, &b, 0, 1, 8);     /* b -> c */
    mmb_store(f.h, mmb_load(b, 0), 0, b); /* c -> b */
    mmb_set_word(b, 0, 7);
    mmb_drop(f.h, &b);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 0), 0);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 1), 0);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 2), 0);
    ck_assert_uint_eq(mmb_get_word(old, 0), 42);
    ck_assert_uint_eq(mmb_get_word(mmb_load(old, 0), 0), 7);
    mmb_dispose_slot(f.h, old, 0);
    ck_assert_uint_eq(mmb_live_objects(f.h), 3);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, 2), 2);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_drop(f.h, &old);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* Garbage that owns acyclic parts: the leaves die by cascade and are not
 * counted as collected (they were never tracked), as in CPython. */
START_TEST(t_garbage_with_leaves)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a = NULL;
    mmb_root_push(f.h, &a);
    mmb_new(f.h, &a, 3, 0);
    mmb_store(f.h, a, 0, a);
    mmb_new_slot(f.h, &a, 1, 0, 32);
    mmb_new_slot(f.h, &a, 2, 2, 0);
    mmb_new_slot_at(f.h, &a->slot[2], 0, 0, 8, MMB_SITE_HERE);
    mmb_drop(f.h, &a);
    ck_assert_uint_eq(mmb_live_objects(f.h), 4);
    ck_assert_uint_eq(mmb_rccycle_collect(f.h, -1), 2); /* a and its tracked child */
    ck_assert_uint_eq(mmb_live_objects(f.h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* Under heap-limit, garbage cycles are collected before giving up. */
START_TEST(t_heap_limit_collects_first)
{
    fixture f;
    mmb_metrics_g.heap_limit = LIMIT_BYTES;
    setup(&f, NO_AUTO);
    for (int i = 0; i < 20000; i++) /* 40000 objects: several times the limit */
        make_two_cycle(&f);
    ck_assert_uint_gt(f.h->stats[2].collections, 0);
    ck_assert_uint_lt(mmb_live_objects(f.h), 40000);
    mmb_metrics_g.heap_limit = 0;
    teardown(&f);
}
END_TEST

#endif /* IS_RCCYCLE */

TCase *MMB_CAT(mmb_check_rc_tcase__, MMB_GC_ID)(void)
{
    TCase *tc = tcase_create(MMB_GC_NAME);
    tcase_set_timeout(tc, CASE_TIMEOUT_S);
    tcase_add_test(tc, t_counts_come_and_go);
    tcase_add_test(tc, t_slot_stores);
    tcase_add_test(tc, t_cascade_is_one_pause);
    tcase_add_test(tc, t_long_chain_frees);
    tcase_add_test(tc, t_two_cycle);
    tcase_add_exit_test(tc, t_heap_limit_exits_3, 3);
#if IS_RCCYCLE
    tcase_add_test(tc, t_count0);
    tcase_add_test(tc, t_default_thresholds);
    tcase_add_test(tc, t_automatic_collection);
    tcase_add_test(tc, t_threshold0_zero_disables);
    tcase_add_test(tc, t_generation_counts);
    tcase_add_test(tc, t_stats_per_generation);
    tcase_add_test(tc, t_promotion);
    tcase_add_test(tc, t_old_generation_reference);
    tcase_add_test(tc, t_garbage_with_leaves);
    tcase_add_test(tc, t_heap_limit_collects_first);
#endif
    return tc;
}

#endif /* MMB_GC_NONE */
