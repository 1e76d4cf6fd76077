/* bench/resultdocs.c: loading mmbench/1 documents, one file or a directory
 * of them as `make bench` leaves it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"
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
