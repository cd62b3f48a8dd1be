/*
 * IO adapters: what turns a producer's tensor into what a consumer expects
 * (TRANSFER.md section 3.2).  Cast first, then the shape: ranks that
 * differ by 1-sized dims (Squeeze/Unsqueeze), NHWC against NCHW
 * (Transpose), spatial size (Resize), [N, ...] against [N, K] (Flatten),
 * equal element counts (Reshape).  Symbolic and unknown dims agree with
 * anything; two layouts that both fit are refused as ambiguous.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/combine.h"
#include "graphsmith/numeric.h"

static bool dim_static(const struct gs_dim *d)
{
	return d->value >= 0 && !d->param;
}

/* 1: the same, 0: cannot be, 2: agree only by assumption */
static int dim_compat(const struct gs_dim *a, const struct gs_dim *b)
{
	if (dim_static(a) && dim_static(b))
		return a->value == b->value;
	if (a->param && b->param && !strcmp(a->param, b->param))
		return 1;
	return 2;
}

void gs_value_type_str(const struct gs_value *v, char *buf, size_t len)
{
	size_t at;
	int i;

	at = (size_t)snprintf(buf, len, "%s[", v->dtype ? gs_dtype_name(v->dtype) : "?");
	if (v->rank < 0 && at < len)
		at += (size_t)snprintf(buf + at, len - at, "?");
	for (i = 0; i < v->rank && at < len; i++) {
		char esc[48];

		if (v->dims[i].param)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "",
					       gs_escape(v->dims[i].param, esc, sizeof(esc)));
		else if (v->dims[i].value >= 0)
			at += (size_t)snprintf(buf + at, len - at, "%s%lld", i ? "," : "",
					       (long long)v->dims[i].value);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s?", i ? "," : "");
	}
	if (at < len)
		snprintf(buf + at, len - at, "]");
}

static bool narrowing(int from, int to)
{
	if (gs_dtype_is_float(from) && !gs_dtype_is_float(to))
		return true;
	return gs_dtype_bits(to) < gs_dtype_bits(from) ||
	       (gs_dtype_is_float(to) && !gs_dtype_is_float(from) && gs_dtype_bits(to) <= gs_dtype_bits(from));
}

static struct gs_adapter_step *push(struct gs_adapter_plan *p, enum gs_adapter_op op)
{
	struct gs_adapter_step *s = &p->steps[p->n_steps++];

	memset(s, 0, sizeof(*s));
	s->op = op;
	return s;
}

/* The working shape while planning. */
struct shape {
	int rank;
	struct gs_dim d[GS_ADAPT_MAX_RANK];
};

/* 1 all equal, 2 equal up to symbols, 0 not */
static int shapes_compat(const struct shape *a, const struct gs_value *to)
{
	int i, r = 1, c;

	if (a->rank != to->rank)
		return 0;
	for (i = 0; i < a->rank; i++) {
		if (!(c = dim_compat(&a->d[i], &to->dims[i])))
			return 0;
		if (c == 2)
			r = 2;
	}
	return r;
}

/* Squeeze or Unsqueeze when the ranks differ only by 1-sized dims. */
static bool plan_rank(struct gs_adapter_plan *p, const struct shape *f, const struct gs_value *to)
{
	bool up = f->rank < to->rank;
	int big = up ? to->rank : f->rank, small = up ? f->rank : to->rank;
	int i, j = 0, n = 0;
	int64_t axes[GS_ADAPT_MAX_RANK];

	for (i = 0; i < big; i++) {
		const struct gs_dim *b = up ? &to->dims[i] : &f->d[i];
		const struct gs_dim *s = j < small ? (up ? &f->d[j] : &to->dims[j]) : NULL;
		bool b_one = dim_static(b) && b->value == 1;

		if (s && dim_compat(b, s) && !(b_one && !(dim_static(s) && s->value == 1) &&
					       big - i > small - j)) {
			j++;
			continue;
		}
		if (!b_one)
			return false;
		axes[n++] = i;
	}
	if (j != small || !n)
		return false;
	struct gs_adapter_step *st = push(p, up ? GS_ADAPT_UNSQUEEZE : GS_ADAPT_SQUEEZE);

	st->n = n;
	memcpy(st->v, axes, sizeof(int64_t) * (size_t)n);
	return true;
}

static const int64_t nhwc_to_nchw[4] = { 0, 3, 1, 2 }, nchw_to_nhwc[4] = { 0, 2, 3, 1 };

/* 1 fits as is, 2 fits with a Resize of dims 2 and 3, 0 not */
static int layout_fit(const struct shape *f, const int64_t *perm, const struct gs_value *to)
{
	struct gs_dim d[4];
	int i;

	for (i = 0; i < 4; i++)
		d[i] = f->d[perm ? perm[i] : i];
	if (!dim_compat(&d[0], &to->dims[0]) || !dim_compat(&d[1], &to->dims[1]))
		return 0;
	if (dim_compat(&d[2], &to->dims[2]) && dim_compat(&d[3], &to->dims[3]))
		return 1;
	for (i = 2; i < 4; i++)
		if (!dim_static(&d[i]) || !dim_static(&to->dims[i]) || !d[i].value)
			return 0;
	return 2;
}

static bool plan_layout(struct gs_adapter_plan *p, const struct shape *f, const struct gs_value *to,
			char *why, size_t why_len)
{
	const int64_t *perms[3] = { NULL, nhwc_to_nchw, nchw_to_nhwc };
	int fit[3], best = 0, i, pick;

	for (i = 0; i < 3; i++) {
		fit[i] = layout_fit(f, perms[i], to);
		if (fit[i] && (!best || fit[i] < best))
			best = fit[i];
	}
	if (!best)
		return false;
	/* the layout as it is wins; two transposes that both fit are a guess */
	if (fit[0] == best) {
		pick = 0;
	} else if (fit[1] == best && fit[2] == best) {
		snprintf(why, why_len, "layout is ambiguous (NHWC or NCHW both fit): adapt by hand");
		return false;
	} else {
		pick = fit[1] == best ? 1 : 2;
	}
	if (pick) {
		struct gs_adapter_step *s = push(p, GS_ADAPT_TRANSPOSE);

		s->n = 4;
		memcpy(s->v, perms[pick], sizeof(s->v[0]) * 4);
	}
	if (best == 2) {
		struct gs_adapter_step *s = push(p, GS_ADAPT_RESIZE);

		s->n = 2;
		s->v[0] = to->dims[2].value;
		s->v[1] = to->dims[3].value;
	}
	return true;
}

/* product of static dims from..rank, -1 if any is not static */
static int64_t tail_numel(const struct gs_dim *d, int from, int rank)
{
	int64_t n = 1;
	int i;

	for (i = from; i < rank; i++) {
		if (!dim_static(&d[i]))
			return -1;
		n *= d[i].value;
	}
	return n;
}

static bool plan_reshape(struct gs_adapter_plan *p, const struct shape *f, const struct gs_value *to)
{
	bool keep0 = f->rank && to->rank && dim_compat(&f->d[0], &to->dims[0]) &&
		     !(dim_static(&f->d[0]) && dim_static(&to->dims[0]));
	int from = keep0 ? 1 : 0, i;
	int64_t a = tail_numel(f->d, from, f->rank), b = tail_numel(to->dims, from, to->rank);
	struct gs_adapter_step *s;

	if (a < 0 || b < 0 || a != b || to->rank > GS_ADAPT_MAX_RANK)
		return false;
	if (keep0 && to->rank == 2 && f->rank > 2) {
		s = push(p, GS_ADAPT_FLATTEN);
		s->n = 1;
		s->v[0] = 1;
		return true;
	}
	s = push(p, GS_ADAPT_RESHAPE);
	s->n = to->rank;
	for (i = 0; i < to->rank; i++)
		s->v[i] = keep0 && !i ? 0 : to->dims[i].value;
	return true;
}

int gs_adapter_plan(const struct gs_value *from, const struct gs_value *to,
		    struct gs_adapter_plan *plan, char *why, size_t why_len)
{
	struct shape f;
	char sa[96], sb[96];
	int c, i;

	memset(plan, 0, sizeof(*plan));
	why[0] = 0;
	if (from->dtype && to->dtype && from->dtype != to->dtype) {
		if (from->dtype == GS_DTYPE_STRING || to->dtype == GS_DTYPE_STRING) {
			snprintf(why, why_len, "no cast between %s and %s", gs_dtype_name(from->dtype),
				 gs_dtype_name(to->dtype));
			return -1;
		}
		push(plan, GS_ADAPT_CAST)->dtype = to->dtype;
		plan->lossy = narrowing(from->dtype, to->dtype);
	}
	if (from->rank < 0 || to->rank < 0) {
		plan->assumed = true;
		return 0;
	}
	if (from->rank > GS_ADAPT_MAX_RANK || to->rank > GS_ADAPT_MAX_RANK) {
		snprintf(why, why_len, "rank above %d", GS_ADAPT_MAX_RANK);
		return -1;
	}
	f.rank = from->rank;
	for (i = 0; i < f.rank; i++)
		f.d[i] = from->dims[i];
	if ((c = shapes_compat(&f, to))) {
		plan->assumed = c == 2;
		return 0;
	}
	if (f.rank != to->rank && plan_rank(plan, &f, to))
		return 0;
	if (f.rank == 4 && to->rank == 4 && plan_layout(plan, &f, to, why, why_len))
		return 0;
	if (why[0])
		return -1;
	if (plan_reshape(plan, &f, to))
		return 0;
	gs_value_type_str(from, sa, sizeof(sa));
	gs_value_type_str(to, sb, sizeof(sb));
	{
		/* per item when the leading (batch) dims agree */
		int lead = from->rank && to->rank && dim_compat(&from->dims[0], &to->dims[0]);
		int64_t a = tail_numel(from->dims, lead, from->rank);
		int64_t b = tail_numel(to->dims, lead, to->rank);

		if (a >= 0 && b >= 0 && a != b)
			snprintf(why, why_len, "no adapter turns %s into %s: %lld elements%s against "
				 "%lld", sa, sb, (long long)a, lead ? " per item" : "", (long long)b);
		else
			snprintf(why, why_len, "no adapter turns %s into %s: the shapes do not "
				 "correspond", sa, sb);
	}
	return -1;
}

int gs_adapter_plan_concat(const struct gs_value *const *from, int n, const struct gs_value *to,
			   int *axis, char *why, size_t why_len)
{
	int ax, i, k;

	if (to->rank < 1) {
		snprintf(why, why_len, "cannot concatenate into a tensor of unknown rank");
		return -1;
	}
	for (ax = to->rank - 1; ax >= 0; ax--) {
		int64_t sum = 0;
		bool ok = true;

		for (i = 0; i < n && ok; i++) {
			if (from[i]->rank != to->rank) {
				ok = false;
				break;
			}
			for (k = 0; k < to->rank && ok; k++)
				if (k != ax && !dim_compat(&from[i]->dims[k], &to->dims[k]))
					ok = false;
			if (!dim_static(&from[i]->dims[ax]))
				sum = -1;
			else if (sum >= 0)
				sum += from[i]->dims[ax].value;
		}
		if (ok && (sum < 0 || !dim_static(&to->dims[ax]) || sum == to->dims[ax].value)) {
			*axis = ax;
			return 0;
		}
	}
	snprintf(why, why_len, "no axis along which %d outputs concatenate to the input's shape", n);
	return -1;
}

void gs_adapter_describe(const struct gs_adapter_plan *p, char *buf, size_t len)
{
	static const char *const names[] = { "Cast", "Squeeze", "Unsqueeze", "Transpose",
		"Resize", "Flatten", "Reshape" };
	size_t at = 0;
	int i, k;

	buf[0] = 0;
	if (!p->n_steps) {
		snprintf(buf, len, "none");
		return;
	}
	for (i = 0; i < p->n_steps && at < len; i++) {
		const struct gs_adapter_step *s = &p->steps[i];

		at += (size_t)snprintf(buf + at, len - at, "%s%s(", i ? " -> " : "", names[s->op]);
		if (s->op == GS_ADAPT_CAST && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s", gs_dtype_name(s->dtype));
		for (k = 0; k < s->n && at < len; k++)
			at += (size_t)snprintf(buf + at, len - at, "%s%lld", k ? "," : "",
					       (long long)s->v[k]);
		if (at < len)
			at += (size_t)snprintf(buf + at, len - at, ")");
	}
	if (p->lossy && at < len)
		snprintf(buf + at, len - at, " (lossy)");
}

/* ---- building ---- */

int gs_combine_const_i64(struct gs_graph *g, const char *hint, int n, const int64_t *v, bool scalar)
{
	int64_t dim = n;
	struct gs_tensor *t = gs_tensor_new(g->model, NULL, GS_DTYPE_INT64, scalar ? 0 : 1, &dim);
	int64_t *data = gs_xmalloc(sizeof(int64_t) * (size_t)(n + 1));

	memcpy(data, v, sizeof(int64_t) * (size_t)n);
	t->data = data;
	t->nbytes = sizeof(int64_t) * (size_t)n;
	t->store = GS_STORE_HEAP;
	return gs_graph_new_param(g, hint, t);
}

static int const_f32(struct gs_graph *g, const char *hint, int n, const float *v)
{
	int64_t dim = n;
	struct gs_tensor *t = gs_tensor_new(g->model, NULL, GS_DTYPE_FLOAT, 1, &dim);
	float *data = gs_xmalloc(sizeof(float) * (size_t)(n + 1));

	if (n)
		memcpy(data, v, sizeof(float) * (size_t)n);
	t->data = data;
	t->nbytes = sizeof(float) * (size_t)n;
	t->store = GS_STORE_HEAP;
	return gs_graph_new_param(g, hint, t);
}

int gs_combine_node(struct gs_graph *g, const char *op, int n_in, const int *in, const char *hint,
		    struct gs_node **node)
{
	int out = gs_graph_new_value(g, hint);
	struct gs_node *n = gs_graph_add_node(g, op, "", g->values[out]->name, n_in, in, 1, &out);

	if (node)
		*node = n;
	return out;
}

static void set_type(struct gs_graph *g, int id, int dtype, const struct shape *s)
{
	gs_value_copy_type(g, g->values[id], dtype, s->rank, s->rank >= 0 ? s->d : NULL);
}

/* The step's output shape from its input shape. */
static void step_shape(const struct gs_adapter_step *st, struct shape *s)
{
	struct shape in = *s;
	int i, j, k;

	switch (st->op) {
	case GS_ADAPT_CAST:
		break;
	case GS_ADAPT_SQUEEZE:
		for (i = 0, j = 0, k = 0; i < in.rank; i++) {
			if (k < st->n && st->v[k] == i) {
				k++;
				continue;
			}
			s->d[j++] = in.d[i];
		}
		s->rank = j;
		break;
	case GS_ADAPT_UNSQUEEZE:
		s->rank = in.rank + st->n;
		for (i = 0, j = 0, k = 0; i < s->rank; i++) {
			if (k < st->n && st->v[k] == i) {
				s->d[i].value = 1;
				s->d[i].param = NULL;
				k++;
			} else {
				s->d[i] = in.d[j++];
			}
		}
		break;
	case GS_ADAPT_TRANSPOSE:
		for (i = 0; i < st->n; i++)
			s->d[i] = in.d[st->v[i]];
		break;
	case GS_ADAPT_RESIZE:
		s->d[2].value = st->v[0];
		s->d[3].value = st->v[1];
		s->d[2].param = s->d[3].param = NULL;
		break;
	case GS_ADAPT_FLATTEN:
		s->rank = 2;
		s->d[1].value = tail_numel(in.d, 1, in.rank);
		s->d[1].param = NULL;
		break;
	case GS_ADAPT_RESHAPE:
		s->rank = st->n;
		for (i = 0; i < st->n; i++) {
			s->d[i].value = st->v[i] ? st->v[i] : in.d[i].value;
			s->d[i].param = st->v[i] ? NULL : in.d[i].param;
		}
		break;
	}
}

int gs_adapter_apply(struct gs_graph *g, const struct gs_adapter_plan *p, int value_id,
		     const char *name_hint, struct gs_error *err)
{
	int64_t opset = gs_model_opset(g->model, "");
	const struct gs_value *v0 = g->values[value_id];
	struct shape s = { .rank = v0->rank };
	int dtype = v0->dtype, cur = value_id, i;
	char hint[256];

	for (i = 0; i < s.rank && i < GS_ADAPT_MAX_RANK; i++)
		s.d[i] = v0->dims[i];
	for (i = 0; i < p->n_steps; i++) {
		const struct gs_adapter_step *st = &p->steps[i];
		struct gs_node *n;
		int in[4] = { cur, -1, -1, -1 }, n_in = 1;

		snprintf(hint, sizeof(hint), "%s/adapt%d", name_hint, i);
		switch (st->op) {
		case GS_ADAPT_CAST:
			cur = gs_combine_node(g, "Cast", 1, in, hint, &n);
			gs_node_set_attr_int(g, n, "to", st->dtype);
			dtype = st->dtype;
			break;
		case GS_ADAPT_SQUEEZE:
		case GS_ADAPT_UNSQUEEZE:
			if (opset >= 13) {
				in[n_in++] = gs_combine_const_i64(g, hint, st->n, st->v, false);
				cur = gs_combine_node(g, st->op == GS_ADAPT_SQUEEZE ? "Squeeze" : "Unsqueeze",
						      n_in, in, hint, &n);
			} else {
				cur = gs_combine_node(g, st->op == GS_ADAPT_SQUEEZE ? "Squeeze" : "Unsqueeze",
						      1, in, hint, &n);
				gs_node_set_attr_ints(g, n, "axes", st->n, st->v);
			}
			break;
		case GS_ADAPT_TRANSPOSE:
			cur = gs_combine_node(g, "Transpose", 1, in, hint, &n);
			gs_node_set_attr_ints(g, n, "perm", st->n, st->v);
			break;
		case GS_ADAPT_FLATTEN:
			cur = gs_combine_node(g, "Flatten", 1, in, hint, &n);
			gs_node_set_attr_int(g, n, "axis", st->v[0]);
			break;
		case GS_ADAPT_RESHAPE:
			in[n_in++] = gs_combine_const_i64(g, hint, st->n, st->v, false);
			cur = gs_combine_node(g, "Reshape", n_in, in, hint, &n);
			break;
		case GS_ADAPT_RESIZE: {
			float scales[4] = { 1, 1, 0, 0 };
			int64_t sizes[4];
			int k;

			if (opset < 11)
				return gs_error_set(err, "a Resize adapter needs opset 11 or newer (this "
						    "model imports %lld): convert it first", (long long)opset);
			in[n_in++] = const_f32(g, hint, 0, NULL);		/* roi */
			if (dim_static(&s.d[0]) && dim_static(&s.d[1])) {
				sizes[0] = s.d[0].value;
				sizes[1] = s.d[1].value;
				sizes[2] = st->v[0];
				sizes[3] = st->v[1];
				in[n_in++] = -1;
				in[n_in++] = gs_combine_const_i64(g, hint, 4, sizes, false);
			} else {
				/* the batch is symbolic: scales, rounded up so floor() lands */
				for (k = 0; k < 2; k++) {
					float sc = (float)st->v[k] / (float)s.d[2 + k].value;

					while ((int64_t)(sc * (float)s.d[2 + k].value) < st->v[k])
						sc = nextafterf(sc, 2 * sc + 1);
					scales[2 + k] = sc;
				}
				in[n_in++] = const_f32(g, hint, 4, scales);
			}
			cur = gs_combine_node(g, "Resize", n_in, in, hint, &n);
			gs_node_set_attr_string(g, n, "mode", "linear");
			break;
		}
		}
		step_shape(st, &s);
		set_type(g, cur, dtype, &s);
	}
	return cur;
}

int gs_adapter_concat(struct gs_graph *g, const int *ids, int n, int axis, int dtype,
		      const char *name_hint)
{
	int *in = gs_xmalloc(sizeof(int) * (size_t)(n + 1));
	struct gs_node *node;
	char hint[256];
	int i, out;

	for (i = 0; i < n; i++) {
		in[i] = ids[i];
		if (dtype && g->values[ids[i]]->dtype && g->values[ids[i]]->dtype != dtype) {
			snprintf(hint, sizeof(hint), "%s/cast%d", name_hint, i);
			in[i] = gs_combine_node(g, "Cast", 1, &ids[i], hint, &node);
			gs_node_set_attr_int(g, node, "to", dtype);
		}
	}
	snprintf(hint, sizeof(hint), "%s/concat", name_hint);
	out = gs_combine_node(g, "Concat", n, in, hint, &node);
	gs_node_set_attr_int(g, node, "axis", axis);
	free(in);
	return out;
}

int gs_combine_real_inputs(const struct gs_graph *g, int *ids)
{
	int i, n = 0;

	for (i = 0; i < g->n_inputs; i++)
		if (!g->values[g->inputs[i]]->is_initializer)
			ids[n++] = g->inputs[i];
	return n;
}

void gs_combine_say(gs_combine_report_fn report, void *ctx, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!report)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	report(ctx, line);
}
