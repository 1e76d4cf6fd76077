/* bench/wl_cycles.c: garbage cycles beside a live set.
 *
 * `pairs` times, a ring of `ring` objects (each with one slot pointing at the
 * next, the last at the first, and an 8-byte payload) is built with the
 * mutator API and dropped: the program forgets it with mmb_drop, as a program
 * in a refcounted language forgets a cycle. Meanwhile `live` objects stay
 * reachable from one rooted array object. Plain rc cannot reclaim a ring (each
 * member keeps the next one's count above zero), so under rc peak_live_bytes
 * grows with pairs: that is its documented leak, and what rc-cycle's cycle
 * detector and the tracing collectors exist to fix. Under manual the ring is
 * given back with mmb_dispose instead, as manual memory management must.
 *
 * ops = rings built. Verification (after timing): every object of the live
 * set is intact, and after a full collection mmb_live_objects() counts the
 * live set and its array, plus every ring under rc and nothing more.
 */
#include "workload.h"

static const mmb_optdesc cycles_opts[] MMB_OPTTABLE = {
    {"pairs", MMB_OPT_INT, 100000, 0, 1e9, NULL, "rings built and dropped (ops)"},
    {"ring", MMB_OPT_INT, 2, 2, 1000000, NULL, "objects per ring"},
    {"live", MMB_OPT_INT, 10000, 0, 100000000, NULL, "objects kept alive in a rooted array meanwhile"},
    {0},
};

MMB_WORKLOAD_DESC(cycles, "rings of objects built and dropped beside a live set (rc leaks them)",
                  cycles_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define RING_BYTES 8  /* payload of a ring member: its ring's number */
#define LIVE_BYTES 16 /* payload of a live-set object: its index and a tag */

#if defined(MMB_GC_RC)
#define LEAKS_RINGS 1 /* plain reference counting: a dropped ring stays */
#else
#define LEAKS_RINGS 0
#endif

static uint64_t live_tag(uint64_t i)
{
    uint64_t x = i;
    return mmb_splitmix64(&x);
}

static void make_live_set(mmb_heap *h, mmb_obj **set, uint32_t live)
{
    mmb_new(h, set, live, 0);
    for (uint32_t i = 0; i < live; i++) {
        mmb_new_slot(h, set, i, 0, LIVE_BYTES);
        mmb_obj *o = mmb_load(*set, i);
        mmb_set_word(o, 0, i);
        mmb_set_word(o, 1, live_tag(i));
    }
}

static int live_set_ok(mmb_obj *set, uint32_t live)
{
    if (mmb_nslots(set) != live)
        return 0;
    for (uint32_t i = 0; i < live; i++) {
        mmb_obj *o = mmb_load(set, i);
        if (!o || mmb_nbytes(o) != LIVE_BYTES || mmb_get_word(o, 0) != i ||
            mmb_get_word(o, 1) != live_tag(i))
            return 0;
    }
    return 1;
}

/* One ring of n objects from *head (an empty rooted handle), built through the
 * rooted handle *cur so that each member is allocated into a rooted parent. */
static void build_ring(mmb_heap *h, mmb_obj **head, mmb_obj **cur, uint32_t n, uint64_t id)
{
    mmb_new(h, head, 1, RING_BYTES);
    mmb_set_word(*head, 0, id);
    mmb_assign(h, cur, *head);
    for (uint32_t k = 1; k < n; k++) {
        mmb_new_slot(h, cur, 0, 1, RING_BYTES);
        mmb_assign(h, cur, mmb_load(*cur, 0));
        mmb_set_word(*cur, 0, id);
    }
    mmb_store(h, *cur, 0, *head);
    mmb_drop(h, cur);
}

/* Forget the ring: a drop, but manual has no one else to find the garbage. */
static void drop_ring(mmb_heap *h, mmb_obj **head)
{
#if defined(MMB_GC_MANUAL)
    mmb_dispose(h, head);
#else
    mmb_drop(h, head);
#endif
}

MMB_WORKLOAD(cycles)
{
    int64_t pairs = mmb_opt_int(ctx->opts, "pairs");
    uint32_t ring = (uint32_t)mmb_opt_int(ctx->opts, "ring");
    uint32_t live = (uint32_t)mmb_opt_int(ctx->opts, "live");
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *set = NULL, *head = NULL, *cur = NULL;
    mmb_root_push(h, &set);
    mmb_root_push(h, &head);
    mmb_root_push(h, &cur);
    make_live_set(h, &set, live);

    mmb_metrics_begin();
    for (int64_t p = 0; p < pairs; p++) {
        build_ring(h, &head, &cur, ring, (uint64_t)p);
        drop_ring(h, &head);
    }
    mmb_metrics_end();
    mmb_metrics_g.ops = (uint64_t)pairs;

    mmb_collect(h, -1);
    size_t want = (size_t)live + 1 + (LEAKS_RINGS ? (size_t)pairs * ring : 0);
    size_t got = mmb_live_objects(h); /* a conservative collector (bdw) may keep some rings */
    int ok = live_set_ok(set, live) && (MMB_GC_EXACT_LIVE ? got == want : got >= want);
    mmb_dispose(h, &set);
    mmb_root_pop(h, 3);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
