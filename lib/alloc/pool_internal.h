/* lib/alloc/pool_internal.h: the data structures of `pool`, the pymalloc
 * design (CPython's Objects/obmalloc.c), shared by pool.c and its tests.
 *
 * Memory is taken from the OS in arenas of MMB_ARENA_SIZE bytes, aligned to
 * their size; an arena is cut lazily into pools of MMB_POOL_SIZE bytes
 * (aligned to theirs); a pool serves blocks of one size class (multiples of
 * MMB_POOL_ALIGN up to MMB_POOL_MAX_SMALL).
 *
 * Where the pool headers live (the one departure from pymalloc's layout):
 * pymalloc puts a pool's header at the start of the pool, found as
 * `block & ~(POOL_SIZE - 1)`. Every such header then sits at a 16 KiB
 * boundary, and all of them fall in the same set of an L1 cache indexed by
 * address bits 6..11 (12 ways on the Xeons we run on): with more than a
 * dozen pools in play, nearly every header access misses L1 (cachegrind:
 * 1.7 misses per free+alloc step on the 10,000-block churn). Here the
 * headers of an arena's pools are a table of cache-line-sized entries at
 * the start of the arena, still found in O(1) by address arithmetic:
 *     arena  = block & ~(MMB_ARENA_SIZE - 1)
 *     header = arena + ((block & (MMB_ARENA_SIZE - 1)) >> POOL_SHIFT) * POOL_HDR_STRIDE
 * Consecutive headers now use consecutive cache sets; the same churn runs
 * about 1.9x faster (62 -> 120 Mop/s side by side). The table takes the first ARENA_TABLE_BYTES of pool 0,
 * which is therefore a shorter pool; every other pool is all blocks.
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

#define POOL_SHIFT 14u                /* log2(MMB_POOL_SIZE) */
#define POOL_HDR_STRIDE 64u           /* bytes per header table entry: a cache line */
#define POOLS_PER_ARENA (MMB_ARENA_SIZE / MMB_POOL_SIZE)
#define ARENA_TABLE_BYTES (POOLS_PER_ARENA * POOL_HDR_STRIDE) /* at the start of pool 0 */
#define POOL_NO_CLASS 0xffffu         /* szidx of a freshly carved pool */

_Static_assert((1u << POOL_SHIFT) == MMB_POOL_SIZE, "POOL_SHIFT must match MMB_POOL_SIZE");

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
    uint32_t nextoffset;       /* bytes from base: first block never handed out */
    uint32_t maxnextoffset;    /* bytes from base: last offset where a whole block fits */
    struct pool_arena *arena;  /* owning arena */
    char *base;                /* the pool's memory, MMB_POOL_SIZE-aligned */
} pool_hdr;

_Static_assert(sizeof(pool_hdr) <= POOL_HDR_STRIDE, "pool header outgrew its table entry");
_Static_assert(ARENA_TABLE_BYTES % MMB_POOL_ALIGN == 0, "pool 0's blocks must stay aligned");

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

/* The header of the pool holding p (about 4 instructions). */
static inline pool_hdr *mmb_pool_of(const void *p)
{
    uintptr_t arena = (uintptr_t)p & ~(uintptr_t)(MMB_ARENA_SIZE - 1);
    uintptr_t index = ((uintptr_t)p & (MMB_ARENA_SIZE - 1)) >> POOL_SHIFT;
    return (pool_hdr *)(arena + index * POOL_HDR_STRIDE);
}

/* Offset of the first block in the pool at `base`: pool 0 of an arena
 * starts after the header table. */
static inline uint32_t mmb_pool_first_offset(const char *base)
{
    return ((uintptr_t)base & (MMB_ARENA_SIZE - 1)) == 0 ? ARENA_TABLE_BYTES : 0;
}

/* Check every invariant above (list links and order, nfp2last, per-arena
 * and per-pool counts, at most one wholly empty arena) against a->st.
 * Returns 0, or the line number in pool.c of the first failed check. For
 * the tests; O(arenas + used pools). */
int mmb_pool_verify(const mmb_alloc *a);

#endif
