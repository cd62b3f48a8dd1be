/* Gemm + BatchNormalization -> Gemm.  The Gemm output is 2-D, so BN's
 * channel is the column n: B's column n scales by s[n] and the new C is
 * beta * C * s + t with beta reset to 1. */
#include <stdlib.h>

#include "passes/fuse-internal.h"

int gs_fuse_gemm_bn(struct gs_graph *g, struct gs_node *bn, struct gs_fuse_log *log)
{
	struct gs_node *p = gs_fuse_producer(g, bn->inputs[0]), *ng;
	struct gs_tensor *b, *c = NULL;
	double *bd = NULL, *cd = NULL, *s = NULL, *t = NULL, *nc = NULL, beta;
	int64_t n, k, i, cnt;
	bool trans;
	int in[3], out, rc = 0;
	void *bbytes, *cbytes;
	size_t blen, clen;
	const char *pl, *bl;

	if (!gs_fuse_is(p, "Gemm") || p->n_outputs != 1 || p->n_inputs < 2 ||
	    !gs_fuse_clonable(p) || gs_fuse_sole_use(g, p->outputs[0], NULL) != bn ||
	    p->inputs[0] < 0)
		return 0;
	b = gs_fuse_param(g, p, 1);
	if (!b || b->rank != 2 || !gs_dtype_is_float(b->dtype))
		return 0;
	trans = gs_node_attr_int(p, "transB", 0) != 0;
	n = trans ? b->dims[0] : b->dims[1];
	k = trans ? b->dims[1] : b->dims[0];
	if (p->n_inputs >= 3 && p->inputs[2] >= 0) {
		c = gs_fuse_param(g, p, 2);
		if (!c || !gs_fuse_is_row_bias(c, n) || c->dtype != b->dtype)
			return 0;
	}
	if (gs_fuse_bn_affine(g, bn, n, &s, &t))
		return 0;
	beta = gs_node_attr_float(p, "beta", 1.0f);
	if (!(bd = gs_fuse_param_doubles(b, &cnt)) || (c && !(cd = gs_fuse_param_doubles(c, &cnt))))
		goto out;
	for (i = 0; i < b->numel; i++)
		bd[i] *= s[trans ? i / k : i % n];
	nc = gs_xmalloc(sizeof(double) * (size_t)n);
	for (i = 0; i < n; i++)
		nc[i] = (cd ? beta * cd[c->numel == 1 ? 0 : i] : 0.0) * s[i] + t[i];
	bbytes = gs_fuse_encode(b->dtype, bd, b->numel, &blen);
	cbytes = gs_fuse_encode(b->dtype, nc, n, &clen);
	if (!bbytes || !cbytes) {
		free(bbytes);
		free(cbytes);
		goto out;
	}
	pl = gs_fuse_label(g, p);
	bl = gs_fuse_label(g, bn);
	in[0] = p->inputs[0];
	in[1] = gs_fuse_rewrite_param(g, p->inputs[1], p, b->dtype, 2, b->dims, bbytes, blen);
	if (c && c->rank == 1 && c->numel == n)
		in[2] = gs_fuse_rewrite_param(g, p->inputs[2], p, b->dtype, 1, &n, cbytes, clen);
	else
		in[2] = gs_fuse_new_param(g, gs_arena_printf(&g->model->arena, "%s_bias",
							     g->values[in[1]]->name),
				       b->dtype, 1, &n, cbytes, clen);
	out = bn->outputs[0];
	gs_graph_remove_node(g, bn);
	gs_graph_remove_node(g, p);
	ng = gs_fuse_add_like(g, p, "Gemm", p->name, 3, in, 1, &out);
	if (beta != 1.0)
		gs_node_set_attr_float(g, ng, "beta", 1.0f);
	gs_fuse_drop_inputs(g, bn);
	gs_fuse_drop_inputs(g, p);
	gs_fuse_logf(log, false, "%s + %s -> %s", pl, bl, gs_fuse_label(g, ng));
	rc = 1;
out:
	free(bd);
	free(cd);
	free(nc);
	free(s);
	free(t);
	return rc;
}
