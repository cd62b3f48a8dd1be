/*
 * The tape: a forward run that keeps every activation, and a backward run
 * in reverse topological order through the rules of grad-rules.c.
 * Values are indexed by value id of the main graph.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/grad.h"
#include "graphsmith/ops.h"
#include "graphsmith/params.h"
#include "learn/grad-internal.h"

struct gs_grad {
	const struct gs_model *m;
	const struct gs_graph *g;
	int *order, n_order;		/* live nodes, topological */
	int64_t *opsets;		/* by node id */
	const struct gs_grad_rule **rules;	/* by node id, NULL: none */
	struct gs_etensor **vals;	/* by value id: forward tensors */
	struct gs_etensor **grads;	/* by value id: dL/dvalue */
	bool *req;			/* by value id: on a path from a trainable */
	int *param_of;			/* by value id: index in params, or -1 */
	struct gs_grad_param *params;
	int n_params;
	int *inputs, n_inputs;
	bool want_input_grads;
};

static bool all_params_out(const struct gs_graph *g, const struct gs_node *n)
{
	int i;

	for (i = 0; i < n->n_outputs; i++)
		if (n->outputs[i] < 0 || g->values[n->outputs[i]]->kind != GS_VALUE_PARAM)
			return false;
	return n->n_outputs > 0;
}

/* The prunable weight slot of n's op, -1 if none. */
static int weight_slot(const struct gs_node *n)
{
	return gs_op_weight_slot(n->domain ? n->domain : "", n->op_type, NULL, NULL);
}

static int add_param(struct gs_grad *gr, const struct gs_value *v, struct gs_error *err)
{
	struct gs_grad_param *p;
	float *f;

	if (!(f = gs_param_floats(gr->m, v->param, err)))
		return -1;
	gr->params = gs_xrealloc(gr->params, sizeof(*gr->params) * (size_t)(gr->n_params + 1));
	p = &gr->params[gr->n_params];
	memset(p, 0, sizeof(*p));
	p->tensor = v->param;
	p->value = v->id;
	if (!(p->w = gs_et_new(GS_DTYPE_FLOAT, v->param->rank, v->param->dims, err)) ||
	    !(p->g = gs_et_zeros(GS_DTYPE_FLOAT, v->param->rank, v->param->dims, err))) {
		gs_et_unref(p->w);
		free(f);
		return -1;
	}
	if (p->w->numel)
		memcpy(p->w->data, f, sizeof(float) * (size_t)p->w->numel);
	free(f);
	gr->param_of[v->id] = gr->n_params++;
	return 0;
}

/* Parameters, trainability, and which values need a gradient. */
static int setup_params(struct gs_grad *gr, struct gs_error *err)
{
	const struct gs_graph *g = gr->g;
	int i, j, k;

	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		gr->param_of[i] = -1;
		if (v->kind == GS_VALUE_PARAM && v->param && v->is_initializer &&
		    v->param->dtype == GS_DTYPE_FLOAT && add_param(gr, v, err) < 0)
			return -1;
	}
	for (i = 0; i < gr->n_params; i++) {
		struct gs_grad_param *p = &gr->params[i];
		const struct gs_value *v = g->values[p->value];

		for (j = 0; j < v->n_uses; j++) {
			const struct gs_node *n = g->nodes[v->uses[j].node];
			const struct gs_grad_rule *r = gr->rules[n->id];
			int slot = v->uses[j].slot;

			if (n->removed || !r || !(r->slots & (1u << slot)))
				continue;
			p->trainable = true;
			if (slot == weight_slot(n))
				p->masked = true;
		}
		gr->req[p->value] = p->trainable;
	}
	for (i = 0; i < gr->n_order; i++) {
		const struct gs_node *n = g->nodes[gr->order[i]];
		const struct gs_grad_rule *r = gr->rules[n->id];
		bool any = false;

		for (k = 0; k < n->n_inputs; k++)
			if (n->inputs[k] >= 0 && gr->req[n->inputs[k]] && (!r || (r->slots & (1u << k))))
				any = true;
		for (k = 0; any && k < n->n_outputs; k++)
			if (n->outputs[k] >= 0)
				gr->req[n->outputs[k]] = true;
	}
	return 0;
}

struct gs_grad *gs_grad_new(const struct gs_model *m, struct gs_error *err)
{
	struct gs_graph *g = m->graph;
	struct gs_grad *gr;
	int i;

	if (!g->topo_valid && gs_graph_toposort(g, err) < 0)
		return NULL;
	gr = gs_xcalloc(1, sizeof(*gr));
	gr->m = m;
	gr->g = g;
	gr->order = gs_xcalloc((size_t)g->n_topo + 1, sizeof(int));
	gr->opsets = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(int64_t));
	gr->rules = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(*gr->rules));
	gr->vals = gs_xcalloc((size_t)g->n_values + 1, sizeof(*gr->vals));
	gr->grads = gs_xcalloc((size_t)g->n_values + 1, sizeof(*gr->grads));
	gr->req = gs_xcalloc((size_t)g->n_values + 1, sizeof(bool));
	gr->param_of = gs_xcalloc((size_t)g->n_values + 1, sizeof(int));
	gr->inputs = gs_xcalloc((size_t)g->n_inputs + 1, sizeof(int));
	for (i = 0; i < g->n_topo; i++) {
		const struct gs_node *n = g->nodes[g->topo[i]];
		const char *dom = n->domain ? n->domain : "";
		const struct gs_op *op;
		char b1[128], b2[64];

		if (n->removed || all_params_out(g, n))
			continue;
		gr->opsets[n->id] = gs_model_opset(m, dom);
		if (!gr->opsets[n->id] && !*dom)
			gr->opsets[n->id] = gs_model_opset(m, "ai.onnx");
		op = gs_op_find(dom, n->op_type, gr->opsets[n->id]);
		if (!op || !op->kernel) {
			gs_error_set(err, "node '%s' (%s): the evaluator has no kernel",
				     gs_escape(n->name ? n->name : "", b1, sizeof(b1)),
				     gs_escape(n->op_type, b2, sizeof(b2)));
			goto fail;
		}
		gr->rules[n->id] = gs_grad_rule_find(dom, n->op_type);
		gr->order[gr->n_order++] = n->id;
	}
	for (i = 0; i < g->n_inputs; i++)
		if (g->values[g->inputs[i]]->kind == GS_VALUE_INPUT)
			gr->inputs[gr->n_inputs++] = g->inputs[i];
	if (setup_params(gr, err) < 0)
		goto fail;
	/* frozen parameters and Constants: the evaluator's view, read once */
	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		if (gr->param_of[i] >= 0)
			gr->vals[i] = gs_et_ref(gr->params[gr->param_of[i]].w);
		else if (v->kind == GS_VALUE_PARAM && v->param &&
			 !(gr->vals[i] = gs_et_from_param(m, v->param, err)))
			goto fail;
	}
	return gr;
fail:
	gs_grad_free(gr);
	return NULL;
}

static void drop_activations(struct gs_grad *gr, bool values_too)
{
	int i;

	for (i = 0; i < gr->g->n_values; i++) {
		if (gr->param_of[i] < 0) {
			gs_et_unref(gr->grads[i]);
			gr->grads[i] = NULL;
		}
		if (values_too && gr->g->values[i]->kind != GS_VALUE_PARAM) {
			gs_et_unref(gr->vals[i]);
			gr->vals[i] = NULL;
		}
	}
}

void gs_grad_free(struct gs_grad *gr)
{
	int i;

	if (!gr)
		return;
	for (i = 0; i < gr->g->n_values; i++) {
		gs_et_unref(gr->vals[i]);
		if (gr->param_of[i] < 0)
			gs_et_unref(gr->grads[i]);
	}
	for (i = 0; i < gr->n_params; i++) {
		gs_et_unref(gr->params[i].w);
		gs_et_unref(gr->params[i].g);
	}
	free(gr->params);
	free(gr->order);
	free(gr->opsets);
	free(gr->rules);
	free(gr->vals);
	free(gr->grads);
	free(gr->req);
	free(gr->param_of);
	free(gr->inputs);
	free(gr);
}

int gs_grad_n_params(const struct gs_grad *gr)
{
	return gr->n_params;
}

struct gs_grad_param *gs_grad_param_at(struct gs_grad *gr, int i)
{
	return i >= 0 && i < gr->n_params ? &gr->params[i] : NULL;
}

struct gs_grad_param *gs_grad_param_of(struct gs_grad *gr, const struct gs_tensor *t)
{
	int i;

	for (i = 0; i < gr->n_params; i++)
		if (gr->params[i].tensor == t)
			return &gr->params[i];
	return NULL;
}

int gs_grad_n_inputs(const struct gs_grad *gr)
{
	return gr->n_inputs;
}

const struct gs_value *gs_grad_input(const struct gs_grad *gr, int i)
{
	return gr->g->values[gr->inputs[i]];
}

int gs_grad_n_outputs(const struct gs_grad *gr)
{
	return gr->g->n_outputs;
}

void gs_grad_want_input_grads(struct gs_grad *gr, bool on)
{
	int i, k, j;

	gr->want_input_grads = on;
	for (i = 0; i < gr->n_inputs; i++)
		gr->req[gr->inputs[i]] = on;
	/* recompute what needs a gradient downstream */
	for (i = 0; i < gr->g->n_values; i++)
		if (gr->g->values[i]->kind == GS_VALUE_ACTIVATION)
			gr->req[i] = false;
	for (i = 0; i < gr->n_order; i++) {
		const struct gs_node *n = gr->g->nodes[gr->order[i]];
		const struct gs_grad_rule *r = gr->rules[n->id];
		bool any = false;

		for (k = 0; k < n->n_inputs; k++)
			if (n->inputs[k] >= 0 && gr->req[n->inputs[k]] && (!r || (r->slots & (1u << k))))
				any = true;
		for (j = 0; any && j < n->n_outputs; j++)
			if (n->outputs[j] >= 0)
				gr->req[n->outputs[j]] = true;
	}
}

int gs_grad_forward(struct gs_grad *gr, struct gs_etensor *const *inputs,
		    struct gs_etensor **outputs, struct gs_error *err)
{
	const struct gs_graph *g = gr->g;
	struct gs_etensor *in[64], *out[64];
	int i, k;

	drop_activations(gr, true);
	for (i = 0; i < gr->n_inputs; i++)
		gr->vals[gr->inputs[i]] = gs_et_ref(inputs[i]);
	for (i = 0; i < gr->n_order; i++) {
		const struct gs_node *n = g->nodes[gr->order[i]];

		if (n->n_inputs > 64 || n->n_outputs > 64)
			return gs_error_set(err, "node '%s': too many inputs for the gradient tape",
					    gs_escape(n->name ? n->name : "", (char[128]){ 0 }, 128));
		for (k = 0; k < n->n_inputs; k++)
			in[k] = n->inputs[k] >= 0 ? gr->vals[n->inputs[k]] : NULL;
		if (gs_eval_node(gr->m, g, n, in, out, err) < 0)
			return -1;
		for (k = 0; k < n->n_outputs; k++) {
			if (n->outputs[k] >= 0 && g->values[n->outputs[k]]->kind != GS_VALUE_PARAM) {
				gs_et_unref(gr->vals[n->outputs[k]]);
				gr->vals[n->outputs[k]] = out[k];
			} else {
				gs_et_unref(out[k]);
			}
		}
	}
	for (i = 0; outputs && i < g->n_outputs; i++)
		if (!(outputs[i] = gr->vals[g->outputs[i]]))
			return gs_error_set(err, "output %d was not computed", i);
	return 0;
}

void gs_grad_zero(struct gs_grad *gr)
{
	int i;

	for (i = 0; i < gr->n_params; i++)
		if (gr->params[i].g->numel)
			memset(gr->params[i].g->data, 0, sizeof(float) * (size_t)gr->params[i].g->numel);
}

/* The gradient buffer of value id, made (zeros) on first use. */
static struct gs_etensor *grad_of(struct gs_grad *gr, int id, struct gs_error *err)
{
	const struct gs_etensor *v = gr->vals[id];

	if (gr->param_of[id] >= 0)
		return gr->params[gr->param_of[id]].g;
	if (!gr->grads[id]) {
		if (!v || v->dtype != GS_DTYPE_FLOAT) {
			gs_error_set(err, "value '%s' is not float32: gradients are float32 only",
				     gs_escape(gr->g->values[id]->name, (char[128]){ 0 }, 128));
			return NULL;
		}
		gr->grads[id] = gs_et_zeros(GS_DTYPE_FLOAT, v->rank, v->dims, err);
	}
	return gr->grads[id];
}

static int backward_node(struct gs_grad *gr, const struct gs_node *n, struct gs_error *err)
{
	struct gs_etensor *in[64], *out[64], *gout[64], *gin[64];
	const struct gs_grad_rule *r = gr->rules[n->id];
	struct gs_grad_ctx c;
	bool any_out = false, any_in = false;
	int k;

	for (k = 0; k < n->n_outputs; k++) {
		out[k] = n->outputs[k] >= 0 ? gr->vals[n->outputs[k]] : NULL;
		gout[k] = n->outputs[k] >= 0 && gr->param_of[n->outputs[k]] < 0 ?
			gr->grads[n->outputs[k]] : NULL;
		any_out |= gout[k] != NULL;
	}
	for (k = 0; k < n->n_inputs; k++) {
		in[k] = n->inputs[k] >= 0 ? gr->vals[n->inputs[k]] : NULL;
		gin[k] = NULL;
		any_in |= n->inputs[k] >= 0 && gr->req[n->inputs[k]];
	}
	if (!any_out || !any_in)
		return 0;
	memset(&c, 0, sizeof(c));
	c.node = n;
	c.err = err;
	if (!r)
		return gs_grad_fail(&c, "no rule for this op (graphsmith differentiates Gemm, "
				    "MatMul, Conv, arithmetic, activations, pools, softmax, "
				    "BatchNormalization and reshaping ops)");
	for (k = 0; k < n->n_inputs; k++) {
		if (n->inputs[k] < 0 || !gr->req[n->inputs[k]] || !(r->slots & (1u << k)))
			continue;
		if (gr->param_of[n->inputs[k]] >= 0 &&
		    !gr->params[gr->param_of[n->inputs[k]]].trainable)
			continue;
		if (!(gin[k] = grad_of(gr, n->inputs[k], err)))
			return -1;
	}
	for (k = 0; k < n->n_outputs; k++)
		if (gout[k] && (!out[k] || out[k]->dtype != GS_DTYPE_FLOAT))
			return gs_grad_fail(&c, "output %d is not float32", k);
	c.opset = gr->opsets[n->id];
	c.n_in = n->n_inputs;
	c.in = in;
	c.n_out = n->n_outputs;
	c.out = out;
	c.gout = gout;
	c.gin = gin;
	return r->fn(&c);
}

int gs_grad_backward(struct gs_grad *gr, struct gs_etensor *const *gout, struct gs_error *err)
{
	const struct gs_graph *g = gr->g;
	int i;

	drop_activations(gr, false);
	for (i = 0; i < g->n_outputs; i++) {
		struct gs_etensor *dst;
		int64_t j;

		if (!gout[i] || !gr->req[g->outputs[i]])
			continue;
		if (!(dst = grad_of(gr, g->outputs[i], err)))
			return -1;
		if (gout[i]->numel != dst->numel || gout[i]->dtype != GS_DTYPE_FLOAT)
			return gs_error_set(err, "the gradient of output %d has %lld values, not %lld",
					    i, (long long)gout[i]->numel, (long long)dst->numel);
		for (j = 0; j < dst->numel; j++)
			gs_grad_f(dst)[j] += gs_grad_f(gout[i])[j];
	}
	for (i = gr->n_order - 1; i >= 0; i--) {
		const struct gs_node *n = g->nodes[gr->order[i]];
		int k;

		if (backward_node(gr, n, err) < 0)
			return -1;
		/* its outputs' gradients are spent */
		for (k = 0; k < n->n_outputs; k++)
			if (n->outputs[k] >= 0 && gr->param_of[n->outputs[k]] < 0 &&
			    !g->values[n->outputs[k]]->is_graph_output) {
				gs_et_unref(gr->grads[n->outputs[k]]);
				gr->grads[n->outputs[k]] = NULL;
			}
	}
	/* masks: a pruned weight gets no gradient */
	for (i = 0; i < gr->n_params; i++) {
		struct gs_grad_param *p = &gr->params[i];
		int64_t j;

		for (j = 0; p->masked && j < p->w->numel; j++)
			if (gs_grad_f(p->w)[j] == 0.0f)
				gs_grad_f(p->g)[j] = 0.0f;
	}
	return 0;
}

struct gs_etensor *gs_grad_input_grad(struct gs_grad *gr, int i)
{
	if (i < 0 || i >= gr->n_inputs)
		return NULL;
	return gr->grads[gr->inputs[i]];
}

int gs_grad_write_back(struct gs_grad *gr, struct gs_model *m, struct gs_error *err)
{
	int i, rc, changed = 0;

	for (i = 0; i < gr->n_params; i++) {
		struct gs_grad_param *p = &gr->params[i];

		if (!p->trainable)
			continue;
		if ((rc = gs_param_set_floats(m, p->tensor, gs_grad_f(p->w), err)) < 0)
			return -1;
		changed += rc;
	}
	return changed;
}
