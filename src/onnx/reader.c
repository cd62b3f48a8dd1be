/*
 * ModelProto -> IR, with the checks that make a malformed file a clear
 * one-line error instead of a crash later: tensor sizes, dims, dangling
 * references, duplicate producers, cycles and nesting depth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/onnx.h"
#include "onnx/internal.h"

struct reader {
	struct gs_model *m;
	struct gs_source *src;
	const struct gs_load_opts *opts;
	struct gs_error *err;
};

static const char *esc(const char *s, char *buf, size_t len)
{
	return gs_escape(s ? s : "", buf, len);
}

/* A text field as the IR keeps it: NUL and C0 bytes escaped. */
static const char *text(struct reader *r, ProtobufCBinaryData b)
{
	return gs_source_text(&r->m->arena, b);
}

/* An optional text field, or absent when the file left it out. */
static const char *opt_text(struct reader *r, protobuf_c_boolean has, ProtobufCBinaryData b,
			    const char *absent)
{
	return has ? text(r, b) : absent;
}

/* ---- tensors ---- */

static int narrow_int32(struct reader *r, struct gs_tensor *t, const Onnx__TensorProto *tp,
			const char *ename)
{
	int bits = gs_dtype_bits(t->dtype);
	size_t n = tp->n_int32_data, i;
	uint8_t *out;

	/* 4- and 2-bit types come one element per value, or already packed
	 * one byte per value (as onnx's helper writes them) */
	if (bits < 8 && (int64_t)n != t->numel && n == t->nbytes) {
		out = gs_arena_alloc(&r->m->arena, t->nbytes + 1);
		for (i = 0; i < n; i++)
			out[i] = (uint8_t)tp->int32_data[i];
		t->data = out;
		t->store = GS_STORE_BORROWED;
		return 0;
	}
	if ((int64_t)n != t->numel)
		return gs_error_set(r->err, "tensor '%s' has %zu values in int32_data, expected %lld",
				    ename, n, (long long)t->numel);
	/* in the model's arena, like the source it decodes: a tensor the
	 * load then drops (a duplicate name, a failed sparse check, a later
	 * error) cannot leak it */
	out = gs_arena_alloc(&r->m->arena, (size_t)t->nbytes + 1);
	for (i = 0; i < n; i++) {
		uint32_t v = (uint32_t)tp->int32_data[i];

		switch (bits) {
		case 2:
			out[i / 4] |= (uint8_t)((v & 0x3) << (2 * (i % 4)));
			break;
		case 4:
			out[i / 2] |= (uint8_t)((v & 0xf) << (4 * (i & 1)));
			break;
		case 8:
			out[i] = (uint8_t)v;
			break;
		case 16:
			out[2 * i] = (uint8_t)v;
			out[2 * i + 1] = (uint8_t)(v >> 8);
			break;
		default:
			memcpy(out + 4 * i, &v, 4);
		}
	}
	t->data = out;
	t->store = GS_STORE_BORROWED;
	return 0;
}

static int typed_data(struct reader *r, struct gs_tensor *t, const Onnx__TensorProto *tp,
		      const char *ename)
{
	size_t count = 0, width = 1;
	const void *p = NULL;
	const char *field = NULL;

	switch (t->dtype) {
	case GS_DTYPE_FLOAT:
	case GS_DTYPE_COMPLEX64:
		p = tp->float_data; count = tp->n_float_data; field = "float_data";
		width = t->dtype == GS_DTYPE_COMPLEX64 ? 2 : 1;
		break;
	case GS_DTYPE_DOUBLE:
	case GS_DTYPE_COMPLEX128:
		p = tp->double_data; count = tp->n_double_data; field = "double_data";
		width = t->dtype == GS_DTYPE_COMPLEX128 ? 2 : 1;
		break;
	case GS_DTYPE_INT64:
		p = tp->int64_data; count = tp->n_int64_data; field = "int64_data";
		break;
	case GS_DTYPE_UINT64:
		p = tp->uint64_data; count = tp->n_uint64_data; field = "uint64_data";
		break;
	case GS_DTYPE_UINT32: {
		uint32_t *out;
		size_t i;

		if ((int64_t)tp->n_uint64_data != t->numel)
			return gs_error_set(r->err, "tensor '%s' has %zu values in uint64_data, expected %lld",
					    ename, tp->n_uint64_data, (long long)t->numel);
		out = gs_arena_alloc(&r->m->arena, t->nbytes + 1);
		for (i = 0; i < tp->n_uint64_data; i++)
			out[i] = (uint32_t)tp->uint64_data[i];
		t->data = out;
		t->store = GS_STORE_BORROWED;
		return 0;
	}
	case GS_DTYPE_STRING:
		if ((int64_t)tp->n_string_data != t->numel)
			return gs_error_set(r->err, "tensor '%s' has %zu strings, expected %lld",
					    ename, tp->n_string_data, (long long)t->numel);
		t->store = GS_STORE_NONE;
		return 0;
	default:
		return narrow_int32(r, t, tp, ename);
	}
	if ((int64_t)count != t->numel * (int64_t)width)
		return gs_error_set(r->err, "tensor '%s' has %zu values in %s, expected %lld",
				    ename, count, field, (long long)(t->numel * (int64_t)width));
	/* these fields already hold little-endian elements of the right width */
	t->data = p;
	t->store = GS_STORE_BORROWED;
	return 0;
}

static struct gs_tensor *gs_reader_tensor(struct reader *r, const Onnx__TensorProto *tp,
				   const char *fallback_name)
{
	struct gs_tensor *t = gs_arena_alloc(&r->m->arena, sizeof(*t));
	char nb[256];
	int64_t nbytes;
	size_t i;

	t->name = opt_text(r, tp->has_name, tp->name, fallback_name);
	t->origin = (void *)tp;
	t->dtype = tp->has_data_type ? tp->data_type : 0;
	t->rank = (int)tp->n_dims;
	t->dims = tp->dims;
	if (tp->n_dims > 64) {
		gs_error_set(r->err, "tensor '%s' has %zu dimensions", esc(t->name, nb, sizeof(nb)),
			     tp->n_dims);
		return NULL;
	}
	for (i = 0; i < tp->n_dims; i++) {
		if (tp->dims[i] < 0) {
			gs_error_set(r->err, "tensor '%s' has a negative dimension (%lld)",
				     esc(t->name, nb, sizeof(nb)), (long long)tp->dims[i]);
			return NULL;
		}
	}
	t->numel = gs_dims_numel(t->rank, t->dims);
	if (t->numel < 0) {
		gs_error_set(r->err, "tensor '%s' has dimensions whose product overflows",
			     esc(t->name, nb, sizeof(nb)));
		return NULL;
	}
	if (t->dtype <= 0 || t->dtype > GS_DTYPE_MAX_) {
		gs_error_set(r->err, "tensor '%s' has unknown data type %d",
			     esc(t->name, nb, sizeof(nb)), t->dtype);
		return NULL;
	}
	nbytes = t->dtype == GS_DTYPE_STRING ? 0 : gs_dtype_nbytes(t->dtype, t->numel);
	if (nbytes < 0) {
		gs_error_set(r->err, "tensor '%s' is too large", esc(t->name, nb, sizeof(nb)));
		return NULL;
	}
	t->nbytes = (size_t)nbytes;
	if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
		if (gs_external_resolve(r->src, r->m->path, tp, t, r->opts, r->err)) {
			gs_error_prefix(r->err, "tensor '%s'", esc(t->name, nb, sizeof(nb)));
			return NULL;
		}
		return t;
	}
	if (tp->has_raw_data) {
		if (t->dtype == GS_DTYPE_STRING) {
			gs_error_set(r->err, "string tensor '%s' has raw_data",
				     esc(t->name, nb, sizeof(nb)));
			return NULL;
		}
		if (tp->raw_data.len != t->nbytes) {
			gs_error_set(r->err, "tensor '%s' has raw_data of %zu bytes, expected %zu (%s, %lld elements)",
				     esc(t->name, nb, sizeof(nb)), tp->raw_data.len, t->nbytes,
				     gs_dtype_name(t->dtype), (long long)t->numel);
			return NULL;
		}
		t->data = tp->raw_data.data;
		t->store = GS_STORE_MAPPED;
		return t;
	}
	if (typed_data(r, t, tp, esc(t->name, nb, sizeof(nb))))
		return NULL;
	return t;
}

/*
 * A sparse initializer gets the checks of a dense tensor: its values and
 * indices decode (right sizes, known types), its dims are sane, there are
 * as many indices as values, and every index lies inside the dense shape.
 */
static int check_sparse(struct reader *r, const Onnx__SparseTensorProto *sp, const char *name)
{
	const struct gs_tensor *vals, *idx;
	char nb[256];
	int64_t numel, nnz, i, d;
	size_t k;

	if (!sp->values || !sp->indices)
		return gs_error_set(r->err, "sparse tensor '%s' lacks its values or indices",
				    esc(name, nb, sizeof(nb)));
	if (sp->n_dims > 64)
		return gs_error_set(r->err, "sparse tensor '%s' has %zu dimensions",
				    esc(name, nb, sizeof(nb)), sp->n_dims);
	for (k = 0; k < sp->n_dims; k++)
		if (sp->dims[k] < 0)
			return gs_error_set(r->err, "sparse tensor '%s' has a negative dimension "
					    "(%lld)", esc(name, nb, sizeof(nb)),
					    (long long)sp->dims[k]);
	numel = gs_dims_numel((int)sp->n_dims, sp->dims);
	if (numel < 0 || gs_dtype_nbytes(sp->values->has_data_type ? sp->values->data_type : 0,
					 numel) < 0)
		return gs_error_set(r->err, "sparse tensor '%s' has dimensions whose product "
				    "overflows", esc(name, nb, sizeof(nb)));
	if (!(vals = gs_reader_tensor(r, sp->values, name)) ||
	    !(idx = gs_reader_tensor(r, sp->indices, name)))
		return gs_error_prefix(r->err, "sparse tensor '%s'", esc(name, nb, sizeof(nb)));
	if (vals->dtype == GS_DTYPE_STRING || vals->rank != 1)
		return gs_error_set(r->err, "sparse tensor '%s' values must be a 1-D numeric "
				    "tensor", esc(name, nb, sizeof(nb)));
	nnz = vals->dims[0];
	if (idx->dtype != GS_DTYPE_INT64 || !(idx->rank == 1 || idx->rank == 2) ||
	    idx->dims[0] != nnz || (idx->rank == 2 && idx->dims[1] != (int64_t)sp->n_dims) ||
	    (idx->numel && !idx->data))
		return gs_error_set(r->err, "sparse tensor '%s' indices must be int64 [%lld] or "
				    "[%lld,%zu]", esc(name, nb, sizeof(nb)), (long long)nnz,
				    (long long)nnz, sp->n_dims);
	for (i = 0; i < idx->numel; i++) {
		int64_t at;

		memcpy(&at, (const char *)idx->data + 8 * i, 8);
		d = idx->rank == 2 ? i % (int64_t)sp->n_dims : -1;
		if (at < 0 || at >= (d >= 0 ? sp->dims[d] : numel))
			return gs_error_set(r->err, "sparse tensor '%s' index %lld is out of range",
					    esc(name, nb, sizeof(nb)), (long long)at);
	}
	return 0;
}

/* ---- types ---- */

static void read_type(struct reader *r, struct gs_value *v, const Onnx__TypeProto *tp)
{
	const Onnx__TensorShapeProto *shape = NULL;
	size_t i;

	if (!tp)
		return;
	if (tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && tp->tensor_type) {
		v->dtype = tp->tensor_type->has_elem_type ? tp->tensor_type->elem_type : 0;
		shape = tp->tensor_type->shape;
	} else if (tp->value_case == ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE && tp->sparse_tensor_type) {
		v->dtype = tp->sparse_tensor_type->has_elem_type ? tp->sparse_tensor_type->elem_type : 0;
		shape = tp->sparse_tensor_type->shape;
	}
	if (!shape)
		return;
	v->rank = (int)shape->n_dim;
	v->dims = gs_arena_alloc(&r->m->arena, sizeof(*v->dims) * (shape->n_dim + 1));
	for (i = 0; i < shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = shape->dim[i];

		v->dims[i].value = -1;
		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
			v->dims[i].value = d->dim_value;
		else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM)
			v->dims[i].param = text(r, d->dim_param);
	}
}

/* ---- graphs ---- */

static struct gs_graph *read_graph(struct reader *r, const Onnx__GraphProto *gp,
				   struct gs_graph *parent, int depth);

static int read_attr(struct reader *r, struct gs_graph *g, struct gs_attr *a,
		     const Onnx__AttributeProto *ap, int depth)
{
	size_t k;

	a->name = opt_text(r, ap->has_name, ap->name, "");
	a->origin = (void *)ap;
	a->ref_attr_name = opt_text(r, ap->has_ref_attr_name, ap->ref_attr_name, NULL);
	a->type = ap->has_type ? (int)ap->type : 0;
	a->f = ap->f;
	a->i = ap->i;
	if (ap->has_s) {
		a->s = gs_arena_strndup(&r->m->arena, (const char *)ap->s.data, ap->s.len);
		a->s_len = ap->s.len;
	}
	if (ap->t && !(a->t = gs_reader_tensor(r, ap->t, a->name)))
		return -1;
	if (ap->g && !(a->g = read_graph(r, ap->g, g, depth + 1)))
		return -1;
	switch (a->type) {
	case GS_ATTR_FLOATS:
		a->n = (int)ap->n_floats;
		a->floats = ap->floats;
		break;
	case GS_ATTR_INTS:
		a->n = (int)ap->n_ints;
		a->ints = ap->ints;
		break;
	case GS_ATTR_STRINGS:
		a->n = (int)ap->n_strings;
		a->strings = gs_arena_alloc(&r->m->arena, sizeof(char *) * (ap->n_strings + 1));
		for (k = 0; k < ap->n_strings; k++)
			a->strings[k] = gs_arena_strndup(&r->m->arena, (const char *)ap->strings[k].data,
							 ap->strings[k].len);
		break;
	case GS_ATTR_TENSORS:
		a->n = (int)ap->n_tensors;
		a->tensors = gs_arena_alloc(&r->m->arena, sizeof(void *) * (ap->n_tensors + 1));
		for (k = 0; k < ap->n_tensors; k++)
			if (!(a->tensors[k] = gs_reader_tensor(r, ap->tensors[k], a->name)))
				return -1;
		break;
	case GS_ATTR_GRAPHS:
		a->n = (int)ap->n_graphs;
		a->graphs = gs_arena_alloc(&r->m->arena, sizeof(void *) * (ap->n_graphs + 1));
		for (k = 0; k < ap->n_graphs; k++)
			if (!(a->graphs[k] = read_graph(r, ap->graphs[k], g, depth + 1)))
				return -1;
		break;
	}
	return 0;
}

/* A Constant node's value as a tensor: the weights that live in nodes. */
static struct gs_tensor *constant_tensor(struct reader *r, struct gs_node *n)
{
	const char *name = n->name;
	int i;

	for (i = 0; i < n->n_attrs; i++) {
		const struct gs_attr *at = &n->attrs[i];
		struct gs_tensor *t;
		int64_t dim;

		if (at->type == GS_ATTR_TENSOR && at->t)
			return at->t;
		if (at->type == GS_ATTR_FLOAT || at->type == GS_ATTR_INT) {
			t = gs_tensor_new(r->m, name, at->type == GS_ATTR_FLOAT ? GS_DTYPE_FLOAT : GS_DTYPE_INT64,
					  0, NULL);
			t->data = at->type == GS_ATTR_FLOAT ? (const void *)&at->f : (const void *)&at->i;
			t->nbytes = at->type == GS_ATTR_FLOAT ? 4 : 8;
			t->store = GS_STORE_BORROWED;
			t->dirty = false;
			return t;
		}
		if (at->type == GS_ATTR_FLOATS || at->type == GS_ATTR_INTS) {
			dim = at->n;
			t = gs_tensor_new(r->m, name, at->type == GS_ATTR_FLOATS ? GS_DTYPE_FLOAT : GS_DTYPE_INT64,
					  1, &dim);
			t->data = at->type == GS_ATTR_FLOATS ? (const void *)at->floats : (const void *)at->ints;
			t->nbytes = (size_t)at->n * (at->type == GS_ATTR_FLOATS ? 4 : 8);
			t->store = GS_STORE_BORROWED;
			t->dirty = false;
			return t;
		}
	}
	return NULL;
}

static int fail_node(struct reader *r, const struct gs_graph *g, const struct gs_node *n,
		     const char *what, const char *subject)
{
	char nb[256], ob[128], sb[256], gb[256];

	return gs_error_set(r->err, "graph '%s': node '%s' (%s) %s '%s'",
			    esc(g->name, gb, sizeof(gb)), esc(n->name, nb, sizeof(nb)),
			    esc(n->op_type, ob, sizeof(ob)), what, esc(subject, sb, sizeof(sb)));
}

static int link_node(struct reader *r, struct gs_graph *g, struct gs_node *n,
		     const Onnx__NodeProto *np)
{
	size_t k;

	n->n_inputs = (int)np->n_input;
	n->inputs = gs_arena_alloc(&r->m->arena, sizeof(int) * (np->n_input + 1));
	for (k = 0; k < np->n_input; k++) {
		const char *name = text(r, np->input[k]);
		const struct gs_value *outer;
		int id;

		if (!name[0]) {
			n->inputs[k] = -1;
			continue;
		}
		id = gs_graph_find_value(g, name);
		if (id < 0) {
			outer = g->parent ? gs_graph_resolve(g->parent, name) : NULL;
			if (!outer)
				return fail_node(r, g, n, "reads a tensor that nothing produces:", name);
			id = gs_graph_add_value(g, name);
			g->values[id]->kind = GS_VALUE_OUTER;
			g->values[id]->outer = outer;
			g->values[id]->dtype = outer->dtype;
			g->values[id]->rank = outer->rank;
			g->values[id]->dims = outer->dims;
		}
		n->inputs[k] = id;
	}
	return 0;
}

static struct gs_graph *read_graph(struct reader *r, const Onnx__GraphProto *gp,
				   struct gs_graph *parent, int depth)
{
	struct gs_model *m = r->m;
	struct gs_graph *g;
	char nb[256];
	size_t k, reserve;
	int id, i, n_before;

	if (depth > GS_MAX_GRAPH_DEPTH) {
		gs_error_set(r->err, "subgraphs nested deeper than %d levels", GS_MAX_GRAPH_DEPTH);
		return NULL;
	}
	g = gs_graph_new(m, parent, opt_text(r, gp->has_name, gp->name, ""));
	g->origin = (void *)gp;

	/* every name the graph defines, so its map never rehashes */
	reserve = gp->n_input + gp->n_initializer + gp->n_sparse_initializer;
	for (k = 0; k < gp->n_node; k++)
		reserve += gp->node[k]->n_output;
	gs_strmap_reserve(&g->by_name, reserve);

	/* graph inputs first: they and the initializers are the sources */
	g->inputs = gs_arena_alloc(&m->arena, sizeof(int) * (gp->n_input + 1));
	for (k = 0; k < gp->n_input; k++) {
		const Onnx__ValueInfoProto *vi = gp->input[k];
		const char *name = opt_text(r, vi->has_name, vi->name, "");

		/* one lookup: an existing name comes back without a new value */
		n_before = g->n_values;
		id = gs_graph_add_value(g, name);
		if (g->n_values == n_before) {
			gs_error_set(r->err, "graph '%s' lists input '%s' twice", esc(g->name, nb, 128),
				     esc(name, nb + 128, 128));
			return NULL;
		}
		g->values[id]->kind = GS_VALUE_INPUT;
		g->values[id]->origin = (void *)vi;
		read_type(r, g->values[id], vi->type);
		g->inputs[g->n_inputs++] = id;
	}
	for (k = 0; k < gp->n_initializer; k++) {
		const Onnx__TensorProto *tp = gp->initializer[k];
		struct gs_tensor *t = gs_reader_tensor(r, tp, "");
		struct gs_value *v;

		if (!t)
			return NULL;
		id = gs_graph_add_value(g, t->name);
		v = g->values[id];
		if (v->kind == GS_VALUE_PARAM) {
			gs_error_set(r->err, "graph '%s' has two initializers named '%s'",
				     esc(g->name, nb, 128), esc(t->name, nb + 128, 128));
			return NULL;
		}
		gs_graph_add_initializer(g, id, t);
		v->init_origin = (void *)tp;
		t->dirty = false;
	}
	for (k = 0; k < gp->n_sparse_initializer; k++) {
		const Onnx__SparseTensorProto *sp = gp->sparse_initializer[k];
		const char *name = sp->values ? opt_text(r, sp->values->has_name, sp->values->name, "") : "";
		struct gs_tensor *t;
		struct gs_value *v;

		if (check_sparse(r, sp, name))
			return NULL;
		t = gs_tensor_new(m, name, sp->values->data_type, 0, NULL);

		t->rank = (int)sp->n_dims;
		t->dims = sp->dims;
		t->numel = gs_dims_numel(t->rank, t->dims);
		t->origin = (void *)sp;
		t->dirty = false;
		id = gs_graph_add_value(g, name);
		v = g->values[id];
		v->kind = GS_VALUE_PARAM;
		v->param = t;
		v->dtype = t->dtype;
	}

	/* nodes: register every output before linking inputs, so that a
	 * file listed out of order still loads (and the cycle check sees it) */
	for (k = 0; k < gp->n_node; k++) {
		const Onnx__NodeProto *np = gp->node[k];
		struct gs_node *n = gs_arena_alloc(&m->arena, sizeof(*n));
		size_t o;

		if (!np->has_op_type || !np->op_type.len) {
			gs_error_set(r->err, "graph '%s' node %zu has no op_type",
				     esc(g->name, nb, 128), k);
			return NULL;
		}
		n->id = g->n_nodes;
		n->name = opt_text(r, np->has_name, np->name, "");
		n->op_type = text(r, np->op_type);
		n->domain = opt_text(r, np->has_domain, np->domain, "");
		n->origin = (void *)np;
		GS_GROW(g->nodes, g->n_nodes + 1, g->nodes_alloc);
		g->nodes[g->n_nodes++] = n;
		n->n_outputs = (int)np->n_output;
		n->outputs = gs_arena_alloc(&m->arena, sizeof(int) * (np->n_output + 1));
		for (o = 0; o < np->n_output; o++) {
			const char *name = text(r, np->output[o]);
			struct gs_value *v;

			if (!name[0]) {
				n->outputs[o] = -1;
				continue;
			}
			n_before = g->n_values;
			id = gs_graph_add_value(g, name);
			v = g->values[id];
			if (g->n_values == n_before) {
				if (v->producer >= 0)
					fail_node(r, g, n, "writes a tensor that another node also writes:", name);
				else
					fail_node(r, g, n, "writes a tensor that is a graph input or initializer:", name);
				return NULL;
			}
			v->producer = n->id;
			v->producer_port = (int)o;
			n->outputs[o] = id;
		}
	}
	for (k = 0; k < gp->n_node; k++) {
		const Onnx__NodeProto *np = gp->node[k];
		struct gs_node *n = g->nodes[k];

		if (link_node(r, g, n, np))
			return NULL;
		/* most nodes have no attributes: no array for them (12 MB of a
		 * 10^5-node model went to empty ones) */
		n->n_attrs = (int)np->n_attribute;
		n->attrs = np->n_attribute ?
			   gs_arena_alloc(&m->arena, sizeof(*n->attrs) * np->n_attribute) : NULL;
		for (i = 0; i < n->n_attrs; i++)
			if (read_attr(r, g, &n->attrs[i], np->attribute[i], depth))
				return NULL;
		if (!strcmp(n->op_type, "Constant") && !n->domain[0] && n->n_outputs == 1 &&
		    n->outputs[0] >= 0) {
			struct gs_tensor *t = constant_tensor(r, n);
			struct gs_value *v = g->values[n->outputs[0]];

			if (t) {
				if (!t->name[0])
					t->name = v->name;
				v->kind = GS_VALUE_PARAM;
				v->param = t;
				v->dtype = t->dtype;
				v->rank = t->rank;
				v->dims = gs_arena_alloc(&m->arena, sizeof(*v->dims) * (size_t)(t->rank + 1));
				for (i = 0; i < t->rank; i++)
					v->dims[i].value = t->dims[i];
			}
		}
		n->dirty = false;
	}

	for (k = 0; k < gp->n_value_info; k++) {
		const Onnx__ValueInfoProto *vi = gp->value_info[k];

		id = vi->has_name ? gs_graph_find_value(g, text(r, vi->name)) : -1;
		if (id < 0)
			continue;	/* annotation of an unused name: kept by the writer */
		g->values[id]->origin = (void *)vi;
		if (g->values[id]->kind == GS_VALUE_ACTIVATION)
			read_type(r, g->values[id], vi->type);
	}
	g->outputs = gs_arena_alloc(&m->arena, sizeof(int) * (gp->n_output + 1));
	for (k = 0; k < gp->n_output; k++) {
		const Onnx__ValueInfoProto *vi = gp->output[k];
		const char *name = opt_text(r, vi->has_name, vi->name, "");
		struct gs_value *v;

		id = gs_graph_find_value(g, name);
		if (id < 0 && g->parent && gs_graph_resolve(g->parent, name)) {
			id = gs_graph_add_value(g, name);
			g->values[id]->kind = GS_VALUE_OUTER;
			g->values[id]->outer = gs_graph_resolve(g->parent, name);
		}
		if (id < 0) {
			gs_error_set(r->err, "graph '%s' output '%s' is not produced by any node, input or initializer",
				     esc(g->name, nb, 128), esc(name, nb + 128, 128));
			return NULL;
		}
		v = g->values[id];
		if (v->is_graph_output) {
			gs_error_set(r->err, "graph '%s' lists output '%s' twice",
				     esc(g->name, nb, 128), esc(name, nb + 128, 128));
			return NULL;
		}
		v->is_graph_output = true;
		v->origin = (void *)vi;
		if (v->kind == GS_VALUE_ACTIVATION)
			read_type(r, v, vi->type);
		g->outputs[g->n_outputs++] = id;
	}
	gs_graph_reindex(g);
	if (gs_graph_toposort(g, r->err))
		return NULL;
	g->dirty = false;
	return g;
}

static void source_free(void *p)
{
	gs_source_close(p);
	free(p);
}

static int read_model(struct reader *r)
{
	const Onnx__ModelProto *mp = r->src->model;
	struct gs_model *m = r->m;
	size_t k;

	if (!mp->graph)
		return gs_error_set(r->err, "the model has no graph");
	m->ir_version = mp->has_ir_version ? mp->ir_version : 0;
	m->producer_name = opt_text(r, mp->has_producer_name, mp->producer_name, "");
	m->producer_version = opt_text(r, mp->has_producer_version, mp->producer_version, "");
	m->domain = opt_text(r, mp->has_domain, mp->domain, "");
	m->doc_string = opt_text(r, mp->has_doc_string, mp->doc_string, "");
	m->model_version = mp->model_version;
	m->n_opsets = (int)mp->n_opset_import;
	m->opsets = gs_arena_alloc(&m->arena, sizeof(*m->opsets) * (mp->n_opset_import + 1));
	for (k = 0; k < mp->n_opset_import; k++) {
		m->opsets[k].domain = opt_text(r, mp->opset_import[k]->has_domain,
					       mp->opset_import[k]->domain, "");
		m->opsets[k].version = mp->opset_import[k]->version;
	}
	m->n_metadata = (int)mp->n_metadata_props;
	m->metadata_keys = gs_arena_alloc(&m->arena, sizeof(char *) * (mp->n_metadata_props + 1));
	m->metadata_values = gs_arena_alloc(&m->arena, sizeof(char *) * (mp->n_metadata_props + 1));
	for (k = 0; k < mp->n_metadata_props; k++) {
		const Onnx__StringStringEntryProto *kv = mp->metadata_props[k];

		m->metadata_keys[k] = opt_text(r, kv->has_key, kv->key, "");
		m->metadata_values[k] = opt_text(r, kv->has_value, kv->value, "");
	}
	m->n_functions = (int)mp->n_functions;
	m->graph = read_graph(r, mp->graph, NULL, 0);
	return m->graph ? 0 : -1;
}

struct gs_model *gs_onnx_load(const char *path, const struct gs_load_opts *opts,
			      struct gs_error *err)
{
	static const struct gs_load_opts defaults;
	struct gs_source *src = gs_xcalloc(1, sizeof(*src));
	struct gs_model *m = NULL;
	struct reader r;
	char pb[512];

	if (gs_source_open(src, path, err) || gs_source_parse(src, err)) {
		gs_source_close(src);
		free(src);
		goto fail;
	}
	gs_file_ops_install(&gs_onnx_file_ops);
	m = gs_model_new();
	m->path = gs_arena_strdup(&m->arena, path);
	m->source = src;
	m->source_free = source_free;
	m->file_size = src->file_size;
	r.m = m;
	r.src = src;
	r.opts = opts ? opts : &defaults;
	r.err = err;
	if (read_model(&r)) {
		gs_model_free(m);
		goto fail;
	}
	return m;
fail:
	gs_error_prefix(err, "cannot read '%s'", gs_escape(path, pb, sizeof(pb)));
	return NULL;
}

/* Two models (the two sides of a diff, or a model and its baseline) load
 * in parallel: loading is most of a diff of big graphs, and each load is
 * one thread's work on its own file, arena and error. */
struct load_job {
	const char *const *paths;
	const struct gs_load_opts *opts;
	struct gs_model **out;
	struct gs_error *errs;
};

static void load_one(void *ctx, size_t i, int worker)
{
	struct load_job *job = ctx;

	(void)worker;
	job->out[i] = gs_onnx_load(job->paths[i], job->opts, &job->errs[i]);
}

int gs_onnx_load_many(int n, const char *const *paths, const struct gs_load_opts *opts,
		      struct gs_model **out, struct gs_error *err)
{
	struct gs_error *errs = gs_xcalloc((size_t)n + 1, sizeof(*errs));
	struct load_job job = { paths, opts, out, errs };
	int i, failed = -1;

	gs_parallel_for((size_t)n, load_one, &job);
	for (i = 0; i < n && failed < 0; i++)
		if (!out[i])
			failed = i;
	if (failed >= 0) {
		*err = errs[failed];
		for (i = 0; i < n; i++) {
			if (out[i])
				gs_model_free(out[i]);
			out[i] = NULL;
		}
	}
	free(errs);
	return failed >= 0 ? -1 : 0;
}
