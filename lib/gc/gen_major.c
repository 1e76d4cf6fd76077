/* lib/gc/gen_major.c: the major collection of `gen`.
 *
 * Mark everything reachable from the roots, young and old alike, with an
 * explicit stack (a 10-million chain never touches the C stack), then:
 *  - young objects left unmarked are dead: they are reclaimed in the
 *    accounting now and flagged (meta == FWD), as the next minor will simply
 *    not copy them; the marked ones lose their MARK;
 *  - recorded old objects left unmarked leave the remembered set;
 *  - the old generation is swept.
 * Nothing moves, so a major needs no free memory: it is what the policy runs
 * when heap-limit is near. Afterwards the live count is exact.
 */
#include "gc/gen_internal.h"

static inline void mark_one(mmb_objstack *st, mmb_obj *o)
{
    if (o && !(o->meta & MMB_GEN_MARK)) {
        o->meta |= MMB_GEN_MARK;
        mmb_objstack_push(st, o);
    }
}

/* Each object is pushed once (when it gets MARK), so the stack holds at most
 * the number of live objects and a chain keeps it at one entry. */
static void mark(mmb_heap *h, mmb_obj **extra)
{
    mmb_objstack *st = &h->gray;
    for (size_t i = 0; i < h->roots.n; i++)
        mark_one(st, *h->roots.v[i]);
    if (extra)
        mark_one(st, *extra);
    while (st->n) {
        mmb_obj *o = mmb_objstack_pop(st);
        for (uint32_t i = 0; i < o->nslots; i++)
            mark_one(st, o->slot[i]);
    }
}

/* Walk one young region object by object (eden and the survivor spaces are
 * contiguous runs of objects). */
static void settle_young(uint8_t *lo, uint8_t *hi, mmb_gen_swept *dead)
{
    for (uint8_t *p = lo; p < hi; p += mmb_gen_young_size((mmb_obj *)p)) {
        mmb_obj *o = (mmb_obj *)p;
        if (o->meta == MMB_GEN_FWD)
            continue; /* found dead by an earlier major */
        if (o->meta & MMB_GEN_MARK) {
            o->meta &= ~MMB_GEN_MARK;
            continue;
        }
        dead->objs++;
        dead->bytes += mmb_obj_size(o->nslots, o->nbytes);
        mmb_acct_free_each(o, mmb_obj_size(o->nslots, o->nbytes));
        o->meta = MMB_GEN_FWD;
    }
}

static mmb_gen_swept reclaim_young(mmb_heap *h)
{
    mmb_gen_swept dead = {0, 0};
    mmb_gen_space *from = &h->surv[h->from];
    settle_young(h->eden_lo, h->top, &dead);
    settle_young(from->lo, from->top, &dead);
    h->young_objs -= dead.objs;
    h->young_bytes -= dead.bytes;
    mmb_acct_free_total(dead.bytes); /* while tracing, settle_young told each */
    return dead;
}

/* Next major when the old generation's live bytes pass growth x now
 * (Whippet's and Lua's "heap as a multiple of live data"). The old
 * generation will grow by target - live before then, so that much of the
 * swept-empty pages stays mapped: reusing them costs no system call or page
 * fault, and the heap would regrow to that size anyway. */
static void set_target(mmb_heap *h)
{
    uint64_t t = (uint64_t)(h->growth * (double)h->old->bytes);
    h->major_target = t > MMB_GEN_MIN_MAJOR_BYTES ? t : MMB_GEN_MIN_MAJOR_BYTES;
    mmb_gen_old_trim(h->old, h->major_target - h->old->bytes);
}

void mmb_gen_major(mmb_heap *h, mmb_obj **extra)
{
    mmb_pause_begin(MMB_PAUSE_MAJOR);
    mark(h, extra);
    mmb_gen_swept young = reclaim_young(h);
    mmb_gen_remset_prune(h);
    mmb_gen_swept old = mmb_gen_old_sweep(h->old);
    set_target(h);
    mmb_metrics_g.collections[1]++;
    mmb_metrics_g.collected[1] += young.objs + old.objs;
    mmb_pause_end();
}
