/*
 * The geometry of a 1-D or 2-D window op (Conv, the pools) from its
 * attributes and the shapes it ran with, for the rules that walk windows.
 */
#include <string.h>

#include "learn/grad-internal.h"

/* The begin pads of a window op along spatial axis d, from its attributes
 * and the shapes it ran with (auto_pad SAME_* is resolved from them). */
int64_t gs_grad_pad_begin(const struct gs_node *n, int d, int64_t in, int64_t out, int64_t k,
			  int64_t s, int64_t dil)
{
	const struct gs_attr *pads = gs_node_attr(n, "pads");
	const struct gs_attr *ap = gs_node_attr(n, "auto_pad");
	int64_t total;

	if (ap && ap->s && !strncmp(ap->s, "SAME", 4)) {
		total = (out - 1) * s + (k - 1) * dil + 1 - in;
		if (total < 0)
			total = 0;
		return !strcmp(ap->s, "SAME_LOWER") ? total - total / 2 : total / 2;
	}
	return pads && pads->n > d ? pads->ints[d] : 0;
}

int64_t gs_grad_attr_at(const struct gs_node *n, const char *name, int d, int64_t dflt)
{
	const struct gs_attr *a = gs_node_attr(n, name);

	return a && a->n > d ? a->ints[d] : dflt;
}

/* One spatial layout for 1-D and 2-D windows (1-D as height 1). */
void gs_grad_window(const struct gs_node *n, const struct gs_etensor *x,
		    const struct gs_etensor *y, const int64_t *kernel, struct gs_grad_window *w)
{
	int d, sd = x->rank - 2;

	for (d = 0; d < 2; d++) {
		int a = d - (2 - sd);	/* attribute index; < 0: the height of 1-D */

		w->in[d] = a < 0 ? 1 : x->dims[2 + a];
		w->out[d] = a < 0 ? 1 : y->dims[2 + a];
		w->k[d] = a < 0 ? 1 : kernel[a];
		w->s[d] = a < 0 ? 1 : gs_grad_attr_at(n, "strides", a, 1);
		w->dil[d] = a < 0 ? 1 : gs_grad_attr_at(n, "dilations", a, 1);
		w->pad[d] = a < 0 ? 0 : gs_grad_pad_begin(n, a, w->in[d], w->out[d], w->k[d],
							 w->s[d], w->dil[d]);
		w->pad_end[d] = a < 0 ? 0 : gs_grad_attr_at(n, "pads", a + sd, 0);
	}
}
