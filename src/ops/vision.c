/*
 * Op family 'vision' of the registry (see graphsmith/ops.h): sampling and
 * detection helpers.  GridSample (any number of spatial dims), AffineGrid,
 * NonMaxSuppression, RoiAlign, MaxUnpool, Col2Im and CenterCropPad.
 * Coordinates follow the ONNX reference implementation, which is what the
 * backend tests were generated with.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

/* ---- shared helpers ---- */

/* An ints attribute into out; -1 when absent, -2 (k->err set) when it is
 * not a list of ints or does not hold exactly `want` values. */
static int attr_ints(struct gs_kernel_ctx *k, const char *name, int64_t *out, int want)
{
	const struct gs_attr *a = gs_node_attr(k->node, name);

	if (!a)
		return -1;
	if (a->type != GS_ATTR_INTS)
		return gs_kernel_fail(k, "attribute '%s' must be ints", name), -2;
	if (a->n != want)
		return gs_kernel_fail(k, "attribute '%s' has %d values, expected %d", name, a->n,
				      want), -2;
	if (a->n)
		memcpy(out, a->ints, (size_t)a->n * sizeof(*out));
	return a->n;
}

/* Index of a string attribute's value in names (NULL-terminated); dflt
 * when absent; -1 (k->err set) for a value not listed. */
static int attr_choice(struct gs_kernel_ctx *k, const char *name, const char *const *names,
		       int dflt)
{
	const struct gs_attr *a = gs_node_attr(k->node, name);
	int i;

	if (!a)
		return dflt;
	for (i = 0; names[i]; i++)
		if (a->s && !strcmp(a->s, names[i]))
			return i;
	return gs_kernel_fail(k, "%s '%s' not supported", name, a->s ? a->s : "");
}

static int need_float(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what)
{
	if (!t)
		return gs_kernel_fail(k, "missing input '%s'", what);
	if (t->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "input '%s' of dtype %s is not supported", what,
				      gs_dtype_name(t->dtype));
	return 0;
}

/* ---- GridSample ---- */

enum { GS_LINEAR, GS_NEAREST, GS_CUBIC };
enum { PAD_ZEROS, PAD_BORDER, PAD_REFLECT };

struct grid_sampler {
	int nd;				/* spatial dims */
	const int64_t *dims;		/* their sizes */
	int64_t st[GS_EVAL_MAX_RANK];	/* element strides of a plane */
	double lo[GS_EVAL_MAX_RANK], hi[GS_EVAL_MAX_RANK];	/* reflection bounds */
	int pad;
	bool align;
};

/* x folded into [lo, hi] by repeated reflection at the bounds. */
static double reflect(double x, double lo, double hi)
{
	double rng = hi - lo, dx, r;
	int64_t n;

	if (!(rng > 0))
		return lo;
	if (x >= lo && x <= hi)
		return x;
	dx = x < lo ? lo - x : x - hi;
	if (dx > 1e15)
		return lo;	/* beyond any grid; avoids int overflow */
	n = (int64_t)(dx / rng);
	r = dx - (double)n * rng;
	if (x < lo)
		return n % 2 == 0 ? lo + r : hi - r;
	return n % 2 == 0 ? hi - r : lo + r;
}

/* The value at integer position idx of plane p under the padding mode. */
static float grid_pixel(const struct grid_sampler *g, const float *p, const int64_t *idx)
{
	int64_t off = 0;
	int d;

	for (d = 0; d < g->nd; d++) {
		int64_t i = idx[d], n = g->dims[d];

		if (i < 0 || i >= n) {
			if (g->pad == PAD_ZEROS)
				return 0;
			if (g->pad == PAD_BORDER)
				i = i < 0 ? 0 : n - 1;
			else
				i = (int64_t)reflect((double)i, g->lo[d], g->hi[d]);
			if (i < 0 || i >= n)
				i = i < 0 ? 0 : n - 1;
		}
		off += i * g->st[d];
	}
	return p[off];
}

/* Cubic convolution weights (A = -0.75) of the four taps around t in [0,1). */
static void cubic_weights(double t, double w[4])
{
	const double a = -0.75;
	double x;

	x = t + 1;
	w[0] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
	x = t;
	w[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
	x = 1 - t;
	w[2] = ((a + 2) * x - (a + 3)) * x * x + 1;
	x = 2 - t;
	w[3] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
}

/* Interpolated value at continuous position x (spatial order) of plane p:
 * the sum over the 2^nd (linear) or 4^nd (cubic) taps of the weight
 * products, which equals the reference's nested 1-D interpolation. */
static float grid_interp(const struct grid_sampler *g, const float *p, const double *x,
			 int mode)
{
	int taps = mode == GS_CUBIC ? 4 : 2, d, total = 1;
	int64_t base[GS_EVAL_MAX_RANK], idx[GS_EVAL_MAX_RANK];
	double w[GS_EVAL_MAX_RANK][4], sum = 0;
	int c;

	for (d = 0; d < g->nd; d++) {
		double f = floor(x[d]), t = x[d] - f;

		if (mode == GS_CUBIC) {
			base[d] = (int64_t)f - 1;
			cubic_weights(t, w[d]);
		} else {
			base[d] = (int64_t)f;
			w[d][0] = 1 - t;
			w[d][1] = t;
		}
		total *= taps;
	}
	for (c = 0; c < total; c++) {
		double wt = 1;
		int r = c;

		for (d = g->nd - 1; d >= 0; d--) {
			int j = r % taps;

			r /= taps;
			idx[d] = base[d] + j;
			wt *= w[d][j];
		}
		if (wt != 0)
			sum += wt * grid_pixel(g, p, idx);
	}
	return (float)sum;
}

static int k_grid_sample(struct gs_kernel_ctx *k)
{
	static const char *const modes16[] = { "bilinear", "nearest", "bicubic", NULL };
	static const char *const modes20[] = { "linear", "nearest", "cubic", NULL };
	static const char *const pads[] = { "zeros", "border", "reflection", NULL };
	struct gs_etensor *x = gs_kernel_in(k, 0), *grid = gs_kernel_in(k, 1), *y;
	struct grid_sampler g;
	int64_t odims[GS_EVAL_MAX_RANK], n, c, o, npos, plane, d;
	int mode, nd;
	const float *xd, *gd;
	float *yd;

	if (need_float(k, x, "X") || need_float(k, grid, "grid"))
		return -1;
	mode = attr_choice(k, "mode", k->opset >= 20 ? modes20 : modes16, GS_LINEAR);
	if (mode < 0)
		return -1;
	g.pad = attr_choice(k, "padding_mode", pads, PAD_ZEROS);
	if (g.pad < 0)
		return -1;
	g.align = gs_node_attr_int(k->node, "align_corners", 0) != 0;
	nd = x->rank - 2;
	if (nd < 1 || (k->opset < 20 && nd != 2))
		return gs_kernel_fail(k, "X of rank %d is not supported", x->rank);
	if (grid->rank != x->rank || grid->dims[0] != x->dims[0] || grid->dims[grid->rank - 1] != nd)
		return gs_kernel_fail(k, "grid must be [N, out dims..., %d] for X of rank %d", nd,
				      x->rank);
	odims[0] = x->dims[0];
	odims[1] = x->dims[1];
	for (d = 0; d < nd; d++)
		odims[2 + d] = grid->dims[1 + d];
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, x->rank, odims);
	if (!y)
		return -1;
	if (y->numel == 0)
		return 0;
	g.nd = nd;
	g.dims = x->dims + 2;
	plane = 1;
	for (d = nd - 1; d >= 0; d--) {
		g.st[d] = plane;
		plane *= g.dims[d];
		g.lo[d] = g.align ? 0 : -0.5;
		g.hi[d] = g.align ? (double)g.dims[d] - 1 : (double)g.dims[d] - 0.5;
	}
	npos = y->numel / (x->dims[0] * x->dims[1]);
	xd = x->data;
	gd = grid->data;
	yd = y->data;
	if (plane == 0) {
		/* nothing to sample: every tap is padding */
		if (g.pad != PAD_ZEROS)
			return gs_kernel_fail(k, "padding_mode over an empty X is not supported");
		memset(yd, 0, (size_t)y->numel * sizeof(*yd));
		return 0;
	}
	for (n = 0; n < x->dims[0]; n++) {
		for (o = 0; o < npos; o++) {
			const float *gp = gd + (n * npos + o) * nd;
			double pos[GS_EVAL_MAX_RANK];

			for (d = 0; d < nd; d++) {
				/* grid holds (x, y, z...): the last spatial dim first */
				double v = gp[nd - 1 - d], len = (double)g.dims[d];

				v = g.align ? (v + 1) / 2 * (len - 1) : ((v + 1) * len - 1) / 2;
				if (mode == GS_NEAREST)
					v = nearbyint(v);
				if (v < g.lo[d] || v > g.hi[d]) {
					if (g.pad == PAD_BORDER)
						v = v < 0 ? 0 : v > len - 1 ? len - 1 : v;
					else if (g.pad == PAD_REFLECT)
						v = reflect(v, g.lo[d], g.hi[d]);
				}
				if (isnan(v))
					v = -2;	/* zeros padding reads 0; border/reflect clamp */
				/* far outside, every tap reads padding anyway */
				if (v < -4)
					v = -4;
				else if (v > len + 4)
					v = len + 4;
				pos[d] = v;
			}
			for (c = 0; c < x->dims[1]; c++) {
				const float *p = xd + (n * x->dims[1] + c) * plane;
				float *out = yd + (n * x->dims[1] + c) * npos + o;

				if (mode == GS_NEAREST) {
					int64_t idx[GS_EVAL_MAX_RANK];

					for (d = 0; d < nd; d++)
						idx[d] = (int64_t)pos[d];
					*out = grid_pixel(&g, p, idx);
				} else {
					*out = grid_interp(&g, p, pos, mode);
				}
			}
		}
	}
	return 0;
}

/* ---- AffineGrid ---- */

/* Position i of n on the normalised [-1, 1] axis. */
static double affine_base(int64_t i, int64_t n, bool align)
{
	if (align)
		return n > 1 ? -1 + 2.0 * (double)i / (double)(n - 1) : -1;
	return -1 + (2.0 * (double)i + 1) / (double)n;
}

static int k_affine_grid(struct gs_kernel_ctx *k)
{
	struct gs_etensor *th = gs_kernel_in(k, 0), *y;
	int64_t size[5], odims[5], n, i, j, l, N, D, H, W;
	bool align = gs_node_attr_int(k->node, "align_corners", 0) != 0;
	int ns, nd;
	float *yd;
	const float *td;

	if (need_float(k, th, "theta"))
		return -1;
	ns = gs_k_in_ints(k, gs_kernel_in(k, 1), "size", size, 5);
	if (ns < 0)
		return -1;
	if (ns != 4 && ns != 5)
		return gs_kernel_fail(k, "size must hold 4 or 5 values, not %d", ns);
	nd = ns - 2;
	for (i = 0; i < ns; i++)
		if (size[i] < 0)
			return gs_kernel_fail(k, "size holds a negative value");
	N = size[0];
	D = nd == 3 ? size[2] : 1;
	H = size[ns - 2];
	W = size[ns - 1];
	if (th->rank != 3 || th->dims[0] != N || th->dims[1] != nd || th->dims[2] != nd + 1)
		return gs_kernel_fail(k, "theta must be [%lld, %d, %d]", (long long)N, nd, nd + 1);
	odims[0] = N;
	for (i = 0; i < nd; i++)
		odims[1 + i] = size[2 + i];
	odims[nd + 1] = nd;
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, nd + 2, odims);
	if (!y)
		return -1;
	yd = y->data;
	td = th->data;
	for (n = 0; n < N; n++) {
		const float *t = td + n * nd * (nd + 1);

		for (l = 0; l < D; l++) {
			for (i = 0; i < H; i++) {
				for (j = 0; j < W; j++) {
					double b[4];
					int r, c;

					/* base point (x, y[, z], 1) */
					b[0] = affine_base(j, W, align);
					b[1] = affine_base(i, H, align);
					if (nd == 3)
						b[2] = affine_base(l, D, align);
					b[nd] = 1;
					for (r = 0; r < nd; r++) {
						double s = 0;

						for (c = 0; c <= nd; c++)
							s += (double)t[r * (nd + 1) + c] * b[c];
						*yd++ = (float)s;
					}
				}
			}
		}
	}
	return 0;
}

/* ---- NonMaxSuppression ---- */

struct nms_box {
	float score;
	int64_t index;
};

static int nms_cmp(const void *a, const void *b)
{
	const struct nms_box *p = a, *q = b;

	if (p->score != q->score)
		return p->score > q->score ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

/* Corners (xmin, ymin, xmax, ymax) of a box in either encoding. */
static void nms_corners(const float *b, bool center, float c[4])
{
	if (center) {
		float hw = b[2] / 2, hh = b[3] / 2;

		c[0] = b[0] - hw;
		c[2] = b[0] + hw;
		c[1] = b[1] - hh;
		c[3] = b[1] + hh;
	} else {
		c[0] = fminf(b[1], b[3]);
		c[2] = fmaxf(b[1], b[3]);
		c[1] = fminf(b[0], b[2]);
		c[3] = fmaxf(b[0], b[2]);
	}
}

static bool nms_suppresses(const float *a, const float *b, bool center, float thr)
{
	float p[4], q[4], iw, ih, inter, ua, ub, uni;

	nms_corners(a, center, p);
	nms_corners(b, center, q);
	iw = fminf(p[2], q[2]) - fmaxf(p[0], q[0]);
	ih = fminf(p[3], q[3]) - fmaxf(p[1], q[1]);
	if (iw <= 0 || ih <= 0)
		return false;
	inter = iw * ih;
	ua = (p[2] - p[0]) * (p[3] - p[1]);
	ub = (q[2] - q[0]) * (q[3] - q[1]);
	uni = ua + ub - inter;
	if (ua <= 0 || ub <= 0 || uni <= 0)
		return false;
	return inter / uni > thr;
}

static int k_nms(struct gs_kernel_ctx *k)
{
	struct gs_etensor *bx = gs_kernel_in(k, 0), *sc = gs_kernel_in(k, 1), *y;
	struct gs_etensor *tmax = gs_kernel_in(k, 2), *tiou = gs_kernel_in(k, 3);
	struct gs_etensor *tscore = gs_kernel_in(k, 4);
	int64_t B, C, N, maxo = 0, b, c, i, j, nsel = 0, cap, *sel = NULL, *kept = NULL;
	int64_t dims[2];
	float iou = 0, sthr = 0;
	bool center, has_sthr = false;
	struct nms_box *cand = NULL;
	int ret = -1;

	if (need_float(k, bx, "boxes") || need_float(k, sc, "scores"))
		return -1;
	if (bx->rank != 3 || bx->dims[2] != 4 || sc->rank != 3 || sc->dims[0] != bx->dims[0] ||
	    sc->dims[2] != bx->dims[1])
		return gs_kernel_fail(k, "boxes must be [B, N, 4] and scores [B, C, N]");
	switch (gs_node_attr_int(k->node, "center_point_box", 0)) {
	case 0: center = false; break;
	case 1: center = true; break;
	default: return gs_kernel_fail(k, "center_point_box other than 0 or 1 is not supported");
	}
	if (tmax && tmax->numel) {
		if (!gs_k_is_int(tmax->dtype) || tmax->numel != 1)
			return gs_kernel_fail(k, "max_output_boxes_per_class must be one integer");
		maxo = gs_k_int_at(tmax, 0);
	}
	if (tiou && tiou->numel) {
		if (tiou->dtype != GS_DTYPE_FLOAT || tiou->numel != 1)
			return gs_kernel_fail(k, "iou_threshold must be one float");
		iou = *(const float *)tiou->data;
	}
	if (tscore && tscore->numel) {
		if (tscore->dtype != GS_DTYPE_FLOAT || tscore->numel != 1)
			return gs_kernel_fail(k, "score_threshold must be one float");
		sthr = *(const float *)tscore->data;
		has_sthr = true;
	}
	B = bx->dims[0];
	N = bx->dims[1];
	C = sc->dims[1];
	if (maxo < 0)
		maxo = 0;
	if (maxo > N)
		maxo = N;
	cap = B * C * maxo;	/* each factor bounded by real tensor dims */
	cand = malloc((size_t)(N ? N : 1) * sizeof(*cand));
	kept = malloc((size_t)(maxo ? maxo : 1) * sizeof(*kept));
	sel = malloc((size_t)(cap ? cap : 1) * 3 * sizeof(*sel));
	if (!cand || !kept || !sel) {
		gs_kernel_fail(k, "out of memory");
		goto out;
	}
	for (b = 0; b < B && maxo; b++) {
		const float *boxes = (const float *)bx->data + b * N * 4;

		for (c = 0; c < C; c++) {
			const float *s = (const float *)sc->data + (b * C + c) * N;
			int64_t nc = 0, nk = 0;

			for (i = 0; i < N; i++) {
				if (has_sthr && !(s[i] > sthr))
					continue;
				cand[nc].score = s[i];
				cand[nc++].index = i;
			}
			qsort(cand, (size_t)nc, sizeof(*cand), nms_cmp);
			for (i = 0; i < nc && nk < maxo; i++) {
				bool keep = true;

				for (j = 0; j < nk && keep; j++)
					keep = !nms_suppresses(boxes + cand[i].index * 4,
							       boxes + kept[j] * 4, center, iou);
				if (!keep)
					continue;
				kept[nk++] = cand[i].index;
				sel[nsel * 3] = b;
				sel[nsel * 3 + 1] = c;
				sel[nsel * 3 + 2] = cand[i].index;
				nsel++;
			}
		}
	}
	dims[0] = nsel;
	dims[1] = 3;
	y = gs_kernel_out(k, 0, GS_DTYPE_INT64, 2, dims);
	if (!y)
		goto out;
	if (nsel)
		memcpy(y->data, sel, (size_t)nsel * 3 * sizeof(*sel));
	ret = 0;
out:
	free(cand);
	free(kept);
	free(sel);
	return ret;
}

/* ---- RoiAlign ---- */

/* Bilinear sample of an H x W plane at (y, x) as RoiAlign defines it:
 * zero beyond one pixel outside, clamped at the far edges.  Fills the four
 * tap offsets and weights. */
static void roi_taps(double y, double x, int64_t H, int64_t W, int64_t pos[4], double w[4])
{
	int64_t yl, xl, yh, xh;
	double ly, lx;

	if (y < -1.0 || y > (double)H || x < -1.0 || x > (double)W) {
		memset(pos, 0, 4 * sizeof(*pos));
		memset(w, 0, 4 * sizeof(*w));
		return;
	}
	if (y <= 0)
		y = 0;
	if (x <= 0)
		x = 0;
	yl = (int64_t)y;
	xl = (int64_t)x;
	if (yl >= H - 1) {
		yh = yl = H - 1;
		y = (double)yl;
	} else {
		yh = yl + 1;
	}
	if (xl >= W - 1) {
		xh = xl = W - 1;
		x = (double)xl;
	} else {
		xh = xl + 1;
	}
	ly = y - (double)yl;
	lx = x - (double)xl;
	pos[0] = yl * W + xl;
	pos[1] = yl * W + xh;
	pos[2] = yh * W + xl;
	pos[3] = yh * W + xh;
	w[0] = (1 - ly) * (1 - lx);
	w[1] = (1 - ly) * lx;
	w[2] = ly * (1 - lx);
	w[3] = ly * lx;
}

static int k_roi_align(struct gs_kernel_ctx *k)
{
	static const char *const modes[] = { "avg", "max", NULL };
	static const char *const ctms[] = { "half_pixel", "output_half_pixel", NULL };
	struct gs_etensor *x = gs_kernel_in(k, 0), *rois = gs_kernel_in(k, 1);
	struct gs_etensor *bi = gs_kernel_in(k, 2), *y;
	int64_t oh = gs_node_attr_int(k->node, "output_height", 1);
	int64_t ow = gs_node_attr_int(k->node, "output_width", 1);
	int64_t sr = gs_node_attr_int(k->node, "sampling_ratio", 0);
	double scale = gs_node_attr_float(k->node, "spatial_scale", 1.0f);
	int64_t R, C, H, W, r, c, ph, pw, dims[4];
	int mode, ctm;
	float *yd;

	if (need_float(k, x, "X") || need_float(k, rois, "rois"))
		return -1;
	if (!bi || !gs_k_is_int(bi->dtype))
		return gs_kernel_fail(k, "batch_indices must be an integer tensor");
	mode = attr_choice(k, "mode", modes, 0);
	if (mode < 0)
		return -1;
	/* opset 10 had no attribute and behaved as output_half_pixel */
	ctm = attr_choice(k, "coordinate_transformation_mode", ctms, k->opset >= 16 ? 0 : 1);
	if (ctm < 0)
		return -1;
	if (x->rank != 4 || rois->rank != 2 || rois->dims[1] != 4 || bi->rank != 1 ||
	    bi->dims[0] != rois->dims[0])
		return gs_kernel_fail(k, "expected X [N,C,H,W], rois [R,4], batch_indices [R]");
	if (oh < 1 || ow < 1 || sr < 0 || oh > (1 << 20) || ow > (1 << 20))
		return gs_kernel_fail(k, "output_height, output_width or sampling_ratio out of range");
	R = rois->dims[0];
	C = x->dims[1];
	H = x->dims[2];
	W = x->dims[3];
	dims[0] = R;
	dims[1] = C;
	dims[2] = oh;
	dims[3] = ow;
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 4, dims);
	if (!y)
		return -1;
	yd = y->data;
	if (H == 0 || W == 0) {
		/* every sample lies outside: the reference's zeros */
		if (y->numel)
			memset(yd, 0, (size_t)y->numel * sizeof(*yd));
		return 0;
	}
	for (r = 0; r < R; r++) {
		const float *roi = (const float *)rois->data + r * 4;
		double off = ctm == 0 ? 0.5 : 0, x0, y0, rw, rh, bw, bh;
		int64_t b = gs_k_int_at(bi, r), gh, gw, cnt;

		if (b < 0 || b >= x->dims[0])
			return gs_kernel_fail(k, "batch index %lld out of range", (long long)b);
		x0 = roi[0] * scale - off;
		y0 = roi[1] * scale - off;
		rw = roi[2] * scale - off - x0;
		rh = roi[3] * scale - off - y0;
		if (ctm == 1) {
			rw = rw > 1 ? rw : 1;
			rh = rh > 1 ? rh : 1;
		}
		if (!isfinite(rw) || !isfinite(rh) || !isfinite(x0) || !isfinite(y0))
			return gs_kernel_fail(k, "roi %lld is not finite", (long long)r);
		bh = rh / (double)oh;
		bw = rw / (double)ow;
		gh = sr > 0 ? sr : (int64_t)ceil(rh / (double)oh);
		gw = sr > 0 ? sr : (int64_t)ceil(rw / (double)ow);
		if (gh < 0 || gw < 0 || gh > (1 << 16) || gw > (1 << 16))
			return gs_kernel_fail(k, "roi %lld needs too many samples", (long long)r);
		cnt = gh * gw > 1 ? gh * gw : 1;
		for (c = 0; c < C; c++) {
			const float *p = (const float *)x->data + (b * C + c) * H * W;

			for (ph = 0; ph < oh; ph++) {
				for (pw = 0; pw < ow; pw++) {
					double acc = 0;
					bool first = true;
					int64_t iy, ix;

					for (iy = 0; iy < gh; iy++) {
						double yy = y0 + (double)ph * bh +
							    ((double)iy + 0.5) * bh / (double)gh;

						for (ix = 0; ix < gw; ix++) {
							double xx = x0 + (double)pw * bw +
								    ((double)ix + 0.5) * bw / (double)gw;
							int64_t pos[4];
							double w[4], v;
							int t;

							roi_taps(yy, xx, H, W, pos, w);
							if (mode == 0) {
								for (t = 0; t < 4; t++)
									if (w[t] != 0)
										acc += w[t] * p[pos[t]];
								continue;
							}
							/* max mode: the largest weighted tap */
							v = w[0] * p[pos[0]];
							for (t = 1; t < 4; t++)
								if (w[t] * p[pos[t]] > v)
									v = w[t] * p[pos[t]];
							if (first || v > acc)
								acc = v;
							first = false;
						}
					}
					*yd++ = (float)(mode == 0 ? acc / (double)cnt : acc);
				}
			}
		}
	}
	return 0;
}

/* ---- MaxUnpool ---- */

static int k_max_unpool(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *ix = gs_kernel_in(k, 1);
	struct gs_etensor *os = gs_kernel_in(k, 2), *y;
	int64_t ks[GS_EVAL_MAX_RANK], st[GS_EVAL_MAX_RANK], pads[2 * GS_EVAL_MAX_RANK];
	int64_t dims[GS_EVAL_MAX_RANK], odims[GS_EVAL_MAX_RANK], i, n;
	int nd, d;
	size_t es;

	if (!x || !ix)
		return gs_kernel_fail(k, "missing input");
	if (ix->dtype != GS_DTYPE_INT64 || ix->numel != x->numel || ix->rank != x->rank)
		return gs_kernel_fail(k, "indices must be int64 with the shape of X");
	nd = x->rank - 2;
	if (nd < 1)
		return gs_kernel_fail(k, "X must have rank 3 or more");
	es = gs_et_elem_size(x->dtype);
	if (!es || x->dtype == GS_DTYPE_STRING)
		return gs_kernel_fail(k, "dtype %s is not supported", gs_dtype_name(x->dtype));
	if (attr_ints(k, "kernel_shape", ks, nd) != nd)
		return gs_kernel_fail(k, "kernel_shape must hold %d values", nd);
	for (d = 0; d < nd; d++)
		st[d] = 1;
	memset(pads, 0, sizeof(pads));
	if (attr_ints(k, "strides", st, nd) == -2 || attr_ints(k, "pads", pads, 2 * nd) == -2)
		return -1;
	dims[0] = x->dims[0];
	dims[1] = x->dims[1];
	for (d = 0; d < nd; d++) {
		if (st[d] < 1 || ks[d] < 1 || pads[d] < 0 || pads[nd + d] < 0)
			return gs_kernel_fail(k, "kernel_shape, strides and pads must be positive");
		dims[2 + d] = (x->dims[2 + d] - 1) * st[d] - pads[d] - pads[nd + d] + ks[d];
		if (dims[2 + d] < 0)
			return gs_kernel_fail(k, "negative output size");
	}
	memcpy(odims, dims, sizeof(dims));
	if (os && os->numel) {
		/* indices stay those of the inferred shape; the larger output
		 * holds that block at its origin (as the reference pads) */
		if (gs_k_in_ints(k, os, "output_shape", odims, GS_EVAL_MAX_RANK) != x->rank)
			return gs_kernel_fail(k, "output_shape must hold %d values", x->rank);
		for (d = 0; d < x->rank; d++)
			if (odims[d] < dims[d] || (d < 2 && odims[d] != dims[d]))
				return gs_kernel_fail(k, "output_shape smaller than the inferred "
						      "shape is not supported");
	}
	n = gs_dims_numel(x->rank, dims);
	y = gs_kernel_out(k, 0, x->dtype, x->rank, odims);
	if (!y || n < 0)
		return y ? gs_kernel_fail(k, "output size overflows") : -1;
	if (y->numel)
		memset(y->data, 0, (size_t)y->numel * es);
	for (i = 0; i < x->numel; i++) {
		int64_t t = ((const int64_t *)ix->data)[i], off = 0, q, mul = 1;

		if (t < 0 || t >= n)
			return gs_kernel_fail(k, "index %lld out of range", (long long)t);
		for (d = x->rank - 1, q = t; d >= 0; d--) {
			off += (q % dims[d]) * mul;
			q /= dims[d];
			mul *= odims[d];
		}
		memcpy((char *)y->data + off * es, (const char *)x->data + i * es, es);
	}
	return 0;
}

/* ---- Col2Im ---- */

static int k_col2im(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t img[GS_EVAL_MAX_RANK], blk[GS_EVAL_MAX_RANK], dil[GS_EVAL_MAX_RANK];
	int64_t st[GS_EVAL_MAX_RANK], pads[2 * GS_EVAL_MAX_RANK], nb[GS_EVAL_MAX_RANK];
	int64_t dims[GS_EVAL_MAX_RANK], kprod = 1, L = 1, C, n, c, kk, l, plane = 1;
	int nd, d;
	const float *xd;
	float *yd;

	if (need_float(k, x, "input"))
		return -1;
	nd = gs_k_in_ints(k, gs_kernel_in(k, 1), "image_shape", img, GS_EVAL_MAX_RANK - 2);
	if (nd < 0)
		return -1;
	if (gs_k_in_ints(k, gs_kernel_in(k, 2), "block_shape", blk, GS_EVAL_MAX_RANK) != nd ||
	    nd < 1)
		return gs_kernel_fail(k, "image_shape and block_shape must have the same length");
	for (d = 0; d < nd; d++) {
		dil[d] = 1;
		st[d] = 1;
		pads[d] = pads[nd + d] = 0;
	}
	if (attr_ints(k, "dilations", dil, nd) == -2 || attr_ints(k, "strides", st, nd) == -2 ||
	    attr_ints(k, "pads", pads, 2 * nd) == -2)
		return -1;
	if (x->rank != 3)
		return gs_kernel_fail(k, "input must be [N, C*prod(block), L]");
	for (d = 0; d < nd; d++) {
		int64_t span;

		if (img[d] < 0 || blk[d] < 1 || dil[d] < 1 || st[d] < 1 || pads[d] < 0 ||
		    pads[nd + d] < 0 || img[d] > INT32_MAX || blk[d] > INT32_MAX ||
		    dil[d] > INT32_MAX || pads[d] > INT32_MAX || pads[nd + d] > INT32_MAX)
			return gs_kernel_fail(k, "image, block, dilation, stride or pad out of range");
		span = dil[d] * (blk[d] - 1) + 1;
		nb[d] = img[d] + pads[d] + pads[nd + d] - span;
		nb[d] = nb[d] < 0 ? 0 : nb[d] / st[d] + 1;
		if (__builtin_mul_overflow(kprod, blk[d], &kprod) ||
		    __builtin_mul_overflow(L, nb[d], &L) ||
		    __builtin_mul_overflow(plane, img[d], &plane))
			return gs_kernel_fail(k, "sizes overflow");
	}
	if (x->dims[1] % kprod || x->dims[2] != L)
		return gs_kernel_fail(k, "input [%lld, %lld, %lld] does not match the blocks",
				      (long long)x->dims[0], (long long)x->dims[1],
				      (long long)x->dims[2]);
	C = x->dims[1] / kprod;
	dims[0] = x->dims[0];
	dims[1] = C;
	memcpy(dims + 2, img, (size_t)nd * sizeof(*img));
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, nd + 2, dims);
	if (!y)
		return -1;
	yd = y->data;
	xd = x->data;
	if (y->numel)
		memset(yd, 0, (size_t)y->numel * sizeof(*yd));
	for (n = 0; n < x->dims[0]; n++) {
		for (c = 0; c < C; c++) {
			float *out = yd + (n * C + c) * plane;

			for (kk = 0; kk < kprod; kk++) {
				const float *row = xd + ((n * C + c) * kprod + kk) * L;
				int64_t koff[GS_EVAL_MAX_RANK], r = kk;

				for (d = nd - 1; d >= 0; d--) {
					koff[d] = r % blk[d];
					r /= blk[d];
				}
				for (l = 0; l < L; l++) {
					int64_t pos[GS_EVAL_MAX_RANK], off = 0, q = l;
					bool in = true;

					/* l walks the block grid row-major */
					for (d = nd - 1; d >= 0; d--) {
						pos[d] = (q % nb[d]) * st[d] - pads[d] + koff[d] * dil[d];
						q /= nb[d];
						in = in && pos[d] >= 0 && pos[d] < img[d];
					}
					if (!in)
						continue;
					for (d = 0; d < nd; d++)
						off = off * img[d] + pos[d];
					out[off] += row[l];
				}
			}
		}
	}
	return 0;
}

/* ---- CenterCropPad ---- */

static int k_center_crop_pad(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *y;
	int64_t shape[GS_EVAL_MAX_RANK], axes[GS_EVAL_MAX_RANK], dims[GS_EVAL_MAX_RANK];
	int64_t src0[GS_EVAL_MAX_RANK], dst0[GS_EVAL_MAX_RANK], cnt[GS_EVAL_MAX_RANK];
	int64_t xs[GS_EVAL_MAX_RANK], ys[GS_EVAL_MAX_RANK], idx[GS_EVAL_MAX_RANK], total = 1, i;
	const struct gs_attr *aa;
	int ns, na, d, r;
	size_t es;
	bool seen[GS_EVAL_MAX_RANK] = { false };

	if (!x)
		return gs_kernel_fail(k, "missing input");
	es = gs_et_elem_size(x->dtype);
	if (!es || x->dtype == GS_DTYPE_STRING)
		return gs_kernel_fail(k, "dtype %s is not supported", gs_dtype_name(x->dtype));
	r = x->rank;
	ns = gs_k_in_ints(k, gs_kernel_in(k, 1), "shape", shape, GS_EVAL_MAX_RANK);
	if (ns < 0)
		return -1;
	aa = gs_node_attr(k->node, "axes");
	if (aa) {
		if (aa->type != GS_ATTR_INTS || aa->n > r)
			return gs_kernel_fail(k, "attribute 'axes' is invalid");
		na = aa->n;
		for (d = 0; d < na; d++) {
			int64_t a = aa->ints[d] < 0 ? aa->ints[d] + r : aa->ints[d];

			if (a < 0 || a >= r || seen[a])
				return gs_kernel_fail(k, "axis %lld out of range or repeated",
						      (long long)aa->ints[d]);
			seen[a] = true;
			axes[d] = a;
		}
	} else {
		na = r;
		for (d = 0; d < r; d++)
			axes[d] = d;
	}
	if (ns != na)
		return gs_kernel_fail(k, "shape holds %d values for %d axes", ns, na);
	for (d = 0; d < r; d++) {
		dims[d] = x->dims[d];
		src0[d] = dst0[d] = 0;
		cnt[d] = x->dims[d];
	}
	for (d = 0; d < na; d++) {
		int64_t a = axes[d], in = x->dims[a], out = shape[d];

		if (out < 0)
			return gs_kernel_fail(k, "shape holds a negative value");
		dims[a] = out;
		if (out < in) {
			src0[a] = (in - out) / 2;
			cnt[a] = out;
		} else {
			dst0[a] = (out - in) / 2;
		}
	}
	y = gs_kernel_out(k, 0, x->dtype, r, dims);
	if (!y)
		return -1;
	if (y->numel)
		memset(y->data, 0, (size_t)y->numel * es);
	for (d = r - 1, xs[r > 0 ? r - 1 : 0] = 1, ys[r > 0 ? r - 1 : 0] = 1; d > 0; d--) {
		xs[d - 1] = xs[d] * x->dims[d];
		ys[d - 1] = ys[d] * dims[d];
	}
	for (d = 0; d < r; d++) {
		total *= cnt[d];
		idx[d] = 0;
	}
	if (r == 0) {
		if (x->numel)
			memcpy(y->data, x->data, es);
		return 0;
	}
	for (i = 0; i < total; i++) {
		int64_t so = 0, doff = 0;

		for (d = 0; d < r; d++) {
			so += (src0[d] + idx[d]) * xs[d];
			doff += (dst0[d] + idx[d]) * ys[d];
		}
		memcpy((char *)y->data + doff * es, (const char *)x->data + so * es, es);
		for (d = r - 1; d >= 0; d--) {
			if (++idx[d] < cnt[d])
				break;
			idx[d] = 0;
		}
	}
	return 0;
}

const struct gs_op gs_ops_vision[] = {
	{ .domain = "", .name = "GridSample", .since = 16, .flags = GS_OP_FLOAT32,
	  .breaks = { 20 },
	  .kernel = k_grid_sample, .changed = { 16, 20, 22 },
	  .note = "samples X at normalised grid positions: linear/nearest/cubic, zeros/border/reflection padding" },
	{ .domain = "", .name = "AffineGrid", .since = 20, .flags = GS_OP_FLOAT32,
	  .kernel = k_affine_grid, .changed = { 20 },
	  .note = "grid of theta applied to the normalised output coordinates (feeds GridSample)" },
	{ .domain = "", .name = "NonMaxSuppression", .since = 10, .kernel = k_nms,
	  .changed = { 10, 11 },
	  .note = "per batch and class, keeps the best boxes greedily, dropping those overlapping a kept one by IoU > threshold" },
	{ .domain = "", .name = "RoiAlign", .since = 10, .flags = GS_OP_FLOAT32,
	  .breaks = { 16 },
	  .kernel = k_roi_align, .changed = { 10, 16, 22 },
	  .note = "pools each region of interest to a fixed grid by averaging (or maxing) bilinear samples" },
	{ .domain = "", .name = "MaxUnpool", .since = 9, .kernel = k_max_unpool,
	  .changed = { 9, 11, 22 },
	  .note = "scatters values back to the positions MaxPool's indices recorded; zeros elsewhere" },
	{ .domain = "", .name = "Col2Im", .since = 18, .flags = GS_OP_FLOAT32, .kernel = k_col2im,
	  .changed = { 18 },
	  .note = "sums sliding blocks [N, C*prod(block), L] back into an image (inverse of im2col)" },
	{ .domain = "", .name = "CenterCropPad", .since = 18, .kernel = k_center_crop_pad,
	  .changed = { 18 },
	  .note = "crops or zero-pads each listed axis symmetrically around its centre to the given size" },
	{ .name = NULL },
};
