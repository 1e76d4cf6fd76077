/* tests/mmbrun.c: the scratch directory and mmbench runner of the tests. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "mmbrun.h"

void mmb_test_mkdir(char *dir, size_t len, const char *tag)
{
    snprintf(dir, len, "/tmp/mmb-%s-XXXXXX", tag);
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

void mmb_test_rmdir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int c, lines = 0;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    return lines;
}

int mmb_test_run(const char *dir, const char *args, int *err_lines)
{
    char cmd[4096], path[512];
    snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s/mmbench' %s >out.txt 2>err.txt", dir, MMB_BUILDDIR, args);
    int ws = system(cmd);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    *err_lines = count_lines(path);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}
