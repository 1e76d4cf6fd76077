/* tests/fuzz/fuzz_options.c: mmb_opts_apply over arbitrary key=value strings.
 *
 * The input is split at NUL bytes into strings, each applied in turn to one
 * set of values built from two fixed tables (one of each type, one name in
 * both, as a workload's and a collector's tables share heap-limit). What must
 * hold whatever the strings:
 *   - a failed apply changes nothing and says why in one printable line
 *     (the driver prints it after "mmbench: " as its one line on stderr);
 *   - a value that was accepted lies in its range (an integer for int and
 *     size options, a choice's index for enumerations);
 *   - mmb_opt_format prints it so that mmb_opt_parse reads it back (what
 *     `mmbench list` and the result documents show can be given again). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/options.h"

#define FUZZ_MAX_STRINGS 64 /* strings applied per input */
#define FUZZ_ERR_LEN 256    /* the driver's message buffer is of this order */

static const mmb_optdesc wl_opts[] = {
    {"count", MMB_OPT_INT, 100, 1, 1e12, NULL, "an integer"},
    {"size", MMB_OPT_SIZE, 4096, 16, 1e15, NULL, "a size"},
    {"ratio", MMB_OPT_DOUBLE, 0.5, 0, 1, NULL, "a fraction"},
    {"scale", MMB_OPT_DOUBLE, 1, -1e6, 1e6, NULL, "a signed real"},
    {"dist", MMB_OPT_ENUM, 1, 0, 2, "fixed|uniform|pareto", "an enumeration"},
    {"heap-limit", MMB_OPT_SIZE, 0, 0, 1e15, NULL, "shared"},
    {0},
};

static const mmb_optdesc gc_opts[] = {
    {"heap-limit", MMB_OPT_SIZE, 0, 0, 1e15, NULL, "shared: one value"},
    {"neg", MMB_OPT_INT, -5, -1000000, -1, NULL, "negative only"},
    {"mode", MMB_OPT_ENUM, 0, 0, 1, "a|ab", "choices that share a prefix"},
    {0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_options: %s: %s\n", what, detail);
    abort();
}

/* One line of printable text, NUL-terminated inside the buffer. */
static void check_message(const char *err)
{
    size_t n = strnlen(err, FUZZ_ERR_LEN);
    if (n == 0 || n == FUZZ_ERR_LEN)
        die("error message empty or unterminated", err);
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)err[k] < 0x20 || err[k] == 0x7f)
            die("error message holds a control character", err);
}

static int nchoices(const mmb_optdesc *d)
{
    int n = 1;
    for (const char *c = d->choices; *c; c++)
        n += *c == '|';
    return n;
}

/* Value i is in range and of its type, and reads back as itself. */
static void check_value(const mmb_optvals *ov, int i)
{
    const mmb_optdesc *d = ov->desc[i];
    double v = ov->val[i], back;
    char text[128], err[FUZZ_ERR_LEN];
    if (!(v >= d->min && v <= d->max))
        die("accepted value out of range", d->name);
    if (d->type != MMB_OPT_DOUBLE && v != floor(v))
        die("accepted value not an integer", d->name);
    if (d->type == MMB_OPT_ENUM && v >= nchoices(d))
        die("enumeration index past its choices", d->name);
    mmb_opt_format(ov, i, text, sizeof text);
    if (mmb_opt_parse(d, text, &back, err, sizeof err) != 0)
        die("formatted value does not parse back", text);
    double tol = d->type == MMB_OPT_DOUBLE ? 1e-14 * fabs(v) : 0;
    if (fabs(back - v) > tol)
        die("formatted value reads back as another", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const mmb_optdesc *tables[2] = {wl_opts, gc_opts};
    mmb_optvals ov, before;
    mmb_opts_init(&ov, tables, 2);
    char *text = malloc(size + 1), err[FUZZ_ERR_LEN];
    memcpy(text, data, size);
    text[size] = 0;
    int applied = 0;
    for (const char *s = text; s <= text + size && applied < FUZZ_MAX_STRINGS; s += strlen(s) + 1) {
        memcpy(&before, &ov, sizeof ov);
        err[0] = 0;
        applied++;
        if (mmb_opts_apply(&ov, s, err, sizeof err) == 0)
            continue;
        check_message(err);
        if (memcmp(&before, &ov, sizeof ov) != 0)
            die("a failed apply changed the values", s);
    }
    for (int i = 0; i < ov.n; i++)
        check_value(&ov, i);
    free(text);
    return 0;
}
