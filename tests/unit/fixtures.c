/* See fixtures.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fixtures.h"

const char *fixture_srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s ? s : "..";
}

int fixture_make(char *dir, size_t len, const char *tag, const char *script)
{
	char cmd[1024];

	snprintf(dir, len, "/tmp/gs-%s-XXXXXX", tag);
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/%s %s", fixture_srcdir(), script, dir);
	return system(cmd) ? -1 : 0;
}

int fixture_remove(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

char *fixture_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}
