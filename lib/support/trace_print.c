/* lib/support/trace_print.c: tracemalloc's listing, line for line.
 *
 *   bench/wl_cycles.c:57: size=6250 KiB, count=200000, average=32 B
 *   bench/wl_cycles.c:57: size=6250 KiB (+6250 KiB), count=200000 (+200000), average=32 B
 *
 * Sizes are written as Python's tracemalloc._format_size writes them, so the
 * notebooks' listings and ours read alike.
 */
#include <math.h>

#include "mmb/trace.h"

#define FORMAT_UNITS 5 /* B, KiB, MiB, GiB, TiB */

/* Below 100 of a unit past bytes: one decimal ("12.5 KiB"); below 10 Ki
 * of a unit (or in TiB): none ("6250 KiB"); else the next unit. */
void mmb_trace_format_size(char *buf, size_t len, double size, int sign)
{
    static const char *const unit[FORMAT_UNITS] = {"B", "KiB", "MiB", "GiB", "TiB"};
    for (int u = 0; u < FORMAT_UNITS; u++) {
        if (fabs(size) < 100 && u > 0) {
            snprintf(buf, len, sign ? "%+.1f %s" : "%.1f %s", size, unit[u]);
            return;
        }
        if (fabs(size) < 10 * 1024 || u == FORMAT_UNITS - 1) {
            snprintf(buf, len, sign ? "%+.0f %s" : "%.0f %s", size, unit[u]);
            return;
        }
        size /= 1024;
    }
}

static void print_average(FILE *f, uint64_t size, uint64_t count)
{
    char avg[32];
    if (!count)
        return;
    mmb_trace_format_size(avg, sizeof avg, (double)size / (double)count, 0);
    fprintf(f, ", average=%s", avg);
}

static int shown(size_t n, int limit)
{
    return limit > 0 && (size_t)limit < n ? limit : (int)n;
}

void mmb_trace_print_stats(FILE *f, const mmb_trace_stat *st, size_t n, int limit)
{
    char size[32];
    for (int i = 0; i < shown(n, limit); i++) {
        mmb_trace_format_size(size, sizeof size, (double)st[i].size, 0);
        fprintf(f, "%s:%d: size=%s, count=%llu", st[i].file, st[i].line, size,
                (unsigned long long)st[i].count);
        print_average(f, st[i].size, st[i].count);
        fputc('\n', f);
    }
}

void mmb_trace_print_diffs(FILE *f, const mmb_trace_diff *d, size_t n, int limit)
{
    char size[32], delta[32];
    for (int i = 0; i < shown(n, limit); i++) {
        mmb_trace_format_size(size, sizeof size, (double)d[i].size, 0);
        mmb_trace_format_size(delta, sizeof delta, (double)d[i].size_diff, 1);
        fprintf(f, "%s:%d: size=%s (%s), count=%llu (%+lld)", d[i].file, d[i].line, size, delta,
                (unsigned long long)d[i].count, (long long)d[i].count_diff);
        print_average(f, d[i].size, d[i].count);
        fputc('\n', f);
    }
}
