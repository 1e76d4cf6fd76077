/* lib/gc/gen_remset.c: recording old objects that point to young ones.
 *
 * The barrier (mmb_store in gen.h) calls mmb_gen_remember the first time an
 * old object gets a young pointer; REM in meta makes every later store into
 * that object stay on the inline path until the next minor collection, which
 * takes the record, clears REM, and records again the objects that still
 * point to survivors. */
#include "gc/gen_internal.h"

/* The barrier's slow path: an append (remset) or a card byte (card), once
 * per old object per minor cycle. */
void mmb_gen_remember(mmb_heap *h, mmb_obj *o)
{
    MMB_GEN_ASSERT(o->meta & MMB_GEN_OLD);
    o->meta |= MMB_GEN_REM;
    if (h->card_mode)
        mmb_gen_card_mark(o);
    else
        mmb_objstack_push(&h->remset, o);
}

/* Swap the vectors rather than copy: the minor reads the old record while
 * mmb_gen_remember builds the new one. */
void mmb_gen_remset_take(mmb_heap *h, mmb_objstack *out)
{
    MMB_GEN_ASSERT(out->n == 0);
    if (h->card_mode) {
        mmb_gen_cards_take(h->old, out);
        return;
    }
    mmb_objstack tmp = *out;
    *out = h->remset;
    h->remset = tmp;
}

/* Between mark and sweep every live old object has MARK: entries without it
 * are about to be freed and must not be scanned by the next minor. (Card
 * mode needs nothing: a freed block has meta 0, which the card scan skips.) */
void mmb_gen_remset_prune(mmb_heap *h)
{
    if (h->card_mode)
        return;
    size_t keep = 0;
    for (size_t i = 0; i < h->remset.n; i++) {
        mmb_obj *o = h->remset.v[i];
        if (o->meta & MMB_GEN_MARK)
            h->remset.v[keep++] = o;
    }
    h->remset.n = keep;
}
