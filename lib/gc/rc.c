/* lib/gc/rc.c: the out-of-line parts of reference counting: the release
 * cascade and the heap's life cycle. */
/* This file is the collector's own translation unit, whatever libmmb's flags. */
#ifndef MMB_GC_RC
#define MMB_GC_RC 1
#endif

#include <stdlib.h>

#include "gc/rc.h"
#include "mmb/collector.h"

static const mmb_optdesc rc_opts[] = {{0}};

const mmb_gc_desc mmb_gc_desc_rc = {
    "rc", "reference counting, freed at zero as CPython does; cycles leak",
    rc_opts, MMB_ALLOCS_MALLOC_LIKE, 0,
};

mmb_heap *mmb_rc_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("rc heap", sizeof *h);
    h->alloc = ctx->alloc;
    h->held_ceiling = mmb_heap_ceiling();
    mmb_roots_init(&h->roots);
    return h;
}

/* Objects still alive (leaked cycles, or whatever the workload kept) stay
 * with the allocator, which the driver destroys next. */
void mmb_rc_destroy(mmb_heap *h)
{
    mmb_roots_free(&h->roots);
    mmb_objstack_free(&h->pending);
    free(h);
}

/* The allocator said no, or the heap passed -o heap-limit: reference
 * counting has nothing to collect, so this is the clean out-of-memory. */
mmb_obj *mmb_rc_alloc_slow(mmb_heap *h, size_t size)
{
    mmb_oom("rc", size);
}

static inline void free_one(mmb_heap *h, mmb_obj *o)
{
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    mmb_acct_free_obj(o, size);
    h->live_objects--;
    mmb_alloc_free(h->alloc, o, size);
}

/* Drop the references o's slots own; children that reach zero are queued
 * on the pending stack instead of released here (no recursion). */
static void release_children(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        if (c && --c->meta == 0)
            mmb_objstack_push(&h->pending, c);
    }
}

/* More than one object dies: free them all off the pending stack, as one
 * pause. The stack holds only objects whose count is already 0 and which
 * nothing else can reach, so each is freed exactly once; a chain keeps at
 * most one entry on it, a tree about its depth times its fan-out. */
static void cascade(mmb_heap *h, mmb_obj *first)
{
    mmb_pause_begin(MMB_PAUSE_CASCADE);
    free_one(h, first);
    while (h->pending.n) {
        mmb_obj *x = mmb_objstack_pop(&h->pending);
        release_children(h, x);
        free_one(h, x);
    }
    mmb_pause_end();
}

/* o's count reached zero. The common case (no child dies with it) frees one
 * object without reading the clock; only a real cascade is timed. */
void mmb_rc_release(mmb_heap *h, mmb_obj *o)
{
    release_children(h, o);
    if (h->pending.n == 0)
        free_one(h, o);
    else
        cascade(h, o);
}
