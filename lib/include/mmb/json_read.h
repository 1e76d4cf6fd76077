/* mmb/json_read.h: a small, strict JSON reader into a read-only tree (a
 * DOM), for reading result documents back (`mmbench compare`, `report`).
 *
 * Strict RFC 8259: no comments, no trailing commas, no NaN, no leading
 * zeros, valid UTF-8 only, nothing after the value but whitespace. The
 * parser is an iterative state machine with an explicit stack, so nesting
 * deeper than MMB_JDOC_MAX_DEPTH is an error, never a stack overflow; input
 * larger than MMB_JDOC_MAX_BYTES is refused before it is parsed. On any error
 * the document is left empty and `err` says where (line:column) and what. */
#ifndef MMB_JSON_READ_H
#define MMB_JSON_READ_H

#include <stddef.h>

#define MMB_JDOC_MAX_DEPTH 64              /* nested arrays/objects */
#define MMB_JDOC_MAX_BYTES (256u << 20)    /* 256 MiB: far above any result file */

typedef enum mmb_jtype {
    MMB_JNULL,
    MMB_JBOOL,
    MMB_JNUM,
    MMB_JSTR,
    MMB_JARR,
    MMB_JOBJ
} mmb_jtype;

/* One value. Children of an array or object form a list through `next`, in
 * document order; a member of an object carries its name in `key`. */
typedef struct mmb_jval {
    mmb_jtype type;
    int nchild;                  /* JARR, JOBJ: number of children */
    const char *key;             /* member name, or NULL outside objects */
    const char *str;             /* JSTR: NUL-terminated UTF-8 */
    double num;                  /* JNUM; JBOOL: 0 or 1 */
    struct mmb_jval *child, *next;
} mmb_jval;

struct mmb_jblock;

/* A parsed document: owns every value and string. */
typedef struct mmb_jdoc {
    mmb_jval *root;              /* NULL until a parse succeeds */
    char *strings;               /* decoded keys and strings */
    struct mmb_jblock *blocks;   /* the values, in fixed-size blocks */
} mmb_jdoc;

/* Parse `len` bytes of `text` (need not be NUL-terminated). Returns 0, or -1
 * with a message in err[errlen]. The doc must be freed either way. */
int mmb_jdoc_parse(mmb_jdoc *doc, const char *text, size_t len, char *err, size_t errlen);
/* Read and parse a whole file. */
int mmb_jdoc_load(mmb_jdoc *doc, const char *path, char *err, size_t errlen);
void mmb_jdoc_free(mmb_jdoc *doc);

/* Lookups: NULL-safe (a NULL value gives NULL or the default). */
const mmb_jval *mmb_jdoc_get(const mmb_jval *obj, const char *key);
/* "a.b.c": the path through nested objects, where a member name may itself
 * contain dots (summary keys do, as in "pauses.p99_ms"): the whole path as
 * one name first, then each split at a dot. */
const mmb_jval *mmb_jdoc_path(const mmb_jval *obj, const char *path);
const mmb_jval *mmb_jdoc_index(const mmb_jval *arr, int i);
double mmb_jdoc_num(const mmb_jval *v, double dflt);
const char *mmb_jdoc_str(const mmb_jval *v, const char *dflt);

#endif
