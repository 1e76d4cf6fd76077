/* lib/gc/semispace.h: Cheney's copying collector over two semispaces.
 *
 * Allocation bumps a pointer through the current space. When it runs out,
 * the collector copies every object reachable from the roots into the other
 * space, breadth-first with Cheney's scan pointer (no stack at all, so any
 * depth is fine), rewrites the handles on the shadow stack, and swaps the
 * spaces. Dead objects are never touched: a collection costs O(live).
 *
 * meta word:
 *   outside a collection, every object has meta == 0.
 *   during a collection, an object of the old space that has been copied has
 *   bit 0 MMB_SS_FORWARDED set and meta & ~MMB_SS_FORWARDED is its copy
 *   (objects are 8-byte aligned, so the bit is free); each object is copied
 *   once, which keeps shared structure shared.
 */
#ifndef MMB_GC_SEMISPACE_H
#define MMB_GC_SEMISPACE_H

#include <string.h>

#include "gc/roots.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "semispace"
#define MMB_GC_ID semispace
#define MMB_GC_NGENS 1

#define MMB_SS_FORWARDED ((uintptr_t)1)
#define MMB_SS_ALIGN 8u /* bytes; every object starts at a multiple */

typedef struct mmb_ss_heap {
    /* hot: what the allocation fast path touches */
    uint8_t *top, *limit;   /* bump region: [top, limit) of the current space is free */
    size_t live_objects;    /* objects in the current space (exact after a collection) */
    uint64_t live_bytes;    /* their requested sizes, for the accounting */
    mmb_roots roots;
    /* the rest belongs to semispace.c */
    uint8_t *space;         /* the current space (objects from space to top) */
    uint8_t *reserve;       /* the other space, copied into at the next collection */
    size_t semi_bytes;      /* size of each space now */
    size_t want_bytes;      /* size of each space from the next collection on */
} mmb_heap;

mmb_heap *mmb_semispace_create(const mmb_run_ctx *ctx);
void mmb_semispace_destroy(mmb_heap *h);
mmb_obj *mmb_semispace_alloc_slow(mmb_heap *h, size_t step);
void mmb_semispace_collect(mmb_heap *h);

#define mmb_heap_create mmb_semispace_create
#define mmb_heap_destroy mmb_semispace_destroy

static inline size_t mmb_semispace_step(size_t size)
{
    return (size + MMB_SS_ALIGN - 1) & ~(size_t)(MMB_SS_ALIGN - 1);
}

/* Allocate and initialise an object. Fast path: round the size, compare
 * with the space left, bump (about 8 instructions plus the slot clearing
 * and the accounting). The slow path collects, and may grow the spaces. */
static inline mmb_obj *mmb_semispace_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes,
                                         const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    size_t step = mmb_semispace_step(size);
    mmb_obj *o;
    if (__builtin_expect((size_t)(h->limit - h->top) >= step, 1)) {
        o = (mmb_obj *)h->top;
        h->top += step;
    } else {
        o = mmb_semispace_alloc_slow(h, step);
    }
    mmb_obj_init(o, nslots, nbytes, 0);
    mmb_acct_alloc_obj(o, size, site);
    h->live_objects++;
    h->live_bytes += size;
    return o;
}

/* No barrier: every collection copies the whole live graph. The
 * allocation may move a parent (mmb_new_slot_at reads it afterwards). */
#define MMB_GC_NEW mmb_semispace_new
#include "gc/tracing_ops.h"

/* Any generation: a full collection (there is only one kind). */
static inline void mmb_collect(mmb_heap *h, int generation) { mmb_semispace_collect(h); }
static inline size_t mmb_live_objects(mmb_heap *h) { return h->live_objects; }

#endif
