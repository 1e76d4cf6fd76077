/* tests/tracing_cases.c: marksweep and semispace under test, compiled once
 * per collector (see tests/tracing_cases.h).
 *
 * Every case builds its own heap from the collector's option table, runs a
 * small mutator written against mmb/object.h, and checks the collector
 * against an independent walk of the graph from the roots: after a full
 * collection the live count and the live bytes equal what is reachable. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mmb/collector.h"
#include "mmb/object.h"
#include "rng.h"
#include "tracing_cases.h"

/* Check's passing assertions each cost a write to the parent process: in
 * loops over many objects, test plainly and abort only on failure. */
#define REQUIRE(cond, ...)                                                    \
    do {                                                                      \
        if (!(cond))                                                          \
            ck_abort_msg(__VA_ARGS__);                                        \
    } while (0)

#define CASE(name) void MMB_CAT(mmb_tracing_##name##__, MMB_GC_ID)(void)
#define GC_DESC MMB_CAT(mmb_gc_desc_, MMB_GC_ID)

extern const mmb_gc_desc GC_DESC;

#define CHAIN_LENGTH 1000000     /* objects: deep enough to overflow any recursion */
#define CHAIN_STACK_BYTES (1u << 20) /* C stack allowed while the chain is traced */
#define LADDER_LEVELS 100        /* 2^100 paths: a copy per path would never end */
#define PROGRAM_SLOTS 64         /* root array of the random program */
#define PROGRAM_STEPS 100000
#define PROGRAM_CHECK_EVERY 5000 /* steps between full collections */
#define PROGRAM_CHECKS (PROGRAM_STEPS / PROGRAM_CHECK_EVERY)

/* ---- set-up ---- */

/* A fresh heap with the collector's defaults plus `opts` (space-separated
 * key=value), and the metrics reset with the given heap limit. */
static mmb_heap *make_heap(const char *opts, uint64_t heap_limit)
{
    static mmb_optvals ov;
    static mmb_run_ctx ctx;
    const mmb_optdesc *tables[1] = {GC_DESC.opts};
    char buf[256], err[256];
    mmb_metrics_g.heap_limit = heap_limit;
    mmb_metrics_reset();
    mmb_opts_init(&ov, tables, 1);
    snprintf(buf, sizeof buf, "%s", opts ? opts : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save))
        ck_assert_msg(mmb_opts_apply(&ov, kv, err, sizeof err) == 0, "%s", err);
    ctx.opts = &ov;
    ctx.seed = 1;
    return mmb_heap_create(&ctx);
}

/* ---- an independent reachability walk ---- */

typedef struct pset {
    uintptr_t *v;
    size_t n, cap; /* cap is a power of two, at most half full */
} pset;

static size_t pset_slot(const pset *s, uintptr_t p)
{
    size_t i = (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
    while (s->v[i] && s->v[i] != p)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static void pset_grow(pset *s)
{
    pset t = {calloc(s->cap ? s->cap * 2 : 1024, sizeof(uintptr_t)), s->n, s->cap ? s->cap * 2 : 1024};
    REQUIRE(t.v, "out of memory");
    for (size_t i = 0; i < s->cap; i++)
        if (s->v[i])
            t.v[pset_slot(&t, s->v[i])] = s->v[i];
    free(s->v);
    *s = t;
}

/* Whether p was new to the set. */
static int pset_add(pset *s, const void *p)
{
    if (2 * (s->n + 1) > s->cap)
        pset_grow(s);
    size_t i = pset_slot(s, (uintptr_t)p);
    if (s->v[i])
        return 0;
    s->v[i] = (uintptr_t)p;
    s->n++;
    return 1;
}

typedef struct reach {
    size_t objects;
    uint64_t bytes;
} reach;

/* Objects and requested bytes reachable from the shadow stack. */
static reach reachable(mmb_heap *h)
{
    pset seen = {0};
    mmb_objstack st = {0};
    reach r = {0, 0};
    for (size_t i = 0; i < h->roots.n; i++)
        if (*h->roots.v[i] && pset_add(&seen, *h->roots.v[i]))
            mmb_objstack_push(&st, *h->roots.v[i]);
    while (st.n) {
        mmb_obj *x = mmb_objstack_pop(&st);
        r.objects++;
        r.bytes += mmb_obj_size(x->nslots, x->nbytes);
        for (uint32_t i = 0; i < x->nslots; i++)
            if (x->slot[i] && pset_add(&seen, x->slot[i]))
                mmb_objstack_push(&st, x->slot[i]);
    }
    free(seen.v);
    mmb_objstack_free(&st);
    return r;
}

/* A full collection, then the collector's counts against the walk. */
static size_t collect_and_check(mmb_heap *h)
{
    mmb_collect(h, -1);
    reach r = reachable(h);
    ck_assert_uint_eq(mmb_live_objects(h), r.objects);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, r.bytes);
    return r.objects;
}

/* ---- mutator helpers ---- */

/* A list of n nodes (1 slot, `payload` bytes, word 0 = index) in *head,
 * built at the tail so that every allocation happens under a moving
 * collector with the partial list rooted. */
static void build_list(mmb_heap *h, mmb_obj **head, long n, uint32_t payload)
{
    mmb_obj *tail = NULL;
    mmb_root_push(h, &tail);
    mmb_new(h, head, 1, payload);
    mmb_set_word(*head, 0, 0);
    tail = *head;
    for (long i = 1; i < n; i++) {
        mmb_new_slot(h, &tail, 0, 1, payload);
        tail = mmb_load(tail, 0);
        mmb_set_word(tail, 0, (uint64_t)i);
    }
    mmb_root_pop(h, 1);
}

static void check_list(mmb_obj *o, long n)
{
    for (long i = 0; i < n; i++, o = mmb_load(o, 0)) {
        REQUIRE(o, "list cut at %ld of %ld", i, n);
        REQUIRE(mmb_get_word(o, 0) == (uint64_t)i, "node %ld damaged", i);
    }
    ck_assert_ptr_null(o);
}

/* ---- cases ---- */

/* A 2-cycle and a self-loop survive while rooted and are reclaimed, with
 * their bytes, once dropped: tracing does not care about cycles. */
CASE(cycle)
{
    mmb_heap *h = make_heap(NULL, 0);
    mmb_obj *a = NULL, *b = NULL, *s = NULL;
    mmb_root_push(h, &a);
    mmb_root_push(h, &b);
    mmb_root_push(h, &s);
    mmb_new(h, &a, 1, 8);
    mmb_new(h, &b, 1, 8);
    mmb_new(h, &s, 1, 0);
    mmb_store(h, a, 0, b);
    mmb_store(h, b, 0, a);
    mmb_store(h, s, 0, s);
    mmb_drop(h, &b);
    ck_assert_uint_eq(collect_and_check(h), 3);
    ck_assert_ptr_eq(mmb_load(mmb_load(a, 0), 0), a);
    mmb_drop(h, &a);
    mmb_drop(h, &s);
    ck_assert_uint_eq(collect_and_check(h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    ck_assert_uint_eq(mmb_metrics_g.collected[0], 3);
    ck_assert_uint_eq(mmb_metrics_g.collections[0], 2);
    ck_assert_int_eq(mmb_metrics_g.ngens, 1);
    mmb_root_pop(h, 3);
    mmb_heap_destroy(h);
}

/* A million-long chain is traced with a 1 MiB C stack: any recursion per
 * object would overflow it. It survives intact, then goes at once. */
CASE(chain)
{
    struct rlimit rl = {CHAIN_STACK_BYTES, CHAIN_STACK_BYTES};
    struct rlimit old;
    getrlimit(RLIMIT_STACK, &old);
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < rl.rlim_max)
        rl.rlim_cur = rl.rlim_max = old.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_STACK, &rl), 0);
    mmb_heap *h = make_heap(NULL, 0);
    mmb_obj *head = NULL;
    mmb_root_push(h, &head);
    build_list(h, &head, CHAIN_LENGTH, 8);
    mmb_collect(h, -1);
    ck_assert_uint_eq(mmb_live_objects(h), CHAIN_LENGTH);
    check_list(head, CHAIN_LENGTH);
    mmb_drop(h, &head);
    mmb_collect(h, -1);
    ck_assert_uint_eq(mmb_live_objects(h), 0);
    ck_assert_uint_eq(mmb_metrics_g.live_bytes, 0);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
    setrlimit(RLIMIT_STACK, &old);
}

/* Started at the smallest heap, the heap grows to hold 2.5 MB of live data
 * (with garbage in between) and keeps every object intact. */
CASE(growth)
{
    mmb_heap *h = make_heap("heap=64K", 0);
    mmb_obj *keep = NULL, *junk = NULL;
    mmb_root_push(h, &keep);
    mmb_root_push(h, &junk);
    build_list(h, &keep, 10000, 96);
    build_list(h, &junk, 10000, 96);
    mmb_drop(h, &junk);
    build_list(h, &junk, 10000, 200);
    collect_and_check(h);
    check_list(keep, 10000);
    check_list(junk, 10000);
    ck_assert_uint_gt(mmb_metrics_g.collections[0], 1);
    ck_assert_uint_gt(mmb_metrics_g.collected[0], 0);
    ck_assert_uint_gt(mmb_metrics_g.heap_bytes, mmb_metrics_g.live_bytes);
#ifdef MMB_GC_MARKSWEEP
    ck_assert_uint_ge(h->budget_bytes, 2 * mmb_metrics_g.live_bytes);
#else
    ck_assert_uint_ge(h->want_bytes, 2 * (size_t)(h->top - h->space));
#endif
    mmb_root_pop(h, 2);
    mmb_heap_destroy(h);
}

/* A ladder of LADDER_LEVELS rungs, each of two nodes pointing at both
 * nodes of the next rung: every object is reached by up to 2^100 paths,
 * and must be kept (semispace: copied) exactly once, sharing intact. */
CASE(dag)
{
    mmb_heap *h = make_heap(NULL, 0);
    mmb_obj *a = NULL, *b = NULL, *na = NULL, *nb = NULL;
    mmb_root_push(h, &a);
    mmb_root_push(h, &b);
    mmb_root_push(h, &na);
    mmb_root_push(h, &nb);
    for (int k = 0; k < LADDER_LEVELS; k++) {
        mmb_new(h, &na, 2, 8);
        mmb_new(h, &nb, 2, 8);
        mmb_set_word(na, 0, (uint64_t)k);
        mmb_set_word(nb, 0, (uint64_t)k);
        mmb_store(h, na, 0, a);
        mmb_store(h, na, 1, b);
        mmb_store(h, nb, 0, a);
        mmb_store(h, nb, 1, b);
        mmb_assign(h, &a, na);
        mmb_assign(h, &b, nb);
    }
    mmb_drop(h, &na);
    mmb_drop(h, &nb);
    ck_assert_uint_eq(collect_and_check(h), 2 * LADDER_LEVELS);
    for (int k = LADDER_LEVELS - 1; k > 0; k--) {
        ck_assert_ptr_eq(mmb_load(a, 0), mmb_load(b, 0));
        ck_assert_ptr_eq(mmb_load(a, 1), mmb_load(b, 1));
        ck_assert_uint_eq(mmb_get_word(a, 0), (uint64_t)k);
        a = mmb_load(a, 0);
        b = mmb_load(b, 1);
    }
    mmb_root_pop(h, 4);
    mmb_heap_destroy(h);
}

/* Under a 2 MiB heap limit, 40 MB of allocation with 250 KB live at any
 * time runs to the end: at the limit the collector collects, not fails. */
CASE(limit_collects)
{
    mmb_heap *h = make_heap(NULL, 2u << 20);
    mmb_obj *keep = NULL;
    mmb_root_push(h, &keep);
    for (int round = 0; round < 160; round++) {
        build_list(h, &keep, 2000, 112);
        check_list(keep, 2000);
    }
    ck_assert_uint_eq(collect_and_check(h), 2000);
    ck_assert_uint_le(mmb_metrics_g.peak_heap_bytes, 2u << 20);
    ck_assert_uint_gt(mmb_metrics_g.collections[0], 1);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
}

/* The random program's state: the root array and, for each of its slots,
 * the id stamped in word 0 of the object there (0 = empty). */
typedef struct program {
    mmb_heap *h;
    mmb_obj *r;
    mmb_rng rng;
    uint64_t ids[PROGRAM_SLOTS], next_id;
} program;

/* A fresh object with `nbytes` payload in root slot i, stamped. */
static void program_new(program *p, uint32_t i, uint32_t nbytes)
{
    mmb_new_slot(p->h, &p->r, i, 2, nbytes);
    p->ids[i] = ++p->next_id;
    mmb_set_word(mmb_load(p->r, i), 0, p->ids[i]);
}

/* One step: new objects, sharing, 2-cycles, rewiring (arbitrary graphs
 * and garbage cycles), large objects, dropped references. */
static void program_step(program *p)
{
    uint32_t i = (uint32_t)mmb_rng_below(&p->rng, PROGRAM_SLOTS);
    uint32_t j = (uint32_t)mmb_rng_below(&p->rng, PROGRAM_SLOTS);
    uint32_t nbytes = 8 * (uint32_t)(1 + mmb_rng_below(&p->rng, 8));
    mmb_obj *x;
    switch (mmb_rng_below(&p->rng, 20)) {
    case 0: case 1: case 2: case 3: case 4: case 5: /* a node into another root's graph */
        program_new(p, i, nbytes);
        mmb_store(p->h, mmb_load(p->r, i), 0, mmb_load(p->r, j));
        break;
    case 6: case 7: case 8: case 9:
        mmb_store(p->h, p->r, i, mmb_load(p->r, j));
        p->ids[i] = p->ids[j];
        break;
    case 10: case 11:
        program_new(p, i, nbytes);
        program_new(p, j, nbytes);
        mmb_store(p->h, mmb_load(p->r, i), 1, mmb_load(p->r, j));
        mmb_store(p->h, mmb_load(p->r, j), 1, mmb_load(p->r, i));
        break;
    case 12: case 13:
        if ((x = mmb_load(p->r, i)) != NULL)
            mmb_store(p->h, x, 1, mmb_load(p->r, j));
        break;
    case 14: /* now and then a large object (marksweep maps it alone) */
        program_new(p, i, mmb_rng_below(&p->rng, 10) ? nbytes : 9000);
        break;
    default:
        mmb_store(p->h, p->r, i, NULL);
        p->ids[i] = 0;
        break;
    }
}

/* Every root slot still holds the object stamped there. */
static void program_check_ids(program *p)
{
    for (uint32_t i = 0; i < PROGRAM_SLOTS; i++) {
        mmb_obj *x = mmb_load(p->r, i);
        uint64_t id = x ? mmb_get_word(x, 0) : 0;
        REQUIRE(id == p->ids[i], "root %u holds object %llu, not %llu", i,
                (unsigned long long)id, (unsigned long long)p->ids[i]);
    }
}

/* The same seeded program under one configuration: the live count after
 * each full collection, each checked against the walk. */
static void run_program(const char *opts, size_t *counts)
{
    static program p;
    memset(&p, 0, sizeof p);
    p.h = make_heap(opts, 0);
    mmb_rng_seed(&p.rng, 7);
    mmb_root_push(p.h, &p.r);
    mmb_new(p.h, &p.r, PROGRAM_SLOTS, 0);
    for (int step = 1; step <= PROGRAM_STEPS; step++) {
        program_step(&p);
        program_check_ids(&p);
        if (step % PROGRAM_CHECK_EVERY == 0)
            counts[step / PROGRAM_CHECK_EVERY - 1] = collect_and_check(p.h);
    }
    mmb_root_pop(p.h, 1);
    mmb_heap_destroy(p.h);
}

#ifdef MMB_GC_MARKSWEEP
static const char *const program_configs[2] = {"heap=64K sweep=lazy", "heap=64K sweep=eager"};
#else
static const char *const program_configs[2] = {"heap=64K", "heap=4M"};
#endif

/* Two configurations (marksweep: lazy and eager sweeping; semispace: a
 * small space that grows and a roomy one) agree on every live count. */
CASE(configs_agree)
{
    size_t first[PROGRAM_CHECKS], second[PROGRAM_CHECKS];
    run_program(program_configs[0], first);
    run_program(program_configs[1], second);
    for (int k = 0; k < PROGRAM_CHECKS; k++)
        ck_assert_uint_eq(first[k], second[k]);
}

/* Live data that only grows, under a 1 MiB limit: a clean exit 3. */
CASE(oom_limit)
{
    mmb_heap *h = make_heap(NULL, 1u << 20);
    mmb_obj *keep = NULL;
    mmb_root_push(h, &keep);
    build_list(h, &keep, 1000000, 64);
    ck_abort_msg("1000000 x 88 bytes fitted in a 1 MiB heap");
}

/* One object bigger than the heap can ever be: a clean exit 3. */
CASE(oom_huge)
{
#ifdef MMB_GC_MARKSWEEP
    mmb_heap *h = make_heap(NULL, 1u << 20);
#else
    mmb_heap *h = make_heap("heap=64K", 0);
#endif
    mmb_obj *big = NULL;
    mmb_root_push(h, &big);
    mmb_new(h, &big, 0, 2u << 20);
    ck_abort_msg("a 2 MiB object was allocated");
}
