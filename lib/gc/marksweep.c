/* lib/gc/marksweep.c: the out-of-line parts of the mark-sweep collector.
 *
 * Heap policy (the "heap" and "growth" options):
 *  - Memory is mapped on demand, a page or a large object at a time, while
 *    mapped bytes stay within a budget; the budget starts at -o heap.
 *  - When a request would pass the budget, collect first (one pause).
 *  - After every collection, budget = max(budget, growth * live bytes), where
 *    live bytes are the requested sizes of the marked objects: the heap is
 *    grown to keep it `growth` times the live data (Whippet's multiple of
 *    live data), and never shrunk.
 *  - If right after a collection the request still does not fit (the live
 *    data is spread over partly used pages, or the object is large), the
 *    budget becomes growth * (mapped + request).
 *  - With -o heap-limit, the budget never passes the limit; a request that
 *    cannot be met within it after a collection is a clean OOM (exit 3).
 * Pages once mapped are kept (MicroPython's heap is fixed): an entirely free
 * page goes to a pool that any size class carves again; pool pages are
 * unmapped only to make room for a large object. Large objects are unmapped
 * as soon as they are found dead.
 *
 * Sweeping: with sweep=lazy (the default) the pause only marks and frees
 * large objects; each size-class page is swept when its class next runs out
 * of free cells, and any page left unswept is swept at the start of the next
 * collection. With sweep=eager the pause sweeps every page.
 */
#include <assert.h>
#include <stdlib.h>

#include "gc/marksweep.h"
#include "mmb/collector.h"
#include "mmb/os.h"

#define DEFAULT_HEAP_BYTES (4.0 * 1024 * 1024) /* initial budget */
#define MIN_HEAP_BYTES (64.0 * 1024)           /* one page */
#define OS_PAGE_BYTES 4096u                    /* large mappings are rounded to this */
#define PAGE_HEADER_BYTES 32u                  /* cells start here, 16-byte aligned */
#define LARGE_HEADER_BYTES 32u                 /* the object starts here */
#define POISON_BYTE 0xdb                       /* fills reclaimed cells in debug builds */

/* A size-class page: this header, then ncells cells of cell_bytes each. */
typedef struct mmb_ms_page {
    struct mmb_ms_page *next;
    uint32_t cls, ncells, cell_bytes;
} mmb_ms_page;

/* A large object's mapping: this header, then the object. */
typedef struct mmb_ms_large {
    struct mmb_ms_large *next;
    size_t map_bytes;
} mmb_ms_large;

_Static_assert(sizeof(mmb_ms_page) <= PAGE_HEADER_BYTES, "page header too big");
_Static_assert(sizeof(mmb_ms_large) <= LARGE_HEADER_BYTES, "large header too big");

static const mmb_optdesc marksweep_opts[] = {
    {"heap", MMB_OPT_SIZE, DEFAULT_HEAP_BYTES, MIN_HEAP_BYTES, 1099511627776.0, NULL,
     "initial heap budget: collect before mapping more than this"},
    {"growth", MMB_OPT_DOUBLE, 2.0, 1.1, 10.0, NULL,
     "after a collection, grow the heap to at least growth x live bytes"},
    {"sweep", MMB_OPT_ENUM, 0, 0, 1, "lazy|eager",
     "lazy: sweep a page when its size class needs cells; eager: sweep all in the pause"},
    {0},
};

const mmb_gc_desc mmb_gc_desc_marksweep = {
    "marksweep", "non-moving mark-sweep over size-class pages (MicroPython style)",
    marksweep_opts, 0, 1,
};

static double opt_or(const mmb_run_ctx *ctx, const char *name, double def)
{
    if (ctx && ctx->opts && mmb_opt_has(ctx->opts, name))
        return mmb_opt_get(ctx->opts, name);
    return def;
}

/* Map n bytes for the heap and count them; NULL if the OS says no. */
static void *map_heap(mmb_heap *h, size_t n)
{
    void *p = mmb_os_map(n);
    if (!p)
        return NULL;
    h->mapped_bytes += n;
    mmb_acct_heap((int64_t)n);
    return p;
}

static void unmap_heap(mmb_heap *h, void *p, size_t n)
{
    mmb_os_unmap(p, n);
    h->mapped_bytes -= n;
    mmb_acct_heap(-(int64_t)n);
}

/* Granules 1..16 are a class each; above that, four classes per doubling.
 * class_of[g] is the smallest class whose cells hold g granules. */
static void init_classes(mmb_heap *h)
{
    unsigned n = 0;
    for (unsigned g = 1; g <= 16; g++)
        h->cell_bytes[n++] = g * MMB_MS_GRANULE;
    for (unsigned base = 16; base < MMB_MS_SMALL_GRANULES; base *= 2)
        for (unsigned q = 1; q <= 4; q++)
            h->cell_bytes[n++] = (base + q * base / 4) * MMB_MS_GRANULE;
    assert(n == MMB_MS_NCLASSES);
    unsigned cls = 0;
    for (unsigned g = 0; g <= MMB_MS_SMALL_GRANULES; g++) {
        while (h->cell_bytes[cls] < g * MMB_MS_GRANULE)
            cls++;
        h->class_of[g] = (uint8_t)cls;
    }
}

/* The budget never passes -o heap-limit: at the limit we collect instead. */
static void set_budget(mmb_heap *h, double bytes)
{
    uint64_t limit = mmb_metrics_g.heap_limit;
    if (limit && bytes > (double)limit)
        bytes = (double)limit;
    if (bytes > (double)h->budget_bytes)
        h->budget_bytes = (size_t)bytes;
}

mmb_heap *mmb_marksweep_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("marksweep heap", sizeof *h);
    init_classes(h);
    mmb_roots_init(&h->roots);
    h->growth = opt_or(ctx, "growth", 2.0);
    h->eager = (int)opt_or(ctx, "sweep", 0) == 1;
    set_budget(h, opt_or(ctx, "heap", DEFAULT_HEAP_BYTES));
    mmb_metrics_g.ngens = 1;
    return h;
}

static void unmap_pages(mmb_heap *h, mmb_ms_page *p)
{
    while (p) {
        mmb_ms_page *next = p->next;
        unmap_heap(h, p, MMB_MS_PAGE_BYTES);
        p = next;
    }
}

void mmb_marksweep_destroy(mmb_heap *h)
{
    for (int c = 0; c < MMB_MS_NCLASSES; c++) {
        unmap_pages(h, h->swept[c]);
        unmap_pages(h, h->unswept[c]);
    }
    unmap_pages(h, h->empty);
    while (h->large) {
        mmb_ms_large *next = h->large->next;
        unmap_heap(h, h->large, h->large->map_bytes);
        h->large = next;
    }
    mmb_objstack_free(&h->mark_stack);
    mmb_roots_free(&h->roots);
    free(h);
}

static mmb_obj *page_cell(mmb_ms_page *p, uint32_t i)
{
    return (mmb_obj *)((uint8_t *)p + PAGE_HEADER_BYTES + (size_t)i * p->cell_bytes);
}

static void push_page(mmb_ms_page **list, mmb_ms_page *p)
{
    p->next = *list;
    *list = p;
}

static mmb_ms_page *pop_page(mmb_ms_page **list)
{
    mmb_ms_page *p = *list;
    *list = p->next;
    return p;
}

/* Put the cells [head..tail] (already linked) in front of the class list. */
static void splice_free(mmb_heap *h, unsigned cls, mmb_obj *head, mmb_obj *tail)
{
    tail->meta = (uintptr_t)h->free[cls] | MMB_MS_FREE;
    h->free[cls] = head;
}

/* Give a fresh or empty page to class cls: every cell free, listed in
 * address order so that allocation walks the page forwards. */
static void carve(mmb_heap *h, mmb_ms_page *p, unsigned cls)
{
    p->cls = cls;
    p->cell_bytes = h->cell_bytes[cls];
    p->ncells = (MMB_MS_PAGE_BYTES - PAGE_HEADER_BYTES) / p->cell_bytes;
    for (uint32_t i = 0; i + 1 < p->ncells; i++)
        page_cell(p, i)->meta = (uintptr_t)page_cell(p, i + 1) | MMB_MS_FREE;
    splice_free(h, cls, page_cell(p, 0), page_cell(p, p->ncells - 1));
    push_page(&h->swept[cls], p);
}

/* An unmarked object in a page being swept: its memory is free again. */
static void reclaim(mmb_heap *h, mmb_obj *o, uint32_t cell_bytes)
{
    mmb_acct_free_obj(o, mmb_obj_size(o->nslots, o->nbytes));
    h->live_objects--;
#ifdef MMB_DEBUG
    memset(o, POISON_BYTE, cell_bytes);
#else
    (void)cell_bytes;
#endif
}

/* Sweep one page: unmark survivors, reclaim the unmarked, and list every
 * free cell (old and new) in address order. A page left with no object goes
 * to the empty pool for any class. Costs a pass over the page's cells. */
static void sweep_page(mmb_heap *h, mmb_ms_page *p)
{
    mmb_obj *head = NULL, *tail = NULL;
    uint32_t nfree = 0;
    for (uint32_t i = p->ncells; i-- > 0;) {
        mmb_obj *o = page_cell(p, i);
        if (o->meta & MMB_MS_MARK) {
            o->meta = 0;
            continue;
        }
        if (!(o->meta & MMB_MS_FREE))
            reclaim(h, o, p->cell_bytes);
        o->meta = (uintptr_t)head | MMB_MS_FREE;
        tail = tail ? tail : o;
        head = o;
        nfree++;
    }
    if (nfree == p->ncells)
        push_page(&h->empty, p);
    else {
        push_page(&h->swept[p->cls], p);
        if (head)
            splice_free(h, p->cls, head, tail);
    }
}

/* Lazy sweeping: sweep this class's pages until one yields a free cell. */
static int sweep_class(mmb_heap *h, unsigned cls)
{
    while (!h->free[cls] && h->unswept[cls])
        sweep_page(h, pop_page(&h->unswept[cls]));
    return h->free[cls] != NULL;
}

static int finish_sweep(mmb_heap *h)
{
    int swept = 0;
    for (unsigned c = 0; c < MMB_MS_NCLASSES; c++)
        for (; h->unswept[c]; swept = 1)
            sweep_page(h, pop_page(&h->unswept[c]));
    return swept;
}

static int take_empty(mmb_heap *h, unsigned cls)
{
    if (!h->empty)
        return 0;
    carve(h, pop_page(&h->empty), cls);
    return 1;
}

/* Map a new page for cls if the budget and the heap limit allow it. */
static int map_page(mmb_heap *h, unsigned cls)
{
    if (h->mapped_bytes + MMB_MS_PAGE_BYTES > h->budget_bytes ||
        mmb_heap_limit_exceeded(MMB_MS_PAGE_BYTES))
        return 0;
    mmb_ms_page *p = map_heap(h, MMB_MS_PAGE_BYTES);
    if (!p)
        mmb_oom("marksweep", MMB_MS_PAGE_BYTES);
    carve(h, p, cls);
    return 1;
}

static int refill(mmb_heap *h, unsigned cls)
{
    return sweep_class(h, cls) || take_empty(h, cls) || map_page(h, cls);
}

static mmb_obj *pop_free(mmb_heap *h, unsigned cls)
{
    mmb_obj *o = h->free[cls];
    h->free[cls] = (mmb_obj *)(o->meta & ~MMB_MS_TAGS);
    return o;
}

static void mark_one(mmb_heap *h, mmb_obj *o)
{
    if (!o || (o->meta & MMB_MS_MARK))
        return;
    assert(!(o->meta & MMB_MS_FREE) && "a reachable object was freed");
    o->meta |= MMB_MS_MARK;
    h->marked_objects++;
    h->marked_bytes += mmb_obj_size(o->nslots, o->nbytes);
    mmb_objstack_push(&h->mark_stack, o);
}

/* Mark everything reachable from the shadow stack. Depth-first with an
 * explicit stack: a million-long chain holds one entry at a time, a wide
 * object one entry per child; the C stack is never used. */
static void mark(mmb_heap *h)
{
    h->marked_objects = h->marked_bytes = 0;
    for (size_t i = 0; i < h->roots.n; i++)
        mark_one(h, *h->roots.v[i]);
    while (h->mark_stack.n) {
        mmb_obj *x = mmb_objstack_pop(&h->mark_stack);
        for (uint32_t i = 0; i < x->nslots; i++)
            mark_one(h, x->slot[i]);
    }
}

static mmb_obj *large_obj(mmb_ms_large *l)
{
    return (mmb_obj *)((uint8_t *)l + LARGE_HEADER_BYTES);
}

/* Large objects are swept in the pause, lazy or not: they are few, and
 * unmapping them at once returns their memory to the OS. */
static void sweep_large(mmb_heap *h)
{
    mmb_ms_large **pl = &h->large;
    while (*pl) {
        mmb_ms_large *l = *pl;
        mmb_obj *o = large_obj(l);
        if (o->meta & MMB_MS_MARK) {
            o->meta = 0;
            pl = &l->next;
            continue;
        }
        *pl = l->next;
        mmb_acct_free_obj(o, mmb_obj_size(o->nslots, o->nbytes));
        h->live_objects--;
        unmap_heap(h, l, l->map_bytes);
    }
}

/* Every page becomes unswept and every free list empty: the sweep after
 * this mark relists free cells page by page, so none is listed twice. */
static void unlist_pages(mmb_heap *h)
{
    for (unsigned c = 0; c < MMB_MS_NCLASSES; c++) {
        h->free[c] = NULL;
        while (h->swept[c])
            push_page(&h->unswept[c], pop_page(&h->swept[c]));
    }
}

/* One full collection, one pause: finish the previous sweep (so no mark bit
 * is set), mark from the roots, free dead large objects, and with eager
 * sweeping sweep every page. Then apply the growth policy. Costs O(live)
 * for the mark plus O(pages) for the sweeps done here. */
static void collect(mmb_heap *h)
{
    mmb_pause_begin(MMB_PAUSE_MAJOR);
    finish_sweep(h);
    unlist_pages(h);
    mark(h);
    mmb_metrics_g.collections[0]++;
    mmb_metrics_g.collected[0] += h->live_objects - h->marked_objects;
    sweep_large(h);
    if (h->eager)
        finish_sweep(h);
    set_budget(h, h->growth * (double)h->marked_bytes);
    mmb_pause_end();
}

void mmb_marksweep_collect(mmb_heap *h)
{
    collect(h);
    mmb_pause_begin(MMB_PAUSE_MAJOR);
    finish_sweep(h);
    mmb_pause_end();
}

/* A collection did not make room for `need` bytes: grow the budget to keep
 * growth x the heap, or fail cleanly if the heap limit is reached. */
static void grow_for(mmb_heap *h, size_t need)
{
    set_budget(h, h->growth * (double)(h->mapped_bytes + need));
    if (h->mapped_bytes + need > h->budget_bytes || mmb_heap_limit_exceeded(need))
        mmb_oom("marksweep", need);
}

/* Refill from what is already mapped or within the budget; failing that,
 * sweep the other classes too, since their empty pages are anyone's. */
static int refill_any(mmb_heap *h, unsigned cls)
{
    return refill(h, cls) || (finish_sweep(h) && take_empty(h, cls));
}

/* The class has no free cell: refill it, else collect and refill, else
 * grow the budget (or fail cleanly at the heap limit). */
mmb_obj *mmb_marksweep_alloc_small(mmb_heap *h, unsigned cls)
{
    if (refill_any(h, cls))
        return pop_free(h, cls);
    collect(h);
    if (!refill_any(h, cls)) {
        grow_for(h, MMB_MS_PAGE_BYTES);
        if (!map_page(h, cls))
            mmb_oom("marksweep", MMB_MS_PAGE_BYTES);
    }
    return pop_free(h, cls);
}

/* Unmap pooled empty pages until `need` more bytes fit in the budget. */
static void release_empty(mmb_heap *h, size_t need)
{
    while (h->empty && h->mapped_bytes + need > h->budget_bytes)
        unmap_heap(h, pop_page(&h->empty), MMB_MS_PAGE_BYTES);
}

static int large_fits(mmb_heap *h, size_t bytes)
{
    return h->mapped_bytes + bytes <= h->budget_bytes && !mmb_heap_limit_exceeded(bytes);
}

/* A large object gets its own mapping. If it would pass the budget,
 * collect, sweep and give back empty pages first; then grow if need be. */
mmb_obj *mmb_marksweep_alloc_large(mmb_heap *h, size_t size)
{
    size_t bytes = (LARGE_HEADER_BYTES + size + OS_PAGE_BYTES - 1) & ~(size_t)(OS_PAGE_BYTES - 1);
    if (!large_fits(h, bytes)) {
        collect(h);
        finish_sweep(h);
        release_empty(h, bytes);
        if (!large_fits(h, bytes))
            grow_for(h, bytes);
    }
    mmb_ms_large *l = map_heap(h, bytes);
    if (!l)
        mmb_oom("marksweep", bytes);
    l->map_bytes = bytes;
    l->next = h->large;
    h->large = l;
    return large_obj(l);
}
