/* tests/oracle.h: the reachability oracle, one instantiation per collector.
 *
 * tests/oracle.c is written once against mmb/object.h and compiled once per
 * collector with -DMMB_GC_<NAME> into tests/liboracle_<gcid>.a. It runs a
 * seeded random mutator program beside a model of its own (objects and edges
 * keyed by a unique id, never by address, so moving collectors are checked
 * too) and, after every collection, walks the heap from the roots in step
 * with the model: every reachable object must be intact and in its place, and
 * mmb_live_objects() must agree with the model (see the flags below).
 *
 * Registering a collector: one X() line in MMB_ORACLE_LIST below,
 *     X(gcid, flags, "collector options")
 * where gcid is its MMB_GC_ID, flags are the MMB_ORACLE_* that describe it,
 * and the options are space-separated key=value strings (or NULL) applied to
 * the collector's option table, e.g. a small nursery so that collections also
 * happen inside allocations. Then add its liboracle block to tests/local.am
 * (the block to copy is at the top of the oracle section there).
 */
#ifndef MMB_TESTS_ORACLE_H
#define MMB_TESTS_ORACLE_H

#include "config.h"
#include <stddef.h>
#include <stdint.h>

/* Acyclic garbage is freed as soon as its last reference goes (reference
 * counting): mmb_live_objects() never exceeds the model's refcount count,
 * checked after every operation. */
#define MMB_ORACLE_RC 0x1u
/* Garbage cycles are never reclaimed (plain rc): with MMB_ORACLE_RC,
 * mmb_live_objects() equals the model's refcount count after every operation
 * and even after a full collection; without it, a full collection must leave
 * exactly the reachable objects. */
#define MMB_ORACLE_LEAKS_CYCLES 0x2u
/* A conservative collector (bdw): a stale word may keep garbage, so no
 * live-count check is made at all (only mmb_live_objects() >= reachable);
 * every integrity check (shape, payload, addresses, cycles, the chain) is. */
#define MMB_ORACLE_CONSERVATIVE 0x4u
/* Run with tracemalloc on (mmb/trace.h) from before the first object, and
 * check the traces: after every operation they number mmb_live_objects()
 * and their bytes are the traced current; after every full collection that
 * current is the size of the objects the model holds alive. Set by
 * tests/check_oracle.c for an extra run of every exact collector. */
#define MMB_ORACLE_TRACE 0x8u
/* manual needs no flag: the oracle knows it by MMB_GC_MANUAL, runs an op mix
 * that keeps every structure owned by one reference (so that it can dispose
 * of it), and expects mmb_live_objects() to equal created - disposed always. */

typedef struct mmb_oracle_cfg {
    uint64_t seed;
    long ops;           /* random program: operations; chain test: its length */
    unsigned flags;     /* MMB_ORACLE_* */
    const char *opts;   /* space-separated key=value collector options, or NULL */
    int alloc_kind;     /* mmb_alloc_kind behind manual, rc, rc-cycle */
} mmb_oracle_cfg;

/* Each returns 0 if every check passed, else -1 with a one-line description
 * of the first failure in err.
 *   mmb_oracle__<gcid>:       the random mutator program (cfg->ops operations);
 *   mmb_oracle_program__<gcid>: the same program with its choices read from
 *                             prog[0..len) instead of the seeded RNG, ending
 *                             when they run out (for fuzzing);
 *   mmb_oracle_cycle__<gcid>: a 2-cycle and a self-loop dropped from the roots
 *                             stay (LEAKS_CYCLES) or are gone after a full
 *                             collection (everything else);
 *   mmb_oracle_chain__<gcid>: a chain of cfg->ops objects survives a full
 *                             collection intact, then is dropped at once and
 *                             is gone after a full collection (no recursion). */
typedef int (*mmb_oracle_fn)(const mmb_oracle_cfg *cfg, char *err, size_t errlen);

#define MMB_ORACLE_DECLARE(gcid, flags, opts)                                              \
    int mmb_oracle__##gcid(const mmb_oracle_cfg *cfg, char *err, size_t errlen);           \
    int mmb_oracle_program__##gcid(const mmb_oracle_cfg *cfg, const uint8_t *prog, size_t len, \
                                   char *err, size_t errlen);                              \
    int mmb_oracle_cycle__##gcid(const mmb_oracle_cfg *cfg, char *err, size_t errlen);     \
    int mmb_oracle_chain__##gcid(const mmb_oracle_cfg *cfg, char *err, size_t errlen);

/* The collectors with an oracle instantiation: X(gcid, flags, options). */
#define MMB_ORACLE_LIST(X) \
    X(manual, 0, NULL) \
    X(rc, MMB_ORACLE_RC | MMB_ORACLE_LEAKS_CYCLES, NULL) \
    X(rccycle, MMB_ORACLE_RC, "threshold0=40 threshold1=3 threshold2=3") \
    X(marksweep, 0, "heap=64K") \
    X(semispace, 0, "heap=64K") \
    X(gen, 0, "nursery=64K barrier=remset") \
    X(gen, 0, "nursery=64K barrier=card promote-age=3") \
    MMB_ORACLE_BDW(X)

/* Optional collectors, registered only when built. */
#ifdef HAVE_BDWGC
#define MMB_ORACLE_BDW(X) X(bdw, MMB_ORACLE_CONSERVATIVE, "free-space-divisor=8")
#else
#define MMB_ORACLE_BDW(X)
#endif

MMB_ORACLE_LIST(MMB_ORACLE_DECLARE)

/* One row per collector, for tests/check_oracle.c to loop over. */
typedef struct mmb_oracle_entry {
    const char *gcid;
    unsigned flags;
    const char *opts;
    mmb_oracle_fn random, cycle, chain;
} mmb_oracle_entry;

#define MMB_ORACLE_ENTRY(gcid, flags, opts)                                                \
    {#gcid, (flags), (opts), mmb_oracle__##gcid, mmb_oracle_cycle__##gcid,                 \
     mmb_oracle_chain__##gcid},

#endif
