/* tests/mmbrun.h: running the built ./mmbench from Check tests, as a user
 * would, inside a scratch directory. */
#ifndef MMB_TESTS_MMBRUN_H
#define MMB_TESTS_MMBRUN_H

#include <stddef.h>

#ifndef MMB_BUILDDIR
#define MMB_BUILDDIR "."
#endif

/* A fresh /tmp/mmb-<tag>-XXXXXX directory into dir (asserts on failure). */
void mmb_test_mkdir(char *dir, size_t len, const char *tag);
/* Remove it and everything in it. */
void mmb_test_rmdir(const char *dir);
/* `mmbench ARGS` in dir, stdout to out.txt, stderr to err.txt: its exit
 * status (-1 if a signal ended it); *err_lines gets stderr's line count. */
int mmb_test_run(const char *dir, const char *args, int *err_lines);

#endif
