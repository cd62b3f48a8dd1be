/*
 * Linear layers as the data steps see them (graphsmith/recon.h): a weight
 * read as W[M,K], the input read as rows of K features (a Conv's im2col
 * columns, computed one batch at a time) and the output as rows of M.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/params.h"
#include "graphsmith/recon.h"
#include "graphsmith/util.h"

static struct gs_tensor *float_param(struct gs_graph *g, int v)
{
	struct gs_tensor *t = v >= 0 ? gs_graph_param_of(g, v) : NULL;

	return t && t->dtype == GS_DTYPE_FLOAT && t->data &&
	       t->nbytes == (size_t)t->numel * 4 ? t : NULL;
}

/* A weight fed by DequantizeLinear(q, scale, zero) of int8/uint8 params. */
static int find_dq(struct gs_graph *g, int v, struct gs_linear *l, struct gs_error *err)
{
	const struct gs_value *val = g->values[v];
	struct gs_node *dq;

	if (val->producer < 0)
		return gs_error_set(err, "weight is not a parameter");
	dq = g->nodes[val->producer];
	if (strcmp(dq->op_type, "DequantizeLinear") || dq->domain[0] || dq->n_inputs < 2)
		return gs_error_set(err, "weight is computed by %s", dq->op_type);
	l->w = dq->inputs[0] >= 0 ? gs_graph_param_of(g, dq->inputs[0]) : NULL;
	l->scale = float_param(g, dq->inputs[1]);
	l->zero = dq->n_inputs > 2 && dq->inputs[2] >= 0 ? gs_graph_param_of(g, dq->inputs[2]) :
		  NULL;
	if (!l->w || !l->scale || (l->w->dtype != GS_DTYPE_INT8 && l->w->dtype != GS_DTYPE_UINT8))
		return gs_error_set(err, "weight is not an int8/uint8 parameter with a float scale");
	if (gs_node_attr(dq, "block_size") && gs_node_attr_int(dq, "block_size", 0))
		return gs_error_set(err, "blocked quantization");
	l->axis = (int)gs_node_attr_int(dq, "axis", 1);
	if (l->axis < 0)
		l->axis += l->w->rank;
	if (l->scale->numel > 1 && (l->axis < 0 || l->axis >= l->w->rank ||
				    l->w->dims[l->axis] != l->scale->numel))
		return gs_error_set(err, "scale does not fit the weight");
	l->dq = dq;
	return 0;
}

static int conv_attrs(const struct gs_node *n, struct gs_linear *l, struct gs_error *err)
{
	const struct gs_attr *a;
	const char *ap = "NOTSET";
	int i;

	if (gs_node_attr_int(n, "group", 1) != 1)
		return gs_error_set(err, "grouped Conv");
	if ((a = gs_node_attr(n, "auto_pad")) && a->s)
		ap = a->s;
	if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID"))
		return gs_error_set(err, "auto_pad %s", ap);
	for (i = 0; i < l->sp; i++) {
		l->stride[i] = 1;
		l->dil[i] = 1;
		l->pad[i] = l->pad[i + l->sp] = 0;
	}
	if ((a = gs_node_attr(n, "strides")) && a->n == l->sp)
		for (i = 0; i < l->sp; i++)
			l->stride[i] = a->ints[i];
	if ((a = gs_node_attr(n, "dilations")) && a->n == l->sp)
		for (i = 0; i < l->sp; i++)
			l->dil[i] = a->ints[i];
	if ((a = gs_node_attr(n, "pads")) && a->n == 2 * l->sp && !strcmp(ap, "NOTSET"))
		for (i = 0; i < 2 * l->sp; i++)
			l->pad[i] = a->ints[i];
	for (i = 0; i < l->sp; i++)
		if (l->stride[i] < 1 || l->dil[i] < 1 || l->pad[i] < 0 || l->pad[i + l->sp] < 0)
			return gs_error_set(err, "bad strides, dilations or pads");
	return 0;
}

int gs_linear_describe(struct gs_graph *g, struct gs_node *n, struct gs_linear *l,
		       struct gs_error *err)
{
	const struct gs_tensor *w;
	int wi;

	memset(l, 0, sizeof(*l));
	l->g = g;
	l->node = n;
	l->alpha = l->beta = 1.0f;
	if (n->removed || n->domain[0] || n->n_inputs < 2 || n->inputs[0] < 0 || n->inputs[1] < 0)
		return gs_error_set(err, "not a layer");
	wi = n->inputs[1];
	if (!(l->w = float_param(g, wi)) && find_dq(g, wi, l, err))
		return -1;
	w = l->w;
	if (!strcmp(n->op_type, "Conv")) {
		if (w->rank != 3 && w->rank != 4)
			return gs_error_set(err, "Conv weight of rank %d", w->rank);
		l->kind = GS_LINEAR_CONV;
		l->sp = w->rank - 2;
		l->cin = w->dims[1];
		l->kern[0] = w->dims[2];
		l->kern[1] = l->sp == 2 ? w->dims[3] : 1;
		l->rows = w->dims[0];
		l->feats = w->numel / w->dims[0];
		l->row_stride = l->feats;
		l->feat_stride = 1;
		if (conv_attrs(n, l, err))
			return -1;
		if (n->n_inputs > 2 && n->inputs[2] >= 0 && !(l->bias = float_param(g, n->inputs[2])))
			return gs_error_set(err, "bias is not a float32 parameter");
	} else if (!strcmp(n->op_type, "Gemm") || !strcmp(n->op_type, "MatMul")) {
		bool gemm = n->op_type[0] == 'G', tb = gemm && gs_node_attr_int(n, "transB", 0);

		if (w->rank != 2)
			return gs_error_set(err, "%s weight of rank %d", n->op_type, w->rank);
		if (gemm && gs_node_attr_int(n, "transA", 0))
			return gs_error_set(err, "Gemm with transA");
		l->kind = gemm ? GS_LINEAR_GEMM : GS_LINEAR_MATMUL;
		l->rows = tb ? w->dims[0] : w->dims[1];
		l->feats = tb ? w->dims[1] : w->dims[0];
		l->row_stride = tb ? l->feats : 1;
		l->feat_stride = tb ? 1 : l->rows;
		if (gemm) {
			l->alpha = gs_node_attr_float(n, "alpha", 1.0f);
			l->beta = gs_node_attr_float(n, "beta", 1.0f);
			if (l->alpha == 0.0f)
				return gs_error_set(err, "Gemm with alpha 0");
		}
		if (gemm && n->n_inputs > 2 && n->inputs[2] >= 0) {
			l->bias = float_param(g, n->inputs[2]);
			if (!l->bias || l->bias->numel != l->rows || l->beta == 0.0f)
				return gs_error_set(err, "bias is not a float32 vector of %lld",
						    (long long)l->rows);
		}
	} else {
		return gs_error_set(err, "not a layer");
	}
	if (l->rows <= 0 || l->feats <= 0)
		return gs_error_set(err, "empty weight");
	return 0;
}

/* im2col of x [N, C, (H,) W] into rows (n, oy, ox) of C*kh*kw features. */
static float *conv_features(const struct gs_linear *l, const struct gs_etensor *x,
			    int64_t *n_rows, struct gs_error *err)
{
	int64_t N = x->dims[0], H = l->sp == 2 ? x->dims[2] : 1, W = x->dims[x->rank - 1];
	int64_t kh = l->kern[0], kw = l->kern[1], OH, OW, n, oy, ox, c, ky, kx;
	int64_t sh = l->sp == 2 ? l->stride[0] : 1, sw = l->stride[l->sp - 1];
	int64_t dh = l->sp == 2 ? l->dil[0] : 1, dw = l->dil[l->sp - 1];
	int64_t ph = l->sp == 2 ? l->pad[0] : 0, pw = l->pad[l->sp - 1];
	int64_t ph2 = l->sp == 2 ? l->pad[2] : 0, pw2 = l->pad[2 * l->sp - 1];
	const float *xd = x->data;
	float *out, *r;

	if (x->rank != l->sp + 2 || x->dims[1] != l->cin)
		return gs_error_set(err, "Conv input does not fit its weight"), NULL;
	OH = (H + ph + ph2 - dh * (kh - 1) - 1) / sh + 1;
	OW = (W + pw + pw2 - dw * (kw - 1) - 1) / sw + 1;
	if (OH <= 0 || OW <= 0)
		return gs_error_set(err, "Conv output is empty"), NULL;
	*n_rows = N * OH * OW;
	out = gs_xmalloc_huge(sizeof(float) * (size_t)(*n_rows * l->feats) + 1);
	r = out;
	for (n = 0; n < N; n++)
		for (oy = 0; oy < OH; oy++)
			for (ox = 0; ox < OW; ox++)
				for (c = 0; c < l->cin; c++) {
					const float *plane = xd + (n * l->cin + c) * H * W;

					for (ky = 0; ky < kh; ky++) {
						int64_t iy = oy * sh - ph + ky * dh;

						for (kx = 0; kx < kw; kx++) {
							int64_t ix = ox * sw - pw + kx * dw;

							*r++ = iy >= 0 && iy < H && ix >= 0 && ix < W ?
							       plane[iy * W + ix] : 0.0f;
						}
					}
				}
	return out;
}

float *gs_linear_features(const struct gs_linear *l, const struct gs_etensor *x,
			  int64_t *n_rows, struct gs_error *err)
{
	float *out;

	if (x->dtype != GS_DTYPE_FLOAT)
		return gs_error_set(err, "layer input is %s, not float32", gs_dtype_name(x->dtype)),
		       NULL;
	if (l->kind == GS_LINEAR_CONV)
		return conv_features(l, x, n_rows, err);
	if (x->rank < 1 || x->dims[x->rank - 1] != l->feats ||
	    (l->kind == GS_LINEAR_GEMM && x->rank != 2))
		return gs_error_set(err, "layer input does not fit its weight"), NULL;
	*n_rows = x->numel / l->feats;
	out = gs_xmalloc_huge(sizeof(float) * (size_t)x->numel + 1);
	memcpy(out, x->data, sizeof(float) * (size_t)x->numel);
	return out;
}

float *gs_linear_outputs(const struct gs_linear *l, const struct gs_etensor *y,
			 int64_t *n_rows, struct gs_error *err)
{
	int64_t n, p, m, P;
	const float *yd = y->data;
	float *out;

	if (y->dtype != GS_DTYPE_FLOAT || y->rank < 2)
		return gs_error_set(err, "layer output is not float32 of rank 2 or more"), NULL;
	if (l->kind != GS_LINEAR_CONV) {
		if (y->dims[y->rank - 1] != l->rows)
			return gs_error_set(err, "layer output does not fit"), NULL;
		*n_rows = y->numel / l->rows;
		out = gs_xmalloc_huge(sizeof(float) * (size_t)y->numel + 1);
		memcpy(out, yd, sizeof(float) * (size_t)y->numel);
		return out;
	}
	if (y->dims[1] != l->rows)
		return gs_error_set(err, "layer output does not fit"), NULL;
	P = y->numel / (y->dims[0] * l->rows);
	*n_rows = y->dims[0] * P;
	out = gs_xmalloc_huge(sizeof(float) * (size_t)y->numel + 1);
	for (n = 0; n < y->dims[0]; n++)
		for (m = 0; m < l->rows; m++)
			for (p = 0; p < P; p++)
				out[(n * P + p) * l->rows + m] = yd[(n * l->rows + m) * P + p];
	return out;
}

int64_t gs_linear_qindex(const struct gs_linear *l, int64_t idx)
{
	int64_t inner = 1;
	int i;

	if (l->scale->numel <= 1)
		return 0;
	for (i = l->axis + 1; i < l->w->rank; i++)
		inner *= l->w->dims[i];
	return (idx / inner) % l->w->dims[l->axis];
}

float *gs_linear_weights(const struct gs_model *m, const struct gs_linear *l,
			 struct gs_error *err)
{
	float *raw = gs_param_floats(m, l->w, err), *s = NULL, *z = NULL, *out;
	int64_t r, k;

	if (!raw)
		return NULL;
	if (l->dq) {
		if (!(s = gs_param_floats(m, l->scale, err)) ||
		    (l->zero && !(z = gs_param_floats(m, l->zero, err)))) {
			free(raw);
			free(s);
			return NULL;
		}
	}
	out = gs_xmalloc_huge(sizeof(float) * (size_t)(l->rows * l->feats) + 1);
	for (r = 0; r < l->rows; r++)
		for (k = 0; k < l->feats; k++) {
			int64_t idx = r * l->row_stride + k * l->feat_stride, q;
			float v = raw[idx];

			if (l->dq) {
				q = gs_linear_qindex(l, idx);
				v = (v - (z ? z[q] : 0.0f)) * s[q];
			}
			out[r * l->feats + k] = v;
		}
	free(raw);
	free(s);
	free(z);
	return out;
}
