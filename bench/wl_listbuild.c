/* bench/wl_listbuild.c: a list versus a generator.
 *
 * Python's sum([i for i in range(n)]) against sum(i for i in range(n)): the
 * same n small int objects (no slots, an 8-byte payload holding the value)
 * are summed either after materialising them all in one array object of n
 * slots (mode=materialise: n objects live at once, then the list is freed)
 * or one at a time, each freed as soon as it is added (mode=stream: one
 * object live). The time differs a little; peak_live_bytes differs by the
 * size of the list, which is the point (about n x 32 bytes against 24). Under
 * a tracing collector, garbage counts as live until a collection reclaims it,
 * so stream's peak there is set by the heap size rather than by the program.
 *
 * Verification: the sum is n(n-1)/2. */
#include "workload.h"

static const mmb_optdesc listbuild_opts[] MMB_OPTTABLE = {
    {"mode", MMB_OPT_ENUM, 0, 0, 1, "materialise|stream",
     "materialise: build all n in one array, then sum; stream: create, add and free one at a time"},
    {"n", MMB_OPT_INT, 1000000, 1, 1e9, NULL, "int objects created and summed (ops)"},
    {0},
};

MMB_WORKLOAD_DESC(listbuild, "sum n int objects built into a list, or streamed one at a time",
                  listbuild_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define INT_BYTES 8 /* payload of one int object: its value */

/* [i for i in range(n)], summed, then the list dropped: the list owns its
 * ints, so disposing it frees them all (manual) or releases them (rc). */
static uint64_t sum_materialised(mmb_heap *h, uint32_t n)
{
    mmb_obj *list = NULL;
    mmb_root_push(h, &list);
    mmb_new(h, &list, n, 0);
    for (uint32_t i = 0; i < n; i++) {
        mmb_new_slot(h, &list, i, 0, INT_BYTES);
        mmb_set_word(mmb_load(list, i), 0, i);
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += mmb_get_word(mmb_load(list, i), 0);
    mmb_dispose(h, &list);
    mmb_root_pop(h, 1);
    return sum;
}

/* (i for i in range(n)): each int is created, added and freed. */
static uint64_t sum_streamed(mmb_heap *h, uint32_t n)
{
    mmb_obj *item = NULL;
    mmb_root_push(h, &item);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        mmb_new(h, &item, 0, INT_BYTES);
        mmb_set_word(item, 0, i);
        sum += mmb_get_word(item, 0);
        mmb_dispose(h, &item);
    }
    mmb_root_pop(h, 1);
    return sum;
}

MMB_WORKLOAD(listbuild)
{
    int stream = mmb_opt_int(ctx->opts, "mode") == 1;
    uint32_t n = (uint32_t)mmb_opt_int(ctx->opts, "n");
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_metrics_begin();
    uint64_t sum = stream ? sum_streamed(h, n) : sum_materialised(h, n);
    mmb_metrics_end();
    mmb_metrics_g.ops = n;
    mmb_heap_destroy(h);
    return sum == (uint64_t)n * (n - 1) / 2 ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
