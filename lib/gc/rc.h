/* lib/gc/rc.h: plain reference counting over the -a allocator.
 *
 * CPython's primary scheme without its cycle detector: every reference that
 * owns (a handle, a slot of a live object) adds one to the target's count,
 * and the object is freed the moment its count reaches zero, its children
 * released in turn. The release cascade runs off an explicit pending stack
 * (CPython's trashcan idea), so dropping a 10-million chain never grows the
 * C stack. A release that frees more than one object is one pause of kind
 * MMB_PAUSE_CASCADE.
 *
 * Cycles leak: a ring whose last handle is dropped keeps its members' counts
 * above zero forever (peak_live_bytes shows it). That is the baseline the
 * cycle detector (rc-cycle) is measured against. mmb_collect does nothing.
 *
 * meta: the reference count. Invariant: for a live object o,
 *   o->meta == (handles holding o) + (slots of live objects holding o),
 * counted with multiplicity; o is freed exactly when it drops to 0.
 */
#ifndef MMB_GC_RC_H
#define MMB_GC_RC_H

#include <string.h>

#include "gc/roots.h"
#include "mmb/object.h"
#include "mmb/trace.h"

#define MMB_GC_NAME "rc"
#define MMB_GC_ID rc
#define MMB_GC_NGENS 0

typedef struct mmb_rc_heap {
    mmb_alloc *alloc;
    mmb_roots roots;
    mmb_objstack pending; /* objects whose count reached 0, children not yet released */
    size_t live_objects;
    uint64_t held_ceiling; /* -o heap-limit, or UINT64_MAX without one: one compare per allocation */
} mmb_heap;

mmb_heap *mmb_rc_create(const mmb_run_ctx *ctx);
void mmb_rc_destroy(mmb_heap *h);
void mmb_rc_release(mmb_heap *h, mmb_obj *o);
mmb_obj *mmb_rc_alloc_slow(mmb_heap *h, size_t size);

#define mmb_heap_create mmb_rc_create
#define mmb_heap_destroy mmb_rc_destroy

/* Allocate an object owned by one reference (count 1): the allocator's fast
 * path, accounting and zeroed slots. */
static inline mmb_obj *mmb_rc_new(mmb_heap *h, uint32_t nslots, uint32_t nbytes, const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    mmb_obj *o = mmb_alloc_alloc(h->alloc, size);
    if (__builtin_expect(!o || h->alloc->st.held_bytes > h->held_ceiling, 0))
        o = mmb_rc_alloc_slow(h, size);
    mmb_obj_init(o, nslots, nbytes, 1);
    mmb_acct_alloc_obj(o, size, site);
    h->live_objects++;
    return o;
}

/* The mutator operations: counting as gc/refcount_ops.h does it. */
#define MMB_RC_NEW mmb_rc_new
#define MMB_RC_RELEASE mmb_rc_release
#include "gc/refcount_ops.h"

static inline void mmb_collect(mmb_heap *h, int generation) { (void)h; (void)generation; }
static inline size_t mmb_live_objects(mmb_heap *h) { return h->live_objects; }

#endif
