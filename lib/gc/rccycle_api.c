/* lib/gc/rccycle_api.c: CPython's gc module for rc-cycle (mmb/gc.h):
 * switches, thresholds and counts, statistics, freeze, callbacks, debug
 * flags, the garbage list, types, and the sys.getsizeof/getrefcount
 * figures. Collections themselves are in rccycle_collect.c, weakrefs in
 * rccycle_weakref.c; nothing here is on a fast path. */
#include <string.h>

#include "gc/rccycle_internal.h"

/* ---- gc.enable / disable / isenabled / collect, errors, debug flags ---- */

void mmb_gc_enable(mmb_heap *h) { h->enabled = 1; }
void mmb_gc_disable(mmb_heap *h) { h->enabled = 0; }
int mmb_gc_isenabled(const mmb_heap *h) { return h->enabled; }
const char *mmb_gc_error(const mmb_heap *h) { return h->mod.error; }
void mmb_gc_clear_error(mmb_heap *h) { h->mod.error = NULL; }
void mmb_gc_set_debug(mmb_heap *h, unsigned flags) { h->mod.debug = flags; }
unsigned mmb_gc_get_debug(const mmb_heap *h) { return h->mod.debug; }

/* Unlike mmb_rccycle_collect (which takes -1 for "all"), gc.collect rejects
 * a generation out of range. */
long mmb_gc_collect(mmb_heap *h, int generation)
{
    if (generation < 0 || generation > MMB_RCC_OLDEST)
        return mmb_rcc_fail(h, "invalid generation");
    return (long)mmb_rccycle_collect(h, generation);
}

/* ---- counts, thresholds, statistics ---- */

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
        return mmb_rcc_fail(h, "thresholds must not be negative");
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

/* ---- gc.freeze ---- */

/* As CPython: every generation joins the permanent one, count0 restarts. */
void mmb_gc_freeze(mmb_heap *h)
{
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        mmb_rcc_list_merge(&h->gen[i].head, &h->permanent);
    h->gen[0].count = 0;
}

void mmb_gc_unfreeze(mmb_heap *h)
{
    mmb_rcc_list_merge(&h->permanent, &h->gen[MMB_RCC_OLDEST].head);
}

size_t mmb_gc_get_freeze_count(const mmb_heap *h)
{
    return mmb_rcc_list_size(&h->permanent);
}

/* ---- gc.callbacks (run around each collection by rccycle_collect.c) ---- */

int mmb_gc_callback_add(mmb_heap *h, mmb_gc_callback fn, void *arg)
{
    if (!fn || h->mod.ncallbacks == MMB_GC_MAX_CALLBACKS)
        return mmb_rcc_fail(h, "no room for another gc callback");
    h->mod.callbacks[h->mod.ncallbacks++] = (mmb_rcc_callback){fn, arg};
    return 0;
}

/* The first entry with this fn and arg goes; the rest keep their order. */
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
    return mmb_rcc_fail(h, "gc callback not registered");
}

/* ---- gc.garbage ---- */

size_t mmb_gc_garbage_len(const mmb_heap *h) { return h->mod.garbage.n; }

mmb_obj *mmb_gc_garbage_get(const mmb_heap *h, size_t i)
{
    return i < h->mod.garbage.n ? h->mod.garbage.v[i] : NULL;
}

/* The list's count moves into *dst; the one *dst held is let go. */
int mmb_gc_garbage_pop(mmb_heap *h, mmb_obj **dst)
{
    if (h->mod.garbage.n == 0)
        return mmb_rcc_fail(h, "pop from empty garbage list");
    mmb_obj *old = *dst;
    *dst = mmb_objstack_pop(&h->mod.garbage);
    mmb_rc_decref(h, old);
    return 0;
}

/* The list is emptied first: letting go may run finalizers, which may
 * collect and append to a fresh list. */
void mmb_gc_garbage_clear(mmb_heap *h)
{
    mmb_objstack old = h->mod.garbage;
    h->mod.garbage = (mmb_objstack){0};
    for (size_t i = 0; i < old.n; i++)
        mmb_rc_decref(h, old.v[i]);
    mmb_objstack_free(&old);
}

/* ---- types ---- */

/* Ids are handed out in order after the built-in weakref type. */
int mmb_gc_type_register(mmb_heap *h, const mmb_gc_type *t)
{
    if (!t || h->mod.ntypes == MMB_GC_MAX_TYPES)
        return mmb_rcc_fail(h, "no room for another type");
    h->mod.types[++h->mod.ntypes] = t;
    return h->mod.ntypes;
}

/* The type lives in the header's type bits, so only tracked objects (which
 * have a header) can have one; a weakref's type is its identity. */
int mmb_gc_set_type(mmb_heap *h, mmb_obj *o, int type)
{
    if (!o || !mmb_rcc_tracked(o))
        return mmb_rcc_fail(h, "only an object with slots can have a type");
    if (type < 0 || type == MMB_GC_TYPE_WEAKREF || type > h->mod.ntypes)
        return mmb_rcc_fail(h, "unknown type");
    if (mmb_rcc_is_weakref(o))
        return mmb_rcc_fail(h, "a weakref's type is fixed");
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    g->refs = (g->refs & ~MMB_RCC_TYPE_MASK) | ((uintptr_t)type << MMB_RCC_TYPE_SHIFT);
    return 0;
}

int mmb_gc_type_of(const mmb_obj *o)
{
    return mmb_rcc_tracked(o) ? mmb_rcc_type_id(mmb_rcc_chead(o)) : MMB_GC_TYPE_NONE;
}

int mmb_gc_is_tracked(const mmb_obj *o) { return mmb_rcc_tracked(o); }

int mmb_gc_is_finalized(const mmb_obj *o)
{
    return mmb_rcc_tracked(o) && (mmb_rcc_chead(o)->refs & MMB_RCC_FINALIZED) != 0;
}

/* ---- sys.getsizeof / sys.getrefcount ---- */

size_t mmb_gc_getsizeof(const mmb_obj *o)
{
    return mmb_rcc_block_size(o->nslots, o->nbytes);
}

uintptr_t mmb_gc_getrefcount(const mmb_obj *o)
{
    return o->meta;
}
