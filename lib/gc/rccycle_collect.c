/* lib/gc/rccycle_collect.c: CPython's generational cycle detector: trial
 * deletion over the collected generations, breaking the garbage, and the
 * collections around it (counts, promotion, statistics, gc callbacks, the
 * automatic trigger). Garbage that holds typed objects or weakrefs takes
 * the detour through rccycle_final.c. */
#include <stdio.h>

#include "gc/rccycle_internal.h"

/* ---- trial deletion ---- */

static uintptr_t gc_refs(const mmb_rcc_head *g)
{
    return g->refs >> MMB_RCC_REFS_SHIFT;
}

/* gc_refs := refcount for every object of the collected set; returns its size. */
static size_t update_refs(mmb_rcc_head *young)
{
    size_t n = 0;
    for (mmb_rcc_head *g = young->next; g != young; g = g->next, n++)
        g->refs = (g->refs & MMB_RCC_PERSIST) | (mmb_rcc_obj_of(g)->meta << MMB_RCC_REFS_SHIFT) |
                  MMB_RCC_COLLECTING;
    return n;
}

/* Remove the references that come from inside the set: what is left of
 * gc_refs counts references from handles and from older generations. */
static void subtract_refs(mmb_rcc_head *young)
{
    for (mmb_rcc_head *g = young->next; g != young; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        for (uint32_t i = 0; i < o->nslots; i++) {
            mmb_rcc_head *c = mmb_rcc_collecting(o->slot[i]);
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
        mmb_rcc_head *c = mmb_rcc_collecting(o->slot[i]);
        if (!c || gc_refs(c) > 0)
            continue;
        if (c->refs & MMB_RCC_UNREACHABLE)
            mmb_rcc_list_move(c, young);
        c->refs = (c->refs & MMB_RCC_PERSIST) | MMB_RCC_REFS_ONE | MMB_RCC_COLLECTING;
    }
}

/* Split the set in one pass over the list, with the list itself as the work
 * queue (CPython's move_unreachable: no recursion, no extra stack). On
 * return young holds the reachable objects (transient bits cleared) and
 * unreachable the garbage (flags still set); *seen gathers the header bits
 * of what was parked as garbage, so the caller knows whether any of it has
 * a type or weakrefs. */
static void move_unreachable(mmb_rcc_head *young, mmb_rcc_head *unreachable, uintptr_t *seen)
{
    mmb_rcc_head *g = young->next;
    while (g != young) {
        mmb_rcc_head *next = g->next;
        if (gc_refs(g) > 0) {
            g->refs &= MMB_RCC_PERSIST;
            visit_reachable(mmb_rcc_obj_of(g), young);
            next = g->next;
        } else {
            g->refs |= MMB_RCC_UNREACHABLE;
            *seen |= g->refs;
            mmb_rcc_list_move(g, unreachable);
        }
        g = next;
    }
}

/* Trial deletion over the set `young`: afterwards young holds what is
 * reachable and `unreachable` the garbage. Returns the set's size before. */
size_t mmb_rcc_split_garbage(mmb_rcc_head *young, mmb_rcc_head *unreachable, uintptr_t *seen)
{
    size_t total = update_refs(young);
    subtract_refs(young);
    move_unreachable(young, unreachable, seen);
    return total;
}

/* ---- breaking the garbage ---- */

/* Clear o's slots one by one, each a decref that may free (cascades
 * included) other garbage, which leaves the unreachable list as it goes. */
static void clear_slots(mmb_heap *h, mmb_obj *o)
{
    for (uint32_t i = 0; i < o->nslots; i++) {
        mmb_obj *c = o->slot[i];
        o->slot[i] = NULL;
        mmb_rc_decref(h, c);
    }
}

/* Break the garbage: take the head of the list, hold it (incref) while its
 * slots are cleared so it cannot be freed under our feet, then let go: its
 * count falls to zero once every cycle through it is cut. As in CPython, an
 * object still alive after that (its count was wrong) moves to `old`; under
 * DEBUG_SAVEALL every object goes to the garbage list instead, and so to
 * `old`. */
void mmb_rcc_delete_garbage(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old)
{
    int saveall = (h->mod.debug & MMB_GC_DEBUG_SAVEALL) != 0;
    while (!mmb_rcc_list_is_empty(unreachable)) {
        mmb_rcc_head *g = unreachable->next;
        mmb_obj *o = mmb_rcc_obj_of(g);
        if (saveall) {
            mmb_rcc_garbage_append(h, o);
        } else {
            o->meta++;
            clear_slots(h, o);
            mmb_rc_decref(h, o);
        }
        if (unreachable->next == g) {
            g->refs &= MMB_RCC_PERSIST;
            mmb_rcc_list_move(g, old);
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

/* The collected set: the younger lists join generation's own. */
static mmb_rcc_head *merge_young(mmb_heap *h, int generation)
{
    mmb_rcc_head *young = &h->gen[generation].head;
    for (int i = 0; i < generation; i++)
        mmb_rcc_list_merge(&h->gen[i].head, young);
    return young;
}

/* Survivors move one generation up; a full collection resets the
 * long-lived bookkeeping that rations the next one. */
static mmb_rcc_head *promote(mmb_heap *h, int generation, size_t survivors)
{
    mmb_rcc_head *young = &h->gen[generation].head;
    if (generation == MMB_RCC_OLDEST) {
        h->long_lived_pending = 0;
        h->long_lived_total = survivors;
        return young;
    }
    if (generation == MMB_RCC_OLDEST - 1)
        h->long_lived_pending += survivors;
    mmb_rcc_list_merge(young, &h->gen[generation + 1].head);
    return &h->gen[generation + 1].head;
}

/* gc.get_stats() always; the run's figures only inside the timed region
 * (see mmb_rccycle_collect in rccycle.h). */
static void record_stats(mmb_heap *h, int generation, mmb_rcc_tally t)
{
    mmb_rcc_genstats *st = &h->stats[generation];
    st->collections++;
    st->collected += t.collected;
    st->uncollectable += t.uncollectable;
    if (!mmb_metrics_g.timing)
        return;
    mmb_metrics_g.collections[generation]++;
    mmb_metrics_g.collected[generation] += t.collected;
    mmb_metrics_g.uncollectable[generation] += t.uncollectable;
}

/* Find and free the garbage of generations 0..generation. One pause: minor
 * below the oldest generation, major for a full collection. Garbage with
 * no type or weakref bit set (and no debug flag) is simply broken. */
static mmb_rcc_tally collect_main(mmb_heap *h, int generation)
{
    mmb_pause_begin(generation == MMB_RCC_OLDEST ? MMB_PAUSE_MAJOR : MMB_PAUSE_MINOR);
    if (h->mod.debug & MMB_GC_DEBUG_STATS)
        fprintf(stderr, "gc: collecting generation %d...\n", generation);
    if (h->pending.n)
        mmb_rcc_untrack_pending(h);
    update_counts(h, generation);
    mmb_rcc_head *young = merge_young(h, generation);
    mmb_rcc_head unreachable;
    mmb_rcc_list_init(&unreachable);
    uintptr_t seen = 0;
    size_t total = mmb_rcc_split_garbage(young, &unreachable, &seen);
    size_t n = mmb_rcc_list_size(&unreachable);
    mmb_rcc_head *old = promote(h, generation, total - n);
    mmb_rcc_tally t = {n, 0};
    if ((seen & MMB_RCC_SPECIAL) || h->mod.debug)
        t = mmb_rcc_dispose_special(h, &unreachable, old);
    else
        mmb_rcc_delete_garbage(h, &unreachable, old);
    if (h->mod.debug & MMB_GC_DEBUG_STATS)
        fprintf(stderr, "gc: done, %zu unreachable, %zu uncollectable\n",
                t.collected + t.uncollectable, t.uncollectable);
    record_stats(h, generation, t);
    mmb_pause_end();
    return t;
}

/* gc.callbacks, in order, by index (a callback may remove itself). */
static void run_gc_callbacks(mmb_heap *h, const char *phase, int generation, mmb_rcc_tally t)
{
    mmb_gc_info info = {generation, t.collected, t.uncollectable};
    for (int i = 0; i < h->mod.ncallbacks; i++)
        h->mod.callbacks[i].fn(phase, &info, h->mod.callbacks[i].arg);
}

size_t mmb_rccycle_collect(mmb_heap *h, int generation)
{
    if (generation < 0 || generation > MMB_RCC_OLDEST)
        generation = MMB_RCC_OLDEST;
    if (h->collecting)
        return 0;
    h->collecting = 1;
    mmb_rcc_tally none = {0, 0};
    run_gc_callbacks(h, "start", generation, none);
    mmb_rcc_tally t = collect_main(h, generation);
    run_gc_callbacks(h, "stop", generation, t);
    h->collecting = 0;
    return t.collected + t.uncollectable;
}

/* The automatic trigger (gen[0].count passed threshold0): collect the
 * oldest generation over its threshold, rationing full collections. */
size_t mmb_rccycle_collect_generations(mmb_heap *h)
{
    for (int i = MMB_RCC_OLDEST; i >= 0; i--) {
        if (h->gen[i].count <= h->gen[i].threshold)
            continue;
        if (i == MMB_RCC_OLDEST && h->long_lived_pending < h->long_lived_total / 4)
            continue;
        return mmb_rccycle_collect(h, i);
    }
    return 0;
}
