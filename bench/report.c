/* bench/report.c: the result document in text, JSON (mmbench/1) and CSV.
 * Field names and order come from MMB_RESULT_SCALARS (driver.h). */
#include <string.h>

#include "driver.h"
#include "mmb/json.h"
#include "registry.h"

static const char *const scalar_names[] = {
#define NAME(n, e) n,
    MMB_RESULT_SCALARS(NAME)
#undef NAME
};

int mmb_result_nscalars(void)
{
    return (int)(sizeof scalar_names / sizeof scalar_names[0]);
}

const char *mmb_result_scalar_name(int i)
{
    return scalar_names[i];
}

double mmb_result_scalar(const mmb_result *r, int i)
{
    int k = 0;
#define PICK(n, e)                                                             \
    if (k++ == i)                                                              \
        return (e);
    MMB_RESULT_SCALARS(PICK)
#undef PICK
    return 0;
}

const char *mmb_alloc_label(const mmb_run_cfg *cfg)
{
    return cfg->alloc_kind < 0 ? "own" : mmb_alloc_kind_name((mmb_alloc_kind)cfg->alloc_kind);
}

/* Effective options as a JSON object: numbers as numbers (sizes in bytes),
 * enumerations as their word. */
static void write_options(mmb_json *j, const mmb_optvals *ov)
{
    mmb_json_begin_object(j);
    for (int i = 0; i < ov->n; i++) {
        mmb_json_key(j, ov->desc[i]->name);
        if (ov->desc[i]->type == MMB_OPT_ENUM) {
            char buf[64];
            mmb_json_string(j, mmb_opt_enum_name(ov->desc[i], (int)ov->val[i], buf, sizeof buf));
        } else {
            mmb_json_double(j, ov->val[i]);
        }
    }
    mmb_json_end_object(j);
}

static void write_identity(mmb_json *j, const mmb_run_cfg *cfg)
{
    mmb_json_key(j, "workload");
    mmb_json_string(j, mmb_workloads[cfg->workload]->name);
    mmb_json_key(j, "collector");
    mmb_json_string(j, mmb_collectors[cfg->collector]->name);
    mmb_json_key(j, "allocator");
    mmb_json_string(j, mmb_alloc_label(cfg));
    mmb_json_key(j, "options");
    write_options(j, &cfg->opts);
}

static void write_gens(mmb_json *j, const char *key, const uint64_t *v, int n)
{
    mmb_json_key(j, key);
    mmb_json_begin_array(j);
    for (int i = 0; i < n; i++)
        mmb_json_uint(j, v[i]);
    mmb_json_end_array(j);
}

static void write_pauses(mmb_json *j, const mmb_pause_summary *p)
{
    mmb_json_key(j, "pauses");
    mmb_json_begin_object(j);
    mmb_json_key(j, "count"), mmb_json_uint(j, p->count);
    mmb_json_key(j, "total_ms"), mmb_json_double(j, p->total_ms);
    mmb_json_key(j, "p50_ms"), mmb_json_double(j, p->p50_ms);
    mmb_json_key(j, "p90_ms"), mmb_json_double(j, p->p90_ms);
    mmb_json_key(j, "p99_ms"), mmb_json_double(j, p->p99_ms);
    mmb_json_key(j, "p999_ms"), mmb_json_double(j, p->p999_ms);
    mmb_json_key(j, "max_ms"), mmb_json_double(j, p->max_ms);
    mmb_json_end_object(j);
}

static void write_run(mmb_json *j, const mmb_run_cfg *cfg, const mmb_result *r)
{
    mmb_json_begin_object(j);
    write_identity(j, cfg);
    mmb_json_key(j, "seed"), mmb_json_uint(j, cfg->seed);
    mmb_json_key(j, "rep"), mmb_json_uint(j, (uint64_t)r->rep);
    mmb_json_key(j, "wall_ms"), mmb_json_double(j, r->wall_ms);
    mmb_json_key(j, "cpu_ms"), mmb_json_double(j, r->cpu_ms);
    mmb_json_key(j, "gc_ms"), mmb_json_double(j, r->gc_ms);
    mmb_json_key(j, "ops"), mmb_json_uint(j, r->ops);
    mmb_json_key(j, "ops_per_s"), mmb_json_double(j, r->ops_per_s);
    mmb_json_key(j, "allocs"), mmb_json_uint(j, r->allocs);
    mmb_json_key(j, "alloc_bytes"), mmb_json_uint(j, r->alloc_bytes);
    write_pauses(j, &r->pauses);
    mmb_json_key(j, "mmu");
    mmb_json_begin_object(j);
    mmb_json_key(j, "1ms"), mmb_json_double(j, r->mmu[0]);
    mmb_json_key(j, "10ms"), mmb_json_double(j, r->mmu[1]);
    mmb_json_key(j, "100ms"), mmb_json_double(j, r->mmu[2]);
    mmb_json_end_object(j);
    mmb_json_key(j, "peak_live_bytes"), mmb_json_uint(j, r->peak_live_bytes);
    mmb_json_key(j, "peak_heap_bytes"), mmb_json_uint(j, r->peak_heap_bytes);
    mmb_json_key(j, "peak_rss_bytes"), mmb_json_uint(j, r->peak_rss_bytes);
    mmb_json_key(j, "worst_op_ms"), mmb_json_double(j, r->worst_op_ms);
    mmb_json_key(j, "survival_rate"), mmb_json_double(j, r->survival_rate);
    mmb_json_key(j, "promotion_rate"), mmb_json_double(j, r->promotion_rate);
    mmb_json_key(j, "gc");
    mmb_json_begin_object(j);
    write_gens(j, "collections", r->collections, r->ngens);
    write_gens(j, "collected", r->collected, r->ngens);
    write_gens(j, "uncollectable", r->uncollectable, r->ngens);
    mmb_json_end_object(j);
    mmb_json_key(j, "verified"), mmb_json_bool(j, r->verified);
    mmb_json_end_object(j);
}

static void summarise(const mmb_result *res, int n, int i, uint64_t seed, mmb_ci *ci)
{
    double x[n];
    for (int k = 0; k < n; k++)
        x[k] = mmb_result_scalar(&res[k], i);
    mmb_summary_ci(x, n, seed + (uint64_t)i, ci);
}

static void write_summary(mmb_json *j, const mmb_run_cfg *cfg, const mmb_result *res, int n)
{
    mmb_json_begin_object(j);
    write_identity(j, cfg);
    mmb_json_key(j, "repeats"), mmb_json_uint(j, (uint64_t)n);
    for (int i = 0; i < mmb_result_nscalars(); i++) {
        mmb_ci ci;
        summarise(res, n, i, cfg->seed, &ci);
        mmb_json_key(j, mmb_result_scalar_name(i));
        mmb_json_begin_object(j);
        mmb_json_key(j, "median"), mmb_json_double(j, ci.median);
        mmb_json_key(j, "ci95_lo"), mmb_json_double(j, ci.lo);
        mmb_json_key(j, "ci95_hi"), mmb_json_double(j, ci.hi);
        mmb_json_end_object(j);
    }
    mmb_json_end_object(j);
}

static void write_json(FILE *f, const mmb_run_cfg *cfg, const mmb_result *res, int n)
{
    mmb_json j;
    mmb_json_init(&j, f, 1);
    mmb_json_begin_object(&j);
    mmb_json_key(&j, "schema"), mmb_json_string(&j, "mmbench/1");
    mmb_json_key(&j, "env");
    mmb_env_write_json(&j);
    mmb_json_key(&j, "runs");
    mmb_json_begin_array(&j);
    for (int i = 0; i < n; i++)
        write_run(&j, cfg, &res[i]);
    mmb_json_end_array(&j);
    mmb_json_key(&j, "summary");
    mmb_json_begin_array(&j);
    write_summary(&j, cfg, res, n);
    mmb_json_end_array(&j);
    mmb_json_end_object(&j);
    fputc('\n', f);
}

/* Options given explicitly, "k=v;k=v" (the CSV's options column). */
static void set_options(const mmb_optvals *ov, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < ov->n && used < len; i++) {
        if (!ov->set[i])
            continue;
        char v[64];
        mmb_opt_format(ov, i, v, sizeof v);
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", used ? ";" : "", ov->desc[i]->name, v);
    }
}

static void write_csv(FILE *f, const mmb_run_cfg *cfg, const mmb_result *res, int n)
{
    char opts[1024];
    set_options(&cfg->opts, opts, sizeof opts);
    fputs("workload,collector,allocator,options,seed,rep", f);
    for (int i = 0; i < mmb_result_nscalars(); i++)
        fprintf(f, ",%s", mmb_result_scalar_name(i));
    fputs(",gc.collections,verified\n", f);
    for (int k = 0; k < n; k++) {
        fprintf(f, "%s,%s,%s,%s,%llu,%d", mmb_workloads[cfg->workload]->name,
                mmb_collectors[cfg->collector]->name, mmb_alloc_label(cfg), opts[0] ? opts : "-",
                (unsigned long long)cfg->seed, res[k].rep);
        for (int i = 0; i < mmb_result_nscalars(); i++)
            fprintf(f, ",%.9g", mmb_result_scalar(&res[k], i));
        uint64_t total = 0;
        for (int g = 0; g < res[k].ngens; g++)
            total += res[k].collections[g];
        fprintf(f, ",%llu,%s\n", (unsigned long long)total, res[k].verified ? "true" : "false");
    }
}

/* Human-readable: the configuration, then median [95% interval] per metric. */
static void write_text(FILE *f, const mmb_run_cfg *cfg, const mmb_result *res, int n)
{
    char opts[1024];
    set_options(&cfg->opts, opts, sizeof opts);
    fprintf(f, "%s under %s (allocator %s)%s%s, %d repetition%s, seed %llu\n",
            mmb_workloads[cfg->workload]->name, mmb_collectors[cfg->collector]->name,
            mmb_alloc_label(cfg), opts[0] ? ", " : "", opts, n, n == 1 ? "" : "s",
            (unsigned long long)cfg->seed);
    for (int i = 0; i < mmb_result_nscalars(); i++) {
        mmb_ci ci;
        summarise(res, n, i, cfg->seed, &ci);
        fprintf(f, "  %-18s %14.6g  [%.6g, %.6g]\n", mmb_result_scalar_name(i), ci.median, ci.lo, ci.hi);
    }
    for (int g = 0; g < res[0].ngens; g++)
        fprintf(f, "  gen%d: collections %llu collected %llu uncollectable %llu (rep 0)\n", g,
                (unsigned long long)res[0].collections[g], (unsigned long long)res[0].collected[g],
                (unsigned long long)res[0].uncollectable[g]);
    fputs("  verified: yes (a run that fails verification exits 1 before any output)\n", f);
}

void mmb_report_write(FILE *f, enum mmb_format fmt, const mmb_run_cfg *cfg, const mmb_result *res, int n)
{
    if (fmt == MMB_FMT_JSON)
        write_json(f, cfg, res, n);
    else if (fmt == MMB_FMT_CSV)
        write_csv(f, cfg, res, n);
    else
        write_text(f, cfg, res, n);
}
