/* bench/wl_lifetimes.c: a parametric generator for the generational
 * hypothesis.
 *
 * Each of `allocs` allocations (ops) makes an object with one pointer slot
 * and a payload drawn from size-dist, and gives it one of three lifetimes:
 *  - young (fraction `young`): held by one handle and dropped at the next
 *    allocation, so it is dead before any collection can see it;
 *  - long (fraction `long`): put in a rooted FIFO table of `table` slots,
 *    evicting the oldest long-lived object (lifetime about table/long
 *    allocations);
 *  - medium (the rest): put in a rooted FIFO ring of `ring` slots, evicting
 *    the oldest (lifetime about ring/medium allocations).
 * With probability `store-rate` the new object is also stored into the slot
 * of a random long-lived object: an old-to-young pointer, the write
 * barrier's case. That pointer is cleared when the object dies (and a
 * long-lived object's slot is cleared before it dies), so stores never
 * extend a lifetime and the live data is the same under every collector,
 * manual included. Before the timed region the ring and table are filled.
 *
 * Measured (from the birth index each object carries, read when it dies or
 * at the end; objects whose fate the run's end hides are left out):
 *  - survival rate: objects still reachable young-window allocations after
 *    their birth (what a nursery of about that many objects would copy);
 *  - promotion rate: the same after old-window allocations (what a
 *    collector that tenures at that age would promote).
 * Verification checks every object in the ring and the table, and checks
 * both rates against what young, long, ring and table ask for, where the
 * class lifetimes lie clearly on one side of the window. */
#include <math.h>

#include "workload.h"

static const mmb_optdesc lifetimes_opts[] MMB_OPTTABLE = {
    {"allocs", MMB_OPT_INT, 10000000, 0, 1e12, NULL, "objects allocated in the timed region (ops)"},
    {"size-dist", MMB_OPT_ENUM, 1, 0, 2, "fixed|uniform|pareto",
     "payload size distribution (fixed: every payload is min-size)"},
    {"min-size", MMB_OPT_SIZE, 16, 16, 1 << 20, NULL, "smallest payload, bytes"},
    {"max-size", MMB_OPT_SIZE, 256, 16, 1 << 20, NULL, "largest payload, bytes"},
    {"young", MMB_OPT_DOUBLE, 0.9, 0, 1, NULL,
     "fraction dying at once (dropped at the next allocation); cut to 1 - long if the two exceed 1"},
    {"long", MMB_OPT_DOUBLE, 0.02, 0, 1, NULL, "fraction kept long-lived in the FIFO table"},
    {"ring", MMB_OPT_INT, 5000, 1, 100000000, NULL, "slots of the FIFO ring holding medium-lived objects"},
    {"table", MMB_OPT_INT, 10000, 1, 10000000, NULL, "slots of the FIFO table holding long-lived objects"},
    {"store-rate", MMB_OPT_DOUBLE, 0.1, 0, 1, NULL,
     "fraction of allocations also stored into a random long-lived object (barrier stress)"},
    {"young-window", MMB_OPT_INT, 1000, 1, 1e12, NULL,
     "age, in allocations, that counts an object as surviving (survival rate)"},
    {"old-window", MMB_OPT_INT, 200000, 1, 1e12, NULL,
     "age, in allocations, that counts an object as promoted (promotion rate)"},
    {0},
};

MMB_WORKLOAD_DESC(lifetimes, "young, medium and long lifetimes in chosen proportions, with old-to-young stores",
                  lifetimes_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define PARETO_SHAPE 1.2 /* heavy tail: most payloads small, a few near max-size */

/* Payload word 0: bits 0-39 the birth index (allocations since the start of
 * set-up; allocs <= 1e12 < 2^40), bits 40-63 one plus the table position of
 * the long-lived object whose slot this object was stored into (0: none;
 * table <= 1e7 < 2^24 - 1). The last payload word: a tag of the birth. */
#define BIRTH_BITS 40
#define BIRTH_MASK ((UINT64_C(1) << BIRTH_BITS) - 1)

/* The checks of the rates: a class lifetime within this factor of a window
 * leaves the expected rate undetermined; FIFOs shorter than MIN_FIFO spread
 * lifetimes too widely; fewer than MIN_SAMPLE objects say too little. */
#define WINDOW_MARGIN 2.0
#define MIN_FIFO 32
#define MIN_SAMPLE 1000
#define RATE_SLACK 0.01   /* absolute tolerance on a rate... */
#define RATE_SIGMAS 6.0   /* ...plus this many binomial standard deviations */

enum { YOUNG, MEDIUM, LONG };

typedef struct window {
    uint64_t age;       /* allocations */
    uint64_t n, alive;  /* objects whose fate is known; of them, still reachable at `age` */
} window;

typedef struct lifetimes {
    mmb_rng rng;
    int dist;
    uint64_t lo, hi;
    double young, longf, store_rate;
    uint32_t ring_len, table_len, rpos, tpos;
    uint64_t now;          /* allocations so far; the next object's birth index */
    uint64_t start, end;   /* the timed region's birth indices: [start, end) */
    window win[2];         /* 0: young-window (survival), 1: old-window (promotion) */
    mmb_obj *tmp, *ring, *table; /* handles: the young object, the two FIFOs */
} lifetimes;

static uint64_t birth_tag(uint64_t birth)
{
    uint64_t x = birth;
    return mmb_splitmix64(&x);
}

static uint32_t payload_size(lifetimes *L)
{
    if (L->dist == 0)
        return (uint32_t)L->lo;
    if (L->dist == 2)
        return (uint32_t)mmb_rng_pareto(&L->rng, L->lo, L->hi, PARETO_SHAPE);
    return (uint32_t)(L->lo + mmb_rng_below(&L->rng, L->hi - L->lo + 1));
}

static void tag_obj(mmb_obj *o, uint64_t birth)
{
    uint64_t t = birth_tag(birth);
    mmb_set_word(o, 0, birth);
    __builtin_memcpy(mmb_payload(o) + o->nbytes - 8, &t, 8);
}

static int obj_ok(mmb_obj *o)
{
    if (!o || o->nslots != 1 || o->nbytes < 16)
        return 0;
    uint64_t t;
    __builtin_memcpy(&t, mmb_payload(o) + o->nbytes - 8, 8);
    return t == birth_tag(mmb_get_word(o, 0) & BIRTH_MASK);
}

/* An object born at `birth` stops being reachable at allocation `at` (or is
 * still reachable at the end, at == end). It counts for a window only if
 * the run lasted long enough to tell. */
static void account(lifetimes *L, uint64_t birth, uint64_t at)
{
    if (birth < L->start)
        return;
    for (int k = 0; k < 2; k++) {
        window *w = &L->win[k];
        if (birth + w->age < L->end) {
            w->n++;
            w->alive += at - birth > w->age;
        }
    }
}

/* o's intended life ends now: clear the one stored pointer to it, if no
 * later store has overwritten it, and count its age. */
static void retire(mmb_heap *h, lifetimes *L, mmb_obj *o)
{
    uint64_t w0 = mmb_get_word(o, 0);
    uint64_t ref = w0 >> BIRTH_BITS;
    if (ref) {
        mmb_obj *t = mmb_load(L->table, (uint32_t)(ref - 1));
        if (t && mmb_load(t, 0) == o)
            mmb_store(h, t, 0, NULL);
    }
    account(L, w0 & BIRTH_MASK, L->now);
}

/* A long-lived object's slot is a borrowed pointer: cleared before the
 * object is disposed, so manual's dispose frees this object alone. */
static void retire_long(mmb_heap *h, lifetimes *L, mmb_obj *o)
{
    retire(h, L, o);
    mmb_store(h, o, 0, NULL);
}

/* Evict the oldest entry of a FIFO (a rooted handle) and allocate the new
 * object in its place; returns the new object. */
static mmb_obj *fifo_push(mmb_heap *h, lifetimes *L, mmb_obj **fifo, uint32_t *pos, uint32_t len,
                          int is_long)
{
    uint32_t i = *pos;
    mmb_obj *old = mmb_load(*fifo, i);
    if (old) {
        if (is_long)
            retire_long(h, L, old);
        else
            retire(h, L, old);
        mmb_dispose_slot(h, *fifo, i);
    }
    mmb_new_slot(h, fifo, i, 1, payload_size(L));
    *pos = i + 1 == len ? 0 : i + 1;
    return mmb_load(*fifo, i);
}

static int draw_class(lifetimes *L)
{
    double u = mmb_rng_unit(&L->rng);
    return u < L->longf ? LONG : u < L->longf + L->young ? YOUNG : MEDIUM;
}

/* The barrier's case: a pointer to the new object o in a random long-lived
 * object's slot; o remembers where, so that retire can clear it. */
static void store_into_old(mmb_heap *h, lifetimes *L, mmb_obj *o)
{
    uint32_t p = (uint32_t)mmb_rng_below(&L->rng, L->table_len);
    mmb_obj *t = mmb_load(L->table, p);
    if (!t)
        return;
    mmb_store(h, t, 0, o);
    mmb_set_word(o, 0, mmb_get_word(o, 0) | ((uint64_t)p + 1) << BIRTH_BITS);
}

/* One allocation: the previous young object dies first (it lived for one
 * allocation), then the new one is made in its class. */
static void step(mmb_heap *h, lifetimes *L, int cls)
{
    if (L->tmp) {
        retire(h, L, L->tmp);
        mmb_dispose(h, &L->tmp);
    }
    mmb_obj *o;
    if (cls == YOUNG) {
        mmb_new(h, &L->tmp, 1, payload_size(L));
        o = L->tmp;
    } else if (cls == MEDIUM) {
        o = fifo_push(h, L, &L->ring, &L->rpos, L->ring_len, 0);
    } else {
        o = fifo_push(h, L, &L->table, &L->tpos, L->table_len, 1);
    }
    tag_obj(o, L->now++);
    if (L->store_rate > 0 && mmb_rng_unit(&L->rng) < L->store_rate)
        store_into_old(h, L, o);
}

/* Ring and table full, every object intact, every long-lived object's slot
 * empty or pointing at an intact object. */
static int verify_fifo(mmb_obj *fifo, int is_long)
{
    for (uint32_t i = 0; i < fifo->nslots; i++) {
        mmb_obj *o = mmb_load(fifo, i);
        if (!obj_ok(o))
            return 0;
        if (is_long ? mmb_load(o, 0) && !obj_ok(mmb_load(o, 0)) : mmb_load(o, 0) != NULL)
            return 0;
    }
    return 1;
}

/* The objects alive at the end count as reachable at the end. */
static void account_survivors(lifetimes *L)
{
    mmb_obj *fifos[2] = {L->ring, L->table};
    for (int f = 0; f < 2; f++)
        for (uint32_t i = 0; i < fifos[f]->nslots; i++)
            account(L, mmb_get_word(mmb_load(fifos[f], i), 0) & BIRTH_MASK, L->end);
    if (L->tmp)
        account(L, mmb_get_word(L->tmp, 0) & BIRTH_MASK, L->end);
}

/* The rate a window should see: the share of the classes whose lifetime
 * clearly exceeds it; NAN when a class lies too close to call. */
static double expected_rate(const lifetimes *L, uint64_t age)
{
    double medium = 1 - L->young - L->longf;
    double frac[2] = {medium, L->longf};
    double life[2] = {medium > 0 ? L->ring_len / medium : 0, L->longf > 0 ? L->table_len / L->longf : 0};
    uint32_t len[2] = {L->ring_len, L->table_len};
    double rate = 0;
    for (int c = 0; c < 2; c++) {
        if (frac[c] <= 1e-12)
            continue;
        if (len[c] < MIN_FIFO)
            return NAN;
        if (life[c] >= WINDOW_MARGIN * (double)age)
            rate += frac[c];
        else if (life[c] * WINDOW_MARGIN > (double)age)
            return NAN;
    }
    return rate;
}

static int rate_ok(const lifetimes *L, const window *w)
{
    double want = expected_rate(L, w->age);
    if (isnan(want) || w->n < MIN_SAMPLE)
        return 1;
    double got = (double)w->alive / (double)w->n;
    double tol = RATE_SLACK + RATE_SIGMAS * sqrt(want * (1 - want) / (double)w->n);
    return fabs(got - want) <= tol;
}

static void read_options(lifetimes *L, const mmb_run_ctx *ctx)
{
    const mmb_optvals *ov = ctx->opts;
    L->dist = (int)mmb_opt_int(ov, "size-dist");
    L->lo = (uint64_t)mmb_opt_int(ov, "min-size");
    L->hi = (uint64_t)mmb_opt_int(ov, "max-size");
    if (L->hi < L->lo)
        L->hi = L->lo;
    L->longf = mmb_opt_get(ov, "long");
    L->young = fmin(mmb_opt_get(ov, "young"), 1 - L->longf);
    L->store_rate = mmb_opt_get(ov, "store-rate");
    L->ring_len = (uint32_t)mmb_opt_int(ov, "ring");
    L->table_len = (uint32_t)mmb_opt_int(ov, "table");
    L->win[0].age = (uint64_t)mmb_opt_int(ov, "young-window");
    L->win[1].age = (uint64_t)mmb_opt_int(ov, "old-window");
    mmb_rng_seed(&L->rng, ctx->seed);
}

/* Set-up: the two FIFOs, filled (the table first, so that stores find
 * targets from the first timed allocation on). */
static void fill(mmb_heap *h, lifetimes *L)
{
    mmb_new(h, &L->table, L->table_len, 0);
    mmb_new(h, &L->ring, L->ring_len, 0);
    for (uint32_t i = 0; i < L->table_len; i++)
        step(h, L, LONG);
    for (uint32_t i = 0; i < L->ring_len; i++)
        step(h, L, MEDIUM);
}

/* Clear the borrowed slots first, then every structure is owned once. */
static void teardown(mmb_heap *h, lifetimes *L)
{
    for (uint32_t i = 0; i < L->table_len; i++)
        mmb_store(h, mmb_load(L->table, i), 0, NULL);
    mmb_dispose(h, &L->tmp);
    mmb_dispose(h, &L->ring);
    mmb_dispose(h, &L->table);
}

MMB_WORKLOAD(lifetimes)
{
    lifetimes L = {0};
    read_options(&L, ctx);
    uint64_t allocs = (uint64_t)mmb_opt_int(ctx->opts, "allocs");
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_root_push(h, &L.tmp);
    mmb_root_push(h, &L.ring);
    mmb_root_push(h, &L.table);
    fill(h, &L);
    L.start = L.now;
    L.end = L.start + allocs;
    mmb_metrics_begin();
    for (uint64_t k = 0; k < allocs; k++)
        step(h, &L, draw_class(&L));
    mmb_metrics_end();
    mmb_metrics_g.ops = allocs;
    account_survivors(&L);
    if (L.win[0].n)
        mmb_metrics_g.survival_rate = (double)L.win[0].alive / (double)L.win[0].n;
    if (L.win[1].n)
        mmb_metrics_g.promotion_rate = (double)L.win[1].alive / (double)L.win[1].n;
    int ok = verify_fifo(L.ring, 0) && verify_fifo(L.table, 1) && rate_ok(&L, &L.win[0]) &&
             rate_ok(&L, &L.win[1]);
    teardown(h, &L);
    mmb_root_pop(h, 3);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
