/* lib/support/json.c: the streaming JSON writer. */
#include <inttypes.h>
#include <math.h>

#include "mmb/json.h"

void mmb_json_init(mmb_json *j, FILE *f, int pretty)
{
    j->f = f;
    j->depth = 0;
    j->count[0] = 0;
    j->pretty = pretty;
    j->after_key = 0;
}

static void newline(mmb_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Separator before a member or element; a value right after its key needs
 * none. */
static void separate(mmb_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->count[j->depth]++ > 0)
        fputc(',', j->f);
    if (j->depth > 0)
        newline(j);
}

/* RFC 8259 escaping: quote, backslash and control characters. */
static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void mmb_json_key(mmb_json *j, const char *key)
{
    separate(j);
    write_string(j->f, key);
    fputs(j->pretty ? ": " : ":", j->f);
    j->after_key = 1;
}

static void open_nest(mmb_json *j, char c)
{
    separate(j);
    fputc(c, j->f);
    j->depth++;
    j->count[j->depth] = 0;
}

static void close_nest(mmb_json *j, char c)
{
    int had = j->count[j->depth];
    j->depth--;
    if (had)
        newline(j);
    fputc(c, j->f);
}

void mmb_json_begin_object(mmb_json *j) { open_nest(j, '{'); }
void mmb_json_end_object(mmb_json *j) { close_nest(j, '}'); }
void mmb_json_begin_array(mmb_json *j) { open_nest(j, '['); }
void mmb_json_end_array(mmb_json *j) { close_nest(j, ']'); }

void mmb_json_string(mmb_json *j, const char *s)
{
    separate(j);
    write_string(j->f, s);
}

void mmb_json_double(mmb_json *j, double v)
{
    separate(j);
    if (isfinite(v))
        fprintf(j->f, "%.9g", v);
    else
        fputs("null", j->f);
}

void mmb_json_uint(mmb_json *j, uint64_t v)
{
    separate(j);
    fprintf(j->f, "%" PRIu64, v);
}

void mmb_json_bool(mmb_json *j, int v)
{
    separate(j);
    fputs(v ? "true" : "false", j->f);
}

void mmb_json_null(mmb_json *j)
{
    separate(j);
    fputs("null", j->f);
}
