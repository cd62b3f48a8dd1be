/* Evaluating one node over constants, for `fuse constants`, with the
 * evaluator's kernels (src/ops): every op the registry runs folds when all
 * its inputs are parameters, and Shape folds over a value whose declared
 * shape is static.  Two kinds of node are left alone on purpose: they are
 * how an earlier step chose to store a weight, and folding them would
 * undo it (DequantizeLinear of a quantized weight; a Cast that widens a
 * float16/bfloat16 weight).  A result over FUSE_FOLD_MAX_BYTES is not
 * materialised. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "passes/fuse-internal.h"

void gs_fuse_value_release(struct fuse_value *v)
{
	free(v->dims);
	free(v->data);
	memset(v, 0, sizeof(*v));
}

/* A storage decoder: folding it would store the weight wide again. */
static bool keeps_storage(const struct gs_graph *g, const struct gs_node *n)
{
	const struct gs_tensor *src;
	int64_t to;

	if (!strcmp(n->op_type, "DequantizeLinear"))
		return true;
	if (strcmp(n->op_type, "Cast") || !(src = gs_fuse_param(g, n, 0)))
		return false;
	to = gs_node_attr_int(n, "to", 0);
	/* a float16/bfloat16/float8 weight read as a wider float */
	return gs_dtype_is_float(src->dtype) && gs_dtype_bits(src->dtype) <= 16 &&
	       gs_dtype_is_float((int)to) && gs_dtype_bits((int)to) > gs_dtype_bits(src->dtype);
}

/* A tensor that has only the declared static shape of value v: Shape
 * reads nothing else. */
static struct gs_etensor *shape_only(const struct gs_value *v)
{
	int64_t dims[GS_EVAL_MAX_RANK];
	struct gs_etensor *t;
	struct gs_error e;
	int i;

	if (v->kind == GS_VALUE_OUTER && v->outer)
		v = v->outer;
	if (v->rank < 0 || v->rank > GS_EVAL_MAX_RANK || (v->rank && !v->dims) || !v->dtype)
		return NULL;
	for (i = 0; i < v->rank; i++)
		if ((dims[i] = v->dims[i].value) < 0 || v->dims[i].param)
			return NULL;
	/* zero elements: the tensor is a shape and nothing else */
	t = gs_et_new(GS_DTYPE_UINT8, 0, NULL, &e);
	if (!t)
		return NULL;
	t->rank = v->rank;
	memcpy(t->dims, dims, sizeof(int64_t) * (size_t)v->rank);
	t->numel = 0;
	return t;
}

/* The ONNX bytes of an evaluator tensor (4-bit types packed again). */
static void *to_onnx_bytes(const struct gs_etensor *t, size_t *nbytes)
{
	int64_t size = gs_dtype_nbytes(t->dtype, t->numel), i;
	uint8_t *p;

	if (size < 0)
		return NULL;
	p = gs_xcalloc((size_t)size + 1, 1);
	if (gs_dtype_bits(t->dtype) == 4) {
		for (i = 0; i < t->numel; i++)
			p[i / 2] |= (uint8_t)((((const uint8_t *)t->data)[i] & 0x0f) << (i % 2 * 4));
	} else if (gs_dtype_bits(t->dtype) == 2) {
		for (i = 0; i < t->numel; i++)
			p[i / 4] |= (uint8_t)((((const uint8_t *)t->data)[i] & 0x03) << (i % 4 * 2));
	} else if (size) {
		memcpy(p, t->data, (size_t)size);
	}
	*nbytes = (size_t)size;
	return p;
}

int gs_fuse_eval(const struct gs_graph *g, const struct gs_node *n, size_t max_bytes,
		 struct fuse_value *out)
{
	struct gs_etensor *in[16] = { 0 }, *res[1] = { NULL };
	size_t limit = gs_eval_mem_limit(), live = gs_eval_mem_live();
	struct gs_error err;
	int i, rc = -1;

	memset(out, 0, sizeof(*out));
	if (n->domain[0] || n->n_inputs < 1 || n->inputs[0] < 0 || n->n_outputs != 1 ||
	    n->n_inputs > 16 || keeps_storage(g, n))
		return -1;
	for (i = 0; i < n->n_inputs; i++) {
		struct gs_tensor *t;

		if (n->inputs[i] < 0)
			continue;
		if ((t = gs_fuse_param(g, n, i)))
			in[i] = gs_et_from_param(g->model, t, &err);
		else if (i == 0 && !strcmp(n->op_type, "Shape"))
			in[i] = shape_only(g->values[n->inputs[i]]);
		if (!in[i])
			goto out;
	}
	/* a folded constant is materialised in the model: bound it before
	 * anything is allocated (the kernel's allocation is refused) */
	if (max_bytes > FUSE_FOLD_MAX_BYTES)
		max_bytes = FUSE_FOLD_MAX_BYTES;
	if (live + max_bytes < limit)
		gs_eval_set_mem_limit(live + max_bytes);
	rc = gs_eval_node(g->model, g, n, in, res, &err);
	gs_eval_set_mem_limit(limit);
	if ((rc && strstr(err.msg, "memory limit")) || (!rc && res[0] && res[0]->nbytes > max_bytes)) {
		rc = -2;
		goto out;
	}
	if (rc || !res[0] || !(out->data = to_onnx_bytes(res[0], &out->nbytes))) {
		rc = -1;
		goto out;
	}
	out->dtype = res[0]->dtype;
	out->rank = res[0]->rank;
	out->dims = gs_xmalloc(sizeof(int64_t) * ((size_t)res[0]->rank + 1));
	if (res[0]->rank)
		memcpy(out->dims, res[0]->dims, sizeof(int64_t) * (size_t)res[0]->rank);
	rc = 0;
out:
	for (i = 0; i < n->n_inputs && i < 16; i++)
		gs_et_unref(in[i]);
	gs_et_unref(res[0]);
	return rc;
}
