/*
 * Which parameters a merge or a transplant may touch, and their partners
 * in another model through the matcher's correspondence (names are never
 * trusted).  A partner stored as the 2-D transpose (a Gemm with the other
 * transB) is read back in the destination's layout.
 */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/fuse.h"
#include "graphsmith/match.h"
#include "graphsmith/ops.h"
#include "graphsmith/params.h"
#include "graphsmith/transfer.h"

static bool is_quant_op(const char *op)
{
	size_t n = strlen(op);

	return strstr(op, "Quantize") || !strncmp(op, "QLinear", 7) ||
	       (n > 7 && !strcmp(op + n - 7, "Integer")) || !strncmp(op, "MatMulNBits", 11);
}

/* A use of a float constant that reads it as a value to learn. */
static bool use_is_weight_like(const struct gs_graph *g, const struct gs_use *u)
{
	const struct gs_node *n = g->nodes[u->node];
	const struct gs_op *op;

	if (n->removed)
		return true;
	if (is_quant_op(n->op_type))
		return false;
	op = gs_op_find(n->domain, n->op_type, gs_model_opset(g->model, n->domain));
	if (!op)
		op = gs_op_facts(n->domain, n->op_type);
	if (!op)
		return true;
	if (gs_op_attr_input(op, u->slot, gs_model_opset(g->model, n->domain)))
		return false;
	return !(op->f32_input && op->f32_input == u->slot);
}

bool gs_param_is_mergeable(const struct gs_graph *g, int value_id)
{
	const struct gs_value *v = g->values[value_id];
	int i, live = 0;

	if (v->kind != GS_VALUE_PARAM || !v->is_initializer || !v->param || !v->param->data ||
	    !gs_param_is_trainable_dtype(v->param->dtype))
		return false;
	for (i = 0; i < v->n_uses; i++) {
		if (!use_is_weight_like(g, &v->uses[i]))
			return false;
		live += !g->nodes[v->uses[i].node]->removed;
	}
	return live > 0;
}

void gs_pairs_release(struct gs_pairs *p)
{
	free(p->p);
	memset(p, 0, sizeof(*p));
}

static bool same_dims(const struct gs_tensor *a, const struct gs_tensor *b, bool transposed)
{
	int i;

	if (a->rank != b->rank)
		return false;
	if (transposed)
		return a->rank == 2 && a->dims[0] == b->dims[1] && a->dims[1] == b->dims[0];
	for (i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return true;
}

/* dst's mergeable parameters, unmatched; slot_of[value] their index. */
static int *pairs_init(struct gs_model *dst, struct gs_pairs *out)
{
	struct gs_graph *g = dst->graph;
	int *slot_of = gs_xmalloc(sizeof(int) * ((size_t)g->n_values + 1));
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < g->n_values; i++)
		slot_of[i] = -1;
	out->p = gs_xcalloc((size_t)g->n_initializers + 1, sizeof(*out->p));
	for (i = 0; i < g->n_initializers; i++) {
		int v = g->initializers[i];
		struct gs_pair *p;

		if (v < 0 || slot_of[v] >= 0 || !gs_param_is_mergeable(g, v))
			continue;
		p = &out->p[out->n];
		p->value = v;
		p->dst = g->values[v]->param;
		p->src_index = -1;
		p->status = GS_PAIR_UNMATCHED;
		slot_of[v] = out->n++;
	}
	return slot_of;
}

int gs_pairs_models(struct gs_model *dst, const struct gs_model *src, struct gs_pairs *out,
		    struct gs_error *err)
{
	struct gs_graph *g = dst->graph;
	struct gs_match_opts mo = { 0 };
	struct gs_match *m;
	int *slot_of = pairs_init(dst, out);
	int i;

	gs_metrics_opts_init(&mo.metrics);
	if (!(m = gs_match_models(dst, src, &mo, err))) {
		free(slot_of);
		gs_pairs_release(out);
		return -1;
	}
	for (i = 0; i < m->n_entries; i++)
		out->n_fused += m->entries[i].status == GS_MATCH_FUSED;
	for (i = 0; i < m->n_params; i++) {
		const struct gs_param_diff *d = &m->params[i];
		struct gs_pair *p;
		int v;

		if (!d->name_a)
			continue;
		v = gs_graph_find_value(g, d->name_a);
		if (v < 0 || slot_of[v] < 0)
			continue;
		p = &out->p[slot_of[v]];
		if (p->status != GS_PAIR_UNMATCHED)
			continue;	/* a shared weight: its first use pairs it */
		if (!d->a || !d->b) {
			if (d->name_b)
				p->status = GS_PAIR_FUSED;
			continue;
		}
		p->src = d->b;
		p->src_name = d->name_b;
		p->transposed = strstr(d->note, "compared with transpose") != NULL &&
				!same_dims(p->dst, d->b, false);
		p->status = same_dims(p->dst, d->b, p->transposed) ? GS_PAIR_OK : GS_PAIR_SHAPE;
	}
	gs_match_free(m);
	free(slot_of);
	return 0;
}

static bool wsame(const struct gs_tensor *a, const struct gs_wtensor *b, bool transposed)
{
	struct gs_tensor t = { .rank = b->rank, .dims = (int64_t *)b->dims };

	return same_dims(a, &t, transposed);
}

/* A 2-D weight of Gemm or MatMul, which exporters store either way round. */
static bool may_transpose(const struct gs_graph *g, int value)
{
	const struct gs_value *v = g->values[value];
	int i;

	if (v->param->rank != 2 || v->param->dims[0] == v->param->dims[1])
		return false;
	for (i = 0; i < v->n_uses; i++) {
		const struct gs_node *n = g->nodes[v->uses[i].node];

		if (!n->removed && v->uses[i].slot == 1 &&
		    (!strcmp(n->op_type, "Gemm") || !strcmp(n->op_type, "MatMul")))
			return true;
	}
	return false;
}

static int first_use(const struct gs_graph *g, int value)
{
	const struct gs_value *v = g->values[value];
	int i, best = g->n_nodes;

	for (i = 0; i < v->n_uses; i++)
		if (!g->nodes[v->uses[i].node]->removed && v->uses[i].node < best)
			best = v->uses[i].node;
	return best;
}

struct ranked {
	int first;			/* first consuming node */
	int index;			/* in the pairs */
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->first != y->first ? (x->first < y->first ? -1 : 1) :
	       (x->index > y->index) - (x->index < y->index);
}

static bool is_float_dtype(int dtype)
{
	return dtype == GS_DTYPE_FLOAT || dtype == GS_DTYPE_DOUBLE ||
	       dtype == GS_DTYPE_FLOAT16 || dtype == GS_DTYPE_BFLOAT16;
}

int gs_pairs_weights(struct gs_model *dst, const struct gs_weights *w, struct gs_pairs *out,
		     struct gs_error *err)
{
	struct gs_graph *g = dst->graph;
	int *slot_of = pairs_init(dst, out);
	bool *used = gs_xcalloc((size_t)w->n + 1, sizeof(bool));
	struct ranked *rest = gs_xmalloc(sizeof(*rest) * ((size_t)out->n + 1));
	struct gs_strmap by_name;
	int i, j, n_rest = 0;

	(void)err;
	gs_strmap_init(&by_name);
	for (j = 0; j < w->n; j++)
		gs_strmap_put(&by_name, w->t[j].name, j);
	for (i = 0; i < out->n; i++) {
		struct gs_pair *p = &out->p[i];

		j = gs_strmap_get(&by_name, g->values[p->value]->name);
		if (j < 0 || used[j]) {
			rest[n_rest].first = first_use(g, p->value);
			rest[n_rest++].index = i;
			continue;
		}
		used[j] = true;
		p->src_index = j;
		p->src_name = w->t[j].name;
		p->transposed = !wsame(p->dst, &w->t[j], false) && may_transpose(g, p->value) &&
				wsame(p->dst, &w->t[j], true);
		p->status = is_float_dtype(w->t[j].dtype) &&
			    wsame(p->dst, &w->t[j], p->transposed) ? GS_PAIR_OK : GS_PAIR_SHAPE;
	}
	qsort(rest, (size_t)n_rest, sizeof(*rest), cmp_ranked);
	for (i = 0; i < n_rest; i++) {
		struct gs_pair *p = &out->p[rest[i].index];
		int pass;

		for (pass = 0; pass < 2 && p->status == GS_PAIR_UNMATCHED; pass++) {
			if (pass && !may_transpose(g, p->value))
				break;
			for (j = 0; j < w->n; j++) {
				if (used[j] || !is_float_dtype(w->t[j].dtype) ||
				    !wsame(p->dst, &w->t[j], pass))
					continue;
				used[j] = true;
				p->src_index = j;
				p->src_name = w->t[j].name;
				p->transposed = pass;
				p->status = GS_PAIR_OK;
				break;
			}
		}
	}
	gs_strmap_release(&by_name);
	free(rest);
	free(used);
	free(slot_of);
	return 0;
}

float *gs_wpair_floats(const struct gs_weights *w, const struct gs_pair *p,
		       struct gs_error *err)
{
	const struct gs_wtensor *t = &w->t[p->src_index];
	float *f = gs_xmalloc(sizeof(float) * (size_t)(t->numel ? t->numel : 1)), *r;
	double buf[256];
	int64_t i, k, rows, cols;

	for (i = 0; i < t->numel; i += 256) {
		int64_t n = t->numel - i < 256 ? t->numel - i : 256;

		if (gs_decode_to_double(t->dtype, t->data, (size_t)i, (size_t)n, buf)) {
			free(f);
			gs_error_set(err, "tensor of type %s holds no numbers",
				     gs_dtype_name(t->dtype));
			return NULL;
		}
		for (k = 0; k < n; k++)
			f[i + k] = (float)buf[k];
	}
	if (!p->transposed)
		return f;
	rows = t->dims[0];
	cols = t->dims[1];
	r = gs_xmalloc(sizeof(float) * (size_t)(t->numel ? t->numel : 1));
	for (i = 0; i < rows; i++)
		for (k = 0; k < cols; k++)
			r[k * rows + i] = f[i * cols + k];
	free(f);
	return r;
}

float *gs_pair_floats(const struct gs_model *src_model, const struct gs_pair *p,
		      struct gs_error *err)
{
	float *f = gs_param_floats(src_model, p->src, err), *t;
	int64_t r, c, i, j;

	if (!f || !p->transposed)
		return f;
	r = p->src->dims[0];
	c = p->src->dims[1];
	t = gs_xmalloc(sizeof(float) * (size_t)(p->src->numel ? p->src->numel : 1));
	for (i = 0; i < r; i++)
		for (j = 0; j < c; j++)
			t[j * r + i] = f[i * c + j];
	free(f);
	return t;
}

int gs_transfer_fold(struct gs_model *m, struct gs_error *err)
{
	struct gs_fuse_log log;
	int n;

	gs_fuse_log_init(&log);
	n = gs_fuse_conv_bn(m, &log, err);
	gs_fuse_log_release(&log);
	return n;
}
