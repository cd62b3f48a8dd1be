/*
 * Model-level fusion: several models in one ONNX graph with their outputs
 * combined (TRANSFER.md section 2.2).  The inputs are shared (by name,
 * else by position, adapters where a member expects another type); each
 * member's graph is imported under its own prefix; output j of every
 * member is combined into one output: weighted mean, weighted mean of
 * softmaxes, weighted majority vote, or concatenation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"
#include "graphsmith/convert.h"
#include "graphsmith/onnx.h"
#include "graphsmith/params.h"

int gs_ensemble_combine_parse(const char *s)
{
	static const char *const names[] = { "mean", "softmax-mean", "vote", "concat" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

struct gs_model *gs_combine_new_model(const struct gs_model *proto, const char *graph_name)
{
	struct gs_model *m = gs_model_new();
	int i;

	m->ir_version = proto->ir_version;
	m->n_opsets = proto->n_opsets;
	m->opsets = gs_arena_alloc(&m->arena, sizeof(*m->opsets) * (size_t)(proto->n_opsets + 1));
	for (i = 0; i < proto->n_opsets; i++) {
		m->opsets[i].domain = gs_arena_strdup(&m->arena, proto->opsets[i].domain);
		m->opsets[i].version = proto->opsets[i].version;
	}
	m->opsets_dirty = true;
	m->producer_name = "graphsmith";
	m->producer_version = "";
	m->graph = gs_graph_new(m, NULL, gs_arena_strdup(&m->arena, graph_name));
	return m;
}

struct gs_model *gs_combine_at_opset(const struct gs_model *m, int64_t opset, struct gs_error *err)
{
	struct gs_model *c;
	char e[256];

	err->msg[0] = 0;
	if (gs_model_opset(m, "") == opset)
		return NULL;
	if (!m->path) {
		gs_error_set(err, "a model at opset %lld cannot join one at opset %lld: convert it "
			     "first", (long long)gs_model_opset(m, ""), (long long)opset);
		return NULL;
	}
	if (!(c = gs_onnx_load(m->path, NULL, err)))
		return NULL;
	if (gs_convert_opset(c, opset, 0, NULL, NULL, err) < 0) {
		gs_error_prefix(err, "'%s' cannot be brought to opset %lld",
				gs_escape(m->path, e, sizeof(e)), (long long)opset);
		gs_model_free(c);
		return NULL;
	}
	return c;
}

/* bind[i] for member input i: the ensemble input of the same name, else
 * the one at its position, through adapters when the types differ. */
static int bind_inputs(struct gs_graph *g, const int *ens, int n_ens, const struct gs_model *m,
		       int k, int *bind, gs_combine_report_fn report, void *ctx, struct gs_error *err)
{
	const struct gs_graph *mg = m->graph;
	int i, pos = 0, j;
	char why[512], e1[128], plan_s[256];

	for (i = 0; i < mg->n_inputs; i++) {
		const struct gs_value *v = mg->values[mg->inputs[i]];
		struct gs_adapter_plan plan;
		int src = -1;

		bind[i] = -1;
		if (v->is_initializer)
			continue;
		for (j = 0; j < n_ens && src < 0; j++)
			if (!strcmp(g->values[ens[j]]->name, v->name))
				src = ens[j];
		if (src < 0 && pos < n_ens)
			src = ens[pos];
		pos++;
		if (src < 0)
			return gs_error_set(err, "model %d input '%s' has no counterpart among the first "
					    "model's %d inputs", k + 1, gs_escape(v->name, e1, sizeof(e1)),
					    n_ens);
		if (gs_adapter_plan(g->values[src], v, &plan, why, sizeof(why)))
			return gs_error_set(err, "model %d input '%s': %s", k + 1,
					    gs_escape(v->name, e1, sizeof(e1)), why);
		if (plan.n_steps) {
			char hint[160];

			gs_adapter_describe(&plan, plan_s, sizeof(plan_s));
			gs_combine_say(report, ctx, "model %d input '%s' <- '%s' through %s", k + 1, v->name,
			    g->values[src]->name, plan_s);
			snprintf(hint, sizeof(hint), "m%d/%s", k + 1, v->name);
			if ((src = gs_adapter_apply(g, &plan, src, hint, err)) < 0)
				return -1;
		}
		bind[i] = src;
	}
	return 0;
}

/* A fresh tensor of n float values in dtype (float32/64, float16, bf16),
 * encoded here: journaling the bytes of a tensor no graph holds yet would
 * only give undo an orphan to restore. */
static struct gs_tensor *float_tensor(struct gs_model *m, int dtype, int rank, const int64_t *dims,
				      const float *v, int n)
{
	struct gs_tensor *t = gs_tensor_new(m, NULL, dtype, rank, dims);
	size_t es = (size_t)gs_dtype_bits(dtype) / 8;
	unsigned char *data = gs_xcalloc((size_t)n + 1, es ? es : 1);
	int i;

	for (i = 0; i < n; i++) {
		if (dtype == GS_DTYPE_FLOAT) {
			memcpy(data + 4 * i, &v[i], 4);
		} else if (dtype == GS_DTYPE_DOUBLE) {
			double d = v[i];

			memcpy(data + 8 * i, &d, 8);
		} else {
			uint16_t h = dtype == GS_DTYPE_FLOAT16 ? gs_float_to_half(v[i]) :
				     gs_float_to_bf16(v[i]);

			memcpy(data + 2 * i, &h, 2);
		}
	}
	t->data = data;
	t->nbytes = es * (size_t)n;
	t->store = GS_STORE_HEAP;
	return t;
}

static int weight_const(struct gs_graph *g, int dtype, double w, const char *hint)
{
	float f = (float)w;

	return gs_graph_new_param(g, hint, float_tensor(g->model, dtype, 0, NULL, &f, 1));
}

/* sum_k w_k * y_k (y_k softmaxed first, or one-hot votes) */
static int weighted_sum(struct gs_graph *g, const int *ys, int n, const double *w, int dtype,
			const char *hint)
{
	int *terms = gs_xmalloc(sizeof(int) * (size_t)(n + 1));
	char h[256];
	int k, out;

	for (k = 0; k < n; k++) {
		int in[2] = { ys[k], -1 };

		snprintf(h, sizeof(h), "%s/w%d", hint, k + 1);
		in[1] = weight_const(g, dtype, w[k], h);
		terms[k] = gs_combine_node(g, "Mul", 2, in, h, NULL);
	}
	out = gs_combine_node(g, "Sum", n, terms, hint, NULL);
	free(terms);
	return out;
}

static void set_like(struct gs_graph *g, int id, const struct gs_value *y, int dtype, int drop_last,
		     int64_t last)
{
	struct gs_dim d[GS_ADAPT_MAX_RANK];
	int rank = y->rank, i;

	if (rank < 0 || rank > GS_ADAPT_MAX_RANK) {
		gs_value_copy_type(g, g->values[id], dtype, -1, NULL);
		return;
	}
	for (i = 0; i < rank; i++)
		d[i] = y->dims[i];
	if (drop_last)
		rank--;
	else if (rank && last)
		d[rank - 1].value = last, d[rank - 1].param = NULL;
	gs_value_copy_type(g, g->values[id], dtype, rank, d);
}

static int combine_one(struct gs_graph *g, int *ys, int n, const double *w,
		       enum gs_ensemble_combine how, const char *name, int *outs, int *n_outs,
		       gs_combine_report_fn report, void *ctx, struct gs_error *err)
{
	const struct gs_value *y0 = g->values[ys[0]];
	int dtype = y0->dtype, rank = y0->rank, k, out;
	int64_t axis = rank > 0 ? rank - 1 : -1, last = 0;
	char why[512], hint[256], e1[128];

	for (k = 1; k < n; k++) {
		struct gs_adapter_plan plan;
		const struct gs_value *yk = g->values[ys[k]];

		if (how == GS_ENSEMBLE_CONCAT) {
			if (yk->rank != rank)
				return gs_error_set(err, "output '%s': model %d gives rank %d, model 1 "
						    "rank %d: cannot concatenate",
						    gs_escape(name, e1, sizeof(e1)), k + 1, yk->rank, rank);
			continue;
		}
		if (gs_adapter_plan(yk, y0, &plan, why, sizeof(why)))
			return gs_error_set(err, "output '%s' of model %d does not combine with model "
					    "1's: %s", gs_escape(name, e1, sizeof(e1)), k + 1, why);
		if (plan.n_steps) {
			char ps[256];

			gs_adapter_describe(&plan, ps, sizeof(ps));
			gs_combine_say(report, ctx, "model %d output '%s' through %s", k + 1, name, ps);
			snprintf(hint, sizeof(hint), "m%d/%s", k + 1, name);
			if ((ys[k] = gs_adapter_apply(g, &plan, ys[k], hint, err)) < 0)
				return -1;
		}
	}
	if (how != GS_ENSEMBLE_CONCAT && !gs_param_is_trainable_dtype(dtype))
		return gs_error_set(err, "output '%s' is %s: mean, softmax-mean and vote need float "
				    "outputs", gs_escape(name, e1, sizeof(e1)),
				    dtype ? gs_dtype_name(dtype) : "of unknown type");
	snprintf(hint, sizeof(hint), "ensemble/%s", name);
	switch (how) {
	case GS_ENSEMBLE_MEAN:
		if ((out = weighted_sum(g, ys, n, w, dtype, name)) < 0)
			return -1;
		set_like(g, out, y0, dtype, 0, 0);
		outs[(*n_outs)++] = out;
		break;
	case GS_ENSEMBLE_SOFTMAX_MEAN: {
		int *sm = gs_xmalloc(sizeof(int) * (size_t)n);
		struct gs_node *node;

		for (k = 0; k < n; k++) {
			char h[300];

			snprintf(h, sizeof(h), "%s/softmax%d", hint, k + 1);
			sm[k] = gs_combine_node(g, "Softmax", 1, &ys[k], h, &node);
			gs_node_set_attr_int(g, node, "axis", axis);
		}
		out = weighted_sum(g, sm, n, w, dtype, name);
		free(sm);
		if (out < 0)
			return -1;
		set_like(g, out, y0, dtype, 0, 0);
		outs[(*n_outs)++] = out;
		break;
	}
	case GS_ENSEMBLE_VOTE: {
		int *oh = gs_xmalloc(sizeof(int) * (size_t)n), in[3], votes;
		int64_t depth;
		struct gs_node *node;
		float vals[2] = { 0, 1 };

		if (rank < 1 || !(depth = y0->dims[rank - 1].value) || depth < 0 ||
		    y0->dims[rank - 1].param) {
			free(oh);
			return gs_error_set(err, "output '%s': vote needs the class count (the last "
					    "dim) known", gs_escape(name, e1, sizeof(e1)));
		}
		if (gs_model_opset(g->model, "") < 11) {
			free(oh);
			return gs_error_set(err, "vote needs opset 11 or newer (OneHot, ArgMax with "
					    "negative axes): convert the models first");
		}
		in[1] = gs_combine_const_i64(g, "ensemble/depth", 1, &depth, true);
		in[2] = gs_graph_new_param(g, "ensemble/off_on",
					   float_tensor(g->model, dtype, 1, (int64_t[]){ 2 }, vals, 2));
		for (k = 0; k < n; k++) {
			char h[300];

			snprintf(h, sizeof(h), "%s/argmax%d", hint, k + 1);
			in[0] = gs_combine_node(g, "ArgMax", 1, &ys[k], h, &node);
			gs_node_set_attr_int(g, node, "axis", axis);
			gs_node_set_attr_int(g, node, "keepdims", 0);
			snprintf(h, sizeof(h), "%s/onehot%d", hint, k + 1);
			oh[k] = gs_combine_node(g, "OneHot", 3, in, h, &node);
			gs_node_set_attr_int(g, node, "axis", -1);
		}
		snprintf(hint, sizeof(hint), "%s_votes", name);
		votes = weighted_sum(g, oh, n, w, dtype, hint);
		free(oh);
		if (votes < 0)
			return -1;
		set_like(g, votes, y0, dtype, 0, 0);
		out = gs_combine_node(g, "ArgMax", 1, &votes, name, &node);
		gs_node_set_attr_int(g, node, "axis", axis);
		gs_node_set_attr_int(g, node, "keepdims", 0);
		set_like(g, out, y0, GS_DTYPE_INT64, 1, 0);
		outs[(*n_outs)++] = out;
		outs[(*n_outs)++] = votes;
		break;
	}
	case GS_ENSEMBLE_CONCAT: {
		struct gs_node *node;

		for (k = 0; k < n; k++) {
			const struct gs_value *yk = g->values[ys[k]];

			if (yk->rank < 1 || yk->dims[rank - 1].value < 0 || yk->dims[rank - 1].param) {
				last = 0;
				break;
			}
			last += yk->dims[rank - 1].value;
		}
		out = gs_adapter_concat(g, ys, n, (int)axis, dtype, hint);
		/* the concat's own value, named like the output */
		out = gs_combine_node(g, "Identity", 1, &out, name, &node);
		set_like(g, out, y0, dtype, 0, last);
		outs[(*n_outs)++] = out;
		break;
	}
	}
	return 0;
}

int gs_ensemble(struct gs_model *dst, bool in_place, struct gs_model *const *members, int n,
		const double *weights, enum gs_ensemble_combine how,
		gs_combine_report_fn report, void *ctx, struct gs_error *err)
{
	struct gs_graph *g = dst->graph;
	const struct gs_graph *g0 = members[0]->graph;
	int64_t opset = gs_model_opset(members[0], "");
	int n_out = g0->n_outputs, *ens, n_ens = 0, **ys, *outs = NULL, n_outs = 0, i, k, rc = -1;
	double *w = gs_xmalloc(sizeof(double) * (size_t)n), sum = 0;

	if (n < 2) {
		free(w);
		return gs_error_set(err, "an ensemble needs at least two models");
	}
	for (k = 0; k < n; k++) {
		w[k] = weights ? weights[k] : 1.0;
		if (!(w[k] >= 0)) {
			gs_error_set(err, "weight %d is %g: weights must be >= 0", k + 1, w[k]);
			free(w);
			return -1;
		}
		sum += w[k];
	}
	if (!(sum > 0)) {
		free(w);
		return gs_error_set(err, "the weights sum to 0");
	}
	for (k = 0; k < n; k++)
		w[k] /= sum;
	ens = gs_xmalloc(sizeof(int) * (size_t)(g0->n_inputs + 1));
	ys = gs_xcalloc((size_t)n, sizeof(*ys));
	if (in_place) {
		n_ens = gs_combine_real_inputs(g, ens);
	} else {
		int *ids = gs_xmalloc(sizeof(int) * (size_t)(g0->n_inputs + 1));
		int n0 = gs_combine_real_inputs(g0, ids);

		for (i = 0; i < n0; i++) {
			const struct gs_value *v = g0->values[ids[i]];

			ens[n_ens++] = gs_graph_add_input(g, v->name, v->dtype, v->rank, v->dims);
		}
		free(ids);
	}
	for (k = 0; k < n; k++) {
		struct gs_model *conv = NULL;
		const struct gs_model *m = members[k];
		int *bind;
		char prefix[32];

		if (m->graph->n_outputs != n_out) {
			gs_error_set(err, "model %d has %d outputs, model 1 has %d", k + 1,
				     m->graph->n_outputs, n_out);
			goto out;
		}
		ys[k] = gs_xmalloc(sizeof(int) * (size_t)(n_out + 1));
		if (in_place && k == 0) {
			memcpy(ys[k], g->outputs, sizeof(int) * (size_t)n_out);
			continue;
		}
		if ((conv = gs_combine_at_opset(m, opset, err)))
			m = conv;
		else if (err->msg[0])
			goto out;
		if (conv)
			gs_combine_say(report, ctx, "model %d converted to opset %lld", k + 1, (long long)opset);
		bind = gs_xmalloc(sizeof(int) * (size_t)(m->graph->n_inputs + 1));
		snprintf(prefix, sizeof(prefix), "m%d/", k + 1);
		rc = bind_inputs(g, ens, n_ens, m, k, bind, report, ctx, err);
		if (!rc)
			rc = gs_model_import(dst, m, prefix, bind, ys[k], err);
		free(bind);
		gs_model_free(conv);
		if (rc)
			goto out;
		rc = -1;
	}
	outs = gs_xmalloc(sizeof(int) * (size_t)(2 * n_out + 1));
	for (i = 0; i < n_out; i++) {
		int *col = gs_xmalloc(sizeof(int) * (size_t)n);
		const char *name = g0->values[g0->outputs[i]]->name;
		int r;

		for (k = 0; k < n; k++)
			col[k] = ys[k][i];
		r = combine_one(g, col, n, w, how, name, outs, &n_outs, report, ctx, err);
		free(col);
		if (r)
			goto out;
		gs_combine_say(report, ctx, "output '%s': %s of %d models", g->values[outs[n_outs - 1 -
		    (how == GS_ENSEMBLE_VOTE)]]->name,
		    (const char *[]){ "weighted mean", "weighted mean of softmaxes",
				      "weighted majority vote", "concatenation" }[how], n);
	}
	gs_graph_set_outputs(g, n_outs, outs);
	rc = 0;
out:
	for (k = 0; k < n; k++)
		free(ys[k]);
	free(ys);
	free(ens);
	free(outs);
	free(w);
	return rc;
}

/* "0.5,0.25,1" into w[0..n); -1 on anything else. */
int gs_combine_parse_weights(const char *s, double *w, int n)
{
	int k = 0;
	char *end;

	while (k < n) {
		errno = 0;
		w[k++] = strtod(s, &end);
		if (errno || end == s)
			return -1;
		if (!*end)
			break;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
	return k == n && !*end ? 0 : -1;
}
