/* mmb/os.h: memory from the OS and facts about this process. */
#ifndef MMB_OS_H
#define MMB_OS_H

#include <stddef.h>
#include <stdint.h>

/* Anonymous, zeroed, page-aligned memory; NULL if the OS refuses. */
void *mmb_os_map(size_t bytes);
/* Like mmb_os_map, but the result is aligned to `align` (a power of two >=
 * the page size); the slack is unmapped. */
void *mmb_os_map_aligned(size_t bytes, size_t align);
void mmb_os_unmap(void *p, size_t bytes);
/* Peak and current resident set size of this process (VmHWM, VmRSS), bytes. */
uint64_t mmb_os_peak_rss(void);
uint64_t mmb_os_rss(void);

#endif
