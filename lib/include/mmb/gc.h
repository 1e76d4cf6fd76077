/* mmb/gc.h: CPython's gc module, in C, for the rc-cycle collector.
 *
 * Every function takes the rc-cycle heap (in a translation unit built with
 * -DMMB_GC_RCCYCLE that is the workload's mmb_heap *). The names follow the
 * Python module: mmb_gc_enable(h) is gc.enable(), mmb_gc_collect(h, 2) is
 * gc.collect(2), and so on. None of it sits on a fast path: a workload that
 * never calls these functions runs exactly as before.
 *
 * Errors (a Python exception in the module) return -1 and leave a message
 * that mmb_gc_error() returns until mmb_gc_clear_error(); nothing aborts.
 *
 * What each figure means, as in CPython (Python/gc.c before 3.13's
 * incremental collector):
 *  - collect(g) collects generations 0..g and returns the unreachable objects
 *    it found: collected + uncollectable. Objects a finalizer resurrects are
 *    neither. Inside a collection (from a finalizer, a weakref callback or a
 *    gc callback) it returns 0 and does nothing.
 *  - get_count: gen 0 = tracked allocations minus deallocations since its
 *    last collection; gen i > 0 = collections of generation i-1 since the
 *    last collection of generation i.
 *  - get_stats: per generation, collections of that generation (collect(1)
 *    counts under 1 only), objects collected, objects uncollectable.
 *
 * Types and finalizers (PEP 442). A type is registered once per heap and set
 * on objects that have at least one slot (as only containers can have
 * __del__ in CPython); objects without a type pay nothing. A type's
 * finalizer runs at most once per object, whether the object dies by its
 * count reaching zero or as cyclic garbage; for garbage, every finalizer of
 * the unreachable set runs before any object of it is cleared, and an object
 * a finalizer makes reachable again (resurrection) survives with all it
 * reaches, is not counted, and the rest of the garbage is still collected.
 * A type flagged MMB_GC_TYPE_LEGACY has a legacy finalizer (tp_del): it
 * runs when the count reaches zero, but a cycle through such an object is
 * uncollectable: the object goes to the garbage list, and it and whatever it
 * reaches in the garbage count as uncollectable.
 *
 * Weak references. A weakref is an object (1 slot, holding its callback
 * argument strongly; a private payload holds the referent weakly).
 * mmb_gc_weakref_get returns the referent or NULL once it is gone. When the
 * referent dies by count, its weakrefs are cleared and their callbacks run
 * (each sees the referent gone). For cyclic garbage, every weakref to the
 * garbage is cleared before any finalizer runs or any object is cleared; a
 * callback runs only if its weakref is not garbage itself.
 *
 * Freeing never recurses deeper than a fixed bound (the trashcan): a death
 * caused inside a finalizer or callback waits on the release in progress.
 * Types, finalizers and weakrefs are rc-cycle's only (plain rc has none).
 */
#ifndef MMB_GC_H
#define MMB_GC_H

#include <stddef.h>
#include <stdint.h>

struct mmb_obj;
struct mmb_rccycle_heap;

#define MMB_GC_GENERATIONS 3

/* ---- gc.enable / disable / isenabled / collect ---- */
void mmb_gc_enable(struct mmb_rccycle_heap *h);
void mmb_gc_disable(struct mmb_rccycle_heap *h);
int mmb_gc_isenabled(const struct mmb_rccycle_heap *h);
/* generation 0..2; anything else: -1 and an error. */
long mmb_gc_collect(struct mmb_rccycle_heap *h, int generation);

const char *mmb_gc_error(const struct mmb_rccycle_heap *h); /* NULL: none */
void mmb_gc_clear_error(struct mmb_rccycle_heap *h);

/* ---- counts, thresholds, statistics ---- */
void mmb_gc_get_count(const struct mmb_rccycle_heap *h, long count[MMB_GC_GENERATIONS]);
void mmb_gc_get_threshold(const struct mmb_rccycle_heap *h, long threshold[MMB_GC_GENERATIONS]);
/* threshold0 = 0 disables automatic collection; a negative value is an error. */
int mmb_gc_set_threshold(struct mmb_rccycle_heap *h, long t0, long t1, long t2);

typedef struct mmb_gc_genstats {
    uint64_t collections, collected, uncollectable;
} mmb_gc_genstats;

void mmb_gc_get_stats(const struct mmb_rccycle_heap *h, mmb_gc_genstats stats[MMB_GC_GENERATIONS]);

/* ---- gc.freeze: move every tracked object to a permanent generation that
 * collections ignore; unfreeze moves it back into the oldest generation. */
void mmb_gc_freeze(struct mmb_rccycle_heap *h);
void mmb_gc_unfreeze(struct mmb_rccycle_heap *h);
size_t mmb_gc_get_freeze_count(const struct mmb_rccycle_heap *h);

/* ---- gc.callbacks: called with "start" before and "stop" after every
 * collection, automatic or asked for (at "start" the counts are 0). */
typedef struct mmb_gc_info {
    int generation;
    size_t collected, uncollectable;
} mmb_gc_info;

typedef void (*mmb_gc_callback)(const char *phase, const mmb_gc_info *info, void *arg);

#define MMB_GC_MAX_CALLBACKS 16
int mmb_gc_callback_add(struct mmb_rccycle_heap *h, mmb_gc_callback fn, void *arg);
int mmb_gc_callback_remove(struct mmb_rccycle_heap *h, mmb_gc_callback fn, void *arg);

/* ---- gc.set_debug flags (CPython's values). STATS, COLLECTABLE and
 * UNCOLLECTABLE print to stderr; SAVEALL puts all garbage on the garbage
 * list instead of freeing it (it is counted as collected, as in CPython). */
#define MMB_GC_DEBUG_STATS 1u
#define MMB_GC_DEBUG_COLLECTABLE 2u
#define MMB_GC_DEBUG_UNCOLLECTABLE 4u
#define MMB_GC_DEBUG_SAVEALL 32u
#define MMB_GC_DEBUG_LEAK                                                     \
    (MMB_GC_DEBUG_COLLECTABLE | MMB_GC_DEBUG_UNCOLLECTABLE | MMB_GC_DEBUG_SAVEALL)

void mmb_gc_set_debug(struct mmb_rccycle_heap *h, unsigned flags);
unsigned mmb_gc_get_debug(const struct mmb_rccycle_heap *h);

/* ---- gc.garbage: each entry owns one reference to its object. */
size_t mmb_gc_garbage_len(const struct mmb_rccycle_heap *h);
struct mmb_obj *mmb_gc_garbage_get(const struct mmb_rccycle_heap *h, size_t i); /* borrowed */
/* gc.garbage.pop(): the last entry's reference moves into the handle *dst
 * (whatever *dst held is dropped); -1 if the list is empty. */
int mmb_gc_garbage_pop(struct mmb_rccycle_heap *h, struct mmb_obj **dst);
/* gc.garbage.clear(): every reference is dropped. */
void mmb_gc_garbage_clear(struct mmb_rccycle_heap *h);

/* ---- types and finalizers ---- */
typedef void (*mmb_gc_finalizer)(struct mmb_rccycle_heap *h, struct mmb_obj *o);

#define MMB_GC_TYPE_LEGACY 1u /* finalize is a legacy finalizer (tp_del) */

typedef struct mmb_gc_type {
    const char *name;
    mmb_gc_finalizer finalize; /* NULL: none */
    unsigned flags;
} mmb_gc_type;

#define MMB_GC_TYPE_NONE 0    /* no type: the default of every object */
#define MMB_GC_TYPE_WEAKREF 1 /* built in: weak reference objects */
#define MMB_GC_MAX_TYPES 255  /* highest id: 2..255 are for registered types */

/* Register t (which must outlive the heap); returns its id, or -1. */
int mmb_gc_type_register(struct mmb_rccycle_heap *h, const mmb_gc_type *t);
/* Give o (at least one slot) a registered type; -1 if o has no slot, the
 * id is unknown, or o is a weakref. */
int mmb_gc_set_type(struct mmb_rccycle_heap *h, struct mmb_obj *o, int type);
int mmb_gc_type_of(const struct mmb_obj *o);
int mmb_gc_is_tracked(const struct mmb_obj *o);   /* has a GC header */
int mmb_gc_is_finalized(const struct mmb_obj *o); /* its finalizer has run */

/* ---- weak references ---- */
typedef void (*mmb_gc_weakref_cb)(struct mmb_rccycle_heap *h, struct mmb_obj *wr);

/* A weakref to `referent` (at least one slot, alive: held by a handle) into
 * the handle *dst, with optional callback cb; its slot 0 holds cb_arg
 * (strongly, may be NULL). -1 if referent cannot be weakly referenced. */
int mmb_gc_weakref_new(struct mmb_rccycle_heap *h, struct mmb_obj **dst,
                       struct mmb_obj *referent, mmb_gc_weakref_cb cb, struct mmb_obj *cb_arg);
/* wr(): the referent, or NULL once it is gone (or if wr is no weakref). */
struct mmb_obj *mmb_gc_weakref_get(const struct mmb_obj *wr);
/* weakref.getweakrefcount: weakrefs to o still alive and uncleared. */
size_t mmb_gc_weakref_count(const struct mmb_rccycle_heap *h, const struct mmb_obj *o);

/* ---- sys.getsizeof / sys.getrefcount ---- */
/* Bytes of o's block: the GC header (objects with slots), the 16-byte
 * object header, the slots and the payload. */
size_t mmb_gc_getsizeof(const struct mmb_obj *o);
/* The owning references to o (handles plus slots of live objects, plus the
 * garbage list's). Unlike sys.getrefcount, no reference is added for the
 * argument: a C pointer does not own one. So where Python shows 2, 3, 2 as
 * a second name comes and goes, this shows 1, 2, 1. */
uintptr_t mmb_gc_getrefcount(const struct mmb_obj *o);

#endif
