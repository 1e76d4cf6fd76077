/* mmb/options.h: key=value options parsed through one table.
 *
 * Every workload, collector and allocator declares its options as a table of
 * mmb_optdesc (name, type, default, minimum, maximum, help), terminated by an
 * entry with a NULL name. `mmbench list` prints these tables and `-o` is
 * validated against them: an unknown key, a malformed number or a value out of
 * range is a usage error (Whippet's options, with mimalloc's explicitness).
 */
#ifndef MMB_OPTIONS_H
#define MMB_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef enum mmb_opttype {
    MMB_OPT_INT,    /* integer, decimal */
    MMB_OPT_SIZE,   /* byte count, optional K/M/G suffix (powers of 1024) */
    MMB_OPT_DOUBLE, /* real number */
    MMB_OPT_ENUM    /* one of the '|'-separated words in `choices` */
} mmb_opttype;

typedef struct mmb_optdesc {
    const char *name;
    mmb_opttype type;
    double def, min, max;     /* for ENUM: def is the index of the default choice */
    const char *choices;      /* ENUM only: "uniform|pareto" */
    const char *help;
} mmb_optdesc;

#define MMB_OPTS_MAX 48

/* Values for a list of tables (workload + collector + allocator), in the
 * order of their entries. `set[i]` says whether -o gave it explicitly. */
typedef struct mmb_optvals {
    const mmb_optdesc *desc[MMB_OPTS_MAX];
    double val[MMB_OPTS_MAX];
    unsigned char set[MMB_OPTS_MAX];
    int n;
} mmb_optvals;

/* Start from the defaults of the given tables (NULL tables are skipped).
 * A name that appears in two tables is shared (one value). */
void mmb_opts_init(mmb_optvals *ov, const mmb_optdesc *const *tables, int ntables);

/* Apply one "key=value" string. On error returns -1 and writes a one-line
 * message (without "mmbench: ") to err. A key given twice is an error. */
int mmb_opts_apply(mmb_optvals *ov, const char *kv, char *err, size_t errlen);

/* Parse a value for one descriptor; same error convention. */
int mmb_opt_parse(const mmb_optdesc *d, const char *text, double *out, char *err, size_t errlen);

/* Look up a value by name (at set-up time, never on a hot path).
 * Asking for a name not in the tables is a programming error: it aborts. */
double mmb_opt_get(const mmb_optvals *ov, const char *name);
int64_t mmb_opt_int(const mmb_optvals *ov, const char *name);
/* Whether the name is in the tables at all. */
int mmb_opt_has(const mmb_optvals *ov, const char *name);
/* For ENUM: the word at `index`, copied into buf (which is returned). */
const char *mmb_opt_enum_name(const mmb_optdesc *d, int index, char *buf, size_t buflen);

/* Render value i as text (sizes with a suffix when exact, enums by name). */
void mmb_opt_format(const mmb_optvals *ov, int i, char *buf, size_t buflen);

#endif
