/* tests/check_peers.c: the peers through the mmbench command line.
 *
 * Each system-allocator peer that configure found runs churn and gcbench
 * (re-executed with the library preloaded, which the child verifies); one
 * it did not find is refused with exit 2 and the line that says how to get
 * it. The child's own check is tested from both sides: a child told it is
 * on jemalloc without the preload, and `glibc` under a foreign preload, both
 * exit 1. bdw, when built, runs small GCBench, cycles and deep; otherwise
 * -c bdw is an unknown collector. Small sizes: the whole suite takes a few
 * seconds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mmb/alloc.h"
#include "suites.h"

#ifndef MMB_BUILDDIR
#define MMB_BUILDDIR "."
#endif

#define PEERS_TIMEOUT_S 60 /* per test; -O0 and sanitizer builds are slower */

static const mmb_alloc_kind peer_kinds[] = {
    MMB_ALLOC_GLIBC, MMB_ALLOC_JEMALLOC, MMB_ALLOC_MIMALLOC, MMB_ALLOC_TCMALLOC,
};
#define NPEERS ((int)(sizeof peer_kinds / sizeof peer_kinds[0]))

/* Run `env mmbench args` with stdout and stderr in buffers; the exit status. */
static int run(const char *env, const char *args, char *out, size_t outlen, char *err, size_t errlen)
{
    char cmd[2048], tmpl[] = "/tmp/mmb-peers-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    snprintf(cmd, sizeof cmd, "%s '%s/mmbench' %s >'%s/out' 2>'%s/err'", env, MMB_BUILDDIR, args, tmpl, tmpl);
    int ws = system(cmd);
    char *bufs[2] = {out, err};
    size_t lens[2] = {outlen, errlen};
    const char *names[2] = {"out", "err"};
    for (int i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", tmpl, names[i]);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        size_t n = fread(bufs[i], 1, lens[i] - 1, f);
        bufs[i][n] = 0;
        fclose(f);
        remove(path);
    }
    remove(tmpl);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

/* A run on an available allocator succeeds and is labelled with it; an
 * unavailable one is a usage error naming the package. */
static void check_allocator_run(mmb_alloc_kind kind, const char *wl_args)
{
    const char *name = mmb_alloc_kind_name(kind);
    char args[512], out[8192], err[1024], want[128];
    snprintf(args, sizeof args, "run %s -a %s --format csv", wl_args, name);
    int st = run("", args, out, sizeof out, err, sizeof err);
    if (!mmb_alloc_available(kind)) {
        snprintf(want, sizeof want, "mmbench: allocator %s is not available (", name);
        ck_assert_int_eq(st, 2);
        ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "stderr: %s", err);
        return;
    }
    ck_assert_msg(st == 0, "-a %s: exit %d: %s", name, st, err);
    snprintf(want, sizeof want, ",%s,", name);
    ck_assert_msg(strstr(out, want) != NULL, "-a %s: row not labelled: %s", name, out);
}

START_TEST(allocator_churn)
{
    check_allocator_run(peer_kinds[_i], "-w churn -c manual -o steps=10000 -o live=1000 -r 2");
}
END_TEST

START_TEST(allocator_gcbench_rc)
{
    check_allocator_run(peer_kinds[_i], "-w gcbench -c rc -o stretch-depth=10 -o long-lived-depth=8 "
                                        "-o max-depth=8 -o array=1000");
}
END_TEST

/* A child that claims a preload it does not have stops before any work. */
START_TEST(child_without_preload_fails)
{
    if (!mmb_alloc_available(MMB_ALLOC_JEMALLOC))
        return;
    char out[256], err[1024];
    int st = run("", "run --mmb-child 1,0 -w churn -c manual -a jemalloc -o steps=10", out, sizeof out,
                 err, sizeof err);
    ck_assert_int_eq(st, 1);
    ck_assert_msg(strstr(err, "did not take effect") != NULL, "stderr: %s", err);
}
END_TEST

START_TEST(glibc_under_foreign_preload_fails)
{
    const char *so = mmb_alloc_preload(MMB_ALLOC_JEMALLOC);
    if (!so)
        so = mmb_alloc_preload(MMB_ALLOC_MIMALLOC);
    if (!so)
        return;
    char env[512], out[256], err[1024];
    snprintf(env, sizeof env, "LD_PRELOAD='%s'", so);
    int st = run(env, "run -w churn -c manual -a glibc -o steps=10", out, sizeof out, err, sizeof err);
    ck_assert_int_eq(st, 1);
    ck_assert_msg(strstr(err, "not glibc's") != NULL, "stderr: %s", err);
}
END_TEST

static const char *const bdw_runs[] = {
    "-w gcbench -o stretch-depth=12 -o long-lived-depth=10 -o max-depth=10 -o array=10000",
    "-w cycles -o pairs=20000 -o live=1000",
    "-w deep -o length=100000",
    "-w churn -o steps=20000 -o live=1000",
};

START_TEST(bdw_runs_verified)
{
    char args[512], out[8192], err[1024];
    snprintf(args, sizeof args, "run -c bdw %s --format csv", bdw_runs[_i]);
    int st = run("", args, out, sizeof out, err, sizeof err);
#ifdef HAVE_BDWGC
    ck_assert_msg(st == 0, "%s: exit %d: %s", args, st, err);
    ck_assert_msg(strstr(out, ",bdw,own,") && strstr(out, ",true\n"), "%s: %s", args, out);
#else
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(err, "unknown collector 'bdw'") != NULL, "stderr: %s", err);
#endif
}
END_TEST

/* Past heap-limit libgc's out-of-memory handler ends the run with status 3. */
START_TEST(bdw_heap_limit_exits_3)
{
#ifdef HAVE_BDWGC
    char out[256], err[1024];
    int st = run("", "run -c bdw -w gcbench -o heap-limit=2M", out, sizeof out, err, sizeof err);
    ck_assert_int_eq(st, 3);
    ck_assert_msg(strstr(err, "out of memory") != NULL, "stderr: %s", err);
#endif
}
END_TEST

Suite *make_peers_suite(void)
{
    Suite *s = suite_create("peers");
    TCase *tc = tcase_create("allocators");
    tcase_set_timeout(tc, PEERS_TIMEOUT_S);
    tcase_add_loop_test(tc, allocator_churn, 0, NPEERS);
    tcase_add_loop_test(tc, allocator_gcbench_rc, 0, NPEERS);
    tcase_add_test(tc, child_without_preload_fails);
    tcase_add_test(tc, glibc_under_foreign_preload_fails);
    suite_add_tcase(s, tc);
    tc = tcase_create("bdw");
    tcase_set_timeout(tc, PEERS_TIMEOUT_S);
    tcase_add_loop_test(tc, bdw_runs_verified, 0, (int)(sizeof bdw_runs / sizeof bdw_runs[0]));
    tcase_add_test(tc, bdw_heap_limit_exits_3);
    suite_add_tcase(s, tc);
    return s;
}
