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
    h->heap_limit = mmb_metrics_g.heap_limit;
    mmb_roots_init(&h->roots);
    return h;
}

void mmb_manual_destroy(mmb_heap *h)
{
    mmb_roots_free(&h->roots);
    free(h);
}

/* The allocator said no, or the heap passed -o heap-limit: there is nothing
 * to collect under manual management, so this is the clean out-of-memory. */
mmb_obj *mmb_manual_alloc_slow(mmb_heap *h, size_t size)
{
    mmb_oom("manual", size);
}

static void free_one(mmb_heap *h, mmb_obj *o)
{
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    mmb_acct_free(size);
    h->live_objects--;
    mmb_alloc_free(h->alloc, o, size);
}

/* Free everything reachable from o, which the workload says it owns alone.
 * Iterative with an explicit stack (a 10-million chain must not touch the C
 * stack), and each object is queued once (meta bit 0), so shared children and
 * rings are freed exactly once. A traversal that frees more than one object is
 * a pause, like a refcount cascade. */
void mmb_manual_free_structure(mmb_heap *h, mmb_obj *o)
{
    if (o->nslots == 0) {
        free_one(h, o);
        return;
    }
    mmb_pause_begin(MMB_PAUSE_CASCADE);
    mmb_objstack st = {0};
    o->meta = 1;
    mmb_objstack_push(&st, o);
    while (st.n) {
        mmb_obj *x = mmb_objstack_pop(&st);
        for (uint32_t i = 0; i < x->nslots; i++) {
            mmb_obj *c = x->slot[i];
            if (c && !c->meta) {
                c->meta = 1;
                mmb_objstack_push(&st, c);
            }
        }
        free_one(h, x);
    }
    mmb_objstack_free(&st);
    mmb_pause_end();
}
