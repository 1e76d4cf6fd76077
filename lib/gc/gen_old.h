/* lib/gc/gen_old.h: the old generation of `gen`: a non-moving mark-sweep
 * space of size-classed blocks, private to the gen collector.
 *
 * Memory comes from the OS in MMB_GEN_PAGE-aligned mappings, each starting
 * with an mmb_gen_page header:
 *  - a small page (MMB_GEN_PAGE bytes) holds blocks of one size class: 16 to
 *    128 bytes by 16, then four classes per doubling up to MMB_GEN_SMALL_MAX
 *    (above 128 bytes at most a fifth of a block is lost to rounding);
 *  - a large mapping holds one object bigger than MMB_GEN_SMALL_MAX.
 * Every object starts within the first MMB_GEN_PAGE bytes of its mapping, so
 * its header (and card table) is at (address & ~(MMB_GEN_PAGE - 1)).
 *
 * Block states (a block in [0, bump) of its page):
 *   allocated: an mmb_obj whose meta has MMB_GEN_OLD;
 *   free:      word 0 links the page's free list, meta (word 1) is 0.
 * Blocks at or above `bump` have not been handed out since the page was set
 * up (a reused empty page may hold anything there): they are never read.
 */
#ifndef MMB_GC_GEN_OLD_H
#define MMB_GC_GEN_OLD_H

#include <stddef.h>
#include <stdint.h>

#include "mmb/object.h"

#define MMB_GEN_PAGE ((size_t)64 * 1024)  /* bytes per small page, and alignment */
#define MMB_GEN_CARD_SHIFT 9              /* a card covers 512 bytes */
#define MMB_GEN_CARD ((size_t)1 << MMB_GEN_CARD_SHIFT)
#define MMB_GEN_NCARDS (MMB_GEN_PAGE / MMB_GEN_CARD)
#define MMB_GEN_SMALL_MAX ((size_t)8192)  /* bytes; larger objects get a mapping each */
#define MMB_GEN_NCLASSES 32               /* 16..128 by 16, then 4 per doubling to 8192 */
#define MMB_GEN_LARGE_CLASS MMB_GEN_NCLASSES /* cls of a large mapping */
#define MMB_GEN_OS_PAGE ((size_t)4096)    /* mapping granularity */

typedef struct mmb_gen_page {
    struct mmb_gen_page *next;       /* every mapping of the old generation */
    struct mmb_gen_page *next_avail; /* small pages of this class with room */
    mmb_obj *free;                   /* free blocks of this page */
    size_t map_bytes;                /* bytes of this mapping */
    size_t block;                    /* bytes per block (large: the object's) */
    uint32_t nblocks, bump;          /* blocks [0, bump) were handed out */
    uint32_t cls;                    /* size class, or MMB_GEN_LARGE_CLASS */
    uint8_t in_avail;                /* on avail[cls] */
    uint8_t dirty;                   /* card mode: some card below is dirty */
    uint8_t cards[MMB_GEN_NCARDS];   /* card mode: 1 = an object starting here has REM */
} mmb_gen_page;

/* Offset of block 0 in a mapping: the header rounded up to 16 bytes. */
#define MMB_GEN_PAGE_HDR ((sizeof(mmb_gen_page) + 15) & ~(size_t)15)

typedef struct mmb_gen_old {
    mmb_gen_page *pages;                   /* every mapping in use */
    mmb_gen_page *avail[MMB_GEN_NCLASSES]; /* pages with a free or untouched block */
    mmb_gen_page *cache;                   /* empty small pages, still mapped and counted */
    size_t ncached;
    size_t objs;                           /* allocated objects (live or not yet swept) */
    uint64_t bytes;                        /* their requested bytes */
} mmb_gen_old;

/* What a sweep reclaimed. */
typedef struct mmb_gen_swept {
    size_t objs;
    uint64_t bytes;
} mmb_gen_swept;

static inline mmb_gen_page *mmb_gen_page_of(const void *p)
{
    return (mmb_gen_page *)((uintptr_t)p & ~(uintptr_t)(MMB_GEN_PAGE - 1));
}

static inline uint8_t *mmb_gen_block(const mmb_gen_page *pg, uint32_t i)
{
    return (uint8_t *)pg + MMB_GEN_PAGE_HDR + (size_t)i * pg->block;
}

void mmb_gen_old_init(mmb_gen_old *old);
/* Unmap everything (objects are not accounted as freed: the heap is gone). */
void mmb_gen_old_destroy(mmb_gen_old *old);
/* A block for an object of `size` bytes, header not yet written; counted in
 * objs/bytes. NULL if mapping more would pass heap-limit or the OS refused. */
mmb_obj *mmb_gen_old_alloc(mmb_gen_old *old, size_t size);
/* Free every allocated block without MARK, clear MARK on the others;
 * accounts the freed bytes (mmb_acct_free). Empty large mappings are
 * unmapped, empty small pages cached for reuse (see mmb_gen_old_trim). */
mmb_gen_swept mmb_gen_old_sweep(mmb_gen_old *old);
/* Give cached empty pages back to the OS beyond `keep` bytes. */
void mmb_gen_old_trim(mmb_gen_old *old, uint64_t keep);

#endif
