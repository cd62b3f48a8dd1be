/*
 * Op family 'resize' of the registry (see graphsmith/ops.h): Resize and
 * the deprecated Upsample.
 *
 * The interpolation is separable, so it runs as one 1-D pass per resized
 * axis, innermost axis first: that order reproduces tf_crop_and_resize's
 * extrapolation exactly as the ONNX reference nests it.  Each pass first
 * turns every output position into taps (input index, weight) from the
 * coordinate transformation and the mode's coefficients.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"

enum { M_NEAREST, M_LINEAR, M_CUBIC };
enum { C_HALF_PIXEL, C_PYTORCH_HALF_PIXEL, C_ALIGN_CORNERS, C_ASYMMETRIC,
       C_TF_CROP_AND_RESIZE, C_HALF_PIXEL_SYMMETRIC };
enum { N_ROUND_PREFER_FLOOR, N_ROUND_PREFER_CEIL, N_FLOOR, N_CEIL, N_SIMPLE };

struct rs_opts {
	int mode, coord, nearest;
	double cubic_a, extrapolation;
	bool exclude_outside, antialias;
};

/* Taps of one axis: nt per output position. */
struct taps {
	int nt;
	int64_t *idx;
	double *w;
	bool *extrap;
};

static int pick(struct gs_kernel_ctx *k, const char *attr, const char *const *names, int n,
		int dflt, int *out)
{
	const struct gs_attr *a = gs_node_attr(k->node, attr);
	int i;

	*out = dflt;
	if (!a)
		return 0;
	for (i = 0; i < n; i++)
		if (a->s && !strcmp(a->s, names[i])) {
			*out = i;
			return 0;
		}
	return gs_kernel_fail(k, "unsupported %s '%s'", attr, a->s ? a->s : "");
}

static double cubic_w(double x, double a)
{
	x = fabs(x);
	if (x <= 1)
		return ((a + 2) * x - (a + 3)) * x * x + 1;
	if (x < 2)
		return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
	return 0;
}

/* Source coordinate of output position j, as the ONNX reference computes
 * it (with the fractional output length scale * in). */
static double src_coord(const struct rs_opts *o, int64_t j, int64_t in, int64_t out_len,
			double scale, double roi_s, double roi_e)
{
	double x = (double)j, outf = scale * (double)in;

	switch (o->coord) {
	case C_PYTORCH_HALF_PIXEL:
		return outf == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
	case C_ALIGN_CORNERS:
		return outf == 1 ? 0 : x * (double)(in - 1) / (outf - 1);
	case C_ASYMMETRIC:
		return x / scale;
	case C_TF_CROP_AND_RESIZE:
		if (outf == 1)
			x = (roi_e - roi_s) * (double)(in - 1) / 2;
		else
			x = x * (roi_e - roi_s) * (double)(in - 1) / (outf - 1);
		return x + roi_s * (double)(in - 1);
	case C_HALF_PIXEL_SYMMETRIC: {
		double adj = (double)out_len / outf, center = (double)in / 2;

		return center * (1 - adj) + (x + 0.5) / scale - 0.5;
	}
	default:
		return (x + 0.5) / scale - 0.5;
	}
}

static int taps_build(struct gs_kernel_ctx *k, const struct rs_opts *o, int64_t in,
		      int64_t out_len, double scale, double roi_s, double roi_e, struct taps *t)
{
	int64_t j, start = 0;
	int nt = 1, i;
	double s = scale < 1 ? scale : 1;
	bool aa = o->antialias && o->mode != M_NEAREST && scale < 1;

	if (o->mode == M_LINEAR) {
		nt = 2;
		if (aa) {
			start = (int64_t)floor(-1 / s) + 1;
			nt = (int)(2 - 2 * start);
		}
	} else if (o->mode == M_CUBIC) {
		start = -1;
		nt = 4;
		if (aa) {
			start = (int64_t)floor(-2 / s) + 1;
			nt = (int)(2 - 2 * start);
		}
	}
	if (!(scale > 0) || !isfinite(scale) || nt > 1 << 22 || out_len * nt > (int64_t)1 << 28)
		return gs_kernel_fail(k, "scale %g is out of range", scale);
	t->nt = nt;
	t->idx = malloc(sizeof(*t->idx) * (size_t)(out_len * nt + 1));
	t->w = malloc(sizeof(*t->w) * (size_t)(out_len * nt + 1));
	t->extrap = calloc((size_t)out_len + 1, sizeof(*t->extrap));
	if (!t->idx || !t->w || !t->extrap)
		return gs_kernel_fail(k, "out of memory");
	for (j = 0; j < out_len; j++) {
		double x = src_coord(o, j, in, out_len, scale, roi_s, roi_e), r, sum = 0;
		int64_t x0, *ix = t->idx + j * nt;
		double *w = t->w + j * nt;

		if (o->coord == C_TF_CROP_AND_RESIZE && (x < 0 || x > (double)(in - 1))) {
			t->extrap[j] = true;
			for (i = 0; i < nt; i++) {
				ix[i] = 0;
				w[i] = 0;
			}
			continue;
		}
		if (!isfinite(x) || fabs(x) > 1e15)
			return gs_kernel_fail(k, "coordinate out of range");
		x0 = (int64_t)floor(x);
		r = x - (double)x0;
		if (o->mode == M_NEAREST) {
			bool up;

			switch (o->nearest) {
			case N_ROUND_PREFER_FLOOR: up = r > 0.5; break;
			case N_ROUND_PREFER_CEIL: up = r >= 0.5; break;
			case N_FLOOR: up = false; break;
			case N_CEIL: up = r > 0; break;
			default: up = scale < 1 && r > 0; break;	/* opset 10's "simple" */
			}
			ix[0] = x0 + (up && r > 0);
			w[0] = 1;
		} else if (o->mode == M_LINEAR && !aa) {
			ix[0] = x0;
			ix[1] = x0 + 1;
			w[0] = 1 - r;
			w[1] = r;
		} else {
			for (i = 0; i < nt; i++) {
				double d = ((double)(start + i) - r) * (aa ? s : 1);

				ix[i] = x0 + start + i;
				w[i] = o->mode == M_LINEAR ? fmax(0, 1 - fabs(d)) : cubic_w(d, o->cubic_a);
			}
			if (aa) {
				for (i = 0; i < nt; i++)
					sum += w[i];
				for (i = 0; i < nt && sum != 0; i++)
					w[i] /= sum;
				sum = 0;
			}
		}
		if (o->exclude_outside) {
			for (i = 0; i < nt; i++) {
				if (ix[i] < 0 || ix[i] >= in)
					w[i] = 0;
				sum += w[i];
			}
			for (i = 0; i < nt && sum != 0; i++)
				w[i] /= sum;
		}
		/* the reference pads with edge values: clamping is the same */
		for (i = 0; i < nt; i++)
			ix[i] = ix[i] < 0 ? 0 : ix[i] >= in ? in - 1 : ix[i];
	}
	return 0;
}

static void taps_free(struct taps *t)
{
	free(t->idx);
	free(t->w);
	free(t->extrap);
	memset(t, 0, sizeof(*t));
}

static bool taps_identity(const struct taps *t, int64_t in, int64_t out_len)
{
	int64_t j;
	int i;

	if (in != out_len)
		return false;
	for (j = 0; j < out_len; j++) {
		if (t->extrap[j])
			return false;
		for (i = 0; i < t->nt; i++)
			if (t->w[j * t->nt + i] != (t->idx[j * t->nt + i] == j ? 1 : 0))
				return false;
	}
	return true;
}

/* One pass along axis a: src with dims into dst (dims[a] -> out_len). */
static void resize_pass(const float *src, float *dst, int rank, const int64_t *dims, int a,
			int64_t out_len, const struct taps *t, float extrap)
{
	int64_t outer = 1, inner = 1, in = dims[a], o, j, e;
	int d, i;

	for (d = 0; d < a; d++)
		outer *= dims[d];
	for (d = a + 1; d < rank; d++)
		inner *= dims[d];
	for (o = 0; o < outer; o++) {
		const float *s = src + o * in * inner;
		float *y = dst + o * out_len * inner;

		for (j = 0; j < out_len; j++, y += inner) {
			const int64_t *ix = t->idx + j * t->nt;
			const double *w = t->w + j * t->nt;

			if (t->extrap[j]) {
				for (e = 0; e < inner; e++)
					y[e] = extrap;
				continue;
			}
			if (inner == 1) {
				double acc = 0;

				for (i = 0; i < t->nt; i++)
					acc += w[i] * s[ix[i]];
				y[0] = (float)acc;
				continue;
			}
			for (e = 0; e < inner; e++)
				y[e] = 0;
			for (i = 0; i < t->nt; i++) {
				const float *row = s + ix[i] * inner;
				float wi = (float)w[i];

				if (wi == 0)
					continue;
				for (e = 0; e < inner; e++)
					y[e] += wi * row[e];
			}
		}
	}
}

/*
 * Runs the passes and writes output 0.  scales[a] and out[a] per axis;
 * roi[a], roi[rank + a] the crop box (tf_crop_and_resize).
 */
static int resize_run(struct gs_kernel_ctx *k, const struct rs_opts *o,
		      const struct gs_etensor *x, const double *scales, const int64_t *outd,
		      const double *roi)
{
	struct gs_etensor *y, *xf = NULL;
	int64_t dims[GS_EVAL_MAX_RANK], n;
	float *cur = NULL, *next;
	int r = x->rank, a, ret = -1;
	struct taps t = { 0 };
	bool is_float = x->dtype == GS_DTYPE_FLOAT;

	if (gs_dims_numel(r, outd) < 0)
		return gs_kernel_fail(k, "output size overflows");
	y = gs_kernel_out(k, 0, x->dtype, r, outd);
	if (!y)
		return -1;
	if (!y->numel)
		return 0;
	if (!x->numel)
		return gs_kernel_fail(k, "cannot resize an empty tensor to a non-empty one");
	if (!is_float) {
		xf = gs_et_convert(x, GS_DTYPE_FLOAT, k->err);
		if (!xf)
			return -1;
	}
	memcpy(dims, x->dims, sizeof(dims));
	n = x->numel;
	cur = malloc(sizeof(float) * (size_t)n);
	if (!cur) {
		gs_kernel_fail(k, "out of memory");
		goto out;
	}
	memcpy(cur, (is_float ? x : xf)->data, sizeof(float) * (size_t)n);
	for (a = r - 1; a >= 0; a--) {
		if (taps_build(k, o, dims[a], outd[a], scales[a], roi[a], roi[r + a], &t))
			goto out;
		if (!taps_identity(&t, dims[a], outd[a])) {
			n = n / dims[a] * outd[a];
			next = malloc(sizeof(float) * (size_t)(n ? n : 1));
			if (!next) {
				gs_kernel_fail(k, "out of memory");
				goto out;
			}
			resize_pass(cur, next, r, dims, a, outd[a], &t, (float)o->extrapolation);
			free(cur);
			cur = next;
			dims[a] = outd[a];
		}
		taps_free(&t);
	}
	if (is_float) {
		memcpy(y->data, cur, sizeof(float) * (size_t)y->numel);
	} else {
		int64_t i;

		for (i = 0; i < y->numel; i++)
			gs_et_set(y, i, gs_dtype_is_float(y->dtype) ? cur[i] : nearbyintf(cur[i]));
	}
	ret = 0;
out:
	taps_free(&t);
	free(cur);
	gs_et_unref(xf);
	return ret;
}

static int read_floats(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what,
		       double *out, int max)
{
	int64_t i;

	if (t->numel > max || t->rank > 1)
		return gs_kernel_fail(k, "'%s' has %lld values, expected at most %d", what,
				      (long long)t->numel, max);
	if (!gs_dtype_is_float(t->dtype))
		return gs_kernel_fail(k, "'%s' must be floating point", what);
	for (i = 0; i < t->numel; i++)
		out[i] = gs_et_get(t, i);
	return (int)t->numel;
}

static int k_resize(struct gs_kernel_ctx *k)
{
	static const char *const modes[] = { "nearest", "linear", "cubic" };
	static const char *const coords[] = { "half_pixel", "pytorch_half_pixel", "align_corners",
		"asymmetric", "tf_crop_and_resize", "half_pixel_symmetric" };
	static const char *const nearests[] = { "round_prefer_floor", "round_prefer_ceil",
		"floor", "ceil" };
	static const char *const policies[] = { "stretch", "not_larger", "not_smaller" };
	struct gs_etensor *x = gs_kernel_in(k, 0), *roi_t = NULL, *sc_t = NULL, *sz_t = NULL;
	double scales[GS_EVAL_MAX_RANK], roi[2 * GS_EVAL_MAX_RANK], vals[2 * GS_EVAL_MAX_RANK];
	int64_t outd[GS_EVAL_MAX_RANK], axes[GS_EVAL_MAX_RANK], sizes[GS_EVAL_MAX_RANK];
	struct rs_opts o;
	int r, na, i, policy = 0, n;
	const struct gs_attr *axa;
	bool seen[GS_EVAL_MAX_RANK] = { false };

	if (!x)
		return gs_kernel_fail(k, "missing input 'X'");
	r = x->rank;
	memset(&o, 0, sizeof(o));
	if (pick(k, "mode", modes, 3, M_NEAREST, &o.mode))
		return -1;
	if (k->opset < 11) {
		if (o.mode == M_CUBIC)
			return gs_kernel_fail(k, "unsupported mode 'cubic' before opset 11");
		o.coord = C_ASYMMETRIC;
		o.nearest = N_SIMPLE;
		sc_t = gs_kernel_in(k, 1);
	} else {
		if (pick(k, "coordinate_transformation_mode", coords, k->opset >= 19 ? 6 : 5,
			 C_HALF_PIXEL, &o.coord) ||
		    pick(k, "nearest_mode", nearests, 4, N_ROUND_PREFER_FLOOR, &o.nearest))
			return -1;
		o.cubic_a = gs_node_attr_float(k->node, "cubic_coeff_a", -0.75f);
		o.exclude_outside = gs_node_attr_int(k->node, "exclude_outside", 0) != 0;
		o.extrapolation = gs_node_attr_float(k->node, "extrapolation_value", 0);
		roi_t = gs_kernel_in(k, 1);
		sc_t = gs_kernel_in(k, 2);
		sz_t = gs_kernel_in(k, 3);
	}
	if (k->opset >= 18) {
		o.antialias = gs_node_attr_int(k->node, "antialias", 0) != 0;
		if (pick(k, "keep_aspect_ratio_policy", policies, 3, 0, &policy))
			return -1;
	}
	if (sc_t && sc_t->numel == 0)
		sc_t = NULL;
	if (sz_t && sz_t->numel == 0)
		sz_t = NULL;
	if (!sc_t == !sz_t)
		return gs_kernel_fail(k, "exactly one of 'scales' and 'sizes' must be given");
	/* axes: all, or the attribute (18) */
	axa = k->opset >= 18 ? gs_node_attr(k->node, "axes") : NULL;
	na = r;
	for (i = 0; i < r; i++)
		axes[i] = i;
	if (axa) {
		if (axa->type != GS_ATTR_INTS || axa->n > r)
			return gs_kernel_fail(k, "invalid 'axes'");
		na = axa->n;
		for (i = 0; i < na; i++) {
			int64_t v = axa->ints[i];

			if (v < -r || v >= r || seen[v < 0 ? v + r : v])
				return gs_kernel_fail(k, "invalid axis %lld", (long long)v);
			axes[i] = v < 0 ? v + r : v;
			seen[axes[i]] = true;
		}
	}
	for (i = 0; i < r; i++) {
		scales[i] = 1;
		outd[i] = x->dims[i];
		roi[i] = 0;
		roi[r + i] = 1;
	}
	if (o.coord == C_TF_CROP_AND_RESIZE) {
		if (!roi_t || !roi_t->numel)
			return gs_kernel_fail(k, "tf_crop_and_resize needs 'roi'");
		n = read_floats(k, roi_t, "roi", vals, 2 * GS_EVAL_MAX_RANK);
		if (n < 0)
			return -1;
		if (n != 2 * na)
			return gs_kernel_fail(k, "'roi' has %d values for %d axes", n, na);
		for (i = 0; i < na; i++) {
			roi[axes[i]] = vals[i];
			roi[r + axes[i]] = vals[na + i];
		}
	}
	if (sc_t) {
		n = read_floats(k, sc_t, "scales", vals, GS_EVAL_MAX_RANK);
		if (n < 0)
			return -1;
		if (n != na)
			return gs_kernel_fail(k, "'scales' has %d values for %d axes", n, na);
		for (i = 0; i < na; i++) {
			double v = (double)(float)vals[i] * (double)x->dims[axes[i]];

			if (!(vals[i] > 0) || !(v < 1e15))
				return gs_kernel_fail(k, "invalid scale %g", vals[i]);
			scales[axes[i]] = vals[i];
			outd[axes[i]] = (int64_t)v;
		}
	} else {
		double best = 0;

		if (sz_t->rank > 1 || sz_t->numel != na ||
		    (sz_t->dtype != GS_DTYPE_INT64 && sz_t->dtype != GS_DTYPE_INT32))
			return gs_kernel_fail(k, "'sizes' must hold %d integers", na);
		for (i = 0; i < na; i++) {
			sizes[i] = sz_t->dtype == GS_DTYPE_INT64 ? ((int64_t *)sz_t->data)[i] :
				((int32_t *)sz_t->data)[i];
			if (sizes[i] < 0 || sizes[i] > (int64_t)1 << 40)
				return gs_kernel_fail(k, "invalid size %lld", (long long)sizes[i]);
			if (x->dims[axes[i]] == 0)
				return gs_kernel_fail(k, "cannot resize an empty axis");
		}
		for (i = 0; i < na; i++) {
			double s = (double)sizes[i] / (double)x->dims[axes[i]];

			if (i == 0 || (policy == 1 && s < best) || (policy == 2 && s > best))
				best = s;
			scales[axes[i]] = s;
			outd[axes[i]] = sizes[i];
		}
		if (policy) {
			for (i = 0; i < na; i++) {
				scales[axes[i]] = best;
				outd[axes[i]] = (int64_t)(best * (double)x->dims[axes[i]] + 0.5);
			}
		}
		for (i = 0; i < na; i++)
			if (outd[axes[i]] > 0 && !(scales[axes[i]] > 0))
				return gs_kernel_fail(k, "invalid size");
	}
	for (i = 0; i < r; i++)
		if (outd[i] > 0 && !(scales[i] > 0))
			return gs_kernel_fail(k, "axis %d resizes to zero scale", i);
	return resize_run(k, &o, x, scales, outd, roi);
}

static int k_upsample(struct gs_kernel_ctx *k)
{
	static const char *const modes[] = { "nearest", "linear", "bilinear" };
	struct gs_etensor *x = gs_kernel_in(k, 0);
	double scales[GS_EVAL_MAX_RANK], roi[2 * GS_EVAL_MAX_RANK];
	int64_t outd[GS_EVAL_MAX_RANK];
	struct rs_opts o;
	int r, i, n;

	if (!x)
		return gs_kernel_fail(k, "missing input 'X'");
	r = x->rank;
	memset(&o, 0, sizeof(o));
	if (pick(k, "mode", modes, 3, M_NEAREST, &o.mode))
		return -1;
	if (o.mode == 2)
		o.mode = M_LINEAR;
	o.coord = C_ASYMMETRIC;
	o.nearest = N_SIMPLE;
	if (k->opset < 9) {
		const struct gs_attr *sa = gs_node_attr(k->node, "scales");

		if (!sa || sa->type != GS_ATTR_FLOATS)
			return gs_kernel_fail(k, "missing attribute 'scales'");
		n = sa->n;
		for (i = 0; i < n && i < GS_EVAL_MAX_RANK; i++)
			scales[i] = sa->floats[i];
	} else {
		if (!gs_kernel_in(k, 1))
			return gs_kernel_fail(k, "missing input 'scales'");
		n = read_floats(k, gs_kernel_in(k, 1), "scales", scales, GS_EVAL_MAX_RANK);
		if (n < 0)
			return -1;
	}
	if (n != r)
		return gs_kernel_fail(k, "'scales' has %d values for rank %d", n, r);
	for (i = 0; i < r; i++) {
		double v = scales[i] * (double)x->dims[i];

		if (!(scales[i] > 0) || !(v < 1e15))
			return gs_kernel_fail(k, "invalid scale %g", scales[i]);
		outd[i] = (int64_t)v;
		roi[i] = 0;
		roi[r + i] = 1;
	}
	return resize_run(k, &o, x, scales, outd, roi);
}

const struct gs_op gs_ops_resize[] = {
	{ .domain = "", .name = "Resize", .since = 10, .flags = GS_OP_FLOAT32, .kernel = k_resize,
	  .breaks = { 11 },
	  .attr_inputs = GS_OP_INPUTS(
		{ "roi", 1, 11 }, { "scales", 2, 11 }, { "sizes", 3, 11 }, { "scales", 1, 10 }),
	  .f32_input = 2, .rank_rule = GS_RANK_SAME,
	  .changed = { 11, 13, 18, 19 },
	  .note = "interpolate (nearest/linear/cubic) to 'scales' or 'sizes' per coordinate mode" },
	{ .domain = "", .name = "Upsample", .since = 7, .flags = GS_OP_FLOAT32, .kernel = k_upsample,
	  .breaks = { 9, 10 }, .attr_inputs = GS_OP_INPUTS({ "scales", 1, 9 }), .f32_input = 1,
	  .changed = { 9, 10 },
	  .note = "deprecated Resize: asymmetric nearest or linear by integer-ish 'scales'" },
	{ .name = NULL },
};
