/* lib/gc/gen_card.c: the card-table record of old-to-young pointers
 * (-o barrier=card).
 *
 * Every old mapping carries one byte per MMB_GEN_CARD bytes (in its page header).
 * The barrier dirties the card where the recorded object starts (and the
 * page's summary byte); a minor collection walks every page of the old
 * generation (a cost proportional to its size, where the remembered set costs
 * only what was recorded), the cards of the dirty ones, and takes the REM
 * objects that start in dirty cards. Compared with the remembered set: no
 * vector to grow, but a walk of the whole table at every minor and of every
 * block header in a dirty card. */
#include "gc/gen_internal.h"

void mmb_gen_card_mark(const mmb_obj *o)
{
    mmb_gen_page *pg = mmb_gen_page_of(o);
    pg->cards[((uintptr_t)o - (uintptr_t)pg) >> MMB_GEN_CARD_SHIFT] = 1;
    pg->dirty = 1;
}

/* Index of the first block starting at or after byte offset `off`. */
static uint32_t block_at_or_after(const mmb_gen_page *pg, size_t off)
{
    if (off <= MMB_GEN_PAGE_HDR)
        return 0;
    size_t i = (off - MMB_GEN_PAGE_HDR + pg->block - 1) / pg->block;
    return i < pg->bump ? (uint32_t)i : pg->bump;
}

/* Clean card c and take the recorded objects that start in it. A block that
 * is free (meta 0) or was allocated after the record (no REM) is skipped. */
static void take_card(mmb_gen_page *pg, size_t c, mmb_objstack *out)
{
    pg->cards[c] = 0;
    uint32_t end = block_at_or_after(pg, (c + 1) << MMB_GEN_CARD_SHIFT);
    for (uint32_t i = block_at_or_after(pg, c << MMB_GEN_CARD_SHIFT); i < end; i++) {
        mmb_obj *b = (mmb_obj *)mmb_gen_block(pg, i);
        if ((b->meta & (MMB_GEN_OLD | MMB_GEN_REM)) == (MMB_GEN_OLD | MMB_GEN_REM))
            mmb_objstack_push(out, b);
    }
}

void mmb_gen_cards_take(mmb_gen_old *old, mmb_objstack *out)
{
    for (mmb_gen_page *pg = old->pages; pg; pg = pg->next) {
        if (!pg->dirty)
            continue;
        pg->dirty = 0;
        for (size_t c = 0; c < MMB_GEN_NCARDS; c++)
            if (pg->cards[c])
                take_card(pg, c, out);
    }
}
