/* lib/gc/roots.c: growth of the shadow stack and of traversal stacks. */
#include <stdlib.h>

#include "gc/roots.h"

void mmb_roots_init(mmb_roots *r)
{
    r->n = 0;
    r->cap = 0;
    r->v = NULL;
}

void mmb_roots_free(mmb_roots *r)
{
    free(r->v);
    mmb_roots_init(r);
}

/* Double the capacity; the stack is small and rarely grows, so doubling
 * keeps push amortised O(1) without a preset limit. */
void mmb_roots_grow(mmb_roots *r)
{
    size_t cap = r->cap ? r->cap * 2 : 256;
    mmb_obj ***v = realloc(r->v, cap * sizeof *v);
    if (!v)
        mmb_oom("shadow stack", cap * sizeof *v);
    r->v = v;
    r->cap = cap;
}

void mmb_objstack_grow(mmb_objstack *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    mmb_obj **v = realloc(s->v, cap * sizeof *v);
    if (!v)
        mmb_oom("traversal stack", cap * sizeof *v);
    s->v = v;
    s->cap = cap;
}

void mmb_objstack_free(mmb_objstack *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
