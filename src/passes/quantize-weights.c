/*
 * Weight-only quantization: each float weight becomes a smaller tensor
 * plus the node that turns it back into float32 right in front of its
 * consumer (DequantizeLinear for int8/uint8/int4, Cast for fp16).
 *
 * It runs twice over the same targets: a plan that only checks (block
 * sizes, the opset it needs), then the edits, so a refusal changes nothing.
 * Each weight is read once and its output allocated once.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/quantize-internal.h"

struct done {
	struct gs_graph *g;
	const struct gs_tensor *t;
	int value;			/* the float32 stand-in in g */
};

struct run {
	struct gs_model *m;
	const struct gs_quant_opts *o;
	gs_quant_report_fn report;
	void *ctx;
	struct gs_error *err;
	bool plan;
	int64_t need_opset;
	int count, targets;
	uint64_t bytes_before, bytes_after;
	struct done *done;
	int n_done, done_alloc;
	void *fetch_buf;		/* a weight's bytes, read from the file */
	size_t fetch_cap;
};

static void say(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct run *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!r->report)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->report(r->ctx, line);
}

static int qdtype(const struct gs_quant_opts *o)
{
	switch (o->mode) {
	case GS_QUANT_INT8: return GS_DTYPE_INT8;
	case GS_QUANT_UINT8: return GS_DTYPE_UINT8;
	case GS_QUANT_INT4: return GS_DTYPE_INT4;
	default: return GS_DTYPE_FLOAT16;
	}
}

static const char *sqnr_str(double aa, double dd, char *buf, size_t len)
{
	if (dd == 0)
		snprintf(buf, len, "exact");
	else if (aa == 0)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f dB", 10 * log10(aa / dd));
	return buf;
}

static void scale_range(const float *s, size_t n, float *lo, float *hi)
{
	size_t i;

	*lo = *hi = s[0];
	for (i = 1; i < n; i++) {
		*lo = s[i] < *lo ? s[i] : *lo;
		*hi = s[i] > *hi ? s[i] : *hi;
	}
}

/* Rewires the consumer to the float stand-in and drops the original if
 * nothing else reads it. */
static void rewire(struct gs_quant_target *tg, int value)
{
	gs_node_set_input(tg->g, tg->n, tg->slot, value);
	gs_quant_drop_source(tg->owner, tg->owner_value);
}

static int add_dq(struct gs_graph *g, const char *base, int n_in, const int *in,
		  const struct gs_tensor *t, const char *op)
{
	struct gs_model *m = g->model;
	int out = gs_graph_new_value(g, gs_arena_printf(&m->arena, "%s_%s", base,
				     strcmp(op, "Cast") ? "dequantized" : "float"));
	struct gs_node *n = gs_graph_add_node(g, op, "", gs_arena_printf(&m->arena,
					      "%s_%s", base, op), n_in, in, 1, &out);

	(void)n;
	gs_value_set_type(g, g->values[out], GS_DTYPE_FLOAT, t->rank, t->dims);
	return out;
}

static int do_int8(struct run *r, struct gs_quant_target *tg, const void *w, char *esc)
{
	struct gs_graph *g = tg->g;
	const struct gs_tensor *t = tg->t;
	int dtype = qdtype(r->o), axis = tg->axis, i;
	size_t outer = 1, channels = 1, inner = 1, n = (size_t)t->numel;
	int64_t cdim;
	float *scale, lo, hi;
	int32_t *zp;
	uint8_t *q, *zq;
	double aa = 0, dd = 0;
	int in[3], out;
	char dims[64], db[32], layout[32];
	const char *base = tg->owner->values[tg->owner_value]->name;
	int32_t zmin, zmax;

	if (r->o->per_channel) {
		for (i = 0; i < axis; i++)
			outer *= (size_t)t->dims[i];
		channels = (size_t)t->dims[axis];
		inner = n / outer / channels;
	} else {
		inner = n;
	}
	scale = gs_xmalloc(channels * sizeof(float));
	zp = gs_xmalloc(channels * sizeof(int32_t));
	/* huge pages: a first write per 2 MiB instead of per 4 KiB page,
	 * and those first writes happen in the parallel kernel below */
	q = gs_xmalloc_huge(n);
	zq = gs_xmalloc(channels);
	gs_quant_tensor(w, outer, channels, inner, dtype, r->o->symmetric, scale, zp, q, &aa, &dd);
	zmin = zmax = zp[0];
	for (i = 0; i < (int)channels; i++) {
		zq[i] = (uint8_t)zp[i];
		zmin = zp[i] < zmin ? zp[i] : zmin;
		zmax = zp[i] > zmax ? zp[i] : zmax;
	}
	scale_range(scale, channels, &lo, &hi);

	cdim = (int64_t)channels;
	in[0] = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_quantized", base),
				  dtype, t->rank, t->dims, q, n);
	in[1] = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_scale", base),
				  GS_DTYPE_FLOAT, r->o->per_channel, &cdim, scale,
				  channels * sizeof(float));
	in[2] = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_zero_point", base),
				  dtype, r->o->per_channel, &cdim, zq, channels);
	out = add_dq(g, base, 3, in, t, "DequantizeLinear");
	if (r->o->per_channel)
		gs_node_set_attr_int(g, g->nodes[g->values[out]->producer], "axis", axis);
	rewire(tg, out);
	r->bytes_after += n + channels * 5;
	if (r->o->per_channel)
		snprintf(layout, sizeof(layout), "per-channel axis %d", axis);
	else
		snprintf(layout, sizeof(layout), "per-tensor");
	say(r, "  %s [%s] %s %s: scale %.3g..%.3g, zero point %d..%d, sqnr %s", esc,
	    gs_quant_dims_str(t, dims, sizeof(dims)), gs_dtype_name(dtype), layout,
	    lo, hi, (int)zmin, (int)zmax,
	    sqnr_str(aa, dd, db, sizeof(db)));
	free(zp);
	return out;
}

static int do_int4(struct run *r, struct gs_quant_target *tg, const void *w, char *esc)
{
	struct gs_graph *g = tg->g;
	const struct gs_tensor *t = tg->t;
	int dtype = GS_DTYPE_INT4, k = tg->k_axis, out, in[3];
	size_t rows = (size_t)t->dims[0], cols = (size_t)t->dims[1];
	size_t block = (size_t)r->o->block, ns;
	int64_t sdims[2] = { t->dims[0], t->dims[1] };
	float *scale, lo, hi;
	uint8_t *q, *zq;
	double aa = 0, dd = 0;
	char dims[64], db[32];
	const char *base = tg->owner->values[tg->owner_value]->name;
	struct gs_node *dq;

	sdims[k] /= (int64_t)block;
	ns = (size_t)(sdims[0] * sdims[1]);
	scale = gs_xmalloc(ns * sizeof(float));
	zq = gs_xcalloc((ns + 1) / 2, 1);
	q = gs_xcalloc(((size_t)t->numel + 1) / 2, 1);
	gs_quant_blocks(w, rows, cols, k, block, dtype, r->o->symmetric, scale, zq, q, &aa, &dd);
	scale_range(scale, ns, &lo, &hi);

	in[0] = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_quantized", base),
				  dtype, 2, t->dims, q, ((size_t)t->numel + 1) / 2);
	in[1] = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_scale", base),
				  GS_DTYPE_FLOAT, 2, sdims, scale, ns * sizeof(float));
	in[2] = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_zero_point", base),
				  dtype, 2, sdims, zq, (ns + 1) / 2);
	out = add_dq(g, base, 3, in, t, "DequantizeLinear");
	dq = g->nodes[g->values[out]->producer];
	gs_node_set_attr_int(g, dq, "axis", k);
	gs_node_set_attr_int(g, dq, "block_size", (int64_t)block);
	rewire(tg, out);
	r->bytes_after += ((size_t)t->numel + 1) / 2 + ns * 4 + (ns + 1) / 2;
	say(r, "  %s [%s] int4 block %zu axis %d: scale %.3g..%.3g, sqnr %s", esc,
	    gs_quant_dims_str(t, dims, sizeof(dims)), block, k, lo, hi,
	    sqnr_str(aa, dd, db, sizeof(db)));
	return out;
}

static int do_fp16(struct run *r, struct gs_quant_target *tg, const void *w, char *esc)
{
	struct gs_graph *g = tg->g;
	const struct gs_tensor *t = tg->t;
	size_t i, n = (size_t)t->numel;
	uint16_t *h = gs_xmalloc(n * 2);
	double aa = 0, dd = 0;
	char dims[64], db[32];
	const char *base = tg->owner->values[tg->owner_value]->name;
	int in, out;

	for (i = 0; i < n; i++) {
		float f;
		double d;

		memcpy(&f, (const unsigned char *)w + i * 4, sizeof(f));
		h[i] = gs_float_to_half(f);
		d = (double)f - gs_half_to_float(h[i]);
		aa += (double)f * f;
		dd += d * d;
	}
	in = gs_quant_new_init(g, gs_arena_printf(&g->model->arena, "%s_fp16", base),
			       GS_DTYPE_FLOAT16, t->rank, t->dims, h, n * 2);
	out = add_dq(g, base, 1, &in, t, "Cast");
	gs_node_set_attr_int(g, g->nodes[g->values[out]->producer], "to", GS_DTYPE_FLOAT);
	rewire(tg, out);
	r->bytes_after += n * 2;
	say(r, "  %s [%s] float16, sqnr %s", esc, gs_quant_dims_str(t, dims, sizeof(dims)),
	    sqnr_str(aa, dd, db, sizeof(db)));
	return out;
}

static int plan_target(struct run *r, struct gs_quant_target *tg)
{
	char esc[256];
	const struct gs_tensor *t = tg->t;

	if (r->o->mode == GS_QUANT_INT4) {
		int64_t kdim;

		if (tg->k_axis < 0 || t->rank != 2)
			return 0;	/* Conv, batched MatMul: left float */
		kdim = t->dims[tg->k_axis];
		if (kdim % r->o->block)
			return gs_error_set(r->err, "quantize int4: block size %lld does not divide "
					    "the K dimension %lld of weight '%s'", (long long)r->o->block,
					    (long long)kdim, gs_escape(t->name, esc, sizeof(esc)));
		r->need_opset = 21;
	} else if (r->o->mode != GS_QUANT_FP16) {
		int64_t need = r->o->per_channel ? 13 : 10;

		r->need_opset = need > r->need_opset ? need : r->need_opset;
	}
	r->targets++;
	return 0;
}

static int visit(struct gs_quant_target *tg, void *ctx)
{
	struct run *r = ctx;
	const struct gs_tensor *t = tg->t;
	const void *w;
	char esc[256];
	int i, out;

	if (r->plan)
		return plan_target(r, tg);
	if (r->o->mode == GS_QUANT_INT4 && (tg->k_axis < 0 || t->rank != 2))
		return 0;
	for (i = 0; i < r->n_done; i++) {
		if (r->done[i].g == tg->g && r->done[i].t == t) {
			rewire(tg, r->done[i].value);	/* shared: quantized once */
			return 0;
		}
	}
	gs_escape(tg->owner->values[tg->owner_value]->name, esc, sizeof(esc));
	r->bytes_before += (size_t)t->numel * 4;
	/* the kernels read at any alignment; a weight in the mapped file is
	 * read into one buffer reused for every weight (src/onnx/fetch.c) */
	if (r->fetch_cap < t->nbytes) {
		free(r->fetch_buf);
		r->fetch_cap = t->nbytes;
		r->fetch_buf = gs_xmalloc_huge(r->fetch_cap);
	}
	w = gs_model_fetch(r->m, t->data, t->nbytes, r->fetch_buf);
	if (r->o->mode == GS_QUANT_INT4)
		out = do_int4(r, tg, w, esc);
	else if (r->o->mode == GS_QUANT_FP16)
		out = do_fp16(r, tg, w, esc);
	else
		out = do_int8(r, tg, w, esc);
	if (w == t->data)
		gs_quant_drop_pages(t);
	GS_GROW(r->done, r->n_done + 1, r->done_alloc);
	r->done[r->n_done].g = tg->g;
	r->done[r->n_done].t = t;
	r->done[r->n_done++].value = out;
	r->count++;
	return 0;
}

int gs_quant_weights(struct gs_model *m, const struct gs_quant_opts *o,
		     gs_quant_report_fn report, void *ctx, struct gs_error *err)
{
	struct run r;
	char desc[64], b0[32], b1[32];

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.o = o;
	r.report = report;
	r.ctx = ctx;
	r.err = err;
	r.plan = true;
	if (gs_quant_each_target(m, visit, &r))
		return -1;
	if (!r.targets) {
		say(&r, "no float32 weights of Conv, ConvTranspose, Gemm or MatMul to quantize");
		return 0;
	}
	if (r.need_opset && gs_quant_check_opset(m, r.need_opset, err))
		return gs_error_prefix(err, "quantize %s", gs_quant_describe(o, desc, sizeof(desc)));
	r.plan = false;
	if (r.need_opset) {
		const char *conv = gs_quant_raise_opset(m, r.need_opset);

		if (*conv)
			say(&r, "%s", conv);
	}
	gs_quant_each_target(m, visit, &r);
	free(r.done);
	free(r.fetch_buf);
	say(&r, "quantized %d weight%s (%s): %s -> %s, opset %lld", r.count,
	    r.count == 1 ? "" : "s", gs_quant_describe(o, desc, sizeof(desc)),
	    gs_format_bytes(r.bytes_before, b0, sizeof(b0)),
	    gs_format_bytes(r.bytes_after, b1, sizeof(b1)),
	    (long long)gs_model_opset(m, ""));
	return r.count;
}
