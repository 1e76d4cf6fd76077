/* tests/trace_cases.c: tracemalloc (mmb/trace.h) under one collector.
 *
 * Compiled once per collector (-DMMB_GC_<NAME>) into tests/libtrace_<gcid>.a,
 * each giving mmb_trace_tcase__<gcid>(), a TCase named after the collector
 * that tests/check_trace.c adds to the "trace" suite:
 *   - current, peak, reset_peak and clear against sizes known in advance;
 *   - statistics of a snapshot: three sites in size-then-count order;
 *   - compare_to: differences and their order, a site that went away;
 *   - start/stop: objects from before start are not traced and their frees
 *     do not underflow; stop gives every byte back to live_bytes;
 *   - garbage and moves: a small heap collects (and, for semispace and gen,
 *     moves) inside the allocations; the traces follow the survivors, and
 *     the dead ones leave;
 *   - one source of truth: the same program traced and untraced reports the
 *     same peak_live_bytes.
 * Objects are freed the collector's way: dispose, then a full collection.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/collector.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define GC_DESC MMB_CAT(mmb_gc_desc_, MMB_GC_ID)
extern const mmb_gc_desc GC_DESC;

/* Small heaps, so that collections happen inside the allocations. */
#if defined(MMB_GC_GEN)
#define SMALL_HEAP "nursery=64K"
#elif defined(MMB_GC_MARKSWEEP) || defined(MMB_GC_SEMISPACE)
#define SMALL_HEAP "heap=64K"
#elif defined(MMB_GC_RCCYCLE)
#define SMALL_HEAP "threshold0=50"
#else
#define SMALL_HEAP NULL
#endif

#define ARRAY_SLOTS 64       /* the rooted array the cases hang objects from */
#define GARBAGE_OBJS 20000   /* objects of the garbage case; every KEEP_EVERY-th stays */
#define KEEP_EVERY 400
#define CHECK_EVERY 97       /* steps between checks of the traced count */
#define CASE_TIMEOUT_S 60

/* Payload bytes giving objects of 96, 32, 400 and 48 bytes (16-byte header). */
#define NB_A 80
#define NB_B 16
#define NB_C 384
#define NB_D 32

typedef struct fixture {
    mmb_alloc alloc;
    mmb_optvals ov;
    mmb_run_ctx ctx;
    mmb_heap *h;
    mmb_obj *arr; /* rooted; allocated before tracing starts (untraced) */
} fixture;

static fixture fx;
static int line_a, line_b, line_c, line_d, line_g;

/* A heap with the collector's options plus kv; with `traced`, tracing
 * starts before its first object, as the driver's --trace-sites run does. */
static void setup_with(const char *kv, int traced)
{
    mmb_metrics_reset();
    if (traced)
        mmb_trace_start(1);
    ck_assert_int_eq(mmb_alloc_init(&fx.alloc, MMB_ALLOC_SYS, NULL), 0);
    const mmb_optdesc *tables[1] = {GC_DESC.opts};
    mmb_opts_init(&fx.ov, tables, 1);
    if (kv) {
        char err[128];
        ck_assert_msg(mmb_opts_apply(&fx.ov, kv, err, sizeof err) == 0, "%s", err);
    }
    fx.ctx = (mmb_run_ctx){&fx.ov, &fx.alloc, 1};
    fx.h = mmb_heap_create(&fx.ctx);
    fx.arr = NULL;
    mmb_root_push(fx.h, &fx.arr);
    mmb_new(fx.h, &fx.arr, ARRAY_SLOTS, 0);
}

static void setup(void) { setup_with(SMALL_HEAP, 0); }

/* The array and what hangs from it go back first: under manual, rc and
 * rc-cycle they are blocks of the system allocator. */
static void teardown(void)
{
    mmb_trace_stop();
    mmb_dispose(fx.h, &fx.arr);
    mmb_collect(fx.h, -1);
    mmb_root_pop(fx.h, 1);
    mmb_heap_destroy(fx.h);
    mmb_alloc_destroy(&fx.alloc);
    mmb_metrics_free();
}

/* One call site each: the line is taken on the same line as the call. */
static void new_a(uint32_t i) { mmb_new_slot(fx.h, &fx.arr, i, 0, NB_A); line_a = __LINE__; }
static void new_b(uint32_t i) { mmb_new_slot(fx.h, &fx.arr, i, 0, NB_B); line_b = __LINE__; }
static void new_c(uint32_t i) { mmb_new_slot(fx.h, &fx.arr, i, 0, NB_C); line_c = __LINE__; }
static void new_d(uint32_t i) { mmb_new_slot(fx.h, &fx.arr, i, 0, NB_D); line_d = __LINE__; }

/* Free what slot i holds, the collector's way. */
static void free_slot(uint32_t i)
{
    mmb_dispose_slot(fx.h, fx.arr, i);
}

static void collect(void)
{
    mmb_collect(fx.h, -1);
}

static uint64_t current(void)
{
    uint64_t cur, peak;
    mmb_trace_get_traced_memory(&cur, &peak);
    return cur;
}

static uint64_t peak(void)
{
    uint64_t cur, pk;
    mmb_trace_get_traced_memory(&cur, &pk);
    return pk;
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Slots 0-1: A (2 x 96 = 192 B); 2-7: B (6 x 32 = 192 B); 8: C (400 B). */
static void fill_abc(void)
{
    for (uint32_t i = 0; i < 2; i++)
        new_a(i);
    for (uint32_t i = 2; i < 8; i++)
        new_b(i);
    new_c(8);
}

static void check_stat(const mmb_trace_stat *s, int line, uint64_t size, uint64_t count)
{
    ck_assert_str_eq(base(s->file), "trace_cases.c");
    ck_assert_int_eq(s->line, line);
    ck_assert_uint_eq(s->size, size);
    ck_assert_uint_eq(s->count, count);
}

START_TEST(t_memory)
{
    mmb_trace_start(1);
    ck_assert_int_eq(mmb_trace_is_tracing(), 1);
    ck_assert_uint_eq(current(), 0);
    fill_abc();
    ck_assert_uint_eq(current(), 192 + 192 + 400);
    ck_assert_uint_eq(peak(), 784);
    free_slot(8);
    collect();
    ck_assert_uint_eq(current(), 384);
    ck_assert_uint_eq(peak(), 784);
    mmb_trace_reset_peak();
    ck_assert_uint_eq(peak(), 384);
    new_d(9);
    ck_assert_uint_eq(peak(), 432);
    free_slot(9);
    collect();
    ck_assert_uint_eq(current(), 384);
    ck_assert_uint_eq(peak(), 432);
    mmb_trace_clear();
    ck_assert_uint_eq(current(), 0);
    ck_assert_uint_eq(peak(), 0);
    for (uint32_t i = 0; i < 8; i++)
        free_slot(i); /* traced before the clear: untraced now */
    collect();
    ck_assert_uint_eq(current(), 0);
    ck_assert_uint_eq(peak(), 0);
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    ck_assert_uint_eq(s->n, 0);
    mmb_trace_snapshot_free(s);
}
END_TEST

START_TEST(t_statistics)
{
    mmb_trace_start(1);
    fill_abc();
    collect(); /* moving collectors move them: the traces follow */
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    ck_assert_uint_eq(s->total_bytes, 784);
    size_t n;
    mmb_trace_stat *st = mmb_trace_statistics(s, &n);
    ck_assert_uint_eq(n, 3);
    check_stat(&st[0], line_c, 400, 1); /* largest size */
    check_stat(&st[1], line_b, 192, 6); /* size tie: more objects first */
    check_stat(&st[2], line_a, 192, 2);
    free(st);
    mmb_trace_snapshot_free(s);
}
END_TEST

static void check_diff(const mmb_trace_diff *d, int line, uint64_t size, int64_t size_diff,
                       uint64_t count, int64_t count_diff)
{
    ck_assert_int_eq(d->line, line);
    ck_assert_uint_eq(d->size, size);
    ck_assert_int_eq(d->size_diff, size_diff);
    ck_assert_uint_eq(d->count, count);
    ck_assert_int_eq(d->count_diff, count_diff);
}

/* From the snapshot of fill_abc: two more A, three B fewer, C gone, one D. */
START_TEST(t_compare)
{
    mmb_trace_start(1);
    fill_abc();
    mmb_trace_snapshot *old = mmb_trace_take_snapshot();
    new_a(10);
    new_a(11);
    for (uint32_t i = 2; i < 5; i++)
        free_slot(i);
    free_slot(8);
    new_d(12);
    collect();
    mmb_trace_snapshot *now = mmb_trace_take_snapshot();
    size_t n;
    mmb_trace_diff *d = mmb_trace_compare_to(now, old, &n);
    ck_assert_uint_eq(n, 4);
    check_diff(&d[0], line_c, 0, -400, 0, -1);
    check_diff(&d[1], line_a, 384, 192, 4, 2);
    check_diff(&d[2], line_b, 96, -96, 3, -3);
    check_diff(&d[3], line_d, 48, 48, 1, 1);
    free(d);
    mmb_trace_snapshot_free(now);
    mmb_trace_snapshot_free(old);
}
END_TEST

/* Objects from before start are not traced, their frees take nothing off
 * the traced current, and stop gives every live byte back. */
START_TEST(t_start_stop)
{
    uint64_t arr_bytes = mmb_obj_size(ARRAY_SLOTS, 0);
    new_c(0);
    new_c(1);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, arr_bytes + 800);
    mmb_trace_start(1);
    mmb_trace_start(1); /* already tracing: nothing changes */
    ck_assert_uint_eq(current(), 0);
    new_a(2);
    free_slot(0);
    collect();
    ck_assert_uint_eq(current(), 96);
    ck_assert_uint_eq(peak(), 96);
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    ck_assert_uint_eq(s->n, 1);
    check_stat(&s->stats[0], line_a, 96, 1);
    mmb_trace_snapshot_free(s);
    mmb_trace_stop();
    ck_assert_int_eq(mmb_trace_is_tracing(), 0);
    ck_assert_uint_eq(current(), 0);
    ck_assert_uint_eq(peak(), 0);
    ck_assert_ptr_null(mmb_trace_take_snapshot());
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, arr_bytes + 400 + 96);
    free_slot(1);
    free_slot(2);
    collect();
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, arr_bytes);
}
END_TEST

/* Sum of a snapshot's counts. */
static uint64_t traced_objects(void)
{
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    uint64_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->stats[i].count;
    mmb_trace_snapshot_free(s);
    return n;
}

/* GARBAGE_OBJS objects through one handle, every KEEP_EVERY-th kept in the
 * array, the others disposed of at once: the heap collects many times
 * meanwhile. */
static uint64_t traced_objects(void);

/* With `check`, now and then: every object but the untraced array is
 * traced, whatever the collector has done meanwhile. */
static void churn(int check)
{
    mmb_obj *tmp = NULL;
    mmb_root_push(fx.h, &tmp);
    for (uint32_t k = 0; k < GARBAGE_OBJS; k++) {
        if (check && k % CHECK_EVERY == 0 && traced_objects() + 1 != mmb_live_objects(fx.h))
            ck_abort_msg("step %u: %llu traced, %zu live", k,
                         (unsigned long long)traced_objects(), mmb_live_objects(fx.h));
        mmb_new(fx.h, &tmp, 1, 24); line_g = __LINE__;
        if (k % KEEP_EVERY == 0) {
            mmb_store(fx.h, fx.arr, k / KEEP_EVERY, tmp);
            mmb_drop(fx.h, &tmp);
        } else {
            mmb_dispose(fx.h, &tmp);
        }
    }
    mmb_root_pop(fx.h, 1);
}

/* Traces follow moved survivors and leave with the dead: after a full
 * collection the traced objects are exactly the live ones (every object
 * but the untraced array), and once those go too, nothing is left. */
START_TEST(t_garbage_and_moves)
{
    mmb_trace_start(1);
    churn(1);
    collect();
    uint32_t kept = GARBAGE_OBJS / KEEP_EVERY;
    ck_assert_uint_eq(mmb_live_objects(fx.h), kept + 1);
    ck_assert_uint_eq(traced_objects(), kept);
    ck_assert_uint_eq(current(), kept * mmb_obj_size(1, 24));
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    ck_assert_int_eq(s->stats[0].line, line_g);
    mmb_trace_snapshot_free(s);
    for (uint32_t i = 0; i < kept; i++)
        free_slot(i);
    collect();
    ck_assert_uint_eq(current(), 0);
    ck_assert_uint_eq(traced_objects(), 0);
    ck_assert_uint_ge(peak(), 2 * mmb_obj_size(1, 24));
}
END_TEST

/* The driver's peak_live_bytes and the traced peak are one counter: the
 * same program, traced from the start or not at all, reports the same. */
static void run_program(int traced, uint64_t *peak_out, uint64_t *live_out)
{
    setup_with(SMALL_HEAP, traced);
    churn(0);
    collect();
    for (uint32_t i = 0; i < ARRAY_SLOTS; i++)
        free_slot(i);
    collect();
    *peak_out = mmb_metrics_g.peak_live_bytes;
    *live_out = mmb_metrics_g.live_bytes;
    teardown();
}

START_TEST(t_same_peak)
{
    uint64_t p0, l0, p1, l1;
    teardown(); /* the fixture's heap: this case makes its own */
    run_program(0, &p0, &l0);
    run_program(1, &p1, &l1);
    ck_assert_uint_eq(p1, p0);
    ck_assert_uint_eq(l1, l0);
    setup();
}
END_TEST

#ifdef MMB_GC_GEN
/* gen: a major that runs while eden holds garbage (here: large objects
 * pushing the old generation past its target) accounts the dead young
 * objects itself, and the next minor must not count them again. */
START_TEST(t_gen_major_young_garbage)
{
    mmb_trace_start(1);
    mmb_obj *tmp = NULL;
    mmb_root_push(fx.h, &tmp);
    uint64_t majors = mmb_metrics_g.collections[1];
    for (uint32_t k = 0; mmb_metrics_g.collections[1] == majors; k++) {
        mmb_new(fx.h, &tmp, 1, 24);
        if (k < 10)
            mmb_store(fx.h, fx.arr, k, tmp);
        mmb_drop(fx.h, &tmp);
        mmb_new(fx.h, &tmp, 0, 16 * 1024);
        mmb_drop(fx.h, &tmp);
    }
    mmb_root_pop(fx.h, 1);
    ck_assert_uint_eq(traced_objects() + 1, mmb_live_objects(fx.h));
    collect();
    ck_assert_uint_eq(traced_objects(), 10);
    ck_assert_uint_eq(current(), 10 * mmb_obj_size(1, 24));
}
END_TEST
#endif

TCase *MMB_CAT(mmb_trace_tcase__, MMB_GC_ID)(void)
{
    TCase *tc = tcase_create(MMB_GC_NAME);
    tcase_set_timeout(tc, CASE_TIMEOUT_S);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, t_memory);
    tcase_add_test(tc, t_statistics);
    tcase_add_test(tc, t_compare);
    tcase_add_test(tc, t_start_stop);
    tcase_add_test(tc, t_garbage_and_moves);
    tcase_add_test(tc, t_same_peak);
#ifdef MMB_GC_GEN
    tcase_add_test(tc, t_gen_major_young_garbage);
#endif
    return tc;
}
