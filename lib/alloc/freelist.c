/* lib/alloc/freelist.c: bounded per-size-class caches in front of sys.
 *
 * CPython keeps a free list per type (floats, tuples by length, frames...):
 * a freed object of that type is kept, up to a bound, and handed out again
 * without a trip through malloc. This allocator does that per 16-byte size
 * class for requests of 1..FL_MAX_SMALL bytes: each class has a LIFO stack
 * threaded through the freed blocks themselves, holding at most `cap`
 * blocks; a free beyond that goes to malloc's free. Blocks are malloc'ed at
 * the class size, so any request of the class fits any cached block.
 * Held bytes are malloc_usable_size over blocks obtained and not given back,
 * cached ones included (the cache is memory the program holds).
 */
#include <stdlib.h>

#include "alloc/alloc_internal.h"

#define FL_GRAIN 16u          /* bytes per size class step */
#define FL_MAX_SMALL 512u     /* bytes: larger requests go straight to sys */
#define FL_NCLASSES (FL_MAX_SMALL / FL_GRAIN)

typedef struct fl_block {
    struct fl_block *next;
} fl_block;

/* Invariant: count[c] is the length of the list at head[c], <= cap; every
 * block on it was malloc'ed with (c + 1) * FL_GRAIN bytes. */
struct mmb_freelist_state {
    fl_block *head[FL_NCLASSES];
    uint32_t count[FL_NCLASSES];
    uint32_t cap;
};

int mmb_freelist_init(mmb_alloc *a, int64_t cap)
{
    a->u.fl = calloc(1, sizeof *a->u.fl);
    if (!a->u.fl)
        return -1;
    a->u.fl->cap = (uint32_t)(cap < 0 ? 0 : cap);
    return 0;
}

/* The class of a request of 1..FL_MAX_SMALL bytes. */
static inline unsigned fl_class(size_t n)
{
    return (unsigned)((n - 1) / FL_GRAIN);
}

/* Fast path (cache hit), about 8 instructions plus the accounting: one
 * range test, a shift, a pop. n == 0 wraps in `n - 1` and goes to sys. */
void *mmb_freelist_alloc(mmb_alloc *a, size_t n)
{
    if (MMB_UNLIKELY(n - 1 >= FL_MAX_SMALL))
        return mmb_sys_alloc(a, n);
    struct mmb_freelist_state *s = a->u.fl;
    unsigned c = fl_class(n);
    fl_block *b = s->head[c];
    if (MMB_LIKELY(b != NULL)) {
        s->head[c] = b->next;
        s->count[c]--;
    } else {
        b = mmb_sys_obtain(a, (size_t)(c + 1) * FL_GRAIN);
        if (!b)
            return NULL;
    }
    mmb_alloc_note_alloc(a, n);
    return b;
}

/* Cache the block if its class has room, else give it back to malloc. */
void mmb_freelist_free(mmb_alloc *a, void *p, size_t n)
{
    if (MMB_UNLIKELY(n - 1 >= FL_MAX_SMALL)) {
        mmb_sys_free(a, p, n);
        return;
    }
    struct mmb_freelist_state *s = a->u.fl;
    unsigned c = fl_class(n);
    mmb_alloc_note_free(a, n);
    if (MMB_LIKELY(s->count[c] < s->cap)) {
        fl_block *b = p;
        b->next = s->head[c];
        s->head[c] = b;
        s->count[c]++;
        return;
    }
    mmb_sys_release(a, p);
}

size_t mmb_freelist_usable(mmb_alloc *a, const void *p, size_t n)
{
    if (n - 1 >= FL_MAX_SMALL)
        return mmb_sys_usable(a, p, n);
    return (size_t)(fl_class(n) + 1) * FL_GRAIN;
}

/* Give every cached block back; live blocks remain the caller's. */
void mmb_freelist_destroy(mmb_alloc *a)
{
    struct mmb_freelist_state *s = a->u.fl;
    if (!s)
        return;
    for (unsigned c = 0; c < FL_NCLASSES; c++) {
        while (s->head[c]) {
            fl_block *b = s->head[c];
            s->head[c] = b->next;
            mmb_sys_release(a, b);
        }
        s->count[c] = 0;
    }
    free(s);
    a->u.fl = NULL;
}
