/* lib/gc/bdw.c: libgc set up as a peer: roots, measurement hooks, counts.
 *
 * libgc is one heap per process, initialised once (GC_INIT) by the first
 * bdw heap; later heaps in the same process (the tests make several) share
 * it. What libgc decides stays libgc's: when to collect (after allocating
 * heap / free-space-divisor bytes) and how far to grow. It marks with one
 * thread, as it does in any program that starts no thread of its own (-o
 * markers=N starts its parallel markers).
 *
 * Measurement, through libgc's hooks rather than by patching it:
 *  - pauses: GC_set_on_collection_event; GC_EVENT_START .. GC_EVENT_END is
 *    one pause (MMB_PAUSE_MAJOR; libgc is not generational here), and one
 *    collection of generation 0. Objects collected are not observed: libgc
 *    sweeps lazily, so gc.collected stays 0.
 *  - heap bytes: GC_set_on_heap_resize and the end of each collection bring
 *    the accounting to GC_get_heap_size() (mapped heap, unmapped excluded).
 *  - live bytes: every object's size is added when it is allocated; at the
 *    end of a collection they come down to the bytes of the blocks libgc
 *    still uses (heap - free), which bounds the surviving bytes from above
 *    (a block with one marked object counts whole). The exact figure would
 *    need a heap walk inside every pause.
 *  - live objects (mmb_live_objects): what libgc has not reclaimed, i.e.
 *    the objects its last collection marked plus those allocated since,
 *    counted by a heap walk only when asked and once per collection. An
 *    upper bound of the reachable objects: libgc scans conservatively, and
 *    it also marks the few dozen cells waiting on its thread-local free
 *    lists (so that the sweep leaves them there).
 *  - heap-limit: GC_set_max_heap_size, and the out-of-memory handler exits
 *    with status 3 through mmb_oom.
 */
/* libgc declares its thread controls (GC_set_markers_count) only to
 * threaded clients; this file creates no thread, so no redirects. */
#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1

#include <stdlib.h>

#include <gc/gc_mark.h>

#include "gc/bdw.h"
#include "mmb/collector.h"

#define DEFAULT_FREE_SPACE_DIVISOR 3 /* libgc's own default */
#define MAX_MARKERS 64               /* libgc's limit on marker threads is about this */

static const mmb_optdesc bdw_opts[] = {
    {"markers", MMB_OPT_INT, 1, 1, MAX_MARKERS, NULL,
     "marker threads, the collecting one included (libgc marks alone in a single-threaded program)"},
    {"free-space-divisor", MMB_OPT_INT, DEFAULT_FREE_SPACE_DIVISOR, 1, 1000, NULL,
     "collect after allocating heap/divisor bytes: larger means a smaller heap, more collections"},
    {0},
};

const mmb_gc_desc mmb_gc_desc_bdw = {
    "bdw", "Boehm-Demers-Weiser conservative mark-sweep (libgc), the peer",
    bdw_opts, 0, MMB_GC_NGENS,
};

size_t mmb_bdw_allocs_since_gc;

/* libgc's state is process-wide, so is this. */
static struct {
    int initialised;
    int collecting;                   /* between GC_EVENT_START and GC_EVENT_END */
    mmb_heap *heaps;                  /* every live heap: their handles are roots */
    GC_push_other_roots_proc chained; /* libgc's own (thread stacks): called first */
    uint64_t heap_counted;            /* libgc heap bytes given to mmb_acct_heap */
    int counted;                      /* marked_objects is from collection counted_gc_no */
    GC_word counted_gc_no;
    size_t marked_objects;
} bdw;

static double opt_or(const mmb_run_ctx *ctx, const char *name, double def)
{
    if (ctx && ctx->opts && mmb_opt_has(ctx->opts, name))
        return mmb_opt_get(ctx->opts, name);
    return def;
}

/* libgc scans the C stacks and the data segments, but handles live wherever
 * the workload keeps them, often in malloc'd memory libgc never sees. So each
 * collection pushes every handle's word: the object it holds gets marked.
 * GC_push_all_eager scans the word at once (no mark-stack entry to
 * overflow, however many handles there are). */
static void GC_CALLBACK push_handles(void)
{
    if (bdw.chained)
        bdw.chained();
    for (mmb_heap *h = bdw.heaps; h; h = h->next)
        for (size_t i = 0; i < h->roots.n; i++)
            GC_push_all_eager(h->roots.v[i], h->roots.v[i] + 1);
}

/* Bring the accounting's heap bytes to what libgc holds now. */
static void sync_heap(void)
{
    uint64_t now = GC_get_heap_size();
    mmb_acct_heap((int64_t)(now - bdw.heap_counted));
    bdw.heap_counted = now;
}

static void GC_CALLBACK on_heap_resize(GC_word new_size)
{
    sync_heap();
}

/* After a collection the blocks libgc still uses bound the surviving bytes
 * from above; live bytes (all requested since the last bound) come down to
 * that bound, never up. Unsynchronised getters: we hold libgc's lock here. */
static void settle_live_bytes(void)
{
    uint64_t in_use = GC_get_heap_size() - GC_get_free_bytes();
    if (mmb_metrics_g.live_bytes > in_use)
        mmb_acct_free_total(mmb_metrics_g.live_bytes - in_use); /* tracing: see on_death */
}

/* One collection is one pause. A START without its END (a collection libgc
 * abandons) leaves the pause open until the next END, so it is not lost. */
static void GC_CALLBACK on_event(GC_EventType e)
{
    if (e == GC_EVENT_START && !bdw.collecting) {
        bdw.collecting = 1;
        mmb_pause_begin(MMB_PAUSE_MAJOR);
    } else if (e == GC_EVENT_END && bdw.collecting) {
        mmb_metrics_g.collections[0]++;
        mmb_bdw_allocs_since_gc = 0;
        sync_heap();
        settle_live_bytes();
        bdw.collecting = 0;
        mmb_pause_end();
    }
}

static void *GC_CALLBACK on_oom(size_t bytes)
{
    mmb_oom("bdw", bytes);
}

/* Once per process: libgc reads its marker count at initialisation. A
 * program that starts no thread of libgc's marks alone; -o markers=N > 1
 * starts N - 1 helpers, as a threaded program would. */
static void init_libgc(const mmb_run_ctx *ctx)
{
    if (bdw.initialised)
        return;
    int markers = (int)opt_or(ctx, "markers", 1);
    GC_set_markers_count((unsigned)markers);
    GC_set_warn_proc(GC_ignore_warn_proc);
    GC_INIT();
    if (markers > 1)
        GC_start_mark_threads();
    GC_set_oom_fn(on_oom);
    GC_set_on_collection_event(on_event);
    GC_set_on_heap_resize(on_heap_resize);
    bdw.chained = GC_get_push_other_roots();
    GC_set_push_other_roots(push_handles);
    bdw.initialised = 1;
}

mmb_heap *mmb_bdw_create(const mmb_run_ctx *ctx)
{
    init_libgc(ctx);
    mmb_heap *h = calloc(1, sizeof *h);
    if (!h)
        mmb_oom("bdw heap", sizeof *h);
    mmb_roots_init(&h->roots);
    h->next = bdw.heaps;
    bdw.heaps = h;
    GC_set_free_space_divisor((GC_word)opt_or(ctx, "free-space-divisor", DEFAULT_FREE_SPACE_DIVISOR));
    GC_set_max_heap_size((GC_word)mmb_metrics_g.heap_limit); /* 0: no limit */
    mmb_metrics_g.ngens = MMB_GC_NGENS;
    bdw.heap_counted = 0; /* the accounting may have been reset since */
    sync_heap();
    return h;
}

/* The heap's objects are left to libgc: unreachable now, they go at its
 * next collection. */
void mmb_bdw_destroy(mmb_heap *h)
{
    for (mmb_heap **p = &bdw.heaps; *p; p = &(*p)->next)
        if (*p == h) {
            *p = h->next;
            break;
        }
    mmb_roots_free(&h->roots);
    free(h);
}

/* While tracing, the deaths the collection found are reported at once. */
void mmb_bdw_collect(mmb_heap *h)
{
    GC_gcollect();
    if (mmb_trace_on())
        GC_invoke_finalizers();
}

/* Tracing: libgc sweeps without telling us what died, so each traced object
 * gets a finalizer that does (it runs after the collection that found the
 * object unreachable, and delays its reclamation by one collection: tracing
 * changes what it measures here, as tracemalloc does). live_bytes is then
 * the traced current, not the bound settle_live_bytes applies. */
static void GC_CALLBACK on_death(void *obj, void *unused)
{
    mmb_obj *o = obj;
    mmb_acct_free_each(o, mmb_obj_size(o->nslots, o->nbytes));
}

void mmb_bdw_trace_watch(mmb_obj *o)
{
    GC_REGISTER_FINALIZER_NO_ORDER(o, on_death, NULL, NULL, NULL);
}

static void GC_CALLBACK count_one(void *obj, size_t bytes, void *n)
{
    ++*(size_t *)n;
}

static void *GC_CALLBACK count_marked(void *n)
{
    GC_enumerate_reachable_objects_inner(count_one, n);
    return NULL;
}

/* Objects libgc has not reclaimed: those its last collection marked (a walk
 * over the mark bits, with the allocation lock held, once per collection and
 * only when asked) plus those allocated since. */
size_t mmb_bdw_live_objects(mmb_heap *h)
{
    GC_word no = GC_get_gc_no();
    if (!bdw.counted || no != bdw.counted_gc_no) {
        size_t n = 0;
        GC_call_with_alloc_lock(count_marked, &n);
        bdw.marked_objects = n;
        bdw.counted_gc_no = no;
        bdw.counted = 1;
    }
    return bdw.marked_objects + mmb_bdw_allocs_since_gc;
}
