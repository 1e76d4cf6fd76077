/* lib/gc/rccycle.c: the rc-cycle heap and reference counting's half of it:
 * the allocation slow path and freeing at zero (the release cascade and the
 * trashcan). See rccycle.h for the scheme and rccycle_internal.h for where
 * the rest lives (collections, finalizers, weak references, the gc module). */
#include <stdlib.h>

#include "gc/rccycle_internal.h"
#include "mmb/collector.h"

static const mmb_optdesc rccycle_opts[] = {
    {"threshold0", MMB_OPT_INT, MMB_RCC_THRESHOLD0, 0, 1e9, NULL,
     "net tracked allocations that trigger a collection; 0 = no automatic collection "
     "(CPython 3.13 uses 2000)"},
    {"threshold1", MMB_OPT_INT, MMB_RCC_THRESHOLD1, 0, 1e9, NULL,
     "gen-0 collections before generation 1 is collected too"},
    {"threshold2", MMB_OPT_INT, MMB_RCC_THRESHOLD2, 0, 1e9, NULL,
     "gen-1 collections before a full collection (if 25% of gen 2 is new)"},
    {0},
};

const mmb_gc_desc mmb_gc_desc_rccycle = {
    "rc-cycle", "reference counting plus CPython's generational cycle detector",
    rccycle_opts, MMB_ALLOCS_MALLOC_LIKE, MMB_RCC_NGENS,
};

/* ---- the heap ---- */

static long threshold_opt(const mmb_run_ctx *ctx, const char *name, long def)
{
    if (!ctx->opts || !mmb_opt_has(ctx->opts, name))
        return def;
    return (long)mmb_opt_int(ctx->opts, name);
}

mmb_heap *mmb_rccycle_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("rc-cycle heap", sizeof *h);
    h->alloc = ctx->alloc;
    h->held_ceiling = mmb_heap_ceiling();
    mmb_roots_init(&h->roots);
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        mmb_rcc_list_init(&h->gen[i].head);
    mmb_rcc_list_init(&h->permanent);
    h->gen[0].threshold = threshold_opt(ctx, "threshold0", MMB_RCC_THRESHOLD0);
    h->gen[1].threshold = threshold_opt(ctx, "threshold1", MMB_RCC_THRESHOLD1);
    h->gen[2].threshold = threshold_opt(ctx, "threshold2", MMB_RCC_THRESHOLD2);
    h->enabled = 1;
    h->mod.ntypes = MMB_GC_TYPE_WEAKREF;
    mmb_metrics_g.ngens = MMB_RCC_NGENS;
    return h;
}

/* Objects still alive (the garbage list's included) stay with the
 * allocator, which the driver destroys. */
void mmb_rccycle_destroy(mmb_heap *h)
{
    mmb_roots_free(&h->roots);
    mmb_objstack_free(&h->pending);
    mmb_objstack_free(&h->mod.garbage);
    free(h->mod.weak);
    free(h);
}

/* The allocator said no, or the heap passed -o heap-limit: a full
 * collection may give memory back; if the heap is still over (or the
 * allocator still refuses), this is the clean out-of-memory. The block, if
 * any, is not an object yet and no list holds it, so it can wait. */
void *mmb_rccycle_alloc_slow(mmb_heap *h, void *block, size_t size)
{
    if (!h->collecting)
        mmb_rccycle_collect(h, MMB_RCC_OLDEST);
    if (!block)
        block = mmb_alloc_alloc(h->alloc, size);
    if (!block || h->alloc->st.held_bytes > h->held_ceiling)
        mmb_oom("rc-cycle", size);
    return block;
}

/* ---- freeing at zero ---- */

/* Give o's block back. A tracked object leaves its generation's list and
 * counts as a deallocation against gen[0].count (floored at 0, as CPython). */
static void free_one(mmb_heap *h, mmb_obj *o)
{
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    void *block = o;
    mmb_acct_free_obj(o, size);
    h->live_objects--;
    if (mmb_rcc_tracked(o)) {
        mmb_rcc_head *g = mmb_rcc_head_of(o);
        mmb_rcc_list_remove(g);
        if (h->gen[0].count > 0)
            h->gen[0].count--;
        block = g;
        size += sizeof *g;
    }
    mmb_alloc_free(h->alloc, block, size);
}

/* Drop the references o's slots own; children that reach zero are queued
 * on the pending stack instead of released here (no recursion). */
static inline void release_children(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        if (c && --c->meta == 0)
            mmb_objstack_push(&h->pending, c);
    }
}

/* A collection starts while a release is draining (from user code): the
 * dead objects on the pending stack leave their lists first. */
void mmb_rcc_untrack_pending(mmb_heap *h)
{
    for (size_t i = 0; i < h->pending.n; i++)
        mmb_rcc_untrack(h->pending.v[i]);
}

/* Whether o, whose count is 0, is to be freed now: always, unless it has a
 * type or weakrefs (one test of a header word free_one touches anyway);
 * those run their hooks first (rccycle_final.c) and may be resurrected. */
static int dies(mmb_heap *h, mmb_obj *o)
{
    if (__builtin_expect(mmb_rcc_tracked(o) && (mmb_rcc_head_of(o)->refs & MMB_RCC_SPECIAL), 0))
        return mmb_rcc_die_special(h, o);
    return 1;
}

/* More than one object dies: free them all off the pending stack as one
 * pause (nested in the collection's pause when a collection frees garbage).
 * Every object on the stack has count 0 and is reachable from nothing live,
 * so each is freed exactly once (or resurrected by its finalizer). `first`,
 * if any, is already done with. */
static void cascade(mmb_heap *h, mmb_obj *first)
{
    mmb_pause_begin(MMB_PAUSE_CASCADE);
    if (first)
        free_one(h, first);
    while (h->pending.n) {
        mmb_obj *x = mmb_objstack_pop(&h->pending);
        if (!dies(h, x))
            continue;
        release_children(h, x);
        free_one(h, x);
    }
    mmb_pause_end();
}

/* o's count reached zero; only a real cascade reads the clock. Inside user
 * code called by a release, o waits on the pending stack instead. */
void mmb_rccycle_release(mmb_heap *h, mmb_obj *o)
{
    if (__builtin_expect(h->releasing, 0)) {
        mmb_rcc_untrack(o);
        mmb_objstack_push(&h->pending, o);
        return;
    }
    if (!dies(h, o)) {
        if (h->pending.n)
            cascade(h, NULL);
        return;
    }
    release_children(h, o);
    if (h->pending.n == 0)
        free_one(h, o);
    else
        cascade(h, o);
}
