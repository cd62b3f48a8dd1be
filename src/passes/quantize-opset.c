/*
 * Raising the default-domain opset so DequantizeLinear can take an axis
 * (13) or int4 blocks (21).  Raising the import changes the version of
 * every op in the model, so it is refused when an op present changed its
 * signature or meaning between the old and the new version.
 */
#include <stdio.h>
#include <string.h>

#include "passes/quantize-internal.h"

/* op, first version whose change breaks a model written for older ones */
static const struct {
	const char *op;
	int64_t since;
} breaking[] = {
	{ "Upsample", 10 }, { "Slice", 10 }, { "TopK", 10 },
	{ "Pad", 11 }, { "Clip", 11 }, { "Resize", 11 }, { "Scatter", 11 },
	{ "Dropout", 12 },
	{ "Split", 13 }, { "Squeeze", 13 }, { "Unsqueeze", 13 }, { "ReduceSum", 13 },
	{ "Softmax", 13 }, { "LogSoftmax", 13 }, { "Hardmax", 13 },
	{ "ReduceMean", 18 }, { "ReduceMax", 18 }, { "ReduceMin", 18 },
	{ "ReduceProd", 18 }, { "ReduceL1", 18 }, { "ReduceL2", 18 },
	{ "ReduceLogSum", 18 }, { "ReduceLogSumExp", 18 }, { "ReduceSumSquare", 18 },
	{ "Split", 18 }, { "GroupNormalization", 21 },
};

struct scan {
	int64_t from, to;
	const char *op;
	int64_t since;
};

static int scan_graph(struct gs_graph *g, void *ctx)
{
	struct scan *s = ctx;
	size_t k;
	int i;

	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		if (n->removed || (n->domain[0] && strcmp(n->domain, "ai.onnx")))
			continue;
		for (k = 0; k < sizeof(breaking) / sizeof(breaking[0]); k++) {
			if (breaking[k].since > s->from && breaking[k].since <= s->to &&
			    !strcmp(breaking[k].op, n->op_type)) {
				s->op = breaking[k].op;
				s->since = breaking[k].since;
				return 1;
			}
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
