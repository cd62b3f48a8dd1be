/*
 * numeric.h - ONNX element types and scalar conversions.
 *
 * All multi-byte tensor data handled here is little-endian, as in ONNX
 * raw_data; loads are assembled byte by byte so the host order and the
 * buffer alignment do not matter.
 */
#ifndef GRAPHSMITH_NUMERIC_H
#define GRAPHSMITH_NUMERIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Same numbers as onnx.TensorProto.DataType. */
enum gs_dtype {
	GS_DTYPE_UNDEFINED = 0,
	GS_DTYPE_FLOAT = 1,
	GS_DTYPE_UINT8 = 2,
	GS_DTYPE_INT8 = 3,
	GS_DTYPE_UINT16 = 4,
	GS_DTYPE_INT16 = 5,
	GS_DTYPE_INT32 = 6,
	GS_DTYPE_INT64 = 7,
	GS_DTYPE_STRING = 8,
	GS_DTYPE_BOOL = 9,
	GS_DTYPE_FLOAT16 = 10,
	GS_DTYPE_DOUBLE = 11,
	GS_DTYPE_UINT32 = 12,
	GS_DTYPE_UINT64 = 13,
	GS_DTYPE_COMPLEX64 = 14,
	GS_DTYPE_COMPLEX128 = 15,
	GS_DTYPE_BFLOAT16 = 16,
	GS_DTYPE_FLOAT8E4M3FN = 17,
	GS_DTYPE_FLOAT8E4M3FNUZ = 18,
	GS_DTYPE_FLOAT8E5M2 = 19,
	GS_DTYPE_FLOAT8E5M2FNUZ = 20,
	GS_DTYPE_UINT4 = 21,
	GS_DTYPE_INT4 = 22,
	GS_DTYPE_FLOAT4E2M1 = 23,
	GS_DTYPE_FLOAT8E8M0 = 24,
	GS_DTYPE_UINT2 = 25,
	GS_DTYPE_INT2 = 26,
	GS_DTYPE_MAX_ = 26	/* highest id known here */
};

/* Lowercase short name ("float32", "bfloat16", ...); "undefined" if unknown. */
const char *gs_dtype_name(int dtype);

/*
 * Inverse of gs_dtype_name.  Also accepts a few aliases ("float", "double",
 * "half", "fp16", "bf16", "fp32", "fp64") and is case-insensitive.
 * Returns GS_DTYPE_UNDEFINED for unknown names.
 */
int gs_dtype_from_name(const char *name);

/* Element size in bits (4 or 2 for the packed types); 0 for string/unknown. */
int gs_dtype_bits(int dtype);

/* Bytes occupied by count dense elements (packed 4- and 2-bit types round up). */
size_t gs_dtype_storage_bytes(int dtype, size_t count);

/* True for real floating-point types (fp32/64/16, bf16, float8*, float4). */
bool gs_dtype_is_float(int dtype);

/* IEEE binary16. float->half rounds to nearest even, overflows to inf. */
float gs_half_to_float(uint16_t h);
uint16_t gs_float_to_half(float f);

/* bfloat16. float->bf16 rounds to nearest even; NaN stays NaN (quiet). */
float gs_bf16_to_float(uint16_t b);
uint16_t gs_float_to_bf16(float f);

/* ONNX float8 variants. */
float gs_e4m3fn_to_float(uint8_t v);	/* bias 7, no inf, S.1111.111 NaN */
float gs_e4m3fnuz_to_float(uint8_t v);	/* bias 8, no inf/-0, 0x80 NaN */
float gs_e5m2_to_float(uint8_t v);	/* bias 15, IEEE-like inf/NaN */
float gs_e5m2fnuz_to_float(uint8_t v);	/* bias 16, no inf/-0, 0x80 NaN */
float gs_e8m0_to_float(uint8_t v);	/* 2^(v-127), 0xff NaN */

/* float4 e2m1 in the low 4 bits of v: 0, .5, 1, 1.5, 2, 3, 4, 6 and negatives. */
float gs_e2m1_to_float(uint8_t v);

/*
 * Nearest float8 code of v (ties to the even code) for the four
 * FLOAT8E4M3FN/E4M3FNUZ/E5M2/E5M2FNUZ types, as ONNX's Cast defines it:
 * out of range and infinities give the largest finite value when
 * saturate is set, otherwise inf (E5M2) or NaN; the FNUZ types have no
 * negative zero.  FLOAT8E8M0 is encoded with GS_ROUND_UP; any other dtype
 * gives 0.
 */
uint8_t gs_float_to_f8(int dtype, double v, bool saturate);

/* Rounding of float8e8m0 encoding (Cast's round_mode attribute). */
enum gs_round_mode {
	GS_ROUND_UP = 0,	/* "up": any fraction goes to the next power of 2 (default) */
	GS_ROUND_DOWN,		/* "down": the power of 2 at or below |v| */
	GS_ROUND_NEAREST,	/* "nearest": mantissa >= 1.5 rounds up */
};

/* "up", "down", "nearest" -> enum gs_round_mode; -1 for anything else. */
int gs_round_mode_from_name(const char *name);

/*
 * float8e8m0 (a bare power-of-two exponent, bias 127) of |v| taken as
 * float32: NaN and inf give 0xff (NaN), zero and float32 subnormals the
 * exponent field 0.  With saturate, rounding never passes 2^127 (0xfe);
 * without, it may give 0xff.  Follows onnx's reference to_float8e8m0.
 */
uint8_t gs_float_to_e8m0(double v, bool saturate, int round_mode);

/*
 * float4 e2m1 code (low 4 bits) of v: nearest, ties to the even code,
 * saturating at +-6 (the type has no inf); NaN has no code and gives 0.
 */
uint8_t gs_float_to_e2m1(double v);

/*
 * Packed 4-bit access: element i lives in byte i/2, low nibble first.
 * gs_int4_get sign-extends.
 */
int8_t gs_int4_get(const void *data, size_t index);
uint8_t gs_uint4_get(const void *data, size_t index);
static inline int8_t gs_int4_extend(uint8_t nibble)
{
	nibble &= 0x0f;
	return (int8_t)(nibble >= 8 ? (int)nibble - 16 : (int)nibble);
}

/*
 * Packed 2-bit access (int2/uint2, onnx 25): element i lives in byte i/4,
 * at bits 2*(i%4), lowest bits first.  gs_int2_get sign-extends (-2..1).
 */
int8_t gs_int2_get(const void *data, size_t index);
uint8_t gs_uint2_get(const void *data, size_t index);
static inline int8_t gs_int2_extend(uint8_t crumb)
{
	crumb &= 0x03;
	return (int8_t)(crumb >= 2 ? (int)crumb - 4 : (int)crumb);
}

/*
 * Decode count elements, starting at element offset_elems, of a dense
 * little-endian buffer into doubles.  bool decodes to 0/1, int64/uint64 beyond
 * 2^53 lose precision.  Returns 0, or -1 for string/complex/unknown dtypes.
 */
int gs_decode_to_double(int dtype, const void *data, size_t offset_elems,
			size_t count, double *out);

#endif
