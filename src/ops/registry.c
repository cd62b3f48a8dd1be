/* The op registry: the family tables, lookup by (domain, name, opset), and
 * the accessors of the facts its entries hold. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/ops.h"
#include "ops/families.h"

static const struct gs_op *const families[] = {
	gs_ops_elementwise, gs_ops_reduce, gs_ops_nn, gs_ops_norm, gs_ops_einsum, gs_ops_rnn,
	gs_ops_shape,
	gs_ops_index, gs_ops_quant, gs_ops_resize, gs_ops_control, gs_ops_loss,
	gs_ops_attention, gs_ops_signal, gs_ops_integer, gs_ops_vision, gs_ops_contrib,
};

#define N_FAMILIES (sizeof(families) / sizeof(*families))

/* every entry sorted by (name, domain, since): lookups bisect the name */
static const struct gs_op **sorted;
static size_t n_sorted;
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static const char *norm_domain(const char *d)
{
	/* "ai.onnx" is the default domain's long name */
	return !d || !strcmp(d, "ai.onnx") ? "" : d;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct gs_op *a = *(const struct gs_op *const *)pa;
	const struct gs_op *b = *(const struct gs_op *const *)pb;
	int c = strcmp(a->name, b->name);

	if (!c)
		c = strcmp(norm_domain(a->domain), norm_domain(b->domain));
	return c ? c : (a->since > b->since) - (a->since < b->since);
}

static void sort_entries(void)
{
	const struct gs_op *op;
	size_t f, n = 0;

	for (f = 0; f < N_FAMILIES; f++)
		for (op = families[f]; op && op->name; op++)
			n++;
	sorted = malloc(sizeof(*sorted) * (n + 1));
	if (!sorted)
		abort();
	for (f = 0; f < N_FAMILIES; f++)
		for (op = families[f]; op && op->name; op++)
			sorted[n_sorted++] = op;
	qsort(sorted, n_sorted, sizeof(*sorted), entry_cmp);
}

/* The first sorted entry named NAME, or n_sorted. */
static size_t first_named(const char *name)
{
	size_t lo = 0, hi;

	pthread_once(&sorted_once, sort_entries);
	hi = n_sorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sorted[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct gs_op *gs_op_find(const char *domain, const char *name, int64_t opset)
{
	const struct gs_op *best = NULL;
	size_t k;

	domain = norm_domain(domain);
	for (k = first_named(name); k < n_sorted && !strcmp(sorted[k]->name, name); k++)
		if (!strcmp(norm_domain(sorted[k]->domain), domain) && sorted[k]->since <= opset)
			best = sorted[k];	/* ascending since: the last one wins */
	return best;
}

const struct gs_op *gs_op_facts(const char *domain, const char *name)
{
	return gs_op_find(domain, name, INT64_MAX);
}

void gs_op_each(void (*fn)(const struct gs_op *op, void *ctx), void *ctx)
{
	const struct gs_op *op;
	size_t f;

	for (f = 0; f < N_FAMILIES; f++)
		for (op = families[f]; op && op->name; op++)
			fn(op, ctx);
}

int gs_op_breaking_version(const char *domain, const char *name, int64_t from, int64_t to)
{
	const struct gs_op *op = gs_op_facts(domain, name);
	int k;

	for (k = 0; op && k < 8 && op->breaks[k]; k++)
		if (op->breaks[k] > from && op->breaks[k] <= to)
			return op->breaks[k];
	return 0;
}

static bool in_range(int from, int to, int64_t opset)
{
	/* an unknown opset (<= 0) compares as 0: below every lower bound */
	return !(from && opset < from) && !(to && opset > to);
}

const struct gs_op_attr *gs_op_attr_default(const struct gs_op *op, const char *name,
					    int64_t opset)
{
	const struct gs_op_attr *a;

	for (a = op ? op->attrs : NULL; a && a->name; a++)
		if (a->name[0] == name[0] && !strcmp(a->name, name) && in_range(a->from, a->to, opset))
			return a;
	return NULL;
}

bool gs_op_attr_is_default(const struct gs_op *op, const struct gs_attr *a, int64_t opset)
{
	const struct gs_op_attr *d = gs_op_attr_default(op, a->name, opset);
	int i;

	if (!d)
		return false;
	switch (d->kind) {
	case GS_OP_ATTR_INTS:
		if (a->type != GS_ATTR_INTS)
			return false;
		for (i = 0; i < a->n; i++)
			if (a->ints[i] != (int64_t)d->num)
				return false;
		return true;
	case GS_OP_ATTR_INT:
		return a->type == GS_ATTR_INT && a->i == (int64_t)d->num;
	case GS_OP_ATTR_FLOAT:
		return a->type == GS_ATTR_FLOAT && a->f == (float)d->num;
	case GS_OP_ATTR_STRING:
		return a->type == GS_ATTR_STRING && d->str && !strcmp(a->s, d->str);
	}
	return false;
}

const struct gs_op_input *gs_op_attr_input(const struct gs_op *op, int slot, int64_t opset)
{
	const struct gs_op_input *in;

	for (in = op ? op->attr_inputs : NULL; in && in->name; in++)
		if (in->slot == slot && (opset <= 0 || in->from <= opset))
			return in;
	return NULL;
}

const char *gs_op_family(const char *domain, const char *name)
{
	const struct gs_op *op = gs_op_facts(domain, name);

	return op ? op->family : NULL;
}

int gs_op_weight_slot(const char *domain, const char *name, int *out_axis, int *bias)
{
	const struct gs_op *op = gs_op_facts(domain, name);

	if (!op || op->weight_slot <= 0)
		return -1;
	if (out_axis)
		*out_axis = op->out_axis;
	if (bias)
		*bias = op->bias_slot > 0 ? op->bias_slot : -1;
	return op->weight_slot;
}

int gs_op_out_rank(const struct gs_op *op, const struct gs_node *n, const int *rank,
		   int shape_len)
{
	int j, r = 0;

	if (!op || n->n_inputs < 1 || n->inputs[0] < 0)
		return -1;
	switch (op->rank_rule) {
	case GS_RANK_SAME:
		return rank[n->inputs[0]];
	case GS_RANK_FIXED:
		return op->rank;
	case GS_RANK_SHAPE:
		return n->n_inputs == 2 ? shape_len : -1;
	case GS_RANK_KEEPDIMS:
		return gs_node_attr_int(n, "keepdims", 1) ? rank[n->inputs[0]] : -1;
	case GS_RANK_BCAST:
	case GS_RANK_MATMUL:
		for (j = 0; j < n->n_inputs && r >= 0; j++)
			if (n->inputs[j] < 0 || rank[n->inputs[j]] < 0)
				r = -1;
			else if (rank[n->inputs[j]] > r)
				r = rank[n->inputs[j]];
		/* MatMul of 1-D operands drops an axis: only trust rank >= 2 */
		if (op->rank_rule == GS_RANK_MATMUL && n->n_inputs == 2 && r >= 0 &&
		    (rank[n->inputs[0]] < 2 || rank[n->inputs[1]] < 2))
			r = -1;
		return r;
	case GS_RANK_UNKNOWN:
		break;
	}
	return -1;
}

int *gs_op_infer_ranks(const struct gs_graph *g, const int *order, int n_order)
{
	int *rank = gs_xmalloc(sizeof(int) * ((size_t)g->n_values + 1));
	const struct gs_op *op;
	int i, k, shape_len;

	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		rank[i] = v->kind == GS_VALUE_PARAM && v->param ? v->param->rank : v->rank;
		if (v->kind == GS_VALUE_OUTER && v->outer)
			rank[i] = v->outer->rank;
	}
	for (i = 0; i < n_order; i++) {
		const struct gs_node *n = g->nodes[order[i]];
		int out = n->n_outputs > 0 ? n->outputs[0] : -1, in0;

		if (n->removed || out < 0 || n->domain[0] || n->n_inputs < 1 || n->inputs[0] < 0)
			continue;
		in0 = rank[n->inputs[0]];
		if (!strcmp(n->op_type, "Split") || !strcmp(n->op_type, "TopK")) {
			for (k = 0; k < n->n_outputs; k++)
				if (n->outputs[k] >= 0 && rank[n->outputs[k]] < 0)
					rank[n->outputs[k]] = in0;
			continue;
		}
		if (rank[out] >= 0)
			continue;
		op = gs_op_facts("", n->op_type);
		shape_len = -1;
		if (op && op->rank_rule == GS_RANK_SHAPE && n->n_inputs == 2) {
			const struct gs_tensor *shape = gs_graph_param_of(g, n->inputs[1]);

			shape_len = shape && shape->rank == 1 ? (int)shape->numel : -1;
		}
		if (op && op->rank_rule != GS_RANK_UNKNOWN)
			rank[out] = gs_op_out_rank(op, n, rank, shape_len);
	}
	return rank;
}
