/*
 * tensorio.h - evaluator tensors in files: a serialized ONNX TensorProto
 * (the input_0.pb / output_0.pb of ONNX test data), numpy's .npy and .npz.
 *
 * Ownership: every tensor returned is a new reference (gs_et_unref drops
 * it); tensors passed in are borrowed.  A struct gs_npz owns its names and
 * holds one reference to each tensor until gs_npz_release.
 *
 * Readers validate everything from the file (dtype, rank against
 * GS_EVAL_MAX_RANK, dims, byte counts) and fail with one line
 * "cannot read 'PATH': what is wrong"; writers replace the file atomically
 * (temporary file, fsync, rename) and fail with "cannot write 'PATH': ...".
 */
#ifndef GRAPHSMITH_TENSORIO_H
#define GRAPHSMITH_TENSORIO_H

#include "graphsmith/error.h"
#include "graphsmith/eval.h"

/* ---- ONNX TensorProto files ---- */
/* Reads raw_data or the typed fields (float_data, int32_data for the
 * narrow types and fp16/bf16 bits, int64_data, double_data, uint64_data);
 * 4-bit types come back unpacked, one element per byte.  Strings,
 * complex numbers, segments and external data are refused. */
struct gs_etensor *gs_tensorfile_read(const char *path, struct gs_error *err);
/* Same; *name receives a malloc'd copy of the TensorProto's name ("" when
 * it has none).  name may be NULL. */
struct gs_etensor *gs_tensorfile_read_named(const char *path, char **name,
					    struct gs_error *err);
/* Writes t as a TensorProto with raw_data (4-bit types packed again). */
int gs_tensorfile_write(const char *path, const char *name, const struct gs_etensor *t,
			struct gs_error *err);

/* ---- numpy .npy (format versions 1.0, 2.0, 3.0) ---- */
/* Little- or big-endian bool, int8..int64, uint8..uint64, float16/32/64;
 * C order only (fortran_order True is refused). */
int gs_npy_read(const char *path, struct gs_etensor **out, struct gs_error *err);
/* Writes version 1.0 (2.0 when the header needs it), little-endian.
 * Dtypes numpy has no name for (bfloat16, float8, 4-bit) are refused. */
int gs_npy_write(const char *path, const struct gs_etensor *t, struct gs_error *err);

/* ---- numpy .npz (zip of .npy, stored or deflated) ---- */
struct gs_npz {
	int n;
	char **names;			/* member names without ".npy" */
	struct gs_etensor **ts;
};

/* Reads every member; all or nothing. */
int gs_npz_read(const char *path, struct gs_npz *out, struct gs_error *err);
/* The tensor named name, borrowed, or NULL. */
struct gs_etensor *gs_npz_find(const struct gs_npz *z, const char *name);
void gs_npz_release(struct gs_npz *z);
/* Writes names[i] + ".npy" holding ts[i]: stored, as numpy.savez does. */
int gs_npz_write(const char *path, int n, const char *const *names,
		 struct gs_etensor *const *ts, struct gs_error *err);
/* Same, deflated, as numpy.savez_compressed does. */
int gs_npz_write_compressed(const char *path, int n, const char *const *names,
			    struct gs_etensor *const *ts, struct gs_error *err);

#endif
