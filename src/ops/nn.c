/*
 * Op family 'nn' of the registry (see graphsmith/ops.h): convolutions,
 * pools, Gemm/MatMul.  Normalisations are in norm.c, Einsum in einsum.c.
 *
 * Spatial ops handle 1-D to 3-D by viewing every input as 3-D: missing
 * leading spatial axes have size 1, kernel 1, stride 1 and no padding, so
 * one loop nest serves all ranks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "graphsmith/ir.h"
#include "ops/families.h"
#include "ops/gemm.h"
#include "ops/kernel-util.h"

#define MAX_SP 3

/* im2col, the output passes and the pools are hot: vectorise them
 * whatever -O level the build uses */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

/* ---- shared helpers ---- */

/* An INTS attribute into out; 0 when absent, -1 (k->err set) when it is
 * not a list of ints or holds other than `want` values (want < 0: any
 * count up to max). */
static int attr_ints(struct gs_kernel_ctx *k, const char *name, int64_t *out, int want, int max)
{
	const struct gs_attr *a = gs_node_attr(k->node, name);

	if (!a)
		return 0;
	if (a->type != GS_ATTR_INTS)
		return gs_kernel_fail(k, "attribute '%s' is not a list of ints", name);
	if ((want >= 0 && a->n != want) || a->n > max)
		return gs_kernel_fail(k, "attribute '%s' has %d values, expected %d", name, a->n,
				      want >= 0 ? want : max);
	if (a->n)
		memcpy(out, a->ints, (size_t)a->n * sizeof(*out));
	return a->n;
}

/* A scratch buffer of a*b*c floats counted against the evaluator's memory
 * limit; NULL with k->err set. */
static struct gs_etensor *scratch(struct gs_kernel_ctx *k, int64_t a, int64_t b, int64_t c)
{
	int64_t n;

	if (__builtin_mul_overflow(a, b, &n) || __builtin_mul_overflow(n, c, &n)) {
		gs_kernel_fail(k, "work buffer size overflows");
		return NULL;
	}
	if (n < 1)
		n = 1;
	return gs_et_new(GS_DTYPE_FLOAT, 1, &n, k->err);
}

/* The outputs o in [*lo, *hi) of 0..n_out for which 0 <= o*s + off < n_in. */
static void valid_range(int64_t off, int64_t s, int64_t n_in, int64_t n_out, int64_t *lo,
			int64_t *hi)
{
	int64_t l = off >= 0 ? 0 : (-off + s - 1) / s;
	int64_t h = off >= n_in ? 0 : (n_in - 1 - off) / s + 1;

	if (h > n_out)
		h = n_out;
	if (l > h)
		l = h;
	*lo = l;
	*hi = h;
}

/* ---- window geometry (Conv, ConvTranspose, pools) ---- */

struct win {
	int nd;				/* spatial axes of the tensor, 1..3 */
	/* per axis, leading axes padded: in, kernel, stride, dilation, pads
	 * begin/end, out */
	int64_t in[MAX_SP], k[MAX_SP], s[MAX_SP], d[MAX_SP], pb[MAX_SP], pe[MAX_SP];
	int64_t out[MAX_SP];
};

static int64_t win_in_vol(const struct win *w)
{
	return w->in[0] * w->in[1] * w->in[2];
}

static int64_t win_out_vol(const struct win *w)
{
	return w->out[0] * w->out[1] * w->out[2];
}

static int64_t win_k_vol(const struct win *w)
{
	return w->k[0] * w->k[1] * w->k[2];
}

/* Reads kernel (given, nd values), strides, dilations, pads and auto_pad
 * into w for an input of spatial dims `in`.  With `outsize` the output
 * dims are computed (Conv and pools; ceil_mode for pools). */
static int win_setup(struct gs_kernel_ctx *k, struct win *w, int nd, const int64_t *in,
		     const int64_t *kern, bool outsize, bool ceil_mode)
{
	int64_t v[2 * MAX_SP];
	const struct gs_attr *ap = gs_node_attr(k->node, "auto_pad");
	const char *mode = ap && ap->s ? ap->s : "NOTSET";
	int i, n, o = MAX_SP - nd;

	if (nd < 1 || nd > MAX_SP)
		return gs_kernel_fail(k, "%d spatial dims not supported (1 to 3)", nd);
	w->nd = nd;
	for (i = 0; i < MAX_SP; i++) {
		w->in[i] = w->k[i] = w->s[i] = w->d[i] = w->out[i] = 1;
		w->pb[i] = w->pe[i] = 0;
	}
	for (i = 0; i < nd; i++) {
		w->in[o + i] = in[i];
		w->k[o + i] = kern[i];
		if (kern[i] < 1 || kern[i] > INT32_MAX)
			return gs_kernel_fail(k, "kernel dim %lld is out of range", (long long)kern[i]);
	}
	if ((n = attr_ints(k, "strides", v, nd, nd)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < 1 || v[i] > INT32_MAX)
			return gs_kernel_fail(k, "stride %lld is out of range", (long long)v[i]);
		w->s[o + i] = v[i];
	}
	if ((n = attr_ints(k, "dilations", v, nd, nd)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < 1 || v[i] > INT32_MAX)
			return gs_kernel_fail(k, "dilation %lld is out of range", (long long)v[i]);
		w->d[o + i] = v[i];
	}
	if (!strcmp(mode, "NOTSET")) {
		if ((n = attr_ints(k, "pads", v, 2 * nd, 2 * nd)) < 0)
			return -1;
		for (i = 0; i < n / 2; i++) {
			if (v[i] < 0 || v[nd + i] < 0 || v[i] > INT32_MAX || v[nd + i] > INT32_MAX)
				return gs_kernel_fail(k, "pads value out of range");
			w->pb[o + i] = v[i];
			w->pe[o + i] = v[nd + i];
		}
	} else if (strcmp(mode, "VALID") && strcmp(mode, "SAME_UPPER") &&
		   strcmp(mode, "SAME_LOWER")) {
		return gs_kernel_fail(k, "auto_pad '%s' not supported", mode);
	}
	if (!outsize)
		return 0;
	for (i = o; i < MAX_SP; i++) {
		int64_t dk = w->d[i] * (w->k[i] - 1) + 1, span;

		if (!strncmp(mode, "SAME", 4)) {
			int64_t total;

			w->out[i] = (w->in[i] + w->s[i] - 1) / w->s[i];
			total = (w->out[i] - 1) * w->s[i] + dk - w->in[i];
			if (total < 0)
				total = 0;
			/* odd total: the extra cell goes at the end for UPPER */
			w->pb[i] = !strcmp(mode, "SAME_UPPER") ? total / 2 : total - total / 2;
			w->pe[i] = total - w->pb[i];
			continue;
		}
		span = w->in[i] + w->pb[i] + w->pe[i] - dk;
		if (span < 0)
			return gs_kernel_fail(k, "window of %lld exceeds padded input of %lld",
					      (long long)dk,
					      (long long)(w->in[i] + w->pb[i] + w->pe[i]));
		w->out[i] = (ceil_mode ? (span + w->s[i] - 1) / w->s[i] : span / w->s[i]) + 1;
		/* a window that would start in the end padding is dropped */
		if (ceil_mode && (w->out[i] - 1) * w->s[i] >= w->in[i] + w->pb[i])
			w->out[i]--;
	}
	return 0;
}

/* Output dims [N, C, spatial...] of w into dims. */
static void win_out_dims(const struct win *w, int64_t n, int64_t c, int64_t *dims)
{
	int i;

	dims[0] = n;
	dims[1] = c;
	for (i = 0; i < w->nd; i++)
		dims[2 + i] = w->out[MAX_SP - w->nd + i];
}

/* ---- Conv ---- */

/* Columns [n0, n0 + nb) of im2col's matrix into col [cg*kvol, nb]: the
 * conv runs in column blocks whose unfolded input stays in L2. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && !defined(__clang__)
/* wide copies, and gathers of strided rows, where the CPU has them */
__attribute__((target_clones("avx512f", "default"), noinline))
#endif
static void im2col_cols(const float *x, int64_t cg, const struct win *w, int64_t n0,
			int64_t nb, float *col)
{
	int64_t c, kd, kh, kw, ID = w->in[0], IH = w->in[1], IW = w->in[2];
	int64_t OH = w->out[1], OW = w->out[2], s = w->s[2];
	float *p = col;

	for (c = 0; c < cg; c++)
		for (kd = 0; kd < w->k[0]; kd++)
			for (kh = 0; kh < w->k[1]; kh++)
				for (kw = 0; kw < w->k[2]; kw++) {
					int64_t off = kw * w->d[2] - w->pb[2], lo, hi, left = nb;
					int64_t od = n0 / (OH * OW), oh = n0 / OW % OH, ow = n0 % OW;

					valid_range(off, s, IW, OW, &lo, &hi);
					while (left > 0) {
						int64_t seg = OW - ow < left ? OW - ow : left, e = ow + seg;
						int64_t id = od * w->s[0] - w->pb[0] + kd * w->d[0];
						int64_t ih = oh * w->s[1] - w->pb[1] + kh * w->d[1];
						int64_t a = lo > ow ? (lo < e ? lo : e) : ow;
						int64_t b = hi < e ? (hi > a ? hi : a) : e, o;
						const float *row;

						if (id < 0 || id >= ID || ih < 0 || ih >= IH) {
							a = b = e;
							row = x;
						} else {
							row = x + ((c * ID + id) * IH + ih) * IW + off;
						}
						for (o = ow; o < a; o++)
							*p++ = 0.0f;
						if (s == 1)
							for (; o < b; o++)
								*p++ = row[o];
						else if (s == 2)	/* a known stride vectorises */
							for (; o < b; o++)
								*p++ = row[o * 2];
						else
							for (; o < b; o++)
								*p++ = row[o * s];
						for (; o < e; o++)
							*p++ = 0.0f;
						left -= seg;
						ow = 0;
						if (++oh == OH) {
							oh = 0;
							od++;
						}
					}
				}
}

/* One channel of a depthwise conv: y (already holding the bias) += x * wk. */
static void depthwise(const float *x, const float *wk, const struct win *w, float *y)
{
	int64_t kd, kh, kw, od, oh, ow, lo, hi;
	int64_t IH = w->in[1], IW = w->in[2], OH = w->out[1], OW = w->out[2];

	for (kd = 0; kd < w->k[0]; kd++)
		for (kh = 0; kh < w->k[1]; kh++)
			for (kw = 0; kw < w->k[2]; kw++) {
				float wv = wk[(kd * w->k[1] + kh) * w->k[2] + kw];
				int64_t off = kw * w->d[2] - w->pb[2], s = w->s[2];

				valid_range(off, s, IW, OW, &lo, &hi);
				for (od = 0; od < w->out[0]; od++) {
					int64_t id = od * w->s[0] - w->pb[0] + kd * w->d[0];

					if (id < 0 || id >= w->in[0])
						continue;
					for (oh = 0; oh < OH; oh++) {
						int64_t ih = oh * w->s[1] - w->pb[1] + kh * w->d[1];
						const float *xr;
						float *yr = y + (od * OH + oh) * OW;

						if (ih < 0 || ih >= IH)
							continue;
						xr = x + (id * IH + ih) * IW;
						if (s == 1)
							for (ow = lo; ow < hi; ow++)
								yr[ow] += wv * xr[ow + off];
						else
							for (ow = lo; ow < hi; ow++)
								yr[ow] += wv * xr[ow * s + off];
					}
				}
			}
}

/* Fills `rows` rows of n floats with bias[r] (0 without bias). */
static void fill_bias(float *y, int64_t rows, int64_t n, const float *bias)
{
	int64_t r, j;

	for (r = 0; r < rows; r++, y += n) {
		float b = bias ? bias[r] : 0.0f;

		if (b == 0.0f)
			memset(y, 0, (size_t)n * sizeof(*y));
		else
			for (j = 0; j < n; j++)
				y[j] = b;
	}
}

/* y = max(y, 0) over n floats; NaN stays NaN */
static void relu_inplace(float *y, int64_t n)
{
	int64_t i;

	for (i = 0; i < n; i++)
		y[i] = y[i] < 0.0f ? 0.0f : y[i];
}

/* The output pass of a GEMM that left `rows` rows of n floats without
 * bias: adds bias[r] (if any) and applies the Relu epilogue, in one sweep. */
static void finish_rows(float *y, int64_t rows, int64_t n, const float *bias, bool relu)
{
	int64_t r, j;

	if (!bias) {
		if (relu)
			relu_inplace(y, rows * n);
		return;
	}
	for (r = 0; r < rows; r++, y += n) {
		float b = bias[r];

		if (relu)
			for (j = 0; j < n; j++) {
				float v = y[j] + b;

				y[j] = v < 0.0f ? 0.0f : v;
			}
		else
			for (j = 0; j < n; j++)
				y[j] += b;
	}
}

static int k_conv(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *W = gs_kernel_in(k, 1);
	struct gs_etensor *B = gs_kernel_in(k, 2), *Y, *col = NULL;
	int64_t ks[MAX_SP], dims[2 + MAX_SP], N, C, M, G, Cg, Mg, kvol, invol, outvol, n, g;
	int64_t nbk, n0;
	const float *x, *wt, *bias;
	float *y;
	struct win w;
	bool pointwise, relu = k->epilogue & GS_EPILOGUE_RELU;
	int nd, i;

	if (!X || !W)
		return gs_kernel_fail(k, "needs inputs X and W");
	if (gs_k_want_float(k, X, "X") || gs_k_want_float(k, W, "W") ||
	    (B && gs_k_want_float(k, B, "B")))
		return -1;
	nd = X->rank - 2;
	if (nd < 1 || nd > MAX_SP || W->rank != X->rank)
		return gs_kernel_fail(k, "X of rank %d and W of rank %d: expected equal ranks 3 to 5",
				      X->rank, W->rank);
	N = X->dims[0], C = X->dims[1], M = W->dims[0];
	G = gs_node_attr_int(k->node, "group", 1);
	if (G < 1 || C % G || M % G || W->dims[1] * G != C)
		return gs_kernel_fail(k, "group %lld does not fit X channels %lld and W %lld x %lld",
				      (long long)G, (long long)C, (long long)M,
				      (long long)W->dims[1]);
	Cg = C / G, Mg = M / G;
	if ((i = attr_ints(k, "kernel_shape", ks, nd, nd)) < 0)
		return -1;
	if (gs_node_attr(k->node, "kernel_shape"))
		for (i = 0; i < nd; i++)
			if (ks[i] != W->dims[2 + i])
				return gs_kernel_fail(k, "kernel_shape disagrees with W's shape");
	if (B && B->numel != M)
		return gs_kernel_fail(k, "B has %lld values for %lld output channels",
				      (long long)B->numel, (long long)M);
	if (win_setup(k, &w, nd, X->dims + 2, W->dims + 2, true, false))
		return -1;
	win_out_dims(&w, N, M, dims);
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, dims)))
		return -1;
	if (!Y->numel)
		return 0;
	kvol = win_k_vol(&w), invol = win_in_vol(&w), outvol = win_out_vol(&w);
	x = X->data, wt = W->data, y = Y->data;
	bias = B ? B->data : NULL;
	if (!X->numel || !kvol) {
		/* padding only (or no weights): every output is its bias */
		for (n = 0; n < N; n++)
			fill_bias(y + n * M * outvol, M, outvol, bias);
		if (relu)
			relu_inplace(y, Y->numel);
		return 0;
	}
	pointwise = kvol == 1;
	for (i = 0; i < MAX_SP; i++)
		if (w.s[i] != 1 || w.pb[i] || w.pe[i])
			pointwise = false;
	if (Cg == 1 && Mg == 1) {
		for (n = 0; n < N; n++)
			for (g = 0; g < G; g++) {
				float *yc = y + (n * M + g) * outvol;

				fill_bias(yc, 1, outvol, bias ? bias + g : NULL);
				depthwise(x + (n * C + g) * invol, wt + g * kvol, &w, yc);
				if (relu)
					relu_inplace(yc, outvol);
			}
		return 0;
	}
	/* column blocks of ~1 MiB of unfolded input (at least 256 columns,
	 * so a big weight matrix is not reread too often) */
	nbk = ((int64_t)1 << 18) / (Cg * kvol) / 32 * 32;
	if (nbk < 256)
		nbk = 256;
	if (nbk > outvol)
		nbk = outvol;
	if (!pointwise && !(col = scratch(k, Cg * kvol, nbk, 1)))
		return -1;
	for (n = 0; n < N; n++)
		for (g = 0; g < G; g++) {
			const float *xg = x + (n * C + g * Cg) * invol;
			float *yg = y + (n * M + g * Mg) * outvol;

			if (pointwise) {
				gs_sgemm(false, false, Mg, outvol, Cg, 1.0f, wt + g * Mg * Cg, Cg, xg,
					 outvol, 0.0f, yg, outvol);
			} else {
				for (n0 = 0; n0 < outvol; n0 += nbk) {
					int64_t nb = outvol - n0 < nbk ? outvol - n0 : nbk;

					im2col_cols(xg, Cg, &w, n0, nb, col->data);
					gs_sgemm(false, false, Mg, nb, Cg * kvol, 1.0f,
						 wt + g * Mg * Cg * kvol, Cg * kvol, col->data, nb,
						 0.0f, yg + n0, outvol);
				}
			}
			finish_rows(yg, Mg, outvol, bias ? bias + g * Mg : NULL, relu);
		}
	gs_et_unref(col);
	return 0;
}

/* ---- ConvTranspose ---- */

/* Scatters col [mg*kvol, invol] back onto y [mg, outvol] (adding). */
static void col2im(const float *col, int64_t mg, const struct win *w, float *y)
{
	int64_t m, kd, kh, kw, id, ih, iw, lo, hi;
	int64_t ID = w->in[0], IH = w->in[1], IW = w->in[2];
	int64_t OD = w->out[0], OH = w->out[1], OW = w->out[2];
	const float *p = col;

	for (m = 0; m < mg; m++)
		for (kd = 0; kd < w->k[0]; kd++)
			for (kh = 0; kh < w->k[1]; kh++)
				for (kw = 0; kw < w->k[2]; kw++) {
					int64_t off = kw * w->d[2] - w->pb[2], s = w->s[2];

					valid_range(off, s, OW, IW, &lo, &hi);
					for (id = 0; id < ID; id++) {
						int64_t od = id * w->s[0] - w->pb[0] + kd * w->d[0];

						for (ih = 0; ih < IH; ih++, p += IW) {
							int64_t oh = ih * w->s[1] - w->pb[1] +
								     kh * w->d[1];
							float *yr;

							if (od < 0 || od >= OD || oh < 0 || oh >= OH)
								continue;
							yr = y + ((m * OD + od) * OH + oh) * OW;
							for (iw = lo; iw < hi; iw++)
								yr[iw * s + off] += p[iw];
						}
					}
				}
}

static int k_conv_transpose(struct gs_kernel_ctx *k)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *W = gs_kernel_in(k, 1);
	struct gs_etensor *B = gs_kernel_in(k, 2), *Y, *col;
	int64_t ks[MAX_SP], op[MAX_SP] = { 0 }, os[MAX_SP + 2], dims[2 + MAX_SP];
	int64_t N, C, M, G, Cg, Mg, kvol, invol, outvol, n, g;
	const struct gs_attr *ap = gs_node_attr(k->node, "auto_pad");
	const char *mode = ap && ap->s ? ap->s : "NOTSET";
	const float *x, *wt;
	struct win w;
	int nd, i, n_os, o;

	if (!X || !W)
		return gs_kernel_fail(k, "needs inputs X and W");
	if (gs_k_want_float(k, X, "X") || gs_k_want_float(k, W, "W") ||
	    (B && gs_k_want_float(k, B, "B")))
		return -1;
	nd = X->rank - 2;
	o = MAX_SP - nd;
	if (nd < 1 || nd > MAX_SP || W->rank != X->rank)
		return gs_kernel_fail(k, "X of rank %d and W of rank %d: expected equal ranks 3 to 5",
				      X->rank, W->rank);
	N = X->dims[0], C = X->dims[1];
	G = gs_node_attr_int(k->node, "group", 1);
	if (G < 1 || C % G || W->dims[0] != C)
		return gs_kernel_fail(k, "group %lld does not fit X channels %lld and W's %lld",
				      (long long)G, (long long)C, (long long)W->dims[0]);
	Cg = C / G, Mg = W->dims[1], M = Mg * G;
	if (attr_ints(k, "kernel_shape", ks, nd, nd) < 0)
		return -1;
	if (gs_node_attr(k->node, "kernel_shape"))
		for (i = 0; i < nd; i++)
			if (ks[i] != W->dims[2 + i])
				return gs_kernel_fail(k, "kernel_shape disagrees with W's shape");
	if (B && B->numel != M)
		return gs_kernel_fail(k, "B has %lld values for %lld output channels",
				      (long long)B->numel, (long long)M);
	if (win_setup(k, &w, nd, X->dims + 2, W->dims + 2, false, false))
		return -1;
	if (attr_ints(k, "output_padding", op, nd, nd) < 0)
		return -1;
	if ((n_os = attr_ints(k, "output_shape", os, -1, nd + 2)) < 0)
		return -1;
	if (n_os && n_os != nd && n_os != nd + 2)
		return gs_kernel_fail(k, "output_shape has %d values for %d spatial dims", n_os, nd);
	for (i = 0; i < nd; i++) {
		int64_t in = w.in[o + i], s = w.s[o + i], dk = w.d[o + i] * (w.k[o + i] - 1) + 1;
		int64_t full, want, total, half;

		if (op[i] < 0 || op[i] > INT32_MAX || w.k[o + i] > INT32_MAX)
			return gs_kernel_fail(k, "output_padding or kernel out of range");
		full = s * (in - 1) + op[i] + dk;
		if (n_os || !strncmp(mode, "SAME", 4)) {
			want = n_os ? os[n_os - nd + i] : in * s;
			total = full - want;
			if (want < 0 || total < -INT32_MAX)
				return gs_kernel_fail(k, "output_shape %lld out of range",
						      (long long)want);
			/* a negative total (output_shape past what the input
			 * covers) pads the end with bias-only cells; floor
			 * halves as the reference implementation does */
			half = total >= 0 ? total / 2 : -((-total + 1) / 2);
			if (!strcmp(mode, "SAME_UPPER")) {
				w.pb[o + i] = half;
				w.pe[o + i] = total - half;
			} else {
				w.pb[o + i] = total - half;
				w.pe[o + i] = half;
			}
		} else if (!strcmp(mode, "VALID")) {
			w.pb[o + i] = w.pe[o + i] = 0;
		}
		w.out[o + i] = full - w.pb[o + i] - w.pe[o + i];
		if (w.out[o + i] < 0)
			return gs_kernel_fail(k, "pads leave a negative output size");
	}
	win_out_dims(&w, N, M, dims);
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, dims)))
		return -1;
	if (!Y->numel)
		return 0;
	kvol = win_k_vol(&w), invol = win_in_vol(&w), outvol = win_out_vol(&w);
	x = X->data, wt = W->data;
	if (!(col = scratch(k, Mg * kvol, invol, 1)))
		return -1;
	for (n = 0; n < N; n++)
		for (g = 0; g < G; g++) {
			float *yg = (float *)Y->data + (n * M + g * Mg) * outvol;

			fill_bias(yg, Mg, outvol, B ? (const float *)B->data + g * Mg : NULL);
			if (!invol)
				continue;
			gs_sgemm(true, false, Mg * kvol, invol, Cg, 1.0f, wt + g * Cg * Mg * kvol,
				 Mg * kvol, x + (n * C + g * Cg) * invol, invol, 0.0f, col->data,
				 invol);
			col2im(col->data, Mg, &w, yg);
		}
	gs_et_unref(col);
	return 0;
}

/* ---- pools ---- */

enum pool_kind { POOL_MAX, POOL_AVG, POOL_LP };

struct pool {
	enum pool_kind kind;
	bool count_pad;			/* AveragePool count_include_pad */
	float p;			/* LpPool */
	int64_t *idx;			/* MaxPool Indices, or NULL */
	bool col_major;			/* storage_order 1 */
};

/* Pools the (n, c) planes of x into y, window geometry w. */
static void pool_run(const struct pool *pl, const float *x, int64_t planes, const struct win *w,
		     float *y)
{
	int64_t invol = win_in_vol(w), pc, od, oh, ow, a, b, c;
	int64_t IH = w->in[1], IW = w->in[2], *idx = pl->idx;

	for (pc = 0; pc < planes; pc++) {
		const float *xp = x + pc * invol;

		for (od = 0; od < w->out[0]; od++)
			for (oh = 0; oh < w->out[1]; oh++)
				for (ow = 0; ow < w->out[2]; ow++) {
					int64_t st[MAX_SP] = { od, oh, ow }, lo[MAX_SP], hi[MAX_SP];
					int64_t cnt = 1, pos = -1, i;
					double acc = pl->kind == POOL_MAX ? -INFINITY : 0.0;

					for (i = 0; i < MAX_SP; i++) {
						int64_t s0 = st[i] * w->s[i] - w->pb[i];

						valid_range(s0, w->d[i], w->in[i], w->k[i], &lo[i], &hi[i]);
						st[i] = s0;
						if (pl->kind == POOL_AVG && pl->count_pad) {
							int64_t l2, h2;

							valid_range(s0 + w->pb[i], w->d[i],
								    w->in[i] + w->pb[i] + w->pe[i],
								    w->k[i], &l2, &h2);
							cnt *= h2 - l2;
						} else {
							cnt *= hi[i] - lo[i];
						}
					}
					for (a = lo[0]; a < hi[0]; a++) {
						int64_t id = st[0] + a * w->d[0];

						for (b = lo[1]; b < hi[1]; b++) {
							int64_t ih = st[1] + b * w->d[1];
							const float *row = xp + (id * IH + ih) * IW;

							for (c = lo[2]; c < hi[2]; c++) {
								int64_t iw = st[2] + c * w->d[2];
								float v = row[iw];

								if (pl->kind == POOL_MAX) {
									if (v > acc || pos < 0) {
										acc = v;
										pos = pl->col_major ?
										      id + ih * w->in[0] + iw * w->in[0] * IH :
										      (id * IH + ih) * IW + iw;
									}
								} else if (pl->kind == POOL_AVG) {
									acc += v;
								} else {
									acc += pl->p == 2.0f ? (double)v * v :
									       pow(fabs(v), pl->p);
								}
							}
						}
					}
					if (pl->kind == POOL_AVG)
						acc = cnt ? acc / (double)cnt : NAN;
					else if (pl->kind == POOL_LP)
						acc = pl->p == 2.0f ? sqrt(acc) : pow(acc, 1.0 / pl->p);
					*y++ = (float)acc;
					if (idx)
						*idx++ = pos < 0 ? 0 : pc * invol + pos;
				}
	}
}

/* Max and average pools of 2-D (or 1-D) windows without dilation or
 * Indices: per output row, every kernel tap sweeps the row's valid span
 * (no per-element bounds checks; the compiler vectorises the sweeps). */
#define POOL2D_MAX_KW 32

static bool pool2d_fits(const struct pool *pl, const struct win *w)
{
	return (pl->kind == POOL_MAX || pl->kind == POOL_AVG) && !pl->idx && w->in[0] == 1 &&
	       w->k[0] == 1 && w->out[0] == 1 && w->d[1] == 1 && w->d[2] == 1 &&
	       w->k[2] <= POOL2D_MAX_KW;
}

static void pool2d(const struct pool *pl, const float *x, int64_t planes, const struct win *w,
		   float *y)
{
	int64_t IH = w->in[1], IW = w->in[2], OH = w->out[1], OW = w->out[2];
	int64_t KH = w->k[1], KW = w->k[2], SH = w->s[1], SW = w->s[2];
	int64_t PH = w->pb[1], PW = w->pb[2], lo[POOL2D_MAX_KW], hi[POOL2D_MAX_KW];
	int64_t pc, oh, ow, kh, kw;
	bool max = pl->kind == POOL_MAX;

	for (kw = 0; kw < KW; kw++)
		valid_range(kw - PW, SW, IW, OW, &lo[kw], &hi[kw]);
	for (pc = 0; pc < planes; pc++) {
		const float *xp = x + pc * IH * IW;

		for (oh = 0; oh < OH; oh++, y += OW) {
			int64_t h0 = oh * SH - PH, kh0 = h0 < 0 ? -h0 : 0;
			int64_t kh1 = IH - h0 < KH ? IH - h0 : KH, ch;

			for (ow = 0; ow < OW; ow++)
				y[ow] = max ? -INFINITY : 0.0f;
			for (kh = kh0; kh < kh1; kh++) {
				const float *xr = xp + (h0 + kh) * IW;

				for (kw = 0; kw < KW; kw++) {
					const float *xs = xr + kw - PW;
					int64_t l = lo[kw], h = hi[kw];

					if (max && SW == 1)
						for (ow = l; ow < h; ow++)
							y[ow] = xs[ow] > y[ow] ? xs[ow] : y[ow];
					else if (max && SW == 2)
						for (ow = l; ow < h; ow++)
							y[ow] = xs[2 * ow] > y[ow] ? xs[2 * ow] : y[ow];
					else if (max)
						for (ow = l; ow < h; ow++)
							y[ow] = xs[SW * ow] > y[ow] ? xs[SW * ow] : y[ow];
					else if (SW == 1)
						for (ow = l; ow < h; ow++)
							y[ow] += xs[ow];
					else
						for (ow = l; ow < h; ow++)
							y[ow] += xs[SW * ow];
				}
			}
			if (max)
				continue;
			/* divide by the cells counted: valid ones, or with
			 * count_include_pad those inside the padded extent */
			if (pl->count_pad) {
				int64_t e = IH + w->pe[1] - h0;

				ch = (e < KH ? e : KH) - (h0 + PH < 0 ? -(h0 + PH) : 0);
			} else {
				ch = kh1 - kh0;
			}
			for (ow = 0; ow < OW; ow++) {
				int64_t w0 = ow * SW - PW, cw;

				if (pl->count_pad) {
					int64_t e = IW + w->pe[2] - w0;

					cw = e < KW ? e : KW;
				} else {
					cw = (IW - w0 < KW ? IW - w0 : KW) - (w0 < 0 ? -w0 : 0);
				}
				y[ow] = ch > 0 && cw > 0 ? y[ow] / (float)(ch * cw) : NAN;
			}
		}
	}
}

static int k_pool(struct gs_kernel_ctx *k, enum pool_kind kind)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *Y, *I = NULL, *xf = NULL, *yf = NULL;
	int64_t ks[MAX_SP], dims[2 + MAX_SP];
	struct pool pl = { .kind = kind };
	struct win w;
	bool ints;
	int nd, i, rc = -1;

	if (!X)
		return gs_kernel_fail(k, "needs input X");
	ints = kind == POOL_MAX && (X->dtype == GS_DTYPE_UINT8 || X->dtype == GS_DTYPE_INT8);
	if (!ints && gs_k_want_float(k, X, "X"))
		return -1;
	nd = X->rank - 2;
	if (nd < 1 || nd > MAX_SP)
		return gs_kernel_fail(k, "X of rank %d: expected 3 to 5", X->rank);
	if (attr_ints(k, "kernel_shape", ks, nd, nd) <= 0)
		return gs_kernel_fail(k, "needs attribute 'kernel_shape' with %d values", nd);
	if (win_setup(k, &w, nd, X->dims + 2, ks, true,
		      gs_node_attr_int(k->node, "ceil_mode", 0) != 0))
		return -1;
	/* as onnxruntime: a window made only of padding has no value */
	for (i = 0; i < MAX_SP; i++)
		if (w.pb[i] >= w.d[i] * (w.k[i] - 1) + 1 || w.pe[i] >= w.d[i] * (w.k[i] - 1) + 1)
			return gs_kernel_fail(k, "pads must be smaller than the kernel");
	if (kind == POOL_AVG)
		pl.count_pad = gs_node_attr_int(k->node, "count_include_pad", 0) != 0;
	if (kind == POOL_LP) {
		const struct gs_attr *pa = gs_node_attr(k->node, "p");

		pl.p = !pa ? 2.0f : pa->type == GS_ATTR_FLOAT ? pa->f : (float)pa->i;
		if (!(pl.p > 0.0f) || !isfinite(pl.p))
			return gs_kernel_fail(k, "p %g is not a positive number", pl.p);
	}
	if (kind == POOL_MAX) {
		int64_t so = gs_node_attr_int(k->node, "storage_order", 0);

		if (so != 0 && so != 1)
			return gs_kernel_fail(k, "storage_order %lld not supported", (long long)so);
		pl.col_major = so == 1;
	}
	win_out_dims(&w, X->dims[0], X->dims[1], dims);
	if (!(Y = gs_kernel_out(k, 0, X->dtype, X->rank, dims)))
		return -1;
	if (k->n_out > 1 && gs_k_out_wanted(k, 1)) {
		if (kind != POOL_MAX)
			return gs_kernel_fail(k, "has a second output");
		if (!(I = gs_kernel_out(k, 1, GS_DTYPE_INT64, X->rank, dims)))
			return -1;
		pl.idx = I->data;
	}
	if (!Y->numel)
		return 0;
	if (!X->numel)
		return gs_kernel_fail(k, "windows over an empty input have no value");
	if (ints) {
		if (!(xf = gs_et_convert(X, GS_DTYPE_FLOAT, k->err)) ||
		    !(yf = scratch(k, Y->numel, 1, 1)))
			goto out;
		pool_run(&pl, xf->data, X->dims[0] * X->dims[1], &w, yf->data);
		for (i = 0; i < Y->numel; i++)
			gs_et_set(Y, i, ((float *)yf->data)[i]);
	} else if (pool2d_fits(&pl, &w)) {
		pool2d(&pl, X->data, X->dims[0] * X->dims[1], &w, Y->data);
	} else {
		pool_run(&pl, X->data, X->dims[0] * X->dims[1], &w, Y->data);
	}
	rc = 0;
out:
	gs_et_unref(xf);
	gs_et_unref(yf);
	return rc;
}

static int k_maxpool(struct gs_kernel_ctx *k)
{
	return k_pool(k, POOL_MAX);
}

static int k_avgpool(struct gs_kernel_ctx *k)
{
	return k_pool(k, POOL_AVG);
}

static int k_lppool(struct gs_kernel_ctx *k)
{
	return k_pool(k, POOL_LP);
}

static int k_global_pool(struct gs_kernel_ctx *k, enum pool_kind kind)
{
	struct gs_etensor *X = gs_kernel_in(k, 0), *Y;
	int64_t dims[GS_EVAL_MAX_RANK], planes, vol, pc, j;
	const struct gs_attr *pa = gs_node_attr(k->node, "p");
	double p = !pa ? 2.0 : pa->type == GS_ATTR_FLOAT ? pa->f : (double)pa->i;
	const float *x;
	float *y;
	int i;

	if (!X)
		return gs_kernel_fail(k, "needs input X");
	if (gs_k_want_float(k, X, "X"))
		return -1;
	if (X->rank < 2)
		return gs_kernel_fail(k, "X of rank %d: expected at least 2", X->rank);
	if (kind == POOL_LP && (!(p > 0.0) || !isfinite(p)))
		return gs_kernel_fail(k, "p %g is not a positive number", p);
	dims[0] = X->dims[0];
	dims[1] = X->dims[1];
	vol = 1;
	for (i = 2; i < X->rank; i++) {
		dims[i] = 1;
		vol *= X->dims[i];
	}
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, X->rank, dims)))
		return -1;
	planes = X->dims[0] * X->dims[1];
	x = X->data, y = Y->data;
	for (pc = 0; pc < planes; pc++, x += vol) {
		double acc = kind == POOL_MAX ? -INFINITY : 0.0;

		for (j = 0; j < vol; j++) {
			if (kind == POOL_MAX)
				acc = x[j] > acc ? x[j] : acc;
			else if (kind == POOL_AVG)
				acc += x[j];
			else
				acc += pow(fabs(x[j]), p);
		}
		if (kind == POOL_AVG)
			acc = vol ? acc / (double)vol : NAN;
		else if (kind == POOL_LP)
			acc = pow(acc, 1.0 / p);
		y[pc] = (float)acc;
	}
	return 0;
}

static int k_global_maxpool(struct gs_kernel_ctx *k)
{
	return k_global_pool(k, POOL_MAX);
}

static int k_global_avgpool(struct gs_kernel_ctx *k)
{
	return k_global_pool(k, POOL_AVG);
}

static int k_global_lppool(struct gs_kernel_ctx *k)
{
	return k_global_pool(k, POOL_LP);
}

/* ---- Gemm, MatMul ---- */

static int k_gemm(struct gs_kernel_ctx *k)
{
	struct gs_etensor *A = gs_kernel_in(k, 0), *Bm = gs_kernel_in(k, 1);
	struct gs_etensor *Cm = gs_kernel_in(k, 2), *Y;
	bool ta = gs_node_attr_int(k->node, "transA", 0) != 0;
	bool tb = gs_node_attr_int(k->node, "transB", 0) != 0;
	float alpha = gs_node_attr_float(k->node, "alpha", 1.0f);
	float beta = gs_node_attr_float(k->node, "beta", 1.0f);
	int64_t M, N, K, dims[2], cm = 1, cn = 1, i, j;
	float *y;

	if (!A || !Bm)
		return gs_kernel_fail(k, "needs inputs A and B");
	if (gs_k_want_float(k, A, "A") || gs_k_want_float(k, Bm, "B") ||
	    (Cm && gs_k_want_float(k, Cm, "C")))
		return -1;
	if (A->rank != 2 || Bm->rank != 2)
		return gs_kernel_fail(k, "A and B must be 2-D (got ranks %d and %d)", A->rank,
				      Bm->rank);
	M = ta ? A->dims[1] : A->dims[0];
	K = ta ? A->dims[0] : A->dims[1];
	N = tb ? Bm->dims[0] : Bm->dims[1];
	if ((tb ? Bm->dims[1] : Bm->dims[0]) != K)
		return gs_kernel_fail(k, "inner dims differ: %lld and %lld", (long long)K,
				      (long long)(tb ? Bm->dims[1] : Bm->dims[0]));
	if (Cm) {
		if (Cm->rank > 2)
			return gs_kernel_fail(k, "C of rank %d", Cm->rank);
		if (Cm->rank >= 1)
			cn = Cm->dims[Cm->rank - 1];
		if (Cm->rank == 2)
			cm = Cm->dims[0];
		if ((cm != 1 && cm != M) || (cn != 1 && cn != N))
			return gs_kernel_fail(k, "C does not broadcast to [%lld,%lld]",
					      (long long)M, (long long)N);
	}
	dims[0] = M, dims[1] = N;
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 2, dims)))
		return -1;
	if (!Y->numel)
		return 0;
	y = Y->data;
	if (Cm && beta != 0.0f && Cm->numel) {
		const float *c = Cm->data;

		for (i = 0; i < M; i++)
			for (j = 0; j < N; j++)
				y[i * N + j] = beta * c[(cm == 1 ? 0 : i * cn) + (cn == 1 ? 0 : j)];
	} else {
		memset(y, 0, (size_t)Y->numel * sizeof(*y));
	}
	gs_sgemm(ta, tb, M, N, K, alpha, A->data, A->dims[1], Bm->data, Bm->dims[1], 1.0f, y, N);
	if (k->epilogue & GS_EPILOGUE_RELU)
		relu_inplace(y, Y->numel);
	return 0;
}

static int k_matmul(struct gs_kernel_ctx *k)
{
	struct gs_etensor *A = gs_kernel_in(k, 0), *B = gs_kernel_in(k, 1), *Y;
	int64_t ad[GS_EVAL_MAX_RANK], bd[GS_EVAL_MAX_RANK], od[GS_EVAL_MAX_RANK + 1];
	int64_t as[GS_EVAL_MAX_RANK], bs[GS_EVAL_MAX_RANK], ctr[GS_EVAL_MAX_RANK];
	int64_t M, K, N, nb = 1, t, aoff, boff;
	int ar, br, r, nbat, i, orank = 0;
	const float *a, *b;
	float *y;

	if (!A || !B)
		return gs_kernel_fail(k, "needs inputs A and B");
	if (gs_k_want_float(k, A, "A") || gs_k_want_float(k, B, "B"))
		return -1;
	if (A->rank < 1 || B->rank < 1)
		return gs_kernel_fail(k, "scalar operand");
	/* 1-D operands are promoted to matrices, the added axis dropped later */
	ar = A->rank, br = B->rank;
	if (ar == 1) {
		ad[0] = 1, ad[1] = A->dims[0], ar = 2;
	} else {
		memcpy(ad, A->dims, (size_t)ar * sizeof(*ad));
	}
	if (br == 1) {
		bd[0] = B->dims[0], bd[1] = 1, br = 2;
	} else {
		memcpy(bd, B->dims, (size_t)br * sizeof(*bd));
	}
	M = ad[ar - 2], K = ad[ar - 1], N = bd[br - 1];
	if (bd[br - 2] != K)
		return gs_kernel_fail(k, "inner dims differ: %lld and %lld", (long long)K,
				      (long long)bd[br - 2]);
	nbat = (ar > br ? ar : br) - 2;
	/* batch strides, 0 on broadcast axes; the output batch dims */
	{
		int64_t sa = M * K, sb = K * N;

		for (i = nbat - 1; i >= 0; i--) {
			int ia = i - (nbat - (ar - 2)), ib = i - (nbat - (br - 2));
			int64_t da = ia >= 0 ? ad[ia] : 1, db = ib >= 0 ? bd[ib] : 1;

			if (da != db && da != 1 && db != 1)
				return gs_kernel_fail(k, "batch dims %lld and %lld do not broadcast",
						      (long long)da, (long long)db);
			od[i] = da == 1 ? db : da;
			as[i] = da == 1 ? 0 : sa;
			bs[i] = db == 1 ? 0 : sb;
			sa *= da, sb *= db;
			nb *= od[i];
		}
	}
	orank = nbat;
	if (A->rank > 1)
		od[orank++] = M;
	if (B->rank > 1)
		od[orank++] = N;
	if (orank > GS_EVAL_MAX_RANK)
		return gs_kernel_fail(k, "result rank too high");
	if (!(Y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, orank, od)))
		return -1;
	if (!Y->numel)
		return 0;
	a = A->data, b = B->data, y = Y->data;
	if (br == 2 || nb == 1) {
		/* B is one matrix: A's batches stack into one tall GEMM */
		gs_sgemm(false, false, nb * M, N, K, 1.0f, a, K, b, N, 0.0f, y, N);
		if (k->epilogue & GS_EPILOGUE_RELU)
			relu_inplace(y, Y->numel);
		return 0;
	}
	memset(ctr, 0, sizeof(ctr));
	for (t = 0; t < nb; t++) {
		aoff = boff = 0;
		for (r = 0; r < nbat; r++) {
			aoff += ctr[r] * as[r];
			boff += ctr[r] * bs[r];
		}
		gs_sgemm(false, false, M, N, K, 1.0f, a + aoff, K, b + boff, N, 0.0f,
			 y + t * M * N, N);
		for (r = nbat - 1; r >= 0; r--) {
			if (++ctr[r] < od[r])
				break;
			ctr[r] = 0;
		}
	}
	if (k->epilogue & GS_EPILOGUE_RELU)
		relu_inplace(y, Y->numel);
	return 0;
}

const struct gs_op gs_ops_nn[] = {
	{ .name = "Conv", .since = 1, .flags = GS_OP_FLOAT32 | GS_OP_EPILOGUE, .kernel = k_conv,
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INTS("strides", 1), GS_DFLT_INTS("dilations", 1),
		GS_DFLT_INTS("pads", 0), GS_DFLT_INT("group", 1),
		GS_DFLT_STRING("auto_pad", "NOTSET")), .family = "conv",
	  .weight_slot = 1, .bias_slot = 2, .out_axis = 0, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 11, 22 },
	  .note = "sliding dot products of W over X; im2col + GEMM, depthwise when group = channels" },
	{ .name = "ConvTranspose", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_conv_transpose,
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INTS("strides", 1), GS_DFLT_INTS("dilations", 1),
		GS_DFLT_INTS("pads", 0), GS_DFLT_INTS("output_padding", 0),
		GS_DFLT_INT("group", 1), GS_DFLT_STRING("auto_pad", "NOTSET")),
	  .weight_slot = 1, .bias_slot = 2, .out_axis = 1, .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 11, 22 },
	  .note = "the gradient of Conv: each input pixel scatters a weighted kernel (upsampling)" },
	{ .name = "MaxPool", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_maxpool,
	  .breaks = { 10, 11 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INTS("strides", 1), GS_DFLT_INTS("dilations", 1),
		GS_DFLT_INTS("pads", 0), GS_DFLT_INT("ceil_mode", 0),
		GS_DFLT_INT("storage_order", 0), GS_DFLT_STRING("auto_pad", "NOTSET")),
	  .family = "pool", .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 8, 10, 11, 12, 22 },
	  .note = "max over each window; optional Indices output; ceil_mode drops windows starting in padding" },
	{ .name = "AveragePool", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_avgpool,
	  .breaks = { 10, 11 },
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_INTS("strides", 1), GS_DFLT_INTS("pads", 0),
		GS_DFLT_INT("ceil_mode", 0), GS_DFLT_INT("count_include_pad", 0),
		GS_DFLT_STRING("auto_pad", "NOTSET")), .family = "pool", .rank_rule = GS_RANK_SAME,
	  .changed = { 1, 7, 10, 11, 19, 22 },
	  .note = "mean over each window; count_include_pad decides whether padding counts" },
	{ .name = "LpPool", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_lppool,
	  .family = "pool",
	  .changed = { 1, 2, 11, 18, 22 },
	  .note = "p-norm of each window: (sum |x|^p)^(1/p)" },
	{ .name = "GlobalAveragePool", .since = 1, .flags = GS_OP_FLOAT32,
	  .family = "globalpool",
	  .kernel = k_global_avgpool, .changed = { 1, 22 },
	  .note = "mean over all spatial positions: [N,C,H,W] -> [N,C,1,1]" },
	{ .name = "GlobalMaxPool", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_global_maxpool,
	  .family = "globalpool",
	  .changed = { 1, 22 }, .note = "max over all spatial positions: [N,C,H,W] -> [N,C,1,1]" },
	{ .name = "GlobalLpPool", .since = 1, .flags = GS_OP_FLOAT32, .kernel = k_global_lppool,
	  .changed = { 1, 2, 22 }, .note = "p-norm over all spatial positions per channel" },
	{ .name = "Gemm", .since = 1, .flags = GS_OP_FLOAT32 | GS_OP_EPILOGUE, .kernel = k_gemm,
	  .attrs = GS_OP_ATTRS(
		GS_DFLT_FLOAT("alpha", 1), GS_DFLT_FLOAT("beta", 1), GS_DFLT_INT("transA", 0)),
	  .family = "matmul", .weight_slot = 1, .bias_slot = 2, .out_axis = 1,
	  .rank_rule = GS_RANK_FIXED, .rank = 2,
	  .changed = { 1, 6, 7, 9, 11, 13 },
	  .note = "alpha*op(A)*op(B) + beta*C with C broadcast; the fully connected layer" },
	{ .name = "MatMul", .since = 1, .flags = GS_OP_FLOAT32 | GS_OP_EPILOGUE, .kernel = k_matmul,
	  .family = "matmul", .weight_slot = 1, .out_axis = -1, .rank_rule = GS_RANK_MATMUL,
	  .changed = { 1, 9, 13 },
	  .note = "numpy matmul: batch dims broadcast, 1-D operands promoted then squeezed" },
	{ .name = NULL },
};
