/* The shared sgemm (gemm.h): our AVX-512 kernel on CPUs that have it,
 * else CBLAS when available, else a blocked loop. */
#include <stdlib.h>
#include <string.h>

#include "ops/gemm.h"

#ifdef GS_HAVE_CBLAS
#include <cblas.h>
#endif

#ifndef GS_HAVE_CBLAS
/* Panel sizes: a KC x NC panel of op(B) (64 KiB) stays in L2 while every
 * row of A streams past it. */
#define KC 128
#define NC 128

/* The inner loops are the hot spot of a build without BLAS: vectorise them
 * whatever -O level the build uses, and compile AVX2/AVX-512 variants that
 * the loader picks for the running CPU (GCC function multiversioning). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && !defined(__clang__)
#define GS_HOT __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define GS_HOT
#endif

/* Four rows of C at once, so each loaded element of the panel feeds four
 * multiply-adds; the j loops are unit-stride and vectorise. */
GS_HOT static void rows4(int64_t nb, int64_t kb, const float *a0, const float *a1, const float *a2,
		  const float *a3, int64_t as, const float *restrict bp, float *restrict c0,
		  float *restrict c1, float *restrict c2, float *restrict c3)
{
	int64_t k, j;

	for (k = 0; k < kb; k++) {
		float x0 = a0[k * as], x1 = a1[k * as], x2 = a2[k * as], x3 = a3[k * as];
		const float *restrict b = bp + k * nb;

		for (j = 0; j < nb; j++) {
			float bv = b[j];

			c0[j] += x0 * bv;
			c1[j] += x1 * bv;
			c2[j] += x2 * bv;
			c3[j] += x3 * bv;
		}
	}
}

GS_HOT static void row1(int64_t nb, int64_t kb, const float *a0, int64_t as, const float *restrict bp,
		 float *restrict c0)
{
	int64_t k, j;

	for (k = 0; k < kb; k++) {
		float x0 = a0[k * as];
		const float *restrict b = bp + k * nb;

		for (j = 0; j < nb; j++)
			c0[j] += x0 * b[j];
	}
}

static void fallback(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
		     const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
		     int64_t ldc)
{
	float bp[KC * NC];
	int64_t kk, jj, i, k, j;
	/* element (i, k) of op(A) is A[i * ars + k * as] */
	int64_t ars = trans_a ? 1 : lda, as = trans_a ? lda : 1;

	for (kk = 0; kk < K; kk += KC) {
		int64_t kb = K - kk < KC ? K - kk : KC;

		for (jj = 0; jj < N; jj += NC) {
			int64_t nb = N - jj < NC ? N - jj : NC;

			/* pack alpha * op(B)[kk.., jj..] densely */
			for (k = 0; k < kb; k++)
				for (j = 0; j < nb; j++)
					bp[k * nb + j] = alpha * (trans_b ?
						B[(jj + j) * ldb + kk + k] :
						B[(kk + k) * ldb + jj + j]);
			for (i = 0; i + 4 <= M; i += 4) {
				const float *a = A + i * ars + kk * as;

				rows4(nb, kb, a, a + ars, a + 2 * ars, a + 3 * ars, as, bp,
				      C + i * ldc + jj, C + (i + 1) * ldc + jj,
				      C + (i + 2) * ldc + jj, C + (i + 3) * ldc + jj);
			}
			for (; i < M; i++)
				row1(nb, kb, A + i * ars + kk * as, as, bp, C + i * ldc + jj);
		}
	}
}
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
/*
 * An AVX-512 GEMM for CPUs that have it (the OpenBLAS kernels we may get
 * stop at AVX2, half the width).  Goto/BLIS layout: op(B) is packed in
 * KC x NB blocks as 32-column slivers, op(A) in MC x KC blocks as 12-row
 * slivers (alpha folded in), and a 12 x 32 register tile of C (24 zmm
 * accumulators) runs down a whole KC slice before C is touched.  Edges
 * are zero-padded in the packs and masked on store, so any M, N, K work.
 */
#include <immintrin.h>

#pragma GCC optimize("O3")
#define GS_AVX512_GEMM 1
#define MR 12
#define NR 32
#define XKC 256				/* a 32 KiB B sliver stays in L1 */
#define XMC 144				/* the packed A block (144 KiB) in L2 */
#define XNC 4096

#define AVX512 __attribute__((target("avx512f")))

/* op(A)[i0.., k0..] (mc x kc) into MR-row slivers, k-major, times alpha */
static void pack_a(bool ta, const float *A, int64_t lda, int64_t i0, int64_t k0, int64_t mc,
		   int64_t kc, float alpha, float *dst)
{
	int64_t k, p, r;

	for (p = 0; p < mc; p += MR, dst += MR * kc) {
		int64_t mr = mc - p < MR ? mc - p : MR;

		for (r = 0; r < mr; r++) {
			int64_t row = i0 + p + r;

			if (ta)
				for (k = 0; k < kc; k++)
					dst[k * MR + r] = alpha * A[(k0 + k) * lda + row];
			else
				for (k = 0; k < kc; k++)
					dst[k * MR + r] = alpha * A[row * lda + k0 + k];
		}
		for (; r < MR; r++)
			for (k = 0; k < kc; k++)
				dst[k * MR + r] = 0.0f;
	}
}

/* op(B)[k0.., j0..] (kc x nc) into NR-column slivers, k-major */
static void pack_b(bool tb, const float *B, int64_t ldb, int64_t k0, int64_t j0, int64_t kc,
		   int64_t nc, float *dst)
{
	int64_t j, k, q;

	for (q = 0; q < nc; q += NR, dst += NR * kc) {
		int64_t nr = nc - q < NR ? nc - q : NR;

		if (!tb) {
			for (k = 0; k < kc; k++) {
				const float *src = B + (k0 + k) * ldb + j0 + q;
				float *d = dst + k * NR;

				for (j = 0; j < nr; j++)
					d[j] = src[j];
				for (; j < NR; j++)
					d[j] = 0.0f;
			}
			continue;
		}
		for (j = 0; j < nr; j++) {
			const float *src = B + (j0 + q + j) * ldb + k0;

			for (k = 0; k < kc; k++)
				dst[k * NR + j] = src[k];
		}
		for (; j < NR; j++)
			for (k = 0; k < kc; k++)
				dst[k * NR + j] = 0.0f;
	}
}

/* C[mr x nr] = acc (+ beta * C when `load`); a is a packed sliver, b
 * either a packed sliver (ldb NR) or op(B) itself (rows ldb apart: the
 * masked loads stay inside a short last sliver) */
#define KERN_ARGS int64_t kc, const float *restrict a, int64_t ars, int64_t acs, \
	const float *restrict b, int64_t ldb, int64_t pf, float *c, int64_t ldc, int mr, int nr, \
	float alpha, bool load, float beta
#define KERN_PASS kc, a, ars, acs, b, ldb, pf, c, ldc, mr, nr, alpha, load, beta

/* `rows` (a constant after inlining) of the 12 are computed: short last
 * slivers take a narrower tile instead of multiplying padding */
AVX512 static inline __attribute__((always_inline)) void kern_rows(const int rows, KERN_ARGS)
{
	__m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a,
	       c2b = c0a, c3a = c0a, c3b = c0a, c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a,
	       c6a = c0a, c6b = c0a, c7a = c0a, c7b = c0a, c8a = c0a, c8b = c0a, c9a = c0a,
	       c9b = c0a, cAa = c0a, cAb = c0a, cBa = c0a, cBb = c0a;
	__mmask16 m0 = nr >= 16 ? 0xffff : (__mmask16)((1u << nr) - 1);
	__mmask16 m1 = nr >= 32 ? 0xffff : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
	__m512 vb = _mm512_set1_ps(beta), va = _mm512_set1_ps(alpha);
	int64_t k;

	for (k = 0; k < kc; k++, a += acs, b += ldb) {
		__m512 b0 = _mm512_maskz_loadu_ps(m0, b), b1 = _mm512_maskz_loadu_ps(m1, b + 16), av;

		if (pf) {
			_mm_prefetch((const char *)(b + pf), _MM_HINT_T0);
			_mm_prefetch((const char *)(b + pf + 16), _MM_HINT_T0);
		}

#define STEP(i, x, y) \
		if ((i) < rows) { \
			av = _mm512_set1_ps(a[(i) * ars]); \
			x = _mm512_fmadd_ps(av, b0, x); \
			y = _mm512_fmadd_ps(av, b1, y); \
		}
		STEP(0, c0a, c0b) STEP(1, c1a, c1b) STEP(2, c2a, c2b) STEP(3, c3a, c3b)
		STEP(4, c4a, c4b) STEP(5, c5a, c5b) STEP(6, c6a, c6b) STEP(7, c7a, c7b)
		STEP(8, c8a, c8b) STEP(9, c9a, c9b) STEP(10, cAa, cAb) STEP(11, cBa, cBb)
#undef STEP
	}
#define OUT(i, x, y) \
	if ((i) < rows && (i) < mr) { \
		float *r = c + (i) * ldc; \
		if (alpha != 1.0f) { \
			x = _mm512_mul_ps(va, x); \
			y = _mm512_mul_ps(va, y); \
		} \
		if (load) { \
			x = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, r), x); \
			y = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, r + 16), y); \
		} \
		_mm512_mask_storeu_ps(r, m0, x); \
		_mm512_mask_storeu_ps(r + 16, m1, y); \
	}
	OUT(0, c0a, c0b) OUT(1, c1a, c1b) OUT(2, c2a, c2b) OUT(3, c3a, c3b)
	OUT(4, c4a, c4b) OUT(5, c5a, c5b) OUT(6, c6a, c6b) OUT(7, c7a, c7b)
	OUT(8, c8a, c8b) OUT(9, c9a, c9b) OUT(10, cAa, cAb) OUT(11, cBa, cBb)
#undef OUT
}

AVX512 static void kern12(KERN_ARGS)
{
	kern_rows(12, KERN_PASS);
}

AVX512 static void kern8(KERN_ARGS)
{
	kern_rows(8, KERN_PASS);
}

AVX512 static void kern4(KERN_ARGS)
{
	kern_rows(4, KERN_PASS);
}

static bool have_avx512(void)
{
	static int have = -1;

	if (have < 0) {
		__builtin_cpu_init();
		have = __builtin_cpu_supports("avx512f") != 0;
	}
	return have;
}

/* 0 when done; -1 when the caller should take another path (no AVX-512,
 * shapes it would waste its tile on, or no memory for the packs) */
/* n floats, 64-byte aligned (aligned_alloc wants a multiple of 64) */
static float *buf(int64_t n)
{
	return aligned_alloc(64, ((size_t)n * sizeof(float) + 63) / 64 * 64);
}

static int gemm_avx512(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
		       const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
		       float *C, int64_t ldc)
{
	int64_t nc0 = N < XNC ? N : XNC, kc0 = K < XKC ? K : XKC, jc, pc, ic, jr, ir;
	float *bp, *ap;

	if (!have_avx512() || M < 4 || N < 8 || K < 1 || alpha == 0.0f)
		return -1;
	bp = tb ? buf((nc0 + NR - 1) / NR * NR * kc0) : NULL;
	/* sized to the block actually used (small products are common) */
	ap = buf((M < XMC ? (M + MR - 1) / MR * MR : XMC) * kc0);
	if ((tb && !bp) || !ap) {
		free(bp);
		free(ap);
		return -1;
	}
	for (jc = 0; jc < N; jc += XNC) {
		int64_t nc = N - jc < XNC ? N - jc : XNC;

		for (pc = 0; pc < K; pc += XKC) {
			int64_t kc = K - pc < XKC ? K - pc : XKC;
			/* the first slice applies beta (0: C is not read) */
			bool load = pc > 0 || beta != 0.0f;
			float bt = pc > 0 ? 1.0f : beta;

			/* a plain op(B) is read in place: packing it costs
			 * more than it saves when M is small */
			if (tb)
				pack_b(tb, B, ldb, pc, jc, kc, nc, bp);
			for (ic = 0; ic < M; ic += XMC) {
				int64_t mc = M - ic < XMC ? M - ic : XMC;

				/* a plain op(A) is read in place too, except a
				 * short last sliver (its rows past M are padded) */
				if (ta)
					pack_a(ta, A, lda, ic, pc, mc, kc, alpha, ap);
				else if (mc % MR)
					pack_a(ta, A, lda, ic + mc / MR * MR, pc, mc % MR, kc,
					       alpha, ap + mc / MR * MR * kc);
				for (jr = 0; jr < nc; jr += NR) {
					int nr = nc - jr < NR ? (int)(nc - jr) : NR;

					for (ir = 0; ir < mc; ir += MR) {
						int mr = mc - ir < MR ? (int)(mc - ir) : MR;
						bool packed = ta || mr < MR;
						void (*kern)(KERN_ARGS) =
							mr <= 4 ? kern4 : mr <= 8 ? kern8 : kern12;

						kern(kc, packed ? ap + ir * kc : A + (ic + ir) * lda + pc,
						     packed ? 1 : lda, packed ? MR : 1,
						     tb ? bp + jr * kc : B + pc * ldb + jc + jr,
						     tb ? NR : ldb,
						     /* the first pass over a B sliver
						      * fetches the next one */
						     ir ? 0 : tb ? kc * NR : NR,
						     C + (ic + ir) * ldc + jc + jr, ldc,
						     mr, nr, packed ? 1.0f : alpha, load, bt);
					}
				}
			}
		}
	}
	free(bp);
	free(ap);
	return 0;
}
#endif

void gs_sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
	      const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
	      float *C, int64_t ldc)
{
	int64_t i, j;

	if (M <= 0 || N <= 0)
		return;
#ifdef GS_AVX512_GEMM
	if (!gemm_avx512(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc))
		return;
#endif
#ifdef GS_HAVE_CBLAS
	if (K > 0 && M <= INT32_MAX && N <= INT32_MAX && K <= INT32_MAX && lda <= INT32_MAX &&
	    ldb <= INT32_MAX && ldc <= INT32_MAX) {
		cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
			    trans_b ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K, alpha,
			    A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
		return;
	}
#endif
	/* beta == 0 must not read C: it may be uninitialised */
	for (i = 0; i < M; i++) {
		float *c = C + i * ldc;

		if (beta == 0.0f)
			memset(c, 0, (size_t)N * sizeof(*c));
		else if (beta != 1.0f)
			for (j = 0; j < N; j++)
				c[j] *= beta;
	}
	if (K <= 0 || alpha == 0.0f)
		return;
#ifdef GS_HAVE_CBLAS
	/* sizes past int: plain loop (never seen in practice) */
	{
		int64_t k;

		for (i = 0; i < M; i++)
			for (k = 0; k < K; k++) {
				float a = alpha * (trans_a ? A[k * lda + i] : A[i * lda + k]);

				for (j = 0; j < N; j++)
					C[i * ldc + j] += a * (trans_b ? B[j * ldb + k] :
							       B[k * ldb + j]);
			}
	}
#else
	fallback(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, C, ldc);
#endif
}
