/* bench/series.c: per-run time series for plotting, written by the child of
 * the first measured repetition: the MMU curve (--mmu-curve), the pause log
 * (--pause-log) and RSS/live bytes over time (--rss-sample MS).
 *
 * Each is a whitespace-separated table with a '#' header line, so gnuplot
 * reads it directly. The child writes FILE.tmp.<parent pid>; the parent
 * renames it into place only if the whole run succeeds. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "mmb/os.h"

#define MMU_POINTS_PER_DECADE 10
#define MMU_MIN_WINDOW_MS 0.01

typedef struct rss_point {
    double t_ms;
    uint64_t rss, live;
} rss_point;

static struct {
    pthread_t thread;
    int running;
    volatile int stop;
    double period_ms;
    rss_point *v;
    size_t n, cap;
    uint64_t t0;
} sampler;

/* The sampler thread: read VmRSS and the live-byte counter every period.
 * The counter is read without a lock: a torn or stale value is off by one
 * update at most, which a 10 ms sample cannot tell apart anyway. */
static void *sample_loop(void *arg)
{
    struct timespec ts = {(time_t)(sampler.period_ms / 1000),
                          (long)((sampler.period_ms - 1000 * (double)(time_t)(sampler.period_ms / 1000)) * 1e6)};
    while (!sampler.stop && sampler.n < sampler.cap) {
        rss_point *p = &sampler.v[sampler.n];
        p->t_ms = (double)(mmb_now_ns() - sampler.t0) / 1e6;
        p->rss = mmb_os_rss();
        p->live = *(volatile uint64_t *)&mmb_metrics_g.live_bytes;
        sampler.n++;
        nanosleep(&ts, NULL);
    }
    return arg;
}

void mmb_series_start(const mmb_run_cfg *cfg)
{
    if (cfg->rss_sample_ms <= 0)
        return;
    sampler.period_ms = cfg->rss_sample_ms;
    sampler.cap = 1u << 20;
    sampler.v = mmb_os_map(sampler.cap * sizeof *sampler.v);
    sampler.t0 = mmb_now_ns();
    sampler.running = sampler.v && pthread_create(&sampler.thread, NULL, sample_loop, NULL) == 0;
}

void mmb_series_stop(void)
{
    if (!sampler.running)
        return;
    sampler.stop = 1;
    pthread_join(sampler.thread, NULL);
    sampler.running = 0;
}

static FILE *open_tmp(const char *path, char *tmp, size_t len)
{
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getppid());
    return fopen(tmp, "w");
}

static int write_mmu(const char *path)
{
    enum { MAX_POINTS = 200 };
    double w[MAX_POINTS], u[MAX_POINTS];
    char tmp[4200];
    FILE *f = open_tmp(path, tmp, sizeof tmp);
    if (!f)
        return -1;
    int n = mmb_mmu_curve(MMU_MIN_WINDOW_MS, w, u, MAX_POINTS);
    fprintf(f, "# window_ms mmu (bounded minimum mutator utilisation)\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%.6g %.6f\n", w[i], u[i]);
    return fclose(f);
}

static int write_pauses(const char *path)
{
    char tmp[4200];
    FILE *f = open_tmp(path, tmp, sizeof tmp);
    if (!f)
        return -1;
    static const char *const kinds[] = {"minor", "major", "increment", "cascade"};
    fprintf(f, "# start_ms duration_ms kind\n");
    for (size_t i = 0; i < mmb_metrics_g.npauses; i++) {
        const mmb_pause *p = &mmb_metrics_g.pauses[i];
        fprintf(f, "%.6f %.6f %s\n", (double)(p->start_ns - mmb_metrics_g.t0_ns) / 1e6,
                (double)(p->end_ns - p->start_ns) / 1e6, kinds[p->kind % MMB_PAUSE_NKINDS]);
    }
    return fclose(f);
}

static int write_rss(const char *path)
{
    char tmp[4200];
    FILE *f = open_tmp(path, tmp, sizeof tmp);
    if (!f)
        return -1;
    fprintf(f, "# t_ms rss_bytes live_bytes\n");
    for (size_t i = 0; i < sampler.n; i++)
        fprintf(f, "%.3f %llu %llu\n", sampler.v[i].t_ms, (unsigned long long)sampler.v[i].rss,
                (unsigned long long)sampler.v[i].live);
    return fclose(f);
}

int mmb_series_write(const mmb_run_cfg *cfg)
{
    int bad = 0;
    if (cfg->mmu_curve)
        bad |= write_mmu(cfg->mmu_curve) != 0;
    if (cfg->pause_log)
        bad |= write_pauses(cfg->pause_log) != 0;
    if (cfg->rss_file && cfg->rss_sample_ms > 0)
        bad |= write_rss(cfg->rss_file) != 0;
    return bad ? -1 : 0;
}

/* In the parent, at the end: move the series into place, or remove them. */
void mmb_series_finish(const mmb_run_cfg *cfg, int ok)
{
    const char *paths[3] = {cfg->mmu_curve, cfg->pause_log, cfg->rss_sample_ms > 0 ? cfg->rss_file : NULL};
    for (int i = 0; i < 3; i++) {
        if (!paths[i])
            continue;
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", paths[i], (long)getpid());
        if (!ok || rename(tmp, paths[i]) != 0)
            unlink(tmp);
    }
}
