/* mmb/histogram.h: a log-linear histogram of durations (Whippet, HdrHistogram):
 * exact below 2^SUB_BITS ns, then 2^SUB_BITS linear sub-buckets per power of
 * two, so every recorded value is known to within 1/2^SUB_BITS (about 3%). */
#ifndef MMB_HISTOGRAM_H
#define MMB_HISTOGRAM_H

#include <stdint.h>

#define MMB_HIST_SUB_BITS 5
#define MMB_HIST_SUB (1u << MMB_HIST_SUB_BITS)
#define MMB_HIST_BUCKETS ((64 - MMB_HIST_SUB_BITS + 1) * MMB_HIST_SUB)

typedef struct mmb_hist {
    uint64_t count, max, total;
    uint64_t bucket[MMB_HIST_BUCKETS];
} mmb_hist;

void mmb_hist_init(mmb_hist *h);
void mmb_hist_add(mmb_hist *h, uint64_t v);
/* The value at quantile q in [0,1] (bucket midpoint, never above max). */
uint64_t mmb_hist_quantile(const mmb_hist *h, double q);
unsigned mmb_hist_index(uint64_t v);
uint64_t mmb_hist_lower(unsigned index);

#endif
