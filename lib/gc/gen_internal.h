/* lib/gc/gen_internal.h: what the files of the `gen` collector share and
 * workloads do not see.
 *
 *   gen.c         heap set-up, options, the allocation slow path, the policy
 *                 (when a minor, when a major, heap-limit and OOM)
 *   gen_minor.c   the minor collection (Cheney copy, ageing, promotion)
 *   gen_major.c   the major collection (explicit-stack mark, sweep)
 *   gen_remset.c  recording old-to-young pointers (the barrier's slow path)
 *   gen_card.c    the card table variant of that record
 *   gen_old.c     the old generation's memory (pages, size classes, sweep)
 */
#ifndef MMB_GC_GEN_INTERNAL_H
#define MMB_GC_GEN_INTERNAL_H

#include "gc/gen.h"
#include "gc/gen_old.h"

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifdef MMB_DEBUG
#include <assert.h>
#define MMB_GEN_ASSERT(c) assert(c)
#else
#define MMB_GEN_ASSERT(c) ((void)0)
#endif

/* Each survivor space is nursery / MMB_GEN_SURVIVOR_DIV bytes (eden:s0:s1 =
 * 4:1:1; HotSpot's default is 8:1:1, but our workloads keep more alive). */
#define MMB_GEN_SURVIVOR_DIV 4
/* Objects of nursery / MMB_GEN_LARGE_DIV bytes or more are allocated old. */
#define MMB_GEN_LARGE_DIV 8
/* No major below this many old live bytes (a tiny heap would thrash). */
#define MMB_GEN_MIN_MAJOR_BYTES ((uint64_t)4 << 20)
/* Under heap-limit the young generation may use at most 1/this of it. */
#define MMB_GEN_LIMIT_YOUNG_DIV 2
/* Old-generation bytes a minor may need beyond the young bytes it copies:
 * partly filled pages of the classes it promotes into. */
#define MMB_GEN_PROMOTE_SLACK (8 * MMB_GEN_PAGE)

/* Bytes of an object in eden / a survivor space (rounded). */
static inline size_t mmb_gen_young_size(const mmb_obj *o)
{
    return MMB_GEN_ROUND(mmb_obj_size(o->nslots, o->nbytes));
}

void mmb_gen_minor(mmb_heap *h, mmb_obj **extra);
void mmb_gen_major(mmb_heap *h, mmb_obj **extra);

/* The recorded old objects, for a minor: the list is moved to `out` (which
 * must be empty) and every entry still has REM. */
void mmb_gen_remset_take(mmb_heap *h, mmb_objstack *out);
/* After a major's mark: forget recorded objects that are about to be swept. */
void mmb_gen_remset_prune(mmb_heap *h);

void mmb_gen_card_mark(const mmb_obj *o);
void mmb_gen_cards_take(mmb_gen_old *old, mmb_objstack *out);

#endif
