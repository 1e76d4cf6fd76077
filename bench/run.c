/* bench/run.c: each repetition in a fresh child process.
 *
 * A child sets up the allocator and the measurement state, runs the chosen
 * instantiation of the workload, and sends its mmb_result back through a pipe.
 * Its exit status is the run's: 0, 1 (verification failed), 3 (heap-limit).
 * Peak RSS (VmHWM) is therefore per repetition. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"
#include "mmb/os.h"
#include "mmb/trace.h"
#include "registry.h"

/* The repetition number of the --trace-sites run (warm-ups are -1). */
#define REP_TRACE (-2)

const double mmb_mmu_windows_ms[MMB_MMU_WINDOWS] = {1, 10, 100};

static volatile sig_atomic_t child_pid;
static const char *tmp_to_remove[8];

/* SIGINT/SIGTERM: stop the child, remove the partial output, and leave with
 * 128+signal; only async-signal-safe calls here. */
static void on_signal(int sig)
{
    if (child_pid > 0) {
        kill(child_pid, SIGKILL);
        waitpid(child_pid, NULL, 0);
    }
    for (int i = 0; tmp_to_remove[i]; i++)
        unlink(tmp_to_remove[i]);
    _exit(128 + sig);
}

void mmb_run_install_signals(const char *const *tmp_paths)
{
    for (int i = 0; i < 7 && tmp_paths[i]; i++)
        tmp_to_remove[i] = tmp_paths[i];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void fill_result(mmb_result *r, const mmb_alloc *a)
{
    const mmb_metrics *m = &mmb_metrics_g;
    r->wall_ms = (double)(m->t1_ns - m->t0_ns) / 1e6;
    r->cpu_ms = (double)(m->cpu1_ns - m->cpu0_ns) / 1e6;
    mmb_pauses_summarise(&r->pauses);
    r->gc_ms = r->pauses.total_ms;
    r->ops = m->ops;
    r->ops_per_s = r->wall_ms > 0 ? (double)m->ops / (r->wall_ms / 1e3) : 0;
    r->worst_op_ms = m->worst_op_ms;
    r->survival_rate = m->survival_rate;
    r->promotion_rate = m->promotion_rate;
    r->allocs = m->allocs;
    r->alloc_bytes = m->alloc_bytes;
    for (int i = 0; i < MMB_MMU_WINDOWS; i++)
        r->mmu[i] = mmb_mmu(mmb_mmu_windows_ms[i]);
    r->peak_live_bytes = m->peak_live_bytes;
    r->peak_heap_bytes = m->peak_heap_bytes;
    if (a && a->st.peak_held_bytes > r->peak_heap_bytes)
        r->peak_heap_bytes = a->st.peak_held_bytes;
    r->peak_rss_bytes = mmb_os_peak_rss();
    r->ngens = m->ngens;
    for (int g = 0; g < MMB_MAX_GENS; g++) {
        r->collections[g] = m->gc_at_end[0][g] - m->gc_at_begin[0][g];
        r->collected[g] = m->gc_at_end[1][g] - m->gc_at_begin[1][g];
        r->uncollectable[g] = m->gc_at_end[2][g] - m->gc_at_begin[2][g];
    }
}

/* A peer allocator's preload must have taken (and `glibc` must have none):
 * a run on the wrong malloc would be silently mislabelled. */
static void check_allocator(const mmb_run_cfg *cfg)
{
    char err[512];
    if (cfg->alloc_kind >= 0 && mmb_alloc_peer_check((mmb_alloc_kind)cfg->alloc_kind, err, sizeof err)) {
        fprintf(stderr, "mmbench: %s\n", err);
        _exit(MMB_EXIT_FAIL);
    }
}

/* --trace-sites: the notebooks' "[ Top 10 ]" listing, on stderr (stdout
 * may carry the result document), of the sites that made up the traced
 * peak, which is this run's peak_live_bytes. */
static void print_sites(const mmb_run_cfg *cfg)
{
    mmb_trace_snapshot *s = mmb_trace_take_peak_snapshot();
    size_t n = 0;
    mmb_trace_stat *st = s ? mmb_trace_statistics(s, &n) : NULL;
    fprintf(stderr, "[ Top %d allocation sites at peak_live_bytes = %llu: %s under %s ]\n",
            cfg->trace_sites, (unsigned long long)(s ? s->total_bytes : 0),
            mmb_workloads[cfg->workload]->name, mmb_collectors[cfg->collector]->name);
    mmb_trace_print_stats(stderr, st, n, cfg->trace_sites);
    fflush(stderr);
    free(st);
    mmb_trace_snapshot_free(s);
}

/* The child's whole life: never returns. */
static __attribute__((noreturn)) void child(const mmb_run_cfg *cfg, int rep, int fd)
{
    static mmb_alloc alloc;
    check_allocator(cfg);
    mmb_metrics_reset();
    mmb_metrics_g.heap_limit = (uint64_t)mmb_opt_get(&cfg->opts, "heap-limit");
    mmb_alloc *a = NULL;
    if (cfg->alloc_kind >= 0) {
        if (mmb_alloc_init(&alloc, (mmb_alloc_kind)cfg->alloc_kind, &cfg->opts) != 0)
            mmb_oom("allocator set-up", 0);
        a = &alloc;
    }
    mmb_run_ctx ctx = {&cfg->opts, a, cfg->seed};
    if (rep == 0)
        mmb_series_start(cfg);
    if (rep == REP_TRACE)
        mmb_trace_start(1);
    int rc = mmb_registry_entry(cfg->workload, cfg->collector)(&ctx);
    if (rep == REP_TRACE)
        print_sites(cfg);
    if (rep == 0)
        mmb_series_stop();
    mmb_result r;
    memset(&r, 0, sizeof r);
    r.rep = rep;
    r.verified = rc == MMB_WL_OK;
    fill_result(&r, a);
    if (rep == 0 && mmb_series_write(cfg) != 0) {
        fprintf(stderr, "mmbench: could not write a time-series file\n");
        _exit(MMB_EXIT_FAIL);
    }
    if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
        _exit(MMB_EXIT_FAIL);
    if (!r.verified)
        fprintf(stderr, "mmbench: %s under %s: verification failed\n",
                mmb_workloads[cfg->workload]->name, mmb_collectors[cfg->collector]->name);
    _exit(r.verified ? MMB_EXIT_OK : MMB_EXIT_FAIL);
}

void mmb_run_child(const mmb_run_cfg *cfg, int rep, int fd)
{
    child(cfg, rep, fd);
}

/* A peer allocator replaces malloc for the whole process, so its child is a
 * fresh mmbench with the library preloaded, told by a hidden flag to be
 * repetition `rep` writing to `fd` (still open across exec). It parses the
 * same command line, so it runs the same configuration. Never returns. */
static void exec_child(const mmb_run_cfg *cfg, const char *preload, int rep, int fd)
{
    char ident[64];
    int n = cfg->argv ? cfg->argc : 1;
    char *args[n + 4];
    snprintf(ident, sizeof ident, "%d,%d", fd, rep);
    args[0] = "mmbench";
    args[1] = "run";
    args[2] = "--mmb-child";
    args[3] = ident;
    for (int i = 1; i < n; i++)
        args[i + 3] = cfg->argv[i];
    args[n + 3] = NULL;
    if (cfg->argv && setenv("LD_PRELOAD", preload, 1) == 0)
        execv("/proc/self/exe", args);
    fprintf(stderr, "mmbench: cannot re-execute with LD_PRELOAD=%s: %s\n", preload,
            cfg->argv ? strerror(errno) : "no command line to re-execute");
    _exit(MMB_EXIT_FAIL);
}

static int read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

/* Map a child's wait status to ours: its own exit code if it exited (0, 1
 * or 3), an internal error if a signal killed it. */
static int child_status(int ws, const mmb_run_cfg *cfg)
{
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    fprintf(stderr, "mmbench: %s under %s: child killed by signal %d\n",
            mmb_workloads[cfg->workload]->name, mmb_collectors[cfg->collector]->name, WTERMSIG(ws));
    return MMB_EXIT_FAIL;
}

static int run_one(const mmb_run_cfg *cfg, int rep, mmb_result *out)
{
    int fds[2];
    if (pipe(fds) != 0)
        return MMB_EXIT_FAIL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return MMB_EXIT_FAIL;
    if (pid == 0) {
        close(fds[0]);
        const char *preload = cfg->alloc_kind >= 0 ? mmb_alloc_preload((mmb_alloc_kind)cfg->alloc_kind) : NULL;
        if (preload)
            exec_child(cfg, preload, rep, fds[1]);
        child(cfg, rep, fds[1]);
    }
    child_pid = pid;
    close(fds[1]);
    int got = read_full(fds[0], out, sizeof *out);
    close(fds[0]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    child_pid = 0;
    int st = child_status(ws, cfg);
    if (st == MMB_EXIT_OK && got != 0)
        st = MMB_EXIT_FAIL;
    return st;
}

int mmb_run_all(const mmb_run_cfg *cfg, mmb_result *results)
{
    mmb_result scratch;
    for (int i = 0; i < cfg->warmup; i++) {
        int st = run_one(cfg, -1, &scratch);
        if (st != MMB_EXIT_OK)
            return st;
    }
    for (int rep = 0; rep < cfg->repeats; rep++) {
        int st = run_one(cfg, rep, &results[rep]);
        if (st != MMB_EXIT_OK)
            return st;
    }
    /* Tracing costs time and memory: its run is an extra one, so that no
     * reported figure (nor repetition 0's series) carries that cost. */
    if (cfg->trace_sites > 0)
        return run_one(cfg, REP_TRACE, &scratch);
    return MMB_EXIT_OK;
}
