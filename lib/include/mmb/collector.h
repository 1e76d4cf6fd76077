/* mmb/collector.h: what the driver knows of a collector and a workload,
 * without instantiating either. */
#ifndef MMB_COLLECTOR_H
#define MMB_COLLECTOR_H

#include "mmb/alloc.h"
#include "mmb/options.h"

/* A collector: name as on the command line, its options, and which -a
 * allocators it runs on (a bit per mmb_alloc_kind; 0 = it manages its own
 * heap and the allocator is reported as "own"). */
typedef struct mmb_gc_desc {
    const char *name;
    const char *help;
    const mmb_optdesc *opts;
    unsigned alloc_mask;
    int ngens;
} mmb_gc_desc;

#define MMB_ALLOC_BIT(kind) (1u << (kind))
#define MMB_ALLOCS_MALLOC_LIKE                                                  \
    (MMB_ALLOC_BIT(MMB_ALLOC_SYS) | MMB_ALLOC_BIT(MMB_ALLOC_POOL) |             \
     MMB_ALLOC_BIT(MMB_ALLOC_FREELIST) | MMB_ALLOC_BIT(MMB_ALLOC_BUMP) |        \
     MMB_ALLOC_BIT(MMB_ALLOC_GLIBC) | MMB_ALLOC_BIT(MMB_ALLOC_JEMALLOC) |       \
     MMB_ALLOC_BIT(MMB_ALLOC_MIMALLOC) | MMB_ALLOC_BIT(MMB_ALLOC_TCMALLOC))

/* A workload: its options and the collectors it suits (a bit per entry of
 * MMB_COLLECTOR_LIST, in order; see bench/registry.h). */
typedef struct mmb_wl_desc {
    const char *name;
    const char *help;
    const mmb_optdesc *opts;
    unsigned gc_mask;
} mmb_wl_desc;

#define MMB_ALL_COLLECTORS (~0u)

#endif
