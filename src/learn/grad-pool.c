/*
 * Gradient rules of the pools (1-D and 2-D windows): MaxPool routes each
 * output's gradient to the first maximum of its window (found again from
 * the input), AveragePool spreads it over the window's count
 * (count_include_pad decides whether pads count), GlobalAveragePool over
 * all positions.
 */
#include <string.h>

#include "learn/grad-internal.h"

static int global_average(struct gs_grad_ctx *c)
{
	const struct gs_etensor *x = c->in[0];
	const float *go = gs_grad_f(c->gout[0]);
	float *gi = gs_grad_f(c->gin[0]);
	int64_t planes = x->rank >= 2 ? x->dims[0] * x->dims[1] : 1;
	int64_t sp = planes ? x->numel / planes : 0, p, i;

	for (p = 0; p < planes; p++)
		for (i = 0; i < sp; i++)
			gi[p * sp + i] += go[p] / (float)sp;
	return 0;
}

int gs_grad_pool(struct gs_grad_ctx *c)
{
	const struct gs_etensor *x = c->in[0], *y = c->out[0];
	const struct gs_attr *ks = gs_node_attr(c->node, "kernel_shape");
	const float *fx = gs_grad_f(x), *go = gs_grad_f(c->gout[0]);
	float *gi = gs_grad_f(c->gin[0]);
	bool is_max = !strcmp(c->node->op_type, "MaxPool");
	bool incl = gs_node_attr_int(c->node, "count_include_pad", 0);
	int64_t planes, p, oh, ow, i, j;
	struct gs_grad_window w;

	if (!go || !gi)
		return 0;
	if (!strcmp(c->node->op_type, "GlobalAveragePool"))
		return global_average(c);
	if (x->rank != 3 && x->rank != 4)
		return gs_grad_fail(c, "only 1-D and 2-D pools are supported");
	if (!ks || ks->n != x->rank - 2)
		return gs_grad_fail(c, "kernel_shape missing");
	gs_grad_window(c->node, x, y, ks->ints, &w);
	planes = x->dims[0] * x->dims[1];
	for (p = 0; p < planes; p++) {
		const float *xp = fx + p * w.in[0] * w.in[1];
		float *gp = gi + p * w.in[0] * w.in[1];

		for (oh = 0; oh < w.out[0]; oh++) {
			for (ow = 0; ow < w.out[1]; ow++) {
				float gval = *go++;
				int64_t best = -1, count = 0;

				for (i = 0; i < w.k[0]; i++) {
					int64_t ih = oh * w.s[0] - w.pad[0] + i * w.dil[0];

					for (j = 0; j < w.k[1]; j++) {
						int64_t iw = ow * w.s[1] - w.pad[1] + j * w.dil[1];
						bool inside = ih >= 0 && ih < w.in[0] && iw >= 0 &&
							iw < w.in[1];

						if (!inside) {
							count += incl && ih < w.in[0] + w.pad_end[0] &&
								iw < w.in[1] + w.pad_end[1];
							continue;
						}
						count++;
						if (is_max && (best < 0 ||
							       xp[ih * w.in[1] + iw] > xp[best]))
							best = ih * w.in[1] + iw;
					}
				}
				if (is_max) {
					if (best >= 0)
						gp[best] += gval;
					continue;
				}
				for (i = 0; count && i < w.k[0]; i++) {
					int64_t ih = oh * w.s[0] - w.pad[0] + i * w.dil[0];

					for (j = 0; j < w.k[1]; j++) {
						int64_t iw = ow * w.s[1] - w.pad[1] + j * w.dil[1];

						if (ih >= 0 && ih < w.in[0] && iw >= 0 && iw < w.in[1])
							gp[ih * w.in[1] + iw] += gval / (float)count;
					}
				}
			}
		}
	}
	return 0;
}
