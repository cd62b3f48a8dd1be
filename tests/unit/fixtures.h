/* Helpers the unit tests share: generated fixture folders and whole files. */
#ifndef GS_TEST_FIXTURES_H
#define GS_TEST_FIXTURES_H

#include <stddef.h>

/* $top_srcdir, or ".." (the tests run in the build directory). */
const char *fixture_srcdir(void);
/* Makes a fresh folder /tmp/gs-TAG-XXXXXX in dir and fills it with
 * /usr/bin/python3 $top_srcdir/SCRIPT DIR.  0 or -1. */
int fixture_make(char *dir, size_t len, const char *tag, const char *script);
/* Removes the folder fixture_make made.  0 or -1. */
int fixture_remove(const char *dir);
/* The whole file (malloc'd, NUL-terminated); fails the test if unreadable. */
char *fixture_slurp(const char *path, size_t *len);

#endif
