/* Planning a model for evaluation: for every graph (the main one and each
 * If/Loop/Scan body) an execution order that respects the values nodes
 * read through their subgraphs, the kernel of every node, and how often
 * each value is read, so a run frees a tensor right after its last read. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/onnx.h"
#include "eval/internal.h"

#define MAX_SUBGRAPHS 16

static bool owns_value(const struct gs_graph *g, const struct gs_value *v)
{
	return v->id >= 0 && v->id < g->n_values && g->values[v->id] == v;
}

/* Collects into *list the ids of g's values read from inside sub (at any
 * depth), without duplicates. */
static void collect_outer(const struct gs_graph *g, const struct gs_graph *sub, int **list,
			  int *n, int *alloc, bool *seen)
{
	struct gs_graph *subs[MAX_SUBGRAPHS];
	int i, k, ns;

	for (i = 0; i < sub->n_values; i++) {
		const struct gs_value *v = sub->values[i];

		if (v->kind != GS_VALUE_OUTER || !v->outer || !owns_value(g, v->outer))
			continue;
		if (seen[v->outer->id])
			continue;
		seen[v->outer->id] = true;
		GS_GROW(*list, *n + 2, *alloc);
		(*list)[(*n)++] = v->outer->id;
	}
	for (i = 0; i < sub->n_nodes; i++) {
		if (sub->nodes[i]->removed)
			continue;
		ns = gs_node_subgraphs(sub->nodes[i], subs, MAX_SUBGRAPHS);
		for (k = 0; k < ns && k < MAX_SUBGRAPHS; k++)
			collect_outer(g, subs[k], list, n, alloc, seen);
	}
}

static const char *esc(const char *s, char *buf, size_t len)
{
	return gs_escape(s ? s : "", buf, len);
}

/* Kahn's order over explicit and implicit inputs; file order on ties. */
static int schedule(struct eval_plan *p, struct gs_error *err)
{
	struct gs_graph *g = p->g;
	int *pending = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(int));
	int *first = gs_xmalloc(sizeof(int) * ((size_t)g->n_values + 1));
	int *next_edge = NULL, *edge_node = NULL, n_edges = 0, alloc = 0;
	int head = 0, tail = 0, live = 0, i, j;
	char b1[256], b2[64];

	for (i = 0; i < g->n_values; i++)
		first[i] = -1;
	p->steps = gs_xmalloc(sizeof(int) * ((size_t)g->n_nodes + 1));
	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];
		int *imp = p->implicit[i];

		if (n->removed)
			continue;
		live++;
		for (j = 0; j < n->n_inputs; j++) {
			int v = n->inputs[j];

			if (v < 0 || g->values[v]->kind != GS_VALUE_ACTIVATION)
				continue;
			if (g->values[v]->producer < 0) {
				free(pending), free(first), free(p->steps), p->steps = NULL;
				return gs_error_set(err, "node '%s' (%s) reads '%s', which nothing produces",
						    esc(n->name, b1, 128), esc(n->op_type, b2, 64),
						    esc(g->values[v]->name, b1 + 128, 128));
			}
			GS_GROW(next_edge, n_edges + 1, alloc);
			edge_node = gs_xrealloc(edge_node, sizeof(int) * (size_t)alloc);
			edge_node[n_edges] = i;
			next_edge[n_edges] = first[v];
			first[v] = n_edges++;
			pending[i]++;
		}
		for (j = 0; imp && imp[j] >= 0; j++) {
			int v = imp[j];

			if (g->values[v]->kind != GS_VALUE_ACTIVATION || g->values[v]->producer < 0)
				continue;
			GS_GROW(next_edge, n_edges + 1, alloc);
			edge_node = gs_xrealloc(edge_node, sizeof(int) * (size_t)alloc);
			edge_node[n_edges] = i;
			next_edge[n_edges] = first[v];
			first[v] = n_edges++;
			pending[i]++;
		}
	}
	for (i = 0; i < g->n_nodes; i++)
		if (!g->nodes[i]->removed && !pending[i])
			p->steps[tail++] = i;
	while (head < tail) {
		struct gs_node *n = g->nodes[p->steps[head++]];

		for (j = 0; j < n->n_outputs; j++) {
			int e;

			if (n->outputs[j] < 0)
				continue;
			for (e = first[n->outputs[j]]; e >= 0; e = next_edge[e])
				if (--pending[edge_node[e]] == 0)
					p->steps[tail++] = edge_node[e];
		}
	}
	free(first);
	free(next_edge);
	free(edge_node);
	if (tail < live) {
		for (i = 0; i < g->n_nodes && (g->nodes[i]->removed || !pending[i]); i++)
			;
		free(pending);
		return gs_error_set(err, "graph '%s' has a cycle through node '%s' (%s)",
				    esc(g->name, b1, 128), esc(g->nodes[i]->name, b1 + 128, 128),
				    esc(g->nodes[i]->op_type, b2, 64));
	}
	free(pending);
	p->n_steps = tail;
	return 0;
}

/* A Relu whose input is output 0 of an epilogue-capable node, read by
 * nothing else and not a graph output, is folded into that node. */
static void plan_epilogues(struct eval_plan *p)
{
	struct gs_graph *g = p->g;
	int i;

	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];
		const struct gs_value *v;
		int prod;

		if (n->removed || strcmp(n->op_type, "Relu") || (n->domain && *n->domain) ||
		    n->n_inputs != 1 || n->inputs[0] < 0)
			continue;
		v = g->values[n->inputs[0]];
		prod = v->producer;
		if (v->kind != GS_VALUE_ACTIVATION || prod < 0 || p->reads[v->id] != 1 ||
		    p->is_output[v->id] || g->nodes[prod]->outputs[0] != v->id ||
		    !p->ops[prod] || !(p->ops[prod]->flags & GS_OP_EPILOGUE) || p->epilogue[prod])
			continue;
		p->epilogue[prod] = GS_EPILOGUE_RELU;
		p->absorbed[i] = true;
	}
}

static void plan_free(struct eval_plan *p)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < p->g->n_values; i++)
		gs_et_unref(p->params[i]);
	for (i = 0; i < p->g->n_nodes; i++)
		free(p->implicit[i]);
	free(p->steps);
	free(p->ops);
	free(p->opsets);
	free(p->reads);
	free(p->implicit);
	free(p->params);
	free(p->is_output);
	free(p->epilogue);
	free(p->absorbed);
	free(p);
}

static int plan_graph(struct gs_eval *ev, struct gs_graph *g, struct gs_error *err)
{
	struct eval_plan *p = gs_xcalloc(1, sizeof(*p));
	struct gs_graph *subs[MAX_SUBGRAPHS];
	bool *seen = gs_xcalloc((size_t)g->n_values + 1, 1);
	char b1[128], b2[64], b3[64];
	int i, j, k, ns;

	p->g = g;
	p->ops = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(*p->ops));
	p->opsets = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(*p->opsets));
	p->reads = gs_xcalloc((size_t)g->n_values + 1, sizeof(int));
	p->implicit = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(int *));
	p->params = gs_xcalloc((size_t)g->n_values + 1, sizeof(*p->params));
	p->is_output = gs_xcalloc((size_t)g->n_values + 1, 1);
	p->epilogue = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(unsigned));
	p->absorbed = gs_xcalloc((size_t)g->n_nodes + 1, 1);
	GS_GROW(ev->plans, ev->n_plans + 1, ev->plans_alloc);
	ev->plans[ev->n_plans++] = p;

	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];
		const char *dom = n->domain ? n->domain : "";
		int64_t opset;

		if (n->removed)
			continue;
		opset = gs_model_opset(ev->m, dom);
		if (!opset && !strcmp(dom, ""))
			opset = gs_model_opset(ev->m, "ai.onnx");
		p->opsets[i] = opset;
		p->ops[i] = gs_op_find(dom, n->op_type, opset);
		if (!p->ops[i] || !p->ops[i]->kernel) {
			free(seen);
			return gs_error_set(err, "node '%s' (%s, domain '%s', opset %lld): %s",
					    esc(n->name, b1, sizeof(b1)), esc(n->op_type, b2, sizeof(b2)),
					    esc(dom[0] ? dom : "ai.onnx", b3, sizeof(b3)),
					    (long long)opset,
					    p->ops[i] ? "the evaluator has no kernel for this op" :
					    "the evaluator does not know this op at this opset");
		}
		for (j = 0; j < n->n_inputs; j++)
			if (n->inputs[j] >= 0)
				p->reads[n->inputs[j]]++;
		ns = gs_node_subgraphs(n, subs, MAX_SUBGRAPHS);
		if (ns > MAX_SUBGRAPHS) {
			free(seen);
			return gs_error_set(err, "node '%s' (%s) holds %d subgraphs",
					    esc(n->name, b1, sizeof(b1)), esc(n->op_type, b2, sizeof(b2)), ns);
		}
		if (ns) {
			int count = 0, alloc = 0;

			for (k = 0; k < ns; k++)
				collect_outer(g, subs[k], &p->implicit[i], &count, &alloc, seen);
			for (k = 0; k < count; k++) {
				seen[p->implicit[i][k]] = false;
				p->reads[p->implicit[i][k]]++;
			}
			if (count)
				p->implicit[i][count] = -1;
		}
	}
	free(seen);
	for (i = 0; i < g->n_outputs; i++)
		if (g->outputs[i] >= 0)
			p->is_output[g->outputs[i]] = true;
	if (schedule(p, err))
		return -1;
	plan_epilogues(p);
	/* the bodies, after their owner so a body's plan can find its parent's */
	for (i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i]->removed)
			continue;
		ns = gs_node_subgraphs(g->nodes[i], subs, MAX_SUBGRAPHS);
		for (k = 0; k < ns; k++)
			if (plan_graph(ev, subs[k], err))
				return -1;
	}
	return 0;
}

struct gs_eval *gs_eval_new(const struct gs_model *cm, struct gs_error *err)
{
	struct gs_model *m = (struct gs_model *)cm;	/* plans cache nothing in the model */
	struct gs_eval *ev = gs_xcalloc(1, sizeof(*ev));
	struct gs_graph *g = m->graph;
	int i;

	ev->m = m;
	if (plan_graph(ev, g, err)) {
		gs_eval_free(ev);
		return NULL;
	}
	ev->inputs = gs_xmalloc(sizeof(int) * ((size_t)g->n_inputs + 1));
	for (i = 0; i < g->n_inputs; i++)
		if (g->inputs[i] >= 0 && g->values[g->inputs[i]]->kind == GS_VALUE_INPUT)
			ev->inputs[ev->n_inputs++] = g->inputs[i];
	return ev;
}

void gs_eval_free(struct gs_eval *ev)
{
	int i;

	if (!ev)
		return;
	for (i = 0; i < ev->n_plans; i++)
		plan_free(ev->plans[i]);
	free(ev->plans);
	free(ev->inputs);
	free(ev);
}

struct eval_plan *gs_eval_plan_of(const struct gs_eval *ev, const struct gs_graph *g)
{
	int i;

	for (i = 0; i < ev->n_plans; i++)
		if (ev->plans[i]->g == g)
			return ev->plans[i];
	return NULL;
}

struct gs_etensor *gs_eval_param(struct gs_eval *ev, struct eval_plan *p, int value_id,
				 struct gs_error *err)
{
	struct gs_value *v = p->g->values[value_id];

	if (!p->params[value_id]) {
		if (!v->param) {
			char b[128];

			gs_error_set(err, "parameter '%s' has no data", esc(v->name, b, sizeof(b)));
			return NULL;
		}
		p->params[value_id] = gs_et_from_param(ev->m, v->param, err);
	}
	return p->params[value_id];
}

const struct gs_model *gs_eval_model(const struct gs_eval *ev)
{
	return ev->m;
}

int gs_eval_n_inputs(const struct gs_eval *ev)
{
	return ev->n_inputs;
}

const struct gs_value *gs_eval_input(const struct gs_eval *ev, int i)
{
	return ev->m->graph->values[ev->inputs[i]];
}

int gs_eval_n_outputs(const struct gs_eval *ev)
{
	return ev->m->graph->n_outputs;
}

const struct gs_value *gs_eval_output(const struct gs_eval *ev, int i)
{
	return ev->m->graph->values[ev->m->graph->outputs[i]];
}

void gs_eval_set_reuse(struct gs_eval *ev, const bool *skip, struct gs_etensor *const *cached)
{
	ev->reuse_skip = skip;
	ev->reuse_cached = cached;
}

void gs_eval_record_shapes(struct gs_eval *ev, bool on)
{
	ev->record_shapes = on;
}

void gs_eval_set_observer(struct gs_eval *ev, const struct gs_eval_observer *obs)
{
	ev->has_obs = obs != NULL;
	if (obs)
		ev->obs = *obs;
}
