/* bench/registry.c: the tables generated from the X-macro lists. */
#include <string.h>

#include "registry.h"

#define DECL_GC(g) extern const mmb_gc_desc mmb_gc_desc_##g;
MMB_COLLECTOR_LIST(DECL_GC)
#define DECL_WL(w, a) extern const mmb_wl_desc mmb_wl_desc_##w;
MMB_WORKLOAD_LIST(DECL_WL, )
#define DECL_PAIR(w, g) int mmb_wl_##w##__##g(const mmb_run_ctx *ctx);
#define DECL_ROW(g) MMB_WORKLOAD_LIST(DECL_PAIR, g)
MMB_COLLECTOR_LIST(DECL_ROW)

#define GC_ADDR(g) &mmb_gc_desc_##g,
#define WL_ADDR(w, a) &mmb_wl_desc_##w,
#define PAIR_ADDR(w, g) mmb_wl_##w##__##g,
#define ROW_ADDR(g) {MMB_WORKLOAD_LIST(PAIR_ADDR, g)},

const mmb_gc_desc *const mmb_collectors[] = {MMB_COLLECTOR_LIST(GC_ADDR)};
const int mmb_ncollectors = sizeof mmb_collectors / sizeof mmb_collectors[0];
const mmb_wl_desc *const mmb_workloads[] = {MMB_WORKLOAD_LIST(WL_ADDR, )};
const int mmb_nworkloads = sizeof mmb_workloads / sizeof mmb_workloads[0];

/* entries[collector][workload] */
static const mmb_wl_entry entries[][sizeof mmb_workloads / sizeof mmb_workloads[0]] = {
    MMB_COLLECTOR_LIST(ROW_ADDR)};

const mmb_optdesc mmb_common_opts[] = {
    {"heap-limit", MMB_OPT_SIZE, 0, 0, 1e15, NULL,
     "fail cleanly (exit 3) when the manager would hold more than this; 0 = no limit"},
    {0},
};

mmb_wl_entry mmb_registry_entry(int w, int g)
{
    return entries[g][w];
}

int mmb_registry_find_workload(const char *name)
{
    for (int i = 0; i < mmb_nworkloads; i++)
        if (strcmp(mmb_workloads[i]->name, name) == 0)
            return i;
    return -1;
}

int mmb_registry_find_collector(const char *name)
{
    for (int i = 0; i < mmb_ncollectors; i++)
        if (strcmp(mmb_collectors[i]->name, name) == 0)
            return i;
    return -1;
}

int mmb_registry_supports(int w, int g)
{
    return (mmb_workloads[w]->gc_mask >> g) & 1u;
}
