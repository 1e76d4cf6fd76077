/* bench/resultdocs.c: loading mmbench/1 documents, one file or a directory
 * of them as `make bench` leaves it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"
#include "registry.h"
#include "resultdocs.h"

static int oom(void)
{
    fputs("mmbench: out of memory\n", stderr);
    return MMB_EXIT_FAIL;
}

void mmb_docs_value_text(const mmb_jval *v, char *buf, size_t len)
{
    if (v->type == MMB_JNUM)
        snprintf(buf, len, "%.15g", v->num);
    else if (v->type == MMB_JSTR)
        snprintf(buf, len, "%s", v->str);
    else
        snprintf(buf, len, "%s", v->type == MMB_JBOOL ? (v->num ? "true" : "false") : "null");
}

/* The option tables of the entry's workload, collector and allocator; 0 if
 * this build does not know them (a document from another version). */
static int entry_tables(const mmb_jval *entry, mmb_optvals *ov)
{
    int w = mmb_registry_find_workload(mmb_jdoc_str(mmb_jdoc_get(entry, "workload"), ""));
    int c = mmb_registry_find_collector(mmb_jdoc_str(mmb_jdoc_get(entry, "collector"), ""));
    int k = mmb_alloc_kind_from_name(mmb_jdoc_str(mmb_jdoc_get(entry, "allocator"), ""));
    if (w < 0 || c < 0)
        return 0;
    const mmb_optdesc *tables[4] = {mmb_workloads[w]->opts, mmb_collectors[c]->opts,
                                    k >= 0 ? mmb_alloc_options((mmb_alloc_kind)k) : NULL, mmb_common_opts};
    mmb_opts_init(ov, tables, 4);
    return 1;
}

/* " key=value" if option o is not at its default (or is unknown here). */
static size_t label_option(const mmb_optvals *ov, int known, const mmb_jval *o, char *buf, size_t len)
{
    int i = 0;
    while (known && i < ov->n && strcmp(ov->desc[i]->name, o->key))
        i++;
    char v[256];
    if (!known || i == ov->n) {
        mmb_docs_value_text(o, v, sizeof v);
    } else {
        mmb_optvals one = *ov;
        const mmb_optdesc *d = ov->desc[i];
        mmb_opt_enum_name(d, (int)d->def, v, sizeof v);
        if (d->type == MMB_OPT_ENUM ? o->type == MMB_JSTR && !strcmp(o->str, v) : o->num == d->def)
            return 0;
        if (d->type == MMB_OPT_ENUM || o->type != MMB_JNUM)
            mmb_docs_value_text(o, v, sizeof v);
        else
            one.val[i] = o->num, mmb_opt_format(&one, i, v, sizeof v);
    }
    return (size_t)snprintf(buf, len, " %s=%s", o->key, v);
}

void mmb_docs_label(const mmb_jval *entry, char *buf, size_t len)
{
    static mmb_optvals ov;
    int known = entry_tables(entry, &ov);
    size_t used = (size_t)snprintf(buf, len, "%s %s %s", mmb_jdoc_str(mmb_jdoc_get(entry, "workload"), "?"),
                                   mmb_jdoc_str(mmb_jdoc_get(entry, "collector"), "?"),
                                   mmb_jdoc_str(mmb_jdoc_get(entry, "allocator"), "?"));
    const mmb_jval *opts = mmb_jdoc_get(entry, "options");
    for (const mmb_jval *o = opts ? opts->child : NULL; o && used < len; o = o->next)
        used += label_option(&ov, known, o, buf + used, len - used);
}

/* One formatter for the tables of `report` and `sweep`, so that both show a
 * figure the same way. */
void mmb_docs_interval_text(const mmb_jval *summary, const mmb_docs_column *c, const char *sep,
                            char *buf, size_t len)
{
    const mmb_jval *m = mmb_jdoc_get(summary, c->metric);
    if (!m) {
        snprintf(buf, len, "n/a");
        return;
    }
    snprintf(buf, len, "%.4g%s[%.3g, %.3g]", mmb_jdoc_num(mmb_jdoc_get(m, "median"), 0) / c->scale,
             sep, mmb_jdoc_num(mmb_jdoc_get(m, "ci95_lo"), 0) / c->scale,
             mmb_jdoc_num(mmb_jdoc_get(m, "ci95_hi"), 0) / c->scale);
}

static int is_mmbench(const mmb_jval *root)
{
    return !strcmp(mmb_jdoc_str(mmb_jdoc_get(root, "schema"), ""), "mmbench/1");
}

int mmb_docs_load_file(mmb_docs *d, const char *path, int skip_other)
{
    char err[256];
    mmb_jdoc doc;
    if (mmb_jdoc_load(&doc, path, err, sizeof err)) {
        mmb_jdoc_free(&doc);
        return mmb_usage_error("%s: %s", path, err);
    }
    if (!is_mmbench(doc.root)) {
        mmb_jdoc_free(&doc);
        return skip_other ? 0 : mmb_usage_error("%s: not an mmbench/1 result document", path);
    }
    mmb_jdoc *nd = realloc(d->doc, sizeof *nd * (size_t)(d->n + 1));
    char **np = nd ? realloc(d->path, sizeof *np * (size_t)(d->n + 1)) : NULL;
    if (nd)
        d->doc = nd;
    if (np)
        d->path = np;
    if (!nd || !np || !(np[d->n] = strdup(path))) {
        mmb_jdoc_free(&doc);
        return oom();
    }
    d->doc[d->n++] = doc;
    return 0;
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The names of a directory's *.json files, sorted (a stable output). */
static int list_json(DIR *dir, char ***out)
{
    char **names = NULL;
    int n = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char **nn = realloc(names, sizeof *nn * (size_t)(n + 1));
        if (!nn)
            break;
        names = nn;
        if ((names[n] = strdup(e->d_name)))
            n++;
    }
    if (n)
        qsort(names, (size_t)n, sizeof *names, cmp_names);
    *out = names;
    return n;
}

int mmb_docs_load_dir(mmb_docs *d, const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return mmb_usage_error("%s: cannot read the directory", dir);
    char **names;
    int n = list_json(dp, &names), status = 0, before = d->n;
    closedir(dp);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!status)
            status = mmb_docs_load_file(d, path, 1);
        free(names[i]);
    }
    free(names);
    if (!status && d->n == before)
        return mmb_usage_error("%s: no mmbench/1 result documents in the directory", dir);
    return status;
}

int mmb_docs_load(mmb_docs *d, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return mmb_docs_load_dir(d, path);
    return mmb_docs_load_file(d, path, 0);
}

void mmb_docs_free(mmb_docs *d)
{
    for (int i = 0; i < d->n; i++) {
        mmb_jdoc_free(&d->doc[i]);
        free(d->path[i]);
    }
    free(d->doc);
    free(d->path);
    memset(d, 0, sizeof *d);
}
