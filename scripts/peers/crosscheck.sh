#!/bin/sh
# scripts/peers/crosscheck.sh MMBENCH SRCDIR: each peer's figures from our
# harness against an independent run of the same work (`make
# crosscheck-peers`), so that a peer is known to be measured as itself:
#   glibc, jemalloc, mimalloc, tcmalloc: `mmbench run -w churn -c manual -a X`
#       against a plain C churn loop (the same sizes, tags, generator, victim
#       look-ahead and malloc/malloc_usable_size/free calls, nothing else)
#       run with LD_PRELOAD of the library mmbench names;
#   bdw: `mmbench run -w gcbench -c bdw` against a plain C GCBench on libgc
#       (GC_MALLOC, recursive, nodes of the same 40 bytes);
#   cpython, pypy: scripts/peers/gcbench.py against a plain GCBench given to
#       the interpreter with -c (no harness, no hooks, no subprocesses).
# Both sides time the same region (the churn steps; GCBench from the stretch
# tree on), in wall and CPU time. Each side runs REPS times
# (MMB_CROSSCHECK_REPS, default 5), alternating with the other, and the
# table shows the medians and the ratios harness/plain. The verdict is on
# the CPU-time ratio, which must lie in [LO, HI] (MMB_CROSSCHECK_LO and _HI,
# default 0.7 and 1.3): every peer here runs on one thread, and on a shared
# machine wall time also counts the waits for a core, which vary from run to
# run (the wall ratio is shown beside it). Exit status 1 if a peer falls
# outside. Missing peers are skipped with a message.
# Environment: CC (default cc), PYTHON3, PYPY3 (default: on the PATH).
set -eu
mmbench=$1 srcdir=$2
reps=${MMB_CROSSCHECK_REPS:-5}
lo=${MMB_CROSSCHECK_LO:-0.7} hi=${MMB_CROSSCHECK_HI:-1.3}
cc=${CC:-cc}
python3=${PYTHON3-$(command -v python3 || true)}
pypy3=${PYPY3-$(command -v pypy3 || true)}
churn_steps=5000000     # the C churn's other defaults: live 10000, 8..512 bytes
py_gcbench="-o stretch-depth=16 -o long-lived-depth=14 -o max-depth=14"
tmp=$(mktemp -d /tmp/mmb-crosscheck-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

# The median of column $1 of the lines on stdin.
median() {
    awk -v c="$1" '{ print $c }' | sort -g |
        awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# "wall_ms cpu_ms" of each run of an mmbench CSV document on stdin.
times_of() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "wall_ms") w = i; if ($i == "cpu_ms") c = i }; next }
        { print $w, $c }'
}

skip() { printf '%-13s %-8s skipped: %s\n' "$1" "$2" "$3"; }

# row PEER WORKLOAD: the table's line from the runs in $tmp/h and $tmp/p.
row() {
    line=$(awk -v hw="$(median 1 < "$tmp/h")" -v pw="$(median 1 < "$tmp/p")" \
        -v hc="$(median 2 < "$tmp/h")" -v pc="$(median 2 < "$tmp/p")" -v lo="$lo" -v hi="$hi" 'BEGIN {
            r = hc / pc
            printf "%10.1f %10.1f %6.3f %10.1f %10.1f %6.3f  %s", hw, pw, hw / pw, hc, pc, r,
                (r >= lo && r <= hi) ? "agree" : "DIFFER" }')
    case $line in *DIFFER) status=1 ;; esac
    printf '%-13s %-8s %s\n' "$1" "$2" "$line"
}

# measure PEER WORKLOAD HARNESS_FN PLAIN_FN: REPS runs of each side,
# alternating, so that the machine's load weighs on both alike; each
# function prints one line "wall_ms cpu_ms".
measure() {
    : > "$tmp/h"
    : > "$tmp/p"
    k=0
    while [ $k -lt "$reps" ]; do
        if ! $3 >> "$tmp/h" || ! $4 >> "$tmp/p"; then
            skip "$1" "$2" "a run failed"
            status=1
            return
        fi
        k=$((k + 1))
    done
    row "$1" "$2"
}

cat > "$tmp/churn.c" <<'EOF'
/* Plain churn, the work of bench/wl_churn.c without the harness: `live`
 * blocks of 16 + 8..512 bytes; each step frees the victim chosen AHEAD steps
 * before (prefetched) and mallocs a block of a uniform random size, tagged
 * at both ends, the tag kept in a side table. The same generator
 * (xoshiro256** with Lemire's reduction, splitmix64 tags) and the same calls
 * into the allocator as lib/alloc/sys.c: malloc_usable_size after malloc and
 * before free. Prints the steps' wall and CPU time in ms. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define HEADER 16
#define AHEAD 8
static uint64_t s[4], tagseq = 42, held;
static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint64_t next(void)
{
    uint64_t r = ((s[1] * 5) << 7 | (s[1] * 5) >> 57) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t;
    s[3] = s[3] << 45 | s[3] >> 19;
    return r;
}
static uint64_t below(uint64_t n) { return (uint64_t)(((unsigned __int128)next() * n) >> 64); }
static double ms(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static char *block(uint64_t *tag)
{
    size_t n = 8 + below(505), size = HEADER + n;
    char *p = malloc(size);
    held += malloc_usable_size(p);
    memset(p, 0, HEADER);
    *tag = mix(&tagseq);
    memcpy(p + HEADER, tag, 8);
    if (n >= 16) memcpy(p + size - 8, tag, 8);
    return p;
}
static void drop(char *p) { held -= malloc_usable_size(p); free(p); }
int main(int argc, char **argv)
{
    uint64_t seed = 42, live = (uint64_t)atol(argv[1]), steps = (uint64_t)atol(argv[2]);
    for (int i = 0; i < 4; i++) s[i] = mix(&seed);
    char **a = malloc(live * sizeof *a);
    uint64_t *tags = malloc(live * sizeof *tags), ahead[AHEAD], bad = 0;
    for (uint64_t i = 0; i < live; i++) a[i] = block(&tags[i]);
    for (int k = 0; k < AHEAD; k++) ahead[k] = below(live);
    double t0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
    for (uint64_t st = 0; st < steps; st++) {
        uint64_t nx = below(live), k = st % AHEAD, i = ahead[k];
        __builtin_prefetch(a[nx], 1);
        drop(a[i]);
        a[i] = block(&tags[i]);
        ahead[k] = nx;
    }
    double t1 = ms(CLOCK_MONOTONIC), c1 = ms(CLOCK_PROCESS_CPUTIME_ID);
    for (uint64_t i = 0; i < live; i++) bad |= memcmp(a[i] + HEADER, &tags[i], 8) != 0;
    printf("%.3f %.3f\n", t1 - t0, c1 - c0);
    return (int)bad;
}
EOF

cat > "$tmp/gcbench_bdw.c" <<'EOF'
/* Plain GCBench on libgc (after Boehm's own C version): recursive Populate
 * and MakeTree, nodes of 40 bytes (16-byte header, two pointers, 8-byte
 * payload) from GC_MALLOC, the array from GC_MALLOC_ATOMIC. Prints the
 * wall and CPU time in ms. */
#include <gc/gc.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
typedef struct node { uint32_t ns, nb; uintptr_t meta; struct node *l, *r; uint64_t ij; } node;
static double ms(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static node *mk(node *l, node *r, int h) { node *n = GC_MALLOC(sizeof *n); n->ns = 2; n->nb = 8; n->l = l; n->r = r; n->ij = (uint64_t)h; return n; }
static long size(int d) { return (2L << d) - 1; }
static void populate(int d, node *n) { if (d-- <= 0) return; n->l = mk(0, 0, d); n->r = mk(0, 0, d); populate(d, n->l); populate(d, n->r); }
static node *make(int d) { return d <= 0 ? mk(0, 0, 0) : mk(make(d - 1), make(d - 1), d); }
int main(void)
{
    GC_INIT();
    double t0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
    node *volatile t = make(18);
    t = 0;
    node *volatile lived = mk(0, 0, 16);
    populate(16, lived);
    double *volatile arr = GC_MALLOC_ATOMIC(500000 * sizeof(double));
    for (int i = 0; i < 250000; i++) arr[i] = 1.0 / i;
    for (int d = 4; d <= 16; d += 2) {
        long iters = 2 * size(18) / size(d);
        for (long i = 0; i < iters; i++) { t = mk(0, 0, d); populate(d, t); t = 0; }
        for (long i = 0; i < iters; i++) { t = make(d); t = 0; }
    }
    printf("%.3f %.3f\n", ms(CLOCK_MONOTONIC) - t0, ms(CLOCK_PROCESS_CPUTIME_ID) - c0);
    return lived->l == 0 || arr[1] != 1.0;
}
EOF

# Plain GCBench in Python: the classic program, timed in the program.
py_plain='import time, array
class Node(object):
    __slots__ = ("left", "right", "i", "j")
    def __init__(self, l, r, i):
        self.left = l; self.right = r; self.i = i; self.j = 0x6763
def size(d): return (1 << (d + 1)) - 1
def populate(d, n):
    if d <= 0: return
    d -= 1
    n.left = Node(None, None, d); n.right = Node(None, None, d)
    populate(d, n.left); populate(d, n.right)
def make(d):
    return Node(None, None, 0) if d <= 0 else Node(make(d - 1), make(d - 1), d)
def main(S, L, MAX):
    t0, c0 = time.perf_counter(), time.process_time()
    t = make(S); t = None
    lived = Node(None, None, L); populate(L, lived)
    arr = array.array("d", bytes(8 * 500000))
    for i in range(1, 250000): arr[i] = 1.0 / i
    for d in range(4, MAX + 1, 2):
        n = 2 * size(S) // size(d)
        for _ in range(n):
            t = Node(None, None, d); populate(d, t); t = None
        for _ in range(n):
            t = make(d); t = None
    return (time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3
print("%.3f %.3f" % main(16, 14, 14))'

# The two sides of each peer (globals al, so, interp set by the loops below).
churn_harness() { "$mmbench" run -w churn -c manual -a "$al" -o steps=$churn_steps --format csv | times_of; }
churn_plain() { env LD_PRELOAD="$so" "$tmp/churn" 10000 $churn_steps; }
bdw_harness() { "$mmbench" run -w gcbench -c bdw --format csv | times_of; }
bdw_plain() { "$tmp/gcbench_bdw"; }
py_harness() {
    "${python3:-$interp}" "$srcdir/scripts/peers/gcbench.py" --interp "$interp" $py_gcbench --format csv | times_of
}
py_plain_run() { "$interp" -c "$py_plain"; }

printf '%-13s %-8s %10s %10s %6s %10s %10s %6s  %s\n' peer workload wall_ms plain_ms ratio \
    cpu_ms plain_ms ratio verdict
"$cc" -O2 -o "$tmp/churn" "$tmp/churn.c"
for al in glibc jemalloc mimalloc tcmalloc; do
    if ! "$mmbench" run -w churn -c manual -a "$al" -o steps=0 -o live=1 --format csv >/dev/null 2>"$tmp/err"; then
        skip "$al" churn "$(sed 's/^mmbench: //' "$tmp/err")"
        continue
    fi
    so=$("$mmbench" list | sed -n "s/^  $al (LD_PRELOAD \(.*\) in the run's child)\$/\1/p")
    if [ "$al" != glibc ] && [ ! -f "$so" ]; then
        skip "$al" churn "mmbench list names no library to preload"
        status=1
        continue
    fi
    measure "$al" churn churn_harness churn_plain
done

if "$mmbench" list | grep -q '^  bdw ' && "$cc" -O2 -o "$tmp/gcbench_bdw" "$tmp/gcbench_bdw.c" -lgc 2>"$tmp/err"; then
    measure bdw gcbench bdw_harness bdw_plain
else
    skip bdw gcbench "mmbench built without libgc, or no libgc to link (apt-get install libgc-dev)"
fi

for interp in "$python3" "$pypy3"; do
    [ -n "$interp" ] || { skip python gcbench "interpreter not found (apt-get install python3 pypy3)"; continue; }
    gc=$("$interp" -c 'import sys
v = sys.pypy_version_info if sys.implementation.name == "pypy" else sys.version_info
print("%s-%d.%d" % (sys.implementation.name, v[0], v[1]))')
    measure "$gc" gcbench py_harness py_plain_run
done
exit $status
