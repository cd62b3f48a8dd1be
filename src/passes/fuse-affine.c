/*
 * Affine chains: Conv, ConvTranspose, Gemm or MatMul followed by links that
 * each map output channel c as y = a[c] * x + b[c] with constant operands
 * (BatchNormalization in inference, Mul, Add, Sub, Div by a constant that
 * broadcasts along the channel axis only), in any order and number.  The
 * chain composes to y = s[c] * base(x) + t[c], folded in double into the
 * base's weight (channel c scaled by s[c]) and bias (b * s + t).
 *
 * The description (gs_affine_*) is shared with the matcher's fusion view,
 * so `diff` groups the same chains `fuse affine` folds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/fuse-internal.h"

/* Longest chain followed: real models have two or three links. */
#define AFFINE_MAX_LINKS 32

bool gs_affine_is_base(const struct gs_node *n)
{
	return gs_fuse_is(n, "Conv") || gs_fuse_is(n, "ConvTranspose") || gs_fuse_is(n, "Gemm") ||
	       gs_fuse_is(n, "MatMul");
}

int gs_affine_link_kind(const struct gs_node *n, int slot, int *cslot)
{
	if (!n || n->removed || n->domain[0] || n->n_outputs < 1 || slot < 0)
		return GS_AFFINE_NONE;
	if (!strcmp(n->op_type, "BatchNormalization"))
		return slot == 0 && n->n_inputs == 5 ? GS_AFFINE_BN : GS_AFFINE_NONE;
	if (n->n_inputs != 2 || n->n_outputs != 1 || slot > 1 || n->inputs[0] == n->inputs[1])
		return GS_AFFINE_NONE;
	*cslot = 1 - slot;
	if (!strcmp(n->op_type, "Mul"))
		return GS_AFFINE_MUL;
	if (!strcmp(n->op_type, "Add"))
		return GS_AFFINE_ADD;
	if (!strcmp(n->op_type, "Sub"))
		return slot == 0 ? GS_AFFINE_SUB : GS_AFFINE_RSUB;
	if (!strcmp(n->op_type, "Div"))
		return slot == 0 ? GS_AFFINE_DIV : GS_AFFINE_NONE;	/* c / x is not affine */
	return GS_AFFINE_NONE;
}

bool gs_affine_bn_ok(const struct gs_node *bn)
{
	return gs_node_attr_int(bn, "training_mode", 0) == 0 && gs_node_attr_int(bn, "spatial", 1) != 0;
}

bool gs_affine_per_channel(const struct gs_tensor *c, int out_rank, int axis, int64_t channels)
{
	int i, at;

	if (!c || c->numel < 1 || c->rank < 0)
		return false;
	/* an unknown output rank: only shapes that cannot add axes */
	if (out_rank < 0)
		return c->rank <= 1 && (c->numel == 1 || c->numel == channels) && axis == -1;
	if (axis < 0)
		axis += out_rank;
	if (c->rank > out_rank || axis < 0 || axis >= out_rank)
		return false;
	for (i = 0; i < c->rank; i++) {
		at = out_rank - c->rank + i;
		if (c->dims[i] != 1 && !(at == axis && c->dims[i] == channels))
			return false;
	}
	return true;
}

static bool decode_n(const struct gs_tensor *t, int64_t want, double *out)
{
	return t && t->data && t->numel == want &&
	       !gs_decode_to_double(t->dtype, t->data, 0, (size_t)want, out);
}

int gs_affine_compose(int kind, const struct gs_node *n, const struct gs_tensor *const *params,
		      int64_t channels, double *s, double *t)
{
	double *v = gs_xmalloc(sizeof(double) * ((size_t)channels * 4 + 1)), a, b;
	double eps = n ? gs_node_attr_float(n, "epsilon", 1e-5f) : 1e-5;
	int64_t c, k;
	int i, rc = -1;

	if (kind == GS_AFFINE_BN) {
		for (i = 0; i < 4; i++)
			if (!decode_n(params[i], channels, v + i * channels))
				goto out;
		for (c = 0; c < channels; c++) {
			/* gamma / sqrt(var + eps), beta - mean * that */
			a = v[c] / sqrt(v[3 * channels + c] + eps);
			b = v[channels + c] - v[2 * channels + c] * a;
			s[c] *= a;
			t[c] = t[c] * a + b;
		}
		rc = 0;
		goto out;
	}
	k = params[0] ? params[0]->numel : 0;
	if ((k != 1 && k != channels) || !decode_n(params[0], k, v))
		goto out;
	for (c = 0; c < channels; c++) {
		double x = v[k == 1 ? 0 : c];

		switch (kind) {
		case GS_AFFINE_MUL:
			s[c] *= x;
			t[c] *= x;
			break;
		case GS_AFFINE_ADD:
			t[c] += x;
			break;
		case GS_AFFINE_SUB:
			t[c] -= x;
			break;
		case GS_AFFINE_RSUB:
			s[c] = -s[c];
			t[c] = x - t[c];
			break;
		case GS_AFFINE_DIV:
			if (x == 0 || !isfinite(x))
				goto out;	/* x / 0 has no weight to fold into */
			s[c] /= x;
			t[c] /= x;
			break;
		default:
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	return rc;
}

int64_t gs_affine_out_channel(bool transposed, const struct gs_tensor *w, int64_t group, int64_t i)
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

/* What the base offers a chain: its weight, bias, channel count, axis. */
struct base {
	struct gs_node *n;
	struct gs_tensor *w, *b;
	int64_t channels, group;
	int rank, axis, op;	/* op: 0 Conv, 1 ConvTranspose, 2 Gemm, 3 MatMul */
	bool trans;
	double beta;
};

static int value_rank(const struct gs_graph *g, int vid)
{
	return vid >= 0 ? g->values[vid]->rank : -1;
}

static bool base_init(struct gs_graph *g, struct gs_node *n, struct base *bs)
{
	memset(bs, 0, sizeof(*bs));
	bs->n = n;
	if (!gs_affine_is_base(n) || n->n_outputs != 1 || n->outputs[0] < 0 ||
	    !gs_fuse_clonable(n) || n->n_inputs < 2 || n->inputs[0] < 0)
		return false;
	bs->w = gs_fuse_param(g, n, 1);
	if (!bs->w || !gs_dtype_is_float(bs->w->dtype) || bs->w->numel <= 0)
		return false;
	if (n->n_inputs >= 3 && n->inputs[2] >= 0 &&
	    (!(bs->b = gs_fuse_param(g, n, 2)) || !gs_dtype_is_float(bs->b->dtype)))
		return false;
	if (gs_fuse_is(n, "Conv") || gs_fuse_is(n, "ConvTranspose")) {
		bs->op = gs_fuse_is(n, "Conv") ? 0 : 1;
		bs->group = gs_node_attr_int(n, "group", 1);
		if (bs->w->rank < 3 || bs->group < 1 || (bs->op == 1 && bs->w->dims[0] % bs->group))
			return false;
		bs->channels = bs->op ? bs->w->dims[1] * bs->group : bs->w->dims[0];
		bs->rank = bs->w->rank;
		bs->axis = 1;
		return !bs->b || bs->b->numel == bs->channels;
	}
	if (bs->w->rank != 2)
		return false;
	if (gs_fuse_is(n, "Gemm")) {
		bs->op = 2;
		bs->trans = gs_node_attr_int(n, "transB", 0) != 0;
		bs->channels = bs->trans ? bs->w->dims[0] : bs->w->dims[1];
		bs->rank = 2;
		bs->axis = 1;
		bs->beta = gs_node_attr_float(n, "beta", 1.0f);
		return !bs->b || (gs_fuse_is_row_bias(bs->b, bs->channels) && bs->b->dtype == bs->w->dtype);
	}
	bs->op = 3;
	bs->channels = bs->w->dims[1];
	bs->rank = value_rank(g, n->outputs[0]);
	if (bs->rank < 0 && value_rank(g, n->inputs[0]) >= 1)
		bs->rank = value_rank(g, n->inputs[0]) < 2 ? 1 : value_rank(g, n->inputs[0]);
	bs->axis = bs->rank < 0 ? -1 : bs->rank - 1;
	return true;
}

/* Link u of the chain, entered at slot: composed into s, t; false if it
 * is no foldable link. */
static bool link_fold(struct gs_graph *g, const struct base *bs, struct gs_node *u, int slot,
		      double *s, double *t, bool *additive)
{
	const struct gs_tensor *p[4];
	int kind, cslot = -1, i;

	kind = gs_affine_link_kind(u, slot, &cslot);
	if (kind == GS_AFFINE_NONE || u->outputs[0] < 0)
		return false;
	if (kind == GS_AFFINE_BN) {
		/* channels on axis 1: a MatMul's last axis only at rank 2 */
		if (!gs_affine_bn_ok(u) || bs->rank < 2 || bs->axis != 1)
			return false;
		for (i = 1; i < u->n_outputs; i++)
			if (u->outputs[i] >= 0 && gs_fuse_uses(g, u->outputs[i]) != 0)
				return false;
		for (i = 0; i < 4; i++) {
			p[i] = gs_fuse_param(g, u, i + 1);
			if (!p[i] || !gs_dtype_is_float(p[i]->dtype) || p[i]->numel != bs->channels)
				return false;
		}
	} else {
		p[0] = gs_fuse_param(g, u, cslot);
		if (!p[0] || p[0]->dtype != bs->w->dtype ||
		    !gs_affine_per_channel(p[0], bs->rank, bs->axis, bs->channels))
			return false;
		if (kind == GS_AFFINE_ADD || kind == GS_AFFINE_SUB || kind == GS_AFFINE_RSUB)
			*additive = true;
	}
	return !gs_affine_compose(kind, u, p, bs->channels, s, t);
}

/* New weight bytes: channel c of the weight scaled by s[c]. */
static void *scaled_weight(const struct base *bs, const double *s, size_t *len)
{
	const struct gs_tensor *w = bs->w;
	int64_t cnt, i, k = w->dims[bs->op == 2 && bs->trans ? 1 : 0];
	double *wd = gs_fuse_param_doubles(w, &cnt);
	void *bytes;

	if (!wd)
		return NULL;
	for (i = 0; i < w->numel; i++) {
		int64_t c;

		if (bs->op <= 1)
			c = gs_affine_out_channel(bs->op == 1, w, bs->group, i);
		else if (bs->op == 2 && bs->trans)
			c = i / k;
		else
			c = i % bs->channels;
		wd[i] *= s[c];
	}
	bytes = gs_fuse_encode(w->dtype, wd, w->numel, len);
	free(wd);
	return bytes;
}

/* New bias: b * s + t (Gemm: beta * C * s + t, beta becomes 1). */
static double *new_bias(const struct base *bs, const double *s, const double *t)
{
	double *bd = gs_xcalloc((size_t)bs->channels + 1, sizeof(double)), *old = NULL;
	double scale = bs->op == 2 ? bs->beta : 1.0;
	int64_t c, cnt;

	if (bs->b && !(old = gs_fuse_param_doubles(bs->b, &cnt))) {
		free(bd);
		return NULL;
	}
	for (c = 0; c < bs->channels; c++)
		bd[c] = (old ? scale * old[bs->b->numel == 1 ? 0 : c] : 0.0) * s[c] + t[c];
	free(old);
	return bd;
}

static int try_affine(struct gs_graph *g, struct gs_node *n, struct gs_fuse_log *log)
{
	struct gs_node *chain[AFFINE_MAX_LINKS], *u, *nn;
	struct base bs;
	double *s = NULL, *t = NULL, *bd = NULL;
	int n_chain = 0, slot, cur, i, rc = 0, in[3], out, bdtype = 0, mm_out;
	bool additive = false;
	void *wbytes = NULL, *bbytes = NULL;
	size_t wlen, blen;
	char *text = NULL;
	size_t tlen = 0;
	int64_t c;
	FILE *f;

	if (!base_init(g, n, &bs))
		return 0;
	s = gs_xmalloc(sizeof(double) * ((size_t)bs.channels + 1));
	t = gs_xmalloc(sizeof(double) * ((size_t)bs.channels + 1));
	for (c = 0; c < bs.channels; c++) {
		s[c] = 1.0;
		t[c] = 0.0;
	}
	cur = n->outputs[0];
	while (n_chain < AFFINE_MAX_LINKS && (u = gs_fuse_sole_use(g, cur, &slot)) &&
	       link_fold(g, &bs, u, slot, s, t, &additive)) {
		chain[n_chain++] = u;
		cur = u->outputs[0];
	}
	/* MatMul has no bias: a lone Add stays for the gemm pattern */
	if (!n_chain || (bs.op == 3 && n_chain == 1 && additive))
		goto out;
	if (!(wbytes = scaled_weight(&bs, s, &wlen)))
		goto out;
	if (bs.op != 3 || additive) {
		if (!(bd = new_bias(&bs, s, t)))
			goto out;
		bdtype = bs.b ? bs.b->dtype : bs.w->dtype;
		if (!(bbytes = gs_fuse_encode(bdtype, bd, bs.channels, &blen)))
			goto out;
	}
	/* the log line first: labels of removed nodes stay readable, but
	 * the new node's name is only known after */
	if ((f = open_memstream(&text, &tlen))) {
		fprintf(f, "%s", gs_fuse_label(g, n));
		for (i = 0; i < n_chain; i++)
			fprintf(f, " + %s", gs_fuse_label(g, chain[i]));
		fclose(f);
	}
	in[0] = n->inputs[0];
	in[1] = gs_fuse_rewrite_param(g, n->inputs[1], n, bs.w->dtype, bs.w->rank, bs.w->dims,
				      wbytes, wlen);
	wbytes = NULL;
	in[2] = -1;
	if (bbytes) {
		if (bs.b && bs.b->rank == 1 && bs.b->numel == bs.channels)
			in[2] = gs_fuse_rewrite_param(g, n->inputs[2], n, bdtype, 1, &bs.channels,
						      bbytes, blen);
		else
			in[2] = gs_fuse_new_param(g, gs_arena_printf(&g->model->arena, "%s_bias",
								     g->values[in[1]]->name),
					       bdtype, 1, &bs.channels, bbytes, blen);
		bbytes = NULL;
	}
	out = cur;
	mm_out = n->outputs[0];
	for (i = n_chain - 1; i >= 0; i--)
		gs_graph_remove_node(g, chain[i]);
	gs_graph_remove_node(g, n);
	if (bs.op == 3) {
		int mm_in[2] = { in[0], in[1] };

		nn = gs_fuse_add_like(g, n, "MatMul", n->name, 2, mm_in, 1, in[2] >= 0 ? &mm_out : &out);
		if (in[2] >= 0) {
			int add_in[2] = { mm_out, in[2] };
			const char *name = "";

			for (i = 0; i < n_chain && !name[0]; i++)
				if (strcmp(chain[i]->op_type, "Mul") && strcmp(chain[i]->op_type, "Div"))
					name = chain[i]->name;
			gs_fuse_add_like(g, NULL, "Add", name, 2, add_in, 1, &out);
		}
	} else {
		nn = gs_fuse_add_like(g, n, n->op_type, n->name, 3, in, 1, &out);
		if (bs.op == 2 && bs.beta != 1.0)
			gs_node_set_attr_float(g, nn, "beta", 1.0f);
	}
	for (i = 0; i < n_chain; i++)
		gs_fuse_drop_inputs(g, chain[i]);
	gs_fuse_drop_inputs(g, n);
	gs_fuse_logf(log, false, "%s -> %s", text ? text : n->op_type, gs_fuse_label(g, nn));
	rc = 1;
out:
	free(text);
	free(wbytes);
	free(bbytes);
	free(bd);
	free(s);
	free(t);
	return rc;
}

int gs_fuse_affine(struct gs_model *m, struct gs_fuse_log *log, struct gs_error *err)
{
	return gs_fuse_each_node(m, try_affine, log, err);
}
