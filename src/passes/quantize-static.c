/*
 * int8 static: QDQ on activations and weights, activation ranges
 * calibrated on data, placed the way onnxruntime's quantize_static with
 * QuantFormat.QDQ places them (qdq_quantizer.py and its op handlers), so
 * that ORT's QDQ fusion turns the result into integer kernels:
 *
 *   Conv, ConvTranspose, Gemm   input 0 and output 0 get a Q/DQ pair, the
 *                               weight a DQ, the bias int32 (s_x * s_w)
 *   MatMul                      both inputs (an initializer as a weight)
 *                               and the output
 *   Relu, Clip                  folded into the producer's Q/DQ when their
 *                               input is quantized and read by them alone:
 *                               the node goes, the producer writes their
 *                               output, quantized with their range
 *   Reshape, Transpose, (Un)Squeeze, MaxPool, AveragePool, Resize, TopK
 *                               output quantized with the input's params
 *                               when the input is quantized
 *   Add, Mul, Concat, Softmax, Sigmoid, LeakyRelu, GlobalAveragePool,
 *   Pad, ArgMax, Where          every float input and output
 *
 * A Relu's or Clip's input takes the range of its output (ORT's
 * adjust_tensor_ranges), Softmax outputs [0, 1].  Activations are uint8
 * asymmetric, weights int8 symmetric (ORT's defaults), uint8 asymmetric
 * with `uint8 static`.  Graph outputs keep their name: the producer writes
 * NAME_QuantizeInput and the DequantizeLinear writes NAME.
 *
 * Order: a first pass over the data finds every tensor's extremes, the
 * placement is decided (it needs to know which tensors are float), a
 * second pass fills histograms (percentile, entropy), then the edits.
 * Nothing changes before the edits, so a refusal or a Ctrl-C leaves the
 * model as it was.  Only the main graph is quantized.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/params.h"
#include "graphsmith/progress.h"
#include "graphsmith/samples.h"
#include "passes/fuse-internal.h"
#include "passes/quantize-internal.h"

/* calibration batch when the input's first dim is free */
enum { CALIB_BATCH = 64 };

struct tinfo {
	struct gs_calib_stats st;
	struct gs_calib_hist hist;
	bool is_float;			/* seen as float32 */
	bool want_hist;
	bool quant;			/* gets a Q/DQ pair */
	bool fixed01;			/* Softmax output */
	int range_of;			/* the value whose range sets its params */
	int same_as;			/* params of that value (8-bit passthrough ops) */
	int fused_from;			/* folded Relu/Clip: what the producer wrote */
	float lo, hi, scale;
	int32_t zp;
};

struct wdec {				/* a float initializer feeding n->inputs[slot] */
	struct gs_node *n;
	int slot, axis;			/* axis -1: per tensor */
	int dtype;
	bool sym;
	float *scales;			/* filled by the edit, for the bias */
	int n_scales;
	int vid, dq;			/* the float initializer, its DQ output */
};

struct bdec {
	struct gs_node *n;
	int x;				/* the activation whose scale is s_x */
	int w;				/* index of the weight decision */
};

struct st {
	struct gs_model *m;
	struct gs_graph *g;
	const struct gs_quant_opts *o;
	gs_quant_report_fn report;
	void *ctx;
	int nv;
	struct tinfo *t;
	struct wdec *w;
	int nw, wa;
	struct bdec *b;
	int nb, ba;
	int pass;			/* 1: extremes, 2: histograms */
	int act_dtype, w_dtype;
	int n_act, n_weights, n_bias, n_folded, n_q, n_dq;
	uint64_t bytes_before, bytes_after;
};

static void say(struct st *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct st *s, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!s->report)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->report(s->ctx, line);
}

static bool in_list(const char *op, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(op, *list))
			return true;
	return false;
}

/* ---- calibration ---- */

static void observe(struct st *s, int vid, const struct gs_etensor *x)
{
	struct tinfo *t;

	if (vid < 0 || vid >= s->nv || !x || x->dtype != GS_DTYPE_FLOAT)
		return;
	t = &s->t[vid];
	if (s->pass == 1) {
		t->is_float = true;
		gs_calib_stats_add(&t->st, x->data, (size_t)x->numel);
	} else if (t->want_hist) {
		gs_calib_hist_add(&t->hist, x->data, (size_t)x->numel);
	}
}

static int node_done(void *ctx, const struct gs_graph *g, const struct gs_node *n,
		     struct gs_etensor *const *outs, struct gs_error *err)
{
	struct st *s = ctx;
	int i;

	(void)err;
	if (g != s->g)
		return 0;
	for (i = 0; i < n->n_outputs; i++)
		observe(s, n->outputs[i], outs[i]);
	return 0;
}

/* One pass over the first n samples, batch at a time. */
static int run_pass(struct st *s, struct gs_eval *ev, const struct gs_samples *smp, int64_t n,
		    int64_t batch, struct gs_progress *p, int64_t base, struct gs_error *err)
{
	int n_in = smp->n, n_out = gs_eval_n_outputs(ev), i;
	struct gs_etensor **in = gs_xcalloc((size_t)n_in + 1, sizeof(*in));
	struct gs_etensor **out = gs_xcalloc((size_t)n_out + 1, sizeof(*out));
	int64_t at;
	int rc = 0;

	for (at = 0; at < n && !rc; at += batch) {
		int64_t cnt = n - at < batch ? n - at : batch;

		for (i = 0; i < n_in; i++) {
			in[i] = gs_et_rows(smp->inputs[i], at, cnt);
			observe(s, gs_eval_input(ev, i)->id, in[i]);
		}
		rc = gs_eval_run(ev, in, out, err);
		for (i = 0; i < n_in; i++)
			gs_et_unref(in[i]);
		for (i = 0; !rc && i < n_out; i++) {
			gs_et_unref(out[i]);
			out[i] = NULL;
		}
		if (!rc)
			rc = gs_progress_update(p, base + at + cnt, err);
	}
	free(in);
	free(out);
	return rc;
}

/* The data must fit the model's inputs: dtype, rank, fixed dims past the
 * first (samples run along the first). */
static int check_data(const struct gs_eval *ev, const struct gs_samples *smp, const char *path,
		      struct gs_error *err)
{
	char pb[256], nb[128], b1[128], b2[128];
	int i, d;

	for (i = 0; i < smp->n; i++) {
		const struct gs_value *v = gs_eval_input(ev, i);
		const struct gs_etensor *t = smp->inputs[i];
		bool bad = t->dtype != v->dtype && v->dtype;
		int64_t dims[GS_EVAL_MAX_RANK];

		if (v->rank >= 0 && v->rank <= GS_EVAL_MAX_RANK) {
			bad |= t->rank != v->rank || t->rank < 1;
			for (d = 0; d < v->rank; d++) {
				dims[d] = v->dims ? v->dims[d].value : -1;
				if (!bad && d > 0 && dims[d] > 0 && dims[d] != t->dims[d])
					bad = true;
			}
		}
		if (t->rank < 1)
			bad = true;
		if (bad)
			return gs_error_set(err, "cannot use '%s': array '%s' is %s %s, the model's "
					    "input takes %s %s", gs_escape(path, pb, sizeof(pb)),
					    gs_escape(v->name, nb, sizeof(nb)),
					    gs_dtype_name(t->dtype),
					    gs_format_dims(t->rank, t->dims, b1, sizeof(b1)),
					    gs_dtype_name(v->dtype),
					    v->rank >= 0 ? gs_format_dims(v->rank, dims, b2, sizeof(b2))
					    : "[?]");
	}
	return 0;
}

/* ---- placement (no edits) ---- */

static bool is_param_float(struct st *s, int vid)
{
	const struct gs_tensor *p;

	if (vid < 0 || s->g->values[vid]->kind != GS_VALUE_PARAM)
		return false;
	p = gs_graph_param_of(s->g, vid);
	return p && p->dtype == GS_DTYPE_FLOAT && p->data && p->numel > 0;
}

static void want_act(struct st *s, int vid)
{
	const struct gs_value *v;

	if (vid < 0)
		return;
	v = s->g->values[vid];
	if (s->t[vid].is_float && (v->kind == GS_VALUE_ACTIVATION || v->kind == GS_VALUE_INPUT))
		s->t[vid].quant = true;
}

static int want_weight(struct st *s, struct gs_node *n, int slot, int axis, bool weight)
{
	struct wdec *d;
	const struct gs_tensor *p = gs_graph_param_of(s->g, n->inputs[slot]);

	if (!s->o->per_channel || !weight || axis >= p->rank)
		axis = -1;
	GS_GROW(s->w, s->nw + 1, s->wa);
	d = &s->w[s->nw];
	memset(d, 0, sizeof(*d));
	d->n = n;
	d->slot = slot;
	d->axis = axis;
	/* ORT quantizes an initializer an op takes as an activation with the
	 * activation type */
	d->dtype = weight ? s->w_dtype : s->act_dtype;
	d->sym = weight ? s->o->symmetric : false;
	return s->nw++;
}

/* an input: a float initializer is a weight, else an activation */
static int want_input(struct st *s, struct gs_node *n, int slot, int axis, bool weight)
{
	if (slot >= n->n_inputs || n->inputs[slot] < 0)
		return -1;
	if (is_param_float(s, n->inputs[slot]))
		return want_weight(s, n, slot, axis, weight);
	want_act(s, n->inputs[slot]);
	return -1;
}

/* A node we can re-add with another output: no subgraph or tensor attrs. */
static bool reroutable(struct st *s, int vid)
{
	const struct gs_value *v = s->g->values[vid];
	const struct gs_node *p;

	if (v->producer < 0)
		return false;
	p = s->g->nodes[v->producer];
	return gs_fuse_clonable(p) && !gs_fuse_has_subgraphs(p);
}

static void place_relu(struct st *s, struct gs_node *n)
{
	int u = n->inputs[0], o = n->outputs[0];
	const struct gs_value *uv;

	if (u < 0 || o < 0 || !s->t[u].quant)
		return;		/* ORT keeps it, unquantized */
	uv = s->g->values[u];
	if (s->t[o].is_float && uv->kind == GS_VALUE_ACTIVATION && uv->n_uses == 1 &&
	    !uv->is_graph_output && !s->g->values[o]->is_graph_output && reroutable(s, u)) {
		s->t[u].quant = false;
		s->t[o].fused_from = u;
		s->n_folded++;
	}
	want_act(s, o);
}

static void place_conv(struct st *s, struct gs_node *n)
{
	const char *op = n->op_type;
	int axis = 0, wi;
	bool bias_ok = true;

	if (!strcmp(op, "ConvTranspose"))
		axis = 1;
	if (!strcmp(op, "Gemm")) {
		axis = gs_node_attr_int(n, "transB", 0) ? 0 : 1;
		/* the bias scale would carry alpha, the dequantized bias beta */
		bias_ok = gs_node_attr_float(n, "alpha", 1) == 1 && gs_node_attr_float(n, "beta", 1) == 1;
	}
	want_input(s, n, 0, -1, false);
	if (n->n_outputs > 0)
		want_act(s, n->outputs[0]);
	wi = want_input(s, n, 1, axis, true);
	if (wi >= 0 && bias_ok && n->n_inputs >= 3 && is_param_float(s, n->inputs[2]) &&
	    n->inputs[0] >= 0 && s->t[n->inputs[0]].quant) {
		GS_GROW(s->b, s->nb + 1, s->ba);
		s->b[s->nb].n = n;
		s->b[s->nb].x = n->inputs[0];
		s->b[s->nb++].w = wi;
	}
}

static void place(struct st *s)
{
	static const char *const direct[] = {
		"Reshape", "Transpose", "Squeeze", "Unsqueeze", "AveragePool", "MaxPool",
		"Resize", "TopK", NULL
	};
	static const char *const every[] = {
		"Add", "Mul", "Concat", "Softmax", "Sigmoid", "LeakyRelu", "GlobalAveragePool",
		"Pad", "ArgMax", "Where", NULL
	};
	struct gs_graph *g = s->g;
	int i, j;

	/* adjust_tensor_ranges: on the graph as it is */
	for (i = 0; i < g->n_topo; i++) {
		struct gs_node *n = g->nodes[g->topo[i]];

		if (n->domain[0] || n->n_inputs < 1 || n->n_outputs < 1 || n->inputs[0] < 0 ||
		    n->outputs[0] < 0)
			continue;
		if ((!strcmp(n->op_type, "Relu") || !strcmp(n->op_type, "Clip")) &&
		    g->values[n->inputs[0]]->n_uses == 1)
			s->t[n->inputs[0]].range_of = n->outputs[0];
		if (!strcmp(n->op_type, "Softmax"))
			s->t[n->outputs[0]].fixed01 = true;
	}
	for (i = 0; i < g->n_topo; i++) {
		struct gs_node *n = g->nodes[g->topo[i]];
		const char *op = n->op_type;

		if (n->domain[0] || n->n_inputs < 1)
			continue;
		if (!strcmp(op, "Conv") || !strcmp(op, "ConvTranspose") || !strcmp(op, "Gemm")) {
			place_conv(s, n);
		} else if (!strcmp(op, "MatMul")) {
			want_input(s, n, 0, 1, true);
			want_input(s, n, 1, 1, true);
			want_act(s, n->outputs[0]);
		} else if (!strcmp(op, "Relu") || !strcmp(op, "Clip")) {
			place_relu(s, n);
		} else if (in_list(op, direct)) {
			int in = n->inputs[0], out = n->outputs[0];

			if (!strcmp(op, "MaxPool") && gs_model_opset(s->m, "") < 12)
				continue;
			if (in >= 0 && out >= 0 && s->t[in].quant && s->t[out].is_float) {
				want_act(s, out);
				s->t[out].same_as = in;
			}
		} else if (in_list(op, every)) {
			for (j = 0; j < n->n_inputs; j++)
				want_input(s, n, j, -1, false);
			for (j = 0; j < n->n_outputs; j++)
				want_act(s, n->outputs[j]);
		}
	}
	/* a graph output is re-produced under another name: its producer
	 * must be one we can re-add */
	for (i = 0; i < s->nv; i++)
		if (s->t[i].quant && g->values[i]->is_graph_output && s->t[i].fused_from < 0 &&
		    !reroutable(s, i))
			s->t[i].quant = false;
}

/* the value whose calibrated range sets v's params */
static int range_source(struct st *s, int v)
{
	int hops;

	for (hops = 0; hops < s->nv && s->t[v].same_as >= 0; hops++)
		v = s->t[v].same_as;
	return s->t[v].range_of;
}

/* ---- edits ---- */

static int scalar_init(struct st *s, const char *name, const char *suffix, int dtype,
		       const void *val, size_t size)
{
	void *data = gs_xmalloc(size);

	memcpy(data, val, size);
	return gs_quant_new_init(s->g, gs_arena_printf(&s->m->arena, "%s%s", name, suffix), dtype,
				 0, NULL, data, size);
}

static int new_value_like(struct st *s, const struct gs_value *like, const char *name,
			  const char *suffix, int dtype)
{
	int64_t dims[GS_EVAL_MAX_RANK];
	int id = gs_graph_new_value(s->g, gs_arena_printf(&s->m->arena, "%s%s", name, suffix));
	int i, rank = like->rank <= GS_EVAL_MAX_RANK ? like->rank : -1;

	for (i = 0; i < rank; i++)
		dims[i] = like->dims ? like->dims[i].value : -1;
	if (rank >= 0)
		gs_value_set_type(s->g, s->g->values[id], dtype, rank, dims);
	return id;
}

static void qdq_activation(struct st *s, int v)
{
	struct gs_graph *g = s->g;
	struct tinfo *t = &s->t[v];
	const char *name = g->values[v]->name;
	uint8_t zp = (uint8_t)t->zp;
	int in[3], q_in, dq_out, qo, i;
	struct gs_use *uses = NULL;
	int n_uses = 0;
	char esc[256];

	in[1] = scalar_init(s, name, "_scale", GS_DTYPE_FLOAT, &t->scale, sizeof(float));
	in[2] = scalar_init(s, name, "_zero_point", s->act_dtype, &zp, 1);
	if (t->fused_from >= 0 || g->values[v]->is_graph_output) {
		int src = t->fused_from >= 0 ? t->fused_from : v;
		struct gs_node *p = g->nodes[g->values[src]->producer];
		int *outs = gs_xmalloc((size_t)p->n_outputs * sizeof(int));

		if (t->fused_from >= 0)
			gs_graph_remove_node(g, g->nodes[g->values[v]->producer]);
		q_in = new_value_like(s, g->values[v], name, "_QuantizeInput", GS_DTYPE_FLOAT);
		for (i = 0; i < p->n_outputs; i++)
			outs[i] = p->outputs[i] == src ? q_in : p->outputs[i];
		gs_graph_remove_node(g, p);
		gs_fuse_add_like(g, p, p->op_type, p->name, p->n_inputs, p->inputs, p->n_outputs, outs);
		free(outs);
		dq_out = v;
	} else {
		n_uses = g->values[v]->n_uses;
		uses = gs_xmalloc(((size_t)n_uses + 1) * sizeof(*uses));
		memcpy(uses, g->values[v]->uses, (size_t)n_uses * sizeof(*uses));
		q_in = v;
		dq_out = new_value_like(s, g->values[v], name, "_DequantizeLinear_Output",
					GS_DTYPE_FLOAT);
	}
	qo = new_value_like(s, g->values[v], name, "_QuantizeLinear_Output", s->act_dtype);
	in[0] = q_in;
	gs_graph_add_node(g, "QuantizeLinear", "", gs_arena_printf(&s->m->arena,
			  "%s_QuantizeLinear", name), 3, in, 1, &qo);
	in[0] = qo;
	gs_graph_add_node(g, "DequantizeLinear", "", gs_arena_printf(&s->m->arena,
			  "%s_DequantizeLinear", name), 3, in, 1, &dq_out);
	for (i = 0; i < n_uses; i++)
		gs_node_set_input(g, g->nodes[uses[i].node], uses[i].slot, dq_out);
	free(uses);
	s->n_q++;
	s->n_dq++;
	s->n_act++;
	gs_escape(name, esc, sizeof(esc));
	if (t->same_as >= 0) {
		char eb[256];

		say(s, "  activation %s: as %s -> %s scale %.6g zero point %d", esc,
		    gs_escape(g->values[range_source(s, v)]->name, eb, sizeof(eb)),
		    gs_dtype_name(s->act_dtype), t->scale, (int)t->zp);
	} else {
		char desc[64];

		say(s, "  activation %s: range [%.9g, %.9g] (%s%s%s) -> %s scale %.6g zero point %d",
		    esc, t->lo, t->hi, s->t[t->range_of].fixed01 ? "softmax [0, 1]" :
		    gs_calib_describe(&s->o->calib, desc, sizeof(desc)),
		    t->range_of != v ? ", of " : "",
		    t->range_of != v ? gs_escape(g->values[t->range_of]->name, desc, sizeof(desc)) : "",
		    gs_dtype_name(s->act_dtype), t->scale, (int)t->zp);
	}
}

/* Per channel (axis) or per tensor (axis -1) extremes -> ORT's params. */
static void weight_params(const float *w, const struct gs_tensor *p, int axis, int dtype, bool sym,
			  size_t *outer, size_t *channels, size_t *inner, float *scale, int32_t *zp)
{
	size_t i, n = (size_t)p->numel, c;
	int32_t qmin = 0, qmax = 0;
	float *mn, *mx;
	int d;

	*outer = 1;
	*channels = 1;
	*inner = n;
	if (axis >= 0) {
		for (d = 0; d < axis; d++)
			*outer *= (size_t)p->dims[d];
		*channels = (size_t)p->dims[axis];
		*inner = n / *outer / *channels;
	}
	mn = gs_xmalloc(*channels * sizeof(float));
	mx = gs_xmalloc(*channels * sizeof(float));
	for (c = 0; c < *channels; c++) {
		mn[c] = INFINITY;
		mx[c] = -INFINITY;
	}
	for (i = 0; i < n; i++) {
		c = (i / *inner) % *channels;
		mn[c] = w[i] < mn[c] ? w[i] : mn[c];
		mx[c] = w[i] > mx[c] ? w[i] : mx[c];
	}
	gs_quant_range(dtype, &qmin, &qmax);
	if (sym && qmin < 0)
		qmin = -qmax;	/* ORT's symmetric int8 range is [-127, 127] */
	for (c = 0; c < *channels; c++)
		gs_calib_scale_zp(mn[c], mx[c], qmin, qmax, sym, &scale[c], &zp[c]);
	free(mn);
	free(mx);
}

static int qdq_weight(struct st *s, struct wdec *d, struct gs_error *err)
{
	struct gs_graph *g = s->g;
	int vid = d->n->inputs[d->slot], in[3], out, j;
	const struct gs_tensor *p = gs_graph_param_of(g, vid);
	const char *name = g->values[vid]->name;
	size_t outer, channels, inner, n = (size_t)p->numel, c;
	float *w, *scale;
	int32_t *zp;
	uint8_t *q, *zq;
	int64_t cdim;
	double aa = 0, dd = 0;
	char esc[256], dims[64];

	/* shared with an earlier decision of the same kind: one DQ */
	for (j = 0; j < s->nw && &s->w[j] != d; j++) {
		struct wdec *e = &s->w[j];

		if (e->scales && e->vid == vid && e->axis == d->axis && e->dtype == d->dtype &&
		    e->sym == d->sym) {
			d->dq = e->dq;
			d->n_scales = e->n_scales;
			d->scales = gs_xmalloc((size_t)e->n_scales * sizeof(float));
			memcpy(d->scales, e->scales, (size_t)e->n_scales * sizeof(float));
			gs_node_set_input(g, d->n, d->slot, d->dq);
			gs_quant_drop_source(g, vid);
			return 0;
		}
	}
	d->vid = vid;
	if (!(w = gs_param_floats(s->m, p, err)))
		return -1;
	channels = d->axis >= 0 ? (size_t)p->dims[d->axis] : 1;
	scale = gs_xmalloc(channels * sizeof(float));
	zp = gs_xmalloc(channels * sizeof(int32_t));
	weight_params(w, p, d->axis, d->dtype, d->sym, &outer, &channels, &inner, scale, zp);
	q = gs_xmalloc(n ? n : 1);
	zq = gs_xmalloc(channels);
	gs_quant_apply(w, outer, channels, inner, d->dtype, scale, zp, q, &aa, &dd);
	for (c = 0; c < channels; c++)
		zq[c] = (uint8_t)zp[c];
	d->scales = gs_xmalloc(channels * sizeof(float));
	memcpy(d->scales, scale, channels * sizeof(float));
	d->n_scales = (int)channels;
	cdim = (int64_t)channels;
	in[0] = gs_quant_new_init(g, gs_arena_printf(&s->m->arena, "%s_quantized", name), d->dtype,
				  p->rank, p->dims, q, n);
	in[1] = gs_quant_new_init(g, gs_arena_printf(&s->m->arena, "%s_scale", name), GS_DTYPE_FLOAT,
				  d->axis >= 0, &cdim, scale, channels * sizeof(float));
	in[2] = gs_quant_new_init(g, gs_arena_printf(&s->m->arena, "%s_zero_point", name), d->dtype,
				  d->axis >= 0, &cdim, zq, channels);
	out = gs_graph_new_value(g, gs_arena_printf(&s->m->arena, "%s_DequantizeLinear_Output", name));
	gs_value_set_type(g, g->values[out], GS_DTYPE_FLOAT, p->rank, p->dims);
	gs_graph_add_node(g, "DequantizeLinear", "", gs_arena_printf(&s->m->arena,
			  "%s_DequantizeLinear", name), 3, in, 1, &out);
	if (d->axis >= 0)
		gs_node_set_attr_int(g, g->nodes[g->values[out]->producer], "axis", d->axis);
	gs_node_set_input(g, d->n, d->slot, out);
	gs_quant_drop_source(g, vid);
	d->dq = out;
	s->n_dq++;
	s->n_weights++;
	s->bytes_before += n * 4;
	s->bytes_after += n + channels * 5;
	say(s, "  weight %s [%s] %s %s: scale %.3g..%.3g, sqnr %.1f dB", gs_escape(name, esc,
	    sizeof(esc)), gs_quant_dims_str(p, dims, sizeof(dims)), gs_dtype_name(d->dtype),
	    d->axis >= 0 ? "per-channel" : "per-tensor", scale[0], scale[channels - 1],
	    dd > 0 && aa > 0 ? 10 * log10(aa / dd) : 99.0);
	free(w);
	free(zp);
	return 0;
}

static int qdq_bias(struct st *s, struct bdec *b, struct gs_error *err)
{
	struct gs_graph *g = s->g;
	struct wdec *w = &s->w[b->w];
	int vid = b->n->inputs[2], in[3], out;
	const struct gs_tensor *p = gs_graph_param_of(g, vid);
	const char *name = g->values[vid]->name;
	size_t n = (size_t)p->numel, i, k = (size_t)w->n_scales;
	float sx = s->t[b->x].scale, *f, *scale;
	int32_t *q, *zq;
	int64_t kd = (int64_t)k;
	char esc[256];

	if (!w->scales || (k > 1 && (p->rank != 1 || n != k)))
		return 0;	/* no weight scale, or not one per output channel */
	if (!(f = gs_param_floats(s->m, p, err)))
		return -1;
	scale = gs_xmalloc(k * sizeof(float));
	zq = gs_xcalloc(k, sizeof(int32_t));
	q = gs_xmalloc((n ? n : 1) * sizeof(int32_t));
	for (i = 0; i < k; i++)
		scale[i] = sx * w->scales[i];
	for (i = 0; i < n; i++) {
		float si = scale[k > 1 ? i : 0];
		float r = si > 0 ? rintf(f[i] / si) : 0;

		q[i] = r >= 2147483647.0f ? INT32_MAX : r <= -2147483648.0f ? INT32_MIN : (int32_t)r;
	}
	in[0] = gs_quant_new_init(g, gs_arena_printf(&s->m->arena, "%s_quantized", name),
				  GS_DTYPE_INT32, p->rank, p->dims, q, n * sizeof(int32_t));
	in[1] = gs_quant_new_init(g, gs_arena_printf(&s->m->arena, "%s_scale", name), GS_DTYPE_FLOAT,
				  k > 1, &kd, scale, k * sizeof(float));
	in[2] = gs_quant_new_init(g, gs_arena_printf(&s->m->arena, "%s_zero_point", name),
				  GS_DTYPE_INT32, k > 1, &kd, zq, k * sizeof(int32_t));
	out = gs_graph_new_value(g, gs_arena_printf(&s->m->arena, "%s_DequantizeLinear_Output", name));
	gs_value_set_type(g, g->values[out], GS_DTYPE_FLOAT, p->rank, p->dims);
	gs_graph_add_node(g, "DequantizeLinear", "", gs_arena_printf(&s->m->arena,
			  "%s_DequantizeLinear", name), 3, in, 1, &out);
	if (k > 1)
		gs_node_set_attr_int(g, g->nodes[g->values[out]->producer], "axis", 0);
	gs_node_set_input(g, b->n, 2, out);
	gs_quant_drop_source(g, vid);
	s->n_dq++;
	s->n_bias++;
	s->bytes_before += n * 4;
	s->bytes_after += n * 4 + k * 8;
	say(s, "  bias %s [%zu] int32: scale s_x*s_w %.3g..%.3g", gs_escape(name, esc, sizeof(esc)),
	    n, scale[0], scale[k - 1]);
	free(f);
	return 0;
}

/* ---- the step ---- */

static int calibrate(struct st *s, struct gs_error *err)
{
	struct gs_sample_spec spec;
	struct gs_samples smp;
	struct gs_eval_observer obs = { node_done, s };
	struct gs_progress prog;
	struct gs_eval *ev;
	int64_t n, batch;
	bool hist = s->o->calib.method != GS_CALIB_MINMAX;
	char pb[256];
	int rc = -1, i;

	if (!(ev = gs_eval_new(s->m, err)))
		goto fail;
	memset(&spec, 0, sizeof(spec));
	spec.npz = s->o->data;
	if (gs_samples_load(ev, &spec, &smp, err)) {
		gs_eval_free(ev);
		goto fail;
	}
	if (check_data(ev, &smp, s->o->data, err))
		goto out;
	n = smp.n_samples;
	if (s->o->samples > 0 && s->o->samples < n)
		n = s->o->samples;
	batch = CALIB_BATCH;
	if (smp.batch < smp.n_samples) {
		/* the model takes a fixed batch: whole batches only */
		batch = smp.batch;
		n -= n % batch;
	}
	if (n <= 0) {
		gs_error_set(err, "cannot use '%s': it holds no samples",
			     gs_escape(s->o->data, pb, sizeof(pb)));
		goto out;
	}
	gs_eval_set_observer(ev, &obs);
	gs_progress_begin(&prog, "calibrating", hist ? 2 * n : n, "samples");
	s->pass = 1;
	if (run_pass(s, ev, &smp, n, batch, &prog, 0, err)) {
		gs_progress_end(&prog);
		goto out;
	}
	if (gs_graph_toposort(s->g, err)) {
		gs_progress_end(&prog);
		goto out;
	}
	place(s);
	for (i = 0; i < s->nv; i++) {
		int src;

		if (!s->t[i].quant)
			continue;
		src = range_source(s, i);
		if (hist && !s->t[src].want_hist) {
			s->t[src].want_hist = true;
			gs_calib_hist_init(&s->t[src].hist, &s->o->calib, &s->t[src].st);
		}
	}
	if (hist) {
		s->pass = 2;
		if (run_pass(s, ev, &smp, n, batch, &prog, n, err)) {
			gs_progress_end(&prog);
			goto out;
		}
	}
	gs_progress_end(&prog);
	say(s, "calibrated on %lld samples of '%s' with %s: %d pass%s in %.2f s, %.0f samples/s",
	    (long long)n, gs_escape(s->o->data, pb, sizeof(pb)),
	    gs_calib_describe(&s->o->calib, pb + 128, 128), hist ? 2 : 1, hist ? "es" : "",
	    gs_progress_elapsed(&prog), (double)(hist ? 2 * n : n) /
	    (gs_progress_elapsed(&prog) > 0 ? gs_progress_elapsed(&prog) : 1e-9));
	rc = 0;
out:
	gs_samples_release(&smp);
	gs_eval_free(ev);
fail:
	if (rc)
		gs_error_prefix(err, "quantize %s static", s->o->mode == GS_QUANT_INT8 ? "int8" : "uint8");
	return rc;
}

static void compute_params(struct st *s)
{
	int i;

	for (i = 0; i < s->nv; i++) {
		struct tinfo *t = &s->t[i];
		int src;

		if (!t->quant)
			continue;
		src = range_source(s, i);
		if (s->t[src].fixed01) {
			t->lo = 0;
			t->hi = 1;
		} else {
			gs_calib_range(&s->o->calib, &s->t[src].st,
				       s->t[src].want_hist ? &s->t[src].hist : NULL, &t->lo, &t->hi);
		}
		gs_calib_scale_zp(t->lo, t->hi, 0, 255, false, &t->scale, &t->zp);
	}
}

int gs_quant_static(struct gs_model *m, const struct gs_quant_opts *o,
		    gs_quant_report_fn report, void *ctx, struct gs_error *err)
{
	struct st s;
	char desc[96];
	int64_t need = o->per_channel ? 13 : 10;
	int i, rc = -1;

	if (!o->data)
		return gs_error_set(err, "quantize %s static: which data? --data FILE.npz",
				    o->mode == GS_QUANT_INT8 ? "int8" : "uint8");
	if (gs_quant_check_opset(m, need, err))
		return gs_error_prefix(err, "quantize %s", gs_quant_describe(o, desc, sizeof(desc)));
	memset(&s, 0, sizeof(s));
	s.report = report;
	s.ctx = ctx;
	/* converted first, so calibration and placement see the final ops; a
	 * failure below is reverted by the history with the rest of the step */
	{
		const char *conv = gs_quant_raise_opset(m, need);

		if (*conv)
			say(&s, "%s", conv);
	}
	s.m = m;
	s.g = m->graph;
	s.o = o;
	s.act_dtype = GS_DTYPE_UINT8;
	s.w_dtype = o->mode == GS_QUANT_INT8 ? GS_DTYPE_INT8 : GS_DTYPE_UINT8;
	s.nv = s.g->n_values;
	s.t = gs_xcalloc((size_t)s.nv + 1, sizeof(*s.t));
	for (i = 0; i < s.nv; i++) {
		s.t[i].range_of = i;
		s.t[i].same_as = -1;
		s.t[i].fused_from = -1;
	}
	if (calibrate(&s, err))
		goto out;
	compute_params(&s);
	if (!s.nw) {
		for (i = 0; i < s.nv && !s.t[i].quant; i++)
			;
		if (i == s.nv) {
			say(&s, "nothing to quantize: no op onnxruntime's QDQ format quantizes");
			rc = 0;
			goto out;
		}
	}
	/* weights and biases first: the activations' edits re-add nodes */
	for (i = 0; i < s.nw; i++)
		if (qdq_weight(&s, &s.w[i], err))
			goto out;
	for (i = 0; i < s.nb; i++)
		if (qdq_bias(&s, &s.b[i], err))
			goto out;
	for (i = 0; i < s.nv; i++)
		if (s.t[i].quant)
			qdq_activation(&s, i);
	say(&s, "quantized %d activation%s, %d weight%s, %d bias%s (%s): %d QuantizeLinear, "
	    "%d DequantizeLinear, %d Relu/Clip folded, opset %lld", s.n_act, s.n_act == 1 ? "" : "s",
	    s.n_weights, s.n_weights == 1 ? "" : "s", s.n_bias, s.n_bias == 1 ? "" : "es",
	    gs_quant_describe(o, desc, sizeof(desc)), s.n_q, s.n_dq, s.n_folded,
	    (long long)gs_model_opset(m, ""));
	rc = s.n_act + s.n_weights;
out:
	for (i = 0; i < s.nv; i++)
		gs_calib_hist_release(&s.t[i].hist);
	for (i = 0; i < s.nw; i++)
		free(s.w[i].scales);
	free(s.t);
	free(s.w);
	free(s.b);
	return rc;
}
