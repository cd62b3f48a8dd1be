/*
 * IR -> ONNX file.
 *
 * Every message the IR did not change is written from the loaded protobuf
 * structure as it was, so an unedited model comes out byte for byte the
 * same; changed graphs, nodes and tensors get fresh messages built in a
 * scratch arena.  Tensor bytes are never copied into a buffer: protobuf-c
 * hands each bytes field to our ProtobufCBuffer, which writes it straight
 * from the mapping to the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "onnx/internal.h"

enum { EXTERNAL_ALIGN = 4096 };
#define PROTOBUF_LIMIT ((uint64_t)2000 * 1000 * 1000)

struct writer {
	struct gs_model *m;
	struct gs_arena arena;		/* every message built for this save */
	bool external;
	size_t external_threshold;
	struct gs_atomic_file data;	/* external data file, opened on first use */
	const char *data_path;		/* where it goes */
	const char *data_location;	/* its name relative to the model */
	uint64_t data_offset;
	struct gs_error *err;
	int failed;
};

/* ---- does a graph need new messages? ---- */

static bool tensor_dirty(const struct gs_tensor *t)
{
	return t && (t->dirty || !t->origin);
}

static bool graph_dirty(const struct gs_graph *g);

static bool node_dirty(const struct gs_node *n)
{
	int i, k;

	if (n->dirty || !n->origin)
		return true;
	for (i = 0; i < n->n_attrs; i++) {
		const struct gs_attr *a = &n->attrs[i];

		if (tensor_dirty(a->t) || (a->g && graph_dirty(a->g)))
			return true;
		for (k = 0; k < a->n; k++)
			if ((a->graphs && graph_dirty(a->graphs[k])) ||
			    (a->tensors && tensor_dirty(a->tensors[k])))
				return true;
	}
	return false;
}

static bool graph_dirty(const struct gs_graph *g)
{
	int i;

	if (g->dirty || !g->origin)
		return true;
	for (i = 0; i < g->n_nodes; i++)
		if (!g->nodes[i]->removed && node_dirty(g->nodes[i]))
			return true;
	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		if (v->shape_dirty || (v->is_initializer && tensor_dirty(v->param)))
			return true;
	}
	return false;
}

/* ---- building messages ---- */

static void *new_msg(struct writer *w, size_t size, void (*init)(void *))
{
	void *p = gs_arena_alloc(&w->arena, size);

	init(p);
	return p;
}

#define NEW(w, type, fn) ((type *)new_msg((w), sizeof(type), (void (*)(void *))(fn)))

/* ---- text fields: the IR's strings back to the file's bytes ---- */

/* A text the IR keeps, as the bytes it stands for (NUL and C0 bytes
 * unescaped, src/util/bytestr.c). */
static ProtobufCBinaryData text_bytes(struct writer *w, const char *s)
{
	ProtobufCBinaryData b;

	if (gs_bytestr_is_stored_plain(s)) {
		b.data = (uint8_t *)s;
		b.len = strlen(s);
	} else {
		b.data = gs_arena_alloc(&w->arena, strlen(s) + 1);
		b.len = gs_bytestr_raw(s, b.data);
	}
	return b;
}

/* Whether an optional text field of the loaded file says what s says. */
static bool text_is(struct writer *w, protobuf_c_boolean has, ProtobufCBinaryData b, const char *s)
{
	ProtobufCBinaryData t = text_bytes(w, s);

	return has && t.len == b.len && (!t.len || !memcmp(t.data, b.data, t.len));
}

#define SET_TEXT(w, msg, field, s) \
	((msg)->has_##field = 1, (msg)->field = text_bytes((w), (s)))

static int write_external(struct writer *w, const struct gs_tensor *t, Onnx__TensorProto *tp)
{
	static const char zeros[EXTERNAL_ALIGN];
	uint64_t pad = (EXTERNAL_ALIGN - w->data_offset % EXTERNAL_ALIGN) % EXTERNAL_ALIGN;
	Onnx__StringStringEntryProto **kv;
	const char *keys[3] = { "location", "offset", "length" };
	const char *vals[3];
	int i;

	if (!w->data.f && gs_atomic_open(&w->data, w->data_path, NULL))
		return -1;

	if (pad && fwrite(zeros, 1, pad, w->data.f) != pad)
		return -1;
	w->data_offset += pad;
	if (t->nbytes && fwrite(t->data, 1, t->nbytes, w->data.f) != t->nbytes)
		return -1;
	vals[0] = w->data_location;
	vals[1] = gs_arena_printf(&w->arena, "%llu", (unsigned long long)w->data_offset);
	vals[2] = gs_arena_printf(&w->arena, "%zu", t->nbytes);
	w->data_offset += t->nbytes;
	kv = gs_arena_alloc(&w->arena, sizeof(*kv) * 3);
	for (i = 0; i < 3; i++) {
		kv[i] = NEW(w, Onnx__StringStringEntryProto, onnx__string_string_entry_proto__init);
		/* a path and numbers: bytes as they are, nothing to unescape */
		kv[i]->has_key = kv[i]->has_value = 1;
		kv[i]->key.data = (uint8_t *)keys[i];
		kv[i]->key.len = strlen(keys[i]);
		kv[i]->value.data = (uint8_t *)vals[i];
		kv[i]->value.len = strlen(vals[i]);
	}
	tp->external_data = kv;
	tp->n_external_data = 3;
	tp->has_data_location = 1;
	tp->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	tp->has_raw_data = 0;
	return 0;
}

static Onnx__TensorProto *build_tensor(struct writer *w, const struct gs_tensor *t,
				       const char *name)
{
	const Onnx__TensorProto *orig = t->origin;
	bool external = w->external && t->data && t->nbytes >= w->external_threshold;
	Onnx__TensorProto *tp;

	if (orig && !t->dirty && !external && !t->external_source &&
	    (!name || text_is(w, orig->has_name, orig->name, name)))
		return (Onnx__TensorProto *)orig;
	tp = NEW(w, Onnx__TensorProto, onnx__tensor_proto__init);
	if (orig)
		*tp = *orig;	/* keeps doc_string, metadata, string_data */
	SET_TEXT(w, tp, name, name ? name : t->name);
	tp->has_data_type = 1;
	tp->data_type = t->dtype;
	tp->n_dims = (size_t)t->rank;
	tp->dims = t->dims;
	if (t->store == GS_STORE_NONE)
		return tp;
	tp->n_float_data = tp->n_int32_data = tp->n_int64_data = 0;
	tp->n_double_data = tp->n_uint64_data = 0;
	tp->n_external_data = 0;
	tp->has_data_location = 0;
	if (external) {
		if (write_external(w, t, tp)) {
			w->failed = 1;
			gs_error_set(w->err, "cannot write external data: %s", strerror(errno));
		}
		return tp;
	}
	tp->has_raw_data = 1;
	tp->raw_data.data = (uint8_t *)t->data;
	tp->raw_data.len = t->nbytes;
	return tp;
}

static Onnx__TypeProto *build_type(struct writer *w, const struct gs_value *v)
{
	Onnx__TypeProto *tp = NEW(w, Onnx__TypeProto, onnx__type_proto__init);
	Onnx__TypeProto__Tensor *tt = NEW(w, Onnx__TypeProto__Tensor, onnx__type_proto__tensor__init);
	int i;

	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = v->dtype != 0;
	tt->elem_type = v->dtype;
	if (v->rank < 0)
		return tp;
	tt->shape = NEW(w, Onnx__TensorShapeProto, onnx__tensor_shape_proto__init);
	tt->shape->n_dim = (size_t)v->rank;
	tt->shape->dim = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(v->rank + 1));
	for (i = 0; i < v->rank; i++) {
		Onnx__TensorShapeProto__Dimension *d =
			NEW(w, Onnx__TensorShapeProto__Dimension, onnx__tensor_shape_proto__dimension__init);

		if (v->dims[i].param) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			d->dim_param = text_bytes(w, v->dims[i].param);
		} else if (v->dims[i].value >= 0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			d->dim_value = v->dims[i].value;
		}
		tt->shape->dim[i] = d;
	}
	return tp;
}

static Onnx__ValueInfoProto *build_value_info(struct writer *w, const struct gs_value *v)
{
	const Onnx__ValueInfoProto *orig = v->origin;
	Onnx__ValueInfoProto *vi;

	if (orig && !v->shape_dirty && text_is(w, orig->has_name, orig->name, v->name))
		return (Onnx__ValueInfoProto *)orig;
	vi = NEW(w, Onnx__ValueInfoProto, onnx__value_info_proto__init);
	if (orig)
		*vi = *orig;
	SET_TEXT(w, vi, name, v->name);
	if (!orig || v->shape_dirty)
		vi->type = build_type(w, v);
	return vi;
}

static Onnx__GraphProto *build_graph(struct writer *w, struct gs_graph *g);

static Onnx__AttributeProto *build_attr(struct writer *w, const struct gs_attr *a)
{
	Onnx__AttributeProto *ap = NEW(w, Onnx__AttributeProto, onnx__attribute_proto__init);
	const Onnx__AttributeProto *orig = a->origin;
	int k;

	if (orig)
		*ap = *orig;	/* keeps doc_string and the kinds the IR keeps opaque */
	SET_TEXT(w, ap, name, a->name);
	ap->has_type = 1;
	ap->type = (Onnx__AttributeProto__AttributeType)a->type;
	ap->has_ref_attr_name = a->ref_attr_name != NULL;
	if (a->ref_attr_name)
		ap->ref_attr_name = text_bytes(w, a->ref_attr_name);
	switch (a->type) {
	case GS_ATTR_FLOAT:
		ap->has_f = 1;
		ap->f = a->f;
		break;
	case GS_ATTR_INT:
		ap->has_i = 1;
		ap->i = a->i;
		break;
	case GS_ATTR_STRING:
		ap->has_s = 1;
		ap->s.data = (uint8_t *)a->s;
		ap->s.len = a->s_len;
		break;
	case GS_ATTR_TENSOR:
		ap->t = a->t ? build_tensor(w, a->t, NULL) : NULL;
		break;
	case GS_ATTR_GRAPH:
		ap->g = a->g ? build_graph(w, a->g) : NULL;
		break;
	case GS_ATTR_FLOATS:
		ap->n_floats = (size_t)a->n;
		ap->floats = a->floats;
		break;
	case GS_ATTR_INTS:
		ap->n_ints = (size_t)a->n;
		ap->ints = a->ints;
		break;
	case GS_ATTR_STRINGS:
		ap->n_strings = (size_t)a->n;
		ap->strings = gs_arena_alloc(&w->arena, sizeof(*ap->strings) * (size_t)(a->n + 1));
		for (k = 0; k < a->n; k++) {
			ap->strings[k].data = (uint8_t *)a->strings[k];
			ap->strings[k].len = strlen(a->strings[k]);
		}
		break;
	case GS_ATTR_TENSORS:
		ap->n_tensors = (size_t)a->n;
		ap->tensors = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(a->n + 1));
		for (k = 0; k < a->n; k++)
			ap->tensors[k] = build_tensor(w, a->tensors[k], NULL);
		break;
	case GS_ATTR_GRAPHS:
		ap->n_graphs = (size_t)a->n;
		ap->graphs = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(a->n + 1));
		for (k = 0; k < a->n; k++)
			ap->graphs[k] = build_graph(w, a->graphs[k]);
		break;
	}
	return ap;
}

static const char *value_name(const struct gs_graph *g, int id)
{
	return id >= 0 ? g->values[id]->name : "";
}

static Onnx__NodeProto *build_node(struct writer *w, struct gs_graph *g, struct gs_node *n)
{
	Onnx__NodeProto *np;
	int i;

	if (!w->external && !node_dirty(n))
		return n->origin;
	np = NEW(w, Onnx__NodeProto, onnx__node_proto__init);
	if (n->origin)
		*np = *(Onnx__NodeProto *)n->origin;
	/* an empty name or domain is written only where the file had one */
	if (n->name[0] || (n->origin && np->has_name))
		SET_TEXT(w, np, name, n->name);
	SET_TEXT(w, np, op_type, n->op_type);
	if (n->domain[0] || (n->origin && np->has_domain))
		SET_TEXT(w, np, domain, n->domain);
	np->n_input = (size_t)n->n_inputs;
	np->input = gs_arena_alloc(&w->arena, sizeof(*np->input) * (size_t)(n->n_inputs + 1));
	for (i = 0; i < n->n_inputs; i++)
		np->input[i] = text_bytes(w, value_name(g, n->inputs[i]));
	np->n_output = (size_t)n->n_outputs;
	np->output = gs_arena_alloc(&w->arena, sizeof(*np->output) * (size_t)(n->n_outputs + 1));
	for (i = 0; i < n->n_outputs; i++)
		np->output[i] = text_bytes(w, value_name(g, n->outputs[i]));
	np->n_attribute = (size_t)n->n_attrs;
	np->attribute = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(n->n_attrs + 1));
	for (i = 0; i < n->n_attrs; i++)
		np->attribute[i] = build_attr(w, &n->attrs[i]);
	return np;
}

/* value_info annotates values that are neither graph inputs nor outputs:
 * activations and Constant outputs whose producer still exists, and
 * initializers the file annotated.  A pass that removed a node must not
 * leave its annotation behind. */
static bool wants_value_info(const struct gs_graph *g, const struct gs_value *v)
{
	if (v->is_graph_output || v->kind == GS_VALUE_INPUT || v->kind == GS_VALUE_OUTER)
		return false;
	if (v->producer < 0 || g->nodes[v->producer]->removed)
		return v->is_initializer && v->origin;
	return v->origin || (v->shape_dirty && v->dtype);
}

static Onnx__GraphProto *build_graph(struct writer *w, struct gs_graph *g)
{
	Onnx__GraphProto *gp;
	struct gs_error err;
	size_t k = 0;
	int i;

	if (!w->external && !graph_dirty(g))
		return g->origin;
	gp = NEW(w, Onnx__GraphProto, onnx__graph_proto__init);
	if (g->origin)
		*gp = *(Onnx__GraphProto *)g->origin;
	SET_TEXT(w, gp, name, g->name);

	/* ONNX wants nodes in topological order; new nodes were appended */
	if (!g->topo_valid && gs_graph_toposort(g, &err)) {
		w->failed = 1;
		memcpy(w->err->msg, err.msg, sizeof(err.msg));
		return gp;
	}
	gp->n_node = (size_t)g->n_topo;
	gp->node = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(g->n_topo + 1));
	for (i = 0; i < g->n_topo; i++)
		gp->node[i] = build_node(w, g, g->nodes[g->topo[i]]);

	gp->n_initializer = 0;
	gp->initializer = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(g->n_initializers + 1));
	for (i = 0; i < g->n_initializers; i++) {
		const struct gs_value *v = g->values[g->initializers[i]];

		if (v->kind != GS_VALUE_PARAM || !v->is_initializer)
			continue;	/* removed by an edit */
		gp->initializer[gp->n_initializer++] = build_tensor(w, v->param, v->name);
	}

	gp->n_input = (size_t)g->n_inputs;
	gp->input = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(g->n_inputs + 1));
	for (i = 0; i < g->n_inputs; i++)
		gp->input[i] = build_value_info(w, g->values[g->inputs[i]]);
	gp->n_output = (size_t)g->n_outputs;
	gp->output = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(g->n_outputs + 1));
	for (i = 0; i < g->n_outputs; i++)
		gp->output[i] = build_value_info(w, g->values[g->outputs[i]]);

	gp->n_value_info = 0;
	gp->value_info = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(g->n_values + 1));
	if (g->origin) {
		/* keep the file's order for the entries that survive */
		const Onnx__GraphProto *orig = g->origin;

		for (k = 0; k < orig->n_value_info; k++) {
			const Onnx__ValueInfoProto *vi = orig->value_info[k];
			int id = vi->has_name ?
				 gs_graph_find_value(g, gs_source_text(&w->arena, vi->name)) : -1;

			if (id >= 0 && wants_value_info(g, g->values[id]) &&
			    g->values[id]->origin == orig->value_info[k])
				gp->value_info[gp->n_value_info++] = build_value_info(w, g->values[id]);
		}
	}
	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];

		if (wants_value_info(g, v) && !v->origin)
			gp->value_info[gp->n_value_info++] = build_value_info(w, v);
	}
	return gp;
}

static Onnx__ModelProto *build_model(struct writer *w)
{
	struct gs_model *m = w->m;
	struct gs_source *src = m->source;
	Onnx__ModelProto *mp = NEW(w, Onnx__ModelProto, onnx__model_proto__init);
	int i;

	if (src && src->model)
		*mp = *src->model;
	else
		mp->has_ir_version = 1;
	mp->ir_version = m->ir_version;
	mp->graph = build_graph(w, m->graph);
	if (m->opsets_dirty || !src) {
		mp->n_opset_import = (size_t)m->n_opsets;
		mp->opset_import = gs_arena_alloc(&w->arena, sizeof(void *) * (size_t)(m->n_opsets + 1));
		for (i = 0; i < m->n_opsets; i++) {
			Onnx__OperatorSetIdProto *o = NEW(w, Onnx__OperatorSetIdProto,
							  onnx__operator_set_id_proto__init);

			SET_TEXT(w, o, domain, m->opsets[i].domain);
			o->has_version = 1;
			o->version = m->opsets[i].version;
			mp->opset_import[i] = o;
		}
	}
	if (!src) {
		SET_TEXT(w, mp, producer_name, m->producer_name);
		SET_TEXT(w, mp, producer_version, m->producer_version);
	}
	return mp;
}

/* ---- output streams ---- */

struct file_buffer {
	ProtobufCBuffer base;
	FILE *f;
	const struct gs_source *src;	/* bytes from its mapping copy in-kernel */
	ZSTD_CStream *zs;
	uint8_t *zout;
	size_t zout_cap;
	uint64_t written;
	int failed;
};

static void zstd_push(struct file_buffer *fb, const void *data, size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t rc;

	do {
		ZSTD_outBuffer out = { fb->zout, fb->zout_cap, 0 };

		rc = ZSTD_compressStream2(fb->zs, &out, &in, mode);
		if (ZSTD_isError(rc) || fwrite(fb->zout, 1, out.pos, fb->f) != out.pos) {
			fb->failed = 1;
			return;
		}
	} while (mode == ZSTD_e_end ? rc != 0 : in.pos < in.size);
}

/*
 * A big tensor that is a view of the loaded file goes from file to file
 * with copy_file_range: no page faults on the mapping, no copy through user
 * space, and a reflink where the filesystem can.  Returns false to fall
 * back to an ordinary write.
 */
static bool copy_from_source(struct file_buffer *fb, const uint8_t *data, size_t len)
{
	const struct gs_source *src = fb->src;
	loff_t off;
	ssize_t n;

	if (!src || src->fd < 0 || len < (1 << 20) || data < src->map ||
	    data + len > src->map + src->map_size)
		return false;
	if (fflush(fb->f))
		return false;
	off = (loff_t)(data - src->map);
	while (len) {
		n = copy_file_range(src->fd, &off, fileno(fb->f), NULL, len, 0);
		if (n <= 0) {
			if (n < 0 && off == (loff_t)(data - src->map))
				return false;	/* unsupported here: nothing written yet */
			fb->failed = 1;
			return true;
		}
		len -= (size_t)n;
	}
	return true;
}

/*
 * After each big tensor, start the disk writing what is written so far:
 * the save ends with an fsync (atomic saves), and this way the disk works
 * while the next tensors are copied instead of all of it after the last.
 */
static void start_writeback(struct file_buffer *fb)
{
	if (fflush(fb->f) == 0)
		sync_file_range(fileno(fb->f), 0, 0, SYNC_FILE_RANGE_WRITE);
}

static void file_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct file_buffer *fb = (struct file_buffer *)b;

	if (fb->failed || !len)
		return;
	fb->written += len;
	if (fb->zs)
		zstd_push(fb, data, len, ZSTD_e_continue);
	else if (!copy_from_source(fb, data, len) && fwrite(data, 1, len, fb->f) != len)
		fb->failed = 1;
	else if (len >= (1 << 20))
		start_writeback(fb);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static uint64_t param_bytes(const struct gs_graph *g)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < g->n_values; i++)
		if (g->values[i]->kind == GS_VALUE_PARAM && g->values[i]->param)
			total += g->values[i]->param->nbytes;
	return total;
}

static bool had_external(const struct gs_graph *g)
{
	int i;

	for (i = 0; i < g->n_values; i++)
		if (g->values[i]->param && g->values[i]->param->external_source)
			return true;
	return false;
}

/* Whether the file at path mentions needle (a data file's location):
 * external-data models are small, so the first 64 MiB are enough. */
static bool file_mentions(const char *path, const char *needle)
{
	size_t cap = (size_t)64 << 20, len;
	bool found = false;
	off_t size;
	char *buf;
	FILE *f;

	if (!(f = gs_fopen_regular(path, &size, NULL)))
		return false;
	if ((size_t)size < cap)
		cap = (size_t)size;
	buf = gs_xmalloc(cap + 1);
	len = fread(buf, 1, cap, f);
	found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	fclose(f);
	return found;
}

/*
 * Where the weights of a save to path go.  Never into the file the model
 * now at path reads: replacing the data before the model (or the model
 * before the data) would leave, after a crash between the two renames, a
 * model reading the other's weights.  So saves alternate between
 * PATH.data and PATH.1.data; the model's rename switches from the old
 * pair to the new one at once, and the old data is removed after it.
 */
static void choose_data_file(struct writer *w, const char *path, const char **stale)
{
	const char *base = strrchr(path, '/');
	const char *names[2], *locs[2];
	struct stat st;
	int pick = 0;

	base = base ? base + 1 : path;
	names[0] = gs_arena_printf(&w->arena, "%s.data", path);
	names[1] = gs_arena_printf(&w->arena, "%s.1.data", path);
	locs[0] = gs_arena_printf(&w->arena, "%s.data", base);
	locs[1] = gs_arena_printf(&w->arena, "%s.1.data", base);
	*stale = NULL;
	if (!lstat(path, &st)) {
		/* write the one the model there does not read; remove the one
		 * it reads once the new model has replaced it */
		if (file_mentions(path, locs[1])) {
			pick = 0;
			*stale = names[1];
		} else if (file_mentions(path, locs[0])) {
			pick = 1;
			*stale = names[0];
		}
	}
	w->data_path = names[pick];
	w->data_location = locs[pick];
}

int gs_onnx_save(struct gs_model *m, const char *path, const struct gs_save_opts *opts,
		 struct gs_error *err)
{
	const char *stale_data = NULL;
	static const struct gs_save_opts defaults;
	struct gs_atomic_file out;
	struct writer w;
	struct file_buffer fb;
	Onnx__ModelProto *mp;
	char pb[512];
	int rc = -1;

	gs_file_ops_install(&gs_onnx_file_ops);
	if (!opts)
		opts = &defaults;
	memset(&w, 0, sizeof(w));
	memset(&fb, 0, sizeof(fb));
	gs_arena_init(&w.arena);
	w.m = m;
	w.err = err;
	w.external_threshold = opts->external_threshold ? opts->external_threshold : 1024;
	w.external = opts->external == GS_EXTERNAL_ALWAYS ||
		     (opts->external == GS_EXTERNAL_AUTO &&
		      (param_bytes(m->graph) > PROTOBUF_LIMIT || had_external(m->graph)));
	gs_escape(path, pb, sizeof(pb));
	if (w.external)
		choose_data_file(&w, path, &stale_data);
	if (gs_atomic_open(&out, path, err))
		goto out_arena;
	mp = build_model(&w);
	if (w.failed) {
		gs_error_prefix(err, "cannot write '%s'", pb);
		goto out;
	}
	if (!w.external && protobuf_c_message_get_packed_size(&mp->base) > PROTOBUF_LIMIT) {
		gs_error_set(err, "cannot write '%s': the model is over 2 GB; save with external data", pb);
		goto out;
	}
	fb.base.append = file_append;
	fb.f = out.f;
	fb.src = m->source;
	setvbuf(out.f, NULL, _IOFBF, 1 << 20);
	if (has_suffix(path, ".zst")) {
		fb.zs = ZSTD_createCStream();
		ZSTD_CCtx_setParameter(fb.zs, ZSTD_c_compressionLevel, opts->zstd_level ? opts->zstd_level : 3);
		fb.zout_cap = ZSTD_CStreamOutSize();
		fb.zout = gs_xmalloc(fb.zout_cap);
	}
	protobuf_c_message_pack_to_buffer(&mp->base, &fb.base);
	if (fb.zs)
		zstd_push(&fb, NULL, 0, ZSTD_e_end);
	if (fb.failed) {
		gs_error_set(err, "cannot write '%s': %s", pb, strerror(errno ? errno : EIO));
		goto out;
	}
	/* the weights land before the model that points at them, in a file
	 * the old model does not read; the old weights go after the switch */
	if (w.data.f && gs_atomic_commit(&w.data, err))
		goto out;
	/* fault injection for the kill tests: die between the two renames */
	if (w.data_path && getenv("GS_FAULT_AFTER_DATA"))
		raise(SIGKILL);
	rc = gs_atomic_commit(&out, err);
	if (!rc && stale_data && w.data_path && strcmp(stale_data, w.data_path))
		unlink(stale_data);
out:
	if (rc)
		gs_atomic_abort(&out);
	gs_atomic_abort(&w.data);
	if (fb.zs)
		ZSTD_freeCStream(fb.zs);
	free(fb.zout);
out_arena:
	gs_arena_release(&w.arena);
	return rc;
}

struct sink_buffer {
	ProtobufCBuffer base;
	void (*sink)(void *ctx, const void *data, size_t len);
	void *ctx;
	uint64_t n;
};

static void sink_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct sink_buffer *sb = (struct sink_buffer *)b;

	if (!len)
		return;
	sb->n += len;
	sb->sink(sb->ctx, data, len);
}

uint64_t gs_onnx_pack_stream(struct gs_model *m,
			     void (*sink)(void *ctx, const void *data, size_t len), void *ctx)
{
	struct writer w;
	struct sink_buffer sb;

	memset(&w, 0, sizeof(w));
	memset(&sb, 0, sizeof(sb));
	gs_arena_init(&w.arena);
	w.m = m;
	sb.base.append = sink_append;
	sb.sink = sink;
	sb.ctx = ctx;
	protobuf_c_message_pack_to_buffer(&build_model(&w)->base, &sb.base);
	gs_arena_release(&w.arena);
	return sb.n;
}

uint64_t gs_onnx_packed_size(struct gs_model *m)
{
	struct writer w;
	uint64_t n;

	memset(&w, 0, sizeof(w));
	gs_arena_init(&w.arena);
	w.m = m;
	n = protobuf_c_message_get_packed_size(&build_model(&w)->base);
	gs_arena_release(&w.arena);
	return n;
}

const struct gs_file_ops gs_onnx_file_ops = {
	.fetch = gs_onnx_fetch,
	.packed_size = gs_onnx_packed_size,
	.pack_stream = gs_onnx_pack_stream,
};
