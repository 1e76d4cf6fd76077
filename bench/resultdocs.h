/* bench/resultdocs.h: mmbench/1 result documents read back from disk, for
 * `mmbench compare` and `mmbench report`. */
#ifndef MMB_RESULTDOCS_H
#define MMB_RESULTDOCS_H

#include <stddef.h>

#include "mmb/json_read.h"

/* Documents in the order loaded (a directory's in file-name order). */
typedef struct mmb_docs {
    mmb_jdoc *doc;
    char **path;
    int n;
} mmb_docs;

/* Load one file and append it. It must be an mmbench/1 document, unless
 * skip_other: then a well-formed document of another schema (hyperfine's
 * JSON, say) is skipped. Missing, unreadable, corrupt or truncated files are
 * a usage error either way: "mmbench: PATH: why" on stderr, and the status
 * (MMB_EXIT_USAGE) is returned. */
int mmb_docs_load_file(mmb_docs *d, const char *path, int skip_other);
/* Every *.json of a directory (not its subdirectories), skipping other
 * schemas; a usage error if none is an mmbench/1 document. */
int mmb_docs_load_dir(mmb_docs *d, const char *dir);
/* A file or a directory, as above. */
int mmb_docs_load(mmb_docs *d, const char *path);
void mmb_docs_free(mmb_docs *d);

/* A JSON scalar as text: numbers shortest (%.15g), strings as they are. */
void mmb_docs_value_text(const mmb_jval *v, char *buf, size_t len);
/* A run's or summary entry's name: "workload collector allocator" and the
 * options whose values differ from this build's defaults, formatted as -o
 * takes them ("heap=4M"), as the CSV's options column shows what was set.
 * Options this build does not know are shown as they are. */
void mmb_docs_label(const mmb_jval *entry, char *buf, size_t len);

/* A column of a table of medians: a summary metric, its heading, and the
 * divisor that gives the unit shown (1048576 for MiB). */
typedef struct mmb_docs_column {
    const char *metric, *title;
    double scale;
} mmb_docs_column;

/* One metric of a summary entry in the column's unit: "median" sep
 * "[lo, hi]" (its 95% interval), or "n/a" if the entry lacks the metric. */
void mmb_docs_interval_text(const mmb_jval *summary, const mmb_docs_column *c, const char *sep,
                            char *buf, size_t len);

#endif
