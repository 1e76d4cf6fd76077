/* lib/support/mmu.c: minimum mutator utilisation (Cheng & Blelloch) over the
 * timed region, from the pause log.
 *
 * The raw MMU of a window size is not monotonic in the window; what users
 * plot and compare is the bounded MMU: mmu(w) = min over w' >= w of the raw
 * value, which never decreases as w grows. The scalars in the JSON and the
 * exported curve are both bounded MMU. */
#include <math.h>
#include <stdlib.h>

#include "mmb/stats.h"

/* Pause time in [t0, x], x inside the timed region (pauses sorted by start,
 * disjoint); binary search, then one partial pause. cum[i] = total pause
 * time of pauses [0, i). */
static double paused_before(const mmb_pause *p, const double *cum, size_t n, double x)
{
    size_t lo = 0, hi = n; /* first pause with start > x */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((double)p[mid].start_ns <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const mmb_pause *q = &p[lo - 1];
    double inside = fmin(x, (double)q->end_ns) - (double)q->start_ns;
    return cum[lo - 1] + inside;
}

/* Raw MMU for window w (ns): the worst window starts at a pause start or ends
 * at a pause end, so only those 2n candidates need checking. */
static double raw_mmu(const double *cum, double w)
{
    const mmb_pause *p = mmb_metrics_g.pauses;
    size_t n = mmb_metrics_g.npauses;
    double t0 = (double)mmb_metrics_g.t0_ns, t1 = (double)mmb_metrics_g.t1_ns;
    if (w >= t1 - t0)
        w = t1 - t0;
    if (w <= 0)
        return 1.0;
    double worst = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        double s = i < n ? (double)p[i].start_ns : (double)p[i - n].end_ns - w;
        s = fmax(t0, fmin(s, t1 - w));
        double busy = paused_before(p, cum, n, s + w) - paused_before(p, cum, n, s);
        worst = fmax(worst, busy);
    }
    double u = 1.0 - worst / w;
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

static double *cumulative(void)
{
    static double *cum;
    static size_t cap;
    size_t n = mmb_metrics_g.npauses;
    if (cap < n + 1) {
        cum = realloc(cum, (n + 1) * sizeof *cum);
        cap = n + 1;
    }
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        cum[i] = acc;
        acc += (double)(mmb_metrics_g.pauses[i].end_ns - mmb_metrics_g.pauses[i].start_ns);
    }
    cum[n] = acc;
    return cum;
}

/* Bounded MMU at w_ms: the minimum of the raw MMU over a log grid from w to
 * the whole region (8 points per factor of 10). */
double mmb_mmu(double w_ms)
{
    double *cum = cumulative();
    double span = (double)(mmb_metrics_g.t1_ns - mmb_metrics_g.t0_ns);
    double w = w_ms * 1e6, best = 1.0;
    for (;;) {
        best = fmin(best, raw_mmu(cum, w));
        if (w >= span)
            break;
        w *= 1.3335214321633240; /* 10^(1/8) */
    }
    return best;
}
