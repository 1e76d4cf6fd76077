/* lib/support/metrics.c: the process's measurement state and its pause log. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mmb/os.h"
#include "mmb/stats.h"

mmb_metrics mmb_metrics_g;

void mmb_metrics_free(void)
{
    if (mmb_metrics_g.pauses)
        mmb_os_unmap(mmb_metrics_g.pauses, mmb_metrics_g.cap_pauses * sizeof(mmb_pause));
    mmb_metrics_g.pauses = NULL;
    mmb_metrics_g.npauses = mmb_metrics_g.cap_pauses = 0;
}

void mmb_metrics_reset(void)
{
    uint64_t limit = mmb_metrics_g.heap_limit;
    mmb_metrics_free();
    memset(&mmb_metrics_g, 0, sizeof mmb_metrics_g);
    mmb_metrics_g.heap_limit = limit;
    mmb_metrics_g.survival_rate = NAN;
    mmb_metrics_g.promotion_rate = NAN;
}

/* Copy the per-generation counters into snap (collections, collected,
 * uncollectable). */
static void snapshot_gc(uint64_t snap[3][MMB_MAX_GENS])
{
    memcpy(snap[0], mmb_metrics_g.collections, sizeof snap[0]);
    memcpy(snap[1], mmb_metrics_g.collected, sizeof snap[1]);
    memcpy(snap[2], mmb_metrics_g.uncollectable, sizeof snap[2]);
}

void mmb_metrics_begin(void)
{
    snapshot_gc(mmb_metrics_g.gc_at_begin);
    mmb_metrics_g.npauses = 0;
    mmb_metrics_g.timing = 1;
    mmb_metrics_g.cpu0_ns = mmb_cpu_ns();
    mmb_metrics_g.t0_ns = mmb_now_ns();
}

void mmb_metrics_end(void)
{
    mmb_metrics_g.t1_ns = mmb_now_ns();
    mmb_metrics_g.cpu1_ns = mmb_cpu_ns();
    mmb_metrics_g.timing = 0;
    snapshot_gc(mmb_metrics_g.gc_at_end);
}

/* The log lives in its own mmap'd memory so that it is neither part of the
 * measured heap nor a user of the allocator under test; it doubles, so a run
 * with millions of pauses costs O(1) amortised per pause. */
static int grow_log(void)
{
    size_t cap = mmb_metrics_g.cap_pauses ? mmb_metrics_g.cap_pauses * 2 : 4096;
    mmb_pause *p = mmb_os_map(cap * sizeof *p);
    if (!p)
        return -1;
    if (mmb_metrics_g.npauses)
        memcpy(p, mmb_metrics_g.pauses, mmb_metrics_g.npauses * sizeof *p);
    size_t n = mmb_metrics_g.npauses;
    mmb_metrics_free();
    mmb_metrics_g.pauses = p;
    mmb_metrics_g.npauses = n;
    mmb_metrics_g.cap_pauses = cap;
    return 0;
}

/* Only pauses inside the timed region are logged: set-up and verification
 * are not part of what a run measures (DESIGN.md §5). */
void mmb_pause_log_push(uint64_t start_ns, uint64_t end_ns, mmb_pause_kind kind)
{
    if (!mmb_metrics_g.timing)
        return;
    if (mmb_metrics_g.npauses == mmb_metrics_g.cap_pauses && grow_log() != 0)
        mmb_oom("pause log", mmb_metrics_g.cap_pauses * sizeof(mmb_pause));
    mmb_pause *p = &mmb_metrics_g.pauses[mmb_metrics_g.npauses++];
    p->start_ns = start_ns;
    p->end_ns = end_ns;
    p->kind = (uint32_t)kind;
}

void mmb_oom(const char *who, uint64_t wanted)
{
    if (mmb_metrics_g.heap_limit)
        fprintf(stderr, "mmbench: out of memory: %s needs %llu more bytes beyond heap-limit=%llu\n",
                who, (unsigned long long)wanted, (unsigned long long)mmb_metrics_g.heap_limit);
    else
        fprintf(stderr, "mmbench: out of memory: %s could not get %llu bytes from the system\n",
                who, (unsigned long long)wanted);
    fflush(stderr);
    _exit(3);
}
