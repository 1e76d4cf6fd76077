/* bench/driver.h: the mmbench driver's internal interfaces. */
#ifndef MMB_DRIVER_H
#define MMB_DRIVER_H

#include <stdint.h>
#include <stdio.h>

#include "mmb/alloc.h"
#include "mmb/json.h"
#include "mmb/options.h"
#include "mmb/stats.h"

/* Exit statuses (DESIGN.md §3). */
#define MMB_EXIT_OK 0
#define MMB_EXIT_FAIL 1   /* verification failed, or an internal error */
#define MMB_EXIT_USAGE 2  /* bad command line; one line on stderr, no file written */
#define MMB_EXIT_OOM 3    /* the run exceeded heap-limit */

enum mmb_format { MMB_FMT_TEXT, MMB_FMT_JSON, MMB_FMT_CSV };

#define MMB_MMU_WINDOWS 3
extern const double mmb_mmu_windows_ms[MMB_MMU_WINDOWS];

/* One repetition's figures, filled in the child and sent to the parent
 * through a pipe as plain bytes. */
typedef struct mmb_result {
    int rep;
    int verified;
    double wall_ms, cpu_ms, gc_ms, ops_per_s, worst_op_ms;
    double survival_rate, promotion_rate; /* NaN where the workload does not measure them */
    uint64_t ops, allocs, alloc_bytes;
    mmb_pause_summary pauses;
    double mmu[MMB_MMU_WINDOWS];
    uint64_t peak_live_bytes, peak_heap_bytes, peak_rss_bytes;
    int ngens;
    uint64_t collections[MMB_MAX_GENS], collected[MMB_MAX_GENS], uncollectable[MMB_MAX_GENS];
} mmb_result;

/* The scalar figures of a run, declared once: the CSV columns, the summary's
 * metrics and the text table all come from this list.
 * X(column name, expression over `const mmb_result *r`) */
#define MMB_RESULT_SCALARS(X)                                                  \
    X("wall_ms", r->wall_ms)                                                   \
    X("cpu_ms", r->cpu_ms)                                                     \
    X("gc_ms", r->gc_ms)                                                       \
    X("ops", (double)r->ops)                                                   \
    X("ops_per_s", r->ops_per_s)                                               \
    X("allocs", (double)r->allocs)                                             \
    X("alloc_bytes", (double)r->alloc_bytes)                                   \
    X("pauses.count", (double)r->pauses.count)                                 \
    X("pauses.total_ms", r->pauses.total_ms)                                   \
    X("pauses.p50_ms", r->pauses.p50_ms)                                       \
    X("pauses.p90_ms", r->pauses.p90_ms)                                       \
    X("pauses.p99_ms", r->pauses.p99_ms)                                       \
    X("pauses.p999_ms", r->pauses.p999_ms)                                     \
    X("pauses.max_ms", r->pauses.max_ms)                                       \
    X("mmu.1ms", r->mmu[0])                                                    \
    X("mmu.10ms", r->mmu[1])                                                   \
    X("mmu.100ms", r->mmu[2])                                                  \
    X("peak_live_bytes", (double)r->peak_live_bytes)                           \
    X("peak_heap_bytes", (double)r->peak_heap_bytes)                           \
    X("peak_rss_bytes", (double)r->peak_rss_bytes)                             \
    X("worst_op_ms", r->worst_op_ms)                                           \
    X("survival_rate", r->survival_rate)                                       \
    X("promotion_rate", r->promotion_rate)

int mmb_result_nscalars(void);
const char *mmb_result_scalar_name(int i);
double mmb_result_scalar(const mmb_result *r, int i);

/* What `mmbench run` was asked to do. */
typedef struct mmb_run_cfg {
    int workload, collector;   /* indices into the registry */
    int alloc_kind;            /* mmb_alloc_kind, or -1: the collector's own heap */
    mmb_optvals opts;          /* workload + collector + allocator + common */
    int repeats, warmup;
    uint64_t seed;
    enum mmb_format format;
    const char *out[4];        /* --out files (format by extension); none: stdout */
    int nout;
    const char *mmu_curve;     /* --mmu-curve FILE: bounded MMU curve of repetition 0 */
    const char *pause_log;     /* --pause-log FILE: every pause of repetition 0 */
    const char *rss_file;      /* where --rss-sample writes */
    double rss_sample_ms;      /* --rss-sample MS; 0 = off */
    int trace_sites;           /* --trace-sites N: an extra, traced run lists N sites; 0 = off */
    int argc;                  /* the `run` command line (argv[0] = "run"), which */
    char **argv;               /* a child re-executes with for a preloaded allocator */
} mmb_run_cfg;

int mmb_cli_list(int argc, char **argv);
int mmb_cli_run(int argc, char **argv);
int mmb_cli_compare(int argc, char **argv);  /* bench/compare.c */
int mmb_cli_sweep(int argc, char **argv);    /* bench/sweep.c */
int mmb_cli_report(int argc, char **argv);   /* bench/report_html.c */
/* Print "mmbench: <msg>" on stderr and return MMB_EXIT_USAGE. */
int mmb_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run every repetition in its own child; results[] has cfg->repeats entries.
 * Returns an exit status (0 when every repetition succeeded). */
int mmb_run_all(const mmb_run_cfg *cfg, mmb_result *results);
/* The child's side of one repetition, in a process that mmb_run_all
 * re-executed (`run --mmb-child FD,REP ...`) with an allocator preloaded:
 * runs it and sends the result to fd. Never returns. */
void mmb_run_child(const mmb_run_cfg *cfg, int rep, int fd) __attribute__((noreturn));
/* Arrange for SIGINT/SIGTERM to reap children and remove the NULL-terminated
 * list of temporary output files. */
void mmb_run_install_signals(const char *const *tmp_paths);

/* Time series of repetition 0 (bench/series.c). */
void mmb_series_start(const mmb_run_cfg *cfg);
void mmb_series_stop(void);
int mmb_series_write(const mmb_run_cfg *cfg);
void mmb_series_finish(const mmb_run_cfg *cfg, int ok);

/* Output. */
void mmb_report_write(FILE *f, enum mmb_format fmt, const mmb_run_cfg *cfg, const mmb_result *res, int n);
const char *mmb_alloc_label(const mmb_run_cfg *cfg);

/* The summary of one metric across repetitions. */
typedef struct mmb_ci {
    double median, lo, hi;
} mmb_ci;
void mmb_summary_ci(const double *x, int n, uint64_t seed, mmb_ci *out);
/* Ratio of medians B/A with its 95% bootstrap interval (NaN if a side is
 * empty; 0/0 counts as 1, x/0 as infinity). */
void mmb_summary_ratio_ci(const double *a, int na, const double *b, int nb, uint64_t seed, mmb_ci *out);

/* Facts about the machine and the build for the "env" object. */
void mmb_env_write_json(mmb_json *j);

#endif
