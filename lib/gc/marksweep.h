/* lib/gc/marksweep.h: non-moving mark-sweep over a size-class heap.
 *
 * MicroPython's collector in spirit: stop the world, mark everything
 * reachable from the roots with an explicit stack, sweep the rest back onto
 * free lists. Nothing moves, so a handle is never rewritten.
 *
 * Heap layout (lib/gc/marksweep.c has the details):
 *  - small objects, up to MMB_MS_SMALL_MAX bytes, live in pages of
 *    MMB_MS_PAGE_BYTES; every page holds cells of one size class, and each
 *    class keeps a free list of cells threaded through their meta words;
 *  - larger objects are mapped one by one and kept on a list.
 * Size classes are 16-byte granules up to 256 bytes, then four classes per
 * doubling up to 8 KiB (36 classes; at most 25% of a cell is slack).
 *
 * meta word of every small cell and large object:
 *   bit 0 MMB_MS_MARK  reached by the last mark phase. Invariant: between
 *                      collections a marked object lies in a page that has not
 *                      been swept since that mark (lazy sweeping); sweeping
 *                      clears the bit, and every page is swept before the next
 *                      mark starts, so marking begins with no bit set.
 *   bit 1 MMB_MS_FREE  the cell holds no object; meta & ~MMB_MS_TAGS is the
 *                      next free cell of the class (NULL ends the list). A free
 *                      cell is never marked and never reachable.
 *   an allocated object that is not marked has meta == 0.
 */
#ifndef MMB_GC_MARKSWEEP_H
#define MMB_GC_MARKSWEEP_H

#include <string.h>

#include "gc/roots.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "marksweep"
#define MMB_GC_ID marksweep
#define MMB_GC_NGENS 1

#define MMB_MS_MARK ((uintptr_t)1)
#define MMB_MS_FREE ((uintptr_t)2)
#define MMB_MS_TAGS ((uintptr_t)3)

#define MMB_MS_GRANULE 16u                       /* bytes; cell sizes are multiples */
#define MMB_MS_SMALL_MAX 8192u                   /* bytes; larger objects are mapped alone */
#define MMB_MS_SMALL_GRANULES (MMB_MS_SMALL_MAX / MMB_MS_GRANULE)
#define MMB_MS_NCLASSES 36
#define MMB_MS_PAGE_BYTES (64u * 1024u)          /* bytes per size-class page */

struct mmb_ms_page;
struct mmb_ms_large;

typedef struct mmb_ms_heap {
    /* hot: what the allocation fast path touches */
    mmb_obj *free[MMB_MS_NCLASSES];                /* per class, threaded through meta */
    uint8_t class_of[MMB_MS_SMALL_GRANULES + 1];   /* granules -> size class */
    size_t live_objects;                           /* allocated, not yet swept away */
    mmb_roots roots;
    /* the rest belongs to marksweep.c */
    uint32_t cell_bytes[MMB_MS_NCLASSES];
    struct mmb_ms_page *swept[MMB_MS_NCLASSES];    /* pages whose free cells are listed */
    struct mmb_ms_page *unswept[MMB_MS_NCLASSES];  /* marked, not yet swept (lazy) */
    struct mmb_ms_page *empty;                     /* swept pages with no object: any class */
    struct mmb_ms_large *large;                    /* large objects, one mapping each */
    size_t mapped_bytes;                           /* pages + large mappings held now */
    size_t budget_bytes;                           /* collect before mapping past this */
    double growth;                                 /* budget >= growth * live after a collection */
    int eager;                                     /* sweep everything in the pause */
    size_t marked_objects, marked_bytes;           /* found by the last mark */
    mmb_objstack mark_stack;
} mmb_heap;

mmb_heap *mmb_marksweep_create(const mmb_run_ctx *ctx);
void mmb_marksweep_destroy(mmb_heap *h);
mmb_obj *mmb_marksweep_alloc_small(mmb_heap *h, unsigned cls);
mmb_obj *mmb_marksweep_alloc_large(mmb_heap *h, size_t size);
void mmb_marksweep_collect(mmb_heap *h);

#define mmb_heap_create mmb_marksweep_create
#define mmb_heap_destroy mmb_marksweep_destroy

/* Allocate and initialise an object. Fast path: size to granules, a table
 * lookup for the class, a free-list pop (about 12 instructions plus the slot
 * clearing and the accounting). The slow path sweeps a page of this class,
 * carves an empty page, maps a new one, or collects. */
static inline mmb_obj *mmb_marksweep_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes,
                                         const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    size_t granules = (size + MMB_MS_GRANULE - 1) / MMB_MS_GRANULE;
    mmb_obj *o;
    if (__builtin_expect(granules <= MMB_MS_SMALL_GRANULES, 1)) {
        unsigned cls = h->class_of[granules];
        o = h->free[cls];
        if (__builtin_expect(o != NULL, 1))
            h->free[cls] = (mmb_obj *)(o->meta & ~MMB_MS_TAGS);
        else
            o = mmb_marksweep_alloc_small(h, cls);
    } else {
        o = mmb_marksweep_alloc_large(h, size);
    }
    mmb_obj_init(o, nslots, nbytes, 0);
    mmb_acct_alloc_obj(o, size, site);
    h->live_objects++;
    return o;
}

/* No barrier: the collector stops the world and marks from scratch. */
#define MMB_GC_NEW mmb_marksweep_new
#include "gc/tracing_ops.h"

/* Any generation: a full collection, swept to the end so the count is exact. */
static inline void mmb_collect(mmb_heap *h, int generation) { mmb_marksweep_collect(h); }
static inline size_t mmb_live_objects(mmb_heap *h) { return h->live_objects; }

#endif
