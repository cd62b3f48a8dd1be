/* The shared sgemm (gemm.h): CBLAS when available, else a blocked loop. */
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

void gs_sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
	      const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
	      float *C, int64_t ldc)
{
	int64_t i, j;

	if (M <= 0 || N <= 0)
		return;
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
