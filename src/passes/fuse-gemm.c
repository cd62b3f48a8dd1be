/* MatMul (2-D input, 2-D constant weight) + Add (constant bias that
 * broadcasts as [N]) -> Gemm, and Gemm + BatchNormalization (fuse-gemm-bn.c).
 * Gemm needs a 2-D A: a MatMul whose input rank is not known to be 2 stays. */
#include <stdlib.h>

#include "graphsmith/ops.h"
#include "passes/fuse-internal.h"

static bool gemm_dtype(int dtype)
{
	return dtype == GS_DTYPE_FLOAT || dtype == GS_DTYPE_DOUBLE ||
	       dtype == GS_DTYPE_FLOAT16 || dtype == GS_DTYPE_BFLOAT16;
}

static int fuse_matmul_add(struct gs_graph *g, struct gs_node *add, const int *rank,
			   struct gs_fuse_log *log)
{
	struct gs_node *mm = NULL, *gemm;
	struct gs_tensor *w, *bias = NULL;
	int k, side = -1, in[3], out;
	const char *ml, *al;

	if (add->n_inputs != 2 || add->n_outputs != 1 || add->outputs[0] < 0)
		return 0;
	for (k = 0; k < 2 && !bias; k++) {
		mm = gs_fuse_producer(g, add->inputs[k]);
		if (gs_fuse_is(mm, "MatMul") && mm->n_inputs == 2 && mm->n_outputs == 1 &&
		    gs_fuse_sole_use(g, mm->outputs[0], NULL) == add)
			bias = gs_fuse_param(g, add, 1 - k);
		side = k;	/* the MatMul's slot once bias is found */
	}
	if (!bias || mm->inputs[0] < 0 || rank[mm->inputs[0]] != 2)
		return 0;
	w = gs_fuse_param(g, mm, 1);
	if (!w || w->rank != 2 || !gemm_dtype(w->dtype) || bias->dtype != w->dtype ||
	    !gs_fuse_is_row_bias(bias, w->dims[1]))
		return 0;
	ml = gs_fuse_label(g, mm);
	al = gs_fuse_label(g, add);
	in[0] = mm->inputs[0];
	in[1] = mm->inputs[1];
	in[2] = add->inputs[1 - side];
	out = add->outputs[0];
	gs_graph_remove_node(g, add);
	gs_graph_remove_node(g, mm);
	gemm = gs_graph_add_node(g, "Gemm", "", mm->name, 3, in, 1, &out);
	gs_fuse_logf(log, false, "%s + %s -> %s", ml, al, gs_fuse_label(g, gemm));
	return 1;
}

static int fuse_graph(struct gs_graph *g, struct gs_fuse_log *log, struct gs_error *err)
{
	int j, n_order, *order, *rank, total = 0;

	if (!(order = gs_fuse_order(g, &n_order, err)))
		return -1;
	rank = gs_op_infer_ranks(g, order, n_order);
	for (j = 0; j < n_order; j++) {
		struct gs_node *n = g->nodes[order[j]];

		if (gs_fuse_is(n, "Add"))
			total += fuse_matmul_add(g, n, rank, log);
		else if (gs_fuse_is(n, "BatchNormalization"))
			total += gs_fuse_gemm_bn(g, n, log);
	}
	free(rank);
	free(order);
	return total;
}

int gs_fuse_gemm(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	struct gs_graph **gs;
	int count, i, n, total = 0;

	if (gs_model_opset(m, "") < 7) {
		gs_fuse_logf(log, true, "gemm: skipped: opset %lld Gemm broadcasts C only with an attribute",
			     (long long)gs_model_opset(m, ""));
		return 0;
	}
	gs = gs_fuse_graphs(m, &count);
	for (i = 0; i < count; i++) {
		if ((n = fuse_graph(gs[i], log, err)) < 0) {
			free(gs);
			return -1;
		}
		total += n;
	}
	free(gs);
	return total;
}
