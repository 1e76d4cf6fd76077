/* lib/alloc/alloc_internal.h: what the allocator files share and the rest of
 * libmmb does not see: the per-kind set-up entry points that alloc.c
 * dispatches to, and the raw system-allocator calls that pool and freelist
 * use behind their own accounting. */
#ifndef MMB_ALLOC_INTERNAL_H
#define MMB_ALLOC_INTERNAL_H

#include "mmb/alloc.h"

#define MMB_LIKELY(x) __builtin_expect(!!(x), 1)
#define MMB_UNLIKELY(x) __builtin_expect(!!(x), 0)
/* For slow paths called from a fast path: kept out of line so that the
 * fast path needs no callee-saved registers (no push/pop). */
#define MMB_SLOW __attribute__((noinline, cold))

/* Per-kind set-up and tear-down; each returns 0 or -1 (no memory). */
int mmb_bump_init(mmb_alloc *a);
void mmb_bump_destroy(mmb_alloc *a);
int mmb_pool_init(mmb_alloc *a);
void mmb_pool_destroy(mmb_alloc *a);
int mmb_freelist_init(mmb_alloc *a, int64_t cap);
void mmb_freelist_destroy(mmb_alloc *a);

/* malloc/free with held-bytes accounting only (no live bytes, no counts):
 * for allocators that keep blocks obtained from the system allocator. */
void *mmb_sys_obtain(mmb_alloc *a, size_t n);
void mmb_sys_release(mmb_alloc *a, void *p);

#endif
