/* lib/gc/refcount_ops.h: the mutator operations of reference counting,
 * shared by rc and rc-cycle.
 *
 * Every owning reference (a handle, a slot of a live object) holds one
 * count; each operation adds the count of the reference it makes before it
 * drops the count of the reference it overwrites, so storing the value a
 * slot already holds never frees it, and an old value reachable only from
 * the overwritten reference dies only once the new one is in place.
 *
 * The including header defines mmb_heap (with `roots`) and, before the
 * include:
 *   MMB_RC_NEW      its allocation, (h, nslots, nbytes, site) -> a new
 *                   object with zeroed slots and count 1;
 *   MMB_RC_RELEASE  what happens when a count reaches 0, (h, o). */
#ifndef MMB_GC_REFCOUNT_OPS_H
#define MMB_GC_REFCOUNT_OPS_H

#include "gc/root_ops.h"

static inline void mmb_rc_incref(mmb_obj *o)
{
    if (o)
        o->meta++;
}

/* Drop one reference (a test, a decrement and a predicted branch). */
static inline void mmb_rc_decref(mmb_heap *h, mmb_obj *o)
{
    if (o && --o->meta == 0)
        MMB_RC_RELEASE(h, o);
}

/* *dst is read after the allocation, which may collect (rc-cycle) and so
 * run finalizers; the new object's one count moves into *dst. */
static inline void mmb_new_at(mmb_heap *h, mmb_obj **dst, uint32_t nslots, uint32_t nbytes,
                              const mmb_site *site)
{
    mmb_obj *o = MMB_RC_NEW(h, nslots, nbytes, site);
    mmb_obj *old = *dst;
    *dst = o;
    mmb_rc_decref(h, old);
}

/* The parent is read after the allocation: *parent is a handle, and a
 * collection may have run (it frees only garbage, but keep the rule). */
static inline void mmb_new_slot_at(mmb_heap *h, mmb_obj **parent, uint32_t i, uint32_t nslots,
                                   uint32_t nbytes, const mmb_site *site)
{
    mmb_obj *o = MMB_RC_NEW(h, nslots, nbytes, site);
    mmb_obj *old = (*parent)->slot[i];
    (*parent)->slot[i] = o;
    mmb_rc_decref(h, old);
}

static inline void mmb_store(mmb_heap *h, mmb_obj *o, uint32_t i, mmb_obj *v)
{
    mmb_obj *old = o->slot[i];
    mmb_rc_incref(v);
    o->slot[i] = v;
    mmb_rc_decref(h, old);
}

static inline void mmb_assign(mmb_heap *h, mmb_obj **dst, mmb_obj *v)
{
    mmb_obj *old = *dst;
    mmb_rc_incref(v);
    *dst = v;
    mmb_rc_decref(h, old);
}

static inline void mmb_drop(mmb_heap *h, mmb_obj **dst)
{
    mmb_obj *old = *dst;
    *dst = NULL;
    mmb_rc_decref(h, old);
}

/* Disposing is dropping: the count decides whether the object dies. */
static inline void mmb_dispose(mmb_heap *h, mmb_obj **dst) { mmb_drop(h, dst); }
static inline void mmb_dispose_slot(mmb_heap *h, mmb_obj *o, uint32_t i) { mmb_drop(h, &o->slot[i]); }

#endif
