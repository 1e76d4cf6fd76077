/* lib/alloc/alloc.c: the allocator family's tables and set-up dispatch.
 * The per-object calls dispatch inline in mmb/alloc.h; only creation and
 * destruction come through here. */
#include <string.h>

#include "alloc/alloc_internal.h"

static const char *const kind_names[MMB_ALLOC_NKINDS] = {
    [MMB_ALLOC_SYS] = "sys",
    [MMB_ALLOC_BUMP] = "bump",
    [MMB_ALLOC_POOL] = "pool",
    [MMB_ALLOC_FREELIST] = "freelist",
    [MMB_ALLOC_GLIBC] = "glibc",
    [MMB_ALLOC_JEMALLOC] = "jemalloc",
    [MMB_ALLOC_MIMALLOC] = "mimalloc",
    [MMB_ALLOC_TCMALLOC] = "tcmalloc",
};

static const mmb_optdesc no_opts[] = {{0}};

static const mmb_optdesc freelist_opts[] = {
    {"cap", MMB_OPT_INT, MMB_FREELIST_DEFAULT_CAP, 0, 1000000, NULL,
     "freelist: blocks cached per 16-byte size class before frees go to sys"},
    {0},
};

const mmb_optdesc *mmb_alloc_options(mmb_alloc_kind kind)
{
    return kind == MMB_ALLOC_FREELIST ? freelist_opts : no_opts;
}

int mmb_alloc_kind_from_name(const char *name)
{
    for (int k = 0; k < MMB_ALLOC_NKINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

const char *mmb_alloc_kind_name(mmb_alloc_kind kind)
{
    return (unsigned)kind < MMB_ALLOC_NKINDS ? kind_names[kind] : "unknown";
}

/* The freelist capacity: the option if the caller's tables carry it (the
 * driver always passes the allocator's table), else the default. */
static int64_t freelist_cap(const mmb_optvals *ov)
{
    if (ov && mmb_opt_has(ov, "cap"))
        return mmb_opt_int(ov, "cap");
    return MMB_FREELIST_DEFAULT_CAP;
}

int mmb_alloc_init(mmb_alloc *a, mmb_alloc_kind kind, const mmb_optvals *ov)
{
    memset(a, 0, sizeof *a);
    a->kind = kind;
    switch (kind) {
    case MMB_ALLOC_BUMP: return mmb_bump_init(a);
    case MMB_ALLOC_POOL: return mmb_pool_init(a);
    case MMB_ALLOC_FREELIST: return mmb_freelist_init(a, freelist_cap(ov));
    default: return 0;
    }
}

void mmb_alloc_destroy(mmb_alloc *a)
{
    switch (a->kind) {
    case MMB_ALLOC_BUMP: mmb_bump_destroy(a); break;
    case MMB_ALLOC_POOL: mmb_pool_destroy(a); break;
    case MMB_ALLOC_FREELIST: mmb_freelist_destroy(a); break;
    default: break;
    }
}
