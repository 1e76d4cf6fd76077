/* lib/gc/rccycle_internal.h: what the files of the rc-cycle collector share
 * and workloads do not see (the scheme is in rccycle.h).
 *
 *   rccycle.c          the heap, the allocation slow path, freeing at zero
 *                      (the release cascade and the trashcan)
 *   rccycle_collect.c  trial deletion and the generational collections
 *   rccycle_final.c    finalizers (PEP 442 and legacy) and resurrection, for
 *                      deaths by count and for cyclic garbage
 *   rccycle_weakref.c  weak references: the weak table and weakref objects
 *   rccycle_api.c      the gc module (mmb/gc.h) that is not one of the above
 */
#ifndef MMB_GC_RCCYCLE_INTERNAL_H
#define MMB_GC_RCCYCLE_INTERNAL_H

/* The collector's own translation units, whatever libmmb's flags. */
#ifndef MMB_GC_RCCYCLE
#define MMB_GC_RCCYCLE 1
#endif

#include "gc/rccycle.h"

#define MMB_RCC_OLDEST (MMB_RCC_NGENS - 1)

/* What one collection found: garbage freed (or saved under SAVEALL) and
 * garbage kept as uncollectable. */
typedef struct mmb_rcc_tally {
    size_t collected, uncollectable;
} mmb_rcc_tally;

/* ---- lists (every list is circular, with a sentinel head) ---- */

static inline void mmb_rcc_list_init(mmb_rcc_head *list)
{
    list->next = list->prev = list;
}

static inline int mmb_rcc_list_is_empty(const mmb_rcc_head *list)
{
    return list->next == list;
}

static inline void mmb_rcc_list_move(mmb_rcc_head *g, mmb_rcc_head *to)
{
    mmb_rcc_list_remove(g);
    mmb_rcc_list_append(to, g);
}

/* Append all of `from` to `to` in O(1); `from` is left empty. */
static inline void mmb_rcc_list_merge(mmb_rcc_head *from, mmb_rcc_head *to)
{
    if (mmb_rcc_list_is_empty(from))
        return;
    mmb_rcc_head *tail = to->prev;
    tail->next = from->next;
    from->next->prev = tail;
    to->prev = from->prev;
    from->prev->next = to;
    mmb_rcc_list_init(from);
}

static inline size_t mmb_rcc_list_size(const mmb_rcc_head *list)
{
    size_t n = 0;
    for (const mmb_rcc_head *g = list->next; g != list; g = g->next)
        n++;
    return n;
}

/* ---- the header's bits ---- */

static inline const mmb_rcc_head *mmb_rcc_chead(const mmb_obj *o)
{
    return (const mmb_rcc_head *)o - 1;
}

static inline int mmb_rcc_type_id(const mmb_rcc_head *g)
{
    return (int)((g->refs & MMB_RCC_TYPE_MASK) >> MMB_RCC_TYPE_SHIFT);
}

/* The registered type of the object behind g; NULL for none and weakrefs. */
static inline const mmb_gc_type *mmb_rcc_type_of(const mmb_heap *h, const mmb_rcc_head *g)
{
    int id = mmb_rcc_type_id(g);
    return id > MMB_GC_TYPE_WEAKREF ? h->mod.types[id] : NULL;
}

static inline int mmb_rcc_has_finalizer(const mmb_gc_type *t)
{
    return t && t->finalize && !(t->flags & MMB_GC_TYPE_LEGACY);
}

static inline int mmb_rcc_has_legacy_finalizer(const mmb_gc_type *t)
{
    return t && t->finalize && (t->flags & MMB_GC_TYPE_LEGACY);
}

static inline int mmb_rcc_is_weakref(const mmb_obj *o)
{
    return mmb_rcc_tracked(o) && mmb_rcc_type_id(mmb_rcc_chead(o)) == MMB_GC_TYPE_WEAKREF;
}

/* The header of slot value c if c is being collected and not yet proven
 * reachable, else NULL (leaves, older generations, reachable ones). */
static inline mmb_rcc_head *mmb_rcc_collecting(mmb_obj *c)
{
    if (!c || !mmb_rcc_tracked(c))
        return NULL;
    mmb_rcc_head *g = mmb_rcc_head_of(c);
    return (g->refs & MMB_RCC_COLLECTING) ? g : NULL;
}

/* Take o off its list (a dead object must not be scanned by a collection
 * that user code starts meanwhile); self-linked, so free_one's unlink
 * (rccycle.c) is a no-op. */
static inline void mmb_rcc_untrack(mmb_obj *o)
{
    if (!mmb_rcc_tracked(o))
        return;
    mmb_rcc_head *g = mmb_rcc_head_of(o);
    mmb_rcc_list_remove(g);
    g->next = g->prev = g;
}

/* gc.garbage.append(o): the list owns one count. */
static inline void mmb_rcc_garbage_append(mmb_heap *h, mmb_obj *o)
{
    o->meta++;
    mmb_objstack_push(&h->mod.garbage, o);
}

/* The gc module's error: remembered for mmb_gc_error(), and -1. */
static inline int mmb_rcc_fail(mmb_heap *h, const char *msg)
{
    h->mod.error = msg;
    return -1;
}

/* ---- between the files ---- */

/* rccycle.c: the dead objects on the pending stack leave their lists (a
 * collection starts while a release is draining). */
void mmb_rcc_untrack_pending(mmb_heap *h);

/* rccycle_collect.c */
size_t mmb_rcc_split_garbage(mmb_rcc_head *young, mmb_rcc_head *unreachable, uintptr_t *seen);
void mmb_rcc_delete_garbage(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old);

/* rccycle_final.c */
int mmb_rcc_die_special(mmb_heap *h, mmb_obj *o);
mmb_rcc_tally mmb_rcc_dispose_special(mmb_heap *h, mmb_rcc_head *unreachable, mmb_rcc_head *old);

/* rccycle_weakref.c */
void mmb_rcc_weakref_unlink(mmb_heap *h, mmb_obj *wr);
void mmb_rcc_weakrefs_die(mmb_heap *h, mmb_obj *o);
size_t mmb_rcc_handle_weakrefs(mmb_heap *h, mmb_rcc_head *unreachable);

#endif
