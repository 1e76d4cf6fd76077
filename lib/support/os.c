/* lib/support/os.c: mmap wrappers and /proc readings. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "mmb/os.h"

void *mmb_os_map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Over-map by `align` and trim both ends: the kernel gives page alignment
 * only, and pools/arenas need their own size's alignment for O(1) lookups. */
void *mmb_os_map_aligned(size_t bytes, size_t align)
{
    size_t span = bytes + align;
    char *raw = mmb_os_map(span);
    if (!raw)
        return NULL;
    uintptr_t start = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
    size_t head = start - (uintptr_t)raw;
    if (head)
        munmap(raw, head);
    size_t tail = span - head - bytes;
    if (tail)
        munmap((char *)start + bytes, tail);
    return (void *)start;
}

void mmb_os_unmap(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

/* One "Key:   123 kB" line of /proc/self/status, in bytes (0 if absent). */
static uint64_t status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    unsigned long long kb = 0;
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && sscanf(line + klen, " %llu", &kb) == 1)
            break;
    fclose(f);
    return (uint64_t)kb * 1024;
}

uint64_t mmb_os_peak_rss(void) { return status_kb("VmHWM:"); }
uint64_t mmb_os_rss(void) { return status_kb("VmRSS:"); }
