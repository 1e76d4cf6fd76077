/* bench/compare.c: `mmbench compare A B`: for every configuration measured
 * in both result documents, the ratio B/A of the medians of the headline
 * metrics, a 95% bootstrap interval for each ratio, and a verdict that only
 * claims a difference when the interval excludes 1.
 *
 * A and B are mmbench/1 files, or directories of them (every *.json there
 * whose schema is mmbench/1, as `make bench` leaves them). Anything missing,
 * unreadable, corrupt, truncated or of another schema is a usage error (exit
 * 2, one line). So is "no configuration in both": nothing was compared, and 1
 * stays reserved for failed runs and internal errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "resultdocs.h"

#define COMPARE_SEED 0x6d6d6263u /* fixed: the same files give the same intervals */
#define MIN_RUNS_FOR_VERDICT 2   /* one run per side has no spread to judge by */
#define KEY_LEN 2048
#define NMETRICS 5

/* The metrics compared, and the words for a ratio B/A above or below 1. */
static const struct metric {
    const char *name, *above, *below;
} metrics[NMETRICS] = {
    {"wall_ms", "slower", "faster"},
    {"ops_per_s", "faster", "slower"},
    {"pauses.max_ms", "higher", "lower"},
    {"pauses.p99_ms", "higher", "lower"},
    {"peak_rss_bytes", "larger", "smaller"},
};

/* The runs of one configuration (workload, collector, allocator, options). */
typedef struct config {
    char key[KEY_LEN];
    const mmb_jval *first; /* its first run: the identity fields */
    const mmb_jval **runs;
    int n, cap;
} config;

/* One side of the comparison: its documents and their configurations. */
typedef struct side {
    const char *path;
    mmb_docs docs;
    config *cfg;
    int ncfg;
} side;

typedef struct pair {
    const config *a, *b;
    mmb_ci ci[NMETRICS];                  /* ratio B/A and its interval */
    double med_a[NMETRICS], med_b[NMETRICS];
    int na[NMETRICS], nb[NMETRICS];       /* runs with a figure for the metric */
} pair;

/* Running out of memory is an internal error, not the user's. */
static int oom(void)
{
    fputs("mmbench: out of memory\n", stderr);
    return MMB_EXIT_FAIL;
}

/* "workload collector allocator k=v;k=v..." over every effective option, so
 * an option left at its default matches the same value given explicitly. */
static void config_key(const mmb_jval *run, char *key, size_t len)
{
    size_t used = (size_t)snprintf(key, len, "%s %s %s ", mmb_jdoc_str(mmb_jdoc_get(run, "workload"), ""),
                                   mmb_jdoc_str(mmb_jdoc_get(run, "collector"), ""),
                                   mmb_jdoc_str(mmb_jdoc_get(run, "allocator"), ""));
    for (const mmb_jval *o = mmb_jdoc_get(run, "options")->child; o && used < len; o = o->next) {
        char v[256];
        mmb_docs_value_text(o, v, sizeof v);
        used += (size_t)snprintf(key + used, len - used, "%s=%s;", o->key, v);
    }
}

/* A run must name its configuration and carry every compared metric (a
 * number, or null for a figure the run could not define). */
static int check_run(const mmb_jval *run, const char *path, int i)
{
    static const char *const names[] = {"workload", "collector", "allocator"};
    if (!run || run->type != MMB_JOBJ)
        return mmb_usage_error("%s: runs[%d] is not an object", path, i);
    for (int k = 0; k < 3; k++)
        if (!mmb_jdoc_str(mmb_jdoc_get(run, names[k]), NULL))
            return mmb_usage_error("%s: runs[%d] has no \"%s\"", path, i, names[k]);
    const mmb_jval *o = mmb_jdoc_get(run, "options");
    if (!o || o->type != MMB_JOBJ)
        return mmb_usage_error("%s: runs[%d] has no \"options\" object", path, i);
    for (int m = 0; m < NMETRICS; m++) {
        const mmb_jval *v = mmb_jdoc_path(run, metrics[m].name);
        if (!v || (v->type != MMB_JNUM && v->type != MMB_JNULL))
            return mmb_usage_error("%s: runs[%d] has no number \"%s\"", path, i, metrics[m].name);
    }
    return 0;
}

static config *find_config(side *s, const char *key)
{
    for (int i = 0; i < s->ncfg; i++)
        if (!strcmp(s->cfg[i].key, key))
            return &s->cfg[i];
    return NULL;
}

/* File the run under its configuration, creating that on first sight. */
static int add_run(side *s, const mmb_jval *run)
{
    char key[KEY_LEN];
    config_key(run, key, sizeof key);
    config *c = find_config(s, key);
    if (!c) {
        config *nc = realloc(s->cfg, sizeof *nc * (size_t)(s->ncfg + 1));
        if (!nc)
            return -1;
        s->cfg = nc;
        c = memset(&s->cfg[s->ncfg++], 0, sizeof *c);
        snprintf(c->key, sizeof c->key, "%s", key);
        c->first = run;
    }
    if (c->n == c->cap) {
        const mmb_jval **nr = realloc(c->runs, sizeof *nr * (size_t)(c->cap = c->cap ? 2 * c->cap : 8));
        if (!nr)
            return -1;
        c->runs = nr;
    }
    c->runs[c->n++] = run;
    return 0;
}

static int collect_runs(side *s, const mmb_jval *root, const char *path)
{
    const mmb_jval *runs = mmb_jdoc_get(root, "runs");
    if (!runs || runs->type != MMB_JARR)
        return mmb_usage_error("%s: no \"runs\" array", path);
    int i = 0;
    for (const mmb_jval *r = runs->child; r; r = r->next, i++) {
        if (check_run(r, path, i))
            return MMB_EXIT_USAGE;
        if (add_run(s, r))
            return oom();
    }
    return 0;
}

/* A file or a directory of them, and the runs of every document. */
static int load_side(side *s, const char *path)
{
    s->path = path;
    int status = mmb_docs_load(&s->docs, path);
    for (int i = 0; !status && i < s->docs.n; i++)
        status = collect_runs(s, s->docs.doc[i].root, s->docs.path[i]);
    return status;
}

static void free_side(side *s)
{
    for (int i = 0; i < s->ncfg; i++)
        free(s->cfg[i].runs);
    free(s->cfg);
    mmb_docs_free(&s->docs);
}

/* One metric over a configuration's runs; nulls (undefined figures) are
 * left out. */
static int values(const config *c, int m, double *x)
{
    int n = 0;
    for (int i = 0; i < c->n; i++) {
        const mmb_jval *v = mmb_jdoc_path(c->runs[i], metrics[m].name);
        if (v && v->type == MMB_JNUM)
            x[n++] = v->num;
    }
    return n;
}

/* Each metric's medians on both sides and the ratio's interval. The
 * medians come from mmb_summary_ci, the same code as the documents'
 * summaries, so the two always agree. */
static int compute(pair *p)
{
    int cap = p->a->n > p->b->n ? p->a->n : p->b->n;
    double *xa = malloc(sizeof *xa * (size_t)cap), *xb = malloc(sizeof *xb * (size_t)cap);
    for (int m = 0; xa && xb && m < NMETRICS; m++) {
        mmb_ci ca, cb;
        p->na[m] = values(p->a, m, xa);
        p->nb[m] = values(p->b, m, xb);
        mmb_summary_ci(xa, p->na[m], COMPARE_SEED, &ca);
        mmb_summary_ci(xb, p->nb[m], COMPARE_SEED, &cb);
        p->med_a[m] = p->na[m] ? ca.median : NAN;
        p->med_b[m] = p->nb[m] ? cb.median : NAN;
        mmb_summary_ratio_ci(xa, p->na[m], xb, p->nb[m], COMPARE_SEED + (uint64_t)m, &p->ci[m]);
    }
    int ok = xa && xb;
    free(xa);
    free(xb);
    return ok ? 0 : -1;
}

/* A difference is claimed only when the whole interval is on one side of 1. */
static const char *verdict(const pair *p, int m, char *buf, size_t len)
{
    const mmb_ci *ci = &p->ci[m];
    if (isnan(ci->median))
        return "n/a (no data)";
    if (p->na[m] < MIN_RUNS_FOR_VERDICT || p->nb[m] < MIN_RUNS_FOR_VERDICT)
        return "too few runs to tell";
    if (ci->lo <= 1 && ci->hi >= 1)
        return "no clear difference";
    snprintf(buf, len, "B %s", ci->lo > 1 ? metrics[m].above : metrics[m].below);
    return buf;
}

/* Pair equal configurations; failing that, two single-configuration files
 * are compared anyway (e.g. one option changed between them). */
static int match(side *a, side *b, pair **out, int *fallback)
{
    pair *p = calloc((size_t)a->ncfg + 1, sizeof *p);
    int n = 0;
    for (int i = 0; p && i < a->ncfg; i++) {
        const config *cb = find_config(b, a->cfg[i].key);
        if (cb)
            p[n++] = (pair){.a = &a->cfg[i], .b = cb};
    }
    *fallback = p && n == 0 && a->ncfg == 1 && b->ncfg == 1;
    if (*fallback)
        p[n++] = (pair){.a = &a->cfg[0], .b = &b->cfg[0]};
    *out = p;
    return n;
}

static const char *field(const config *c, const char *name)
{
    return mmb_jdoc_str(mmb_jdoc_get(c->first, name), "");
}

/* Text of option `key` in configuration c, or "(none)". */
static void option_of(const config *c, const char *key, char *buf, size_t len)
{
    const mmb_jval *v = mmb_jdoc_get(mmb_jdoc_get(c->first, "options"), key);
    if (v)
        mmb_docs_value_text(v, buf, len);
    else
        snprintf(buf, len, "(none)");
}

static size_t add_diff(char *buf, size_t len, size_t used, const char *what, const char *x, const char *y)
{
    if (!strcmp(x, y) || used >= len)
        return used;
    return used + (size_t)snprintf(buf + used, len - used, "%s%s %s -> %s", used ? ", " : "", what, x, y);
}

/* What differs between two configurations: "threshold0 700 -> 2000, ...". */
static void differences(const config *a, const config *b, char *buf, size_t len)
{
    static const char *const names[] = {"workload", "collector", "allocator"};
    size_t used = 0;
    char x[256], y[256];
    buf[0] = 0;
    for (int k = 0; k < 3; k++)
        used = add_diff(buf, len, used, names[k], field(a, names[k]), field(b, names[k]));
    const mmb_jval *oa = mmb_jdoc_get(a->first, "options"), *ob = mmb_jdoc_get(b->first, "options");
    for (const mmb_jval *o = oa->child; o; o = o->next) {
        option_of(a, o->key, x, sizeof x), option_of(b, o->key, y, sizeof y);
        used = add_diff(buf, len, used, o->key, x, y);
    }
    for (const mmb_jval *o = ob->child; o; o = o->next)
        if (!mmb_jdoc_get(oa, o->key))
            option_of(b, o->key, y, sizeof y), used = add_diff(buf, len, used, o->key, "(none)", y);
}

static void num_text(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "n/a");
    else if (isinf(v))
        snprintf(buf, len, "%sinf", v < 0 ? "-" : "");
    else
        snprintf(buf, len, "%.4g", v);
}

static void side_header(FILE *f, const char *tag, const side *s)
{
    const mmb_jval *env = s->docs.n ? mmb_jdoc_get(s->docs.doc[0].root, "env") : NULL;
    fprintf(f, "%s: %s (%d configuration%s; mmbench %s, git %s, %s)\n", tag, s->path, s->ncfg,
            s->ncfg == 1 ? "" : "s", mmb_jdoc_str(mmb_jdoc_get(env, "version"), "?"),
            mmb_jdoc_str(mmb_jdoc_get(env, "git"), "?"), mmb_jdoc_str(mmb_jdoc_get(env, "date"), "?"));
}

static void print_pair_text(FILE *f, const pair *p, int fallback)
{
    char label[KEY_LEN], diff[KEY_LEN];
    mmb_docs_label(p->a->first, label, sizeof label);
    fprintf(f, "\n%s: A %d run%s, B %d run%s\n", label, p->a->n, p->a->n == 1 ? "" : "s", p->b->n,
            p->b->n == 1 ? "" : "s");
    if (fallback) {
        differences(p->a, p->b, diff, sizeof diff);
        fprintf(f, "  (no configuration is in both files; comparing their only ones, which differ in: %s)\n",
                diff[0] ? diff : "nothing");
    }
    fprintf(f, "  %-16s %11s %11s %9s  %-21s %s\n", "metric", "median A", "median B", "B/A", "95% interval", "verdict");
    for (int m = 0; m < NMETRICS; m++) {
        char ma[32], mb[32], r[32], lo[32], hi[32], iv[80], vb[64];
        num_text(p->med_a[m], ma, sizeof ma), num_text(p->med_b[m], mb, sizeof mb);
        num_text(p->ci[m].median, r, sizeof r);
        num_text(p->ci[m].lo, lo, sizeof lo), num_text(p->ci[m].hi, hi, sizeof hi);
        snprintf(iv, sizeof iv, "[%s, %s]", lo, hi);
        fprintf(f, "  %-16s %11s %11s %9s  %-21s %s\n", metrics[m].name, ma, mb, r, iv,
                verdict(p, m, vb, sizeof vb));
    }
}

static void print_text(const side *a, const side *b, const pair *p, int n, int fallback)
{
    side_header(stdout, "A", a);
    side_header(stdout, "B", b);
    printf("B/A is the ratio of medians; the interval is a 95%% bootstrap interval (%s);\n"
           "a difference is claimed only when the interval excludes 1.\n",
           "each side's runs resampled independently, 2000 times");
    for (int i = 0; i < n; i++)
        print_pair_text(stdout, &p[i], fallback);
}

static void json_side(mmb_json *j, const char *key, const side *s)
{
    mmb_json_key(j, key);
    mmb_json_begin_object(j);
    mmb_json_key(j, "path"), mmb_json_string(j, s->path);
    mmb_json_key(j, "configurations"), mmb_json_uint(j, (uint64_t)s->ncfg);
    mmb_json_end_object(j);
}

static void json_identity(mmb_json *j, const char *key, const config *c)
{
    mmb_json_key(j, key);
    mmb_json_begin_object(j);
    mmb_json_key(j, "workload"), mmb_json_string(j, field(c, "workload"));
    mmb_json_key(j, "collector"), mmb_json_string(j, field(c, "collector"));
    mmb_json_key(j, "allocator"), mmb_json_string(j, field(c, "allocator"));
    mmb_json_key(j, "runs"), mmb_json_uint(j, (uint64_t)c->n);
    mmb_json_key(j, "options");
    mmb_json_begin_object(j);
    for (const mmb_jval *o = mmb_jdoc_get(c->first, "options")->child; o; o = o->next) {
        mmb_json_key(j, o->key);
        if (o->type == MMB_JNUM)
            mmb_json_double(j, o->num);
        else
            mmb_json_string(j, mmb_jdoc_str(o, ""));
    }
    mmb_json_end_object(j);
    mmb_json_end_object(j);
}

static void json_pair(mmb_json *j, const pair *p, int fallback)
{
    char diff[KEY_LEN], vb[64];
    mmb_json_begin_object(j);
    json_identity(j, "a", p->a);
    json_identity(j, "b", p->b);
    differences(p->a, p->b, diff, sizeof diff);
    mmb_json_key(j, "exact_match"), mmb_json_bool(j, !fallback);
    mmb_json_key(j, "differs"), mmb_json_string(j, diff);
    for (int m = 0; m < NMETRICS; m++) {
        mmb_json_key(j, metrics[m].name);
        mmb_json_begin_object(j);
        mmb_json_key(j, "a_median"), mmb_json_double(j, p->med_a[m]);
        mmb_json_key(j, "b_median"), mmb_json_double(j, p->med_b[m]);
        mmb_json_key(j, "ratio"), mmb_json_double(j, p->ci[m].median);
        mmb_json_key(j, "ci95_lo"), mmb_json_double(j, p->ci[m].lo);
        mmb_json_key(j, "ci95_hi"), mmb_json_double(j, p->ci[m].hi);
        mmb_json_key(j, "verdict"), mmb_json_string(j, verdict(p, m, vb, sizeof vb));
        mmb_json_end_object(j);
    }
    mmb_json_end_object(j);
}

static void print_json(const side *a, const side *b, const pair *p, int n, int fallback)
{
    mmb_json j;
    mmb_json_init(&j, stdout, 1);
    mmb_json_begin_object(&j);
    mmb_json_key(&j, "schema"), mmb_json_string(&j, "mmbench-compare/1");
    json_side(&j, "a", a);
    json_side(&j, "b", b);
    mmb_json_key(&j, "resamples"), mmb_json_uint(&j, 2000);
    mmb_json_key(&j, "comparisons");
    mmb_json_begin_array(&j);
    for (int i = 0; i < n; i++)
        json_pair(&j, &p[i], fallback);
    mmb_json_end_array(&j);
    mmb_json_end_object(&j);
    fputc('\n', stdout);
}

/* compare [--format text|json] A B (flags anywhere). */
static int parse_args(int argc, char **argv, const char **paths, int *json)
{
    int np = 0;
    for (int i = 1; i < argc; i++) {
        const char *fmt = !strncmp(argv[i], "--format=", 9) ? argv[i] + 9 : NULL;
        if (!strcmp(argv[i], "--format")) {
            if (++i == argc)
                return mmb_usage_error("option --format needs a value");
            fmt = argv[i];
        }
        if (fmt && strcmp(fmt, "text") && strcmp(fmt, "json"))
            return mmb_usage_error("--format: '%s' is not one of text, json", fmt);
        if (fmt)
            *json = !strcmp(fmt, "json");
        else if (argv[i][0] == '-' && argv[i][1])
            return mmb_usage_error("unknown flag '%s' (compare [--format text|json] A.json B.json)", argv[i]);
        else if (np == 2)
            return mmb_usage_error("compare takes two result files, not '%s' too", argv[i]);
        else
            paths[np++] = argv[i];
    }
    return np == 2 ? 0 : mmb_usage_error("compare needs two result files: mmbench compare A.json B.json");
}

int mmb_cli_compare(int argc, char **argv)
{
    const char *paths[2];
    int json = 0, fallback = 0, n = 0;
    side a = {0}, b = {0};
    pair *p = NULL;
    int status = parse_args(argc, argv, paths, &json);
    if (!status)
        status = load_side(&a, paths[0]);
    if (!status)
        status = load_side(&b, paths[1]);
    if (!status && (n = match(&a, &b, &p, &fallback)) == 0)
        status = p ? mmb_usage_error("no configuration is in both %s (%d) and %s (%d)", paths[0], a.ncfg,
                                     paths[1], b.ncfg)
                   : oom();
    for (int i = 0; !status && i < n; i++)
        if (compute(&p[i]))
            status = oom();
    if (!status && json)
        print_json(&a, &b, p, n, fallback);
    else if (!status)
        print_text(&a, &b, p, n, fallback);
    free(p);
    free_side(&a);
    free_side(&b);
    if (!status && fflush(stdout) != 0)
        status = MMB_EXIT_FAIL;
    return status;
}
