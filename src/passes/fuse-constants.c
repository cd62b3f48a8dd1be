/* Constant folding: Constant nodes become initializers, and nodes that
 * gs_fuse_eval can compute from constants (ConstantOfShape, Shape of a static
 * shape, Cast, Reshape, ...) are replaced by an initializer holding their
 * result, under the same name, so readers are untouched.  Visiting in
 * topological order folds whole chains in one pass. */
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

static void become_initializer(struct gs_graph *g, struct gs_node *n, int out, int dtype,
			       int rank, const int64_t *dims, void *data, size_t nbytes)
{
	struct gs_tensor *t = gs_tensor_new(g->model, g->values[out]->name, dtype, rank, dims);

	t->data = data;
	t->nbytes = nbytes;
	t->store = GS_STORE_HEAP;
	gs_graph_remove_node(g, n);
	gs_graph_add_initializer(g, out, t);
	gs_fuse_drop_inputs(g, n);
}

static int fold_constant(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	int out = n->n_outputs == 1 ? n->outputs[0] : -1;
	const struct gs_tensor *t;
	void *copy;

	if (out < 0 || g->values[out]->is_graph_output || g->values[out]->kind != GS_VALUE_PARAM)
		return 0;
	t = g->values[out]->param;
	if (!t || !t->data || gs_dtype_nbytes(t->dtype, t->numel) != (int64_t)t->nbytes)
		return 0;
	copy = gs_xmalloc(t->nbytes + 1);
	memcpy(copy, t->data, t->nbytes);
	gs_fuse_logf(log, false, "%s (Constant) -> initializer '%s'", gs_fuse_label(g, n),
		     g->values[out]->name);
	become_initializer(g, n, out, t->dtype, t->rank, t->dims, copy, t->nbytes);
	return 1;
}

/* What folding may add to a model in one pass: a 3.7 KB file whose
 * ConstantOfShapes unfold to gigabytes is a bomb, not a model.  Four
 * times the model's size, at least 64 MiB. */
static size_t fold_budget;

static int fold_node(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	int out = n->n_outputs == 1 ? n->outputs[0] : -1;
	struct fuse_value v;
	int rc;

	if (out < 0 || g->values[out]->is_graph_output || gs_fuse_has_subgraphs(n))
		return 0;
	rc = gs_fuse_eval(g, n, fold_budget, &v);
	if (rc == -2) {
		gs_fuse_logf(log, true, "left %s (%s) alone: its value would add more than %zu MiB "
			     "to the model", gs_fuse_label(g, n), n->op_type, fold_budget >> 20);
		return 0;
	}
	if (rc)
		return 0;
	fold_budget -= v.nbytes < fold_budget ? v.nbytes : fold_budget;
	gs_fuse_logf(log, false, "%s (%s) -> initializer '%s'", gs_fuse_label(g, n), n->op_type,
		     g->values[out]->name);
	become_initializer(g, n, out, v.dtype, v.rank, v.dims, v.data, v.nbytes);
	v.data = NULL;		/* the tensor owns it now */
	gs_fuse_value_release(&v);
	return 1;
}

static int try_constant(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	if (n->removed || n->domain[0])
		return 0;
	if (!strcmp(n->op_type, "Constant"))
		return fold_constant(g, n, log);
	return fold_node(g, n, log);
}

int gs_fuse_constants(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	fold_budget = m->file_size * 4 > ((size_t)64 << 20) ? m->file_size * 4 : (size_t)64 << 20;
	return gs_fuse_each_node(m, try_constant, log, err);
}
