/* Evaluator tensors: allocation under a memory limit, views, conversion. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graphsmith/eval.h"
#include "graphsmith/onnx.h"

/* Live bytes of every evaluator tensor, against one limit, so that an
 * intermediate too big for the machine is refused with its size instead
 * of ending in an OOM kill. */
static _Atomic size_t live_bytes, peak_bytes, mem_limit;

static size_t default_limit(void)
{
	const char *env = getenv("GS_EVAL_MEM_MB");
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	if (env && *env)
		return (size_t)strtoull(env, NULL, 10) << 20;
	if (pages <= 0 || psize <= 0)
		return (size_t)8 << 30;
	return (size_t)pages * (size_t)psize / 4 * 3;
}

void gs_eval_set_mem_limit(size_t bytes)
{
	mem_limit = bytes;
}

size_t gs_eval_mem_limit(void)
{
	if (!mem_limit)
		mem_limit = default_limit();
	return mem_limit;
}

size_t gs_eval_mem_live(void)
{
	return live_bytes;
}

size_t gs_eval_mem_peak(void)
{
	return peak_bytes;
}

size_t gs_eval_mem_reset_peak(void)
{
	size_t now = live_bytes;

	peak_bytes = now;
	return now;
}

static int charge(size_t n, struct gs_error *err)
{
	size_t limit = mem_limit, now, peak;

	if (!limit)
		mem_limit = limit = default_limit();
	now = atomic_fetch_add(&live_bytes, n) + n;
	if (now > limit || now < n) {
		atomic_fetch_sub(&live_bytes, n);
		return gs_error_set(err, "a tensor of %zu MiB would pass the evaluator's memory "
				    "limit of %zu MiB (GS_EVAL_MEM_MB)", n >> 20, limit >> 20);
	}
	peak = peak_bytes;
	while (now > peak && !atomic_compare_exchange_weak(&peak_bytes, &peak, now))
		;
	return 0;
}

/* Freed tensor buffers kept for the next tensor of the same size: runs
 * repeat their shapes, and fresh pages cost more than the kernels that
 * fill them (page faults were a tenth of a transformer's run). */
#define CACHE_SLOTS 64
#define CACHE_MIN_BYTES 4096
static struct {
	pthread_mutex_t lock;
	size_t bytes, cap;
	int n;
	struct { void *p; size_t n; } slot[CACHE_SLOTS];
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *cache_take(size_t n)
{
	void *p = NULL;
	int i;

	if (n < CACHE_MIN_BYTES)
		return NULL;
	pthread_mutex_lock(&cache.lock);
	for (i = cache.n - 1; i >= 0; i--) {
		if (cache.slot[i].n == n) {
			p = cache.slot[i].p;
			cache.bytes -= n;
			cache.slot[i] = cache.slot[--cache.n];
			break;
		}
	}
	pthread_mutex_unlock(&cache.lock);
	return p;
}

static void cache_give(void *p, size_t n)
{
	if (n >= CACHE_MIN_BYTES) {
		pthread_mutex_lock(&cache.lock);
		if (!cache.cap)
			cache.cap = mem_limit / 8 < ((size_t)256 << 20) ? mem_limit / 8 : (size_t)256 << 20;
		if (cache.n < CACHE_SLOTS && cache.bytes + n <= cache.cap) {
			cache.slot[cache.n].p = p;
			cache.slot[cache.n++].n = n;
			cache.bytes += n;
			p = NULL;
		}
		pthread_mutex_unlock(&cache.lock);
	}
	free(p);
}

void gs_eval_trim(void)
{
	int i;

	pthread_mutex_lock(&cache.lock);
	for (i = 0; i < cache.n; i++)
		free(cache.slot[i].p);
	cache.n = 0;
	cache.bytes = 0;
	pthread_mutex_unlock(&cache.lock);
}

size_t gs_et_elem_size(int dtype)
{
	switch (dtype) {
	case GS_DTYPE_BOOL: case GS_DTYPE_INT8: case GS_DTYPE_UINT8:
	case GS_DTYPE_INT4: case GS_DTYPE_UINT4: case GS_DTYPE_INT2: case GS_DTYPE_UINT2:
	case GS_DTYPE_FLOAT8E4M3FN: case GS_DTYPE_FLOAT8E4M3FNUZ:
	case GS_DTYPE_FLOAT8E5M2: case GS_DTYPE_FLOAT8E5M2FNUZ:
	case GS_DTYPE_FLOAT4E2M1: case GS_DTYPE_FLOAT8E8M0:
		return 1;
	case GS_DTYPE_INT16: case GS_DTYPE_UINT16: case GS_DTYPE_FLOAT16:
	case GS_DTYPE_BFLOAT16:
		return 2;
	case GS_DTYPE_FLOAT: case GS_DTYPE_INT32: case GS_DTYPE_UINT32:
		return 4;
	case GS_DTYPE_DOUBLE: case GS_DTYPE_INT64: case GS_DTYPE_UINT64:
		return 8;
	default:
		return 0;
	}
}

/* Where an empty tensor's data points: never NULL, so that kernels may
 * form data + 0 for any tensor without a special case (offsetting a NULL
 * pointer is undefined even by zero). */
static max_align_t empty_data;

static struct gs_etensor *shell(int dtype, int rank, const int64_t *dims, struct gs_error *err)
{
	struct gs_etensor *t;
	int64_t numel;
	char sh[256];

	if (rank < 0 || rank > GS_EVAL_MAX_RANK) {
		gs_error_set(err, "rank %d is beyond the evaluator's %d", rank, GS_EVAL_MAX_RANK);
		return NULL;
	}
	if (!gs_et_elem_size(dtype)) {
		gs_error_set(err, "tensors of type %s cannot be evaluated", gs_dtype_name(dtype));
		return NULL;
	}
	numel = gs_dims_numel(rank, dims);
	if (numel < 0 || (uint64_t)numel > SIZE_MAX / 8) {
		gs_error_set(err, "shape %s has no valid element count",
			     gs_format_dims(rank, dims, sh, sizeof(sh)));
		return NULL;
	}
	t = gs_xcalloc(1, sizeof(*t));
	t->dtype = dtype;
	t->rank = rank;
	if (rank)
		memcpy(t->dims, dims, sizeof(int64_t) * (size_t)rank);
	t->numel = numel;
	t->nbytes = (size_t)numel * gs_et_elem_size(dtype);
	t->data = &empty_data;
	t->refs = 1;
	return t;
}

struct gs_etensor *gs_et_new(int dtype, int rank, const int64_t *dims, struct gs_error *err)
{
	struct gs_etensor *t = shell(dtype, rank, dims, err);

	if (!t)
		return NULL;
	if (t->nbytes) {
		if (charge(t->nbytes, err)) {
			free(t);
			return NULL;
		}
		t->data = cache_take(t->nbytes);
		if (!t->data)
			t->data = malloc(t->nbytes);
		if (!t->data) {
			atomic_fetch_sub(&live_bytes, t->nbytes);
			gs_error_set(err, "out of memory for a tensor of %zu MiB", t->nbytes >> 20);
			free(t);
			return NULL;
		}
		t->owns_data = true;
	}
	return t;
}

struct gs_etensor *gs_et_zeros(int dtype, int rank, const int64_t *dims, struct gs_error *err)
{
	struct gs_etensor *t = gs_et_new(dtype, rank, dims, err);

	if (t && t->nbytes)
		memset(t->data, 0, t->nbytes);
	return t;
}

struct gs_etensor *gs_et_alias(struct gs_etensor *base, int rank, const int64_t *dims)
{
	struct gs_etensor *t = gs_xcalloc(1, sizeof(*t));

	*t = *base;
	t->rank = rank;
	if (rank)
		memcpy(t->dims, dims, sizeof(int64_t) * (size_t)rank);
	t->refs = 1;
	t->owns_data = false;
	t->base = gs_et_ref(base);
	return t;
}

struct gs_etensor *gs_et_rows(struct gs_etensor *t, int64_t at, int64_t count)
{
	int64_t dims[GS_EVAL_MAX_RANK];
	size_t row_bytes = t->dims[0] ? t->nbytes / (size_t)t->dims[0] : 0;
	struct gs_etensor *v;

	memcpy(dims, t->dims, sizeof(int64_t) * (size_t)t->rank);
	dims[0] = count;
	v = gs_et_alias(t, t->rank, dims);
	v->numel = t->dims[0] ? t->numel / t->dims[0] * count : 0;
	v->nbytes = row_bytes * (size_t)count;
	v->data = (char *)t->data + row_bytes * (size_t)at;
	return v;
}

struct gs_etensor *gs_et_copy(const struct gs_etensor *src, struct gs_error *err)
{
	struct gs_etensor *t = gs_et_new(src->dtype, src->rank, src->dims, err);

	if (t && t->nbytes)
		memcpy(t->data, src->data, t->nbytes);
	return t;
}

struct gs_etensor *gs_et_ref(struct gs_etensor *t)
{
	if (t)
		t->refs++;
	return t;
}

void gs_et_unref(struct gs_etensor *t)
{
	if (!t || --t->refs > 0)
		return;
	if (t->owns_data) {
		cache_give(t->data, t->nbytes);
		atomic_fetch_sub(&live_bytes, t->nbytes);
	}
	gs_et_unref(t->base);
	free(t);
}

/* ---- element access ---- */

static double load_half(const void *p, int dtype)
{
	uint16_t h;

	memcpy(&h, p, 2);
	return dtype == GS_DTYPE_FLOAT16 ? gs_half_to_float(h) : gs_bf16_to_float(h);
}

double gs_et_get(const struct gs_etensor *t, int64_t i)
{
	const char *p = (const char *)t->data + (size_t)i * gs_et_elem_size(t->dtype);

	switch (t->dtype) {
	case GS_DTYPE_FLOAT: return ((const float *)t->data)[i];
	case GS_DTYPE_DOUBLE: return ((const double *)t->data)[i];
	case GS_DTYPE_INT64: return (double)((const int64_t *)t->data)[i];
	case GS_DTYPE_INT32: return ((const int32_t *)t->data)[i];
	case GS_DTYPE_INT16: return ((const int16_t *)t->data)[i];
	case GS_DTYPE_INT8: case GS_DTYPE_INT4: case GS_DTYPE_INT2:
		return ((const int8_t *)t->data)[i];
	case GS_DTYPE_UINT8: case GS_DTYPE_UINT4: case GS_DTYPE_UINT2: case GS_DTYPE_BOOL:
		return ((const uint8_t *)t->data)[i];
	case GS_DTYPE_UINT16: return ((const uint16_t *)t->data)[i];
	case GS_DTYPE_UINT32: return ((const uint32_t *)t->data)[i];
	case GS_DTYPE_UINT64: return (double)((const uint64_t *)t->data)[i];
	case GS_DTYPE_FLOAT16: case GS_DTYPE_BFLOAT16: return load_half(p, t->dtype);
	case GS_DTYPE_FLOAT8E4M3FN: return gs_e4m3fn_to_float(*(const uint8_t *)p);
	case GS_DTYPE_FLOAT8E4M3FNUZ: return gs_e4m3fnuz_to_float(*(const uint8_t *)p);
	case GS_DTYPE_FLOAT8E5M2: return gs_e5m2_to_float(*(const uint8_t *)p);
	case GS_DTYPE_FLOAT8E5M2FNUZ: return gs_e5m2fnuz_to_float(*(const uint8_t *)p);
	case GS_DTYPE_FLOAT4E2M1: return gs_e2m1_to_float(*(const uint8_t *)p);
	case GS_DTYPE_FLOAT8E8M0: return gs_e8m0_to_float(*(const uint8_t *)p);
	default: return 0;
	}
}

/* C's float-to-int conversion is undefined out of range: saturate, NaN -> 0. */
static int64_t sat_int(double v, double lo, double hi)
{
	if (isnan(v))
		return 0;
	if (v <= lo)
		return (int64_t)lo;
	if (v >= hi)
		return (int64_t)hi;
	return (int64_t)v;
}

void gs_et_set(struct gs_etensor *t, int64_t i, double v)
{
	uint16_t h;

	switch (t->dtype) {
	case GS_DTYPE_FLOAT: ((float *)t->data)[i] = (float)v; break;
	case GS_DTYPE_DOUBLE: ((double *)t->data)[i] = v; break;
	case GS_DTYPE_INT64:
		((int64_t *)t->data)[i] = sat_int(v, -9223372036854775808.0, 9223372036854774784.0);
		break;
	case GS_DTYPE_INT32: ((int32_t *)t->data)[i] = (int32_t)sat_int(v, INT32_MIN, INT32_MAX); break;
	case GS_DTYPE_INT16: ((int16_t *)t->data)[i] = (int16_t)sat_int(v, INT16_MIN, INT16_MAX); break;
	case GS_DTYPE_INT8: ((int8_t *)t->data)[i] = (int8_t)sat_int(v, INT8_MIN, INT8_MAX); break;
	case GS_DTYPE_INT4: ((int8_t *)t->data)[i] = (int8_t)sat_int(v, -8, 7); break;
	case GS_DTYPE_UINT4: ((uint8_t *)t->data)[i] = (uint8_t)sat_int(v, 0, 15); break;
	case GS_DTYPE_INT2: ((int8_t *)t->data)[i] = (int8_t)sat_int(v, -2, 1); break;
	case GS_DTYPE_UINT2: ((uint8_t *)t->data)[i] = (uint8_t)sat_int(v, 0, 3); break;
	case GS_DTYPE_UINT8: ((uint8_t *)t->data)[i] = (uint8_t)sat_int(v, 0, UINT8_MAX); break;
	case GS_DTYPE_BOOL: ((uint8_t *)t->data)[i] = v != 0; break;
	case GS_DTYPE_UINT16: ((uint16_t *)t->data)[i] = (uint16_t)sat_int(v, 0, UINT16_MAX); break;
	case GS_DTYPE_UINT32: ((uint32_t *)t->data)[i] = (uint32_t)sat_int(v, 0, UINT32_MAX); break;
	case GS_DTYPE_UINT64:
		((uint64_t *)t->data)[i] = isnan(v) || v <= 0 ? 0 :
			v >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)v;
		break;
	case GS_DTYPE_FLOAT16:
		h = gs_float_to_half((float)v);
		memcpy((char *)t->data + 2 * i, &h, 2);
		break;
	case GS_DTYPE_BFLOAT16:
		h = gs_float_to_bf16((float)v);
		memcpy((char *)t->data + 2 * i, &h, 2);
		break;
	case GS_DTYPE_FLOAT4E2M1:
		((uint8_t *)t->data)[i] = gs_float_to_e2m1(v);
		break;
	case GS_DTYPE_FLOAT8E4M3FN: case GS_DTYPE_FLOAT8E4M3FNUZ:
	case GS_DTYPE_FLOAT8E5M2: case GS_DTYPE_FLOAT8E5M2FNUZ:
	case GS_DTYPE_FLOAT8E8M0:
		/* saturating, as Cast's default; e8m0 rounds up */
		((uint8_t *)t->data)[i] = gs_float_to_f8(t->dtype, v, true);
		break;
	default:
		break;
	}
}

struct gs_etensor *gs_et_convert(const struct gs_etensor *src, int dtype, struct gs_error *err)
{
	struct gs_etensor *t;
	int64_t i;

	if (dtype == src->dtype)
		return gs_et_copy(src, err);
	t = gs_et_new(dtype, src->rank, src->dims, err);
	if (!t)
		return NULL;
	if (src->dtype == GS_DTYPE_FLOAT && dtype == GS_DTYPE_FLOAT16) {
		for (i = 0; i < src->numel; i++)
			((uint16_t *)t->data)[i] = gs_float_to_half(((const float *)src->data)[i]);
	} else if (src->dtype == GS_DTYPE_FLOAT16 && dtype == GS_DTYPE_FLOAT) {
		for (i = 0; i < src->numel; i++)
			((float *)t->data)[i] = gs_half_to_float(((const uint16_t *)src->data)[i]);
	} else if (src->dtype == GS_DTYPE_INT64 && dtype == GS_DTYPE_INT32) {
		for (i = 0; i < src->numel; i++) {
			int64_t v = ((const int64_t *)src->data)[i];
			((int32_t *)t->data)[i] = (int32_t)(v < INT32_MIN ? INT32_MIN :
							    v > INT32_MAX ? INT32_MAX : v);
		}
	} else if ((src->dtype == GS_DTYPE_INT64 || src->dtype == GS_DTYPE_UINT64) &&
		   (dtype == GS_DTYPE_INT64 || dtype == GS_DTYPE_UINT64)) {
		memcpy(t->data, src->data, t->nbytes);	/* two's complement reinterpretation */
	} else if (src->dtype == GS_DTYPE_INT64 && dtype != GS_DTYPE_FLOAT && dtype != GS_DTYPE_DOUBLE &&
		   dtype != GS_DTYPE_FLOAT16 && dtype != GS_DTYPE_BFLOAT16 && dtype != GS_DTYPE_BOOL) {
		/* integer to narrower integer: exact, not through double */
		for (i = 0; i < src->numel; i++)
			gs_et_set(t, i, (double)((const int64_t *)src->data)[i]);
	} else {
		for (i = 0; i < src->numel; i++)
			gs_et_set(t, i, gs_et_get(src, i));
	}
	return t;
}

int gs_et_ints(const struct gs_etensor *t, int64_t *out, int max, struct gs_error *err)
{
	int64_t i;

	if (t->numel > max)
		return gs_error_set(err, "%lld values where at most %d make sense",
				    (long long)t->numel, max);
	switch (t->dtype) {
	case GS_DTYPE_INT64:
		if (t->numel)
			memcpy(out, t->data, sizeof(int64_t) * (size_t)t->numel);
		return (int)t->numel;
	case GS_DTYPE_INT32: case GS_DTYPE_INT16: case GS_DTYPE_INT8: case GS_DTYPE_UINT8:
	case GS_DTYPE_UINT16: case GS_DTYPE_UINT32: case GS_DTYPE_UINT64:
		for (i = 0; i < t->numel; i++)
			out[i] = t->dtype == GS_DTYPE_UINT64 ? (int64_t)((const uint64_t *)t->data)[i] :
				(int64_t)gs_et_get(t, i);
		return (int)t->numel;
	default:
		return gs_error_set(err, "expected an integer tensor, got %s", gs_dtype_name(t->dtype));
	}
}

int gs_broadcast_shape(int n, const struct gs_etensor *const *ts, int *rank_out,
		       int64_t *dims_out, struct gs_error *err)
{
	int rank = 0, i, d;
	char a[256], b[256];

	for (i = 0; i < n; i++)
		if (ts[i] && ts[i]->rank > rank)
			rank = ts[i]->rank;
	for (d = 0; d < rank; d++)
		dims_out[d] = 1;
	for (i = 0; i < n; i++) {
		if (!ts[i])
			continue;
		for (d = 0; d < ts[i]->rank; d++) {
			int64_t v = ts[i]->dims[d], *o = &dims_out[rank - ts[i]->rank + d];

			if (v == *o || v == 1)
				continue;
			if (*o == 1) {
				*o = v;
				continue;
			}
			return gs_error_set(err, "shapes %s and %s do not broadcast",
					    gs_format_dims(ts[0]->rank, ts[0]->dims, a, sizeof(a)),
					    gs_format_dims(ts[i]->rank, ts[i]->dims, b, sizeof(b)));
		}
	}
	*rank_out = rank;
	return 0;
}

/* ---- parameters ---- */

struct gs_etensor *gs_et_from_param(const struct gs_model *m, const struct gs_tensor *p,
				    struct gs_error *err)
{
	size_t esize = gs_et_elem_size(p->dtype);
	struct gs_etensor *t;
	int64_t i;

	if (p->rank > GS_EVAL_MAX_RANK) {
		gs_error_set(err, "tensor '%s' has rank %d, beyond the evaluator's %d",
			     p->name ? p->name : "", p->rank, GS_EVAL_MAX_RANK);
		return NULL;
	}
	if (p->store == GS_STORE_NONE && p->numel > 0) {
		gs_error_set(err, "tensor '%s' of type %s cannot be evaluated",
			     p->name ? p->name : "", gs_dtype_name(p->dtype));
		return NULL;
	}
	if (gs_dtype_bits(p->dtype) == 4 || gs_dtype_bits(p->dtype) == 2) {
		t = gs_et_new(p->dtype, p->rank, p->dims, err);
		if (!t)
			return NULL;
		if (p->nbytes < gs_dtype_storage_bytes(p->dtype, (size_t)p->numel) ||
		    (p->numel && !p->data)) {
			gs_et_unref(t);
			gs_error_set(err, "tensor '%s' holds too few bytes", p->name ? p->name : "");
			return NULL;
		}
		for (i = 0; i < p->numel; i++) {
			int8_t *o = (int8_t *)t->data + i;

			switch (p->dtype) {
			case GS_DTYPE_INT4: *o = gs_int4_get(p->data, (size_t)i); break;
			case GS_DTYPE_INT2: *o = gs_int2_get(p->data, (size_t)i); break;
			case GS_DTYPE_UINT2: *o = (int8_t)gs_uint2_get(p->data, (size_t)i); break;
			default: *o = (int8_t)gs_uint4_get(p->data, (size_t)i); break;
			}
		}
		return t;
	}
	t = shell(p->dtype, p->rank, p->dims, err);
	if (!t)
		return NULL;
	if (t->nbytes > p->nbytes || (t->nbytes && !p->data)) {
		gs_et_unref(t);
		gs_error_set(err, "tensor '%s' holds %zu bytes where its shape needs %zu",
			     p->name ? p->name : "", p->nbytes, t->nbytes);
		return NULL;
	}
	if (!t->nbytes)
		return t;
	if ((uintptr_t)p->data % esize == 0) {
		/* a view of the mapping: weights are never copied for nothing */
		t->data = (void *)p->data;
		return t;
	}
	/* raw_data need not be aligned inside the file: kernels need it to be */
	if (charge(t->nbytes, err)) {
		free(t);
		return NULL;
	}
	t->data = gs_xmalloc(t->nbytes);
	memcpy(t->data, p->data, t->nbytes);
	t->owns_data = true;
	(void)m;
	return t;
}
