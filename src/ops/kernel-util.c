/* Helpers the op families share (see ops/kernel-util.h). */
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/kernel-util.h"

/* ---- integer elements ---- */

bool gs_k_is_int(int dt)
{
	switch (dt) {
	case GS_DTYPE_INT8: case GS_DTYPE_UINT8: case GS_DTYPE_INT16:
	case GS_DTYPE_UINT16: case GS_DTYPE_INT32: case GS_DTYPE_UINT32:
	case GS_DTYPE_INT64: case GS_DTYPE_UINT64:
		return true;
	}
	return false;
}

bool gs_k_is_unsigned(int dt)
{
	return dt == GS_DTYPE_UINT8 || dt == GS_DTYPE_UINT16 || dt == GS_DTYPE_UINT32 ||
	       dt == GS_DTYPE_UINT64 || dt == GS_DTYPE_BOOL;
}

int64_t gs_k_d2i(double v)
{
	int64_t r;

	if (gs_double_to_i64(v, &r) == 0)
		return r;
	return v != v ? 0 : v > 0 ? INT64_MAX : INT64_MIN;
}

int64_t gs_k_int_at(const struct gs_etensor *t, int64_t i)
{
	if (t->dtype == GS_DTYPE_INT64)
		return ((const int64_t *)t->data)[i];
	if (t->dtype == GS_DTYPE_INT32)
		return ((const int32_t *)t->data)[i];
	return gs_k_d2i(gs_et_get(t, i));
}

/* ---- axes, inputs, outputs ---- */

int gs_k_axis(struct gs_kernel_ctx *k, int64_t a, int r, int *out)
{
	if (a < -r || a >= r)
		return gs_kernel_fail(k, "axis %lld out of range for rank %d", (long long)a, r);
	*out = (int)(a < 0 ? a + r : a);
	return 0;
}

int gs_k_in_ints(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what,
		 int64_t *out, int max)
{
	int64_t i;

	if (!t)
		return gs_kernel_fail(k, "missing input '%s'", what);
	if (!gs_k_is_int(t->dtype))
		return gs_kernel_fail(k, "input '%s' must be an integer tensor, not %s", what,
				      gs_dtype_name(t->dtype));
	if (t->rank > 1 || t->numel > max)
		return gs_kernel_fail(k, "input '%s' has %lld values, at most %d allowed", what,
				      (long long)t->numel, max);
	for (i = 0; i < t->numel; i++)
		out[i] = gs_k_int_at(t, i);
	return (int)t->numel;
}

int gs_k_attr_ints(struct gs_kernel_ctx *k, const char *name, int64_t *out, int max)
{
	const struct gs_attr *a = gs_node_attr(k->node, name);

	if (!a)
		return -1;
	if (a->type != GS_ATTR_INTS)
		return gs_kernel_fail(k, "attribute '%s' must be ints", name), -2;
	if (a->n > max)
		return gs_kernel_fail(k, "attribute '%s' has %d values, at most %d allowed",
				      name, a->n, max), -2;
	memcpy(out, a->ints, (size_t)a->n * sizeof(*out));
	return a->n;
}

int gs_k_need_inputs(struct gs_kernel_ctx *k, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!gs_kernel_in(k, i))
			return gs_kernel_fail(k, "missing input %d", i);
	return 0;
}

bool gs_k_out_wanted(const struct gs_kernel_ctx *k, int i)
{
	return i < k->node->n_outputs && k->node->outputs[i] >= 0;
}

void gs_k_row_strides(int r, const int64_t *dims, int64_t *st)
{
	int64_t s = 1;
	int a;

	for (a = r - 1; a >= 0; a--) {
		st[a] = s;
		s *= dims[a];
	}
}

int gs_k_want_float(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what)
{
	if (t->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "%s has dtype %s, expected a float type", what,
				      gs_dtype_name(t->dtype));
	return 0;
}
