/* mmb/trace.h: tracemalloc for every memory manager.
 *
 * The Python API, in C: start / stop / is_tracing, get_traced_memory
 * (current and peak bytes of the objects allocated while tracing and not yet
 * freed), reset_peak, clear (forget the traces), snapshots of the per-site
 * table, their statistics grouped by allocation site (file:line), and
 * compare_to between two snapshots. nframes is accepted and ignored: a site
 * is the mmb_site of the mmb_new / mmb_new_slot call (one frame).
 *
 * One accounting path (DESIGN.md §5, peak_live_bytes): the traced current
 * and peak ARE mmb_metrics_g.live_bytes and peak_live_bytes. mmb_trace_start
 * restarts them: bytes live before it move to an untraced counter, so from
 * then on live_bytes counts exactly the traced objects (a free of an
 * untraced object is taken off the untraced counter, never off live_bytes);
 * mmb_trace_stop gives the untraced bytes back to live_bytes, which counts
 * every object again. A run that traces from its start (the driver's
 * --trace-sites run) therefore reports the same peak_live_bytes as one that
 * does not trace at all.
 *
 * Hooks in the collectors. Tracing on, an address-keyed hash table maps
 * each traced object to (site, size); tracing off, they cost nothing on an
 * allocation that sets no new peak, and one test of mmb_trace_on_g (a
 * compare with memory and a predicted branch) elsewhere. Measured with
 * callgrind: churn under manual/pool +1.8% instructions, gcbench under gen
 * +0.7%; an allocation that sets a new peak pays about 4 more:
 *   - allocation: mmb_acct_alloc_obj(o, size, site) (mmb/stats.h) instead
 *     of mmb_acct_alloc(size): its peak test is the hook;
 *   - a free seen object by object: mmb_acct_free_obj(o, size) instead of
 *     mmb_acct_free(size);
 *   - garbage reclaimed in bulk (a copying collector never visits its dead
 *     objects): mmb_acct_free_total(sum) once, and, only when
 *     mmb_trace_on() says so, mmb_acct_free_each(o, size) for every dead
 *     object, found by walking the evacuated space;
 *   - a moving collector's copy: mmb_trace_move(from, to).
 * Objects the heap still holds when it is destroyed are not freed (as for
 * live_bytes); an address reused later simply replaces its stale trace.
 * bdw sees no object die: it registers a libgc finalizer per traced object
 * (lib/gc/bdw.c), so under bdw tracing changes what it measures.
 */
#ifndef MMB_TRACE_H
#define MMB_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmb/stats.h"

struct mmb_site;

/* mmb_trace_on_g, nonzero while tracing, is the one flag every hook tests,
 * through mmb_trace_on() (mmb/stats.h: 2 instructions on x86-64). */

/* The slow paths, taken only while tracing (lib/support/trace.c);
 * mmb_trace_record, the allocation's, is declared in mmb/stats.h. */
void mmb_trace_forget(const void *obj, size_t size) __attribute__((cold));
void mmb_trace_rekey(const void *from, const void *to) __attribute__((cold));

/* One object of `size` bytes freed: the accounting of live bytes. */
static inline void mmb_acct_free_obj(const void *obj, size_t size)
{
    if (mmb_trace_on())
        mmb_trace_forget(obj, size);
    else
        mmb_acct_free(size);
}

/* Bulk reclamation: `bytes` of dead objects, counted without visiting them.
 * While tracing, the collector visits them and calls mmb_acct_free_each. */
static inline void mmb_acct_free_total(uint64_t bytes)
{
    if (!mmb_trace_on())
        mmb_acct_free(bytes);
}

static inline void mmb_acct_free_each(const void *obj, size_t size)
{
    if (mmb_trace_on())
        mmb_trace_forget(obj, size);
}

/* A moving collector copied the object at `from` to `to`. */
static inline void mmb_trace_move(const void *from, const void *to)
{
    if (mmb_trace_on())
        mmb_trace_rekey(from, to);
}

/* ---- tracemalloc's API ---- */

void mmb_trace_start(int nframes);
void mmb_trace_stop(void);
int mmb_trace_is_tracing(void);
/* Bytes of traced objects now, and their high-water mark since start,
 * clear or reset_peak; both 0 when not tracing. */
void mmb_trace_get_traced_memory(uint64_t *current, uint64_t *peak);
void mmb_trace_reset_peak(void);
/* Forget every trace: current and peak back to 0; the objects traced so far
 * count as untraced from now on. */
void mmb_trace_clear(void);

/* One allocation site's live traced objects. The site is file:line, the
 * file relative to the source tree (a string that lives as long as the
 * program: snapshots outlive stop and clear). */
typedef struct mmb_trace_stat {
    const char *file;
    int line;
    uint64_t size, count;
} mmb_trace_stat;

/* A site's figures in two snapshots: the new ones and new - old. */
typedef struct mmb_trace_diff {
    const char *file;
    int line;
    uint64_t size, count;
    int64_t size_diff, count_diff;
} mmb_trace_diff;

/* A copy of the per-site table: the sites with live traced objects. */
typedef struct mmb_trace_snapshot {
    mmb_trace_stat *stats;
    size_t n;
    uint64_t total_bytes; /* their sum: the traced current (or peak) */
} mmb_trace_snapshot;

/* The per-site table now; NULL when not tracing or out of memory. */
mmb_trace_snapshot *mmb_trace_take_snapshot(void);
/* The per-site table as it was at the traced peak (what made up
 * peak_live_bytes); NULL when not tracing. */
mmb_trace_snapshot *mmb_trace_take_peak_snapshot(void);
void mmb_trace_snapshot_free(mmb_trace_snapshot *s);

/* Sorted copies (free() them): statistics by size, then count, descending;
 * differences by |size_diff|, size, |count_diff|, count, descending (as
 * tracemalloc's Statistic and StatisticDiff sort). Ties: by site name. *n
 * gets the length; NULL only when out of memory. */
mmb_trace_stat *mmb_trace_statistics(const mmb_trace_snapshot *s, size_t *n);
mmb_trace_diff *mmb_trace_compare_to(const mmb_trace_snapshot *now, const mmb_trace_snapshot *old,
                                     size_t *n);

/* tracemalloc's listing: "bench/wl_cycles.c:57: size=6250 KiB, count=200000,
 * average=32 B" (a diff adds "(+12.5 KiB)" and "(+400)"); at most `limit`
 * lines (all if limit <= 0). */
void mmb_trace_format_size(char *buf, size_t len, double size, int sign);
void mmb_trace_print_stats(FILE *f, const mmb_trace_stat *st, size_t n, int limit);
void mmb_trace_print_diffs(FILE *f, const mmb_trace_diff *d, size_t n, int limit);

#endif
