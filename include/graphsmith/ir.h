/*
 * The model IR: model -> graphs -> nodes and values, with parameters.
 *
 * Ownership: a gs_model owns everything reachable from it (graphs, nodes,
 * values, tensors, strings live in the model's arena or its heap arrays).
 * Pointers handed out are borrowed and stay valid until the model is freed
 * or, for node/value pointers, until the graph is edited.  Ids (indexes in
 * graph->nodes / graph->values) stay valid across edits: removing a node
 * leaves a tombstone (node->removed) so undo can bring it back.
 *
 * Tensor data is a view: bytes in the mapped model file or external data
 * file, or in a heap buffer owned by the tensor (GS_STORE_HEAP).  An edit
 * that changes data installs a new buffer (copy-on-write); it never writes
 * into a mapping.
 *
 * The IR knows nothing of protobuf; `origin` pointers are opaque handles
 * that the ONNX layer uses to write untouched parts back byte for byte.
 */
#ifndef GRAPHSMITH_IR_H
#define GRAPHSMITH_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphsmith/error.h"
#include "graphsmith/numeric.h"
#include "graphsmith/util.h"

struct gs_graph;

enum gs_tensor_store {
	GS_STORE_NONE,		/* no dense bytes (string tensors) */
	GS_STORE_MAPPED,	/* raw_data inside the mapped model file */
	GS_STORE_EXTERNAL,	/* inside a mapped external data file */
	GS_STORE_BORROWED,	/* decoded-in-place typed field of the source */
	GS_STORE_HEAP,		/* owned heap buffer (decoded or edited) */
};

struct gs_tensor {
	const char *name;
	int dtype;			/* enum gs_dtype */
	int rank;
	int64_t *dims;
	int64_t numel;
	const void *data;		/* dense little-endian elements, or NULL */
	size_t nbytes;
	enum gs_tensor_store store;
	bool dirty;			/* changed since load: rewrite on save */
	bool external_source;		/* was stored as external data */
	uint64_t zstd_bytes;		/* cached size of data through zstd, 0 if
					 * unknown; edits reset it */
	int64_t zeros;			/* cached count of zero elements, valid */
	bool zeros_known;		/* when this is set; edits reset it */
	void *origin;			/* ONNX layer's handle; NULL if new */
};

/* Attribute types use the numbers of ONNX AttributeProto.AttributeType. */
enum gs_attr_type {
	GS_ATTR_UNDEFINED = 0,
	GS_ATTR_FLOAT = 1, GS_ATTR_INT = 2, GS_ATTR_STRING = 3,
	GS_ATTR_TENSOR = 4, GS_ATTR_GRAPH = 5, GS_ATTR_FLOATS = 6,
	GS_ATTR_INTS = 7, GS_ATTR_STRINGS = 8, GS_ATTR_TENSORS = 9,
	GS_ATTR_GRAPHS = 10, GS_ATTR_SPARSE_TENSOR = 11,
	GS_ATTR_SPARSE_TENSORS = 12, GS_ATTR_TYPE_PROTO = 13,
	GS_ATTR_TYPE_PROTOS = 14,
};

struct gs_attr {
	const char *name;
	int type;			/* enum gs_attr_type */
	float f;
	int64_t i;
	const char *s;			/* STRING: bytes, NUL-terminated copy */
	size_t s_len;
	struct gs_tensor *t;		/* TENSOR */
	struct gs_graph *g;		/* GRAPH */
	int n;				/* count for the list types */
	float *floats;
	int64_t *ints;
	const char **strings;
	struct gs_graph **graphs;
	struct gs_tensor **tensors;
	const char *ref_attr_name;	/* inside functions */
	void *origin;			/* reused on save for kinds the IR keeps opaque */
};

struct gs_node {
	int id;
	const char *name;
	const char *op_type;
	const char *domain;		/* "" for the default ai.onnx domain */
	int n_inputs;
	int *inputs;			/* value ids; -1 for an omitted input */
	int n_outputs;
	int *outputs;			/* value ids; -1 for an omitted output */
	int n_attrs;
	struct gs_attr *attrs;
	bool removed;			/* tombstone: skipped by every walk */
	bool dirty;			/* changed since load: rewrite on save */
	void *origin;
};

struct gs_use {
	int node;
	int slot;
};

enum gs_value_kind {
	GS_VALUE_ACTIVATION,		/* produced by a node */
	GS_VALUE_INPUT,			/* a graph input that is not an initializer */
	GS_VALUE_PARAM,			/* an initializer or a Constant's output */
	GS_VALUE_OUTER,			/* captured from an enclosing graph */
};

struct gs_dim {
	int64_t value;			/* -1 when unknown or symbolic */
	const char *param;		/* symbolic name, or NULL */
};

struct gs_value {
	int id;
	enum gs_value_kind kind;
	const char *name;
	int dtype;			/* 0 when unknown */
	int rank;			/* -1 when unknown */
	struct gs_dim *dims;
	int producer;			/* node id, or -1 */
	int producer_port;
	int n_uses;
	int uses_alloc;
	struct gs_use *uses;
	struct gs_tensor *param;	/* GS_VALUE_PARAM: the data */
	const struct gs_value *outer;	/* GS_VALUE_OUTER: what it refers to */
	void *origin;			/* value_info / input / output handle */
	void *init_origin;		/* initializer handle */
	bool is_initializer;		/* PARAM stored as graph initializer */
	bool is_graph_output;
	bool shape_dirty;		/* dtype/shape edited: rewrite value_info */
	/* the shape the evaluator saw on the last run that recorded shapes
	 * (gs_eval_record_shapes): shown where the file declares none, never
	 * written back */
	bool has_inferred;
	int inferred_rank;
	int64_t *inferred_dims;		/* model arena */
};

struct gs_graph {
	const char *name;
	struct gs_model *model;
	struct gs_graph *parent;	/* NULL for the main graph */
	int owner_node;			/* node id in parent holding this graph */
	struct gs_node **nodes;
	int n_nodes, nodes_alloc;
	struct gs_value **values;
	int n_values, values_alloc;
	int *inputs, n_inputs;		/* value ids in file order; IR<4 files list
				 * initializers here too (kind PARAM) */
	int *outputs, n_outputs;
	int *initializers, n_initializers, initializers_alloc;
	struct gs_strmap by_name;	/* value name -> id */
	int *topo;			/* node ids in topological order */
	int n_topo;
	bool topo_valid;
	bool dirty;			/* structure changed: rewrite lists */
	void *origin;
	/* one block for the uses arrays gs_graph_reindex builds; a value whose
	 * uses live here has uses_alloc 0 and copies them out to grow */
	struct gs_use *use_block;
};

struct gs_opset {
	const char *domain;
	int64_t version;
};

struct gs_model {
	const char *path;
	int64_t ir_version;
	const char *producer_name, *producer_version;
	const char *domain, *doc_string;
	int64_t model_version;
	int n_opsets;
	struct gs_opset *opsets;
	int n_metadata;
	const char **metadata_keys, **metadata_values;
	int n_functions;
	struct gs_graph *graph;
	struct gs_graph **all_graphs;	/* every graph made, for freeing */
	int n_all_graphs, all_graphs_alloc;
	struct gs_arena arena;
	uint64_t file_size;
	void *source;			/* ONNX layer's loaded file, freed with it */
	void (*source_free)(void *source);
	bool opsets_dirty;
	const struct gs_journal *journal;
	int journal_muted;
};

/*
 * The file layer, as the layers above the IR see it (passes, learn,
 * history do not call into src/onnx): the ONNX layer installs these when
 * it loads or saves a model, and the workspace at its start.  Until then
 * a read is the tensor's own bytes and a size is 0.
 */
struct gs_file_ops {
	/* bytes [data, data + len) of a tensor of m for one pass over them:
	 * read into buf (len bytes) when they lie in the loaded file */
	const void *(*fetch)(const struct gs_model *m, const void *data, size_t len, void *buf);
	/* the size of m saved inline, and those bytes handed to sink in order */
	uint64_t (*packed_size)(struct gs_model *m);
	uint64_t (*pack_stream)(struct gs_model *m,
				void (*sink)(void *ctx, const void *data, size_t len), void *ctx);
};
void gs_file_ops_install(const struct gs_file_ops *ops);
const void *gs_model_fetch(const struct gs_model *m, const void *data, size_t len, void *buf);
uint64_t gs_model_packed_size(struct gs_model *m);
uint64_t gs_model_pack_stream(struct gs_model *m,
			      void (*sink)(void *ctx, const void *data, size_t len), void *ctx);

/* ---- lifetime ---- */
struct gs_model *gs_model_new(void);
void gs_model_free(struct gs_model *m);
struct gs_graph *gs_graph_new(struct gs_model *m, struct gs_graph *parent,
			      const char *name);

/* ---- lookups ---- */
int gs_graph_find_value(const struct gs_graph *g, const char *name);
/* Resolves a name through enclosing graphs (for outer-scope references). */
const struct gs_value *gs_graph_resolve(const struct gs_graph *g, const char *name);
const struct gs_attr *gs_node_attr(const struct gs_node *n, const char *name);
int64_t gs_node_attr_int(const struct gs_node *n, const char *name, int64_t dflt);
float gs_node_attr_float(const struct gs_node *n, const char *name, float dflt);
int64_t gs_model_opset(const struct gs_model *m, const char *domain); /* 0 if none */
/* The parameter a node input refers to, following Identity-free links
 * to an initializer or Constant output, or NULL. */
struct gs_tensor *gs_graph_param_of(const struct gs_graph *g, int value_id);
/* Live (non-removed) node count. */
int gs_graph_live_nodes(const struct gs_graph *g);

/* ---- building (used by the reader; for a loaded model prefer the
 * journaled edits below: gs_graph_add_node and gs_graph_add_initializer
 * are journaled too) ---- */
int gs_graph_add_value(struct gs_graph *g, const char *name);	/* or existing id */
/* Appends a node whose input/output names resolve to values (created if
 * missing); "" is an omitted slot.  Returns the node. */
struct gs_node *gs_graph_add_node(struct gs_graph *g, const char *op_type,
				  const char *domain, const char *name,
				  int n_inputs, const int *inputs,
				  int n_outputs, const int *outputs);
/* Makes value a parameter held by an initializer. */
void gs_graph_add_initializer(struct gs_graph *g, int value_id, struct gs_tensor *t);
struct gs_tensor *gs_tensor_new(struct gs_model *m, const char *name, int dtype,
				int rank, const int64_t *dims);
struct gs_attr *gs_node_add_attr(struct gs_model *m, struct gs_node *n,
				 const char *name, int type);

/* ---- edits ----
 * Every change to a loaded model goes through these functions.  Each marks
 * what it touches dirty (so the writer rebuilds just that) and, when the
 * model has a journal, first reports a gs_edit with the before-state, so
 * the history can undo it.  Passes must not write IR fields directly.
 */
enum gs_edit_kind {
	GS_EDIT_NODE_ADD,		/* undo: tombstone the node */
	GS_EDIT_NODE_REMOVE,		/* undo: restore it */
	GS_EDIT_INPUT,			/* node input slot rewired */
	GS_EDIT_TENSOR,			/* tensor dtype/dims/data replaced */
	GS_EDIT_ATTRS,			/* node attribute list changed */
	GS_EDIT_VALUE_TYPE,		/* value dtype/shape changed */
	GS_EDIT_INITIALIZER_ADD,
	GS_EDIT_INITIALIZER_REMOVE,
	GS_EDIT_OUTPUTS,		/* graph output list changed */
	GS_EDIT_OPSETS,			/* model opset imports changed */
	GS_EDIT_VALUE_ADD,		/* undo: the name is free again */
};

struct gs_edit {
	enum gs_edit_kind kind;
	struct gs_graph *g;
	int node, slot, value;		/* ids the edit is about, or -1 */
	int old_value;			/* INPUT: previous value id */
	struct gs_tensor *tensor;	/* TENSOR: the tensor edited;
					 * INITIALIZER_ADD: the value's param before
					 * (a Constant's tensor, or NULL) */
	/* TENSOR: the whole struct before.  If before.store is GS_STORE_HEAP
	 * the journal owns before.data (it may compress it and put it back
	 * before undo); other stores point into a mapping that outlives us. */
	struct gs_tensor before;
	struct gs_attr *old_attrs;	/* ATTRS (arena memory, stays valid) */
	int old_n_attrs;
	int old_dtype, old_rank;	/* VALUE_TYPE */
	struct gs_dim *old_dims;
	int *old_list, old_n;		/* OUTPUTS, INITIALIZER_REMOVE (index in old_n) */
	struct gs_opset *old_opsets;	/* OPSETS (and the IR version before;
					 * with g set, g's input list in old_list) */
	int64_t old_ir_version;
	int old_n_opsets;
	int old_kind;			/* INITIALIZER_*: the value's kind before */
	/* dirty flags before the edit, restored by undo so that undoing every
	 * step writes the original bytes again */
	bool node_dirty, graph_dirty, topo_valid, value_dirty, opsets_dirty;
};

struct gs_journal {
	void (*record)(void *ctx, struct gs_edit *e);
	void *ctx;
};

/* Installs (or with NULL removes) the journal that sees every edit. */
void gs_model_set_journal(struct gs_model *m, const struct gs_journal *j);
/* Reverts one edit (journal muted while it runs).  For TENSOR edits it
 * takes ownership of e->before.data and frees the data being replaced. */
void gs_edit_undo(struct gs_model *m, struct gs_edit *e);
/* Frees what an edit record owns (the before-image of a TENSOR edit). */
void gs_edit_release(struct gs_edit *e);

void gs_node_set_input(struct gs_graph *g, struct gs_node *n, int slot, int value_id);
void gs_graph_remove_node(struct gs_graph *g, struct gs_node *n);
/* Takes ownership of data (malloc'd, or NULL for no data). */
void gs_tensor_replace(struct gs_model *m, struct gs_tensor *t, int dtype, int rank,
		       const int64_t *dims, void *data, size_t nbytes);
void gs_graph_set_outputs(struct gs_graph *g, int n, const int *value_ids);
/* The graph's input list replaced (journaled; the values keep their kind). */
void gs_graph_set_inputs(struct gs_graph *g, int n, const int *value_ids);
void gs_value_set_type(struct gs_graph *g, struct gs_value *v, int dtype, int rank,
		       const int64_t *dims);
/* Attribute setters replace or append the attribute by name. */
void gs_node_set_attr_int(struct gs_graph *g, struct gs_node *n, const char *name, int64_t v);
void gs_node_set_attr_float(struct gs_graph *g, struct gs_node *n, const char *name, float v);
void gs_node_set_attr_ints(struct gs_graph *g, struct gs_node *n, const char *name,
			   int count, const int64_t *v);
void gs_node_set_attr_string(struct gs_graph *g, struct gs_node *n, const char *name,
			     const char *v);
void gs_node_set_attr_tensor(struct gs_graph *g, struct gs_node *n, const char *name,
			     struct gs_tensor *t);
void gs_node_remove_attr(struct gs_graph *g, struct gs_node *n, const char *name);
void gs_graph_remove_initializer(struct gs_graph *g, int value_id);
void gs_model_set_opset(struct gs_model *m, const char *domain, int64_t version);
/* Sets the IR version (up or down).  Below 4 it lists every initializer
 * of every graph as an input of its graph, as IR < 4 requires; from below
 * 4 to 4 or more it drops such listings from subgraphs (If/Loop bodies
 * must not have them there). */
void gs_model_set_ir_version(struct gs_model *m, int64_t version);
/* The lowest IR version a file importing default-domain opset `opset`
 * must declare (ONNX's versioning table). */
int64_t gs_ir_version_for_opset(int64_t opset);
/* Convenience for passes: a new initializer value holding t (name made
 * unique in g), or a new activation value; both journaled. */
int gs_graph_new_param(struct gs_graph *g, const char *name_hint, struct gs_tensor *t);
int gs_graph_new_value(struct gs_graph *g, const char *name_hint);
/* A fresh name, unique in g and its parents: "hint", "hint_1", ... */
const char *gs_graph_unique_name(struct gs_graph *g, const char *hint);

/* ---- importing a model into another (src/ir/import.c) ---- */
/* A new graph input named name (made unique), of that type; its id. */
int gs_graph_add_input(struct gs_graph *g, const char *name, int dtype, int rank,
		       const struct gs_dim *dims);
/* Sets v's type like gs_value_set_type, keeping symbolic dim names. */
void gs_value_copy_type(struct gs_graph *g, struct gs_value *v, int dtype, int rank,
			const struct gs_dim *dims);
/* Adds src's opset imports dst lacks and raises dst's IR version to src's;
 * refuses (nothing changed) when a domain is imported at two versions. */
int gs_model_merge_opsets(struct gs_model *dst, const struct gs_model *src, struct gs_error *err);
/* Deep copy of src's main graph into dst's main graph: every node (names
 * prefixed by prefix), value (types and symbolic dims kept), initializer
 * and Constant (tensors copied), subgraphs of If/Loop/Scan with their
 * outer references, opset imports merged.  bind[i] is the dst value that
 * src's graph input i reads (or -1, or bind NULL: a new input of dst named
 * prefix+name).  outputs[0..src graph's n_outputs) receive the dst values
 * of src's outputs; dst's output list is left to the caller.  Journaled. */
int gs_model_import(struct gs_model *dst, const struct gs_model *src, const char *prefix,
		    const int *bind, int *outputs, struct gs_error *err);

/* A deep copy of src (a tensor of model from, data read through the
 * mapping or external file) owned by model to, with heap data; named
 * name (copied into to's arena), or src's name when NULL.  The copy is
 * not attached to any graph (see gs_graph_new_param).  NULL with err set
 * when src has no readable data. */
struct gs_tensor *gs_tensor_clone(struct gs_model *to, const struct gs_model *from,
				  const struct gs_tensor *src, const char *name,
				  struct gs_error *err);

/* ---- structure ---- */
/* Recomputes uses and producers from the node lists. */
void gs_graph_reindex(struct gs_graph *g);
/* Kahn's order of live nodes; fails naming a node on the cycle. */
int gs_graph_toposort(struct gs_graph *g, struct gs_error *err);
/* Calls fn for g and every subgraph below it (depth first, parents first). */
int gs_graph_walk(struct gs_graph *g, int (*fn)(struct gs_graph *g, void *ctx), void *ctx);
/* Subgraphs held by a node's attributes. */
int gs_node_subgraphs(const struct gs_node *n, struct gs_graph **out, int max);

/* Overflow-checked size arithmetic: every size computed from file data
 * (element counts, byte sizes, shapes from attributes or tensors) goes
 * through these.  a * b and a + b of non-negative sizes, or -1 if an
 * operand is negative or the result overflows int64. */
int64_t gs_size_mul(int64_t a, int64_t b);
int64_t gs_size_add(int64_t a, int64_t b);
/* v truncated toward zero into *out; -1 (and *out untouched) if v is NaN
 * or outside int64's range, where C's conversion is undefined. */
int gs_double_to_i64(double v, int64_t *out);
/* Element count of dims, or -1 if negative or overflowing. */
int64_t gs_dims_numel(int rank, const int64_t *dims);
/* Bytes for numel elements of dtype (int4 packs two per byte); -1 on overflow. */
int64_t gs_dtype_nbytes(int dtype, int64_t numel);

/* A value's shape: "[1,3,224,224]", "[batch,128]" (symbolic dims
 * escaped), "?" of unknown rank; with inferred, the evaluator's recorded
 * shape where the file has none.  Whole and malloc'd, or into buf (cut at
 * len: fixed-width views only; reports use the whole text). */
char *gs_shape_text(const struct gs_value *v, bool inferred);
const char *gs_format_shape(const struct gs_value *v, char *buf, size_t len);

#endif
