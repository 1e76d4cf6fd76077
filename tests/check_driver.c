/* tests/check_driver.c: the mmbench command line as a user meets it: bad
 * invocations exit 2 with exactly one line on stderr and write no file; a good
 * run writes a complete mmbench/1 document atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "mmbrun.h"
#include "suites.h"

static char dir[256];

static void make_dir(void)
{
    mmb_test_mkdir(dir, sizeof dir, "driver");
}

static void remove_dir(void)
{
    mmb_test_rmdir(dir);
}

static int run(const char *args, int *err_lines)
{
    return mmb_test_run(dir, args, err_lines);
}

static int exists(const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

#define RUN "run -w churn -c manual -o steps=1000 -o live=100 --out r.json "
static const char *const bad_invocations[] = {
    "",
    "nosuch",
    "run",
    "run -c manual",
    "run -w churn",
    "run -w nosuch -c manual --out r.json",
    "run -w churn -c nosuch --out r.json",
    RUN "-a nosuch",
    RUN "-o live=-5",
    RUN "-o live=abc",
    RUN "-o live=0",
    RUN "-o nokey=1",
    RUN "-o steps=1e3x",
    RUN "-o steps=99999999999999999999999",
    RUN "-o max-size=4Q",
    RUN "-o max-size=-1K",
    RUN "-o max-size=",
    RUN "-o dist=gaussian",
    RUN "-o live=5 -o live=6",
    RUN "-o heap-limit=lots",
    RUN "-o cap=10",
    RUN "-o",
    RUN "-r 0",
    RUN "-r -1",
    RUN "-r x",
    RUN "--warmup -1",
    RUN "--seed abc",
    RUN "--format xml",
    RUN "--bogus",
    RUN "extra",
    "run -w churn -c manual --out /nonexistent/dir/r.json",
    "run -w churn -c manual --out ''",
    "list --format yaml",
};

START_TEST(bad_invocation_exits_2_with_one_line)
{
    int lines;
    int st = run(bad_invocations[_i], &lines);
    ck_assert_msg(st == 2, "'%s' exited %d", bad_invocations[_i], st);
    ck_assert_msg(lines == 1, "'%s' wrote %d lines on stderr", bad_invocations[_i], lines);
    ck_assert_msg(!exists("r.json"), "'%s' wrote a file", bad_invocations[_i]);
}
END_TEST

START_TEST(good_run_writes_complete_json)
{
    int lines;
    ck_assert_int_eq(run(RUN "-r 3 --format json", &lines), 0);
    ck_assert_int_eq(lines, 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && grep -q '\"schema\": \"mmbench/1\"' r.json && "
             "test $(grep -c '\"verified\": true' r.json) -eq 3 && "
             "grep -q '\"ci95_lo\"' r.json && ! ls r.json.tmp.* 2>/dev/null",
             dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(csv_has_header_and_rows)
{
    int lines;
    ck_assert_int_eq(run("run -w churn -c manual -o steps=1000 -o live=100 -r 2 --out r.csv --out r.json", &lines), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && head -1 r.csv | grep -q '^workload,collector,allocator,options,seed,rep,wall_ms' && "
             "test $(wc -l < r.csv) -eq 3 && grep -q mmbench/1 r.json",
             dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(list_shows_tables)
{
    int lines;
    ck_assert_int_eq(run("list", &lines), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd '%s' && grep -q 'churn' out.txt && grep -q 'pool' out.txt", dir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(run("list --format json", &lines), 0);
}
END_TEST

START_TEST(failed_run_keeps_previous_file)
{
    int lines;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd '%s' && echo previous > r.json", dir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(run("run -w churn -c manual -o steps=1000 -o live=100000 -o heap-limit=64K --out r.json", &lines), 3);
    ck_assert_int_eq(lines, 1);
    snprintf(cmd, sizeof cmd, "cd '%s' && test \"$(cat r.json)\" = previous && ! ls r.json.tmp.* 2>/dev/null", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* SIGINT or SIGTERM in the middle of a run: non-zero exit, no output file,
 * no temporary file, and the child is gone. */
START_TEST(interrupted_run_leaves_no_file)
{
    static const int sigs[] = {SIGINT, SIGTERM};
    char out[512], cmd[1024], seed[32];
    snprintf(out, sizeof out, "%s/r.json", dir);
    snprintf(seed, sizeof seed, "%d", (int)getpid() * 1000 + _i);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char bin[512];
        snprintf(bin, sizeof bin, "%s/mmbench", MMB_BUILDDIR);
        freopen("/dev/null", "w", stderr);
        execl(bin, bin, "run", "-w", "churn", "-c", "manual", "-o", "steps=1000000000000", "-r", "3",
              "--seed", seed, "--out", out, (char *)NULL);
        _exit(127);
    }
    usleep(300 * 1000);
    kill(pid, sigs[_i]);
    int ws;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert(WIFEXITED(ws) && WEXITSTATUS(ws) != 0);
    ck_assert(!exists("r.json"));
    usleep(100 * 1000);
    snprintf(cmd, sizeof cmd, "! ls '%s'/r.json.tmp.* 2>/dev/null && ! pgrep -f -- '[-]-seed %s ' >/dev/null",
             dir, seed);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *make_driver_suite(void)
{
    Suite *s = suite_create("driver");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, bad_invocation_exits_2_with_one_line, 0,
                        (int)(sizeof bad_invocations / sizeof bad_invocations[0]));
    tcase_add_test(tc, good_run_writes_complete_json);
    tcase_add_test(tc, csv_has_header_and_rows);
    tcase_add_test(tc, list_shows_tables);
    tcase_add_test(tc, failed_run_keeps_previous_file);
    tcase_add_loop_test(tc, interrupted_run_leaves_no_file, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
