/* lib/support/trace_snapshot.c: snapshots of the per-site table, their
 * statistics and differences, and tracemalloc's listing.
 *
 * A snapshot is already grouped by site (the registry counts per site), so
 * statistics() only sorts a copy, and compare_to() joins two snapshots on
 * file:line. Snapshots use malloc: they are taken outside the workload's
 * allocation paths and are not part of any measured heap.
 */
#include <stdlib.h>
#include <string.h>

#include "support/trace_internal.h"

/* Copy the registry's sites with live objects (now or at the peak). */
static mmb_trace_snapshot *take(int at_peak)
{
    if (!mmb_trace_on_g)
        return NULL;
    mmb_trace_snapshot *s = calloc(1, sizeof *s);
    size_t n = mmb_trace_sites_copy(NULL, 0, at_peak);
    if (!s || !(s->stats = malloc((n ? n : 1) * sizeof *s->stats))) {
        free(s);
        return NULL;
    }
    s->n = mmb_trace_sites_copy(s->stats, n, at_peak);
    for (size_t i = 0; i < s->n; i++)
        s->total_bytes += s->stats[i].size;
    return s;
}

mmb_trace_snapshot *mmb_trace_take_snapshot(void)
{
    return take(0);
}

mmb_trace_snapshot *mmb_trace_take_peak_snapshot(void)
{
    return take(1);
}

void mmb_trace_snapshot_free(mmb_trace_snapshot *s)
{
    if (s)
        free(s->stats);
    free(s);
}

/* ---- ordering ---- */

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
    return (a < b) - (a > b);
}

static int cmp_site(const char *fa, int la, const char *fb, int lb)
{
    int c = strcmp(fa, fb);
    return c ? c : (la > lb) - (la < lb);
}

static uint64_t mag(int64_t x)
{
    return x < 0 ? -(uint64_t)x : (uint64_t)x;
}

/* tracemalloc's Statistic order: size, then count, both descending. */
static int cmp_stat(const void *pa, const void *pb)
{
    const mmb_trace_stat *a = pa, *b = pb;
    int c = cmp_u64_desc(a->size, b->size);
    if (!c)
        c = cmp_u64_desc(a->count, b->count);
    return c ? c : cmp_site(a->file, a->line, b->file, b->line);
}

/* tracemalloc's StatisticDiff order: |size_diff|, size, |count_diff|,
 * count, all descending. */
static int cmp_diff(const void *pa, const void *pb)
{
    const mmb_trace_diff *a = pa, *b = pb;
    int c = cmp_u64_desc(mag(a->size_diff), mag(b->size_diff));
    if (!c)
        c = cmp_u64_desc(a->size, b->size);
    if (!c)
        c = cmp_u64_desc(mag(a->count_diff), mag(b->count_diff));
    if (!c)
        c = cmp_u64_desc(a->count, b->count);
    return c ? c : cmp_site(a->file, a->line, b->file, b->line);
}

static int cmp_by_site(const void *pa, const void *pb)
{
    const mmb_trace_stat *a = pa, *b = pb;
    return cmp_site(a->file, a->line, b->file, b->line);
}

/* ---- statistics and differences ---- */

mmb_trace_stat *mmb_trace_statistics(const mmb_trace_snapshot *s, size_t *n)
{
    mmb_trace_stat *out = malloc((s->n ? s->n : 1) * sizeof *out);
    if (!out)
        return NULL;
    memcpy(out, s->stats, s->n * sizeof *out);
    qsort(out, s->n, sizeof *out, cmp_stat);
    *n = s->n;
    return out;
}

static mmb_trace_diff diff_of(const mmb_trace_stat *now, const mmb_trace_stat *old)
{
    const mmb_trace_stat *any = now ? now : old;
    mmb_trace_diff d = {any->file, any->line, 0, 0, 0, 0};
    if (now) {
        d.size = now->size;
        d.count = now->count;
    }
    d.size_diff = (int64_t)d.size - (int64_t)(old ? old->size : 0);
    d.count_diff = (int64_t)d.count - (int64_t)(old ? old->count : 0);
    return d;
}

/* Every site of either snapshot: those of `now` with their old figures
 * (found by binary search in a sorted copy of `old`), then those only in
 * `old` (size and count 0 now). */
mmb_trace_diff *mmb_trace_compare_to(const mmb_trace_snapshot *now, const mmb_trace_snapshot *old,
                                     size_t *n)
{
    mmb_trace_stat *o = malloc((old->n ? old->n : 1) * sizeof *o);
    char *matched = calloc(old->n ? old->n : 1, 1);
    mmb_trace_diff *out = malloc((now->n + old->n + 1) * sizeof *out);
    size_t k = 0;
    if (o && matched && out) {
        memcpy(o, old->stats, old->n * sizeof *o);
        qsort(o, old->n, sizeof *o, cmp_by_site);
        for (size_t i = 0; i < now->n; i++) {
            mmb_trace_stat *m = bsearch(&now->stats[i], o, old->n, sizeof *o, cmp_by_site);
            if (m)
                matched[m - o] = 1;
            out[k++] = diff_of(&now->stats[i], m);
        }
        for (size_t j = 0; j < old->n; j++)
            if (!matched[j])
                out[k++] = diff_of(NULL, &o[j]);
        qsort(out, k, sizeof *out, cmp_diff);
        *n = k;
    } else {
        free(out);
        out = NULL;
    }
    free(o);
    free(matched);
    return out;
}
