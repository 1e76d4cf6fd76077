/* tests/fuzz/fuzz_json.c: the JSON reader (mmb/json_read.h) over arbitrary
 * bytes. What must hold:
 *   - a refused document leaves no root and says why in one line without
 *     control characters (`mmbench compare` prints it as its one line);
 *   - an accepted one is a well-formed tree: counts match the child lists,
 *     object members have names and array elements none, strings are
 *     NUL-terminated UTF-8, numbers finite, nesting within the limit;
 *   - it reads back as itself: written out again (below) and re-parsed, it
 *     writes out the same text;
 *   - the lookups (get, path, index, num, str) never fault, whatever the
 *     keys and indices. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/json_read.h"

#define FUZZ_ERR_LEN 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_json: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* ---- writing a tree back out ------------------------------------------ */

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            die("out of memory", NULL);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void put_str(buf *b, const char *s)
{
    put(b, "\"", 1);
    for (; *s; s++) {
        char esc[8];
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(b, esc, 6);
        } else {
            put(b, s, 1);
        }
    }
    put(b, "\"", 1);
}

/* Recursion is bounded by MMB_JDOC_MAX_DEPTH, which the reader enforces. */
static void write_val(buf *b, const mmb_jval *v)
{
    char num[40];
    if (v->key) {
        put_str(b, v->key);
        put(b, ":", 1);
    }
    switch (v->type) {
    case MMB_JNULL: put(b, "null", 4); break;
    case MMB_JBOOL: put(b, v->num ? "true" : "false", v->num ? 4 : 5); break;
    case MMB_JNUM: put(b, num, (size_t)snprintf(num, sizeof num, "%.17g", v->num)); break;
    case MMB_JSTR: put_str(b, v->str); break;
    case MMB_JARR:
    case MMB_JOBJ:
        put(b, v->type == MMB_JARR ? "[" : "{", 1);
        for (const mmb_jval *c = v->child; c; c = c->next) {
            write_val(b, c);
            if (c->next)
                put(b, ",", 1);
        }
        put(b, v->type == MMB_JARR ? "]" : "}", 1);
        break;
    }
}

/* ---- checking a tree ----------------------------------------------------- */

static void check_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : *p >= 0xC2 && *p <= 0xDF ? 2 : *p >= 0xE0 && *p <= 0xEF ? 3
              : *p >= 0xF0 && *p <= 0xF4 ? 4 : 0;
        if (!n)
            die("decoded string is not UTF-8", s);
        for (int k = 1; k < n; k++)
            if ((p[k] & 0xC0) != 0x80)
                die("decoded string is not UTF-8", s);
        p += n;
    }
}

static void check_val(const mmb_jval *v, int depth, int in_obj)
{
    if (depth > MMB_JDOC_MAX_DEPTH)
        die("tree deeper than MMB_JDOC_MAX_DEPTH", NULL);
    if (in_obj != (v->key != NULL))
        die(in_obj ? "object member without a name" : "array element with a name", NULL);
    if (v->key)
        check_utf8(v->key);
    if (v->type == MMB_JSTR)
        check_utf8(v->str);
    if (v->type == MMB_JNUM && !isfinite(v->num))
        die("number not finite", NULL);
    int n = 0;
    for (const mmb_jval *c = v->child; c; c = c->next, n++)
        check_val(c, depth + 1, v->type == MMB_JOBJ);
    if (n != v->nchild || ((v->type != MMB_JARR && v->type != MMB_JOBJ) && n))
        die("child count disagrees with the child list", NULL);
}

/* Lookups with names and indices taken from the tree itself and from the
 * input, so that both hits and misses are exercised. */
static void poke(const mmb_jval *root, const char *text)
{
    for (const mmb_jval *c = root->child; c; c = c->next) {
        if (c->key && mmb_jdoc_get(root, c->key) == NULL)
            die("mmb_jdoc_get misses a member", c->key);
        (void)mmb_jdoc_path(root, c->key ? c->key : text);
        (void)mmb_jdoc_str(c, NULL);
        (void)mmb_jdoc_num(c, 0);
    }
    (void)mmb_jdoc_path(root, text);
    for (int i = -1; i <= root->nchild; i++)
        if ((mmb_jdoc_index(root, i) != NULL) != (root->type == MMB_JARR && i >= 0 && i < root->nchild))
            die("mmb_jdoc_index out of step with nchild", NULL);
}

static void check_error(const mmb_jdoc *doc, const char *err)
{
    size_t n = strnlen(err, FUZZ_ERR_LEN);
    if (doc->root)
        die("a refused document kept its root", err);
    if (n == 0 || n == FUZZ_ERR_LEN)
        die("error message empty or unterminated", err);
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)err[k] < 0x20 || err[k] == 0x7f)
            die("error message holds a control character", err);
}

/* Written out and parsed again, the tree writes out the same text. */
static void check_round_trip(const mmb_jval *root)
{
    buf a = {0}, b = {0};
    mmb_jdoc again;
    char err[FUZZ_ERR_LEN] = "";
    write_val(&a, root);
    if (mmb_jdoc_parse(&again, a.s, a.n, err, sizeof err) != 0)
        die("the tree written out does not parse", err);
    write_val(&b, again.root);
    if (a.n != b.n || memcmp(a.s, b.s, a.n) != 0)
        die("the tree does not read back as itself", a.s);
    mmb_jdoc_free(&again);
    free(a.s);
    free(b.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mmb_jdoc doc;
    char err[FUZZ_ERR_LEN] = "";
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    if (mmb_jdoc_parse(&doc, text, size, err, sizeof err) != 0) {
        check_error(&doc, err);
    } else {
        check_val(doc.root, 1, 0);
        poke(doc.root, text);
        check_round_trip(doc.root);
    }
    mmb_jdoc_free(&doc);
    free(text);
    return 0;
}
