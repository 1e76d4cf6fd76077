/* bench/wl_deep.c: one very long chain, dropped at once.
 *
 * A chain of `length` objects (one slot pointing at the next, an 8-byte
 * payload holding the position) is built front to back, then its head is
 * disposed of and a full collection runs. Whatever frees or traces the chain
 * must not recurse: at length=10M a recursive release (rc's cascade), a
 * recursive dispose (manual) or a recursive mark blows the C stack.
 * shape=tree makes it a tree of depth `length`: every link also holds a leaf
 * in its last slot, so a traversal that loops only along the last slot of an
 * object (and recurses into the others) is caught too. The
 * timed region covers building, the drop (rc: one cascade of `length`
 * frees, the longest pause of any workload) and the collection.
 *
 * ops = links in the chain. Verification (after timing): the chain had
 * `length` links (and leaves), and after the drop and a full collection
 * mmb_live_objects() is back to what it was before the chain.
 */
#include "workload.h"

static const mmb_optdesc deep_opts[] MMB_OPTTABLE = {
    {"length", MMB_OPT_INT, 1000000, 1, 100000000, NULL, "links in the chain (ops)"},
    {"shape", MMB_OPT_ENUM, 0, 0, 1, "chain|tree",
     "chain: one slot per link; tree: each link also holds a leaf in its last slot (depth length)"},
    {0},
};

MMB_WORKLOAD_DESC(deep, "a chain of length objects built, then dropped at once (no recursion allowed)",
                  deep_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define LINK_BYTES 8 /* payload: the position in the chain */

/* With shape=tree: a leaf holding k into slot 1 of the link in the rooted
 * handle *link. */
static void add_leaf(mmb_heap *h, mmb_obj **link, uint32_t nslots, uint64_t k)
{
    if (nslots < 2)
        return;
    mmb_new_slot(h, link, 1, 0, LINK_BYTES);
    mmb_set_word(mmb_load(*link, 1), 0, k);
}

/* Build the chain of links with nslots slots (slot 0 the next link) into the
 * empty handle *head; *tail is the rooted cursor each new link is allocated
 * behind. Returns whether the last link is where it should be. */
static int build_chain(mmb_heap *h, mmb_obj **head, mmb_obj **tail, uint64_t length,
                       uint32_t nslots)
{
    mmb_new(h, head, nslots, LINK_BYTES);
    mmb_set_word(*head, 0, 0);
    add_leaf(h, head, nslots, 0);
    mmb_assign(h, tail, *head);
    for (uint64_t k = 1; k < length; k++) {
        mmb_new_slot(h, tail, 0, nslots, LINK_BYTES);
        mmb_assign(h, tail, mmb_load(*tail, 0));
        mmb_set_word(*tail, 0, k);
        add_leaf(h, tail, nslots, k);
    }
    int ok = mmb_get_word(*tail, 0) == length - 1 && mmb_load(*tail, 0) == NULL;
    mmb_drop(h, tail);
    return ok;
}

MMB_WORKLOAD(deep)
{
    uint64_t length = (uint64_t)mmb_opt_int(ctx->opts, "length");
    uint32_t nslots = 1 + (uint32_t)mmb_opt_int(ctx->opts, "shape"); /* tree: a leaf too */
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *head = NULL, *tail = NULL;
    mmb_root_push(h, &head);
    mmb_root_push(h, &tail);
    size_t before = mmb_live_objects(h);

    mmb_metrics_begin();
    int ok = build_chain(h, &head, &tail, length, nslots);
    size_t with_chain = mmb_live_objects(h);
    mmb_dispose(h, &head);
    mmb_collect(h, -1);
    mmb_metrics_end();
    mmb_metrics_g.ops = length;

    /* a conservative collector (bdw) may keep a dropped chain: a bound there */
    size_t after = mmb_live_objects(h);
    ok = ok && with_chain >= before + length * nslots && (MMB_GC_EXACT_LIVE ? after == before : after >= before);
    mmb_root_pop(h, 2);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
