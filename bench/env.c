/* bench/env.c: the facts that make a result reproducible and comparable. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "driver.h"

/* "model name" of the first CPU in /proc/cpuinfo. */
static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            snprintf(buf, len, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = 0;
            break;
        }
    }
    fclose(f);
}

void mmb_env_write_json(mmb_json *j)
{
    char cpu[256], kernel[256], date[64];
    struct utsname u;
    cpu_model(cpu, sizeof cpu);
    if (uname(&u) == 0)
        snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
    else
        snprintf(kernel, sizeof kernel, "unknown");
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    mmb_json_begin_object(j);
    mmb_json_key(j, "version"), mmb_json_string(j, PACKAGE_VERSION);
    mmb_json_key(j, "git"), mmb_json_string(j, MMB_GIT);
    mmb_json_key(j, "cc"), mmb_json_string(j, MMB_CC);
    mmb_json_key(j, "cflags"), mmb_json_string(j, MMB_CFLAGS_STR);
    mmb_json_key(j, "cpu"), mmb_json_string(j, cpu);
    mmb_json_key(j, "cores"), mmb_json_uint(j, (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
    mmb_json_key(j, "kernel"), mmb_json_string(j, kernel);
    mmb_json_key(j, "date"), mmb_json_string(j, date);
    mmb_json_end_object(j);
}
