/* lib/gc/plain_ops.h: the mutator operations of a manager that counts no
 * references (manual and the tracing collectors): a reference is a plain
 * word, so creating, storing, assigning or dropping one is a single write.
 *
 * The including header defines mmb_heap (with `roots`) first, and may
 * define before the include:
 *   MMB_GC_NEW            its allocation, (h, nslots, nbytes, site) -> a new
 *                         object with zeroed slots: mmb_new_at and
 *                         mmb_new_slot_at are then made here;
 *   MMB_GC_WRITE_BARRIER  it has a write barrier and defines mmb_store
 *                         itself. Assigning and dropping stay plain even
 *                         then: a handle is a root, not a heap slot.
 * How an object is disposed of differs (manual frees, a tracing collector
 * forgets: gc/tracing_ops.h), so it is not here. */
#ifndef MMB_GC_PLAIN_OPS_H
#define MMB_GC_PLAIN_OPS_H

#include "gc/root_ops.h"

#ifdef MMB_GC_NEW
MMB_ALWAYS_INLINE void mmb_new_at(mmb_heap *h, mmb_obj **dst, uint32_t nslots, uint32_t nbytes,
                              const mmb_site *site)
{
    *dst = MMB_GC_NEW(h, nslots, nbytes, site);
}

/* The allocation may collect, and a moving collector may move the parent:
 * *parent is read only afterwards, as the contract asks of every collector. */
MMB_ALWAYS_INLINE void mmb_new_slot_at(mmb_heap *h, mmb_obj **parent, uint32_t i, uint32_t nslots,
                                   uint32_t nbytes, const mmb_site *site)
{
    mmb_obj *o = MMB_GC_NEW(h, nslots, nbytes, site);
    (*parent)->slot[i] = o;
}
#endif

#ifndef MMB_GC_WRITE_BARRIER
static inline void mmb_store(mmb_heap *h, mmb_obj *o, uint32_t i, mmb_obj *v) { o->slot[i] = v; }
#endif
static inline void mmb_assign(mmb_heap *h, mmb_obj **dst, mmb_obj *v) { *dst = v; }
static inline void mmb_drop(mmb_heap *h, mmb_obj **dst) { *dst = NULL; }

#endif
