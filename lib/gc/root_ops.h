/* lib/gc/root_ops.h: the mutator's shadow-stack operations, the same for
 * every collector: each collector's heap keeps its handles in `roots`
 * (gc/roots.h), and pushing or popping one is all a collector needs to see
 * of them. Included by the collector's header once mmb_heap is defined. */
#ifndef MMB_GC_ROOT_OPS_H
#define MMB_GC_ROOT_OPS_H

#include "gc/roots.h"

static inline void mmb_root_push(mmb_heap *h, mmb_obj **handle) { mmb_roots_push(&h->roots, handle); }
static inline void mmb_root_pop(mmb_heap *h, int n) { mmb_roots_pop(&h->roots, n); }

#endif
