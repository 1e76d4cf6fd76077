/* lib/alloc/peer.c: the system-allocator peers: glibc, jemalloc, mimalloc,
 * tcmalloc.
 *
 * Debian's jemalloc, mimalloc and tcmalloc replace malloc for the whole
 * process as soon as they are linked, so mmbench is linked with none of
 * them. A run on one of them happens in a child that re-executes mmbench
 * with LD_PRELOAD set to the shared library configure found (bench/run.c);
 * inside that child the allocator is plain `sys` (lib/alloc/sys.c), calling
 * whichever malloc the process has. `glibc` is sys with nothing preloaded:
 * an explicit name for the tables.
 *
 * Because a preload can fail silently (a wrong path, a library that refuses
 * to load), the child proves it took: the library's own marker symbol must
 * resolve, and `malloc` must not be glibc's. For `glibc` the reverse: malloc
 * must be glibc's.
 */
#include "config.h"

#include <dlfcn.h>
#include <gnu/lib-names.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmb/alloc.h"

#ifndef MMB_JEMALLOC_SO
#define MMB_JEMALLOC_SO NULL
#endif
#ifndef MMB_MIMALLOC_SO
#define MMB_MIMALLOC_SO NULL
#endif
#ifndef MMB_TCMALLOC_SO
#define MMB_TCMALLOC_SO NULL
#endif

/* A preloaded peer. Invariant: so != NULL exactly when configure found the
 * library (and the build is not sanitized: ASan must own malloc there). */
typedef struct peer {
    mmb_alloc_kind kind;
    const char *so;      /* the shared library to LD_PRELOAD */
    const char *marker;  /* a symbol that library defines and glibc does not */
    const char *lib;     /* what configure looked for */
    const char *package; /* the Debian package that provides it */
} peer;

#ifdef MMB_SANITIZERS
#define PEER_SO(path) NULL
#else
#define PEER_SO(path) path
#endif

static const peer peers[] = {
    {MMB_ALLOC_JEMALLOC, PEER_SO(MMB_JEMALLOC_SO), "mallocx", "libjemalloc", "libjemalloc-dev"},
    {MMB_ALLOC_MIMALLOC, PEER_SO(MMB_MIMALLOC_SO), "mi_version", "libmimalloc", "libmimalloc-dev"},
    {MMB_ALLOC_TCMALLOC, PEER_SO(MMB_TCMALLOC_SO), "tc_version", "libtcmalloc_minimal",
     "libgoogle-perftools-dev"},
};

#define NPEERS (sizeof peers / sizeof peers[0])

static const peer *find_peer(mmb_alloc_kind kind)
{
    for (size_t i = 0; i < NPEERS; i++)
        if (peers[i].kind == kind)
            return &peers[i];
    return NULL;
}

int mmb_alloc_available(mmb_alloc_kind kind)
{
    const peer *p = find_peer(kind);
    return !p || p->so != NULL;
}

const char *mmb_alloc_preload(mmb_alloc_kind kind)
{
    const peer *p = find_peer(kind);
    return p ? p->so : NULL;
}

const char *mmb_alloc_missing_hint(mmb_alloc_kind kind)
{
    static char buf[160];
    const peer *p = find_peer(kind);
    if (!p || p->so)
        return "available";
#ifdef MMB_SANITIZERS
    snprintf(buf, sizeof buf, "not in a sanitizer build: AddressSanitizer replaces malloc");
#else
    snprintf(buf, sizeof buf, "configure did not find %s; apt-get install %s", p->lib, p->package);
#endif
    return buf;
}

/* Whether `malloc` as the process resolves it is the one in glibc. */
static int malloc_is_glibc(void)
{
    void *libc = dlopen(LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);
    void *ours = dlsym(RTLD_DEFAULT, "malloc");
    int same = libc && ours == dlsym(libc, "malloc");
    if (libc)
        dlclose(libc);
    return same;
}

/* glibc: nothing may replace malloc (a sanitizer build has ASan's, which is
 * glibc's underneath, so there the check is skipped). A preloaded peer: its
 * marker resolves and malloc is not glibc's. */
int mmb_alloc_peer_check(mmb_alloc_kind kind, char *err, size_t errlen)
{
    const char *name = mmb_alloc_kind_name(kind);
    const peer *p = find_peer(kind);
#ifndef MMB_SANITIZERS
    if (kind == MMB_ALLOC_GLIBC && !malloc_is_glibc()) {
        snprintf(err, errlen, "-a glibc: malloc in this process is not glibc's (LD_PRELOAD=%s)",
                 getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
        return -1;
    }
#endif
    if (!p)
        return 0;
    if (!p->so || !dlsym(RTLD_DEFAULT, p->marker) || malloc_is_glibc()) {
        snprintf(err, errlen, "-a %s: the preload of %s did not take effect (%s is not defined "
                 "or malloc is still glibc's)", name, p->so ? p->so : p->lib, p->marker);
        return -1;
    }
    return 0;
}
