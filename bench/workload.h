/* bench/workload.h: what every workload source includes.
 *
 * A workload file is compiled once per collector (-DMMB_GC_<NAME>) into that
 * collector's bench/libwl_<gc>.a, and once more with -DMMB_GC_NONE into the
 * driver, where only its descriptor (name, help, options) is kept. So:
 *
 *   static const mmb_optdesc churn_opts[] MMB_OPTTABLE = { ..., {0} };
 *   MMB_WORKLOAD_DESC(churn, "help text", churn_opts, MMB_ALL_COLLECTORS);
 *   #ifndef MMB_GC_NONE
 *   ... the workload, written against mmb/object.h ...
 *   MMB_WORKLOAD(churn) { ... return MMB_WL_OK or MMB_WL_VERIFY_FAILED; }
 *   #endif
 *
 * The workload brackets its timed region with mmb_metrics_begin/end, sets
 * mmb_metrics_g.ops, and verifies its live data after the timed region.
 */
#ifndef MMB_WORKLOAD_H
#define MMB_WORKLOAD_H

#include "mmb/collector.h"
#include "mmb/object.h"
#include "mmb/stats.h"
#include "rng.h"

#define MMB_OPTTABLE __attribute__((unused))

#ifdef MMB_GC_NONE
#define MMB_WORKLOAD_DESC(id, help, opts, mask)                                \
    const mmb_wl_desc mmb_wl_desc_##id = {#id, help, opts, mask}
#else
#define MMB_WORKLOAD_DESC(id, help, opts, mask) extern const mmb_wl_desc mmb_wl_desc_##id
#endif

#endif
