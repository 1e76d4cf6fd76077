/* lib/support/trace_sites.c: the allocation sites and their counters.
 *
 * Every mmb_new / mmb_new_slot call has a static mmb_site {file, line, id};
 * the first time the tracer sees one it gives it an id, an index into this
 * registry, shared by every static of the same file:line. Per site the
 * registry keeps the size and count of its live traced objects (a snapshot
 * is a copy of these), and the same two as they were at the traced peak.
 *
 * The peak copy is kept exact without copying the whole table at each new
 * peak: a site whose counters changed since the last capture is on the
 * dirty list, and a capture copies just those (one site per allocation
 * while a heap grows from one call site).
 */
#include <string.h>

#include "mmb/os.h"
#include "support/trace_internal.h"

#define MIN_SITES 256u /* registry entries first mapped */

typedef struct site_rec {
    const char *file; /* relative to the source tree */
    int line;
    int dirty;        /* on the dirty list: counters changed since the capture */
    uint64_t size, count;           /* live traced objects now */
    uint64_t peak_size, peak_count; /* at the last capture (the traced peak) */
} site_rec;

static site_rec *sites;    /* sites[id - 1] */
static uint32_t *dirty;    /* ids changed since the last capture */
static uint32_t nsites, ndirty, cap_sites;

/* Objects with no site (a caller passed NULL) count under this one. */
static const mmb_site unknown_site = {"<unknown>", 0, 0};

/* The source tree's prefix of __FILE__ ("/src/mmbench/" in an out-of-tree
 * build, "" in the tree): this file's own name minus its path in the tree.
 * Every file is compiled with the same prefix, so stripping it leaves
 * "bench/wl_cycles.c" as tracemalloc's listings show names. */
static size_t prefix_len(void)
{
    static const char me[] = __FILE__, rel[] = "lib/support/trace_sites.c";
    size_t n = sizeof me - 1, r = sizeof rel - 1;
    return n >= r && strcmp(me + n - r, rel) == 0 ? n - r : 0;
}

static const char *display_name(const char *file)
{
    size_t p = prefix_len();
    return p && strncmp(file, __FILE__, p) == 0 ? file + p : file;
}

/* Room for one more site: the registry and the dirty list double (mmap'd,
 * like the table, outside the measured heap). */
static void grow(void)
{
    uint32_t cap = cap_sites ? cap_sites * 2 : MIN_SITES;
    site_rec *s = mmb_os_map(cap * sizeof *s);
    uint32_t *d = mmb_os_map(cap * sizeof *d);
    if (!s || !d)
        mmb_oom("tracemalloc sites", cap * (sizeof *s + sizeof *d));
    if (sites) {
        memcpy(s, sites, nsites * sizeof *s);
        memcpy(d, dirty, ndirty * sizeof *d);
        mmb_os_unmap(sites, cap_sites * sizeof *s);
        mmb_os_unmap(dirty, cap_sites * sizeof *d);
    }
    sites = s;
    dirty = d;
    cap_sites = cap;
}

/* The id of file:line: an existing one (linear search: this happens once
 * per static, and programs have few sites), else a new entry. */
static uint32_t lookup_or_add(const char *file, int line)
{
    const char *name = display_name(file);
    for (uint32_t i = 0; i < nsites; i++)
        if (sites[i].line == line && strcmp(sites[i].file, name) == 0)
            return i + 1;
    if (nsites == MMB_TRACE_MAX_SITES)
        mmb_oom("tracemalloc sites", nsites);
    if (nsites == cap_sites)
        grow();
    sites[nsites] = (site_rec){.file = name, .line = line};
    return ++nsites;
}

/* The first use writes the id into the static (mmb_site.id is the
 * tracer's field; the statics are writable, the const is the caller's). */
uint32_t mmb_trace_site_id(const mmb_site *site)
{
    if (!site)
        site = &unknown_site;
    if (site->id)
        return (uint32_t)site->id;
    uint32_t id = lookup_or_add(site->file, site->line);
    if (site != &unknown_site)
        ((mmb_site *)site)->id = (int)id;
    return id;
}

static site_rec *touch(uint32_t id)
{
    site_rec *s = &sites[id - 1];
    if (!s->dirty) {
        s->dirty = 1;
        dirty[ndirty++] = id;
    }
    return s;
}

void mmb_trace_site_add(uint32_t id, uint64_t size)
{
    site_rec *s = touch(id);
    s->size += size;
    s->count++;
}

void mmb_trace_site_sub(uint32_t id, uint64_t size)
{
    site_rec *s = touch(id);
    s->size -= size;
    s->count--;
}

void mmb_trace_sites_capture_peak(void)
{
    for (uint32_t k = 0; k < ndirty; k++) {
        site_rec *s = &sites[dirty[k] - 1];
        s->peak_size = s->size;
        s->peak_count = s->count;
        s->dirty = 0;
    }
    ndirty = 0;
}

void mmb_trace_sites_clear(void)
{
    for (uint32_t i = 0; i < nsites; i++) {
        sites[i].size = sites[i].count = 0;
        sites[i].peak_size = sites[i].peak_count = 0;
        sites[i].dirty = 0;
    }
    ndirty = 0;
}

size_t mmb_trace_sites_copy(mmb_trace_stat *out, size_t cap, int at_peak)
{
    size_t k = 0;
    for (uint32_t i = 0; i < nsites; i++) {
        const site_rec *s = &sites[i];
        uint64_t count = at_peak ? s->peak_count : s->count;
        if (!count)
            continue;
        if (k < cap)
            out[k] = (mmb_trace_stat){s->file, s->line, at_peak ? s->peak_size : s->size, count};
        k++;
    }
    return k;
}
