/* lib/alloc/pool_internal.h: the data structures of `pool`, the pymalloc
 * design (CPython's Objects/obmalloc.c), shared by pool.c and its tests.
 *
 * Memory is taken from the OS in arenas of MMB_ARENA_SIZE bytes, aligned to
 * their size; an arena is cut lazily into pools of MMB_POOL_SIZE bytes; a
 * pool serves blocks of one size class (multiples of MMB_POOL_ALIGN up to
 * MMB_POOL_MAX_SMALL). Because pools are aligned to their size, the header
 * of the pool holding a block is `block & ~(MMB_POOL_SIZE - 1)`.
 *
 * A pool is in one of three states:
 *   used   some blocks allocated, some available: on used[class] (doubly
 *          linked, NULL-terminated, with used_tail[class] its last pool);
 *   full   every block allocated: on no list (a free makes it used again);
 *   empty  no block allocated: on its arena's freepools list (singly linked
 *          through `next`), available to any size class.
 * Arenas with at least one empty or never-carved pool are on the
 * usable-arenas list, sorted by ascending nfreepools, so that allocation
 * fills the fullest arenas and lets the others drain and go back to the OS.
 */
#ifndef MMB_POOL_INTERNAL_H
#define MMB_POOL_INTERNAL_H

#include <stdint.h>

#include "mmb/alloc.h"

#define POOL_OVERHEAD 48u /* bytes of pool header, a multiple of MMB_POOL_ALIGN */
#define POOLS_PER_ARENA (MMB_ARENA_SIZE / MMB_POOL_SIZE)
#define POOL_NO_CLASS 0xffffu /* szidx of a freshly carved pool */

typedef struct pool_block {
    struct pool_block *next;
} pool_block;

struct pool_arena;

/* Invariant, for a pool on a used list: freeblock != NULL (a pool whose last
 * available block is handed out is refilled from the uncarved tail or
 * leaves the list at once), so the allocation fast path never checks for
 * an exhausted pool before popping. freeblock == NULL <=> the pool is full. */
typedef struct pool_hdr {
    uint32_t ref;              /* blocks allocated now */
    uint32_t szidx;            /* size class, or POOL_NO_CLASS if never used */
    pool_block *freeblock;     /* freed blocks and the next carved one, LIFO */
    struct pool_hdr *next;     /* used list, or the arena's freepools list */
    struct pool_hdr *prev;     /* used list only */
    uint32_t nextoffset;       /* bytes: first block never handed out */
    uint32_t maxnextoffset;    /* bytes: last offset where a whole block fits */
    struct pool_arena *arena;  /* owning arena */
} pool_hdr;

_Static_assert(sizeof(pool_hdr) <= POOL_OVERHEAD, "pool header outgrew POOL_OVERHEAD");
_Static_assert(POOL_OVERHEAD % MMB_POOL_ALIGN == 0, "blocks must stay aligned");

/* An arena's bookkeeping lives outside the arena (as pymalloc's
 * arena_objects), so all POOLS_PER_ARENA pools are usable. */
typedef struct pool_arena {
    uintptr_t base;               /* MMB_ARENA_SIZE-aligned start */
    uintptr_t fresh;              /* next never-carved pool; base + MMB_ARENA_SIZE when all carved */
    pool_hdr *freepools;          /* empty pools, carved before */
    uint32_t nfreepools;          /* empty + never-carved pools */
    uint32_t ncarved;             /* pools carved so far */
    struct pool_arena *next, *prev;         /* usable-arenas list (if nfreepools > 0) */
    struct pool_arena *all_next, *all_prev; /* every arena held */
} pool_arena;

struct mmb_pool_state {
    /* allocation serves used[c] (the head); a pool that stops being full
     * joins at used_tail[c] (see used_append in pool.c for why) */
    pool_hdr *used[MMB_POOL_NCLASSES];
    pool_hdr *used_tail[MMB_POOL_NCLASSES];
    pool_arena *usable;                  /* sorted by nfreepools, ascending */
    /* nfp2last[k]: the last arena on `usable` with nfreepools == k, or NULL:
     * lets an arena whose count grew move to its place in O(1). */
    pool_arena *nfp2last[POOLS_PER_ARENA + 1];
    pool_arena *all;
};

/* Size class of a request of 1..MMB_POOL_MAX_SMALL bytes. */
static inline unsigned mmb_pool_class(size_t n)
{
    return (unsigned)((n - 1) / MMB_POOL_ALIGN);
}

static inline size_t mmb_pool_class_size(unsigned c)
{
    return (size_t)(c + 1) * MMB_POOL_ALIGN;
}

static inline pool_hdr *mmb_pool_of(const void *p)
{
    return (pool_hdr *)((uintptr_t)p & ~(uintptr_t)(MMB_POOL_SIZE - 1));
}

/* Check every invariant above (list links and order, nfp2last, per-arena
 * and per-pool counts, at most one wholly empty arena) against a->st.
 * Returns 0, or the line number in pool.c of the first failed check. For
 * the tests; O(arenas + used pools). */
int mmb_pool_verify(const mmb_alloc *a);

#endif
