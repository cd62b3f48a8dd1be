/* Op family 'elementwise' of the registry (see graphsmith/ops.h): unary
 * maps, activations, binary and variadic arithmetic with numpy
 * broadcasting, comparisons, logic and bit operations.
 *
 * Float ops run on float32 only (the registry converts fp16/bf16/double).
 * Integer paths compute in 64 bits (unsigned where the dtype is) and wrap
 * to the output width like numpy; they go element by element through
 * gs_k_load_int/gs_k_store_int, which is plenty for the small shape and
 * index tensors models compute on.  Every binary, variadic and ternary op runs through
 * one broadcast walker that hands out contiguous inner runs. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ops/families.h"
#include "ops/kernel-util.h"

/* The float loops below are the evaluator's hot spots: vectorise them
 * whatever -O level the build uses. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

static int bits_of(int dt)
{
	return dt == GS_DTYPE_BOOL ? 8 : gs_dtype_bits(dt);
}

/* ---- broadcasting ---- */

#define MAX_OPERANDS 4		/* the output and up to three inputs */

struct bcast {
	int n;				/* operands, the output first */
	int rank;			/* after merging, >= 1 */
	int64_t dims[GS_EVAL_MAX_RANK];
	int64_t st[MAX_OPERANDS][GS_EVAL_MAX_RANK];	/* 0 on broadcast dims */
};

/* Element strides of every operand over the output shape, with size-1
 * dims dropped and neighbours merged wherever all operands step through
 * them alike: same shapes become one run, [N,C,H,W]+[C,1,1] becomes
 * [N,C,H*W] with an inner stride 0 for the bias. */
static void bcast_init(struct bcast *b, int rank, const int64_t *dims, int n,
		       const struct gs_etensor *const *ts)
{
	int64_t st[MAX_OPERANDS][GS_EVAL_MAX_RANK];
	int d, j, r = 0;

	b->n = n;
	for (j = 0; j < n; j++) {
		const struct gs_etensor *t = ts[j];
		int64_t s = 1;

		for (d = rank - 1; d >= 0; d--) {
			int td = d - (rank - t->rank);

			if (td < 0 || t->dims[td] == 1) {
				st[j][d] = 0;
			} else {
				st[j][d] = s;
				s *= t->dims[td];
			}
		}
	}
	for (d = 0; d < rank; d++) {
		bool merge = r > 0;

		if (dims[d] == 1)
			continue;
		for (j = 0; j < n && merge; j++)
			merge = b->st[j][r - 1] == st[j][d] * dims[d];
		if (merge) {
			b->dims[r - 1] *= dims[d];
		} else {
			b->dims[r] = dims[d];
			r++;
		}
		for (j = 0; j < n; j++)
			b->st[j][r - 1] = st[j][d];
	}
	if (!r) {
		b->dims[0] = 1;
		for (j = 0; j < n; j++)
			b->st[j][0] = 0;
		r = 1;
	}
	b->rank = r;
}

/* fn gets each operand's element offset of a run of len elements and the
 * operands' strides inside the run (the output's is always 1) */
typedef int (*run_fn)(void *ctx, const int64_t *off, int64_t len, const int64_t *inner);

static int bcast_walk(const struct bcast *b, run_fn fn, void *ctx)
{
	int64_t idx[GS_EVAL_MAX_RANK] = { 0 }, off[MAX_OPERANDS] = { 0 };
	int64_t inner[MAX_OPERANDS], outer = 1, o;
	int last = b->rank - 1, d, j;

	for (d = 0; d < last; d++)
		outer *= b->dims[d];
	if (!outer || !b->dims[last])
		return 0;
	for (j = 0; j < b->n; j++)
		inner[j] = b->st[j][last];
	for (o = 0; o < outer; o++) {
		if (fn(ctx, off, b->dims[last], inner))
			return -1;
		for (d = last - 1; d >= 0; d--) {
			for (j = 0; j < b->n; j++)
				off[j] += b->st[j][d];
			if (++idx[d] < b->dims[d])
				break;
			for (j = 0; j < b->n; j++)
				off[j] -= b->st[j][d] * b->dims[d];
			idx[d] = 0;
		}
	}
	return 0;
}

/* gs_kernel_fail formats into k->err, so a message already there is
 * copied out first */
static int fail_with_err(struct gs_kernel_ctx *k)
{
	char msg[sizeof(k->err->msg)];

	snprintf(msg, sizeof(msg), "%s", k->err->msg);
	return gs_kernel_fail(k, "%s", msg);
}

/* ---- binary ops ---- */

enum bop {
	B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MOD, B_FMOD, B_MAX, B_MIN, B_PRELU,
	B_BAND, B_BOR, B_BXOR, B_SHL, B_SHR,
	/* bool results from here on */
	B_EQ, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR, B_XOR,
};

struct bin {
	enum bop op;
	char *y;
	const char *a, *b;
	int dy, da, db;
	bool uns;
	const struct gs_etensor *ta, *tb;	/* for the double path */
	struct gs_kernel_ctx *k;
};

static float fmax_nan(float x, float y)
{
	return (x >= y || x != x) ? x : y;
}

static float fmin_nan(float x, float y)
{
	return (x <= y || x != x) ? x : y;
}

/* Python's modulo: the result takes the divisor's sign */
static float pymodf(float x, float y)
{
	float r = fmodf(x, y);

	if (r != 0 && ((r < 0) != (y < 0)))
		r += y;
	return r;
}

/* the run loop, specialised for the common stride patterns so the
 * compiler can vectorise them */
#define RUN_LOOP(expr) do { \
	if (sa == 1 && sb == 1) { \
		for (i = 0; i < n; i++) { float x = a[i], y = b[i]; o[i] = (expr); } \
	} else if (sb == 0) { \
		float y = b[0]; \
		for (i = 0; i < n; i++) { float x = a[i * sa]; o[i] = (expr); } \
	} else if (sa == 0) { \
		float x = a[0]; \
		for (i = 0; i < n; i++) { float y = b[i * sb]; o[i] = (expr); } \
	} else { \
		for (i = 0; i < n; i++) { float x = a[i * sa], y = b[i * sb]; o[i] = (expr); } \
	} \
} while (0)

static void arith_f32(enum bop op, float *o, const float *a, int64_t sa, const float *b,
		      int64_t sb, int64_t n)
{
	int64_t i;

	switch (op) {
	case B_ADD: RUN_LOOP(x + y); break;
	case B_SUB: RUN_LOOP(x - y); break;
	case B_MUL: RUN_LOOP(x * y); break;
	case B_DIV: RUN_LOOP(x / y); break;
	case B_POW: RUN_LOOP(powf(x, y)); break;
	case B_MOD: RUN_LOOP(pymodf(x, y)); break;
	case B_FMOD: RUN_LOOP(fmodf(x, y)); break;
	case B_MAX: RUN_LOOP(fmax_nan(x, y)); break;
	case B_MIN: RUN_LOOP(fmin_nan(x, y)); break;
	case B_PRELU: RUN_LOOP(x < 0 ? x * y : x); break;
	default: break;
	}
}

static void cmp_f32(enum bop op, uint8_t *o, const float *a, int64_t sa, const float *b,
		    int64_t sb, int64_t n)
{
	int64_t i;

	switch (op) {
	case B_EQ: RUN_LOOP(x == y); break;
	case B_LT: RUN_LOOP(x < y); break;
	case B_LE: RUN_LOOP(x <= y); break;
	case B_GT: RUN_LOOP(x > y); break;
	case B_GE: RUN_LOOP(x >= y); break;
	default: break;
	}
}

static int64_t ipow(int64_t x, uint64_t e)
{
	uint64_t r = 1, b = (uint64_t)x;

	while (e) {
		if (e & 1)
			r *= b;
		b *= b;
		e /= 2;
	}
	return (int64_t)r;
}

/* One integer (or bool) element: 64-bit arithmetic that wraps instead
 * of overflowing; -1 on a zero divisor, -2 on a negative exponent (no
 * integer result, numpy refuses too). */
static int iop(const struct bin *c, int64_t x, int64_t y, int64_t *r)
{
	uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
	int bits;

	switch (c->op) {
	case B_ADD: *r = (int64_t)(ux + uy); break;
	case B_SUB: *r = (int64_t)(ux - uy); break;
	case B_MUL: *r = (int64_t)(ux * uy); break;
	case B_DIV:
		if (!y)
			return -1;
		if (c->uns)
			*r = (int64_t)(ux / uy);
		else
			*r = y == -1 ? (int64_t)(0 - ux) : x / y;
		break;
	case B_MOD:
	case B_FMOD:
		if (!y)
			return -1;
		if (c->uns) {
			*r = (int64_t)(ux % uy);
		} else if (y == -1) {
			*r = 0;
		} else {
			*r = x % y;
			if (c->op == B_MOD && *r && ((*r < 0) != (y < 0)))
				*r += y;
		}
		break;
	case B_POW:
		if (y < 0 && !gs_k_is_unsigned(c->db))
			return -2;
		*r = ipow(x, uy);
		break;
	case B_MAX: *r = (c->uns ? ux >= uy : x >= y) ? x : y; break;
	case B_MIN: *r = (c->uns ? ux <= uy : x <= y) ? x : y; break;
	case B_PRELU: *r = x < 0 ? (int64_t)(ux * uy) : x; break;
	case B_BAND: *r = x & y; break;
	case B_BOR: *r = x | y; break;
	case B_BXOR: *r = x ^ y; break;
	case B_SHL:
	case B_SHR:
		bits = bits_of(c->da);
		if (uy >= (uint64_t)bits)
			*r = 0;
		else if (c->op == B_SHL)
			*r = (int64_t)(ux << uy);
		else
			*r = (int64_t)(ux >> uy);
		break;
	case B_EQ: *r = x == y; break;
	case B_LT: *r = c->uns ? ux < uy : x < y; break;
	case B_LE: *r = c->uns ? ux <= uy : x <= y; break;
	case B_GT: *r = c->uns ? ux > uy : x > y; break;
	case B_GE: *r = c->uns ? ux >= uy : x >= y; break;
	case B_AND: *r = x && y; break;
	case B_OR: *r = x || y; break;
	case B_XOR: *r = !x != !y; break;
	}
	return 0;
}

/* Comparisons of double, fp16 and bf16 inputs: through double, where
 * they are exact (float32 could make unequal doubles equal). */
static void cmp_double(const struct bin *c, const int64_t *off, int64_t n, const int64_t *inner)
{
	uint8_t *o = (uint8_t *)c->y + off[0];
	int64_t i;

	for (i = 0; i < n; i++) {
		double x = gs_et_get(c->ta, off[1] + i * inner[1]);
		double y = gs_et_get(c->tb, off[2] + i * inner[2]);

		switch (c->op) {
		case B_EQ: o[i] = x == y; break;
		case B_LT: o[i] = x < y; break;
		case B_LE: o[i] = x <= y; break;
		case B_GT: o[i] = x > y; break;
		case B_GE: o[i] = x >= y; break;
		default: break;
		}
	}
}

static int bin_run(void *ctx, const int64_t *off, int64_t n, const int64_t *inner)
{
	struct bin *c = ctx;
	int64_t i, r;

	if (c->da != GS_DTYPE_FLOAT && gs_dtype_is_float(c->da)) {
		cmp_double(c, off, n, inner);
		return 0;
	}

	if (c->da == GS_DTYPE_FLOAT) {
		const float *a = (const float *)c->a + off[1], *b = (const float *)c->b + off[2];

		if (c->op >= B_EQ)
			cmp_f32(c->op, (uint8_t *)c->y + off[0], a, inner[1], b, inner[2], n);
		else
			arith_f32(c->op, (float *)c->y + off[0], a, inner[1], b, inner[2], n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		int64_t x = gs_k_load_int(c->a, c->da, off[1] + i * inner[1]);

		if (c->db == GS_DTYPE_FLOAT) {
			/* Pow with an integer base and a float exponent */
			double y = ((const float *)c->b)[off[2] + i * inner[2]];

			r = gs_k_d2i(pow((double)x, y));
		} else {
			int e = iop(c, x, gs_k_load_int(c->b, c->db, off[2] + i * inner[2]), &r);

			if (e)
				return gs_kernel_fail(c->k, e == -1 ? "integer division by zero"
								    : "negative integer exponent");
		}
		gs_k_store_int(c->y, c->dy, off[0] + i, r);
	}
	return 0;
}

/* comparisons are not GS_OP_FLOAT32: doubles must not be rounded first */
static bool cmp_takes(int dt)
{
	return gs_k_is_int(dt) || dt == GS_DTYPE_FLOAT || dt == GS_DTYPE_DOUBLE ||
	       dt == GS_DTYPE_FLOAT16 || dt == GS_DTYPE_BFLOAT16;
}

/* Which dtypes an op takes. */
static bool bin_takes(enum bop op, int dt)
{
	switch (op) {
	case B_AND: case B_OR: case B_XOR:
		return dt == GS_DTYPE_BOOL;
	case B_EQ:
		return dt == GS_DTYPE_BOOL || cmp_takes(dt);
	case B_LT: case B_LE: case B_GT: case B_GE:
		return cmp_takes(dt);
	case B_BAND: case B_BOR: case B_BXOR: case B_SHL: case B_SHR:
		return gs_k_is_int(dt);
	default:
		return dt == GS_DTYPE_FLOAT || gs_k_is_int(dt);
	}
}

/* y = a op b into an output already allocated with the broadcast shape
 * (y may be a itself: each element is read before it is written) */
static int bin_apply(struct gs_kernel_ctx *k, enum bop op, struct gs_etensor *y,
		     const struct gs_etensor *a, const struct gs_etensor *b)
{
	const struct gs_etensor *ts[3] = { y, a, b };
	struct bcast bc;
	struct bin c = {
		.op = op, .y = y->data, .a = a->data, .b = b->data,
		.dy = y->dtype, .da = a->dtype, .db = b->dtype,
		.uns = gs_k_is_unsigned(a->dtype), .ta = a, .tb = b, .k = k,
	};

	bcast_init(&bc, y->rank, y->dims, 3, ts);
	return bcast_walk(&bc, bin_run, &c);
}

/* A Relu the plan folded into this node (GS_OP_EPILOGUE), in place */
static void relu_epilogue(struct gs_etensor *y)
{
	int64_t i;

	if (y->dtype == GS_DTYPE_FLOAT) {
		float *f = y->data;

		for (i = 0; i < y->numel; i++)
			f[i] = f[i] < 0 ? 0.0f : f[i];
		return;
	}
	if (gs_k_is_unsigned(y->dtype))
		return;
	for (i = 0; i < y->numel; i++)
		if (gs_k_load_int(y->data, y->dtype, i) < 0)
			gs_k_store_int(y->data, y->dtype, i, 0);
}

static int binary(struct gs_kernel_ctx *k, enum bop op)
{
	struct gs_etensor *a = gs_kernel_in(k, 0), *b = gs_kernel_in(k, 1), *y, *conv = NULL;
	const struct gs_etensor *ts[2];
	int64_t dims[GS_EVAL_MAX_RANK];
	int rank, ret;

	if (!a || !b)
		return gs_kernel_fail(k, "needs two inputs");
	if (!bin_takes(op, a->dtype))
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(a->dtype));
	if (op == B_POW) {
		if (b->dtype != GS_DTYPE_FLOAT && !gs_k_is_int(b->dtype))
			return gs_kernel_fail(k, "exponent dtype '%s' not supported",
					      gs_dtype_name(b->dtype));
		if (a->dtype == GS_DTYPE_FLOAT && b->dtype != GS_DTYPE_FLOAT) {
			/* a float base: the exponent goes float too */
			conv = gs_et_convert(b, GS_DTYPE_FLOAT, k->err);
			if (!conv)
				return fail_with_err(k);
			b = conv;
		}
	} else if (a->dtype != b->dtype) {
		return gs_kernel_fail(k, "input dtypes '%s' and '%s' differ",
				      gs_dtype_name(a->dtype), gs_dtype_name(b->dtype));
	}
	if (k->opset < 7 && gs_node_attr_int(k->node, "broadcast", 0) &&
	    gs_node_attr(k->node, "axis") &&
	    gs_node_attr_int(k->node, "axis", 0) != a->rank - b->rank) {
		gs_et_unref(conv);
		return gs_kernel_fail(k, "legacy broadcast with 'axis' not supported");
	}
	if (op == B_PRELU && k->opset < 7 && b->rank == 1 && a->rank >= 2 && b->dims[0] > 1 &&
	    b->dims[0] == a->dims[1]) {
		/* before opset 7 a slope of size C is per channel (axis 1): as
		 * [C, 1, ..., 1] it broadcasts the modern way */
		int64_t sd[GS_EVAL_MAX_RANK];
		int d;

		sd[0] = b->dims[0];
		for (d = 1; d < a->rank - 1; d++)
			sd[d] = 1;
		gs_et_unref(conv);
		b = conv = gs_et_alias(b, a->rank - 1, sd);
	}
	ts[0] = a;
	ts[1] = b;
	ret = -1;
	if (gs_broadcast_shape(2, ts, &rank, dims, k->err)) {
		fail_with_err(k);
		goto out;
	}
	if (op == B_PRELU && (rank != a->rank || memcmp(dims, a->dims, rank * sizeof(*dims)))) {
		gs_kernel_fail(k, "slope does not broadcast to the input's shape");
		goto out;
	}
	y = gs_kernel_out(k, 0, op >= B_EQ ? GS_DTYPE_BOOL : a->dtype, rank, dims);
	if (!y)
		goto out;
	ret = bin_apply(k, op, y, a, b);
	if (!ret && (k->epilogue & GS_EPILOGUE_RELU))
		relu_epilogue(y);
out:
	gs_et_unref(conv);
	return ret;
}

#define BINARY_KERNEL(name, op) \
	static int k_##name(struct gs_kernel_ctx *k) { return binary(k, op); }

BINARY_KERNEL(add, B_ADD)
BINARY_KERNEL(sub, B_SUB)
BINARY_KERNEL(mul, B_MUL)
BINARY_KERNEL(div, B_DIV)
BINARY_KERNEL(pow, B_POW)
BINARY_KERNEL(prelu, B_PRELU)
BINARY_KERNEL(equal, B_EQ)
BINARY_KERNEL(less, B_LT)
BINARY_KERNEL(less_equal, B_LE)
BINARY_KERNEL(greater, B_GT)
BINARY_KERNEL(greater_equal, B_GE)
BINARY_KERNEL(and, B_AND)
BINARY_KERNEL(or, B_OR)
BINARY_KERNEL(xor, B_XOR)
BINARY_KERNEL(bitwise_and, B_BAND)
BINARY_KERNEL(bitwise_or, B_BOR)
BINARY_KERNEL(bitwise_xor, B_BXOR)

static int k_mod(struct gs_kernel_ctx *k)
{
	return binary(k, gs_node_attr_int(k->node, "fmod", 0) ? B_FMOD : B_MOD);
}

static int k_bitshift(struct gs_kernel_ctx *k)
{
	const struct gs_attr *dir = gs_node_attr(k->node, "direction");

	if (!dir || !dir->s)
		return gs_kernel_fail(k, "needs the 'direction' attribute");
	if (!strcmp(dir->s, "LEFT"))
		return binary(k, B_SHL);
	if (!strcmp(dir->s, "RIGHT"))
		return binary(k, B_SHR);
	return gs_kernel_fail(k, "direction '%s' not supported", dir->s);
}

/* ---- variadic: Sum, Mean, Max, Min ---- */

static int variadic(struct gs_kernel_ctx *k, enum bop op, bool mean)
{
	const struct gs_etensor *ts[64];
	struct gs_etensor *y;
	int64_t dims[GS_EVAL_MAX_RANK], i;
	int n = 0, rank, j;

	for (j = 0; j < k->n_in; j++) {
		if (!k->in[j])
			continue;
		if (n == (int)(sizeof(ts) / sizeof(*ts)))
			return gs_kernel_fail(k, "more than %d inputs", n);
		ts[n] = k->in[j];
		if (!bin_takes(op, ts[n]->dtype) || (mean && ts[n]->dtype != GS_DTYPE_FLOAT))
			return gs_kernel_fail(k, "input dtype '%s' not supported",
					      gs_dtype_name(ts[n]->dtype));
		if (ts[n]->dtype != ts[0]->dtype)
			return gs_kernel_fail(k, "input dtypes '%s' and '%s' differ",
					      gs_dtype_name(ts[0]->dtype),
					      gs_dtype_name(ts[n]->dtype));
		n++;
	}
	if (!n)
		return gs_kernel_fail(k, "needs at least one input");
	if (gs_broadcast_shape(n, ts, &rank, dims, k->err))
		return fail_with_err(k);
	y = gs_kernel_out(k, 0, ts[0]->dtype, rank, dims);
	if (!y)
		return -1;
	if (n == 1) {
		if (y->nbytes)
			memcpy(y->data, ts[0]->data, y->nbytes);
		return 0;
	}
	/* the first step reads two inputs, the later ones fold into y */
	if (bin_apply(k, op, y, ts[0], ts[1]))
		return -1;
	for (j = 2; j < n; j++)
		if (bin_apply(k, op, y, y, ts[j]))
			return -1;
	if (mean)
		for (i = 0; i < y->numel; i++)
			((float *)y->data)[i] /= (float)n;
	return 0;
}

static int k_sum(struct gs_kernel_ctx *k) { return variadic(k, B_ADD, false); }
static int k_mean(struct gs_kernel_ctx *k) { return variadic(k, B_ADD, true); }
static int k_max(struct gs_kernel_ctx *k) { return variadic(k, B_MAX, false); }
static int k_min(struct gs_kernel_ctx *k) { return variadic(k, B_MIN, false); }

/* ---- Where ---- */

struct where {
	const uint8_t *c;
	const char *x, *y;
	char *o;
	size_t es;
};

#define WHERE_LOOP(type) do { \
	type *o = (type *)w->o + off[0]; \
	const type *x = (const type *)w->x + off[2], *y = (const type *)w->y + off[3]; \
	for (i = 0; i < n; i++) \
		o[i] = c[i * inner[1]] ? x[i * inner[2]] : y[i * inner[3]]; \
} while (0)

static int where_run(void *ctx, const int64_t *off, int64_t n, const int64_t *inner)
{
	struct where *w = ctx;
	const uint8_t *c = w->c + off[1];
	int64_t i;

	switch (w->es) {
	case 1: WHERE_LOOP(uint8_t); break;
	case 2: WHERE_LOOP(uint16_t); break;
	case 4: WHERE_LOOP(uint32_t); break;
	case 8: WHERE_LOOP(uint64_t); break;
	default:
		for (i = 0; i < n; i++)
			memcpy(w->o + (off[0] + i) * w->es,
			       c[i * inner[1]] ? w->x + (off[2] + i * inner[2]) * w->es
					       : w->y + (off[3] + i * inner[3]) * w->es, w->es);
	}
	return 0;
}

static int k_where(struct gs_kernel_ctx *k)
{
	struct gs_etensor *c = gs_kernel_in(k, 0), *x = gs_kernel_in(k, 1);
	struct gs_etensor *y = gs_kernel_in(k, 2), *o;
	const struct gs_etensor *ts[4];
	int64_t dims[GS_EVAL_MAX_RANK];
	struct bcast bc;
	struct where w;
	int rank;

	if (!c || !x || !y)
		return gs_kernel_fail(k, "needs three inputs");
	if (c->dtype != GS_DTYPE_BOOL)
		return gs_kernel_fail(k, "condition dtype '%s' is not bool",
				      gs_dtype_name(c->dtype));
	if (x->dtype != y->dtype)
		return gs_kernel_fail(k, "input dtypes '%s' and '%s' differ",
				      gs_dtype_name(x->dtype), gs_dtype_name(y->dtype));
	w.es = gs_et_elem_size(x->dtype);
	if (!w.es)
		return gs_kernel_fail(k, "dtype '%s' not supported", gs_dtype_name(x->dtype));
	ts[0] = c;
	ts[1] = x;
	ts[2] = y;
	if (gs_broadcast_shape(3, ts, &rank, dims, k->err))
		return fail_with_err(k);
	o = gs_kernel_out(k, 0, x->dtype, rank, dims);
	if (!o)
		return -1;
	ts[0] = o;
	ts[1] = c;
	ts[2] = x;
	ts[3] = y;
	w.c = c->data;
	w.x = x->data;
	w.y = y->data;
	w.o = o->data;
	bcast_init(&bc, rank, dims, 4, ts);
	return bcast_walk(&bc, where_run, &w);
}

/* ---- unary float maps and activations ---- */

enum uop {
	U_NEG, U_ABS, U_RECIP, U_SQRT, U_EXP, U_LOG, U_ERF, U_SIN, U_COS, U_TAN,
	U_ASIN, U_ACOS, U_ATAN, U_SINH, U_COSH, U_ASINH, U_ACOSH, U_ATANH,
	U_FLOOR, U_CEIL, U_ROUND, U_SIGN, U_RELU, U_LEAKY, U_ELU, U_SELU, U_CELU,
	U_THRESH, U_SIGMOID, U_HSIGMOID, U_HSWISH, U_TANH, U_SOFTPLUS, U_SOFTSIGN,
	U_MISH, U_GELU, U_GELU_TANH, U_CLIP, U_SWISH, U_SHRINK,
	/* integer-only */
	U_BNOT, U_NOT,
};

static float sigmoidf(float v)
{
	if (v >= 0)
		return 1 / (1 + expf(-v));
	return expf(v) / (1 + expf(v));
}

static float softplusf(float v)
{
	return v > 0 ? v + log1pf(expf(-v)) : log1pf(expf(v));
}

/* min first, then max: with min > max everything becomes max; NaN stays */
static float clipf(float v, float lo, float hi)
{
	if (v < lo)
		v = lo;
	return v > hi ? hi : v;
}

static void unary_f32(enum uop op, const float *x, float *y, int64_t n, float al, float be,
		      float ga)
{
	int64_t i;

#define MAP(expr) for (i = 0; i < n; i++) { float v = x[i]; y[i] = (expr); } break
	switch (op) {
	case U_NEG: MAP(-v);
	case U_ABS: MAP(fabsf(v));
	case U_RECIP: MAP(1 / v);
	case U_SQRT: MAP(sqrtf(v));
	case U_EXP: MAP(expf(v));
	case U_LOG: MAP(logf(v));
	case U_ERF: MAP(erff(v));
	case U_SIN: MAP(sinf(v));
	case U_COS: MAP(cosf(v));
	case U_TAN: MAP(tanf(v));
	case U_ASIN: MAP(asinf(v));
	case U_ACOS: MAP(acosf(v));
	case U_ATAN: MAP(atanf(v));
	case U_SINH: MAP(sinhf(v));
	case U_COSH: MAP(coshf(v));
	case U_ASINH: MAP(asinhf(v));
	case U_ACOSH: MAP(acoshf(v));
	case U_ATANH: MAP(atanhf(v));
	case U_FLOOR: MAP(floorf(v));
	case U_CEIL: MAP(ceilf(v));
	case U_ROUND: MAP(nearbyintf(v));	/* half to even in the default mode */
	case U_SIGN: MAP(v > 0 ? 1.0f : v < 0 ? -1.0f : v);
	case U_RELU: MAP(v < 0 ? 0.0f : v);	/* NaN stays NaN */
	case U_LEAKY: MAP(v < 0 ? al * v : v);
	case U_ELU: MAP(v < 0 ? al * expm1f(v) : v);
	case U_SELU: MAP(v <= 0 ? ga * al * expm1f(v) : ga * v);
	case U_CELU: MAP(v < 0 ? al * expm1f(v / al) : v);
	case U_THRESH: MAP(v > al ? v : 0.0f);
	case U_SIGMOID: MAP(sigmoidf(v));
	case U_HSIGMOID: MAP(fmaxf(0, fminf(1, al * v + be)));
	case U_HSWISH: MAP(v * fmaxf(0, fminf(1, v / 6 + 0.5f)));
	case U_TANH: MAP(tanhf(v));
	case U_SOFTPLUS: MAP(softplusf(v));
	case U_SOFTSIGN: MAP(v / (1 + fabsf(v)));
	case U_MISH: MAP(v * tanhf(softplusf(v)));
	case U_GELU: MAP(0.5f * v * (1 + erff(v * 0.70710678118654752f)));
	case U_GELU_TANH:
		MAP(0.5f * v * (1 + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v))));
	case U_CLIP: MAP(clipf(v, al, be));
	case U_SWISH: MAP(v * sigmoidf(al * v));
	case U_SHRINK: MAP(v < -al ? v + be : v > al ? v - be : 0.0f);
	default: break;
	}
#undef MAP
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
/*
 * Erf 16 lanes at a time on AVX-512 CPUs (glibc's erff is scalar): for
 * |x| < 0.7 the Maclaurin series to x^13, beyond it Abramowitz & Stegun
 * 7.1.26, 1 - t*P(t)*exp(-x^2) with t = 1/(1 + 0.3275911|x|) (absolute
 * error 1.5e-7, so relative error stays under 4e-7 of erff for all x).
 */
#include <immintrin.h>
#define ERF_AVX512 1

#define AVX512 __attribute__((target("avx512f")))

AVX512 static __m512 erf16(__m512 x)
{
	const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
	__m512 a = _mm512_castsi512_ps(_mm512_andnot_si512(sign, _mm512_castps_si512(x)));
	__m512 z = _mm512_mul_ps(a, a), p, t, small, big;

	p = _mm512_set1_ps(1.0f / 9360);
	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-1.0f / 1320));
	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.0f / 216));
	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-1.0f / 42));
	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.0f / 10));
	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-1.0f / 3));
	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.0f));
	small = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(1.12837916709551257f), a), p);
	t = _mm512_div_ps(_mm512_set1_ps(1.0f),
			  _mm512_fmadd_ps(a, _mm512_set1_ps(0.3275911f), _mm512_set1_ps(1.0f)));
	p = _mm512_set1_ps(1.061405429f);
	p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
	p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
	p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
	p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
	big = _mm512_fnmadd_ps(_mm512_mul_ps(p, t),
			       gs_k_exp_neg16(_mm512_sub_ps(_mm512_setzero_ps(), z)),
			       _mm512_set1_ps(1.0f));
	/* NaN fails the compare and takes `big`, which is NaN too */
	p = _mm512_mask_mov_ps(big, _mm512_cmp_ps_mask(a, _mm512_set1_ps(0.7f), _CMP_LT_OQ), small);
	return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(p),
			_mm512_and_si512(sign, _mm512_castps_si512(x))));
}

AVX512 static void erf_f32_16(const float *x, float *y, int64_t n)
{
	int64_t i;

	for (i = 0; i + 16 <= n; i += 16)
		_mm512_storeu_ps(y + i, erf16(_mm512_loadu_ps(x + i)));
	if (i < n) {
		__mmask16 m = (__mmask16)((1u << (n - i)) - 1);

		_mm512_mask_storeu_ps(y + i, m, erf16(_mm512_maskz_loadu_ps(m, x + i)));
	}
}
#undef AVX512
#endif

/* the integer ops of the unary set; lo/hi bound Clip */
static void unary_int(enum uop op, const struct gs_etensor *x, struct gs_etensor *y,
		      int64_t lo, int64_t hi)
{
	bool uns = gs_k_is_unsigned(x->dtype);
	int64_t i, v, r;

	for (i = 0; i < x->numel; i++) {
		v = gs_k_load_int(x->data, x->dtype, i);
		switch (op) {
		case U_NEG: r = (int64_t)(0 - (uint64_t)v); break;
		case U_ABS: r = uns || v >= 0 ? v : (int64_t)(0 - (uint64_t)v); break;
		case U_SIGN: r = uns ? v != 0 : (v > 0) - (v < 0); break;
		case U_RELU: r = uns || v > 0 ? v : 0; break;
		case U_BNOT: r = ~v; break;
		case U_NOT: r = !v; break;
		case U_CLIP:
			if (uns)
				r = (uint64_t)v < (uint64_t)lo ? lo : v;
			else
				r = v < lo ? lo : v;
			if (uns ? (uint64_t)r > (uint64_t)hi : r > hi)
				r = hi;
			break;
		default: r = 0; break;
		}
		gs_k_store_int(y->data, y->dtype, i, r);
	}
}

static bool unary_int_ok(enum uop op, int dt)
{
	switch (op) {
	case U_NEG: return gs_k_is_int(dt) && !gs_k_is_unsigned(dt);
	case U_ABS: case U_SIGN: case U_RELU: case U_CLIP: case U_BNOT:
		return gs_k_is_int(dt);
	case U_NOT: return dt == GS_DTYPE_BOOL;
	default: return false;
	}
}

/* Clip's bounds: attributes before opset 11, optional scalar inputs from
 * then on (an omitted one leaves that side open) */
static int clip_bounds(struct gs_kernel_ctx *k, const struct gs_etensor *x, float *flo,
		       float *fhi, int64_t *ilo, int64_t *ihi)
{
	bool uns = gs_k_is_unsigned(x->dtype);
	int i;

	*flo = -INFINITY;
	*fhi = INFINITY;
	*ilo = uns ? 0 : INT64_MIN;
	*ihi = uns ? -1 : INT64_MAX;	/* the all-ones pattern is the unsigned max */
	if (k->opset < 11) {
		*flo = gs_node_attr_float(k->node, "min", -FLT_MAX);
		*fhi = gs_node_attr_float(k->node, "max", FLT_MAX);
		return 0;
	}
	for (i = 1; i <= 2; i++) {
		const struct gs_etensor *b = gs_kernel_in(k, i);

		if (!b)
			continue;
		if (b->dtype != x->dtype)
			return gs_kernel_fail(k, "bound dtype '%s' differs from the input's '%s'",
					      gs_dtype_name(b->dtype), gs_dtype_name(x->dtype));
		if (b->numel != 1)
			return gs_kernel_fail(k, "bound has %lld elements, expected one",
					      (long long)b->numel);
		if (x->dtype == GS_DTYPE_FLOAT)
			*(i == 1 ? flo : fhi) = *(const float *)b->data;
		else
			*(i == 1 ? ilo : ihi) = gs_k_load_int(b->data, b->dtype, 0);
	}
	return 0;
}

static int unary(struct gs_kernel_ctx *k, enum uop op)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	const struct gs_node *n = k->node;
	float al = 0, be = 0, ga = 0;
	int64_t ilo = 0, ihi = 0;

	if (!x)
		return gs_kernel_fail(k, "needs an input");
	if (x->dtype != GS_DTYPE_FLOAT && !unary_int_ok(op, x->dtype))
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	switch (op) {
	case U_LEAKY: al = gs_node_attr_float(n, "alpha", 0.01f); break;
	case U_ELU: case U_CELU: case U_THRESH: al = gs_node_attr_float(n, "alpha", 1.0f); break;
	case U_SELU:
		al = gs_node_attr_float(n, "alpha", 1.67326319217681884765625f);
		ga = gs_node_attr_float(n, "gamma", 1.05070102214813232421875f);
		break;
	case U_HSIGMOID:
		al = gs_node_attr_float(n, "alpha", 0.2f);
		be = gs_node_attr_float(n, "beta", 0.5f);
		break;
	case U_SWISH: al = gs_node_attr_float(n, "alpha", 1.0f); break;
	case U_SHRINK:
		al = gs_node_attr_float(n, "lambd", 0.5f);
		be = gs_node_attr_float(n, "bias", 0.0f);
		break;
	case U_CLIP:
		if (clip_bounds(k, x, &al, &be, &ilo, &ihi))
			return -1;
		break;
	default: break;
	}
	y = gs_kernel_out(k, 0, x->dtype, x->rank, x->dims);
	if (!y)
		return -1;
#ifdef ERF_AVX512
	__builtin_cpu_init();
	if (op == U_ERF && x->dtype == GS_DTYPE_FLOAT && __builtin_cpu_supports("avx512f")) {
		erf_f32_16(x->data, y->data, x->numel);
		return 0;
	}
#endif
	if (x->dtype == GS_DTYPE_FLOAT)
		unary_f32(op, x->data, y->data, x->numel, al, be, ga);
	else
		unary_int(op, x, y, ilo, ihi);
	return 0;
}

#define UNARY_KERNEL(name, op) \
	static int k_##name(struct gs_kernel_ctx *k) { return unary(k, op); }

UNARY_KERNEL(neg, U_NEG)
UNARY_KERNEL(abs, U_ABS)
UNARY_KERNEL(reciprocal, U_RECIP)
UNARY_KERNEL(sqrt, U_SQRT)
UNARY_KERNEL(exp, U_EXP)
UNARY_KERNEL(log, U_LOG)
UNARY_KERNEL(erf, U_ERF)
UNARY_KERNEL(sin, U_SIN)
UNARY_KERNEL(cos, U_COS)
UNARY_KERNEL(tan, U_TAN)
UNARY_KERNEL(asin, U_ASIN)
UNARY_KERNEL(acos, U_ACOS)
UNARY_KERNEL(atan, U_ATAN)
UNARY_KERNEL(sinh, U_SINH)
UNARY_KERNEL(cosh, U_COSH)
UNARY_KERNEL(asinh, U_ASINH)
UNARY_KERNEL(acosh, U_ACOSH)
UNARY_KERNEL(atanh, U_ATANH)
UNARY_KERNEL(floor, U_FLOOR)
UNARY_KERNEL(ceil, U_CEIL)
UNARY_KERNEL(round, U_ROUND)
UNARY_KERNEL(sign, U_SIGN)
UNARY_KERNEL(relu, U_RELU)
UNARY_KERNEL(leaky_relu, U_LEAKY)
UNARY_KERNEL(elu, U_ELU)
UNARY_KERNEL(selu, U_SELU)
UNARY_KERNEL(celu, U_CELU)
UNARY_KERNEL(thresholded_relu, U_THRESH)
UNARY_KERNEL(sigmoid, U_SIGMOID)
UNARY_KERNEL(hard_sigmoid, U_HSIGMOID)
UNARY_KERNEL(hard_swish, U_HSWISH)
UNARY_KERNEL(tanh, U_TANH)
UNARY_KERNEL(softplus, U_SOFTPLUS)
UNARY_KERNEL(softsign, U_SOFTSIGN)
UNARY_KERNEL(mish, U_MISH)
UNARY_KERNEL(clip, U_CLIP)
UNARY_KERNEL(swish, U_SWISH)
UNARY_KERNEL(shrink, U_SHRINK)
UNARY_KERNEL(bitwise_not, U_BNOT)
UNARY_KERNEL(not, U_NOT)

static int k_gelu(struct gs_kernel_ctx *k)
{
	const struct gs_attr *a = gs_node_attr(k->node, "approximate");

	if (!a || !a->s || !strcmp(a->s, "none"))
		return unary(k, U_GELU);
	if (!strcmp(a->s, "tanh"))
		return unary(k, U_GELU_TANH);
	return gs_kernel_fail(k, "approximate '%s' not supported", a->s);
}

/* IsNaN, IsInf: float in, bool out */
static int classify(struct gs_kernel_ctx *k, bool nan)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	bool pos = gs_node_attr_int(k->node, "detect_positive", 1) != 0;
	bool neg = gs_node_attr_int(k->node, "detect_negative", 1) != 0;
	bool f32;
	uint8_t *ys;
	int64_t i;

	/* not GS_OP_FLOAT32: a large double would turn into an infinity */
	if (!x)
		return gs_kernel_fail(k, "needs an input");
	f32 = x->dtype == GS_DTYPE_FLOAT;
	if (!f32 && x->dtype != GS_DTYPE_DOUBLE && x->dtype != GS_DTYPE_FLOAT16 &&
	    x->dtype != GS_DTYPE_BFLOAT16)
		return gs_kernel_fail(k, "input dtype '%s' not supported", gs_dtype_name(x->dtype));
	y = gs_kernel_out(k, 0, GS_DTYPE_BOOL, x->rank, x->dims);
	if (!y)
		return -1;
	ys = y->data;
	for (i = 0; i < x->numel; i++) {
		double v = f32 ? ((const float *)x->data)[i] : gs_et_get(x, i);

		ys[i] = nan ? v != v : isinf(v) && ((v > 0 && pos) || (v < 0 && neg));
	}
	return 0;
}

static int k_isnan(struct gs_kernel_ctx *k) { return classify(k, true); }
static int k_isinf(struct gs_kernel_ctx *k) { return classify(k, false); }

/* ---- the table ---- */

#define F GS_OP_FLOAT32

const struct gs_op gs_ops_elementwise[] = {
	{ .name = "Add", .since = 1, .flags = F | GS_OP_EPILOGUE, .kernel = k_add,
	  .commutative = true, .family = "add", .rank_rule = GS_RANK_BCAST,
	  .changed = { 1, 6, 7, 13, 14 },
	  .note = "y = a + b with numpy broadcasting; integers wrap" },
	{ .name = "Sub", .since = 1, .flags = F, .kernel = k_sub, .changed = { 1, 6, 7, 13, 14 },
	  .rank_rule = GS_RANK_BCAST,
	  .note = "y = a - b with numpy broadcasting" },
	{ .name = "Mul", .since = 1, .flags = F, .kernel = k_mul, .changed = { 1, 6, 7, 13, 14 },
	  .commutative = true, .rank_rule = GS_RANK_BCAST,
	  .note = "y = a * b with numpy broadcasting" },
	{ .name = "Div", .since = 1, .flags = F, .kernel = k_div, .changed = { 1, 6, 7, 13, 14 },
	  .rank_rule = GS_RANK_BCAST,
	  .note = "y = a / b; integer division truncates toward zero" },
	{ .name = "Pow", .since = 1, .flags = F, .kernel = k_pow, .changed = { 1, 7, 12, 13, 15 },
	  .rank_rule = GS_RANK_BCAST,
	  .note = "y = a ^ b; the exponent may be of another numeric type, y has the base's" },
	{ .name = "Mod", .since = 10, .flags = F, .kernel = k_mod, .changed = { 10, 13 },
	  .rank_rule = GS_RANK_BCAST,
	  .note = "remainder: fmod=0 takes the divisor's sign (Python), fmod=1 the dividend's (C)" },
	{ .name = "Neg", .since = 1, .flags = F, .kernel = k_neg, .changed = { 1, 6, 13 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = -x" },
	{ .name = "Abs", .since = 1, .flags = F, .kernel = k_abs, .changed = { 1, 6, 13 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = |x|" },
	{ .name = "Reciprocal", .since = 1, .flags = F, .kernel = k_reciprocal,
	  .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 13 }, .note = "y = 1 / x" },
	{ .name = "Sqrt", .since = 1, .flags = F, .kernel = k_sqrt, .changed = { 1, 6, 13 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = sqrt(x); NaN for negative x" },
	{ .name = "Exp", .since = 1, .flags = F, .kernel = k_exp, .changed = { 1, 6, 13 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = e^x" },
	{ .name = "Log", .since = 1, .flags = F, .kernel = k_log, .changed = { 1, 6, 13 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "natural logarithm; -inf at 0, NaN below" },
	{ .name = "Erf", .since = 9, .flags = F, .kernel = k_erf, .changed = { 9, 13 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "Gauss error function; exported Gelu chains use it before opset 20" },
	{ .name = "Sin", .since = 7, .flags = F, .kernel = k_sin, .changed = { 7, 22 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "sine of radians" },
	{ .name = "Cos", .since = 7, .flags = F, .kernel = k_cos, .changed = { 7, 22 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "cosine of radians" },
	{ .name = "Tan", .since = 7, .flags = F, .kernel = k_tan, .changed = { 7, 22 },
	  .note = "tangent of radians" },
	{ .name = "Asin", .since = 7, .flags = F, .kernel = k_asin, .changed = { 7, 22 },
	  .note = "arcsine, in [-pi/2, pi/2]" },
	{ .name = "Acos", .since = 7, .flags = F, .kernel = k_acos, .changed = { 7, 22 },
	  .note = "arccosine, in [0, pi]" },
	{ .name = "Atan", .since = 7, .flags = F, .kernel = k_atan, .changed = { 7, 22 },
	  .note = "arctangent, in (-pi/2, pi/2)" },
	{ .name = "Sinh", .since = 9, .flags = F, .kernel = k_sinh, .changed = { 9, 22 },
	  .note = "hyperbolic sine" },
	{ .name = "Cosh", .since = 9, .flags = F, .kernel = k_cosh, .changed = { 9, 22 },
	  .note = "hyperbolic cosine" },
	{ .name = "Asinh", .since = 9, .flags = F, .kernel = k_asinh, .changed = { 9, 22 },
	  .note = "inverse hyperbolic sine" },
	{ .name = "Acosh", .since = 9, .flags = F, .kernel = k_acosh, .changed = { 9, 22 },
	  .note = "inverse hyperbolic cosine, x >= 1" },
	{ .name = "Atanh", .since = 9, .flags = F, .kernel = k_atanh, .changed = { 9, 22 },
	  .note = "inverse hyperbolic tangent, |x| < 1" },
	{ .name = "Floor", .since = 1, .flags = F, .kernel = k_floor, .changed = { 1, 6, 13 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "round toward -inf" },
	{ .name = "Ceil", .since = 1, .flags = F, .kernel = k_ceil, .changed = { 1, 6, 13 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "round toward +inf" },
	{ .name = "Round", .since = 11, .flags = F, .kernel = k_round, .changed = { 11, 22 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "round to nearest, halves to even (2.5 -> 2)" },
	{ .name = "Sign", .since = 9, .flags = F, .kernel = k_sign, .changed = { 9, 13 },
	  .rank_rule = GS_RANK_SAME,
	  .note = "-1, 0 or 1 by the sign of x" },
	{ .name = "IsNaN", .since = 9, .kernel = k_isnan, .changed = { 9, 13, 20 },
	  .out_dtype = GS_DTYPE_BOOL,
	  .note = "bool mask of NaN elements" },
	{ .name = "IsInf", .since = 10, .kernel = k_isinf, .changed = { 10, 20 },
	  .out_dtype = GS_DTYPE_BOOL,
	  .note = "bool mask of infinities; detect_positive/detect_negative pick the signs" },
	{ .name = "Relu", .since = 1, .flags = F, .kernel = k_relu, .changed = { 1, 6, 13, 14 },
	  .family = "relu", .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = max(x, 0)" },
	{ .name = "LeakyRelu", .since = 1, .flags = F, .kernel = k_leaky_relu,
	  .attrs = GS_OP_ATTRS(GS_DFLT_FLOAT("alpha", 0.01)), .family = "relu",
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 16 }, .note = "y = x < 0 ? alpha*x : x, alpha default 0.01" },
	{ .name = "PRelu", .since = 1, .flags = F, .kernel = k_prelu,
	  .family = "relu", .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 7, 9, 16 },
	  .note = "LeakyRelu with a learned slope tensor, broadcast to x's shape" },
	{ .name = "Elu", .since = 1, .flags = F, .kernel = k_elu, .changed = { 1, 6, 22 },
	  .attrs = GS_OP_ATTRS(GS_DFLT_FLOAT("alpha", 1)), .family = "relu", .pointwise = true,
	  .rank_rule = GS_RANK_SAME,
	  .note = "y = x < 0 ? alpha*(e^x - 1) : x" },
	{ .name = "Selu", .since = 1, .flags = F, .kernel = k_selu, .changed = { 1, 6, 22 },
	  .family = "relu", .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "scaled Elu: gamma*(x <= 0 ? alpha*(e^x - 1) : x), self-normalising constants" },
	{ .name = "Celu", .since = 12, .flags = F, .kernel = k_celu, .changed = { 12 },
	  .pointwise = true,
	  .note = "y = max(0,x) + min(0, alpha*(e^(x/alpha) - 1))" },
	{ .name = "ThresholdedRelu", .since = 10, .flags = F, .kernel = k_thresholded_relu,
	  .pointwise = true,
	  .changed = { 10, 22 }, .note = "y = x > alpha ? x : 0, alpha default 1" },
	{ .name = "Sigmoid", .since = 1, .flags = F, .kernel = k_sigmoid,
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 13 }, .note = "y = 1 / (1 + e^-x)" },
	{ .name = "HardSigmoid", .since = 1, .flags = F, .kernel = k_hard_sigmoid,
	  .attrs = GS_OP_ATTRS(GS_DFLT_FLOAT("alpha", 0.2), GS_DFLT_FLOAT("beta", 0.5)),
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 22 },
	  .note = "y = clamp(alpha*x + beta, 0, 1); defaults 0.2 and 0.5, not PyTorch's 1/6" },
	{ .name = "HardSwish", .since = 14, .flags = F, .kernel = k_hard_swish,
	  .family = "relu", .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 14, 22 }, .note = "y = x * clamp(x/6 + 0.5, 0, 1)" },
	{ .name = "Tanh", .since = 1, .flags = F, .kernel = k_tanh, .changed = { 1, 6, 13 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "hyperbolic tangent" },
	{ .name = "Softplus", .since = 1, .flags = F, .kernel = k_softplus,
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 22 }, .note = "y = log(1 + e^x), a smooth Relu" },
	{ .name = "Softsign", .since = 1, .flags = F, .kernel = k_softsign,
	  .pointwise = true,
	  .changed = { 1, 22 }, .note = "y = x / (1 + |x|)" },
	{ .name = "Mish", .since = 18, .flags = F, .kernel = k_mish, .changed = { 18, 22 },
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = x * tanh(softplus(x))" },
	{ .name = "Gelu", .since = 20, .flags = F, .kernel = k_gelu, .changed = { 20 },
	  .attrs = GS_OP_ATTRS(GS_DFLT_STRING("approximate", "none")), .family = "gelu",
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .note = "y = x * Phi(x) with erf, or its tanh approximation (approximate='tanh')" },
	{ .name = "Swish", .since = 24, .flags = F, .kernel = k_swish, .changed = { 24 },
	  .note = "y = x * sigmoid(alpha*x), alpha default 1 (SiLU)" },
	{ .name = "Shrink", .since = 9, .flags = F, .kernel = k_shrink, .changed = { 9 },
	  .note = "y = x < -lambd ? x + bias : x > lambd ? x - bias : 0" },
	{ .name = "Clip", .since = 1, .flags = F, .kernel = k_clip,
	  .breaks = { 11 }, .attr_inputs = GS_OP_INPUTS({ "min", 1, 11 }, { "max", 2, 11 }),
	  .family = "relu", .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 6, 11, 12, 13 },
	  .note = "clamp to [min, max]: attributes up to opset 6, optional inputs from 11" },
	{ .name = "Sum", .since = 1, .flags = F, .kernel = k_sum, .changed = { 1, 6, 8, 13 },
	  .commutative = true, .family = "add",
	  .note = "elementwise sum of any number of inputs, broadcast together" },
	{ .name = "Mean", .since = 1, .flags = F, .kernel = k_mean, .changed = { 1, 6, 8, 13 },
	  .commutative = true,
	  .note = "elementwise mean of any number of inputs, broadcast together" },
	{ .name = "Max", .since = 1, .flags = F, .kernel = k_max,
	  .commutative = true, .rank_rule = GS_RANK_BCAST,
	  .changed = { 1, 6, 8, 12, 13 },
	  .note = "elementwise maximum of any number of inputs; NaN wins" },
	{ .name = "Min", .since = 1, .flags = F, .kernel = k_min,
	  .commutative = true, .rank_rule = GS_RANK_BCAST,
	  .changed = { 1, 6, 8, 12, 13 },
	  .note = "elementwise minimum of any number of inputs; NaN wins" },
	{ .name = "Equal", .since = 1, .kernel = k_equal,
	  .commutative = true, .rank_rule = GS_RANK_BCAST, .out_dtype = GS_DTYPE_BOOL,
	  .changed = { 1, 7, 11, 13, 19 }, .note = "bool a == b, broadcast" },
	{ .name = "Less", .since = 1, .kernel = k_less, .changed = { 1, 7, 9, 13 },
	  .rank_rule = GS_RANK_BCAST, .out_dtype = GS_DTYPE_BOOL,
	  .note = "bool a < b, broadcast" },
	{ .name = "LessOrEqual", .since = 12, .kernel = k_less_equal,
	  .out_dtype = GS_DTYPE_BOOL,
	  .changed = { 12, 16 }, .note = "bool a <= b, broadcast" },
	{ .name = "Greater", .since = 1, .kernel = k_greater,
	  .rank_rule = GS_RANK_BCAST, .out_dtype = GS_DTYPE_BOOL,
	  .changed = { 1, 7, 9, 13 }, .note = "bool a > b, broadcast" },
	{ .name = "GreaterOrEqual", .since = 12, .kernel = k_greater_equal,
	  .out_dtype = GS_DTYPE_BOOL,
	  .changed = { 12, 16 }, .note = "bool a >= b, broadcast" },
	{ .name = "Not", .since = 1, .kernel = k_not, .changed = { 1 },
	  .rank_rule = GS_RANK_SAME, .out_dtype = GS_DTYPE_BOOL,
	  .note = "logical not of a bool tensor" },
	{ .name = "And", .since = 1, .kernel = k_and, .changed = { 1, 7 },
	  .commutative = true, .rank_rule = GS_RANK_BCAST, .out_dtype = GS_DTYPE_BOOL,
	  .note = "logical and of bool tensors, broadcast" },
	{ .name = "Or", .since = 1, .kernel = k_or, .changed = { 1, 7 },
	  .commutative = true, .rank_rule = GS_RANK_BCAST, .out_dtype = GS_DTYPE_BOOL,
	  .note = "logical or of bool tensors, broadcast" },
	{ .name = "Xor", .since = 1, .kernel = k_xor, .changed = { 1, 7 },
	  .commutative = true, .out_dtype = GS_DTYPE_BOOL,
	  .note = "logical xor of bool tensors, broadcast" },
	{ .name = "Where", .since = 9, .kernel = k_where, .changed = { 9, 16 },
	  .rank_rule = GS_RANK_BCAST,
	  .note = "y = cond ? x : y elementwise, all three broadcast together" },
	{ .name = "BitShift", .since = 11, .kernel = k_bitshift, .changed = { 11 },
	  .note = "unsigned shift by b bits, direction LEFT or RIGHT" },
	{ .name = "BitwiseAnd", .since = 18, .kernel = k_bitwise_and, .changed = { 18 },
	  .note = "bitwise and of integer tensors, broadcast" },
	{ .name = "BitwiseOr", .since = 18, .kernel = k_bitwise_or, .changed = { 18 },
	  .note = "bitwise or of integer tensors, broadcast" },
	{ .name = "BitwiseXor", .since = 18, .kernel = k_bitwise_xor, .changed = { 18 },
	  .note = "bitwise xor of integer tensors, broadcast" },
	{ .name = "BitwiseNot", .since = 18, .kernel = k_bitwise_not, .changed = { 18 },
	  .note = "bitwise complement of an integer tensor" },
	{ .name = NULL },
};
