/* bench/summary.c: median and 95% bootstrap interval of a metric across
 * repetitions (percentile bootstrap of the median, 2000 resamples, seeded so
 * the same results always give the same interval). */
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
