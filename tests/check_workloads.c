/* tests/check_workloads.c: every workload of bench/wl_*.c (beyond churn)
 * runs to a verified end, at a tiny size, under every collector that
 * `mmbench list --format json` says it suits; and listbuild shows the point
 * it exists for, a list's peak live bytes far above a stream's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "churn_tags.h"
#include "suites.h"

#ifndef MMB_BUILDDIR
#define MMB_BUILDDIR "."
#endif

#define MAX_GCS 16
#define NAME_LEN 64 /* bytes for a workload or collector name */
#define LIST_BYTES (256 * 1024) /* room for `mmbench list --format json` */
#define LIST_PEAK_RATIO 10.0    /* materialise's peak live bytes over stream's, at least */

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/mmb-workloads-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Run mmbench inside the scratch dir; its exit status. */
static int run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/mmbench' %s >out.txt 2>err.txt", dir, MMB_BUILDDIR, args);
    int ws = system(cmd);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static char *slurp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char *buf = calloc(LIST_BYTES, 1);
    ck_assert_ptr_nonnull(buf);
    size_t n = fread(buf, 1, LIST_BYTES - 1, f);
    fclose(f);
    ck_assert_uint_lt(n, LIST_BYTES - 1);
    return buf;
}

/* The next JSON string token at or after *p, copied into tok (escapes
 * kept as written; names here have none). Returns 0 at the end. Any ']'
 * passed on the way is reported through *closed. */
static int next_string(const char **p, char *tok, size_t len, int *closed)
{
    const char *s = *p;
    while (*s && *s != '"')
        *closed |= *s++ == ']';
    if (!*s)
        return 0;
    size_t n = 0;
    for (s++; *s && *s != '"'; s++) {
        if (*s == '\\' && s[1])
            s++;
        if (n + 1 < len)
            tok[n++] = *s;
    }
    tok[n] = 0;
    *p = *s ? s + 1 : s;
    return 1;
}

/* The collectors `list --format json` gives for workload wl: after the
 * member "name": "<wl>", the strings of the next "collectors" array. */
static int collectors_of(const char *json, const char *wl, char gcs[][NAME_LEN])
{
    const char *p = json;
    char tok[NAME_LEN], prev[NAME_LEN] = "";
    int closed = 0, n = 0;
    while (next_string(&p, tok, sizeof tok, &closed) && !(!strcmp(prev, "name") && !strcmp(tok, wl)))
        snprintf(prev, sizeof prev, "%s", tok);
    while (next_string(&p, tok, sizeof tok, &closed) && strcmp(tok, "collectors"))
        ;
    closed = 0;
    while (n < MAX_GCS && next_string(&p, tok, sizeof tok, &closed) && !closed)
        snprintf(gcs[n++], NAME_LEN, "%s", tok);
    return n;
}

/* Each workload at a size that runs in milliseconds; lifetimes' windows
 * are chosen so that both of its rate checks are active. */
static const struct {
    const char *name, *opts;
} tiny[] = {
    {"lifetimes", "-o allocs=20000 -o ring=100 -o table=200 -o young-window=100 -o old-window=5000"},
    {"lifetimes", "-o allocs=20000 -o size-dist=pareto -o max-size=4K -o store-rate=1 -o ring=64 -o table=64 -o young-window=200"},
    {"msgbuf", "-o window=1000 -o pushes=5000 -o msg-size=256"},
    {"listbuild", "-o n=10000"},
    {"listbuild", "-o n=10000 -o mode=stream"},
    {"fragment", "-o count=10000"},
    {"graph", "-o nodes=1000 -o ops=20000"},
    {"graph", "-o nodes=200 -o ops=20000 -o degree=7 -o replace=0.5"},
};

static int list_collectors(const char *wl, char gcs[][NAME_LEN])
{
    ck_assert_int_eq(run("list --format json"), 0);
    char *json = slurp("out.txt");
    int n = collectors_of(json, wl, gcs);
    free(json);
    return n;
}

START_TEST(tiny_run_verifies_under_every_collector)
{
    char gcs[MAX_GCS][NAME_LEN], args[1024];
    int n = list_collectors(tiny[_i].name, gcs);
    ck_assert_msg(n > 0, "no collector listed for %s", tiny[_i].name);
    for (int g = 0; g < n; g++) {
        int len = snprintf(args, sizeof args, "run -w %s -c %s %s --out r.csv", tiny[_i].name, gcs[g],
                           tiny[_i].opts);
        ck_assert_int_lt(len, (int)sizeof args);
        int st = run(args);
        ck_assert_msg(st == 0, "'%s' exited %d", args, st);
    }
}
END_TEST

/* Column `field` of the one data row of the CSV file `name`. */
static double csv_field(const char *name, const char *field)
{
    char *csv = slurp(name);
    char *row = strchr(csv, '\n');
    ck_assert_ptr_nonnull(row);
    *row++ = 0;
    double v = -1;
    char *hs, *rs, *h = strtok_r(csv, ",", &hs), *r = strtok_r(row, ",\n", &rs);
    for (; h && r; h = strtok_r(NULL, ",", &hs), r = strtok_r(NULL, ",\n", &rs))
        if (!strcmp(h, field))
            v = strtod(r, NULL);
    free(csv);
    ck_assert_msg(v >= 0, "no %s in %s", field, name);
    return v;
}

/* Only where garbage is freed the moment it dies: a tracing collector counts
 * a stream's dead ints as live until it collects, so its ratio follows the
 * heap size, not the program. */
static const char *const prompt_gcs[] = {"manual", "rc", "rc-cycle"};

START_TEST(list_peak_is_ten_times_stream_peak)
{
    char args[512];
    snprintf(args, sizeof args, "run -w listbuild -c %s -o n=10000 --out m.csv", prompt_gcs[_i]);
    ck_assert_int_eq(run(args), 0);
    snprintf(args, sizeof args, "run -w listbuild -c %s -o n=10000 -o mode=stream --out s.csv", prompt_gcs[_i]);
    ck_assert_int_eq(run(args), 0);
    double m = csv_field("m.csv", "peak_live_bytes"), s = csv_field("s.csv", "peak_live_bytes");
    ck_assert_msg(m >= LIST_PEAK_RATIO * s, "%s: materialise %g, stream %g", prompt_gcs[_i], m, s);
}
END_TEST

/* ---- churn's check (bench/churn_tags.h) catches what it is for ---- */

#define NTAGGED 64

/* An array object of NTAGGED slots, each a fresh tagged block of a size
 * from 8 to 512 payload bytes (8 and 16 included: one tag word, two). */
static mmb_obj *tagged_blocks(mmb_tagsum *t)
{
    mmb_obj *arr = calloc(1, mmb_obj_size(NTAGGED, 0));
    mmb_obj_init(arr, NTAGGED, 0, 0);
    for (uint32_t i = 0; i < NTAGGED; i++) {
        uint32_t nbytes = i < 2 ? 8 * (i + 1) : 8 + (i * 37) % 505;
        mmb_obj *o = calloc(1, mmb_obj_size(0, nbytes));
        mmb_obj_init(o, 0, nbytes, 0);
        arr->slot[i] = o;
        mmb_tag_block(t, o, nbytes);
    }
    return arr;
}

static void free_blocks(mmb_obj *arr)
{
    for (uint32_t i = 0; i < arr->nslots; i++)
        if (i == 0 || arr->slot[i] != arr->slot[i - 1])
            free(arr->slot[i]);
    free(arr);
}

/* Replace the block in slot i as churn does: untag, free, tag a new one. */
static void retag(mmb_tagsum *t, mmb_obj *arr, uint32_t i)
{
    mmb_untag_block(t, arr->slot[i]);
    mmb_tag_block(t, arr->slot[i], arr->slot[i]->nbytes);
}

START_TEST(churn_tags_pass_intact_blocks)
{
    mmb_tagsum t = {.seq = 42};
    mmb_obj *arr = tagged_blocks(&t);
    for (uint32_t k = 0; k < 1000; k++)
        retag(&t, arr, (k * 7) % NTAGGED);
    ck_assert(mmb_tags_verify(arr, &t));
    free_blocks(arr);
}
END_TEST

/* _i: 0 a neighbour overwrote a live block's last word, 1 its first word,
 * 2 a block was handed out twice (two slots, the second tag over the
 * first), 3 a freed block's tag was overwritten before it left the sum
 * (a write after free, or the free of a block it was not). */
START_TEST(churn_tags_catch_corruption)
{
    mmb_tagsum t = {.seq = 42};
    mmb_obj *arr = tagged_blocks(&t);
    mmb_obj *o = arr->slot[10];
    uint64_t junk = 0x5eed;
    switch (_i) {
    case 0: __builtin_memcpy(mmb_payload(o) + o->nbytes - 8, &junk, 8); break;
    case 1: mmb_set_word(o, 0, junk); break;
    case 2:
        mmb_untag_block(&t, arr->slot[11]);
        free(arr->slot[11]);
        arr->slot[11] = o;
        mmb_tag_block(&t, o, o->nbytes);
        break;
    case 3:
        mmb_set_word(o, 0, junk);
        retag(&t, arr, 10);
        break;
    }
    ck_assert(!mmb_tags_verify(arr, &t));
    free_blocks(arr);
}
END_TEST

Suite *make_workloads_suite(void)
{
    Suite *s = suite_create("workloads");
    TCase *tc = tcase_create("tiny");
    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, tiny_run_verifies_under_every_collector, 0, (int)(sizeof tiny / sizeof tiny[0]));
    tcase_add_loop_test(tc, list_peak_is_ten_times_stream_peak, 0,
                        (int)(sizeof prompt_gcs / sizeof prompt_gcs[0]));
    suite_add_tcase(s, tc);
    TCase *tags = tcase_create("churn-tags");
    tcase_add_test(tags, churn_tags_pass_intact_blocks);
    tcase_add_loop_test(tags, churn_tags_catch_corruption, 0, 4);
    suite_add_tcase(s, tags);
    return s;
}
