/* mmb/stats.h: measurement shared by every memory manager.
 *
 * One process runs one workload under one manager (the driver forks a child
 * per repetition), so the measurement state is a single global, mmb_metrics_g:
 * collectors and allocators add to it through the inlines below without
 * carrying a pointer around. Tests call mmb_metrics_reset() between heaps.
 *
 * What is measured (DESIGN.md §5):
 *  - the timed region (mmb_metrics_begin/end): wall and CPU time;
 *  - pauses: every stop-the-world piece of memory-management work, bracketed
 *    by mmb_pause_begin/end, with its kind; gc_ms is their sum;
 *  - live bytes (requested, not yet freed) and heap bytes (held from the OS or
 *    the system allocator), each with its high-water mark;
 *  - per-generation collections / collected / uncollectable, as gc.get_stats().
 */
#ifndef MMB_STATS_H
#define MMB_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef enum mmb_pause_kind {
    MMB_PAUSE_MINOR,     /* young-generation collection */
    MMB_PAUSE_MAJOR,     /* full collection */
    MMB_PAUSE_INCREMENT, /* one slice of incremental work */
    MMB_PAUSE_CASCADE,   /* refcount release that freed more than one object */
    MMB_PAUSE_NKINDS
} mmb_pause_kind;

#define MMB_MAX_GENS 3

typedef struct mmb_pause {
    uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC */
    uint32_t kind;
} mmb_pause;

typedef struct mmb_metrics {
    /* timed region */
    uint64_t t0_ns, t1_ns, cpu0_ns, cpu1_ns;
    int timing;
    /* pause log; grows by doubling (memory from mmap, not the measured heap) */
    mmb_pause *pauses;
    size_t npauses, cap_pauses;
    uint64_t pause_open_ns;
    uint32_t pause_open_kind;
    int pause_depth;
    /* accounting */
    uint64_t live_bytes, peak_live_bytes;
    uint64_t heap_bytes, peak_heap_bytes;
    uint64_t allocs, alloc_bytes;
    uint64_t ops;            /* set by the workload */
    double worst_op_ms;      /* set by workloads that define operations */
    double survival_rate;    /* lifetimes: share alive after the young window (NaN: not measured) */
    double promotion_rate;   /* lifetimes: share alive after the old window (NaN: not measured) */
    /* per generation, as gc.get_stats() */
    int ngens;
    uint64_t collections[MMB_MAX_GENS], collected[MMB_MAX_GENS], uncollectable[MMB_MAX_GENS];
    /* the same counters as they stood when the timed region began and ended:
     * results report end - begin, so a workload's set-up and verification
     * collections are not counted (as their pauses are not logged) */
    uint64_t gc_at_begin[3][MMB_MAX_GENS], gc_at_end[3][MMB_MAX_GENS];
    /* heap limit in bytes (0 = none); managers check it, see mmb_heap_limit_exceeded */
    uint64_t heap_limit;
    /* mmb_acct_alloc_obj's peak test: peak_live_bytes, or 0 while tracing
     * (not next to peak_live_bytes: two plain stores beat a vector one) */
    uint64_t live_gate;
} mmb_metrics;

extern mmb_metrics mmb_metrics_g;

uint64_t mmb_now_ns(void);     /* CLOCK_MONOTONIC */
uint64_t mmb_cpu_ns(void);     /* CLOCK_PROCESS_CPUTIME_ID */

void mmb_metrics_reset(void);
void mmb_metrics_begin(void);  /* start of the timed region */
void mmb_metrics_end(void);    /* end of the timed region */
void mmb_metrics_free(void);

void mmb_pause_log_push(uint64_t start_ns, uint64_t end_ns, mmb_pause_kind kind);

/* Bracket one pause. Nested brackets count as one pause (the outermost). */
static inline void mmb_pause_begin(mmb_pause_kind kind)
{
    if (mmb_metrics_g.pause_depth++ == 0) {
        mmb_metrics_g.pause_open_ns = mmb_now_ns();
        mmb_metrics_g.pause_open_kind = (uint32_t)kind;
    }
}

static inline void mmb_pause_end(void)
{
    if (--mmb_metrics_g.pause_depth == 0)
        mmb_pause_log_push(mmb_metrics_g.pause_open_ns, mmb_now_ns(),
                           (mmb_pause_kind)mmb_metrics_g.pause_open_kind);
}

/* tracemalloc (mmb/trace.h) shares this accounting: see mmb_acct_alloc_obj.
 * Its slow paths are cold: GCC then keeps the fast path's registers as
 * they were (gcbench under gen: 5% more instructions without it, 1% with). */
struct mmb_site;
extern int mmb_trace_on_g;
void mmb_trace_record(const void *obj, const struct mmb_site *site) __attribute__((cold));
void mmb_trace_record_bytes(size_t n) __attribute__((cold));

/* Whether tracemalloc is on. On x86-64 a compare with memory and a branch
 * (2 instructions; GCC would otherwise load the flag into a register and
 * test it: 3, and one more register taken). */
static inline int mmb_trace_on(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __asm__ goto("cmpl $0, %0\n\tjne %l[on]" : : "m"(mmb_trace_on_g) : "cc" : on);
    return 0;
on:
    return 1;
#else
    return __builtin_expect(mmb_trace_on_g, 0);
#endif
}

static inline void mmb_acct_add(size_t n)
{
    mmb_metrics_g.allocs++;
    mmb_metrics_g.alloc_bytes += n;
    mmb_metrics_g.live_bytes += n;
}

static inline void mmb_acct_new_peak(void)
{
    mmb_metrics_g.peak_live_bytes = mmb_metrics_g.live_gate = mmb_metrics_g.live_bytes;
}

/* The object obj (its header written) of n bytes, allocated at site, is
 * live: about 6 instructions. One path for the live bytes and tracemalloc:
 * the peak test is the tracer's hook. live_gate is peak_live_bytes, except
 * while tracing, when it is 0 so that every allocation takes the branch
 * and the tracer records it (and keeps the peak). Tracing off, a new peak
 * costs one more test, other allocations nothing; the tracer reads the
 * size back from the header, so n need not survive the rare call. */
static inline void mmb_acct_alloc_obj(const void *obj, size_t n, const struct mmb_site *site)
{
    mmb_acct_add(n);
    if (mmb_metrics_g.live_bytes > mmb_metrics_g.live_gate) {
        if (mmb_trace_on())
            mmb_trace_record(obj, site);
        else
            mmb_acct_new_peak();
    }
}

/* n bytes requested by the mutator, with no object to trace. */
static inline void mmb_acct_alloc(size_t n)
{
    mmb_acct_add(n);
    if (mmb_metrics_g.live_bytes > mmb_metrics_g.live_gate) {
        if (mmb_trace_on())
            mmb_trace_record_bytes(n);
        else
            mmb_acct_new_peak();
    }
}

/* n bytes of mutator data reclaimed. */
static inline void mmb_acct_free(size_t n)
{
    mmb_metrics_g.live_bytes -= n;
}

/* The manager's hold on OS / system-allocator memory changed by delta. */
static inline void mmb_acct_heap(int64_t delta)
{
    mmb_metrics_g.heap_bytes += (uint64_t)delta;
    if (mmb_metrics_g.heap_bytes > mmb_metrics_g.peak_heap_bytes)
        mmb_metrics_g.peak_heap_bytes = mmb_metrics_g.heap_bytes;
}

/* The most heap bytes a manager may hold: -o heap-limit, or UINT64_MAX
 * without one, so that the allocation path's test is a single compare. */
static inline uint64_t mmb_heap_ceiling(void)
{
    return mmb_metrics_g.heap_limit ? mmb_metrics_g.heap_limit : UINT64_MAX;
}

/* Whether holding `extra` more heap bytes would pass -o heap-limit. */
static inline int mmb_heap_limit_exceeded(uint64_t extra)
{
    return mmb_metrics_g.heap_limit && mmb_metrics_g.heap_bytes + extra > mmb_metrics_g.heap_limit;
}

/* Out of memory under heap-limit (or the OS refused): print one clean line and
 * exit the (child) process with status 3. Never returns. */
void mmb_oom(const char *who, uint64_t wanted) __attribute__((noreturn));

/* Summary statistics of the pause log and the timed region. */
typedef struct mmb_pause_summary {
    uint64_t count;
    double total_ms, p50_ms, p90_ms, p99_ms, p999_ms, max_ms;
} mmb_pause_summary;

void mmb_pauses_summarise(mmb_pause_summary *out);
/* Bounded minimum mutator utilisation over windows of w_ms in the timed
 * region (never decreases as w_ms grows). */
double mmb_mmu(double w_ms);
/* The bounded MMU curve on a log grid (ten windows per decade) from min_ms to
 * the whole region: fills up to max_points pairs, returns how many. */
int mmb_mmu_curve(double min_ms, double *w_ms, double *mmu, int max_points);

#endif
