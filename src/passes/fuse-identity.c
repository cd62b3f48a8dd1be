/* Identity and inference-time Dropout: readers of the output read the
 * input instead.  When the output is a graph output its name must stay:
 * then the producer of the input is re-created writing that name, if the
 * input has no other reader; otherwise the node is kept. */
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

static bool is_passthrough(const struct gs_graph *g, const struct gs_node *n)
{
	struct gs_tensor *t;
	double train = 0;
	int i;

	if (gs_fuse_is(n, "Identity"))
		return n->n_inputs == 1 && n->n_outputs == 1;
	if (!gs_fuse_is(n, "Dropout") || n->n_inputs < 1)
		return false;
	/* training_mode (opset 12+) must be a constant false */
	if (n->n_inputs >= 3 && n->inputs[2] >= 0) {
		t = gs_fuse_param(g, n, 2);
		if (!t || t->numel != 1 || gs_decode_to_double(t->dtype, t->data, 0, 1, &train) ||
		    train != 0)
			return false;
	}
	for (i = 1; i < n->n_outputs; i++)
		if (n->outputs[i] >= 0 && gs_fuse_uses(g, n->outputs[i]) != 0)
			return false;	/* someone reads the mask */
	return true;
}

static int bypass(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	int x = n->inputs[0], y = n->outputs[0], i, cnt, *out;
	struct gs_use *uses;
	struct gs_node *p, *np;
	const char *label = gs_fuse_label(g, n);

	if (x < 0 || y < 0)
		return 0;
	if (gs_fuse_uses(g, y) >= 0) {
		cnt = g->values[y]->n_uses;
		uses = gs_xmalloc(sizeof(*uses) * ((size_t)cnt + 1));
		memcpy(uses, g->values[y]->uses, sizeof(*uses) * (size_t)cnt);
		for (i = 0; i < cnt; i++)
			gs_node_set_input(g, g->nodes[uses[i].node], uses[i].slot, x);
		free(uses);
		gs_graph_remove_node(g, n);
		gs_fuse_drop_inputs(g, n);
		gs_fuse_logf(log, false, "%s (%s) -> removed", label, n->op_type);
		return 1;
	}
	/* y is a graph output (or read by a subgraph by name): keep the name */
	p = gs_fuse_producer(g, x);
	if (!p || !gs_fuse_clonable(p) || g->values[x]->kind != GS_VALUE_ACTIVATION ||
	    gs_fuse_uses(g, x) != 1) {
		gs_fuse_logf(log, true, "%s (%s) kept: its output '%s' is a graph output and its input cannot take that name",
			     label, n->op_type, g->values[y]->name);
		return 0;
	}
	out = gs_arena_alloc(&g->model->arena, sizeof(int) * ((size_t)p->n_outputs + 1));
	for (i = 0; i < p->n_outputs; i++)
		out[i] = p->outputs[i] == x ? y : p->outputs[i];
	gs_graph_remove_node(g, n);
	gs_graph_remove_node(g, p);
	np = gs_fuse_add_like(g, p, p->op_type, p->name, p->n_inputs, p->inputs, p->n_outputs, out);
	gs_fuse_drop_inputs(g, n);
	gs_fuse_logf(log, false, "%s (%s) -> removed, %s writes '%s'", label, n->op_type,
		     gs_fuse_label(g, np), g->values[y]->name);
	return 1;
}

static int try_identity(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	if (!n->removed && is_passthrough(g, n))
		return bypass(g, n, log);
	return 0;
}

int gs_fuse_identity(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	return gs_fuse_each_node(m, try_identity, log, err);
}
