/* lib/gc/gen_minor.c: the minor collection of `gen`.
 *
 * Cheney's algorithm over the young generation: forward the roots and the
 * slots of the recorded old objects, then scan the to-space from its start
 * (the copied objects are its queue) and the stack of objects promoted by
 * this collection, until both are empty. A young object is copied once; its
 * meta then holds the copy's address | FWD. Dead young objects are never
 * touched: they are counted as "young objects before - survivors".
 *
 * Ageing: a copy's age is the original's + 1; at promote-age (or when the
 * to-space is full) it goes to the old generation instead.
 */
#include "gc/gen_internal.h"

typedef struct minor {
    mmb_heap *h;
    mmb_gen_space *to;
    size_t kept_objs, promoted_objs; /* copied into the to-space / old */
    uint64_t kept_bytes, promoted_bytes;
} minor;

static mmb_obj *promote(minor *m, mmb_obj *o, size_t size)
{
    mmb_obj *n = mmb_gen_old_alloc(m->h->old, size);
    if (!n)
        mmb_oom("gen", size); /* the policy collected before this minor */
    memcpy(n, o, size);
    n->meta = MMB_GEN_OLD;
    mmb_objstack_push(&m->h->gray, n);
    m->promoted_objs++;
    m->promoted_bytes += size;
    return n;
}

static mmb_obj *keep(minor *m, mmb_obj *o, size_t size, uintptr_t age)
{
    mmb_obj *n = (mmb_obj *)m->to->top;
    m->to->top += MMB_GEN_ROUND(size);
    memcpy(n, o, size);
    n->meta = age << MMB_GEN_AGE_SHIFT;
    m->kept_objs++;
    m->kept_bytes += size;
    return n;
}

/* Copy a young object the first time it is reached; later, its forwarding
 * address. A pointer into the to-space is already a copy: a root can be
 * reached twice (the allocation's extra root is usually on the shadow stack
 * too) and must not be copied again. */
static mmb_obj *copy(minor *m, mmb_obj *o)
{
    if ((uint8_t *)o >= m->to->lo && (uint8_t *)o < m->to->hi)
        return o;
    if (o->meta & MMB_GEN_FWD) {
        MMB_GEN_ASSERT(o->meta != MMB_GEN_FWD); /* not a young object a major freed */
        return (mmb_obj *)(o->meta & ~(uintptr_t)7);
    }
    size_t size = mmb_obj_size(o->nslots, o->nbytes);
    uintptr_t age = ((o->meta & MMB_GEN_AGE_MASK) >> MMB_GEN_AGE_SHIFT) + 1;
    mmb_obj *n;
    if (age >= m->h->promote_age || MMB_GEN_ROUND(size) > (size_t)(m->to->hi - m->to->top))
        n = promote(m, o, size);
    else
        n = keep(m, o, size, age);
    o->meta = (uintptr_t)n | MMB_GEN_FWD;
    mmb_trace_move(o, n);
    return n;
}

static inline void forward(minor *m, mmb_obj **slot)
{
    if (mmb_gen_is_young(m->h, *slot))
        *slot = copy(m, *slot);
}

/* Forward an old object's slots (a recorded one, or one promoted now) and
 * record it again if it still points to a young object (a survivor). */
static void scan_old(minor *m, mmb_obj *o)
{
    int young = 0;
    for (uint32_t i = 0; i < o->nslots; i++) {
        forward(m, &o->slot[i]);
        young |= mmb_gen_is_young(m->h, o->slot[i]);
    }
    if (young)
        mmb_gen_remember(m->h, o);
}

static void scan_roots(minor *m, mmb_obj **extra)
{
    mmb_roots *r = &m->h->roots;
    for (size_t i = 0; i < r->n; i++)
        forward(m, r->v[i]);
    if (extra)
        forward(m, extra);
}

/* The recorded old objects are roots of the young generation. Their REM is
 * cleared first: scan_old sets it again where still needed. */
static void scan_recorded(minor *m)
{
    mmb_objstack taken = m->h->remset_spare;
    m->h->remset_spare = (mmb_objstack){0};
    mmb_gen_remset_take(m->h, &taken);
    for (size_t i = 0; i < taken.n; i++) {
        mmb_obj *o = taken.v[i];
        o->meta &= ~MMB_GEN_REM;
        scan_old(m, o);
    }
    taken.n = 0;
    m->h->remset_spare = taken;
}

/* The transitive closure: the to-space between `scan` and `top` and the
 * promoted stack are the gray objects. */
static void drain(minor *m)
{
    uint8_t *scan = m->to->lo;
    for (;;) {
        if (scan < m->to->top) {
            mmb_obj *o = (mmb_obj *)scan;
            scan += mmb_gen_young_size(o);
            for (uint32_t i = 0; i < o->nslots; i++)
                forward(m, &o->slot[i]);
        } else if (m->h->gray.n) {
            scan_old(m, mmb_objstack_pop(&m->h->gray));
        } else {
            break;
        }
    }
}

#ifdef MMB_DEBUG
/* Debug builds overwrite evacuated memory, so a stale pointer a workload
 * kept across an allocation fails loudly instead of reading old data. */
static void poison(uint8_t *lo, uint8_t *hi)
{
    memset(lo, 0xdb, (size_t)(hi - lo));
}
#else
static void poison(uint8_t *lo, uint8_t *hi) { (void)lo; (void)hi; }
#endif

/* Tracing only: the young objects this minor did not copy are dead (those
 * a major found dead, meta == FWD, were accounted then); the tracer hears
 * of each, walking the region object by object. */
static void forget_dead(uint8_t *lo, uint8_t *hi)
{
    for (uint8_t *p = lo; p < hi; p += mmb_gen_young_size((mmb_obj *)p)) {
        mmb_obj *o = (mmb_obj *)p;
        if (!(o->meta & MMB_GEN_FWD))
            mmb_acct_free_each(o, mmb_obj_size(o->nslots, o->nbytes));
    }
}

/* Empty eden and the from-space; account what did not survive. */
static void finish(minor *m)
{
    mmb_heap *h = m->h;
    size_t dead = h->young_objs - m->kept_objs - m->promoted_objs;
    mmb_acct_free_total(h->young_bytes - m->kept_bytes - m->promoted_bytes);
    h->young_objs = m->kept_objs;
    h->young_bytes = m->kept_bytes;
    mmb_gen_space *from = &h->surv[h->from];
    if (mmb_trace_on()) {
        forget_dead(from->lo, from->top);
        forget_dead(h->eden_lo, h->top);
    }
    poison(from->lo, from->top);
    poison(h->eden_lo, h->top);
    from->top = from->lo;
    h->from = !h->from;
    h->top = h->eden_lo;
    mmb_metrics_g.collections[0]++;
    mmb_metrics_g.collected[0] += dead;
}

void mmb_gen_minor(mmb_heap *h, mmb_obj **extra)
{
    mmb_pause_begin(MMB_PAUSE_MINOR);
    minor m = {h, &h->surv[!h->from], 0, 0, 0, 0};
    MMB_GEN_ASSERT(m.to->top == m.to->lo && h->gray.n == 0);
    scan_roots(&m, extra);
    scan_recorded(&m);
    drain(&m);
    finish(&m);
    mmb_pause_end();
}
