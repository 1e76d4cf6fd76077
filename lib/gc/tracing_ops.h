/* lib/gc/tracing_ops.h: the mutator operations of a tracing collector
 * (marksweep, semispace, gen, bdw): those of gc/plain_ops.h (see there for
 * MMB_GC_NEW and MMB_GC_WRITE_BARRIER), and disposing that only forgets
 * the reference, since the collector finds dead objects by itself. Storing
 * NULL into a slot needs no barrier even in a collector that has one: it
 * never creates a pointer the barrier must record. */
#ifndef MMB_GC_TRACING_OPS_H
#define MMB_GC_TRACING_OPS_H

#include "gc/plain_ops.h"

static inline void mmb_dispose(mmb_heap *h, mmb_obj **dst) { *dst = NULL; }
static inline void mmb_dispose_slot(mmb_heap *h, mmb_obj *o, uint32_t i) { o->slot[i] = NULL; }

#endif
