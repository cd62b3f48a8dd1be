/*
 * Internals of the compatibility engine, shared by the files of src/match.
 *
 * Each graph is seen through a "view": transparent nodes (Identity, Dropout,
 * activation Q->DQ pairs) and the members of known patterns (BN after Conv,
 * Add after MatMul, LayerNorm and GELU chains) are absorbed into a base node;
 * constant subgraphs (Constant, DequantizeLinear of a weight, ...) become
 * parameter sources.  Matching pairs base nodes; the report expands each base
 * back into its member nodes.  Everything is indexed by node id of the graph.
 */
#ifndef GS_MATCH_INTERNAL_H
#define GS_MATCH_INTERNAL_H

#include <stdint.h>

#include "graphsmith/match.h"
#include "graphsmith/onnx.h"
#include "match/ops.h"

#define GS_WL_ROUNDS 3

enum {
	ROLE_DEAD,		/* removed node, not in the view */
	ROLE_BASE,		/* a view node */
	ROLE_ABSORBED,		/* member of a base node's group */
	ROLE_CONST,		/* part of a constant subgraph: a parameter source */
};

/* Kinds of a view input slot. */
enum {
	SLOT_ABSENT, SLOT_ACT, SLOT_INPUT, SLOT_PARAM, SLOT_ATTR,
};

/* A canonical attribute: name plus a hash of its value; text on demand. */
struct cattr {
	const char *name;
	uint64_t h;
	const struct gs_attr *attr;	/* or */
	const struct gs_tensor *tensor;	/* an attribute-like constant input, or */
	double num;			/* a synthetic scalar (virtual ops) */
	bool num_is_int;
};

/* What fusion.c found, while gs_match_view_build runs: per node, the count of its
 * pattern's inputs (-1: the node keeps its own), where they start in vals,
 * and the pattern's output value. */
struct pattern_io {
	int *cnt, *off, *out;
	int *vals, n_vals, vals_alloc;
};

/* The per-node and per-value arrays below live in one block, pool (see
 * view.c); the per-edge ones are allocated on their own. */
struct mview {
	const struct gs_graph *g;
	void *pool;
	const struct gs_model *model;
	int64_t opset;			/* of the default domain */
	int nn, nv;
	unsigned char *role;
	int *owner;			/* base node of each node, -1 */
	unsigned char *op;		/* ops.h id of each node, OP_NONE off the default domain */
	const char **vop;		/* canonical op of a base */
	unsigned char *vop_id;		/* its ops.h id, whatever the domain */
	const char **pattern;		/* "MatMul+Add", NULL for a plain node */
	bool *wt;			/* base stores its weight transposed (Gemm transB) */
	bool *comm;			/* base is a commutative op */
	struct pattern_io *pio;		/* gs_match_view_build scratch for fusion.c */
	/* view inputs and outputs per base (value ids, -1 absent) */
	int *in_off, *in_cnt, *ins;
	unsigned char *in_kind;
	int *in_port;			/* producer port of each input with a producer */
	int *out_off, *out_cnt, *outs;
	int n_ins, n_outs;
	/* canonical attributes per base */
	int *at_off, *at_cnt;
	struct cattr *attrs;
	int n_attrs;
	/* values: effective value (through transparent nodes), its base producer */
	int *eff;
	int *src;
	/* consumers per base: (node, slot, port) in CSR */
	int *dn_off, *dn_cnt;
	int *dn_node, *dn_slot, *dn_port;
	/* bases in canonical order */
	int *order, n_order;
	int *pos;			/* canonical position of a base */
	int *depth;
	uint64_t *sig[GS_WL_ROUNDS + 1];
	uint64_t *fam;
	/* matching state */
	int *match;
	unsigned char *method;
	float *score;
	bool *ambiguous;
	/* graph input/output pairing: value id -> partner value id */
	int *vmatch;
};

struct cand;

struct mctx {
	struct mview A, B;
	const struct mctx *parent;	/* the enclosing graphs' match, or NULL */
	const struct gs_match_opts *opts;
	int *work, n_work, work_alloc;	/* worklist of A bases */
	int *inputs_scratch;		/* propagate.c's, kept across its calls */
	struct cand *ca_buf, *cb_buf;	/* propagate.c's candidate lists */
	int ca_alloc, cb_alloc;
};

/* view.c */
void gs_match_view_build(struct mview *v, const struct gs_graph *g);
void gs_match_view_release(struct mview *v);

/* values.c */
/* What an outer-scope reference finally names, however many scopes out. */
const struct gs_value *gs_match_value_outermost(const struct gs_value *val);
const struct gs_tensor *gs_match_view_param(const struct mview *v, int value);
/* A parameter, or the output of a constant subgraph (ROLE_CONST). */
bool gs_match_view_is_const(const struct mview *v, int value);
int gs_match_view_slot_kind(const struct mview *v, int value);

/* weight.c: a weight's values however stored (tensor, DequantizeLinear,
 * Cast), borrowed or decoded into float32 the weight owns. */
struct gs_match_weight {
	const char *name;
	const struct gs_tensor *t;	/* NULL when decoded from a DequantizeLinear */
	int dtype;
	int rank;
	const int64_t *dims;		/* the model's (or the caller's) array */
	int64_t numel;
	const void *data;
	float *owned;
	const struct gs_node *dq;	/* the DequantizeLinear it came through */
	int cast_from;			/* the dtype behind a Cast (0 when none) */
};
/* The weight a view input refers to: 0, or -1 when it is none. */
int gs_match_weight_get(struct gs_match_weight *w, const struct mview *v, int value);
void gs_match_weight_from_floats(struct gs_match_weight *w, float *data, int64_t numel, int rank,
				 const int64_t *dims, const char *name);
void gs_match_weight_release(struct gs_match_weight *w);
/* Its values as float32: borrowed when they already are (and aligned),
 * else decoded into *owned (NULL when they cannot be). */
const float *gs_match_weight_floats(const struct gs_match_weight *w, float **owned);
/* A rank-2 weight's values transposed, in a new buffer. */
float *gs_match_weight_transposed(const struct gs_match_weight *w);
float *gs_match_tensor_floats(const struct gs_tensor *t);

/* canon.c */
void gs_match_canon_attrs(struct mview *v);
void gs_match_cattr_text(const struct cattr *a, char *buf, size_t len);
void gs_match_canon_default_text(const struct mview *v, const struct gs_node *n, const char *name,
				 const struct cattr *like, char *buf, size_t len);
uint64_t gs_match_hash_ints(const int64_t *v, int n);
uint64_t gs_match_hash_floats(const double *v, int n);

/* fusion.c */
void gs_match_fusion_patterns(struct mview *v);
/* A base grouping an affine chain (Conv+BatchNormalization, ...). */
bool gs_match_fusion_is_chain(const struct mview *v, int base);
int gs_match_fusion_fold_chain(const struct mview *v, int base, float **w, float **b,
			       int64_t *cout, int64_t *per);

/* signature.c */
void gs_match_sig_compute(struct mview *v);
uint64_t gs_match_family_of(const char *op);

/* anchor.c, propagate.c */
void gs_match_set_pair(struct mctx *c, int a, int b, int method, float score);
/* Pairs graph inputs/outputs; with nodes, also the outputs' producers. */
void gs_match_anchor_io(struct mctx *c, bool nodes);
void gs_match_anchor_unique(struct mctx *c, int round);
void gs_match_propagate(struct mctx *c);

/* align.c, fuzzy.c */
typedef void (*gap_fn)(struct mctx *c, const int *ga, int na, const int *gb, int nb,
		       int arg);
void gs_match_gaps_walk(struct mctx *c, gap_fn fn, int arg);
void gs_match_align_gaps(struct mctx *c);
int gs_match_align_lis(const int *seq, int n, int *keep);
void gs_match_fuzzy_pairs(struct mctx *c);

/* result.c: the match being built, and its entries */
struct param_job;

struct gs_match_build {
	struct gs_match *m;
	const struct mctx *cur;		/* innermost graph pair being matched */
	int entries_alloc, params_alloc, edges_alloc, io_alloc, strings_alloc;
	/* parameter pairs whose metrics gs_match_params_pair computes on every core */
	struct param_job *jobs;
	int n_jobs, jobs_alloc;
};

int gs_match_entry_add(struct gs_match_build *mb, int status, const struct gs_graph *ga,
		       const struct gs_graph *gb);
void gs_match_entry_push(struct gs_match_entry *e, bool side_b, int node);
/* A copy of s owned by the match (freed with it). */
const char *gs_match_own_string(struct gs_match_build *mb, const char *s);

/* params.c, edges.c, io.c: the result's lists, filled from a graph pair
 * by match.c once its bases are paired */
void gs_match_params_pair(struct gs_match_build *mb, struct mctx *c, int *entry_of_a,
			  int *entry_of_b);
void gs_match_edges_diff(struct gs_match_build *mb, struct mctx *c, const int *entry_of_b);
void gs_match_io_diff(struct gs_match_build *mb, struct mctx *c);

#endif
