/* Evaluating one node over constants, for `fuse constants`: the shape and
 * elementwise ops exporters leave around weights (ConstantOfShape, Shape
 * of a static shape, Cast, Reshape, Unsqueeze, Squeeze, Transpose, Add,
 * Sub, Mul, Div).  Moves copy bytes exactly; arithmetic runs in double
 * and rounds once to the element type, as a float kernel would. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

#define EVAL_MAX_RANK 16

void fuse_value_release(struct fuse_value *v)
{
	free(v->dims);
	free(v->data);
	memset(v, 0, sizeof(*v));
}

static int set_out(struct fuse_value *out, int dtype, int rank, const int64_t *dims,
		   void *data, size_t nbytes)
{
	out->dtype = dtype;
	out->rank = rank;
	out->dims = gs_xmalloc(sizeof(int64_t) * ((size_t)rank + 1));
	if (rank)
		memcpy(out->dims, dims, sizeof(int64_t) * (size_t)rank);
	out->data = data;
	out->nbytes = nbytes;
	return 0;
}

static void *copy_bytes(const struct gs_tensor *t)
{
	void *p = gs_xmalloc(t->nbytes + 1);

	memcpy(p, t->data, t->nbytes);
	return p;
}

/* An int list from input slot (a constant) or, failing that, attribute. */
static int int_list(const struct gs_graph *g, const struct gs_node *n, int slot,
		    const char *attr, int64_t *out, bool *present)
{
	const struct gs_attr *a = gs_node_attr(n, attr);
	struct gs_tensor *t;
	double *d;
	int64_t cnt, i;

	*present = false;
	if (slot < n->n_inputs && n->inputs[slot] >= 0) {
		t = fuse_param(g, n, slot);
		if (!t || t->numel > EVAL_MAX_RANK || !(d = fuse_param_doubles(t, &cnt)))
			return -1;
		for (i = 0; i < cnt; i++)
			out[i] = (int64_t)d[i];
		free(d);
		*present = true;
		return (int)cnt;
	}
	if (a && a->type == GS_ATTR_INTS && a->n <= EVAL_MAX_RANK) {
		memcpy(out, a->ints, sizeof(int64_t) * (size_t)a->n);
		*present = true;
		return a->n;
	}
	return 0;
}

static int eval_constant_of_shape(const struct gs_graph *g, const struct gs_node *n,
				  struct fuse_value *out)
{
	const struct gs_attr *a = gs_node_attr(n, "value");
	int64_t dims[EVAL_MAX_RANK], numel, esize, i;
	static const float zero;
	const void *fill = &zero;
	int dtype = GS_DTYPE_FLOAT, rank;
	bool present;
	uint8_t *p;

	rank = int_list(g, n, 0, "", dims, &present);
	if (rank < 0 || !present)
		return -1;
	if (a) {
		if (a->type != GS_ATTR_TENSOR || !a->t || a->t->numel != 1 || !a->t->data)
			return -1;
		dtype = a->t->dtype;
		fill = a->t->data;
	}
	numel = gs_dims_numel(rank, dims);
	esize = gs_dtype_bits(dtype) / 8;
	if (numel < 0 || esize <= 0 || gs_dtype_bits(dtype) % 8 ||
	    (size_t)(numel * esize) > FUSE_FOLD_MAX_BYTES)
		return -1;
	p = gs_xmalloc((size_t)(numel * esize) + 1);
	for (i = 0; i < numel; i++)
		memcpy(p + i * esize, fill, (size_t)esize);
	return set_out(out, dtype, rank, dims, p, (size_t)(numel * esize));
}

static int eval_shape(const struct gs_graph *g, const struct gs_node *n, struct fuse_value *out)
{
	const struct gs_value *v = g->values[n->inputs[0]];
	int64_t dims[EVAL_MAX_RANK], start, end, len, i;
	double d[EVAL_MAX_RANK];
	int rank;
	size_t nb;
	void *p;

	if (v->kind == GS_VALUE_OUTER && v->outer)
		v = v->outer;
	if (v->kind == GS_VALUE_PARAM && v->param) {
		rank = v->param->rank;
		if (rank > EVAL_MAX_RANK)
			return -1;
		for (i = 0; i < rank; i++)
			dims[i] = v->param->dims[i];
	} else {
		rank = v->rank;
		if (rank < 0 || rank > EVAL_MAX_RANK || (rank && !v->dims))
			return -1;
		for (i = 0; i < rank; i++)
			if ((dims[i] = v->dims[i].value) < 0 || v->dims[i].param)
				return -1;
	}
	start = gs_node_attr_int(n, "start", 0);
	end = gs_node_attr_int(n, "end", rank);
	if (start < 0)
		start += rank;
	if (end < 0)
		end += rank;
	start = start < 0 ? 0 : start > rank ? rank : start;
	end = end < 0 ? 0 : end > rank ? rank : end;
	len = end > start ? end - start : 0;
	for (i = 0; i < len; i++)
		d[i] = (double)dims[start + i];
	if (!(p = fuse_encode(GS_DTYPE_INT64, d, len, &nb)))
		return -1;
	return set_out(out, GS_DTYPE_INT64, 1, &len, p, nb);
}

static int eval_cast(const struct gs_graph *g, const struct gs_node *n, struct fuse_value *out)
{
	struct gs_tensor *t = fuse_param(g, n, 0);
	int to = (int)gs_node_attr_int(n, "to", 0);
	double *d;
	int64_t cnt, i;
	size_t nb;
	void *p;

	if (!t)
		return -1;
	if (to == t->dtype)
		return set_out(out, to, t->rank, t->dims, copy_bytes(t), t->nbytes);
	if (!(d = fuse_param_doubles(t, &cnt)))
		return -1;
	for (i = 0; i < cnt; i++) {
		/* beyond what double carries exactly or an int can hold: leave it */
		if ((!gs_dtype_is_float(to) && to != GS_DTYPE_BOOL &&
		     (!isfinite(d[i]) || fabs(d[i]) > 9007199254740992.0)) ||
		    (!gs_dtype_is_float(t->dtype) && fabs(d[i]) > 9007199254740992.0)) {
			free(d);
			return -1;
		}
	}
	p = fuse_encode(to, d, cnt, &nb);
	free(d);
	if (!p)
		return -1;
	return set_out(out, to, t->rank, t->dims, p, nb);
}

static int eval_reshape(const struct gs_graph *g, const struct gs_node *n, struct fuse_value *out)
{
	struct gs_tensor *t = fuse_param(g, n, 0);
	int64_t dims[EVAL_MAX_RANK], known = 1;
	int rank, i, infer = -1;
	bool present;

	if (!t || (rank = int_list(g, n, 1, "shape", dims, &present)) < 0 || !present)
		return -1;
	for (i = 0; i < rank; i++) {
		if (dims[i] == 0 && !gs_node_attr_int(n, "allowzero", 0)) {
			if (i >= t->rank)
				return -1;
			dims[i] = t->dims[i];
		}
		if (dims[i] == -1) {
			if (infer >= 0)
				return -1;
			infer = i;
		} else if (dims[i] < 0) {
			return -1;
		} else {
			known *= dims[i];
		}
	}
	if (infer >= 0) {
		if (!known || t->numel % known)
			return -1;
		dims[infer] = t->numel / known;
	}
	if (gs_dims_numel(rank, dims) != t->numel)
		return -1;
	return set_out(out, t->dtype, rank, dims, copy_bytes(t), t->nbytes);
}

static int eval_squeeze(const struct gs_graph *g, const struct gs_node *n, struct fuse_value *out,
			bool unsqueeze)
{
	struct gs_tensor *t = fuse_param(g, n, 0);
	int64_t axes[EVAL_MAX_RANK], dims[EVAL_MAX_RANK];
	bool present, mark[EVAL_MAX_RANK] = { false };
	int k, i, j, rank;

	if (!t || t->rank > EVAL_MAX_RANK || (k = int_list(g, n, 1, "axes", axes, &present)) < 0)
		return -1;
	rank = unsqueeze ? t->rank + k : t->rank;
	if ((unsqueeze && !present) || rank > EVAL_MAX_RANK)
		return -1;
	for (i = 0; i < k; i++) {
		int64_t a = axes[i] < 0 ? axes[i] + rank : axes[i];

		if (a < 0 || a >= rank || mark[a])
			return -1;
		mark[a] = true;
	}
	if (!present)
		for (i = 0; i < t->rank; i++)
			mark[i] = t->dims[i] == 1;
	for (i = 0, j = 0; unsqueeze && i < rank; i++)
		dims[i] = mark[i] ? 1 : t->dims[j++];
	for (i = 0, j = 0; !unsqueeze && i < t->rank; i++) {
		if (mark[i] && t->dims[i] != 1)
			return -1;
		if (!mark[i])
			dims[j++] = t->dims[i];
	}
	if (!unsqueeze)
		rank = j;
	return set_out(out, t->dtype, rank, dims, copy_bytes(t), t->nbytes);
}

/* Walks every index of an output of `rank` dims, calling back with the
 * offsets into inputs a and b given their element strides (0 = broadcast). */
static void for_each_index(int rank, const int64_t *dims, const int64_t *sa, const int64_t *sb,
			   void (*fn)(void *ctx, int64_t i, int64_t ia, int64_t ib), void *ctx)
{
	int64_t idx[EVAL_MAX_RANK] = { 0 }, ia = 0, ib = 0, i, numel = gs_dims_numel(rank, dims);
	int d;

	for (i = 0; i < numel; i++) {
		fn(ctx, i, ia, ib);
		for (d = rank - 1; d >= 0; d--) {
			idx[d]++;
			ia += sa[d];
			ib += sb[d];
			if (idx[d] < dims[d])
				break;
			ia -= sa[d] * dims[d];
			ib -= sb[d] * dims[d];
			idx[d] = 0;
		}
	}
}

struct move_ctx {
	const uint8_t *src;
	uint8_t *dst;
	size_t esize;
};

static void move_one(void *ctx, int64_t i, int64_t ia, int64_t ib)
{
	struct move_ctx *c = ctx;

	memcpy(c->dst + (size_t)i * c->esize, c->src + (size_t)ia * c->esize, c->esize);
}

static int eval_transpose(const struct gs_graph *g, const struct gs_node *n, struct fuse_value *out)
{
	struct gs_tensor *t = fuse_param(g, n, 0);
	const struct gs_attr *a = gs_node_attr(n, "perm");
	int64_t perm[EVAL_MAX_RANK], dims[EVAL_MAX_RANK], st[EVAL_MAX_RANK], sin[EVAL_MAX_RANK];
	int64_t zero[EVAL_MAX_RANK] = { 0 };
	struct move_ctx c;
	int i, r;

	if (!t || (r = t->rank) > EVAL_MAX_RANK || gs_dtype_bits(t->dtype) % 8 || !gs_dtype_bits(t->dtype))
		return -1;
	for (i = 0; i < r; i++)
		perm[i] = a && a->type == GS_ATTR_INTS && a->n == r ? a->ints[i] : r - 1 - i;
	for (i = r - 1; i >= 0; i--)
		sin[i] = i == r - 1 ? 1 : sin[i + 1] * t->dims[i + 1];
	for (i = 0; i < r; i++) {
		if (perm[i] < 0 || perm[i] >= r)
			return -1;
		dims[i] = t->dims[perm[i]];
		st[i] = sin[perm[i]];
	}
	c.src = t->data;
	c.esize = (size_t)gs_dtype_bits(t->dtype) / 8;
	c.dst = gs_xmalloc(t->nbytes + 1);
	for_each_index(r, dims, st, zero, move_one, &c);
	return set_out(out, t->dtype, r, dims, c.dst, t->nbytes);
}

struct arith_ctx {
	const double *a, *b;
	double *y;
	char op;
	bool is_int, bad;
};

static void arith_one(void *ctx, int64_t i, int64_t ia, int64_t ib)
{
	struct arith_ctx *c = ctx;
	double x = c->a[ia], z = c->b[ib];

	switch (c->op) {
	case '+': c->y[i] = x + z; break;
	case '-': c->y[i] = x - z; break;
	case '*': c->y[i] = x * z; break;
	default:
		if (c->is_int && z == 0)
			c->bad = true;
		c->y[i] = c->is_int ? (z ? trunc(x / z) : 0) : x / z;
		break;
	}
	if (c->is_int && fabs(c->y[i]) > 9007199254740992.0)
		c->bad = true;
}

static int eval_arith(const struct gs_graph *g, const struct gs_node *n, char op,
		      struct fuse_value *out)
{
	struct gs_tensor *a = fuse_param(g, n, 0), *b = fuse_param(g, n, 1);
	int64_t dims[EVAL_MAX_RANK], sa[EVAL_MAX_RANK], sb[EVAL_MAX_RANK], cnt, numel, s1, s2;
	struct arith_ctx c = { NULL, NULL, NULL, op, false, false };
	int r, i, ra, rb;
	void *p = NULL;
	size_t nb;

	if (!a || !b || a->dtype != b->dtype || a->rank > EVAL_MAX_RANK || b->rank > EVAL_MAX_RANK ||
	    a->dtype == GS_DTYPE_BOOL)
		return -1;
	r = a->rank > b->rank ? a->rank : b->rank;
	s1 = s2 = 1;
	for (i = r - 1; i >= 0; i--) {
		ra = i - (r - a->rank);
		rb = i - (r - b->rank);
		int64_t da = ra >= 0 ? a->dims[ra] : 1, db = rb >= 0 ? b->dims[rb] : 1;

		if (da != db && da != 1 && db != 1)
			return -1;
		dims[i] = da == 1 ? db : da;
		sa[i] = da == 1 ? 0 : s1;
		sb[i] = db == 1 ? 0 : s2;
		s1 *= da;
		s2 *= db;
	}
	numel = gs_dims_numel(r, dims);
	if (numel < 0 || (size_t)numel * 8 > FUSE_FOLD_MAX_BYTES)
		return -1;
	c.is_int = !gs_dtype_is_float(a->dtype);
	c.a = fuse_param_doubles(a, &cnt);
	c.b = fuse_param_doubles(b, &cnt);
	c.y = gs_xmalloc(sizeof(double) * ((size_t)numel + 1));
	if (c.a && c.b) {
		for_each_index(r, dims, sa, sb, arith_one, &c);
		if (!c.bad)
			p = fuse_encode(a->dtype, c.y, numel, &nb);
	}
	free((void *)c.a);
	free((void *)c.b);
	free(c.y);
	if (!p)
		return -1;
	return set_out(out, a->dtype, r, dims, p, nb);
}

int fuse_eval(const struct gs_graph *g, const struct gs_node *n, struct fuse_value *out)
{
	memset(out, 0, sizeof(*out));
	if (n->domain[0] || n->n_inputs < 1 || n->inputs[0] < 0 || n->n_outputs != 1)
		return -1;
	if (!strcmp(n->op_type, "ConstantOfShape"))
		return eval_constant_of_shape(g, n, out);
	if (!strcmp(n->op_type, "Shape"))
		return eval_shape(g, n, out);
	if (!strcmp(n->op_type, "Cast"))
		return eval_cast(g, n, out);
	if (!strcmp(n->op_type, "Reshape"))
		return eval_reshape(g, n, out);
	if (!strcmp(n->op_type, "Unsqueeze"))
		return eval_squeeze(g, n, out, true);
	if (!strcmp(n->op_type, "Squeeze"))
		return eval_squeeze(g, n, out, false);
	if (!strcmp(n->op_type, "Transpose"))
		return eval_transpose(g, n, out);
	if (n->n_inputs == 2 && n->inputs[1] >= 0) {
		if (!strcmp(n->op_type, "Add"))
			return eval_arith(g, n, '+', out);
		if (!strcmp(n->op_type, "Sub"))
			return eval_arith(g, n, '-', out);
		if (!strcmp(n->op_type, "Mul"))
			return eval_arith(g, n, '*', out);
		if (!strcmp(n->op_type, "Div"))
			return eval_arith(g, n, '/', out);
	}
	return -1;
}
