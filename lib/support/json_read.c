/* lib/support/json_read.c: the strict JSON reader (see mmb/json_read.h).
 *
 * One pass, no recursion: containers being filled sit on a fixed stack of
 * MMB_JDOC_MAX_DEPTH frames, so hostile nesting costs one error, not the C
 * stack. Values come from blocks of BLOCK_VALS, so their addresses never move
 * while the tree is built. Decoded strings go into one buffer of len + 1
 * bytes: a decoded string plus its NUL is never longer than its quoted source
 * (escapes only shrink), so that buffer cannot overflow. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/json_read.h"

#define BLOCK_VALS 512      /* values per allocation block */
#define MAX_NUMBER_CHARS 64 /* longer numerals are refused, not truncated */
#define READ_CHUNK (64u << 10)

struct mmb_jblock {
    struct mmb_jblock *next;
    int used;
    mmb_jval v[BLOCK_VALS];
};

typedef struct frame {
    mmb_jval *node; /* the array or object being filled */
    mmb_jval *last; /* its last child so far (append in O(1)) */
} frame;

typedef struct parser {
    const char *start, *p, *end;
    mmb_jdoc *doc;
    char *out;               /* next free byte of doc->strings */
    frame stack[MMB_JDOC_MAX_DEPTH];
    int depth;
    const char *pending_key; /* the member name the next value gets */
    char *err;
    size_t errlen;
} parser;

/* Record the first error with its line and column (1-based, in bytes). */
static int fail(parser *ps, const char *fmt, ...)
{
    int line = 1, col = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++, col++)
        if (*q == '\n')
            line++, col = 0;
    int n = snprintf(ps->err, ps->errlen, "line %d, column %d: ", line, col);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < ps->errlen)
        vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The byte an error is about, as a one-line message can show it: quoted if
 * printable, else in hex (a raw newline or control byte would break the
 * line that `mmbench compare` prints). */
static const char *shown(int c, char buf[8])
{
    snprintf(buf, 8, c > 0x20 && c < 0x7f ? "'%c'" : "0x%02x", c & 0xff);
    return buf;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* -1 at the end of input, so a truncated document is never read past. */
static int peek(const parser *ps)
{
    return ps->p < ps->end ? (unsigned char)*ps->p : -1;
}

/* A fresh value, appended to the container on top of the stack (or made the
 * root), carrying the pending member name. */
static mmb_jval *new_val(parser *ps, mmb_jtype type)
{
    struct mmb_jblock *b = ps->doc->blocks;
    if (!b || b->used == BLOCK_VALS) {
        b = calloc(1, sizeof *b);
        if (!b)
            return fail(ps, "out of memory"), NULL;
        b->next = ps->doc->blocks;
        ps->doc->blocks = b;
    }
    mmb_jval *v = &b->v[b->used++];
    v->type = type;
    v->key = ps->pending_key;
    ps->pending_key = NULL;
    if (ps->depth == 0) {
        ps->doc->root = v;
        return v;
    }
    frame *f = &ps->stack[ps->depth - 1];
    if (f->last)
        f->last->next = v;
    else
        f->node->child = v;
    f->last = v;
    f->node->nchild++;
    return v;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static int utf8_len(const unsigned char *s, const unsigned char *end)
{
    int n = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
          : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (!n || end - s < n)
        return 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (s[0] == 0xE0) lo = 0xA0;
    if (s[0] == 0xED) hi = 0x9F;
    if (s[0] == 0xF0) lo = 0x90;
    if (s[0] == 0xF4) hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

static int hex4(parser *ps, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++, ps->p++) {
        int c = peek(ps);
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return fail(ps, "bad \\u escape");
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static void put_utf8(parser *ps, unsigned cp)
{
    char *o = ps->out;
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    ps->out = o;
}

/* \uXXXX, with a surrogate pair joined into one code point; ps->p is just
 * past the 'u'. */
static int unicode_escape(parser *ps)
{
    unsigned cp, lo;
    if (hex4(ps, &cp))
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(ps, "lone low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
            return fail(ps, "high surrogate without its low half");
        ps->p += 2;
        if (hex4(ps, &lo))
            return -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(ps, "high surrogate without its low half");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return fail(ps, "\\u0000 is not supported");
    put_utf8(ps, cp);
    return 0;
}

static int escape(parser *ps)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    int c = peek(ps);
    const char *k = c > 0 ? strchr(from, c) : NULL;
    char cb[8];
    ps->p++;
    if (c == 'u')
        return unicode_escape(ps);
    if (c < 0)
        return fail(ps, "unterminated string");
    if (!k)
        return fail(ps, "bad escape: %s after '\\'", shown(c, cb));
    *ps->out++ = to[k - from];
    return 0;
}

/* A string at ps->p (the opening quote), decoded into the string buffer. */
static int parse_string(parser *ps, const char **out)
{
    ps->p++;
    *out = ps->out;
    for (;;) {
        int c = peek(ps);
        if (c < 0)
            return fail(ps, "unterminated string");
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(ps, "control character in string");
        if (c == '\\') {
            ps->p++;
            if (escape(ps))
                return -1;
            continue;
        }
        int n = c < 0x80 ? 1 : utf8_len((const unsigned char *)ps->p, (const unsigned char *)ps->end);
        if (!n)
            return fail(ps, "invalid UTF-8 in string");
        memcpy(ps->out, ps->p, (size_t)n);
        ps->out += n, ps->p += n;
    }
    ps->p++;
    *ps->out++ = 0;
    return 0;
}

static int digits(parser *ps)
{
    const char *s = ps->p;
    while (peek(ps) >= '0' && peek(ps) <= '9')
        ps->p++;
    return ps->p > s;
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(parser *ps, double *out)
{
    const char *s = ps->p;
    if (peek(ps) == '-')
        ps->p++;
    if (peek(ps) == '0')
        ps->p++;
    else if (!digits(ps))
        return fail(ps, "bad number");
    if (peek(ps) == '.' && (ps->p++, !digits(ps)))
        return fail(ps, "bad number: digits must follow '.'");
    if (peek(ps) == 'e' || peek(ps) == 'E') {
        ps->p++;
        if (peek(ps) == '+' || peek(ps) == '-')
            ps->p++;
        if (!digits(ps))
            return fail(ps, "bad number: digits must follow the exponent");
    }
    char buf[MAX_NUMBER_CHARS + 1];
    size_t n = (size_t)(ps->p - s);
    if (n > MAX_NUMBER_CHARS)
        return fail(ps, "number too long");
    memcpy(buf, s, n);
    buf[n] = 0;
    *out = strtod(buf, NULL);
    return isfinite(*out) ? 0 : fail(ps, "number out of range");
}

static int literal(parser *ps, const char *word, mmb_jtype type, double v)
{
    size_t n = strlen(word);
    char cb[8];
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character %s", shown((unsigned char)*ps->p, cb));
    ps->p += n;
    mmb_jval *j = new_val(ps, type);
    if (!j)
        return -1;
    j->num = v;
    return 0;
}

static int open_container(parser *ps, mmb_jtype type)
{
    if (ps->depth == MMB_JDOC_MAX_DEPTH)
        return fail(ps, "nested deeper than %d levels", MMB_JDOC_MAX_DEPTH);
    mmb_jval *v = new_val(ps, type);
    if (!v)
        return -1;
    ps->p++;
    ps->stack[ps->depth++] = (frame){v, NULL};
    return 0;
}

/* One value at ps->p: a scalar is complete on return; a container is
 * opened and *opened set, for the main loop to fill. */
static int value(parser *ps, int *opened)
{
    int c = peek(ps);
    mmb_jval *v;
    char cb[8];
    *opened = c == '[' || c == '{';
    switch (c) {
    case -1: return fail(ps, "unexpected end of input");
    case '[': return open_container(ps, MMB_JARR);
    case '{': return open_container(ps, MMB_JOBJ);
    case 't': return literal(ps, "true", MMB_JBOOL, 1);
    case 'f': return literal(ps, "false", MMB_JBOOL, 0);
    case 'n': return literal(ps, "null", MMB_JNULL, 0);
    case '"':
        v = new_val(ps, MMB_JSTR);
        return v ? parse_string(ps, &v->str) : -1;
    default:
        if (c != '-' && (c < '0' || c > '9'))
            return fail(ps, "unexpected character %s", shown(c, cb));
        v = new_val(ps, MMB_JNUM);
        return v ? parse_number(ps, &v->num) : -1;
    }
}

/* "name" : inside an object, before its value. */
static int member_name(parser *ps)
{
    skip_ws(ps);
    if (peek(ps) != '"')
        return fail(ps, peek(ps) < 0 ? "unexpected end of input" : "expected a member name");
    if (parse_string(ps, &ps->pending_key))
        return -1;
    skip_ws(ps);
    if (peek(ps) != ':')
        return fail(ps, "expected ':' after a member name");
    ps->p++;
    return 0;
}

/* Just after '[' or '{': either it closes at once, or its first element
 * (or member name) follows. */
static int after_open(parser *ps, int *want_value)
{
    frame *f = &ps->stack[ps->depth - 1];
    skip_ws(ps);
    if (peek(ps) == (f->node->type == MMB_JARR ? ']' : '}')) {
        ps->p++, ps->depth--;
        *want_value = 0;
        return 0;
    }
    *want_value = 1;
    return f->node->type == MMB_JOBJ ? member_name(ps) : 0;
}

/* After a complete value inside a container: ',' and the next element, or
 * the container's closing bracket. */
static int after_value(parser *ps, int *want_value)
{
    int is_arr = ps->stack[ps->depth - 1].node->type == MMB_JARR;
    skip_ws(ps);
    int c = peek(ps);
    *want_value = 0;
    if (c == (is_arr ? ']' : '}')) {
        ps->p++, ps->depth--;
        return 0;
    }
    if (c != ',')
        return fail(ps, c < 0 ? "unexpected end of input" : is_arr ? "expected ',' or ']'" : "expected ',' or '}'");
    ps->p++;
    *want_value = 1;
    return is_arr ? 0 : member_name(ps);
}

static int parse_all(parser *ps)
{
    int want_value = 1, opened;
    do {
        if (want_value) {
            skip_ws(ps);
            if (value(ps, &opened))
                return -1;
            if (opened && after_open(ps, &want_value))
                return -1;
            if (opened)
                continue;
        }
        if (ps->depth > 0 && after_value(ps, &want_value))
            return -1;
    } while (ps->depth > 0);
    skip_ws(ps);
    return ps->p < ps->end ? fail(ps, "unexpected characters after the document") : 0;
}

int mmb_jdoc_parse(mmb_jdoc *doc, const char *text, size_t len, char *err, size_t errlen)
{
    memset(doc, 0, sizeof *doc);
    parser ps = {.start = text, .p = text, .end = text + len, .doc = doc, .err = err, .errlen = errlen};
    if (len > MMB_JDOC_MAX_BYTES) {
        snprintf(err, errlen, "larger than %u MiB", MMB_JDOC_MAX_BYTES >> 20);
        return -1;
    }
    doc->strings = malloc(len + 1);
    if (!doc->strings) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    ps.out = doc->strings;
    if (parse_all(&ps) == 0)
        return 0;
    doc->root = NULL;
    return -1;
}

void mmb_jdoc_free(mmb_jdoc *doc)
{
    while (doc->blocks) {
        struct mmb_jblock *b = doc->blocks;
        doc->blocks = b->next;
        free(b);
    }
    free(doc->strings);
    memset(doc, 0, sizeof *doc);
}

/* The whole file in memory, refusing more than MMB_JDOC_MAX_BYTES: the
 * buffer doubles up to one byte past the limit, so a larger file shows itself
 * without being read to its end. */
static char *slurp(FILE *f, size_t *len, char *err, size_t errlen)
{
    size_t cap = READ_CHUNK, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t want = cap - n, got = fread(buf + n, 1, want, f);
        n += got;
        if (got < want && !ferror(f)) {
            *len = n;
            return buf;
        }
        if (got < want || n > MMB_JDOC_MAX_BYTES)
            break;
        cap = cap * 2 > MMB_JDOC_MAX_BYTES + 1u ? MMB_JDOC_MAX_BYTES + 1u : cap * 2;
        char *nb = realloc(buf, cap);
        if (!nb)
            free(buf);
        buf = nb;
    }
    snprintf(err, errlen, "%s", !buf ? "out of memory" : n > MMB_JDOC_MAX_BYTES ? "file too large"
                                : strerror(errno ? errno : EIO));
    free(buf);
    return NULL;
}

int mmb_jdoc_load(mmb_jdoc *doc, const char *path, char *err, size_t errlen)
{
    memset(doc, 0, sizeof *doc);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    size_t len = 0;
    errno = 0;
    char *text = slurp(f, &len, err, errlen);
    fclose(f);
    if (!text)
        return -1;
    if (len == 0) {
        free(text);
        snprintf(err, errlen, "empty file");
        return -1;
    }
    int rc = mmb_jdoc_parse(doc, text, len, err, errlen);
    free(text);
    return rc;
}

const mmb_jval *mmb_jdoc_get(const mmb_jval *obj, const char *key)
{
    if (!obj || obj->type != MMB_JOBJ)
        return NULL;
    for (const mmb_jval *v = obj->child; v; v = v->next)
        if (!strcmp(v->key, key))
            return v;
    return NULL;
}

/* A member name may itself contain dots ("pauses.p99_ms" in a summary), so
 * try the whole path as a name, then every split at a dot whose head names a
 * member. Depth is bounded by the dots in the path, not by the input. */
const mmb_jval *mmb_jdoc_path(const mmb_jval *obj, const char *path)
{
    const mmb_jval *v = mmb_jdoc_get(obj, path);
    for (const char *dot = strchr(path, '.'); !v && dot; dot = strchr(dot + 1, '.')) {
        char head[256];
        size_t n = (size_t)(dot - path);
        if (n >= sizeof head)
            break;
        memcpy(head, path, n);
        head[n] = 0;
        const mmb_jval *h = mmb_jdoc_get(obj, head);
        if (h)
            v = mmb_jdoc_path(h, dot + 1);
    }
    return v;
}

const mmb_jval *mmb_jdoc_index(const mmb_jval *arr, int i)
{
    if (!arr || arr->type != MMB_JARR || i < 0)
        return NULL;
    const mmb_jval *v = arr->child;
    while (v && i-- > 0)
        v = v->next;
    return v;
}

double mmb_jdoc_num(const mmb_jval *v, double dflt)
{
    return v && v->type == MMB_JNUM ? v->num : dflt;
}

const char *mmb_jdoc_str(const mmb_jval *v, const char *dflt)
{
    return v && v->type == MMB_JSTR ? v->str : dflt;
}
