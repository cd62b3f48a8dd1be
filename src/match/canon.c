/*
 * Canonical attributes: defaults dropped (a missing attribute equals its
 * default), floats hashed as float32 bits, and attribute-like constant
 * inputs (Reshape shape, axes from opset 13, Clip min/max, ...) hashed as
 * attributes so both opset forms agree.  Defaults and attribute-like inputs
 * are the op registry's (graphsmith/ops.h), for default-domain ops only.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/internal.h"

uint64_t gs_match_hash_ints(const int64_t *v, int n)
{
	uint64_t h = gs_mix64(0x1171 + (uint64_t)n);
	int i;

	for (i = 0; i < n; i++)
		h = gs_hash_combine(h, (uint64_t)v[i]);
	return h;
}

uint64_t gs_match_hash_floats(const double *v, int n)
{
	uint64_t h = gs_mix64(0xf10a7 + (uint64_t)n);
	int i;

	for (i = 0; i < n; i++) {
		float f = (float)v[i];
		uint32_t bits;

		if (f == 0)
			f = 0;		/* -0 == 0 */
		memcpy(&bits, &f, sizeof(bits));
		h = gs_hash_combine(h, bits);
	}
	return h;
}

static uint64_t attr_hash(const struct gs_attr *a)
{
	double f;
	int i;

	switch (a->type) {
	case GS_ATTR_INT:
		return gs_match_hash_ints(&a->i, 1);
	case GS_ATTR_INTS:
		return gs_match_hash_ints(a->ints, a->n);
	case GS_ATTR_FLOAT:
		f = a->f;
		return gs_match_hash_floats(&f, 1);
	case GS_ATTR_FLOATS: {
		uint64_t h = gs_mix64(0xf10a7 + (uint64_t)a->n);

		for (i = 0; i < a->n; i++) {
			f = a->floats[i];
			h = gs_hash_combine(h, gs_match_hash_floats(&f, 1));
		}
		return a->n == 1 ? gs_match_hash_floats(&f, 1) : h;
	}
	case GS_ATTR_STRING:
		return gs_hash_bytes(a->s, a->s_len, 0x57);
	case GS_ATTR_STRINGS: {
		uint64_t h = 0x5757;

		for (i = 0; i < a->n; i++)
			h = gs_hash_combine(h, gs_hash_str(a->strings[i]));
		return h;
	}
	case GS_ATTR_TENSOR:
		if (a->t && a->t->data)
			return gs_hash_bytes(a->t->data, a->t->nbytes, (uint64_t)a->t->dtype);
		return 0x7e;
	default:
		return (uint64_t)a->type * 0x9e37;	/* subgraphs: compared recursively */
	}
}

/* A small constant tensor's value hash, or 0 when it is not small. */
static uint64_t tensor_hash(const struct gs_tensor *t)
{
	double buf[64];

	if (!t || !t->data || t->numel > 64 || t->numel < 0)
		return t && t->data ? gs_hash_bytes(t->data, t->nbytes, 0x7e) : 0x7e;
	if (gs_decode_to_double(t->dtype, t->data, 0, (size_t)t->numel, buf))
		return gs_hash_bytes(t->data, t->nbytes, 0x7e);
	if (gs_dtype_is_float(t->dtype))
		return gs_match_hash_floats(buf, (int)t->numel);
	{
		int64_t iv[64];
		int i;

		/* NaN or beyond int64 (a corrupt integer tensor decoded
		 * through double) hashes as 0, never as undefined behaviour */
		for (i = 0; i < t->numel; i++)
			iv[i] = buf[i] >= -9.2e18 && buf[i] <= 9.2e18 ? (int64_t)buf[i] : 0;
		return gs_match_hash_ints(iv, (int)t->numel);
	}
}

static bool is_default(const struct mview *v, const struct gs_node *n, const struct gs_attr *a)
{
	return gs_op_attr_is_default(gs_match_op_default_entry(v->op[n->id]), a, v->opset);
}

static bool canon_attr_slot(const struct mview *v, const struct gs_node *n, int slot,
			    const char **name)
{
	const struct gs_op_input *in;

	/* whatever the opset: an input only exists from the version it came in */
	in = gs_op_attr_input(gs_match_op_default_entry(v->op[n->id]), slot, 0);
	if (in && name)
		*name = in->name;
	return in != NULL;
}

/* LayerNormalization's default epsilon, for the chain that spells it out */
static double ln_epsilon(const struct mview *v)
{
	const struct gs_op_attr *d;

	d = gs_op_attr_default(gs_match_op_default_entry(OP_LayerNormalization), "epsilon",
			       v->opset);
	return d ? d->num : 1e-5;
}

/* Appends canonical attributes of node n (real attributes with defaults
 * dropped, plus attribute-like constant inputs). */
static int canon_node_attrs(struct mview *v, const struct gs_node *n, struct cattr *out,
			    int max, bool *attr_slot)
{
	int i, cnt = 0;

	for (i = 0; i < n->n_attrs && cnt < max; i++) {
		const struct gs_attr *a = &n->attrs[i];

		if (is_default(v, n, a))
			continue;
		if (v->op[n->id] == OP_Gemm && !strcmp(a->name, "transB"))
			continue;	/* weight layout is normalized instead */
		out[cnt].name = a->name;
		out[cnt].attr = a;
		out[cnt].tensor = NULL;
		out[cnt].h = gs_hash_combine(gs_hash_str(a->name), attr_hash(a));
		cnt++;
	}
	for (i = 0; i < n->n_inputs && cnt < max; i++) {
		const char *name;
		const struct gs_tensor *t;

		if (!canon_attr_slot(v, n, i, &name) || n->inputs[i] < 0)
			continue;
		t = gs_graph_param_of(v->g, n->inputs[i]);
		if (!t)
			continue;
		if (attr_slot)
			attr_slot[i] = true;
		out[cnt].name = name;
		out[cnt].attr = NULL;
		out[cnt].tensor = t;
		out[cnt].h = gs_hash_combine(gs_hash_str(name), tensor_hash(t));
		cnt++;
	}
	return cnt;
}

static void list_text(char *buf, size_t len, const double *vals, int n, bool is_float)
{
	size_t at = 0;
	int i;

	at += (size_t)snprintf(buf, len, n == 1 ? "" : "[");
	for (i = 0; i < n && at < len; i++) {
		if (is_float)
			at += (size_t)snprintf(buf + at, len - at, "%s%.9g", i ? "," : "", vals[i]);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s%" PRId64, i ? "," : "",
					       (int64_t)vals[i]);
	}
	if (n != 1 && at < len)
		snprintf(buf + at, len - at, "]");
}

void gs_match_cattr_text(const struct cattr *c, char *buf, size_t len)
{
	double vals[32];
	int i, n;

	if (!c) {
		snprintf(buf, len, "default");
		return;
	}
	if (c->tensor) {
		const struct gs_tensor *t = c->tensor;

		n = t->numel > 32 ? 32 : (int)t->numel;
		if (!t->data || gs_decode_to_double(t->dtype, t->data, 0, (size_t)n, vals))
			snprintf(buf, len, "<tensor>");
		else
			list_text(buf, len, vals, n, gs_dtype_is_float(t->dtype));
		return;
	}
	if (!c->attr) {
		list_text(buf, len, &c->num, 1, !c->num_is_int);
		return;
	}
	switch (c->attr->type) {
	case GS_ATTR_INT:
		snprintf(buf, len, "%" PRId64, c->attr->i);
		break;
	case GS_ATTR_FLOAT:
		snprintf(buf, len, "%.9g", (double)c->attr->f);
		break;
	case GS_ATTR_INTS:
		n = c->attr->n > 32 ? 32 : c->attr->n;
		for (i = 0; i < n; i++)
			vals[i] = (double)c->attr->ints[i];
		list_text(buf, len, vals, n, false);
		break;
	case GS_ATTR_FLOATS:
		n = c->attr->n > 32 ? 32 : c->attr->n;
		for (i = 0; i < n; i++)
			vals[i] = c->attr->floats[i];
		list_text(buf, len, vals, n, true);
		break;
	case GS_ATTR_STRING: {
		char esc[128];

		snprintf(buf, len, "\"%s\"", gs_escape(c->attr->s, esc, sizeof(esc)));
		break;
	}
	default:
		snprintf(buf, len, "<%s>", c->attr->type == GS_ATTR_GRAPH ? "graph" : "value");
		break;
	}
}

/* Fills at_off/at_cnt/attrs for every base.  Virtual pattern attributes
 * were already set by fusion.c through the synthetic scratch below. */
void gs_match_canon_attrs(struct mview *v)
{
	struct cattr tmp[64];
	int i, total = 0, alloc = 0;

	for (i = 0; i < v->nn; i++) {
		const struct gs_node *n = v->g->nodes[i];
		int cnt, j;

		if (v->role[i] != ROLE_BASE)
			continue;
		if (v->pattern[i] && v->vop_id[i] == OP_LayerNormalization &&
		    v->op[i] != OP_LayerNormalization) {
			/* the chain: epsilon from its Add constant */
			const struct gs_tensor *t = NULL;
			double eps = ln_epsilon(v), dflt = eps;

			cnt = 0;
			if (v->in_cnt[i] > 3)
				t = gs_match_view_param(v, v->ins[v->in_off[i] + 3]);
			if (t && t->data && t->numel == 1)
				gs_decode_to_double(t->dtype, t->data, 0, 1, &eps);
			if ((float)eps != (float)dflt) {
				tmp[0].name = "epsilon";
				tmp[0].attr = NULL;
				tmp[0].tensor = NULL;
				tmp[0].num = eps;
				tmp[0].num_is_int = false;
				tmp[0].h = gs_hash_combine(gs_hash_str("epsilon"),
							    gs_match_hash_floats(&eps, 1));
				cnt = 1;
			}
		} else if (v->pattern[i] && v->vop[i] != n->op_type && strcmp(v->vop[i], n->op_type)) {
			cnt = 0;	/* other virtual ops use defaults */
		} else {
			cnt = canon_node_attrs(v, n, tmp, 64, NULL);
		}
		GS_GROW(v->attrs, total + cnt, alloc);
		v->at_off[i] = total;
		v->at_cnt[i] = cnt;
		for (j = 0; j < cnt; j++)
			v->attrs[total + j] = tmp[j];
		total += cnt;
	}
	v->n_attrs = total;
	/* attribute-like inputs are not parameters */
	for (i = 0; i < v->nn; i++) {
		const struct gs_node *n = v->g->nodes[i];
		int j;

		if (v->role[i] != ROLE_BASE || v->pattern[i])
			continue;
		for (j = 0; j < v->in_cnt[i]; j++) {
			int val = v->ins[v->in_off[i] + j];
			int kind = gs_match_view_slot_kind(v, val);

			if (kind == SLOT_PARAM && canon_attr_slot(v, n, j, NULL))
				kind = SLOT_ATTR;
			v->in_kind[v->in_off[i] + j] = (unsigned char)kind;
		}
	}
	for (i = 0; i < v->nn; i++) {
		int j;

		if (v->role[i] != ROLE_BASE || !v->pattern[i])
			continue;
		for (j = 0; j < v->in_cnt[i]; j++) {
			int kind = gs_match_view_slot_kind(v, v->ins[v->in_off[i] + j]);

			/* the chain's epsilon is an attribute of LayerNormalization */
			if (j == 3 && v->vop_id[i] == OP_LayerNormalization)
				kind = SLOT_ATTR;
			v->in_kind[v->in_off[i] + j] = (unsigned char)kind;
		}
	}
}

void gs_match_canon_default_text(const struct mview *v, const struct gs_node *n, const char *name,
				 const struct cattr *like, char *buf, size_t len)
{
	const struct gs_op *op = gs_match_op_default_entry(v->op[n->id]);
	const struct gs_op_attr *d = gs_op_attr_default(op, name, v->opset);
	int i, cnt = 1;
	size_t at;

	if (!d) {
		snprintf(buf, len, "absent");
		return;
	}
	switch (d->kind) {
	case GS_OP_ATTR_INTS:
		if (like && like->attr && like->attr->type == GS_ATTR_INTS)
			cnt = like->attr->n;
		at = (size_t)snprintf(buf, len, "[");
		for (i = 0; i < cnt && i < 32 && at < len; i++)
			at += (size_t)snprintf(buf + at, len - at, "%s%lld", i ? "," : "",
					       (long long)d->num);
		if (at < len)
			snprintf(buf + at, len - at, "]");
		return;
	case GS_OP_ATTR_INT:
		snprintf(buf, len, "%lld", (long long)d->num);
		return;
	case GS_OP_ATTR_FLOAT:
		snprintf(buf, len, "%.9g", (double)(float)d->num);
		return;
	case GS_OP_ATTR_STRING:
		snprintf(buf, len, "\"%s\"", d->str);
		return;
	}
	snprintf(buf, len, "absent");
}
