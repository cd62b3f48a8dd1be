/* Parameters as float32 whatever their dtype, and tensors copied between
 * models (graphsmith/params.h).  Decoding goes through the evaluator's
 * tensor conversions, so a weight reads the same here as when it runs. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/eval.h"
#include "graphsmith/params.h"
#include "graphsmith/util.h"

static const char *tname(const struct gs_tensor *t)
{
	return t->name ? t->name : "";
}

float *gs_param_floats(const struct gs_model *m, const struct gs_tensor *t,
		       struct gs_error *err)
{
	struct gs_etensor *e, *f;
	float *out;
	int64_t i;

	if (t->dtype == GS_DTYPE_STRING || !gs_dtype_bits(t->dtype)) {
		gs_error_set(err, "tensor '%s' of type %s holds no numbers", tname(t),
			     gs_dtype_name(t->dtype));
		return NULL;
	}
	if (t->dtype == GS_DTYPE_COMPLEX64 || t->dtype == GS_DTYPE_COMPLEX128) {
		gs_error_set(err, "tensor '%s' is complex", tname(t));
		return NULL;
	}
	if (t->dtype == GS_DTYPE_FLOAT && t->data && t->nbytes >= sizeof(float) * (size_t)t->numel) {
		/* float32: one pass over the file (pread from the page cache,
		 * see gs_model_fetch), copied since raw_data may be unaligned */
		size_t n = sizeof(float) * (size_t)t->numel;
		const void *src;

		out = gs_xmalloc_huge(n + 1);
		src = gs_model_fetch(m, t->data, n, out);
		if (src != out)
			memcpy(out, src, n);
		return out;
	}
	e = gs_et_from_param(m, t, err);
	if (!e)
		return NULL;
	if (e->dtype == GS_DTYPE_DOUBLE) {
		for (i = 0; i < e->numel; i++) {
			double d = ((const double *)e->data)[i];

			if (isfinite(d) && fabs(d) > FLT_MAX) {
				gs_et_unref(e);
				gs_error_set(err, "tensor '%s' holds %g, beyond float32", tname(t), d);
				return NULL;
			}
		}
	}
	f = gs_et_convert(e, GS_DTYPE_FLOAT, err);
	gs_et_unref(e);
	if (!f)
		return NULL;
	out = gs_xmalloc_huge(sizeof(float) * (size_t)(f->numel ? f->numel : 1));
	if (f->numel)
		memcpy(out, f->data, sizeof(float) * (size_t)f->numel);
	gs_et_unref(f);
	return out;
}

bool gs_param_is_trainable_dtype(int dtype)
{
	return dtype == GS_DTYPE_FLOAT || dtype == GS_DTYPE_DOUBLE ||
	       dtype == GS_DTYPE_FLOAT16 || dtype == GS_DTYPE_BFLOAT16;
}

int gs_param_set_floats(struct gs_model *m, struct gs_tensor *t, const float *v,
			struct gs_error *err)
{
	size_t esize, n = (size_t)t->numel;
	unsigned char *data;
	const void *old;
	size_t i;

	if (!gs_param_is_trainable_dtype(t->dtype))
		return gs_error_set(err, "tensor '%s' is %s: only float tensors take new values",
				    tname(t), gs_dtype_name(t->dtype));
	esize = (size_t)gs_dtype_bits(t->dtype) / 8;
	data = gs_xmalloc_huge(esize * n + 1);
	for (i = 0; i < n; i++) {
		switch (t->dtype) {
		case GS_DTYPE_FLOAT:
			memcpy(data + 4 * i, &v[i], 4);
			break;
		case GS_DTYPE_DOUBLE: {
			double d = v[i];

			memcpy(data + 8 * i, &d, 8);
			break;
		}
		case GS_DTYPE_FLOAT16: {
			uint16_t h = gs_float_to_half(v[i]);

			memcpy(data + 2 * i, &h, 2);
			break;
		}
		default: {
			uint16_t b = gs_float_to_bf16(v[i]);

			memcpy(data + 2 * i, &b, 2);
			break;
		}
		}
	}
	/* unchanged bytes install nothing: no step for a no-op */
	if (t->data && t->nbytes == esize * n) {
		unsigned char *buf = gs_xmalloc_huge(esize * n + 1);

		old = gs_model_fetch(m, t->data, esize * n, buf);
		if (!memcmp(old, data, esize * n)) {
			free(buf);
			free(data);
			return 0;
		}
		free(buf);
	}
	gs_tensor_replace(m, t, t->dtype, t->rank, t->dims, data, esize * n);
	return 1;
}
