/* mmb/object.h: the one object model every collector implements.
 *
 * An object has `nslots` pointer slots followed by `nbytes` raw payload bytes.
 * The mutator (a workload) creates objects, loads and stores slots, and holds
 * its roots in handles on a shadow stack so that a moving collector can update
 * them. A workload is written once against this header and compiled once per
 * collector with -DMMB_GC_<NAME>; the header then pulls in that collector's
 * inline fast paths (lib/gc/<name>.h). No per-object operation goes through a
 * function pointer.
 *
 * Rules every workload follows (the oracle tests check collectors against them):
 *  - A raw mmb_obj* obtained from mmb_load() or a handle is valid only until
 *    the next allocation (any mmb_new*): a moving collector may run there.
 *    Keep anything needed across an allocation in a rooted handle.
 *  - Handles are `mmb_obj *` variables registered with mmb_root_push() and
 *    popped in LIFO order with mmb_root_pop(). A handle owns a reference
 *    (under rc that is one count).
 *  - mmb_drop: this handle's reference is done (rc: decref; tracing: cleared;
 *    manual: cleared, nothing freed).
 *  - mmb_dispose / mmb_dispose_slot: the structure reachable from here is owned
 *    by this reference alone and is dead now (manual: every object reachable
 *    from it is freed; rc: decref; tracing: cleared).
 *
 * Collector header contract (each lib/gc/<name>.h defines, for its TU):
 *   typedef struct ... mmb_heap;
 *   mmb_heap *mmb_heap_create(const struct mmb_run_ctx *ctx);  (may be a macro)
 *   void mmb_heap_destroy(mmb_heap *h);
 *   static inline void mmb_new_at(mmb_heap *h, mmb_obj **dst, uint32_t nslots,
 *                                 uint32_t nbytes, const mmb_site *site);
 *   static inline void mmb_new_slot_at(mmb_heap *h, mmb_obj **parent, uint32_t i,
 *                                 uint32_t nslots, uint32_t nbytes, const mmb_site *site);
 *   static inline void mmb_store(mmb_heap *h, mmb_obj *o, uint32_t i, mmb_obj *v);
 *   static inline void mmb_assign(mmb_heap *h, mmb_obj **dst, mmb_obj *v);
 *   static inline void mmb_drop(mmb_heap *h, mmb_obj **dst);
 *   static inline void mmb_dispose(mmb_heap *h, mmb_obj **dst);
 *   static inline void mmb_dispose_slot(mmb_heap *h, mmb_obj *o, uint32_t i);
 *   static inline void mmb_root_push(mmb_heap *h, mmb_obj **handle);
 *   static inline void mmb_root_pop(mmb_heap *h, int n);
 *   void mmb_collect(mmb_heap *h, int generation);   (-1: full)
 *   size_t mmb_live_objects(mmb_heap *h);            (objects not yet reclaimed)
 *   MMB_GC_NAME "rc-cycle", MMB_GC_ID rccycle, MMB_GC_NGENS
 *   optionally MMB_GC_EXACT_LIVE 0 (see below)
 * The operations that do not differ between collectors of a kind come from
 * shared headers: gc/root_ops.h (every one), gc/plain_ops.h (no counts),
 * gc/tracing_ops.h (tracing), gc/refcount_ops.h (rc, rc-cycle).
 */
#ifndef MMB_OBJECT_H
#define MMB_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "mmb/alloc.h"
#include "mmb/options.h"
#include "mmb/stats.h"

/* The common part of every object. A collector may keep its own header words
 * before this (as CPython keeps PyGC_Head before PyObject).
 *   nslots, nbytes: the shape, fixed at creation.
 *   meta: the collector's word: refcount (rc, rc-cycle), mark/age/forwarded
 *         bits (tracing); see each collector for the encoding. */
typedef struct mmb_obj {
    uint32_t nslots;
    uint32_t nbytes;
    uintptr_t meta;
    struct mmb_obj *slot[]; /* nslots pointers, then nbytes payload */
} mmb_obj;

/* Where an object was allocated (tracemalloc-style sites): one static per
 * call site, created by the mmb_new / mmb_new_slot macros. */
typedef struct mmb_site {
    const char *file;
    int line;
    int id; /* assigned on first use by the tracer; 0 = not yet */
} mmb_site;

#define MMB_SITE_HERE                                                         \
    ({                                                                        \
        static mmb_site mmb_site_here = {__FILE__, __LINE__, 0};              \
        &mmb_site_here;                                                       \
    })

/* Everything a workload instance gets from the driver. */
typedef struct mmb_run_ctx {
    const mmb_optvals *opts; /* workload + collector + allocator options */
    mmb_alloc *alloc;        /* the -a allocator (manual, rc, rc-cycle) */
    uint64_t seed;
} mmb_run_ctx;

static inline size_t mmb_obj_size(uint32_t nslots, uint32_t nbytes)
{
    return sizeof(mmb_obj) + (size_t)nslots * sizeof(mmb_obj *) + nbytes;
}

/* A fresh block becomes an object: its shape, the collector's first meta
 * word, and NULL slots (a collector may scan them before the mutator
 * stores); the payload is left as it comes. */
static inline void mmb_obj_init(mmb_obj *o, uint32_t nslots, uint32_t nbytes, uintptr_t meta)
{
    o->nslots = nslots;
    o->nbytes = nbytes;
    o->meta = meta;
    __builtin_memset(o->slot, 0, (size_t)nslots * sizeof(mmb_obj *));
}

static inline uint8_t *mmb_payload(mmb_obj *o)
{
    return (uint8_t *)&o->slot[o->nslots];
}

static inline uint32_t mmb_nslots(const mmb_obj *o) { return o->nslots; }
static inline uint32_t mmb_nbytes(const mmb_obj *o) { return o->nbytes; }
static inline mmb_obj *mmb_load(const mmb_obj *o, uint32_t i) { return o->slot[i]; }

/* Helpers for the workloads: a payload word, bounds-checked in debug builds. */
static inline void mmb_set_word(mmb_obj *o, uint32_t w, uint64_t v)
{
    __builtin_memcpy(mmb_payload(o) + (size_t)w * 8, &v, 8);
}
static inline uint64_t mmb_get_word(mmb_obj *o, uint32_t w)
{
    uint64_t v;
    __builtin_memcpy(&v, mmb_payload(o) + (size_t)w * 8, 8);
    return v;
}

#define MMB_CAT2(a, b) a##b
#define MMB_CAT(a, b) MMB_CAT2(a, b)

/* The collector of this translation unit. A file that includes this header
 * without any -DMMB_GC_* (the driver, the library's own .c files, which
 * include their collector's header directly) gets the common part only. */
#if defined(MMB_GC_MANUAL)
#define MMB_GC_SELECTED 1
#include "gc/manual.h"
#elif defined(MMB_GC_RC)
#define MMB_GC_SELECTED 1
#include "gc/rc.h"
#elif defined(MMB_GC_RCCYCLE)
#define MMB_GC_SELECTED 1
#include "gc/rccycle.h"
#elif defined(MMB_GC_MARKSWEEP)
#define MMB_GC_SELECTED 1
#include "gc/marksweep.h"
#elif defined(MMB_GC_SEMISPACE)
#define MMB_GC_SELECTED 1
#include "gc/semispace.h"
#elif defined(MMB_GC_GEN)
#define MMB_GC_SELECTED 1
#include "gc/gen.h"
#elif defined(MMB_GC_BDW)
#define MMB_GC_SELECTED 1
#include "gc/bdw.h"
#endif

/* Whether mmb_live_objects() is exact after a full collection (reachable
 * objects only). A conservative collector (bdw) defines it 0 in its header:
 * a stale word can keep garbage, so there it is only an upper bound. */
#if defined(MMB_GC_SELECTED) && !defined(MMB_GC_EXACT_LIVE)
#define MMB_GC_EXACT_LIVE 1
#endif

#ifdef MMB_GC_SELECTED
#define mmb_new(h, dst, nslots, nbytes) mmb_new_at((h), (dst), (nslots), (nbytes), MMB_SITE_HERE)
#define mmb_new_slot(h, parent, i, nslots, nbytes)                             \
    mmb_new_slot_at((h), (parent), (i), (nslots), (nbytes), MMB_SITE_HERE)

/* A workload's entry point for this collector: mmb_wl_<name>__<gcid>. */
#define MMB_WORKLOAD(name) int MMB_CAT(mmb_wl_##name##__, MMB_GC_ID)(const mmb_run_ctx *ctx)
#endif

/* Workload entry points return one of these; the driver maps them to exit codes. */
#define MMB_WL_OK 0
#define MMB_WL_VERIFY_FAILED 1

#endif
