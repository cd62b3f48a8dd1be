/* Conv / ConvTranspose + BatchNormalization -> Conv with folded weights.
 * W'[o] = W[o] * s[o], b'[o] = b[o] * s[o] + t[o], computed in double, where
 * BN(y) = s * y + t.  The fused node writes BN's output, so downstream
 * keeps its names. */
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

/* Output channel of weight element i. */
static int64_t out_channel(bool transposed, const struct gs_tensor *w, int64_t group, int64_t i)
{
	int64_t k, mg, cpg;

	if (!transposed)
		return i / (w->numel / w->dims[0]);
	/* ConvTranspose W is [C_in, M/group, k...]: channel axis 1, per group */
	mg = w->dims[1];
	k = w->numel / (w->dims[0] * mg);
	cpg = w->dims[0] / group;
	return (i / (mg * k)) / cpg * mg + (i / k) % mg;
}

static int fold_one(struct gs_graph *g, struct gs_node *bn, struct gs_fuse_log *log)
{
	struct gs_node *c = gs_fuse_producer(g, bn->inputs[0]), *nc;
	struct gs_tensor *w, *b = NULL;
	double *wd = NULL, *bd = NULL, *s = NULL, *t = NULL;
	bool transposed;
	int64_t group, m, n, i;
	int in[3], out, rc = 0, bdtype;
	void *wbytes, *bbytes;
	size_t wlen, blen;
	const char *cl, *bl;

	if (!c || !(gs_fuse_is(c, "Conv") || gs_fuse_is(c, "ConvTranspose")) || c->n_outputs != 1 ||
	    !gs_fuse_clonable(c) || gs_fuse_sole_use(g, c->outputs[0], NULL) != bn ||
	    c->n_inputs < 2 || c->inputs[0] < 0)
		return 0;
	transposed = !strcmp(c->op_type, "ConvTranspose");
	group = gs_node_attr_int(c, "group", 1);
	w = gs_fuse_param(g, c, 1);
	if (!w || !gs_dtype_is_float(w->dtype) || w->rank < 2 || group < 1 || w->numel <= 0)
		return 0;
	if (transposed && w->dims[0] % group)
		return 0;
	m = transposed ? w->dims[1] * group : w->dims[0];
	if (c->n_inputs >= 3 && c->inputs[2] >= 0) {
		b = gs_fuse_param(g, c, 2);
		if (!b || b->numel != m || !gs_dtype_is_float(b->dtype))
			return 0;
	}
	if (gs_fuse_bn_affine(g, bn, m, &s, &t))
		return 0;
	if (!(wd = gs_fuse_param_doubles(w, &n)))
		goto out;
	if (b && !(bd = gs_fuse_param_doubles(b, &n)))
		goto out;
	if (!bd)
		bd = gs_xcalloc((size_t)m, sizeof(double));
	for (i = 0; i < w->numel; i++)
		wd[i] *= s[out_channel(transposed, w, group, i)];
	for (i = 0; i < m; i++)
		bd[i] = bd[i] * s[i] + t[i];
	bdtype = b ? b->dtype : w->dtype;
	wbytes = gs_fuse_encode(w->dtype, wd, w->numel, &wlen);
	bbytes = gs_fuse_encode(bdtype, bd, m, &blen);
	if (!wbytes || !bbytes) {
		free(wbytes);
		free(bbytes);
		goto out;
	}
	cl = gs_fuse_label(g, c);
	bl = gs_fuse_label(g, bn);
	in[0] = c->inputs[0];
	in[1] = gs_fuse_rewrite_param(g, c->inputs[1], c, w->dtype, w->rank, w->dims, wbytes, wlen);
	if (b)
		in[2] = gs_fuse_rewrite_param(g, c->inputs[2], c, bdtype, 1, &m, bbytes, blen);
	else
		in[2] = gs_fuse_new_param(g, gs_arena_printf(&g->model->arena, "%s_bias",
							     g->values[in[1]]->name),
				       bdtype, 1, &m, bbytes, blen);
	out = bn->outputs[0];
	gs_graph_remove_node(g, bn);
	gs_graph_remove_node(g, c);
	nc = gs_fuse_add_like(g, c, c->op_type, c->name, 3, in, 1, &out);
	gs_fuse_drop_inputs(g, bn);
	gs_fuse_drop_inputs(g, c);
	gs_fuse_logf(log, false, "%s + %s -> %s", cl, bl, gs_fuse_label(g, nc));
	rc = 1;
out:
	free(wd);
	free(bd);
	free(s);
	free(t);
	return rc;
}

static int try_conv_bn(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	if (gs_fuse_is(n, "BatchNormalization") && n->n_outputs >= 1 &&
	    n->outputs[0] >= 0 && n->inputs[0] >= 0)
		return fold_one(g, n, log);
	return 0;
}

int gs_fuse_conv_bn(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	return gs_fuse_each_node(m, try_conv_bn, log, err);
}
