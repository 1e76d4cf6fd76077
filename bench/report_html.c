/* bench/report_html.c: `mmbench report DIR`: DIR/report.html (one
 * self-contained page: every plot inlined) and DIR/report.md, from what
 * `make bench` and `make plots` left in DIR:
 *
 *   *.json             the result documents: medians and intervals, env facts
 *   plots/NAME.svg, .png  scripts/plots.sh's plots; plots/notes.txt their notes
 *   sweep-NAME/        `mmbench sweep` directories: plot and table each
 *   hyperfine.json     scripts/hyperfine.sh's timings, as a table
 *
 * Both files are written to temporaries and renamed into place, so a failed
 * report never leaves half a page. A missing or corrupt input is a usage
 * error (exit 2, one line), as in `mmbench compare`. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "reportout.h"
#include "resultdocs.h"

#define MIB 1048576.0
#define LABEL_LEN 512
#define MAX_SWEEPS 32

/* The plots in the order the page shows them (plots.sh's names). */
static const struct plot {
    const char *name, *title;
} plots[] = {
    {"throughput", "Throughput"},
    {"pauses", "Pause time distribution"},
    {"mmu", "Minimum mutator utilisation"},
    {"memory", "Peak memory"},
    {"gctime", "Time in pauses"},
    {"pareto", "Time against memory"},
    {"runs", "Every run"},
    {"rss", "Memory over time"},
};

/* The columns of the tables of medians: metric, heading, divisor. */
static const mmb_docs_column columns[] = {
    {"ops_per_s", "ops/s", 1},
    {"wall_ms", "wall ms", 1},
    {"gc_ms", "gc ms", 1},
    {"pauses.p99_ms", "p99 pause ms", 1},
    {"pauses.max_ms", "max pause ms", 1},
    {"mmu.10ms", "MMU 10 ms", 1},
    {"peak_live_bytes", "peak live MiB", MIB},
    {"peak_heap_bytes", "peak heap MiB", MIB},
    {"peak_rss_bytes", "peak RSS MiB", MIB},
};
#define NCOLUMNS (int)(sizeof columns / sizeof columns[0])

/* Every summary entry of a set of documents. */
typedef struct entries {
    const mmb_jval **sum;
    int n;
} entries;

static int gather(const mmb_docs *d, entries *e)
{
    e->n = 0;
    e->sum = NULL;
    for (int i = 0; i < d->n; i++) {
        const mmb_jval *arr = mmb_jdoc_get(d->doc[i].root, "summary");
        for (const mmb_jval *s = arr && arr->type == MMB_JARR ? arr->child : NULL; s; s = s->next) {
            const mmb_jval **ns = realloc(e->sum, sizeof *ns * (size_t)(e->n + 1));
            if (!ns)
                return -1;
            e->sum = ns;
            e->sum[e->n++] = s;
        }
    }
    return 0;
}

/* The table of medians with their 95% intervals, a row per configuration. */
static void medians_table(mmb_rout *o, const entries *e)
{
    const char *head[NCOLUMNS + 2] = {"configuration", "runs"};
    for (int c = 0; c < NCOLUMNS; c++)
        head[c + 2] = columns[c].title;
    mmb_rout_table_begin(o, head, NCOLUMNS + 2);
    for (int i = 0; i < e->n; i++) {
        char text[NCOLUMNS + 2][LABEL_LEN];
        const char *cells[NCOLUMNS + 2];
        mmb_docs_label(e->sum[i], text[0], LABEL_LEN);
        snprintf(text[1], LABEL_LEN, "%.0f", mmb_jdoc_num(mmb_jdoc_get(e->sum[i], "repeats"), 0));
        for (int c = 0; c < NCOLUMNS; c++)
            mmb_docs_interval_text(e->sum[i], &columns[c], "\n", text[c + 2], LABEL_LEN);
        for (int c = 0; c < NCOLUMNS + 2; c++)
            cells[c] = text[c];
        mmb_rout_table_row(o, cells, NCOLUMNS + 2);
    }
    mmb_rout_table_end(o);
}

/* The env object of the first document, as a two-column table. */
static void env_table(mmb_rout *o, const mmb_docs *d)
{
    static const char *const head[] = {"fact", "value"};
    const mmb_jval *env = mmb_jdoc_get(d->doc[0].root, "env");
    mmb_rout_table_begin(o, head, 2);
    for (const mmb_jval *v = env ? env->child : NULL; v; v = v->next) {
        char text[LABEL_LEN];
        mmb_docs_value_text(v, text, sizeof text);
        const char *cells[2] = {v->key, text};
        mmb_rout_table_row(o, cells, 2);
    }
    mmb_rout_table_end(o);
}

/* The note plots.sh wrote for a plot ("name: text" in plots/notes.txt). */
static void plot_note(const char *dir, const char *name, char *buf, size_t len)
{
    char path[4096], line[1024];
    size_t n = strlen(name);
    snprintf(path, sizeof path, "%s/plots/notes.txt", dir);
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, name, n) && line[n] == ':') {
            line[strcspn(line, "\n")] = 0;
            snprintf(buf, len, "%s", line + n + 2);
        }
    if (f)
        fclose(f);
}

/* Every plot that exists, in order; a line for those plots.sh skipped. */
static int figures(mmb_rout *o, const char *dir)
{
    int shown = 0;
    char missing[2048] = "", note[1024], rel[64];
    size_t used = 0;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++) {
        snprintf(rel, sizeof rel, "plots/%s", plots[i].name);
        plot_note(dir, plots[i].name, note, sizeof note);
        if (mmb_rout_figure(o, rel, plots[i].title, note) == 0)
            shown++;
        else if (used < sizeof missing)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s (%s)", used ? "; " : "",
                                     plots[i].title, note[0] ? note : "no plot file");
    }
    if (missing[0]) {
        char text[2200];
        snprintf(text, sizeof text, "Not drawn: %s.", missing);
        mmb_rout_para(o, text);
    }
    return shown;
}

static int is_sweep_dir(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s/sweep.csv", dir, name);
    return !strncmp(name, "sweep", 5) && stat(path, &st) == 0;
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The sweep directories inside dir, sorted. */
static int sweep_dirs(const char *dir, char **names)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && n < MAX_SWEEPS && (e = readdir(d));)
        if (is_sweep_dir(dir, e->d_name) && (names[n] = strdup(e->d_name)))
            n++;
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    return n;
}

/* "Sweep of KEY: workload under collector" from the sweep's first row. */
static void sweep_title(const char *sub, const char *name, char *buf, size_t len)
{
    char path[4200], line[4096] = "";
    snprintf(path, sizeof path, "%s/sweep.csv", sub);
    FILE *f = fopen(path, "r");
    if (f && fgets(line, sizeof line, f))
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
    if (f)
        fclose(f);
    char *key = strtok(line, ","), *val = strtok(NULL, ","), *wl = strtok(NULL, ","), *gc = strtok(NULL, ",");
    if (key && val && wl && gc)
        snprintf(buf, len, "Sweep of %s: %s under %s", key, wl, gc);
    else
        snprintf(buf, len, "Sweep in %s", name);
}

static int sweep_section(mmb_rout *o, const char *dir, const char *name)
{
    char sub[4096], title[512], rel[4200], note[1024];
    mmb_docs d = {0};
    entries e = {0};
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    int status = mmb_docs_load_dir(&d, sub);
    if (!status && gather(&d, &e))
        status = MMB_EXIT_FAIL;
    if (!status) {
        sweep_title(sub, name, title, sizeof title);
        mmb_rout_heading(o, 3, title);
        snprintf(rel, sizeof rel, "%s/plots/sweep", name);
        plot_note(sub, "sweep", note, sizeof note);
        if (mmb_rout_figure(o, rel, title, note))
            mmb_rout_para(o, "(no sweep plot: run scripts/plots.sh on the directory)");
        medians_table(o, &e);
    }
    free(e.sum);
    mmb_docs_free(&d);
    return status;
}

static int sweeps(mmb_rout *o, const char *dir)
{
    char *names[MAX_SWEEPS];
    int n = sweep_dirs(dir, names), status = 0;
    if (n)
        mmb_rout_heading(o, 2, "Sweeps");
    for (int i = 0; i < n; i++) {
        if (!status)
            status = sweep_section(o, dir, names[i]);
        free(names[i]);
    }
    return status;
}

static void hyperfine_row(mmb_rout *o, const mmb_jval *r)
{
    char text[6][LABEL_LEN];
    const char *cells[6];
    static const char *const keys[] = {"median", "min", "max"};
    snprintf(text[0], LABEL_LEN, "%s", mmb_jdoc_str(mmb_jdoc_get(r, "command"), "?"));
    snprintf(text[1], LABEL_LEN, "%.4g ± %.2g", 1e3 * mmb_jdoc_num(mmb_jdoc_get(r, "mean"), 0),
             1e3 * mmb_jdoc_num(mmb_jdoc_get(r, "stddev"), 0));
    for (int k = 0; k < 3; k++)
        snprintf(text[2 + k], LABEL_LEN, "%.4g", 1e3 * mmb_jdoc_num(mmb_jdoc_get(r, keys[k]), 0));
    const mmb_jval *times = mmb_jdoc_get(r, "times");
    snprintf(text[5], LABEL_LEN, "%d", times ? times->nchild : 0);
    for (int k = 0; k < 6; k++)
        cells[k] = text[k];
    mmb_rout_table_row(o, cells, 6);
}

/* scripts/hyperfine.sh's timings, when it has been run. */
static int hyperfine(mmb_rout *o, const char *dir)
{
    static const char *const head[] = {"command", "mean ± σ ms", "median ms", "min ms", "max ms", "runs"};
    char path[4096], err[256];
    mmb_jdoc doc;
    snprintf(path, sizeof path, "%s/hyperfine.json", dir);
    if (access(path, F_OK) != 0)
        return 0;
    if (mmb_jdoc_load(&doc, path, err, sizeof err)) {
        mmb_jdoc_free(&doc);
        return mmb_usage_error("%s: %s", path, err);
    }
    mmb_rout_heading(o, 2, "hyperfine");
    mmb_rout_para(o, "Whole-process wall time of each command (scripts/hyperfine.sh), including start-up, "
                     "every repetition's child and the output.");
    mmb_rout_table_begin(o, head, 6);
    const mmb_jval *res = mmb_jdoc_get(doc.root, "results");
    for (const mmb_jval *r = res && res->type == MMB_JARR ? res->child : NULL; r; r = r->next)
        hyperfine_row(o, r);
    mmb_rout_table_end(o);
    mmb_jdoc_free(&doc);
    return 0;
}

static const char how_to_read[] =
    "Each configuration ran several times, each repetition in a fresh process. Figures are medians "
    "over those repetitions; the bracketed range under each is a 95% percentile-bootstrap interval of "
    "the median (2000 resamples). Two configurations differ clearly only where their intervals do not "
    "overlap; for a direct test use mmbench compare A B, which reports ratios with intervals. The "
    "machine is shared and noisy: compare configurations measured side by side in one run.";

static int write_page(mmb_rout *o, const char *dir, const mmb_docs *d, const entries *e)
{
    char text[4600], date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    mmb_rout_begin(o, "mmbench results");
    snprintf(text, sizeof text, "Results in %s: %d configuration%s from %d result file%s; report written %s.", dir,
             e->n, e->n == 1 ? "" : "s", d->n, d->n == 1 ? "" : "s", date);
    mmb_rout_para(o, text);
    mmb_rout_heading(o, 2, "Medians");
    medians_table(o, e);
    mmb_rout_heading(o, 2, "Plots");
    figures(o, dir);
    int status = sweeps(o, dir);
    if (!status)
        status = hyperfine(o, dir);
    mmb_rout_heading(o, 2, "Environment");
    snprintf(text, sizeof text, "From %s.", d->path[0]);
    mmb_rout_para(o, text);
    env_table(o, d);
    mmb_rout_heading(o, 2, "How to read this");
    mmb_rout_para(o, how_to_read);
    mmb_rout_end(o);
    return status;
}

static FILE *open_tmp(const char *dir, const char *name, char *tmp, size_t len)
{
    snprintf(tmp, len, "%s/%s.tmp.%ld", dir, name, (long)getpid());
    return fopen(tmp, "w");
}

/* Close both outputs; rename them into place only if everything worked. */
static int finish(const char *dir, FILE **f, char tmp[][4200], int status)
{
    static const char *const names[] = {"report.html", "report.md"};
    for (int i = 0; i < 2; i++) {
        char path[4200];
        int bad = !f[i] || ferror(f[i]);
        if (f[i] && fclose(f[i]) != 0)
            bad = 1;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!status && bad)
            status = mmb_usage_error("cannot write %s: %s", tmp[i], strerror(errno ? errno : EIO));
        if (status || rename(tmp[i], path) != 0)
            unlink(tmp[i]);
    }
    return status;
}

int mmb_cli_report(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-')
        return mmb_usage_error("report needs one results directory: mmbench report DIR");
    const char *dir = argv[1];
    mmb_docs d = {0};
    entries e = {0};
    int status = mmb_docs_load_dir(&d, dir);
    if (!status && gather(&d, &e))
        status = MMB_EXIT_FAIL;
    if (!status) {
        char tmp[2][4200];
        FILE *f[2] = {open_tmp(dir, "report.html", tmp[0], sizeof tmp[0]),
                      open_tmp(dir, "report.md", tmp[1], sizeof tmp[1])};
        mmb_rout o = {f[0], f[1], dir};
        if (f[0] && f[1])
            status = write_page(&o, dir, &d, &e);
        status = finish(dir, f, tmp, status);
    }
    if (!status)
        printf("wrote %s/report.html and %s/report.md\n", dir, dir);
    free(e.sum);
    mmb_docs_free(&d);
    return status;
}
