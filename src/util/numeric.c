/*
 * numeric.c - ONNX element types and scalar conversions.
 */
#include "graphsmith/numeric.h"

#include <math.h>
#include <string.h>
#include <strings.h>

struct dtype_info {
	const char *name;
	int bits;
	bool is_float;
};

/* Indexed by enum gs_dtype. */
static const struct dtype_info dtype_table[GS_DTYPE_MAX_ + 1] = {
	[GS_DTYPE_UNDEFINED] = { "undefined", 0, false },
	[GS_DTYPE_FLOAT] = { "float32", 32, true },
	[GS_DTYPE_UINT8] = { "uint8", 8, false },
	[GS_DTYPE_INT8] = { "int8", 8, false },
	[GS_DTYPE_UINT16] = { "uint16", 16, false },
	[GS_DTYPE_INT16] = { "int16", 16, false },
	[GS_DTYPE_INT32] = { "int32", 32, false },
	[GS_DTYPE_INT64] = { "int64", 64, false },
	[GS_DTYPE_STRING] = { "string", 0, false },
	[GS_DTYPE_BOOL] = { "bool", 8, false },
	[GS_DTYPE_FLOAT16] = { "float16", 16, true },
	[GS_DTYPE_DOUBLE] = { "float64", 64, true },
	[GS_DTYPE_UINT32] = { "uint32", 32, false },
	[GS_DTYPE_UINT64] = { "uint64", 64, false },
	[GS_DTYPE_COMPLEX64] = { "complex64", 64, false },
	[GS_DTYPE_COMPLEX128] = { "complex128", 128, false },
	[GS_DTYPE_BFLOAT16] = { "bfloat16", 16, true },
	[GS_DTYPE_FLOAT8E4M3FN] = { "float8e4m3fn", 8, true },
	[GS_DTYPE_FLOAT8E4M3FNUZ] = { "float8e4m3fnuz", 8, true },
	[GS_DTYPE_FLOAT8E5M2] = { "float8e5m2", 8, true },
	[GS_DTYPE_FLOAT8E5M2FNUZ] = { "float8e5m2fnuz", 8, true },
	[GS_DTYPE_UINT4] = { "uint4", 4, false },
	[GS_DTYPE_INT4] = { "int4", 4, false },
	[GS_DTYPE_FLOAT4E2M1] = { "float4e2m1", 4, true },
	[GS_DTYPE_FLOAT8E8M0] = { "float8e8m0", 8, true },
	[GS_DTYPE_UINT2] = { "uint2", 2, false },
	[GS_DTYPE_INT2] = { "int2", 2, false },
};

static const struct {
	const char *alias;
	int dtype;
} dtype_aliases[] = {
	{ "float", GS_DTYPE_FLOAT },
	{ "fp32", GS_DTYPE_FLOAT },
	{ "f32", GS_DTYPE_FLOAT },
	{ "double", GS_DTYPE_DOUBLE },
	{ "fp64", GS_DTYPE_DOUBLE },
	{ "f64", GS_DTYPE_DOUBLE },
	{ "half", GS_DTYPE_FLOAT16 },
	{ "fp16", GS_DTYPE_FLOAT16 },
	{ "f16", GS_DTYPE_FLOAT16 },
	{ "bf16", GS_DTYPE_BFLOAT16 },
};

const char *gs_dtype_name(int dtype)
{
	if (dtype < 0 || dtype > GS_DTYPE_MAX_)
		return "undefined";
	return dtype_table[dtype].name;
}

int gs_dtype_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return GS_DTYPE_UNDEFINED;
	for (i = 0; i <= GS_DTYPE_MAX_; i++) {
		if (strcasecmp(name, dtype_table[i].name) == 0)
			return (int)i;
	}
	for (i = 0; i < sizeof dtype_aliases / sizeof dtype_aliases[0]; i++) {
		if (strcasecmp(name, dtype_aliases[i].alias) == 0)
			return dtype_aliases[i].dtype;
	}
	return GS_DTYPE_UNDEFINED;
}

int gs_dtype_bits(int dtype)
{
	if (dtype < 0 || dtype > GS_DTYPE_MAX_)
		return 0;
	return dtype_table[dtype].bits;
}

size_t gs_dtype_storage_bytes(int dtype, size_t count)
{
	int bits = gs_dtype_bits(dtype);

	if (bits == 4)
		return count / 2 + (count & 1);
	if (bits == 2)
		return count / 4 + (count % 4 != 0);
	return count * (size_t)(bits / 8);
}

bool gs_dtype_is_float(int dtype)
{
	if (dtype < 0 || dtype > GS_DTYPE_MAX_)
		return false;
	return dtype_table[dtype].is_float;
}

static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u;
}

static float bits_float(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

float gs_half_to_float(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16;
	uint32_t exp = (h >> 10) & 0x1f;
	uint32_t mant = h & 0x3ff;

	if (exp == 0x1f)	/* inf, or NaN with its payload kept */
		return bits_float(sign | 0x7f800000 | (mant << 13));
	if (exp == 0) {
		/* Zero or subnormal: mant * 2^-24 is exact in float. */
		float v = ldexpf((float)mant, -24);
		return sign ? -v : v;
	}
	return bits_float(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t gs_float_to_half(float f)
{
	uint32_t x = float_bits(f);
	uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
	int exp = (int)((x >> 23) & 0xff);
	uint32_t mant = x & 0x7fffff;
	int e;
	uint32_t r, rem, halfway;

	if (exp == 0xff) {
		if (mant == 0)
			return sign | 0x7c00;
		/* Quiet bit set so a payload in the low bits can't vanish. */
		return (uint16_t)(sign | 0x7e00 | (mant >> 13));
	}
	e = exp - 127 + 15;
	if (e >= 31)
		return sign | 0x7c00;
	if (e <= 0) {
		/* Result is subnormal (or rounds up to the smallest normal). */
		int shift = 14 - e;
		uint32_t m24 = mant | (exp ? 0x800000 : 0);

		if (shift >= 25)	/* below half the smallest subnormal */
			return sign;
		r = m24 >> shift;
		rem = m24 & ((1u << shift) - 1);
		halfway = 1u << (shift - 1);
		if (rem > halfway || (rem == halfway && (r & 1)))
			r++;
		return (uint16_t)(sign | r);
	}
	r = ((uint32_t)e << 10) | (mant >> 13);
	rem = mant & 0x1fff;
	/* A carry out of the mantissa correctly bumps the exponent (to inf). */
	if (rem > 0x1000 || (rem == 0x1000 && (r & 1)))
		r++;
	return (uint16_t)(sign | r);
}

float gs_bf16_to_float(uint16_t b)
{
	return bits_float((uint32_t)b << 16);
}

uint16_t gs_float_to_bf16(float f)
{
	uint32_t x = float_bits(f);

	if ((x & 0x7fffffff) > 0x7f800000)	/* NaN: keep sign, force quiet */
		return (uint16_t)((x >> 16) | 0x0040);
	x += 0x7fff + ((x >> 16) & 1);
	return (uint16_t)(x >> 16);
}

/* Finite minifloat: exp field 0 means subnormal. */
static float minifloat(unsigned sign, unsigned exp, unsigned mant,
		       int mbits, int bias)
{
	float v;

	if (exp == 0)
		v = ldexpf((float)mant, 1 - bias - mbits);
	else
		v = ldexpf((float)(mant | (1u << mbits)), (int)exp - bias - mbits);
	return sign ? -v : v;
}

float gs_e4m3fn_to_float(uint8_t v)
{
	if ((v & 0x7f) == 0x7f)
		return NAN;
	return minifloat(v >> 7, (v >> 3) & 0xf, v & 0x7, 3, 7);
}

float gs_e4m3fnuz_to_float(uint8_t v)
{
	if (v == 0x80)
		return NAN;
	return minifloat(v >> 7, (v >> 3) & 0xf, v & 0x7, 3, 8);
}

float gs_e5m2_to_float(uint8_t v)
{
	/* e5m2 is the top byte of an IEEE half. */
	return gs_half_to_float((uint16_t)(v << 8));
}

float gs_e5m2fnuz_to_float(uint8_t v)
{
	if (v == 0x80)
		return NAN;
	return minifloat(v >> 7, (v >> 2) & 0x1f, v & 0x3, 2, 16);
}

float gs_e8m0_to_float(uint8_t v)
{
	if (v == 0xff)
		return NAN;
	return ldexpf(1.0f, (int)v - 127);
}

float gs_e2m1_to_float(uint8_t v)
{
	return minifloat((v >> 3) & 1, (v >> 1) & 0x3, v & 0x1, 1, 1);
}

/* ---- encoders ---- */

static float f8_decode(int dtype, uint8_t c)
{
	switch (dtype) {
	case GS_DTYPE_FLOAT8E4M3FN: return gs_e4m3fn_to_float(c);
	case GS_DTYPE_FLOAT8E4M3FNUZ: return gs_e4m3fnuz_to_float(c);
	case GS_DTYPE_FLOAT8E5M2: return gs_e5m2_to_float(c);
	default: return gs_e5m2fnuz_to_float(c);
	}
}

/*
 * The positive codes 0..max increase in value, so a binary search finds
 * the two neighbours of |v|.  Past the largest value by at least half the
 * last step (the step above it would be twice the one below; a tie there
 * goes to the even code, which is the one above) is overflow.
 */
uint8_t gs_float_to_f8(int dtype, double v, bool saturate)
{
	bool fnuz = dtype == GS_DTYPE_FLOAT8E4M3FNUZ || dtype == GS_DTYPE_FLOAT8E5M2FNUZ;
	uint8_t maxc, nan, sign = signbit(v) ? 0x80 : 0, c;
	double a = fabs(v), maxv, half;
	int lo = 0, hi;

	switch (dtype) {
	case GS_DTYPE_FLOAT8E4M3FN: maxc = 0x7e; break;
	case GS_DTYPE_FLOAT8E5M2: maxc = 0x7b; break;
	case GS_DTYPE_FLOAT8E4M3FNUZ: case GS_DTYPE_FLOAT8E5M2FNUZ: maxc = 0x7f; break;
	case GS_DTYPE_FLOAT8E8M0: return gs_float_to_e8m0(v, saturate, GS_ROUND_UP);
	default: return 0;
	}
	nan = fnuz ? 0x80 : 0x7f;
	if (isnan(v))
		return nan;
	maxv = f8_decode(dtype, maxc);
	half = (maxv - f8_decode(dtype, (uint8_t)(maxc - 1))) / 2;
	if (isinf(v) || a > maxv + half || (a == maxv + half && (maxc & 1))) {
		if (saturate)
			return (uint8_t)(maxc | sign);
		if (dtype == GS_DTYPE_FLOAT8E5M2)
			return (uint8_t)(0x7c | sign);
		return nan;
	}
	if (a >= maxv) {
		c = maxc;
	} else {
		double dl, dh;

		hi = maxc;
		while (hi - lo > 1) {
			int mid = (lo + hi) / 2;

			if (f8_decode(dtype, (uint8_t)mid) <= a)
				lo = mid;
			else
				hi = mid;
		}
		/* a lies in [value(lo), value(hi)) */
		dl = a - f8_decode(dtype, (uint8_t)lo);
		dh = f8_decode(dtype, (uint8_t)hi) - a;
		c = (uint8_t)(dl < dh ? lo : dh < dl ? hi : (lo & 1) ? hi : lo);
	}
	if (fnuz && c == 0)
		return 0;	/* no negative zero */
	return (uint8_t)(c | sign);
}

int gs_round_mode_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "up") == 0)
		return GS_ROUND_UP;
	if (strcmp(name, "down") == 0)
		return GS_ROUND_DOWN;
	if (strcmp(name, "nearest") == 0)
		return GS_ROUND_NEAREST;
	return -1;
}

uint8_t gs_float_to_e8m0(double v, bool saturate, int round_mode)
{
	uint32_t x = float_bits((float)v);
	uint32_t exp = (x >> 23) & 0xff, frac = x & 0x7fffff;
	bool up = false;

	if (exp == 0xff)	/* inf and NaN alike */
		return 0xff;
	switch (round_mode) {
	case GS_ROUND_NEAREST:
		/* the guard bit (mantissa >= .5) rounds up; for exponent field
		 * 0 an exact half does not, as in onnx's reference */
		up = (frac & 0x400000) && ((frac & 0x3fffff) || exp > 0);
		break;
	case GS_ROUND_DOWN:
		break;
	default:
		up = frac != 0;
		break;
	}
	if (up && saturate && exp == 0xfe)
		up = false;
	return (uint8_t)(exp + up);
}

uint8_t gs_float_to_e2m1(double v)
{
	static const double grid[8] = { 0, 0.5, 1, 1.5, 2, 3, 4, 6 };
	uint8_t sign = signbit(v) ? 8 : 0, best = 0;
	double a = fabs(v);
	int k;

	if (isnan(v))
		return 0;
	if (a >= 6)
		return (uint8_t)(sign | 7);
	for (k = 1; k < 8; k++) {
		double d = fabs(a - grid[k]), db = fabs(a - grid[best]);

		if (d < db || (d == db && !(k & 1)))
			best = (uint8_t)k;
	}
	return (uint8_t)(sign | best);
}

/* ---- packed access ---- */

static uint8_t nibble_get(const void *data, size_t index)
{
	uint8_t byte = ((const uint8_t *)data)[index / 2];

	return (index & 1) ? (uint8_t)(byte >> 4) : (uint8_t)(byte & 0x0f);
}

int8_t gs_int4_get(const void *data, size_t index)
{
	return gs_int4_extend(nibble_get(data, index));
}

uint8_t gs_uint4_get(const void *data, size_t index)
{
	return nibble_get(data, index);
}

static uint8_t crumb_get(const void *data, size_t index)
{
	uint8_t byte = ((const uint8_t *)data)[index / 4];

	return (uint8_t)((byte >> (2 * (index % 4))) & 0x03);
}

int8_t gs_int2_get(const void *data, size_t index)
{
	return gs_int2_extend(crumb_get(data, index));
}

uint8_t gs_uint2_get(const void *data, size_t index)
{
	return crumb_get(data, index);
}

static uint16_t load16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t load64(const uint8_t *p)
{
	return (uint64_t)load32(p) | ((uint64_t)load32(p + 4) << 32);
}

int gs_decode_to_double(int dtype, const void *data, size_t offset_elems,
			size_t count, double *out)
{
	const uint8_t *p = data;
	size_t i;

	switch (dtype) {
	case GS_DTYPE_FLOAT:
		p += offset_elems * 4;
		for (i = 0; i < count; i++)
			out[i] = bits_float(load32(p + i * 4));
		return 0;
	case GS_DTYPE_DOUBLE:
		p += offset_elems * 8;
		for (i = 0; i < count; i++) {
			uint64_t u = load64(p + i * 8);

			memcpy(&out[i], &u, sizeof u);
		}
		return 0;
	case GS_DTYPE_FLOAT16:
		p += offset_elems * 2;
		for (i = 0; i < count; i++)
			out[i] = gs_half_to_float(load16(p + i * 2));
		return 0;
	case GS_DTYPE_BFLOAT16:
		p += offset_elems * 2;
		for (i = 0; i < count; i++)
			out[i] = gs_bf16_to_float(load16(p + i * 2));
		return 0;
	case GS_DTYPE_UINT8:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = p[i];
		return 0;
	case GS_DTYPE_INT8:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = (int8_t)p[i];
		return 0;
	case GS_DTYPE_BOOL:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = p[i] != 0;
		return 0;
	case GS_DTYPE_UINT16:
		p += offset_elems * 2;
		for (i = 0; i < count; i++)
			out[i] = load16(p + i * 2);
		return 0;
	case GS_DTYPE_INT16:
		p += offset_elems * 2;
		for (i = 0; i < count; i++)
			out[i] = (int16_t)load16(p + i * 2);
		return 0;
	case GS_DTYPE_UINT32:
		p += offset_elems * 4;
		for (i = 0; i < count; i++)
			out[i] = load32(p + i * 4);
		return 0;
	case GS_DTYPE_INT32:
		p += offset_elems * 4;
		for (i = 0; i < count; i++)
			out[i] = (int32_t)load32(p + i * 4);
		return 0;
	case GS_DTYPE_UINT64:
		p += offset_elems * 8;
		for (i = 0; i < count; i++)
			out[i] = (double)load64(p + i * 8);
		return 0;
	case GS_DTYPE_INT64:
		p += offset_elems * 8;
		for (i = 0; i < count; i++)
			out[i] = (double)(int64_t)load64(p + i * 8);
		return 0;
	case GS_DTYPE_FLOAT8E4M3FN:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = gs_e4m3fn_to_float(p[i]);
		return 0;
	case GS_DTYPE_FLOAT8E4M3FNUZ:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = gs_e4m3fnuz_to_float(p[i]);
		return 0;
	case GS_DTYPE_FLOAT8E5M2:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = gs_e5m2_to_float(p[i]);
		return 0;
	case GS_DTYPE_FLOAT8E5M2FNUZ:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = gs_e5m2fnuz_to_float(p[i]);
		return 0;
	case GS_DTYPE_FLOAT8E8M0:
		p += offset_elems;
		for (i = 0; i < count; i++)
			out[i] = gs_e8m0_to_float(p[i]);
		return 0;
	case GS_DTYPE_UINT4:
		for (i = 0; i < count; i++)
			out[i] = nibble_get(p, offset_elems + i);
		return 0;
	case GS_DTYPE_INT4:
		for (i = 0; i < count; i++)
			out[i] = gs_int4_get(p, offset_elems + i);
		return 0;
	case GS_DTYPE_FLOAT4E2M1:
		for (i = 0; i < count; i++)
			out[i] = gs_e2m1_to_float(nibble_get(p, offset_elems + i));
		return 0;
	case GS_DTYPE_UINT2:
		for (i = 0; i < count; i++)
			out[i] = crumb_get(p, offset_elems + i);
		return 0;
	case GS_DTYPE_INT2:
		for (i = 0; i < count; i++)
			out[i] = gs_int2_get(p, offset_elems + i);
		return 0;
	default:
		return -1;
	}
}
