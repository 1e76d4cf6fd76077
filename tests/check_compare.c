/* tests/check_compare.c: reading results back. The strict JSON reader on
 * good, corrupt, truncated, mutated and deeply nested input (an error, never
 * a crash or a hang), and `mmbench compare`, `sweep` and `report` as a user
 * runs them: ratios with intervals and verdicts, and exit 2 with one line
 * for a file that is missing, corrupt, truncated or not mmbench/1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmb/json_read.h"
#include "mmbrun.h"
#include "suites.h"


#define FUZZ_MUTATIONS 3000

static const char sample[] =
    "{ \"schema\": \"mmbench/1\",\n"
    "  \"env\": { \"version\": \"0.1.0\", \"cores\": 2, \"cc\": \"gcc \\\"12\\\"\" },\n"
    "  \"runs\": [ { \"workload\": \"churn\", \"collector\": \"manual\", \"allocator\": \"sys\",\n"
    "      \"options\": { \"live\": 100, \"dist\": \"uniform\" }, \"wall_ms\": 1.5e1,\n"
    "      \"pauses\": { \"count\": 0, \"max_ms\": -0.25 }, \"ok\": true, \"none\": null,\n"
    "      \"gc\": { \"collections\": [], \"collected\": [1, 2, 3] } } ],\n"
    "  \"summary\": [ { \"pauses.max_ms\": { \"median\": 0.5 } } ],\n"
    "  \"text\": \"caf\\u00e9 \\ud83d\\ude00 tab\\t \xc3\xa9\" }\n";

static int parse(const char *text, size_t len, mmb_jdoc *doc, char *err, size_t errlen)
{
    return mmb_jdoc_parse(doc, text, len, err, errlen);
}

START_TEST(reads_a_good_document)
{
    mmb_jdoc doc;
    char err[256];
    ck_assert_msg(parse(sample, strlen(sample), &doc, err, sizeof err) == 0, "%s", err);
    const mmb_jval *root = doc.root;
    ck_assert_str_eq(mmb_jdoc_str(mmb_jdoc_get(root, "schema"), ""), "mmbench/1");
    ck_assert_str_eq(mmb_jdoc_str(mmb_jdoc_path(root, "env.cc"), ""), "gcc \"12\"");
    const mmb_jval *run = mmb_jdoc_index(mmb_jdoc_get(root, "runs"), 0);
    ck_assert(mmb_jdoc_num(mmb_jdoc_get(run, "wall_ms"), 0) == 15);
    ck_assert(mmb_jdoc_num(mmb_jdoc_path(run, "pauses.max_ms"), 0) == -0.25);
    ck_assert_int_eq(mmb_jdoc_get(run, "ok")->type, MMB_JBOOL);
    ck_assert_int_eq(mmb_jdoc_get(run, "none")->type, MMB_JNULL);
    ck_assert_int_eq(mmb_jdoc_path(run, "gc.collections")->nchild, 0);
    ck_assert(mmb_jdoc_num(mmb_jdoc_index(mmb_jdoc_path(run, "gc.collected"), 2), 0) == 3);
    ck_assert_ptr_null(mmb_jdoc_index(mmb_jdoc_path(run, "gc.collected"), 3));
    const mmb_jval *sum = mmb_jdoc_index(mmb_jdoc_get(root, "summary"), 0);
    ck_assert(mmb_jdoc_num(mmb_jdoc_path(sum, "pauses.max_ms.median"), 0) == 0.5);
    ck_assert_str_eq(mmb_jdoc_str(mmb_jdoc_get(root, "text"), ""), "caf\xc3\xa9 \xf0\x9f\x98\x80 tab\t \xc3\xa9");
    ck_assert_ptr_null(mmb_jdoc_get(root, "absent"));
    ck_assert_ptr_null(mmb_jdoc_path(NULL, "a.b"));
    mmb_jdoc_free(&doc);
}
END_TEST

static const char *const corrupt[] = {
    "", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\":}", "{\"a\" 1}", "{1:2}", "{\"a\":1,}",
    "[1 2]", "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "1e999",
    "tru", "nul", "falsey", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\x01\"",
    "\"\xff\"", "\"\xc3\"", "\"\xe0\x80\x80\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
    "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\u0000\"", "[1] x", "{} {}",
    "// comment\n{}", "{'a': 1}", "[1,\n2,\n", "\"a\nb\"",
    "123456789012345678901234567890123456789012345678901234567890123456789",
};

START_TEST(rejects_corrupt_input)
{
    mmb_jdoc doc;
    char err[256] = "";
    const char *text = corrupt[_i];
    ck_assert_msg(parse(text, strlen(text), &doc, err, sizeof err) != 0, "accepted '%s'", text);
    ck_assert_msg(err[0] != 0, "no message for '%s'", text);
    ck_assert_ptr_null(doc.root);
    mmb_jdoc_free(&doc);
}
END_TEST

/* Every proper prefix of a document is an error, never a crash: what an
 * interrupted copy or a full disk leaves behind. */
START_TEST(rejects_every_truncation)
{
    size_t end = strrchr(sample, '}') - sample + 1;
    for (size_t n = 0; n < end; n++) {
        mmb_jdoc doc;
        char err[256];
        char *copy = malloc(n + 1); /* exactly n bytes: a read past them is caught by ASan */
        memcpy(copy, sample, n);
        ck_assert_msg(parse(copy, n, &doc, err, sizeof err) != 0, "prefix of %zu bytes accepted", n);
        mmb_jdoc_free(&doc);
        free(copy);
    }
}
END_TEST

/* Nesting to the limit parses; one more level, or a million, is an error
 * (iterative parser: no recursion to overflow). */
START_TEST(bounds_nesting)
{
    size_t deep = 1000000;
    char *text = malloc(2 * deep + 1);
    mmb_jdoc doc;
    char err[256];
    for (int d = MMB_JDOC_MAX_DEPTH; d <= MMB_JDOC_MAX_DEPTH + 1; d++) {
        memset(text, '[', (size_t)d);
        memset(text + d, ']', (size_t)d);
        int rc = parse(text, 2 * (size_t)d, &doc, err, sizeof err);
        ck_assert_int_eq(rc, d > MMB_JDOC_MAX_DEPTH ? -1 : 0);
        mmb_jdoc_free(&doc);
    }
    memset(text, '[', deep);
    ck_assert_int_eq(parse(text, deep, &doc, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nested"));
    mmb_jdoc_free(&doc);
    memset(text, '{', deep);
    ck_assert_int_eq(parse(text, deep, &doc, err, sizeof err), -1);
    mmb_jdoc_free(&doc);
    free(text);
}
END_TEST

/* Many wide arrays: more values than one allocation block holds. */
START_TEST(reads_large_arrays)
{
    size_t n = 100000;
    char *text = malloc(2 * n + 2), *p = text;
    *p++ = '[';
    for (size_t i = 0; i < n; i++)
        *p++ = '7', *p++ = i + 1 < n ? ',' : ']';
    mmb_jdoc doc;
    char err[256];
    ck_assert_int_eq(parse(text, (size_t)(p - text), &doc, err, sizeof err), 0);
    ck_assert_int_eq(doc.root->nchild, (int)n);
    mmb_jdoc_free(&doc);
    free(text);
}
END_TEST

/* Seeded random byte mutations of the sample: any outcome but a crash. */
START_TEST(survives_mutations)
{
    size_t len = strlen(sample);
    char *copy = malloc(len);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int parsed = 0;
    for (int k = 0; k < FUZZ_MUTATIONS; k++) {
        memcpy(copy, sample, len);
        for (int m = 0; m < 1 + k % 4; m++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            copy[(x >> 8) % len] = (char)(x >> 40);
        }
        mmb_jdoc doc;
        char err[256];
        parsed += parse(copy, len - (x >> 50) % 3, &doc, err, sizeof err) == 0;
        mmb_jdoc_free(&doc);
    }
    ck_assert_int_lt(parsed, FUZZ_MUTATIONS);
    free(copy);
}
END_TEST

START_TEST(load_reports_missing_and_empty_files)
{
    mmb_jdoc doc;
    char err[256];
    ck_assert_int_eq(mmb_jdoc_load(&doc, "/nonexistent/x.json", err, sizeof err), -1);
    mmb_jdoc_free(&doc);
    ck_assert_int_eq(mmb_jdoc_load(&doc, "/dev/null", err, sizeof err), -1);
    mmb_jdoc_free(&doc);
    ck_assert_int_eq(mmb_jdoc_load(&doc, "/", err, sizeof err), -1);
    mmb_jdoc_free(&doc);
}
END_TEST

/* ---- the driver's subcommands, through the built binary ---- */

static char dir[256];

static void sh(const char *fmt, const char *arg)
{
    char cmd[2048], body[1536];
    snprintf(body, sizeof body, fmt, arg);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", dir, body);
    ck_assert_msg(system(cmd) == 0, "failed: %s", body);
}

/* Two small result files that differ in one option, made once per test. */
static void make_runs(void)
{
    mmb_test_mkdir(dir, sizeof dir, "compare");
    sh("'%s/mmbench' run -w churn -c rc-cycle -o steps=2000 -o live=200 -o threshold0=700 -r 3 --out a.json "
       ">/dev/null", MMB_BUILDDIR);
    sh("'%s/mmbench' run -w churn -c rc-cycle -o steps=2000 -o live=200 -o threshold0=2000 -r 3 --out b.json "
       ">/dev/null", MMB_BUILDDIR);
}

static void remove_dir(void)
{
    mmb_test_rmdir(dir);
}

/* mmbench ARGS in the scratch dir: exit status, and stderr's line count. */
static int run(const char *args, int *err_lines)
{
    return mmb_test_run(dir, args, err_lines);
}

START_TEST(compare_prints_ratios_and_verdicts)
{
    int lines;
    ck_assert_int_eq(run("compare a.json b.json", &lines), 0);
    ck_assert_int_eq(lines, 0);
    sh("grep -q 'threshold0 700 -> 2000' out.txt && grep -q 'B/A' out.txt && "
       "grep -Eq '^  wall_ms .*\\[[0-9.e+-]+, [0-9.e+-]+\\] +(B faster|B slower|no clear difference)$' out.txt && "
       "grep -Eq '^  peak_rss_bytes .*(B smaller|B larger|no clear difference)$' out.txt && "
       "grep -Eq '^  pauses.max_ms .*(B lower|B higher|no clear difference|n/a)' out.txt%s", "");
    /* a file against itself: ratio 1, nothing to report */
    ck_assert_int_eq(run("compare a.json a.json", &lines), 0);
    sh("grep -Eq '^  ops_per_s .* 1 +\\[.*no clear difference$' out.txt && ! grep -q 'B faster' out.txt%s", "");
}
END_TEST

START_TEST(compare_json_is_readable)
{
    int lines;
    ck_assert_int_eq(run("compare --format json a.json b.json", &lines), 0);
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    mmb_jdoc doc;
    ck_assert_msg(mmb_jdoc_load(&doc, path, err, sizeof err) == 0, "%s", err);
    const mmb_jval *c = mmb_jdoc_index(mmb_jdoc_get(doc.root, "comparisons"), 0);
    ck_assert_ptr_nonnull(c);
    const mmb_jval *wall = mmb_jdoc_get(c, "wall_ms");
    double lo = mmb_jdoc_num(mmb_jdoc_get(wall, "ci95_lo"), -1), hi = mmb_jdoc_num(mmb_jdoc_get(wall, "ci95_hi"), -1);
    double r = mmb_jdoc_num(mmb_jdoc_get(wall, "ratio"), -1);
    ck_assert(lo > 0 && lo <= r && r <= hi);
    ck_assert_ptr_nonnull(mmb_jdoc_str(mmb_jdoc_get(wall, "verdict"), NULL));
    mmb_jdoc_free(&doc);
}
END_TEST

/* Each bad input: exit 2, exactly one line on stderr, nothing on stdout. */
static const char *const bad_compares[] = {
    "compare",
    "compare a.json",
    "compare a.json b.json c.json",
    "compare --format xml a.json b.json",
    "compare --bogus a.json b.json",
    "compare missing.json b.json",
    "compare a.json missing.json",
    "compare corrupt.json b.json",
    "compare a.json truncated.json",
    "compare empty.json b.json",
    "compare other.json b.json",
    "compare norun.json b.json",
    "compare two b.json",
    "compare / a.json",
};

START_TEST(compare_bad_input_exits_2)
{
    int lines;
    sh("printf '{ not json' > corrupt.json && head -c 300 b.json > truncated.json && : > empty.json%s", "");
    sh("echo '{\"schema\": \"other/1\", \"runs\": []}' > other.json%s", "");
    sh("echo '{\"schema\": \"mmbench/1\", \"runs\": [{\"workload\": \"churn\"}]}' > norun.json%s", "");
    /* two configurations on one side, a third on the other: nothing in common */
    sh("mkdir two && cp a.json two/ && '%s/mmbench' run -w churn -c manual -o steps=1000 --out two/m.json",
       MMB_BUILDDIR);
    int st = run(bad_compares[_i], &lines);
    ck_assert_msg(st == 2, "'%s' exited %d", bad_compares[_i], st);
    ck_assert_msg(lines == 1, "'%s' wrote %d lines on stderr", bad_compares[_i], lines);
    sh("test ! -s out.txt && grep -q '^mmbench: ' err.txt%s", "");
}
END_TEST

START_TEST(sweep_writes_merged_csv)
{
    int lines;
    ck_assert_int_eq(run("sweep -w churn -c rc-cycle -o threshold0=100,2000 -o steps=1000 -o live=100 -r 2 "
                         "--out-dir sw", &lines), 0);
    sh("test $(wc -l < sw/sweep.csv) -eq 5 && head -1 sw/sweep.csv | grep -q '^sweep_key,sweep_value,workload' && "
       "grep -q '^threshold0,2000,churn,rc-cycle' sw/sweep.csv && test -s sw/threshold0-100.json && "
       "grep -q '^2000 ' out.txt && test -s sw/sweep.txt%s", "");
    ck_assert_int_eq(run("sweep -w churn -c rc-cycle -o threshold0=100,-1 --out-dir bad", &lines), 2);
    ck_assert_int_eq(lines, 1);
    sh("test ! -e bad%s", "");
    ck_assert_int_eq(run("sweep -w churn -c rc-cycle -o threshold0=100 --out-dir bad", &lines), 2);
    ck_assert_int_eq(lines, 1);
}
END_TEST

START_TEST(report_writes_html_and_md)
{
    int lines;
    sh("mkdir res && cp a.json b.json res/%s", "");
    ck_assert_int_eq(run("report res", &lines), 0);
    sh("grep -q '<table>' res/report.html && grep -q '</html>' res/report.html && "
       "grep -q 'threshold0=2000' res/report.md && ! ls res/*.tmp.* 2>/dev/null%s", "");
    ck_assert_int_eq(run("report missing", &lines), 2);
    ck_assert_int_eq(lines, 1);
}
END_TEST

Suite *make_compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("json_read");
    tcase_add_test(tc, reads_a_good_document);
    tcase_add_loop_test(tc, rejects_corrupt_input, 0, (int)(sizeof corrupt / sizeof corrupt[0]));
    tcase_add_test(tc, rejects_every_truncation);
    tcase_add_test(tc, bounds_nesting);
    tcase_add_test(tc, reads_large_arrays);
    tcase_add_test(tc, survives_mutations);
    tcase_add_test(tc, load_reports_missing_and_empty_files);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, make_runs, remove_dir);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, compare_prints_ratios_and_verdicts);
    tcase_add_test(tc, compare_json_is_readable);
    tcase_add_loop_test(tc, compare_bad_input_exits_2, 0, (int)(sizeof bad_compares / sizeof bad_compares[0]));
    tcase_add_test(tc, sweep_writes_merged_csv);
    tcase_add_test(tc, report_writes_html_and_md);
    suite_add_tcase(s, tc);
    return s;
}
