/* lib/support/histogram.c: the log-linear pause histogram and pause summary. */
#include <string.h>

#include "mmb/histogram.h"
#include "mmb/stats.h"

void mmb_hist_init(mmb_hist *h)
{
    memset(h, 0, sizeof *h);
}

/* Values below SUB map to themselves; above, the bucket is (the power of two
 * above SUB) * SUB + the next SUB_BITS bits of the value. Monotonic in v. */
unsigned mmb_hist_index(uint64_t v)
{
    if (v < MMB_HIST_SUB)
        return (unsigned)v;
    unsigned hi = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = hi - MMB_HIST_SUB_BITS;
    return (shift + 1) * MMB_HIST_SUB + (unsigned)((v >> shift) & (MMB_HIST_SUB - 1));
}

uint64_t mmb_hist_lower(unsigned index)
{
    if (index < MMB_HIST_SUB)
        return index;
    unsigned shift = index / MMB_HIST_SUB - 1;
    return (uint64_t)(MMB_HIST_SUB + index % MMB_HIST_SUB) << shift;
}

void mmb_hist_add(mmb_hist *h, uint64_t v)
{
    h->bucket[mmb_hist_index(v)]++;
    h->count++;
    h->total += v;
    if (v > h->max)
        h->max = v;
}

uint64_t mmb_hist_quantile(const mmb_hist *h, double q)
{
    if (!h->count)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.999999);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < MMB_HIST_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= rank) {
            uint64_t lo = mmb_hist_lower(i), hi = mmb_hist_lower(i + 1);
            uint64_t mid = lo + (hi - lo) / 2;
            return mid > h->max ? h->max : mid;
        }
    }
    return h->max;
}

void mmb_pauses_summarise(mmb_pause_summary *out)
{
    static mmb_hist h;
    mmb_hist_init(&h);
    for (size_t i = 0; i < mmb_metrics_g.npauses; i++)
        mmb_hist_add(&h, mmb_metrics_g.pauses[i].end_ns - mmb_metrics_g.pauses[i].start_ns);
    out->count = h.count;
    out->total_ms = (double)h.total / 1e6;
    out->p50_ms = (double)mmb_hist_quantile(&h, 0.50) / 1e6;
    out->p90_ms = (double)mmb_hist_quantile(&h, 0.90) / 1e6;
    out->p99_ms = (double)mmb_hist_quantile(&h, 0.99) / 1e6;
    out->p999_ms = (double)mmb_hist_quantile(&h, 0.999) / 1e6;
    out->max_ms = (double)h.max / 1e6;
}
