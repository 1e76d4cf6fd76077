/* bench/cli.c: `mmbench run`: parse and validate the command line against
 * the registry and the option tables, then run and report. Every usage error
 * is one line on stderr and exit status 2, before any file is created. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "registry.h"

#define MAX_KV 64
#define MAX_OUT 4
#define MAX_REPEATS 1000
#define MAX_WARMUP 100
#define MAX_TRACE_SITES 1000 /* lines of the --trace-sites listing */

typedef struct run_args {
    const char *workload, *collector, *alloc, *format;
    const char *kv[MAX_KV];
    int nkv;
    const char *repeats, *warmup, *seed, *rss_sample;
    const char *trace_sites;
    const char *child; /* hidden --mmb-child FD,REP: we are a re-executed child */
} run_args;

static const struct option long_opts[] = {
    {"workload", required_argument, NULL, 'w'},
    {"collector", required_argument, NULL, 'c'},
    {"allocator", required_argument, NULL, 'a'},
    {"option", required_argument, NULL, 'o'},
    {"repeats", required_argument, NULL, 'r'},
    {"warmup", required_argument, NULL, 'W'},
    {"seed", required_argument, NULL, 'S'},
    {"format", required_argument, NULL, 'F'},
    {"out", required_argument, NULL, 'O'},
    {"mmu-curve", required_argument, NULL, 'M'},
    {"pause-log", required_argument, NULL, 'P'},
    {"rss-sample", required_argument, NULL, 'R'},
    {"rss-file", required_argument, NULL, 'T'},
    {"trace-sites", required_argument, NULL, 'Z'},
    {"mmb-child", required_argument, NULL, 'X'}, /* internal: see exec_child in run.c */
    {NULL, 0, NULL, 0},
};

/* getopt with its own messages off, so every error is our one line. */
static int parse_flags(int argc, char **argv, run_args *a, mmb_run_cfg *cfg)
{
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":w:c:a:o:r:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'w': a->workload = optarg; break;
        case 'c': a->collector = optarg; break;
        case 'a': a->alloc = optarg; break;
        case 'r': a->repeats = optarg; break;
        case 'W': a->warmup = optarg; break;
        case 'S': a->seed = optarg; break;
        case 'F': a->format = optarg; break;
        case 'M': cfg->mmu_curve = optarg; break;
        case 'P': cfg->pause_log = optarg; break;
        case 'R': a->rss_sample = optarg; break;
        case 'T': cfg->rss_file = optarg; break;
        case 'Z': a->trace_sites = optarg; break;
        case 'X': a->child = optarg; break;
        case 'O':
            if (cfg->nout == MAX_OUT)
                return mmb_usage_error("too many --out files (at most %d)", MAX_OUT);
            cfg->out[cfg->nout++] = optarg;
            break;
        case 'o':
            if (a->nkv == MAX_KV)
                return mmb_usage_error("too many -o options (at most %d)", MAX_KV);
            a->kv[a->nkv++] = optarg;
            break;
        case ':': return mmb_usage_error("option %s needs a value", argv[optind - 1]);
        default: return mmb_usage_error("unknown flag '%s' (see mmbench --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return mmb_usage_error("unexpected argument '%s'", argv[optind]);
    return 0;
}

/* A whole decimal number in [lo, hi], or a usage error naming the flag. */
static int parse_count(const char *flag, const char *text, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE)
        return mmb_usage_error("%s: '%s' is not an integer", flag, text);
    if (v < lo || v > hi)
        return mmb_usage_error("%s: %s is out of range [%lld, %lld]", flag, text, lo, hi);
    *out = v;
    return 0;
}

static int pick_format(const char *text, enum mmb_format *out)
{
    static const char *const names[] = {"text", "json", "csv"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(text, names[i])) {
            *out = (enum mmb_format)i;
            return 0;
        }
    return mmb_usage_error("--format: '%s' is not one of text, json, csv", text);
}

/* -a against what the collector accepts: the malloc-like managers take any
 * allocator in their mask (default sys); tracing collectors own their heap. */
static int pick_allocator(const run_args *a, mmb_run_cfg *cfg)
{
    const mmb_gc_desc *g = mmb_collectors[cfg->collector];
    if (!g->alloc_mask) {
        if (a->alloc && strcmp(a->alloc, "own") != 0)
            return mmb_usage_error("collector %s manages its own heap; -a %s is not accepted",
                                   g->name, a->alloc);
        cfg->alloc_kind = -1;
        return 0;
    }
    int k = mmb_alloc_kind_from_name(a->alloc ? a->alloc : "sys");
    if (k < 0)
        return mmb_usage_error("unknown allocator '%s' (see mmbench list)", a->alloc);
    if (!mmb_alloc_available((mmb_alloc_kind)k))
        return mmb_usage_error("allocator %s is not available (%s)", a->alloc,
                               mmb_alloc_missing_hint((mmb_alloc_kind)k));
    if (!(g->alloc_mask & MMB_ALLOC_BIT(k)))
        return mmb_usage_error("collector %s does not run on allocator %s", g->name, a->alloc);
    cfg->alloc_kind = k;
    return 0;
}

static int pick_components(const run_args *a, mmb_run_cfg *cfg)
{
    if (!a->workload)
        return mmb_usage_error("run needs -w WORKLOAD (see mmbench list)");
    if (!a->collector)
        return mmb_usage_error("run needs -c COLLECTOR (see mmbench list)");
    cfg->workload = mmb_registry_find_workload(a->workload);
    if (cfg->workload < 0)
        return mmb_usage_error("unknown workload '%s' (see mmbench list)", a->workload);
    cfg->collector = mmb_registry_find_collector(a->collector);
    if (cfg->collector < 0)
        return mmb_usage_error("unknown collector '%s' (see mmbench list)", a->collector);
    if (!mmb_registry_supports(cfg->workload, cfg->collector))
        return mmb_usage_error("workload %s does not run under collector %s", a->workload, a->collector);
    return pick_allocator(a, cfg);
}

static int apply_options(const run_args *a, mmb_run_cfg *cfg)
{
    const mmb_optdesc *tables[4] = {
        mmb_workloads[cfg->workload]->opts, mmb_collectors[cfg->collector]->opts,
        cfg->alloc_kind >= 0 ? mmb_alloc_options((mmb_alloc_kind)cfg->alloc_kind) : NULL,
        mmb_common_opts};
    mmb_opts_init(&cfg->opts, tables, 4);
    char err[256];
    for (int i = 0; i < a->nkv; i++)
        if (mmb_opts_apply(&cfg->opts, a->kv[i], err, sizeof err) != 0)
            return mmb_usage_error("%s", err);
    return 0;
}

static int parse_numbers(const run_args *a, mmb_run_cfg *cfg)
{
    long long v;
    cfg->repeats = 1;
    if (a->repeats) {
        if (parse_count("-r", a->repeats, 1, MAX_REPEATS, &v))
            return MMB_EXIT_USAGE;
        cfg->repeats = (int)v;
    }
    if (a->warmup) {
        if (parse_count("--warmup", a->warmup, 0, MAX_WARMUP, &v))
            return MMB_EXIT_USAGE;
        cfg->warmup = (int)v;
    }
    cfg->seed = 42;
    if (a->seed) {
        if (parse_count("--seed", a->seed, 0, (long long)(~0ull >> 1), &v))
            return MMB_EXIT_USAGE;
        cfg->seed = (uint64_t)v;
    }
    if (a->rss_sample) {
        if (parse_count("--rss-sample", a->rss_sample, 1, 60000, &v))
            return MMB_EXIT_USAGE;
        cfg->rss_sample_ms = (double)v;
    }
    if (a->trace_sites) {
        if (parse_count("--trace-sites", a->trace_sites, 1, MAX_TRACE_SITES, &v))
            return MMB_EXIT_USAGE;
        cfg->trace_sites = (int)v;
    }
    return a->format ? pick_format(a->format, &cfg->format) : 0;
}

/* --rss-sample without --rss-file writes next to the first --out
 * (r.json -> r.rss.dat), or ./rss.dat. */
static void default_rss_file(mmb_run_cfg *cfg)
{
    static char path[4096];
    if (cfg->rss_sample_ms <= 0 || cfg->rss_file)
        return;
    if (!cfg->nout) {
        cfg->rss_file = "rss.dat";
        return;
    }
    snprintf(path, sizeof path, "%s", cfg->out[0]);
    char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        *dot = 0;
    strncat(path, ".rss.dat", sizeof path - strlen(path) - 1);
    cfg->rss_file = path;
}

/* The series files are written by a child as FILE.tmp.<our pid>: create each
 * now to prove it can be written, before any work is done. */
static int check_series_files(mmb_run_cfg *cfg, char tmp[][4096], const char **tmps, int *nt)
{
    const char *paths[3] = {cfg->mmu_curve, cfg->pause_log, cfg->rss_file};
    for (int i = 0; i < 3; i++) {
        if (!paths[i])
            continue;
        snprintf(tmp[i], 4096, "%s.tmp.%ld", paths[i], (long)getpid());
        int fd = *paths[i] ? open(tmp[i], O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
        if (fd < 0) {
            int e = *paths[i] ? errno : ENOENT;
            for (int k = 0; k < *nt; k++)
                unlink(tmps[k]);
            return mmb_usage_error("cannot write '%s': %s", paths[i], strerror(e));
        }
        close(fd);
        tmps[(*nt)++] = tmp[i];
    }
    return 0;
}

/* A file's format: from its extension (.json, .csv, .txt), else --format. */
static enum mmb_format format_of(const char *path, enum mmb_format dflt)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strcmp(dot, ".json"))
        return MMB_FMT_JSON;
    if (dot && !strcmp(dot, ".csv"))
        return MMB_FMT_CSV;
    if (dot && !strcmp(dot, ".txt"))
        return MMB_FMT_TEXT;
    return dflt;
}

/* Each output is written to a temporary file in its own directory and
 * renamed into place at the end: creating them now also proves every --out
 * is writable before any work is done. */
static int open_outputs(mmb_run_cfg *cfg, char tmp[][4096], FILE **f)
{
    for (int i = 0; i < cfg->nout; i++) {
        const char *out = cfg->out[i];
        int fd = -1;
        if (*out) {
            snprintf(tmp[i], 4096, "%s.tmp.%ld", out, (long)getpid());
            fd = open(tmp[i], O_WRONLY | O_CREAT | O_EXCL, 0644);
        }
        if (fd < 0 || !(f[i] = fdopen(fd, "w"))) {
            int e = *out ? errno : ENOENT;
            if (fd >= 0)
                close(fd);
            for (int k = 0; k < i; k++)
                fclose(f[k]), unlink(tmp[k]);
            return mmb_usage_error("--out: cannot write '%s': %s", out, strerror(e));
        }
    }
    return 0;
}

/* Close every output; rename all into place only if the run succeeded and
 * every write did, otherwise remove them all (a previous file stays). */
static int finish_outputs(const mmb_run_cfg *cfg, char tmp[][4096], FILE **f, int status)
{
    int bad = 0;
    for (int i = 0; i < cfg->nout; i++)
        bad |= ferror(f[i]) | (fclose(f[i]) != 0);
    if (bad && status == MMB_EXIT_OK) {
        fprintf(stderr, "mmbench: could not write the output files\n");
        status = MMB_EXIT_FAIL;
    }
    for (int i = 0; i < cfg->nout; i++) {
        if (status == MMB_EXIT_OK && rename(tmp[i], cfg->out[i]) != 0) {
            fprintf(stderr, "mmbench: could not rename %s: %s\n", tmp[i], strerror(errno));
            status = MMB_EXIT_FAIL;
        }
        if (status != MMB_EXIT_OK)
            unlink(tmp[i]);
    }
    return status;
}

/* A re-executed child (run.c's exec_child) with the parsed configuration:
 * run repetition REP into FD and exit; the parent made every file. */
static int run_as_child(const char *ident, const mmb_run_cfg *cfg)
{
    int fd, rep;
    char tail;
    if (sscanf(ident, "%d,%d%c", &fd, &rep, &tail) != 2 || fd < 0)
        return mmb_usage_error("--mmb-child: '%s' is not FD,REP", ident);
    mmb_run_child(cfg, rep, fd);
}

int mmb_cli_run(int argc, char **argv)
{
    run_args a = {0};
    static mmb_run_cfg cfg;
    static char tmp[MAX_OUT][4096], stmp[3][4096];
    FILE *f[MAX_OUT];
    const char *tmps[MAX_OUT + 4] = {0};
    int nt = 0;
    memset(&cfg, 0, sizeof cfg);
    if (parse_flags(argc, argv, &a, &cfg) || pick_components(&a, &cfg) ||
        apply_options(&a, &cfg) || parse_numbers(&a, &cfg))
        return MMB_EXIT_USAGE;
    default_rss_file(&cfg);
    cfg.argc = argc;
    cfg.argv = argv;
    if (a.child)
        return run_as_child(a.child, &cfg);
    if (check_series_files(&cfg, stmp, tmps, &nt))
        return MMB_EXIT_USAGE;
    if (open_outputs(&cfg, tmp, f)) {
        mmb_series_finish(&cfg, 0);
        return MMB_EXIT_USAGE;
    }
    for (int i = 0; i < cfg.nout; i++)
        tmps[nt++] = tmp[i];
    mmb_run_install_signals(tmps);
    mmb_result *res = calloc((size_t)cfg.repeats, sizeof *res);
    int status = res ? mmb_run_all(&cfg, res) : MMB_EXIT_FAIL;
    if (status == MMB_EXIT_OK) {
        for (int i = 0; i < cfg.nout; i++)
            mmb_report_write(f[i], format_of(cfg.out[i], cfg.format), &cfg, res, cfg.repeats);
        if (!cfg.nout)
            mmb_report_write(stdout, cfg.format, &cfg, res, cfg.repeats);
    }
    free(res);
    status = finish_outputs(&cfg, tmp, f, status);
    mmb_series_finish(&cfg, status == MMB_EXIT_OK);
    if (fflush(stdout) != 0 && status == MMB_EXIT_OK)
        status = MMB_EXIT_FAIL;
    return status;
}
