/* mmb/alloc.h: the allocator family behind one interface.
 *
 * Every allocator (sys, bump, pool, freelist, and the system-allocator peers
 * glibc, jemalloc, mimalloc, tcmalloc, which are sys) is reached through
 * mmb_alloc_alloc/free/usable, which dispatch on a kind tag with a switch:
 * no function pointer on the per-object path, and the branch is perfectly
 * predicted because the kind never changes during a run.
 *
 * Frees are sized (the caller passes the size it asked for), as the object
 * model always knows an object's size; this is what lets `pool` route a free
 * to itself or to `sys` without probing the address, and lets every
 * allocator keep exact live-byte accounting.
 */
#ifndef MMB_ALLOC_H
#define MMB_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "mmb/options.h"

/* For the per-object operations (allocation, free, and the object model's
 * new and dispose around them): in a large loop GCC's size heuristics give
 * up on inlining part of such a chain, and a call left in the middle costs
 * more than the code it saves (mmb/pool.h gives the figures). */
#define MMB_ALWAYS_INLINE static inline __attribute__((always_inline))

typedef enum mmb_alloc_kind {
    MMB_ALLOC_SYS,
    MMB_ALLOC_BUMP,
    MMB_ALLOC_POOL,
    MMB_ALLOC_FREELIST,
    /* The system-allocator peers: each is `sys` in a process whose malloc is
     * that one (glibc: nothing preloaded; the others LD_PRELOADed into the
     * run's child, see lib/alloc/peer.c). They dispatch as sys. */
    MMB_ALLOC_GLIBC,
    MMB_ALLOC_JEMALLOC,
    MMB_ALLOC_MIMALLOC,
    MMB_ALLOC_TCMALLOC,
    MMB_ALLOC_NKINDS
} mmb_alloc_kind;

/* Counters, declared once: generates the struct, the printer and the JSON
 * columns (mimalloc style). All in bytes or counts. */
#define MMB_ALLOC_STATS(X)                                                        \
    X(live_bytes, "bytes requested and not yet freed")                           \
    X(peak_live_bytes, "high-water mark of live_bytes")                          \
    X(held_bytes, "bytes held from the OS (or the system allocator) now")        \
    X(peak_held_bytes, "high-water mark of held_bytes")                          \
    X(returned_bytes, "bytes given back to the OS so far")                       \
    X(arenas, "arenas held now (pool)")                                          \
    X(pools, "pools carved now (pool)")                                          \
    X(chunks, "chunks held now (bump)")                                          \
    X(allocs, "allocations served")                                              \
    X(frees, "frees served")

typedef struct mmb_alloc_stats {
#define MMB_X(name, doc) uint64_t name;
    MMB_ALLOC_STATS(MMB_X)
#undef MMB_X
} mmb_alloc_stats;

struct mmb_pool_state;
struct mmb_bump_state;
struct mmb_freelist_state;

typedef struct mmb_alloc {
    mmb_alloc_kind kind;
    mmb_alloc_stats st;
    union {
        struct mmb_pool_state *pool;
        struct mmb_bump_state *bump;
        struct mmb_freelist_state *fl;
    } u;
} mmb_alloc;

/* Largest request `pool` serves itself; larger ones go to sys. */
#define MMB_POOL_MAX_SMALL 512u
/* Size-class granularity and block alignment of `pool`. */
#define MMB_POOL_ALIGN 16u
#define MMB_POOL_NCLASSES (MMB_POOL_MAX_SMALL / MMB_POOL_ALIGN)
#define MMB_POOL_SIZE (16u * 1024u)      /* bytes per pool */
#define MMB_ARENA_SIZE (1024u * 1024u)   /* bytes per arena */
#define MMB_FREELIST_DEFAULT_CAP 80      /* per size class, like CPython's lists */

/* The option table of every allocator kind (for `mmbench list` and -o). */
const mmb_optdesc *mmb_alloc_options(mmb_alloc_kind kind);
/* Name <-> kind. Returns -1 for an unknown name. */
int mmb_alloc_kind_from_name(const char *name);
const char *mmb_alloc_kind_name(mmb_alloc_kind kind);

/* The system-allocator peers (lib/alloc/peer.c). Every kind but a peer that
 * configure did not find is available. mmb_alloc_preload: the shared library
 * a run's child must LD_PRELOAD for this kind, or NULL (none needed).
 * mmb_alloc_missing_hint: why a kind is unavailable and how to fix it.
 * mmb_alloc_peer_check: whether the running process's malloc is the one
 * this kind names (sys and the own allocators: always); on failure writes
 * one line (without "mmbench: ") to err and returns -1. */
int mmb_alloc_available(mmb_alloc_kind kind);
const char *mmb_alloc_preload(mmb_alloc_kind kind);
const char *mmb_alloc_missing_hint(mmb_alloc_kind kind);
int mmb_alloc_peer_check(mmb_alloc_kind kind, char *err, size_t errlen);

/* Create an allocator of the given kind with option values `ov` (may be NULL
 * for defaults). Returns 0, or -1 if the OS refused memory. */
int mmb_alloc_init(mmb_alloc *a, mmb_alloc_kind kind, const mmb_optvals *ov);
/* Release everything the allocator holds (bump: this is its `reset`). */
void mmb_alloc_destroy(mmb_alloc *a);
/* bump only: release every chunk, keep the allocator usable. */
void mmb_bump_reset(mmb_alloc *a);

/* Per-kind entry points; use the dispatching inlines below. */
void *mmb_sys_alloc(mmb_alloc *a, size_t n);
void mmb_sys_free(mmb_alloc *a, void *p, size_t n);
size_t mmb_sys_usable(mmb_alloc *a, const void *p, size_t n);
void *mmb_bump_alloc(mmb_alloc *a, size_t n);
void mmb_bump_free(mmb_alloc *a, void *p, size_t n);
size_t mmb_bump_usable(mmb_alloc *a, const void *p, size_t n);
size_t mmb_pool_usable(mmb_alloc *a, const void *p, size_t n);
void *mmb_freelist_alloc(mmb_alloc *a, size_t n);
void mmb_freelist_free(mmb_alloc *a, void *p, size_t n);
size_t mmb_freelist_usable(mmb_alloc *a, const void *p, size_t n);

/* Live-byte accounting shared by every allocator (a few instructions). */
static inline void mmb_alloc_note_alloc(mmb_alloc *a, size_t n)
{
    a->st.allocs++;
    a->st.live_bytes += n;
    if (a->st.live_bytes > a->st.peak_live_bytes)
        a->st.peak_live_bytes = a->st.live_bytes;
}

static inline void mmb_alloc_note_free(mmb_alloc *a, size_t n)
{
    a->st.frees++;
    a->st.live_bytes -= n;
}

static inline void mmb_alloc_note_held(mmb_alloc *a, int64_t delta)
{
    a->st.held_bytes += (uint64_t)delta;
    if (a->st.held_bytes > a->st.peak_held_bytes)
        a->st.peak_held_bytes = a->st.held_bytes;
}

/* pool's fast paths are inline too (mmb/pool.h says why) */
#include "mmb/pool.h"

/* Allocate n bytes (n == 0 is allowed and returns a unique pointer).
 * Returns NULL when memory is exhausted. Always inline, so that pool's fast
 * path lands in the caller. */
MMB_ALWAYS_INLINE void *mmb_alloc_alloc(mmb_alloc *a, size_t n)
{
    switch (a->kind) {
    case MMB_ALLOC_POOL: return mmb_pool_alloc(a, n);
    case MMB_ALLOC_FREELIST: return mmb_freelist_alloc(a, n);
    case MMB_ALLOC_BUMP: return mmb_bump_alloc(a, n);
    default: return mmb_sys_alloc(a, n);
    }
}

/* Free p, which was allocated with size n from the same allocator. */
MMB_ALWAYS_INLINE void mmb_alloc_free(mmb_alloc *a, void *p, size_t n)
{
    switch (a->kind) {
    case MMB_ALLOC_POOL: mmb_pool_free(a, p, n); break;
    case MMB_ALLOC_FREELIST: mmb_freelist_free(a, p, n); break;
    case MMB_ALLOC_BUMP: mmb_bump_free(a, p, n); break;
    default: mmb_sys_free(a, p, n); break;
    }
}

/* Bytes usable at p (>= n), p allocated with size n. */
static inline size_t mmb_alloc_usable(mmb_alloc *a, const void *p, size_t n)
{
    switch (a->kind) {
    case MMB_ALLOC_POOL: return mmb_pool_usable(a, p, n);
    case MMB_ALLOC_FREELIST: return mmb_freelist_usable(a, p, n);
    case MMB_ALLOC_BUMP: return mmb_bump_usable(a, p, n);
    default: return mmb_sys_usable(a, p, n);
    }
}

#endif
