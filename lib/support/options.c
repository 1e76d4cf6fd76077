/* lib/support/options.c: parsing and validating key=value options against
 * the tables of mmb/options.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/options.h"

void mmb_opts_init(mmb_optvals *ov, const mmb_optdesc *const *tables, int ntables)
{
    memset(ov, 0, sizeof *ov);
    for (int t = 0; t < ntables; t++) {
        for (const mmb_optdesc *d = tables[t]; d && d->name; d++) {
            if (mmb_opt_has(ov, d->name) || ov->n == MMB_OPTS_MAX)
                continue;
            ov->desc[ov->n] = d;
            ov->val[ov->n] = d->def;
            ov->n++;
        }
    }
}

#define SHOWN_MAX 96 /* bytes: longest piece of user text quoted in a message */

/* User text as a message quotes it: control characters become '?', since a
 * newline would split the driver's one-line error in two; long text is cut. */
static const char *shown(const char *text, size_t len, char buf[SHOWN_MAX + 1])
{
    size_t n = len < SHOWN_MAX ? len : SHOWN_MAX;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ? '?' : text[i];
    buf[n] = 0;
    return buf;
}

static int find(const mmb_optvals *ov, const char *name, size_t len)
{
    for (int i = 0; i < ov->n; i++)
        if (strlen(ov->desc[i]->name) == len && strncmp(ov->desc[i]->name, name, len) == 0)
            return i;
    return -1;
}

int mmb_opt_has(const mmb_optvals *ov, const char *name)
{
    return find(ov, name, strlen(name)) >= 0;
}

/* K, M, G, T as powers of 1024; a trailing B or iB is accepted (4M, 4MB,
 * 4MiB). Anything else after the number is an error. */
static int size_suffix(const char *s, double *mult)
{
    static const char units[] = "KMGT";
    *mult = 1;
    if (!*s || strcmp(s, "B") == 0)
        return 0;
    const char *u = strchr(units, s[0] & ~0x20);
    if (!u || !*u)
        return -1;
    *mult = ldexp(1.0, 10 * (int)(u - units + 1));
    s++;
    return (!*s || !strcmp(s, "B") || !strcmp(s, "iB")) ? 0 : -1;
}

static int parse_number(const mmb_optdesc *d, const char *text, double *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double v = d->type == MMB_OPT_DOUBLE ? strtod(text, &end) : (double)strtoll(text, &end, 10);
    double mult = 1;
    char sb[SHOWN_MAX + 1];
    if (end == text || errno == ERANGE || !isfinite(v) ||
        (d->type == MMB_OPT_SIZE ? size_suffix(end, &mult) != 0 : *end != '\0')) {
        snprintf(err, errlen, "option %s: '%s' is not a valid %s", d->name,
                 shown(text, strlen(text), sb),
                 d->type == MMB_OPT_SIZE ? "size (number with optional K/M/G)"
                 : d->type == MMB_OPT_INT ? "integer" : "number");
        return -1;
    }
    v *= mult;
    if (v < d->min || v > d->max) {
        snprintf(err, errlen, "option %s: %s is out of range [%.15g, %.15g]", d->name,
                 shown(text, strlen(text), sb), d->min, d->max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_enum(const mmb_optdesc *d, const char *text, double *out, char *err, size_t errlen)
{
    const char *c = d->choices;
    size_t len = strlen(text);
    for (int idx = 0; c && *c; idx++) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == len && strncmp(c, text, n) == 0) {
            *out = idx;
            return 0;
        }
        c = bar ? bar + 1 : c + n;
    }
    char sb[SHOWN_MAX + 1];
    snprintf(err, errlen, "option %s: '%s' is not one of %s", d->name, shown(text, len, sb),
             d->choices);
    return -1;
}

int mmb_opt_parse(const mmb_optdesc *d, const char *text, double *out, char *err, size_t errlen)
{
    if (!*text) {
        snprintf(err, errlen, "option %s: missing value", d->name);
        return -1;
    }
    if (d->type == MMB_OPT_ENUM)
        return parse_enum(d, text, out, err, errlen);
    return parse_number(d, text, out, err, errlen);
}

int mmb_opts_apply(mmb_optvals *ov, const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    char sb[SHOWN_MAX + 1];
    if (!eq || eq == kv) {
        snprintf(err, errlen, "option '%s' is not of the form key=value", shown(kv, strlen(kv), sb));
        return -1;
    }
    int i = find(ov, kv, (size_t)(eq - kv));
    if (i < 0) {
        snprintf(err, errlen, "unknown option '%s' for this workload, collector and allocator "
                 "(see mmbench list)", shown(kv, (size_t)(eq - kv), sb));
        return -1;
    }
    if (ov->set[i]) {
        snprintf(err, errlen, "option %s given twice", ov->desc[i]->name);
        return -1;
    }
    if (mmb_opt_parse(ov->desc[i], eq + 1, &ov->val[i], err, errlen) != 0)
        return -1;
    ov->set[i] = 1;
    return 0;
}

double mmb_opt_get(const mmb_optvals *ov, const char *name)
{
    int i = find(ov, name, strlen(name));
    if (i < 0) {
        fprintf(stderr, "mmbench: internal error: option '%s' not declared\n", name);
        abort();
    }
    return ov->val[i];
}

int64_t mmb_opt_int(const mmb_optvals *ov, const char *name)
{
    return (int64_t)mmb_opt_get(ov, name);
}

const char *mmb_opt_enum_name(const mmb_optdesc *d, int index, char *buf, size_t buflen)
{
    const char *c = d->choices ? d->choices : "";
    for (int i = 0; i < index && c; i++) {
        c = strchr(c, '|');
        c = c ? c + 1 : NULL;
    }
    if (!c)
        c = "";
    size_t n = strcspn(c, "|");
    snprintf(buf, buflen, "%.*s", (int)n, c);
    return buf;
}

/* Sizes print with the largest exact suffix (4194304 -> 4M), so a value
 * reads back as the user would write it. */
static void format_size(double v, char *buf, size_t buflen)
{
    static const char units[] = "TGMK";
    uint64_t x = (uint64_t)v;
    for (int i = 0; i < 4; i++) {
        uint64_t m = 1ull << (10 * (4 - i));
        if (x && x % m == 0) {
            snprintf(buf, buflen, "%llu%c", (unsigned long long)(x / m), units[i]);
            return;
        }
    }
    snprintf(buf, buflen, "%llu", (unsigned long long)x);
}

void mmb_opt_format(const mmb_optvals *ov, int i, char *buf, size_t buflen)
{
    const mmb_optdesc *d = ov->desc[i];
    double v = ov->val[i];
    if (d->type == MMB_OPT_ENUM)
        mmb_opt_enum_name(d, (int)v, buf, buflen);
    else if (d->type == MMB_OPT_SIZE)
        format_size(v, buf, buflen);
    else if (d->type == MMB_OPT_INT)
        snprintf(buf, buflen, "%lld", (long long)v);
    else
        snprintf(buf, buflen, "%.15g", v);
}
