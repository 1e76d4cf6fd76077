/* lib/gc/gen.c: the `gen` heap: set-up from the options, the allocation slow
 * path, and the policy that decides between a minor and a major collection
 * (gen.h describes the design, gen_internal.h the files). */
#include <stdlib.h>
#include <sys/mman.h>

#include "gc/gen_internal.h"
#include "mmb/collector.h"

#define MMB_GEN_MIB (1024.0 * 1024.0)

static const mmb_optdesc gen_opts[] = {
    {"nursery", MMB_OPT_SIZE, 4 * MMB_GEN_MIB, 64 * 1024, 1024 * MMB_GEN_MIB, NULL,
     "eden bytes (objects are bump-allocated there; each survivor space is a quarter of it)"},
    {"promote-age", MMB_OPT_INT, 2, 1, MMB_GEN_MAX_AGE, NULL,
     "minor collections an object survives before it is promoted to the old generation"},
    {"growth", MMB_OPT_DOUBLE, 2.0, 1.0, 100.0, NULL,
     "major collection when old live bytes pass growth x those after the last major"},
    {"barrier", MMB_OPT_ENUM, 0, 0, 1, "remset|card",
     "record of old-to-young pointers: remembered set of objects, or card table"},
    {0},
};

const mmb_gc_desc mmb_gc_desc_gen = {
    "gen", "generational: copying nursery with ageing, mark-sweep old generation",
    gen_opts, 0, 2,
};

/* An option's value from the run, or its default when the run's tables lack
 * it (tests may create a heap with no options at all). */
static double opt(const mmb_run_ctx *ctx, const char *name)
{
    if (ctx && ctx->opts && mmb_opt_has(ctx->opts, name))
        return mmb_opt_get(ctx->opts, name);
    for (const mmb_optdesc *d = gen_opts; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d->def;
    abort();
}

/* Eden bytes: the option, capped under heap-limit so that the young
 * generation (eden and two survivor spaces) takes at most 1/MMB_GEN_LIMIT_YOUNG_DIV
 * of the limit, and never below the option's minimum. */
static size_t eden_bytes(const mmb_run_ctx *ctx)
{
    size_t eden = (size_t)opt(ctx, "nursery");
    uint64_t limit = mmb_metrics_g.heap_limit;
    if (limit) {
        uint64_t cap = limit / MMB_GEN_LIMIT_YOUNG_DIV * MMB_GEN_SURVIVOR_DIV / (MMB_GEN_SURVIVOR_DIV + 2);
        if (eden > cap)
            eden = cap > gen_opts[0].min ? (size_t)cap : (size_t)gen_opts[0].min;
    }
    return (eden + MMB_GEN_OS_PAGE - 1) & ~(MMB_GEN_OS_PAGE - 1);
}

/* One mapping for eden and both survivor spaces, so the young test is one
 * range check. */
static void map_young(mmb_heap *h, size_t eden)
{
    size_t surv = (eden / MMB_GEN_SURVIVOR_DIV + MMB_GEN_OS_PAGE - 1) & ~(MMB_GEN_OS_PAGE - 1);
    size_t total = eden + 2 * surv;
    if (mmb_heap_limit_exceeded(total))
        mmb_oom("gen", total);
    uint8_t *p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        mmb_oom("gen", total);
    mmb_acct_heap((int64_t)total);
    h->eden_lo = h->top = p;
    h->limit = p + eden;
    for (int i = 0; i < 2; i++) {
        uint8_t *lo = p + eden + (size_t)i * surv;
        h->surv[i] = (mmb_gen_space){lo, lo, lo + surv};
    }
    h->young_lo = (uintptr_t)p;
    h->young_span = total;
    h->large_min = eden / MMB_GEN_LARGE_DIV;
}

mmb_heap *mmb_gen_create(const mmb_run_ctx *ctx)
{
    mmb_heap *h = calloc(1, sizeof *h);
    mmb_gen_old *old = calloc(1, sizeof *old);
    if (!h || !old)
        mmb_oom("gen heap", sizeof *h + sizeof *old);
    mmb_gen_old_init(old);
    h->old = old;
    mmb_roots_init(&h->roots);
    map_young(h, eden_bytes(ctx));
    h->promote_age = (unsigned)opt(ctx, "promote-age");
    h->growth = opt(ctx, "growth");
    h->card_mode = (int)opt(ctx, "barrier") == 1;
    h->major_target = MMB_GEN_MIN_MAJOR_BYTES;
    mmb_metrics_g.ngens = 2;
    return h;
}

void mmb_gen_destroy(mmb_heap *h)
{
    size_t young = h->young_span;
    munmap((void *)h->young_lo, young);
    mmb_acct_heap(-(int64_t)young);
    mmb_gen_old_destroy(h->old);
    free(h->old);
    mmb_roots_free(&h->roots);
    mmb_objstack_free(&h->remset);
    mmb_objstack_free(&h->remset_spare);
    mmb_objstack_free(&h->gray);
    free(h);
}

/* Under heap-limit, whether promoting everything young (with size-class
 * rounding, up to 1/4 more, and partly filled pages) could pass the limit: a
 * minor cannot stop half-way to collect, so the policy runs a major first. */
static int promotion_may_fail(const mmb_heap *h)
{
    if (!mmb_metrics_g.heap_limit)
        return 0;
    const mmb_gen_space *from = &h->surv[h->from];
    uint64_t young = (uint64_t)(h->top - h->eden_lo) + (uint64_t)(from->top - from->lo);
    return mmb_heap_limit_exceeded(young + young / 4 + MMB_GEN_PROMOTE_SLACK);
}

/* A minor collection, preceded by a major if heap-limit requires it. */
static void minor_safely(mmb_heap *h, mmb_obj **extra)
{
    if (promotion_may_fail(h))
        mmb_gen_major(h, extra);
    mmb_gen_minor(h, extra);
}

/* Eden is full: a minor, then a major if promotion took the old
 * generation past its target. */
static void collect_young(mmb_heap *h, mmb_obj **extra)
{
    minor_safely(h, extra);
    if (h->old->bytes > h->major_target)
        mmb_gen_major(h, extra);
}

/* A block for a large object: a major first if it would take the old
 * generation past its target, and again (the "collect, then fail" rule)
 * if the memory is not there. */
static mmb_obj *old_block(mmb_heap *h, size_t size, mmb_obj **extra)
{
    if (h->old->bytes + size > h->major_target)
        mmb_gen_major(h, extra);
    mmb_obj *o = mmb_gen_old_alloc(h->old, size);
    if (!o) {
        mmb_gen_major(h, extra);
        o = mmb_gen_old_alloc(h->old, size);
    }
    if (!o)
        mmb_oom("gen", size);
    return o;
}

/* Out of line: eden is full, or the object is large (>= large_min bytes,
 * allocated old at once rather than copied up to promote-age times). */
mmb_obj *mmb_gen_alloc_slow(mmb_heap *h, uint32_t nslots, uint32_t nbytes, mmb_obj **extra,
                            const mmb_site *site)
{
    size_t size = mmb_obj_size(nslots, nbytes);
    mmb_obj *o;
    if (size >= h->large_min) {
        o = old_block(h, size, extra);
        o->nslots = nslots;
        o->nbytes = nbytes;
        o->meta = MMB_GEN_OLD;
        memset(o->slot, 0, (size_t)nslots * sizeof(mmb_obj *));
        mmb_acct_alloc_obj(o, size, site);
        return o;
    }
    collect_young(h, extra);
    o = (mmb_obj *)h->top;
    h->top += MMB_GEN_ROUND(size);
    mmb_gen_init_young(h, o, nslots, nbytes, size, site);
    return o;
}

/* generation 0: a minor collection (and a major if the policy says so);
 * anything else: a full one, minor then major, after which the live count
 * is exact. */
void mmb_gen_collect(mmb_heap *h, int generation)
{
    if (generation == 0) {
        collect_young(h, NULL);
        return;
    }
    minor_safely(h, NULL);
    mmb_gen_major(h, NULL);
}

size_t mmb_gen_live_objects(const mmb_heap *h)
{
    return h->young_objs + h->old->objs;
}
