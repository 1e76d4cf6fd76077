/* lib/alloc/pool.c: the pymalloc small-object allocator.
 *
 * Requests of 1..MMB_POOL_MAX_SMALL bytes are served from pools of their
 * size class (see pool_internal.h for the structures and their states);
 * 0 bytes and larger requests go to sys, and the sized free says which side
 * a block came from, so no address test is needed. Arenas come from mmap
 * and go back with munmap once every pool in them is empty, except one
 * spare wholly empty arena kept to avoid map/unmap thrashing at a boundary.
 *
 * The fast paths of alloc and free are inline, in mmb/pool.h; this file
 * holds their slow paths (a class with no used pool, a pool that runs dry,
 * fills, stops being full or empties) and everything about arenas.
 *
 * Two departures from pymalloc, both measured on a random free+alloc churn:
 * pool headers live in a table at the start of their arena rather than at
 * the start of each pool (pool_internal.h says why), and a pool that stops
 * being full rejoins its used list at the tail (used_append says why).
 *
 * held_bytes = mapped arena bytes + malloc_usable_size of the blocks sent to
 * sys; returned_bytes = arena bytes unmapped so far.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "alloc/alloc_internal.h"
#include "alloc/pool_internal.h"
#include "mmb/os.h"

_Static_assert((MMB_POOL_SIZE - ARENA_TABLE_BYTES) / MMB_POOL_MAX_SMALL >= 2,
               "a pool must hold two blocks of the largest class (a full pool never empties in one free)");
_Static_assert(MMB_ARENA_SIZE % MMB_POOL_SIZE == 0, "arenas are whole pools");

int mmb_pool_init(mmb_alloc *a)
{
    a->u.pool = calloc(1, sizeof *a->u.pool);
    return a->u.pool ? 0 : -1;
}

/* ---- used pools: per size class, doubly linked ---- */

/* A pool joins its class's used list at the tail, where pymalloc links a
 * pool that stops being full at the head. Under a random churn most pools
 * are full, so at the head such a pool comes back with its one free block,
 * the next allocation fills it again and it leaves: 0.47 full/used round
 * trips per free+alloc step on the 10,000-block churn, each two branches
 * the predictor cannot learn and two neighbours' headers written. At the
 * tail it gathers more frees before the head reaches it: 0.04 round trips
 * per step, for about 6% more pools, and 2.5x the throughput (47 -> 120
 * Mop/s side by side). */
static void used_append(struct mmb_pool_state *s, pool_hdr *p)
{
    pool_hdr *tail = s->used_tail[p->szidx];
    p->next = NULL;
    p->prev = tail;
    if (tail)
        tail->next = p;
    else
        s->used[p->szidx] = p;
    s->used_tail[p->szidx] = p;
}

static void used_unlink(struct mmb_pool_state *s, pool_hdr *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        s->used[p->szidx] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        s->used_tail[p->szidx] = p->prev;
}

/* ---- usable arenas: sorted by nfreepools, ascending ---- */

/* Take ar off the usable list, keeping nfp2last right. */
static void usable_unlink(struct mmb_pool_state *s, pool_arena *ar)
{
    uint32_t nf = ar->nfreepools;
    if (s->nfp2last[nf] == ar)
        s->nfp2last[nf] = ar->prev && ar->prev->nfreepools == nf ? ar->prev : NULL;
    if (ar->prev)
        ar->prev->next = ar->next;
    else
        s->usable = ar->next;
    if (ar->next)
        ar->next->prev = ar->prev;
    ar->next = ar->prev = NULL;
}

/* Put ar after `after` (at the head if NULL); the caller keeps the order. */
static void usable_insert_after(struct mmb_pool_state *s, pool_arena *after, pool_arena *ar)
{
    pool_arena *next = after ? after->next : s->usable;
    ar->prev = after;
    ar->next = next;
    if (next)
        next->prev = ar;
    if (after)
        after->next = ar;
    else
        s->usable = ar;
}

/* Map a new arena; only called when no arena is usable, so it becomes the
 * whole usable list. */
static pool_arena *arena_new(mmb_alloc *a)
{
    struct mmb_pool_state *s = a->u.pool;
    void *base = mmb_os_map_aligned(MMB_ARENA_SIZE, MMB_ARENA_SIZE);
    if (!base)
        return NULL;
    pool_arena *ar = calloc(1, sizeof *ar);
    if (!ar) {
        mmb_os_unmap(base, MMB_ARENA_SIZE);
        return NULL;
    }
    ar->base = ar->fresh = (uintptr_t)base;
    ar->nfreepools = POOLS_PER_ARENA;
    ar->all_next = s->all;
    if (s->all)
        s->all->all_prev = ar;
    s->all = ar;
    usable_insert_after(s, NULL, ar);
    s->nfp2last[POOLS_PER_ARENA] = ar;
    a->st.arenas++;
    mmb_alloc_note_held(a, MMB_ARENA_SIZE);
    return ar;
}

/* Unmap an arena whose pools are all empty (none is on a used list). */
static void arena_release(mmb_alloc *a, pool_arena *ar)
{
    struct mmb_pool_state *s = a->u.pool;
    usable_unlink(s, ar);
    if (ar->all_prev)
        ar->all_prev->all_next = ar->all_next;
    else
        s->all = ar->all_next;
    if (ar->all_next)
        ar->all_next->all_prev = ar->all_prev;
    mmb_os_unmap((void *)ar->base, MMB_ARENA_SIZE);
    a->st.arenas--;
    a->st.pools -= ar->ncarved;
    mmb_alloc_note_held(a, -(int64_t)MMB_ARENA_SIZE);
    a->st.returned_bytes += MMB_ARENA_SIZE;
    free(ar);
}

/* The head arena (fewest free pools) gave up a pool. It had the smallest
 * count, so with one less it is still first and alone with its count. */
static void arena_took_pool(struct mmb_pool_state *s, pool_arena *ar)
{
    uint32_t old = ar->nfreepools--;
    if (s->nfp2last[old] == ar)
        s->nfp2last[old] = NULL;
    if (ar->nfreepools > 0) {
        s->nfp2last[ar->nfreepools] = ar;
        return;
    }
    s->usable = ar->next;
    if (s->usable)
        s->usable->prev = NULL;
    ar->next = NULL;
}

/* A pool of ar became empty: ar's count grew by one. A formerly full arena
 * joins the list at the head; otherwise ar moves behind the last arena of
 * its old count (pymalloc's nfp2lasta trick, O(1)). A wholly empty arena
 * with another wholly empty one behind it goes back to the OS; the last of
 * them stays as the spare. */
static void arena_gave_pool(mmb_alloc *a, pool_arena *ar)
{
    struct mmb_pool_state *s = a->u.pool;
    uint32_t nf = ++ar->nfreepools;
    if (nf == 1) {
        usable_insert_after(s, NULL, ar);
        if (!s->nfp2last[1])
            s->nfp2last[1] = ar;
        return;
    }
    pool_arena *last = s->nfp2last[nf - 1];
    if (last == ar)
        s->nfp2last[nf - 1] = ar->prev && ar->prev->nfreepools == nf - 1 ? ar->prev : NULL;
    if (!s->nfp2last[nf])
        s->nfp2last[nf] = ar;
    if (last != ar) {
        /* ar is not last of its old group, so no nfp2last entry names it */
        if (ar->prev)
            ar->prev->next = ar->next;
        else
            s->usable = ar->next;
        ar->next->prev = ar->prev;
        usable_insert_after(s, last, ar);
    }
    if (nf == POOLS_PER_ARENA && ar->next)
        arena_release(a, ar);
}

/* ---- pools ---- */

/* A pool from the head arena: an empty one if any, else carve the next. */
static pool_hdr *pool_take(mmb_alloc *a)
{
    struct mmb_pool_state *s = a->u.pool;
    pool_arena *ar = s->usable;
    pool_hdr *p = ar->freepools;
    if (p) {
        ar->freepools = p->next;
    } else {
        p = mmb_pool_of((void *)ar->fresh);
        p->base = (char *)ar->fresh;
        ar->fresh += MMB_POOL_SIZE;
        p->szidx = POOL_NO_CLASS;
        p->arena = ar;
        ar->ncarved++;
        a->st.pools++;
    }
    arena_took_pool(s, ar);
    return p;
}

/* The pool's free list ran dry: carve the next never-used block, or, if
 * the pool has none left, it is full and leaves its used list. */
static void pool_refill(struct mmb_pool_state *s, pool_hdr *p)
{
    if (p->nextoffset <= p->maxnextoffset) {
        pool_block *b = (pool_block *)(p->base + p->nextoffset);
        b->next = NULL;
        p->freeblock = b;
        p->nextoffset += (uint32_t)mmb_pool_class_size(p->szidx);
        return;
    }
    used_unlink(s, p);
}

/* Class c has no used pool: take one, (re)initialise it unless it last
 * served c (then its free list is intact), and hand out its first block. */
MMB_SLOW void *mmb_pool_alloc_new_pool(mmb_alloc *a, unsigned c, size_t n)
{
    struct mmb_pool_state *s = a->u.pool;
    if (!s->usable && !arena_new(a))
        return NULL;
    pool_hdr *p = pool_take(a);
    pool_block *b;
    if (p->szidx == c) {
        b = p->freeblock;
        p->freeblock = b->next;
    } else {
        size_t size = mmb_pool_class_size(c);
        p->szidx = c;
        uint32_t first = mmb_pool_first_offset(p->base);
        b = (pool_block *)(p->base + first);
        p->freeblock = NULL;
        p->nextoffset = (uint32_t)(first + size);
        p->maxnextoffset = (uint32_t)(MMB_POOL_SIZE - size);
    }
    p->ref = 1;
    used_append(s, p);
    if (!p->freeblock)
        pool_refill(s, p);
    mmb_alloc_note_alloc(a, n);
    return b;
}

/* The used pool p is handing out the last block of its free list: refill
 * the list from the never-used tail, or p is now full. */
MMB_SLOW void *mmb_pool_alloc_last_free(mmb_alloc *a, pool_hdr *p, size_t n)
{
    pool_block *b = p->freeblock;
    p->freeblock = NULL;
    p->ref++;
    pool_refill(a->u.pool, p);
    mmb_alloc_note_alloc(a, n);
    return b;
}

/* The last block of p came back: p leaves its used list for its arena's
 * empty pools, which may free the arena. */
MMB_SLOW void mmb_pool_emptied(mmb_alloc *a, pool_hdr *p)
{
    pool_arena *ar = p->arena;
    used_unlink(a->u.pool, p);
    p->next = ar->freepools;
    ar->freepools = p;
    arena_gave_pool(a, ar);
}

/* A free made the full pool p usable again: it rejoins its used list. */
MMB_SLOW void mmb_pool_unfull(mmb_alloc *a, pool_hdr *p)
{
    used_append(a->u.pool, p);
}

size_t mmb_pool_usable(mmb_alloc *a, const void *p, size_t n)
{
    if (n - 1 >= MMB_POOL_MAX_SMALL)
        return mmb_sys_usable(a, p, n);
    return mmb_pool_class_size(mmb_pool_class(n));
}

/* Unmap every arena. Blocks that went to sys and are still live remain the
 * caller's to free, as with sys itself. */
void mmb_pool_destroy(mmb_alloc *a)
{
    struct mmb_pool_state *s = a->u.pool;
    if (!s)
        return;
    while (s->all) {
        pool_arena *ar = s->all;
        s->all = ar->all_next;
        mmb_os_unmap((void *)ar->base, MMB_ARENA_SIZE);
        mmb_alloc_note_held(a, -(int64_t)MMB_ARENA_SIZE);
        a->st.returned_bytes += MMB_ARENA_SIZE;
        free(ar);
    }
    a->st.arenas = 0;
    a->st.pools = 0;
    free(s);
    a->u.pool = NULL;
}

/* ---- consistency check (tests) ---- */

#define MMB_VERIFY(cond)                                                      \
    do {                                                                      \
        if (!(cond))                                                          \
            return __LINE__;                                                  \
    } while (0)

/* Empty pools on ar's list plus never-carved ones must be its count. */
static int verify_arena(const pool_arena *ar)
{
    uint32_t nempty = 0;
    for (const pool_hdr *p = ar->freepools; p; p = p->next, nempty++)
        MMB_VERIFY(p->arena == ar && p->ref == 0);
    MMB_VERIFY(ar->fresh - ar->base == (uintptr_t)ar->ncarved * MMB_POOL_SIZE);
    MMB_VERIFY(ar->nfreepools == nempty + (POOLS_PER_ARENA - ar->ncarved));
    return 0;
}

/* The usable list is sorted, back-linked, holds exactly the arenas with a
 * free pool, and nfp2last names the last arena of each count. */
static int verify_usable(const struct mmb_pool_state *s, uint64_t *nusable)
{
    const pool_arena *prev = NULL;
    int wholly_empty = 0;
    for (const pool_arena *ar = s->usable; ar; prev = ar, ar = ar->next, (*nusable)++) {
        MMB_VERIFY(ar->prev == prev && ar->nfreepools > 0);
        MMB_VERIFY(!prev || prev->nfreepools <= ar->nfreepools);
        int last_of_count = !ar->next || ar->next->nfreepools != ar->nfreepools;
        MMB_VERIFY((s->nfp2last[ar->nfreepools] == ar) == last_of_count);
        wholly_empty += ar->nfreepools == POOLS_PER_ARENA;
    }
    MMB_VERIFY(wholly_empty <= 1);
    return 0;
}

/* Every pool on used[c] serves c and has a free block and a live one. */
static int verify_used(const struct mmb_pool_state *s)
{
    for (unsigned c = 0; c < MMB_POOL_NCLASSES; c++) {
        const pool_hdr *prev = NULL;
        for (const pool_hdr *p = s->used[c]; p; prev = p, p = p->next) {
            MMB_VERIFY(p->prev == prev && p->szidx == c);
            MMB_VERIFY(p->freeblock != NULL && p->ref > 0);
        }
        MMB_VERIFY(s->used_tail[c] == prev);
    }
    return 0;
}

int mmb_pool_verify(const mmb_alloc *a)
{
    const struct mmb_pool_state *s = a->u.pool;
    uint64_t narenas = 0, npools = 0, nusable = 0, nwithfree = 0;
    int bad;
    for (const pool_arena *ar = s->all; ar; ar = ar->all_next, narenas++) {
        if ((bad = verify_arena(ar)) != 0)
            return bad;
        npools += ar->ncarved;
        nwithfree += ar->nfreepools > 0;
    }
    MMB_VERIFY(narenas == a->st.arenas && npools == a->st.pools);
    if ((bad = verify_usable(s, &nusable)) != 0 || (bad = verify_used(s)) != 0)
        return bad;
    MMB_VERIFY(nusable == nwithfree);
    return 0;
}
