/* mmb/pool.h: the fast paths of `pool` (the pymalloc design), inline at
 * every allocation and free site; mmb/alloc.h includes it, nothing else
 * should.
 *
 * Why inline: on churn the mutator's step around the allocator is about a
 * hundred instructions and pool's alloc + free about forty-five. As calls,
 * each site also moved its arguments, spilled and reloaded what the call
 * clobbers, and paid the call and the return; inline (with the object
 * model's operations around it: MMB_ALWAYS_INLINE in mmb/alloc.h), pool's
 * churn step ran 9% faster side by side (79.7 -> 87.2 M steps/s). Runtimes
 * do the same with their allocation fast path; `sys` stays a call into the
 * C library, as it is for every C program. The slow paths stay in
 * lib/alloc/pool.c, out of line and cold.
 *
 * The structures the fast paths read are here; arenas and the rest of the
 * bookkeeping are private to lib/alloc (pool_internal.h says how pools,
 * arenas and their lists fit together).
 */
#ifndef MMB_POOL_H
#define MMB_POOL_H

#ifndef MMB_ALLOC_H
#error "include mmb/alloc.h, which includes mmb/pool.h"
#endif

#ifdef MMB_DEBUG
#include <assert.h>
#endif

#define MMB_POOL_SHIFT 14u       /* log2(MMB_POOL_SIZE) */
#define MMB_POOL_HDR_STRIDE 64u  /* bytes per pool-header table entry: a cache line */
#define MMB_POOLS_PER_ARENA (MMB_ARENA_SIZE / MMB_POOL_SIZE)

_Static_assert((1u << MMB_POOL_SHIFT) == MMB_POOL_SIZE, "MMB_POOL_SHIFT must match MMB_POOL_SIZE");

typedef struct mmb_pool_block {
    struct mmb_pool_block *next;
} mmb_pool_block;

struct pool_arena;

/* A pool's header, an entry of its arena's header table.
 * Invariant, for a pool on a used list: freeblock != NULL (a pool whose last
 * available block is handed out is refilled from the uncarved tail or
 * leaves the list at once), so the allocation fast path never checks for
 * an exhausted pool before popping. freeblock == NULL <=> the pool is full. */
typedef struct mmb_pool_hdr {
    uint32_t ref;                /* blocks allocated now */
    uint32_t szidx;              /* size class, or POOL_NO_CLASS if never used */
    mmb_pool_block *freeblock;   /* freed blocks and the next carved one, LIFO */
    struct mmb_pool_hdr *next;   /* used list, or the arena's freepools list */
    struct mmb_pool_hdr *prev;   /* used list only */
    uint32_t nextoffset;         /* bytes from base: first block never handed out */
    uint32_t maxnextoffset;      /* bytes from base: last offset where a whole block fits */
    struct pool_arena *arena;    /* owning arena */
    char *base;                  /* the pool's memory, MMB_POOL_SIZE-aligned */
} mmb_pool_hdr;

_Static_assert(sizeof(mmb_pool_hdr) <= MMB_POOL_HDR_STRIDE, "pool header outgrew its table entry");

struct mmb_pool_state {
    /* allocation serves used[c] (the head); a pool that stops being full
     * joins at used_tail[c] (see used_append in pool.c for why) */
    mmb_pool_hdr *used[MMB_POOL_NCLASSES];
    mmb_pool_hdr *used_tail[MMB_POOL_NCLASSES];
    struct pool_arena *usable;           /* sorted by nfreepools, ascending */
    /* nfp2last[k]: the last arena on `usable` with nfreepools == k, or NULL:
     * lets an arena whose count grew move to its place in O(1). */
    struct pool_arena *nfp2last[MMB_POOLS_PER_ARENA + 1];
    struct pool_arena *all;
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

/* The header of the pool holding p (about 4 instructions): the headers of
 * an arena's pools are a table at the arena's start (pool_internal.h says
 * why there and not at each pool's start, as in pymalloc):
 *     arena  = block & ~(MMB_ARENA_SIZE - 1)
 *     header = arena + ((block & (MMB_ARENA_SIZE - 1)) >> MMB_POOL_SHIFT) * MMB_POOL_HDR_STRIDE */
static inline mmb_pool_hdr *mmb_pool_of(const void *p)
{
    uintptr_t arena = (uintptr_t)p & ~(uintptr_t)(MMB_ARENA_SIZE - 1);
    uintptr_t index = ((uintptr_t)p & (MMB_ARENA_SIZE - 1)) >> MMB_POOL_SHIFT;
    return (mmb_pool_hdr *)(arena + index * MMB_POOL_HDR_STRIDE);
}

/* The slow paths (lib/alloc/pool.c), out of line and cold; the fast paths
 * reach them by tail calls, so they need no stack frame themselves. */
void *mmb_pool_alloc_new_pool(mmb_alloc *a, unsigned c, size_t n);
void *mmb_pool_alloc_last_free(mmb_alloc *a, mmb_pool_hdr *p, size_t n);
void mmb_pool_unfull(mmb_alloc *a, mmb_pool_hdr *p);
void mmb_pool_emptied(mmb_alloc *a, mmb_pool_hdr *p);

/* Fast path, about 20 instructions with the accounting: range test, class
 * shift, load the class's first used pool, pop its free list, count. The
 * pool invariant (a used pool has a free block) saves an emptiness test;
 * the next link's NULL (the last free block goes) is the only other branch.
 * The block now at the head of the free list is prefetched, its first line
 * and its last: it was freed into this pool possibly long ago (unlike
 * glibc's tcache, whose head is the class's most recent free), the next
 * allocation of the class reads its link, and the caller will write both
 * ends of it. On churn, side by side: no prefetch 68.6 M steps/s, the first
 * line 71.4, both lines 79.5. */
MMB_ALWAYS_INLINE void *mmb_pool_alloc(mmb_alloc *a, size_t n)
{
    if (__builtin_expect(n - 1 >= MMB_POOL_MAX_SMALL, 0))
        return mmb_sys_alloc(a, n);
    unsigned c = mmb_pool_class(n);
    mmb_pool_hdr *p = a->u.pool->used[c];
    if (__builtin_expect(p == NULL, 0))
        return mmb_pool_alloc_new_pool(a, c, n);
    mmb_pool_block *b = p->freeblock, *next = b->next;
    if (__builtin_expect(next == NULL, 0))
        return mmb_pool_alloc_last_free(a, p, n);
    p->freeblock = next;
    p->ref++;
    __builtin_prefetch(next, 1);
    __builtin_prefetch((char *)next + mmb_pool_class_size(c) - 1, 1);
    mmb_alloc_note_alloc(a, n);
    return b;
}

/* Fast path, about 15 instructions with the accounting: find the pool's
 * header by address arithmetic (mmb_pool_of), push the block, count down.
 * Only a pool that was full (free list was empty) or is now empty takes a
 * branch out. */
MMB_ALWAYS_INLINE void mmb_pool_free(mmb_alloc *a, void *ptr, size_t n)
{
    if (__builtin_expect(n - 1 >= MMB_POOL_MAX_SMALL, 0)) {
        mmb_sys_free(a, ptr, n);
        return;
    }
    mmb_alloc_note_free(a, n);
    mmb_pool_hdr *p = mmb_pool_of(ptr);
#ifdef MMB_DEBUG
    assert(p->szidx == mmb_pool_class(n) && p->ref > 0);
#endif
    mmb_pool_block *b = ptr, *last = p->freeblock;
    b->next = last;
    p->freeblock = b;
    p->ref--;
    if (__builtin_expect(last != NULL, 1)) {
        if (__builtin_expect(p->ref == 0, 0))
            mmb_pool_emptied(a, p);
        return;
    }
    mmb_pool_unfull(a, p); /* p was full; ref > 0, as a pool holds >= 2 blocks */
}

#endif
