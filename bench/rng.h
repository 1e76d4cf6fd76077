/* bench/rng.h: the workloads' random numbers: xoshiro256** seeded through
 * splitmix64, so a run is reproducible from --seed; and wyrand, a one-word
 * generator for the hottest loops (see mmb_wy_next). */
#ifndef MMB_RNG_H
#define MMB_RNG_H

#include <math.h>
#include <stdint.h>

typedef struct mmb_rng {
    uint64_t s[4];
} mmb_rng;

static inline uint64_t mmb_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void mmb_rng_seed(mmb_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = mmb_splitmix64(&seed);
}

static inline uint64_t mmb_rng_next(mmb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-32 for the
 * sizes used here). */
static inline uint64_t mmb_rng_below(mmb_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)mmb_rng_next(r) * n) >> 64);
}

/* Uniform in [0, 1). */
static inline double mmb_rng_unit(mmb_rng *r)
{
    return (double)(mmb_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Pareto-distributed integer in [lo, hi] with shape alpha (heavy small sizes,
 * a long tail of large ones), truncated to the range; u uniform in [0, 1). */
static inline uint64_t mmb_pareto_of_unit(double u, uint64_t lo, uint64_t hi, double alpha)
{
    double v = (double)lo / pow(1.0 - u, 1.0 / alpha);
    return v >= (double)hi ? hi : (uint64_t)v;
}

static inline uint64_t mmb_rng_pareto(mmb_rng *r, uint64_t lo, uint64_t hi, double alpha)
{
    return mmb_pareto_of_unit(mmb_rng_unit(r), lo, hi, alpha);
}

/* wyrand (Wang Yi's generator, passes BigCrush and PractRand): one word of
 * state and one 64x64->128 multiply per draw. Where a loop is a few dozen
 * instructions, xoshiro's four words of state spill to the stack; on churn
 * this draw made the step 7% faster under pool (the allocator whose step
 * is shortest, so the one the generator's cost hid most). */
typedef struct mmb_wy {
    uint64_t s;
} mmb_wy;

static inline uint64_t mmb_wy_next(mmb_wy *w)
{
    w->s += 0xa0761d6478bd642full;
    unsigned __int128 m = (unsigned __int128)w->s * (w->s ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

#endif
