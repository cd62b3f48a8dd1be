/*
 * Op family 'quant' of the registry (see graphsmith/ops.h): dtype changes.
 * Cast and CastLike, and the linear quantization ops: QuantizeLinear
 * (round half to even, then saturate), DequantizeLinear, and
 * DynamicQuantizeLinear.  Scales and zero points may be per tensor, per
 * axis (13) or per block (21).  4- and 2-bit tensors hold one element per
 * byte, float8/float4 codes one per byte too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

static bool is_f8(int dt)
{
	return dt == GS_DTYPE_FLOAT8E4M3FN || dt == GS_DTYPE_FLOAT8E4M3FNUZ ||
	       dt == GS_DTYPE_FLOAT8E5M2 || dt == GS_DTYPE_FLOAT8E5M2FNUZ;
}

static bool is_packed_int(int dt)
{
	return dt == GS_DTYPE_INT4 || dt == GS_DTYPE_UINT4 ||
	       dt == GS_DTYPE_INT2 || dt == GS_DTYPE_UINT2;
}

/* Cast to a 4- or 2-bit integer keeps the low bits, as ONNX's reference
 * does (the node tests expect -9 -> 7 for int4, 2 -> -2 for int2). */
static uint8_t wrap_bits(double v, int bits, bool sign)
{
	int64_t n, mask = ((int64_t)1 << bits) - 1;

	if (isnan(v) || fabs(v) > 1e18)
		return 0;
	n = (int64_t)nearbyint(v) & mask;
	return (uint8_t)(sign && n > mask / 2 ? n - mask - 1 : n);
}

/* v into element i of t: float8 and float4 encoded (round_mode for
 * e8m0), packed integers wrapped, everything else through gs_et_set
 * (saturating). */
static void put(struct gs_etensor *t, int64_t i, double v, bool saturate, int round_mode)
{
	uint8_t *b = t->data;

	switch (t->dtype) {
	case GS_DTYPE_FLOAT8E8M0:
		b[i] = gs_float_to_e8m0(v, saturate, round_mode);
		break;
	case GS_DTYPE_FLOAT4E2M1:
		b[i] = gs_float_to_e2m1(v);
		break;
	case GS_DTYPE_INT4: case GS_DTYPE_UINT4:
		b[i] = wrap_bits(v, 4, t->dtype == GS_DTYPE_INT4);
		break;
	case GS_DTYPE_INT2: case GS_DTYPE_UINT2:
		b[i] = wrap_bits(v, 2, t->dtype == GS_DTYPE_INT2);
		break;
	default:
		if (is_f8(t->dtype))
			b[i] = gs_float_to_f8(t->dtype, v, saturate);
		else
			gs_et_set(t, i, v);
		break;
	}
}

static bool can_hold(int dt)
{
	return dt != GS_DTYPE_STRING && gs_et_elem_size(dt) > 0;
}

/* ---- Cast, CastLike ---- */

static int cast_to(struct gs_kernel_ctx *k, int to)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	bool sat = gs_node_attr_int(k->node, "saturate", 1) != 0;
	const struct gs_attr *rm = gs_node_attr(k->node, "round_mode");
	int rmode = GS_ROUND_UP;
	int64_t i;

	if (!x)
		return gs_kernel_fail(k, "missing input");
	/* round_mode only affects casts to float8e8m0 */
	if (rm && to == GS_DTYPE_FLOAT8E8M0) {
		rmode = rm->type == GS_ATTR_STRING ? gs_round_mode_from_name(rm->s) : -1;
		if (rmode < 0)
			return gs_kernel_fail(k, "round_mode '%s' is not supported",
					      rm->type == GS_ATTR_STRING && rm->s ? rm->s : "?");
	}
	if (!can_hold(to))
		return gs_kernel_fail(k, "cast to %s (dtype %d) is not supported",
				      gs_dtype_name(to), to);
	if (!can_hold(x->dtype))
		return gs_kernel_fail(k, "cast from %s (dtype %d) is not supported",
				      gs_dtype_name(x->dtype), x->dtype);
	if (to == x->dtype) {
		gs_kernel_out_alias(k, 0, x, x->rank, x->dims);
		return 0;
	}
	if (gs_k_is_int(x->dtype) && gs_k_is_int(to)) {
		/* integer narrowing keeps the low bits (C and numpy semantics) */
		y = gs_kernel_out(k, 0, to, x->rank, x->dims);
		if (!y)
			return -1;
		for (i = 0; i < x->numel; i++)
			gs_k_store_int(y->data, to, i, gs_k_load_int(x->data, x->dtype, i));
		return 0;
	}
	if (is_f8(to) || is_f8(x->dtype) || is_packed_int(to) || to == GS_DTYPE_FLOAT8E8M0 ||
	    to == GS_DTYPE_FLOAT4E2M1) {
		y = gs_kernel_out(k, 0, to, x->rank, x->dims);
		if (!y)
			return -1;
		for (i = 0; i < x->numel; i++)
			put(y, i, gs_et_get(x, i), sat, rmode);
		return 0;
	}
	y = gs_et_convert(x, to, k->err);
	if (!y)
		return gs_error_prefix(k->err, "node '%s' (%s)", k->node->name ? k->node->name : "",
				       k->node->op_type);
	gs_et_unref(k->out[0]);
	k->out[0] = y;
	return 0;
}

static int k_cast(struct gs_kernel_ctx *k)
{
	const struct gs_attr *to = gs_node_attr(k->node, "to");

	if (!to)
		return gs_kernel_fail(k, "missing attribute 'to'");
	if (to->type == GS_ATTR_STRING)	/* opset 1 named the type */
		return cast_to(k, gs_dtype_from_name(to->s ? to->s : ""));
	return cast_to(k, (int)to->i);
}

static int k_cast_like(struct gs_kernel_ctx *k)
{
	if (!gs_kernel_in(k, 1))
		return gs_kernel_fail(k, "missing input 'target_type'");
	return cast_to(k, gs_kernel_in(k, 1)->dtype);
}

/* ---- scale layouts ---- */

enum { Q_TENSOR, Q_AXIS, Q_BLOCK };

struct qmap {
	int kind;
	int64_t inner, len, nblk, block;
};

/* Which scale element each element of x uses. */
static int64_t qmap_index(const struct qmap *m, int64_t i)
{
	int64_t a, o;

	switch (m->kind) {
	case Q_TENSOR:
		return 0;
	case Q_AXIS:
		return (i / m->inner) % m->len;
	default:
		o = i / (m->len * m->inner);
		a = (i / m->inner) % m->len;
		return (o * m->nblk + a / m->block) * m->inner + i % m->inner;
	}
}

static int qmap_setup(struct gs_kernel_ctx *k, const struct gs_etensor *x,
		      const struct gs_etensor *s, const struct gs_etensor *zp, struct qmap *m)
{
	int64_t ax = gs_node_attr_int(k->node, "axis", 1), bs = 0;
	int a = 0, j;

	if (k->opset >= 21)
		bs = gs_node_attr_int(k->node, "block_size", 0);
	memset(m, 0, sizeof(*m));
	m->inner = m->len = m->nblk = m->block = 1;
	if (zp && zp->numel != s->numel)
		return gs_kernel_fail(k, "zero point and scale differ in shape");
	for (j = 0; zp && s->numel > 1 && j < s->rank; j++)
		if (zp->rank != s->rank || zp->dims[j] != s->dims[j])
			return gs_kernel_fail(k, "zero point and scale differ in shape");
	if (bs == 0 && s->numel == 1 && s->rank <= 1) {
		m->kind = Q_TENSOR;
		return 0;
	}
	if (bs < 0)
		return gs_kernel_fail(k, "invalid block_size %lld", (long long)bs);
	if (gs_k_axis(k, ax, x->rank, &a))
		return -1;
	for (j = a + 1; j < x->rank; j++)
		m->inner *= x->dims[j];
	m->len = x->dims[a];
	if (bs == 0) {
		if (s->rank != 1 || s->dims[0] != x->dims[a])
			return gs_kernel_fail(k, "per-axis scale must have %lld values",
					      (long long)x->dims[a]);
		m->kind = Q_AXIS;
		return 0;
	}
	m->kind = Q_BLOCK;
	m->block = bs;
	m->nblk = (x->dims[a] + bs - 1) / bs;
	if (s->rank != x->rank)
		return gs_kernel_fail(k, "blocked scale must have the input's rank");
	for (j = 0; j < x->rank; j++)
		if (s->dims[j] != (j == a ? m->nblk : x->dims[j]))
			return gs_kernel_fail(k, "blocked scale has the wrong shape");
	return 0;
}

/* ---- QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear ---- */

static bool q_dtype_ok(int dt)
{
	return dt == GS_DTYPE_INT8 || dt == GS_DTYPE_UINT8 || dt == GS_DTYPE_INT16 ||
	       dt == GS_DTYPE_UINT16 || is_packed_int(dt) || dt == GS_DTYPE_INT32 ||
	       is_f8(dt) || dt == GS_DTYPE_FLOAT4E2M1;
}

static int k_quantize(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *s = gs_kernel_in(k, 1),
			  *zp = gs_kernel_in(k, 2), *y;
	int dt = GS_DTYPE_UINT8;
	bool sat = gs_node_attr_int(k->node, "saturate", 1) != 0;
	struct qmap m;
	int64_t i;

	if (!x || !s)
		return gs_kernel_fail(k, "needs x and y_scale");
	if (zp && zp->numel == 0)
		zp = NULL;
	if (zp)
		dt = zp->dtype;
	else if (k->opset >= 21 && gs_node_attr_int(k->node, "output_dtype", 0))
		dt = (int)gs_node_attr_int(k->node, "output_dtype", 0);
	if (!q_dtype_ok(dt) || dt == GS_DTYPE_INT32)
		return gs_kernel_fail(k, "quantizing to %s is not supported", gs_dtype_name(dt));
	if (!gs_dtype_is_float(x->dtype) || !gs_dtype_is_float(s->dtype) || !can_hold(x->dtype))
		return gs_kernel_fail(k, "x and y_scale must be floating point");
	if (qmap_setup(k, x, s, zp, &m))
		return -1;
	y = gs_kernel_out(k, 0, dt, x->rank, x->dims);
	if (!y)
		return -1;
	for (i = 0; i < x->numel; i++) {
		int64_t si = qmap_index(&m, i);
		float v = (float)gs_et_get(x, i) / (float)gs_et_get(s, si);

		if (is_f8(dt) || dt == GS_DTYPE_FLOAT4E2M1) {
			/* float4e2m1 always saturates (it has no inf or NaN) */
			put(y, i, v + (zp ? gs_et_get(zp, si) : 0), sat, GS_ROUND_UP);
		} else {
			/* rint first so that saturation sees the rounded value */
			double q = isnan(v) ? 0 : nearbyintf(v);

			gs_et_set(y, i, q + (zp ? gs_et_get(zp, si) : 0));
		}
	}
	return 0;
}

static int k_dequantize(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *s = gs_kernel_in(k, 1),
			  *zp = gs_kernel_in(k, 2), *y;
	int dt;
	struct qmap m;
	int64_t i;

	if (!x || !s)
		return gs_kernel_fail(k, "needs x and x_scale");
	if (zp && zp->numel == 0)
		zp = NULL;
	if (!q_dtype_ok(x->dtype))
		return gs_kernel_fail(k, "dequantizing %s is not supported", gs_dtype_name(x->dtype));
	if (zp && zp->dtype != x->dtype)
		return gs_kernel_fail(k, "zero point must have the input's dtype");
	dt = s->dtype;
	if (gs_node_attr_int(k->node, "output_dtype", 0))
		dt = (int)gs_node_attr_int(k->node, "output_dtype", 0);
	if (!gs_dtype_is_float(s->dtype) || !can_hold(s->dtype) || !gs_dtype_is_float(dt) ||
	    is_f8(dt) || !can_hold(dt))
		return gs_kernel_fail(k, "x_scale of dtype %s is not supported",
				      gs_dtype_name(s->dtype));
	if (qmap_setup(k, x, s, zp, &m))
		return -1;
	y = gs_kernel_out(k, 0, dt, x->rank, x->dims);
	if (!y)
		return -1;
	for (i = 0; i < x->numel; i++) {
		int64_t si = qmap_index(&m, i);
		float v = ((float)gs_et_get(x, i) - (zp ? (float)gs_et_get(zp, si) : 0.0f)) *
			  (float)gs_et_get(s, si);

		if (dt == GS_DTYPE_FLOAT)
			((float *)y->data)[i] = v;
		else
			gs_et_set(y, i, v);
	}
	return 0;
}

static int k_dynamic_quantize(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y, *ys, *yz;
	float lo = 0, hi = 0, scale, zpf;
	const float *xd;
	uint8_t zp;
	int64_t i;

	if (!x || x->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "input must be float32");
	xd = x->data;
	for (i = 0; i < x->numel; i++) {
		if (isnan(xd[i]))
			return gs_kernel_fail(k, "input holds NaN");
		lo = xd[i] < lo ? xd[i] : lo;
		hi = xd[i] > hi ? xd[i] : hi;
	}
	scale = (hi - lo) / 255.0f;
	zpf = scale > 0 ? nearbyintf((0 - lo) / scale) : 0;
	zp = (uint8_t)(zpf < 0 ? 0 : zpf > 255 ? 255 : zpf);
	y = gs_kernel_out(k, 0, GS_DTYPE_UINT8, x->rank, x->dims);
	ys = y ? gs_kernel_out(k, 1, GS_DTYPE_FLOAT, 0, NULL) : NULL;
	yz = ys ? gs_kernel_out(k, 2, GS_DTYPE_UINT8, 0, NULL) : NULL;
	if (!yz)
		return -1;
	*(float *)ys->data = scale;
	*(uint8_t *)yz->data = zp;
	for (i = 0; i < x->numel; i++) {
		float q = scale > 0 ? nearbyintf(xd[i] / scale) + zp : zp;

		((uint8_t *)y->data)[i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
	}
	return 0;
}

const struct gs_op gs_ops_quant[] = {
	{ .domain = "", .name = "Cast", .since = 1, .kernel = k_cast,
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 6, 9, 13, 19, 21, 23, 24 },	/* and 25 (int2), no room */
	  .note = "convert to dtype 'to' (float->int saturates here, NaN -> 0; ints wrap; "
		  "e8m0 rounds per round_mode)" },
	{ .domain = "", .name = "CastLike", .since = 15, .kernel = k_cast_like,
	  .changed = { 19, 21, 23, 24, 25 },
	  .note = "Cast to the dtype of the second input" },
	{ .domain = "", .name = "QuantizeLinear", .since = 10, .kernel = k_quantize,
	  .attrs = GS_OP_ATTRS(GS_DFLT_INT("axis", 1), GS_DFLT_INT("saturate", 1)),
	  .changed = { 13, 19, 21, 23, 24, 25 },
	  .note = "y = saturate(round_half_even(x / scale) + zero_point); per tensor, axis or block" },
	{ .domain = "", .name = "DequantizeLinear", .since = 10, .kernel = k_dequantize,
	  .attrs = GS_OP_ATTRS(GS_DFLT_INT("axis", 1)),
	  .changed = { 13, 19, 21, 23, 24, 25 },
	  .note = "y = (x - zero_point) * scale; per tensor, axis or block" },
	{ .domain = "", .name = "DynamicQuantizeLinear", .since = 11, .kernel = k_dynamic_quantize,
	  .note = "uint8 quantization with scale and zero point taken from the data's range" },
	{ .name = NULL },
};
