/* lib/gc/rccycle.h: reference counting plus CPython's generational cycle
 * detector.
 *
 * Counting is as in rc (lib/gc/rc.h): a count per owning reference, freed at
 * zero through an iterative cascade (one MMB_PAUSE_CASCADE pause when it
 * frees more than one object). On top of that, every object that can hold
 * references (nslots > 0) carries a GC header in front of it, as PyGC_Head
 * sits before PyObject, linking it into the list of its generation. Objects
 * with no slots cannot be part of a cycle: like CPython's atomic types they
 * carry no header and are never tracked.
 *
 * Generations (CPython's Python/gc.c, before 3.13's incremental collector):
 *  - a new tracked object joins generation 0; survivors of a collection of
 *    generation i move to i+1 (the oldest stays put);
 *  - gen[0].count = allocations minus deallocations of tracked objects since
 *    the last collection (never below 0); gen[i].count, i > 0 = collections of
 *    generation i-1 since the last collection of generation i;
 *  - an allocation that makes gen[0].count pass threshold0 collects the oldest
 *    generation whose count passes its threshold, except that a full (gen 2)
 *    collection is skipped while long_lived_pending < long_lived_total / 4
 *    (objects that reached gen 2 since the last full collection, against
 *    those that survived it), which keeps full collections linear overall.
 *    threshold0 = 0 disables automatic collection.
 *
 * A collection of generations 0..g finds the garbage by trial deletion: copy
 * each count into gc_refs, subtract the references from inside the collected
 * set, and whatever keeps gc_refs > 0 is referenced from outside; it and all
 * it reaches are reachable, the rest is unreachable and freed by clearing its
 * slots. The roots (shadow stack) are never consulted: counts already say who
 * is referenced from outside.
 *
 * meta: the reference count, with rc's invariant (handles plus slots of live
 * objects that hold the object).
 *
 * The gc module (mmb/gc.h) sits on top: thresholds, stats, freeze, callbacks,
 * debug flags and the garbage list, plus types with finalizers (PEP 442) and
 * weak references. Their per-object state lives in spare bits of the GC
 * header (below), so an object without a type or weakrefs takes the same
 * paths as before, plus one test of a header word it touches anyway. A
 * collection whose garbage holds no such object skips the finalizer,
 * weakref and resurrection passes altogether.
 *
 * The trashcan: a release never recurses. While user code (a finalizer or a
 * weakref callback) runs on behalf of a release, h->releasing is set and any
 * object whose count reaches zero meanwhile is unlinked from its list and
 * left on the pending stack for the release in progress, so C stack depth
 * stays bounded however deep the structure and whatever finalizers do
 * (collect included).
 */
#ifndef MMB_GC_RCCYCLE_H
#define MMB_GC_RCCYCLE_H

#include <string.h>

#include "gc/roots.h"
#include "mmb/gc.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "rc-cycle"
#define MMB_GC_ID rccycle
#define MMB_GC_NGENS 3

#define MMB_RCC_NGENS 3
#define MMB_RCC_THRESHOLD0 700 /* tracked allocations (net); CPython <= 3.12 */
#define MMB_RCC_THRESHOLD1 10  /* gen-0 collections per gen-1 collection */
#define MMB_RCC_THRESHOLD2 10  /* gen-1 collections per full collection */

/* The GC header, just before the mmb_obj of every tracked object.
 *   next, prev: the circular doubly linked list of its generation (during a
 *     collection: of the young or the unreachable set).
 *     An untracked object (dead, waiting on the pending stack) is linked to
 *     itself, so that unlinking it again is harmless.
 *   refs: (gc_refs << MMB_RCC_REFS_SHIFT) | persistent bits | transient bits.
 *     Persistent, for the object's life (MMB_RCC_PERSIST):
 *       MMB_RCC_FINALIZED: its type's finalizer has run (at most once);
 *       MMB_RCC_WEAKREFD: weakrefs point at it (the heap's weak table says which);
 *       type id (MMB_RCC_TYPE_MASK): 0 = none, MMB_GC_TYPE_WEAKREF, registered.
 *     Transient, only during a collection and only for the objects it scans;
 *     gc_refs counts references from outside the collected set (exactly so
 *     after subtract_refs):
 *       MMB_RCC_COLLECTING: in the collected set, not yet proven reachable;
 *       MMB_RCC_UNREACHABLE: tentatively on the unreachable list.
 *     Outside a collection, and for a proven-reachable object, only the
 *     persistent bits are set, so a later collection of younger generations
 *     never mistakes it for one of its own. */
typedef struct mmb_rcc_head {
    struct mmb_rcc_head *next, *prev;
    uintptr_t refs;
} mmb_rcc_head;

#define MMB_RCC_COLLECTING ((uintptr_t)1)
#define MMB_RCC_UNREACHABLE ((uintptr_t)2)
#define MMB_RCC_FINALIZED ((uintptr_t)4)
#define MMB_RCC_WEAKREFD ((uintptr_t)8)
#define MMB_RCC_TYPE_SHIFT 4
#define MMB_RCC_TYPE_MASK ((uintptr_t)0xff << MMB_RCC_TYPE_SHIFT)
/* An object with any of these needs the slow path when it dies. */
#define MMB_RCC_SPECIAL (MMB_RCC_WEAKREFD | MMB_RCC_TYPE_MASK)
#define MMB_RCC_PERSIST (MMB_RCC_FINALIZED | MMB_RCC_SPECIAL)
#define MMB_RCC_REFS_SHIFT 12
#define MMB_RCC_REFS_ONE ((uintptr_t)1 << MMB_RCC_REFS_SHIFT)

/* One generation: its list (a sentinel head), threshold and count. */
typedef struct mmb_rcc_gen {
    mmb_rcc_head head;
    long threshold;
    long count;
} mmb_rcc_gen;

/* Per generation, as gc.get_stats(): bumped for the generation a collection
 * was asked for (collect(1) also scans generation 0 but counts under 1). */
typedef mmb_gc_genstats mmb_rcc_genstats;

/* One slot of the weak table: a referent and the first weakref of its list
 * (the weakrefs link to each other through their payloads). */
typedef struct mmb_rcc_weakslot {
    mmb_obj *key, *first;
} mmb_rcc_weakslot;

typedef struct mmb_rcc_callback {
    mmb_gc_callback fn;
    void *arg;
} mmb_rcc_callback;

/* The gc module's state (mmb/gc.h); nothing here is read on a fast path. */
typedef struct mmb_rcc_module {
    const mmb_gc_type *types[MMB_GC_MAX_TYPES + 1]; /* by id; [0] and weakref unused */
    int ntypes;                                     /* highest id given out */
    mmb_rcc_callback callbacks[MMB_GC_MAX_CALLBACKS];
    int ncallbacks;
    mmb_objstack garbage;   /* gc.garbage: every entry owns one count */
    mmb_rcc_weakslot *weak; /* open addressing, weak_cap a power of 2 (or 0) */
    size_t weak_cap, weak_n;
    unsigned debug;         /* MMB_GC_DEBUG_* */
    const char *error;      /* the last error, or NULL */
} mmb_rcc_module;

typedef struct mmb_rccycle_heap {
    mmb_alloc *alloc;
    mmb_roots roots;
    mmb_objstack pending; /* objects whose count reached 0, children not yet released */
    size_t live_objects;
    uint64_t held_ceiling; /* -o heap-limit, or UINT64_MAX without one: one compare per allocation */
    mmb_rcc_gen gen[MMB_RCC_NGENS];
    mmb_rcc_genstats stats[MMB_RCC_NGENS];
    size_t long_lived_total;   /* survivors of the last full collection */
    size_t long_lived_pending; /* objects promoted into gen 2 since then */
    int enabled;               /* automatic collection on (gc.enable) */
    int collecting;            /* a collection is running: no nested one */
    int releasing;             /* user code runs for a release: deaths wait on pending */
    mmb_rcc_head permanent;    /* gc.freeze()'s permanent generation */
    mmb_rcc_module mod;
} mmb_heap;

mmb_heap *mmb_rccycle_create(const mmb_run_ctx *ctx);
void mmb_rccycle_destroy(mmb_heap *h);
void mmb_rccycle_release(mmb_heap *h, mmb_obj *o);
void *mmb_rccycle_alloc_slow(mmb_heap *h, void *block, size_t size);
/* Collect generations 0..generation (-1: all), with the gc callbacks around
 * it; returns the objects found unreachable (collected + uncollectable), 0
 * if a collection is already running. Per-generation figures go to the
 * heap's stats always, and to mmb_metrics_g (the run's `gc` field) only
 * inside the timed region, as pauses do: a workload's verification
 * collection after the timed region is not part of the run. */
size_t mmb_rccycle_collect(mmb_heap *h, int generation);
/* The automatic trigger: collect the oldest generation over its threshold. */
size_t mmb_rccycle_collect_generations(mmb_heap *h);

#define mmb_heap_create mmb_rccycle_create
#define mmb_heap_destroy mmb_rccycle_destroy

static inline mmb_rcc_head *mmb_rcc_head_of(mmb_obj *o) { return (mmb_rcc_head *)o - 1; }
static inline mmb_obj *mmb_rcc_obj_of(mmb_rcc_head *g) { return (mmb_obj *)(g + 1); }
/* Whether o has a GC header (can hold references, so can be in a cycle). */
static inline int mmb_rcc_tracked(const mmb_obj *o) { return o->nslots != 0; }

/* Bytes of the block behind an object: the header, if any, and the object. */
static inline size_t mmb_rcc_block_size(uint32_t nslots, uint32_t nbytes)
{
    return mmb_obj_size(nslots, nbytes) + (nslots ? sizeof(mmb_rcc_head) : 0);
}

static inline void mmb_rcc_list_append(mmb_rcc_head *list, mmb_rcc_head *g)
{
    mmb_rcc_head *last = list->prev;
    g->prev = last;
    g->next = list;
    last->next = g;
    list->prev = g;
}

static inline void mmb_rcc_list_remove(mmb_rcc_head *g)
{
    g->prev->next = g->next;
    g->next->prev = g->prev;
}

/* One more tracked object: CPython's trigger, tested on every such
 * allocation (an increment and two predicted compares). */
static inline void mmb_rcc_count_alloc(mmb_heap *h)
{
    mmb_rcc_gen *g0 = &h->gen[0];
    if (__builtin_expect(++g0->count > g0->threshold, 0) && g0->threshold && h->enabled &&
        !h->collecting)
        mmb_rccycle_collect_generations(h);
}

/* Allocate an object owned by one reference (count 1); a tracked one joins
 * generation 0. A collection, if due, runs before the block is taken. */
static inline mmb_obj *mmb_rcc_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes,
                                   const mmb_site *site)
{
    if (nslots)
        mmb_rcc_count_alloc(h);
    size_t size = mmb_rcc_block_size(nslots, nbytes);
    void *p = mmb_alloc_alloc(h->alloc, size);
    if (__builtin_expect(!p || h->alloc->st.held_bytes > h->held_ceiling, 0))
        p = mmb_rccycle_alloc_slow(h, p, size);
    mmb_obj *o = p;
    if (nslots) {
        mmb_rcc_head *g = p;
        g->refs = 0;
        mmb_rcc_list_append(&h->gen[0].head, g);
        o = mmb_rcc_obj_of(g);
    }
    mmb_obj_init(o, nslots, nbytes, 1);
    mmb_acct_alloc_obj(o, mmb_obj_size(nslots, nbytes), site);
    h->live_objects++;
    return o;
}

/* The mutator operations: counting as gc/refcount_ops.h does it. */
#define MMB_RC_NEW mmb_rcc_new
#define MMB_RC_RELEASE mmb_rccycle_release
#include "gc/refcount_ops.h"

static inline void mmb_collect(mmb_heap *h, int generation) { (void)mmb_rccycle_collect(h, generation); }
static inline size_t mmb_live_objects(mmb_heap *h) { return h->live_objects; }

#endif
