/* tests/fuzz/fuzz_gc.c: libFuzzer's inputs as mutator programs, checked by
 * the reachability oracle; compiled once per collector (-DMMB_GC_<NAME>,
 * linked with tests/oracle.c built the same way) into fuzz_gc_<gcid>.
 *
 * Input: byte 0 picks the set-up (which of this collector's registrations in
 * MMB_ORACLE_LIST: its flags and options, e.g. gen's remset or card barrier;
 * and, for manual/rc/rc-cycle, the allocator behind it); the rest is the
 * program: tests/oracle.c's mutator (create, store, load, copy, drop or
 * dispose, root push and pop, chains, rings, collections of any generation)
 * takes every choice from those bytes instead of its RNG. The oracle walks
 * the heap against its model after every collection and checks the live
 * count after every operation; any disagreement aborts with its message, so
 * libFuzzer keeps the input as a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/alloc.h"
#include "mmb/object.h"
#include "oracle.h"

#define STR2(x) #x
#define STR(x) STR2(x)

#define FUZZ_MAX_OPS 100000 /* far above what an input of libFuzzer's max_len drives */
#define FUZZ_MAX_SETUPS 8   /* registrations of one collector */

typedef struct setup {
    unsigned flags;
    const char *opts;
} setup;

static setup setups[FUZZ_MAX_SETUPS];
static int nsetups;

/* Keep the registrations of this collector (one X line each). */
#define KEEP_SETUP(gcid, flags_, opts_)                                                    \
    if (!strcmp(#gcid, STR(MMB_GC_ID)) && nsetups < FUZZ_MAX_SETUPS)                       \
        setups[nsetups++] = (setup){(flags_), (opts_)};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    MMB_ORACLE_LIST(KEEP_SETUP)
    if (!nsetups) {
        fputs("fuzz_gc: " STR(MMB_GC_ID) " has no line in MMB_ORACLE_LIST\n", stderr);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const setup *s = &setups[data[0] % nsetups];
    int alloc_kind = (data[0] / nsetups) % MMB_ALLOC_NKINDS;
    mmb_oracle_cfg cfg = {.seed = 1, .ops = FUZZ_MAX_OPS, .flags = s->flags, .opts = s->opts,
                          .alloc_kind = alloc_kind};
    char err[512] = "";
    if (MMB_CAT(mmb_oracle_program__, MMB_GC_ID)(&cfg, data + 1, size - 1, err, sizeof err) < 0) {
        fprintf(stderr, "fuzz_gc: %s (setup %d, opts %s, allocator %d)\n", err,
                (int)(s - setups), s->opts ? s->opts : "-", alloc_kind);
        abort();
    }
    return 0;
}
