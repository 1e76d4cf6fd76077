/* lib/gc/rccycle_final.c: finalizers and resurrection (PEP 442), for the
 * two ways an object dies: its count reaches zero (CPython's
 * subtype_dealloc: finalizer, weakrefs, legacy finalizer, in that order),
 * or it is cyclic garbage (gc_collect_main after the split: legacy
 * finalizers make garbage uncollectable, weakrefs are cleared, finalizers
 * run, and what they resurrect survives). Only objects with a type or
 * weakrefs (MMB_RCC_SPECIAL) come here; the trashcan keeps every release
 * that user code causes from recursing. */
#include <stdio.h>

#include "gc/rccycle_internal.h"

/* ---- a death by count ---- */

/* Run t's finalizer for o, whose count is 0, as PyObject_CallFinalizer-
 * FromDealloc does: o is tracked again and held by one count for the call.
 * Returns 1 if o is still dead after it, 0 if it was resurrected (it stays
 * tracked, in generation 0 if it had left its list). */
static int finalize_dead(mmb_heap *h, mmb_obj *o, const mmb_gc_type *t)
{
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    if (g->next == g) {
        g->refs &= MMB_RCC_PERSIST;
        mmb_rcc_list_append(&h->gen[0].head, g);
    }
    o->meta = 1;
    t->finalize(h, o);
    if (--o->meta != 0)
        return 0;
    mmb_rcc_untrack(o);
    return 1;
}

/* What CPython's subtype_dealloc does before the memory goes, in its order:
 * the finalizer (once in o's life), clearing the weakrefs and running their
 * callbacks, the legacy finalizer; a weakref leaves its referent's list.
 * Returns 1 if o is to be freed now, 0 if it was resurrected. */
static int death_hooks(mmb_heap *h, mmb_obj *o)
{
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    const mmb_gc_type *t = mmb_rcc_type_of(h, g);
    mmb_rcc_untrack(o);
    if (mmb_rcc_has_finalizer(t) && !(g->refs & MMB_RCC_FINALIZED)) {
        g->refs |= MMB_RCC_FINALIZED;
        if (!finalize_dead(h, o, t))
            return 0;
    }
    if (g->refs & MMB_RCC_WEAKREFD)
        mmb_rcc_weakrefs_die(h, o);
    if (mmb_rcc_has_legacy_finalizer(t) && !finalize_dead(h, o, t))
        return 0;
    if (mmb_rcc_type_id(g) == MMB_GC_TYPE_WEAKREF)
        mmb_rcc_weakref_unlink(h, o);
    return 1;
}

/* The trashcan: user code runs with h->releasing set, so whatever it kills
 * waits on the pending stack for the release that called it. Returns 1 if
 * o, whose count is 0, is to be freed now. */
int mmb_rcc_die_special(mmb_heap *h, mmb_obj *o)
{
    int saved = h->releasing;
    h->releasing = 1;
    int dead = death_hooks(h, o);
    h->releasing = saved;
    return dead;
}

/* ---- cyclic garbage ---- */

/* Garbage with a legacy finalizer (and all garbage it reaches, found with
 * the list as the work queue) is uncollectable: it moves to `legacy`,
 * no longer marked as being collected. */
static void move_legacy_finalizers(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *legacy)
{
    for (mmb_rcc_head *g = unreachable->next, *next; g != unreachable; g = next) {
        next = g->next;
        if (mmb_rcc_has_legacy_finalizer(mmb_rcc_type_of(h, g))) {
            g->refs &= MMB_RCC_PERSIST;
            mmb_rcc_list_move(g, legacy);
        }
    }
    for (mmb_rcc_head *g = legacy->next; g != legacy; g = g->next) {
        mmb_obj *o = mmb_rcc_obj_of(g);
        for (uint32_t i = 0; i < o->nslots; i++) {
            mmb_rcc_head *c = mmb_rcc_collecting(o->slot[i]);
            if (c) {
                c->refs &= MMB_RCC_PERSIST;
                mmb_rcc_list_move(c, legacy);
            }
        }
    }
}

/* PEP 442: call each garbage object's finalizer, once in its life, all of
 * them before anything is cleared. A finalizer may free garbage (by count)
 * or resurrect it, so the list is consumed from its head into `seen`. */
static void finalize_garbage(mmb_heap *h, mmb_rcc_head *unreachable)
{
    mmb_rcc_head seen;
    mmb_rcc_list_init(&seen);
    while (!mmb_rcc_list_is_empty(unreachable)) {
        mmb_rcc_head *g = unreachable->next;
        mmb_obj *o = mmb_rcc_obj_of(g);
        const mmb_gc_type *t = mmb_rcc_type_of(h, g);
        mmb_rcc_list_move(g, &seen);
        if (!mmb_rcc_has_finalizer(t) || (g->refs & MMB_RCC_FINALIZED))
            continue;
        g->refs |= MMB_RCC_FINALIZED;
        o->meta++;
        t->finalize(h, o);
        mmb_rc_decref(h, o);
    }
    mmb_rcc_list_merge(&seen, unreachable);
}

/* gc.garbage gets the legacy-finalizer objects (everything under SAVEALL);
 * all of `legacy` lives on in `old`. */
static void handle_legacy_finalizers(mmb_heap *h, mmb_rcc_head *legacy, mmb_rcc_head *old)
{
    int saveall = (h->mod.debug & MMB_GC_DEBUG_SAVEALL) != 0;
    for (mmb_rcc_head *g = legacy->next; g != legacy; g = g->next)
        if (saveall || mmb_rcc_has_legacy_finalizer(mmb_rcc_type_of(h, g)))
            mmb_rcc_garbage_append(h, mmb_rcc_obj_of(g));
    mmb_rcc_list_merge(legacy, old);
}

/* gc.DEBUG_COLLECTABLE / DEBUG_UNCOLLECTABLE: one line per object. */
static void debug_list(const mmb_heap *h, unsigned flag, const char *what, const mmb_rcc_head *list)
{
    if (!(h->mod.debug & flag))
        return;
    for (const mmb_rcc_head *g = list->next; g != list; g = g->next) {
        const mmb_obj *o = (const mmb_obj *)(g + 1);
        fprintf(stderr, "gc: %s <object at %p, %u slots, type %d>\n", what, (const void *)o,
                o->nslots, mmb_rcc_type_id(g));
    }
}

/* CPython's gc_collect_main after the split, for garbage that holds typed
 * objects or weakrefs, or under debug flags: legacy finalizers, weakrefs,
 * finalizers, then trial deletion again over what is left, so that what a
 * finalizer resurrected (and all it reaches) survives uncounted while the
 * rest is still collected. */
mmb_rcc_tally mmb_rcc_dispose_special(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old)
{
    mmb_rcc_tally t = {0, 0};
    mmb_rcc_head legacy, final;
    uintptr_t seen = 0;
    mmb_rcc_list_init(&legacy);
    mmb_rcc_list_init(&final);
    move_legacy_finalizers(h, unreachable, &legacy);
    debug_list(h, MMB_GC_DEBUG_COLLECTABLE, "collectable", unreachable);
    t.collected += mmb_rcc_handle_weakrefs(h, unreachable);
    finalize_garbage(h, unreachable);
    mmb_rcc_split_garbage(unreachable, &final, &seen);
    mmb_rcc_list_merge(unreachable, old); /* the resurrected */
    t.collected += mmb_rcc_list_size(&final);
    mmb_rcc_delete_garbage(h, &final, old);
    t.uncollectable = mmb_rcc_list_size(&legacy);
    debug_list(h, MMB_GC_DEBUG_UNCOLLECTABLE, "uncollectable", &legacy);
    handle_legacy_finalizers(h, &legacy, old);
    return t;
}
