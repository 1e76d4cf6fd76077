/* bench/wl_graph.c: random rewrites of an object graph at a steady size.
 *
 * `nodes` nodes, each with `degree` edge slots and a 16-byte payload (its
 * serial number and a tag), are owned by one rooted table object. Edges
 * point at random nodes, so cycles of every length appear. Each of `ops` ops
 * picks a random node and either points one of its edges at another random
 * node (a store into a mostly old object: the write barrier's case) or, with
 * probability `replace`, puts a fresh node with random edges in its table
 * slot. A replaced node stays alive while edges still point at it (rc
 * counts them, tracing follows them); once none do it is garbage, often in
 * a cycle with other garbage, which plain rc leaks (as it should: compare
 * rc with rc-cycle).
 *
 * Under manual no node is ever replaced: edges share nodes, so no single
 * reference owns one and none can be freed explicitly; every op there
 * rewrites an edge (run the others with replace=0 for a like-for-like
 * comparison of store costs).
 *
 * Verification: every node reachable from the table has its degree, its
 * payload size and an intact tag. */
#include <stdlib.h>

#include "workload.h"

static const mmb_optdesc graph_opts[] MMB_OPTTABLE = {
    {"nodes", MMB_OPT_INT, 100000, 1, 100000000, NULL, "nodes in the table (the live graph)"},
    {"degree", MMB_OPT_INT, 4, 1, 1024, NULL, "edge slots per node"},
    {"ops", MMB_OPT_INT, 2000000, 0, 1e12, NULL, "rewrites: an edge redirected or a node replaced (ops)"},
    {"replace", MMB_OPT_DOUBLE, 0.1, 0, 1,
     NULL, "fraction of ops that replace a node by a fresh one (ignored under manual: it only rewrites edges)"},
    {0},
};

MMB_WORKLOAD_DESC(graph, "random edge rewrites and node replacements in a graph with cycles",
                  graph_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define NODE_BYTES 16 /* payload: serial number, tag */

#ifdef MMB_GC_MANUAL
#define CAN_REPLACE 0 /* see the header comment: nodes are shared, never owned */
#else
#define CAN_REPLACE 1
#endif

typedef struct graph {
    mmb_rng rng;
    uint32_t nodes, degree;
    uint64_t next_id; /* serial number of the next node created */
} graph;

static uint64_t node_tag(uint64_t id)
{
    uint64_t x = id;
    return mmb_splitmix64(&x);
}

/* A fresh node in table slot i (the table is rooted: the allocation may
 * move it); its edges stay NULL until wire_node. */
static void new_node(mmb_heap *h, graph *g, mmb_obj **table, uint32_t i)
{
    mmb_new_slot(h, table, i, g->degree, NODE_BYTES);
    mmb_obj *n = mmb_load(*table, i);
    mmb_set_word(n, 0, g->next_id);
    mmb_set_word(n, 1, node_tag(g->next_id));
    g->next_id++;
}

static void wire_node(mmb_heap *h, graph *g, mmb_obj *table, uint32_t i)
{
    mmb_obj *n = mmb_load(table, i);
    for (uint32_t j = 0; j < g->degree; j++)
        mmb_store(h, n, j, mmb_load(table, (uint32_t)mmb_rng_below(&g->rng, g->nodes)));
}

static void rewrite_edge(mmb_heap *h, graph *g, mmb_obj *table)
{
    mmb_obj *n = mmb_load(table, (uint32_t)mmb_rng_below(&g->rng, g->nodes));
    uint32_t j = (uint32_t)mmb_rng_below(&g->rng, g->degree);
    mmb_store(h, n, j, mmb_load(table, (uint32_t)mmb_rng_below(&g->rng, g->nodes)));
}

/* The old node is only unlinked from the table (mmb_new_slot replaces the
 * slot): edges may still reach it, so it is not disposed. */
static void replace_node(mmb_heap *h, graph *g, mmb_obj **table)
{
    uint32_t i = (uint32_t)mmb_rng_below(&g->rng, g->nodes);
    new_node(h, g, table, i);
    wire_node(h, g, *table, i);
}

static int node_ok(const graph *g, mmb_obj *n)
{
    if (n->nslots != g->degree || n->nbytes != NODE_BYTES)
        return 0;
    uint64_t id = mmb_get_word(n, 0);
    return id < g->next_id && mmb_get_word(n, 1) == node_tag(id);
}

typedef struct walk {
    uint8_t *seen;  /* bitmap over serial numbers */
    mmb_obj **stack; /* each node is pushed at most once: next_id entries */
    size_t sp;
} walk;

/* Check a node when it is first met and queue it once. */
static int visit(const graph *g, walk *w, mmb_obj *n)
{
    if (!n || !node_ok(g, n))
        return 0;
    uint64_t id = mmb_get_word(n, 0);
    if (!(w->seen[id / 8] & (1u << (id % 8)))) {
        w->seen[id / 8] |= (uint8_t)(1u << (id % 8));
        w->stack[w->sp++] = n;
    }
    return 1;
}

/* Depth-first over everything reachable from the table. Nothing is
 * allocated in the heap here, so raw pointers stay valid. */
static int verify(const graph *g, mmb_obj *table)
{
    walk w = {calloc(g->next_id / 8 + 1, 1), malloc(sizeof(mmb_obj *) * g->next_id), 0};
    int ok = w.seen && w.stack;
    for (uint32_t i = 0; ok && i < g->nodes; i++)
        ok = visit(g, &w, mmb_load(table, i));
    while (ok && w.sp) {
        mmb_obj *n = w.stack[--w.sp];
        for (uint32_t j = 0; ok && j < g->degree; j++)
            ok = visit(g, &w, mmb_load(n, j));
    }
    free(w.seen);
    free(w.stack);
    return ok;
}

MMB_WORKLOAD(graph)
{
    graph g = {.nodes = (uint32_t)mmb_opt_int(ctx->opts, "nodes"),
               .degree = (uint32_t)mmb_opt_int(ctx->opts, "degree")};
    double replace = CAN_REPLACE ? mmb_opt_get(ctx->opts, "replace") : 0;
    int64_t ops = mmb_opt_int(ctx->opts, "ops");
    mmb_rng_seed(&g.rng, ctx->seed);
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *table = NULL;
    mmb_root_push(h, &table);
    mmb_new(h, &table, g.nodes, 0);
    for (uint32_t i = 0; i < g.nodes; i++)
        new_node(h, &g, &table, i);
    for (uint32_t i = 0; i < g.nodes; i++)
        wire_node(h, &g, table, i);
    mmb_metrics_begin();
    for (int64_t k = 0; k < ops; k++) {
        if (mmb_rng_unit(&g.rng) < replace)
            replace_node(h, &g, &table);
        else
            rewrite_edge(h, &g, table);
    }
    mmb_metrics_end();
    mmb_metrics_g.ops = (uint64_t)ops;
    int ok = verify(&g, table);
    mmb_dispose(h, &table);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
