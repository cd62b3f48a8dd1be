/*
 * Op family 'shape' of the registry (see graphsmith/ops.h): ops that move
 * elements of any dtype without looking at their values (Reshape,
 * Transpose, Concat, Split, ...), plus the small shape-producing ops.
 * Elements are copied as gs_et_elem_size(dtype) bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

/* ---- helpers ---- */

/* Like gs_k_attr_ints, but a single INT counts as a list of one. */
static int attr_ints_or_int(struct gs_kernel_ctx *k, const char *name, int64_t *out, int max)
{
	const struct gs_attr *a = gs_node_attr(k->node, name);

	if (a && a->type == GS_ATTR_INT) {
		out[0] = a->i;
		return 1;
	}
	return gs_k_attr_ints(k, name, out, max);
}

/*
 * y[o] = x[base + sum o[a] * st[a]] for every output coordinate o, st in
 * elements (0 for broadcast axes).  The innermost axis is a tight loop.
 */
static void strided_copy(const struct gs_etensor *x, struct gs_etensor *y, int64_t base,
			 const int64_t *st)
{
	size_t es = gs_et_elem_size(x->dtype);
	const char *src = x->data;
	char *dst = y->data;
	int64_t o[GS_EVAL_MAX_RANK] = { 0 }, off = base, n, j, inner_st;
	int r = y->rank, a;

	if (y->numel == 0)
		return;
	if (r == 0) {
		memcpy(dst, src + base * (int64_t)es, es);
		return;
	}
	n = y->dims[r - 1];
	inner_st = st[r - 1];
	for (;;) {
		if (inner_st == 1) {
			memcpy(dst, src + off * (int64_t)es, (size_t)n * es);
		} else if (es == 4) {
			for (j = 0; j < n; j++)
				memcpy(dst + j * 4, src + (off + j * inner_st) * 4, 4);
		} else {
			for (j = 0; j < n; j++)
				memcpy(dst + j * (int64_t)es, src + (off + j * inner_st) * (int64_t)es, es);
		}
		dst += n * (int64_t)es;
		for (a = r - 2; a >= 0; a--) {
			off += st[a];
			if (++o[a] < y->dims[a])
				break;
			off -= st[a] * o[a];
			o[a] = 0;
		}
		if (a < 0)
			break;
	}
}

/* ---- Reshape, Flatten, Squeeze, Unsqueeze, Identity: views ---- */

static int k_reshape(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0);
	int64_t shape[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK], known = 1, numel;
	int n, i, infer = -1;
	bool allowzero = gs_node_attr_int(k->node, "allowzero", 0) != 0;
	char b1[128], b2[128];

	if (gs_k_need_inputs(k, 1))
		return -1;
	if (k->opset < 5) {
		n = attr_ints_or_int(k, "shape", shape, GS_EVAL_MAX_RANK);
		if (n == -1)
			return gs_kernel_fail(k, "missing attribute 'shape'");
	} else {
		n = gs_k_in_ints(k, gs_kernel_in(k, 1), "shape", shape, GS_EVAL_MAX_RANK);
	}
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (shape[i] == -1) {
			if (infer >= 0)
				return gs_kernel_fail(k, "shape has more than one -1");
			infer = i;
			continue;
		}
		if (shape[i] < -1)
			return gs_kernel_fail(k, "invalid dimension %lld in shape",
					      (long long)shape[i]);
		if (shape[i] == 0 && !allowzero) {
			if (i >= x->rank)
				return gs_kernel_fail(k, "shape copies dimension %d of a rank-%d input",
						      i, x->rank);
			dims[i] = x->dims[i];
		} else {
			dims[i] = shape[i];
		}
		if ((known = gs_size_mul(known, dims[i])) < 0)
			return gs_kernel_fail(k, "shape overflows");
	}
	if (infer >= 0) {
		if (known == 0 || x->numel % known)
			return gs_kernel_fail(k, "cannot infer -1 reshaping %s to %s",
					      gs_format_dims(x->rank, x->dims, b1, sizeof(b1)),
					      gs_format_dims(n, shape, b2, sizeof(b2)));
		dims[infer] = x->numel / known;
	}
	numel = gs_dims_numel(n, dims);
	if (numel != x->numel)
		return gs_kernel_fail(k, "cannot reshape %s to %s",
				      gs_format_dims(x->rank, x->dims, b1, sizeof(b1)),
				      gs_format_dims(n, dims, b2, sizeof(b2)));
	gs_kernel_out_alias(k, 0, x, n, dims);
	return 0;
}

static int k_flatten(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0);
	int64_t a = gs_node_attr_int(k->node, "axis", 1), dims[2];

	if (gs_k_need_inputs(k, 1))
		return -1;
	if (a < -x->rank || a > x->rank)
		return gs_kernel_fail(k, "axis %lld out of range for rank %d", (long long)a, x->rank);
	if (a < 0)
		a += x->rank;
	dims[0] = gs_dims_numel((int)a, x->dims);
	dims[1] = gs_dims_numel(x->rank - (int)a, x->dims + a);
	if (dims[0] < 0 || dims[1] < 0)
		return gs_kernel_fail(k, "flattened size overflows");
	gs_kernel_out_alias(k, 0, x, 2, dims);
	return 0;
}

/* axes from the attribute (before opset v) or input 1; -1 when absent. */
static int read_axes(struct gs_kernel_ctx *k, int v, int64_t *axes, int max)
{
	int n;

	if (k->opset < v) {
		n = attr_ints_or_int(k, "axes", axes, max);
		return n == -2 ? -2 : n;
	}
	if (!gs_kernel_in(k, 1))
		return -1;
	n = gs_k_in_ints(k, gs_kernel_in(k, 1), "axes", axes, max);
	return n < 0 ? -2 : n;
}

static int k_squeeze(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0);
	int64_t axes[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK];
	bool drop[GS_EVAL_MAX_RANK] = { false };
	int n, i, a = 0, r = 0;

	if (gs_k_need_inputs(k, 1))
		return -1;
	n = read_axes(k, 13, axes, GS_EVAL_MAX_RANK);
	if (n == -2)
		return -1;
	if (n < 0) {
		for (i = 0; i < x->rank; i++)
			drop[i] = x->dims[i] == 1;
	}
	for (i = 0; i < n; i++) {
		if (gs_k_axis(k, axes[i], x->rank, &a))
			return -1;
		if (x->dims[a] != 1)
			return gs_kernel_fail(k, "cannot squeeze axis %d of size %lld", a,
					      (long long)x->dims[a]);
		drop[a] = true;
	}
	for (i = 0; i < x->rank; i++)
		if (!drop[i])
			dims[r++] = x->dims[i];
	gs_kernel_out_alias(k, 0, x, r, dims);
	return 0;
}

static int k_unsqueeze(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0);
	int64_t axes[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK];
	bool add[GS_EVAL_MAX_RANK] = { false };
	int n, i, a = 0, r, j = 0;

	if (gs_k_need_inputs(k, 1))
		return -1;
	n = read_axes(k, 13, axes, GS_EVAL_MAX_RANK);
	if (n == -2)
		return -1;
	if (n < 0)
		return gs_kernel_fail(k, "missing 'axes'");
	r = x->rank + n;
	if (r > GS_EVAL_MAX_RANK)
		return gs_kernel_fail(k, "output rank %d exceeds %d", r, GS_EVAL_MAX_RANK);
	for (i = 0; i < n; i++) {
		if (gs_k_axis(k, axes[i], r, &a))
			return -1;
		if (add[a])
			return gs_kernel_fail(k, "axis %d repeated in 'axes'", a);
		add[a] = true;
	}
	for (i = 0; i < r; i++)
		dims[i] = add[i] ? 1 : x->dims[j++];
	gs_kernel_out_alias(k, 0, x, r, dims);
	return 0;
}

static int k_identity(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0);

	if (!x)
		return gs_kernel_fail(k, "missing input");
	gs_kernel_out_alias(k, 0, x, x->rank, x->dims);
	return 0;
}

/* ---- Transpose, DepthToSpace, SpaceToDepth: strided copies ---- */

static int k_transpose(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t perm[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK], xst[GS_EVAL_MAX_RANK],
		st[GS_EVAL_MAX_RANK];
	bool seen[GS_EVAL_MAX_RANK] = { false };
	int n, i, r;

	if (gs_k_need_inputs(k, 1))
		return -1;
	r = x->rank;
	n = attr_ints_or_int(k, "perm", perm, GS_EVAL_MAX_RANK);
	if (n == -2)
		return -1;
	if (n < 0) {
		for (i = 0; i < r; i++)
			perm[i] = r - 1 - i;
	} else if (n != r) {
		return gs_kernel_fail(k, "'perm' has %d entries for a rank-%d input", n, r);
	}
	gs_k_row_strides(r, x->dims, xst);
	for (i = 0; i < r; i++) {
		if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
			return gs_kernel_fail(k, "'perm' is not a permutation of 0..%d", r - 1);
		seen[perm[i]] = true;
		dims[i] = x->dims[perm[i]];
		st[i] = xst[perm[i]];
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y)
		return -1;
	strided_copy(x, y, 0, st);
	return 0;
}

/* x into y, y viewed as the 6-D shape v whose elements read x at strides st */
static void copy_viewed_6d(const struct gs_etensor *x, struct gs_etensor *y, const int64_t *v,
			   const int64_t *st)
{
	struct gs_etensor view = *y;

	view.rank = 6;
	memcpy(view.dims, v, 6 * sizeof(*v));
	strided_copy(x, &view, 0, st);
}

static int depth_space_setup(struct gs_kernel_ctx *k, struct gs_etensor *x, int64_t *b)
{
	*b = gs_node_attr_int(k->node, "blocksize", 0);
	if (!x)
		return gs_kernel_fail(k, "missing input");
	if (x->rank != 4)
		return gs_kernel_fail(k, "input must be 4-D, not rank %d", x->rank);
	if (*b <= 0 || *b > (1 << 20))
		return gs_kernel_fail(k, "invalid 'blocksize' %lld", (long long)*b);
	return 0;
}

static int k_depth_to_space(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	const struct gs_attr *mode = gs_node_attr(k->node, "mode");
	bool crd = false;
	int64_t b, N, C, H, W, c, dims[4], v[6], st[6];

	if (depth_space_setup(k, x, &b))
		return -1;
	if (mode && mode->s && !strcmp(mode->s, "CRD"))
		crd = true;
	else if (mode && (!mode->s || strcmp(mode->s, "DCR")))
		return gs_kernel_fail(k, "unknown mode '%s'", mode->s ? mode->s : "");
	N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
	if (C % (b * b))
		return gs_kernel_fail(k, "channels %lld not divisible by blocksize^2", (long long)C);
	c = C / (b * b);
	if (__builtin_mul_overflow(H, b, &dims[2]) || __builtin_mul_overflow(W, b, &dims[3]))
		return gs_kernel_fail(k, "output size overflows");
	dims[0] = N, dims[1] = c;
	y = gs_kernel_out(k, 0, x->dtype, 4, dims);
	if (!y)
		return -1;
	/* view y as [N, c, H, b1, W, b2]; the input channel is b1*b*c + b2*c + ci
	 * for DCR and ci*b*b + b1*b + b2 for CRD */
	v[0] = N, v[1] = c, v[2] = H, v[3] = b, v[4] = W, v[5] = b;
	st[0] = C * H * W;
	st[2] = W;
	st[4] = 1;
	if (crd) {
		st[1] = b * b * H * W;
		st[3] = b * H * W;
		st[5] = H * W;
	} else {
		st[1] = H * W;
		st[3] = b * c * H * W;
		st[5] = c * H * W;
	}
	copy_viewed_6d(x, y, v, st);
	return 0;
}

static int k_space_to_depth(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t b, N, C, H, W, dims[4], v[6], st[6];

	if (depth_space_setup(k, x, &b))
		return -1;
	N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
	if (H % b || W % b)
		return gs_kernel_fail(k, "spatial size not divisible by blocksize %lld", (long long)b);
	dims[0] = N, dims[1] = C * b * b, dims[2] = H / b, dims[3] = W / b;
	y = gs_kernel_out(k, 0, x->dtype, 4, dims);
	if (!y)
		return -1;
	/* y viewed as [N, b1, b2, C, H/b, W/b] reads x[n, c, h*b + b1, w*b + b2] */
	v[0] = N, v[1] = b, v[2] = b, v[3] = C, v[4] = H / b, v[5] = W / b;
	st[0] = C * H * W;
	st[1] = W;
	st[2] = 1;
	st[3] = H * W;
	st[4] = b * W;
	st[5] = b;
	copy_viewed_6d(x, y, v, st);
	return 0;
}

/* ---- Concat, Split ---- */

static int k_concat(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x0 = gs_kernel_in(k, 0), *y, *x;
	int64_t dims[GS_EVAL_MAX_RANK], outer = 1, inner, done = 0, o;
	int i, d, a = 0;
	size_t es;
	char *dst;

	if (!x0)
		return gs_kernel_fail(k, "missing first input");
	if (x0->rank == 0)
		return gs_kernel_fail(k, "cannot concatenate scalars");
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", 0), x0->rank, &a))
		return -1;
	memcpy(dims, x0->dims, sizeof(dims));
	dims[a] = 0;
	for (i = 0; i < k->n_in; i++) {
		x = k->in[i];
		if (!x)
			return gs_kernel_fail(k, "input %d is omitted", i);
		if (x->dtype != x0->dtype || x->rank != x0->rank)
			return gs_kernel_fail(k, "input %d differs in dtype or rank from input 0", i);
		for (d = 0; d < x->rank; d++)
			if (d != a && x->dims[d] != x0->dims[d])
				return gs_kernel_fail(k, "input %d differs in dimension %d", i, d);
		dims[a] += x->dims[a];
	}
	y = gs_kernel_out(k, 0, x0->dtype, x0->rank, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(x0->dtype);
	for (d = 0; d < a; d++)
		outer *= dims[d];
	inner = y->numel / outer / dims[a];	/* elements per step along axis */
	for (i = 0; i < k->n_in; i++) {
		int64_t chunk;

		x = k->in[i];
		chunk = x->dims[a] * inner * (int64_t)es;
		dst = (char *)y->data + done * inner * (int64_t)es;
		for (o = 0; o < outer && chunk; o++)
			memcpy(dst + o * dims[a] * inner * (int64_t)es,
			       (const char *)x->data + o * chunk, (size_t)chunk);
		done += x->dims[a];
	}
	return 0;
}

static int k_split(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t *sizes, dims[GS_EVAL_MAX_RANK], outer = 1, inner = 1, total = 0, start = 0, o;
	int n = k->n_out, i, d, a = 0, got = -1;
	size_t es;
	int ret = -1;

	if (gs_k_need_inputs(k, 1))
		return -1;
	es = gs_et_elem_size(x->dtype);
	if (x->rank == 0)
		return gs_kernel_fail(k, "cannot split a scalar");
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", 0), x->rank, &a))
		return -1;
	if (n <= 0)
		return gs_kernel_fail(k, "no outputs");
	sizes = calloc((size_t)n, sizeof(*sizes));
	if (!sizes)
		return gs_kernel_fail(k, "out of memory");
	if (k->opset < 13) {
		got = attr_ints_or_int(k, "split", sizes, n);
		if (got == -2)
			goto out;
	} else if (gs_kernel_in(k, 1)) {
		got = gs_k_in_ints(k, gs_kernel_in(k, 1), "split", sizes, n);
		if (got < 0)
			goto out;
	}
	if (got >= 0 && got != n) {
		gs_kernel_fail(k, "'split' has %d sizes for %d outputs", got, n);
		goto out;
	}
	if (got < 0) {
		int64_t len = x->dims[a], chunk;
		const struct gs_attr *no = gs_node_attr(k->node, "num_outputs");

		if (no && no->i != n) {
			gs_kernel_fail(k, "'num_outputs' %lld but %d outputs", (long long)no->i, n);
			goto out;
		}
		if (no) {
			/* opset 18: ceil-sized chunks, the last one smaller */
			chunk = (len + n - 1) / n;
			for (i = 0; i < n; i++) {
				sizes[i] = len - start < chunk ? len - start : chunk;
				if (sizes[i] < 0)
					sizes[i] = 0;
				start += sizes[i];
			}
			start = 0;
		} else {
			if (len % n) {
				gs_kernel_fail(k, "axis length %lld does not split evenly into %d",
					       (long long)len, n);
				goto out;
			}
			for (i = 0; i < n; i++)
				sizes[i] = len / n;
		}
	}
	for (i = 0; i < n; i++) {
		if (sizes[i] < 0) {
			gs_kernel_fail(k, "negative split size %lld", (long long)sizes[i]);
			goto out;
		}
		if ((total = gs_size_add(total, sizes[i])) < 0) {
			gs_kernel_fail(k, "split sizes overflow");
			goto out;
		}
	}
	if (total != x->dims[a]) {
		gs_kernel_fail(k, "split sizes add up to %lld, axis has %lld", (long long)total,
			       (long long)x->dims[a]);
		goto out;
	}
	for (d = 0; d < a; d++)
		outer *= x->dims[d];
	for (d = a + 1; d < x->rank; d++)
		inner *= x->dims[d];
	memcpy(dims, x->dims, sizeof(dims));
	for (i = 0; i < n; i++) {
		int64_t chunk = sizes[i] * inner * (int64_t)es;

		dims[a] = sizes[i];
		if (gs_k_out_wanted(k, i)) {
			y = gs_kernel_out(k, i, x->dtype, x->rank, dims);
			if (!y)
				goto out;
			for (o = 0; o < outer && chunk; o++)
				memcpy((char *)y->data + o * chunk,
				       (const char *)x->data +
				       (o * x->dims[a] + start) * inner * (int64_t)es, (size_t)chunk);
		}
		start += sizes[i];
	}
	ret = 0;
out:
	free(sizes);
	return ret;
}

/* ---- Shape, Size, Expand, ConstantOfShape, Range, EyeLike ---- */

static int k_shape(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t r, start = 0, end, n;

	if (gs_k_need_inputs(k, 1))
		return -1;
	r = end = x->rank;
	if (k->opset >= 15) {
		start = gs_node_attr_int(k->node, "start", 0);
		end = gs_node_attr_int(k->node, "end", r);
	}
	if (start < 0)
		start += r;
	if (end < 0)
		end += r;
	start = start < 0 ? 0 : start > r ? r : start;
	end = end < 0 ? 0 : end > r ? r : end;
	n = end > start ? end - start : 0;
	y = gs_kernel_out(k, 0, GS_DTYPE_INT64, 1, &n);
	if (!y)
		return -1;
	if (n)
		memcpy(y->data, x->dims + start, (size_t)n * sizeof(int64_t));
	return 0;
}

static int k_size(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;

	if (gs_k_need_inputs(k, 1))
		return -1;
	y = gs_kernel_out(k, 0, GS_DTYPE_INT64, 0, NULL);
	if (!y)
		return -1;
	*(int64_t *)y->data = x->numel;
	return 0;
}

static int k_expand(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t shape[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK], xst[GS_EVAL_MAX_RANK],
		st[GS_EVAL_MAX_RANK];
	int n, r, i;

	if (gs_k_need_inputs(k, 2))
		return -1;
	n = gs_k_in_ints(k, gs_kernel_in(k, 1), "shape", shape, GS_EVAL_MAX_RANK);
	if (n < 0)
		return -1;
	r = n > x->rank ? n : x->rank;
	gs_k_row_strides(x->rank, x->dims, xst);
	for (i = 0; i < r; i++) {
		int xi = i - (r - x->rank), si = i - (r - n);
		int64_t xd = xi >= 0 ? x->dims[xi] : 1, sd = si >= 0 ? shape[si] : 1;

		if (sd < 0)
			return gs_kernel_fail(k, "invalid dimension %lld in shape", (long long)sd);
		if (xd != sd && xd != 1 && sd != 1)
			return gs_kernel_fail(k, "cannot broadcast dimension %lld to %lld",
					      (long long)xd, (long long)sd);
		dims[i] = xd == 1 ? sd : xd;
		st[i] = xi >= 0 && xd != 1 ? xst[xi] : 0;
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y)
		return -1;
	strided_copy(x, y, 0, st);
	return 0;
}

static int k_constant_of_shape(struct gs_kernel_ctx *k)
{
	struct gs_etensor *y;
	const struct gs_attr *v = gs_node_attr(k->node, "value");
	int64_t dims[GS_EVAL_MAX_RANK], i;
	int n, dt = GS_DTYPE_FLOAT;
	const void *val = NULL;
	size_t es;
	float zero = 0;

	n = gs_k_in_ints(k, gs_kernel_in(k, 0), "input", dims, GS_EVAL_MAX_RANK);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (dims[i] < 0)
			return gs_kernel_fail(k, "negative dimension %lld", (long long)dims[i]);
	if (v) {
		if (v->type != GS_ATTR_TENSOR || !v->t || v->t->numel != 1 || !v->t->data)
			return gs_kernel_fail(k, "'value' must be a one-element tensor");
		dt = v->t->dtype;
		val = v->t->data;
		if (gs_et_elem_size(dt) == 0 || gs_dtype_bits(dt) < 8 ||
		    v->t->nbytes < gs_et_elem_size(dt))
			return gs_kernel_fail(k, "'value' of dtype %s is not supported",
					      gs_dtype_name(dt));
	} else {
		val = &zero;
	}
	y = gs_kernel_out(k, 0, dt, n, dims);
	if (!y)
		return -1;
	es = gs_et_elem_size(dt);
	for (i = 0; i < y->numel; i++)
		memcpy((char *)y->data + i * (int64_t)es, val, es);
	return 0;
}

static int k_range(struct gs_kernel_ctx *k)
{
	struct gs_etensor *s = gs_kernel_in(k, 0), *l = gs_kernel_in(k, 1),
			  *d = gs_kernel_in(k, 2), *y;
	int64_t n, i;
	int dt;

	if (!s || !l || !d)
		return gs_kernel_fail(k, "needs start, limit and delta");
	dt = s->dtype;
	if (l->dtype != dt || d->dtype != dt || s->numel != 1 || l->numel != 1 || d->numel != 1)
		return gs_kernel_fail(k, "start, limit and delta must be scalars of one dtype");
	if (dt == GS_DTYPE_INT64 || dt == GS_DTYPE_INT32 || dt == GS_DTYPE_INT16) {
		/* exact: int64 through a double would round past INT64_MAX */
		int64_t a = gs_k_int_at(s, 0), b = gs_k_int_at(l, 0), st = gs_k_int_at(d, 0);

		if (st == 0)
			return gs_kernel_fail(k, "delta is zero");
		if ((st > 0 && b <= a) || (st < 0 && b >= a)) {
			n = 0;
		} else {
			/* unsigned: the span and |delta| may not fit int64 */
			uint64_t span = st > 0 ? (uint64_t)b - (uint64_t)a : (uint64_t)a - (uint64_t)b;
			uint64_t ust = st > 0 ? (uint64_t)st : 0 - (uint64_t)st, cnt;

			cnt = (span - 1) / ust + 1;
			if (cnt > INT64_MAX)
				return gs_kernel_fail(k, "range too long");
			n = (int64_t)cnt;
		}
		y = gs_kernel_out(k, 0, dt, 1, &n);
		if (!y)
			return -1;
		for (i = 0; i < n; i++) {
			int64_t v = (int64_t)((uint64_t)a + (uint64_t)i * (uint64_t)st);

			if (dt == GS_DTYPE_INT64)
				((int64_t *)y->data)[i] = v;
			else if (dt == GS_DTYPE_INT32)
				((int32_t *)y->data)[i] = (int32_t)v;
			else
				((int16_t *)y->data)[i] = (int16_t)v;
		}
		return 0;
	}
	if (gs_dtype_is_float(dt) && gs_et_elem_size(dt) >= 2) {
		double a = gs_et_get(s, 0), b = gs_et_get(l, 0), st = gs_et_get(d, 0), c;

		if (st == 0 || !isfinite(a) || !isfinite(b) || !isfinite(st))
			return gs_kernel_fail(k, "invalid start, limit or delta");
		c = ceil((b - a) / st);
		if (c > 1e12)
			return gs_kernel_fail(k, "range too long");
		n = c > 0 ? (int64_t)c : 0;
		y = gs_kernel_out(k, 0, dt, 1, &n);
		if (!y)
			return -1;
		for (i = 0; i < n; i++) {
			if (dt == GS_DTYPE_DOUBLE)
				((double *)y->data)[i] = a + (double)i * st;
			else
				gs_et_set(y, i, a + (double)i * st);
		}
		return 0;
	}
	return gs_kernel_fail(k, "dtype %s is not supported", gs_dtype_name(dt));
}

static int k_eye_like(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t off = gs_node_attr_int(k->node, "k", 0), i, j;
	int dt;

	if (gs_k_need_inputs(k, 1))
		return -1;
	dt = (int)gs_node_attr_int(k->node, "dtype", x->dtype);
	if (dt >= GS_DTYPE_FLOAT8E4M3FN && dt <= GS_DTYPE_FLOAT8E5M2FNUZ)
		return gs_kernel_fail(k, "dtype %s is not supported", gs_dtype_name(dt));
	if (x->rank != 2)
		return gs_kernel_fail(k, "input must be 2-D, not rank %d", x->rank);
	if (gs_et_elem_size(dt) == 0 || dt == GS_DTYPE_STRING)
		return gs_kernel_fail(k, "dtype %s is not supported", gs_dtype_name(dt));
	y = gs_kernel_out(k, 0, dt, 2, x->dims);
	if (!y)
		return -1;
	if (y->numel)
		memset(y->data, 0, y->nbytes);
	for (i = 0; i < x->dims[0]; i++) {
		if (off > x->dims[1] || off < -x->dims[1])
			break;
		j = i + off;
		if (j >= 0 && j < x->dims[1])
			gs_et_set(y, i * x->dims[1] + j, 1.0);
	}
	return 0;
}

const struct gs_op gs_ops_shape[] = {
	{ .domain = "", .name = "Reshape", .since = 1, .kernel = k_reshape,
	  .attr_inputs = GS_OP_INPUTS({ "shape", 1, 5 }), .rank_rule = GS_RANK_SHAPE,
	  .changed = { 5, 13, 14 },
	  .note = "same elements, new shape: 0 copies a dimension, one -1 is inferred" },
	{ .domain = "", .name = "Flatten", .since = 1, .kernel = k_flatten,
	  .attrs = GS_OP_ATTRS(GS_DFLT_INT("axis", 1)), .rank_rule = GS_RANK_FIXED, .rank = 2,
	  .changed = { 9, 11, 13 },
	  .note = "collapse to 2-D: dimensions before 'axis' and from 'axis' on" },
	{ .domain = "", .name = "Squeeze", .since = 1, .kernel = k_squeeze,
	  .breaks = { 13 }, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 13 }),
	  .changed = { 11, 13 },
	  .note = "drop size-1 dimensions (all of them, or 'axes'; an input from 13)" },
	{ .domain = "", .name = "Unsqueeze", .since = 1, .kernel = k_unsqueeze,
	  .breaks = { 13 }, .attr_inputs = GS_OP_INPUTS({ "axes", 1, 13 }),
	  .changed = { 11, 13 },
	  .note = "insert size-1 dimensions at 'axes', counted in the output's rank" },
	{ .domain = "", .name = "Identity", .since = 1, .kernel = k_identity,
	  .pointwise = true, .rank_rule = GS_RANK_SAME,
	  .changed = { 13, 14, 16 },
	  .note = "output is the input (a zero-copy view here)" },
	{ .domain = "", .name = "Transpose", .since = 1, .kernel = k_transpose,
	  .rank_rule = GS_RANK_SAME,
	  .changed = { 13 },
	  .note = "permute dimensions by 'perm' (default: reverse them)" },
	{ .domain = "", .name = "DepthToSpace", .since = 1, .kernel = k_depth_to_space,
	  .changed = { 11, 13 },
	  .note = "move channel blocks into spatial blocks (DCR or CRD order)" },
	{ .domain = "", .name = "SpaceToDepth", .since = 1, .kernel = k_space_to_depth,
	  .changed = { 13 },
	  .note = "move blocksize x blocksize spatial blocks into channels" },
	{ .domain = "", .name = "Concat", .since = 1, .kernel = k_concat,
	  .changed = { 4, 11, 13 },
	  .note = "join tensors along 'axis'; the other dimensions must agree" },
	{ .domain = "", .name = "Split", .since = 1, .kernel = k_split,
	  .breaks = { 13, 18 }, .attr_inputs = GS_OP_INPUTS({ "split", 1, 13 }),
	  .changed = { 2, 11, 13, 18 },
	  .note = "cut along 'axis' into given sizes, equal parts, or num_outputs chunks" },
	{ .domain = "", .name = "Shape", .since = 1, .kernel = k_shape,
	  .out_dtype = GS_DTYPE_INT64,
	  .changed = { 13, 15 },
	  .note = "the input's dimensions as int64 (a start..end slice from 15)" },
	{ .domain = "", .name = "Size", .since = 1, .kernel = k_size,
	  .out_dtype = GS_DTYPE_INT64,
	  .changed = { 13 },
	  .note = "the input's element count as an int64 scalar" },
	{ .domain = "", .name = "Expand", .since = 8, .kernel = k_expand,
	  .attr_inputs = GS_OP_INPUTS({ "shape", 1, 8 }),
	  .changed = { 13 },
	  .note = "broadcast to the broadcast of the input's shape and 'shape'" },
	{ .domain = "", .name = "ConstantOfShape", .since = 9, .kernel = k_constant_of_shape,
	  .attr_inputs = GS_OP_INPUTS({ "shape", 0, 9 }),
	  .changed = { 20, 21 },
	  .note = "a tensor of the given shape filled with 'value' (default float 0)" },
	{ .domain = "", .name = "Range", .since = 11, .kernel = k_range,
	  .note = "start, start+delta, ... below limit: max(ceil((limit-start)/delta), 0) values" },
	{ .domain = "", .name = "EyeLike", .since = 9, .kernel = k_eye_like,
	  .changed = { 22 },
	  .note = "ones on diagonal 'k' of a 2-D tensor shaped like the input" },
	{ .name = NULL },
};
