/* tests/check_oracle.c: every collector against the reachability oracle.
 *
 * One test case per collector registered in MMB_ORACLE_LIST (tests/oracle.h):
 * the random mutator program under several seeds, the dropped 2-cycle and
 * self-loop, and a long chain that must survive a full collection and then
 * go (which no recursive traversal survives). */
#include <stdio.h>

#include "mmb/alloc.h"
#include "oracle.h"
#include "suites.h"

#define ORACLE_OPS 100000    /* operations per seed */
#define ORACLE_SEEDS 3       /* seeds per collector */
#define CHAIN_LEN 1000000    /* objects in the chain test */
#define ORACLE_TIMEOUT_S 120 /* per test; generous for -O0 and sanitizer builds */

static const mmb_oracle_entry entries[] = {MMB_ORACLE_LIST(MMB_ORACLE_ENTRY)};
#define NENTRIES ((int)(sizeof entries / sizeof entries[0]))

static mmb_oracle_cfg cfg_for(const mmb_oracle_entry *e, uint64_t seed, long ops)
{
    /* the pool allocator for every other seed: manual and rc run on -a */
    return (mmb_oracle_cfg){seed, ops, e->flags, e->opts,
                            seed % 2 ? MMB_ALLOC_POOL : MMB_ALLOC_SYS};
}

static void run(mmb_oracle_fn fn, const mmb_oracle_cfg *cfg)
{
    char err[512] = "";
    int rc = fn(cfg, err, sizeof err);
    ck_assert_msg(rc == 0, "%s", err);
}

/* Loop index: collector * ORACLE_SEEDS + seed number. */
START_TEST(test_random)
{
    const mmb_oracle_entry *e = &entries[_i / ORACLE_SEEDS];
    mmb_oracle_cfg cfg = cfg_for(e, 0x5eed0000u + (uint64_t)(_i % ORACLE_SEEDS), ORACLE_OPS);
    run(e->random, &cfg);
}
END_TEST

/* The random program once more with tracemalloc on (MMB_ORACLE_TRACE); an
 * odd seed, so manual and rc run on the pool allocator. */
START_TEST(test_random_traced)
{
    const mmb_oracle_entry *e = &entries[_i];
    mmb_oracle_cfg cfg = cfg_for(e, 0x7ace0001u, ORACLE_OPS);
    cfg.flags |= MMB_ORACLE_TRACE;
    run(e->random, &cfg);
}
END_TEST

START_TEST(test_cycle)
{
    mmb_oracle_cfg cfg = cfg_for(&entries[_i], 1, 0);
    run(entries[_i].cycle, &cfg);
}
END_TEST

START_TEST(test_chain)
{
    mmb_oracle_cfg cfg = cfg_for(&entries[_i], 2, CHAIN_LEN);
    run(entries[_i].chain, &cfg);
}
END_TEST

Suite *make_oracle_suite(void)
{
    Suite *s = suite_create("oracle");
    for (int g = 0; g < NENTRIES; g++) {
        TCase *tc = tcase_create(entries[g].gcid);
        tcase_set_timeout(tc, ORACLE_TIMEOUT_S);
        tcase_add_loop_test(tc, test_cycle, g, g + 1);
        tcase_add_loop_test(tc, test_chain, g, g + 1);
        tcase_add_loop_test(tc, test_random, g * ORACLE_SEEDS, (g + 1) * ORACLE_SEEDS);
        if (!(entries[g].flags & MMB_ORACLE_CONSERVATIVE)) /* frees unseen one by one */
            tcase_add_loop_test(tc, test_random_traced, g, g + 1);
        suite_add_tcase(s, tc);
    }
    return s;
}
