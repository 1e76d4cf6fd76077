/* lib/alloc/sys.c: the system allocator (whichever malloc is linked or
 * LD_PRELOADed: glibc, jemalloc, mimalloc, tcmalloc).
 *
 * Accounting: live bytes are the bytes requested; held bytes are the sum of
 * malloc_usable_size over live blocks. That is all that can be seen from
 * inside: the system allocator's own overhead (chunk headers, bins, arenas
 * and the memory it keeps after free) is invisible here, so held_bytes is a
 * lower bound of what malloc really holds (peak RSS tells the rest), and
 * returned_bytes stays 0.
 */
#include <malloc.h>
#include <stdlib.h>

#include "alloc/alloc_internal.h"

/* malloc(0) may legally return NULL; ask for 1 byte so that 0 always gives
 * a unique pointer, as the interface promises. */
void *mmb_sys_obtain(mmb_alloc *a, size_t n)
{
    void *p = malloc(n ? n : 1);
    if (MMB_LIKELY(p != NULL))
        mmb_alloc_note_held(a, (int64_t)malloc_usable_size(p));
    return p;
}

void mmb_sys_release(mmb_alloc *a, void *p)
{
    mmb_alloc_note_held(a, -(int64_t)malloc_usable_size(p));
    free(p);
}

void *mmb_sys_alloc(mmb_alloc *a, size_t n)
{
    void *p = mmb_sys_obtain(a, n);
    if (MMB_LIKELY(p != NULL))
        mmb_alloc_note_alloc(a, n);
    return p;
}

void mmb_sys_free(mmb_alloc *a, void *p, size_t n)
{
    if (!p)
        return;
    mmb_alloc_note_free(a, n);
    mmb_sys_release(a, p);
}

size_t mmb_sys_usable(mmb_alloc *a, const void *p, size_t n)
{
    return malloc_usable_size((void *)p);
}
