/* bench/churn_tags.h: how churn checks its blocks, apart so that the tests
 * can show the check catches what it is for.
 *
 * Every block carries a tag at both ends (one word when they would
 * overlap). A running checksum, the XOR of the tags of the live blocks,
 * takes a tag in when its block is written and out when the block is freed,
 * reading it from the block's first word (a line the free reads anyway).
 * At the end, every live block must carry the same tag at both ends and
 * their tags must fold to the checksum. A block handed out twice, written
 * over by a neighbour, or written after its free breaks one or the other.
 * (A side table of expected tags cost pool 15% of its churn step: one
 * random store per step into an 80 KB table.)
 */
#ifndef MMB_CHURN_TAGS_H
#define MMB_CHURN_TAGS_H

#include <stdint.h>

#include "mmb/object.h"

typedef struct mmb_tagsum {
    uint64_t seq; /* the last tag handed out */
    uint64_t sum; /* XOR of the tags of the blocks live now */
} mmb_tagsum;

/* Tag the block o, of nbytes >= 8 payload bytes, with a fresh tag. */
static inline void mmb_tag_block(mmb_tagsum *t, mmb_obj *o, uint32_t nbytes)
{
    uint64_t tag = t->seq += 0x9e3779b97f4a7c15ull; /* distinct per block */
    mmb_set_word(o, 0, tag);
    if (nbytes >= 16)
        __builtin_memcpy(mmb_payload(o) + nbytes - 8, &tag, 8);
    t->sum ^= tag;
}

/* The block o is about to be freed: its tag leaves the checksum. */
static inline void mmb_untag_block(mmb_tagsum *t, mmb_obj *o)
{
    t->sum ^= mmb_get_word(o, 0);
}

/* Whether the blocks in arr's slots are exactly the tagged, live ones:
 * each with one tag at both ends, the tags folding to t->sum. */
static inline int mmb_tags_verify(mmb_obj *arr, const mmb_tagsum *t)
{
    uint64_t sum = t->sum;
    int bad = 0;
    for (uint32_t i = 0; i < arr->nslots; i++) {
        mmb_obj *o = mmb_load(arr, i);
        uint64_t first = mmb_get_word(o, 0), last = first;
        if (o->nbytes >= 16)
            __builtin_memcpy(&last, mmb_payload(o) + o->nbytes - 8, 8);
        bad |= first != last;
        sum ^= first;
    }
    return !bad && sum == 0;
}

#endif
