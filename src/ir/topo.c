/* Structure derived from the node lists: uses, topological order, walks. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ir.h"

void gs_graph_reindex(struct gs_graph *g)
{
	struct gs_use *block;
	size_t total = 0;
	int i, j;

	/* count, then lay every value's uses out in one block: a 10^5-node
	 * graph made a hundred thousand small mallocs here */
	for (i = 0; i < g->n_values; i++) {
		struct gs_value *v = g->values[i];

		if (v->uses_alloc)
			free(v->uses);
		v->uses = NULL;
		v->uses_alloc = 0;
		v->n_uses = 0;
		if (v->kind == GS_VALUE_ACTIVATION)
			v->producer = -1;
	}
	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];

		if (n->removed)
			continue;
		for (j = 0; j < n->n_inputs; j++)
			if (n->inputs[j] >= 0)
				g->values[n->inputs[j]]->n_uses++;
	}
	for (i = 0; i < g->n_values; i++)
		total += (size_t)g->values[i]->n_uses;
	block = gs_xmalloc(sizeof(*block) * (total + 1));
	total = 0;
	for (i = 0; i < g->n_values; i++) {
		struct gs_value *v = g->values[i];

		v->uses = block + total;
		total += (size_t)v->n_uses;
		v->n_uses = 0;
	}
	free(g->use_block);
	g->use_block = block;
	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];

		if (n->removed)
			continue;
		for (j = 0; j < n->n_inputs; j++) {
			struct gs_value *v;

			if (n->inputs[j] < 0)
				continue;
			v = g->values[n->inputs[j]];
			v->uses[v->n_uses].node = i;
			v->uses[v->n_uses].slot = j;
			v->n_uses++;
		}
		for (j = 0; j < n->n_outputs; j++) {
			if (n->outputs[j] < 0)
				continue;
			g->values[n->outputs[j]]->producer = i;
			g->values[n->outputs[j]]->producer_port = j;
		}
	}
	g->topo_valid = false;
}

/*
 * Kahn's algorithm over live nodes.  Ties keep file order (a FIFO seeded in
 * node order), so a graph already sorted comes out unchanged.
 */
int gs_graph_toposort(struct gs_graph *g, struct gs_error *err)
{
	int *pending = gs_xcalloc((size_t)g->n_nodes + 1, sizeof(int));
	int *queue = gs_xmalloc(sizeof(int) * ((size_t)g->n_nodes + 1));
	int head = 0, tail = 0, live = 0, i, j, k;

	for (i = 0; i < g->n_nodes; i++) {
		struct gs_node *n = g->nodes[i];

		if (n->removed)
			continue;
		live++;
		for (j = 0; j < n->n_inputs; j++) {
			int v = n->inputs[j];

			if (v >= 0 && g->values[v]->producer >= 0)
				pending[i]++;
		}
		if (!pending[i])
			queue[tail++] = i;
	}
	while (head < tail) {
		struct gs_node *n = g->nodes[queue[head++]];

		for (j = 0; j < n->n_outputs; j++) {
			struct gs_value *v;

			if (n->outputs[j] < 0)
				continue;
			v = g->values[n->outputs[j]];
			for (k = 0; k < v->n_uses; k++)
				if (--pending[v->uses[k].node] == 0)
					queue[tail++] = v->uses[k].node;
		}
	}
	if (tail < live) {
		char b1[128], b2[128], b3[64];

		for (i = 0; i < g->n_nodes && (g->nodes[i]->removed || !pending[i]); i++)
			;
		free(pending);
		free(queue);
		/* names come from the file: never raw to a terminal */
		return gs_error_set(err, "graph '%s' has a cycle through node '%s' (%s)",
				    gs_escape(g->name ? g->name : "", b1, sizeof(b1)),
				    gs_escape(g->nodes[i]->name ? g->nodes[i]->name : "", b2, sizeof(b2)),
				    gs_escape(g->nodes[i]->op_type, b3, sizeof(b3)));
	}
	free(pending);
	free(g->topo);
	g->topo = queue;
	g->n_topo = tail;
	g->topo_valid = true;
	return 0;
}

int gs_node_subgraphs(const struct gs_node *n, struct gs_graph **out, int max)
{
	int i, k, count = 0;

	for (i = 0; i < n->n_attrs; i++) {
		const struct gs_attr *a = &n->attrs[i];

		if (a->type == GS_ATTR_GRAPH && a->g) {
			if (count < max)
				out[count] = a->g;
			count++;
		}
		for (k = 0; a->type == GS_ATTR_GRAPHS && k < a->n; k++) {
			if (count < max)
				out[count] = a->graphs[k];
			count++;
		}
	}
	return count;
}

int gs_graph_walk(struct gs_graph *g, int (*fn)(struct gs_graph *g, void *ctx), void *ctx)
{
	struct gs_graph *subs[16];
	int i, k, n, rc;

	if ((rc = fn(g, ctx)))
		return rc;
	for (i = 0; i < g->n_nodes; i++) {
		if (g->nodes[i]->removed)
			continue;
		n = gs_node_subgraphs(g->nodes[i], subs, 16);
		for (k = 0; k < n && k < 16; k++)
			if ((rc = gs_graph_walk(subs[k], fn, ctx)))
				return rc;
	}
	return 0;
}
