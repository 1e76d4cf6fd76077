/* tests/oracle.c: the reachability oracle, compiled once per collector.
 *
 * A seeded random mutator program drives the object model (mmb/object.h)
 * while keeping a model of its own: every object gets a unique id, its shape,
 * a payload pattern derived from the id, and its slots as edges to ids. The
 * model never holds an address, so objects may move. After every collection
 * (and now and then without one) the heap is walked from the roots in step
 * with the model, iteratively: the object behind each handle and slot must be
 * the one the model expects (shape and payload of that id), an id reached
 * twice must sit at one address, two ids never at the same one, and
 * mmb_live_objects() must agree with the model:
 *   - always:                   live >= reachable;
 *   - after a full collection:  live == reachable (tracing, rc-cycle);
 *   - MMB_ORACLE_RC:            live <= the model's refcount count, after every
 *                               operation (acyclic garbage is freed at once);
 *   - RC + LEAKS_CYCLES:        live == that count, after every operation;
 *   - manual:                   live == created - disposed, after every operation;
 *   - MMB_ORACLE_CONSERVATIVE:  only the first (live >= reachable).
 * The model runs reference counting itself (a count per id: references from
 * handles and from the slots of objects the model holds alive, freed with a
 * cascade when it reaches zero), and forgets everything unreachable after a
 * full collection unless the collector leaks cycles. The same counts tell
 * whether a structure is owned by one reference alone, which is when the
 * program may mmb_dispose it.
 *
 * Under manual (MMB_GC_MANUAL) the op mix keeps every structure owned by one
 * reference: stores stay inside the structure of one handle, handles move
 * instead of being copied, a subtree leaves its parent only if nothing else
 * points into it, and every reference given up is disposed of. Nothing leaks.
 *
 * mmb_oracle_program__<gcid> runs the same program with its choices read
 * from a byte string instead of the RNG (tests/fuzz/fuzz_gc.c feeds it
 * libFuzzer's inputs): every call of below() takes the next byte(s), and the
 * program ends when they run out.
 *
 * MMB_ORACLE_STATS=1 in the environment prints one line per run on stderr
 * (objects created, verifications, largest reachable set, disposals).
 *
 * Written to the rules of object.h: a raw pointer never lives across an
 * allocation; a parent is rooted (a handle or the temporary handle `tmp`)
 * when a child is allocated into it; mmb_new* always target an empty handle
 * or slot (the old reference is given up first).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/collector.h"
#include "mmb/object.h"
#include "mmb/trace.h"
#include "oracle.h"
#include "rng.h"

#if defined(MMB_GC_MANUAL)
#define OWNED_ONLY 1 /* manual: every structure owned by one reference */
#else
#define OWNED_ONLY 0
#endif

#define MAX_SLOTS 4u      /* random objects have 0..MAX_SLOTS slots */
#define MAX_PAYLOAD 64u   /* and 0..MAX_PAYLOAD payload bytes */
#define MIN_HANDLES 8     /* handles always on the shadow stack */
#define MAX_HANDLES 48    /* at most this many pushed */
#define WALK_MAX 4        /* random walks follow at most this many slots */
#define WALK_GROW 64      /* or this many while the heap grows (they stop at a NULL) */
#define CHAIN_MAX 64      /* objects in a chain built by one operation */
#define RING_MAX 8        /* objects in a ring built by one operation */
/* The program alternates: it grows the heap until more than REACH_HIGH
 * objects are reachable, then mostly releases until fewer than REACH_LOW are,
 * so the whole heap turns over many times at sizes in between. */
#define REACH_LOW 300
#define REACH_HIGH 1500
#define SCAN_MAX 4096     /* largest structure the owned-alone test examines (not manual) */

extern const mmb_gc_desc MMB_CAT(mmb_gc_desc_, MMB_GC_ID);

/* Options every collector may look up, whether or not its table has them. */
static const mmb_optdesc oracle_opts[] = {
    {"heap-limit", MMB_OPT_SIZE, 0, 0, 1e15, NULL, "0 = no limit"},
    {0},
};

/* The model of one object, indexed by id (0 is NULL). */
typedef struct mobj {
    uint32_t nslots, nbytes;
    uint32_t edge[MAX_SLOTS]; /* child ids, 0 = NULL */
    uint32_t rc;              /* references from handles and model-alive objects */
    uint32_t alive_ix;        /* 1 + index in alive[]; 0 = reclaimed in the model */
    uint32_t seen;            /* epoch of the last traversal that reached it */
    mmb_obj *addr;            /* where the last verification found it */
} mobj;

typedef struct idstack {
    uint32_t *v;
    size_t n, cap;
} idstack;

/* What one heap needs: options, allocator and context outlive the heap. */
typedef struct env {
    mmb_optvals ov;
    mmb_alloc alloc;
    mmb_run_ctx ctx;
    mmb_heap *h;
} env;

typedef struct oracle {
    env e;
    mmb_heap *h;
    const mmb_oracle_cfg *cfg;
    mmb_rng rng;
    const uint8_t *prog; /* the choices as bytes instead of rng, or NULL */
    size_t prog_len, prog_pos;
    int prog_done; /* prog used up: the program stops after this operation */
    uint64_t collections; /* with prog: the collector's count at the last look */
    mobj *m;
    uint32_t nm, capm;
    uint32_t *alive; /* ids the model holds alive, in no order */
    uint32_t nalive;
    mmb_obj *hv[MAX_HANDLES]; /* the handles; hv[0..nh) are on the shadow stack */
    uint32_t hid[MAX_HANDLES]; /* the model's id in each handle */
    int nh;
    mmb_obj *tmp; /* temporary handle, rooted only inside one operation */
    idstack work, scan;
    uint32_t epoch;
    size_t reachable; /* as of the last verification */
    int growing;      /* the phase: see REACH_LOW */
    size_t max_reachable, verifications, disposals; /* for MMB_ORACLE_STATS */
    long op;
    char *err;
    size_t errlen;
    int failed;
} oracle;

typedef struct ref {
    uint32_t id;
    mmb_obj *p;
} ref;

/* ---- failures --------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3))) fail(oracle *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    o->failed = 1;
    int n = snprintf(o->err, o->errlen, "%s seed %llu op %ld: ", MMB_GC_NAME,
                     (unsigned long long)o->cfg->seed, o->op);
    if (n < 0 || (size_t)n >= o->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->err + n, o->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static int __attribute__((format(printf, 3, 4))) fail_plain(char *err, size_t errlen,
                                                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- small containers ------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("oracle: out of memory\n", stderr);
        abort();
    }
    return q;
}

static void idstack_push(idstack *s, uint32_t id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = id;
}

static uint32_t idstack_pop(idstack *s)
{
    return s->v[--s->n];
}

/* ---- the heap under test ---------------------------------------------- */

/* Apply the space-separated key=value options of the registration line. */
static int apply_opts(env *e, const char *opts, char *err, size_t errlen)
{
    char buf[256], kv[128];
    if (!opts)
        return 0;
    snprintf(buf, sizeof buf, "%s", opts);
    for (const char *s = buf; *s;) {
        size_t n = strcspn(s, " ");
        if (n && n < sizeof kv) {
            memcpy(kv, s, n);
            kv[n] = 0;
            if (mmb_opts_apply(&e->ov, kv, err, errlen) < 0)
                return -1;
        }
        s += n + (s[n] == ' ');
    }
    return 0;
}

static int env_open(env *e, const mmb_oracle_cfg *cfg, char *err, size_t errlen)
{
    const mmb_optdesc *tables[2] = {MMB_CAT(mmb_gc_desc_, MMB_GC_ID).opts, oracle_opts};
    mmb_metrics_reset();
    if (cfg->flags & MMB_ORACLE_TRACE)
        mmb_trace_start(1);
    mmb_opts_init(&e->ov, tables, 2);
    if (apply_opts(e, cfg->opts, err, errlen) < 0)
        return -1;
    if (mmb_alloc_init(&e->alloc, (mmb_alloc_kind)cfg->alloc_kind, NULL) < 0)
        return fail_plain(err, errlen, "%s: allocator refused", MMB_GC_NAME);
    e->ctx = (mmb_run_ctx){&e->ov, &e->alloc, cfg->seed};
    e->h = mmb_heap_create(&e->ctx);
    return 0;
}

static void env_close(env *e)
{
    mmb_trace_stop();
    mmb_heap_destroy(e->h);
    mmb_alloc_destroy(&e->alloc);
    mmb_metrics_free();
}

/* ---- payload patterns ------------------------------------------------- */

/* Word w of object id's payload: the id itself first (easy to read in a
 * debugger), then a hash of (id, w). A payload shorter than 8 bytes holds a
 * prefix; the id of any object is known anyway from where the walk found it. */
static uint64_t pattern_word(uint32_t id, uint32_t w)
{
    uint64_t x = ((uint64_t)id << 32) ^ w;
    return w == 0 ? id : mmb_splitmix64(&x);
}

static void fill_payload(mmb_obj *p, uint32_t id)
{
    uint32_t nb = mmb_nbytes(p);
    for (uint32_t k = 0; k < nb; k += 8) {
        uint64_t v = pattern_word(id, k / 8);
        memcpy(mmb_payload(p) + k, &v, nb - k < 8 ? nb - k : 8);
    }
}

static int payload_ok(mmb_obj *p, uint32_t id)
{
    uint32_t nb = mmb_nbytes(p);
    for (uint32_t k = 0; k < nb; k += 8) {
        uint64_t v = pattern_word(id, k / 8);
        if (memcmp(mmb_payload(p) + k, &v, nb - k < 8 ? nb - k : 8) != 0)
            return 0;
    }
    return 1;
}

/* ---- the model -------------------------------------------------------- */

static uint32_t model_new(oracle *o, uint32_t nslots, uint32_t nbytes)
{
    if (o->nm == o->capm) {
        o->capm = o->capm ? o->capm * 2 : 4096;
        o->m = xrealloc(o->m, o->capm * sizeof *o->m);
        o->alive = xrealloc(o->alive, o->capm * sizeof *o->alive);
    }
    uint32_t id = o->nm++;
    o->m[id] = (mobj){.nslots = nslots, .nbytes = nbytes, .alive_ix = o->nalive + 1};
    o->alive[o->nalive++] = id;
    return id;
}

/* Forget one object (swap-remove from alive[]). */
static void model_kill(oracle *o, uint32_t id)
{
    uint32_t ix = o->m[id].alive_ix - 1, last = o->alive[--o->nalive];
    o->alive[ix] = last;
    o->m[last].alive_ix = ix + 1;
    o->m[id].alive_ix = 0;
}

/* Drop one reference to id. Outside manual, a count reaching zero frees the
 * object and, through an explicit worklist, whatever it alone held (the rc
 * cascade); under manual nothing is freed but by model_dispose. */
static void model_unref(oracle *o, uint32_t id)
{
    if (!id || --o->m[id].rc || OWNED_ONLY)
        return;
    idstack_push(&o->work, id);
    while (o->work.n) {
        uint32_t x = idstack_pop(&o->work);
        for (uint32_t j = 0; j < o->m[x].nslots; j++) {
            uint32_t c = o->m[x].edge[j];
            if (c && --o->m[c].rc == 0)
                idstack_push(&o->work, c);
        }
        model_kill(o, x);
    }
}

static void model_ref(oracle *o, uint32_t id)
{
    if (id)
        o->m[id].rc++;
}

/* Reference first, then release: the new value may hang from the old one. */
static void model_set_handle(oracle *o, int i, uint32_t id)
{
    uint32_t old = o->hid[i];
    model_ref(o, id);
    o->hid[i] = id;
    model_unref(o, old);
}

static void model_set_edge(oracle *o, uint32_t a, uint32_t j, uint32_t id)
{
    uint32_t old = o->m[a].edge[j];
    model_ref(o, id);
    o->m[a].edge[j] = id;
    model_unref(o, old);
}

/* Whether the structure reachable from id is referenced only by the one
 * reference about to be released: then the counts of its members add up to
 * its inner edges plus one. Leaves the structure in o->scan, its members
 * marked with the current epoch. Outside manual, structures past SCAN_MAX
 * count as shared (the test is only an opportunity to dispose there). */
static int owned_alone(oracle *o, uint32_t id)
{
    uint64_t counts = 0, edges = 0;
    o->epoch++;
    o->scan.n = 0;
    o->m[id].seen = o->epoch;
    idstack_push(&o->scan, id);
    for (size_t k = 0; k < o->scan.n; k++) {
        mobj *x = &o->m[o->scan.v[k]];
        counts += x->rc;
        for (uint32_t j = 0; j < x->nslots; j++) {
            uint32_t c = x->edge[j];
            edges += c != 0;
            if (c && o->m[c].seen != o->epoch) {
                if (!OWNED_ONLY && o->scan.n == SCAN_MAX)
                    return 0;
                o->m[c].seen = o->epoch;
                idstack_push(&o->scan, c);
            }
        }
    }
    return counts == edges + 1;
}

static int in_scan(oracle *o, uint32_t id)
{
    return id && o->m[id].seen == o->epoch;
}

/* The structure owned_alone() just examined is freed (manual's dispose). */
static void model_dispose_scan(oracle *o)
{
    for (size_t k = 0; k < o->scan.n; k++) {
        o->m[o->scan.v[k]].rc = 0;
        model_kill(o, o->scan.v[k]);
    }
}

/* After a full collection of a collector that reclaims cycles: what the
 * last traversal did not reach is gone. Their edges stop counting. */
static void model_sweep(oracle *o)
{
    for (uint32_t k = o->nalive; k-- > 0;) {
        uint32_t id = o->alive[k];
        if (o->m[id].seen == o->epoch)
            continue;
        for (uint32_t j = 0; j < o->m[id].nslots; j++)
            if (o->m[id].edge[j])
                o->m[o->m[id].edge[j]].rc--;
        model_kill(o, id);
    }
}

/* ---- randomness ------------------------------------------------------- */

/* A choice in [0, n) from the next bytes of the program: as many bytes as n
 * needs (none for n = 1), big-endian, reduced mod n; 0 once it is used up. */
static uint32_t from_prog(oracle *o, uint32_t n)
{
    uint32_t v = 0;
    for (uint64_t range = 1; range < n; range <<= 8) {
        if (o->prog_pos == o->prog_len) {
            o->prog_done = 1;
            return 0;
        }
        v = v << 8 | o->prog[o->prog_pos++];
    }
    return v % n;
}

static uint32_t below(oracle *o, uint32_t n)
{
    if (o->prog)
        return from_prog(o, n);
    return (uint32_t)mmb_rng_below(&o->rng, n);
}

static int chance(oracle *o, uint32_t percent)
{
    return below(o, 100) < percent;
}

static void rand_shape(oracle *o, uint32_t min_slots, uint32_t *ns, uint32_t *nb)
{
    *ns = min_slots + below(o, MAX_SLOTS + 1 - min_slots);
    *nb = below(o, MAX_PAYLOAD + 1);
}

/* A random handle; with `full`, one that holds an object (-1 if none found
 * in a few tries); with `empty`, one that holds nothing. */
static int pick_handle(oracle *o, int full, int empty)
{
    for (int tries = 0; tries < 8; tries++) {
        int i = (int)below(o, (uint32_t)o->nh);
        if ((!full || o->hid[i]) && (!empty || !o->hid[i]))
            return i;
    }
    return -1;
}

/* The handle a new structure goes into: while the heap grows, only an empty
 * one (-1 if none). */
static int pick_target(oracle *o)
{
    return pick_handle(o, 0, o->growing);
}

/* A slot of object id to put something into: while the heap grows, only an
 * empty one (NO_SLOT if there is none). */
#define NO_SLOT UINT32_MAX
static uint32_t pick_slot(oracle *o, uint32_t id)
{
    uint32_t n = o->m[id].nslots, j = below(o, n);
    if (!o->growing)
        return j;
    for (uint32_t k = 0; k < n; k++)
        if (!o->m[id].edge[(j + k) % n])
            return (j + k) % n;
    return NO_SLOT;
}

/* ---- the heap as the model sees it ------------------------------------ */

/* Whether the heap holds what the model expects at one reference: NULL for
 * id 0, else an object of id's shape. */
static int check_ref(oracle *o, uint32_t id, mmb_obj *p)
{
    if (!id != !p)
        fail(o, "expected %s at a reference, found %s (model id %u)", id ? "an object" : "NULL",
             p ? "an object" : "NULL", id);
    else if (id && (mmb_nslots(p) != o->m[id].nslots || mmb_nbytes(p) != o->m[id].nbytes))
        fail(o, "object %u: shape %u/%u, expected %u/%u", id, mmb_nslots(p), mmb_nbytes(p),
             o->m[id].nslots, o->m[id].nbytes);
    return !o->failed;
}

/* Follow up to `steps` random slots from handle i, the model and the heap in
 * step. Stops early at a NULL slot, and before an object without slots when
 * the caller wants slots; {0, NULL} if the handle is empty or the heap
 * disagrees. */
static ref walk_to(oracle *o, int i, uint32_t steps, int want_slots)
{
    ref r = {o->hid[i], o->hv[i]};
    if (!check_ref(o, r.id, r.p))
        return (ref){0, NULL};
    while (r.id && steps-- > 0 && o->m[r.id].nslots) {
        uint32_t j = below(o, o->m[r.id].nslots);
        ref c = {o->m[r.id].edge[j], mmb_load(r.p, j)};
        if (!check_ref(o, c.id, c.p))
            return (ref){0, NULL};
        if (!c.id || (want_slots && !o->m[c.id].nslots))
            break;
        r = c;
    }
    return r;
}

static ref walk(oracle *o, int i, uint32_t steps)
{
    return walk_to(o, i, steps, 0);
}

/* ---- verification ----------------------------------------------------- */

static void visit(oracle *o, uint32_t id, mmb_obj *p)
{
    if (!check_ref(o, id, p) || !id)
        return;
    mobj *x = &o->m[id];
    if (x->seen == o->epoch) {
        if (x->addr != p)
            fail(o, "object %u reached at two addresses", id);
        return;
    }
    if (!x->alive_ix) {
        fail(o, "oracle model: object %u reachable but reclaimed in the model", id);
        return;
    }
    x->seen = o->epoch;
    x->addr = p;
    idstack_push(&o->work, id);
    idstack_push(&o->scan, id);
}

static void check_object(oracle *o, uint32_t id)
{
    mobj *x = &o->m[id];
    if (!payload_ok(x->addr, id)) {
        fail(o, "object %u: payload of %u bytes damaged", id, x->nbytes);
        return;
    }
    for (uint32_t j = 0; j < x->nslots && !o->failed; j++)
        visit(o, x->edge[j], mmb_load(x->addr, j));
}

static int cmp_addr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(mmb_obj *const *)a, y = (uintptr_t)*(mmb_obj *const *)b;
    return (x > y) - (x < y);
}

/* Two different ids must never be found at one address. */
static void check_distinct(oracle *o)
{
    size_t n = o->scan.n;
    mmb_obj **a = xrealloc(NULL, (n ? n : 1) * sizeof *a);
    for (size_t k = 0; k < n; k++)
        a[k] = o->m[o->scan.v[k]].addr;
    qsort(a, n, sizeof *a, cmp_addr);
    for (size_t k = 1; k < n && !o->failed; k++)
        if (a[k] == a[k - 1])
            fail(o, "two objects at one address %p", (void *)a[k]);
    free(a);
}

/* live against reachable: never fewer; exactly as many right after a full
 * collection by a collector that reclaims cycles (which the model mirrors). */
static void check_reachable_count(oracle *o, int full)
{
    size_t live = mmb_live_objects(o->h);
    if (live < o->reachable) {
        fail(o, "mmb_live_objects %zu < %zu reachable", live, o->reachable);
        return;
    }
    if (!full || OWNED_ONLY || (o->cfg->flags & MMB_ORACLE_LEAKS_CYCLES))
        return;
    if (live != o->reachable && !(o->cfg->flags & MMB_ORACLE_CONSERVATIVE))
        fail(o, "after a full collection mmb_live_objects %zu != %zu reachable", live,
             o->reachable);
    model_sweep(o);
}

/* MMB_ORACLE_TRACE: tracing started before the first object, so every
 * object not yet reclaimed is traced, moved or not: the traces number
 * mmb_live_objects() and their bytes are the traced current. */
static void check_traced_count(oracle *o)
{
    if (!(o->cfg->flags & MMB_ORACLE_TRACE) || o->failed)
        return;
    mmb_trace_snapshot *s = mmb_trace_take_snapshot();
    uint64_t n = 0, cur, peak;
    for (size_t i = 0; i < s->n; i++)
        n += s->stats[i].count;
    mmb_trace_get_traced_memory(&cur, &peak);
    if (n != mmb_live_objects(o->h) || cur != s->total_bytes || peak < cur)
        fail(o, "tracemalloc: %llu traces of %llu bytes, current %llu, peak %llu, %zu live objects",
             (unsigned long long)n, (unsigned long long)s->total_bytes, (unsigned long long)cur,
             (unsigned long long)peak, mmb_live_objects(o->h));
    mmb_trace_snapshot_free(s);
}

/* MMB_ORACLE_TRACE, right after a full collection (the model has forgotten
 * the garbage, or holds what the collector leaks): the traced current is
 * the size of the objects the model holds alive. */
static void check_traced_bytes(oracle *o)
{
    if (!(o->cfg->flags & MMB_ORACLE_TRACE) || o->failed)
        return;
    uint64_t want = 0, cur, peak;
    for (uint32_t k = 0; k < o->nalive; k++)
        want += mmb_obj_size(o->m[o->alive[k]].nslots, o->m[o->alive[k]].nbytes);
    mmb_trace_get_traced_memory(&cur, &peak);
    if (cur != want)
        fail(o, "tracemalloc: current %llu after a full collection, the live objects hold %llu",
             (unsigned long long)cur, (unsigned long long)want);
}

/* Walk the heap from the roots in step with the model (iteratively, with an
 * explicit stack) and check every reachable object, then the counts. */
static void verify(oracle *o, int full)
{
    o->epoch++;
    o->scan.n = o->work.n = 0;
    for (int i = 0; i < o->nh && !o->failed; i++)
        visit(o, o->hid[i], o->hv[i]);
    while (o->work.n && !o->failed)
        check_object(o, idstack_pop(&o->work));
    if (o->failed)
        return;
    check_distinct(o);
    o->reachable = o->scan.n;
    o->verifications++;
    o->growing = o->reachable < REACH_LOW || (o->growing && o->reachable < REACH_HIGH);
    if (o->reachable > o->max_reachable)
        o->max_reachable = o->reachable;
    if (!o->failed)
        check_reachable_count(o, full);
    if (full)
        check_traced_bytes(o);
}

/* The O(1) check after every operation (see the top of the file). */
static void check_live_count(oracle *o)
{
    size_t live = mmb_live_objects(o->h);
    unsigned rc_leaky = MMB_ORACLE_RC | MMB_ORACLE_LEAKS_CYCLES;
    int exact = OWNED_ONLY || (o->cfg->flags & rc_leaky) == rc_leaky;
    if (exact && live != o->nalive)
        fail(o, "mmb_live_objects %zu, model holds %u", live, o->nalive);
    else if ((o->cfg->flags & MMB_ORACLE_RC) && live > o->nalive)
        fail(o, "mmb_live_objects %zu > %u the model's refcounts hold", live, o->nalive);
}

/* ---- giving up references --------------------------------------------- */

/* Give up handle i's reference: mmb_dispose when the structure is owned by
 * it alone (always tried under manual, else with `try_dispose`), otherwise
 * mmb_drop. Under manual a shared structure cannot be given up: returns 0. */
static int release_handle(oracle *o, int i, int try_dispose)
{
    uint32_t id = o->hid[i];
    if (!id)
        return 1;
    int alone = (OWNED_ONLY || try_dispose) && owned_alone(o, id);
    if (OWNED_ONLY && !alone)
        return 0;
    if (alone) {
        mmb_dispose(o->h, &o->hv[i]);
        o->disposals++;
    } else
        mmb_drop(o->h, &o->hv[i]);
    if (OWNED_ONLY) {
        model_dispose_scan(o);
        o->hid[i] = 0;
    } else {
        model_set_handle(o, i, 0);
    }
    return 1;
}

/* Whether slot j of a may be disposed of: what it holds is referenced by
 * that slot alone (so a is not inside it) and does not hold `keep`, which the
 * caller stores next. Leaves the structure in o->scan. */
static int slot_owned_alone(oracle *o, ref a, uint32_t j, uint32_t keep)
{
    uint32_t old = o->m[a.id].edge[j];
    return old && owned_alone(o, old) && !in_scan(o, a.id) && !in_scan(o, keep);
}

/* Dispose of slot j of a, right after slot_owned_alone() said yes. */
static void dispose_slot(oracle *o, ref a, uint32_t j)
{
    mmb_dispose_slot(o->h, a.p, j);
    o->disposals++;
    if (OWNED_ONLY) {
        model_dispose_scan(o);
        o->m[a.id].edge[j] = 0;
    } else {
        model_set_edge(o, a.id, j, 0);
    }
}

/* Empty slot j of a before a new object goes there: dispose of what it holds
 * when the slot owns it alone (always tried under manual, else sometimes),
 * else store NULL. Under manual a shared subtree cannot be given up: 0. */
static int clear_slot(oracle *o, ref a, uint32_t j)
{
    if (!o->m[a.id].edge[j])
        return 1;
    if ((OWNED_ONLY || chance(o, 30)) && slot_owned_alone(o, a, j, 0)) {
        dispose_slot(o, a, j);
        return 1;
    }
    if (OWNED_ONLY)
        return 0;
    mmb_store(o->h, a.p, j, NULL);
    model_set_edge(o, a.id, j, 0);
    return 1;
}

/* ---- creating ----------------------------------------------------------- */

/* A new object into empty handle i. */
static uint32_t new_into_handle(oracle *o, int i, uint32_t min_slots)
{
    uint32_t ns, nb;
    rand_shape(o, min_slots, &ns, &nb);
    mmb_new(o->h, &o->hv[i], ns, nb);
    uint32_t id = model_new(o, ns, nb);
    fill_payload(o->hv[i], id);
    model_set_handle(o, i, id);
    return id;
}

/* A new object into empty slot j of the object in handle *parent (id pid). */
static uint32_t new_into_slot(oracle *o, mmb_obj **parent, uint32_t pid, uint32_t j,
                              uint32_t min_slots)
{
    uint32_t ns, nb;
    rand_shape(o, min_slots, &ns, &nb);
    mmb_new_slot(o->h, parent, j, ns, nb);
    uint32_t id = model_new(o, ns, nb);
    fill_payload(mmb_load(*parent, j), id);
    model_set_edge(o, pid, j, id);
    return id;
}

static void tmp_root(oracle *o, mmb_obj *p)
{
    o->tmp = NULL;
    mmb_root_push(o->h, &o->tmp);
    mmb_assign(o->h, &o->tmp, p);
}

static void tmp_unroot(oracle *o)
{
    mmb_drop(o->h, &o->tmp);
    mmb_root_pop(o->h, 1);
}

/* Empty handle i (disposing under manual) or say it cannot be done. */
static int clear_handle(oracle *o, int i)
{
    return release_handle(o, i, chance(o, 50));
}

static void op_new_slot(oracle *o);

static void op_new_handle(oracle *o)
{
    int i = pick_target(o);
    if (i < 0)
        op_new_slot(o);
    else if (clear_handle(o, i))
        new_into_handle(o, i, 0);
}

/* A new child at a random depth below a handle: the parent is rooted in the
 * handle itself (depth 0) or in tmp while the child is allocated. */
static void op_new_slot(oracle *o)
{
    int p = pick_handle(o, 1, 0);
    uint32_t steps = o->growing ? WALK_GROW : below(o, WALK_MAX + 1);
    ref a = p < 0 ? (ref){0, NULL} : walk_to(o, p, steps, 1);
    if (!a.id || !o->m[a.id].nslots)
        return;
    uint32_t j = pick_slot(o, a.id);
    if (j == NO_SLOT)
        return;
    int direct = a.p == o->hv[p];
    if (!direct)
        tmp_root(o, a.p);
    if (clear_slot(o, a, j))
        new_into_slot(o, direct ? &o->hv[p] : &o->tmp, a.id, j, 0);
    if (!direct)
        tmp_unroot(o);
}

/* a.j = b, both found by walks (under manual, from the same handle). */
static void op_store(oracle *o)
{
    int p = pick_handle(o, 1, 0);
    ref a = p < 0 ? (ref){0, NULL} : walk_to(o, p, below(o, WALK_MAX + 1), 1);
    if (!a.id || !o->m[a.id].nslots)
        return;
    uint32_t j = pick_slot(o, a.id);
    if (j == NO_SLOT)
        return;
    int q = OWNED_ONLY ? p : pick_handle(o, 1, 0);
    ref b = q < 0 || chance(o, o->growing ? 3 : 25) ? (ref){0, NULL} : walk(o, q, below(o, WALK_MAX + 1));
    if (o->failed)
        return;
    if (o->m[a.id].edge[j] && (OWNED_ONLY || chance(o, 20))) {
        /* never store NULL first: under rc that could free b */
        if (slot_owned_alone(o, a, j, b.id))
            dispose_slot(o, a, j);
        else if (OWNED_ONLY)
            return;
    }
    mmb_store(o->h, a.p, j, b.p);
    model_set_edge(o, a.id, j, b.id);
}

/* A handle takes an object found below another. Under manual the subtree
 * moves out of its parent, and only if nothing else points into it. */
static void op_load(oracle *o)
{
    int p = pick_handle(o, 1, 0), q = pick_handle(o, 0, OWNED_ONLY || o->growing);
    if (p < 0 || q < 0 || q == p)
        return;
    ref a = walk_to(o, p, below(o, WALK_MAX), 1);
    if (!a.id || !o->m[a.id].nslots)
        return;
    uint32_t j = below(o, o->m[a.id].nslots), c = o->m[a.id].edge[j];
    if (!c || (OWNED_ONLY && !slot_owned_alone(o, a, j, 0)))
        return;
    mmb_assign(o->h, &o->hv[q], mmb_load(a.p, j));
    model_set_handle(o, q, c);
    if (OWNED_ONLY || chance(o, 20)) {
        mmb_store(o->h, a.p, j, NULL);
        model_set_edge(o, a.id, j, 0);
    }
}

/* Handle to handle: a copy, or a move (always a move under manual). */
static void op_copy(oracle *o)
{
    int p = pick_handle(o, 1, 0), q = pick_handle(o, 0, OWNED_ONLY || o->growing);
    if (p < 0 || q < 0 || q == p)
        return;
    mmb_assign(o->h, &o->hv[q], o->hv[p]);
    model_set_handle(o, q, o->hid[p]);
    if (OWNED_ONLY || chance(o, 40)) {
        mmb_drop(o->h, &o->hv[p]);
        model_set_handle(o, p, 0);
    }
}

static void op_release(oracle *o)
{
    int i = pick_handle(o, 1, 0);
    if (i >= 0)
        clear_handle(o, i);
}

static void op_push(oracle *o)
{
    if (o->nh == MAX_HANDLES)
        return;
    int i = o->nh++;
    o->hv[i] = NULL;
    o->hid[i] = 0;
    mmb_root_push(o->h, &o->hv[i]);
    int p = pick_handle(o, 1, 0);
    if (!OWNED_ONLY && p >= 0 && chance(o, 50)) {
        mmb_assign(o->h, &o->hv[i], o->hv[p]);
        model_set_handle(o, i, o->hid[p]);
    }
}

/* Pop 1..3 handles at once, giving up their references first. */
static void op_pop(oracle *o)
{
    int k = 1 + (int)below(o, 3);
    if (o->nh - k < MIN_HANDLES)
        return;
    for (int i = o->nh - 1; i >= o->nh - k; i--)
        if (!clear_handle(o, i)) {
            fail(o, "oracle model: handle %d not owned alone under manual", i);
            return;
        }
    mmb_root_pop(o->h, k);
    o->nh -= k;
}

/* A chain of 2..CHAIN_MAX objects (slot 0 links) into a handle, built through
 * tmp; with `ring`, its last object points back at the first. */
static void build_chain(oracle *o, int ring)
{
    int i = pick_target(o);
    uint32_t n = ring ? 2 + below(o, RING_MAX - 1) : 2 + below(o, CHAIN_MAX - 1);
    if (i < 0 || !clear_handle(o, i))
        return;
    uint32_t id = new_into_handle(o, i, 1);
    tmp_root(o, o->hv[i]);
    for (uint32_t k = 1; k < n; k++) {
        id = new_into_slot(o, &o->tmp, id, 0, 1);
        mmb_assign(o->h, &o->tmp, mmb_load(o->tmp, 0));
    }
    if (ring) {
        uint32_t j = below(o, o->m[id].nslots);
        mmb_store(o->h, o->tmp, j, o->hv[i]);
        model_set_edge(o, id, j, o->hid[i]);
    }
    tmp_unroot(o);
}

static void op_chain(oracle *o) { build_chain(o, 0); }
static void op_ring(oracle *o) { build_chain(o, 1); }

/* A collection of a random generation (-1 = full), then the full check. */
static void op_collect(oracle *o)
{
    int gen = (int)below(o, 4) - 1;
    mmb_collect(o->h, gen);
    verify(o, gen == -1);
}

static void op_verify(oracle *o) { verify(o, 0); }

/* ---- the program ------------------------------------------------------ */

typedef void (*op_fn)(oracle *o);

/* Weights out of their sum. While the heap grows, the releasing ones give way
 * to op_new_slot; while it shrinks, half the creating ones to op_release. */
static const struct {
    op_fn run;
    uint32_t weight;
    int creates; /* 1 creates objects, -1 gives references up */
} ops[] = {
    {op_new_handle, 14, 1}, {op_new_slot, 30, 1}, {op_store, 14, 0},   {op_load, 8, 0},
    {op_copy, 6, 0},        {op_release, 8, -1},  {op_push, 5, 1},     {op_pop, 4, -1},
    {op_chain, 3, 1},       {op_ring, 3, 1},      {op_collect, 2, 0},  {op_verify, 1, 0},
};
#define NOPS (sizeof ops / sizeof ops[0])

static op_fn pick_op(oracle *o)
{
    static uint32_t total;
    if (!total)
        for (size_t k = 0; k < NOPS; k++)
            total += ops[k].weight;
    uint32_t r = below(o, total);
    size_t k = 0;
    while (r >= ops[k].weight)
        r -= ops[k++].weight;
    if (ops[k].creates > 0 && !o->growing && chance(o, 50))
        return op_release;
    if (ops[k].creates < 0 && o->growing)
        return op_new_slot;
    return ops[k].run;
}

static void program_start(oracle *o)
{
    mmb_rng_seed(&o->rng, o->cfg->seed);
    o->growing = 1;
    model_new(o, 0, 0); /* id 0 stands for NULL */
    o->nalive = 0;
    o->m[0].alive_ix = 0;
    for (o->nh = 0; o->nh < MIN_HANDLES; o->nh++)
        mmb_root_push(o->h, &o->hv[o->nh]);
}

/* Give everything up, pop every handle, collect fully and check what is
 * left: nothing, or the cycles rc leaks. */
static void program_finish(oracle *o)
{
    for (int i = o->nh - 1; i >= 0 && !o->failed; i--)
        if (!release_handle(o, i, 1))
            fail(o, "oracle model: handle %d not owned alone under manual", i);
    mmb_root_pop(o->h, o->nh);
    o->nh = 0;
    if (o->failed)
        return;
    mmb_collect(o->h, -1);
    verify(o, 1);
    check_live_count(o);
    if (!o->failed && !(o->cfg->flags & (MMB_ORACLE_LEAKS_CYCLES | MMB_ORACLE_CONSERVATIVE)) &&
        mmb_live_objects(o->h))
        fail(o, "%zu objects left after giving everything up", mmb_live_objects(o->h));
}

/* With MMB_ORACLE_STATS set, one line on stderr saying what the run did. */
static void print_stats(oracle *o)
{
    if (!getenv("MMB_ORACLE_STATS"))
        return;
    fprintf(stderr,
            "oracle %s seed %llu: %ld ops, %u objects, %zu verifications, "
            "max %zu reachable, %zu disposals, %u left in the model\n",
            MMB_GC_NAME, (unsigned long long)o->cfg->seed, o->op, o->nm - 1, o->verifications,
            o->max_reachable, o->disposals, o->nalive);
}

static void oracle_free(oracle *o)
{
    free(o->m);
    free(o->alive);
    free(o->work.v);
    free(o->scan.v);
    free(o);
}

/* With prog (fuzzing): whether the collector ran a collection of its own
 * (inside an allocation) since the last look, for the heap to be walked at
 * once rather than at the next op_collect or op_verify. */
static int collected_since(oracle *o)
{
    uint64_t n = 0;
    for (int g = 0; g < MMB_MAX_GENS; g++)
        n += mmb_metrics_g.collections[g];
    int changed = n != o->collections;
    o->collections = n;
    return changed && o->prog;
}

/* The mutator program of cfg->ops operations (fewer if prog runs out), its
 * choices from the RNG or, with prog, from those bytes. */
static int run_program(const mmb_oracle_cfg *cfg, const uint8_t *prog, size_t len, char *err,
                       size_t errlen)
{
    oracle *o = calloc(1, sizeof *o);
    if (!o)
        return fail_plain(err, errlen, "oracle: out of memory");
    if (env_open(&o->e, cfg, err, errlen) < 0) {
        free(o);
        return -1;
    }
    o->h = o->e.h;
    o->cfg = cfg;
    o->err = err;
    o->errlen = errlen;
    o->prog = prog;
    o->prog_len = len;
    program_start(o);
    for (o->op = 0; o->op < cfg->ops && !o->failed && !o->prog_done; o->op++) {
        pick_op(o)(o);
        if (!o->failed && collected_since(o))
            verify(o, 0);
        if (!o->failed)
            check_live_count(o);
        check_traced_count(o);
    }
    if (!o->failed)
        program_finish(o);
    print_stats(o);
    int failed = o->failed;
    env_close(&o->e);
    oracle_free(o);
    return failed ? -1 : 0;
}

int MMB_CAT(mmb_oracle__, MMB_GC_ID)(const mmb_oracle_cfg *cfg, char *err, size_t errlen)
{
    return run_program(cfg, NULL, 0, err, errlen);
}

int MMB_CAT(mmb_oracle_program__, MMB_GC_ID)(const mmb_oracle_cfg *cfg, const uint8_t *prog,
                                             size_t len, char *err, size_t errlen)
{
    return run_program(cfg, prog, len, err, errlen);
}

/* ---- targeted tests ----------------------------------------------------- */

/* A small object with payload word 0 = tag, to tell objects apart. */
static void new_tagged(mmb_heap *h, mmb_obj **dst, uint32_t nslots, uint64_t tag)
{
    mmb_new(h, dst, nslots, 8);
    mmb_set_word(*dst, 0, tag);
}

/* Give up a garbage structure's last reference the way the collector wants
 * it: manual frees it now; the others are told it is dead. */
static void give_up(mmb_heap *h, mmb_obj **ref_)
{
    mmb_dispose(h, ref_);
}

/* Build a cycle of n (1 or 2) objects beside the rooted `keep`, drop it, run
 * a full collection and compare the live count with what the flags expect. */
static int cycle_case(env *e, const mmb_oracle_cfg *cfg, mmb_obj **keep, uint32_t n, char *err,
                      size_t errlen)
{
    mmb_heap *h = e->h;
    mmb_obj *a = NULL, *b = NULL;
    mmb_root_push(h, &a);
    mmb_root_push(h, &b);
    size_t base = mmb_live_objects(h);
    new_tagged(h, &a, 1, 100 + n);
    if (n == 2)
        new_tagged(h, &b, 1, 200 + n);
    mmb_store(h, a, 0, n == 2 ? b : a);
    if (n == 2)
        mmb_store(h, b, 0, a);
    mmb_collect(h, -1);
    int counted = !(cfg->flags & MMB_ORACLE_CONSERVATIVE);
    int bad = (counted && mmb_live_objects(h) != base + n) || mmb_load(mmb_load(a, 0), 0) != a ||
              mmb_get_word(a, 0) != 100 + n;
    mmb_drop(h, &b);
    give_up(h, &a);
    mmb_root_pop(h, 2);
    if (bad)
        return fail_plain(err, errlen, "%s: live %u-cycle damaged by a full collection",
                          MMB_GC_NAME, n);
    mmb_collect(h, -1);
    size_t live = mmb_live_objects(h);
    size_t want = !OWNED_ONLY && (cfg->flags & MMB_ORACLE_LEAKS_CYCLES) ? base + n : base;
    if (counted && live != want)
        return fail_plain(err, errlen, "%s: dropped %u-cycle: %zu live after a full collection, expected %zu",
                          MMB_GC_NAME, n, live, want);
    if (mmb_get_word(*keep, 0) != 7)
        return fail_plain(err, errlen, "%s: rooted object damaged next to a %u-cycle", MMB_GC_NAME, n);
    return 0;
}

int MMB_CAT(mmb_oracle_cycle__, MMB_GC_ID)(const mmb_oracle_cfg *cfg, char *err, size_t errlen)
{
    env e;
    if (env_open(&e, cfg, err, errlen) < 0)
        return -1;
    mmb_obj *keep = NULL;
    mmb_root_push(e.h, &keep);
    new_tagged(e.h, &keep, 0, 7);
    int rc = cycle_case(&e, cfg, &keep, 2, err, errlen);
    if (rc == 0)
        rc = cycle_case(&e, cfg, &keep, 1, err, errlen);
    give_up(e.h, &keep);
    mmb_root_pop(e.h, 1);
    env_close(&e);
    return rc;
}

/* Walk the chain from *head and check its length and tags. */
static int chain_intact(mmb_obj *head, long n)
{
    long k = 0;
    for (mmb_obj *p = head; p; p = mmb_load(p, 0), k++)
        if (k >= n || mmb_get_word(p, 0) != (uint64_t)k)
            return 0;
    return k == n;
}

int MMB_CAT(mmb_oracle_chain__, MMB_GC_ID)(const mmb_oracle_cfg *cfg, char *err, size_t errlen)
{
    env e;
    if (env_open(&e, cfg, err, errlen) < 0)
        return -1;
    mmb_heap *h = e.h;
    mmb_obj *head = NULL, *tail = NULL;
    mmb_root_push(h, &head);
    mmb_root_push(h, &tail);
    size_t base = mmb_live_objects(h);
    new_tagged(h, &head, 1, 0);
    mmb_assign(h, &tail, head);
    for (long k = 1; k < cfg->ops; k++) {
        mmb_new_slot(h, &tail, 0, 1, 8);
        mmb_set_word(mmb_load(tail, 0), 0, (uint64_t)k);
        mmb_assign(h, &tail, mmb_load(tail, 0));
    }
    mmb_drop(h, &tail);
    mmb_collect(h, -1);
    int rc = 0, counted = !(cfg->flags & MMB_ORACLE_CONSERVATIVE);
    if (!chain_intact(head, cfg->ops) || (counted && mmb_live_objects(h) != base + (size_t)cfg->ops))
        rc = fail_plain(err, errlen, "%s: chain of %ld damaged by a full collection", MMB_GC_NAME,
                        cfg->ops);
    give_up(h, &head);
    mmb_collect(h, -1);
    if (!rc && counted && mmb_live_objects(h) != base)
        rc = fail_plain(err, errlen, "%s: %zu objects left of a dropped chain of %ld", MMB_GC_NAME,
                        mmb_live_objects(h) - base, cfg->ops);
    mmb_root_pop(h, 2);
    env_close(&e);
    return rc;
}
