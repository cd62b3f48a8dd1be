/*
 * Raising the default-domain opset so DequantizeLinear can take an axis
 * (13) or int4 blocks (21).  Raising the import changes the version of
 * every op in the model, so it is refused when an op present changed its
 * signature or meaning between the old and the new version (the breaks
 * of the op registry).
 */
#include <stdio.h>
#include <string.h>

#include "graphsmith/ops.h"
#include "passes/quantize-internal.h"

struct scan {
	int64_t from, to;
	const char *op;
	int64_t since;
};

static int scan_graph(struct gs_graph *g, void *ctx)
{
	struct scan *s = ctx;
	int i, since;

	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		if (n->removed || (n->domain[0] && strcmp(n->domain, "ai.onnx")))
			continue;
		if ((since = gs_op_breaking_version("", n->op_type, s->from, s->to))) {
			s->op = n->op_type;
			s->since = since;
			return 1;
		}
	}
	return 0;
}

int gs_quant_check_opset(struct gs_model *m, int64_t version, struct gs_error *err)
{
	struct scan s = { gs_model_opset(m, ""), version, NULL, 0 };

	if (s.from >= version)
		return 0;
	if (s.from == 0)
		return gs_error_set(err, "the model imports no default-domain opset");
	if (gs_graph_walk(m->graph, scan_graph, &s))
		return gs_error_set(err, "DequantizeLinear needs opset %lld, the model is at "
				    "%lld and raising it would change the meaning of its "
				    "%s (changed in opset %lld); convert the model first",
				    (long long)version, (long long)s.from, s.op, (long long)s.since);
	return 0;
}

void gs_quant_raise_opset(struct gs_model *m, int64_t version)
{
	if (gs_model_opset(m, "") < version)
		gs_model_set_opset(m, "", version);
}
