/*
 * Errors are values.  A function that can fail returns -1 (or NULL) and fills
 * a struct gs_error with one lowercase line that quotes its subject, e.g.
 *   cannot read 'model.onnx': tensor 'w' has raw_data of 12 bytes, expected 16
 * The core never prints; main() decides how to show the message.
 */
#ifndef GRAPHSMITH_ERROR_H
#define GRAPHSMITH_ERROR_H

#include <stddef.h>

struct gs_error {
	char msg[1024];
};

/* Sets the message (printf-style) and returns -1, so callers can
 * `return gs_error_set(err, ...)`.  A NULL err is allowed and ignored. */
int gs_error_set(struct gs_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to an existing message; returns -1. */
int gs_error_prefix(struct gs_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Allocation that cannot fail: on exhaustion it runs the registered
 * emergency hook (the TUI restores the terminal there) and aborts. */
void *gs_xmalloc(size_t n);
void *gs_xcalloc(size_t count, size_t size);
void *gs_xrealloc(void *p, size_t n);
char *gs_xstrdup(const char *s);
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
