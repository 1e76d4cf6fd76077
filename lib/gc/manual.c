/* lib/gc/manual.c: the out-of-line parts of the manual manager. */
#include <stdlib.h>

#include "gc/manual.h"
#include "mmb/collector.h"

static const mmb_optdesc manual_opts[] = {{0}};

const mmb_gc_desc mmb_gc_desc_manual = {
    "manual", "explicit free: the workload frees what it knows is dead",
    manual_opts, MMB_ALLOCS_MALLOC_LIKE, 0,
};

mmb_heap *mmb_manual_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("manual heap", sizeof *h);
    h->alloc = ctx->alloc;
    h->held_ceiling = mmb_heap_ceiling();
    mmb_roots_init(&h->roots);
    return h;
}

void mmb_manual_destroy(mmb_heap *h)
{
    mmb_roots_free(&h->roots);
    mmb_objstack_free(&h->queue);
    free(h);
}

/* The allocator said no, or the heap passed -o heap-limit: there is nothing
 * to collect under manual management, so this is the clean out-of-memory. */
mmb_obj *mmb_manual_alloc_slow(mmb_heap *h, size_t size)
{
    mmb_oom("manual", size);
}

/* Free everything reachable from o, which the workload says it owns alone.
 * Iterative (a 10-million chain must not touch the C stack) and in two
 * phases: first every object is queued once (meta bit 0), then all are
 * freed. Freeing while traversing would read freed memory whenever the
 * structure has a cycle or sharing (a ring's last node points back to the
 * first). The queue costs one pointer per object; it is kept in the heap
 * between disposes, so a large structure's queue is not mapped and faulted in
 * anew each time.
 * A traversal that frees more than one object is a pause, like a refcount
 * cascade. */
void mmb_manual_free_structure(mmb_heap *h, mmb_obj *o)
{
    uint64_t t0 = mmb_now_ns();
    mmb_objstack *q = &h->queue;
    o->meta = 1;
    q->n = 0;
    mmb_objstack_push(q, o);
    for (size_t next = 0; next < q->n; next++) {
        mmb_obj *x = q->v[next];
        for (uint32_t i = 0; i < x->nslots; i++) {
            mmb_obj *c = x->slot[i];
            if (c && !c->meta) {
                c->meta = 1;
                mmb_objstack_push(q, c);
            }
        }
    }
    for (size_t i = 0; i < q->n; i++)
        mmb_manual_free_one(h, q->v[i]);
    if (q->n > 1)
        mmb_pause_log_push(t0, mmb_now_ns(), MMB_PAUSE_CASCADE);
}
