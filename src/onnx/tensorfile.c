/*
 * A serialized onnx.TensorProto in a file of its own (ONNX test data
 * writes input_0.pb, output_0.pb, ... this way) to and from a gs_etensor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "graphsmith/eval.h"
#include "graphsmith/tensorio.h"
#include "graphsmith/util.h"
#include "onnx/onnx.pb-c.h"

static bool host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

/* Little-endian file bytes <-> host order, in place. */
static void swap_elems(void *data, size_t n, size_t width)
{
	uint8_t *p = data, tmp;
	size_t i, j;

	if (width < 2 || !host_big_endian())
		return;
	for (i = 0; i < n; i++, p += width) {
		for (j = 0; j < width / 2; j++) {
			tmp = p[j];
			p[j] = p[width - 1 - j];
			p[width - 1 - j] = tmp;
		}
	}
}

/* The whole file in a malloc'd buffer. */
static uint8_t *slurp(const char *path, size_t *len, struct gs_error *err)
{
	FILE *f = gs_fopen_regular(path, NULL, err);
	struct stat st;
	uint8_t *buf;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st)) {
		gs_error_set(err, "%s", strerror(errno));
		fclose(f);
		return NULL;
	}
	buf = gs_xmalloc((size_t)st.st_size + 1);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	if (*len != (size_t)st.st_size || ferror(f)) {
		gs_error_set(err, "read error");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	return buf;
}

static int count_check(size_t have, int64_t want, const char *field, struct gs_error *err)
{
	if ((int64_t)have != want)
		return gs_error_set(err, "%zu values in %s, expected %lld", have, field,
				    (long long)want);
	return 0;
}

/* Element i of a packed 4- or 2-bit buffer, sign-extended for the signed
 * types, as one byte. */
static uint8_t packed_get(int dtype, const uint8_t *p, size_t i)
{
	switch (dtype) {
	case GS_DTYPE_INT4: return (uint8_t)gs_int4_get(p, i);
	case GS_DTYPE_INT2: return (uint8_t)gs_int2_get(p, i);
	case GS_DTYPE_UINT2: return gs_uint2_get(p, i);
	default: return gs_uint4_get(p, i);
	}
}

/* One unpacked value of a packed type, as it sits in int32_data. */
static uint8_t packed_one(int dtype, uint32_t v)
{
	switch (dtype) {
	case GS_DTYPE_INT4: return (uint8_t)gs_int4_extend((uint8_t)v);
	case GS_DTYPE_INT2: return (uint8_t)gs_int2_extend((uint8_t)v);
	case GS_DTYPE_UINT2: return (uint8_t)(v & 0x3);
	default: return (uint8_t)(v & 0xf);
	}
}

/* Narrow types live in int32_data, one element per value (fp16/bf16 as
 * their bits); 4- and 2-bit types may also come packed, one byte per
 * value, as onnx's helper writes them. */
static int from_int32_data(struct gs_etensor *t, const Onnx__TensorProto *tp, size_t width,
			   struct gs_error *err)
{
	uint8_t *out = t->data;
	int64_t i, n = (int64_t)tp->n_int32_data;
	int bits = gs_dtype_bits(t->dtype);

	if (bits < 8 && n != t->numel &&
	    n == (int64_t)gs_dtype_storage_bytes(t->dtype, (size_t)t->numel)) {
		uint8_t *bytes = gs_xmalloc((size_t)n + 1);

		for (i = 0; i < n; i++)
			bytes[i] = (uint8_t)tp->int32_data[i];
		for (i = 0; i < t->numel; i++)
			out[i] = packed_get(t->dtype, bytes, (size_t)i);
		free(bytes);
		return 0;
	}
	if (count_check(tp->n_int32_data, t->numel, "int32_data", err))
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t v = (uint32_t)tp->int32_data[i];

		if (t->dtype == GS_DTYPE_BOOL) {
			out[i] = v != 0;
		} else if (bits < 8) {
			out[i] = packed_one(t->dtype, v);
		} else if (width == 1) {
			out[i] = (uint8_t)v;
		} else if (width == 2) {
			uint16_t h = (uint16_t)v;

			memcpy(out + 2 * i, &h, 2);
		} else {
			memcpy(out + 4 * i, &v, 4);
		}
	}
	return 0;
}

static int from_typed(struct gs_etensor *t, const Onnx__TensorProto *tp, size_t width,
		      struct gs_error *err)
{
	int64_t i;

	switch (t->dtype) {
	case GS_DTYPE_FLOAT:
		if (count_check(tp->n_float_data, t->numel, "float_data", err))
			return -1;
		if (t->numel)
			memcpy(t->data, tp->float_data, t->nbytes);
		return 0;
	case GS_DTYPE_DOUBLE:
		if (count_check(tp->n_double_data, t->numel, "double_data", err))
			return -1;
		if (t->numel)
			memcpy(t->data, tp->double_data, t->nbytes);
		return 0;
	case GS_DTYPE_INT64:
		if (count_check(tp->n_int64_data, t->numel, "int64_data", err))
			return -1;
		if (t->numel)
			memcpy(t->data, tp->int64_data, t->nbytes);
		return 0;
	case GS_DTYPE_UINT64:
		if (count_check(tp->n_uint64_data, t->numel, "uint64_data", err))
			return -1;
		if (t->numel)
			memcpy(t->data, tp->uint64_data, t->nbytes);
		return 0;
	case GS_DTYPE_UINT32:
		if (count_check(tp->n_uint64_data, t->numel, "uint64_data", err))
			return -1;
		for (i = 0; i < t->numel; i++)
			((uint32_t *)t->data)[i] = (uint32_t)tp->uint64_data[i];
		return 0;
	default:
		return from_int32_data(t, tp, width, err);
	}
}

static int from_raw(struct gs_etensor *t, const Onnx__TensorProto *tp, size_t width,
		    struct gs_error *err)
{
	int64_t want = gs_dtype_nbytes(t->dtype, t->numel), i;
	const uint8_t *raw = tp->raw_data.data;
	uint8_t *out = t->data;

	if (want < 0 || (int64_t)tp->raw_data.len != want)
		return gs_error_set(err, "raw_data of %zu bytes, expected %lld (%s, %lld elements)",
				    tp->raw_data.len, (long long)want, gs_dtype_name(t->dtype),
				    (long long)t->numel);
	if (gs_dtype_bits(t->dtype) < 8) {
		for (i = 0; i < t->numel; i++)
			out[i] = packed_get(t->dtype, raw, (size_t)i);
		return 0;
	}
	if (t->numel)
		memcpy(out, raw, t->nbytes);
	if (t->dtype == GS_DTYPE_BOOL) {
		for (i = 0; i < t->numel; i++)
			out[i] = out[i] != 0;
	}
	swap_elems(out, (size_t)t->numel, width);
	return 0;
}

static struct gs_etensor *from_proto(const Onnx__TensorProto *tp, struct gs_error *err)
{
	int64_t dims[GS_EVAL_MAX_RANK];
	int dtype = tp->has_data_type ? tp->data_type : 0;
	struct gs_etensor *t;
	size_t i, width;

	if (dtype <= 0 || dtype > GS_DTYPE_MAX_) {
		gs_error_set(err, "data type %d is not supported", dtype);
		return NULL;
	}
	width = gs_et_elem_size(dtype);
	if (dtype == GS_DTYPE_STRING || !width) {
		gs_error_set(err, "%s tensors are not supported", gs_dtype_name(dtype));
		return NULL;
	}
	if (tp->n_dims > GS_EVAL_MAX_RANK) {
		gs_error_set(err, "rank %zu is not supported (at most %d)", tp->n_dims,
			     GS_EVAL_MAX_RANK);
		return NULL;
	}
	for (i = 0; i < tp->n_dims; i++) {
		if (tp->dims[i] < 0) {
			gs_error_set(err, "negative dimension %lld", (long long)tp->dims[i]);
			return NULL;
		}
		dims[i] = tp->dims[i];
	}
	if (gs_dims_numel((int)tp->n_dims, dims) < 0) {
		gs_error_set(err, "dimensions whose product overflows");
		return NULL;
	}
	if (tp->segment) {
		gs_error_set(err, "segmented tensors are not supported");
		return NULL;
	}
	if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
		gs_error_set(err, "external data is not supported");
		return NULL;
	}
	t = gs_et_new(dtype, (int)tp->n_dims, dims, err);
	if (!t)
		return NULL;
	if (tp->has_raw_data ? from_raw(t, tp, width, err) : from_typed(t, tp, width, err)) {
		gs_et_unref(t);
		return NULL;
	}
	return t;
}

struct gs_etensor *gs_tensorfile_read_named(const char *path, char **name,
					    struct gs_error *err)
{
	Onnx__TensorProto *tp = NULL;
	struct gs_etensor *t = NULL;
	uint8_t *buf;
	size_t len = 0;
	char pb[512];

	if (name)
		*name = NULL;
	buf = slurp(path, &len, err);
	if (!buf)
		goto fail;
	tp = onnx__tensor_proto__unpack(NULL, len, buf);
	if (!tp) {
		gs_error_set(err, "not a serialized onnx TensorProto");
		goto fail;
	}
	t = from_proto(tp, err);
	if (!t)
		goto fail;
	if (name) {
		/* as the IR keeps names: NUL and C0 bytes escaped */
		*name = gs_xmalloc(gs_bytestr_stored_len(tp->name.data, tp->name.len) + 1);
		gs_bytestr_store(tp->name.data, tp->name.len, *name);
	}
	onnx__tensor_proto__free_unpacked(tp, NULL);
	free(buf);
	return t;
fail:
	if (tp)
		onnx__tensor_proto__free_unpacked(tp, NULL);
	free(buf);
	gs_error_prefix(err, "cannot read '%s'", gs_escape(path, pb, sizeof(pb)));
	return NULL;
}

struct gs_etensor *gs_tensorfile_read(const char *path, struct gs_error *err)
{
	return gs_tensorfile_read_named(path, NULL, err);
}

int gs_tensorfile_write(const char *path, const char *name, const struct gs_etensor *t,
			struct gs_error *err)
{
	Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
	struct gs_atomic_file af;
	int64_t dims[GS_EVAL_MAX_RANK], nbytes;
	size_t width = gs_et_elem_size(t->dtype), len;
	uint8_t *raw = NULL, *buf = NULL;
	char pb[512];
	int64_t i;
	int rc = -1;

	nbytes = gs_dtype_nbytes(t->dtype, t->numel);
	if (t->dtype == GS_DTYPE_STRING || !width || nbytes < 0)
		return gs_error_set(err, "cannot write '%s': %s tensors are not supported",
				    gs_escape(path, pb, sizeof(pb)), gs_dtype_name(t->dtype));
	for (i = 0; i < t->rank; i++)
		dims[i] = t->dims[i];
	raw = gs_xcalloc(1, (size_t)nbytes + 1);
	if (gs_dtype_bits(t->dtype) == 4) {
		const uint8_t *src = t->data;

		for (i = 0; i < t->numel; i++)
			raw[i / 2] |= (uint8_t)((src[i] & 0xf) << (4 * (i & 1)));
	} else if (gs_dtype_bits(t->dtype) == 2) {
		const uint8_t *src = t->data;

		for (i = 0; i < t->numel; i++)
			raw[i / 4] |= (uint8_t)((src[i] & 0x3) << (2 * (i % 4)));
	} else if (nbytes) {
		memcpy(raw, t->data, (size_t)nbytes);
		swap_elems(raw, (size_t)t->numel, width);
	}
	tp.n_dims = (size_t)t->rank;
	tp.dims = dims;
	tp.has_data_type = 1;
	tp.data_type = t->dtype;
	tp.has_name = 1;
	tp.name.data = gs_xmalloc(name ? strlen(name) + 1 : 1);
	tp.name.len = name ? gs_bytestr_raw(name, tp.name.data) : 0;
	tp.has_raw_data = 1;
	tp.raw_data.len = (size_t)nbytes;
	tp.raw_data.data = raw;
	len = onnx__tensor_proto__get_packed_size(&tp);
	buf = gs_xmalloc(len + 1);
	onnx__tensor_proto__pack(&tp, buf);
	if (gs_atomic_open(&af, path, err))
		goto out;
	if (fwrite(buf, 1, len, af.f) != len) {
		gs_error_set(err, "cannot write '%s': %s", gs_escape(path, pb, sizeof(pb)),
			     strerror(errno));
		gs_atomic_abort(&af);
		goto out;
	}
	rc = gs_atomic_commit(&af, err);
out:
	free(tp.name.data);
	free(raw);
	free(buf);
	return rc;
}
