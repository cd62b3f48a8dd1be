/* Allocation that cannot fail, below errors and escaping: every layer uses it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/alloc.h"

static void (*oom_hook)(void);

void gs_set_oom_hook(void (*hook)(void))
{
	oom_hook = hook;
}

static void out_of_memory(size_t n)
{
	if (oom_hook)
		oom_hook();
	fprintf(stderr, "graphsmith: out of memory allocating %zu bytes\n", n);
	abort();
}

void *gs_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *gs_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		out_of_memory(count * size);
	return p;
}

void *gs_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *gs_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(gs_xmalloc(n), s, n);
}

char *gs_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = gs_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

char *gs_xvasprintf(const char *fmt, va_list ap)
{
	va_list again;
	int n;
	char *p;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)	/* only a bad format: the callers' are literals */
		abort();
	p = gs_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}
