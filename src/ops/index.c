/*
 * Op family 'index' of the registry (see graphsmith/ops.h): ops that pick,
 * place or pad elements by position (Gather*, Scatter*, Slice, Pad, Tile,
 * Trilu, OneHot, NonZero, Compress, ReverseSequence).  Elements of any
 * dtype are copied as gs_et_elem_size(dtype) bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

/* ---- helpers ---- */

/*
 * y at coordinates o is x at (tab[0][o0], ..., tab[r-1][o_r-1]), or *fill
 * when any entry is -1.  One table per axis, y->dims[a] entries each.
 * Works row by row (all axes but the last); a row whose last-axis table
 * counts up by one is a single memcpy.
 */
static void gather_axes(const struct gs_etensor *x, struct gs_etensor *y, int64_t *const *tab,
			const void *fill)
{
	size_t es = gs_et_elem_size(x->dtype);
	int64_t o[GS_EVAL_MAX_RANK] = { 0 }, st[GS_EVAL_MAX_RANK], row, nrows, n, j, off, s;
	const int64_t *last;
	int r = y->rank, a;
	bool pad, contiguous = true;
	char *dst = y->data;
	const char *src = x->data;

	if (y->numel == 0)
		return;
	if (r == 0) {
		memcpy(dst, src, es);
		return;
	}
	gs_k_row_strides(x->rank, x->dims, st);
	n = y->dims[r - 1];
	last = tab[r - 1];
	for (j = 0; j < n; j++)
		if (last[j] != last[0] + j || last[j] < 0)
			contiguous = false;
	nrows = y->numel / n;
	for (row = 0; row < nrows; row++, dst += n * (int64_t)es) {
		off = 0;
		pad = false;
		for (a = 0; a < r - 1; a++) {
			s = tab[a][o[a]];
			if (s < 0)
				pad = true;
			else
				off += s * st[a];
		}
		if (!pad && contiguous) {
			memcpy(dst, src + (off + last[0]) * (int64_t)es, (size_t)n * es);
		} else {
			for (j = 0; j < n; j++)
				memcpy(dst + j * (int64_t)es, pad || last[j] < 0 ? fill :
				       src + (off + last[j]) * (int64_t)es, es);
		}
		for (a = r - 2; a >= 0 && ++o[a] == y->dims[a]; a--)
			o[a] = 0;
	}
}

/* One block of tables for gather_axes: tab[a] has dims[a] entries. */
static int64_t **tables_new(int r, const int64_t *dims)
{
	int64_t total = 0, **tab;
	int a;

	for (a = 0; a < r; a++)
		total += dims[a];
	tab = malloc(sizeof(*tab) * GS_EVAL_MAX_RANK + sizeof(int64_t) * (size_t)(total + 1));
	if (!tab)
		return NULL;
	total = 0;
	for (a = 0; a < r; a++) {
		tab[a] = (int64_t *)(tab + GS_EVAL_MAX_RANK) + total;
		total += dims[a];
	}
	return tab;
}

/* ---- Gather family ---- */

static int k_gather(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *ind = gs_kernel_in(k, 1), *y;
	int64_t dims[GS_EVAL_MAX_RANK], outer = 1, inner = 1, o, i, d, n;
	int a = 0, r, j;
	size_t es;

	if (gs_k_need_inputs(k, 2))
		return -1;
	if (!gs_k_is_int(ind->dtype))
		return gs_kernel_fail(k, "indices must be integers");
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", 0), x->rank, &a))
		return -1;
	r = x->rank - 1 + ind->rank;
	if (r > GS_EVAL_MAX_RANK)
		return gs_kernel_fail(k, "output rank %d exceeds %d", r, GS_EVAL_MAX_RANK);
	for (j = 0; j < a; j++)
		outer *= (dims[j] = x->dims[j]);
	for (j = 0; j < ind->rank; j++)
		dims[a + j] = ind->dims[j];
	for (j = a + 1; j < x->rank; j++)
		inner *= (dims[j - 1 + ind->rank] = x->dims[j]);
	d = x->dims[a];
	n = ind->numel;
	for (i = 0; i < n; i++) {
		int64_t v = gs_k_int_at(ind, i);

		if (v < -d || v >= d)
			return gs_kernel_fail(k, "index %lld out of range for axis of size %lld",
					      (long long)v, (long long)d);
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(x->dtype) * (size_t)inner;
	for (o = 0; o < outer; o++)
		for (i = 0; i < n; i++) {
			int64_t v = gs_k_int_at(ind, i);

			if (v < 0)
				v += d;
			memcpy((char *)y->data + (o * n + i) * (int64_t)es,
			       (const char *)x->data + (o * d + v) * (int64_t)es, es);
		}
	return 0;
}

/*
 * Offset into x of the element that element i of ind (of x's rank) names
 * along axis a; o holds i's coordinates in ind and steps on to the next.
 * -1 (k->err set) for an index out of range.
 */
static int elements_offset(struct gs_kernel_ctx *k, const struct gs_etensor *x,
			   const struct gs_etensor *ind, int64_t i, int a, const int64_t *xst,
			   int64_t *o, int64_t *off)
{
	int64_t v = gs_k_int_at(ind, i), d = x->dims[a];
	int j;

	if (v < -d || v >= d)
		return gs_kernel_fail(k, "index %lld out of range for axis of size %lld",
				      (long long)v, (long long)d);
	if (v < 0)
		v += d;
	*off = 0;
	for (j = 0; j < x->rank; j++)
		*off += (j == a ? v : o[j]) * xst[j];
	for (j = ind->rank - 1; j >= 0 && ++o[j] == ind->dims[j]; j--)
		o[j] = 0;
	return 0;
}

static int k_gather_elements(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *ind = gs_kernel_in(k, 1), *y;
	int64_t o[GS_EVAL_MAX_RANK] = { 0 }, xst[GS_EVAL_MAX_RANK], i, off;
	int a = 0, j;
	size_t es;

	if (gs_k_need_inputs(k, 2))
		return -1;
	if (!gs_k_is_int(ind->dtype) || ind->rank != x->rank || x->rank == 0)
		return gs_kernel_fail(k, "indices must be integers of the data's rank");
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", 0), x->rank, &a))
		return -1;
	for (j = 0; j < x->rank; j++)
		if (j != a && ind->dims[j] > x->dims[j])
			return gs_kernel_fail(k, "indices dimension %d exceeds the data's", j);
	y = gs_kernel_out(k, 0, x->dtype, ind->rank, ind->dims);
	if (!y)
		return -1;
	es = gs_et_elem_size(x->dtype);
	gs_k_row_strides(x->rank, x->dims, xst);
	for (i = 0; i < ind->numel; i++) {
		if (elements_offset(k, x, ind, i, a, xst, o, &off))
			return -1;
		memcpy((char *)y->data + i * (int64_t)es, (const char *)x->data + off * (int64_t)es, es);
	}
	return 0;
}

static int k_gather_nd(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *ind = gs_kernel_in(k, 1), *y;
	int64_t b = gs_node_attr_int(k->node, "batch_dims", 0), dims[GS_EVAL_MAX_RANK],
		xst[GS_EVAL_MAX_RANK], m, nb = 1, per_batch, inner = 1, i, t, off;
	int j, r = 0;
	size_t es;

	if (gs_k_need_inputs(k, 2))
		return -1;
	if (!gs_k_is_int(ind->dtype) || ind->rank < 1)
		return gs_kernel_fail(k, "indices must be integers of rank >= 1");
	m = ind->dims[ind->rank - 1];
	if (b < 0 || b >= ind->rank || b >= x->rank || m < 1 || b + m > x->rank)
		return gs_kernel_fail(k, "invalid batch_dims %lld or index depth %lld",
				      (long long)b, (long long)m);
	for (j = 0; j < b; j++) {
		if (ind->dims[j] != x->dims[j])
			return gs_kernel_fail(k, "batch dimension %d differs", j);
		nb *= x->dims[j];
	}
	for (j = 0; j < ind->rank - 1; j++)
		dims[r++] = ind->dims[j];
	for (j = (int)(b + m); j < x->rank; j++) {
		if (r >= GS_EVAL_MAX_RANK)
			return gs_kernel_fail(k, "output rank exceeds %d", GS_EVAL_MAX_RANK);
		inner *= (dims[r++] = x->dims[j]);
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(x->dtype);
	gs_k_row_strides(x->rank, x->dims, xst);
	/* index tuples per batch */
	per_batch = ind->numel / m / (nb ? nb : 1);
	for (t = 0; t < ind->numel / m; t++) {
		int64_t batch = t / per_batch;

		off = batch * (b ? xst[b - 1] : 0);
		for (i = 0; i < m; i++) {
			int64_t v = gs_k_int_at(ind, t * m + i), d = x->dims[b + i];

			if (v < -d || v >= d)
				return gs_kernel_fail(k, "index %lld out of range for size %lld",
						      (long long)v, (long long)d);
			off += (v < 0 ? v + d : v) * xst[b + i];
		}
		memcpy((char *)y->data + t * inner * (int64_t)es,
		       (const char *)x->data + off * (int64_t)es, (size_t)inner * es);
	}
	return 0;
}

/* ---- Scatter family ---- */

enum { RED_NONE, RED_ADD, RED_MUL, RED_MAX, RED_MIN };

static int reduction_mode(struct gs_kernel_ctx *k, int *mode)
{
	const struct gs_attr *a = gs_node_attr(k->node, "reduction");
	static const char *const names[] = { "none", "add", "mul", "max", "min" };
	int i;

	*mode = RED_NONE;
	if (!a)
		return 0;
	for (i = 0; i < 5; i++)
		if (a->s && !strcmp(a->s, names[i])) {
			*mode = i;
			return 0;
		}
	return gs_kernel_fail(k, "unknown reduction '%s'", a->s ? a->s : "");
}

/* y[dst] (op)= u[src] for one element. */
static void scatter_one(struct gs_etensor *y, int64_t dst, const struct gs_etensor *u,
			int64_t src, int mode, size_t es)
{
	double a, b, r;

	if (mode == RED_NONE) {
		memcpy((char *)y->data + dst * (int64_t)es, (const char *)u->data + src * (int64_t)es, es);
		return;
	}
	if (y->dtype == GS_DTYPE_FLOAT) {
		float *p = (float *)y->data + dst, v = ((const float *)u->data)[src];

		switch (mode) {
		case RED_ADD: *p += v; break;
		case RED_MUL: *p *= v; break;
		case RED_MAX: *p = *p > v ? *p : v; break;
		default: *p = *p < v ? *p : v; break;
		}
		return;
	}
	if (y->dtype == GS_DTYPE_INT64) {
		int64_t *p = (int64_t *)y->data + dst, v = ((const int64_t *)u->data)[src];

		switch (mode) {
		case RED_ADD: *p = (int64_t)((uint64_t)*p + (uint64_t)v); break;
		case RED_MUL: *p = (int64_t)((uint64_t)*p * (uint64_t)v); break;
		case RED_MAX: *p = *p > v ? *p : v; break;
		default: *p = *p < v ? *p : v; break;
		}
		return;
	}
	a = gs_et_get(y, dst);
	b = gs_et_get(u, src);
	switch (mode) {
	case RED_ADD: r = a + b; break;
	case RED_MUL: r = a * b; break;
	case RED_MAX: r = a > b ? a : b; break;
	default: r = a < b ? a : b; break;
	}
	gs_et_set(y, dst, r);
}

static struct gs_etensor *copy_to_out(struct gs_kernel_ctx *k, const struct gs_etensor *x)
{
	struct gs_etensor *y = gs_kernel_out(k, 0, x->dtype, x->rank, x->dims);

	if (y && x->numel)
		memcpy(y->data, x->data, x->nbytes < y->nbytes ? x->nbytes : y->nbytes);
	return y;
}

static int k_scatter_elements(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *ind = gs_kernel_in(k, 1),
			  *u = gs_kernel_in(k, 2), *y;
	int64_t o[GS_EVAL_MAX_RANK] = { 0 }, xst[GS_EVAL_MAX_RANK], i, off;
	int a = 0, j, mode;
	size_t es;

	if (gs_k_need_inputs(k, 3) || reduction_mode(k, &mode))
		return -1;
	if (!gs_k_is_int(ind->dtype) || ind->rank != x->rank || u->rank != x->rank ||
	    u->dtype != x->dtype || x->rank == 0)
		return gs_kernel_fail(k, "indices and updates must match the data's rank");
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", 0), x->rank, &a))
		return -1;
	for (j = 0; j < x->rank; j++)
		if (ind->dims[j] != u->dims[j] || (j != a && ind->dims[j] > x->dims[j]))
			return gs_kernel_fail(k, "indices and updates shapes disagree");
	y = copy_to_out(k, x);
	if (!y)
		return -1;
	es = gs_et_elem_size(x->dtype);
	gs_k_row_strides(x->rank, x->dims, xst);
	for (i = 0; i < ind->numel; i++) {
		if (elements_offset(k, x, ind, i, a, xst, o, &off))
			return -1;
		scatter_one(y, off, u, i, mode, es);
	}
	return 0;
}

static int k_scatter_nd(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *ind = gs_kernel_in(k, 1),
			  *u = gs_kernel_in(k, 2), *y;
	int64_t xst[GS_EVAL_MAX_RANK], m, inner = 1, t, n, i, off;
	int j, mode;
	size_t es;

	if (gs_k_need_inputs(k, 3) || reduction_mode(k, &mode))
		return -1;
	if (!gs_k_is_int(ind->dtype) || ind->rank < 1 || u->dtype != x->dtype)
		return gs_kernel_fail(k, "indices must be integers of rank >= 1");
	m = ind->dims[ind->rank - 1];
	if (m > x->rank || m < 0)
		return gs_kernel_fail(k, "index depth %lld exceeds the data's rank", (long long)m);
	/* updates shape = indices.shape[:-1] + data.shape[m:] */
	if (u->rank != ind->rank - 1 + x->rank - m)
		return gs_kernel_fail(k, "updates have the wrong rank");
	for (j = 0; j < ind->rank - 1; j++)
		if (u->dims[j] != ind->dims[j])
			return gs_kernel_fail(k, "updates dimension %d differs from indices", j);
	for (j = (int)m; j < x->rank; j++) {
		if (u->dims[ind->rank - 1 + j - m] != x->dims[j])
			return gs_kernel_fail(k, "updates dimension differs from data");
		inner *= x->dims[j];
	}
	y = copy_to_out(k, x);
	if (!y)
		return -1;
	es = gs_et_elem_size(x->dtype);
	gs_k_row_strides(x->rank, x->dims, xst);
	n = m ? ind->numel / m : 0;
	if (m == 0)
		n = ind->numel ? 0 : u->numel / (inner ? inner : 1);
	for (t = 0; t < n; t++) {
		off = 0;
		for (j = 0; j < m; j++) {
			int64_t v = gs_k_int_at(ind, t * m + j), d = x->dims[j];

			if (v < -d || v >= d)
				return gs_kernel_fail(k, "index %lld out of range for size %lld",
						      (long long)v, (long long)d);
			off += (v < 0 ? v + d : v) * xst[j];
		}
		for (i = 0; i < inner; i++)
			scatter_one(y, off + i, u, t * inner + i, mode, es);
	}
	return 0;
}

/* ---- Slice, Pad, Tile ---- */

static int k_slice(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t starts[GS_EVAL_MAX_RANK], ends[GS_EVAL_MAX_RANK], axes[GS_EVAL_MAX_RANK],
		steps[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK], start[GS_EVAL_MAX_RANK], step[GS_EVAL_MAX_RANK];
	bool seen[GS_EVAL_MAX_RANK] = { false };
	int n, ne, na = -1, ns = -1, i, a, r;
	int64_t **tab, j;

	if (gs_k_need_inputs(k, 1))
		return -1;
	r = x->rank;
	if (k->opset < 10) {
		n = gs_k_attr_ints(k, "starts", starts, GS_EVAL_MAX_RANK);
		ne = gs_k_attr_ints(k, "ends", ends, GS_EVAL_MAX_RANK);
		na = gs_k_attr_ints(k, "axes", axes, GS_EVAL_MAX_RANK);
		if (n == -2 || ne == -2 || na == -2)
			return -1;
	} else {
		n = gs_k_in_ints(k, gs_kernel_in(k, 1), "starts", starts, GS_EVAL_MAX_RANK);
		ne = gs_k_in_ints(k, gs_kernel_in(k, 2), "ends", ends, GS_EVAL_MAX_RANK);
		if (n < 0 || ne < 0)
			return -1;
		if (gs_kernel_in(k, 3) &&
		    (na = gs_k_in_ints(k, gs_kernel_in(k, 3), "axes", axes, GS_EVAL_MAX_RANK)) < 0)
			return -1;
		if (gs_kernel_in(k, 4) &&
		    (ns = gs_k_in_ints(k, gs_kernel_in(k, 4), "steps", steps,
				       GS_EVAL_MAX_RANK)) < 0)
			return -1;
	}
	if (n < 0 || n != ne || (na >= 0 && na != n) || (ns >= 0 && ns != n))
		return gs_kernel_fail(k, "starts, ends, axes and steps differ in length");
	for (a = 0; a < r; a++) {
		start[a] = 0;
		step[a] = 1;
		dims[a] = x->dims[a];
	}
	for (i = 0; i < n; i++) {
		int64_t s, e, d, p = ns >= 0 ? steps[i] : 1, cnt;

		if (gs_k_axis(k, na >= 0 ? axes[i] : i, r, &a))
			return -1;
		if (seen[a])
			return gs_kernel_fail(k, "axis %d sliced twice", a);
		seen[a] = true;
		if (p == 0)
			return gs_kernel_fail(k, "step is zero");
		d = x->dims[a];
		s = starts[i];
		e = ends[i];
		if (s < 0)
			s += d;
		if (e < 0)
			e += d;
		if (p > 0) {
			s = s < 0 ? 0 : s > d ? d : s;
			e = e < 0 ? 0 : e > d ? d : e;
			cnt = e > s ? (e - s - 1) / p + 1 : 0;
		} else {
			s = s < 0 ? 0 : s > d - 1 ? d - 1 : s;
			e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
			cnt = s > e ? (int64_t)((uint64_t)(s - e - 1) / (0 - (uint64_t)p)) + 1 : 0;
		}
		start[a] = s;
		step[a] = p;
		dims[a] = cnt;
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	tab = tables_new(r, dims);
	if (!tab)
		return gs_kernel_fail(k, "out of memory");
	for (a = 0; a < r; a++)
		for (j = 0; j < dims[a]; j++)
			tab[a][j] = start[a] + j * step[a];
	gather_axes(x, y, tab, NULL);
	free(tab);
	return 0;
}

/* Source index of output coordinate c on an axis of length len (after
 * cropping) padded by before: -1 for the constant. */
static int64_t pad_src(int64_t c, int64_t before, int64_t len, int mode)
{
	int64_t p = c - before, period;

	if (p >= 0 && p < len)
		return p;
	switch (mode) {
	case 1:		/* reflect: mirror without repeating the edge */
		if (len == 1)
			return 0;
		period = 2 * (len - 1);
		p %= period;
		if (p < 0)
			p += period;
		return p < len ? p : period - p;
	case 2:		/* edge */
		return p < 0 ? 0 : len - 1;
	case 3:		/* wrap */
		p %= len;
		return p < 0 ? p + len : p;
	default:
		return -1;
	}
}

static int k_pad(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y, *cv;
	int64_t pads[2 * GS_EVAL_MAX_RANK], axes[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK],
		pb[GS_EVAL_MAX_RANK] = { 0 }, pe[GS_EVAL_MAX_RANK] = { 0 }, **tab, j;
	const struct gs_attr *ma = gs_node_attr(k->node, "mode");
	int n, na = -1, i, a = 0, r, mode = 0;
	size_t es;
	unsigned char fill[16] = { 0 };

	if (gs_k_need_inputs(k, 1))
		return -1;
	r = x->rank;
	es = gs_et_elem_size(x->dtype);
	if (ma && ma->s) {
		static const char *const modes[] = { "constant", "reflect", "edge", "wrap" };

		for (mode = 0; mode < 4 && strcmp(ma->s, modes[mode]); mode++)
			;
		if (mode == 4 || (mode == 3 && k->opset < 19))
			return gs_kernel_fail(k, "unknown mode '%s'", ma->s);
	}
	if (k->opset < 11) {
		n = gs_k_attr_ints(k, k->opset < 2 ? "paddings" : "pads", pads,
				   2 * GS_EVAL_MAX_RANK);
		if (n == -2)
			return -1;
		if (n == -1)
			return gs_kernel_fail(k, "missing attribute 'pads'");
		if (mode == 0) {
			float f = gs_node_attr_float(k->node, "value", 0);
			struct gs_etensor tmp = *x;

			tmp.data = fill;
			tmp.numel = 1;
			gs_et_set(&tmp, 0, f);
		}
	} else {
		n = gs_k_in_ints(k, gs_kernel_in(k, 1), "pads", pads, 2 * GS_EVAL_MAX_RANK);
		if (n < 0)
			return -1;
		cv = gs_kernel_in(k, 2);
		if (cv && cv->numel) {
			if (cv->dtype != x->dtype || es > sizeof(fill))
				return gs_kernel_fail(k, "constant_value must match the data's dtype");
			memcpy(fill, cv->data, es);
		}
		if (gs_kernel_in(k, 3) &&
		    (na = gs_k_in_ints(k, gs_kernel_in(k, 3), "axes", axes, GS_EVAL_MAX_RANK)) < 0)
			return -1;
	}
	if (na < 0) {
		if (n != 2 * r)
			return gs_kernel_fail(k, "'pads' has %d values for rank %d", n, r);
		for (a = 0; a < r; a++) {
			pb[a] = pads[a];
			pe[a] = pads[a + r];
		}
	} else {
		if (n != 2 * na)
			return gs_kernel_fail(k, "'pads' has %d values for %d axes", n, na);
		for (i = 0; i < na; i++) {
			if (gs_k_axis(k, axes[i], r, &a))
				return -1;
			pb[a] = pads[i];
			pe[a] = pads[i + na];
		}
	}
	for (a = 0; a < r; a++) {
		int64_t len;

		if (pb[a] < -x->dims[a] || pe[a] < -x->dims[a])
			return gs_kernel_fail(k, "pads of axis %d crop more than its size", a);
		len = x->dims[a] + (pb[a] < 0 ? pb[a] : 0) + (pe[a] < 0 ? pe[a] : 0);
		if (len < 0 || pb[a] > INT32_MAX || pe[a] > INT32_MAX)
			return gs_kernel_fail(k, "pads of axis %d out of range", a);
		dims[a] = len + (pb[a] > 0 ? pb[a] : 0) + (pe[a] > 0 ? pe[a] : 0);
		if (len == 0 && dims[a] > 0 && mode != 0)
			return gs_kernel_fail(k, "cannot pad an empty axis in this mode");
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	tab = tables_new(r, dims);
	if (!tab)
		return gs_kernel_fail(k, "out of memory");
	for (a = 0; a < r; a++) {
		int64_t lo = pb[a] < 0 ? -pb[a] : 0, before = pb[a] > 0 ? pb[a] : 0;
		int64_t len = x->dims[a] - lo - (pe[a] < 0 ? -pe[a] : 0);

		for (j = 0; j < dims[a]; j++) {
			int64_t s = pad_src(j, before, len, mode);

			tab[a][j] = s < 0 ? -1 : s + lo;
		}
	}
	gather_axes(x, y, tab, fill);
	free(tab);
	return 0;
}

static int k_tile(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t rep[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK], **tab, j;
	int n, a;

	if (gs_k_need_inputs(k, 2))
		return -1;
	n = gs_k_in_ints(k, gs_kernel_in(k, 1), "repeats", rep, GS_EVAL_MAX_RANK);
	if (n < 0)
		return -1;
	if (n != x->rank)
		return gs_kernel_fail(k, "'repeats' has %d values for rank %d", n, x->rank);
	for (a = 0; a < n; a++) {
		if ((dims[a] = gs_size_mul(x->dims[a], rep[a])) < 0)
			return gs_kernel_fail(k, "invalid repeat %lld", (long long)rep[a]);
	}
	y = gs_kernel_out(k, 0, x->dtype, n, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	tab = tables_new(n, dims);
	if (!tab)
		return gs_kernel_fail(k, "out of memory");
	for (a = 0; a < n; a++)
		for (j = 0; j < dims[a]; j++)
			tab[a][j] = j % x->dims[a];
	gather_axes(x, y, tab, NULL);
	free(tab);
	return 0;
}

/* ---- Trilu, OneHot, NonZero, Compress, ReverseSequence ---- */

static int k_trilu(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y, *kt = gs_kernel_in(k, 1);
	bool upper = gs_node_attr_int(k->node, "upper", 1) != 0;
	int64_t off = 0, rows, cols, b, i, j;
	size_t es;

	if (gs_k_need_inputs(k, 1))
		return -1;
	if (x->rank < 2)
		return gs_kernel_fail(k, "input must have rank >= 2");
	if (kt) {
		if (!gs_k_is_int(kt->dtype) || kt->numel != 1)
			return gs_kernel_fail(k, "'k' must be an integer scalar");
		off = gs_k_int_at(kt, 0);
	}
	y = copy_to_out(k, x);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(x->dtype);
	rows = x->dims[x->rank - 2];
	cols = x->dims[x->rank - 1];
	for (b = 0; b < x->numel / (rows * cols); b++)
		for (i = 0; i < rows; i++)
			for (j = 0; j < cols; j++) {
				/* keep j - i >= k (upper) or j - i <= k (lower) */
				bool keep = upper ? j - i >= off : j - i <= off;

				if (!keep)
					memset((char *)y->data + ((b * rows + i) * cols + j) * (int64_t)es,
					       0, es);
			}
	return 0;
}

static int k_one_hot(struct gs_kernel_ctx *k)
{
	struct gs_etensor *ind = gs_kernel_in(k, 0), *dep = gs_kernel_in(k, 1),
			  *val = gs_kernel_in(k, 2), *y;
	int64_t dims[GS_EVAL_MAX_RANK], depth, outer = 1, inner = 1, o, c, i;
	int a = 0, r, j;
	size_t es;
	double dd;

	if (gs_k_need_inputs(k, 3))
		return -1;
	if (dep->numel != 1 || val->numel != 2)
		return gs_kernel_fail(k, "depth must be a scalar and values have two elements");
	dd = gs_et_get(dep, 0);
	if (!(dd >= 1 && dd < 1e9))
		return gs_kernel_fail(k, "invalid depth %g", dd);
	depth = (int64_t)dd;
	r = ind->rank + 1;
	if (r > GS_EVAL_MAX_RANK)
		return gs_kernel_fail(k, "output rank exceeds %d", GS_EVAL_MAX_RANK);
	if (gs_k_axis(k, gs_node_attr_int(k->node, "axis", -1), r, &a))
		return -1;
	for (j = 0; j < a; j++)
		outer *= (dims[j] = ind->dims[j]);
	dims[a] = depth;
	for (j = a; j < ind->rank; j++)
		inner *= (dims[j + 1] = ind->dims[j]);
	y = gs_kernel_out(k, 0, val->dtype, r, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(val->dtype);
	for (o = 0; o < outer; o++)
		for (c = 0; c < depth; c++)
			for (i = 0; i < inner; i++) {
				double v = gs_et_get(ind, o * inner + i);
				int64_t iv;

				if (v < 0)
					v += (double)depth;
				iv = v >= 0 && v < (double)depth ? (int64_t)v : -1;
				memcpy((char *)y->data + ((o * depth + c) * inner + i) * (int64_t)es,
				       (const char *)val->data + (iv == c ? es : 0), es);
			}
	return 0;
}

static bool elem_nonzero(const struct gs_etensor *x, int64_t i, size_t es)
{
	const unsigned char *p = (const unsigned char *)x->data + i * (int64_t)es;
	size_t b;

	if (gs_dtype_is_float(x->dtype))
		return gs_et_get(x, i) != 0;
	for (b = 0; b < es; b++)
		if (p[b])
			return true;
	return false;
}

static int k_non_zero(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t dims[2], cnt = 0, i, o[GS_EVAL_MAX_RANK] = { 0 }, *out;
	int r, a;
	size_t es;

	if (gs_k_need_inputs(k, 1))
		return -1;
	es = gs_et_elem_size(x->dtype);
	r = x->rank;
	for (i = 0; i < x->numel; i++)
		cnt += elem_nonzero(x, i, es);
	/* a scalar reports as rank 1 (numpy's nonzero of a 0-d array) */
	dims[0] = r ? r : 1;
	dims[1] = cnt;
	y = gs_kernel_out(k, 0, GS_DTYPE_INT64, 2, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	out = y->data;
	cnt = 0;
	for (i = 0; i < x->numel; i++) {
		if (elem_nonzero(x, i, es)) {
			if (r == 0)
				out[cnt] = 0;
			for (a = 0; a < r; a++)
				out[a * dims[1] + cnt] = o[a];
			cnt++;
		}
		for (a = r - 1; a >= 0 && ++o[a] == x->dims[a]; a--)
			o[a] = 0;
	}
	return 0;
}

static int k_compress(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *cond = gs_kernel_in(k, 1), *y;
	const struct gs_attr *ax = gs_node_attr(k->node, "axis");
	int64_t dims[GS_EVAL_MAX_RANK], outer = 1, inner = 1, len, cnt = 0, o, i, w;
	int a = 0, r, j;
	size_t es;

	if (gs_k_need_inputs(k, 2))
		return -1;
	if (cond->rank != 1)
		return gs_kernel_fail(k, "condition must be 1-D");
	if (ax) {
		if (gs_k_axis(k, ax->i, x->rank, &a))
			return -1;
		r = x->rank;
		memcpy(dims, x->dims, sizeof(dims));
		for (j = 0; j < a; j++)
			outer *= x->dims[j];
		for (j = a + 1; j < r; j++)
			inner *= x->dims[j];
		len = x->dims[a];
	} else {
		r = 1;
		len = x->numel;
	}
	if (cond->numel > len)
		return gs_kernel_fail(k, "condition longer than the axis");
	for (i = 0; i < cond->numel; i++)
		cnt += gs_et_get(cond, i) != 0;
	dims[a] = cnt;
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(x->dtype) * (size_t)inner;
	w = 0;
	for (o = 0; o < outer; o++)
		for (i = 0; i < cond->numel; i++)
			if (gs_et_get(cond, i) != 0)
				memcpy((char *)y->data + (w++) * (int64_t)es,
				       (const char *)x->data + (o * len + i) * (int64_t)es, es);
	return 0;
}

static int k_reverse_sequence(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *sl = gs_kernel_in(k, 1), *y;
	int64_t ba = gs_node_attr_int(k->node, "batch_axis", 1),
		ta = gs_node_attr_int(k->node, "time_axis", 0), st[GS_EVAL_MAX_RANK],
		o[GS_EVAL_MAX_RANK] = { 0 }, i, src;
	int a;
	size_t es;

	if (gs_k_need_inputs(k, 2))
		return -1;
	if (x->rank < 2 || (ba != 0 && ba != 1) || (ta != 0 && ta != 1) || ba == ta)
		return gs_kernel_fail(k, "batch_axis and time_axis must be 0 and 1");
	if (sl->numel != x->dims[ba] || !gs_k_is_int(sl->dtype))
		return gs_kernel_fail(k, "sequence_lens must have one integer per batch");
	for (i = 0; i < sl->numel; i++)
		if (gs_k_int_at(sl, i) < 0 || gs_k_int_at(sl, i) > x->dims[ta])
			return gs_kernel_fail(k, "sequence length %lld out of range",
					      (long long)gs_k_int_at(sl, i));
	y = gs_kernel_out(k, 0, x->dtype, x->rank, x->dims);
	if (!y || !y->numel)
		return y ? 0 : -1;
	es = gs_et_elem_size(x->dtype);
	gs_k_row_strides(x->rank, x->dims, st);
	for (i = 0; i < x->numel; i++) {
		int64_t len = gs_k_int_at(sl, o[ba]), t = o[ta];

		src = i;
		if (t < len)
			src = i + (len - 1 - 2 * t) * st[ta];
		memcpy((char *)y->data + i * (int64_t)es, (const char *)x->data + src * (int64_t)es, es);
		for (a = x->rank - 1; a >= 0 && ++o[a] == x->dims[a]; a--)
			o[a] = 0;
	}
	return 0;
}

const struct gs_op gs_ops_index[] = {
	{ .domain = "", .name = "Gather", .since = 1, .kernel = k_gather,
	  .attrs = GS_OP_ATTRS(GS_DFLT_INT("axis", 0)),
	  .changed = { 11, 13 },
	  .note = "pick slices along 'axis' by index (negative counts from the end)" },
	{ .domain = "", .name = "GatherElements", .since = 11, .kernel = k_gather_elements,
	  .changed = { 13 },
	  .note = "per-element gather: out[i][j] = data[index[i][j]][j] for axis 0" },
	{ .domain = "", .name = "GatherND", .since = 11, .kernel = k_gather_nd,
	  .changed = { 12, 13 },
	  .note = "gather slices addressed by index tuples (after batch_dims)" },
	{ .domain = "", .name = "Scatter", .since = 9, .kernel = k_scatter_elements,
	  .breaks = { 11 },
	  .changed = { 11 },
	  .note = "deprecated name of ScatterElements" },
	{ .domain = "", .name = "ScatterElements", .since = 11, .kernel = k_scatter_elements,
	  .changed = { 13, 16, 18 },
	  .note = "copy of data with updates written at per-element indices (reduction)" },
	{ .domain = "", .name = "ScatterND", .since = 11, .kernel = k_scatter_nd,
	  .changed = { 13, 16, 18 },
	  .note = "copy of data with slices replaced at index tuples (reduction)" },
	{ .domain = "", .name = "Slice", .since = 1, .kernel = k_slice,
	  .breaks = { 10 },
	  .attr_inputs = GS_OP_INPUTS(
		{ "starts", 1, 10 }, { "ends", 2, 10 }, { "axes", 3, 10 }, { "steps", 4, 10 }),
	  .rank_rule = GS_RANK_SAME,
	  .changed = { 10, 11, 13 },
	  .note = "sub-tensor by starts/ends/axes/steps (clamped; negative steps reverse)" },
	{ .domain = "", .name = "Pad", .since = 1, .kernel = k_pad,
	  .breaks = { 11 },
	  .attr_inputs = GS_OP_INPUTS({ "pads", 1, 11 }, { "constant_value", 2, 11 }),
	  .rank_rule = GS_RANK_SAME,
	  .changed = { 2, 11, 13, 18, 19 },
	  .note = "grow (or crop) each axis: constant, reflect, edge or wrap" },
	{ .domain = "", .name = "Tile", .since = 6, .kernel = k_tile,
	  .attr_inputs = GS_OP_INPUTS({ "repeats", 1, 6 }),
	  .changed = { 13 },
	  .note = "repeat the whole tensor 'repeats' times along each axis" },
	{ .domain = "", .name = "Trilu", .since = 14, .kernel = k_trilu,
	  .note = "keep the upper (default) or lower triangle of the last two axes" },
	{ .domain = "", .name = "OneHot", .since = 9, .kernel = k_one_hot,
	  .changed = { 11 },
	  .note = "indices to one-hot vectors of 'depth' along 'axis' (values = off, on)" },
	{ .domain = "", .name = "NonZero", .since = 9, .kernel = k_non_zero,
	  .out_dtype = GS_DTYPE_INT64,
	  .changed = { 13 },
	  .note = "coordinates of the non-zero elements, one column each" },
	{ .domain = "", .name = "Compress", .since = 9, .kernel = k_compress,
	  .changed = { 11 },
	  .note = "keep the slices (or flat elements) where the condition is true" },
	{ .domain = "", .name = "ReverseSequence", .since = 10, .kernel = k_reverse_sequence,
	  .note = "reverse the first sequence_lens[b] steps of each batch entry" },
	{ .name = NULL },
};
