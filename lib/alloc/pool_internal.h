/* lib/alloc/pool_internal.h: the data structures of `pool`, the pymalloc
 * design (CPython's Objects/obmalloc.c), shared by pool.c and its tests
 * (those the inline fast paths read are in mmb/pool.h).
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
 *     header = arena + ((block & (MMB_ARENA_SIZE - 1)) >> MMB_POOL_SHIFT) * MMB_POOL_HDR_STRIDE
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

#define POOLS_PER_ARENA MMB_POOLS_PER_ARENA
#define ARENA_TABLE_BYTES (POOLS_PER_ARENA * MMB_POOL_HDR_STRIDE) /* at the start of pool 0 */
#define POOL_NO_CLASS 0xffffu         /* szidx of a freshly carved pool */

_Static_assert(ARENA_TABLE_BYTES % MMB_POOL_ALIGN == 0, "pool 0's blocks must stay aligned");

/* The header, block and state types are in mmb/pool.h, where the inline
 * fast paths read them; these are their names inside lib/alloc. */
typedef mmb_pool_hdr pool_hdr;
typedef mmb_pool_block pool_block;

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
