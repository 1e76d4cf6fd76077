/* tests/check_limits.c: every collector at its limits, through the built
 * ./mmbench as a user runs it.
 *
 * heap-limit: a run that cannot fit exits 3 with exactly one line on stderr
 * and leaves no --out file (no crash, no signal, no partial output); a
 * generous limit changes nothing; and a limit below what a run allocates but
 * above its live set succeeds under every collector that reclaims cycles,
 * which it can only do by collecting when it reaches the limit.
 *
 * Depth: a 10,000,000-link chain and a 1,000,000-deep tree (deep's
 * shape=tree: every link also holds a leaf in its last slot) are built,
 * dropped at once and freed by every collector: a recursive release, dispose
 * or mark overflows the C stack long before that. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mmbrun.h"
#include "suites.h"


#define SMALL_LIMIT "64K"    /* below what either workload keeps live */
#define GENEROUS_LIMIT "16M" /* above what either allocates in all */
#define CYCLES_LIMIT "256K"  /* cycles below: ~100K live, ~1.3M allocated */
#define DEEP_TREE_DEPTH 1000000
#define DEEP_CHAIN_LEN 10000000
#define LIMITS_TIMEOUT_S 120
#define DEEP_TIMEOUT_S 300 /* per test; -O2: 0.4-2 s each, ASan: 1-8 s */

static const char *const collectors[] = {"manual", "rc", "rc-cycle", "marksweep", "semispace", "gen"};
#define NGC ((int)(sizeof collectors / sizeof collectors[0]))
/* Those that reclaim garbage cycles. */
static const char *const reclaimers[] = {"rc-cycle", "marksweep", "semispace", "gen"};
#define NRECLAIM ((int)(sizeof reclaimers / sizeof reclaimers[0]))

/* Small sizes: each run takes a fraction of a second. */
static const char *const workloads[] = {
    "-w gcbench -o stretch-depth=10 -o long-lived-depth=8 -o array=1000 -o min-depth=4 "
    "-o max-depth=8",
    "-w cycles -o pairs=20000 -o live=2000",
};
#define NWL ((int)(sizeof workloads / sizeof workloads[0]))
#define CYCLES 1 /* index of cycles in workloads[] */

static char dir[256];

static void make_dir(void)
{
    mmb_test_mkdir(dir, sizeof dir, "limits");
}

static void remove_dir(void)
{
    mmb_test_rmdir(dir);
}

/* Run mmbench with the printf-style arguments inside the scratch dir, output
 * to r.json; its exit status (-1 if a signal ended it) and stderr lines. */
static int __attribute__((format(printf, 2, 3))) run(int *err_lines, const char *fmt, ...)
{
    char args[1024], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "run %s --out r.json", args);
    return mmb_test_run(dir, line, err_lines);
}

/* Whether the shell command, run in the scratch dir, succeeds. */
static int in_dir(const char *test)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", dir, test);
    return system(cmd) == 0;
}

#define NO_OUTPUT "test ! -e r.json && ! ls r.json.tmp.* >/dev/null 2>&1"
#define VERIFIED "grep -q '\"verified\": true' r.json"
#define ONE_CLEAN_LINE "grep -q '^mmbench: ' err.txt"

/* Loop index: collector * NWL + workload. */
START_TEST(small_limit_exits_3)
{
    const char *gc = collectors[_i / NWL], *wl = workloads[_i % NWL];
    int lines, st = run(&lines, "%s -c %s -o heap-limit=" SMALL_LIMIT, wl, gc);
    ck_assert_msg(st == 3, "%s %s: exit %d, expected 3", gc, wl, st);
    ck_assert_msg(lines == 1, "%s %s: %d lines on stderr", gc, wl, lines);
    ck_assert_msg(in_dir(ONE_CLEAN_LINE), "%s %s: stderr does not start 'mmbench: '", gc, wl);
    ck_assert_msg(in_dir(NO_OUTPUT), "%s %s: an output file was left", gc, wl);
}
END_TEST

START_TEST(generous_limit_succeeds)
{
    const char *gc = collectors[_i / NWL], *wl = workloads[_i % NWL];
    int lines, st = run(&lines, "%s -c %s -o heap-limit=" GENEROUS_LIMIT, wl, gc);
    ck_assert_msg(st == 0, "%s %s: exit %d", gc, wl, st);
    ck_assert_msg(in_dir(VERIFIED), "%s %s: no verified result", gc, wl);
}
END_TEST

/* Collectors that reclaim cycles, each run so that nothing but the limit
 * makes it collect (rc-cycle: no threshold; the tracing heaps' own sizing is
 * far above the limit). Loop index: reclaimers[] entry. */
START_TEST(limit_forces_collections)
{
    const char *gc = reclaimers[_i];
    const char *extra = !strcmp(gc, "rc-cycle") ? "-o threshold0=0" : "";
    int lines, st = run(&lines, "%s -c %s %s -o heap-limit=" CYCLES_LIMIT, workloads[CYCLES], gc,
                        extra);
    ck_assert_msg(st == 0, "%s: exit %d under heap-limit=" CYCLES_LIMIT " (collects first?)", gc, st);
    ck_assert_msg(in_dir(VERIFIED), "%s: no verified result", gc);
}
END_TEST

/* Plain rc never reclaims the rings, so the same limit is reached: exit 3. */
START_TEST(rc_leaks_to_the_limit)
{
    int lines, st = run(&lines, "%s -c rc -o heap-limit=" CYCLES_LIMIT, workloads[CYCLES]);
    ck_assert_msg(st == 3 && lines == 1, "rc: exit %d, %d lines", st, lines);
    ck_assert(in_dir(NO_OUTPUT));
}
END_TEST

START_TEST(deep_chain_freed)
{
    int lines, st = run(&lines, "-w deep -c %s -o length=%d", collectors[_i], DEEP_CHAIN_LEN);
    ck_assert_msg(st == 0, "%s: chain of %d: exit %d", collectors[_i], DEEP_CHAIN_LEN, st);
    ck_assert_msg(in_dir(VERIFIED), "%s: chain of %d not verified", collectors[_i], DEEP_CHAIN_LEN);
}
END_TEST

START_TEST(deep_tree_freed)
{
    int lines, st = run(&lines, "-w deep -c %s -o shape=tree -o length=%d", collectors[_i],
                        DEEP_TREE_DEPTH);
    ck_assert_msg(st == 0, "%s: tree of depth %d: exit %d", collectors[_i], DEEP_TREE_DEPTH, st);
    ck_assert_msg(in_dir(VERIFIED), "%s: tree of depth %d not verified", collectors[_i],
                  DEEP_TREE_DEPTH);
}
END_TEST

static TCase *scratch_case(const char *name, int timeout)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_set_timeout(tc, timeout);
    return tc;
}

Suite *make_limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = scratch_case("heap-limit", LIMITS_TIMEOUT_S);
    tcase_add_loop_test(tc, small_limit_exits_3, 0, NGC * NWL);
    tcase_add_loop_test(tc, generous_limit_succeeds, 0, NGC * NWL);
    tcase_add_loop_test(tc, limit_forces_collections, 0, NRECLAIM);
    tcase_add_test(tc, rc_leaks_to_the_limit);
    suite_add_tcase(s, tc);
    tc = scratch_case("deep", DEEP_TIMEOUT_S);
    tcase_add_loop_test(tc, deep_chain_freed, 0, NGC);
    tcase_add_loop_test(tc, deep_tree_freed, 0, NGC);
    suite_add_tcase(s, tc);
    return s;
}
