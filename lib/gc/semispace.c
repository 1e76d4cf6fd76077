/* lib/gc/semispace.c: the out-of-line parts of the semispace collector.
 *
 * Heap policy (the "heap" option is the size of ONE space):
 *  - Both spaces are mapped at creation, so the heap held is 2 x heap.
 *  - A collection happens when the bump pointer reaches the end of the space.
 *  - If the live data after a collection fills more than half a space, both
 *    spaces double at the next collection (the space being copied into is
 *    mapped anew at the new size, and the old one after the copy), unless
 *    -o heap-limit forbids holding 2 x the new size; then the spaces stay as
 *    they are and collections just come more often.
 *  - If right after a collection the request still does not fit, the spaces
 *    grow at once (a second collection copies into bigger ones); if the limit
 *    forbids that, it is a clean OOM (exit 3). So is any object larger than
 *    a whole space.
 * With -o heap-limit smaller than 2 x heap, each space starts at limit / 2.
 */
#include <assert.h>
#include <stdlib.h>

#include "gc/semispace.h"
#include "mmb/collector.h"
#include "mmb/os.h"

#define DEFAULT_SEMI_BYTES (64.0 * 1024 * 1024) /* one space: fits GCBench */
#define MIN_SEMI_BYTES (64.0 * 1024)
#define OS_PAGE_BYTES ((size_t)4096)            /* spaces are multiples of this */
#define POISON_BYTE 0xdb                        /* fills the old space in debug builds */

static const mmb_optdesc semispace_opts[] = {
    {"heap", MMB_OPT_SIZE, DEFAULT_SEMI_BYTES, MIN_SEMI_BYTES, 1099511627776.0, NULL,
     "size of one semispace (two are held); doubles when live data passes half of it"},
    {0},
};

const mmb_gc_desc mmb_gc_desc_semispace = {
    "semispace", "Cheney copying collector over two semispaces",
    semispace_opts, 0, 1,
};

/* The state of one Cheney copy: the old space's bounds (for checking that
 * every pointer is into it), the free pointer of the new one, and counts. */
typedef struct copier {
    uint8_t *lo, *hi;
    uint8_t *free;
    size_t objects;
    uint64_t bytes;
} copier;

static uint8_t *map_space(size_t n)
{
    if (mmb_heap_limit_exceeded(n))
        mmb_oom("semispace", n);
    void *p = mmb_os_map(n);
    if (!p)
        mmb_oom("semispace", n);
    mmb_acct_heap((int64_t)n);
    return p;
}

static void unmap_space(uint8_t *p, size_t n)
{
    mmb_os_unmap(p, n);
    mmb_acct_heap(-(int64_t)n);
}

/* Whether holding two spaces of n bytes stays within -o heap-limit. */
static int limit_allows(size_t n)
{
    uint64_t limit = mmb_metrics_g.heap_limit;
    return !limit || 2 * (uint64_t)n <= limit;
}

static size_t initial_size(const mmb_run_ctx *ctx)
{
    double want = DEFAULT_SEMI_BYTES;
    if (ctx && ctx->opts && mmb_opt_has(ctx->opts, "heap"))
        want = mmb_opt_get(ctx->opts, "heap");
    size_t n = ((size_t)want + OS_PAGE_BYTES - 1) & ~(OS_PAGE_BYTES - 1);
    uint64_t limit = mmb_metrics_g.heap_limit;
    if (!limit_allows(n))
        n = (size_t)(limit / 2) & ~(OS_PAGE_BYTES - 1);
    return n ? n : OS_PAGE_BYTES;
}

mmb_heap *mmb_semispace_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("semispace heap", sizeof *h);
    mmb_roots_init(&h->roots);
    h->semi_bytes = h->want_bytes = initial_size(ctx);
    h->space = map_space(h->semi_bytes);
    h->reserve = map_space(h->semi_bytes);
    h->top = h->space;
    h->limit = h->space + h->semi_bytes;
    mmb_metrics_g.ngens = 1;
    return h;
}

void mmb_semispace_destroy(mmb_heap *h)
{
    unmap_space(h->space, h->semi_bytes);
    unmap_space(h->reserve, h->semi_bytes);
    mmb_roots_free(&h->roots);
    free(h);
}

/* Copy o into the new space unless it already is (then follow its
 * forwarding address). Costs a memcpy of the object. */
static mmb_obj *forward(copier *c, mmb_obj *o)
{
    if (!o)
        return NULL;
    if (o->meta & MMB_SS_FORWARDED)
        return (mmb_obj *)(o->meta & ~MMB_SS_FORWARDED);
    assert((uint8_t *)o >= c->lo && (uint8_t *)o < c->hi && "pointer outside the heap");
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    mmb_obj *n = (mmb_obj *)c->free;
    c->free += mmb_semispace_step(size);
    memcpy(n, o, size);
    n->meta = 0;
    o->meta = (uintptr_t)n | MMB_SS_FORWARDED;
    mmb_trace_move(o, n);
    c->objects++;
    c->bytes += size;
    return n;
}

/* Cheney's scan: the objects between scan and free are copied but their
 * slots still point into the old space; forwarding those slots appends
 * their children behind free. Breadth-first, no stack. */
static void scan_copies(copier *c, uint8_t *scan)
{
    while (scan < c->free) {
        mmb_obj *x = (mmb_obj *)scan;
        for (uint32_t i = 0; i < x->nslots; i++)
            x->slot[i] = forward(c, x->slot[i]);
        scan += mmb_semispace_step(mmb_obj_size(x->nslots, x->nbytes));
    }
}

/* Give the reserve the size the next space should have. */
static void resize_reserve(mmb_heap *h, size_t old_bytes)
{
    if (old_bytes == h->want_bytes)
        return;
    unmap_space(h->reserve, old_bytes);
    h->reserve = map_space(h->want_bytes);
}

/* Tracing only: the objects of the old space that were not copied are
 * dead, and the tracer must hear of each (the copy never visits them).
 * Costs a walk over the space, object by object. */
static void forget_dead(uint8_t *lo, uint8_t *hi)
{
    for (uint8_t *p = lo; p < hi;) {
        mmb_obj *o = (mmb_obj *)p;
        size_t size = mmb_obj_size(o->nslots, o->nbytes);
        if (!(o->meta & MMB_SS_FORWARDED))
            mmb_acct_free_each(o, size);
        p += mmb_semispace_step(size);
    }
}

/* The copy is done: the new space becomes current, the old one the
 * reserve (at the new size), and the counts follow the survivors. */
static void flip(mmb_heap *h, const copier *c)
{
    uint8_t *old = h->space;
    size_t old_bytes = h->semi_bytes;
    if (mmb_trace_on())
        forget_dead(old, h->top);
#ifdef MMB_DEBUG
    memset(old, POISON_BYTE, (size_t)(h->top - old));
#endif
    h->space = h->reserve;
    h->reserve = old;
    h->semi_bytes = h->want_bytes;
    h->top = c->free;
    h->limit = h->space + h->semi_bytes;
    resize_reserve(h, old_bytes);
    mmb_metrics_g.collections[0]++;
    mmb_metrics_g.collected[0] += h->live_objects - c->objects;
    mmb_acct_free_total(h->live_bytes - c->bytes);
    h->live_objects = c->objects;
    h->live_bytes = c->bytes;
}

/* One collection, one pause: copy everything reachable from the handles
 * (rewriting them) into the reserve, flip, and plan growth if the
 * survivors fill more than half a space. Costs O(live bytes). */
void mmb_semispace_collect(mmb_heap *h)
{
    mmb_pause_begin(MMB_PAUSE_MAJOR);
    resize_reserve(h, h->semi_bytes);
    copier c = {h->space, h->top, h->reserve, 0, 0};
    for (size_t i = 0; i < h->roots.n; i++)
        *h->roots.v[i] = forward(&c, *h->roots.v[i]);
    scan_copies(&c, h->reserve);
    flip(h, &c);
    size_t used = (size_t)(h->top - h->space);
    if (used > h->semi_bytes / 2 && limit_allows(2 * h->semi_bytes))
        h->want_bytes = 2 * h->semi_bytes;
    mmb_pause_end();
}

/* The space is full: collect; if the survivors leave no room for this
 * request, collect again into spaces doubled until it fits. An object
 * larger than a whole space is refused. */
mmb_obj *mmb_semispace_alloc_slow(mmb_heap *h, size_t step)
{
    if (step > h->semi_bytes)
        mmb_oom("semispace (object larger than a space)", step);
    mmb_semispace_collect(h);
    if ((size_t)(h->limit - h->top) < step) {
        size_t need = (size_t)(h->top - h->space) + step;
        size_t want = 2 * h->semi_bytes;
        while (want < need)
            want *= 2;
        if (!limit_allows(want))
            mmb_oom("semispace", need);
        h->want_bytes = want;
        mmb_semispace_collect(h);
    }
    mmb_obj *o = (mmb_obj *)h->top;
    h->top += step;
    return o;
}
