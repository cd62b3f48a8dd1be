/*
 * The one error line of a failed gradient, naming the node and its op:
 * raised by the rules and by the tape (grad.c) alike.
 */
#include <stdarg.h>
#include <stdio.h>

#include "learn/grad-internal.h"

int gs_grad_fail(struct gs_grad_ctx *c, const char *fmt, ...)
{
	char msg[512], b1[128], b2[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gs_error_set(c->err, "node '%s' (%s): gradient: %s",
			    gs_escape(c->node->name ? c->node->name : "", b1, sizeof(b1)),
			    gs_escape(c->node->op_type, b2, sizeof(b2)), msg);
}
