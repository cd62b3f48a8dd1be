/* Op family 'control' of the registry: Constant and the ops that run
 * subgraphs (If, Loop, Scan).  Bodies run in a frame of their own whose
 * outer-scope names resolve through the enclosing frames (src/eval/run.c). */
#include <stdlib.h>
#include <string.h>

#include "ops/families.h"
#include "ops/kernel-util.h"

static const struct gs_graph *graph_attr(const struct gs_node *n, const char *name)
{
	const struct gs_attr *a = gs_node_attr(n, name);

	return a && a->type == GS_ATTR_GRAPH ? a->g : NULL;
}

/* ---- Constant ---- */

static int k_constant(struct gs_kernel_ctx *k)
{
	const struct gs_node *n = k->node;
	const struct gs_attr *a;
	struct gs_etensor *t, *src;
	struct gs_error e;
	int64_t one = 1, i;

	if ((a = gs_node_attr(n, "value")) && a->type == GS_ATTR_TENSOR && a->t) {
		src = gs_et_from_param(NULL, a->t, &e);
		if (!src)
			return gs_kernel_fail(k, "%s", e.msg);
		t = gs_kernel_out(k, 0, src->dtype, src->rank, src->dims);
		if (t && t->nbytes)
			memcpy(t->data, src->data, t->nbytes);
		gs_et_unref(src);
		return t ? 0 : -1;
	}
	if ((a = gs_node_attr(n, "value_float")) && a->type == GS_ATTR_FLOAT) {
		if (!(t = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 0, NULL)))
			return -1;
		((float *)t->data)[0] = a->f;
		return 0;
	}
	if ((a = gs_node_attr(n, "value_int")) && a->type == GS_ATTR_INT) {
		if (!(t = gs_kernel_out(k, 0, GS_DTYPE_INT64, 0, NULL)))
			return -1;
		((int64_t *)t->data)[0] = a->i;
		return 0;
	}
	if ((a = gs_node_attr(n, "value_floats")) && a->type == GS_ATTR_FLOATS) {
		one = a->n;
		if (!(t = gs_kernel_out(k, 0, GS_DTYPE_FLOAT, 1, &one)))
			return -1;
		for (i = 0; i < a->n; i++)
			((float *)t->data)[i] = a->floats[i];
		return 0;
	}
	if ((a = gs_node_attr(n, "value_ints")) && a->type == GS_ATTR_INTS) {
		one = a->n;
		if (!(t = gs_kernel_out(k, 0, GS_DTYPE_INT64, 1, &one)))
			return -1;
		for (i = 0; i < a->n; i++)
			((int64_t *)t->data)[i] = a->ints[i];
		return 0;
	}
	return gs_kernel_fail(k, "holds no value the evaluator reads (sparse and string "
			      "constants are not supported)");
}

/* ---- If ---- */

static int k_if(struct gs_kernel_ctx *k)
{
	struct gs_etensor *cond = gs_kernel_in(k, 0);
	const struct gs_graph *body;

	if (!cond || cond->numel != 1)
		return gs_kernel_fail(k, "its condition must hold one element");
	body = graph_attr(k->node, gs_et_get(cond, 0) != 0 ? "then_branch" : "else_branch");
	if (!body)
		return gs_kernel_fail(k, "has no %s", gs_et_get(cond, 0) != 0 ?
				      "then_branch" : "else_branch");
	if (body->n_outputs != k->n_out)
		return gs_kernel_fail(k, "its branch has %d outputs, the node %d",
				      body->n_outputs, k->n_out);
	return gs_kernel_run_subgraph(k, body, 0, NULL, k->n_out, k->out);
}

/* ---- stacking scan outputs (Loop, Scan) ---- */

struct stack {
	int n;				/* slices stacked so far */
	int alloc;
	struct gs_etensor **slices;
};

static void stack_release(struct stack *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		gs_et_unref(s->slices[i]);
	free(s->slices);
	memset(s, 0, sizeof(*s));
}

static void stack_push(struct stack *s, struct gs_etensor *t)
{
	GS_GROW(s->slices, s->n + 1, s->alloc);
	s->slices[s->n++] = t;
}

/* The slices as one tensor with a new axis `axis` (of rank+1); reverse
 * puts the last slice first. */
static struct gs_etensor *stack_join(struct gs_kernel_ctx *k, struct stack *s, int out_idx,
				     int64_t axis, bool reverse, const struct gs_etensor *shape_if_empty)
{
	const struct gs_etensor *first = s->n ? s->slices[0] : shape_if_empty;
	int64_t dims[GS_EVAL_MAX_RANK], outer = 1, inner_bytes, i, j;
	struct gs_etensor *t;
	size_t esize;
	int rank, d;

	if (!first) {
		int64_t zero = 0;

		return gs_kernel_out(k, out_idx, GS_DTYPE_FLOAT, 1, &zero);
	}
	rank = first->rank + 1;
	if (rank > GS_EVAL_MAX_RANK || axis < 0 || axis >= rank) {
		gs_kernel_fail(k, "scan output axis %lld is out of range", (long long)axis);
		return NULL;
	}
	for (i = 1; i < s->n; i++)
		if (s->slices[i]->dtype != first->dtype || s->slices[i]->rank != first->rank ||
		    memcmp(s->slices[i]->dims, first->dims, sizeof(int64_t) * (size_t)first->rank)) {
			gs_kernel_fail(k, "its body's scan output changes shape between iterations");
			return NULL;
		}
	for (d = 0, j = 0; d < rank; d++)
		dims[d] = d == axis ? s->n : first->dims[j++];
	if (!(t = gs_kernel_out(k, out_idx, first->dtype, rank, dims)))
		return NULL;
	esize = gs_et_elem_size(first->dtype);
	for (d = 0; d < axis; d++)
		outer *= first->dims[d];
	inner_bytes = (int64_t)esize;
	for (d = (int)axis; d < first->rank; d++)
		inner_bytes *= first->dims[d];
	for (i = 0; i < s->n; i++) {
		const struct gs_etensor *sl = s->slices[reverse ? s->n - 1 - i : i];

		for (j = 0; j < outer; j++)
			memcpy((char *)t->data + ((j * s->n + i) * inner_bytes),
			       (const char *)sl->data + j * inner_bytes, (size_t)inner_bytes);
	}
	return t;
}

/* ---- Loop ---- */

#define LOOP_MAX_STATE 64

/* A Loop whose trip count is absent or huge and whose condition never
 * turns false would run forever: no model we know of iterates 100,000
 * times (NMS and beam search loop thousands), so that is the default
 * bound, reached in a fraction of a second (GS_EVAL_MAX_LOOP overrides). */
static int64_t loop_budget(void)
{
	const char *e = getenv("GS_EVAL_MAX_LOOP");
	char *end;
	long long v;

	if (e && *e) {
		v = strtoll(e, &end, 10);
		if (!*end && v > 0)
			return v;
	}
	return 100000;
}

static int k_loop(struct gs_kernel_ctx *k)
{
	const struct gs_graph *body = graph_attr(k->node, "body");
	struct gs_etensor *m_in = gs_kernel_in(k, 0), *c_in = gs_kernel_in(k, 1);
	int n_carried = k->n_in - 2, n_scan = k->n_out - n_carried, i, rc = -1;
	struct gs_etensor *bin[LOOP_MAX_STATE + 2], *bout[LOOP_MAX_STATE + 1];
	struct stack scans[LOOP_MAX_STATE];
	struct gs_error e;
	int64_t max_trips = INT64_MAX, it, budget = loop_budget();
	bool cond = true;

	if (!body)
		return gs_kernel_fail(k, "has no body");
	if (n_carried < 0 || n_scan < 0 || n_carried + n_scan > LOOP_MAX_STATE)
		return gs_kernel_fail(k, "has %d loop-carried values and %d scan outputs",
				      n_carried, n_scan);
	if (gs_body_inputs(body) != n_carried + 2 || body->n_outputs != n_carried + n_scan + 1)
		return gs_kernel_fail(k, "its body takes %d inputs and gives %d outputs, "
				      "expected %d and %d", gs_body_inputs(body), body->n_outputs,
				      n_carried + 2, n_carried + n_scan + 1);
	if (m_in) {
		if (m_in->numel != 1)
			return gs_kernel_fail(k, "trip count M must hold one element");
		max_trips = gs_k_int_at(m_in, 0);
	}
	if (c_in) {
		if (c_in->numel != 1)
			return gs_kernel_fail(k, "condition must hold one element");
		cond = gs_et_get(c_in, 0) != 0;
	}
	memset(scans, 0, sizeof(scans));
	memset(bin, 0, sizeof(bin));
	memset(bout, 0, sizeof(bout));
	for (i = 0; i < n_carried; i++) {
		if (!k->in[2 + i])
			return gs_kernel_fail(k, "loop-carried input %d is missing", i);
		bin[2 + i] = gs_et_ref(k->in[2 + i]);
	}
	for (it = 0; it < max_trips && cond; it++) {
		if (it == budget) {
			gs_kernel_fail(k, "ran %lld iterations without ending (the bound; "
				       "GS_EVAL_MAX_LOOP raises it)", (long long)it);
			goto out;
		}
		bin[0] = gs_et_new(GS_DTYPE_INT64, 0, NULL, &e);
		bin[1] = gs_et_new(GS_DTYPE_BOOL, 0, NULL, &e);
		if (!bin[0] || !bin[1]) {
			gs_kernel_fail(k, "%s", e.msg);
			goto out;
		}
		((int64_t *)bin[0]->data)[0] = it;
		((uint8_t *)bin[1]->data)[0] = 1;
		if (gs_kernel_run_subgraph(k, body, n_carried + 2, bin, n_carried + n_scan + 1, bout))
			goto out;
		gs_et_unref(bin[0]), bin[0] = NULL;
		gs_et_unref(bin[1]), bin[1] = NULL;
		if (!bout[0] || bout[0]->numel != 1) {
			gs_kernel_fail(k, "its body's condition output must hold one element");
			goto out;
		}
		cond = gs_et_get(bout[0], 0) != 0;
		gs_et_unref(bout[0]), bout[0] = NULL;
		for (i = 0; i < n_carried; i++) {
			gs_et_unref(bin[2 + i]);
			bin[2 + i] = bout[1 + i];
			bout[1 + i] = NULL;
		}
		for (i = 0; i < n_scan; i++) {
			stack_push(&scans[i], bout[1 + n_carried + i]);
			bout[1 + n_carried + i] = NULL;
		}
	}
	for (i = 0; i < n_carried; i++) {
		k->out[i] = bin[2 + i];
		bin[2 + i] = NULL;
	}
	for (i = 0; i < n_scan; i++)
		if (!stack_join(k, &scans[i], n_carried + i, 0, false, NULL))
			goto out;
	rc = 0;
out:
	for (i = 0; i < n_carried + 2; i++)
		gs_et_unref(bin[i]);
	for (i = 0; i < n_carried + n_scan + 1; i++)
		gs_et_unref(bout[i]);
	for (i = 0; i < n_scan; i++)
		stack_release(&scans[i]);
	return rc;
}

/* ---- Scan (opset 9 on: no sequence_lens input) ---- */

/* Slice `index` along `axis` of t, as a new tensor without that axis. */
static struct gs_etensor *take_slice(const struct gs_etensor *t, int axis, int64_t index,
				     struct gs_error *err)
{
	int64_t dims[GS_EVAL_MAX_RANK], outer = 1, inner = (int64_t)gs_et_elem_size(t->dtype), j;
	struct gs_etensor *s;
	int d, r = 0;

	for (d = 0; d < t->rank; d++) {
		if (d != axis)
			dims[r++] = t->dims[d];
		if (d < axis)
			outer *= t->dims[d];
		else if (d > axis)
			inner *= t->dims[d];
	}
	if (!(s = gs_et_new(t->dtype, r, dims, err)))
		return NULL;
	for (j = 0; j < outer; j++)
		memcpy((char *)s->data + j * inner,
		       (const char *)t->data + (j * t->dims[axis] + index) * inner, (size_t)inner);
	return s;
}

static int attr_list(const struct gs_node *n, const char *name, int64_t *out, int count)
{
	const struct gs_attr *a = gs_node_attr(n, name);
	int i;

	for (i = 0; i < count; i++)
		out[i] = a && a->type == GS_ATTR_INTS && i < a->n ? a->ints[i] : 0;
	return a && a->type == GS_ATTR_INTS && a->n != count && a->n != 0 ? -1 : 0;
}

static int k_scan(struct gs_kernel_ctx *k)
{
	const struct gs_graph *body = graph_attr(k->node, "body");
	int64_t n_scan_in = gs_node_attr_int(k->node, "num_scan_inputs", -1);
	int64_t in_axes[LOOP_MAX_STATE], in_dirs[LOOP_MAX_STATE];
	int64_t out_axes[LOOP_MAX_STATE], out_dirs[LOOP_MAX_STATE], len = -1, it;
	struct gs_etensor *bin[LOOP_MAX_STATE], *bout[LOOP_MAX_STATE];
	struct stack scans[LOOP_MAX_STATE];
	int n_state, n_scan_out, i, rc = -1;
	struct gs_error e;

	if (!body)
		return gs_kernel_fail(k, "has no body");
	if (k->opset < 9)
		return gs_kernel_fail(k, "Scan before opset 9 (with sequence_lens) is not supported");
	n_state = k->n_in - (int)n_scan_in;
	n_scan_out = k->n_out - n_state;
	if (n_scan_in < 1 || n_state < 0 || n_scan_out < 0 || k->n_in > LOOP_MAX_STATE ||
	    k->n_out > LOOP_MAX_STATE)
		return gs_kernel_fail(k, "num_scan_inputs %lld does not fit its %d inputs",
				      (long long)n_scan_in, k->n_in);
	if (gs_body_inputs(body) != k->n_in || body->n_outputs != k->n_out)
		return gs_kernel_fail(k, "its body's signature does not match the node");
	if (attr_list(k->node, "scan_input_axes", in_axes, (int)n_scan_in) ||
	    attr_list(k->node, "scan_input_directions", in_dirs, (int)n_scan_in) ||
	    attr_list(k->node, "scan_output_axes", out_axes, n_scan_out) ||
	    attr_list(k->node, "scan_output_directions", out_dirs, n_scan_out))
		return gs_kernel_fail(k, "a scan axes or directions list has the wrong length");
	for (i = 0; i < n_scan_in; i++) {
		const struct gs_etensor *x = k->in[n_state + i];

		if (!x)
			return gs_kernel_fail(k, "scan input %d is missing", i);
		if (in_axes[i] < 0)
			in_axes[i] += x->rank;
		if (in_axes[i] < 0 || in_axes[i] >= x->rank)
			return gs_kernel_fail(k, "scan input axis out of range");
		if (len >= 0 && x->dims[in_axes[i]] != len)
			return gs_kernel_fail(k, "scan inputs differ in length");
		len = x->dims[in_axes[i]];
	}
	memset(scans, 0, sizeof(scans));
	memset(bin, 0, sizeof(bin));
	memset(bout, 0, sizeof(bout));
	for (i = 0; i < n_state; i++) {
		if (!k->in[i])
			return gs_kernel_fail(k, "state input %d is missing", i);
		bin[i] = gs_et_ref(k->in[i]);
	}
	for (it = 0; it < len; it++) {
		for (i = 0; i < n_scan_in; i++) {
			int64_t at = in_dirs[i] ? len - 1 - it : it;

			bin[n_state + i] = take_slice(k->in[n_state + i], (int)in_axes[i], at, &e);
			if (!bin[n_state + i]) {
				gs_kernel_fail(k, "%s", e.msg);
				goto out;
			}
		}
		if (gs_kernel_run_subgraph(k, body, k->n_in, bin, k->n_out, bout))
			goto out;
		for (i = 0; i < n_scan_in; i++)
			gs_et_unref(bin[n_state + i]), bin[n_state + i] = NULL;
		for (i = 0; i < n_state; i++) {
			gs_et_unref(bin[i]);
			bin[i] = bout[i];
			bout[i] = NULL;
		}
		for (i = 0; i < n_scan_out; i++) {
			stack_push(&scans[i], bout[n_state + i]);
			bout[n_state + i] = NULL;
		}
	}
	for (i = 0; i < n_state; i++) {
		k->out[i] = bin[i];
		bin[i] = NULL;
	}
	for (i = 0; i < n_scan_out; i++) {
		int64_t axis = out_axes[i];

		if (axis < 0 && scans[i].n)
			axis += scans[i].slices[0]->rank + 1;
		if (!stack_join(k, &scans[i], n_state + i, axis, out_dirs[i] != 0, NULL))
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < k->n_in; i++)
		gs_et_unref(bin[i]);
	for (i = 0; i < k->n_out; i++)
		gs_et_unref(bout[i]);
	for (i = 0; i < n_scan_out; i++)
		stack_release(&scans[i]);
	return rc;
}

const struct gs_op gs_ops_control[] = {
	{ .domain = "", .name = "Constant", .since = 1, .kernel = k_constant,
	  .changed = { 9, 11, 12, 13 },
	  .note = "a tensor held in the graph itself; graphsmith treats it as a parameter" },
	{ .domain = "", .name = "If", .since = 1, .kernel = k_if, .changed = { 11, 13, 16 },
	  .note = "runs then_branch or else_branch; branches read outer values by name" },
	{ .domain = "", .name = "Loop", .since = 1, .kernel = k_loop, .changed = { 11, 13, 16 },
	  .note = "runs its body up to M times while cond holds, carrying values and "
		  "stacking scan outputs" },
	{ .domain = "", .name = "Scan", .since = 9, .kernel = k_scan, .changed = { 9, 11, 16 },
	  .note = "runs its body once per slice of its scan inputs, carrying state" },
	{ .name = NULL },
};
