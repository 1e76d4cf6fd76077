/* bench/wl_churn.c: steady-state allocation churn.
 *
 * `live` blocks of random payload size in [min-size, max-size] (each block is
 * an object with no slots; the object model adds its 16-byte header) are held
 * in one rooted array object; then each of `steps` steps frees a random block
 * and allocates a new one in its place. This is the allocator's workload: it
 * measures the alloc/free fast paths and how well freed memory is reused.
 * The victim of each step is chosen PREFETCH_AHEAD steps ahead and prefetched: a program
 * that frees an object has usually just used it, and a cache miss on a random
 * victim would otherwise dominate every allocator's time alike, hiding the
 * differences this workload exists to show.
 * Every block carries a tag at both ends, remembered in a side table (so a
 * step never reads the block it is about to free: that load would be the
 * workload's cost, not the allocator's) and checked after the timed region. */
#include <stdlib.h>

#include "workload.h"

static const mmb_optdesc churn_opts[] MMB_OPTTABLE = {
    {"live", MMB_OPT_INT, 10000, 1, 100000000, NULL, "blocks alive at any time"},
    {"steps", MMB_OPT_INT, 10000000, 0, 1e12, NULL, "free-one-allocate-one steps (ops)"},
    {"min-size", MMB_OPT_SIZE, 8, 8, 1 << 30, NULL, "smallest block payload, bytes"},
    {"max-size", MMB_OPT_SIZE, 512, 8, 1 << 30, NULL, "largest block payload, bytes"},
    {"dist", MMB_OPT_ENUM, 0, 0, 1, "uniform|pareto", "block size distribution"},
    {0},
};

MMB_WORKLOAD_DESC(churn, "free a random block, allocate a random-size one, repeat",
                  churn_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define PREFETCH_AHEAD 8   /* steps between choosing a victim and freeing it */
#define PARETO_SHAPE 1.2 /* heavy tail: most blocks small, a few near max-size */

typedef struct churn {
    mmb_rng rng;
    uint64_t lo, hi, tagseq;
    uint64_t *tags; /* tags[i]: the tag of the block in slot i */
    int pareto;
} churn;

/* One random draw per step gives both the size (low half) and the next
 * victim (high half): the workload's own cost stays small beside the
 * allocator's (callgrind: about 25 instructions of the step are the draw). */
static uint32_t block_size(churn *c, uint64_t r)
{
    if (c->pareto)
        return (uint32_t)mmb_rng_pareto(&c->rng, c->lo, c->hi, PARETO_SHAPE);
    return (uint32_t)(c->lo + (((r & 0xffffffffu) * (c->hi - c->lo + 1)) >> 32));
}

static uint32_t pick(uint64_t r, uint32_t live)
{
    return (uint32_t)(((r >> 32) * live) >> 32);
}

/* The tag goes in the first and last payload word (one word when they
 * would overlap): touching both ends is what
 * a real user of the block would do, and catches overlapping blocks. */
static void tag_block(churn *c, mmb_obj *o, uint32_t i)
{
    uint64_t t = c->tagseq += 0x9e3779b97f4a7c15ull; /* distinct per block */
    mmb_set_word(o, 0, t);
    if (o->nbytes >= 16)
        __builtin_memcpy(mmb_payload(o) + o->nbytes - 8, &t, 8);
    c->tags[i] = t;
}

static uint64_t block_tag(mmb_obj *o, int *bad)
{
    uint64_t a = mmb_get_word(o, 0), b = a;
    if (o->nbytes >= 16)
        __builtin_memcpy(&b, mmb_payload(o) + o->nbytes - 8, 8);
    *bad |= a != b;
    return a;
}

static inline __attribute__((always_inline)) void replace(mmb_heap *h, churn *c, mmb_obj **arr, uint32_t i,
                                                           uint64_t r)
{
    mmb_dispose_slot(h, *arr, i);
    mmb_new_slot(h, arr, i, 0, block_size(c, r));
    tag_block(c, mmb_load(*arr, i), i);
}

static int verify(mmb_obj *arr, const uint64_t *tags)
{
    int bad = 0;
    for (uint32_t i = 0; i < arr->nslots; i++)
        bad |= block_tag(mmb_load(arr, i), &bad) != tags[i];
    return !bad;
}

MMB_WORKLOAD(churn)
{
    churn c = {.lo = (uint64_t)mmb_opt_int(ctx->opts, "min-size"),
               .hi = (uint64_t)mmb_opt_int(ctx->opts, "max-size"),
               .pareto = mmb_opt_int(ctx->opts, "dist") == 1,
               .tagseq = ctx->seed};
    if (c.hi < c.lo)
        c.hi = c.lo;
    mmb_rng_seed(&c.rng, ctx->seed);
    uint32_t live = (uint32_t)mmb_opt_int(ctx->opts, "live");
    int64_t steps = mmb_opt_int(ctx->opts, "steps");
    c.tags = calloc(live, sizeof *c.tags);
    if (!c.tags)
        mmb_oom("churn tag table", (uint64_t)live * sizeof *c.tags);
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *arr = NULL;
    mmb_root_push(h, &arr);
    mmb_new(h, &arr, live, 0);
    for (uint32_t i = 0; i < live; i++)
        replace(h, &c, &arr, i, mmb_rng_next(&c.rng));
    uint32_t ahead[PREFETCH_AHEAD];
    for (int k = 0; k < PREFETCH_AHEAD; k++)
        ahead[k] = pick(mmb_rng_next(&c.rng), live);
    mmb_metrics_begin();
    for (int64_t s = 0; s < steps; s++) {
        uint64_t r = mmb_rng_next(&c.rng);
        uint32_t next = pick(r, live), k = (uint32_t)s % PREFETCH_AHEAD;
        __builtin_prefetch(mmb_load(arr, next), 1);
        replace(h, &c, &arr, ahead[k], r);
        ahead[k] = next;
    }
    mmb_metrics_end();
    mmb_metrics_g.ops = (uint64_t)steps;
    int ok = verify(arr, c.tags);
    free(c.tags);
    mmb_dispose(h, &arr);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
