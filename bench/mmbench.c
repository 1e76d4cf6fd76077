/* bench/mmbench.c: the driver's entry point: pick the subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "driver.h"

static const char usage[] =
    "usage: mmbench list [--format text|json]\n"
    "       mmbench run -w WORKLOAD -c COLLECTOR [-a ALLOCATOR] [-o KEY=VALUE]... [-r REPEATS]\n"
    "                   [--warmup N] [--seed N] [--format text|json|csv] [--out FILE]...\n"
    "                   [--mmu-curve FILE] [--pause-log FILE] [--rss-sample MS [--rss-file FILE]]\n"
    "                   [--trace-sites N]   (one more, traced run: top N allocation sites on stderr)\n"
    "       mmbench compare [--format text|json] A B     (A, B: result files or directories)\n"
    "       mmbench sweep -w WORKLOAD -c COLLECTOR [-a ALLOCATOR] -o KEY=V1,V2,... [-o KEY=VALUE]...\n"
    "                   [-r REPEATS] [--warmup N] [--seed N] --out-dir DIR\n"
    "       mmbench report DIR                             (DIR/report.html and report.md)\n"
    "exit status: 0 ok, 1 verification failed or internal error, 2 usage error,\n"
    "             3 heap-limit exceeded\n";

/* One line on stderr, whatever the user typed: the message often quotes an
 * argument, and a control character in it (a newline) becomes '?'. */
int mmb_usage_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    fprintf(stderr, "mmbench: %s\n", msg);
    return MMB_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return mmb_usage_error("missing command (list, run, compare, sweep, report); try mmbench --help");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return MMB_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("mmbench %s (%s)\n", PACKAGE_VERSION, MMB_GIT);
        return MMB_EXIT_OK;
    }
    if (!strcmp(cmd, "list"))
        return mmb_cli_list(argc - 1, argv + 1);
    if (!strcmp(cmd, "run"))
        return mmb_cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return mmb_cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return mmb_cli_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return mmb_cli_report(argc - 1, argv + 1);
    return mmb_usage_error("unknown command '%s' (list, run, compare, sweep, report)", cmd);
}
