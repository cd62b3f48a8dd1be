/*
 * gemm.h - the one matrix product the kernels share.
 *
 * C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T.
 * op(A) is M x K, op(B) is K x N, C is M x N; lda/ldb/ldc are the row
 * strides of A, B and C as stored.  On a CPU with AVX-512 (checked at
 * run time) our own register-tiled kernel runs it: Debian's OpenBLAS
 * 0.3.21 misdetects such CPUs, and the core type forced to avoid that
 * (Haswell) has AVX2 kernels only.  Else cblas_sgemm when graphsmith is
 * built with a CBLAS (GS_HAVE_CBLAS), else a blocked portable loop.
 * beta == 0 ignores C's previous contents (NaN included).
 */
#ifndef GS_OPS_GEMM_H
#define GS_OPS_GEMM_H

#include <stdbool.h>
#include <stdint.h>

void gs_sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
	      const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
	      float *C, int64_t ldc);

#endif
