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

#define GRID_STEP 1.2589254117941673 /* 10^(1/10): ten windows per decade */

/* Pause time in [t0, x] for increasing x: a cursor that only moves forward,
 * so a sweep over sorted x costs O(n) in all. */
typedef struct cursor {
    size_t i;     /* first pause with start > x, as of the last query */
    double done;  /* total duration of pauses [0, i-1) */
} cursor;

static double paused_upto(cursor *c, double x)
{
    const mmb_pause *p = mmb_metrics_g.pauses;
    size_t n = mmb_metrics_g.npauses;
    while (c->i < n && (double)p[c->i].start_ns <= x) {
        if (c->i > 0)
            c->done += (double)(p[c->i - 1].end_ns - p[c->i - 1].start_ns);
        c->i++;
    }
    if (c->i == 0)
        return 0;
    const mmb_pause *q = &p[c->i - 1];
    return c->done + fmin(x, (double)q->end_ns) - (double)q->start_ns;
}

/* Worst busy time over windows [s, s+w] for the window starts s(k), which
 * must be non-decreasing in k (clamping into the region keeps that). */
static double worst_busy(double w, int ends)
{
    const mmb_pause *p = mmb_metrics_g.pauses;
    size_t n = mmb_metrics_g.npauses;
    double t0 = (double)mmb_metrics_g.t0_ns, t1 = (double)mmb_metrics_g.t1_ns, worst = 0;
    cursor lo = {0, 0}, hi = {0, 0};
    for (size_t k = 0; k < n; k++) {
        double s = ends ? (double)p[k].end_ns - w : (double)p[k].start_ns;
        s = fmax(t0, fmin(s, t1 - w));
        worst = fmax(worst, paused_upto(&hi, s + w) - paused_upto(&lo, s));
    }
    return worst;
}

/* Raw MMU for window w (ns): the worst window starts at a pause start or ends
 * at a pause end, so only those 2n candidates need checking, O(n). */
static double raw_mmu(double w)
{
    double span = (double)(mmb_metrics_g.t1_ns - mmb_metrics_g.t0_ns);
    if (w >= span)
        w = span;
    if (w <= 0)
        return 1.0;
    double busy = fmax(worst_busy(w, 0), worst_busy(w, 1));
    double u = 1.0 - busy / w;
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

int mmb_mmu_curve(double min_ms, double *w_ms, double *mmu, int max_points)
{
    double span_ms = (double)(mmb_metrics_g.t1_ns - mmb_metrics_g.t0_ns) / 1e6;
    int n = 0;
    for (double w = min_ms; n < max_points; w *= GRID_STEP) {
        w_ms[n] = fmin(w, span_ms);
        mmu[n] = raw_mmu(w_ms[n] * 1e6);
        n++;
        if (w >= span_ms)
            break;
    }
    for (int i = n - 2; i >= 0; i--)
        mmu[i] = fmin(mmu[i], mmu[i + 1]);
    return n;
}

double mmb_mmu(double w_ms)
{
    enum { MAX_POINTS = 200 };
    double w[MAX_POINTS], u[MAX_POINTS];
    int n = mmb_mmu_curve(w_ms, w, u, MAX_POINTS);
    return n ? u[0] : 1.0;
}
