/* lib/support/trace_internal.h: what the tracer's files share.
 *
 *   trace.c           the state machine (start, stop, clear, reset_peak) and
 *                     the hooks' slow paths: one accounting path with
 *                     mmb_metrics_g.live_bytes (mmb/trace.h says how)
 *   trace_table.c     the address-keyed hash table: object -> (site, size)
 *   trace_sites.c     the site registry and its per-site counters
 *   trace_snapshot.c  snapshots, statistics, compare_to, the listing
 *
 * Invariants while tracing:
 *   live_bytes == sum of the sizes in the table == sum of the sites' sizes;
 *   every site's count == the table entries that name it.
 */
#ifndef MMB_TRACE_INTERNAL_H
#define MMB_TRACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mmb/object.h"
#include "mmb/trace.h"

/* A table value packs the object's size and its site id: size << SITE_BITS
 * | id. 24 bits of sites (16 M call sites) leave 40 bits of size (1 TiB; an
 * object is at most 16 + 8 * 2^32 + 2^32 bytes, about 36 GiB). */
#define MMB_TRACE_SITE_BITS 24
#define MMB_TRACE_MAX_SITES ((1u << MMB_TRACE_SITE_BITS) - 1)

static inline uint64_t mmb_trace_pack(uint64_t size, uint32_t id)
{
    return size << MMB_TRACE_SITE_BITS | id;
}
static inline uint32_t mmb_trace_val_site(uint64_t v)
{
    return (uint32_t)(v & MMB_TRACE_MAX_SITES);
}
static inline uint64_t mmb_trace_val_size(uint64_t v)
{
    return v >> MMB_TRACE_SITE_BITS;
}

/* ---- trace_table.c: open addressing, linear probing, backward-shift
 * deletion (no tombstones, so a table with heavy churn stays short-probed).
 * Key 0 marks an empty slot (no object lives at address 0). Memory comes
 * from mmap: it is neither measured heap nor the allocator under test. */

/* Insert or replace; returns 1 and the previous value in *old if the key
 * was there (a stale trace: that object was reclaimed unseen). */
int mmb_trace_table_put(uintptr_t key, uint64_t val, uint64_t *old);
/* Remove; returns 1 and the value in *val if the key was there. */
int mmb_trace_table_take(uintptr_t key, uint64_t *val);
size_t mmb_trace_table_count(void);
/* Forget every entry and give the memory back. */
void mmb_trace_table_reset(void);

/* ---- trace_sites.c: ids are 1-based indices into the registry; one id per
 * file:line, however many mmb_site statics share it (a workload compiled
 * once per collector has one static per instantiation). */

uint32_t mmb_trace_site_id(const mmb_site *site);
void mmb_trace_site_add(uint32_t id, uint64_t size);
void mmb_trace_site_sub(uint32_t id, uint64_t size);
/* The per-site table at the traced peak is what it is now. */
void mmb_trace_sites_capture_peak(void);
/* Every site's counters, current and peak, back to 0 (ids stay). */
void mmb_trace_sites_clear(void);
/* Copy the sites with live objects (now, or at the peak) into out[0..cap);
 * returns how many there are (may exceed cap: call again bigger). */
size_t mmb_trace_sites_copy(mmb_trace_stat *out, size_t cap, int at_peak);

#endif
