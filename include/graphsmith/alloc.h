/*
 * Allocation that cannot fail: on exhaustion it runs the registered
 * emergency hook (the TUI restores the terminal there) and aborts.
 * It sits below everything else, error messages and escaping included.
 */
#ifndef GRAPHSMITH_ALLOC_H
#define GRAPHSMITH_ALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *gs_xmalloc(size_t n);
void *gs_xcalloc(size_t count, size_t size);
void *gs_xrealloc(void *p, size_t n);
char *gs_xstrdup(const char *s);
char *gs_xstrndup(const char *s, size_t n);
char *gs_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void gs_set_oom_hook(void (*hook)(void));

/* Grows *items (of *alloc elements of size elem) to hold at least need. */
#define GS_GROW(items, need, alloc) do { \
	if ((size_t)(need) > (size_t)(alloc)) { \
		size_t gs_n_ = (alloc) ? (size_t)(alloc) * 2 : 8; \
		while (gs_n_ < (size_t)(need)) gs_n_ *= 2; \
		(items) = gs_xrealloc((items), gs_n_ * sizeof(*(items))); \
		(alloc) = gs_n_; \
	} \
} while (0)

#endif
