/*
 * test_numeric.c - element conversions and dtype table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "graphsmith/numeric.h"

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u;
}

static float bitsf(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

static void test_dtype_table(void **state)
{
	int i;

	(void)state;
	assert_string_equal(gs_dtype_name(GS_DTYPE_FLOAT), "float32");
	assert_string_equal(gs_dtype_name(GS_DTYPE_DOUBLE), "float64");
	assert_string_equal(gs_dtype_name(GS_DTYPE_FLOAT16), "float16");
	assert_string_equal(gs_dtype_name(GS_DTYPE_FLOAT4E2M1), "float4e2m1");
	assert_string_equal(gs_dtype_name(99), "undefined");
	assert_string_equal(gs_dtype_name(-1), "undefined");
	for (i = 0; i <= 23; i++)
		assert_int_equal(gs_dtype_from_name(gs_dtype_name(i)), i);
	assert_int_equal(gs_dtype_from_name("bogus"), GS_DTYPE_UNDEFINED);
	assert_int_equal(gs_dtype_from_name("FP16"), GS_DTYPE_FLOAT16);
	assert_int_equal(gs_dtype_bits(GS_DTYPE_FLOAT), 32);
	assert_int_equal(gs_dtype_bits(GS_DTYPE_BOOL), 8);
	assert_int_equal(gs_dtype_bits(GS_DTYPE_INT4), 4);
	assert_int_equal(gs_dtype_bits(GS_DTYPE_COMPLEX128), 128);
	assert_int_equal(gs_dtype_bits(GS_DTYPE_STRING), 0);
	assert_int_equal(gs_dtype_bits(GS_DTYPE_UNDEFINED), 0);
	assert_int_equal(gs_dtype_storage_bytes(GS_DTYPE_UINT4, 5), 3);
	assert_int_equal(gs_dtype_storage_bytes(GS_DTYPE_INT64, 3), 24);
	assert_true(gs_dtype_is_float(GS_DTYPE_BFLOAT16));
	assert_true(gs_dtype_is_float(GS_DTYPE_FLOAT8E5M2));
	assert_false(gs_dtype_is_float(GS_DTYPE_INT8));
	assert_false(gs_dtype_is_float(GS_DTYPE_COMPLEX64));
}

static void test_half_roundtrip_all(void **state)
{
	uint32_t h;

	(void)state;
	for (h = 0; h < 65536; h++) {
		float f = gs_half_to_float((uint16_t)h);
		bool is_nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);

		if (is_nan) {
			assert_true(isnan(f));
			assert_true(isnan(gs_half_to_float(gs_float_to_half(f))));
			/* sign survives */
			assert_int_equal(gs_float_to_half(f) & 0x8000, h & 0x8000);
		} else {
			assert_int_equal(gs_float_to_half(f), h);
		}
	}
}

/* Every midpoint between neighbours must round to the even one. */
static void test_half_ties_exhaustive(void **state)
{
	uint32_t h;

	(void)state;
	for (h = 0; h < 0x7c00; h++) {
		float lo = gs_half_to_float((uint16_t)h);
		float hi = h + 1 < 0x7c00 ? gs_half_to_float((uint16_t)(h + 1))
					  : 65536.0f;
		float mid = lo + (hi - lo) / 2;	/* exact in float */
		uint16_t even = (h & 1) ? (uint16_t)(h + 1) : (uint16_t)h;

		assert_int_equal(gs_float_to_half(mid), even);
		assert_int_equal(gs_float_to_half(-mid), even | 0x8000);
		assert_int_equal(gs_float_to_half(nextafterf(mid, 0)), h);
		assert_int_equal(gs_float_to_half(nextafterf(mid, INFINITY)),
				 h + 1);
	}
}

static void test_half_specials(void **state)
{
	(void)state;
	/* ties to even around 1.0 */
	assert_int_equal(gs_float_to_half(1.0f + 0x1p-11f), 0x3c00);
	assert_int_equal(gs_float_to_half(1.0f + 3 * 0x1p-11f), 0x3c02);
	/* subnormals */
	assert_int_equal(gs_float_to_half(0x1p-24f), 0x0001);
	assert_int_equal(gs_float_to_half(0x1p-25f), 0x0000);
	assert_int_equal(gs_float_to_half(nextafterf(0x1p-25f, 1)), 0x0001);
	assert_int_equal(gs_float_to_half(3 * 0x1p-25f), 0x0002);
	assert_int_equal(gs_float_to_half(0x1p-30f), 0x0000);
	assert_int_equal(gs_float_to_half(-0x1p-30f), 0x8000);
	assert_int_equal(gs_float_to_half(bitsf(1)), 0x0000);
	assert_true(gs_half_to_float(0x0001) == 0x1p-24f);
	assert_true(gs_half_to_float(0x03ff) == 1023 * 0x1p-24f);
	/* largest subnormal + half ulp rounds up into the first normal */
	assert_int_equal(gs_float_to_half(0x1p-14f - 0x1p-25f), 0x0400);
	/* overflow */
	assert_int_equal(gs_float_to_half(65504.0f), 0x7bff);
	assert_int_equal(gs_float_to_half(65519.0f), 0x7bff);
	assert_int_equal(gs_float_to_half(65520.0f), 0x7c00);
	assert_int_equal(gs_float_to_half(1e10f), 0x7c00);
	assert_int_equal(gs_float_to_half(-1e10f), 0xfc00);
	assert_int_equal(gs_float_to_half(INFINITY), 0x7c00);
	assert_int_equal(gs_float_to_half(-INFINITY), 0xfc00);
	assert_true(isinf(gs_half_to_float(0x7c00)));
	/* NaN with payload only in bits dropped by the narrowing */
	assert_int_equal(gs_float_to_half(bitsf(0x7f800001)) & 0x7e00, 0x7e00);
	assert_int_equal(gs_float_to_half(-0.0f), 0x8000);
	assert_int_equal(fbits(gs_half_to_float(0x8000)), 0x80000000u);
	assert_true(gs_half_to_float(0x3555) == 0.333251953125f);
}

static void test_bf16(void **state)
{
	uint32_t b;

	(void)state;
	for (b = 0; b < 65536; b++) {
		float f = gs_bf16_to_float((uint16_t)b);

		assert_int_equal(fbits(f), b << 16);
		if (isnan(f))
			assert_true(isnan(gs_bf16_to_float(gs_float_to_bf16(f))));
		else
			assert_int_equal(gs_float_to_bf16(f), b);
	}
	assert_int_equal(gs_float_to_bf16(1.0f), 0x3f80);
	assert_int_equal(gs_float_to_bf16(1.0f + 0x1p-8f), 0x3f80);
	assert_int_equal(gs_float_to_bf16(1.0f + 3 * 0x1p-8f), 0x3f82);
	assert_int_equal(gs_float_to_bf16(nextafterf(1.0f + 0x1p-8f, 2)),
			 0x3f81);
	assert_int_equal(gs_float_to_bf16(-1.0f - 0x1p-8f), 0xbf80);
	/* low-payload NaN must not become inf */
	assert_int_equal(gs_float_to_bf16(bitsf(0x7f800001)), 0x7fc0);
	assert_int_equal(gs_float_to_bf16(bitsf(0xff800001)), 0xffc0);
	/* FLT_MAX rounds up to inf under round-to-nearest-even */
	assert_int_equal(gs_float_to_bf16(bitsf(0x7f7fffff)), 0x7f80);
	assert_int_equal(gs_float_to_bf16(INFINITY), 0x7f80);
}

static void test_float8(void **state)
{
	(void)state;
	/* e4m3fn */
	assert_true(gs_e4m3fn_to_float(0x7e) == 448.0f);
	assert_true(gs_e4m3fn_to_float(0xfe) == -448.0f);
	assert_true(isnan(gs_e4m3fn_to_float(0x7f)));
	assert_true(isnan(gs_e4m3fn_to_float(0xff)));
	assert_true(gs_e4m3fn_to_float(0x38) == 1.0f);
	assert_true(gs_e4m3fn_to_float(0x01) == 0x1p-9f);
	assert_true(gs_e4m3fn_to_float(0x07) == 7 * 0x1p-9f);
	assert_true(gs_e4m3fn_to_float(0x08) == 0x1p-6f);
	assert_true(gs_e4m3fn_to_float(0x78) == 256.0f);
	assert_int_equal(fbits(gs_e4m3fn_to_float(0x80)), 0x80000000u);
	/* e4m3fnuz */
	assert_true(isnan(gs_e4m3fnuz_to_float(0x80)));
	assert_true(gs_e4m3fnuz_to_float(0x40) == 1.0f);
	assert_true(gs_e4m3fnuz_to_float(0x7f) == 240.0f);
	assert_true(gs_e4m3fnuz_to_float(0xff) == -240.0f);
	assert_true(gs_e4m3fnuz_to_float(0x01) == 0x1p-10f);
	/* e5m2 */
	assert_true(gs_e5m2_to_float(0x3c) == 1.0f);
	assert_true(gs_e5m2_to_float(0x7b) == 57344.0f);
	assert_true(isinf(gs_e5m2_to_float(0x7c)));
	assert_true(gs_e5m2_to_float(0xfc) == -INFINITY);
	assert_true(isnan(gs_e5m2_to_float(0x7d)));
	assert_true(gs_e5m2_to_float(0x01) == 0x1p-16f);
	/* e5m2fnuz */
	assert_true(isnan(gs_e5m2fnuz_to_float(0x80)));
	assert_true(gs_e5m2fnuz_to_float(0x40) == 1.0f);
	assert_true(gs_e5m2fnuz_to_float(0x7f) == 57344.0f);
	assert_true(gs_e5m2fnuz_to_float(0x01) == 0x1p-17f);
	/* e8m0 */
	assert_true(gs_e8m0_to_float(127) == 1.0f);
	assert_true(gs_e8m0_to_float(0) == 0x1p-127f);
	assert_true(isnan(gs_e8m0_to_float(0xff)));
}

static void test_float4(void **state)
{
	static const float want[8] = { 0, 0.5f, 1, 1.5f, 2, 3, 4, 6 };
	int i;

	(void)state;
	for (i = 0; i < 8; i++) {
		assert_true(gs_e2m1_to_float((uint8_t)i) == want[i]);
		assert_true(gs_e2m1_to_float((uint8_t)(i | 8)) == -want[i]);
	}
	assert_int_equal(fbits(gs_e2m1_to_float(0x8)), 0x80000000u);
}

static void test_int4(void **state)
{
	static const uint8_t packed[] = { 0x8f, 0x71, 0x0e };
	int i;

	(void)state;
	assert_int_equal(gs_int4_get(packed, 0), -1);
	assert_int_equal(gs_int4_get(packed, 1), -8);
	assert_int_equal(gs_int4_get(packed, 2), 1);
	assert_int_equal(gs_int4_get(packed, 3), 7);
	assert_int_equal(gs_int4_get(packed, 4), -2);
	assert_int_equal(gs_uint4_get(packed, 0), 15);
	assert_int_equal(gs_uint4_get(packed, 1), 8);
	assert_int_equal(gs_uint4_get(packed, 4), 14);
	for (i = 0; i < 16; i++)
		assert_int_equal(gs_int4_extend((uint8_t)i), i < 8 ? i : i - 16);
}

static void test_decode(void **state)
{
	static const uint8_t f32[] = { 0x00, 0x00, 0x80, 0x3f,	/* 1 */
				       0x00, 0x00, 0x00, 0xc0 };	/* -2 */
	static const uint8_t i64[] = { 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff,	/* -1 */
				       0x00, 0x00, 0x00, 0x00,
				       0x01, 0x00, 0x00, 0x00 };	/* 2^32 */
	static const uint8_t f16[] = { 0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b };
	static const uint8_t i4[] = { 0x8f, 0x71 };
	static const uint8_t fp4[] = { 0x9f };	/* -6, -0.5 */
	static const uint8_t i16[] = { 0x00, 0x80, 0xff, 0x7f };
	static const uint8_t u32[] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t b[] = { 0, 2, 1 };
	/* odd offset into the buffer: unaligned loads */
	uint8_t shifted[9];
	double out[4];

	(void)state;
	assert_int_equal(gs_decode_to_double(GS_DTYPE_FLOAT, f32, 0, 2, out), 0);
	assert_true(out[0] == 1.0 && out[1] == -2.0);
	memcpy(shifted + 1, f32, 8);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_FLOAT, shifted + 1, 1, 1,
					     out), 0);
	assert_true(out[0] == -2.0);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_INT64, i64, 0, 2, out), 0);
	assert_true(out[0] == -1.0 && out[1] == 4294967296.0);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_FLOAT16, f16, 1, 2, out),
			 0);
	assert_true(out[0] == -2.0 && out[1] == 65504.0);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_INT4, i4, 1, 3, out), 0);
	assert_true(out[0] == -8 && out[1] == 1 && out[2] == 7);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_UINT4, i4, 3, 1, out), 0);
	assert_true(out[0] == 7);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_FLOAT4E2M1, fp4, 0, 2,
					     out), 0);
	assert_true(out[0] == -6 && out[1] == -0.5);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_INT16, i16, 0, 2, out), 0);
	assert_true(out[0] == -32768 && out[1] == 32767);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_UINT32, u32, 0, 1, out),
			 0);
	assert_true(out[0] == 4294967295.0);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_BOOL, b, 0, 3, out), 0);
	assert_true(out[0] == 0 && out[1] == 1 && out[2] == 1);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_STRING, b, 0, 1, out), -1);
	assert_int_equal(gs_decode_to_double(GS_DTYPE_COMPLEX64, b, 0, 1, out),
			 -1);
	assert_int_equal(gs_decode_to_double(77, b, 0, 1, out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dtype_table),
		cmocka_unit_test(test_half_roundtrip_all),
		cmocka_unit_test(test_half_ties_exhaustive),
		cmocka_unit_test(test_half_specials),
		cmocka_unit_test(test_bf16),
		cmocka_unit_test(test_float8),
		cmocka_unit_test(test_float4),
		cmocka_unit_test(test_int4),
		cmocka_unit_test(test_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
