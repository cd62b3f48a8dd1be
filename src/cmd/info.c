/* The model summary behind `graphsmith info` and the console's `info`. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/history.h"
#include "graphsmith/info.h"
#include "graphsmith/json.h"

struct op_count {
	const char *op;
	int count;
};

struct param_ref {
	const struct gs_tensor *t;
	const char *name;
};

struct census {
	struct gs_strmap ops;
	struct op_count *op_counts;
	int n_ops, ops_alloc;
	int nodes, subgraphs;
	struct param_ref *params;
	int n_params, params_alloc;
	uint64_t bytes_by_dtype[GS_DTYPE_MAX_ + 1];
	uint64_t count_by_dtype[GS_DTYPE_MAX_ + 1];
	uint64_t elems_by_dtype[GS_DTYPE_MAX_ + 1];
};

static int census_graph(struct gs_graph *g, void *ctx)
{
	struct census *c = ctx;
	int i, k;

	if (g->parent)
		c->subgraphs++;
	for (i = 0; i < g->n_nodes; i++) {
		const struct gs_node *n = g->nodes[i];

		if (n->removed)
			continue;
		c->nodes++;
		k = gs_strmap_get(&c->ops, n->op_type);
		if (k < 0) {
			GS_GROW(c->op_counts, c->n_ops + 1, c->ops_alloc);
			k = c->n_ops++;
			c->op_counts[k].op = n->op_type;
			c->op_counts[k].count = 0;
			gs_strmap_put(&c->ops, n->op_type, k);
		}
		c->op_counts[k].count++;
	}
	for (i = 0; i < g->n_values; i++) {
		const struct gs_value *v = g->values[i];
		const struct gs_tensor *t = v->param;

		/* what the saved file holds, as the step line counts it */
		if (!gs_param_saved(g, v))
			continue;
		GS_GROW(c->params, c->n_params + 1, c->params_alloc);
		c->params[c->n_params].t = t;
		c->params[c->n_params].name = v->name;
		c->n_params++;
		if (t->dtype >= 0 && t->dtype <= GS_DTYPE_MAX_) {
			c->bytes_by_dtype[t->dtype] += t->nbytes;
			c->count_by_dtype[t->dtype]++;
			c->elems_by_dtype[t->dtype] += (uint64_t)(t->numel > 0 ? t->numel : 0);
		}
	}
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct op_count *x = a, *y = b;

	if (x->count != y->count)
		return y->count - x->count;
	return strcmp(x->op, y->op);
}

static int by_size(const void *a, const void *b)
{
	const struct param_ref *x = a, *y = b;

	if (x->t->nbytes != y->t->nbytes)
		return x->t->nbytes < y->t->nbytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void census_take(struct census *c, const struct gs_model *m)
{
	memset(c, 0, sizeof(*c));
	gs_strmap_init(&c->ops);
	gs_graph_walk(m->graph, census_graph, c);
	if (c->n_ops)
		qsort(c->op_counts, (size_t)c->n_ops, sizeof(*c->op_counts), by_count);
	if (c->n_params)
		qsort(c->params, (size_t)c->n_params, sizeof(*c->params), by_size);
}

static void census_release(struct census *c)
{
	gs_strmap_release(&c->ops);
	free(c->op_counts);
	free(c->params);
}

static json_t *shape_json(const struct gs_value *v)
{
	json_t *a;
	int i;

	if (v->rank < 0)
		return json_null();
	a = json_array();
	for (i = 0; i < v->rank; i++) {
		if (v->dims[i].param)
			json_array_append_new(a, gs_json_str(v->dims[i].param));
		else if (v->dims[i].value >= 0)
			json_array_append_new(a, json_integer(v->dims[i].value));
		else
			json_array_append_new(a, json_null());
	}
	return a;
}

/* model strings may not be UTF-8: escaped, never dropped */
static json_t *jstr(const char *s)
{
	return gs_json_str(s ? s : "");
}

static json_t *io_json(const struct gs_graph *g, const int *ids, int n, bool skip_params)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++) {
		const struct gs_value *v = g->values[ids[i]];

		if (skip_params && v->kind == GS_VALUE_PARAM)
			continue;
		json_array_append_new(a, json_pack("{s:o,s:s,s:o}", "name", jstr(v->name),
						   "dtype", gs_dtype_name(v->dtype), "shape", shape_json(v)));
	}
	return a;
}

json_t *gs_info_json(const struct gs_model *m, const struct gs_info_opts *opts)
{
	struct census c;
	json_t *root, *ops, *opsets, *params, *largest;
	struct gs_model_figures f;
	uint64_t total_bytes = 0, total_elems = 0;
	int i, top = opts && opts->top_tensors ? opts->top_tensors : 10;
	char db[256];

	census_take(&c, m);
	opsets = json_array();
	for (i = 0; i < m->n_opsets; i++)
		json_array_append_new(opsets, json_pack("{s:o,s:I}", "domain", jstr(m->opsets[i].domain),
							"version", (json_int_t)m->opsets[i].version));
	ops = json_object();
	for (i = 0; i < c.n_ops; i++)
		json_object_set_new(ops, c.op_counts[i].op, json_integer(c.op_counts[i].count));
	params = json_object();
	for (i = 0; i <= GS_DTYPE_MAX_; i++) {
		if (!c.count_by_dtype[i])
			continue;
		json_object_set_new(params, gs_dtype_name(i),
				    json_pack("{s:I,s:I,s:I}", "tensors", (json_int_t)c.count_by_dtype[i],
					      "elements", (json_int_t)c.elems_by_dtype[i],
					      "bytes", (json_int_t)c.bytes_by_dtype[i]));
		total_bytes += c.bytes_by_dtype[i];
		total_elems += c.elems_by_dtype[i];
	}
	largest = json_array();
	for (i = 0; i < c.n_params && i < top; i++)
		json_array_append_new(largest, json_pack("{s:o,s:s,s:s,s:I}",
			"name", jstr(c.params[i].name), "dtype", gs_dtype_name(c.params[i].t->dtype),
			"shape", gs_format_dims(c.params[i].t->rank, c.params[i].t->dims, db, sizeof(db)),
			"bytes", (json_int_t)c.params[i].t->nbytes));
	root = json_pack("{s:o,s:o,s:o,s:I,s:o,s:I,s:o}",
			 "file", jstr(m->path), "producer", jstr(m->producer_name),
			 "producer_version", jstr(m->producer_version),
			 "ir_version", (json_int_t)m->ir_version, "opsets", opsets,
			 "file_bytes", (json_int_t)m->file_size, "graph_name", jstr(m->graph->name));
	if (opts && opts->saved_size)
		json_object_set_new(root, "saved_bytes", json_integer((json_int_t)opts->saved_size));
	json_object_set_new(root, "inputs", io_json(m->graph, m->graph->inputs, m->graph->n_inputs, true));
	json_object_set_new(root, "outputs", io_json(m->graph, m->graph->outputs, m->graph->n_outputs, false));
	json_object_set_new(root, "nodes", json_integer(c.nodes));
	json_object_set_new(root, "ops", ops);
	json_object_set_new(root, "subgraphs", json_integer(c.subgraphs));
	json_object_set_new(root, "functions", json_integer(m->n_functions));
	json_object_set_new(root, "parameters", json_pack("{s:I,s:I,s:I,s:o}",
		"tensors", (json_int_t)c.n_params, "elements", (json_int_t)total_elems,
		"bytes", (json_int_t)total_bytes, "by_dtype", params));
	json_object_set_new(root, "largest", largest);
	gs_model_figures(m, &f);
	json_object_set_new(root, "sparsity", json_pack("{s:I,s:I,s:f}",
		"weights", (json_int_t)f.weights, "zeros", (json_int_t)f.zeros,
		"fraction", f.sparsity));
	if (m->n_metadata) {
		json_t *md = json_object();

		for (i = 0; i < m->n_metadata; i++)
			json_object_set_new(md, m->metadata_keys[i], jstr(m->metadata_values[i]));
		json_object_set_new(root, "metadata", md);
	}
	census_release(&c);
	return root;
}

static void print_io(FILE *out, const char *title, const struct gs_graph *g, const int *ids, int n,
		     bool skip_params, bool ascii)
{
	char nb[256], sb[256];
	int i, shown = 0;

	for (i = 0; i < n; i++) {
		const struct gs_value *v = g->values[ids[i]];

		if (skip_params && v->kind == GS_VALUE_PARAM)
			continue;
		fprintf(out, "%-12s %-24s %-9s %s\n", shown++ ? "" : title,
			ascii ? gs_escape_ascii(v->name, nb, sizeof(nb)) : gs_escape(v->name, nb, sizeof(nb)),
			gs_dtype_name(v->dtype), gs_format_shape(v, sb, sizeof(sb)));
	}
	if (!shown)
		fprintf(out, "%-12s (none)\n", title);
}

void gs_info_print(const struct gs_model *m, const struct gs_info_opts *opts, FILE *out)
{
	const char *(*esc)(const char *, char *, size_t) =
		opts && opts->ascii ? gs_escape_ascii : gs_escape;
	struct gs_model_figures f;
	struct census c;
	char b1[256], b2[256], b3[64];
	uint64_t total_bytes = 0, total_elems = 0;
	int i, top = opts && opts->top_tensors ? opts->top_tensors : 10;

	census_take(&c, m);
	fprintf(out, "%-12s %s\n", "file", esc(m->path, b1, sizeof(b1)));
	if (opts && opts->saved_size)
		fprintf(out, "%-12s %s as saved (the file: %s)\n", "size",
			gs_format_bytes(opts->saved_size, b3, sizeof(b3)),
			gs_format_bytes(m->file_size, b2, sizeof(b2)));
	else
		fprintf(out, "%-12s %s\n", "size", gs_format_bytes(m->file_size, b3, sizeof(b3)));
	fprintf(out, "%-12s %s %s\n", "producer", esc(m->producer_name[0] ? m->producer_name : "(none)", b1, sizeof(b1)),
		esc(m->producer_version, b2, sizeof(b2)));
	fprintf(out, "%-12s %lld\n", "ir version", (long long)m->ir_version);
	fprintf(out, "%-12s", "opsets");
	for (i = 0; i < m->n_opsets; i++)
		fprintf(out, " %s:%lld", m->opsets[i].domain[0] ? esc(m->opsets[i].domain, b1, sizeof(b1)) : "ai.onnx",
			(long long)m->opsets[i].version);
	fprintf(out, "\n");
	print_io(out, "inputs", m->graph, m->graph->inputs, m->graph->n_inputs, true, opts && opts->ascii);
	print_io(out, "outputs", m->graph, m->graph->outputs, m->graph->n_outputs, false, opts && opts->ascii);
	fprintf(out, "%-12s %d in %d graph%s", "nodes", c.nodes, c.subgraphs + 1, c.subgraphs ? "s" : "");
	if (m->n_functions)
		fprintf(out, ", %d local function%s", m->n_functions, m->n_functions > 1 ? "s" : "");
	fprintf(out, "\n");
	for (i = 0; i < c.n_ops; i++)
		fprintf(out, "  %6d  %s\n", c.op_counts[i].count, esc(c.op_counts[i].op, b1, sizeof(b1)));
	for (i = 0; i <= GS_DTYPE_MAX_; i++) {
		total_bytes += c.bytes_by_dtype[i];
		total_elems += c.elems_by_dtype[i];
	}
	fprintf(out, "%-12s %d tensors, %llu elements, %s\n", "parameters", c.n_params,
		(unsigned long long)total_elems, gs_format_bytes(total_bytes, b3, sizeof(b3)));
	for (i = 0; i <= GS_DTYPE_MAX_; i++)
		if (c.count_by_dtype[i])
			fprintf(out, "  %-10s %6llu tensors %12llu elements  %s\n", gs_dtype_name(i),
				(unsigned long long)c.count_by_dtype[i], (unsigned long long)c.elems_by_dtype[i],
				gs_format_bytes(c.bytes_by_dtype[i], b3, sizeof(b3)));
	gs_model_figures(m, &f);
	if (f.weights)
		fprintf(out, "%-12s %.1f%% (%lld of %lld Conv/Gemm/MatMul weight elements are zero)\n",
			"sparsity", 100.0 * f.sparsity, (long long)f.zeros, (long long)f.weights);
	if (c.n_params)
		fprintf(out, "largest\n");
	for (i = 0; i < c.n_params && i < top; i++)
		fprintf(out, "  %-32s %-9s %-20s %s\n", esc(c.params[i].name, b1, sizeof(b1)),
			gs_dtype_name(c.params[i].t->dtype),
			gs_format_dims(c.params[i].t->rank, c.params[i].t->dims, b2, sizeof(b2)),
			gs_format_bytes(c.params[i].t->nbytes, b3, sizeof(b3)));
	census_release(&c);
}
