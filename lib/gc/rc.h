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
    uint64_t heap_limit;
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
    if (__builtin_expect(!o || (h->heap_limit && h->alloc->st.held_bytes > h->heap_limit), 0))
        o = mmb_rc_alloc_slow(h, size);
    o->nslots = nslots;
    o->nbytes = nbytes;
    o->meta = 1;
    memset(o->slot, 0, (size_t)nslots * sizeof(mmb_obj *));
    mmb_acct_alloc_obj(o, size, site);
    h->live_objects++;
    return o;
}

static inline void mmb_rc_incref(mmb_obj *o)
{
    if (o)
        o->meta++;
}

/* Drop one reference (a test, a decrement and a predicted branch). */
static inline void mmb_rc_decref(mmb_heap *h, mmb_obj *o)
{
    if (o && --o->meta == 0)
        mmb_rc_release(h, o);
}

/* The new object's one reference goes to *dst; what *dst owned is released
 * after, so an old value reachable only from *dst dies only then. */
static inline void mmb_new_at(mmb_heap *h, mmb_obj **dst, uint32_t nslots, uint32_t nbytes,
                              const mmb_site *site)
{
    mmb_obj *old = *dst;
    *dst = mmb_rc_new(h, nslots, nbytes, site);
    mmb_rc_decref(h, old);
}

static inline void mmb_new_slot_at(mmb_heap *h, mmb_obj **parent, uint32_t i, uint32_t nslots,
                                   uint32_t nbytes, const mmb_site *site)
{
    mmb_obj *o = mmb_rc_new(h, nslots, nbytes, site);
    mmb_obj *old = (*parent)->slot[i];
    (*parent)->slot[i] = o;
    mmb_rc_decref(h, old);
}

/* Incref before decref: storing the value a slot already holds must not free it. */
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

static inline void mmb_dispose(mmb_heap *h, mmb_obj **dst) { mmb_drop(h, dst); }
static inline void mmb_dispose_slot(mmb_heap *h, mmb_obj *o, uint32_t i) { mmb_drop(h, &o->slot[i]); }

static inline void mmb_root_push(mmb_heap *h, mmb_obj **handle) { mmb_roots_push(&h->roots, handle); }
static inline void mmb_root_pop(mmb_heap *h, int n) { mmb_roots_pop(&h->roots, n); }
static inline void mmb_collect(mmb_heap *h, int generation) { (void)h; (void)generation; }
static inline size_t mmb_live_objects(mmb_heap *h) { return h->live_objects; }

#endif
