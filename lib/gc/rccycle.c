/* lib/gc/rccycle.c: reference counting's release cascade and CPython's
 * generational cycle detector (see rccycle.h for the scheme). */
/* This file is the collector's own translation unit, whatever libmmb's flags. */
#ifndef MMB_GC_RCCYCLE
#define MMB_GC_RCCYCLE 1
#endif

#include <stdlib.h>

#include "gc/rccycle.h"
#include "mmb/collector.h"

#define OLDEST (MMB_RCC_NGENS - 1)

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

/* ---- lists ---- */

static void list_init(mmb_rcc_head *list)
{
    list->next = list->prev = list;
}

static int list_is_empty(const mmb_rcc_head *list)
{
    return list->next == list;
}

static void list_move(mmb_rcc_head *g, mmb_rcc_head *to)
{
    mmb_rcc_list_remove(g);
    mmb_rcc_list_append(to, g);
}

/* Append all of `from` to `to` in O(1); `from` is left empty. */
static void list_merge(mmb_rcc_head *from, mmb_rcc_head *to)
{
    if (list_is_empty(from))
        return;
    mmb_rcc_head *tail = to->prev;
    tail->next = from->next;
    from->next->prev = tail;
    to->prev = from->prev;
    from->prev->next = to;
    list_init(from);
}

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
    h->heap_limit = mmb_metrics_g.heap_limit;
    mmb_roots_init(&h->roots);
    for (int i = 0; i < MMB_RCC_NGENS; i++)
        list_init(&h->gen[i].head);
    h->gen[0].threshold = threshold_opt(ctx, "threshold0", MMB_RCC_THRESHOLD0);
    h->gen[1].threshold = threshold_opt(ctx, "threshold1", MMB_RCC_THRESHOLD1);
    h->gen[2].threshold = threshold_opt(ctx, "threshold2", MMB_RCC_THRESHOLD2);
    h->enabled = 1;
    mmb_metrics_g.ngens = MMB_RCC_NGENS;
    return h;
}

/* Objects still alive stay with the allocator, which the driver destroys. */
void mmb_rccycle_destroy(mmb_heap *h)
{
    mmb_roots_free(&h->roots);
    mmb_objstack_free(&h->pending);
    free(h);
}

/* The allocator said no, or the heap passed -o heap-limit: a full
 * collection may give memory back; if the heap is still over (or the
 * allocator still refuses), this is the clean out-of-memory. The block, if
 * any, is not an object yet and no list holds it, so it can wait. */
void *mmb_rccycle_alloc_slow(mmb_heap *h, void *block, size_t size)
{
    if (!h->collecting)
        mmb_rccycle_collect(h, OLDEST);
    if (!block)
        block = mmb_alloc_alloc(h->alloc, size);
    if (!block || (h->heap_limit && h->alloc->st.held_bytes > h->heap_limit))
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
    mmb_acct_free(size);
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
static void release_children(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        if (c && --c->meta == 0)
            mmb_objstack_push(&h->pending, c);
    }
}

/* More than one object dies: free them all off the pending stack as one
 * pause (nested in the collection's pause when a collection frees garbage).
 * Every object on the stack has count 0 and is reachable from nothing live,
 * so each is freed exactly once. */
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

/* o's count reached zero; only a real cascade reads the clock. */
void mmb_rccycle_release(mmb_heap *h, mmb_obj *o)
{
    release_children(h, o);
    if (h->pending.n == 0)
        free_one(h, o);
    else
        cascade(h, o);
}

/* ---- trial deletion ---- */

static uintptr_t gc_refs(const mmb_rcc_head *g)
{
    return g->refs >> MMB_RCC_REFS_SHIFT;
}

/* The header of slot value c if c is being collected and not yet proven
 * reachable, else NULL (leaves, older generations, reachable ones). */
static mmb_rcc_head *collecting(mmb_obj *c)
{
    if (!c || !mmb_rcc_tracked(c))
        return NULL;
    mmb_rcc_head *g = mmb_rcc_head_of(c);
    return (g->refs & MMB_RCC_COLLECTING) ? g : NULL;
}

/* gc_refs := refcount for every object of the collected set; returns its size. */
static size_t update_refs(mmb_rcc_head *young)
{
    size_t n = 0;
    for (mmb_rcc_head *g = young->next; g != young; g = g->next, n++)
        g->refs = (mmb_rcc_obj_of(g)->meta << MMB_RCC_REFS_SHIFT) | MMB_RCC_COLLECTING;
    return n;
}

/* Remove the references that come from inside the set: what is left of
 * gc_refs counts references from handles and from older generations. */
static void subtract_refs(mmb_rcc_head *young)
{
    for (mmb_rcc_head *g = young->next; g != young; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        for (uint32_t i = 0; i < o->nslots; i++) {
            mmb_rcc_head *c = collecting(o->slot[i]);
            if (c)
                c->refs -= MMB_RCC_REFS_ONE;
        }
    }
}

/* o is reachable: so is every child in the set. A child already scanned and
 * parked on the unreachable list comes back to the tail of young, where the
 * scan in move_unreachable will reach it; an unscanned one gets gc_refs 1 so
 * that the scan treats it as reachable. */
static void visit_reachable(mmb_obj *o, mmb_rcc_head *young)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_rcc_head *c = collecting(o->slot[i]);
        if (!c || gc_refs(c) > 0)
            continue;
        if (c->refs & MMB_RCC_UNREACHABLE)
            list_move(c, young);
        c->refs = MMB_RCC_REFS_ONE | MMB_RCC_COLLECTING;
    }
}

/* Split the set in one pass over the list, with the list itself as the work
 * queue (CPython's move_unreachable: no recursion, no extra stack). On
 * return young holds the reachable objects (refs cleared) and unreachable the
 * garbage (flags still set). */
static void move_unreachable(mmb_rcc_head *young, mmb_rcc_head *unreachable)
{
    mmb_rcc_head *g = young->next;
    while (g != young) {
        mmb_rcc_head *next = g->next;
        if (gc_refs(g) > 0) {
            g->refs = 0;
            visit_reachable(mmb_rcc_obj_of(g), young);
            next = g->next;
        } else {
            g->refs |= MMB_RCC_UNREACHABLE;
            list_move(g, unreachable);
        }
        g = next;
    }
}

/* Trial deletion over the set `young`: afterwards young holds what is
 * reachable and `unreachable` the garbage. Returns the set's size before. */
static size_t split_garbage(mmb_rcc_head *young, mmb_rcc_head *unreachable)
{
    size_t total = update_refs(young);
    subtract_refs(young);
    move_unreachable(young, unreachable);
    return total;
}

static size_t list_size(const mmb_rcc_head *list)
{
    size_t n = 0;
    for (const mmb_rcc_head *g = list->next; g != list; g = g->next)
        n++;
    return n;
}

/* Clear o's slots one by one, each a decref that may free (cascades
 * included) other garbage, which leaves the unreachable list as it goes. */
static void clear_slots(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        o->slot[i] = NULL;
        mmb_rcc_decref(h, c);
    }
}

/* Break the garbage: take the head of the list, hold it (incref) while its
 * slots are cleared so it cannot be freed under our feet, then let go: its
 * count falls to zero once every cycle through it is cut. As in CPython, an
 * object still alive after that (its count was wrong) moves to `old`. */
static void delete_garbage(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old)
{
    while (!list_is_empty(unreachable)) {
        mmb_rcc_head *g = unreachable->next;
        mmb_obj *o = mmb_rcc_obj_of(g);
        o->meta++;
        clear_slots(h, o);
        mmb_rcc_decref(h, o);
        if (unreachable->next == g) {
            g->refs = 0;
            list_move(g, old);
        }
    }
}

/* ---- collections ---- */

/* Counts before the collection: generations 0..g start afresh, and the next
 * one up has seen one more collection below it. */
static void update_counts(mmb_heap *h, int generation)
{
    if (generation + 1 < MMB_RCC_NGENS)
        h->gen[generation + 1].count++;
    for (int i = 0; i <= generation; i++)
        h->gen[i].count = 0;
}

/* Survivors move one generation up; a full collection resets the
 * long-lived bookkeeping that rations the next one. */
static mmb_rcc_head *promote(mmb_heap *h, int generation, size_t survivors)
{
    mmb_rcc_head *young = &h->gen[generation].head;
    if (generation == OLDEST) {
        h->long_lived_pending = 0;
        h->long_lived_total = survivors;
        return young;
    }
    if (generation == OLDEST - 1)
        h->long_lived_pending += survivors;
    list_merge(young, &h->gen[generation + 1].head);
    return &h->gen[generation + 1].head;
}

static void record_stats(int generation, mmb_rcc_genstats *st, size_t collected)
{
    st->collections++;
    st->collected += collected;
    mmb_metrics_g.collections[generation]++;
    mmb_metrics_g.collected[generation] += collected;
}

/* Find and free the garbage of generations 0..generation (the younger
 * lists are merged into it first). One pause: minor below the oldest
 * generation, major for a full collection. */
size_t mmb_rccycle_collect(mmb_heap *h, int generation)
{
    if (generation < 0 || generation > OLDEST)
        generation = OLDEST;
    h->collecting = 1;
    mmb_pause_begin(generation == OLDEST ? MMB_PAUSE_MAJOR : MMB_PAUSE_MINOR);
    update_counts(h, generation);
    mmb_rcc_head *young = &h->gen[generation].head;
    for (int i = 0; i < generation; i++)
        list_merge(&h->gen[i].head, young);
    mmb_rcc_head unreachable;
    list_init(&unreachable);
    size_t total = split_garbage(young, &unreachable);
    size_t n = list_size(&unreachable);
    mmb_rcc_head *old = promote(h, generation, total - n);
    delete_garbage(h, &unreachable, old);
    record_stats(generation, &h->stats[generation], n);
    mmb_pause_end();
    h->collecting = 0;
    return n;
}

/* The automatic trigger (gen[0].count passed threshold0): collect the
 * oldest generation over its threshold, rationing full collections. */
size_t mmb_rccycle_collect_generations(mmb_heap *h)
{
    for (int i = OLDEST; i >= 0; i--) {
        if (h->gen[i].count <= h->gen[i].threshold)
            continue;
        if (i == OLDEST && h->long_lived_pending < h->long_lived_total / 4)
            continue;
        return mmb_rccycle_collect(h, i);
    }
    return 0;
}
