#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "graphsmith/error.h"
#include "graphsmith/util.h"

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
