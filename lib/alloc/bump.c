/* lib/alloc/bump.c: a region allocator.
 *
 * Memory comes from the OS in chunks; an allocation advances a pointer in the
 * current chunk, and a free gives nothing back (it only lowers live_bytes, so
 * the accounting stays exact). mmb_bump_reset unmaps every chunk at once: the
 * region's lifetime is the unit of reclamation. Requests larger than
 * BUMP_OWN_CHUNK_MIN get a chunk of their own, so that one big object does
 * not throw away the tail of the current chunk.
 */
#include <stdlib.h>

#include "alloc/alloc_internal.h"
#include "mmb/os.h"

#define BUMP_CHUNK_SIZE (1024u * 1024u)        /* bytes per ordinary chunk */
#define BUMP_OWN_CHUNK_MIN (BUMP_CHUNK_SIZE / 4) /* bytes: larger requests get their own chunk */
#define BUMP_ALIGN 16u                          /* bytes: every block's alignment */
#define BUMP_PAGE 4096u                         /* bytes: own chunks are rounded to this */
#define BUMP_MAX_REQUEST ((size_t)1 << 47)      /* bytes: beyond any address space */

/* Every chunk starts with this header; it is BUMP_ALIGN bytes, so the first
 * block of a chunk is aligned like the chunk itself (a page). */
typedef struct bump_chunk {
    struct bump_chunk *next;
    size_t size; /* bytes mapped, header included */
} bump_chunk;

_Static_assert(sizeof(bump_chunk) == BUMP_ALIGN, "chunk header must keep blocks aligned");

/* Invariant: cur <= end, both inside the newest ordinary chunk (or both NULL
 * before the first chunk and after a reset); cur is BUMP_ALIGN-aligned. */
struct mmb_bump_state {
    char *cur, *end;
    bump_chunk *chunks; /* every chunk held, newest first */
};

int mmb_bump_init(mmb_alloc *a)
{
    a->u.bump = calloc(1, sizeof *a->u.bump);
    return a->u.bump ? 0 : -1;
}

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) & ~(size_t)(to - 1);
}

/* Map a chunk of `size` bytes and put it on the chunk list. */
static bump_chunk *chunk_new(mmb_alloc *a, size_t size)
{
    bump_chunk *c = mmb_os_map(size);
    if (!c)
        return NULL;
    struct mmb_bump_state *s = a->u.bump;
    c->size = size;
    c->next = s->chunks;
    s->chunks = c;
    a->st.chunks++;
    mmb_alloc_note_held(a, (int64_t)size);
    return c;
}

/* The fast path did not fit (or n was 0, or absurd): serve from a fresh
 * ordinary chunk, or from a chunk of its own for a large request. */
static void *bump_alloc_slow(mmb_alloc *a, size_t n)
{
    struct mmb_bump_state *s = a->u.bump;
    if (n > BUMP_MAX_REQUEST)
        return NULL;
    size_t sz = n ? round_up(n, BUMP_ALIGN) : BUMP_ALIGN;
    char *p = s->cur;
    if (sz > (size_t)(s->end - s->cur)) {
        if (sz > BUMP_OWN_CHUNK_MIN) {
            bump_chunk *own = chunk_new(a, round_up(sz + sizeof(bump_chunk), BUMP_PAGE));
            if (!own)
                return NULL;
            mmb_alloc_note_alloc(a, n);
            return own + 1;
        }
        bump_chunk *c = chunk_new(a, BUMP_CHUNK_SIZE);
        if (!c)
            return NULL;
        p = (char *)(c + 1);
        s->end = (char *)c + BUMP_CHUNK_SIZE;
    }
    s->cur = p + sz;
    mmb_alloc_note_alloc(a, n);
    return p;
}

/* Fast path, about 8 instructions plus the accounting: round, compare,
 * advance. n == 0 rounds to 0 and overflowing n wraps to a small value; both
 * fail the `sz - 1 < room` test and take the slow path. */
void *mmb_bump_alloc(mmb_alloc *a, size_t n)
{
    struct mmb_bump_state *s = a->u.bump;
    size_t sz = (n + BUMP_ALIGN - 1) & ~(size_t)(BUMP_ALIGN - 1);
    if (MMB_LIKELY(sz - 1 < (size_t)(s->end - s->cur))) {
        char *p = s->cur;
        s->cur = p + sz;
        mmb_alloc_note_alloc(a, n);
        return p;
    }
    return bump_alloc_slow(a, n);
}

void mmb_bump_free(mmb_alloc *a, void *p, size_t n)
{
    mmb_alloc_note_free(a, n);
}

size_t mmb_bump_usable(mmb_alloc *a, const void *p, size_t n)
{
    return n ? round_up(n, BUMP_ALIGN) : BUMP_ALIGN;
}

/* Unmap every chunk. Every block dies with its region, so live_bytes drops
 * to 0 whether or not the blocks were freed one by one. */
void mmb_bump_reset(mmb_alloc *a)
{
    struct mmb_bump_state *s = a->u.bump;
    bump_chunk *c = s->chunks;
    while (c) {
        bump_chunk *next = c->next;
        size_t size = c->size;
        mmb_os_unmap(c, size);
        mmb_alloc_note_held(a, -(int64_t)size);
        a->st.returned_bytes += size;
        c = next;
    }
    s->chunks = NULL;
    s->cur = s->end = NULL;
    a->st.chunks = 0;
    a->st.live_bytes = 0;
}

void mmb_bump_destroy(mmb_alloc *a)
{
    if (!a->u.bump)
        return;
    mmb_bump_reset(a);
    free(a->u.bump);
    a->u.bump = NULL;
}
