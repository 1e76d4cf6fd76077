/* lib/gc/gen_old.c: the old generation of `gen`: pages, size classes,
 * block allocation and the sweep (gen_old.h has the layout). */
#include <sys/mman.h>

#include "gc/gen.h"
#include "gc/gen_old.h"

/* Classes 0..7 are 16..128 bytes by 16; above 128 each doubling [p, 2p) is
 * split in four (p + p/4, p + 2p/4, p + 3p/4, 2p), up to MMB_GEN_SMALL_MAX. */
#define MMB_GEN_FINE_CLASSES 8
#define MMB_GEN_FINE_MAX 128u

static unsigned class_of(size_t size)
{
    if (size <= MMB_GEN_FINE_MAX)
        return size ? (unsigned)((size + 15) / 16 - 1) : 0;
    size_t s = size - 1;
    unsigned k = 63u - (unsigned)__builtin_clzll(s); /* 2^k <= s < 2^(k+1), k >= 7 */
    unsigned sub = (unsigned)((s - ((size_t)1 << k)) >> (k - 2));
    return MMB_GEN_FINE_CLASSES + (k - 7) * 4 + sub;
}

static size_t class_size(unsigned cls)
{
    if (cls < MMB_GEN_FINE_CLASSES)
        return (size_t)(cls + 1) * 16;
    unsigned j = cls - MMB_GEN_FINE_CLASSES, k = 7 + j / 4;
    return ((size_t)1 << k) + (size_t)(j % 4 + 1) * ((size_t)1 << (k - 2));
}

/* An MMB_GEN_PAGE-aligned anonymous mapping. mmap usually hands out addresses
 * next to the previous mapping, so the first try is often aligned; else map
 * one MMB_GEN_PAGE more and trim both ends. */
static void *map_aligned(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (((uintptr_t)p & (MMB_GEN_PAGE - 1)) == 0)
        return p;
    munmap(p, bytes);
    p = mmap(NULL, bytes + MMB_GEN_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uintptr_t a = ((uintptr_t)p + MMB_GEN_PAGE - 1) & ~(uintptr_t)(MMB_GEN_PAGE - 1);
    size_t head = a - (uintptr_t)p;
    if (head)
        munmap(p, head);
    if (MMB_GEN_PAGE - head)
        munmap((void *)(a + bytes), MMB_GEN_PAGE - head);
    return (void *)a;
}

static void page_unmap(mmb_gen_page *pg)
{
    size_t bytes = pg->map_bytes;
    munmap(pg, bytes);
    mmb_acct_heap(-(int64_t)bytes);
}

void mmb_gen_old_trim(mmb_gen_old *old, uint64_t keep)
{
    while (old->cache && (uint64_t)old->ncached * MMB_GEN_PAGE > keep) {
        mmb_gen_page *pg = old->cache;
        old->cache = pg->next;
        old->ncached--;
        page_unmap(pg);
    }
}

static void cache_release(mmb_gen_old *old)
{
    mmb_gen_old_trim(old, 0);
}

/* Memory for a mapping of `bytes`: a cached empty page when it is a small
 * one (no system call, no page faults), else a new mapping within
 * heap-limit (giving the cache back first if that makes room). */
static mmb_gen_page *page_memory(mmb_gen_old *old, size_t bytes)
{
    if (bytes == MMB_GEN_PAGE && old->cache) {
        mmb_gen_page *pg = old->cache;
        old->cache = pg->next;
        old->ncached--;
        memset(pg, 0, sizeof *pg);
        return pg;
    }
    if (mmb_heap_limit_exceeded(bytes))
        cache_release(old);
    if (mmb_heap_limit_exceeded(bytes))
        return NULL;
    mmb_gen_page *pg = map_aligned(bytes);
    if (pg)
        mmb_acct_heap((int64_t)bytes);
    return pg;
}

/* Set up and link a mapping for `nblocks` blocks of `block` bytes: a small
 * page is always MMB_GEN_PAGE bytes (so that any empty one can be reused), a
 * large one what its object needs. The header starts zeroed; blocks at or
 * above bump are never read, whatever a reused page left there. */
static mmb_gen_page *page_map(mmb_gen_old *old, size_t block, uint32_t nblocks, uint32_t cls)
{
    size_t bytes = MMB_GEN_PAGE;
    if (cls == MMB_GEN_LARGE_CLASS)
        bytes = (MMB_GEN_PAGE_HDR + block + MMB_GEN_OS_PAGE - 1) & ~(MMB_GEN_OS_PAGE - 1);
    mmb_gen_page *pg = page_memory(old, bytes);
    if (!pg)
        return NULL;
    pg->map_bytes = bytes;
    pg->block = block;
    pg->nblocks = nblocks;
    pg->cls = cls;
    pg->next = old->pages;
    old->pages = pg;
    return pg;
}

/* An empty mapping after a sweep: a small page is cached for reuse (the
 * policy trims the cache right after the sweep), a large one goes back to
 * the OS. */
static void page_release(mmb_gen_old *old, mmb_gen_page *pg)
{
    if (pg->cls != MMB_GEN_LARGE_CLASS) {
        pg->next = old->cache;
        old->cache = pg;
        old->ncached++;
        return;
    }
    page_unmap(pg);
}

void mmb_gen_old_init(mmb_gen_old *old)
{
    memset(old, 0, sizeof *old);
}

void mmb_gen_old_destroy(mmb_gen_old *old)
{
    cache_release(old);
    mmb_gen_page *pg = old->pages;
    while (pg) {
        mmb_gen_page *next = pg->next;
        page_unmap(pg);
        pg = next;
    }
    mmb_gen_old_init(old);
}

/* Take a block from a page with room: the free list first (reuse warm
 * memory), then the untouched tail. */
static void *page_take(mmb_gen_page *pg)
{
    mmb_obj *b = pg->free;
    if (b) {
        pg->free = *(mmb_obj **)b;
        return b;
    }
    return mmb_gen_block(pg, pg->bump++);
}

static int page_full(const mmb_gen_page *pg)
{
    return !pg->free && pg->bump == pg->nblocks;
}

static mmb_obj *alloc_small(mmb_gen_old *old, size_t size)
{
    unsigned cls = class_of(size);
    mmb_gen_page *pg = old->avail[cls];
    if (!pg) {
        size_t block = class_size(cls);
        pg = page_map(old, block, (uint32_t)((MMB_GEN_PAGE - MMB_GEN_PAGE_HDR) / block), cls);
        if (!pg)
            return NULL;
        pg->in_avail = 1;
        old->avail[cls] = pg;
    }
    void *b = page_take(pg);
    if (page_full(pg)) {
        old->avail[cls] = pg->next_avail;
        pg->next_avail = NULL;
        pg->in_avail = 0;
    }
    return b;
}

mmb_obj *mmb_gen_old_alloc(mmb_gen_old *old, size_t size)
{
    mmb_obj *o;
    if (size <= MMB_GEN_SMALL_MAX) {
        o = alloc_small(old, size);
    } else {
        mmb_gen_page *pg = page_map(old, (size + 15) & ~(size_t)15, 1, MMB_GEN_LARGE_CLASS);
        o = pg ? (mmb_obj *)page_take(pg) : NULL;
    }
    if (o) {
        old->objs++;
        old->bytes += size;
    }
    return o;
}

/* Sweep one block: returns 1 if it is (now) free. A dead object's bytes are
 * accounted as freed and its meta cleared, which is what marks it free. */
static int sweep_block(mmb_obj *b, mmb_gen_swept *sw)
{
    if (!(b->meta & MMB_GEN_OLD))
        return 1;
    if (b->meta & MMB_GEN_MARK) {
        b->meta &= ~MMB_GEN_MARK;
        return 0;
    }
    size_t size = mmb_obj_size(b->nslots, b->nbytes);
    mmb_acct_free_obj(b, size);
    sw->objs++;
    sw->bytes += size;
    b->meta = 0;
    return 1;
}

/* Rebuild one page's free list in address order (so allocation walks the
 * page upwards); returns the number of blocks still allocated. */
static uint32_t sweep_page(mmb_gen_page *pg, mmb_gen_swept *sw)
{
    uint32_t live = 0;
    mmb_obj **tail = &pg->free;
    for (uint32_t i = 0; i < pg->bump; i++) {
        mmb_obj *b = (mmb_obj *)mmb_gen_block(pg, i);
        if (sweep_block(b, sw)) {
            *tail = b;
            tail = (mmb_obj **)b;
        } else {
            live++;
        }
    }
    *tail = NULL;
    return live;
}

/* Keep a swept page that still holds objects: relink it, and put a small
 * page with room back on its class's list. */
static void keep_page(mmb_gen_old *old, mmb_gen_page *pg, mmb_gen_page ***tail)
{
    **tail = pg;
    *tail = &pg->next;
    pg->in_avail = 0;
    pg->next_avail = NULL;
    if (pg->cls != MMB_GEN_LARGE_CLASS && !page_full(pg)) {
        pg->next_avail = old->avail[pg->cls];
        old->avail[pg->cls] = pg;
        pg->in_avail = 1;
    }
}

/* Sweep every mapping: O(blocks handed out). Empty mappings are released
 * (page_release). */
mmb_gen_swept mmb_gen_old_sweep(mmb_gen_old *old)
{
    mmb_gen_swept sw = {0, 0};
    mmb_gen_page *pg = old->pages, **tail = &old->pages;
    memset(old->avail, 0, sizeof old->avail);
    while (pg) {
        mmb_gen_page *next = pg->next;
        if (sweep_page(pg, &sw))
            keep_page(old, pg, &tail);
        else
            page_release(old, pg);
        pg = next;
    }
    *tail = NULL;
    old->objs -= sw.objs;
    old->bytes -= sw.bytes;
    return sw;
}
