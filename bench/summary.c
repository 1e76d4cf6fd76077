/* bench/summary.c: median and 95% bootstrap interval of a metric across
 * repetitions (percentile bootstrap of the median, 2000 resamples, seeded so
 * the same results always give the same interval). */
#include <math.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "rng.h"

#define BOOT_RESAMPLES 2000

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *x, int n)
{
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

static double median_of(double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return median_sorted(x, n);
}

void mmb_summary_ci(const double *x, int n, uint64_t seed, mmb_ci *out)
{
    double *tmp = malloc(sizeof *tmp * (size_t)n);
    double *meds = malloc(sizeof *meds * BOOT_RESAMPLES);
    if (!tmp || !meds || n <= 0) {
        free(tmp);
        free(meds);
        out->median = out->lo = out->hi = n > 0 ? x[0] : 0;
        return;
    }
    for (int i = 0; i < n; i++)
        if (isnan(x[i])) { /* a metric this workload does not measure */
            free(tmp);
            free(meds);
            out->median = out->lo = out->hi = NAN;
            return;
        }
    memcpy(tmp, x, sizeof *tmp * (size_t)n);
    out->median = median_of(tmp, n);
    mmb_rng rng;
    mmb_rng_seed(&rng, seed);
    for (int b = 0; b < BOOT_RESAMPLES; b++) {
        for (int i = 0; i < n; i++)
            tmp[i] = x[mmb_rng_below(&rng, (uint64_t)n)];
        meds[b] = median_of(tmp, n);
    }
    qsort(meds, BOOT_RESAMPLES, sizeof *meds, cmp_double);
    out->lo = meds[(int)(0.025 * BOOT_RESAMPLES)];
    out->hi = meds[(int)(0.975 * BOOT_RESAMPLES) - 1];
    free(tmp);
    free(meds);
}

/* b / a, with 0 / 0 = 1 (both sides did none of it: no difference) and
 * x / 0 = infinity, so intervals and verdicts stay ordered (no NaN). */
static double ratio(double b, double a)
{
    if (a == 0)
        return b == 0 ? 1 : b > 0 ? INFINITY : -INFINITY;
    return b / a;
}

static double resampled_median(const double *x, int n, double *tmp, mmb_rng *rng)
{
    for (int i = 0; i < n; i++)
        tmp[i] = x[mmb_rng_below(rng, (uint64_t)n)];
    return median_of(tmp, n);
}

/* The ratio of medians B/A with a percentile-bootstrap interval: each side's
 * repetitions are resampled independently (they are separate runs), the
 * same number of resamples and the same seeding as mmb_summary_ci. */
void mmb_summary_ratio_ci(const double *a, int na, const double *b, int nb, uint64_t seed, mmb_ci *out)
{
    double *tmp = malloc(sizeof *tmp * (size_t)(na + nb + 1));
    double *ratios = malloc(sizeof *ratios * BOOT_RESAMPLES);
    out->median = out->lo = out->hi = NAN;
    if (tmp && ratios && na > 0 && nb > 0) {
        memcpy(tmp, a, sizeof *tmp * (size_t)na);
        double ma = median_of(tmp, na);
        memcpy(tmp, b, sizeof *tmp * (size_t)nb);
        out->median = ratio(median_of(tmp, nb), ma);
        mmb_rng rng;
        mmb_rng_seed(&rng, seed);
        for (int k = 0; k < BOOT_RESAMPLES; k++) {
            double ra = resampled_median(a, na, tmp, &rng);
            ratios[k] = ratio(resampled_median(b, nb, tmp, &rng), ra);
        }
        qsort(ratios, BOOT_RESAMPLES, sizeof *ratios, cmp_double);
        out->lo = ratios[(int)(0.025 * BOOT_RESAMPLES)];
        out->hi = ratios[(int)(0.975 * BOOT_RESAMPLES) - 1];
    }
    free(tmp);
    free(ratios);
}
