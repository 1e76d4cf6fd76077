/* bench/wl_fragment.c: fragmentation by interleaved frees.
 *
 * Three phases, all timed: allocate `count` objects with uniform random
 * payloads in [min-size, max-size] into one rooted array object; free every
 * other one (the odd slots); then allocate objects of `large-size` payload,
 * as many as the freed bytes would hold, into the freed odd slots (1, 3, 5,
 * ...). The freed memory is plentiful but in holes too small for the new
 * objects, so a non-moving manager must take fresh memory while a compacting
 * one need not: peak_heap_bytes / peak_live_bytes (the driver derives it)
 * is the fragmentation figure. ops = objects allocated + objects freed.
 *
 * Every object carries its slot index and a tag at both ends; verification
 * checks the surviving small objects, the large ones and the empty slots. */
#include "workload.h"

static const mmb_optdesc fragment_opts[] MMB_OPTTABLE = {
    {"count", MMB_OPT_INT, 1000000, 2, 100000000, NULL, "small objects allocated first (half are then freed)"},
    {"min-size", MMB_OPT_SIZE, 16, 16, 1 << 20, NULL, "smallest small-object payload, bytes"},
    {"max-size", MMB_OPT_SIZE, 256, 16, 1 << 20, NULL, "largest small-object payload, bytes"},
    {"large-size", MMB_OPT_SIZE, 1024, 16, 1 << 30, NULL, "payload of the objects allocated into the freed space, bytes"},
    {0},
};

MMB_WORKLOAD_DESC(fragment, "allocate mixed sizes, free every other one, refill with larger objects",
                  fragment_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define LARGE_TAG_SALT 0x4c41524745000000ull /* "LARGE": large tags differ from small ones */

static uint64_t obj_tag(uint64_t slot, int large)
{
    uint64_t x = slot ^ (large ? LARGE_TAG_SALT : 0);
    return mmb_splitmix64(&x);
}

/* Slot index in the first payload word, tag in the last. */
static void tag_obj(mmb_obj *o, uint32_t slot, int large)
{
    uint64_t t = obj_tag(slot, large);
    mmb_set_word(o, 0, slot);
    __builtin_memcpy(mmb_payload(o) + o->nbytes - 8, &t, 8);
}

static int obj_ok(mmb_obj *o, uint32_t slot, int large)
{
    if (!o || o->nslots != 0 || mmb_get_word(o, 0) != slot)
        return 0;
    uint64_t t;
    __builtin_memcpy(&t, mmb_payload(o) + o->nbytes - 8, 8);
    return t == obj_tag(slot, large);
}

static void alloc_small(mmb_heap *h, mmb_rng *rng, mmb_obj **arr, uint32_t count, uint64_t lo,
                        uint64_t hi)
{
    for (uint32_t i = 0; i < count; i++) {
        mmb_new_slot(h, arr, i, 0, (uint32_t)(lo + mmb_rng_below(rng, hi - lo + 1)));
        tag_obj(mmb_load(*arr, i), i, 0);
    }
}

/* Free the odd slots; returns the bytes freed (object sizes, header and
 * all, as the managers count them). */
static uint64_t free_odd(mmb_heap *h, mmb_obj *arr, uint32_t count)
{
    uint64_t bytes = 0;
    for (uint32_t i = 1; i < count; i += 2) {
        mmb_obj *o = mmb_load(arr, i);
        bytes += mmb_obj_size(0, o->nbytes);
        mmb_dispose_slot(h, arr, i);
    }
    return bytes;
}

/* As many large objects as `bytes` holds, into slots 1, 3, 5, ... */
static uint32_t alloc_large(mmb_heap *h, mmb_obj **arr, uint32_t count, uint64_t bytes, uint32_t size)
{
    uint64_t n = bytes / mmb_obj_size(0, size);
    if (n > count / 2)
        n = count / 2;
    for (uint32_t k = 0; k < n; k++) {
        mmb_new_slot(h, arr, 2 * k + 1, 0, size);
        tag_obj(mmb_load(*arr, 2 * k + 1), 2 * k + 1, 1);
    }
    return (uint32_t)n;
}

static int verify(mmb_obj *arr, uint32_t count, uint32_t nlarge)
{
    for (uint32_t i = 0; i < count; i += 2)
        if (!obj_ok(mmb_load(arr, i), i, 0))
            return 0;
    for (uint32_t i = 1; i < count; i += 2) {
        int ok = i < 2 * nlarge + 1 ? obj_ok(mmb_load(arr, i), i, 1) : !mmb_load(arr, i);
        if (!ok)
            return 0;
    }
    return 1;
}

MMB_WORKLOAD(fragment)
{
    uint32_t count = (uint32_t)mmb_opt_int(ctx->opts, "count");
    uint64_t lo = (uint64_t)mmb_opt_int(ctx->opts, "min-size");
    uint64_t hi = (uint64_t)mmb_opt_int(ctx->opts, "max-size");
    uint32_t large = (uint32_t)mmb_opt_int(ctx->opts, "large-size");
    if (hi < lo)
        hi = lo;
    mmb_rng rng;
    mmb_rng_seed(&rng, ctx->seed);
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *arr = NULL;
    mmb_root_push(h, &arr);
    mmb_new(h, &arr, count, 0);
    mmb_metrics_begin();
    alloc_small(h, &rng, &arr, count, lo, hi);
    uint64_t freed = free_odd(h, arr, count);
    uint32_t nlarge = alloc_large(h, &arr, count, freed, large);
    mmb_metrics_end();
    mmb_metrics_g.ops = (uint64_t)count + count / 2 + nlarge;
    int ok = verify(arr, count, nlarge);
    mmb_dispose(h, &arr);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
