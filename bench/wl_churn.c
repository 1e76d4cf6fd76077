/* bench/wl_churn.c: steady-state allocation churn.
 *
 * `live` blocks of random payload size in [min-size, max-size] (each block is
 * an object with no slots; the object model adds its 16-byte header) are held
 * in one rooted array object; then each of `steps` steps frees a random block
 * and allocates a new one in its place. This is the allocator's workload: it
 * measures the alloc/free fast paths and how well freed memory is reused,
 * so the step's own work is kept small beside theirs: with an allocator
 * that does nothing the step takes about 8 ns here; glibc adds about 16 ns
 * to that, pool about 3.
 * The victim of each step is chosen PREFETCH_AHEAD steps ahead and
 * prefetched: a program that frees an object has usually just used it, and
 * a cache miss on a random victim would otherwise dominate every
 * allocator's time alike, hiding the differences this workload exists to
 * show. Every block carries a tag at both ends, checked as churn_tags.h
 * says. */
#include "churn_tags.h"
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
    mmb_wy rng;
    uint64_t lo, span;
    mmb_tagsum tags;
} churn;

/* One random draw per step gives both the size (low half) and the next
 * victim (high half). `pareto` is a constant where the step is inlined,
 * so the uniform loop carries no test for it. */
MMB_ALWAYS_INLINE uint32_t block_size(const churn *c, uint64_t r, int pareto)
{
    uint64_t low = r & 0xffffffffu;
    if (pareto)
        return (uint32_t)mmb_pareto_of_unit((double)low * 0x1.0p-32, c->lo, c->lo + c->span - 1,
                                            PARETO_SHAPE);
    return (uint32_t)(c->lo + ((low * c->span) >> 32));
}

static uint32_t pick(uint64_t r, uint32_t live)
{
    return (uint32_t)(((r >> 32) * live) >> 32);
}

/* Put a new tagged block of a size drawn from r in the empty slot i. */
MMB_ALWAYS_INLINE void fill(mmb_heap *h, churn *c, mmb_obj **arr, uint32_t i, uint64_t r,
                            int pareto)
{
    uint32_t nbytes = block_size(c, r, pareto);
    mmb_new_slot(h, arr, i, 0, nbytes);
    mmb_tag_block(&c->tags, mmb_load(*arr, i), nbytes);
}

/* Free the block in slot i (its tag leaves the checksum) and put a new
 * one there. */
MMB_ALWAYS_INLINE void replace(mmb_heap *h, churn *c, mmb_obj **arr, uint32_t i, uint64_t r,
                               int pareto)
{
    mmb_untag_block(&c->tags, mmb_load(*arr, i)); /* every slot holds a block */
    mmb_dispose_slot(h, *arr, i);
    fill(h, c, arr, i, r, pareto);
}

/* The timed steps; inlined once per distribution so that each loop is
 * straight-line code for its own. */
MMB_ALWAYS_INLINE void run_steps(mmb_heap *h, churn *c, mmb_obj **arr, uint32_t live,
                                 int64_t steps, int pareto)
{
    uint32_t ahead[PREFETCH_AHEAD];
    for (int k = 0; k < PREFETCH_AHEAD; k++)
        ahead[k] = pick(mmb_wy_next(&c->rng), live);
    churn cl = *c; /* in registers for the loop */
    for (int64_t s = 0; s < steps; s++) {
        uint64_t r = mmb_wy_next(&cl.rng);
        uint32_t next = pick(r, live), k = (uint32_t)s % PREFETCH_AHEAD;
        __builtin_prefetch(mmb_load(*arr, next), 1);
        replace(h, &cl, arr, ahead[k], r, pareto);
        ahead[k] = next;
    }
    *c = cl;
}

MMB_WORKLOAD(churn)
{
    uint64_t lo = (uint64_t)mmb_opt_int(ctx->opts, "min-size");
    uint64_t hi = (uint64_t)mmb_opt_int(ctx->opts, "max-size");
    int pareto = mmb_opt_int(ctx->opts, "dist") == 1;
    churn c = {.rng = {ctx->seed}, .lo = lo, .span = hi < lo ? 1 : hi - lo + 1,
               .tags = {.seq = ctx->seed}};
    uint32_t live = (uint32_t)mmb_opt_int(ctx->opts, "live");
    int64_t steps = mmb_opt_int(ctx->opts, "steps");
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *arr = NULL;
    mmb_root_push(h, &arr);
    mmb_new(h, &arr, live, 0);
    for (uint32_t i = 0; i < live; i++)
        fill(h, &c, &arr, i, mmb_wy_next(&c.rng), pareto);
    mmb_metrics_begin();
    if (pareto)
        run_steps(h, &c, &arr, live, steps, 1);
    else
        run_steps(h, &c, &arr, live, steps, 0);
    mmb_metrics_end();
    mmb_metrics_g.ops = (uint64_t)steps;
    int ok = mmb_tags_verify(arr, &c.tags);
    mmb_dispose(h, &arr);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
