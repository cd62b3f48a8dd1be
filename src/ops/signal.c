/*
 * Op family 'signal' of the registry (see graphsmith/ops.h): DFT and STFT,
 * the Hann, Hamming and Blackman windows, and MelWeightMatrix.
 *
 * Complex tensors are real tensors with a trailing dim of 2 (re, im); a
 * trailing dim of 1 is a real signal.  Transforms run in double: a radix-2
 * FFT for power-of-two lengths, a direct sum over an exact twiddle table
 * otherwise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "ops/families.h"
#include "ops/kernel-util.h"

#define SIG_PI 3.14159265358979323846	/* M_PI is not ISO C */

/* The one integer of a scalar (or one-element) tensor; -1 (k->err set)
 * when t is not that. */
static int scalar_int(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what,
		      int64_t *v)
{
	if (!t)
		return gs_kernel_fail(k, "missing input '%s'", what);
	if (!gs_k_is_int(t->dtype) || t->numel != 1)
		return gs_kernel_fail(k, "input '%s' must be one integer", what);
	*v = gs_k_int_at(t, 0);
	return 0;
}

static int scalar_float(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what,
			double *v)
{
	if (!t)
		return gs_kernel_fail(k, "missing input '%s'", what);
	if (t->numel != 1 || t->dtype == GS_DTYPE_STRING || t->dtype == GS_DTYPE_COMPLEX64 ||
	    t->dtype == GS_DTYPE_COMPLEX128)
		return gs_kernel_fail(k, "input '%s' must be one number", what);
	*v = gs_et_get(t, 0);
	return 0;
}

/* ---- transforms ---- */

/* Work state for transforms of one length n. */
struct dft_plan {
	int64_t n;
	double *cs, *sn;	/* cos/sin of 2*pi*m/n, m < n */
	double *tmp;		/* 2n scratch for the direct sum */
	bool pow2;
};

static int plan_init(struct gs_kernel_ctx *k, struct dft_plan *p, int64_t n)
{
	int64_t m;

	memset(p, 0, sizeof(*p));
	p->n = n;
	if (n < 1 || n > ((int64_t)1 << 28))
		return gs_kernel_fail(k, "transform length %lld out of range", (long long)n);
	p->pow2 = (n & (n - 1)) == 0;
	p->cs = malloc((size_t)n * sizeof(double));
	p->sn = malloc((size_t)n * sizeof(double));
	p->tmp = malloc((size_t)n * 2 * sizeof(double));
	if (!p->cs || !p->sn || !p->tmp)
		return gs_kernel_fail(k, "out of memory");
	for (m = 0; m < n; m++) {
		/* exact at the quarter turns, which keeps zeros zero */
		double a = 2 * SIG_PI * (double)m / (double)n;

		if (4 * m % n == 0) {
			int64_t q = 4 * m / n;

			p->cs[m] = q == 0 ? 1 : q == 2 ? -1 : 0;
			p->sn[m] = q == 1 ? 1 : q == 3 ? -1 : 0;
		} else {
			p->cs[m] = cos(a);
			p->sn[m] = sin(a);
		}
	}
	return 0;
}

static void plan_free(struct dft_plan *p)
{
	free(p->cs);
	free(p->sn);
	free(p->tmp);
}

/* In-place transform of n interleaved complex values: sum_j x[j] *
 * exp(sign * 2 pi i j k / n), sign -1 forward, +1 inverse (unscaled). */
static void dft_run(struct dft_plan *p, double *x, int sign)
{
	int64_t n = p->n, i, j, k, len;

	if (!p->pow2) {
		double *t = p->tmp;

		for (k = 0; k < n; k++) {
			double re = 0, im = 0;
			int64_t m = 0;

			for (j = 0; j < n; j++) {
				double c = p->cs[m], s = sign * p->sn[m];

				re += x[2 * j] * c - x[2 * j + 1] * s;
				im += x[2 * j] * s + x[2 * j + 1] * c;
				m += k;
				if (m >= n)
					m -= n;
			}
			t[2 * k] = re;
			t[2 * k + 1] = im;
		}
		memcpy(x, t, (size_t)n * 2 * sizeof(double));
		return;
	}
	/* bit-reversal permutation, then butterflies */
	for (i = 1, j = 0; i < n; i++) {
		int64_t bit = n >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			double tr = x[2 * i], ti = x[2 * i + 1];

			x[2 * i] = x[2 * j];
			x[2 * i + 1] = x[2 * j + 1];
			x[2 * j] = tr;
			x[2 * j + 1] = ti;
		}
	}
	for (len = 2; len <= n; len <<= 1) {
		int64_t step = n / len;

		for (i = 0; i < n; i += len) {
			for (j = 0; j < len / 2; j++) {
				double c = p->cs[j * step], s = sign * p->sn[j * step];
				double *a = x + 2 * (i + j), *b = x + 2 * (i + j + len / 2);
				double br = b[0] * c - b[1] * s, bi = b[0] * s + b[1] * c;

				b[0] = a[0] - br;
				b[1] = a[1] - bi;
				a[0] += br;
				a[1] += bi;
			}
		}
	}
}

/* ---- DFT ---- */

static int k_dft(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *tl = gs_kernel_in(k, 1), *y;
	bool inverse = gs_node_attr_int(k->node, "inverse", 0) != 0;
	bool onesided = gs_node_attr_int(k->node, "onesided", 0) != 0;
	int64_t axis, n, nin, nout, outer = 1, inner = 1, o, i, j, used, dims[GS_EVAL_MAX_RANK];
	int r, cin, cout, d;
	struct dft_plan p;
	double *buf;
	const float *xd;
	float *yd;
	int ret = -1;

	if (!x || x->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "input must be a float tensor");
	r = x->rank;
	if (r < 2 || (x->dims[r - 1] != 1 && x->dims[r - 1] != 2))
		return gs_kernel_fail(k, "input must end in a dim of 1 (real) or 2 (complex)");
	cin = (int)x->dims[r - 1];
	if (k->opset >= 20) {
		axis = -2;
		if (gs_kernel_in(k, 2) && scalar_int(k, gs_kernel_in(k, 2), "axis", &axis))
			return -1;
	} else {
		axis = gs_node_attr_int(k->node, "axis", 1);
	}
	if (axis < 0)
		axis += r;
	if (axis < 0 || axis > r - 2)
		return gs_kernel_fail(k, "axis out of range for rank %d", r);
	nin = x->dims[axis];
	if (tl && tl->numel) {
		if (scalar_int(k, tl, "dft_length", &n))
			return -1;
	} else {
		n = inverse && onesided ? 2 * (nin - 1) : nin;
	}
	if (n < 1)
		return gs_kernel_fail(k, "dft_length %lld must be positive", (long long)n);
	nout = onesided && !inverse ? n / 2 + 1 : n;
	cout = inverse && onesided ? 1 : 2;
	memcpy(dims, x->dims, (size_t)r * sizeof(*dims));
	dims[axis] = nout;
	dims[r - 1] = cout;
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, r, dims);
	if (!y)
		return -1;
	if (y->numel == 0)
		return 0;
	for (d = 0; d < axis; d++)
		outer *= x->dims[d];
	for (d = (int)axis + 1; d < r - 1; d++)
		inner *= x->dims[d];
	if (plan_init(k, &p, n))
		goto out;
	buf = p.tmp ? malloc((size_t)n * 2 * sizeof(double)) : NULL;
	if (!buf) {
		gs_kernel_fail(k, "out of memory");
		goto out;
	}
	xd = x->data;
	yd = y->data;
	/* irfft reads the first n/2+1 bins and mirrors them */
	used = inverse && onesided ? (n / 2 + 1 < nin ? n / 2 + 1 : nin) : (n < nin ? n : nin);
	for (o = 0; o < outer; o++) {
		for (i = 0; i < inner; i++) {
			const float *src = xd + (o * nin * inner + i) * cin;
			float *dst = yd + (o * nout * inner + i) * cout;

			memset(buf, 0, (size_t)n * 2 * sizeof(double));
			for (j = 0; j < used; j++) {
				buf[2 * j] = src[j * inner * cin];
				buf[2 * j + 1] = cin == 2 ? src[j * inner * cin + 1] : 0;
			}
			if (inverse && onesided)
				for (j = used; j < n; j++)
					if (n - j < used) {
						buf[2 * j] = buf[2 * (n - j)];
						buf[2 * j + 1] = -buf[2 * (n - j) + 1];
					}
			dft_run(&p, buf, inverse ? 1 : -1);
			for (j = 0; j < nout; j++) {
				double sc = inverse ? 1.0 / (double)n : 1.0;

				dst[j * inner * cout] = (float)(buf[2 * j] * sc);
				if (cout == 2)
					dst[j * inner * cout + 1] = (float)(buf[2 * j + 1] * sc);
			}
		}
	}
	free(buf);
	ret = 0;
out:
	plan_free(&p);
	return ret;
}

/* ---- STFT ---- */

static int k_stft(struct gs_kernel_ctx *k)
{
	struct gs_etensor *x = gs_kernel_in(k, 0), *win = gs_kernel_in(k, 2), *y;
	struct gs_etensor *tfl = gs_kernel_in(k, 3);
	bool onesided = gs_node_attr_int(k->node, "onesided", 1) != 0;
	int64_t step, fl = -1, B, L, F, bins, b, f, j, dims[4];
	const float *xd, *wd = NULL;
	struct dft_plan p;
	double *buf;
	float *yd;
	int cin, ret = -1;

	if (!x || x->dtype != GS_DTYPE_FLOAT)
		return gs_kernel_fail(k, "signal must be a float tensor");
	if (x->rank != 3 || (x->dims[2] != 1 && x->dims[2] != 2))
		return gs_kernel_fail(k, "signal must be [batch, length, 1 or 2]");
	if (scalar_int(k, gs_kernel_in(k, 1), "frame_step", &step))
		return -1;
	if (win && win->numel) {
		if (win->dtype != GS_DTYPE_FLOAT || win->rank != 1)
			return gs_kernel_fail(k, "window must be a 1-D float tensor");
		fl = win->dims[0];
		wd = win->data;
	}
	if (tfl && tfl->numel) {
		int64_t v;

		if (scalar_int(k, tfl, "frame_length", &v))
			return -1;
		if (wd && v != fl)
			return gs_kernel_fail(k, "frame_length %lld differs from the window's %lld",
					      (long long)v, (long long)fl);
		fl = v;
	}
	if (fl < 0)
		return gs_kernel_fail(k, "needs a window or a frame_length");
	B = x->dims[0];
	L = x->dims[1];
	cin = (int)x->dims[2];
	if (step < 1 || fl < 1 || fl > L)
		return gs_kernel_fail(k, "frame_step %lld / frame_length %lld out of range",
				      (long long)step, (long long)fl);
	F = (L - fl) / step + 1;
	bins = onesided ? fl / 2 + 1 : fl;
	dims[0] = B;
	dims[1] = F;
	dims[2] = bins;
	dims[3] = 2;
	y = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 4, dims);
	if (!y)
		return -1;
	if (plan_init(k, &p, fl))
		goto out;
	buf = malloc((size_t)fl * 2 * sizeof(double));
	if (!buf) {
		gs_kernel_fail(k, "out of memory");
		goto out;
	}
	xd = x->data;
	yd = y->data;
	for (b = 0; b < B; b++) {
		for (f = 0; f < F; f++) {
			const float *src = xd + (b * L + f * step) * cin;

			for (j = 0; j < fl; j++) {
				double w = wd ? wd[j] : 1;

				buf[2 * j] = src[j * cin] * w;
				buf[2 * j + 1] = cin == 2 ? src[j * cin + 1] * w : 0;
			}
			dft_run(&p, buf, -1);
			for (j = 0; j < bins; j++) {
				*yd++ = (float)buf[2 * j];
				*yd++ = (float)buf[2 * j + 1];
			}
		}
	}
	free(buf);
	ret = 0;
out:
	plan_free(&p);
	return ret;
}

/* ---- windows ---- */

enum { WIN_HANN, WIN_HAMMING, WIN_BLACKMAN };

static bool out_dtype_ok(int dt)
{
	return dt == GS_DTYPE_FLOAT || dt == GS_DTYPE_DOUBLE || dt == GS_DTYPE_FLOAT16 ||
	       dt == GS_DTYPE_BFLOAT16 || gs_k_is_int(dt);
}

static int window(struct gs_kernel_ctx *k, int kind)
{
	int64_t size, i, dt = gs_node_attr_int(k->node, "output_datatype", GS_DTYPE_FLOAT);
	bool periodic = gs_node_attr_int(k->node, "periodic", 1) != 0;
	struct gs_etensor *y;
	double N;

	if (scalar_int(k, gs_kernel_in(k, 0), "size", &size))
		return -1;
	if (size < 0)
		return gs_kernel_fail(k, "size %lld is negative", (long long)size);
	if (!out_dtype_ok((int)dt))
		return gs_kernel_fail(k, "output_datatype %lld is not supported", (long long)dt);
	y = gs_kernel_out(k, 0, (int)dt, 1, &size);
	if (!y)
		return -1;
	N = periodic ? (double)size : (double)size - 1;
	for (i = 0; i < size; i++) {
		double a = N > 0 ? 2 * SIG_PI * (double)i / N : 0, v;

		switch (kind) {
		case WIN_HANN:
			v = 0.5 - 0.5 * cos(a);
			break;
		case WIN_HAMMING:
			v = 25.0 / 46 - 21.0 / 46 * cos(a);
			break;
		default:
			v = 0.42 - 0.5 * cos(a) + 0.08 * cos(2 * a);
			break;
		}
		if (N <= 0)
			v = 1;	/* a one-point symmetric window */
		if (dt == GS_DTYPE_FLOAT)
			((float *)y->data)[i] = (float)v;
		else
			gs_et_set(y, i, v);
	}
	return 0;
}

static int k_hann(struct gs_kernel_ctx *k)
{
	return window(k, WIN_HANN);
}

static int k_hamming(struct gs_kernel_ctx *k)
{
	return window(k, WIN_HAMMING);
}

static int k_blackman(struct gs_kernel_ctx *k)
{
	return window(k, WIN_BLACKMAN);
}

/* ---- MelWeightMatrix ---- */

/*
 * Triangular filters between num_mel_bins + 2 points spaced evenly on the
 * mel scale, mapped to dft bins by floor((dft_length + 1) * hz / rate).
 * The mel step divides the range by num_mel_bins + 2, as the reference
 * implementation (and so the node test) does.
 */
static int k_mel_weight_matrix(struct gs_kernel_ctx *k)
{
	int64_t nmel, dftlen, rate, dt = gs_node_attr_int(k->node, "output_datatype",
							  GS_DTYPE_FLOAT);
	int64_t nspec, i, j, *pts = NULL, dims[2];
	double lo, hi, mlo, mhi, step;
	struct gs_etensor *y;
	double *w = NULL;
	int ret = -1;

	if (scalar_int(k, gs_kernel_in(k, 0), "num_mel_bins", &nmel) ||
	    scalar_int(k, gs_kernel_in(k, 1), "dft_length", &dftlen) ||
	    scalar_int(k, gs_kernel_in(k, 2), "sample_rate", &rate) ||
	    scalar_float(k, gs_kernel_in(k, 3), "lower_edge_hertz", &lo) ||
	    scalar_float(k, gs_kernel_in(k, 4), "upper_edge_hertz", &hi))
		return -1;
	if (nmel < 1 || dftlen < 1 || rate < 1 || nmel > (1 << 20) || dftlen > ((int64_t)1 << 30))
		return gs_kernel_fail(k, "num_mel_bins, dft_length or sample_rate out of range");
	if (!out_dtype_ok((int)dt))
		return gs_kernel_fail(k, "output_datatype %lld is not supported", (long long)dt);
	if (!(lo >= 0 && hi > lo && isfinite(hi)))
		return gs_kernel_fail(k, "edge frequencies must satisfy 0 <= lower < upper");
	nspec = dftlen / 2 + 1;
	dims[0] = nspec;
	dims[1] = nmel;
	pts = malloc((size_t)(nmel + 2) * sizeof(*pts));
	w = calloc((size_t)(nspec * nmel), sizeof(*w));
	if (!pts || !w) {
		gs_kernel_fail(k, "out of memory");
		goto out;
	}
	mlo = 2595 * log10(1 + lo / 700);
	mhi = 2595 * log10(1 + hi / 700);
	step = (mhi - mlo) / (double)(nmel + 2);
	for (i = 0; i < nmel + 2; i++) {
		double hz = 700 * (pow(10, ((double)i * step + mlo) / 2595) - 1);

		pts[i] = (int64_t)floor((double)(dftlen + 1) * hz / (double)rate);
		if (pts[i] < 0 || pts[i] >= nspec + 1 || (pts[i] >= nspec && i < nmel + 1)) {
			gs_kernel_fail(k, "upper_edge_hertz above the Nyquist rate is not supported");
			goto out;
		}
	}
	for (i = 0; i < nmel; i++) {
		int64_t l = pts[i], c = pts[i + 1], h = pts[i + 2];

		if (c == l)
			w[c * nmel + i] = 1;
		else
			for (j = l; j <= c; j++)
				w[j * nmel + i] = (double)(j - l) / (double)(c - l);
		for (j = c; j < h; j++)
			w[j * nmel + i] = (double)(h - j) / (double)(h - c);
	}
	y = gs_kernel_out(k, 0, (int)dt, 2, dims);
	if (!y)
		goto out;
	for (i = 0; i < nspec * nmel; i++)
		gs_et_set(y, i, w[i]);
	ret = 0;
out:
	free(pts);
	free(w);
	return ret;
}

const struct gs_op gs_ops_signal[] = {
	{ .domain = "", .name = "DFT", .since = 17, .flags = GS_OP_FLOAT32, .kernel = k_dft,
	  .breaks = { 20 },
	  .changed = { 17, 20 },
	  .note = "discrete Fourier transform along one axis; [..., 2] holds (re, im); onesided, inverse" },
	{ .domain = "", .name = "STFT", .since = 17, .flags = GS_OP_FLOAT32, .kernel = k_stft,
	  .changed = { 17 },
	  .note = "DFT of windowed frames every frame_step samples: [batch, frames, bins, 2]" },
	{ .domain = "", .name = "HannWindow", .since = 17, .kernel = k_hann, .changed = { 17 },
	  .note = "0.5 - 0.5 cos(2 pi n / N); N = size (periodic) or size - 1" },
	{ .domain = "", .name = "HammingWindow", .since = 17, .kernel = k_hamming,
	  .changed = { 17 },
	  .note = "25/46 - 21/46 cos(2 pi n / N); N = size (periodic) or size - 1" },
	{ .domain = "", .name = "BlackmanWindow", .since = 17, .kernel = k_blackman,
	  .changed = { 17 },
	  .note = "0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)" },
	{ .domain = "", .name = "MelWeightMatrix", .since = 17, .kernel = k_mel_weight_matrix,
	  .changed = { 17 },
	  .note = "triangular mel filterbank mapping dft_length/2+1 linear bins to num_mel_bins" },
	{ .name = NULL },
};
