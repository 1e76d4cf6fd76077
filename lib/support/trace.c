/* lib/support/trace.c: tracemalloc's state and the hooks' slow paths.
 *
 * One accounting path (mmb/trace.h): while tracing, mmb_metrics_g.live_bytes
 * and peak_live_bytes are the traced current and peak. What was live when
 * tracing started is kept aside in `untraced`, and a free that the table
 * does not know comes off it, so live_bytes never sees untraced objects and
 * never underflows; stop gives it back.
 */
#include "support/trace_internal.h"

int mmb_trace_on_g;

/* Bytes of live objects that are not traced: allocated before start (or
 * before clear), not yet freed. Only meaningful while tracing. */
static uint64_t untraced;

/* A new peak (or a tie): the per-site table at the peak is this one.
 * While tracing, live_gate stays 0 (every allocation comes here), so this
 * is where peak_live_bytes is kept. */
static void note_peak(void)
{
    if (mmb_metrics_g.live_bytes < mmb_metrics_g.peak_live_bytes)
        return;
    mmb_metrics_g.peak_live_bytes = mmb_metrics_g.live_bytes;
    mmb_trace_sites_capture_peak();
}

/* A stale entry was replaced: its object was reclaimed without a free we
 * saw (its heap was destroyed). Drop it from the counters so that
 * live_bytes stays the sum of the table. */
static void drop_stale(uint64_t val)
{
    mmb_metrics_g.live_bytes -= mmb_trace_val_size(val);
    mmb_trace_site_sub(mmb_trace_val_site(val), mmb_trace_val_size(val));
}

/* mmb_acct_alloc_obj has added the object's bytes to live_bytes: record
 * where they came from, and the peak. */
void mmb_trace_record(const void *obj, const mmb_site *site)
{
    const mmb_obj *o = obj;
    uint64_t size = mmb_obj_size(o->nslots, o->nbytes), old;
    uint32_t id = mmb_trace_site_id(site);
    if (mmb_trace_table_put((uintptr_t)obj, mmb_trace_pack(size, id), &old))
        drop_stale(old);
    mmb_trace_site_add(id, size);
    note_peak();
}

/* Bytes with no object (a size-only mmb_acct_alloc) cannot be traced:
 * they join the untraced ones. */
void mmb_trace_record_bytes(size_t n)
{
    mmb_metrics_g.live_bytes -= n;
    untraced += n;
}

/* A traced object leaves live_bytes by the size it was traced with; an
 * untraced one leaves the untraced counter (floored at 0: a heap destroyed
 * without freeing, then reused, is not this counter's business). */
void mmb_trace_forget(const void *obj, size_t size)
{
    uint64_t val;
    if (mmb_trace_table_take((uintptr_t)obj, &val)) {
        mmb_metrics_g.live_bytes -= mmb_trace_val_size(val);
        mmb_trace_site_sub(mmb_trace_val_site(val), mmb_trace_val_size(val));
    } else {
        untraced -= size < untraced ? size : untraced;
    }
}

/* The trace follows its object to the new address; an untraced object
 * stays untraced. */
void mmb_trace_rekey(const void *from, const void *to)
{
    uint64_t val, old;
    if (!mmb_trace_table_take((uintptr_t)from, &val))
        return;
    if (mmb_trace_table_put((uintptr_t)to, val, &old))
        drop_stale(old);
}

/* Forget every trace: the traced bytes join the untraced ones, and the
 * counters restart at 0. */
static void restart(void)
{
    untraced += mmb_metrics_g.live_bytes;
    mmb_metrics_g.live_bytes = mmb_metrics_g.peak_live_bytes = mmb_metrics_g.live_gate = 0;
    mmb_trace_table_reset();
    mmb_trace_sites_clear();
}

/* nframes: tracemalloc's traceback depth; a site here is one frame. */
void mmb_trace_start(int nframes)
{
    (void)nframes;
    if (mmb_trace_on_g)
        return;
    untraced = 0;
    restart();
    mmb_trace_on_g = 1;
}

/* Every object counts in live_bytes again; the peak is the larger of the
 * traced peak and what is live now. */
void mmb_trace_stop(void)
{
    if (!mmb_trace_on_g)
        return;
    uint64_t all = untraced + mmb_metrics_g.live_bytes, peak = mmb_metrics_g.peak_live_bytes;
    mmb_trace_table_reset();
    mmb_trace_sites_clear();
    mmb_metrics_g.live_bytes = all;
    mmb_metrics_g.peak_live_bytes = mmb_metrics_g.live_gate = peak > all ? peak : all;
    untraced = 0;
    mmb_trace_on_g = 0;
}

int mmb_trace_is_tracing(void)
{
    return mmb_trace_on_g;
}

void mmb_trace_get_traced_memory(uint64_t *current, uint64_t *peak)
{
    *current = mmb_trace_on_g ? mmb_metrics_g.live_bytes : 0;
    *peak = mmb_trace_on_g ? mmb_metrics_g.peak_live_bytes : 0;
}

void mmb_trace_reset_peak(void)
{
    if (!mmb_trace_on_g)
        return;
    mmb_metrics_g.peak_live_bytes = mmb_metrics_g.live_bytes;
    mmb_trace_sites_capture_peak();
}

void mmb_trace_clear(void)
{
    if (mmb_trace_on_g)
        restart();
}
