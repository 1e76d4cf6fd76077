/* bench/sweep.c: `mmbench sweep`: one workload and collector over a list of
 * values of one option, every value run by `mmbench run` in its own process
 * (so each is exactly what a user would get by hand), into one directory:
 *
 *   DIR/<key>-<value>.json, .csv   each value's result document
 *   DIR/sweep.csv                  every run, with sweep_key and sweep_value first
 *   DIR/sweep.txt                  the table of medians printed at the end
 *
 * scripts/plots.sh DIR draws the sweep plot from sweep.csv. The swept values
 * are checked against the option tables before anything runs; the other
 * flags are checked by the first run. A value whose run fails (heap-limit,
 * verification) is reported and the sweep goes on; the exit status is then
 * that of the first failure. A usage error stops the sweep at once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"
#include "mmb/json_read.h"
#include "registry.h"
#include "resultdocs.h"

#define MAX_VALUES 64
#define MAX_PASS 200        /* arguments passed through to each run */
#define PATH_LEN 4096

typedef struct sweep {
    const char *key;              /* the swept option */
    char *list;                   /* a copy of "V1,V2,...", cut into values */
    const char *values[MAX_VALUES];
    int nvalues;
    const char *pass[MAX_PASS];   /* -w W -c C [-a A] [-o K=V]... [-r N]... */
    int npass;
    const char *w, *c, *a, *out_dir;
} sweep;

/* Flags passed through to `mmbench run` (each takes a value). */
static const char *const pass_flags[] = {
    "-w", "--workload", "-c", "--collector", "-a", "--allocator", "-r", "--repeats",
    "--warmup", "--seed", "-o", "--option",
};

static int is_pass_flag(const char *arg)
{
    for (size_t i = 0; i < sizeof pass_flags / sizeof pass_flags[0]; i++)
        if (!strcmp(arg, pass_flags[i]))
            return 1;
    return 0;
}

/* "-o KEY=V1,V2,..." is the swept option: split it into its values. */
static int take_swept(sweep *s, const char *kv)
{
    if (s->key)
        return mmb_usage_error("sweep takes one list of values (-o %s), not a second (-o %s)", s->key, kv);
    const char *eq = strchr(kv, '=');
    s->list = strdup(kv);
    if (!eq || eq == kv || !s->list)
        return mmb_usage_error("-o %s: expected KEY=V1,V2,...", kv);
    s->list[eq - kv] = 0;
    s->key = s->list;
    for (char *v = s->list + (eq - kv) + 1, *next; v; v = next) {
        next = strchr(v, ',');
        if (next)
            *next++ = 0;
        if (!*v)
            return mmb_usage_error("-o %s: empty value in the list", kv);
        if (s->nvalues == MAX_VALUES)
            return mmb_usage_error("-o %s: at most %d values", kv, MAX_VALUES);
        s->values[s->nvalues++] = v;
    }
    return 0;
}

static void remember(sweep *s, const char *flag, const char *val)
{
    if (!strcmp(flag, "-w") || !strcmp(flag, "--workload"))
        s->w = val;
    if (!strcmp(flag, "-c") || !strcmp(flag, "--collector"))
        s->c = val;
    if (!strcmp(flag, "-a") || !strcmp(flag, "--allocator"))
        s->a = val;
}

static int parse_args(int argc, char **argv, sweep *s)
{
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        if (!strncmp(f, "--out-dir=", 10)) {
            s->out_dir = f + 10;
            continue;
        }
        if (!strcmp(f, "--out-dir") || is_pass_flag(f)) {
            if (i + 1 == argc)
                return mmb_usage_error("option %s needs a value", f);
        } else {
            return mmb_usage_error("sweep: unexpected argument '%s' (see mmbench --help)", f);
        }
        const char *v = argv[++i];
        int opt = !strcmp(f, "-o") || !strcmp(f, "--option");
        if (!strcmp(f, "--out-dir"))
            s->out_dir = v;
        else if (opt && strchr(v, ',') && take_swept(s, v))
            return MMB_EXIT_USAGE;
        else if (!(opt && strchr(v, ',')) && s->npass + 2 <= MAX_PASS - 16)
            s->pass[s->npass++] = f, s->pass[s->npass++] = v, remember(s, f, v);
    }
    if (!s->key)
        return mmb_usage_error("sweep needs one -o KEY=V1,V2,... (the option to sweep)");
    if (!s->out_dir || !*s->out_dir)
        return mmb_usage_error("sweep needs --out-dir DIR");
    return 0;
}

/* Each swept value against the option tables of the chosen workload,
 * collector and allocator, before any run (and before the directory is
 * made). The rest (allocator, other options) is checked by the first run. */
static int check_values(const sweep *s)
{
    int w = s->w ? mmb_registry_find_workload(s->w) : -1;
    int c = s->c ? mmb_registry_find_collector(s->c) : -1;
    int k = s->a ? mmb_alloc_kind_from_name(s->a) : mmb_alloc_kind_from_name("sys");
    if (!s->w || !s->c)
        return mmb_usage_error("sweep needs -w WORKLOAD and -c COLLECTOR (see mmbench list)");
    if (w < 0 || c < 0)
        return mmb_usage_error("unknown %s '%s' (see mmbench list)", w < 0 ? "workload" : "collector",
                               w < 0 ? s->w : s->c);
    const mmb_optdesc *tables[4] = {mmb_workloads[w]->opts, mmb_collectors[c]->opts,
                                    mmb_collectors[c]->alloc_mask && k >= 0 ? mmb_alloc_options((mmb_alloc_kind)k) : NULL,
                                    mmb_common_opts};
    for (int i = 0; i < s->nvalues; i++) {
        mmb_optvals ov;
        char kv[512], err[256];
        mmb_opts_init(&ov, tables, 4);
        snprintf(kv, sizeof kv, "%s=%s", s->key, s->values[i]);
        if (mmb_opts_apply(&ov, kv, err, sizeof err))
            return mmb_usage_error("%s", err);
    }
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0777) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(path, 0777) && errno != EEXIST ? -1 : 0;
}

/* DIR/<key>-<value><ext>, the value made safe for a file name. */
static void value_path(const sweep *s, int i, const char *ext, char *buf, size_t len)
{
    char v[256];
    snprintf(v, sizeof v, "%s", s->values[i]);
    for (char *p = v; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_", *p))
            *p = '_';
    snprintf(buf, len, "%s/%s-%s%s", s->out_dir, s->key, v, ext);
}

/* `mmbench run` for value i, in a child running this same binary. */
static int run_value(const sweep *s, int i)
{
    char kv[512], json[PATH_LEN], csv[PATH_LEN];
    const char *args[MAX_PASS + 16];
    int n = 0;
    snprintf(kv, sizeof kv, "%s=%s", s->key, s->values[i]);
    value_path(s, i, ".json", json, sizeof json);
    value_path(s, i, ".csv", csv, sizeof csv);
    args[n++] = "mmbench", args[n++] = "run";
    for (int k = 0; k < s->npass; k++)
        args[n++] = s->pass[k];
    const char *tail[] = {"-o", kv, "--out", json, "--out", csv, NULL};
    memcpy(&args[n], tail, sizeof tail);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execv("/proc/self/exe", (char *const *)args);
        fprintf(stderr, "mmbench: cannot run /proc/self/exe: %s\n", strerror(errno));
        _exit(MMB_EXIT_FAIL);
    }
    int ws;
    if (pid < 0 || waitpid(pid, &ws, 0) != pid)
        return MMB_EXIT_FAIL;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : MMB_EXIT_FAIL;
}

/* Copy one value's CSV into the merged one, its header only once. */
static int merge_csv(const sweep *s, int i, FILE *out, int *header_done)
{
    char path[PATH_LEN], line[8192];
    value_path(s, i, ".csv", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    for (int ln = 0; fgets(line, sizeof line, f); ln++) {
        if (ln == 0 && !*header_done)
            fprintf(out, "sweep_key,sweep_value,%s", line), *header_done = 1;
        else if (ln > 0)
            fprintf(out, "%s,%s,%s", s->key, s->values[i], line);
    }
    fclose(f);
    return 0;
}

/* DIR/sweep.csv, written to a temporary file and renamed into place. */
static int write_merged(const sweep *s, const int *status)
{
    char path[PATH_LEN], tmp[PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/sweep.csv", s->out_dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *out = fopen(tmp, "w");
    if (!out)
        return -1;
    int header_done = 0;
    for (int i = 0; i < s->nvalues; i++)
        if (status[i] == MMB_EXIT_OK)
            merge_csv(s, i, out, &header_done);
    int bad = ferror(out) | (fclose(out) != 0);
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* The metrics of the table, and the divisor that gives their unit. */
static const mmb_docs_column columns[] = {
    {"ops_per_s", "ops/s", 1},
    {"wall_ms", "wall ms", 1},
    {"pauses.max_ms", "max pause ms", 1},
    {"pauses.p99_ms", "p99 pause ms", 1},
    {"peak_rss_bytes", "peak RSS MiB", 1048576},
};
#define NCOLUMNS (int)(sizeof columns / sizeof columns[0])

static const char *status_text(int st)
{
    return st == MMB_EXIT_OOM ? "heap-limit exceeded" : st == MMB_EXIT_FAIL ? "failed" : "usage error";
}

static void table_row(FILE *f, const sweep *s, int i, int st)
{
    char path[PATH_LEN], err[256], buf[96];
    mmb_jdoc doc;
    fprintf(f, "%-12s", s->values[i]);
    value_path(s, i, ".json", path, sizeof path);
    if (st != MMB_EXIT_OK || mmb_jdoc_load(&doc, path, err, sizeof err)) {
        fprintf(f, "  %s (exit %d)\n", st ? status_text(st) : "unreadable result", st);
        if (st == MMB_EXIT_OK)
            mmb_jdoc_free(&doc);
        return;
    }
    const mmb_jval *sum = mmb_jdoc_index(mmb_jdoc_get(doc.root, "summary"), 0);
    for (int c = 0; c < NCOLUMNS; c++) {
        mmb_docs_interval_text(sum, &columns[c], " ", buf, sizeof buf);
        fprintf(f, "  %-30s", buf);
    }
    fputc('\n', f);
    mmb_jdoc_free(&doc);
}

/* Medians with their 95% intervals, one row per value. */
static void write_table(FILE *f, const sweep *s, const int *status)
{
    fprintf(f, "%-12s", s->key);
    for (int c = 0; c < NCOLUMNS; c++)
        fprintf(f, "  %-30s", columns[c].title);
    fputs("\n", f);
    for (int i = 0; i < s->nvalues; i++)
        table_row(f, s, i, status[i]);
    fputs("(median [95% bootstrap interval] over the repetitions of each value)\n", f);
}

static int write_outputs(const sweep *s, const int *status)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/sweep.txt", s->out_dir);
    FILE *f = fopen(path, "w");
    if (f) {
        write_table(f, s, status);
        fclose(f);
    }
    write_table(stdout, s, status);
    if (write_merged(s, status) != 0 || !f) {
        fprintf(stderr, "mmbench: could not write the sweep files in %s\n", s->out_dir);
        return MMB_EXIT_FAIL;
    }
    return MMB_EXIT_OK;
}

/* Run every value, a progress line each on stderr; stop at a usage error
 * (the run has said why in one line, and every later value would fail the
 * same way), otherwise go on and report the first failure's status. */
static int run_all(const sweep *s, int *status)
{
    int first_bad = MMB_EXIT_OK;
    for (int i = 0; i < s->nvalues; i++) {
        status[i] = run_value(s, i);
        if (status[i] == MMB_EXIT_USAGE)
            return MMB_EXIT_USAGE;
        fprintf(stderr, "%s=%s: %s\n", s->key, s->values[i], status[i] == MMB_EXIT_OK ? "ok" : status_text(status[i]));
        if (first_bad == MMB_EXIT_OK)
            first_bad = status[i];
    }
    return first_bad;
}

int mmb_cli_sweep(int argc, char **argv)
{
    sweep s;
    int status[MAX_VALUES] = {0};
    memset(&s, 0, sizeof s);
    int st = parse_args(argc, argv, &s);
    if (!st)
        st = check_values(&s);
    if (!st && make_dirs(s.out_dir) != 0)
        st = mmb_usage_error("--out-dir: cannot create '%s': %s", s.out_dir, strerror(errno));
    if (!st) {
        st = run_all(&s, status);
        if (st != MMB_EXIT_USAGE) {
            int out = write_outputs(&s, status);
            st = st ? st : out;
        }
    }
    free(s.list);
    return st;
}
