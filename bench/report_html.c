/* bench/report_html.c: `mmbench report DIR`: DIR/report.html (one
 * self-contained page: every plot inlined) and DIR/report.md, from what
 * `make bench` and `make plots` left in DIR:
 *
 *   *.json             the result documents: medians and intervals, env facts
 *   plots/*.svg, .png  scripts/plots.sh's plots; plots/notes.txt their notes
 *   sweep*/            `mmbench sweep` directories: plot and table each
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
    {"gctime", "Where the time went"},
    {"pareto", "Time against memory"},
    {"rss", "Memory over time"},
};

/* The columns of the tables of medians: metric, heading, divisor. */
static const struct column {
    const char *metric, *title;
    double scale;
} columns[] = {
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

static void option_of(const mmb_jval *sum, const char *key, char *buf, size_t len)
{
    const mmb_jval *v = mmb_jdoc_get(mmb_jdoc_get(sum, "options"), key);
    if (v)
        mmb_docs_value_text(v, buf, len);
    else
        buf[0] = 0;
}

/* Does `key` take more than one value among the entries that have it? */
static int option_varies(const entries *e, const char *key)
{
    char first[256] = "", v[256];
    for (int i = 0; i < e->n; i++) {
        option_of(e->sum[i], key, v, sizeof v);
        if (v[0] && !first[0])
            snprintf(first, sizeof first, "%s", v);
        else if (v[0] && strcmp(v, first))
            return 1;
    }
    return 0;
}

/* "workload collector allocator" and the options that tell it apart. */
static void label(const entries *e, const mmb_jval *sum, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%s %s %s", mmb_jdoc_str(mmb_jdoc_get(sum, "workload"), "?"),
                                   mmb_jdoc_str(mmb_jdoc_get(sum, "collector"), "?"),
                                   mmb_jdoc_str(mmb_jdoc_get(sum, "allocator"), "?"));
    const mmb_jval *opts = mmb_jdoc_get(sum, "options");
    for (const mmb_jval *o = opts ? opts->child : NULL; o && used < len; o = o->next) {
        char v[256];
        if (!option_varies(e, o->key))
            continue;
        mmb_docs_value_text(o, v, sizeof v);
        used += (size_t)snprintf(buf + used, len - used, " %s=%s", o->key, v);
    }
}

/* "median\n[lo, hi]" of one metric of a summary entry. */
static void cell(const mmb_jval *sum, const struct column *c, char *buf, size_t len)
{
    const mmb_jval *m = mmb_jdoc_get(sum, c->metric);
    if (!m) {
        snprintf(buf, len, "n/a");
        return;
    }
    snprintf(buf, len, "%.4g\n[%.3g, %.3g]", mmb_jdoc_num(mmb_jdoc_get(m, "median"), 0) / c->scale,
             mmb_jdoc_num(mmb_jdoc_get(m, "ci95_lo"), 0) / c->scale,
             mmb_jdoc_num(mmb_jdoc_get(m, "ci95_hi"), 0) / c->scale);
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
        label(e, e->sum[i], text[0], LABEL_LEN);
        snprintf(text[1], LABEL_LEN, "%.0f", mmb_jdoc_num(mmb_jdoc_get(e->sum[i], "repeats"), 0));
        for (int c = 0; c < NCOLUMNS; c++)
            cell(e->sum[i], &columns[c], text[c + 2], LABEL_LEN);
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

static int figures(mmb_rout *o, const char *dir, const char *prefix)
{
    int shown = 0;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++) {
        char rel[4096], note[1024];
        snprintf(rel, sizeof rel, "%splots/%s", prefix, plots[i].name);
        plot_note(dir, plots[i].name, note, sizeof note);
        shown += mmb_rout_figure(o, rel, plots[i].title, note) == 0;
    }
    return shown;
}
