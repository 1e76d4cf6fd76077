/* bench/wl_gcbench.c: the Ellis/Kovac/Boehm GCBench.
 *
 * The classic collector benchmark, with its standard parameters as options:
 *  1. a stretch tree of depth stretch-depth is built bottom-up and dropped;
 *  2. a long-lived tree of depth long-lived-depth is built top-down and kept,
 *     with a long-lived array of `array` doubles (one object, the first half
 *     filled with 1/i as GCBench does, the rest zero as in Java);
 *  3. for each depth d from min-depth to max-depth in steps of 2, NumIters(d)
 *     = 2 * TreeSize(stretch-depth) / TreeSize(d) trees are built top-down
 *     (Populate) and dropped, then as many bottom-up (MakeTree) and dropped.
 * TreeSize(d) = 2^(d+1) - 1 nodes. A node is an object with 2 slots (left,
 * right) and an 8-byte payload, GCBench's two ints (i, j): here i is the
 * node's height and j a tag, which the verification reads.
 *
 * Trees are built without recursion and to the rules of object.h: top-down,
 * each child is allocated with mmb_new_slot into a parent held in a rooted
 * handle (the current path); bottom-up, finished subtrees wait in rooted
 * handles until their parent is allocated. Dropped trees go through
 * mmb_dispose (manual frees them, rc cascades, tracing forgets them).
 *
 * ops = tree nodes allocated. Verification (after timing): the long-lived tree
 * is complete to its depth (shape, node count, heights, tags) and the array
 * holds its values.
 */
#include <math.h>
#include <stdlib.h>

#include "workload.h"

static const mmb_optdesc gcbench_opts[] MMB_OPTTABLE = {
    {"stretch-depth", MMB_OPT_INT, 18, 0, 24, NULL, "depth of the stretch tree (sets the iteration counts)"},
    {"long-lived-depth", MMB_OPT_INT, 16, 0, 24, NULL, "depth of the long-lived tree"},
    {"array", MMB_OPT_INT, 500000, 0, 100000000, NULL, "doubles in the long-lived array"},
    {"min-depth", MMB_OPT_INT, 4, 0, 24, NULL, "smallest depth of the short-lived trees"},
    {"max-depth", MMB_OPT_INT, 16, 0, 24, NULL, "largest depth of the short-lived trees (step 2)"},
    {0},
};

MMB_WORKLOAD_DESC(gcbench, "Ellis/Kovac/Boehm GCBench: binary trees built top-down and bottom-up",
                  gcbench_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define MAX_DEPTH 24        /* the options' maximum depth */
#define NODE_SLOTS 2        /* left, right */
#define NODE_BYTES 8        /* GCBench's int i, j */
#define NODE_TAG 0x6763u    /* j of every node ("gc") */
#define DEPTH_STEP 2        /* GCBench's kMinTreeDepth..kMaxTreeDepth step */

typedef struct gcbench {
    mmb_heap *h;
    uint64_t nodes; /* allocated so far: the ops */
    /* Top-down: path[k] holds the node at level k of the current path and
     * state[k] what is done below it (0 nothing, 1 left, 2 both). */
    mmb_obj *path[MAX_DEPTH + 1];
    uint8_t state[MAX_DEPTH + 1];
    /* Bottom-up: finished subtrees of heights ht[0..n) (strictly decreasing
     * but for the last two), plus one spare for the parent being made. */
    mmb_obj *sub[MAX_DEPTH + 2];
    int ht[MAX_DEPTH + 2];
} gcbench;

static uint64_t tree_size(int depth)
{
    return (UINT64_C(1) << (depth + 1)) - 1;
}

static uint64_t num_iters(int stretch, int depth)
{
    return 2 * tree_size(stretch) / tree_size(depth);
}

/* A node's payload: i = its height, j = the tag. */
static void init_node(gcbench *g, mmb_obj *n, int height)
{
    mmb_set_word(n, 0, (uint64_t)(uint32_t)height | (uint64_t)NODE_TAG << 32);
    g->nodes++;
}

/* new Node() into the empty handle *dst. */
static void new_node(gcbench *g, mmb_obj **dst, int height)
{
    mmb_new(g->h, dst, NODE_SLOTS, NODE_BYTES);
    init_node(g, *dst, height);
}

/* Populate(depth, node): give every node above the bottom level two fresh
 * children, top-down, depth first, left before right (as GCBench recurses). */
static void populate(gcbench *g, mmb_obj *const *root, int depth)
{
    mmb_heap *h = g->h;
    int k = 0;
    mmb_assign(h, &g->path[0], *root);
    g->state[0] = 0;
    while (k >= 0) {
        if (k == depth || g->state[k] == 2) {
            mmb_drop(h, &g->path[k--]);
            continue;
        }
        if (g->state[k] == 0) {
            for (uint32_t s = 0; s < NODE_SLOTS; s++) {
                mmb_new_slot(h, &g->path[k], s, NODE_SLOTS, NODE_BYTES);
                init_node(g, mmb_load(g->path[k], s), depth - k - 1);
            }
        }
        mmb_assign(h, &g->path[k + 1], mmb_load(g->path[k], g->state[k]));
        g->state[k++]++;
        g->state[k] = 0;
    }
}

/* The top two subtrees become the children of a new node, which takes the
 * place of the first. */
static void join_top(gcbench *g, int *n)
{
    mmb_heap *h = g->h;
    int a = *n - 2, b = *n - 1;
    new_node(g, &g->sub[*n], g->ht[b] + 1);
    mmb_store(h, g->sub[*n], 0, g->sub[a]);
    mmb_store(h, g->sub[*n], 1, g->sub[b]);
    mmb_assign(h, &g->sub[a], g->sub[*n]);
    mmb_drop(h, &g->sub[b]);
    mmb_drop(h, &g->sub[*n]);
    g->ht[a]++;
    (*n)--;
}

/* MakeTree(depth), bottom-up: leaves in GCBench's order, each pair of equal
 * subtrees joined under a new parent as soon as both exist (post-order, as
 * the recursion allocates). The tree ends up in the empty handle *dst. */
static void make_tree(gcbench *g, mmb_obj **dst, int depth)
{
    int n = 0;
    for (;;) {
        new_node(g, &g->sub[n], 0);
        g->ht[n++] = 0;
        while (n >= 2 && g->ht[n - 1] == g->ht[n - 2])
            join_top(g, &n);
        if (n == 1 && g->ht[0] == depth)
            break;
    }
    mmb_assign(g->h, dst, g->sub[0]);
    mmb_drop(g->h, &g->sub[0]);
}

/* GCBench's TimeConstruction(depth). */
static void time_construction(gcbench *g, mmb_obj **tmp, int stretch, int depth)
{
    uint64_t iters = num_iters(stretch, depth);
    for (uint64_t i = 0; i < iters; i++) {
        new_node(g, tmp, depth);
        populate(g, tmp, depth);
        mmb_dispose(g->h, tmp);
    }
    for (uint64_t i = 0; i < iters; i++) {
        make_tree(g, tmp, depth);
        mmb_dispose(g->h, tmp);
    }
}

/* The long-lived array: one object of n doubles, the first half 1/i. */
static void make_array(gcbench *g, mmb_obj **dst, uint32_t n)
{
    mmb_new(g->h, dst, 0, n * (uint32_t)sizeof(double));
    double *a = (double *)mmb_payload(*dst);
    for (uint32_t i = 0; i < n / 2; i++)
        a[i] = 1.0 / i;
    for (uint32_t i = n / 2; i < n; i++)
        a[i] = 0.0;
}

static int array_ok(mmb_obj *arr, uint32_t n)
{
    const double *a = (const double *)mmb_payload(arr);
    if (mmb_nbytes(arr) != n * sizeof(double))
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != (i < n / 2 ? 1.0 / i : 0.0))
            return 0;
    return 1;
}

static int node_ok(mmb_obj *n, int height)
{
    uint64_t w = mmb_get_word(n, 0);
    return mmb_nslots(n) == NODE_SLOTS && mmb_nbytes(n) == NODE_BYTES &&
           w == ((uint64_t)(uint32_t)height | (uint64_t)NODE_TAG << 32);
}

/* The long-lived tree is complete to its depth: every node has the height its
 * level says, two children above the bottom level and none on it. Depth first
 * with an explicit stack; nothing is allocated in the heap meanwhile. */
static int tree_ok(mmb_obj *root, int depth)
{
    mmb_obj *stack[MAX_DEPTH + 2];
    int level[MAX_DEPTH + 2], sp = 0;
    uint64_t count = 0;
    stack[sp] = root;
    level[sp++] = 0;
    while (sp) {
        mmb_obj *n = stack[--sp];
        int k = level[sp];
        if (!n || !node_ok(n, depth - k))
            return 0;
        count++;
        for (uint32_t s = 0; s < NODE_SLOTS; s++) {
            mmb_obj *c = mmb_load(n, s);
            if (k == depth ? c != NULL : c == NULL)
                return 0;
            if (c) {
                stack[sp] = c;
                level[sp++] = k + 1;
            }
        }
    }
    return count == tree_size(depth);
}

MMB_WORKLOAD(gcbench)
{
    int stretch = (int)mmb_opt_int(ctx->opts, "stretch-depth");
    int lived = (int)mmb_opt_int(ctx->opts, "long-lived-depth");
    int min_depth = (int)mmb_opt_int(ctx->opts, "min-depth");
    int max_depth = (int)mmb_opt_int(ctx->opts, "max-depth");
    uint32_t narray = (uint32_t)mmb_opt_int(ctx->opts, "array");
    gcbench *g = calloc(1, sizeof *g);
    if (!g)
        mmb_oom("gcbench", sizeof *g);
    g->h = mmb_heap_create(ctx);
    mmb_obj *tmp = NULL, *long_lived = NULL, *array = NULL;
    mmb_root_push(g->h, &tmp);
    mmb_root_push(g->h, &long_lived);
    mmb_root_push(g->h, &array);
    for (int k = 0; k <= MAX_DEPTH; k++)
        mmb_root_push(g->h, &g->path[k]);
    for (int k = 0; k <= MAX_DEPTH + 1; k++)
        mmb_root_push(g->h, &g->sub[k]);

    mmb_metrics_begin();
    make_tree(g, &tmp, stretch);
    mmb_dispose(g->h, &tmp);
    new_node(g, &long_lived, lived);
    populate(g, &long_lived, lived);
    make_array(g, &array, narray);
    for (int d = min_depth; d <= max_depth; d += DEPTH_STEP)
        time_construction(g, &tmp, stretch, d);
    mmb_metrics_end();
    mmb_metrics_g.ops = g->nodes;

    int ok = tree_ok(long_lived, lived) && array_ok(array, narray);
    mmb_dispose(g->h, &long_lived);
    mmb_dispose(g->h, &array);
    mmb_root_pop(g->h, 3 + (MAX_DEPTH + 1) + (MAX_DEPTH + 2));
    mmb_heap_destroy(g->h);
    free(g);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
