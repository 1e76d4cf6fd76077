/* lib/gc/gen.h: the generational collector (`gen`), the shape of PyPy's GC
 * and of the JVM's serial collector.
 *
 * Young objects are bump-allocated in eden. A minor collection copies those
 * reachable from the roots and from the remembered old objects (Cheney's
 * algorithm, forwarding pointers in meta) into a survivor space, one year
 * older, and promotes into the old generation those that have survived
 * `promote-age` minor collections (or no longer fit in the survivor space).
 * The old generation never moves: size-classed blocks in 64 KiB pages plus
 * one mapping per large object (gen_old.h), marked with an explicit stack and
 * swept by a major collection once its live bytes pass `growth` x the live
 * bytes after the previous major (gen_major.c). Objects of at least
 * large_min bytes (nursery / MMB_GEN_LARGE_DIV) are allocated old directly.
 *
 * Generations are address ranges: the young generation (eden and both
 * survivor spaces) is one mapping [young_lo, young_lo + young_span), so "is
 * young" is a subtraction and a compare, and NULL is never young.
 *
 * The write barrier (mmb_store) records an old object the first time it gets
 * a pointer to a young one: in the remembered set (-o barrier=remset, a
 * vector of objects) or as a dirty card in its page (-o barrier=card, see
 * gen_card.c). Either way a minor collection scans only the roots, the
 * survivors and the recorded old objects.
 *
 * Under -o heap-limit the nursery is capped so that the young generation
 * takes at most half of the limit, and a minor whose promotions might not
 * fit is preceded by a major (a copying collection cannot stop half-way);
 * when a major has not made room, the run ends with mmb_oom (exit 3).
 *
 * The collector word (mmb_obj.meta):
 *   bit 0    FWD   young, during a minor only: copied, meta & ~7 is the copy.
 *                  Also meta == FWD (a copy at NULL): a young object a major
 *                  found dead and already reclaimed (accounting only).
 *   bit 1    OLD   in the old generation; never moves again.
 *   bit 2    REM   old, recorded by the barrier (remset entry or dirty card).
 *                  Invariant between collections: an old object with a slot
 *                  pointing to a young object has REM set.
 *   bit 3    MARK  reached by the running major's mark phase (young or old);
 *                  clear outside a major.
 *   bits 4-7 AGE   young: minor collections survived, 0 .. promote-age - 1
 *                  (promote-age <= 15 fits the 4 bits).
 */
#ifndef MMB_GC_GEN_H
#define MMB_GC_GEN_H

#include <string.h>

#include "gc/roots.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "gen"
#define MMB_GC_ID gen
#define MMB_GC_NGENS 2

#define MMB_GEN_FWD ((uintptr_t)1)
#define MMB_GEN_OLD ((uintptr_t)2)
#define MMB_GEN_REM ((uintptr_t)4)
#define MMB_GEN_MARK ((uintptr_t)8)
#define MMB_GEN_AGE_SHIFT 4
#define MMB_GEN_AGE_MASK ((uintptr_t)0xf << MMB_GEN_AGE_SHIFT)
#define MMB_GEN_MAX_AGE 15

/* Objects in eden and the survivor spaces are aligned (and their sizes
 * rounded) to this many bytes: enough for the pointer slots. */
#define MMB_GEN_ALIGN 8u
#define MMB_GEN_ROUND(n) (((n) + (MMB_GEN_ALIGN - 1)) & ~(size_t)(MMB_GEN_ALIGN - 1))

struct mmb_gen_old;

/* A survivor space: a bump region that holds the objects one minor copied. */
typedef struct mmb_gen_space {
    uint8_t *lo, *top, *hi;
} mmb_gen_space;

typedef struct mmb_gen_heap {
    /* allocation fast path (hot): eden is [eden_lo, limit), next object at top */
    uint8_t *top, *limit;
    size_t large_min;   /* bytes; objects this large are allocated old */
    uintptr_t young_lo; /* young generation: [young_lo, young_lo + young_span) */
    size_t young_span;
    size_t young_objs;    /* objects in eden + the from-survivor space */
    uint64_t young_bytes; /* their requested bytes (mmb_obj_size) */
    mmb_roots roots;
    /* young generation */
    uint8_t *eden_lo;
    mmb_gen_space surv[2];
    int from; /* surv[from] holds the survivors, surv[!from] is empty */
    unsigned promote_age;
    /* recording old-to-young pointers */
    int card_mode;
    mmb_objstack remset, remset_spare; /* old objects with REM (remset mode) */
    /* old generation (gen_old.h) and the major policy */
    struct mmb_gen_old *old;
    double growth;
    uint64_t major_target; /* bytes of old live data that trigger a major */
    /* scratch for a collection: promoted objects to scan, mark stack */
    mmb_objstack gray;
} mmb_heap;

mmb_heap *mmb_gen_create(const mmb_run_ctx *ctx);
void mmb_gen_destroy(mmb_heap *h);
mmb_obj *mmb_gen_alloc_slow(mmb_heap *h, uint32_t nslots, uint32_t nbytes, mmb_obj **extra,
                            const mmb_site *site);
void mmb_gen_remember(mmb_heap *h, mmb_obj *o);
void mmb_gen_collect(mmb_heap *h, int generation);
size_t mmb_gen_live_objects(const mmb_heap *h);

#define mmb_heap_create mmb_gen_create
#define mmb_heap_destroy mmb_gen_destroy

static inline int mmb_gen_is_young(const mmb_heap *h, const mmb_obj *p)
{
    return (uintptr_t)p - h->young_lo < h->young_span;
}

/* For tests and assertions: whether o has been promoted. */
static inline int mmb_gen_is_old(const mmb_obj *o)
{
    return (o->meta & MMB_GEN_OLD) != 0;
}

/* Header, zeroed slots and accounting of a fresh eden object. */
static inline void mmb_gen_init_young(mmb_heap *h, mmb_obj *o, uint32_t nslots, uint32_t nbytes,
                                      size_t size, const mmb_site *site)
{
    mmb_obj_init(o, nslots, nbytes, 0); /* young, age 0 */
    mmb_acct_alloc_obj(o, size, site);
    h->young_objs++;
    h->young_bytes += size;
}

/* Allocation fast path: two compares (room in eden, not large), a bump, the
 * header and accounting: about 20 instructions plus zeroing the slots. The
 * slow path (eden full: a minor collection; or a large object) may move
 * every young object; `extra` is one more root it updates (may be NULL). */
static inline mmb_obj *mmb_gen_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes, mmb_obj **extra,
                                   const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    size_t asize = MMB_GEN_ROUND(size);
    uint8_t *p = h->top;
    if (__builtin_expect(asize > (size_t)(h->limit - p) || size >= h->large_min, 0))
        return mmb_gen_alloc_slow(h, nslots, nbytes, extra, site);
    h->top = p + asize;
    mmb_obj *o = (mmb_obj *)p;
    mmb_gen_init_young(h, o, nslots, nbytes, size, site);
    return o;
}

/* The write barrier: the store, then a generation test (o old and not yet
 * recorded, v young: about 6 instructions) and, rarely, the out-of-line
 * record (once per old object between two minor collections). */
static inline void mmb_store(mmb_heap *h, mmb_obj *o, uint32_t i, mmb_obj *v)
{
    o->slot[i] = v;
    if (__builtin_expect((o->meta & (MMB_GEN_OLD | MMB_GEN_REM)) == MMB_GEN_OLD &&
                             mmb_gen_is_young(h, v), 0))
        mmb_gen_remember(h, o);
}

static inline void mmb_new_at(mmb_heap *h, mmb_obj **dst, uint32_t nslots, uint32_t nbytes,
                              const mmb_site *site)
{
    *dst = mmb_gen_new(h, nslots, nbytes, NULL, site);
}

/* The parent is re-read after the allocation (it may have moved) and is
 * passed as an extra root, so this is safe even if it is not rooted. */
static inline void mmb_new_slot_at(mmb_heap *h, mmb_obj **parent, uint32_t i, uint32_t nslots,
                                   uint32_t nbytes, const mmb_site *site)
{
    mmb_obj *o = mmb_gen_new(h, nslots, nbytes, parent, site);
    mmb_store(h, *parent, i, o);
}

/* The rest needs no barrier: a handle is a root, not a heap slot, and
 * storing NULL never creates an old-to-young pointer. */
#define MMB_GC_WRITE_BARRIER 1 /* mmb_store above */
#include "gc/tracing_ops.h"

static inline void mmb_collect(mmb_heap *h, int generation) { mmb_gen_collect(h, generation); }
static inline size_t mmb_live_objects(mmb_heap *h) { return mmb_gen_live_objects(h); }

#endif
