/* lib/gc/bdw.h: the Boehm-Demers-Weiser conservative collector (libgc) as a
 * peer, under the same object model.
 *
 * Every object is one libgc allocation: GC_MALLOC when it has slots (libgc
 * scans it, slots and payload alike, conservatively), GC_MALLOC_ATOMIC when
 * it has none (never scanned, as libgc's own GCBench allocates its array).
 * libgc owns the heap (allocator "own"), decides when to collect, and
 * collects by marking from its roots (the C stacks, the data segments) and
 * from our shadow stack: the handles mostly live in malloc'd structures
 * libgc does not scan, so bdw.c pushes every handle on the shadow stack at
 * each collection (GC_set_push_other_roots).
 *
 * Conservative means a stale word that looks like a pointer keeps an
 * object, and everything it reaches, alive: after a full collection
 * mmb_live_objects() is at least the reachable count, not exactly it
 * (MMB_GC_EXACT_LIVE 0), so workloads and the oracle check a lower bound.
 *
 * meta: always 0 (libgc keeps its mark bits in block headers).
 */
#ifndef MMB_GC_BDW_H
#define MMB_GC_BDW_H

#include <gc/gc.h>

#include "gc/roots.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "bdw"
#define MMB_GC_ID bdw
#define MMB_GC_NGENS 1
#define MMB_GC_EXACT_LIVE 0 /* conservative: live objects are an upper bound */

typedef struct mmb_bdw_heap {
    mmb_roots roots;
    struct mmb_bdw_heap *next; /* every heap's handles are roots (bdw.c) */
} mmb_heap;

/* Objects allocated since the last collection ended (the part of
 * mmb_live_objects that libgc's mark bits cannot tell). */
extern size_t mmb_bdw_allocs_since_gc;

mmb_heap *mmb_bdw_create(const mmb_run_ctx *ctx);
void mmb_bdw_destroy(mmb_heap *h);
void mmb_bdw_collect(mmb_heap *h);
size_t mmb_bdw_live_objects(mmb_heap *h);
/* Tracing (mmb/trace.h): have libgc report the traced object o's death. */
void mmb_bdw_trace_watch(mmb_obj *o);

#define mmb_heap_create mmb_bdw_create
#define mmb_heap_destroy mmb_bdw_destroy

/* Allocate and initialise an object: a call into libgc (whose fast path
 * pops a free list of the size's granule class) and the accounting. GC_MALLOC memory comes zeroed, so the
 * slots are NULL already; GC_MALLOC_ATOMIC's payload is left as it comes.
 * libgc collects inside the call when it decides to; out of memory (or past
 * heap-limit) ends in bdw.c's oom handler, which exits with status 3. */
static inline mmb_obj *mmb_bdw_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes, const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    mmb_obj *o = nslots ? GC_MALLOC(size) : GC_MALLOC_ATOMIC(size);
    if (__builtin_expect(o == NULL, 0))
        mmb_oom("bdw", size);
    o->nslots = nslots;
    o->nbytes = nbytes;
    o->meta = 0;
    mmb_acct_alloc_obj(o, size, site);
    if (mmb_trace_on())
        mmb_bdw_trace_watch(o);
    mmb_bdw_allocs_since_gc++;
    return o;
}

/* No barrier: libgc (as configured here) stops the world and marks from
 * scratch. Dropping or disposing only forgets the reference. */
#define MMB_GC_NEW mmb_bdw_new
#include "gc/tracing_ops.h"

/* Any generation: GC_gcollect, a full collection. */
static inline void mmb_collect(mmb_heap *h, int generation) { mmb_bdw_collect(h); }
static inline size_t mmb_live_objects(mmb_heap *h) { return mmb_bdw_live_objects(h); }

#endif
