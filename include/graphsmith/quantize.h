/*
 * quantize.h - weight quantization passes.
 *
 *   int8 / uint8   weight-only QDQ: the float weight of Conv, ConvTranspose,
 *                  Gemm and MatMul becomes an integer initializer with scale
 *                  and zero point feeding DequantizeLinear (per channel on
 *                  the output-channel axis, or per tensor).
 *   int4           block-wise DequantizeLinear (opset 21) for MatMul/Gemm
 *                  weights, blocks along the reduction (K) axis.
 *   int8 static    (also uint8 static) QDQ on activations and weights the
 *                  way onnxruntime's quantize_static(QuantFormat.QDQ)
 *                  places it, activation ranges calibrated on data
 *                  (graphsmith/calib.h): activations uint8 asymmetric,
 *                  weights int8 symmetric (uint8 static: uint8
 *                  asymmetric), per tensor unless per-channel, biases
 *                  int32 with scale s_x * s_w.
 *   fp16           weights stored as float16 with a Cast back to float; with
 *                  all, the whole graph computes in float16 and only the
 *                  graph inputs and outputs stay float32.
 *
 * Every change goes through the journaled edits of ir.h, so the history
 * can undo it.  On any refusal (bad options, an opset that cannot be
 * raised safely, a block size that does not divide) nothing is changed.
 * Report lines (one per weight, then a summary) go to the callback; the
 * pass itself never prints.  Names in them are escaped.
 */
#ifndef GRAPHSMITH_QUANTIZE_H
#define GRAPHSMITH_QUANTIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphsmith/calib.h"
#include "graphsmith/error.h"
#include "graphsmith/ir.h"

enum gs_quant_mode {
	GS_QUANT_INT8,
	GS_QUANT_UINT8,
	GS_QUANT_INT4,
	GS_QUANT_FP16,
};

struct gs_quant_opts {
	enum gs_quant_mode mode;
	bool per_channel;	/* int8/uint8; default true */
	bool symmetric;		/* default: true for int8/int4, false for uint8 */
	bool all;		/* fp16: whole-graph conversion */
	int64_t block;		/* int4 block size; default 32 */
	/* static: activations too, ranges calibrated on data (quantize-static.c) */
	bool is_static;
	const char *data;	/* .npz keyed by input name */
	int64_t samples;	/* use the first N samples; 0: all */
	struct gs_calib_opts calib;
};

typedef void (*gs_quant_report_fn)(void *ctx, const char *line);

/* Defaults for a mode. */
void gs_quant_opts_init(struct gs_quant_opts *o, enum gs_quant_mode mode);
/* The words after "quantize" are parsed by its pass, gs_pass_quantize
 * (graphsmith/pass.h), which builds these options. */
/* Canonical spelling of the options, e.g. "int8 per-channel sym". */
const char *gs_quant_describe(const struct gs_quant_opts *o, char *buf, size_t len);

/* Runs the pass over every graph of m (subgraphs included).  Returns the
 * number of weights changed, or -1 with err set and m unchanged. */
int gs_quantize(struct gs_model *m, const struct gs_quant_opts *o,
		gs_quant_report_fn report, void *ctx, struct gs_error *err);

/* ---- the arithmetic, exposed for tests ----
 * Weights are little-endian float32 at any alignment (a view into the
 * mapped file), viewed as [outer, channels, inner] (flattened row-major);
 * channel c of element i is (i / inner) % channels.  Rounding is half to
 * even and results saturate to the type's range, as in QuantizeLinear. */

/* Integer range of an integer dtype (INT8, UINT8, INT4, UINT4). */
int gs_quant_range(int dtype, int32_t *qmin, int32_t *qmax);
/* Per-channel scale and zero point.  Symmetric: zero point at the middle
 * of the range (0 for signed), scale = max|w| / qmax'.  Asymmetric: the
 * range [min(w,0), max(w,0)] mapped onto [qmin, qmax].  An all-zero
 * channel gets scale 1. */
void gs_quant_params(const void *w, size_t outer, size_t channels, size_t inner,
		     int dtype, bool symmetric, float *scale, int32_t *zero_point);
/* round_half_even(w / scale) + zero_point, saturated, stored as dtype
 * (one byte per element for 8-bit types, packed two per byte low nibble
 * first for 4-bit ones).  Accumulates sum w^2 and sum (w - dequant)^2 so
 * the caller gets the SQNR in the same pass; either may be NULL. */
void gs_quant_apply(const void *w, size_t outer, size_t channels, size_t inner,
		    int dtype, const float *scale, const int32_t *zero_point,
		    void *q, double *sum_aa, double *sum_dd);
/* Both of the above. */
void gs_quant_tensor(const void *w, size_t outer, size_t channels, size_t inner,
		     int dtype, bool symmetric, float *scale, int32_t *zero_point,
		     void *q, double *sum_aa, double *sum_dd);
/* One value, as gs_quant_apply does it. */
int32_t gs_quant_one(float w, float scale, int32_t zero_point, int32_t qmin, int32_t qmax);

/* Block-wise 4-bit quantization of a 2-D [rows, cols] weight with blocks of
 * `block` elements along `axis` (0: down the rows, 1: along a row).  scale
 * and zero_point have the weight's shape with dims[axis] / block; q and the
 * packed zero point are int4/uint4, two per byte, low nibble first. */
void gs_quant_blocks(const void *w, size_t rows, size_t cols, int axis, size_t block,
		     int dtype, bool symmetric, float *scale, uint8_t *zero_point_packed,
		     uint8_t *q, double *sum_aa, double *sum_dd);

#endif
