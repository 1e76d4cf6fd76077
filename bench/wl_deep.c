/* bench/wl_deep.c: one very long chain, dropped at once.
 *
 * A chain of `length` objects (one slot pointing at the next, an 8-byte
 * payload holding the position) is built front to back, then its head is
 * disposed of and a full collection runs. Whatever frees or traces the chain
 * must not recurse: at length=10M a recursive release (rc's cascade), a
 * recursive dispose (manual) or a recursive mark blows the C stack. The
 * timed region covers building, the drop (rc: one cascade of `length`
 * frees, the longest pause of any workload) and the collection.
 *
 * ops = objects in the chain. Verification (after timing): the chain had
 * `length` objects, and after the drop and a full collection mmb_live_objects()
 * is back to what it was before the chain.
 */
#include "workload.h"

static const mmb_optdesc deep_opts[] MMB_OPTTABLE = {
    {"length", MMB_OPT_INT, 1000000, 1, 100000000, NULL, "objects in the chain (ops)"},
    {0},
};

MMB_WORKLOAD_DESC(deep, "a chain of length objects built, then dropped at once (no recursion allowed)",
                  deep_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define LINK_BYTES 8 /* payload: the position in the chain */

/* Build the chain into the empty handle *head; *tail is the rooted cursor
 * each new object is allocated behind. Returns whether the last object is
 * where it should be. */
static int build_chain(mmb_heap *h, mmb_obj **head, mmb_obj **tail, uint64_t length)
{
    mmb_new(h, head, 1, LINK_BYTES);
    mmb_set_word(*head, 0, 0);
    mmb_assign(h, tail, *head);
    for (uint64_t k = 1; k < length; k++) {
        mmb_new_slot(h, tail, 0, 1, LINK_BYTES);
        mmb_assign(h, tail, mmb_load(*tail, 0));
        mmb_set_word(*tail, 0, k);
    }
    int ok = mmb_get_word(*tail, 0) == length - 1 && mmb_load(*tail, 0) == NULL;
    mmb_drop(h, tail);
    return ok;
}

MMB_WORKLOAD(deep)
{
    uint64_t length = (uint64_t)mmb_opt_int(ctx->opts, "length");
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *head = NULL, *tail = NULL;
    mmb_root_push(h, &head);
    mmb_root_push(h, &tail);
    size_t before = mmb_live_objects(h);

    mmb_metrics_begin();
    int ok = build_chain(h, &head, &tail, length);
    size_t with_chain = mmb_live_objects(h);
    mmb_dispose(h, &head);
    mmb_collect(h, -1);
    mmb_metrics_end();
    mmb_metrics_g.ops = length;

    ok = ok && with_chain >= before + length && mmb_live_objects(h) == before;
    mmb_root_pop(h, 2);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
