/* lib/gc/roots.h: the shadow stack of handles, shared by every collector.
 *
 * A handle is the address of a mutator variable of type mmb_obj*; the stack
 * holds those addresses so that a collector can read every root and, if it
 * moves objects, rewrite it. Push and pop are LIFO and cost a store and an
 * increment on the fast path.
 */
#ifndef MMB_GC_ROOTS_H
#define MMB_GC_ROOTS_H

#include <stddef.h>

#include "mmb/object.h"

typedef struct mmb_roots {
    mmb_obj ***v; /* v[0..n) are handles; each *v[i] is a root (may be NULL) */
    size_t n, cap;
} mmb_roots;

void mmb_roots_init(mmb_roots *r);
void mmb_roots_free(mmb_roots *r);
void mmb_roots_grow(mmb_roots *r);

static inline void mmb_roots_push(mmb_roots *r, mmb_obj **handle)
{
    if (__builtin_expect(r->n == r->cap, 0))
        mmb_roots_grow(r);
    r->v[r->n++] = handle;
}

static inline void mmb_roots_pop(mmb_roots *r, int count)
{
    r->n -= (size_t)count;
}

/* An explicit stack of object pointers for traversals that must not recurse
 * (dispose, mark, trial deletion): memory comes from the system allocator and
 * is not counted as heap. */
typedef struct mmb_objstack {
    mmb_obj **v;
    size_t n, cap;
} mmb_objstack;

void mmb_objstack_grow(mmb_objstack *s);
void mmb_objstack_free(mmb_objstack *s);

static inline void mmb_objstack_push(mmb_objstack *s, mmb_obj *o)
{
    if (__builtin_expect(s->n == s->cap, 0))
        mmb_objstack_grow(s);
    s->v[s->n++] = o;
}

static inline mmb_obj *mmb_objstack_pop(mmb_objstack *s)
{
    return s->v[--s->n];
}

#endif
