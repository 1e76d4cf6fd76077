/* lib/gc/manual.h: explicit freeing over the -a allocator.
 *
 * The baseline every other manager is compared with: no barrier, no count,
 * no tracing. The workload frees what it knows is dead (mmb_dispose*); a
 * dropped reference frees nothing.
 *
 * meta: bit 0 = queued for freeing by a dispose traversal (so a structure
 * with sharing or cycles is freed exactly once); otherwise 0.
 */
#ifndef MMB_GC_MANUAL_H
#define MMB_GC_MANUAL_H

#include <string.h>

#include "gc/roots.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "manual"
#define MMB_GC_ID manual
#define MMB_GC_NGENS 0

typedef struct mmb_manual_heap {
    mmb_alloc *alloc;
    mmb_roots roots;
    mmb_objstack queue; /* dispose's work queue, kept between disposes */
    size_t live_objects;
    uint64_t held_ceiling; /* -o heap-limit, or UINT64_MAX without one: one compare per allocation */
} mmb_heap;

mmb_heap *mmb_manual_create(const mmb_run_ctx *ctx);
void mmb_manual_destroy(mmb_heap *h);
void mmb_manual_free_structure(mmb_heap *h, mmb_obj *o);
mmb_obj *mmb_manual_alloc_slow(mmb_heap *h, size_t size);

#define mmb_heap_create mmb_manual_create
#define mmb_heap_destroy mmb_manual_destroy

/* Allocate and initialise an object: the allocator's fast path plus
 * accounting and zeroing the slots (the payload is left as it comes). */
MMB_ALWAYS_INLINE mmb_obj *mmb_manual_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes,
                                      const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    mmb_obj *o = mmb_alloc_alloc(h->alloc, size);
    if (__builtin_expect(!o || h->alloc->st.held_bytes > h->held_ceiling, 0))
        o = mmb_manual_alloc_slow(h, size);
    mmb_obj_init(o, nslots, nbytes, 0);
    mmb_acct_alloc_obj(o, size, site);
    h->live_objects++;
    return o;
}

/* No barrier, no count: references are plain words (dispose is below). */
#define MMB_GC_NEW mmb_manual_new
#include "gc/plain_ops.h"

/* One object back to the allocator: accounting plus the allocator's free. */
MMB_ALWAYS_INLINE void mmb_manual_free_one(mmb_heap *h, mmb_obj *o)
{
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    mmb_acct_free_obj(o, size);
    h->live_objects--;
    mmb_alloc_free(h->alloc, o, size);
}

/* A leaf (no slots) is freed inline: the common case of churn-like
 * workloads costs no call beyond the allocator's. */
MMB_ALWAYS_INLINE void mmb_dispose(mmb_heap *h, mmb_obj **dst)
{
    mmb_obj *o = *dst;
    *dst = NULL;
    if (!o)
        return;
    if (o->nslots == 0)
        mmb_manual_free_one(h, o);
    else
        mmb_manual_free_structure(h, o);
}

MMB_ALWAYS_INLINE void mmb_dispose_slot(mmb_heap *h, mmb_obj *o, uint32_t i)
{
    mmb_dispose(h, &o->slot[i]);
}

static inline void mmb_collect(mmb_heap *h, int generation) { (void)h; (void)generation; }
static inline size_t mmb_live_objects(mmb_heap *h) { return h->live_objects; }

#endif
