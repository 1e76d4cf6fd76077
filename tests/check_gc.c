/* tests/check_gc.c: the gc module of rc-cycle (mmb/gc.h), mirroring
 * CPython's Lib/test/test_gc.py where it applies.
 *
 * rc-cycle's fast paths are inlines chosen at compile time, so this file is
 * compiled twice: with -DMMB_GC_RCCYCLE into tests/libcheckgc.a, where the
 * module's cases live, and with -DMMB_GC_NONE into the runner, where
 * make_gc_suite() gathers them and adds the driver-level cases (mmbench
 * runs of the cycles workload).
 *
 * Collections: self-referencing containers and small cycles with exact
 * counts; get_count, the generation count pattern, get_stats per
 * generation; bad generations are errors; freeze/unfreeze; enable/disable
 * and thresholds; callbacks (start/stop, info, garbage figures); SAVEALL.
 * Finalizers: a 2-cycle's finalizers run once each before anything is
 * cleared; legacy finalizers make garbage uncollectable; resurrection
 * happens once, is transitive and blocks nothing else; a finalizer can
 * collect (returns 0 inside a collection) and trigger collections; deep
 * nests with finalizers free within a fixed stack depth. Weak references:
 * callbacks see their referent gone, trash weakrefs never call back,
 * weakrefs to garbage are cleared before finalizers and clearing (test_gc's
 * bug1055820 cases). Sizes and counts: getsizeof, refcounts 1, 2, 1. The
 * run's gc figures agree with what the callbacks saw, inside the timed
 * region only. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MMB_GC_NONE

#include <sys/wait.h>

#include "mmb/json_read.h"
#include "suites.h"

#ifndef MMB_BUILDDIR
#define MMB_BUILDDIR "."
#endif

#define DRIVER_PAIRS 20000 /* rings of the cycles workload in the driver cases */
#define RING_OBJ_BYTES 32  /* live bytes of one ring member: header, 1 slot, 8 payload */

TCase *mmb_check_gc_tcase(void);

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/mmb-gc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Run the cycles workload under rc-cycle with `opts` into dir/name; the
 * parsed document's first run. */
static const mmb_jval *run_cycles(mmb_jdoc *doc, const char *opts, const char *name)
{
    char cmd[1024], path[512], err[128];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s/mmbench' run -w cycles -c rc-cycle -o pairs=%d %s -r 1 --out %s "
             ">/dev/null 2>&1",
             dir, MMB_BUILDDIR, DRIVER_PAIRS, opts, name);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_msg(mmb_jdoc_load(doc, path, err, sizeof err) == 0, "%s", err);
    return mmb_jdoc_index(mmb_jdoc_get(doc->root, "runs"), 0);
}

static double gen_figure(const mmb_jval *run, const char *what, int g)
{
    char path[64];
    snprintf(path, sizeof path, "gc.%s", what);
    return mmb_jdoc_num(mmb_jdoc_index(mmb_jdoc_path(run, path), g), -1);
}

/* threshold0=0: no automatic collection (the workload's verification
 * collection is outside the timed region and not counted), so the peak
 * holds every ring; the default thresholds keep it bounded. */
START_TEST(t_driver_threshold0_zero)
{
    mmb_jdoc off = {0}, on = {0};
    const mmb_jval *r0 = run_cycles(&off, "-o threshold0=0", "off.json");
    const mmb_jval *r1 = run_cycles(&on, "", "on.json");
    ck_assert_int_eq(mmb_jdoc_path(r0, "gc.collections")->nchild, 3);
    for (int g = 0; g < 3; g++) {
        ck_assert(gen_figure(r0, "collections", g) == 0);
        ck_assert(gen_figure(r0, "collected", g) == 0);
    }
    double peak0 = mmb_jdoc_num(mmb_jdoc_get(r0, "peak_live_bytes"), 0);
    double peak1 = mmb_jdoc_num(mmb_jdoc_get(r1, "peak_live_bytes"), 0);
    ck_assert(peak0 >= 2.0 * DRIVER_PAIRS * RING_OBJ_BYTES);
    ck_assert(gen_figure(r1, "collections", 0) > 0);
    ck_assert(gen_figure(r1, "collected", 0) > 0);
    ck_assert_msg(peak1 * 2 < peak0, "default peak %.0f vs threshold0=0 peak %.0f", peak1, peak0);
    mmb_jdoc_free(&off);
    mmb_jdoc_free(&on);
}
END_TEST

Suite *make_gc_suite(void)
{
    Suite *s = suite_create("gc");
    suite_add_tcase(s, mmb_check_gc_tcase());
    TCase *tc = tcase_create("driver");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_add_test(tc, t_driver_threshold0_zero);
    suite_add_tcase(s, tc);
    return s;
}

#else /* the instantiation under -DMMB_GC_RCCYCLE */

#include "mmb/collector.h"
#include "mmb/gc.h"
#include "mmb/object.h"

#define CASE_TIMEOUT_S 120       /* the deep nests at -O0 on a loaded 2-core machine */
#define NO_AUTO "threshold0=0"   /* collections only when a test asks */
#define STORAGE_SLOTS 64         /* where resurrecting finalizers put their objects */
#define TRASHCAN_N 150           /* test_trashcan's nest depth */
#define DEEP_N 20000             /* a nest far deeper than a recursive free could take */
#define COLLECT_EVERY 17         /* test_trashcan: every 17th finalizer collects */
#define STACK_BOUND (64 * 1024)  /* bytes of C stack a release may use, however deep */
#define CALLBACK_LOG 64          /* gc callback invocations remembered */

extern const mmb_gc_desc mmb_gc_desc_rccycle;

typedef struct fixture {
    mmb_alloc alloc;
    mmb_optvals ov;
    mmb_run_ctx ctx;
    mmb_heap *h;
} fixture;

/* ---- what finalizers and callbacks see (one process per test) ---- */

static int n_finalized;     /* finalizer calls */
static int n_broken;        /* finalizers that found their cycle already cleared */
static mmb_obj *storage;    /* a rooted handle's object; resurrections land here */
static uint32_t n_stored;
static uintptr_t sp_min, sp_max; /* stack addresses seen in finalizers */
static long inner_collect = -2;  /* what a collect inside a finalizer returned */

static void reset_globals(void)
{
    n_finalized = n_broken = 0;
    storage = NULL;
    n_stored = 0;
    sp_min = UINTPTR_MAX;
    sp_max = 0;
    inner_collect = -2;
}

static void note_stack(void)
{
    char probe;
    uintptr_t sp = (uintptr_t)&probe;
    sp_min = sp < sp_min ? sp : sp_min;
    sp_max = sp > sp_max ? sp : sp_max;
}

static void count_fin(mmb_heap *h, mmb_obj *o)
{
    n_finalized++;
}

/* Part of a 2-cycle: the partner must still point back (nothing cleared). */
static void pair_fin(mmb_heap *h, mmb_obj *o)
{
    n_finalized++;
    mmb_obj *p = mmb_load(o, 0);
    if (!p || mmb_load(p, 0) != o || mmb_get_word(p, 0) != 42)
        n_broken++;
}

/* Lazarus: store self where the test can find it again. */
static void lazarus_fin(mmb_heap *h, mmb_obj *o)
{
    n_finalized++;
    mmb_store(h, storage, n_stored++, o);
}

/* test_trashcan's Ouch: count, and every 17th time collect everything. */
static void ouch_fin(mmb_heap *h, mmb_obj *o)
{
    note_stack();
    if (++n_finalized % COLLECT_EVERY == 0)
        mmb_gc_collect(h, 2);
}

/* A deep chain's node: `del self.next` (its release nests in this one),
 * and every 17th time collect everything. */
static void unlink_fin(mmb_heap *h, mmb_obj *o)
{
    note_stack();
    mmb_dispose_slot(h, o, 0);
    if (++n_finalized % COLLECT_EVERY == 0)
        mmb_gc_collect(h, 2);
}

static void collecting_fin(mmb_heap *h, mmb_obj *o)
{
    n_finalized++;
    inner_collect = mmb_gc_collect(h, 2);
}

/* test_del: a finalizer that allocates (dir(self)). */
static void allocating_fin(mmb_heap *h, mmb_obj *o)
{
    mmb_obj *tmp = NULL;
    n_finalized++;
    mmb_root_push(h, &tmp);
    for (int i = 0; i < 5; i++)
        mmb_new(h, &tmp, 1, 8);
    mmb_drop(h, &tmp);
    mmb_root_pop(h, 1);
}

/* test_bug21435's B: self.attr = None. */
static void drop_attr_fin(mmb_heap *h, mmb_obj *o)
{
    n_finalized++;
    mmb_dispose_slot(h, o, 0);
}

static const mmb_gc_type counted_t = {"Counted", count_fin, 0};
static const mmb_gc_type pair_t = {"Pair", pair_fin, 0};
static const mmb_gc_type lazarus_t = {"Lazarus", lazarus_fin, 0};
static const mmb_gc_type legacy_t = {"Legacy", count_fin, MMB_GC_TYPE_LEGACY};
static const mmb_gc_type ouch_t = {"Ouch", ouch_fin, 0};
static const mmb_gc_type unlink_t = {"Unlink", unlink_fin, 0};
static const mmb_gc_type collecting_t = {"Collecting", collecting_fin, 0};
static const mmb_gc_type allocating_t = {"Allocating", allocating_fin, 0};
static const mmb_gc_type drop_attr_t = {"DropAttr", drop_attr_fin, 0};

/* ---- fixture ---- */

/* A heap over sys with rc-cycle's options plus `kv` (or NULL), the timed
 * region open, and a rooted storage object for resurrections. */
static void setup(fixture *f, const char *kv)
{
    reset_globals();
    mmb_metrics_reset();
    ck_assert_int_eq(mmb_alloc_init(&f->alloc, MMB_ALLOC_SYS, NULL), 0);
    const mmb_optdesc *tables[1] = {mmb_gc_desc_rccycle.opts};
    mmb_opts_init(&f->ov, tables, 1);
    if (kv) {
        char err[128];
        ck_assert_msg(mmb_opts_apply(&f->ov, kv, err, sizeof err) == 0, "%s", err);
    }
    f->ctx = (mmb_run_ctx){&f->ov, &f->alloc, 1};
    f->h = mmb_heap_create(&f->ctx);
    mmb_metrics_begin();
    mmb_root_push(f->h, &storage);
    mmb_new(f->h, &storage, STORAGE_SLOTS, 0);
}

/* Every test lets go of all it made: with storage and the garbage list
 * emptied, a full collection must leave no object and no byte. */
static void teardown(fixture *f)
{
    mmb_drop(f->h, &storage);
    mmb_root_pop(f->h, 1);
    mmb_gc_garbage_clear(f->h);
    mmb_gc_collect(f->h, 2);
    ck_assert_uint_eq(mmb_gc_garbage_len(f->h), 0);
    ck_assert_uint_eq(mmb_live_objects(f->h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    mmb_metrics_end();
    mmb_heap_destroy(f->h);
    mmb_alloc_destroy(&f->alloc);
    mmb_metrics_free();
}

static int reg(fixture *f, const mmb_gc_type *t)
{
    int id = mmb_gc_type_register(f->h, t);
    ck_assert_int_gt(id, MMB_GC_TYPE_WEAKREF);
    return id;
}

/* l = []; l.append(l); del l, with a type (0: none) and a payload word 42.
 * Returns the object (raw: it owns nothing). */
static mmb_obj *self_loop(fixture *f, int type)
{
    mmb_obj *x = NULL;
    mmb_root_push(f->h, &x);
    mmb_new(f->h, &x, 2, 8);
    mmb_set_word(x, 0, 42);
    mmb_store(f->h, x, 1, x);
    if (type)
        ck_assert_int_eq(mmb_gc_set_type(f->h, x, type), 0);
    mmb_obj *raw = x;
    mmb_drop(f->h, &x);
    mmb_root_pop(f->h, 1);
    return raw;
}

/* a.slot0 = b, b.slot0 = a, types ta and tb, then both dropped. Returns a. */
static mmb_obj *two_cycle(fixture *f, int ta, int tb)
{
    mmb_obj *a = NULL, *b = NULL;
    mmb_root_push(f->h, &a);
    mmb_root_push(f->h, &b);
    mmb_new(f->h, &a, 2, 8);
    mmb_new(f->h, &b, 2, 8);
    mmb_set_word(a, 0, 42);
    mmb_set_word(b, 0, 42);
    mmb_store(f->h, a, 0, b);
    mmb_store(f->h, b, 0, a);
    if (ta)
        ck_assert_int_eq(mmb_gc_set_type(f->h, a, ta), 0);
    if (tb)
        ck_assert_int_eq(mmb_gc_set_type(f->h, b, tb), 0);
    mmb_obj *raw = a;
    mmb_drop(f->h, &a);
    mmb_drop(f->h, &b);
    mmb_root_pop(f->h, 2);
    return raw;
}

/* Empty storage: the resurrected lose their last reference. */
static void clear_storage(fixture *f)
{
    for (uint32_t i = 0; i < n_stored; i++)
        mmb_dispose_slot(f->h, storage, i);
    n_stored = 0;
}

static mmb_gc_genstats stats_of(fixture *f, int g)
{
    mmb_gc_genstats st[MMB_GC_GENERATIONS];
    mmb_gc_get_stats(f->h, st);
    return st[g];
}

/* ---- collections ---- */

/* test_list / test_dict: a self-referencing container is 1 object. */
START_TEST(t_self_loop)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *l = NULL;
    mmb_root_push(f.h, &l);
    mmb_new(f.h, &l, 1, 0);
    mmb_store(f.h, l, 0, l);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    mmb_drop(f.h, &l);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1); /* storage */
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* test_tuple: l = []; t = (l,); l.append(t): 2 objects; an untracked
 * payload-only leaf they own dies by count and is not counted. */
START_TEST(t_tuple_list)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *l = NULL, *t = NULL;
    mmb_root_push(f.h, &l);
    mmb_root_push(f.h, &t);
    mmb_new(f.h, &l, 2, 0);
    mmb_new(f.h, &t, 1, 0);
    mmb_store(f.h, t, 0, l);
    mmb_store(f.h, l, 0, t);
    mmb_new_slot(f.h, &l, 1, 0, 64);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    mmb_drop(f.h, &t);
    mmb_drop(f.h, &l);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

START_TEST(t_get_count)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a[5] = {NULL}, *leaf = NULL;
    long c[3];
    mmb_gc_collect(f.h, 2);
    mmb_gc_get_count(f.h, c);
    ck_assert(c[0] == 0 && c[1] == 0 && c[2] == 0);
    for (int i = 0; i < 5; i++) {
        mmb_root_push(f.h, &a[i]);
        mmb_new(f.h, &a[i], 1, 0);
    }
    mmb_root_push(f.h, &leaf);
    mmb_new(f.h, &leaf, 0, 8); /* untracked: not counted */
    mmb_gc_get_count(f.h, c);
    ck_assert(c[0] == 5 && c[1] == 0 && c[2] == 0);
    mmb_drop(f.h, &a[0]);
    mmb_drop(f.h, &a[1]);
    mmb_gc_get_count(f.h, c);
    ck_assert_int_eq(c[0], 3);
    for (int i = 2; i < 5; i++)
        mmb_drop(f.h, &a[i]);
    mmb_drop(f.h, &leaf);
    mmb_root_pop(f.h, 6);
    teardown(&f);
}
END_TEST

/* test_collect_generations: an object trickles up one generation per
 * collect(N); the counts above gen 0 are (1,0), (0,1), (0,0). */
START_TEST(t_collect_generations)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *x = NULL;
    long c[3];
    mmb_gc_collect(f.h, 2);
    mmb_root_push(f.h, &x);
    mmb_new(f.h, &x, 1, 0);
    mmb_gc_collect(f.h, 0);
    mmb_gc_get_count(f.h, c);
    ck_assert(c[1] == 1 && c[2] == 0);
    mmb_gc_collect(f.h, 1);
    mmb_gc_get_count(f.h, c);
    ck_assert(c[1] == 0 && c[2] == 1);
    mmb_gc_collect(f.h, 2);
    mmb_gc_get_count(f.h, c);
    ck_assert(c[1] == 0 && c[2] == 0);
    mmb_drop(f.h, &x);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* test_get_stats: collect(g) adds a collection to generation g only. */
START_TEST(t_get_stats)
{
    fixture f;
    setup(&f, NO_AUTO);
    for (int g = 0; g < 3; g++) {
        mmb_gc_genstats before[3], after[3];
        mmb_gc_get_stats(f.h, before);
        self_loop(&f, 0);
        ck_assert_int_eq(mmb_gc_collect(f.h, g), 1);
        mmb_gc_get_stats(f.h, after);
        for (int k = 0; k < 3; k++) {
            ck_assert_uint_eq(after[k].collections, before[k].collections + (k == g));
            ck_assert_uint_eq(after[k].collected, before[k].collected + (k == g));
            ck_assert_uint_eq(after[k].uncollectable, 0);
        }
    }
    teardown(&f);
}
END_TEST

/* gc.collect(3) raises ValueError: here -1, an error, nothing collected. */
START_TEST(t_invalid_generation)
{
    fixture f;
    setup(&f, NO_AUTO);
    self_loop(&f, 0);
    ck_assert_ptr_null(mmb_gc_error(f.h));
    ck_assert_int_eq(mmb_gc_collect(f.h, 3), -1);
    ck_assert_ptr_nonnull(mmb_gc_error(f.h));
    ck_assert_int_eq(mmb_gc_collect(f.h, -1), -1);
    for (int g = 0; g < 3; g++)
        ck_assert_uint_eq(stats_of(&f, g).collections, 0);
    mmb_gc_clear_error(f.h);
    ck_assert_ptr_null(mmb_gc_error(f.h));
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    teardown(&f);
}
END_TEST

/* test_freeze, and what it is for: frozen garbage is not collected until
 * unfreeze puts it back into the oldest generation. */
START_TEST(t_freeze)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *keep = NULL;
    long c[3];
    mmb_root_push(f.h, &keep);
    mmb_new(f.h, &keep, 1, 0);
    self_loop(&f, 0);
    mmb_gc_freeze(f.h);
    ck_assert_uint_eq(mmb_gc_get_freeze_count(f.h), 3); /* storage, keep, the loop */
    mmb_gc_get_count(f.h, c);
    ck_assert_int_eq(c[0], 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    mmb_gc_unfreeze(f.h);
    ck_assert_uint_eq(mmb_gc_get_freeze_count(f.h), 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 0), 0); /* they are old now */
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    mmb_drop(f.h, &keep);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* After disable no automatic collection happens, whatever count0 says;
 * after enable the next tracked allocation collects. */
START_TEST(t_disable_enable)
{
    fixture f;
    setup(&f, NULL);
    ck_assert(mmb_gc_isenabled(f.h));
    mmb_gc_disable(f.h);
    ck_assert(!mmb_gc_isenabled(f.h));
    for (int i = 0; i < 2000; i++)
        self_loop(&f, 0);
    for (int g = 0; g < 3; g++)
        ck_assert_uint_eq(stats_of(&f, g).collections, 0);
    ck_assert_uint_eq(mmb_live_objects(f.h), 2001);
    mmb_gc_enable(f.h);
    self_loop(&f, 0);
    ck_assert_uint_eq(stats_of(&f, 0).collections, 1);
    ck_assert_uint_eq(stats_of(&f, 0).collected, 2000);
    teardown(&f);
}
END_TEST

/* (700, 10, 10) by default; threshold0 = 0 disables automatic collection;
 * a negative threshold is an error that changes nothing. */
START_TEST(t_thresholds)
{
    fixture f;
    setup(&f, NULL);
    long t[3];
    mmb_gc_get_threshold(f.h, t);
    ck_assert(t[0] == 700 && t[1] == 10 && t[2] == 10);
    ck_assert_int_eq(mmb_gc_set_threshold(f.h, 0, 10, 10), 0);
    for (int i = 0; i < 1500; i++)
        self_loop(&f, 0);
    ck_assert_uint_eq(stats_of(&f, 0).collections, 0);
    ck_assert_int_eq(mmb_gc_set_threshold(f.h, -1, 5, 5), -1);
    ck_assert_ptr_nonnull(mmb_gc_error(f.h));
    mmb_gc_get_threshold(f.h, t);
    ck_assert(t[0] == 0 && t[1] == 10 && t[2] == 10);
    ck_assert_int_eq(mmb_gc_set_threshold(f.h, 100, 10, 10), 0);
    self_loop(&f, 0);
    ck_assert_uint_eq(stats_of(&f, 0).collections, 1);
    teardown(&f);
}
END_TEST

/* test_saveall: the garbage goes to the garbage list, not freed. */
START_TEST(t_saveall)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_gc_collect(f.h, 2);
    ck_assert_uint_eq(mmb_gc_garbage_len(f.h), 0);
    mmb_obj *l = self_loop(&f, 0), *back = NULL;
    mmb_gc_set_debug(f.h, mmb_gc_get_debug(f.h) | MMB_GC_DEBUG_SAVEALL);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    mmb_gc_set_debug(f.h, 0);
    ck_assert_uint_eq(mmb_gc_garbage_len(f.h), 1);
    ck_assert_uint_eq(stats_of(&f, 2).collected, 1);
    mmb_root_push(f.h, &back);
    ck_assert_int_eq(mmb_gc_garbage_pop(f.h, &back), 0);
    ck_assert_ptr_eq(back, l);
    ck_assert_uint_eq(mmb_get_word(back, 0), 42); /* intact: never cleared */
    ck_assert_int_eq(mmb_gc_garbage_pop(f.h, &back), -1);
    mmb_drop(f.h, &back);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* ---- finalizers ---- */

/* The notebooks' obj1 <-> obj2 with __del__: both finalizers run exactly
 * once, before either object is cleared, and collect returns 2. */
START_TEST(t_two_cycle_finalizers)
{
    fixture f;
    setup(&f, NO_AUTO);
    int pt = reg(&f, &pair_t);
    two_cycle(&f, pt, pt);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    ck_assert_int_eq(n_finalized, 2);
    ck_assert_int_eq(n_broken, 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    ck_assert_int_eq(n_finalized, 2);
    teardown(&f);
}
END_TEST

/* test_legacy_finalizer: a self-loop with a legacy finalizer is
 * uncollectable and lands in the garbage list; a plain one beside it is
 * collected. Breaking its loop by hand frees it (its finalizer runs then). */
START_TEST(t_legacy_finalizer)
{
    fixture f;
    setup(&f, NO_AUTO);
    int lt = reg(&f, &legacy_t);
    mmb_obj *a = self_loop(&f, lt), *obj = NULL;
    self_loop(&f, 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    ck_assert_uint_eq(stats_of(&f, 2).collected, 1);
    ck_assert_uint_eq(stats_of(&f, 2).uncollectable, 1);
    ck_assert_uint_eq(mmb_gc_garbage_len(f.h), 1);
    ck_assert_ptr_eq(mmb_gc_garbage_get(f.h, 0), a);
    ck_assert_int_eq(n_finalized, 0);
    mmb_dispose_slot(f.h, mmb_gc_garbage_get(f.h, 0), 1); /* del obj.a */
    mmb_root_push(f.h, &obj);
    mmb_gc_garbage_pop(f.h, &obj);
    mmb_drop(f.h, &obj);
    ck_assert_int_eq(n_finalized, 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* What a legacy finalizer reaches in the garbage is uncollectable with it,
 * but only the legacy object itself goes to the garbage list. */
START_TEST(t_legacy_reaches)
{
    fixture f;
    setup(&f, NO_AUTO);
    int lt = reg(&f, &legacy_t);
    mmb_obj *a = two_cycle(&f, lt, 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    ck_assert_uint_eq(stats_of(&f, 2).uncollectable, 2);
    ck_assert_uint_eq(stats_of(&f, 2).collected, 0);
    ck_assert_uint_eq(mmb_gc_garbage_len(f.h), 1);
    ck_assert_ptr_eq(mmb_gc_garbage_get(f.h, 0), a);
    mmb_gc_garbage_clear(f.h); /* garbage again, and uncollectable again */
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    ck_assert_uint_eq(stats_of(&f, 2).uncollectable, 4);
    mmb_dispose_slot(f.h, mmb_gc_garbage_get(f.h, 0), 0); /* a.partner = None */
    mmb_gc_garbage_clear(f.h);
    ck_assert_int_eq(n_finalized, 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    teardown(&f);
}
END_TEST

/* Refcount deaths run the finalizer once too; an object it resurrects,
 * dying again later, is not finalized again (PEP 442). */
START_TEST(t_refcount_death_finalizer)
{
    fixture f;
    setup(&f, NO_AUTO);
    int ct = reg(&f, &counted_t), lz = reg(&f, &lazarus_t);
    mmb_obj *x = NULL;
    mmb_root_push(f.h, &x);
    mmb_new(f.h, &x, 1, 8);
    mmb_gc_set_type(f.h, x, ct);
    mmb_drop(f.h, &x);
    ck_assert_int_eq(n_finalized, 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_new(f.h, &x, 1, 8);
    mmb_new_slot(f.h, &x, 0, 1, 8); /* it owns a child: both survive */
    mmb_gc_set_type(f.h, x, lz);
    mmb_drop(f.h, &x);
    ck_assert_int_eq(n_finalized, 2);
    ck_assert_uint_eq(mmb_live_objects(f.h), 3);
    ck_assert(mmb_gc_is_finalized(mmb_load(storage, 0)));
    ck_assert_uint_eq(mmb_gc_getrefcount(mmb_load(storage, 0)), 1);
    clear_storage(&f);
    ck_assert_int_eq(n_finalized, 2);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* test_resurrection_only_happens_once_per_object (and test_is_finalized). */
START_TEST(t_resurrection_once)
{
    fixture f;
    setup(&f, NO_AUTO);
    int lz = reg(&f, &lazarus_t);
    mmb_obj *laz = self_loop(&f, lz);
    ck_assert(!mmb_gc_is_finalized(laz));
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    ck_assert_int_eq(n_finalized, 1);
    ck_assert_ptr_eq(mmb_load(storage, 0), laz);
    ck_assert(mmb_gc_is_finalized(laz));
    ck_assert_uint_eq(mmb_get_word(laz, 0), 42);
    clear_storage(&f);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    ck_assert_int_eq(n_finalized, 1);
    teardown(&f);
}
END_TEST

/* test_resurrection_is_transitive: laz <-> cargo (cargo also loops to
 * itself); laz resurrects itself and so cargo, intact. */
START_TEST(t_resurrection_transitive)
{
    fixture f;
    setup(&f, NO_AUTO);
    int lz = reg(&f, &lazarus_t);
    mmb_obj *laz = two_cycle(&f, lz, 0);
    mmb_obj *cargo = mmb_load(laz, 0);
    mmb_store(f.h, cargo, 1, cargo);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    ck_assert_int_eq(n_stored, 1);
    mmb_obj *inst = mmb_load(storage, 0);
    ck_assert_ptr_eq(mmb_load(inst, 0), cargo);
    ck_assert_ptr_eq(mmb_load(cargo, 1), cargo);
    ck_assert_ptr_eq(mmb_load(cargo, 0), laz);
    ck_assert_uint_eq(mmb_get_word(cargo, 0), 42);
    ck_assert_uint_eq(stats_of(&f, 2).collected, 0);
    clear_storage(&f);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    teardown(&f);
}
END_TEST

/* test_resurrection_does_not_block_cleanup_of_other_objects. */
START_TEST(t_resurrection_not_blocking)
{
    enum { N = 100 };
    fixture f;
    setup(&f, NO_AUTO);
    int lz = reg(&f, &lazarus_t);
    for (int i = 0; i < N; i++)
        self_loop(&f, 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), N);
    ck_assert_uint_eq(stats_of(&f, 2).collected, N);
    self_loop(&f, lz); /* Z(): merely resurrected */
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    ck_assert_uint_eq(stats_of(&f, 2).collected, N);
    for (int i = 0; i < N; i++)
        self_loop(&f, 0);
    self_loop(&f, lz);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), N);
    ck_assert_uint_eq(stats_of(&f, 2).collected, 2 * N);
    ck_assert_uint_eq(stats_of(&f, 2).uncollectable, 0);
    clear_storage(&f); /* zs.clear(): the two Zs are plain garbage now */
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    ck_assert_uint_eq(stats_of(&f, 2).collected, 2 * N + 2);
    teardown(&f);
}
END_TEST

/* gc.collect() from a finalizer during a collection does nothing, returns 0. */
START_TEST(t_collect_in_finalizer)
{
    fixture f;
    setup(&f, NO_AUTO);
    int ct = reg(&f, &collecting_t);
    self_loop(&f, ct);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    ck_assert_int_eq(inner_collect, 0);
    ck_assert_uint_eq(stats_of(&f, 2).collections, 1);
    teardown(&f);
}
END_TEST

/* test_del: with threshold 1, a finalizer's allocations trigger automatic
 * collections in the middle of a release. */
START_TEST(t_del_triggers_collection)
{
    fixture f;
    setup(&f, NULL);
    int at = reg(&f, &allocating_t);
    mmb_gc_set_threshold(f.h, 1, 10, 10);
    mmb_obj *a = NULL;
    mmb_root_push(f.h, &a);
    for (int i = 0; i < 50; i++) {
        mmb_new(f.h, &a, 1, 0);
        mmb_gc_set_type(f.h, a, at);
        mmb_drop(f.h, &a);
    }
    self_loop(&f, at);
    mmb_gc_collect(f.h, 2);
    ck_assert_int_eq(n_finalized, 51);
    ck_assert_uint_gt(stats_of(&f, 0).collections, 10);
    mmb_root_pop(f.h, 1);
    teardown(&f);
}
END_TEST

/* test_bug21435: a finalizer that breaks its own cycle mid-collection. */
START_TEST(t_bug21435)
{
    fixture f;
    setup(&f, NO_AUTO);
    int dt = reg(&f, &drop_attr_t);
    mmb_obj *b = two_cycle(&f, 0, dt);
    b = mmb_load(b, 0);
    mmb_obj *x = NULL;
    mmb_root_push(f.h, &x);
    mmb_new(f.h, &x, 1, 0); /* b.x = A() */
    mmb_store(f.h, b, 1, x);
    mmb_drop(f.h, &x);
    mmb_root_pop(f.h, 1);
    mmb_gc_collect(f.h, 2);
    ck_assert_int_eq(n_finalized, 1);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    teardown(&f);
}
END_TEST

/* Build t = [t, Ouch()] n deep into *t (a rooted handle). */
static void ouch_nest(fixture *f, mmb_obj **t, int ot, int n)
{
    mmb_obj *node = NULL;
    mmb_root_push(f->h, &node);
    mmb_new(f->h, t, 2, 0);
    for (int i = 0; i < n; i++) {
        mmb_new(f->h, &node, 2, 0);
        mmb_store(f->h, node, 0, *t);
        mmb_new_slot(f->h, &node, 1, 1, 0);
        mmb_gc_set_type(f->h, mmb_load(node, 1), ot);
        mmb_assign(f->h, t, node);
    }
    mmb_drop(f->h, &node);
    mmb_root_pop(f->h, 1);
}

/* test_trashcan: nests whose elements' finalizers collect every 17th
 * call, released with automatic collection on, twice over. */
START_TEST(t_trashcan)
{
    fixture f;
    setup(&f, NULL);
    int ot = reg(&f, &ouch_t);
    mmb_obj *t = NULL, *u = NULL, *v = NULL;
    mmb_root_push(f.h, &t);
    mmb_root_push(f.h, &u);
    mmb_root_push(f.h, &v);
    for (int count = 0; count < 2; count++) {
        ouch_nest(&f, &t, ot, TRASHCAN_N);
        ouch_nest(&f, &u, ot, TRASHCAN_N);
        ouch_nest(&f, &v, ot, TRASHCAN_N);
    }
    ck_assert_int_eq(n_finalized, 3 * TRASHCAN_N);
    mmb_drop(f.h, &t);
    mmb_drop(f.h, &u);
    mmb_drop(f.h, &v);
    ck_assert_int_eq(n_finalized, 6 * TRASHCAN_N);
    ck_assert_uint_gt(stats_of(&f, 2).collections, 6 * TRASHCAN_N / COLLECT_EVERY - 1);
    mmb_root_pop(f.h, 3);
    teardown(&f);
}
END_TEST

/* The trashcan at depth: every node of a DEEP_N chain has a finalizer
 * that drops the next node itself and collects every 17th call; dropping
 * the head frees it all, each finalizer once, in a fixed amount of C stack
 * (a release from inside a finalizer waits for the one in progress). */
START_TEST(t_deep_nest_bounded)
{
    fixture f;
    setup(&f, NULL);
    int ot = reg(&f, &unlink_t);
    mmb_obj *head = NULL, *cur = NULL;
    mmb_root_push(f.h, &head);
    mmb_root_push(f.h, &cur);
    mmb_new(f.h, &head, 1, 8);
    mmb_gc_set_type(f.h, head, ot);
    mmb_assign(f.h, &cur, head);
    for (int i = 1; i < DEEP_N; i++) {
        mmb_new_slot(f.h, &cur, 0, 1, 8);
        mmb_assign(f.h, &cur, mmb_load(cur, 0));
        mmb_gc_set_type(f.h, cur, ot);
    }
    mmb_drop(f.h, &cur);
    mmb_drop(f.h, &head);
    ck_assert_int_eq(n_finalized, DEEP_N);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    ck_assert_msg(sp_max - sp_min < STACK_BOUND, "finalizers ran %lu bytes of stack apart",
                  (unsigned long)(sp_max - sp_min));
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* The same nest made cyclic (the tail points back at the head) and
 * collected: every finalizer runs once before anything is cleared. */
START_TEST(t_deep_cycle_finalizers)
{
    fixture f;
    setup(&f, NO_AUTO);
    int ct = reg(&f, &counted_t);
    mmb_obj *head = NULL, *cur = NULL;
    mmb_root_push(f.h, &head);
    mmb_root_push(f.h, &cur);
    mmb_new(f.h, &head, 1, 8);
    mmb_gc_set_type(f.h, head, ct);
    mmb_assign(f.h, &cur, head);
    for (int i = 1; i < DEEP_N; i++) {
        mmb_new_slot(f.h, &cur, 0, 1, 8);
        mmb_assign(f.h, &cur, mmb_load(cur, 0));
        mmb_gc_set_type(f.h, cur, ct);
    }
    mmb_store(f.h, cur, 0, head);
    mmb_drop(f.h, &cur);
    mmb_drop(f.h, &head);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), DEEP_N);
    ck_assert_int_eq(n_finalized, DEEP_N);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* ---- weak references ---- */

static int n_callbacks;
static int n_saw_referent; /* callbacks that could still reach their referent */
static mmb_obj *wrs[2];    /* test_bug1055820b's WRs */
static int n_ouch;
static mmb_obj *ouch_seen[4];
static mmb_obj *c2wr; /* the callback-free weakref of test_bug1055820c/d */

static void plain_cb(mmb_heap *h, mmb_obj *wr)
{
    n_callbacks++;
    n_saw_referent += mmb_gc_weakref_get(wr) != NULL;
}

/* test_bug1055820b: ouch[:] = [wr() for wr in WRs] */
static void wrs_cb(mmb_heap *h, mmb_obj *wr)
{
    n_callbacks++;
    for (int i = 0; i < 2; i++)
        n_saw_referent += mmb_gc_weakref_get(wrs[i]) != NULL;
}

/* ouch[:] = [c2wr()] */
static void c2_cb(mmb_heap *h, mmb_obj *wr)
{
    ouch_seen[n_ouch++] = mmb_gc_weakref_get(c2wr);
}

static void c2_fin(mmb_heap *h, mmb_obj *o)
{
    ouch_seen[n_ouch++] = mmb_gc_weakref_get(c2wr);
}

static const mmb_gc_type d_t = {"D", c2_fin, 0};

/* A referent dying by count: its weakref is cleared and the callback,
 * which sees the referent gone, runs once. */
START_TEST(t_weakref_refcount_death)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_callbacks = n_saw_referent = 0;
    mmb_obj *r = NULL, *wr = NULL;
    mmb_root_push(f.h, &r);
    mmb_root_push(f.h, &wr);
    mmb_new(f.h, &r, 1, 8);
    ck_assert_int_eq(mmb_gc_weakref_new(f.h, &wr, r, plain_cb, NULL), 0);
    ck_assert_ptr_eq(mmb_gc_weakref_get(wr), r);
    ck_assert_int_eq(mmb_gc_type_of(wr), MMB_GC_TYPE_WEAKREF);
    ck_assert_uint_eq(mmb_gc_weakref_count(f.h, r), 1);
    ck_assert_uint_eq(mmb_gc_getrefcount(r), 1); /* weak: no count */
    mmb_drop(f.h, &r);
    ck_assert_int_eq(n_callbacks, 1);
    ck_assert_int_eq(n_saw_referent, 0);
    ck_assert_ptr_null(mmb_gc_weakref_get(wr));
    mmb_drop(f.h, &wr);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* A weakref that dies first leaves its referent's list; the referent
 * then dies quietly. Objects without slots cannot be weakly referenced
 * (nor typed). */
START_TEST(t_weakref_dies_first)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_callbacks = 0;
    mmb_obj *r = NULL, *w1 = NULL, *w2 = NULL, *leaf = NULL;
    mmb_root_push(f.h, &r);
    mmb_root_push(f.h, &w1);
    mmb_root_push(f.h, &w2);
    mmb_root_push(f.h, &leaf);
    mmb_new(f.h, &r, 1, 0);
    mmb_gc_weakref_new(f.h, &w1, r, plain_cb, NULL);
    mmb_gc_weakref_new(f.h, &w2, r, plain_cb, r); /* its callback argument: r, strongly */
    ck_assert_uint_eq(mmb_gc_weakref_count(f.h, r), 2);
    ck_assert_uint_eq(mmb_gc_getrefcount(r), 2);
    mmb_drop(f.h, &w1);
    mmb_drop(f.h, &w2);
    ck_assert_uint_eq(mmb_gc_weakref_count(f.h, r), 0);
    mmb_drop(f.h, &r);
    ck_assert_int_eq(n_callbacks, 0);
    mmb_new(f.h, &leaf, 0, 8);
    ck_assert_int_eq(mmb_gc_weakref_new(f.h, &w1, leaf, NULL, NULL), -1);
    ck_assert_ptr_nonnull(mmb_gc_error(f.h));
    ck_assert_int_eq(mmb_gc_set_type(f.h, leaf, reg(&f, &counted_t)), -1);
    ck_assert_ptr_null(w1);
    mmb_drop(f.h, &leaf);
    mmb_root_pop(f.h, 4);
    teardown(&f);
}
END_TEST

/* test_bug1055820b: two self-loops with weakrefs whose callback reads
 * every weakref: after the collection both callbacks ran and saw None. */
START_TEST(t_weakref_callbacks_see_cleared)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_callbacks = n_saw_referent = 0;
    mmb_obj *cs[2] = {NULL, NULL};
    wrs[0] = wrs[1] = NULL;
    for (int i = 0; i < 2; i++) {
        mmb_root_push(f.h, &cs[i]);
        mmb_root_push(f.h, &wrs[i]);
        mmb_new(f.h, &cs[i], 1, 8);
        mmb_store(f.h, cs[i], 0, cs[i]);
        mmb_gc_weakref_new(f.h, &wrs[i], cs[i], wrs_cb, NULL);
    }
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 0);
    ck_assert_int_eq(n_callbacks, 0);
    mmb_drop(f.h, &cs[0]);
    mmb_drop(f.h, &cs[1]);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 2);
    ck_assert_int_eq(n_callbacks, 2);
    ck_assert_int_eq(n_saw_referent, 0);
    for (int i = 0; i < 2; i++)
        mmb_drop(f.h, &wrs[i]);
    mmb_root_pop(f.h, 4);
    teardown(&f);
}
END_TEST

/* A weakref that is garbage itself never calls back (test_trash_weakref_
 * clear's point): a -> wz (a weakref to z, callback) and a -> z, all trash. */
START_TEST(t_trash_weakref_no_callback)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_callbacks = 0;
    mmb_obj *a = NULL, *z = NULL, *wz = NULL;
    mmb_root_push(f.h, &a);
    mmb_root_push(f.h, &z);
    mmb_root_push(f.h, &wz);
    mmb_new(f.h, &a, 3, 0);
    mmb_store(f.h, a, 0, a);
    mmb_new(f.h, &z, 1, 0);
    mmb_store(f.h, a, 1, z);
    mmb_gc_weakref_new(f.h, &wz, z, plain_cb, NULL);
    mmb_store(f.h, a, 2, wz);
    mmb_drop(f.h, &z);
    mmb_drop(f.h, &wz);
    mmb_drop(f.h, &a);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 3);
    ck_assert_int_eq(n_callbacks, 0);
    mmb_root_pop(f.h, 3);
    teardown(&f);
}
END_TEST

/* c2: a self-loop with a callback-free weakref c2wr (held by a handle). */
static void make_c2(fixture *f, mmb_obj **c2wr_handle)
{
    mmb_obj *c2 = NULL;
    mmb_root_push(f->h, &c2);
    mmb_new(f->h, &c2, 1, 8);
    mmb_store(f->h, c2, 0, c2);
    mmb_gc_weakref_new(f->h, c2wr_handle, c2, NULL, NULL);
    mmb_drop(f->h, &c2);
    mmb_root_pop(f->h, 1);
}

/* test_bug1055820c: c0 (in generation 2) is kept alive only by young
 * garbage c1; c0 has a weakref whose callback reads c2wr, c2 being young
 * garbage too. A gen-0 collection clears c1, c0 dies by count, its
 * callback runs: c2wr must already be cleared. */
START_TEST(t_weakref_cleared_before_clearing_cb)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_ouch = 0;
    c2wr = NULL;
    mmb_obj *c0 = NULL, *c1 = NULL, *c0wr = NULL;
    mmb_root_push(f.h, &c0);
    mmb_root_push(f.h, &c1);
    mmb_root_push(f.h, &c0wr);
    mmb_root_push(f.h, &c2wr);
    mmb_new(f.h, &c0, 2, 8);
    mmb_store(f.h, c0, 0, c0);
    mmb_gc_collect(f.h, 2);
    mmb_new(f.h, &c1, 2, 8);
    mmb_store(f.h, c1, 0, c1);
    mmb_store(f.h, c1, 1, c0); /* c1.keep_c0_alive = c0 */
    mmb_dispose_slot(f.h, c0, 0);
    make_c2(&f, &c2wr);
    mmb_gc_weakref_new(f.h, &c0wr, c0, c2_cb, NULL);
    mmb_drop(f.h, &c0);
    mmb_drop(f.h, &c1);
    ck_assert_int_eq(mmb_gc_collect(f.h, 0), 2); /* c1, c2 */
    ck_assert_int_eq(n_ouch, 1);
    ck_assert_ptr_null(ouch_seen[0]);
    mmb_drop(f.h, &c0wr);
    mmb_drop(f.h, &c2wr);
    mmb_root_pop(f.h, 4);
    teardown(&f);
}
END_TEST

/* test_bug1055820d: the same with a finalizer (__del__) on d0 instead. */
START_TEST(t_weakref_cleared_before_clearing_fin)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_ouch = 0;
    c2wr = NULL;
    int dt = reg(&f, &d_t);
    mmb_obj *d0 = NULL, *c1 = NULL;
    mmb_root_push(f.h, &d0);
    mmb_root_push(f.h, &c1);
    mmb_root_push(f.h, &c2wr);
    mmb_new(f.h, &d0, 2, 8);
    mmb_gc_set_type(f.h, d0, dt);
    mmb_store(f.h, d0, 0, d0);
    mmb_gc_collect(f.h, 2);
    mmb_new(f.h, &c1, 2, 8);
    mmb_store(f.h, c1, 0, c1);
    mmb_store(f.h, c1, 1, d0);
    mmb_dispose_slot(f.h, d0, 0);
    make_c2(&f, &c2wr);
    mmb_drop(f.h, &d0);
    mmb_drop(f.h, &c1);
    ck_assert_int_eq(mmb_gc_collect(f.h, 0), 2);
    ck_assert_int_eq(n_ouch, 1);
    ck_assert_ptr_null(ouch_seen[0]);
    mmb_drop(f.h, &c2wr);
    mmb_root_pop(f.h, 3);
    teardown(&f);
}
END_TEST

/* A weakref to garbage is cleared before the garbage's finalizers run:
 * a finalizer cannot reach its cycle partner through one. */
START_TEST(t_weakref_cleared_before_finalizers)
{
    fixture f;
    setup(&f, NO_AUTO);
    n_ouch = 0;
    c2wr = NULL;
    int dt = reg(&f, &d_t);
    mmb_obj *d = NULL;
    mmb_root_push(f.h, &c2wr);
    mmb_root_push(f.h, &d);
    mmb_new(f.h, &d, 2, 8);
    mmb_gc_set_type(f.h, d, dt);
    mmb_gc_weakref_new(f.h, &c2wr, d, NULL, NULL);
    mmb_store(f.h, d, 0, d);
    mmb_drop(f.h, &d);
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    ck_assert_int_eq(n_ouch, 1);
    ck_assert_ptr_null(ouch_seen[0]);
    mmb_drop(f.h, &c2wr);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* Many referents with one to three weakrefs each, dropped in an order
 * that is not their creation order: the weak table grows and deletes
 * without losing an entry. */
START_TEST(t_many_weakrefs)
{
    enum { NREF = 2000, NWR = 3 };
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *holder = NULL, *wrs_of = NULL;
    mmb_root_push(f.h, &holder);
    mmb_root_push(f.h, &wrs_of);
    mmb_new(f.h, &holder, NREF, 0);
    mmb_new(f.h, &wrs_of, NREF * NWR, 0);
    for (uint32_t i = 0; i < NREF; i++) {
        mmb_new_slot(f.h, &holder, i, 1, 8);
        for (uint32_t k = 0; k <= i % NWR; k++) {
            mmb_obj *w = NULL;
            mmb_root_push(f.h, &w);
            mmb_gc_weakref_new(f.h, &w, mmb_load(holder, i), NULL, NULL);
            mmb_store(f.h, wrs_of, i * NWR + k, w);
            mmb_drop(f.h, &w);
            mmb_root_pop(f.h, 1);
        }
    }
    for (uint32_t i = 0; i < NREF; i += 2) /* every other referent dies */
        mmb_dispose_slot(f.h, holder, (i * 7919u) % NREF);
    for (uint32_t i = 0; i < NREF; i++) {
        mmb_obj *r = mmb_load(holder, i);
        for (uint32_t k = 0; k <= i % NWR; k++)
            ck_assert_ptr_eq(mmb_gc_weakref_get(mmb_load(wrs_of, i * NWR + k)), r);
        if (r)
            ck_assert_uint_eq(mmb_gc_weakref_count(f.h, r), i % NWR + 1);
    }
    mmb_drop(f.h, &wrs_of);
    mmb_drop(f.h, &holder);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* ---- sizes and counts ---- */

/* The notebooks' getrefcount cells: Python shows 2, 3, 2 (its argument
 * adds one); the owning references here are 1, 2, 1. */
START_TEST(t_refcounts)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a = NULL, *b = NULL;
    mmb_root_push(f.h, &a);
    mmb_root_push(f.h, &b);
    mmb_new(f.h, &a, 1, 8);
    ck_assert_uint_eq(mmb_gc_getrefcount(a), 1);
    mmb_assign(f.h, &b, a);
    ck_assert_uint_eq(mmb_gc_getrefcount(a), 2);
    mmb_drop(f.h, &b);
    ck_assert_uint_eq(mmb_gc_getrefcount(a), 1);
    mmb_drop(f.h, &a);
    mmb_root_pop(f.h, 2);
    teardown(&f);
}
END_TEST

/* getsizeof: GC header (24 bytes, objects with slots), object header (16),
 * 8 per slot, payload. */
START_TEST(t_getsizeof)
{
    fixture f;
    setup(&f, NO_AUTO);
    mmb_obj *a = NULL, *leaf = NULL, *wr = NULL;
    mmb_root_push(f.h, &a);
    mmb_root_push(f.h, &leaf);
    mmb_root_push(f.h, &wr);
    mmb_new(f.h, &a, 3, 8);
    mmb_new(f.h, &leaf, 0, 40);
    mmb_gc_weakref_new(f.h, &wr, a, NULL, NULL);
    ck_assert_uint_eq(mmb_gc_getsizeof(a), 24 + 16 + 3 * 8 + 8);
    ck_assert_uint_eq(mmb_gc_getsizeof(leaf), 16 + 40);
    ck_assert_uint_eq(mmb_gc_getsizeof(wr), 24 + 16 + 8 + 32);
    ck_assert(mmb_gc_is_tracked(a) && !mmb_gc_is_tracked(leaf));
    mmb_drop(f.h, &wr);
    mmb_drop(f.h, &leaf);
    mmb_drop(f.h, &a);
    mmb_root_pop(f.h, 3);
    teardown(&f);
}
END_TEST

/* ---- callbacks ---- */

typedef struct visit {
    int who;
    char phase[8];
    mmb_gc_info info;
} visit;

static visit visits[CALLBACK_LOG];
static int n_visits;
static int cleanup; /* cb2 breaks the Uncollectables at "stop" (test_gc's cleanup) */
static int uncollectable_type;

static void record(int who, const char *phase, const mmb_gc_info *info)
{
    if (n_visits == CALLBACK_LOG)
        return;
    visits[n_visits].who = who;
    snprintf(visits[n_visits].phase, sizeof visits[0].phase, "%s", phase);
    visits[n_visits++].info = *info;
}

static void cb1(const char *phase, const mmb_gc_info *info, void *arg)
{
    record(1, phase, info);
}

static void cb2(const char *phase, const mmb_gc_info *info, void *arg)
{
    mmb_heap *h = arg;
    record(2, phase, info);
    if (strcmp(phase, "stop") != 0 || !cleanup)
        return;
    for (size_t i = 0; i < mmb_gc_garbage_len(h); i++) {
        mmb_obj *e = mmb_gc_garbage_get(h, i);
        if (mmb_gc_type_of(e) == uncollectable_type)
            mmb_dispose_slot(h, e, 0); /* e.partner = None */
    }
    mmb_gc_garbage_clear(h);
}

static void callbacks_setup(fixture *f)
{
    setup(f, NO_AUTO);
    n_visits = cleanup = 0;
    ck_assert_int_eq(mmb_gc_callback_add(f->h, cb1, NULL), 0);
    ck_assert_int_eq(mmb_gc_callback_add(f->h, cb2, f->h), 0);
}

static void callbacks_teardown(fixture *f)
{
    ck_assert_int_eq(mmb_gc_callback_remove(f->h, cb1, NULL), 0);
    ck_assert_int_eq(mmb_gc_callback_remove(f->h, cb2, f->h), 0);
    ck_assert_int_eq(mmb_gc_callback_remove(f->h, cb2, f->h), -1);
    teardown(f);
}

/* test_collect / test_collect_generation: each callback sees one start and
 * one stop, with the generation; start reports nothing collected yet. */
START_TEST(t_callbacks)
{
    fixture f;
    callbacks_setup(&f);
    self_loop(&f, 0);
    ck_assert_int_eq(mmb_gc_collect(f.h, 0), 1);
    ck_assert_int_eq(n_visits, 4);
    int starts = 0, stops = 0, by[3] = {0};
    for (int i = 0; i < n_visits; i++) {
        by[visits[i].who]++;
        ck_assert_int_eq(visits[i].info.generation, 0);
        if (strcmp(visits[i].phase, "start") == 0) {
            starts++;
            ck_assert_uint_eq(visits[i].info.collected, 0);
        } else {
            stops++;
            ck_assert_str_eq(visits[i].phase, "stop");
            ck_assert_uint_eq(visits[i].info.collected, 1);
        }
        ck_assert_uint_eq(visits[i].info.uncollectable, 0);
    }
    ck_assert(starts == 2 && stops == 2 && by[1] == 2 && by[2] == 2);
    ck_assert_int_eq(mmb_gc_callback_remove(f.h, cb1, NULL), 0);
    n_visits = 0;
    mmb_gc_collect(f.h, 2);
    ck_assert_int_eq(n_visits, 2);
    ck_assert(visits[0].who == 2 && visits[0].info.generation == 2);
    ck_assert_int_eq(mmb_gc_callback_add(f.h, cb1, NULL), 0);
    callbacks_teardown(&f);
}
END_TEST

/* Uncollectable(): a pair of partners with legacy finalizers. */
static void uncollectable_pair(fixture *f)
{
    two_cycle(f, uncollectable_type, uncollectable_type);
}

/* test_collect_garbage: two Uncollectable pairs and a C1055820 self-loop:
 * collected 1, uncollectable 4, and the four in the garbage list; then
 * with the list emptied, a callback that breaks the pairs at "stop" lets
 * them die (their legacy finalizers run then) and leaves the list empty. */
START_TEST(t_callbacks_garbage)
{
    fixture f;
    callbacks_setup(&f);
    uncollectable_type = reg(&f, &legacy_t);
    uncollectable_pair(&f);
    uncollectable_pair(&f);
    self_loop(&f, 0);
    mmb_gc_collect(f.h, 2);
    for (int i = 0; i < n_visits; i++) {
        if (strcmp(visits[i].phase, "stop") != 0)
            continue;
        ck_assert_uint_eq(visits[i].info.collected, 1);
        ck_assert_uint_eq(visits[i].info.uncollectable, 4);
    }
    ck_assert_uint_eq(mmb_gc_garbage_len(f.h), 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(mmb_gc_type_of(mmb_gc_garbage_get(f.h, i)), uncollectable_type);
    cleanup = 1;
    n_visits = 0;
    mmb_gc_garbage_clear(f.h);
    mmb_gc_collect(f.h, 2);
    for (int i = 0; i < n_visits; i++) {
        if (strcmp(visits[i].phase, "stop") != 0)
            continue;
        ck_assert_uint_eq(visits[i].info.collected, 0);
        ck_assert_uint_eq(visits[i].info.uncollectable, 4);
    }
    ck_assert_uint_eq(mmb_gc_garbage_len(f.h), 0);
    ck_assert_int_eq(n_finalized, 4);
    ck_assert_uint_eq(mmb_live_objects(f.h), 1);
    callbacks_teardown(&f);
}
END_TEST

/* ---- the run's figures ---- */

static uint64_t tally[3][3]; /* [generation][collections, collected, uncollectable] */

static void tally_cb(const char *phase, const mmb_gc_info *info, void *arg)
{
    if (strcmp(phase, "stop") != 0)
        return;
    tally[info->generation][0]++;
    tally[info->generation][1] += info->collected;
    tally[info->generation][2] += info->uncollectable;
}

/* A cycles-like program under the default thresholds (rings of 2..5
 * dropped beside a live set, now and then one with a legacy finalizer):
 * the run's gc figures, 3 generations of them, agree with the callbacks'
 * tallies and with get_stats. */
START_TEST(t_metrics_match_callbacks)
{
    fixture f;
    setup(&f, NULL);
    memset(tally, 0, sizeof tally);
    ck_assert_int_eq(mmb_gc_callback_add(f.h, tally_cb, NULL), 0);
    int lt = reg(&f, &legacy_t);
    mmb_obj *live = NULL, *head = NULL, *cur = NULL;
    mmb_root_push(f.h, &live);
    mmb_root_push(f.h, &head);
    mmb_root_push(f.h, &cur);
    mmb_new(f.h, &live, 1000, 0);
    for (uint32_t i = 0; i < 1000; i++)
        mmb_new_slot(f.h, &live, i, 1, 8);
    for (int p = 0; p < 30000; p++) {
        mmb_new(f.h, &head, 1, 8);
        mmb_assign(f.h, &cur, head);
        for (int k = 1; k < 2 + p % 4; k++) {
            mmb_new_slot(f.h, &cur, 0, 1, 8);
            mmb_assign(f.h, &cur, mmb_load(cur, 0));
        }
        mmb_store(f.h, cur, 0, head);
        if (p % 5000 == 0)
            mmb_gc_set_type(f.h, head, lt);
        mmb_drop(f.h, &cur);
        mmb_drop(f.h, &head);
    }
    mmb_gc_genstats st[3];
    mmb_gc_get_stats(f.h, st);
    ck_assert_int_eq(mmb_metrics_g.ngens, 3);
    ck_assert_uint_gt(tally[1][0], 0);
    ck_assert_uint_gt(tally[0][2] + tally[1][2] + tally[2][2], 0);
    for (int g = 0; g < 3; g++) {
        ck_assert_uint_eq(mmb_metrics_g.collections[g], tally[g][0]);
        ck_assert_uint_eq(mmb_metrics_g.collected[g], tally[g][1]);
        ck_assert_uint_eq(mmb_metrics_g.uncollectable[g], tally[g][2]);
        ck_assert_uint_eq(st[g].collections, tally[g][0]);
        ck_assert_uint_eq(st[g].collected, tally[g][1]);
        ck_assert_uint_eq(st[g].uncollectable, tally[g][2]);
    }
    for (size_t i = 0; i < mmb_gc_garbage_len(f.h); i++)
        mmb_dispose_slot(f.h, mmb_gc_garbage_get(f.h, i), 0);
    mmb_drop(f.h, &live);
    mmb_root_pop(f.h, 3);
    teardown(&f);
}
END_TEST

/* Collections outside the timed region count in get_stats only: the run's
 * figures cover the timed region, as its pauses do. */
START_TEST(t_outside_timed_region)
{
    fixture f;
    setup(&f, NO_AUTO);
    self_loop(&f, 0);
    mmb_metrics_end();
    ck_assert_int_eq(mmb_gc_collect(f.h, 2), 1);
    ck_assert_uint_eq(stats_of(&f, 2).collections, 1);
    ck_assert_uint_eq(mmb_metrics_g.collections[2], 0);
    ck_assert_uint_eq(mmb_metrics_g.collected[2], 0);
    teardown(&f);
}
END_TEST

TCase *mmb_check_gc_tcase(void)
{
    TCase *tc = tcase_create(MMB_GC_NAME);
    tcase_set_timeout(tc, CASE_TIMEOUT_S);
    tcase_add_test(tc, t_self_loop);
    tcase_add_test(tc, t_tuple_list);
    tcase_add_test(tc, t_get_count);
    tcase_add_test(tc, t_collect_generations);
    tcase_add_test(tc, t_get_stats);
    tcase_add_test(tc, t_invalid_generation);
    tcase_add_test(tc, t_freeze);
    tcase_add_test(tc, t_disable_enable);
    tcase_add_test(tc, t_thresholds);
    tcase_add_test(tc, t_saveall);
    tcase_add_test(tc, t_two_cycle_finalizers);
    tcase_add_test(tc, t_legacy_finalizer);
    tcase_add_test(tc, t_legacy_reaches);
    tcase_add_test(tc, t_refcount_death_finalizer);
    tcase_add_test(tc, t_resurrection_once);
    tcase_add_test(tc, t_resurrection_transitive);
    tcase_add_test(tc, t_resurrection_not_blocking);
    tcase_add_test(tc, t_collect_in_finalizer);
    tcase_add_test(tc, t_del_triggers_collection);
    tcase_add_test(tc, t_bug21435);
    tcase_add_test(tc, t_trashcan);
    tcase_add_test(tc, t_deep_nest_bounded);
    tcase_add_test(tc, t_deep_cycle_finalizers);
    tcase_add_test(tc, t_weakref_refcount_death);
    tcase_add_test(tc, t_weakref_dies_first);
    tcase_add_test(tc, t_weakref_callbacks_see_cleared);
    tcase_add_test(tc, t_trash_weakref_no_callback);
    tcase_add_test(tc, t_weakref_cleared_before_clearing_cb);
    tcase_add_test(tc, t_weakref_cleared_before_clearing_fin);
    tcase_add_test(tc, t_weakref_cleared_before_finalizers);
    tcase_add_test(tc, t_many_weakrefs);
    tcase_add_test(tc, t_refcounts);
    tcase_add_test(tc, t_getsizeof);
    tcase_add_test(tc, t_callbacks);
    tcase_add_test(tc, t_callbacks_garbage);
    tcase_add_test(tc, t_metrics_match_callbacks);
    tcase_add_test(tc, t_outside_timed_region);
    return tc;
}

#endif /* MMB_GC_NONE */
