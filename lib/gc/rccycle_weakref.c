/* lib/gc/rccycle_weakref.c: weak references for rc-cycle (mmb/gc.h): the
 * weak table that finds a referent's weakrefs, the weakref objects, and
 * what happens to them when their referent dies by count or as garbage. */
#include <stdlib.h>
#include <string.h>

#include "gc/rccycle_internal.h"

#define WEAK_MIN_CAP 64 /* slots of the weak table when it is first needed */

/* ---- the table ----
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

/* Double the table (or make the first) and re-insert every entry: probe
 * runs depend on the capacity. */
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

/* ---- the objects ----
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
void mmb_rcc_weakref_unlink(mmb_heap *h, mmb_obj *wr)
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

/* ---- when the referent dies ---- */

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
        mmb_rc_decref(h, wr);
    }
    mmb_objstack_free(calls);
    return freed;
}

/* o (with MMB_RCC_WEAKREFD) dies by count: its weakrefs are cleared, then
 * their callbacks run, as subtype_dealloc does between the finalizer and
 * the legacy finalizer. */
void mmb_rcc_weakrefs_die(mmb_heap *h, mmb_obj *o)
{
    mmb_objstack calls = {0};
    clear_weakrefs(h, o, &calls);
    run_weakref_callbacks(h, &calls);
}

/* Every weakref to the garbage is cleared before any user code runs (so no
 * callback or finalizer can reach the garbage through one), and so is every
 * weakref that is garbage itself (its callback must never run). Then the
 * callbacks of the weakrefs that are not garbage run. Returns the weakrefs
 * freed when they are let go after their callback (CPython counts them as
 * collected). */
size_t mmb_rcc_handle_weakrefs(mmb_heap *h, mmb_rcc_head *unreachable)
{
    mmb_objstack calls = {0};
    for (mmb_rcc_head *g = unreachable->next; g != unreachable; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        if (mmb_rcc_type_id(g) == MMB_GC_TYPE_WEAKREF)
            mmb_rcc_weakref_unlink(h, o);
        if (g->refs & MMB_RCC_WEAKREFD)
            clear_weakrefs(h, o, &calls);
    }
    return run_weakref_callbacks(h, &calls);
}

/* ---- the gc module's weakref functions ---- */

/* The weakref is allocated (a collection may run first: referent and
 * cb_arg are held by the caller), typed, given its callback and linked. */
int mmb_gc_weakref_new(mmb_heap *h, mmb_obj **dst, mmb_obj *referent, mmb_gc_weakref_cb cb,
                       mmb_obj *cb_arg)
{
    static mmb_site site = {__FILE__, __LINE__, 0};
    if (!referent || !mmb_rcc_tracked(referent))
        return mmb_rcc_fail(h, "cannot create a weak reference to an object without slots");
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
    return mmb_rcc_is_weakref(wr) ? wr_get(wr, WR_REFERENT) : NULL;
}

/* Walks the referent's list: weakref counts are for tests and reports. */
size_t mmb_gc_weakref_count(const mmb_heap *h, const mmb_obj *o)
{
    if (!mmb_rcc_tracked(o) || !(mmb_rcc_chead(o)->refs & MMB_RCC_WEAKREFD))
        return 0;
    size_t n = 0;
    for (mmb_obj *wr = weak_find(&h->mod, o)->first; wr; wr = wr_get(wr, WR_NEXT))
        n++;
    return n;
}
