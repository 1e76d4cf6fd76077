/* lib/support/trace_table.c: the tracer's address-keyed hash table.
 *
 * One entry per traced live object: its address -> (site id, size). Open
 * addressing with linear probing at a load of at most 1/2, so a lookup
 * reads one or two entries of 16 bytes; deletion shifts the entries behind
 * back (Knuth's algorithm R) instead of leaving tombstones, since a run
 * frees about as often as it allocates. Grows by doubling, never shrinks
 * until reset. Only the tracer touches it, only while tracing.
 */

#include "mmb/os.h"
#include "support/trace_internal.h"

#define MIN_CAP 4096u          /* entries of the first table (64 KiB) */
#define MAX_LOAD_NUM 1u        /* grow when n > cap * MAX_LOAD_NUM / MAX_LOAD_DEN */
#define MAX_LOAD_DEN 2u
#define HASH_MUL 0x9E3779B97F4A7C15ull /* Fibonacci hashing: 2^64 / golden ratio */

typedef struct entry {
    uintptr_t key; /* object address; 0 = empty */
    uint64_t val;  /* mmb_trace_pack(size, site) */
} entry;

static entry *tab;
static size_t cap, n;   /* cap is a power of two (or 0: no table yet) */
static unsigned shift;  /* 64 - log2(cap) */

/* Objects are 8-byte aligned: drop the 3 zero bits, then multiply so that
 * neighbouring addresses spread over the whole table. */
static size_t home(uintptr_t key)
{
    return (size_t)(((uint64_t)(key >> 3) * HASH_MUL) >> shift);
}

static entry *map_entries(size_t count)
{
    entry *e = mmb_os_map(count * sizeof *e);
    if (!e)
        mmb_oom("tracemalloc table", count * sizeof *e);
    return e;
}

/* Insert a key known to be absent into a table with room. */
static void place(uintptr_t key, uint64_t val)
{
    size_t mask = cap - 1, i = home(key);
    while (tab[i].key)
        i = (i + 1) & mask;
    tab[i].key = key;
    tab[i].val = val;
}

/* Double the table (or make the first one) and rehash: O(n), amortised
 * O(1) per insertion. */
static void grow(void)
{
    entry *old = tab;
    size_t old_cap = cap;
    cap = cap ? cap * 2 : MIN_CAP;
    shift = 64u - (unsigned)__builtin_ctzll(cap);
    tab = map_entries(cap);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            place(old[i].key, old[i].val);
    if (old)
        mmb_os_unmap(old, old_cap * sizeof *old);
}

/* The slot holding key, or the empty slot where its probe ends. */
static size_t find(uintptr_t key)
{
    size_t mask = cap - 1, i = home(key);
    while (tab[i].key && tab[i].key != key)
        i = (i + 1) & mask;
    return i;
}

int mmb_trace_table_put(uintptr_t key, uint64_t val, uint64_t *old)
{
    if ((n + 1) * MAX_LOAD_DEN > cap * MAX_LOAD_NUM)
        grow();
    size_t i = find(key);
    if (tab[i].key) {
        *old = tab[i].val;
        tab[i].val = val;
        return 1;
    }
    tab[i].key = key;
    tab[i].val = val;
    n++;
    return 0;
}

/* Whether an entry whose home is k may move back into the hole at `hole`
 * from position j: its home must not lie cyclically in (hole, j]. */
static int may_fill(size_t hole, size_t j, size_t k)
{
    if (hole <= j)
        return k <= hole || k > j;
    return k <= hole && k > j;
}

/* Empty slot i and shift back the entries of its cluster that probed past
 * it, so that every remaining key is still found from its home. */
static void remove_at(size_t i)
{
    size_t mask = cap - 1, j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!tab[j].key)
            break;
        if (may_fill(i, j, home(tab[j].key))) {
            tab[i] = tab[j];
            i = j;
        }
    }
    tab[i].key = 0;
    tab[i].val = 0;
    n--;
}

int mmb_trace_table_take(uintptr_t key, uint64_t *val)
{
    if (!n)
        return 0;
    size_t i = find(key);
    if (!tab[i].key)
        return 0;
    *val = tab[i].val;
    remove_at(i);
    return 1;
}

size_t mmb_trace_table_count(void)
{
    return n;
}

void mmb_trace_table_reset(void)
{
    if (tab)
        mmb_os_unmap(tab, cap * sizeof *tab);
    tab = NULL;
    cap = n = 0;
    shift = 0;
}
