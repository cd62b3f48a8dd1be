#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/error.h"
#include "graphsmith/util.h"

static void (*oom_hook)(void);

int gs_error_set(struct gs_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	gs_defang(err->msg, sizeof(err->msg));
	return -1;
}

int gs_error_prefix(struct gs_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* truncation is fine: the message stays one readable line */
	if (snprintf(err->msg, sizeof(err->msg), "%.500s: %.500s", prefix, old) < 0)
		err->msg[0] = '\0';
	gs_defang(err->msg, sizeof(err->msg));
	return -1;
}

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
