/*
 * A weight as the matcher compares it: its values, however the model
 * stores them.  A plain tensor is borrowed; DequantizeLinear(q, scale, zp)
 * of constants is dequantized, and Cast(weight) widened, into float32 the
 * weight owns, so a quantized or fp16 model is compared by the values it
 * computes with.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

void gs_match_weight_release(struct gs_match_weight *w)
{
	free(w->owned);
	w->owned = NULL;
}

static void from_tensor(struct gs_match_weight *w, const struct gs_tensor *t, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->t = t;
	w->dtype = t->dtype;
	w->rank = t->rank;
	w->dims = t->dims;
	w->numel = t->numel;
	w->data = t->data;
}

void gs_match_weight_from_floats(struct gs_match_weight *w, float *data, int64_t numel, int rank,
				 const int64_t *dims, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->dtype = GS_DTYPE_FLOAT;
	w->rank = rank;
	w->dims = dims;
	w->numel = numel;
	w->data = data;
	w->owned = data;
}

float *gs_match_tensor_floats(const struct gs_tensor *t)
{
	double buf[256];
	float *f;
	int64_t i, k;

	if (!t || !t->data || t->numel <= 0)
		return NULL;
	f = gs_xmalloc(sizeof(float) * (size_t)t->numel);
	for (i = 0; i < t->numel; i += 256) {
		int64_t n = t->numel - i < 256 ? t->numel - i : 256;

		if (gs_decode_to_double(t->dtype, t->data, (size_t)i, (size_t)n, buf)) {
			free(f);
			return NULL;
		}
		for (k = 0; k < n; k++)
			f[i + k] = (float)buf[k];
	}
	return f;
}

/* w's values decoded into a new float32 buffer, or NULL. */
static float *decode(const struct gs_match_weight *w)
{
	struct gs_tensor tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.dtype = w->dtype;
	tmp.numel = w->numel;
	tmp.data = w->data;
	return gs_match_tensor_floats(&tmp);
}

const float *gs_match_weight_floats(const struct gs_match_weight *w, float **owned)
{
	*owned = NULL;
	/* weights viewed in the mapped file need not be 4-byte aligned */
	if (w->dtype == GS_DTYPE_FLOAT && (uintptr_t)w->data % sizeof(float) == 0)
		return w->data;
	return *owned = decode(w);
}

float *gs_match_weight_transposed(const struct gs_match_weight *w)
{
	float *src = w->owned ? w->owned : decode(w), *out;
	int64_t r = w->dims[0], c = w->dims[1], i, j;

	if (!src)
		return NULL;
	out = gs_xmalloc(sizeof(float) * (size_t)w->numel);
	for (i = 0; i < r; i++)
		for (j = 0; j < c; j++)
			out[j * r + i] = src[i * c + j];
	if (src != w->owned)
		free(src);
	return out;
}

/* DequantizeLinear(q, scale, zp) of constants, per tensor or per axis. */
static int dequant(struct gs_match_weight *p, const struct mview *v, const struct gs_node *dq)
{
	const struct gs_tensor *q = gs_match_view_param(v, dq->inputs[0]);
	const struct gs_tensor *s = dq->n_inputs > 1 ? gs_match_view_param(v, dq->inputs[1]) : NULL;
	const struct gs_tensor *z = dq->n_inputs > 2 ? gs_match_view_param(v, dq->inputs[2]) : NULL;
	float *qf, *sf, *zf = NULL, *out;
	int64_t axis = gs_node_attr_int(dq, "axis", 1), ch = 1, inner = 1, i;

	if (!q || !s || !(qf = gs_match_tensor_floats(q)))
		return -1;
	if (!(sf = gs_match_tensor_floats(s))) {
		free(qf);
		return -1;
	}
	if (z)
		zf = gs_match_tensor_floats(z);
	if (s->numel > 1) {
		if (axis < 0)
			axis += q->rank;
		if (axis < 0 || axis >= q->rank || q->dims[axis] != s->numel) {
			free(qf);
			free(sf);
			free(zf);
			return -1;
		}
		ch = s->numel;
		for (i = axis + 1; i < q->rank; i++)
			inner *= q->dims[i];
	}
	out = gs_xmalloc(sizeof(float) * (size_t)q->numel);
	for (i = 0; i < q->numel; i++) {
		int64_t c = (i / inner) % ch;

		out[i] = (qf[i] - (zf ? zf[c] : 0)) * sf[c];
	}
	gs_match_weight_from_floats(p, out, q->numel, q->rank, q->dims, q->name);
	p->dq = dq;
	free(qf);
	free(sf);
	free(zf);
	return 0;
}

/* Cast(weight): a weight stored in another dtype (float16, bfloat16, ...)
 * and widened where it is used; compared by the values it computes with,
 * so a model quantized to fp16 shows its weights changed, not equal. */
static int widen(struct gs_match_weight *p, const struct mview *v, const struct gs_node *cast)
{
	struct gs_match_weight src;
	float *f;
	int from;
	int in = cast->n_inputs >= 1 ? cast->inputs[0] : -1;

	/* one Cast over a weight or a DequantizeLinear: no recursion down a
	 * chain a hostile file could make arbitrarily long */
	if (in < 0 || (v->g->values[in]->producer >= 0 &&
		       v->op[v->g->values[in]->producer] == OP_Cast) ||
	    gs_match_weight_get(&src, v, in))
		return -1;
	from = src.cast_from ? src.cast_from : src.dq ? GS_DTYPE_FLOAT : src.dtype;
	if (src.owned) {
		f = src.owned;
		src.owned = NULL;
	} else if (!(f = decode(&src))) {
		return -1;
	}
	gs_match_weight_from_floats(p, f, src.numel, src.rank, src.dims, src.name);
	p->t = src.t;
	p->dq = src.dq;
	p->cast_from = from;
	return 0;
}

int gs_match_weight_get(struct gs_match_weight *p, const struct mview *v, int val)
{
	const struct gs_tensor *t = gs_match_view_param(v, val);
	const struct gs_value *gv;

	if (t) {
		from_tensor(p, t, v->g->values[val]->name);
		return t->data ? 0 : -1;
	}
	gv = v->g->values[val];
	if (gv->producer >= 0 && v->op[gv->producer] == OP_DequantizeLinear)
		return dequant(p, v, v->g->nodes[gv->producer]);
	if (gv->producer >= 0 && v->op[gv->producer] == OP_Cast)
		return widen(p, v, v->g->nodes[gv->producer]);
	return -1;
}
