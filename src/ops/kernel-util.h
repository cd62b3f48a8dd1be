/* Helpers the op family files of src/ops share: integer element access,
 * axis normalisation, int lists read from inputs or attributes, and the
 * small checks every kernel repeats.  Failures go through gs_kernel_fail,
 * so they name the node like the kernels' own messages. */
#ifndef GS_OPS_KERNEL_UTIL_H
#define GS_OPS_KERNEL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/eval.h"

/* ---- integer elements ---- */

/* The eight integer dtypes (not bool). */
bool gs_k_is_int(int dt);
/* The unsigned integer dtypes and bool. */
bool gs_k_is_unsigned(int dt);

/* Element i of integer or bool data p of dtype dt: uint64 comes back as its
 * bit pattern, smaller unsigned types zero-extend.  Inline: the integer
 * paths call it per element. */
static inline int64_t gs_k_load_int(const void *p, int dt, int64_t i)
{
	switch (dt) {
	case GS_DTYPE_INT64: return ((const int64_t *)p)[i];
	case GS_DTYPE_UINT64: return (int64_t)((const uint64_t *)p)[i];
	case GS_DTYPE_INT32: return ((const int32_t *)p)[i];
	case GS_DTYPE_UINT32: return ((const uint32_t *)p)[i];
	case GS_DTYPE_INT16: return ((const int16_t *)p)[i];
	case GS_DTYPE_UINT16: return ((const uint16_t *)p)[i];
	case GS_DTYPE_INT8: return ((const int8_t *)p)[i];
	case GS_DTYPE_UINT8: return ((const uint8_t *)p)[i];
	case GS_DTYPE_BOOL: return ((const uint8_t *)p)[i] != 0;
	}
	return 0;
}

/* Stores v truncated to the width of dt (two's complement wrap, as numpy). */
static inline void gs_k_store_int(void *p, int dt, int64_t i, int64_t v)
{
	switch (dt) {
	case GS_DTYPE_INT64: ((int64_t *)p)[i] = v; break;
	case GS_DTYPE_UINT64: ((uint64_t *)p)[i] = (uint64_t)v; break;
	case GS_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)(uint32_t)(uint64_t)v; break;
	case GS_DTYPE_UINT32: ((uint32_t *)p)[i] = (uint32_t)(uint64_t)v; break;
	case GS_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)(uint16_t)(uint64_t)v; break;
	case GS_DTYPE_UINT16: ((uint16_t *)p)[i] = (uint16_t)(uint64_t)v; break;
	case GS_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)(uint8_t)(uint64_t)v; break;
	case GS_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)(uint64_t)v; break;
	case GS_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0; break;
	}
}

/* v as int64, saturating, NaN -> 0: C leaves out-of-range conversions
 * undefined. */
int64_t gs_k_d2i(double v);

/* Element i of tensor t as an integer: exact for int32/int64, through
 * gs_et_get otherwise. */
int64_t gs_k_int_at(const struct gs_etensor *t, int64_t i);

/* ---- axes, inputs, outputs ---- */

/* Axis a of a rank-r tensor (negative counts from the end) into *out;
 * -1 (k->err set) when out of range. */
int gs_k_axis(struct gs_kernel_ctx *k, int64_t a, int r, int *out);

/* Integer tensor t (rank 0 or 1, input `what`) into out[0..max); the
 * count, or -1 (k->err set) when t is missing, not integer or too long. */
int gs_k_in_ints(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what,
		 int64_t *out, int max);

/* An INTS attribute into out[0..max); the count, -1 (no failure) when
 * absent, -2 (k->err set) when not INTS or longer than max. */
int gs_k_attr_ints(struct gs_kernel_ctx *k, const char *name, int64_t *out, int max);

/* Inputs 0..n-1 all present; -1 (k->err set) naming the first missing. */
int gs_k_need_inputs(struct gs_kernel_ctx *k, int n);

/* Whether the node names output i (optional outputs may be omitted). */
bool gs_k_out_wanted(const struct gs_kernel_ctx *k, int i);

/* Row-major element strides of a rank-r shape. */
void gs_k_row_strides(int r, const int64_t *dims, int64_t *st);

/* -1 (k->err set) unless t is float32 (the registry has converted the
 * other float types); `what` names t in the message. */
int gs_k_want_float(struct gs_kernel_ctx *k, const struct gs_etensor *t, const char *what);

/* ---- AVX-512 ---- */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

/* e^x for x <= 0 in 16 lanes (as reduce.c's scalar exp_neg): 0 below
 * -87.3.  Always inline: it sits in the callers' vector loops, whatever
 * optimisation level their file asks for. */
__attribute__((target("avx512f"), always_inline))
static inline __m512 gs_k_exp_neg16(__m512 x)
{
	const __m512 magic = _mm512_set1_ps(12582912.0f);
	__m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic);
	__m512 n = _mm512_sub_ps(t, magic), r, p;
	__m512i e;

	r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
	r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
	p = _mm512_set1_ps(1.9875691500e-4f);
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
	p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
	p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
	e = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4b400000 - 127));
	p = _mm512_mul_ps(p, _mm512_castsi512_ps(_mm512_slli_epi32(e, 23)));
	return _mm512_mask_mov_ps(p, _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_LT_OQ),
				  _mm512_setzero_ps());
}
#endif

#endif
