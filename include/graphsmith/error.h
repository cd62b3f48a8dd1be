/*
 * Errors are values.  A function that can fail returns -1 (or NULL) and fills
 * a struct gs_error with one lowercase line that quotes its subject, e.g.
 *   cannot read 'model.onnx': tensor 'w' has raw_data of 12 bytes, expected 16
 * The core never prints; main() decides how to show the message.
 */
#ifndef GRAPHSMITH_ERROR_H
#define GRAPHSMITH_ERROR_H

#include <stddef.h>

/* most users of errors also allocate: they find gs_xmalloc here */
#include "graphsmith/alloc.h"

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

#endif
