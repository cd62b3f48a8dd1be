/* Running a plan: one frame per graph being executed (the main graph, or
 * an If/Loop/Scan body inside its owner's frame), node by node in the
 * plan's order, each tensor dropped right after its last reader. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/onnx.h"
#include "eval/internal.h"

struct frame {
	struct gs_eval *ev;
	struct eval_plan *plan;
	struct frame *parent;
	struct gs_etensor **vals;	/* by value id: activations and inputs */
	int *left;			/* by value id: reads still to come */
};

static const char *esc(const char *s, char *buf, size_t len)
{
	return gs_escape(s ? s : "", buf, len);
}

/* ---- what kernels call ---- */

int gs_kernel_fail(struct gs_kernel_ctx *k, const char *fmt, ...)
{
	char msg[768], b1[128], b2[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gs_error_set(k->err, "node '%s' (%s): %s", esc(k->node->name, b1, sizeof(b1)),
			    esc(k->node->op_type, b2, sizeof(b2)), msg);
}

struct gs_etensor *gs_kernel_out(struct gs_kernel_ctx *k, int i, int dtype, int rank,
				 const int64_t *dims)
{
	struct gs_error e;
	struct gs_etensor *t;

	if (i < 0 || i >= k->n_out) {
		gs_kernel_fail(k, "has no output %d", i);
		return NULL;
	}
	t = gs_et_new(dtype, rank, dims, &e);
	if (!t) {
		gs_kernel_fail(k, "output %d: %s", i, e.msg);
		return NULL;
	}
	gs_et_unref(k->out[i]);
	k->out[i] = t;
	return t;
}

void gs_kernel_out_alias(struct gs_kernel_ctx *k, int i, struct gs_etensor *t, int rank,
			 const int64_t *dims)
{
	if (i < 0 || i >= k->n_out)
		return;
	gs_et_unref(k->out[i]);
	k->out[i] = gs_et_alias(t, rank, dims);
}

/* ---- frames ---- */

static struct gs_etensor *lookup(struct frame *f, int value_id, struct gs_error *err);

/* An outer-scope value: the enclosing frame whose graph owns it. */
static struct gs_etensor *lookup_outer(struct frame *f, const struct gs_value *v,
				       struct gs_error *err)
{
	char b[128];

	for (f = f->parent; f; f = f->parent) {
		const struct gs_graph *g = f->plan->g;

		if (v->id >= 0 && v->id < g->n_values && g->values[v->id] == v)
			return lookup(f, v->id, err);
	}
	gs_error_set(err, "outer-scope value '%s' is not in any enclosing graph",
		     esc(v->name, b, sizeof(b)));
	return NULL;
}

static struct gs_etensor *lookup(struct frame *f, int value_id, struct gs_error *err)
{
	const struct gs_value *v = f->plan->g->values[value_id];
	char b[128];

	switch (v->kind) {
	case GS_VALUE_PARAM:
		return gs_eval_param(f->ev, f->plan, value_id, err);
	case GS_VALUE_OUTER:
		return lookup_outer(f, v->outer, err);
	default:
		if (!f->vals[value_id]) {
			/* a graph input with an initializer as its default */
			if (v->param)
				return gs_eval_param(f->ev, f->plan, value_id, err);
			gs_error_set(err, "value '%s' is read before it is computed",
				     esc(v->name, b, sizeof(b)));
		}
		return f->vals[value_id];
	}
}

static void drop_read(struct frame *f, int value_id)
{
	if (--f->left[value_id] <= 0 && !f->plan->is_output[value_id]) {
		gs_et_unref(f->vals[value_id]);
		f->vals[value_id] = NULL;
	}
}

static bool wants_float32(int dtype)
{
	return dtype == GS_DTYPE_FLOAT16 || dtype == GS_DTYPE_BFLOAT16 || dtype == GS_DTYPE_DOUBLE;
}

/* The shape a run produced for value v, kept in the IR for the views. */
static void record_shape(struct gs_eval *ev, struct gs_value *v, const struct gs_etensor *t)
{
	if (!ev->record_shapes || !t)
		return;
	if (!v->has_inferred || v->inferred_rank < t->rank)
		v->inferred_dims = gs_arena_alloc(&ev->m->arena,
						  sizeof(int64_t) * ((size_t)t->rank + 1));
	v->inferred_rank = t->rank;
	if (t->rank)
		memcpy(v->inferred_dims, t->dims, sizeof(int64_t) * (size_t)t->rank);
	v->has_inferred = true;
}

/* A node the caller's cache answers (gs_eval_set_reuse). */
static int reuse(struct frame *f, int node_id)
{
	struct gs_graph *g = f->plan->g;
	struct gs_node *n = g->nodes[node_id];
	int i, v;

	for (i = 0; i < n->n_outputs; i++) {
		if ((v = n->outputs[i]) < 0 || !f->ev->reuse_cached[v])
			continue;
		gs_et_unref(f->vals[v]);
		f->vals[v] = gs_et_ref(f->ev->reuse_cached[v]);
		record_shape(f->ev, g->values[v], f->vals[v]);
		if (f->left[v] <= 0 && !f->plan->is_output[v]) {
			gs_et_unref(f->vals[v]);
			f->vals[v] = NULL;
		}
	}
	for (i = 0; i < n->n_inputs; i++)
		if (n->inputs[i] >= 0)
			drop_read(f, n->inputs[i]);
	for (i = 0; f->plan->implicit[node_id] && f->plan->implicit[node_id][i] >= 0; i++)
		drop_read(f, f->plan->implicit[node_id][i]);
	return 0;
}

/* An absorbed node: its output is its input, already transformed. */
static int pass_through(struct frame *f, int node_id, struct gs_error *err)
{
	struct gs_node *n = f->plan->g->nodes[node_id];
	int in = n->inputs[0], out = n->outputs[0];
	struct gs_etensor *t = lookup(f, in, err);

	if (!t)
		return -1;
	gs_et_unref(f->vals[out]);
	f->vals[out] = gs_et_ref(t);
	record_shape(f->ev, f->plan->g->values[out], t);
	drop_read(f, in);
	if (f->left[out] <= 0 && !f->plan->is_output[out]) {
		gs_et_unref(f->vals[out]);
		f->vals[out] = NULL;
	}
	return 0;
}

#define MAX_STACK_IO 16

/* A float64 tensor whose finite values all stay finite in float32. */
static bool fits_float32(const struct gs_etensor *t)
{
	const double *d = t->data;
	int64_t i;

	for (i = 0; i < t->numel; i++)
		if (isfinite(d[i]) && fabs(d[i]) > 3.4028234663852886e38)
			return false;
	return true;
}

/* Runs op's kernel for node n on in[] (borrowed) into out[] (new
 * references; out[] zeroed by the caller).  Float16/bfloat16/float64
 * inputs of GS_OP_FLOAT32 ops are computed in float32 and the outputs
 * converted back. */
static int call_kernel(struct gs_eval *ev, const struct gs_graph *g, const struct gs_node *n,
		       const struct gs_op *op, int64_t opset, struct gs_etensor **in_given,
		       struct gs_etensor **out, void *frame, unsigned epilogue,
		       struct gs_error *err)
{
	struct gs_etensor *in_stack[MAX_STACK_IO], *conv_stack[MAX_STACK_IO];
	struct gs_etensor **in, **conv;
	struct gs_kernel_ctx k;
	int i, rc = -1, back_dtype = 0;
	char b1[128], b2[64];

	in = n->n_inputs <= MAX_STACK_IO ? in_stack : gs_xcalloc((size_t)n->n_inputs, sizeof(*in));
	conv = n->n_inputs <= MAX_STACK_IO ? conv_stack :
		gs_xcalloc((size_t)n->n_inputs, sizeof(*conv));
	memset(conv, 0, sizeof(*conv) * (size_t)(n->n_inputs ? n->n_inputs : 1));
	for (i = 0; i < n->n_inputs; i++)
		in[i] = in_given[i];
	/* float outputs take the type of the first float input (the data),
	 * not of a side input such as Resize's roi */
	for (i = 0; (op->flags & GS_OP_FLOAT32) && i < n->n_inputs; i++)
		if (in[i] && gs_dtype_is_float(in[i]->dtype)) {
			back_dtype = wants_float32(in[i]->dtype) ? in[i]->dtype : 0;
			break;
		}
	for (i = 0; (op->flags & GS_OP_FLOAT32) && i < n->n_inputs; i++) {
		if (!in[i] || !wants_float32(in[i]->dtype))
			continue;
		if (in[i]->dtype == GS_DTYPE_DOUBLE && !fits_float32(in[i])) {
			gs_error_set(err, "node '%s' (%s): input %d holds float64 values beyond "
				     "float32's range, and this op computes in float32 (not "
				     "supported)", esc(n->name, b1, sizeof(b1)),
				     esc(n->op_type, b2, sizeof(b2)), i);
			goto out;
		}
		if (!(conv[i] = gs_et_convert(in[i], GS_DTYPE_FLOAT, err)))
			goto out;
		in[i] = conv[i];
	}
	memset(&k, 0, sizeof(k));
	k.ev = ev;
	k.graph = g;
	k.node = n;
	k.opset = opset;
	k.n_in = n->n_inputs;
	k.in = in;
	k.n_out = n->n_outputs;
	k.out = out;
	k.err = err;
	k.frame = frame;
	k.epilogue = epilogue;
	if (op->kernel(&k))
		goto out;
	for (i = 0; i < n->n_outputs; i++) {
		if (n->outputs[i] < 0)
			continue;
		if (!out[i]) {
			gs_kernel_fail(&k, "produced no output %d", i);
			goto out;
		}
		if (back_dtype && out[i]->dtype == GS_DTYPE_FLOAT) {
			struct gs_etensor *t = gs_et_convert(out[i], back_dtype, err);

			if (!t)
				goto out;
			gs_et_unref(out[i]);
			out[i] = t;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n->n_inputs; i++)
		gs_et_unref(conv[i]);
	if (in != in_stack)
		free(in);
	if (conv != conv_stack)
		free(conv);
	return rc;
}

int gs_eval_node(const struct gs_model *m, const struct gs_graph *g, const struct gs_node *n,
		 struct gs_etensor **in, struct gs_etensor **out, struct gs_error *err)
{
	const char *dom = n->domain ? n->domain : "";
	int64_t opset = gs_model_opset(m, dom);
	struct gs_graph *subs[1];
	const struct gs_op *op;
	char b1[128], b2[64];
	int i;

	if (!opset && !*dom)
		opset = gs_model_opset(m, "ai.onnx");
	op = gs_op_find(dom, n->op_type, opset);
	if (!op || !op->kernel)
		return gs_error_set(err, "node '%s' (%s, opset %lld): the evaluator has no kernel",
				    esc(n->name, b1, sizeof(b1)), esc(n->op_type, b2, sizeof(b2)),
				    (long long)opset);
	if (gs_node_subgraphs(n, subs, 1) > 0)
		return gs_error_set(err, "node '%s' (%s) holds a subgraph",
				    esc(n->name, b1, sizeof(b1)), esc(n->op_type, b2, sizeof(b2)));
	for (i = 0; i < n->n_outputs; i++)
		out[i] = NULL;
	if (call_kernel(NULL, g, n, op, opset, in, out, NULL, 0, err)) {
		for (i = 0; i < n->n_outputs; i++)
			gs_et_unref(out[i]), out[i] = NULL;
		return -1;
	}
	return 0;
}

static int run_node(struct frame *f, int node_id, struct gs_error *err)
{
	struct eval_plan *p = f->plan;
	struct gs_graph *g = p->g;
	struct gs_node *n = g->nodes[node_id];
	const struct gs_op *op = p->ops[node_id];
	struct gs_etensor *in_stack[MAX_STACK_IO], *out_stack[MAX_STACK_IO];
	struct gs_etensor **in, **out;
	int i, rc = -1;
	bool all_params = n->n_outputs > 0;

	for (i = 0; i < n->n_outputs; i++)
		if (n->outputs[i] < 0 || g->values[n->outputs[i]]->kind != GS_VALUE_PARAM)
			all_params = false;
	if (all_params)
		return 0;	/* a Constant the IR already holds as a parameter */
	if (!f->parent && f->ev->reuse_skip && f->ev->reuse_skip[node_id])
		return reuse(f, node_id);
	if (p->absorbed[node_id] && !f->ev->has_obs && !f->ev->reuse_skip)
		return pass_through(f, node_id, err);	/* its producer did the Relu */

	in = n->n_inputs <= MAX_STACK_IO ? in_stack : gs_xcalloc((size_t)n->n_inputs, sizeof(*in));
	out = n->n_outputs <= MAX_STACK_IO ? out_stack :
		gs_xcalloc((size_t)n->n_outputs, sizeof(*out));
	memset(out, 0, sizeof(*out) * (size_t)(n->n_outputs ? n->n_outputs : 1));
	for (i = 0; i < n->n_inputs; i++) {
		in[i] = NULL;
		if (n->inputs[i] >= 0 && !(in[i] = lookup(f, n->inputs[i], err)))
			goto out;
	}
	if (call_kernel(f->ev, g, n, op, p->opsets[node_id], in, out, f,
			f->ev->has_obs || f->ev->reuse_skip ? 0 : p->epilogue[node_id], err))
		goto out;
	if (f->ev->has_obs && f->ev->obs.node_done(f->ev->obs.ctx, g, n, out, err))
		goto out;
	for (i = 0; i < n->n_outputs; i++) {
		int v = n->outputs[i];

		if (v < 0)
			continue;
		record_shape(f->ev, g->values[v], out[i]);
		gs_et_unref(f->vals[v]);
		f->vals[v] = out[i];
		out[i] = NULL;
		if (f->left[v] <= 0 && !p->is_output[v]) {
			gs_et_unref(f->vals[v]);
			f->vals[v] = NULL;
		}
	}
	for (i = 0; i < n->n_inputs; i++)
		if (n->inputs[i] >= 0)
			drop_read(f, n->inputs[i]);
	for (i = 0; p->implicit[node_id] && p->implicit[node_id][i] >= 0; i++)
		drop_read(f, p->implicit[node_id][i]);
	rc = 0;
out:
	for (i = 0; i < n->n_outputs; i++)
		gs_et_unref(out[i]);
	if (in != in_stack)
		free(in);
	if (out != out_stack)
		free(out);
	return rc;
}

static void frame_init(struct frame *f, struct gs_eval *ev, struct eval_plan *p,
		       struct frame *parent)
{
	int n = p->g->n_values;

	f->ev = ev;
	f->plan = p;
	f->parent = parent;
	f->vals = gs_xcalloc((size_t)n + 1, sizeof(*f->vals));
	f->left = gs_xmalloc(sizeof(int) * ((size_t)n + 1));
	memcpy(f->left, p->reads, sizeof(int) * (size_t)n);
}

static void frame_release(struct frame *f)
{
	int i;

	for (i = 0; i < f->plan->g->n_values; i++)
		gs_et_unref(f->vals[i]);
	free(f->vals);
	free(f->left);
}

/* Runs f's graph with its inputs already bound; new references to the
 * graph outputs into outs. */
static int frame_run(struct frame *f, struct gs_etensor **outs, int n_outs, struct gs_error *err)
{
	const struct gs_graph *g = f->plan->g;
	int i;

	for (i = 0; i < f->plan->n_steps; i++)
		if (run_node(f, f->plan->steps[i], err))
			return -1;
	for (i = 0; i < n_outs && i < g->n_outputs; i++) {
		outs[i] = NULL;
		if (g->outputs[i] < 0)
			continue;
		outs[i] = gs_et_ref(lookup(f, g->outputs[i], err));
		if (!outs[i]) {
			while (i-- > 0)
				gs_et_unref(outs[i]), outs[i] = NULL;
			return -1;
		}
	}
	return 0;
}

static int check_input(const struct gs_value *v, const struct gs_etensor *t,
		       struct gs_error *err)
{
	char b[128], s1[256], s2[256];
	int d;

	if (v->dtype && v->dtype != t->dtype)
		return gs_error_set(err, "input '%s' is %s, the model expects %s",
				    esc(v->name, b, sizeof(b)), gs_dtype_name(t->dtype),
				    gs_dtype_name(v->dtype));
	if (v->rank >= 0 && v->rank != t->rank)
		goto bad_shape;
	for (d = 0; v->rank >= 0 && d < v->rank; d++)
		if (v->dims && v->dims[d].value >= 0 && !v->dims[d].param &&
		    v->dims[d].value != t->dims[d])
			goto bad_shape;
	return 0;
bad_shape:
	s2[0] = 0;
	if (v->rank >= 0) {
		size_t at = (size_t)snprintf(s2, sizeof(s2), "[");

		for (d = 0; d < v->rank && at < sizeof(s2); d++) {
			if (v->dims && v->dims[d].param)
				at += (size_t)snprintf(s2 + at, sizeof(s2) - at, "%s%s", d ? "," : "",
						       esc(v->dims[d].param, b, 64));
			else
				at += (size_t)snprintf(s2 + at, sizeof(s2) - at, "%s%lld", d ? "," : "",
						       (long long)(v->dims ? v->dims[d].value : -1));
		}
		if (at < sizeof(s2))
			snprintf(s2 + at, sizeof(s2) - at, "]");
	}
	return gs_error_set(err, "input '%s' has shape %s, the model expects %s",
			    esc(v->name, b, sizeof(b)), gs_format_dims(t->rank, t->dims, s1, sizeof(s1)),
			    s2);
}

int gs_eval_run(struct gs_eval *ev, struct gs_etensor *const *inputs,
		struct gs_etensor **outputs, struct gs_error *err)
{
	struct frame f;
	int i, rc;

	frame_init(&f, ev, ev->plans[0], NULL);
	for (i = 0; i < ev->n_inputs; i++) {
		const struct gs_value *v = ev->m->graph->values[ev->inputs[i]];

		if (!inputs[i]) {
			char b[128];

			frame_release(&f);
			return gs_error_set(err, "input '%s' is missing", esc(v->name, b, sizeof(b)));
		}
		if (check_input(v, inputs[i], err)) {
			frame_release(&f);
			return -1;
		}
		f.vals[ev->inputs[i]] = gs_et_ref(inputs[i]);
	}
	rc = frame_run(&f, outputs, ev->m->graph->n_outputs, err);
	frame_release(&f);
	return rc;
}

int gs_body_inputs(const struct gs_graph *body)
{
	int n = body->n_inputs;

	while (n > 0 && body->inputs[n - 1] >= 0 &&
	       body->values[body->inputs[n - 1]]->kind == GS_VALUE_PARAM)
		n--;
	return n;
}

int gs_kernel_run_subgraph(struct gs_kernel_ctx *k, const struct gs_graph *body, int n_in,
			   struct gs_etensor **in, int n_out, struct gs_etensor **out)
{
	struct eval_plan *p = k->ev ? gs_eval_plan_of(k->ev, body) : NULL;
	struct frame f;
	int i, rc;

	if (!p || !k->frame)
		return gs_kernel_fail(k, "its subgraph was not planned");
	if (n_in != gs_body_inputs(body))
		return gs_kernel_fail(k, "its subgraph '%s' takes %d inputs, %d given",
				      body->name ? body->name : "", gs_body_inputs(body), n_in);
	if (n_out > body->n_outputs)
		return gs_kernel_fail(k, "its subgraph has %d outputs, %d needed",
				      body->n_outputs, n_out);
	frame_init(&f, k->ev, p, k->frame);
	for (i = 0; i < n_in; i++)
		if (body->inputs[i] >= 0 && in[i])
			f.vals[body->inputs[i]] = gs_et_ref(in[i]);
	rc = frame_run(&f, out, n_out, k->err);
	frame_release(&f);
	return rc;
}
