/* mmb/json.h: a small streaming JSON writer (no allocation; the caller
 * nests objects and arrays; commas and escaping are handled here). */
#ifndef MMB_JSON_H
#define MMB_JSON_H

#include <stdint.h>
#include <stdio.h>

#define MMB_JSON_MAX_DEPTH 16

typedef struct mmb_json {
    FILE *f;
    int depth;
    int count[MMB_JSON_MAX_DEPTH]; /* members written at each depth */
    int pretty;
    int after_key; /* a key was just written: the next value needs no comma */
} mmb_json;

void mmb_json_init(mmb_json *j, FILE *f, int pretty);
void mmb_json_key(mmb_json *j, const char *key);  /* inside an object: next member's name */
void mmb_json_begin_object(mmb_json *j);
void mmb_json_end_object(mmb_json *j);
void mmb_json_begin_array(mmb_json *j);
void mmb_json_end_array(mmb_json *j);
void mmb_json_string(mmb_json *j, const char *s);
void mmb_json_double(mmb_json *j, double v);   /* non-finite values become null */
void mmb_json_uint(mmb_json *j, uint64_t v);
void mmb_json_bool(mmb_json *j, int v);
void mmb_json_null(mmb_json *j);

#endif
