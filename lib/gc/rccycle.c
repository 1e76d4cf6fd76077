/* lib/gc/rccycle.c: reference counting's release cascade, CPython's
 * generational cycle detector, and the gc module on top of them (see
 * rccycle.h for the scheme and mmb/gc.h for the module's behaviour).
 *
 * Sections: lists; the heap; types; weak references (the weak table and
 * the weakref objects); freeing at zero (with the finalizer and weakref
 * hooks of a death, and the trashcan); trial deletion; the garbage's
 * finalizers, weakrefs and resurrection; collections; the gc module API. */
/* This file is the collector's own translation unit, whatever libmmb's flags. */
#ifndef MMB_GC_RCCYCLE
#define MMB_GC_RCCYCLE 1
#endif

#include <stdio.h>
#include <stdlib.h>

#include "gc/rccycle.h"
#include "mmb/collector.h"

#define OLDEST (MMB_RCC_NGENS - 1)
#define WEAK_MIN_CAP 64 /* slots of the weak table when it is first needed */

static const mmb_optdesc rccycle_opts[] = {
    {"threshold0", MMB_OPT_INT, MMB_RCC_THRESHOLD0, 0, 1e9, NULL,
     "net tracked allocations that trigger a collection; 0 = no automatic collection "
     "(CPython 3.13 uses 2000)"},
    {"threshold1", MMB_OPT_INT, MMB_RCC_THRESHOLD1, 0, 1e9, NULL,
     "gen-0 collections before generation 1 is collected too"},
    {"threshold2", MMB_OPT_INT, MMB_RCC_THRESHOLD2, 0, 1e9, NULL,
     "gen-1 collections before a full collection (if 25% of gen 2 is new)"},
    {0},
};

const mmb_gc_desc mmb_gc_desc_rccycle = {
    "rc-cycle", "reference counting plus CPython's generational cycle detector",
    rccycle_opts, MMB_ALLOCS_MALLOC_LIKE, MMB_RCC_NGENS,
};

/* ---- lists ---- */

static void list_init(mmb_rcc_head *list)
{
    list->next = list->prev = list;
}

static int list_is_empty(const mmb_rcc_head *list)
{
    return list->next == list;
}

static void list_move(mmb_rcc_head *g, mmb_rcc_head *to)
{
    mmb_rcc_list_remove(g);
    mmb_rcc_list_append(to, g);
}

/* Append all of `from` to `to` in O(1); `from` is left empty. */
static void list_merge(mmb_rcc_head *from, mmb_rcc_head *to)
{
    if (list_is_empty(from))
        return;
    mmb_rcc_head *tail = to->prev;
    tail->next = from->next;
    from->next->prev = tail;
    to->prev = from->prev;
    from->prev->next = to;
    list_init(from);
}

static size_t list_size(const mmb_rcc_head *list)
{
    size_t n = 0;
    for (const mmb_rcc_head *g = list->next; g != list; g = g->next)
        n++;
    return n;
}

/* ---- the heap ---- */

static long threshold_opt(const mmb_run_ctx *ctx, const char *name, long def)
{
    if (!ctx->opts || !mmb_opt_has(ctx->opts, name))
        return def;
    return (long)mmb_opt_int(ctx->opts, name);
}

mmb_heap *mmb_rccycle_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("rc-cycle heap", sizeof *h);
    h->alloc = ctx->alloc;
    h->heap_limit = mmb_metrics_g.heap_limit;
    mmb_roots_init(&h->roots);
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        list_init(&h->gen[i].head);
    list_init(&h->permanent);
    h->gen[0].threshold = threshold_opt(ctx, "threshold0", MMB_RCC_THRESHOLD0);
    h->gen[1].threshold = threshold_opt(ctx, "threshold1", MMB_RCC_THRESHOLD1);
    h->gen[2].threshold = threshold_opt(ctx, "threshold2", MMB_RCC_THRESHOLD2);
    h->enabled = 1;
    h->mod.ntypes = MMB_GC_TYPE_WEAKREF;
    mmb_metrics_g.ngens = MMB_RCC_NGENS;
    return h;
}

/* Objects still alive (the garbage list's included) stay with the
 * allocator, which the driver destroys. */
void mmb_rccycle_destroy(mmb_heap *h)
{
    mmb_roots_free(&h->roots);
    mmb_objstack_free(&h->pending);
    mmb_objstack_free(&h->mod.garbage);
    free(h->mod.weak);
    free(h);
}

/* The allocator said no, or the heap passed -o heap-limit: a full
 * collection may give memory back; if the heap is still over (or the
 * allocator still refuses), this is the clean out-of-memory. The block, if
 * any, is not an object yet and no list holds it, so it can wait. */
void *mmb_rccycle_alloc_slow(mmb_heap *h, void *block, size_t size)
{
    if (!h->collecting)
        mmb_rccycle_collect(h, OLDEST);
    if (!block)
        block = mmb_alloc_alloc(h->alloc, size);
    if (!block || (h->heap_limit && h->alloc->st.held_bytes > h->heap_limit))
        mmb_oom("rc-cycle", size);
    return block;
}

static int fail(mmb_heap *h, const char *msg)
{
    h->mod.error = msg;
    return -1;
}

/* ---- types ---- */

static const mmb_rcc_head *chead(const mmb_obj *o)
{
    return (const mmb_rcc_head *)o - 1;
}

static int type_id(const mmb_rcc_head *g)
{
    return (int)((g->refs & MMB_RCC_TYPE_MASK) >> MMB_RCC_TYPE_SHIFT);
}

/* The registered type of the object behind g; NULL for none and weakrefs. */
static const mmb_gc_type *type_of(const mmb_heap *h, const mmb_rcc_head *g)
{
    int id = type_id(g);
    return id > MMB_GC_TYPE_WEAKREF ? h->mod.types[id] : NULL;
}

static int has_finalizer(const mmb_gc_type *t)
{
    return t && t->finalize && !(t->flags & MMB_GC_TYPE_LEGACY);
}

static int has_legacy_finalizer(const mmb_gc_type *t)
{
    return t && t->finalize && (t->flags & MMB_GC_TYPE_LEGACY);
}

/* ---- weak references: the table ----
 * Referent -> first weakref of its list, for the referents whose header has
 * MMB_RCC_WEAKREFD (exactly those have an entry). Linear probing with
 * backward-shift deletion, load at most 1/2. */

static size_t weak_home(const mmb_obj *key, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)key;
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    return (size_t)x & (cap - 1);
}

/* The slot holding key, or the empty slot where it belongs. */
static mmb_rcc_weakslot *weak_find(const mmb_rcc_module *m, const mmb_obj *key)
{
    size_t i = weak_home(key, m->weak_cap);
    while (m->weak[i].key && m->weak[i].key != key)
        i = (i + 1) & (m->weak_cap - 1);
    return &m->weak[i];
}

static void weak_grow(mmb_rcc_module *m)
{
    size_t old_cap = m->weak_cap, cap = old_cap ? old_cap * 2 : WEAK_MIN_CAP;
    mmb_rcc_weakslot *old = m->weak;
    m->weak = calloc(cap, sizeof *m->weak);
    if (!m->weak)
        mmb_oom("rc-cycle weak table", cap * sizeof *m->weak);
    m->weak_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *weak_find(m, old[i].key) = old[i];
    free(old);
}

/* Empty slot s; members of its probe run that can move back into the hole
 * do (their home is no further along than the hole), so no tombstones. */
static void weak_delete(mmb_rcc_module *m, mmb_rcc_weakslot *s)
{
    size_t mask = m->weak_cap - 1, hole = (size_t)(s - m->weak);
    m->weak_n--;
    for (size_t j = (hole + 1) & mask; m->weak[j].key; j = (j + 1) & mask) {
        size_t home = weak_home(m->weak[j].key, m->weak_cap);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->weak[hole] = m->weak[j];
            hole = j;
        }
    }
    m->weak[hole] = (mmb_rcc_weakslot){NULL, NULL};
}

/* ---- weak references: the objects ----
 * A weakref: type MMB_GC_TYPE_WEAKREF, slot 0 = callback argument (strong),
 * payload = the words below. The referent is only in the payload, so trial
 * deletion never sees it: the reference is weak. next/prev link the
 * weakrefs of one referent; a cleared weakref has all three NULL. */

enum { WR_REFERENT, WR_NEXT, WR_PREV, WR_CALLBACK, WR_WORDS };
#define WR_BYTES (WR_WORDS * 8u)
_Static_assert(sizeof(mmb_gc_weakref_cb) <= 8, "a callback fits a payload word");

static const uint8_t *wr_word(const mmb_obj *wr, int w)
{
    return (const uint8_t *)&wr->slot[wr->nslots] + (size_t)w * 8;
}

static mmb_obj *wr_get(const mmb_obj *wr, int w)
{
    mmb_obj *p;
    memcpy(&p, wr_word(wr, w), sizeof p);
    return p;
}

static void wr_set(mmb_obj *wr, int w, mmb_obj *p)
{
    memcpy((uint8_t *)wr_word(wr, w), &p, sizeof p);
}

static mmb_gc_weakref_cb wr_callback(const mmb_obj *wr)
{
    mmb_gc_weakref_cb cb;
    memcpy(&cb, wr_word(wr, WR_CALLBACK), sizeof cb);
    return cb;
}

static int is_weakref(const mmb_obj *o)
{
    return mmb_rcc_tracked(o) && type_id(chead(o)) == MMB_GC_TYPE_WEAKREF;
}

/* wr joins the head of referent's list (an entry is made if it is the first). */
static void weak_add(mmb_heap *h, mmb_obj *referent, mmb_obj *wr)
{
    mmb_rcc_module *m = &h->mod;
    mmb_rcc_head *g = mmb_rcc_head_of(referent);
    if (!(g->refs & MMB_RCC_WEAKREFD) && (m->weak_n + 1) * 2 > m->weak_cap)
        weak_grow(m);
    mmb_rcc_weakslot *s = weak_find(m, referent);
    if (!s->key) {
        *s = (mmb_rcc_weakslot){referent, NULL};
        m->weak_n++;
        g->refs |= MMB_RCC_WEAKREFD;
    }
    wr_set(wr, WR_REFERENT, referent);
    wr_set(wr, WR_NEXT, s->first);
    if (s->first)
        wr_set(s->first, WR_PREV, wr);
    s->first = wr;
}

static void wr_clear_fields(mmb_obj *wr)
{
    wr_set(wr, WR_REFERENT, NULL);
    wr_set(wr, WR_NEXT, NULL);
    wr_set(wr, WR_PREV, NULL);
}

/* wr lets go of its referent (it dies, or is garbage): it leaves the list,
 * and the referent's entry goes with its last weakref. */
static void weakref_unlink(mmb_heap *h, mmb_obj *wr)
{
    mmb_obj *r = wr_get(wr, WR_REFERENT), *next = wr_get(wr, WR_NEXT), *prev = wr_get(wr, WR_PREV);
    if (!r)
        return;
    if (next)
        wr_set(next, WR_PREV, prev);
    if (prev) {
        wr_set(prev, WR_NEXT, next);
    } else {
        mmb_rcc_weakslot *s = weak_find(&h->mod, r);
        s->first = next;
        if (!next) {
            weak_delete(&h->mod, s);
            mmb_rcc_head_of(r)->refs &= ~MMB_RCC_WEAKREFD;
        }
    }
    wr_clear_fields(wr);
}

/* o is dying: clear every weakref to it at once (none can reach it any
 * more). Those with a callback, unless they are garbage themselves, are
 * held and queued on `calls` for after. */
static void clear_weakrefs(mmb_heap *h, mmb_obj *o, mmb_objstack *calls)
{
    mmb_rcc_weakslot *s = weak_find(&h->mod, o);
    mmb_obj *wr = s->first;
    weak_delete(&h->mod, s);
    mmb_rcc_head_of(o)->refs &= ~MMB_RCC_WEAKREFD;
    while (wr) {
        mmb_obj *next = wr_get(wr, WR_NEXT);
        wr_clear_fields(wr);
        if (wr_callback(wr) && !(mmb_rcc_head_of(wr)->refs & MMB_RCC_COLLECTING)) {
            wr->meta++;
            mmb_objstack_push(calls, wr);
        }
        wr = next;
    }
}

/* Run the queued callbacks, each with its weakref (whose referent is
 * gone), then let go of each; returns how many weakrefs that freed. */
static size_t run_weakref_callbacks(mmb_heap *h, mmb_objstack *calls)
{
    size_t freed = 0;
    for (size_t i = 0; i < calls->n; i++) {
        mmb_obj *wr = calls->v[i];
        wr_callback(wr)(h, wr);
        freed += wr->meta == 1;
        mmb_rcc_decref(h, wr);
    }
    mmb_objstack_free(calls);
    return freed;
}

/* ---- freeing at zero ---- */

/* Give o's block back. A tracked object leaves its generation's list and
 * counts as a deallocation against gen[0].count (floored at 0, as CPython). */
static void free_one(mmb_heap *h, mmb_obj *o)
{
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    void *block = o;
    mmb_acct_free_obj(o, size);
    h->live_objects--;
    if (mmb_rcc_tracked(o)) {
        mmb_rcc_head *g = mmb_rcc_head_of(o);
        mmb_rcc_list_remove(g);
        if (h->gen[0].count > 0)
            h->gen[0].count--;
        block = g;
        size += sizeof *g;
    }
    mmb_alloc_free(h->alloc, block, size);
}

/* Drop the references o's slots own; children that reach zero are queued
 * on the pending stack instead of released here (no recursion). */
static void release_children(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        if (c && --c->meta == 0)
            mmb_objstack_push(&h->pending, c);
    }
}

/* Take o off its list (a dead object must not be scanned by a collection
 * that user code starts meanwhile); self-linked, so free_one's unlink is a
 * no-op. */
static void untrack(mmb_obj *o)
{
    if (!mmb_rcc_tracked(o))
        return;
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    mmb_rcc_list_remove(g);
    g->next = g->prev = g;
}

/* A collection starts while a release is draining (from user code): the
 * dead objects on the pending stack leave their lists first. */
static void untrack_pending(mmb_heap *h)
{
    for (size_t i = 0; i < h->pending.n; i++)
        untrack(h->pending.v[i]);
}

/* Run t's finalizer for o, whose count is 0, as PyObject_CallFinalizer-
 * FromDealloc does: o is tracked again and held by one count for the call.
 * Returns 1 if o is still dead after it, 0 if it was resurrected (it stays
 * tracked, in generation 0 if it had left its list). */
static int finalize_dead(mmb_heap *h, mmb_obj *o, const mmb_gc_type *t)
{
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    if (g->next == g) {
        g->refs &= MMB_RCC_PERSIST;
        mmb_rcc_list_append(&h->gen[0].head, g);
    }
    o->meta = 1;
    t->finalize(h, o);
    if (--o->meta != 0)
        return 0;
    untrack(o);
    return 1;
}

/* What CPython's subtype_dealloc does before the memory goes, in its order:
 * the finalizer (once in o's life), clearing the weakrefs and running their
 * callbacks, the legacy finalizer; a weakref leaves its referent's list.
 * Returns 1 if o is to be freed now, 0 if it was resurrected. */
static int death_hooks(mmb_heap *h, mmb_obj *o)
{
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    const mmb_gc_type *t = type_of(h, g);
    untrack(o);
    if (has_finalizer(t) && !(g->refs & MMB_RCC_FINALIZED)) {
        g->refs |= MMB_RCC_FINALIZED;
        if (!finalize_dead(h, o, t))
            return 0;
    }
    if (g->refs & MMB_RCC_WEAKREFD) {
        mmb_objstack calls = {0};
        clear_weakrefs(h, o, &calls);
        run_weakref_callbacks(h, &calls);
    }
    if (has_legacy_finalizer(t) && !finalize_dead(h, o, t))
        return 0;
    if (type_id(g) == MMB_GC_TYPE_WEAKREF)
        weakref_unlink(h, o);
    return 1;
}

/* The trashcan: user code runs with h->releasing set, so whatever it kills
 * waits on the pending stack for the release that called it. */
static int die_special(mmb_heap *h, mmb_obj *o)
{
    int saved = h->releasing;
    h->releasing = 1;
    int dead = death_hooks(h, o);
    h->releasing = saved;
    return dead;
}

/* Whether o, whose count is 0, is to be freed now: always, unless it has a
 * type or weakrefs (one test of a header word free_one touches anyway). */
static int dies(mmb_heap *h, mmb_obj *o)
{
    if (__builtin_expect(mmb_rcc_tracked(o) && (mmb_rcc_head_of(o)->refs & MMB_RCC_SPECIAL), 0))
        return die_special(h, o);
    return 1;
}

/* More than one object dies: free them all off the pending stack as one
 * pause (nested in the collection's pause when a collection frees garbage).
 * Every object on the stack has count 0 and is reachable from nothing live,
 * so each is freed exactly once (or resurrected by its finalizer). `first`,
 * if any, is already done with. */
static void cascade(mmb_heap *h, mmb_obj *first)
{
    mmb_pause_begin(MMB_PAUSE_CASCADE);
    if (first)
        free_one(h, first);
    while (h->pending.n) {
        mmb_obj *x = mmb_objstack_pop(&h->pending);
        if (!dies(h, x))
            continue;
        release_children(h, x);
        free_one(h, x);
    }
    mmb_pause_end();
}

/* o's count reached zero; only a real cascade reads the clock. Inside user
 * code called by a release, o waits on the pending stack instead. */
void mmb_rccycle_release(mmb_heap *h, mmb_obj *o)
{
    if (__builtin_expect(h->releasing, 0)) {
        untrack(o);
        mmb_objstack_push(&h->pending, o);
        return;
    }
    if (!dies(h, o)) {
        if (h->pending.n)
            cascade(h, NULL);
        return;
    }
    release_children(h, o);
    if (h->pending.n == 0)
        free_one(h, o);
    else
        cascade(h, o);
}

/* ---- trial deletion ---- */

static uintptr_t gc_refs(const mmb_rcc_head *g)
{
    return g->refs >> MMB_RCC_REFS_SHIFT;
}

/* The header of slot value c if c is being collected and not yet proven
 * reachable, else NULL (leaves, older generations, reachable ones). */
static mmb_rcc_head *collecting(mmb_obj *c)
{
    if (!c || !mmb_rcc_tracked(c))
        return NULL;
    mmb_rcc_head *g = mmb_rcc_head_of(c);
    return (g->refs & MMB_RCC_COLLECTING) ? g : NULL;
}

/* gc_refs := refcount for every object of the collected set; returns its size. */
static size_t update_refs(mmb_rcc_head *young)
{
    size_t n = 0;
    for (mmb_rcc_head *g = young->next; g != young; g = g->next, n++)
        g->refs = (g->refs & MMB_RCC_PERSIST) | (mmb_rcc_obj_of(g)->meta << MMB_RCC_REFS_SHIFT) |
                  MMB_RCC_COLLECTING;
    return n;
}

/* Remove the references that come from inside the set: what is left of
 * gc_refs counts references from handles and from older generations. */
static void subtract_refs(mmb_rcc_head *young)
{
    for (mmb_rcc_head *g = young->next; g != young; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        for (uint32_t i = 0; i < o->nslots; i++) {
            mmb_rcc_head *c = collecting(o->slot[i]);
            if (c)
                c->refs -= MMB_RCC_REFS_ONE;
        }
    }
}

/* o is reachable: so is every child in the set. A child already scanned and
 * parked on the unreachable list comes back to the tail of young, where the
 * scan in move_unreachable will reach it; an unscanned one gets gc_refs 1 so
 * that the scan treats it as reachable. */
static void visit_reachable(mmb_obj *o, mmb_rcc_head *young)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_rcc_head *c = collecting(o->slot[i]);
        if (!c || gc_refs(c) > 0)
            continue;
        if (c->refs & MMB_RCC_UNREACHABLE)
            list_move(c, young);
        c->refs = (c->refs & MMB_RCC_PERSIST) | MMB_RCC_REFS_ONE | MMB_RCC_COLLECTING;
    }
}

/* Split the set in one pass over the list, with the list itself as the work
 * queue (CPython's move_unreachable: no recursion, no extra stack). On
 * return young holds the reachable objects (transient bits cleared) and
 * unreachable the garbage (flags still set); *seen gathers the header bits
 * of what was parked as garbage, so the caller knows whether any of it has
 * a type or weakrefs. */
static void move_unreachable(mmb_rcc_head *young, mmb_rcc_head *unreachable, uintptr_t *seen)
{
    mmb_rcc_head *g = young->next;
    while (g != young) {
        mmb_rcc_head *next = g->next;
        if (gc_refs(g) > 0) {
            g->refs &= MMB_RCC_PERSIST;
            visit_reachable(mmb_rcc_obj_of(g), young);
            next = g->next;
        } else {
            g->refs |= MMB_RCC_UNREACHABLE;
            *seen |= g->refs;
            list_move(g, unreachable);
        }
        g = next;
    }
}

/* Trial deletion over the set `young`: afterwards young holds what is
 * reachable and `unreachable` the garbage. Returns the set's size before. */
static size_t split_garbage(mmb_rcc_head *young, mmb_rcc_head *unreachable, uintptr_t *seen)
{
    size_t total = update_refs(young);
    subtract_refs(young);
    move_unreachable(young, unreachable, seen);
    return total;
}

/* Clear o's slots one by one, each a decref that may free (cascades
 * included) other garbage, which leaves the unreachable list as it goes. */
static void clear_slots(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        o->slot[i] = NULL;
        mmb_rcc_decref(h, c);
    }
}

/* gc.garbage.append(o): the list owns one count. */
static void garbage_append(mmb_heap *h, mmb_obj *o)
{
    o->meta++;
    mmb_objstack_push(&h->mod.garbage, o);
}

/* Break the garbage: take the head of the list, hold it (incref) while its
 * slots are cleared so it cannot be freed under our feet, then let go: its
 * count falls to zero once every cycle through it is cut. As in CPython, an
 * object still alive after that (its count was wrong) moves to `old`; under
 * DEBUG_SAVEALL every object goes to the garbage list instead, and so to
 * `old`. */
static void delete_garbage(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old)
{
    int saveall = (h->mod.debug & MMB_GC_DEBUG_SAVEALL) != 0;
    while (!list_is_empty(unreachable)) {
        mmb_rcc_head *g = unreachable->next;
        mmb_obj *o = mmb_rcc_obj_of(g);
        if (saveall) {
            garbage_append(h, o);
        } else {
            o->meta++;
            clear_slots(h, o);
            mmb_rcc_decref(h, o);
        }
        if (unreachable->next == g) {
            g->refs &= MMB_RCC_PERSIST;
            list_move(g, old);
        }
    }
}

/* ---- the garbage's finalizers, weakrefs and resurrection ---- */

typedef struct tally {
    size_t collected, uncollectable;
} tally;

/* Garbage with a legacy finalizer (and all garbage it reaches, found with
 * the list as the work queue) is uncollectable: it moves to `legacy`,
 * no longer marked as being collected. */
static void move_legacy_finalizers(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *legacy)
{
    for (mmb_rcc_head *g = unreachable->next, *next; g != unreachable; g = next) {
        next = g->next;
        if (has_legacy_finalizer(type_of(h, g))) {
            g->refs &= MMB_RCC_PERSIST;
            list_move(g, legacy);
        }
    }
    for (mmb_rcc_head *g = legacy->next; g != legacy; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        for (uint32_t i = 0; i < o->nslots; i++) {
            mmb_rcc_head *c = collecting(o->slot[i]);
            if (c) {
                c->refs &= MMB_RCC_PERSIST;
                list_move(c, legacy);
            }
        }
    }
}

/* Every weakref to the garbage is cleared before any user code runs (so no
 * callback or finalizer can reach the garbage through one), and so is every
 * weakref that is garbage itself (its callback must never run). Then the
 * callbacks of the weakrefs that are not garbage run. Returns the weakrefs
 * freed when they are let go after their callback (CPython counts them as
 * collected). */
static size_t handle_weakrefs(mmb_heap *h, mmb_rcc_head *unreachable)
{
    mmb_objstack calls = {0};
    for (mmb_rcc_head *g = unreachable->next; g != unreachable; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        if (type_id(g) == MMB_GC_TYPE_WEAKREF)
            weakref_unlink(h, o);
        if (g->refs & MMB_RCC_WEAKREFD)
            clear_weakrefs(h, o, &calls);
    }
    return run_weakref_callbacks(h, &calls);
}

/* PEP 442: call each garbage object's finalizer, once in its life, all of
 * them before anything is cleared. A finalizer may free garbage (by count)
 * or resurrect it, so the list is consumed from its head into `seen`. */
static void finalize_garbage(mmb_heap *h, mmb_rcc_head *unreachable)
{
    mmb_rcc_head seen;
    list_init(&seen);
    while (!list_is_empty(unreachable)) {
        mmb_rcc_head *g = unreachable->next;
        mmb_obj *o = mmb_rcc_obj_of(g);
        const mmb_gc_type *t = type_of(h, g);
        list_move(g, &seen);
        if (!has_finalizer(t) || (g->refs & MMB_RCC_FINALIZED))
            continue;
        g->refs |= MMB_RCC_FINALIZED;
        o->meta++;
        t->finalize(h, o);
        mmb_rcc_decref(h, o);
    }
    list_merge(&seen, unreachable);
}

/* gc.garbage gets the legacy-finalizer objects (everything under SAVEALL);
 * all of `legacy` lives on in `old`. */
static void handle_legacy_finalizers(mmb_heap *h, mmb_rcc_head *legacy, mmb_rcc_head *old)
{
    int saveall = (h->mod.debug & MMB_GC_DEBUG_SAVEALL) != 0;
    for (mmb_rcc_head *g = legacy->next; g != legacy; g = g->next)
        if (saveall || has_legacy_finalizer(type_of(h, g)))
            garbage_append(h, mmb_rcc_obj_of(g));
    list_merge(legacy, old);
}

static void debug_list(const mmb_heap *h, unsigned flag, const char *what, const mmb_rcc_head *list)
{
    if (!(h->mod.debug & flag))
        return;
    for (const mmb_rcc_head *g = list->next; g != list; g = g->next) {
        const mmb_obj *o = (const mmb_obj *)(g + 1);
        fprintf(stderr, "gc: %s <object at %p, %u slots, type %d>\n", what, (const void *)o,
                o->nslots, type_id(g));
    }
}

/* CPython's gc_collect_main after the split, for garbage that holds typed
 * objects or weakrefs, or under debug flags: legacy finalizers, weakrefs,
 * finalizers, then trial deletion again over what is left, so that what a
 * finalizer resurrected (and all it reaches) survives uncounted while the
 * rest is still collected. */
static tally dispose_special(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old)
{
    tally t = {0, 0};
    mmb_rcc_head legacy, final;
    uintptr_t seen = 0;
    list_init(&legacy);
    list_init(&final);
    move_legacy_finalizers(h, unreachable, &legacy);
    debug_list(h, MMB_GC_DEBUG_COLLECTABLE, "collectable", unreachable);
    t.collected += handle_weakrefs(h, unreachable);
    finalize_garbage(h, unreachable);
    split_garbage(unreachable, &final, &seen);
    list_merge(unreachable, old); /* the resurrected */
    t.collected += list_size(&final);
    delete_garbage(h, &final, old);
    t.uncollectable = list_size(&legacy);
    debug_list(h, MMB_GC_DEBUG_UNCOLLECTABLE, "uncollectable", &legacy);
    handle_legacy_finalizers(h, &legacy, old);
    return t;
}

/* ---- collections ---- */

/* Counts before the collection: generations 0..g start afresh, and the next
 * one up has seen one more collection below it. */
static void update_counts(mmb_heap *h, int generation)
{
    if (generation + 1 < MMB_RCC_NGENS)
        h->gen[generation + 1].count++;
    for (int i = 0; i <= generation; i++)
        h->gen[i].count = 0;
}

/* Survivors move one generation up; a full collection resets the
 * long-lived bookkeeping that rations the next one. */
static mmb_rcc_head *promote(mmb_heap *h, int generation, size_t survivors)
{
    mmb_rcc_head *young = &h->gen[generation].head;
    if (generation == OLDEST) {
        h->long_lived_pending = 0;
        h->long_lived_total = survivors;
        return young;
    }
    if (generation == OLDEST - 1)
        h->long_lived_pending += survivors;
    list_merge(young, &h->gen[generation + 1].head);
    return &h->gen[generation + 1].head;
}

/* gc.get_stats() always; the run's figures only inside the timed region
 * (see mmb_rccycle_collect in rccycle.h). */
static void record_stats(mmb_heap *h, int generation, tally t)
{
    mmb_rcc_genstats *st = &h->stats[generation];
    st->collections++;
    st->collected += t.collected;
    st->uncollectable += t.uncollectable;
    if (!mmb_metrics_g.timing)
        return;
    mmb_metrics_g.collections[generation]++;
    mmb_metrics_g.collected[generation] += t.collected;
    mmb_metrics_g.uncollectable[generation] += t.uncollectable;
}

/* Find and free the garbage of generations 0..generation (the younger
 * lists are merged into it first). One pause: minor below the oldest
 * generation, major for a full collection. */
static tally collect_main(mmb_heap *h, int generation)
{
    mmb_pause_begin(generation == OLDEST ? MMB_PAUSE_MAJOR : MMB_PAUSE_MINOR);
    if (h->mod.debug & MMB_GC_DEBUG_STATS)
        fprintf(stderr, "gc: collecting generation %d...\n", generation);
    if (h->pending.n)
        untrack_pending(h);
    update_counts(h, generation);
    mmb_rcc_head *young = &h->gen[generation].head;
    for (int i = 0; i < generation; i++)
        list_merge(&h->gen[i].head, young);
    mmb_rcc_head unreachable;
    list_init(&unreachable);
    uintptr_t seen = 0;
    size_t total = split_garbage(young, &unreachable, &seen);
    size_t n = list_size(&unreachable);
    mmb_rcc_head *old = promote(h, generation, total - n);
    tally t = {n, 0};
    if ((seen & MMB_RCC_SPECIAL) || h->mod.debug)
        t = dispose_special(h, &unreachable, old);
    else
        delete_garbage(h, &unreachable, old);
    if (h->mod.debug & MMB_GC_DEBUG_STATS)
        fprintf(stderr, "gc: done, %zu unreachable, %zu uncollectable\n",
                t.collected + t.uncollectable, t.uncollectable);
    record_stats(h, generation, t);
    mmb_pause_end();
    return t;
}

/* gc.callbacks, in order, by index (a callback may remove itself). */
static void run_gc_callbacks(mmb_heap *h, const char *phase, int generation, tally t)
{
    mmb_gc_info info = {generation, t.collected, t.uncollectable};
    for (int i = 0; i < h->mod.ncallbacks; i++)
        h->mod.callbacks[i].fn(phase, &info, h->mod.callbacks[i].arg);
}

size_t mmb_rccycle_collect(mmb_heap *h, int generation)
{
    if (generation < 0 || generation > OLDEST)
        generation = OLDEST;
    if (h->collecting)
        return 0;
    h->collecting = 1;
    tally none = {0, 0};
    run_gc_callbacks(h, "start", generation, none);
    tally t = collect_main(h, generation);
    run_gc_callbacks(h, "stop", generation, t);
    h->collecting = 0;
    return t.collected + t.uncollectable;
}

/* The automatic trigger (gen[0].count passed threshold0): collect the
 * oldest generation over its threshold, rationing full collections. */
size_t mmb_rccycle_collect_generations(mmb_heap *h)
{
    for (int i = OLDEST; i >= 0; i--) {
        if (h->gen[i].count <= h->gen[i].threshold)
            continue;
        if (i == OLDEST && h->long_lived_pending < h->long_lived_total / 4)
            continue;
        return mmb_rccycle_collect(h, i);
    }
    return 0;
}

/* ---- the gc module (mmb/gc.h) ---- */

void mmb_gc_enable(mmb_heap *h) { h->enabled = 1; }
void mmb_gc_disable(mmb_heap *h) { h->enabled = 0; }
int mmb_gc_isenabled(const mmb_heap *h) { return h->enabled; }
const char *mmb_gc_error(const mmb_heap *h) { return h->mod.error; }
void mmb_gc_clear_error(mmb_heap *h) { h->mod.error = NULL; }
void mmb_gc_set_debug(mmb_heap *h, unsigned flags) { h->mod.debug = flags; }
unsigned mmb_gc_get_debug(const mmb_heap *h) { return h->mod.debug; }

long mmb_gc_collect(mmb_heap *h, int generation)
{
    if (generation < 0 || generation > OLDEST)
        return fail(h, "invalid generation");
    return (long)mmb_rccycle_collect(h, generation);
}

void mmb_gc_get_count(const mmb_heap *h, long count[MMB_GC_GENERATIONS])
{
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        count[i] = h->gen[i].count;
}

void mmb_gc_get_threshold(const mmb_heap *h, long threshold[MMB_GC_GENERATIONS])
{
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        threshold[i] = h->gen[i].threshold;
}

int mmb_gc_set_threshold(mmb_heap *h, long t0, long t1, long t2)
{
    if (t0 < 0 || t1 < 0 || t2 < 0)
        return fail(h, "thresholds must not be negative");
    h->gen[0].threshold = t0;
    h->gen[1].threshold = t1;
    h->gen[2].threshold = t2;
    return 0;
}

void mmb_gc_get_stats(const mmb_heap *h, mmb_gc_genstats stats[MMB_GC_GENERATIONS])
{
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        stats[i] = h->stats[i];
}

/* As CPython: every generation joins the permanent one, count0 restarts. */
void mmb_gc_freeze(mmb_heap *h)
{
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        list_merge(&h->gen[i].head, &h->permanent);
    h->gen[0].count = 0;
}

void mmb_gc_unfreeze(mmb_heap *h)
{
    list_merge(&h->permanent, &h->gen[OLDEST].head);
}

size_t mmb_gc_get_freeze_count(const mmb_heap *h)
{
    return list_size(&h->permanent);
}

int mmb_gc_callback_add(mmb_heap *h, mmb_gc_callback fn, void *arg)
{
    if (!fn || h->mod.ncallbacks == MMB_GC_MAX_CALLBACKS)
        return fail(h, "no room for another gc callback");
    h->mod.callbacks[h->mod.ncallbacks++] = (mmb_rcc_callback){fn, arg};
    return 0;
}

int mmb_gc_callback_remove(mmb_heap *h, mmb_gc_callback fn, void *arg)
{
    mmb_rcc_module *m = &h->mod;
    for (int i = 0; i < m->ncallbacks; i++) {
        if (m->callbacks[i].fn != fn || m->callbacks[i].arg != arg)
            continue;
        memmove(&m->callbacks[i], &m->callbacks[i + 1],
                (size_t)(m->ncallbacks - i - 1) * sizeof m->callbacks[0]);
        m->ncallbacks--;
        return 0;
    }
    return fail(h, "gc callback not registered");
}

size_t mmb_gc_garbage_len(const mmb_heap *h) { return h->mod.garbage.n; }

mmb_obj *mmb_gc_garbage_get(const mmb_heap *h, size_t i)
{
    return i < h->mod.garbage.n ? h->mod.garbage.v[i] : NULL;
}

int mmb_gc_garbage_pop(mmb_heap *h, mmb_obj **dst)
{
    if (h->mod.garbage.n == 0)
        return fail(h, "pop from empty garbage list");
    mmb_obj *old = *dst;
    *dst = mmb_objstack_pop(&h->mod.garbage);
    mmb_rcc_decref(h, old);
    return 0;
}

/* The list is emptied first: letting go may run finalizers, which may
 * collect and append to a fresh list. */
void mmb_gc_garbage_clear(mmb_heap *h)
{
    mmb_objstack old = h->mod.garbage;
    h->mod.garbage = (mmb_objstack){0};
    for (size_t i = 0; i < old.n; i++)
        mmb_rcc_decref(h, old.v[i]);
    mmb_objstack_free(&old);
}

int mmb_gc_type_register(mmb_heap *h, const mmb_gc_type *t)
{
    if (!t || h->mod.ntypes == MMB_GC_MAX_TYPES)
        return fail(h, "no room for another type");
    h->mod.types[++h->mod.ntypes] = t;
    return h->mod.ntypes;
}

int mmb_gc_set_type(mmb_heap *h, mmb_obj *o, int type)
{
    if (!o || !mmb_rcc_tracked(o))
        return fail(h, "only an object with slots can have a type");
    if (type < 0 || type == MMB_GC_TYPE_WEAKREF || type > h->mod.ntypes)
        return fail(h, "unknown type");
    if (is_weakref(o))
        return fail(h, "a weakref's type is fixed");
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    g->refs = (g->refs & ~MMB_RCC_TYPE_MASK) | ((uintptr_t)type << MMB_RCC_TYPE_SHIFT);
    return 0;
}

int mmb_gc_type_of(const mmb_obj *o)
{
    return mmb_rcc_tracked(o) ? type_id(chead(o)) : MMB_GC_TYPE_NONE;
}

int mmb_gc_is_tracked(const mmb_obj *o) { return mmb_rcc_tracked(o); }

int mmb_gc_is_finalized(const mmb_obj *o)
{
    return mmb_rcc_tracked(o) && (chead(o)->refs & MMB_RCC_FINALIZED) != 0;
}

/* The weakref is allocated (a collection may run first: referent and
 * cb_arg are held by the caller), typed, given its callback and linked. */
int mmb_gc_weakref_new(mmb_heap *h, mmb_obj **dst, mmb_obj *referent, mmb_gc_weakref_cb cb,
                       mmb_obj *cb_arg)
{
    static mmb_site site = {__FILE__, __LINE__, 0};
    if (!referent || !mmb_rcc_tracked(referent))
        return fail(h, "cannot create a weak reference to an object without slots");
    mmb_new_at(h, dst, 1, WR_BYTES, &site);
    mmb_obj *wr = *dst;
    memset(mmb_payload(wr), 0, WR_BYTES);
    memcpy(mmb_payload(wr) + WR_CALLBACK * 8, &cb, sizeof cb);
    mmb_rcc_head_of(wr)->refs |= (uintptr_t)MMB_GC_TYPE_WEAKREF << MMB_RCC_TYPE_SHIFT;
    mmb_store(h, wr, 0, cb_arg);
    weak_add(h, referent, wr);
    return 0;
}

mmb_obj *mmb_gc_weakref_get(const mmb_obj *wr)
{
    return is_weakref(wr) ? wr_get(wr, WR_REFERENT) : NULL;
}

size_t mmb_gc_weakref_count(const mmb_heap *h, const mmb_obj *o)
{
    if (!mmb_rcc_tracked(o) || !(chead(o)->refs & MMB_RCC_WEAKREFD))
        return 0;
    size_t n = 0;
    for (mmb_obj *wr = weak_find(&h->mod, o)->first; wr; wr = wr_get(wr, WR_NEXT))
        n++;
    return n;
}

size_t mmb_gc_getsizeof(const mmb_obj *o)
{
    return mmb_rcc_block_size(o->nslots, o->nbytes);
}

uintptr_t mmb_gc_getrefcount(const mmb_obj *o)
{
    return o->meta;
}
