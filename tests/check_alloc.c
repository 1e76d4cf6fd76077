/* tests/check_alloc.c: the allocator family (sys, bump, pool, freelist).
 *
 * Per allocator where it applies: alignment, pool's size classes, same-size
 * reuse, arenas going back to the OS, bump reset, 0 and huge requests, and a
 * random stress against a shadow model with byte patterns. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pool_internal.h"
#include "mmb/alloc.h"
#include "rng.h"
#include "suites.h"

/* Blocks of `size` bytes in the first k pools of an arena (pool 0 is
 * shorter: the arena's header table takes its start). */
static size_t blocks_in_pools(size_t k, size_t size)
{
    return (MMB_POOL_SIZE - ARENA_TABLE_BYTES) / size + (k - 1) * (MMB_POOL_SIZE / size);
}

#define BLOCKS_PER_ARENA_512 blocks_in_pools(POOLS_PER_ARENA, 512)

static void init_kind(mmb_alloc *a, mmb_alloc_kind kind)
{
    ck_assert_int_eq(mmb_alloc_init(a, kind, NULL), 0);
}

static int aligned16(const void *p)
{
    return ((uintptr_t)p & 15u) == 0;
}

/* ---- tables ---- */

START_TEST(t_names)
{
    for (int k = 0; k < MMB_ALLOC_NKINDS; k++)
        ck_assert_int_eq(mmb_alloc_kind_from_name(mmb_alloc_kind_name((mmb_alloc_kind)k)), k);
    ck_assert_int_eq(mmb_alloc_kind_from_name("pool"), MMB_ALLOC_POOL);
    ck_assert_int_eq(mmb_alloc_kind_from_name("sys"), MMB_ALLOC_SYS);
    ck_assert_int_eq(mmb_alloc_kind_from_name("nope"), -1);
    ck_assert_str_eq(mmb_alloc_kind_name(MMB_ALLOC_NKINDS), "unknown");
}
END_TEST

START_TEST(t_options)
{
    ck_assert_ptr_null(mmb_alloc_options(MMB_ALLOC_SYS)[0].name);
    ck_assert_ptr_null(mmb_alloc_options(MMB_ALLOC_BUMP)[0].name);
    ck_assert_ptr_null(mmb_alloc_options(MMB_ALLOC_POOL)[0].name);
    const mmb_optdesc *d = mmb_alloc_options(MMB_ALLOC_FREELIST);
    ck_assert_str_eq(d[0].name, "cap");
    ck_assert_int_eq(d[0].type, MMB_OPT_INT);
    ck_assert(d[0].def == MMB_FREELIST_DEFAULT_CAP && d[0].min == 0 && d[0].max == 1000000);
    ck_assert_ptr_null(d[1].name);
}
END_TEST

/* ---- alignment (loop index = kind) ---- */

START_TEST(t_align)
{
    mmb_alloc a;
    init_kind(&a, (mmb_alloc_kind)_i);
    enum { N = 1025 };
    void **ps = malloc(N * sizeof *ps);
    for (size_t n = 0; n < N; n++) {
        ps[n] = mmb_alloc_alloc(&a, n);
        ck_assert_ptr_nonnull(ps[n]);
        if (_i != MMB_ALLOC_SYS)
            ck_assert_msg(aligned16(ps[n]), "%s: %zu bytes at %p", mmb_alloc_kind_name(_i), n, ps[n]);
        else if (n >= alignof(max_align_t))
            ck_assert(((uintptr_t)ps[n] % alignof(max_align_t)) == 0);
    }
    for (size_t n = 0; n < N; n++)
        mmb_alloc_free(&a, ps[n], n);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    mmb_alloc_destroy(&a);
    free(ps);
}
END_TEST

/* ---- pool size classes ---- */

START_TEST(t_pool_classes)
{
    ck_assert_uint_eq(MMB_POOL_NCLASSES, 32);
    for (unsigned c = 0; c < MMB_POOL_NCLASSES; c++) {
        ck_assert_uint_eq(mmb_pool_class(16 * c + 1), c);
        ck_assert_uint_eq(mmb_pool_class(16 * c + 16), c);
    }
    ck_assert_uint_eq(mmb_pool_class(497), 31);
    mmb_alloc a;
    init_kind(&a, MMB_ALLOC_POOL);
    /* the first block of a fresh arena follows its pool header table */
    void *first = mmb_alloc_alloc(&a, 1);
    ck_assert_uint_eq((uintptr_t)first & (MMB_ARENA_SIZE - 1), ARENA_TABLE_BYTES);
    ck_assert_ptr_eq(mmb_pool_of(first)->base, (char *)first - ARENA_TABLE_BYTES);
    mmb_alloc_free(&a, first, 1);
    for (size_t n = 1; n <= MMB_POOL_MAX_SMALL; n++) {
        void *p = mmb_alloc_alloc(&a, n);
        ck_assert_uint_eq(mmb_pool_of(p)->szidx, (n - 1) / 16);
        ck_assert_uint_eq(mmb_alloc_usable(&a, p, n), ((n + 15) / 16) * 16);
        ck_assert(a.st.held_bytes == MMB_ARENA_SIZE); /* no small request went to sys */
        mmb_alloc_free(&a, p, n);
    }
    /* 513 goes to sys: usable is malloc's */
    void *big = mmb_alloc_alloc(&a, 513);
    ck_assert_uint_ge(mmb_alloc_usable(&a, big, 513), 513);
    ck_assert_uint_gt(a.st.held_bytes, MMB_ARENA_SIZE);
    mmb_alloc_free(&a, big, 513);
    ck_assert_uint_eq(a.st.held_bytes, MMB_ARENA_SIZE);
    mmb_alloc_destroy(&a);
    ck_assert_uint_eq(a.st.held_bytes, 0);
}
END_TEST

/* ---- same-size reuse (loop index = kind; bump never reuses) ---- */

START_TEST(t_reuse)
{
    mmb_alloc a;
    init_kind(&a, (mmb_alloc_kind)_i);
    void *keep = mmb_alloc_alloc(&a, 40); /* keeps the pool in use */
    void *p = mmb_alloc_alloc(&a, 40);
    mmb_alloc_free(&a, p, 40);
    void *q = mmb_alloc_alloc(&a, 33); /* same 16-byte class as 40 */
    ck_assert_ptr_nonnull(q);
    if (_i != MMB_ALLOC_SYS)
        ck_assert_ptr_eq(q, p);
    memset(q, 0x5a, 33);
    mmb_alloc_free(&a, q, 33);
    mmb_alloc_free(&a, keep, 40);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    ck_assert_uint_eq(a.st.allocs, 3);
    ck_assert_uint_eq(a.st.frees, 3);
    ck_assert_uint_eq(a.st.peak_live_bytes, 80);
    mmb_alloc_destroy(&a);
}
END_TEST

/* ---- freelist capacity ---- */

/* Free 5 blocks of one class under capacity `cap`; return how many held
 * bytes the frees gave back to malloc. */
static uint64_t freelist_release_under(mmb_alloc *a, int cap)
{
    void *p[5];
    for (int i = 0; i < 5; i++)
        p[i] = mmb_alloc_alloc(a, 100);
    uint64_t held = a->st.held_bytes;
    for (int i = 0; i < 5; i++)
        mmb_alloc_free(a, p[i], 100);
    /* LIFO: the last block cached is the first handed out again */
    if (cap > 0) {
        void *q = mmb_alloc_alloc(a, 112);
        ck_assert_ptr_eq(q, p[cap < 5 ? cap - 1 : 4]);
        mmb_alloc_free(a, q, 112);
    }
    return held - a->st.held_bytes;
}

START_TEST(t_freelist_cap)
{
    const mmb_optdesc *tables[] = {mmb_alloc_options(MMB_ALLOC_FREELIST)};
    char err[128];
    mmb_optvals ov;
    mmb_alloc a;
    mmb_opts_init(&ov, tables, 1);
    ck_assert_int_eq(mmb_opts_apply(&ov, "cap=2", err, sizeof err), 0);
    ck_assert_int_eq(mmb_alloc_init(&a, MMB_ALLOC_FREELIST, &ov), 0);
    uint64_t back = freelist_release_under(&a, 2);
    ck_assert_uint_gt(back, 0);
    mmb_alloc_destroy(&a);
    /* the same with cap 0 gives back all 5, so 5/3 times as much */
    mmb_opts_init(&ov, tables, 1);
    ck_assert_int_eq(mmb_opts_apply(&ov, "cap=0", err, sizeof err), 0);
    ck_assert_int_eq(mmb_alloc_init(&a, MMB_ALLOC_FREELIST, &ov), 0);
    ck_assert_uint_eq(freelist_release_under(&a, 0) * 3, back * 5);
    ck_assert_uint_eq(a.st.held_bytes, 0);
    mmb_alloc_destroy(&a);
    /* the default (80) keeps all 5 */
    init_kind(&a, MMB_ALLOC_FREELIST);
    ck_assert_uint_eq(freelist_release_under(&a, MMB_FREELIST_DEFAULT_CAP), 0);
    mmb_alloc_destroy(&a);
    ck_assert_uint_eq(a.st.held_bytes, 0);
}
END_TEST

/* ---- pool arenas ---- */

static void shuffle(mmb_rng *r, void **v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = mmb_rng_below(r, i);
        void *t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* Fill 3 arenas and a bit of a 4th with 512-byte blocks, free them all in
 * random order: all but one spare arena go back to the OS. */
START_TEST(t_pool_arena_return)
{
    const size_t n = 3 * BLOCKS_PER_ARENA_512 + 100;
    void **v = malloc(n * sizeof *v);
    mmb_rng r;
    mmb_alloc a;
    mmb_rng_seed(&r, 7);
    init_kind(&a, MMB_ALLOC_POOL);
    for (size_t i = 0; i < n; i++)
        v[i] = mmb_alloc_alloc(&a, 512);
    ck_assert_uint_eq(a.st.arenas, 4);
    ck_assert_uint_eq(a.st.held_bytes, 4 * MMB_ARENA_SIZE);
    ck_assert_uint_lt(blocks_in_pools(3, 512), 100); /* so the 4th arena has carved 4 pools */
    ck_assert_uint_gt(blocks_in_pools(4, 512), 100);
    ck_assert_uint_eq(a.st.pools, 3 * POOLS_PER_ARENA + 4);
    shuffle(&r, v, n);
    for (size_t i = 0; i < n; i++)
        mmb_alloc_free(&a, v[i], 512);
    ck_assert_int_eq(mmb_pool_verify(&a), 0);
    ck_assert_uint_eq(a.st.arenas, 1);
    ck_assert_uint_eq(a.st.held_bytes, MMB_ARENA_SIZE);
    ck_assert_uint_eq(a.st.returned_bytes, 3 * MMB_ARENA_SIZE);
    ck_assert_uint_eq(a.st.peak_held_bytes, 4 * MMB_ARENA_SIZE);
    /* the spare serves the next arena's worth without a new mapping */
    for (size_t i = 0; i < BLOCKS_PER_ARENA_512; i++)
        v[i] = mmb_alloc_alloc(&a, 512);
    ck_assert_uint_eq(a.st.arenas, 1);
    v[BLOCKS_PER_ARENA_512] = mmb_alloc_alloc(&a, 512);
    ck_assert_uint_eq(a.st.arenas, 2);
    /* an arena that empties while another is in use is kept as the spare */
    for (size_t i = 0; i < BLOCKS_PER_ARENA_512; i++)
        mmb_alloc_free(&a, v[i], 512);
    ck_assert_uint_eq(a.st.arenas, 2);
    mmb_alloc_free(&a, v[BLOCKS_PER_ARENA_512], 512);
    ck_assert_uint_eq(a.st.arenas, 1);
    ck_assert_uint_eq(a.st.returned_bytes, 4 * MMB_ARENA_SIZE);
    mmb_alloc_destroy(&a);
    ck_assert_uint_eq(a.st.held_bytes, 0);
    free(v);
}
END_TEST

/* Mixed classes, freed in random order: the arenas drain all the same. */
START_TEST(t_pool_arena_return_mixed)
{
    enum { N = 40000 };
    void **v = malloc(N * sizeof *v);
    size_t *sz = malloc(N * sizeof *sz);
    mmb_rng r;
    mmb_alloc a;
    mmb_rng_seed(&r, 11);
    init_kind(&a, MMB_ALLOC_POOL);
    for (size_t i = 0; i < N; i++) {
        sz[i] = 1 + mmb_rng_below(&r, MMB_POOL_MAX_SMALL);
        v[i] = mmb_alloc_alloc(&a, sz[i]);
    }
    ck_assert_uint_gt(a.st.arenas, 3);
    for (size_t i = N; i > 1; i--) {
        size_t j = mmb_rng_below(&r, i);
        mmb_alloc_free(&a, v[j], sz[j]);
        v[j] = v[i - 1];
        sz[j] = sz[i - 1];
    }
    mmb_alloc_free(&a, v[0], sz[0]);
    ck_assert_int_eq(mmb_pool_verify(&a), 0);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    ck_assert_uint_eq(a.st.arenas, 1);
    ck_assert_uint_eq(a.st.held_bytes, MMB_ARENA_SIZE);
    ck_assert_uint_gt(a.st.returned_bytes, 0);
    mmb_alloc_destroy(&a);
    free(v);
    free(sz);
}
END_TEST

/* New pools come from the arena with the fewest free pools: empty 5 pools
 * of arena A and 10 of arena B; the next 5 new pools come from A, then B. */
START_TEST(t_pool_prefers_fullest_arena)
{
    const size_t n = 2 * BLOCKS_PER_ARENA_512;
    void **v = malloc(n * sizeof *v);
    mmb_alloc a;
    init_kind(&a, MMB_ALLOC_POOL);
    for (size_t i = 0; i < n; i++)
        v[i] = mmb_alloc_alloc(&a, 512);
    pool_arena *arena_a = mmb_pool_of(v[0])->arena;
    pool_arena *arena_b = mmb_pool_of(v[n - 1])->arena;
    ck_assert_ptr_ne(arena_a, arena_b);
    for (size_t i = 0; i < blocks_in_pools(5, 512); i++)
        mmb_alloc_free(&a, v[i], 512);
    for (size_t i = 0; i < blocks_in_pools(10, 512); i++)
        mmb_alloc_free(&a, v[BLOCKS_PER_ARENA_512 + i], 512);
    ck_assert_int_eq(mmb_pool_verify(&a), 0);
    ck_assert_uint_eq(arena_a->nfreepools, 5);
    ck_assert_uint_eq(arena_b->nfreepools, 10);
    for (size_t i = 0; i < blocks_in_pools(5, 16); i++) {
        void *p = mmb_alloc_alloc(&a, 16);
        ck_assert_ptr_eq(mmb_pool_of(p)->arena, arena_a);
    }
    void *p = mmb_alloc_alloc(&a, 16);
    ck_assert_ptr_eq(mmb_pool_of(p)->arena, arena_b);
    ck_assert_uint_eq(a.st.arenas, 2);
    ck_assert_int_eq(mmb_pool_verify(&a), 0);
    mmb_alloc_destroy(&a);
    free(v);
}
END_TEST

/* ---- bump ---- */

START_TEST(t_bump_reset)
{
    mmb_alloc a;
    init_kind(&a, MMB_ALLOC_BUMP);
    ck_assert_uint_eq(a.st.held_bytes, 0);
    char *prev = NULL;
    for (int i = 0; i < 3000; i++) {
        char *p = mmb_alloc_alloc(&a, 1000);
        ck_assert(aligned16(p));
        if (prev && p > prev)
            ck_assert_uint_ge((uintptr_t)(p - prev), 1008); /* no overlap */
        memset(p, i, 1000);
        prev = p;
    }
    char *big = mmb_alloc_alloc(&a, 5u << 20);
    ck_assert_ptr_nonnull(big);
    memset(big, 1, 5u << 20);
    ck_assert_uint_ge(a.st.held_bytes, 3000 * 1008 + (5u << 20));
    ck_assert_uint_ge(a.st.chunks, 4);
    uint64_t held = a.st.held_bytes;
    mmb_bump_reset(&a);
    ck_assert_uint_eq(a.st.held_bytes, 0);
    ck_assert_uint_eq(a.st.chunks, 0);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    ck_assert_uint_eq(a.st.returned_bytes, held);
    ck_assert_uint_eq(a.st.peak_held_bytes, held);
    void *p = mmb_alloc_alloc(&a, 24);
    ck_assert_ptr_nonnull(p);
    memset(p, 2, 24);
    mmb_alloc_free(&a, p, 24);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    mmb_alloc_destroy(&a);
    ck_assert_uint_eq(a.st.held_bytes, 0);
}
END_TEST

/* ---- 0 and huge (loop index = kind) ---- */

START_TEST(t_zero)
{
    mmb_alloc a;
    init_kind(&a, (mmb_alloc_kind)_i);
    void *p = mmb_alloc_alloc(&a, 0);
    void *q = mmb_alloc_alloc(&a, 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_ne(p, q);
    size_t up = mmb_alloc_usable(&a, p, 0), uq = mmb_alloc_usable(&a, q, 0);
    ck_assert_uint_ge(up, 1);
    memset(p, 0x11, up);
    memset(q, 0x22, uq);
    ck_assert_int_eq(*(unsigned char *)p, 0x11);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    mmb_alloc_free(&a, p, 0);
    mmb_alloc_free(&a, q, 0);
    ck_assert_uint_eq(a.st.allocs, 2);
    ck_assert_uint_eq(a.st.frees, 2);
    mmb_alloc_destroy(&a);
}
END_TEST

/* A request no machine can meet returns NULL and changes no count. (Under
 * AddressSanitizer a huge malloc is reported as an error instead, so the
 * malloc-backed kinds are skipped there.) */
START_TEST(t_huge)
{
#ifdef MMB_SANITIZERS
    if (_i != MMB_ALLOC_BUMP)
        return;
#endif
    mmb_alloc a;
    init_kind(&a, (mmb_alloc_kind)_i);
    void *keep = mmb_alloc_alloc(&a, 64);
    mmb_alloc_stats before = a.st;
    ck_assert_ptr_null(mmb_alloc_alloc(&a, (size_t)1 << 60));
    if (_i == MMB_ALLOC_BUMP) { /* rounding up must not wrap to a small size */
        ck_assert_ptr_null(mmb_alloc_alloc(&a, SIZE_MAX));
        ck_assert_ptr_null(mmb_alloc_alloc(&a, SIZE_MAX - 8));
    }
    ck_assert(memcmp(&before, &a.st, sizeof before) == 0);
    mmb_alloc_free(&a, keep, 64);
    mmb_alloc_destroy(&a);
}
END_TEST

/* ---- stress against a shadow model (loop index = kind) ---- */

#define STRESS_MAX_LIVE 32768    /* blocks live at most */
#define STRESS_MAX_SIZE 1024      /* bytes: requests are 0..this */
#define STRESS_PHASE_OPS 50000    /* ops per grow or shrink phase */
#define STRESS_VERIFY_EVERY 1009  /* ops between pool consistency checks */

typedef struct stress_slot {
    unsigned char *p;
    size_t n, usable;
    uint64_t id;
    unsigned char pat;
} stress_slot;

/* Fill the whole usable extent: the byte pattern, with the block's id in
 * its first word when it fits (catches a block starting inside another). */
static void stress_fill(stress_slot *s)
{
    memset(s->p, s->pat, s->usable);
    if (s->usable >= sizeof s->id)
        memcpy(s->p, &s->id, sizeof s->id);
}

static int stress_intact(const stress_slot *s, unsigned char *ref)
{
    size_t head = s->usable >= sizeof s->id ? sizeof s->id : 0;
    if (head && memcmp(s->p, &s->id, head) != 0)
        return 0;
    memset(ref, s->pat, s->usable - head);
    return memcmp(s->p + head, ref, s->usable - head) == 0;
}

static void stress_alloc(mmb_alloc *a, stress_slot *s, mmb_rng *r, uint64_t id)
{
    s->n = mmb_rng_below(r, STRESS_MAX_SIZE + 1);
    s->p = mmb_alloc_alloc(a, s->n);
    if (!s->p)
        ck_abort_msg("%s: NULL for %zu bytes", mmb_alloc_kind_name(a->kind), s->n);
    s->usable = mmb_alloc_usable(a, s->p, s->n);
    if (s->usable < s->n || (a->kind != MMB_ALLOC_SYS && !aligned16(s->p)))
        ck_abort_msg("%s: usable %zu for %zu at %p", mmb_alloc_kind_name(a->kind), s->usable, s->n,
                     (void *)s->p);
    s->id = id;
    s->pat = (unsigned char)(mmb_splitmix64(&id) | 1);
    stress_fill(s);
}

static void stress_free(mmb_alloc *a, stress_slot *s, unsigned char *ref)
{
    if (!stress_intact(s, ref))
        ck_abort_msg("%s: block %llu (%zu bytes at %p) was overwritten", mmb_alloc_kind_name(a->kind),
                     (unsigned long long)s->id, s->n, (void *)s->p);
    mmb_alloc_free(a, s->p, s->n);
}

/* Whether op should allocate. Phases of STRESS_PHASE_OPS cycle through
 * grow (3 allocations in 4), shrink (1 in 4), grow, drain (none), so that
 * pool arenas fill, empty, go back to the OS and are mapped again. */
static int stress_wants_alloc(mmb_rng *r, long op, size_t nlive)
{
    static const unsigned alloc_in_4[] = {3, 1, 3, 0};
    if (nlive == 0)
        return 1;
    if (nlive == STRESS_MAX_LIVE)
        return 0;
    return mmb_rng_below(r, 4) < alloc_in_4[(op / STRESS_PHASE_OPS) % 4];
}

static void stress_check(const mmb_alloc *a, long op, uint64_t model)
{
    if (a->st.live_bytes != model || a->st.held_bytes < a->st.live_bytes)
        ck_abort_msg("%s: op %ld: live %llu, model %llu, held %llu", mmb_alloc_kind_name(a->kind), op,
                     (unsigned long long)a->st.live_bytes, (unsigned long long)model,
                     (unsigned long long)a->st.held_bytes);
}

/* The shadow model: a dense array of live blocks with their size and
 * pattern. An allocation appends a block of random size; a free checks and
 * frees a random live block. live_bytes must track the model exactly. */
static void stress_run(mmb_alloc_kind kind, long ops)
{
    stress_slot *live = calloc(STRESS_MAX_LIVE, sizeof *live);
    unsigned char *ref = malloc(4 * STRESS_MAX_SIZE);
    size_t nlive = 0;
    uint64_t model = 0, returned_seen = 0;
    mmb_rng r;
    mmb_alloc a;
    mmb_rng_seed(&r, 42 + (uint64_t)kind);
    init_kind(&a, kind);
    for (long op = 0; op < ops; op++) {
        if (stress_wants_alloc(&r, op, nlive)) {
            stress_alloc(&a, &live[nlive], &r, (uint64_t)op);
            model += live[nlive++].n;
        } else {
            stress_slot *s = &live[mmb_rng_below(&r, nlive)];
            model -= s->n;
            stress_free(&a, s, ref);
            *s = live[--nlive];
        }
        stress_check(&a, op, model);
        if (kind == MMB_ALLOC_POOL && op % STRESS_VERIFY_EVERY == 0)
            ck_assert_int_eq(mmb_pool_verify(&a), 0);
        if (op == ops / 2)
            returned_seen = a.st.returned_bytes;
    }
    if (kind == MMB_ALLOC_POOL)
        ck_assert_uint_gt(returned_seen, 0); /* the phases did drain arenas */
    while (nlive)
        stress_free(&a, &live[--nlive], ref);
    ck_assert_uint_eq(a.st.live_bytes, 0);
    ck_assert_uint_eq(a.st.allocs, a.st.frees);
    if (kind == MMB_ALLOC_POOL)
        ck_assert_uint_le(a.st.arenas, 1);
    mmb_alloc_destroy(&a);
    ck_assert_uint_eq(a.st.held_bytes, 0);
    free(live);
    free(ref);
}

START_TEST(t_stress)
{
    stress_run((mmb_alloc_kind)_i, _i == MMB_ALLOC_BUMP ? 200000 : 1000000);
}
END_TEST

Suite *make_alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, t_names);
    tcase_add_test(tc, t_options);
    suite_add_tcase(s, tc);

    tc = tcase_create("every-kind");
    tcase_add_loop_test(tc, t_align, 0, MMB_ALLOC_NKINDS);
    tcase_add_loop_test(tc, t_zero, 0, MMB_ALLOC_NKINDS);
    tcase_add_loop_test(tc, t_huge, 0, MMB_ALLOC_NKINDS);
    tcase_add_loop_test(tc, t_reuse, MMB_ALLOC_SYS, MMB_ALLOC_SYS + 1);
    tcase_add_loop_test(tc, t_reuse, MMB_ALLOC_POOL, MMB_ALLOC_FREELIST + 1);
    suite_add_tcase(s, tc);

    tc = tcase_create("pool");
    tcase_add_test(tc, t_pool_classes);
    tcase_add_test(tc, t_pool_arena_return);
    tcase_add_test(tc, t_pool_arena_return_mixed);
    tcase_add_test(tc, t_pool_prefers_fullest_arena);
    suite_add_tcase(s, tc);

    tc = tcase_create("bump-freelist");
    tcase_add_test(tc, t_bump_reset);
    tcase_add_test(tc, t_freelist_cap);
    suite_add_tcase(s, tc);

    tc = tcase_create("stress");
    tcase_set_timeout(tc, 120); /* generous for -O0 and sanitizer builds; not a timing test */
    tcase_add_loop_test(tc, t_stress, 0, MMB_ALLOC_NKINDS);
    suite_add_tcase(s, tc);
    return s;
}
