/*
 * params.h - reading and writing a parameter's values as float32 whatever
 * its stored dtype, and copying a tensor from one model into another.
 * The shared rewrite helpers of passes that compute on weights (merge,
 * transplant, reconstruct, distill): one place decodes fp16, bf16,
 * double and the integer types, one place encodes back.  (Copying a tensor
 * between models is gs_tensor_clone in ir.h.)
 *
 * Ownership: returned arrays are malloc'd and the caller's; installed
 * data goes through gs_tensor_replace (journaled, undoable).
 */
#ifndef GRAPHSMITH_PARAMS_H
#define GRAPHSMITH_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/ir.h"

/* The numel values of t as float32 (any numeric dtype; 4- and 2-bit types
 * unpacked; float64 beyond float32's range refused).  NULL with err set
 * for strings, missing data or a tensor holding too few bytes.  An empty
 * tensor gives a non-NULL array of one unused element. */
float *gs_param_floats(const struct gs_model *m, const struct gs_tensor *t,
		       struct gs_error *err);

/* True when t's dtype is one gs_param_set_floats can write back: float32,
 * float64, float16, bfloat16 (the dtypes whose values a merge may change). */
bool gs_param_is_trainable_dtype(int dtype);

/* Replaces t's values with v[0..numel), encoded in t's dtype (rounded to
 * nearest even for float16/bfloat16), through the journaled edit.  Returns
 * 1 when the bytes changed, 0 when identical (nothing installed), -1 with
 * err set when the dtype is not a trainable one. */
int gs_param_set_floats(struct gs_model *m, struct gs_tensor *t, const float *v,
			struct gs_error *err);

#endif
